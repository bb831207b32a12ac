"""AsciiDoc tables (`|===` ... `|===`), for the AsciiDoc front end.

A cell starts at each `|` (escaped `\\|` is a literal bar) and runs on over lines until the next
one, so a row may sit on one line (`|R1 |Vault outage |SRE`) or one cell per line; the number of
columns comes from the `cols` attribute, else from the first line of cells. A cell's spec before
its `|` may span columns (`2+|`), rows (`.2+|`), repeat it (`3*|`) or set its style (`a|`):
spans are filled, as the model wants them, except a body row written as one cell across
columns (`5+|_Retired_`, or `2+|_Retired_ 3+|` with empty cells after it): its text stays in the
first column only, as the HTML front end keeps a lone `<td colspan>`, so the recognisers read it
as a group heading. The first row is the header, whether the table marks
it (`%header`, a blank line under it) or not, even under `%noheader`: the labels a register's
columns carry are in it whatever the renderer would show (the HTML front end does the same for a
table without `<th>`). `,===` and `:===` tables are CSV and colon-separated. Each loop moves forward;
spans and repeats are capped, so a hostile spec cannot multiply the work.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from parsers.frontends.linescan import tidy
from parsers.model import Row, Table
from pipeline import csvfields

# A table's delimiter line: "|===", ",===" (CSV), ":===" (colon-separated), "!===" (nested).
DELIMITER_RE = re.compile(r"^(?P<sep>[|,:!])={3,}[ \t]*$")
# A cell's spec, right before its "|": repeat "3*", span "2+" / ".2+" / "2.3+", alignment, style.
SPEC_RE = re.compile(
    r"(?:^|(?<=[ \t]))(?P<spec>(?:(?P<dup>\d{1,4})\*)?(?:(?P<cols>\d{1,4})?(?:\.(?P<rows>\d{1,4}))?\+)?"
    r"(?:[<^>])?(?:\.[<^>])?(?P<style>[adehlmsv])?)$"
)
# The number of columns in a `cols` attribute: "3*" or a list "1,2a,3".
COLS_RE = re.compile(r"\bcols\s*=\s*\"?(?P<cols>[^\"\]]*)")
REPEAT_COLS_RE = re.compile(r"^\s*(?P<n>\d{1,4})\s*\*")
# What a spec may do at most: repeat a cell, span rows.
MAX_REPEAT = 100
MAX_ROWSPAN = 100


@dataclass(slots=True)
class _Cell:
    line: int
    text: str
    repeat: int = 1
    colspan: int = 1
    rowspan: int = 1


def table_at(
    lines: Sequence[str], first: int, attributes: str, caption: str, cell_text: Callable[[str], str]
) -> tuple[Table, int]:
    """The table whose opening delimiter is at index `first`, and the index after its closing one.

    >>> t, end = table_at(["|===", "|ID |Risk", "", "|R1 |Vault", "outage", "2+|Retired: none", "|==="], 0, "", "", str)
    >>> t.header, [(r.line, r.cells) for r in t.rows], end
    (('ID', 'Risk'), [(4, ('R1', 'Vault\\noutage')), (6, ('Retired: none', ''))], 7)
    """
    delimiter = lines[first].strip()
    sep = delimiter[0]
    end = first + 1
    while end < len(lines) and lines[end].strip() != delimiter:
        end += 1
    body = range(first + 1, end)
    if sep in ",:":
        rows = _delimited_rows(lines, body, sep)
    else:
        cells, first_line = _cells(lines, body, "|" if sep == "|" else "!")
        width = _width(attributes) or first_line
        rows = _grouped(cells, width, cell_text)
    header = rows[0][1] if rows else ()
    out = tuple(Row(n, cells) for n, cells in rows[1:])
    last = end + 1 if end < len(lines) else max([first + 1, *(k + 1 for k in body if lines[k].strip())])
    return Table(line=first + 1, end=last, header=header, rows=out, caption=caption, layout="asciidoc"), end + 1


def _width(attributes: str) -> int:
    """The number of columns a `cols` attribute gives (0 when none).

    >>> _width('[cols="1,3,1a", options="header"]'), _width('[cols="4*"]'), _width("[%header]")
    (3, 4, 0)
    """
    m = COLS_RE.search(attributes)
    if m is None or not m["cols"].strip():
        return 0
    repeat = REPEAT_COLS_RE.match(m["cols"])
    return int(repeat["n"]) if repeat else m["cols"].count(",") + 1


def _cells(lines: Sequence[str], body: range, bar: str) -> tuple[list[_Cell], int]:
    """Every cell in reading order, and how many cells the first line of cells holds."""
    cells: list[_Cell] = []
    first_line = 0
    split = re.compile(rf"(?<!\\){re.escape(bar)}")
    for k in body:
        line = lines[k]
        if not line.strip():
            if cells:
                cells[-1].text += "\n"
            continue
        pieces = split.split(line)
        if len(pieces) == 1:  # no bar: the line carries on the cell above
            if cells:
                cells[-1].text += "\n" + line.strip()
            continue
        carry, spec = _spec_at_end(pieces[0])
        if carry and cells:  # text before the first bar carries on the cell above
            cells[-1].text += "\n" + carry
        for at, piece in enumerate(pieces[1:], 2):
            text = piece.replace("\\" + bar, bar)
            following = None
            if at < len(pieces):
                text, following = _spec_at_end(text)
            cells.append(_cell(k + 1, text, spec))
            spec = following
        first_line = first_line or len(pieces) - 1
    return cells, first_line


def _spec_at_end(text: str) -> tuple[str, re.Match[str] | None]:
    """A piece of a line without the spec of the cell after it at its end ("outage 2+"), and that spec.

    >>> [(t, m["spec"] if m else None) for t, m in (_spec_at_end("outage 2+"), _spec_at_end("a"), _spec_at_end("m "))]
    [('outage', '2+'), ('', 'a'), ('m', None)]
    """
    m = SPEC_RE.search(text)  # right before the bar: "outage 2+|", never "outage 2 |"
    if m is None or not m["spec"]:
        return text.strip(), None
    return text[: m.start()].strip(), m


def _cell(line: int, text: str, spec: re.Match[str] | None) -> _Cell:
    if spec is None:
        return _Cell(line, text)
    return _Cell(
        line,
        text,
        repeat=min(int(spec["dup"] or 1), MAX_REPEAT),
        colspan=int(spec["cols"] or 1),
        rowspan=min(int(spec["rows"] or 1), MAX_ROWSPAN),
    )


def _grouped(cells: list[_Cell], width: int, cell_text: Callable[[str], str]) -> list[tuple[int, tuple[str, ...]]]:
    """Cells in rows of `width`, spans filled: a cell spanning columns fills each of them, one
    spanning rows fills its column in the rows under it. A row keeps count of its filled slots
    and of where its first free one may be, so a table as wide as a 64K-cell line costs a step
    per cell, not a scan of the row per cell.

    >>> [cells for _, cells in _grouped([_Cell(1, "a", colspan=2), _Cell(1, "b"), _Cell(2, "c")], 2, str)]
    [('a', 'a'), ('b', 'c')]
    """
    width = max(width, 1)
    rows: list[tuple[int, tuple[str, ...]]] = []
    below: dict[int, tuple[int, str]] = {}  # column -> (rows still to fill, text) of a row span
    row: list[str | None] | None = None
    written: list[tuple[str, int]] = []  # the cells written in `row` (text, columns spanned)
    carried = False  # whether `row` holds cells a row span above filled
    filled = 0  # slots of `row` that hold text
    free = 0  # no slot of `row` before this one is free
    line = 0

    def finish() -> None:
        nonlocal row
        if row is not None and any(c for c in row):
            cells = tuple(c or "" for c in row)
            rows.append((line, _group_heading(cells, written) if rows and not carried else cells))
        row = None

    def start(at: int) -> list[str | None]:
        nonlocal line, filled, free, carried
        line, filled, free, carried = at, len(below), 0, bool(below)
        written.clear()
        fresh: list[str | None] = [None] * width
        for col, (left, text) in list(below.items()):
            fresh[col] = text
            if left > 1:
                below[col] = (left - 1, text)
            else:
                del below[col]
        return fresh

    for cell in cells:
        text = tidy(cell_text(tidy(cell.text)))
        for _ in range(cell.repeat):
            if row is None:
                row = start(cell.line)
            while filled == width:  # ends: each new row takes a row off every row span
                finish()
                row = start(cell.line)
            while row[free] is not None:
                free += 1
            written.append((text, max(1, cell.colspan)))
            for c in range(free, min(width, free + max(1, cell.colspan))):
                filled += row[c] is None
                row[c] = text
                if cell.rowspan > 1:
                    below[c] = (cell.rowspan - 1, text)
            if filled == width:
                finish()
    finish()
    return rows


def _group_heading(cells: tuple[str, ...], written: Sequence[tuple[str, int]]) -> tuple[str, ...]:
    """A body row written as one cell spanning columns, maybe with empty cells after it
    (`5+|_Retired_`, `2+|_Retired_ 3+|`), with its text in the first column only, the rest empty,
    as the HTML front end lays out a lone `<td colspan>` (a group heading over the rows under it);
    any other row as it is.

    >>> _group_heading(("Retired",) * 3, [("Retired", 2), ("", 1)]), _group_heading(("R1", "R1"), [("R1", 2)])
    (('Retired', '', ''), ('R1', ''))
    >>> _group_heading(("R1", "Vault", "Vault"), [("R1", 1), ("Vault", 2)])
    ('R1', 'Vault', 'Vault')
    """
    texts = [(text, span) for text, span in written if text]
    if len(texts) != 1 or texts[0] != written[0] or written[0][1] < 2:
        return cells
    return (cells[0],) + ("",) * (len(cells) - 1)


def csv_cells(line: str, sep: str = ",") -> list[str]:
    """The cells of one line of CSV (quoted cells may hold the separator); a line the csv module
    cannot read (a stray carriage return) is split at every separator.

    >>> csv_cells('R1, "Vault, sealed"'), csv_cells("a,b\\rc")
    (['R1', 'Vault, sealed'], ['a', 'b\\rc'])
    """
    try:
        return next(csvfields.reader([line], delimiter=sep, skipinitialspace=True), [])
    except csv.Error:
        return line.split(sep)


def _delimited_rows(lines: Sequence[str], body: range, sep: str) -> list[tuple[int, tuple[str, ...]]]:
    """The rows of a `,===` (CSV) or `:===` table, one per line."""
    rows = []
    for k in body:
        if lines[k].strip():
            rows.append((k + 1, tuple(tidy(c) for c in csv_cells(lines[k], sep))))
    return rows
