"""A row whose cells ran together, cut back into its cells: the search and its cost model.

    R-LOCK-01Vendor outage stalls sync3412mitigatingLock domain leadPer-vendor circuit breaker

The row is read against its header's columns, in the header's order. Typed cells are found by
what they can hold: the id by the pattern learnt from the rows, ratings as digits on the 1-5
scale (or scale words), the score as L x I, the status from the status vocabulary (longest
phrase first, similarity for typos), dates in date columns, the owner from the owner directory,
role words and the owners seen elsewhere in the document (`owner_cuts`). Free text (title,
mitigation) takes what lies between, ending only where the next column can start. Every way of
reading the row is priced (a cut at a case change "leadPer" is cheap, one inside a lower-case
run is not, an owner outside every vocabulary costs more than a known one) and the cheapest
wins; when another reading with different cells comes close, the row is marked ambiguous
instead of being guessed silently. The search is bounded by what the vocabulary allows at each
position, and readings that cannot come within the ambiguity margin of the best are dropped
as soon as their cost says so. Two more bounds keep the search from walking, again and again,
into what cannot end: a cell of a typed column holds a few letters and digits at most (a
rating one, a status phrase its own), so free text followed by typed cells ends only where
what is left fits them (`Search.first_end`); and a column and position from which the rest of
the row cannot be read is remembered as such (`Search.dead`). Neither changes a reading.
Takes a row's text, returns a Reading; pure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate

from parsers.frontends.textrows.cuts import INNER_CAPITAL_END_RE, Cut, boundary_cost, skip_space
from parsers.frontends.textrows.header import Column
from parsers.frontends.textrows.owner_cuts import MAX_OWNER_CHARS
from parsers.frontends.textrows.search import AMBIGUITY_MARGIN, MAX_WALKS, Search, SearchPath
from parsers.frontends.textrows.vocab import Vocabulary
from pipeline.matching import similarity
from pipeline.textnorm import fold, squash

# A row longer than this is not cut (no register row is; a hostile one would cost time): its
# text is kept whole.
MAX_ROW_CHARS = 3000

# A rating written as one digit on the 1-5 scale ("3" of "3412").
LEVEL_DIGIT_RE = re.compile(r"[1-5]")
# Typed columns' start tests remembered per vocabulary (`RowSplitter._start_tests`): one per kind,
# but one per id pattern for id columns, and id patterns are each document's.
MAX_START_TESTS = 256
# A score: L x I is 1-25, written with one or two digits ("12" of "3412", "6" of "236").
SCORE_RE = re.compile(r"(?:2[0-5]|1[0-9]|[1-9])")


@lru_cache(maxsize=8)
def date_re(months: tuple[str, ...]) -> re.Pattern[str]:
    """Dates in a date column: "2026-01-08", "08/01/2026", "2026-04", "Q2 2026", "Mar 2026",
    "4 March 2026"; anchored where the cell starts, longest form first. Month names come from
    the lexicon (`months`).

    >>> date_re(("mar", "march")).match("4 March 2026Open").group()
    '4 March 2026'
    """
    names = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True)) or "(?!)"
    return re.compile(
        rf"""\d{{4}}-\d{{2}}-\d{{2}}
          | \d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}
          | \d{{4}}-\d{{2}}(?!\d)
          | Q[1-4]\s?\d{{4}}
          | (?:\d{{1,2}}\s)?(?i:{names})\.?\s\d{{4}}""",
        re.VERBOSE,
    )


def _scoped(pattern: re.Pattern[str]) -> str:
    """A pattern's text with its flags in a group of its own, to be part of a larger pattern.

    >>> _scoped(re.compile("ab", re.IGNORECASE)), _scoped(re.compile("[1-5]"))
    ('(?i:ab)', '(?:[1-5])')
    """
    flags = "".join(c for flag, c in ((re.IGNORECASE, "i"), (re.VERBOSE, "x"), (re.DOTALL, "s"),
                                      (re.MULTILINE, "m")) if pattern.flags & flag)  # fmt: skip
    return f"(?{flags}:{pattern.pattern})"


@dataclass(frozen=True, slots=True)
class Reading:
    """How a row was read: one text per column, the confidence and why it is not 1.0."""

    cells: tuple[str, ...]
    confidence: float
    notes: tuple[str, ...]
    ambiguous: bool = False
    starts: tuple[int, ...] = ()  # where each cell starts in the row's text


class RowSplitter:
    """Reads rows of one table: its columns, id pattern and vocabulary."""

    def __init__(
        self, columns: Sequence[Column], id_re: re.Pattern[str] | None, vocab: Vocabulary, spaced: bool = False
    ) -> None:
        self.columns = tuple(columns)
        self.id_re = id_re
        self.vocab = vocab
        self.words = vocab.words
        self.spaced = spaced
        self.date_re = date_re(tuple(sorted(vocab.config.lexicon.phrases("months"))))
        tests = [self._start_tests(k) for k in range(len(self.columns))]
        self.starters = [starter for starter, _ in tests]
        self.start_finders = [finder for _, finder in tests]
        self.owner_column = next((k for k, c in enumerate(self.columns) if c.kind == "owner"), -1)
        # Most letters and digits columns k.. can hold together (inf: no bound).
        widths = [self._width(k) for k in range(len(self.columns))]
        self.tails = [*reversed(list(accumulate(reversed(widths)))), 0.0]

    def read(self, text: str) -> Reading:
        """The best reading of one row's text, with confidence and notes."""
        if len(text) > MAX_ROW_CHARS:
            return self.unsplit(text, f"row of {len(text)} characters is too long to cut into cells")
        search = self.search(text)
        paths = search.paths
        if not paths:
            why = "row has more ways to be cut than were tried" if search.cut_short else "row could not be cut"
            return self.unsplit(text, f"{why} into the header's columns")
        paths.sort(key=lambda p: (p.cost, p.order))  # equal costs as a search taking cuts as listed
        best = paths[0]
        notes, confidence = list(best.notes), best.confidence
        rival = next((p for p in paths[1:] if p.cells != best.cells), None)
        ambiguous = rival is not None and rival.cost - best.cost < AMBIGUITY_MARGIN
        if ambiguous:
            confidence = min(confidence, 0.5)
            notes.append("ambiguous split; also possible: " + self._difference(best, rival))
        if search.cut_short:  # hostile text, never a register row: see `search`
            ambiguous, confidence = True, min(confidence, 0.5)
            notes.append(f"row has more ways to be cut than the {MAX_WALKS}-step search tried; read from those found")
        return Reading(best.cells, round(confidence, 2), tuple(dict.fromkeys(notes)), ambiguous, best.starts)

    def search(self, text: str) -> Search:
        """Every reading of the row worth keeping (`Search.paths`), and what it took to find them."""
        search = Search(self, text)
        search.walk(0, 0, (), 0.0, (), 1.0, ())
        return search

    def unsplit(self, text: str, why: str) -> Reading:
        """A row that does not read: its id when it starts with one, and its whole text kept in
        the last cell, so nothing written is lost."""
        cells = [""] * len(self.columns)
        first = skip_space(text, 0)
        m = self.id_re.match(text, first) if self.id_re and self.columns[0].kind == "id" else None
        if m:
            cells[0] = m.group()
        cells[-1] = squash(text)
        last = self.columns[-1].header or "the last column"
        return Reading(tuple(cells), 0.2, (f"{why}; its text kept in {last}",), ambiguous=True)

    def fits(self, k: int, cell: str) -> bool:
        """Whether a cell already cut (a delimited record's) reads as column k's: a rating a
        level or a scale word, a status a status word, and so on; free text and owners always.

        >>> from pipeline.config import Config
        >>> from parsers.frontends.textrows.header import Column
        >>> sp = RowSplitter([Column("Impact", "impact", "level"), Column("Status", "status", "status")], None,
        ...                  Vocabulary.of(Config()))
        >>> sp.fits(0, "4"), sp.fits(0, "High"), sp.fits(0, "outage"), sp.fits(1, "In progress"), sp.fits(1, "4")
        (True, True, False, True, False)
        """
        kind = self.columns[k].kind
        if not cell or not self.columns[k].typed:
            return True
        pattern = {
            "level": (LEVEL_DIGIT_RE, self.words.scale_re),
            "score": (SCORE_RE,),
            "severity": (SCORE_RE, self.words.scale_re),
            "status": (self.words.status_re,),
            "date": (self.date_re,),
            "id": (self.id_re,) if self.id_re else (),
        }[kind]
        return not pattern or any(p.fullmatch(cell) for p in pattern if p is not None)

    def _difference(self, best: SearchPath, rival: SearchPath) -> str:
        return "; ".join(
            f"{c.header or c.field} {r!r}"
            for c, b, r in zip(self.columns, best.cells, rival.cells, strict=True)
            if b != r
        )

    # ---- what each column can read ----------------------------------------------------------
    def cuts(
        self, text: str, k: int, pos: int, owner_ends: Callable[[int], list[Cut]], min_end: int = 0
    ) -> Iterable[Cut]:
        """Every way column k can read from pos; free text leaves out ends before `min_end` (where
        the next columns cannot take what would be left)."""
        col = self.columns[k]
        start = skip_space(text, pos)
        last = k + 1 == len(self.columns)
        if col.kind == "id":
            m = self.id_re.match(text, start) if self.id_re else None
            return [Cut(m.end(), 0.0)] if m else [Cut(pos, 3.0, "no id found", 0.3)]
        if col.kind == "level":
            cuts = [Cut(start + 1, 0.0)] if LEVEL_DIGIT_RE.match(text, start) else []
            cuts += self._word_cuts(self.words.scale_re, text, start)
            return cuts or [Cut(start, 2.0, f"no {col.header} found", 0.6)]
        if col.kind == "score":
            cuts = [Cut(start + len(m.group()), 0.0) for m in _prefixes(SCORE_RE, text, start)]
            return cuts or [Cut(pos, 2.0, f"no {col.header} found", 0.6)]
        if col.kind == "severity":
            cuts = self._word_cuts(self.words.scale_re, text, start)
            cuts += [Cut(start + len(m.group()), 0.1) for m in _prefixes(SCORE_RE, text, start)]
            return cuts or [Cut(pos, 2.0, f"no {col.header} found", 0.6)]
        if col.kind == "status":
            return self._status_cuts(text, start, col)
        if col.kind == "date":
            return self._date_cuts(text, start, k, last, min_end)
        if col.kind == "owner":
            return [Cut(len(text), 0.0)] if last else owner_ends(start)
        # Free text: the rest of the row, or up to wherever the next column can start.
        if last:
            if text[start:].strip():
                return [Cut(len(text), 0.0)]
            return [Cut(len(text), 0.8, f"{col.header} is empty", 0.9)]
        return self.free_cuts(text, start, k, min_end)

    def _date_cuts(self, text: str, start: int, k: int, last: bool, min_end: int) -> Iterator[Cut]:
        """A date column ("Date raised", "Review date"): a date, else empty, else free text."""
        m = self.date_re.match(text, start)
        if m:
            yield Cut(m.end(), 0.0)
        elif last:
            yield Cut(len(text), 0.0 if not text[start:].strip() else 0.3)
        else:
            yield Cut(start, 0.3)
            yield from (replace(c, cost=c.cost + 0.3) for c in self.free_cuts(text, start, k, min_end))

    def _word_cuts(self, pattern: re.Pattern[str], text: str, start: int) -> list[Cut]:
        m = pattern.match(text, start)
        return [Cut(m.end(), 0.1)] if m else []

    def _status_cuts(self, text: str, start: int, col: Column) -> list[Cut]:
        ends = sorted(
            {
                m.end()
                for p in self.words.status_by_letter.get(text[start : start + 1].lower(), ())
                if (m := p.match(text, start)) and not INNER_CAPITAL_END_RE.search(m.group())
            },
            reverse=True,
        )
        if ends:
            # The longest phrase first ("accepted with mitigation" over "accepted").
            return [Cut(end, 0.0 if k == 0 else 0.2) for k, end in enumerate(ends)]
        cuts = []
        if start < len(text) and text[start].isalpha():
            # A typo seldom changes the first letter: compare with those phrases only.
            phrases = [p for p in self.words.fuzzy_status if p[0] == text[start].lower()]
            longest = max((len(p) for p in phrases), default=0) + 2
            for end in range(start + 3, min(len(text), start + longest) + 1):
                key = fold(text[start:end])
                if not key or text[end - 1].isspace() or INNER_CAPITAL_END_RE.search(text, end - 2, end):
                    continue
                score, phrase = max(((similarity(key, p), p) for p in phrases if p[0] == key[0]), default=(0.0, ""))
                if score >= self.vocab.config.match_min_score:
                    note = f"status {text[start:end]!r} read as {phrase!r} (similar spelling)"
                    cuts.append(Cut(end, 0.4 + (100 - score) / 10, note, 0.9))
        return [*cuts, Cut(start, 2.0, f"no {col.header} found", 0.6)]

    def _start_tests(self, k: int) -> tuple[Callable[[str, int], object], re.Pattern[str] | None]:
        """Where column k can start: a cheap test of one position q (`starters`), and for a
        typed column a pattern finding every such position in one scan (`start_finders`).
        A typed column's are one zero-width pattern of what it can hold (one call, not one per
        pattern), remembered for the vocabulary (they depend on the kind, the id pattern and
        the vocabulary's words only)."""
        kind = self.columns[k].kind
        if not self.columns[k].typed:
            # Free text or an owner next: only where the letter case or a space says a cell starts.
            spaced = self.spaced
            return (
                lambda t, q: boundary_cost(t, q, spaced) <= 0.1 and not (t[q - 1].isdigit() and t[q].isdigit())
            ), None
        id_key = (self.id_re.pattern, self.id_re.flags) if self.id_re and kind == "id" else None
        key = (kind, id_key, self.date_re.pattern if kind == "date" else None)
        cache = self.words.start_tests
        found = cache.get(key)
        if found is None:
            if len(cache) >= MAX_START_TESTS:
                cache.clear()
            pattern = self._start_pattern(k)
            firsts = self._first_chars(k)  # (none for an id: its pattern is the document's)
            finder = re.compile(pattern if firsts is None else f"(?={_scoped(firsts)}){pattern}")
            found = cache[key] = (re.compile(pattern).match, finder)
        return found

    def _start_pattern(self, k: int) -> str | None:
        """For a typed column, the text of one zero-width pattern of what it can hold; else None."""
        words = self.words
        patterns = {
            "level": (LEVEL_DIGIT_RE, words.scale_re),
            "score": (SCORE_RE,),
            "severity": (words.scale_re, SCORE_RE),
            "status": (words.status_re,),
            "id": (self.id_re,) if self.id_re else (),
            "date": (self.date_re,),
        }.get(self.columns[k].kind)
        if patterns is None:
            return None
        return "(?=" + ("|".join(map(_scoped, patterns)) or "(?!)") + ")"

    def free_cuts(self, text: str, start: int, k: int, min_end: int = 0) -> Iterator[Cut]:
        """Where free text from `start` (column k) can end: wherever column k+1 can start (from
        `min_end` on), from left to right; lazily, so that a search that stops early has not
        looked at the whole row for each cut it took."""
        starts = self.starters[k + 1]
        nxt = self.columns[k + 1]
        guessed = not nxt.typed
        note = f"{self.columns[k].header} | {nxt.header} boundary guessed from letter case" if guessed else ""
        for q in self._candidates(text, max(start + 1, min_end), k + 1):
            # (a typed cell's candidates are where it can start: `_candidates`)
            if guessed and (not starts(text, q) or INNER_CAPITAL_END_RE.search(text, q - 2, q)):
                continue
            q_end = q
            while q_end > start and text[q_end - 1].isspace():
                q_end -= 1
            cost = 0.5 if guessed else 0.0
            # A title that ends in digits running into the ratings ("v2" + "339"): allowed, but
            # the reading that leaves the digits to the ratings is preferred when both add up.
            if text[q_end - 1].isdigit() and text[q].isdigit():
                cost += 0.2
            yield Cut(q, cost, note, 0.7 if guessed else 1.0)

    def _candidates(self, text: str, first: int, k: int) -> Iterable[int]:
        """Positions from `first` where column k may start: for a typed cell, exactly those where
        `starters[k]` holds, found in one scan in C (`start_finders`), rather than asked position
        by position; for free text or an owner, every position (the caller asks `starters[k]`)."""
        finder = self.start_finders[k]
        if finder is None:
            return range(first, len(text))
        return (m.start() for m in finder.finditer(text, first))

    def _width(self, k: int) -> float:
        """The most letters and digits (`str.isalnum`) a cell of column k can hold, whatever cut
        `cuts` makes: a rating one digit or a scale phrase, a score two digits, a status its
        phrase or a misspelling two longer, an owner followed by another cell `MAX_OWNER_CHARS`;
        inf for free text, an id, a date (it may be read as free text) and a last column (it
        takes the rest). Phrases are folded (letters, digits, spaces) and match letter for
        letter, with only punctuation between their words."""
        kind, last = self.columns[k].kind, k + 1 == len(self.columns)
        scale, status = self.words.scale_width, self.words.status_width  # fuzzy_status among the statuses
        if kind == "level":
            return max(1, scale)
        if kind == "score":
            return 2
        if kind == "severity":
            return max(2, scale)
        if kind == "status":
            return status + 2
        if kind == "owner" and not last:
            return MAX_OWNER_CHARS
        return math.inf

    def _first_chars(self, k: int) -> re.Pattern[str] | None:
        """The characters a cell of column k can start with, as a pattern; None for any."""
        kind = self.columns[k].kind
        words = self.words
        scale = {p[0] for p in words.scale_phrases}
        firsts = {
            "level": {*"12345", *scale},
            "score": set("123456789"),
            "severity": {*"123456789", *scale},
            "status": set(words.status_by_letter),
            "date": {*"0123456789q", *(m[0] for m in self.vocab.config.lexicon.phrases("months"))},
        }.get(kind)
        if not firsts:
            return None
        return re.compile("[" + "".join(re.escape(c) for c in sorted(firsts)) + "]", re.IGNORECASE)

    def consistency(self, cells: tuple[str, ...]) -> tuple[float, tuple[str, ...], float]:
        """Extra cost when the stated score is not likelihood x impact."""
        values = {c.field: cell for c, cell in zip(self.columns, cells, strict=True) if c.field}
        lik, imp, score = (_rating(values.get(f), self.words.scale_words) for f in ("likelihood", "impact", "score"))
        if lik and imp and score and lik * imp != score:
            return 3.0, (f"stated score {score} is not likelihood x impact = {lik * imp}",), 0.6
        return 0.0, (), 1.0


def _prefixes(pattern: re.Pattern[str], text: str, start: int) -> list[re.Match[str]]:
    """Every match of `pattern` at `start`, shortest to longest ("1" and "12" of "12...")."""
    found = []
    for end in range(start + 1, min(len(text), start + 2) + 1):
        m = pattern.fullmatch(text, start, end)
        if m:
            found.append(m)
    return found


def _rating(cell: str | None, scale_words: Mapping[str, int]) -> int | None:
    """A rating cell as a number: digits as they are, scale words through the scale.

    >>> _rating("12", {}), _rating("High", {"high": 4}), _rating("", {})
    (12, 4, None)
    """
    if not cell:
        return None
    if cell.isdigit():
        return int(cell)
    return scale_words.get(fold(cell))


__all__ = ["AMBIGUITY_MARGIN", "Cut", "Reading", "RowSplitter", "Search", "boundary_cost", "date_re"]
