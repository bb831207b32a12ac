"""Tables -> entries, shared by every parser that finds tables (Markdown, HTML, flattened text).

A parser turns its format into `Table`s (header cells, rows of cell text with source lines);
`register_entries` decides whether a table is a register at all (legends, scoring scales,
severity matrices, version histories and tables of contents are not) and maps each row onto
canonical fields. `legend_scales` reads a table that states a document's own scale.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from parsers.fields import AMBIGUOUS, TITLE_PREFERENCE, field_of_header, header_key
from pipeline.records import RawEntry, SourceLoc
from pipeline.textnorm import fold, is_null, squash
from pipeline.vocab import NULL_VALUES, SCALE_WORDS, SEVERITY_WORDS

# Fields that describe an entry beyond its name; a register has at least one of them.
RATING_FIELDS = frozenset({"likelihood", "impact", "score", "severity"})
DESCRIBING_FIELDS = RATING_FIELDS | {"status", "owner", "mitigation"}
# Headings of the other logs a RAID document or a wiki page keeps beside its risks.
OTHER_LOG_WORDS = frozenset(
    {
        "issues",
        "actions",
        "decisions",
        "assumptions",
        "dependencies",
        "questions",
        "changelog",
        "changes",
        "history",
        "revisions",
        "incidents",
        "lessons",
    }
)
# Title headers that name things, not risks: a table of them that neither rates likelihood or
# impact, nor mitigates, nor speaks of risks is an inventory ("Component | Owner | Criticality").
THING_TITLE_HEADERS = frozenset({"component", "components", "name", "item", "items"})
# Words that make a table about risks, in a header or the heading above it.
RISK_WORDS = frozenset({"risk", "risks", "threat", "threats", "hazard", "hazards", "register"})
# A cell that is only a number, maybe with a scale suffix: "4", "12", "3/5", "4 (High)".
NUMBER_CELL_RE = re.compile(r"^\s*(?P<n>\d{1,2})(?:\s*/\s*\d{1,2})?(?:\s*\(.*\))?\s*$")
# A header naming two rating fields in one column: "Likelihood / Impact", "L/I", "P / I".
PAIR_HEADER_RE = re.compile(r"^\s*(?P<a>[^/]+?)\s*/\s*(?P<b>[^/]+?)\s*$")
# A cell of such a column: two short ratings apart by a slash, "H / M", "Medium/High", "3/4".
PAIR_CELL_RE = re.compile(r"^\s*(?P<a>[^/\s](?:[^/]{0,20}?))\s*/\s*(?P<b>[^/\s](?:[^/]{0,20}?))\s*$")
# A cell of an "L × I" column that shows its working: "3 × 4 = 12", "4x2=8", "3 * 4".
PRODUCT_CELL_RE = re.compile(
    r"^\s*(?P<a>\d{1,2})\s*[x×*]\s*(?P<b>\d{1,2})\s*(?:=\s*(?P<c>\d{1,3}))?\s*$", re.IGNORECASE
)
# Headers of a likelihood x impact column, folded by `header_key` ("L × I" -> "l x i").
PRODUCT_HEADERS = frozenset({"l x i", "p x i", "lxi", "pxi", "likelihood x impact", "probability x impact"})


@dataclass(frozen=True, slots=True)
class TableRow:
    line: int  # 1-based source line of the row
    cells: tuple[str, ...]  # cell text, inline markup already stripped


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]  # header cells as written, markup stripped
    rows: tuple[TableRow, ...]
    line: int  # 1-based source line of the header row
    section: str | None = None  # heading the table sits under


def is_scale_value(cell: str) -> bool:
    """A cell that is a rating: a scale word, a severity word or a small number.

    >>> is_scale_value("🟢 LOW"), is_scale_value("4"), is_scale_value("Vault outage")
    (True, True, False)
    """
    key = fold(cell)
    if not key:
        return False
    match = NUMBER_CELL_RE.match(cell)
    return key in SCALE_WORDS or key in SEVERITY_WORDS or (match is not None and int(match["n"]) <= 25)


def column_fields(table: Table, synonyms: Mapping[str, str]) -> list[str | None]:
    """The canonical field of each column, ambiguous headers settled by content, no field twice.

    A bare "P" is probability beside an impact column ("P | I"), else priority (Jira's issue
    tables head their priority column "P"): a severity.
    >>> jira = Table(("Key", "Summary", "P", "Status"), (TableRow(2, ("STRM-1", "Disk fills", "High", "Open")),), 1)
    >>> from parsers.fields import synonym_table
    >>> column_fields(jira, synonym_table())
    ['entry_id', 'title', 'severity', 'status']
    """
    fields = [field_of_header(h, synonyms) for h in table.headers]
    for col, header in enumerate(table.headers):
        key = header_key(header)
        if key == "p" and fields[col] == "likelihood" and "impact" not in fields and not _pairs_impact(table, col):
            fields[col] = "severity"
            continue
        choices = AMBIGUOUS.get(key)
        if not choices:
            continue
        values = [r.cells[col] for r in table.rows if col < len(r.cells) and not is_null(r.cells[col], NULL_VALUES)]
        rating_share = sum(map(is_scale_value, values)) / len(values) if values else 0.0
        if choices[0] == "title":
            # "Risk" holding "🟢 LOW" is a rating column beside a "Component" title column.
            fields[col] = "severity" if rating_share >= 0.6 else "title"
        else:
            numbers = [int(m["n"]) for v in values if (m := NUMBER_CELL_RE.match(v))]
            fields[col] = "score" if numbers and max(numbers) > 5 else "severity"
    return _drop_repeats(fields, table.headers)


def _pairs_impact(table: Table, col: int) -> bool:
    """Whether another column names impact together with likelihood ("L / I")."""
    return any(
        c != col and (m := PAIR_HEADER_RE.match(h)) and "i" in {header_key(m["a"]), header_key(m["b"])}
        for c, h in enumerate(table.headers)
    )


def _drop_repeats(fields: list[str | None], headers: Sequence[str]) -> list[str | None]:
    """Keep one column per field: for titles the preferred synonym, otherwise the first."""
    title_cols = [c for c, f in enumerate(fields) if f == "title"]
    if len(title_cols) > 1:
        rank = {header_key(w): k for k, w in enumerate(TITLE_PREFERENCE)}
        keep = min(title_cols, key=lambda c: (rank.get(header_key(headers[c]), len(rank)), c))
        for c in title_cols:
            if c != keep:
                fields[c] = None
    seen: set[str] = set()
    for c, f in enumerate(fields):
        if f is None:
            continue
        if f in seen:
            fields[c] = None
        seen.add(f)
    return fields


def is_register(fields: Sequence[str | None], table: Table) -> bool:
    """Whether a table lists entries (rather than a legend, a scale, a matrix or a history).

    It names entries (an id or a title) and describes them (a rating, status, owner or
    mitigation); or it lists risks by id and name alone ("Closed risks": ID | Risk | Closed on).
    """
    present = {f for f in fields if f}
    if not present & {"title", "entry_id"} or not table.rows or is_other_log(table):
        return False
    if not present & DESCRIBING_FIELDS:
        return is_risk_list(fields, table)
    if is_inventory(fields, table):
        return False
    if present & {"entry_id", "owner", "status", "mitigation"}:
        return True
    # A legend: its first column is the scale itself ("Low", "2", "Critical"), row after row.
    first = [r.cells[0] for r in table.rows if r.cells and r.cells[0].strip()]
    return not (first and all(is_scale_value(c) for c in first))


def is_risk_list(fields: Sequence[str | None], table: Table) -> bool:
    """A table of risks by id and name with nothing rated ("ID | Risk | Closed on | Reason"
    under "Closed risks"): its title column or its heading says risk, and its ids look like ids.

    >>> t = lambda section, *cells: Table(("ID", "Risk", "Closed on"), (TableRow(3, cells),), 1, section)
    >>> is_risk_list(["entry_id", "title", None], t("Closed risks", "IDN-00", "Legacy endpoint", "2026-01-05"))
    True
    >>> is_risk_list(["entry_id", "title", None], t("Contents", "1", "Scoring", "2"))
    False
    """
    id_col = next((c for c, f in enumerate(fields) if f == "entry_id"), None)
    title_col = next((c for c, f in enumerate(fields) if f == "title"), None)
    if id_col is None or title_col is None:
        return False
    words = {w for h in (table.headers[title_col], table.section or "") for w in fold(h).split()}
    ids = [r.cells[id_col] for r in table.rows if id_col < len(r.cells) and r.cells[id_col].strip()]
    return bool(words & RISK_WORDS) and bool(ids) and all(_looks_like_id(i) and not i.isdigit() for i in ids)


def is_inventory(fields: Sequence[str | None], table: Table) -> bool:
    """A table of components, services or items with their owners and criticality (a README's
    component list), not of risks: its title column names things, and nothing in it rates
    likelihood or impact, mitigates, tracks a status, or mentions risks.

    >>> t = lambda section, *headers: Table(headers, (TableRow(3, ("x",) * len(headers)),), 1, section)
    >>> is_inventory(["title", "owner", "severity"], t("Components", "Component", "Owner", "Criticality"))
    True
    >>> is_inventory(["title", "owner", "severity"], t("Known risks", "Component", "Owner", "Criticality"))
    False
    >>> is_inventory(["title", "likelihood", "owner"], t("Open", "Name", "Likelihood", "Owner"))
    False
    """
    present = {f for f in fields if f}
    if present & {"likelihood", "impact", "score", "mitigation", "status"}:
        return False
    title = next((h for h, f in zip(table.headers, fields, strict=False) if f == "title"), None)
    if title is None or header_key(title) not in THING_TITLE_HEADERS:
        return False
    words = {w for h in (*table.headers, table.section or "") for w in fold(h).split()}
    return not words & RISK_WORDS


def is_other_log(table: Table) -> bool:
    """A table of issues, actions, decisions or changes (the rest of a RAID log, a history), not
    of risks: its heading or its title column says so and no header mentions risk.

    >>> t = lambda section, *headers: Table(headers, (TableRow(3, ("I-1",) * len(headers)),), 1, section)
    >>> is_other_log(t("Issues", "#", "Issue", "Owner")), is_other_log(t("Open actions", "ID", "Item", "Owner"))
    (True, True)
    >>> is_other_log(t("Issues", "ID", "Risk", "Owner")), is_other_log(t("Register", "ID", "Issue", "Impact"))
    (False, False)
    >>> is_other_log(t("Issues and risks", "ID", "Description", "Impact"))
    False
    """
    if any({"risk", "risks"} & set(fold(h).split()) for h in table.headers):
        return False
    section = set(fold(table.section or "").split())
    if section & {"risk", "risks", "register"}:
        return False
    first_headers = {fold(h) for h in table.headers[:3]}
    return bool(section & OTHER_LOG_WORDS or first_headers & {"issue", "action", "decision", "assumption"})


def rating_pairs(
    table: Table, fields: Sequence[str | None], synonyms: Mapping[str, str]
) -> dict[int, tuple[re.Pattern[str], tuple[str, ...]]]:
    """Columns that hold two ratings at once, {column: (cell pattern, fields of its groups)}:
    a header naming likelihood and impact apart by a slash ("Likelihood / Impact", "L / I")
    over pairs ("H / M"), or an "L × I" header over products ("3 × 4 = 12"); and no other
    column for likelihood or impact.

    >>> from parsers.fields import synonym_table
    >>> t = Table(("ID", "L / I"), (TableRow(3, ("R1", "H / M")), TableRow(4, ("R2", "Low/High"))), 1)
    >>> [fields for _, fields in rating_pairs(t, ["entry_id", "score"], synonym_table()).values()]
    [('likelihood', 'impact')]
    >>> t = Table(("#", "L × I"), (TableRow(3, ("1", "3 × 4 = 12")),), 1)
    >>> [fields for _, fields in rating_pairs(t, ["entry_id", "score"], synonym_table()).values()]
    [('likelihood', 'impact', 'score')]
    >>> rating_pairs(Table(("ID", "L / I"), (TableRow(3, ("R1", "12")),), 1), ["entry_id", "score"], synonym_table())
    {}
    """
    pairs: dict[int, tuple[re.Pattern[str], tuple[str, ...]]] = {}
    for col, header in enumerate(table.headers):
        others = {f for c, f in enumerate(fields) if c != col}
        if {"likelihood", "impact"} & others:
            continue
        values = [r.cells[col] for r in table.rows if col < len(r.cells) and not is_null(r.cells[col], NULL_VALUES)]
        if m := PAIR_HEADER_RE.match(header):
            named = (field_of_header(m["a"], synonyms), field_of_header(m["b"], synonyms))
            if set(named) == {"likelihood", "impact"} and _most_match(PAIR_CELL_RE, values):
                pairs[col] = (PAIR_CELL_RE, (str(named[0]), str(named[1])))
        elif header_key(header) in PRODUCT_HEADERS and _most_match(PRODUCT_CELL_RE, values):
            pairs[col] = (
                PRODUCT_CELL_RE,
                ("likelihood", "impact", "score") if "score" not in others else ("likelihood", "impact"),
            )
    return pairs


def _most_match(pattern: re.Pattern[str], values: Sequence[str]) -> bool:
    """Whether at least 80% of a column's values (one at least) match the pattern."""
    return bool(values) and sum(1 for v in values if pattern.match(v)) >= 0.8 * len(values)


