"""A scale legend in text: its rows, one per level, cut into cells.

    ScoreLikelihoodImpact
    1Very rareNegligible (no parcel delayed)
    5Almost certainMulti-country outage, regulatory exposure

Each row is a level 1-5, then the level's words for each column, run together (cut where a
lower-case letter meets a capital) or one per line. The table goes to the legend recogniser,
which reads the document's own scale from it.
Takes lines of text, returns Rows; pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.model import Row
from pipeline.textnorm import squash

# A legend row: a level 1-5, then the level's words run together ("1Very rareNegligible").
# Not "1. Risk scoring" (a numbered heading) nor "12 ..." (not a level).
LEGEND_ROW_RE = re.compile(r"^\s*(?P<level>[1-5])(?![\d.)])\s*(?P<rest>\S.*)$")
# A case change that separates two legend cells: "rare|Negligible", "certain|Multi-tenant".
LEGEND_BREAK_RE = re.compile(r"(?<=[a-z0-9)])(?=[A-Z])")
# A legend level on a line of its own (one-cell-per-line legends).
LEVEL_LINES = frozenset("12345")


def run_legend_rows(lines: Sequence[str], first: int, width: int) -> tuple[list[Row], int]:
    """A legend's rows "1Very rareNegligible (...)" from index `first`, cut into `width` cells
    (the level, then the words of each other column; the last takes the rest of the line);
    and the index after them. A row with fewer parts than columns gets empty cells and says so.

    >>> rows, end = run_legend_rows(["1RareNegligible (no impact)", "2UnlikelyMinor, one Depot", ""], 0, 3)
    >>> [r.cells for r in rows], end
    ([('1', 'Rare', 'Negligible (no impact)'), ('2', 'Unlikely', 'Minor, one Depot')], 2)
    """
    rows: list[Row] = []
    i = first
    while i < len(lines) and len(lines[i]) <= 400 and (m := LEGEND_ROW_RE.match(lines[i])):
        rest = m["rest"]
        cuts = [0]
        for b in LEGEND_BREAK_RE.finditer(rest):
            if len(cuts) == width - 1:
                break
            cuts.append(b.start())
        parts = [squash(rest[a:b]) for a, b in zip(cuts, [*cuts[1:], len(rest)], strict=True)]
        cells = (m["level"], *parts, *[""] * (width - 1 - len(parts)))
        short = len(parts) < width - 1
        note = (f"legend row has {len(parts) + 1} parts for {width} columns",) if short else ()
        rows.append(Row(i + 1, cells, 0.7 if short else 1.0, note))
        i += 1
    return rows, i


def cell_legend_rows(lines: Sequence[str], first: int, width: int) -> tuple[list[Row], int]:
    """A legend in the one-cell-per-line layout: a level line, then its words line by line.

    >>> rows, end = cell_legend_rows(["1", "Rare", "Negligible", "2", "Unlikely", "Minor", "Next"], 0, 3)
    >>> [r.cells for r in rows], end
    ([('1', 'Rare', 'Negligible'), ('2', 'Unlikely', 'Minor')], 6)
    """
    rows: list[Row] = []
    i = first
    while i + width <= len(lines) and lines[i].strip() in LEVEL_LINES:
        rows.append(Row(i + 1, tuple(squash(lines[k]) for k in range(i, i + width))))
        i += width
    return rows, i


__all__ = ["cell_legend_rows", "run_legend_rows"]
