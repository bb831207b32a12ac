"""The search behind the row splitter: every reading of one row worth keeping, and its bounds.

Depth first, cuts as each column lists them (`RowSplitter.cuts`), but a typed cell's those after
which the next cell can start first, so that a good reading is found early; a reading is dropped
(a cut not even walked) as soon as its cost cannot come within `AMBIGUITY_MARGIN` of the best so
far. Which readings are kept does not depend on the order they are found in, and readings of
equal cost rank by each cut's place in its column's listing (`SearchPath.order`). Cells travel
as spans of the text and are squashed only in a complete reading.

Bounds that change no reading (and no order of finding them), because they leave out only what
cannot end in one:
- past `first_end[k]` what is left of the row fits columns k.. (it holds at most
  `RowSplitter.tails[k]` letters and digits): free text followed by typed cells (ratings, a
  status) is cut only where what is left fits them;
- a (column, position) from which the rest could not be read, the search not cut short there,
  is `dead` for every way of coming back to it.

Bounds on the work, never reached by a register row (the most any row of the test corpora,
the real documents and the acceptance seeds takes is in brackets) and reached by hostile text:
`MAX_WALKS` steps (107), `MAX_OWNER_STARTS` owner cells priced from different starts (12),
`MAX_READINGS` complete readings (13). A search that reaches one stops where it is (`cut_short`)
and the row is read from what was found, marked ambiguous. Free-text cuts come lazily, so that a
search stopped early has not listed the cuts it never took.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate, compress
from typing import TYPE_CHECKING

from parsers.frontends.textrows.cuts import Cut, boundary_cost, skip_space
from parsers.frontends.textrows.owner_cuts import owner_cuts
from pipeline.textnorm import squash

if TYPE_CHECKING:
    from parsers.frontends.textrows.splitter import RowSplitter

# Two readings closer than this (in cost) with different cells make the row ambiguous.
AMBIGUITY_MARGIN = 0.5
# Complete readings kept for one row.
MAX_READINGS = 5000
# Steps (calls of `Search.walk`) of one row's search.
MAX_WALKS = 2000
# Starts from which owner cells are priced in one row's search (each prices up to
# `owner_cuts.MAX_OWNER_CHARS` ends against the owner vocabulary: the dearest step there is).
MAX_OWNER_STARTS = 32


@dataclass(frozen=True, slots=True)
class SearchPath:
    """One complete reading: its cells, cost, notes, confidence and where each cell starts."""

    cells: tuple[str, ...]
    cost: float
    notes: tuple[str, ...]
    confidence: float
    starts: tuple[int, ...]
    # Each cell's place among the cuts its column listed: equal costs rank in this order, the
    # order of a search that takes every column's cuts as listed (see `Search.walk`).
    order: tuple[int, ...] = ()


class Search:
    """The readings of one row worth keeping (`paths`), found by `walk` (see the module doc);
    `walks` and `cut_short` say what it took."""

    def __init__(self, splitter: RowSplitter, text: str) -> None:
        self.splitter = splitter
        self.text = text
        self.paths: list[SearchPath] = []
        self.best = float("inf")
        self.walks = 0
        self.cut_short = False  # a bound on the work stopped the search
        self.dead: set[tuple[int, int]] = set()
        self.owners: dict[int, list[Cut]] = {}
        self._cells: dict[tuple[int, int], str] = {}
        # Non-space characters before each position: whether a cell has any text, in one step.
        # (Built by C loops, map and accumulate: a search may run on a 3,000-character row.)
        self._filled = [0, *accumulate(map(operator.not_, map(str.isspace, text)))]
        letters = list(compress(range(len(text)), map(str.isalnum, text)))
        self.first_end = [0 if tail >= len(letters) else letters[-int(tail) - 1] + 1 for tail in splitter.tails]

    def owner_cuts(self, start: int) -> list[Cut]:
        """The owner column's cuts from `start`, once per start; none once `MAX_OWNER_STARTS`
        starts have been priced (the search is then cut short)."""
        if start not in self.owners:
            if len(self.owners) >= MAX_OWNER_STARTS:
                self.cut_short = True
                return []
            sp = self.splitter
            k = sp.owner_column
            anchored = sp.columns[k + 1].typed
            self.owners[start] = owner_cuts(self.text, start, sp.starters[k + 1], anchored, sp.vocab, sp.spaced)
        return self.owners[start]

    def cell(self, span: tuple[int, int]) -> str:
        """The text of a cell, squashed, once per span."""
        if span not in self._cells:
            self._cells[span] = squash(self.text[span[0] : span[1]])
        return self._cells[span]

    def walk(
        self,
        k: int,
        pos: int,
        spans: tuple[tuple[int, int], ...],
        cost: float,
        notes: tuple[str, ...],
        confidence: float,
        starts: tuple[int, ...],
        order: tuple[int, ...] = (),
    ) -> bool:
        """Read columns k.. from pos; False when no reading of the rest exists from there (and
        the search was not cut short below), which is then remembered in `dead`.

        A typed cell's cuts are taken those after which the next cell can start first: "5420"
        is read as a score of 20 before one of 2 whose "0accepted" leaves no status, so that a
        good reading is found early and bounds the rest (the owner cells priced after "0..."
        cost most). Which readings are kept does not depend on the order taken (a reading is
        left out only when dearer than the best plus the margin), and `order` ranks the equal."""
        self.walks += 1
        if self.walks > MAX_WALKS or len(self.paths) >= MAX_READINGS:
            self.cut_short = True
        sp, text = self.splitter, self.text
        if self.cut_short or cost >= self.best + AMBIGUITY_MARGIN:
            return True  # cut short: says nothing of what could be read from here
        if pos < self.first_end[k] or (k, pos) in self.dead:
            return False
        if k == len(sp.columns):
            if text[pos:].strip():
                return False
            cells = tuple(map(self.cell, spans))
            extra_cost, extra_notes, conf = sp.consistency(cells)
            total = cost + extra_cost
            self.paths.append(SearchPath(cells, total, notes + extra_notes, min(confidence, conf), starts, order))
            self.best = min(self.best, total)
            return True
        alive = False
        owner_ends: Callable[[int], list[Cut]] = self.owner_cuts
        for place, cut in self._taken(sp.cuts(text, k, pos, owner_ends, self.first_end[k + 1]), k):
            step = cut.cost
            if self._filled[cut.end] > self._filled[pos] and 0 < cut.end < len(text) and k + 1 < len(sp.columns):
                step += boundary_cost(text, cut.end, sp.spaced)
            if cost + step >= self.best + AMBIGUITY_MARGIN:
                # What walking there would find at once (the owner's dozen dearer ends, mostly):
                # nothing, and nothing said of what could be read from there.
                alive = True
                continue
            alive |= self.walk(
                k + 1,
                cut.end,
                (*spans, (pos, cut.end)),
                cost + step,
                notes + ((cut.note,) if cut.note else ()),
                min(confidence, cut.confidence),
                (*starts, skip_space(text, pos)),
                (*order, place),
            )
            if self.cut_short:
                return True
        if not alive and not self.cut_short:
            self.dead.add((k, pos))
        return alive or self.cut_short

    def _taken(self, cuts: Iterable[Cut], k: int) -> Iterable[tuple[int, Cut]]:
        """Column k's cuts with their places in its listing, in the order the search takes them:
        a typed cell's (a short list) those after which column k+1 can start first; free text's
        and an owner's as listed (free text's come lazily, an owner's cheapest first)."""
        sp, text = self.splitter, self.text
        typed = sp.columns[k].typed
        if not typed or not isinstance(cuts, list) or len(cuts) < 2 or k + 1 >= len(sp.columns):
            return enumerate(cuts)
        starts, size = sp.starters[k + 1], len(text)

        def next_cannot_start(placed: tuple[int, Cut]) -> bool:
            q = skip_space(text, placed[1].end)
            return q >= size or not starts(text, q)

        return sorted(enumerate(cuts), key=next_cannot_start)


__all__ = ["AMBIGUITY_MARGIN", "MAX_OWNER_STARTS", "MAX_READINGS", "MAX_WALKS", "Search", "SearchPath"]
