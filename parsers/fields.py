"""Canonical entry fields and the header words teams use for them, as data.

A register's columns (or a section's bullet labels) are mapped onto FIELDS through
HEADER_SYNONYMS, extended by `[headers]` in riskreg.toml. Some headers are ambiguous ("Risk" is
the title in one register and the rating in another); `AMBIGUOUS` lists the alternatives, and
`parsers.tables` decides by the column's content.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipeline.textnorm import fold

FIELDS: tuple[str, ...] = (
    "entry_id",
    "title",
    "likelihood",
    "impact",
    "score",
    "severity",
    "status",
    "owner",
    "mitigation",
)

# Synonyms are compared after fold(): lower case, punctuation to single spaces.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "entry_id": (
        "id",
        "ref",
        "ref no",
        "reference",
        "no",
        "nr",
        "number",
        "risk id",
        "risk ref",
        "risk no",
        "risk number",
        "key",
        "identifier",
        "item id",
        "#",
    ),
    "title": (
        "risk",
        "title",
        "risk title",
        "name",
        "risk name",
        "summary",
        "description",
        "risk description",
        "component",
        "threat",
        "hazard",
        "issue",
        "scenario",
        "risk scenario",
        "item",
        "failure mode",
        "event",
        "risk event",
        "concern",
        "what could go wrong",
    ),
    "likelihood": (
        "likelihood",
        "probability",
        "prob",
        "l",
        "p",
        "chance",
        "frequency",
        "likelihood 1 5",
        "likelihood rating",
        "probability rating",
        "occurrence",
    ),
    "impact": ("impact", "consequence", "consequences", "i", "impact 1 5", "impact rating", "effect", "magnitude"),
    "score": (
        "score",
        "risk score",
        "l i",
        "l x i",
        "lxi",
        "p x i",
        "pxi",
        "p i",
        "likelihood x impact",
        "probability x impact",
        "exposure",
        "risk exposure",
        "inherent score",
        "residual score",
        "rpn",
    ),
    "severity": (
        "severity",
        "risk level",
        "level",
        "sev",
        "criticality",
        "priority",
        "risk rating",
        "rating",
        "residual risk",
        "inherent risk",
        "overall risk",
        "risk severity",
        "grade",
        "risk after",
        "current risk",
    ),
    "status": ("status", "state", "progress", "risk status", "current status", "treatment status"),
    "owner": (
        "owner",
        "owners",
        "owner s",
        "assignee",
        "assigned to",
        "responsible",
        "mitigation owner",
        "risk owner",
        "accountable",
        "accountable team",
        "team",
        "owning team",
        "dri",
        "responsible team",
        "action owner",
        "lead",
    ),
    "mitigation": (
        "mitigation",
        "mitigations",
        "controls",
        "control",
        "response plan",
        "response",
        "treatment",
        "mitigation plan",
        "action",
        "actions",
        "countermeasures",
        "countermeasure",
        "safeguards",
        "mitigation strategy",
        "remediation",
        "plan",
        "mitigating controls",
        "mitigation actions",
    ),
}

# Headers registers carry that name no canonical field: their columns go to `extra`, but a
# flattened header line ("IDCategoryRisk...Date raisedReview date") is split on them like on
# known headers instead of counting them as unknown words.
EXTRA_HEADERS: tuple[str, ...] = (
    "category",
    "risk category",
    "type",
    "risk type",
    "area",
    "theme",
    "workstream",
    "asset",
    "vulnerability",
    "cause",
    "trigger",
    "source",
    "phase",
    "trend",
    "proximity",
    "strategy",
    "response type",
    "contingency",
    "date",
    "raised",
    "date raised",
    "raised on",
    "raised by",
    "date identified",
    "identified",
    "identified by",
    "created",
    "updated",
    "last updated",
    "last reviewed",
    "review date",
    "next review",
    "due",
    "due date",
    "target date",
    "closed",
    "closed on",
    "date closed",
    "reason",
    "notes",
    "note",
    "comments",
    "comment",
    "remarks",
    "ticket",
    "jira",
    "link",
    "links",
    "rag",
    "rag status",
    "colour",
    "color",
)
# Dates in a flattened row's date columns: "2026-01-08", "08/01/2026", "2026-04", "Q2 2026",
# "Mar 2026", "4 Mar 2026". Anchored at the cell start; the longest form is tried first.
DATE_RE = re.compile(
    r"""\d{4}-\d{2}-\d{2}
      | \d{1,2}[/.]\d{1,2}[/.]\d{2,4}
      | \d{4}-\d{2}(?!\d)
      | Q[1-4]\s?\d{4}
      | (?:\d{1,2}\s)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s\d{4}""",
    re.VERBOSE,
)
# Extra headers whose column holds dates.
DATE_HEADER_WORDS = frozenset({"date", "raised", "created", "updated", "reviewed", "review", "due", "closed", "on"})

# A slash between the parts of a header ("Status / next step"), not inside a scale ("H/M/L", "1/5").
SLASH_RE = re.compile(r"(?<=[A-Za-z)]{2})\s*/\s*(?=[A-Za-z(]{2})")

# Headers that name a different field depending on what the column holds.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "risk": ("title", "severity"),
    "rating": ("severity", "score"),
    "risk rating": ("severity", "score"),
    "priority": ("severity", "score"),
}

# Title synonyms in order of preference, when a table has more than one title-like column:
# "Risk" beats "Description" (which then stays in `extra`).
TITLE_PREFERENCE: tuple[str, ...] = HEADER_SYNONYMS["title"]

# A header cell that is nothing but "#" or "No." folds to nothing; keep it recognisable.
BARE_NUMBER_HEADER_RE = re.compile(r"^\s*(#|no\.?|nº|n°)\s*$", re.IGNORECASE)


def header_key(header: str) -> str:
    """The folded form of a header used for lookups.

    >>> header_key("Prob.")
    'prob'
    >>> header_key("#")
    '#'
    >>> header_key("L×I")
    'l x i'
    """
    if BARE_NUMBER_HEADER_RE.match(header):
        return "#"
    return fold(header.replace("×", " x ").replace("*", " x "))


def synonym_table(extra: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """folded header -> canonical field, defaults plus riskreg.toml's [headers]."""
    table: dict[str, str] = {}
    for fld, words in HEADER_SYNONYMS.items():
        for word in words:
            table.setdefault(header_key(word), fld)
    for fld, words in (extra or {}).items():
        for word in words:
            table[header_key(word)] = fld  # the user's words win over the defaults
    return table


