"""Legends: the scale a document states for itself ("1 Rare, 2 Unlikely ... 5 Almost certain").

A legend table has a column of distinct levels (1, 2, 3...) and likelihood or impact columns of
words; its words are the document's own scale (`ParsedDocument.stated_scales`), which the
normaliser reads before the default vocabulary. A register (a table with titles or ids) is never
a legend, even when its rating columns are all numbers.
"""

from __future__ import annotations

from parsers.model import Table
from parsers.recognise.columns import field_of_header
from parsers.recognise.common import NUMBER_CELL_RE, Context
from pipeline.textnorm import squash

Scales = dict[str, dict[str, int]]


def legend_scales(table: Table, ctx: Context) -> Scales:
    """The scale a legend table states: {"likelihood": {"Almost certain": 5, ...}, ...}.

    >>> from parsers.model import Row
    >>> legend = Table(line=1, end=3, header=("Score", "Likelihood", "Impact"),
    ...                rows=(Row(2, ("1", "Rare", "Minor")), Row(3, ("2", "Likely", "Major"))))
    >>> legend_scales(legend, Context("x.md", "md"))
    {'likelihood': {'Rare': 1, 'Likely': 2}, 'impact': {'Minor': 1, 'Major': 2}}
    """
    fields = [field_of_header(h, ctx) for h in table.header]
    if not table.rows or {"title", "entry_id"} & set(fields):
        return {}
    level_col = None
    for c in range(len(table.header)):
        cells = [r.cells[c] for r in table.rows if c < len(r.cells)]
        numbers = [m for cell in cells if (m := NUMBER_CELL_RE.match(cell))]
        if cells and len(numbers) == len(cells) and len({m["n"] for m in numbers}) == len(numbers):
            level_col = c
            break
    if level_col is None:
        return {}
    scales: Scales = {}
    for col, fld in enumerate(fields):
        if fld not in ("likelihood", "impact") or col == level_col:
            continue
        for row in table.rows:
            if col < len(row.cells) and level_col < len(row.cells) and row.cells[col].strip():
                if NUMBER_CELL_RE.match(row.cells[col]):
                    continue
                level = NUMBER_CELL_RE.match(row.cells[level_col])
                if level is not None:
                    scales.setdefault(fld, {})[squash(row.cells[col].replace("\n", " "))] = int(level["n"])
    return scales


def merge_scales(into: Scales, more: Scales) -> None:
    """Add a legend's words to the document's scales (a later legend adds, never removes)."""
    for fld, words in more.items():
        into.setdefault(fld, {}).update(words)
