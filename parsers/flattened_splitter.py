"""The row splitter and its cost model; a helper of `parsers.flattened_text`.

Each row whose cells ran together ("R-LOCK-01Vendor outage3412mitigatingLock domain
leadPer-vendor circuit breaker") is split back into its cells (the header is split by
`parsers.flattened_header`, the words come from `parsers.flattened_vocab`).
The row is read against its header's columns, in the header's order. Typed cells are found by
what they can hold: the id by the pattern learned from the rows, ratings as digits on the 1-5
scale (or scale words), the score as L x I, the status from the status vocabulary (longest
phrase first, similarity for typos), the owner from the owner directory, role words and the
owners seen elsewhere in the document. Free text (title, mitigation) takes what lies between.
Every way of reading the row is scored (a cut at a case change "leadPer" is cheap, a cut inside
a lower-case run is not, an owner outside every vocabulary costs more than a known one) and
the cheapest wins; when another reading with different cells comes close, the row is marked
ambiguous instead of being guessed silently.
Takes a row's text, returns a Reading; pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from parsers.fields import DATE_RE
from parsers.flattened_header import Column
from parsers.flattened_vocab import Vocabulary
from pipeline.matching import similarity
from pipeline.textnorm import fold, squash

# Two readings closer than this (in cost) with different cells make the row ambiguous.
AMBIGUITY_MARGIN = 0.5
# Longest owner cell tried, in characters and words.
MAX_OWNER_CHARS = 80
MAX_OWNER_WORDS = 8
# Cap on complete readings of one row: a guard against pathological text, never reached by rows.
MAX_READINGS = 5000

# A rating written as one digit on the 1-5 scale ("3" of "3412").
LEVEL_DIGIT_RE = re.compile(r"[1-5]")
# A score: L x I is 1-25, written with one or two digits ("12" of "3412", "6" of "236").
SCORE_RE = re.compile(r"(?:2[0-5]|1[0-9]|[1-9])")
# An owner cut just after the next cell's capital ("Security leadS|ignature"): never a name's end.
INNER_CAPITAL_END_RE = re.compile(r"[a-z][A-Z]$")
# What goes on from a known owner to a joint one: "Security| + DBA", "Security|, QA", "SRE| and Legal".
JOINER_START_RE = re.compile(r"\s*[+/&,;]|\s+(?:and|with)\s", re.IGNORECASE)
# The rest of a row that starts with a word's tail and then joins another owner: "ing + QA...",
# "E + legal...": the owner was cut inside a word.
# ("retry with backoff", "retry, then page" are mitigations: only short tails before "," or "and".)
FRAGMENT_JOINER_RE = re.compile(r"[^\W\d_]+\s*[+/&]\s|[^\W\d_]{1,4}(?:,|\s+and\s)", re.IGNORECASE)
# An owner cut after a word that joins two owners ("Seucrity and" | "Data Platform").
OPEN_JOINER_END_RE = re.compile(r"\s(?:and|with|or)$", re.IGNORECASE)
# Characters after which an upper-case letter starts a new cell ("leadPer", "01Vendor", "(GA)Tier").
CASE_BEFORE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789)]}\"'.”’%")


@dataclass(frozen=True, slots=True)
class Cut:
    """One way to read the next cell: where it ends, what it costs, what to say about it."""

    end: int
    cost: float
    note: str = ""
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Reading:
    """How a row was read: one text per column, the confidence and why it is not 1.0."""

    cells: tuple[str, ...]
    confidence: float
    notes: tuple[str, ...]
    ambiguous: bool = False
    starts: tuple[int, ...] = ()  # where each cell starts in the row's text


@dataclass(frozen=True, slots=True)
class _Path:
    cells: tuple[str, ...]
    cost: float
    notes: tuple[str, ...]
    confidence: float
    starts: tuple[int, ...]


def boundary_cost(text: str, at: int, spaced: bool) -> float:
    """Cost of a cell boundary at `at`: free at a case change or a letter/digit change, dear
    inside a lower-case word. In a row whose cells keep spaces between them (`spaced`), only
    whitespace is a boundary.

    >>> cases = (("leadPer", 4), ("SRECloud", 3), ("sync34", 4), ("(PCI)3", 5), ("Productanalytics", 7))
    >>> [boundary_cost(s, k, False) for s, k in cases]
    [0.0, 0.1, 0.0, 0.0, 0.5]
    >>> boundary_cost("Security lead", 8, False), boundary_cost("Security lead", 8, True)
    (0.6, 0.0)
    """
    if at <= 0 or at >= len(text):
        return 0.0
    a, b = text[at - 1], text[at]
    if spaced:
        return 0.0 if a.isspace() or b.isspace() else 1.5
    if a.isspace() or b.isspace():
        return 0.6
    if b.isupper() and a in CASE_BEFORE:
        return 0.0
    if a.isdigit() != b.isdigit():  # "sync|3412", "(PCI scope)|3515", "12|mitigating"
        return 0.0
    if a.isdigit() and b.isdigit():
        return 0.0
    if a.isupper() and b.isupper() and at + 1 < len(text) and text[at + 1].islower():
        return 0.1
    return 0.5


class RowSplitter:
    """Reads rows of one flattened table: its columns, id pattern and vocabulary."""

    def __init__(
        self, columns: Sequence[Column], id_re: re.Pattern[str] | None, vocab: Vocabulary, spaced: bool = False
    ) -> None:
        self.columns = tuple(columns)
        self.id_re = id_re
        self.vocab = vocab
        self.spaced = spaced

    def read(self, text: str) -> Reading:
        """The best reading of one row's text, with confidence and notes."""
        paths: list[_Path] = []
        owner_cache: dict[int, list[Cut]] = {}
        self._walk(text, 0, 0, (), 0.0, (), 1.0, (), paths, owner_cache)
        if not paths:
            keep = next((k for k, c in enumerate(self.columns) if c.field == "title"), 0)
            cells = tuple(squash(text) if k == keep else "" for k in range(len(self.columns)))
            return Reading(
                cells,
                0.2,
                (f"row could not be split into the header's columns; text kept as {self.columns[keep].header}",),
                ambiguous=True,
            )
        paths.sort(key=lambda p: p.cost)
        best = paths[0]
        notes, confidence = list(best.notes), best.confidence
        rival = next((p for p in paths[1:] if p.cells != best.cells), None)
        ambiguous = rival is not None and rival.cost - best.cost < AMBIGUITY_MARGIN
        if ambiguous:
            confidence = min(confidence, 0.5)
            notes.append("ambiguous split; also possible: " + self._difference(best, rival))
        return Reading(best.cells, round(confidence, 2), tuple(dict.fromkeys(notes)), ambiguous, best.starts)

    def _difference(self, best: _Path, rival: _Path) -> str:
        return "; ".join(
            f"{c.header or c.field} {r!r}"
            for c, b, r in zip(self.columns, best.cells, rival.cells, strict=True)
            if b != r
        )

    # ---- the search -------------------------------------------------------------------------
    def _walk(
        self,
        text: str,
        k: int,
        pos: int,
        cells: tuple[str, ...],
        cost: float,
        notes: tuple[str, ...],
        confidence: float,
        starts: tuple[int, ...],
        out: list[_Path],
        owner_cache: dict[int, list[Cut]],
    ) -> None:
        if len(out) >= MAX_READINGS:
            return
        if k == len(self.columns):
            if text[pos:].strip():
                return
            extra_cost, extra_notes, conf = self._consistency(cells)
            out.append(_Path(cells, cost + extra_cost, notes + extra_notes, min(confidence, conf), starts))
            return
        for cut in self._cuts(text, k, pos, owner_cache):
            cell = squash(text[pos : cut.end])
            step = cut.cost
            if cell and 0 < cut.end < len(text) and k + 1 < len(self.columns):
                step += boundary_cost(text, cut.end, self.spaced)
            self._walk(
                text,
                k + 1,
                cut.end,
                (*cells, cell),
                cost + step,
                notes + ((cut.note,) if cut.note else ()),
                min(confidence, cut.confidence),
                (*starts, _skip_space(text, pos)),
                out,
                owner_cache,
            )

    def _cuts(self, text: str, k: int, pos: int, owner_cache: dict[int, list[Cut]]) -> list[Cut]:
        """Every way column k can read from pos."""
        col = self.columns[k]
        start = _skip_space(text, pos)
        last = k + 1 == len(self.columns)
        if col.kind == "id":
            m = self.id_re.match(text, start) if self.id_re else None
            return [Cut(m.end(), 0.0)] if m else [Cut(pos, 3.0, "no id found", 0.3)]
        if col.kind == "level":
            return self._level_cuts(text, start, col)
        if col.kind == "score":
            cuts = [Cut(start + len(m.group()), 0.0) for m in _prefixes(SCORE_RE, text, start)]
            return cuts or [Cut(pos, 2.0, f"no {col.header} found", 0.6)]
        if col.kind == "severity":
            cuts = self._word_cuts(self.vocab.scale_re, text, start)
            cuts += [Cut(start + len(m.group()), 0.1) for m in _prefixes(SCORE_RE, text, start)]
            return cuts or [Cut(pos, 2.0, f"no {col.header} found", 0.6)]
        if col.kind == "status":
            return self._status_cuts(text, start, col)
        if col.kind == "date":
            return self._date_cuts(text, start, k, last)
        if col.kind == "owner":
            if last:
                return [Cut(len(text), 0.0)]
            if start not in owner_cache:
                owner_cache[start] = self._owner_cuts(text, start, k)
            return owner_cache[start]
        # Free text: the rest of the row, or up to wherever the next column can start.
        if last:
            return [
                Cut(
                    len(text),
                    0.0 if text[start:].strip() else 0.8,
                    "" if text[start:].strip() else f"{col.header} is empty",
                    1.0 if text[start:].strip() else 0.9,
                )
            ]
        return self._free_cuts(text, start, k)

    def _date_cuts(self, text: str, start: int, k: int, last: bool) -> list[Cut]:
        """A date column ("Date raised", "Review date"): a date, else empty, else free text."""
        m = DATE_RE.match(text, start)
        if m:
            return [Cut(m.end(), 0.0)]
        if last:
            return [Cut(len(text), 0.0 if not text[start:].strip() else 0.3)]
        return [Cut(start, 0.3), *(replace(c, cost=c.cost + 0.3) for c in self._free_cuts(text, start, k))]

    def _level_cuts(self, text: str, start: int, col: Column) -> list[Cut]:
        cuts = [Cut(start + 1, 0.0)] if LEVEL_DIGIT_RE.match(text, start) else []
        cuts += self._word_cuts(self.vocab.scale_re, text, start)
        return cuts or [Cut(start, 2.0, f"no {col.header} found", 0.6)]

    def _word_cuts(self, pattern: re.Pattern[str], text: str, start: int) -> list[Cut]:
        m = pattern.match(text, start)
        return [Cut(m.end(), 0.1)] if m else []

    def _status_cuts(self, text: str, start: int, col: Column) -> list[Cut]:
        ends = sorted(
            {
                m.end()
                for p in self.vocab.status_by_letter.get(text[start : start + 1].lower(), ())
                if (m := p.match(text, start)) and not INNER_CAPITAL_END_RE.search(m.group())
            },
            reverse=True,
        )
        if ends:
            # The longest phrase first ("accepted with mitigation" over "accepted").
            return [Cut(end, 0.0 if k == 0 else 0.2) for k, end in enumerate(ends)]
        cuts = []
        if start < len(text) and text[start].isalpha():
            longest = max((len(p) for p in self.vocab.fuzzy_status), default=0) + 2
            for end in range(start + 3, min(len(text), start + longest) + 1):
                key = fold(text[start:end])
                if not key or text[end - 1].isspace() or INNER_CAPITAL_END_RE.search(text, end - 2, end):
                    continue
                # A typo seldom changes the first letter: compare with those phrases only.
                score, phrase = max(
                    ((similarity(key, p), p) for p in self.vocab.fuzzy_status if p[0] == key[0]), default=(0.0, "")
                )
                if score >= self.vocab.config.match_min_score:
                    cuts.append(
                        Cut(
                            end,
                            0.4 + (100 - score) / 10,
                            f"status {text[start:end]!r} read as {phrase!r} (similar spelling)",
                            0.9,
                        )
                    )
        return [*cuts, Cut(start, 2.0, f"no {col.header} found", 0.6)]

    def _starter(self, k: int) -> Callable[[str, int], bool]:
        """A cheap test: can column k start at position q?"""
        col = self.columns[k]
        if col.kind == "level":
            return lambda t, q: bool(LEVEL_DIGIT_RE.match(t, q) or self.vocab.scale_re.match(t, q))
        if col.kind == "score":
            return lambda t, q: bool(SCORE_RE.match(t, q))
        if col.kind == "severity":
            return lambda t, q: bool(self.vocab.scale_re.match(t, q) or SCORE_RE.match(t, q))
        if col.kind == "status":
            return lambda t, q: bool(self.vocab.status_re.match(t, q))
        if col.kind == "id":
            return lambda t, q: bool(self.id_re and self.id_re.match(t, q))
        if col.kind == "date":
            return lambda t, q: bool(DATE_RE.match(t, q))
        # Free text or an owner next: only where the letter case or a space says a cell starts.
        return lambda t, q: boundary_cost(t, q, self.spaced) <= 0.1 and not (t[q - 1].isdigit() and t[q].isdigit())

    def _free_cuts(self, text: str, start: int, k: int) -> list[Cut]:
        starts = self._starter(k + 1)
        nxt = self.columns[k + 1]
        guessed = nxt.kind in ("text", "owner")
        cuts = []
        for q in range(start + 1, len(text)):
            if not starts(text, q) or (guessed and INNER_CAPITAL_END_RE.search(text, q - 2, q)):
                continue
            q_end = q
            while q_end > start and text[q_end - 1].isspace():
                q_end -= 1
            cost = 0.0
            # A title that ends in digits running into the ratings ("v2" + "339"): allowed, but
            # the reading that leaves the digits to the ratings is preferred when both add up.
            if text[q_end - 1].isdigit() and text[q].isdigit():
                cost += 0.2
            if guessed:
                cost += 0.5
            cuts.append(
                Cut(
                    q,
                    cost,
                    f"{self.columns[k].header} | {nxt.header} boundary guessed from letter case" if guessed else "",
                    0.7 if guessed else 1.0,
                )
            )
        return cuts

    def _owner_cuts(self, text: str, start: int, k: int) -> list[Cut]:
        """Where the owner cell (column k) starting at `start` can end, cheapest first."""
        next_starts = self._starter(k + 1)
        # Followed by a typed cell (a status, a rating), the owner ends exactly where that starts.
        anchored = self.columns[k + 1].kind not in ("text", "owner")
        cuts: list[Cut] = []
        exact_ends: list[int] = []
        fuzzy_ends: dict[int, tuple[str, float]] = {}
        guessed_ends: list[int] = []
        limit = min(len(text), start + MAX_OWNER_CHARS)
        for end in range(start + 1, limit + 1):
            owner = text[start:end]
            if ";" in owner or len(owner.split()) > MAX_OWNER_WORDS:
                break
            if (
                owner[-1].isspace()
                or owner[-1] in "+/&,(-"
                or INNER_CAPITAL_END_RE.search(owner)
                or OPEN_JOINER_END_RE.search(owner)
            ):
                continue
            if end < len(text) and not next_starts(text, end) and anchored:
                continue
            scored = self.vocab.owner_cost(owner)
            if scored is None:
                continue
            cost, note, conf, known_end, fuzzy_end = scored
            if fuzzy_end:
                fuzzy_ends[end] = fuzzy_end
            rest = text[end:]
            continues_word = (owner[-1].islower() and rest[:1].islower()) or (
                owner[-1].isupper() and rest[:1].isupper() and not rest[1:2].islower()
            )
            if (
                self.vocab.joiner_re.match(rest)
                or rest[:1] in ("+", "/", "&", ",")
                or (continues_word and FRAGMENT_JOINER_RE.match(rest))
            ):
                cost += 1.5  # the owner goes on: "Lock domain lead" | " + Security...", "Engineer" | "ing + QA"
            if (
                rest[:1].islower()
                and not known_end
                and owner[-1].isalpha()
                and fold(owner.split()[-1]) in self.vocab.role_keys
            ):
                cost += 0.5  # a role word that is the start of a longer word: "Engineer" | "ing"
            if self.vocab.role_start_re.match(rest):
                cost += 0.5  # a role word left to the mitigation: "Security" | "leadPer-vendor"
            if not rest.strip():
                cost += 0.8  # the mitigation would be empty
            if known_end:
                exact_ends.append(end)
            elif (
                not fuzzy_end
                and not anchored
                and end < len(text)
                and boundary_cost(text, end, self.spaced) > 0.0
                and not self.vocab.is_told(self.vocab.split_owners(owner)[-1])
            ):
                # An unknown owner running into the mitigation with nothing to show where: a guess.
                conf = min(conf, 0.6)
                note = f"owner {owner!r} not in the owner vocabulary; where it ends is a guess"
                guessed_ends.append(end)
                if owner[-2:].isupper() and rest[:1].islower():
                    cost += 0.5  # "Platform SREC|ontainer": the last capital starts the next word
            cuts.append(Cut(end, cost, note, conf))
        if exact_ends:
            cuts = [replace(c, cost=c.cost + _known_penalty(text, c.end, exact_ends)) for c in cuts]
        if fuzzy_ends:
            # A misspelt name ends where it is most like the name: "Securty|read" over "Securtyr|ead";
            # an unknown name a few letters off it ("Se|cuirty", "Secuirtyr|unbook") is that name
            # cut short or run on.
            peak = max((e for e in fuzzy_ends if not _beaten_nearby(e, fuzzy_ends)), default=start)
            cuts = [
                replace(c, cost=c.cost + 1.0)
                if c.end in fuzzy_ends and _beaten_nearby(c.end, fuzzy_ends)
                else replace(c, cost=c.cost + 0.5)
                if c.end not in fuzzy_ends
                and c.end not in exact_ends
                and text[min(c.end, peak) : max(c.end, peak)].isalpha()
                else c
                for c in cuts
            ]
        evidenced = [c.end for c in cuts if boundary_cost(text, c.end, self.spaced) <= 0.1]
        guessed_ends = [e for e in guessed_ends if boundary_cost(text, e, self.spaced) >= 0.5]
        if evidenced and guessed_ends:
            # A guess inside a word before a cut the letter case supports ("Pla|tform SRE|Container"):
            # the name most likely runs on to the supported cut.
            cuts = [
                replace(c, cost=c.cost + 0.5) if c.end in guessed_ends and c.end < max(evidenced) else c for c in cuts
            ]
        cuts.sort(key=lambda c: c.cost + boundary_cost(text, c.end, self.spaced))
        return cuts[:12]

    def _consistency(self, cells: tuple[str, ...]) -> tuple[float, tuple[str, ...], float]:
        """Extra cost when the stated score is not likelihood x impact."""
        values = {c.field: cell for c, cell in zip(self.columns, cells, strict=True) if c.field}
        lik, imp, score = (_rating(values.get(f), self.vocab.scale_words) for f in ("likelihood", "impact", "score"))
        if lik and imp and score and lik * imp != score:
            return 3.0, (f"stated score {score} is not likelihood x impact = {lik * imp}",), 0.6
        return 0.0, (), 1.0