def register_entries(table: Table, *, parser: str, path: str, synonyms: Mapping[str, str]) -> list[RawEntry]:
    """One RawEntry per row of a register table; [] when the table is not a register.

    Missing cells read as empty (the field is then NULL) and the entry carries a note; a row
    with a single filled cell and nothing else ("**Security risks**") is a group heading and
    becomes the section of the rows under it. A "Likelihood / Impact" column of "H / M" cells
    gives both ratings.
    """
    fields = column_fields(table, synonyms)
    pairs = rating_pairs(table, fields, synonyms)
    for col in pairs:
        fields[col] = None
    paired = [f for _, named in pairs.values() for f in named]
    if not is_register([*fields, *paired], table):
        return []
    width = len(table.headers)
    entries: list[RawEntry] = []
    section = table.section
    for row in table.rows:
        cells = [squash(c) for c in row.cells]
        filled = [c for c in cells if not is_null(c, NULL_VALUES)]
        if not filled:
            continue
        if len(filled) == 1 and width > 2 and cells[0] == filled[0] and not _looks_like_id(filled[0]):
            section = filled[0]
            continue
        notes = []
        if len(cells) != width:
            notes.append(f"row has {len(cells)} cells, header has {width}")
        cells = (cells + [""] * width)[:width]
        values = {f: c for f, c in zip(fields, cells, strict=True) if f and c and not is_null(c, NULL_VALUES)}
        headers = {f: h for f, h in zip(fields, table.headers, strict=True) if f}
        for col, (pattern, named) in pairs.items():
            headers.update(dict.fromkeys(named, table.headers[col]))
            if m := pattern.match(cells[col]):
                values.update(
                    {f: squash(v) for f, v in zip(named, m.groups(), strict=False) if v and not is_null(v, NULL_VALUES)}
                )
            elif cells[col] and not is_null(cells[col], NULL_VALUES):
                notes.append(f"{table.headers[col]} {cells[col]!r} does not read as {' and '.join(named)}")
        if not values.keys() & {"title", "entry_id"}:
            notes.append("row has neither a title nor an id")
        entries.append(
            RawEntry(
                loc=SourceLoc(path, row.line),
                parser=parser,
                kind="risk",
                fields=values,
                headers=headers,
                extra={
                    h: c
                    for k, (f, h, c) in enumerate(zip(fields, table.headers, cells, strict=True))
                    if not f and c and h and k not in pairs
                },
                section=section,
                lines=(row.line,),
                confidence=1.0 if not notes else 0.8,
                notes=tuple(notes),
            )
        )
    return entries


