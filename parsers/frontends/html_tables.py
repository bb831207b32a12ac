"""HTML tables for the HTML front end: a `<table>` element -> a `Table` block, laid out as a browser does.

Rows above the header that hold no text, or one cell across the table (a title written as a row,
as Excel's "Save as HTML" does), are no header: a title row's text is the caption if the table
has none (`title_rows`). Header rows are then chosen (`<thead>`; else the leading rows of `<th>`
only; else the first row),
rowspan/colspan are expanded (`expand_spans`: a spanned value fills every slot it covers, rows
below a rowspan never shift a column), several header rows merge into one label per column
(`column_labels`), `<tfoot>` is dropped, cells libxml2 left outside any `<tr>` form rows, and
tables nested in a cell stay out of its text (the front end reads them as tables of their own).
A row that is one cell across the table keeps it in the first column: a group heading.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from parsers.frontends.html_elements import hidden
from parsers.frontends.html_source import Lines
from parsers.frontends.html_text import cell_text
from parsers.model import Row, Table, column_labels
from pipeline.errors import ParseError
from pipeline.textnorm import squash

# The leading digits of a rowspan/colspan attribute, as browsers read it ("2", " 3px").
SPAN_VALUE_RE = re.compile(r"^\s*\+?(?P<n>\d+)")
# HTML's own limits for spans (colspan 0 reads as 1, rowspan 0 as "to the end of the group").
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534
# A table whose spans would lay out more cells than this is an error, not a reason to use gigabytes.
MAX_TABLE_SLOTS = 5_000_000

ROW_GROUP_TAGS = frozenset({"thead", "tbody", "tfoot"})
CELL_TAGS = frozenset({"td", "th"})
# What the front end reads out of a layout table's cells as blocks of their own.
INNER_TAGS = ("table", "h1", "h2", "h3", "h4", "h5", "h6")
# What a table holds besides rows: never rows of its own.
TABLE_PARTS = frozenset({"table", "caption", "colgroup", "col"})


class Cell(NamedTuple):
    """One `<td>`/`<th>` as written: its text and how many rows and columns it spans."""

    text: str
    rowspan: int = 1  # 0: to the end of its row group, as in HTML
    colspan: int = 1


def span(value: str | None, *, rowspan: bool = False) -> int:
    """A rowspan/colspan attribute as HTML reads it: leading digits, clamped; junk reads as 1.

    >>> span("3"), span("2px"), span("x"), span("0"), span("0", rowspan=True), span("5000")
    (3, 2, 1, 1, 0, 1000)
    """
    if value is None:
        return 1
    match = SPAN_VALUE_RE.match(value)
    if not match:
        return 1
    n = int(match["n"][:6])
    if rowspan:
        return min(n, MAX_ROWSPAN)
    return min(max(n, 1), MAX_COLSPAN)


def expand_spans(rows: Sequence[Sequence[Cell]]) -> list[list[str]]:
    """One row group's cells laid out on a grid: a spanned value fills every cell it covers.

    Each cell goes to the first column its row has free (columns held by a rowspan from above
    are skipped), so rows below a rowspan never shift a column; a gap reads as "". Where spans
    overlap (a table-model error in HTML), the value that held the slot first keeps it. Same
    idea as pandas `io/html.py::_expand_colspan_rowspan`, without its shift of cells held
    from above past the end of a short row.

    >>> expand_spans([[Cell("R1"), Cell("Vault", colspan=2), Cell("SRE", rowspan=3)],
    ...               [Cell("R2"), Cell("DNS"), Cell("4")],
    ...               [Cell("R3")]])
    [['R1', 'Vault', 'Vault', 'SRE'], ['R2', 'DNS', '4', 'SRE'], ['R3', '', '', 'SRE']]
    """
    if all(cell.rowspan == 1 and cell.colspan == 1 for row in rows for cell in row):
        return [[cell.text for cell in row] for row in rows]  # no spans: most tables
    slots: dict[int, dict[int, str]] = {}  # row -> column -> text, for every slot already taken
    grid: list[list[str]] = []
    for i, row in enumerate(rows):
        taken = slots.pop(i, {})
        col = 0
        for cell in row:
            while col in taken:
                col += 1
            height = len(rows) - i if cell.rowspan == 0 else max(1, min(cell.rowspan, len(rows) - i))
            width = max(1, cell.colspan)
            for r in range(i, i + height):
                line = taken if r == i else slots.setdefault(r, {})
                for c in range(col, col + width):
                    line.setdefault(c, cell.text)
            col += width
        grid.append([taken.get(c, "") for c in range(max(taken) + 1)] if taken else [])
    return grid


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A row as written: the row group it sits in (thead/tbody/tfoot or the table), its line, its cells."""

    group: etree._Element
    line: int
    cells: tuple[etree._Element, ...]