def _beaten_nearby(end: int, fuzzy_ends: Mapping[int, tuple[str, float]]) -> bool:
    """Whether a cut 1-2 characters away reads the same misspelt owner more closely.

    >>> ends = {7: ("Security", 93.3), 8: ("Security", 87.5)}
    >>> _beaten_nearby(7, ends), _beaten_nearby(8, ends)
    (False, True)
    """
    canonical, score = fuzzy_ends[end]
    return any(
        (other := fuzzy_ends.get(end + d)) and other[0] == canonical and other[1] > score for d in (-2, -1, 1, 2)
    )


def _known_penalty(text: str, end: int, known_ends: Sequence[int]) -> float:
    """Extra cost of an owner cut next to cuts that read as known owners: of two known owners
    one inside the other ("Product" / "Product management") the longer wins; a reading that cuts
    a known owner short ("SECURIT|Y") or runs it on into the next cell ("Data Platform leadr",
    "Productanalytics") is a misspelt owner only in name.

    >>> t = "Data Platform leadrate limit"
    >>> [_known_penalty(t, e, [13, 18]) for e in (13, 18, 19)]
    [0.5, 0.0, 1.0]
    """
    if end in known_ends:
        return 0.5 if end < max(known_ends) else 0.0
    if end < max(known_ends):
        return 1.0
    last = max(known_ends)
    return 0.0 if JOINER_START_RE.match(text, last) else 1.0


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


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


__all__ = ["Reading", "RowSplitter", "boundary_cost"]
