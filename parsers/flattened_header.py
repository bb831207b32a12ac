"""Header lines of a table flattened to text; a helper of `parsers.flattened_text`.

A header whose cells ran together ("IDRiskLikelihoodImpactScoreStatusOwnerMitigation") is cut
at every case change and space, and the pieces are joined back into known headers against the
header synonyms, which gives the columns in the header's order, each with its canonical field
and the kind of cell it holds. Also here: header cells one per line (`cell_header`), lines
that read as some table's header (`header_like`, which ends the table above), and whether a
header names a register (`is_register`) or a scale legend (`is_legend`).
Takes lines of text, returns Column tuples; pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from parsers.fields import field_of_header, is_date_header, is_extra_header, synonym_table
from pipeline.textnorm import fold

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
# Default header synonyms, for sniff and the page title (which have no Config).
DEFAULT_SYNONYMS = synonym_table()
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
# Fields of the columns that rate an entry: a legend header holds nothing else.
RATING_FIELDS = frozenset({"likelihood", "impact", "score", "severity"})
# A run of capitals that is no header itself but each of its letters is ("LI" of "DescriptionLIRating").
LETTER_RUN_RE = re.compile(r"^[A-Z]{2,3}$")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a flattened table: its header as written, canonical field and kind."""

    header: str
    field: str | None
    kind: ColumnKind


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


def _token_spans(line: str, synonyms: Mapping[str, str]) -> list[tuple[int, int]]:
    """Where the header pieces are; a run of capitals that names no header but whose every
    letter does ("LI": L and I) is cut into its letters."""
    cuts = sorted({0, len(line), *(p for m in HEADER_BREAK_RE.finditer(line) for p in (m.start(), m.end()))})
    spans = []
    for a, b in pairwise(cuts):
        piece = line[a:b]
        if not piece.strip():
            continue
        if (
            LETTER_RUN_RE.match(piece)
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


__all__ = [
    "DEFAULT_SYNONYMS",
    "Column",
    "ColumnKind",
    "cell_header",
    "column_kind",
    "header_columns",
    "header_like",
    "header_tokens",
    "is_legend",
    "is_register",
]