def table_block(table: etree._Element, lines: Lines, *, chrome: bool = False, pre: bool = False) -> Table | None:
    """One `<table>` as a Table (None when it holds no text at all), its line that of its header
    row. Raises ParseError (with the line of its first row) when its spans would lay out more
    than MAX_TABLE_SLOTS cells."""
    rows = [r for r in source_rows(table, lines) if r.group.tag != "tfoot"]
    caption = next((squash(cell_text(c)) for c in table if c.tag == "caption"), "")
    titles = title_rows(rows)
    if titles:
        caption = caption or next((t for t in titles if t), "")
        rows = rows[len(titles) :]
    line, end = lines.of(table), lines.end(table)
    if not rows:
        return Table(line=line, end=end, header=(), rows=(), caption=caption, layout="html") if caption else None
    head = _header_flags(rows)
    cells = [_cells(r, h, pre) for r, h in zip(rows, head, strict=True)]
    size = sum(c.colspan * min(c.rowspan or len(rows), len(rows)) for row in cells for c in row)
    if size > MAX_TABLE_SLOTS:
        raise ParseError(
            f"table spreads over {size:,} cells once rowspan/colspan are expanded (limit "
            f"{MAX_TABLE_SLOTS:,}); check its span attributes",
            None,
            rows[0].line,
        )
    grid: list[list[str]] = []
    k = 0
    while k < len(rows):  # spans never cross a row group (thead, each tbody)
        stop = k
        while stop < len(rows) and rows[stop].group is rows[k].group:
            stop += 1
        grid.extend(expand_spans(cells[k:stop]))
        k = stop
    if not caption and not any(text for row in grid for text in row):
        return None
    header = column_labels([[t.replace("\n", " ") for t in g] for g, h in zip(grid, head, strict=True) if h])
    body = tuple(Row(r.line, tuple(g)) for r, g, h in zip(rows, grid, head, strict=True) if not h)
    # The table's line is its (first) header row's, as in every syntax: a card table's entry is
    # told from it, and the rows of a table without a header row start there.
    line = next(r.line for r, h in zip(rows, head, strict=True) if h)
    end = max(end, *(r.line for r in rows))
    return Table(line=line, end=end, header=header, rows=body, caption=caption, layout="html", chrome=chrome)


def title_rows(rows: Sequence[SourceRow]) -> list[str]:
    """The text of the leading rows that sit above the header: rows with no text, and rows of one
    cell in a table wider than one column (a title or caption written as a row). [] when no
    row below them could be the header (a table of such rows only keeps them as they are)."""
    width = max((sum(span(c.get("colspan")) for c in r.cells) for r in rows), default=0)
    titles: list[str] = []
    for row in rows:
        if any(span(c.get("rowspan"), rowspan=True) != 1 for c in row.cells):
            break  # a cell spanning down holds slots of the rows below: never dropped
        texts = [squash(cell_text(c)) for c in row.cells]
        if any(texts) and not (len(texts) == 1 and width > 1):
            return titles
        titles.append(" ".join(texts).strip())
    return []


def _header_flags(rows: Sequence[SourceRow]) -> list[bool]:
    """Which rows are header rows: those of <thead>; else the leading rows of <th> only; a table
    of <th> only (or of none) has its first row as header."""
    thead = next((r.group for r in rows if r.group.tag == "thead"), None)
    if thead is not None:
        return [r.group is thead for r in rows]
    run = next((k for k, r in enumerate(rows) if not all(c.tag == "th" for c in r.cells)), len(rows))
    n_head = run if 0 < run < len(rows) else 1
    return [k < n_head for k in range(len(rows))]


def _cells(row: SourceRow, is_head: bool, pre: bool) -> list[Cell]:
    cells = [Cell(cell_text(c, pre), span(c.get("rowspan"), rowspan=True), span(c.get("colspan"))) for c in row.cells]
    if not is_head and len(cells) == 1 and cells[0].rowspan == 1:
        # A lone cell across the table ("Security risks") labels the rows under it: keep it in
        # the first column only, so that the recognisers read it as a group heading.
        cells = [Cell(cells[0].text)]
    return cells


def source_rows(table: etree._Element, lines: Lines) -> list[SourceRow]:
    """The table's own rows in document order (not those of tables nested in its cells).

    Cells that libxml2 left outside any `<tr>` (`<table><td>a<td>b`) form one row per run.
    """
    rows: list[SourceRow] = []
    stack: list[tuple[Iterator[etree._Element], etree._Element, list[etree._Element]]] = []
    stack.append((iter(table), table, []))
    while stack:
        kids, group, orphans = stack[-1]
        child = next(kids, None)
        tag = child.tag if child is not None and isinstance(child.tag, str) else ""
        if child is not None and tag in CELL_TAGS:
            orphans.append(child)
            continue
        if orphans:
            rows.append(SourceRow(group, lines.of(orphans[0]), tuple(orphans)))
            orphans.clear()
        if child is None:
            stack.pop()
        elif tag == "tr" and not hidden(child):
            cells = tuple(_row_cells(child))
            if cells:
                rows.append(SourceRow(group, lines.of(child), cells))
        elif tag in ROW_GROUP_TAGS:
            stack.append((iter(child), child, []))
        elif tag and tag not in TABLE_PARTS:
            stack.append((iter(child), group, []))  # a <form> or <div> wrapped around rows
    return rows


def _row_cells(tr: etree._Element) -> Iterator[etree._Element]:
    """The cells of a row, also those wrapped in another element; never a nested table's."""
    kids = list(tr)
    if all(k.tag in CELL_TAGS or not isinstance(k.tag, str) for k in kids):  # most rows
        yield from (k for k in kids if k.tag in CELL_TAGS)
        return
    stack = [iter(kids)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in CELL_TAGS:
            yield child
        elif tag and tag not in ("table", "tr"):
            stack.append(iter(child))


def inner_blocks(table: etree._Element) -> Iterator[etree._Element]:
    """Headings and tables inside a table's cells (not inside tables nested deeper): what a
    layout table holds that the front end reads as blocks of their own, in document order."""
    for el in table.iter(*INNER_TAGS):
        outer = el.getparent()
        while outer is not None and outer.tag != "table":
            outer = outer.getparent()
        if el is not table and outer is table:
            yield el