# An entry id: letters, digits and dashes with at least one digit ("R-OPS-01", "R001", "RISK-7").
ENTRY_ID_RE = re.compile(r"^(?=[^\s]*\d)[A-Z][A-Z0-9]*(?:[-_.][A-Z0-9]+)*$", re.IGNORECASE)


def _looks_like_id(cell: str) -> bool:
    return bool(ENTRY_ID_RE.match(cell.strip())) and len(cell.strip()) <= 24


def legend_scales(table: Table, synonyms: Mapping[str, str]) -> dict[str, dict[str, int]]:
    """The scale a legend table states: {"likelihood": {"Almost certain": 5, ...}, ...}.

    A legend has a column of distinct levels (1, 2, 3...) and likelihood or impact columns of
    words. A register (a table with titles or ids) is never a legend, even when its rating
    columns are all numbers.
    >>> legend = Table(("Score", "Likelihood", "Impact"), (TableRow(2, ("1", "Rare", "Minor")),
    ...                TableRow(3, ("2", "Likely", "Major"))), 1)
    >>> from parsers.fields import synonym_table
    >>> legend_scales(legend, synonym_table())
    {'likelihood': {'Rare': 1, 'Likely': 2}, 'impact': {'Minor': 1, 'Major': 2}}
    """
    fields = [field_of_header(h, synonyms) for h in table.headers]
    if not table.rows or {"title", "entry_id"} & set(fields):
        return {}
    level_cols = []
    for c in range(len(table.headers)):
        cells = [r.cells[c] for r in table.rows if c < len(r.cells)]
        numbers = [m for cell in cells if (m := NUMBER_CELL_RE.match(cell))]
        if cells and len(numbers) == len(cells) and len({m["n"] for m in numbers}) == len(numbers):
            level_cols.append(c)
    if not level_cols:
        return {}
    level_col = level_cols[0]
    scales: dict[str, dict[str, int]] = {}
    for col, fld in enumerate(fields):
        if fld not in ("likelihood", "impact") or col == level_col:
            continue
        for row in table.rows:
            if (
                col < len(row.cells)
                and level_col < len(row.cells)
                and row.cells[col].strip()
                and not NUMBER_CELL_RE.match(row.cells[col])
            ):
                level = int(NUMBER_CELL_RE.match(row.cells[level_col])["n"])
                scales.setdefault(fld, {})[squash(row.cells[col])] = level
    return scales
