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
    return synonyms.get(trimmed) if trimmed and trimmed != key else None
