"""HTML table cells with rowspan/colspan -> a grid of text, laid out as a browser does.

Part of the parse stage, used by `parsers.html_table`: pure functions on plain values (no
lxml), so the layout rules can be tested on their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from parsers.fields import header_key

# The leading digits of a rowspan/colspan attribute, as browsers read it ("2", " 3px").
SPAN_VALUE_RE = re.compile(r"^\s*\+?(?P<n>\d+)")
# HTML's own limits for spans (colspan 0 reads as 1, rowspan 0 as "to the end of the group").
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534


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


def column_labels(header_rows: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """One label per column from one or more header rows (spans already expanded).

    The lowest label names the column ("Likelihood" under a "Rating" group); when that label
    is already taken by a column to its left, the group's words come first, so the two
    columns stay apart ("Residual L" after "L").
    >>> column_labels([["ID", "Inherent", "Inherent", "Residual", "Residual"], ["ID", "L", "I", "L", "I"]])
    ('ID', 'L', 'I', 'Residual L', 'Residual I')
    """
    width = max((len(r) for r in header_rows), default=0)
    labels: list[str] = []
    taken: set[str] = set()
    for col in range(width):
        parts: list[str] = []
        for row in header_rows:
            text = row[col] if col < len(row) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        label = parts[-1] if parts else ""
        if label and header_key(label) in taken and len(parts) > 1:
            label = " ".join(parts)
        taken.add(header_key(label))
        labels.append(label)
    return tuple(labels)
