"""Columns and cells of a table flattened to text; a helper of `parsers.flattened_text`.

The header line ("IDRiskLikelihoodImpactScoreStatusOwnerMitigation") is split into columns
against the header synonyms; each row whose cells ran together ("R-LOCK-01Vendor
outage3412mitigatingLock domain leadPer-vendor circuit breaker") is split back into its cells.
The row is read against its header's columns, in the header's order. Typed cells are found by
what they can hold: the id by the pattern learned from the rows, ratings as digits on the 1-5
scale (or scale words), the score as L x I, the status from the status vocabulary (longest
phrase first, similarity for typos), the owner from the owner directory, role words and the
owners seen elsewhere in the document. Free text (title, mitigation) takes what lies between.
Every way of reading the row is scored (a cut at a case change "leadPer" is cheap, a cut inside
a lower-case run is not, an owner outside every vocabulary costs more than a known one) and
the cheapest wins; when another reading with different cells comes close, the row is marked
ambiguous instead of being guessed silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from parsers.fields import DATE_RE, field_of_header, is_date_header, is_extra_header
from parsers.flattened_vocab import Vocabulary
from pipeline.matching import similarity
from pipeline.textnorm import fold, squash

ColumnKind = Literal["id", "text", "level", "score", "severity", "status", "owner", "date"]

# Kind of cell each canonical field holds; a column with no field is free text.
KIND_OF_FIELD: dict[str, ColumnKind] = {
    "entry_id": "id",
    "title": "text",
    "likelihood": "level",
    "impact": "level",
    "score": "score",
    "severity": "severity",
    "status": "status",
    "owner": "owner",
    "mitigation": "text",
}
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
# Where a header's cells ran together: "IDRisk", "ImpactL×I", "SRECloud"; also any space.
HEADER_BREAK_RE = re.compile(
    r"""(?<=[a-z0-9)\]])(?=[A-Z#(])   # lower case or digit, then upper case: "RiskLikelihood"
      | (?<=[A-Z])(?=[A-Z][a-z])      # end of an upper-case run: "IDRisk"
      | (?<=[^\sA-Za-z0-9(])(?=[A-Z]) # a symbol, then upper case: "L×I"
      | \s+""",
    re.VERBOSE,
)
# What a header line never holds: a sentence's "=", ":" or closing full stop ("Risk score =
# likelihood × impact.", "Owners:").
NOT_HEADER_RE = re.compile(r"[=:;!?]|(?<![Nn]o)\.\s*$")
RATING_FIELDS = frozenset({"likelihood", "impact", "score", "severity"})
# The shape of an entry id at the start of a row, its number apart: "R-LOCK-" 01, "ABC-R" 07,
# "RISK-" 003, "R" 01, "SEC-2024-" 01. The number ends where the title starts ("01Vendor").
ID_SHAPE_RE = re.compile(r"(?P<prefix>[A-Z][A-Z0-9]*[-_.](?:[A-Z0-9]+[-_.])*[A-Z]*|[A-Z]{1,6})(?P<num>\d+)")
# A run of capitals that is no header itself but each of its letters is ("LI" of "DescriptionLIRating").
LETTER_RUN_RE = re.compile(r"^[A-Z]{2,3}$")
# Characters after which an upper-case letter starts a new cell ("leadPer", "01Vendor", "(GA)Tier").
CASE_BEFORE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789)]}\"'.”’%")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a flattened table: its header as written, canonical field and kind."""

    header: str
    field: str | None
    kind: ColumnKind


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


# ---- the header -----------------------------------------------------------------------------
def header_tokens(line: str) -> list[str]:
    """A header line cut at every case change and space: the pieces header cells are made of.

    >>> header_tokens("IDRiskProbabilityImpactL×IStatusMitigation ownerMitigation")
    ['ID', 'Risk', 'Probability', 'Impact', 'L×', 'I', 'Status', 'Mitigation', 'owner', 'Mitigation']
    """
    cuts = sorted({0, len(line), *(p for m in HEADER_BREAK_RE.finditer(line) for p in (m.start(), m.end()))})
    return [line[a:b] for a, b in pairwise(cuts) if line[a:b].strip()]


def header_columns(line: str, synonyms: Mapping[str, str]) -> tuple[Column, ...] | None:
    """The columns of a header line whose cells ran together, or None when it is not one.

    The pieces are joined back into known headers: as few pieces left unknown as can be (at
    most two; they become `extra` columns), then as many distinct fields as can be ("#" and
    "Risk", not "#Risk"; "Impact" and "Score", not "Impact Score"), then as few columns as can
    be ("Mitigation owner" is one column, not two).
    >>> from parsers.fields import synonym_table
    >>> [c.field for c in header_columns("IDRiskLikelihoodImpactScoreStatusOwnerMitigation", synonym_table())]
    ['entry_id', 'title', 'likelihood', 'impact', 'score', 'status', 'owner', 'mitigation']
    >>> [c.header for c in header_columns("IDRiskProbabilityImpactL×IStatusMitigation ownerMitigation",
    ...                                    synonym_table())][4:]
    ['L×I', 'Status', 'Mitigation owner', 'Mitigation']
    >>> header_columns("Risk score = likelihood × impact.", synonym_table()) is None
    True
    """
    positions = _token_spans(line, synonyms)
    n = len(positions)
    if not 3 <= n <= 30 or NOT_HEADER_RE.search(line):
        return None
    found = _best_headers(line, positions, synonyms, 0, frozenset(), {})
    if found is None:
        return None
    unknown, _, _, cells = found
    known = {fld for _, fld in cells if fld}
    # Two fields do when they are the id and the risk and every other column is a known header
    # ("IDRiskClosed onReason").
    listed = known == {"entry_id", "title"} and not unknown and len(cells) >= 3
    if (len(known) < 3 and not listed) or unknown > 2 or unknown * 2 > len(known):
        return None
    seen: set[str] = set()
    columns = []
    for header, fld in cells:
        if fld in seen:
            fld = None  # a second title-like column stays in `extra`
        if fld:
            seen.add(fld)
        columns.append(Column(header, fld, column_kind(header, fld)))
    return tuple(columns)


def column_kind(header: str, fld: str | None) -> ColumnKind:
    """What a column holds: by its field, else a date column by its header, else free text.

    >>> column_kind("Likelihood", "likelihood"), column_kind("Date raised", None), column_kind("Notes", None)
    ('level', 'date', 'text')
    """
    if fld:
        return KIND_OF_FIELD[fld]
    return "date" if is_date_header(header) else "text"


_Headers = tuple[int, int, int, list[tuple[str, "str | None"]]]  # unknown, -new fields, columns, cells


def _best_headers(
    line: str,
    positions: Sequence[tuple[int, int]],
    synonyms: Mapping[str, str],
    i: int,
    used: frozenset[str],
    memo: dict[tuple[int, frozenset[str]], _Headers | None],
) -> _Headers | None:
    """Best way to read the header pieces from i on, given the fields already used."""
    if i == len(positions):
        return (0, 0, 0, [])
    if (i, used) in memo:
        return memo[(i, used)]
    options = []
    for size in range(1, min(4, len(positions) - i) + 1):
        header = line[positions[i][0] : positions[i + size - 1][1]]
        fld = field_of_header(header, synonyms)
        extra = fld is None and is_extra_header(header)  # "Date raised": known, no field
        if fld is None and not extra and (size > 1 or not header.isalpha()):
            continue
        rest = _best_headers(line, positions, synonyms, i + size, used | {fld} if fld else used, memo)
        if rest is None:
            continue
        new = 1 if fld and fld not in used else 0
        unknown = fld is None and not extra
        options.append((rest[0] + unknown, rest[1] - new, rest[2] + 1, [(header, fld), *rest[3]]))
    memo[(i, used)] = min(options, key=lambda o: o[:3]) if options else None
    return memo[(i, used)]


def _token_spans(line: str, synonyms: Mapping[str, str] | None = None) -> list[tuple[int, int]]:
    """Where the header pieces are; a run of capitals that names no header but whose every
    letter does ("LI": L and I) is cut into its letters."""
    cuts = sorted({0, len(line), *(p for m in HEADER_BREAK_RE.finditer(line) for p in (m.start(), m.end()))})
    spans = []
    for a, b in pairwise(cuts):
        piece = line[a:b]
        if not piece.strip():
            continue
        if (
            synonyms is not None
            and LETTER_RUN_RE.match(piece)
            and field_of_header(piece, synonyms) is None
            and all(field_of_header(c, synonyms) for c in piece)
        ):
            spans.extend((k, k + 1) for k in range(a, b))
        else:
            spans.append((a, b))
    return spans


def header_like(line: str, synonyms: Mapping[str, str]) -> bool:
    """Whether a line reads as a table's header, a register's or not: its pieces are headers
    (at least two fields, at most one unknown word), as "IDRiskClosed onReason" is.

    >>> from parsers.fields import synonym_table
    >>> header_like("IDRiskClosed onReason", synonym_table()), header_like("Closed risks[edit]", synonym_table())
    (True, False)
    """
    if len(line) > 200 or NOT_HEADER_RE.search(line):
        return False
    positions = _token_spans(line, synonyms)
    if not 2 <= len(positions) <= 30:
        return False
    found = _best_headers(line, positions, synonyms, 0, frozenset(), {})
    if found is None:
        return False
    unknown, _, _, cells = found
    return len({fld for _, fld in cells if fld}) >= 2 and unknown <= 1 and unknown < len(cells) - 1


def is_register(columns: Sequence[Column]) -> bool:
    """A header naming entries: an id or a title, and something that describes them; or ids
    and risks alone ("IDRiskClosed onReason": a table of closed risks).

    >>> from parsers.fields import synonym_table
    >>> is_register(header_columns("IDRiskClosed onReason", synonym_table()))
    True
    >>> is_register(header_columns("IDSectionPageTitle", synonym_table()) or ())
    False
    """
    fields = {c.field for c in columns}
    if len(fields - {None, "entry_id", "title"}) >= 1:
        return bool(fields & {"entry_id", "title"})
    return (
        bool(columns)
        and columns[0].field == "entry_id"
        and any(c.field == "title" and fold(c.header) in ("risk", "risks", "risk title", "risk name") for c in columns)
    )


def is_legend(columns: Sequence[Column]) -> bool:
    """A header of a scale legend: a level column, then likelihood and/or impact words."""
    fields = [c.field for c in columns]
    return (
        fields[0] in ("score", "severity")
        and bool({"likelihood", "impact"} & set(fields))
        and set(fields) <= RATING_FIELDS | {None}
    )


def cell_header(lines: Sequence[str], start: int, synonyms: Mapping[str, str]) -> tuple[Column, ...] | None:
    """Header cells each on their own line (the one-cell-per-line variant), or None."""
    cells: list[tuple[str, str | None]] = []
    for line in lines[start : start + 20]:
        stripped = line.strip()
        fld = field_of_header(stripped, synonyms) if stripped and len(stripped) <= 40 else None
        if fld is None and not (stripped and is_extra_header(stripped)):
            break
        cells.append((stripped, fld))
    if len([f for _, f in cells if f]) < 3:
        return None
    seen: set[str] = set()
    columns = []
    for header, fld in cells:
        keep = fld if fld not in seen else None
        if fld:
            seen.add(fld)
        columns.append(Column(header, keep, column_kind(header, keep)))
    return tuple(columns)


# ---- the rows -------------------------------------------------------------------------------
def learn_id_re(starts: Sequence[str]) -> re.Pattern[str] | None:
    """The id pattern of a block's rows, from the lines that start them: the commonest prefix,
    and the number's width when the ids are zero-padded (so "R-LOCK-013rd party" is R-LOCK-01).

    >>> learn_id_re(["R-LOCK-01Vendor", "R-LOCK-02Two staff", "R-LOCK-10Push"]).pattern
    'R\\\\-LOCK\\\\-\\\\d{2}'
    >>> learn_id_re(["R1 Vault", "R2 DNS", "R12 Kafka"]).pattern
    'R\\\\d+(?!\\\\d)'
    """
    shapes = [m for s in starts if (m := ID_SHAPE_RE.match(s))]
    if not shapes:
        return None
    prefixes = [m["prefix"] for m in shapes]
    prefix = max(set(prefixes), key=lambda p: (prefixes.count(p), -prefixes.index(p)))
    numbers = [m["num"] for m in shapes if m["prefix"] == prefix]
    widths = [len(n) for n in numbers]
    width = max(set(widths), key=widths.count)
    padded = any(n.startswith("0") for n in numbers) and widths.count(width) >= 0.75 * len(widths)
    return re.compile(re.escape(prefix) + (rf"\d{{{width}}}" if padded else r"\d+(?!\d)"))


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
