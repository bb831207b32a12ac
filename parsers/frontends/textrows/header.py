"""Header lines of a table in plain text: cells run together, spaced, or one per line.

A header whose cells ran together ("IDRiskLikelihoodImpactScoreStatusOwnerMitigation") is cut
at every case change and space, and the pieces are joined back into labels the lexicon knows,
which gives the columns in the header's order, each with its canonical field and the kind of
cell it holds (what the row splitter looks for). Also here: header cells one per line
(`cell_header`), lines that read as some table's header (`header_like`, which ends the table
above), and whether a header names entries (`is_register`) or a scale legend (`is_legend`).
Takes lines of text and the lexicon, returns Column tuples; pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from parsers.lexicon import RATING_FIELDS, Lexicon, label_key

ColumnKind = Literal["id", "text", "level", "score", "severity", "status", "owner", "date"]

# Kinds of cell without a pattern of their own (`Column.typed`).
UNTYPED_KINDS = frozenset({"text", "owner"})
# Kind of cell each canonical field holds; a column with no field is free text (or dates).
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
# Where a header's cells ran together: "IDRisk", "ImpactL×I", "SRECloud"; also any space.
HEADER_BREAK_RE = re.compile(
    r"""(?<=[a-z0-9)\]])(?=[A-Z#(])   # lower case or digit, then upper case: "RiskLikelihood"
      | (?<=[A-Z])(?=[A-Z][a-z])      # end of an upper-case run: "IDRisk"
      | (?<=[^\sA-Za-z0-9(])(?=[A-Z]) # a symbol, then upper case: "L×I"
      | \s+""",
    re.VERBOSE,
)
# What a header line never holds: a sentence's "=", ":" or closing full stop ("Risk score =
# likelihood × impact.", "Owners:"); "No." may end one.
NOT_HEADER_RE = re.compile(r"[=:;!?]|(?<![Nn]o)\.\s*$")
# A run of capitals that is no label itself but each of its letters is ("LI" of "DescriptionLIRating").
LETTER_RUN_RE = re.compile(r"^[A-Z]{2,3}$")
# Header pieces joined into one label at most, and pieces of a header line at most.
MAX_LABEL_PIECES = 4
MAX_HEADER_PIECES = 30
# Longest header line read (a longer line is prose), and longest label on a line of its own.
MAX_HEADER_CHARS = 200
MAX_CELL_LABEL_CHARS = 40
# Header cells one per line: how many lines are looked at.
MAX_CELL_HEADER_LINES = 20


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table in text: its label as written, canonical field and kind of cell."""

    header: str
    field: str | None
    kind: ColumnKind

    @property
    def typed(self) -> bool:
        """Whether a cell of this column has a pattern of its own (an id, a rating, a status, a
        date) that says where it starts and ends; free text and owner names have none, so where
        they end is read from what follows them."""
        return self.kind not in UNTYPED_KINDS


def header_tokens(line: str) -> list[str]:
    """A header line cut at every case change and space: the pieces labels are made of.

    >>> header_tokens("IDRiskProbabilityImpactL×IStatusMitigation ownerMitigation")
    ['ID', 'Risk', 'Probability', 'Impact', 'L×', 'I', 'Status', 'Mitigation', 'owner', 'Mitigation']
    """
    return [line[a:b] for a, b in pairwise(_cuts(line)) if line[a:b].strip()]


def _cuts(line: str) -> list[int]:
    return sorted({0, len(line), *(p for m in HEADER_BREAK_RE.finditer(line) for p in (m.start(), m.end()))})


def column_kind(header: str, fld: str | None, lexicon: Lexicon) -> ColumnKind:
    """What a column holds: by its field, else a date column by its label, else free text.

    >>> lex = Lexicon.default()
    >>> [column_kind(h, f, lex) for h, f in (("Likelihood", "likelihood"), ("Date raised", None), ("Notes", None))]
    ['level', 'date', 'text']
    """
    if fld:
        return KIND_OF_FIELD[fld]
    return "date" if is_date_label(header, lexicon) else "text"


def is_date_label(label: str, lexicon: Lexicon) -> bool:
    """Whether a label registers carry beside their fields names a column of dates.

    >>> lex = Lexicon.default()
    >>> is_date_label("Review date", lex), is_date_label("Closed on", lex), is_date_label("Category", lex)
    (True, True, False)
    """
    return lexicon.is_extra(label) and bool(set(label_key(label).split()) & lexicon.phrases("date_label_words"))


def columns_of(cells: Sequence[tuple[str, str | None]], lexicon: Lexicon) -> tuple[Column, ...]:
    """Columns from (label, field) pairs; a field named twice is kept by its first column only
    (a second title-like column holds what it holds, not the title)."""
    seen: set[str] = set()
    columns = []
    for header, fld in cells:
        keep = fld if fld not in seen else None
        if fld:
            seen.add(fld)
        columns.append(Column(header, keep, column_kind(header, keep, lexicon)))
    return tuple(columns)


def header_columns(line: str, lexicon: Lexicon) -> tuple[Column, ...] | None:
    """The columns of a header line whose cells ran together (or are apart by spaces), or None.

    The pieces are joined back into labels: as few pieces left unknown as can be (at most two;
    they become columns with no field), then as many distinct fields as can be ("#" and "Risk",
    not "#Risk"; "Impact" and "Score", not "Impact Score"), then as few columns as can be
    ("Mitigation owner" is one column, not two).
    >>> lex = Lexicon.default()
    >>> [c.field for c in header_columns("IDRiskLikelihoodImpactScoreStatusOwnerMitigation", lex)]
    ['entry_id', 'title', 'likelihood', 'impact', 'score', 'status', 'owner', 'mitigation']
    >>> [c.header for c in header_columns("IDRiskProbabilityImpactL×IStatusMitigation ownerMitigation", lex)][4:]
    ['L×I', 'Status', 'Mitigation owner', 'Mitigation']
    >>> header_columns("Risk score = likelihood × impact.", lex) is None
    True
    """
    if len(line) > MAX_HEADER_CHARS or NOT_HEADER_RE.search(line):
        return None
    positions = _token_spans(line, lexicon)
    if not 3 <= len(positions) <= MAX_HEADER_PIECES:
        return None
    found = _best_headers(line, positions, lexicon, 0, frozenset(), {})
    if found is None:
        return None
    unknown, _, _, cells = found
    known = {fld for _, fld in cells if fld}
    # Two fields do when they are the id and the risk and every other column is a known label
    # ("IDRiskClosed onReason").
    listed = known == {"entry_id", "title"} and not unknown and len(cells) >= 3
    if (len(known) < 3 and not listed) or unknown > 2 or unknown * 2 > len(known):
        return None
    return columns_of(cells, lexicon)


# (unknown pieces, -new fields, columns, [(label, field)]): the best reading compares smallest.
_Headers = tuple[int, int, int, list[tuple[str, "str | None"]]]


def _best_headers(
    line: str,
    positions: Sequence[tuple[int, int]],
    lexicon: Lexicon,
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
    for size in range(1, min(MAX_LABEL_PIECES, len(positions) - i) + 1):
        header = line[positions[i][0] : positions[i + size - 1][1]]
        fld = lexicon.field_of(header)
        extra = fld is None and lexicon.is_extra(header)  # "Date raised": known, no field
        if fld is None and not extra and (size > 1 or not header.isalpha()):
            continue
        rest = _best_headers(line, positions, lexicon, i + size, used | {fld} if fld else used, memo)
        if rest is None:
            continue
        new = 1 if fld and fld not in used else 0
        unknown = fld is None and not extra
        options.append((rest[0] + unknown, rest[1] - new, rest[2] + 1, [(header, fld), *rest[3]]))
    memo[(i, used)] = min(options, key=lambda o: o[:3]) if options else None
    return memo[(i, used)]


def _token_spans(line: str, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Where the header pieces are; a run of capitals that names no label but whose every
    letter does ("LI": L and I) is cut into its letters."""
    spans = []
    for a, b in pairwise(_cuts(line)):
        piece = line[a:b]
        if not piece.strip():
            continue
        if LETTER_RUN_RE.match(piece) and lexicon.field_of(piece) is None and all(lexicon.field_of(c) for c in piece):
            spans.extend((k, k + 1) for k in range(a, b))
        else:
            spans.append((a, b))
    return spans


def header_like(line: str, lexicon: Lexicon) -> bool:
    """Whether a line reads as a table's header, a register's or not: its pieces are labels
    (at least two fields, at most one unknown word), as "IDRiskClosed onReason" is.

    >>> lex = Lexicon.default()
    >>> header_like("IDRiskClosed onReason", lex), header_like("Closed risks[edit]", lex)
    (True, False)
    """
    if len(line) > MAX_HEADER_CHARS or NOT_HEADER_RE.search(line):
        return False
    positions = _token_spans(line, lexicon)
    if not 2 <= len(positions) <= MAX_HEADER_PIECES:
        return False
    found = _best_headers(line, positions, lexicon, 0, frozenset(), {})
    if found is None:
        return False
    unknown, _, _, cells = found
    return len({fld for _, fld in cells if fld}) >= 2 and unknown <= 1 and unknown < len(cells) - 1


def is_register(columns: Sequence[Column], lexicon: Lexicon) -> bool:
    """A header naming entries: an id or a title, and something that describes them; or ids
    and risks alone ("IDRiskClosed onReason": a table of closed risks). Whether the table IS a
    register is the recognisers' call; this only says which headers to read rows under.

    >>> lex = Lexicon.default()
    >>> is_register(header_columns("IDRiskClosed onReason", lex), lex)
    True
    >>> is_register(header_columns("IDSectionPageTitle", lex) or (), lex)
    False
    """
    fields = {c.field for c in columns}
    if len(fields - {None, "entry_id", "title"}) >= 1:
        return bool(fields & {"entry_id", "title"})
    return (
        bool(columns)
        and columns[0].field == "entry_id"
        and any(c.field == "title" and lexicon.mentions("register_words", c.header) for c in columns)
    )


def is_legend(columns: Sequence[Column]) -> bool:
    """A header of a scale legend: a level column, then likelihood and/or impact words.

    >>> is_legend(header_columns("ScoreLikelihoodImpact", Lexicon.default()))
    True
    """
    fields = [c.field for c in columns]
    return (
        bool(fields)
        and fields[0] in ("score", "severity")
        and bool({"likelihood", "impact"} & set(fields))
        and set(fields) <= RATING_FIELDS | {None}
    )


def cell_header(lines: Sequence[str], start: int, lexicon: Lexicon) -> tuple[Column, ...] | None:
    """Header cells each on a line of their own (the one-cell-per-line layout), or None: at
    least three fields, read down from index `start`.

    >>> [c.field for c in cell_header(["ID", "Risk", "Owner", "Status", "R-1"], 0, Lexicon.default())]
    ['entry_id', 'title', 'owner', 'status']
    """
    cells: list[tuple[str, str | None]] = []
    for line in lines[start : start + MAX_CELL_HEADER_LINES]:
        stripped = line.strip()
        fld = lexicon.field_of(stripped) if stripped and len(stripped) <= MAX_CELL_LABEL_CHARS else None
        if fld is None and not (stripped and len(stripped) <= MAX_CELL_LABEL_CHARS and lexicon.is_extra(stripped)):
            break
        cells.append((stripped, fld))
    if len([f for _, f in cells if f]) < 3:
        return None
    return columns_of(cells, lexicon)


__all__ = [
    "UNTYPED_KINDS",
    "Column",
    "ColumnKind",
    "cell_header",
    "column_kind",
    "columns_of",
    "header_columns",
    "header_like",
    "header_tokens",
    "is_date_label",
    "is_legend",
    "is_register",
]
