"""The tables reStructuredText writes as directives, for the reST front end: `.. list-table::`
(rows are `* -` items, cells their `-` sub-items) and `.. csv-table::` (a `:header:` option and
CSV lines). The first `:header-rows:` rows are the header (merged when several); the first row
is, when the option is missing or says 0, as in every front end: a register's labels are in it
whatever the renderer would show. Grid and simple tables are `plain_tables`'.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from parsers.frontends.adoc_table import csv_cells
from parsers.frontends.linescan import indent_of, tidy
from parsers.model import Row, Table

CellText = Callable[[str], str]


def dedented(lines: Sequence[str]) -> str:
    """Lines of an indented body without the indentation they share, blank lines around dropped.

    >>> dedented(["", "   a", "     b", ""])
    'a\\n  b'
    """
    shared = min((indent_of(line) for line in lines if line.strip()), default=0)
    return "\n".join(line.expandtabs(4)[shared:] for line in lines).strip("\n")


def list_table(
    lines: Sequence[str], body: range, line: int, caption: str, options: Mapping[str, str], cell_text: CellText
) -> Table:
    """A `.. list-table::` from its body's lines (`line`: the directive's); lines under a cell carry it on.

    >>> t = list_table(["* - ID", "  - Risk", "* - R1", "  - Vault", "    outage"], range(5), 1, "", {}, str)
    >>> t.header, [(r.line, r.cells) for r in t.rows]
    (('ID', 'Risk'), [(3, ('R1', 'Vault outage'))])
    """
    rows: list[tuple[int, list[str]]] = []
    cell: list[str] = []
    row_indent = -1
    for k in body:
        s = lines[k].strip()
        if not s:
            continue
        at = indent_of(lines[k])
        if s.startswith(("* ", "+ ")) or s in ("*", "+") or (s.startswith("- ") and at <= row_indent):
            row_indent = at
            rows.append((k + 1, []))
            s = s[1:].strip()
            if not s:
                continue
        if not rows:
            continue
        if s.startswith("- ") or s == "-":
            cell = [s[1:].strip()]
            rows[-1][1].append("")
        elif rows[-1][1]:
            cell.append(s)
        else:
            continue
        rows[-1][1][-1] = tidy(" ".join(cell_text(p) for p in cell if p))
    return _table(rows, line, body.stop, caption, options, "list-table")


def csv_table(
    lines: Sequence[str], body: range, line: int, caption: str, options: Mapping[str, str], cell_text: CellText
) -> Table:
    """A `.. csv-table::`: its `:header:` option and its body, a row a line.

    >>> t = csv_table(['"R1", "Vault, sealed"'], range(1), 1, "", {"header": "ID, Risk"}, str)
    >>> t.header, [r.cells for r in t.rows]
    (('ID', 'Risk'), [('R1', 'Vault, sealed')])
    """
    rows = [(k + 1, _csv_cells(lines[k], cell_text)) for k in body if lines[k].strip()]
    if "header" in options:
        rows.insert(0, (line, _csv_cells(options["header"], cell_text)))
        options = {**options, "header-rows": "1"}
    return _table(rows, line, body.stop, caption, options, "csv-table")


def _csv_cells(line: str, cell_text: CellText) -> list[str]:
    return [tidy(cell_text(c)) for c in csv_cells(line.strip())]


def _table(
    rows: list[tuple[int, list[str]]], line: int, end: int, caption: str, options: Mapping[str, str], layout: str
) -> Table:
    """A directive's table: the first `:header-rows:` rows (at least one) are its header."""
    head_rows = options.get("header-rows", "1").strip()
    head = max(1, int(head_rows)) if head_rows.isdigit() else 1
    width = max((len(cells) for _, cells in rows), default=0)
    header = tuple(tidy(" ".join(c[k] for _, c in rows[:head] if k < len(c))) for k in range(width))
    body = tuple(Row(n, tuple(cells) + ("",) * (width - len(cells))) for n, cells in rows[head:])
    return Table(line=line, end=max(end, line), header=header, rows=body, caption=caption, layout=layout)