def field_of_header(header: str, synonyms: Mapping[str, str]) -> str | None:
    """Canonical field a header names, or None.

    >>> field_of_header("Status / next step", synonym_table()), field_of_header("Likelihood / Impact", synonym_table())
    ('status', None)

    >>> field_of_header("Owner(s)", synonym_table())
    'owner'
    >>> field_of_header("Risk description", synonym_table())
    'title'
    >>> field_of_header("Colour", synonym_table()) is None
    True
    """
    key = header_key(header)
    if key in synonyms:
        return synonyms[key]
    # "Likelihood (1-5)", "Impact rating (H/M/L)": drop a trailing scale hint and retry.
    trimmed = re.sub(r"\b(\d+\s+\d+|h m l|l m h|1 to 5|rating|score)$", "", key).strip()
    if trimmed and trimmed != key and trimmed in synonyms:
        return synonyms[trimmed]
    # "Status / next step", "Owner / team": the field the parts name, when they name only one.
    parts = [p for p in SLASH_RE.split(header) if p.strip()] if "/" in header else []
    named = {f for p in parts if (f := field_of_header(p, synonyms))} if len(parts) > 1 else set()
    return named.pop() if len(named) == 1 else None


def is_extra_header(header: str) -> bool:
    """Whether a header is one registers carry without a canonical field ("Date raised").

    >>> is_extra_header("Date raised"), is_extra_header("Review date:"), is_extra_header("Vendor API")
    (True, True, False)
    """
    return header_key(header) in _EXTRA_KEYS


def is_date_header(header: str) -> bool:
    """Whether an extra header names a column of dates ("Date raised", "Due", "Closed on").

    >>> is_date_header("Review date"), is_date_header("Category")
    (True, False)
    """
    return is_extra_header(header) and bool(set(header_key(header).split()) & DATE_HEADER_WORDS)


_EXTRA_KEYS = frozenset(header_key(h) for h in EXTRA_HEADERS)
