"""Default vocabularies: scale words, statuses, severities, owner role words.

Plain data, like agate's DEFAULT_TRUE_VALUES: riskreg.toml extends or replaces any of them
(see README, "Normalisation rules"), so users change vocabularies without editing code.
Keys are compared after `pipeline.textnorm.fold` (lower case, punctuation to spaces).
"""

from __future__ import annotations

# Words (and abbreviations) on the common 1-5 scale, for likelihood and impact alike.
SCALE_WORDS: dict[str, int] = {
    "very low": 1, "very unlikely": 1, "rare": 1, "very rare": 1, "remote": 1, "negligible": 1,
    "insignificant": 1, "minimal": 1, "vl": 1,
    "low": 2, "unlikely": 2, "minor": 2, "l": 2, "lo": 2,
    "medium": 3, "moderate": 3, "possible": 3, "med": 3, "mid": 3, "m": 3, "average": 3,
    "significant": 3,
    "high": 4, "likely": 4, "major": 4, "probable": 4, "serious": 4, "h": 4, "hi": 4,
    "very high": 5, "critical": 5, "almost certain": 5, "certain": 5, "severe": 5, "catastrophic": 5,
    "extreme": 5, "very likely": 5, "vh": 5, "crit": 5,
}

# The four severities of the rollup, in order.
SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")

# Stated severity words -> severity. A stated 1-5 level maps through SEVERITY_OF_LEVEL.
SEVERITY_WORDS: dict[str, str] = {
    "low": "low", "very low": "low", "minor": "low", "l": "low", "negligible": "low", "info": "low",
    "informational": "low", "acceptable": "low",
    "medium": "medium", "moderate": "medium", "med": "medium", "m": "medium",
    "high": "high", "major": "high", "h": "high", "serious": "high", "elevated": "high",
    "critical": "critical", "very high": "critical", "severe": "critical", "extreme": "critical",
    "crit": "critical", "blocker": "critical", "catastrophic": "critical",
    "p1": "critical", "p2": "high", "p3": "medium", "p4": "low",
    "sev1": "critical", "sev2": "high", "sev3": "medium", "sev4": "low",
}
SEVERITY_OF_LEVEL: dict[int, str] = {1: "low", 2: "low", 3: "medium", 4: "high", 5: "critical"}

# Upper bound of the score (likelihood x impact) for each severity: 1-6 low, 7-9 medium,
# 10-15 high, 16-25 critical.
SEVERITY_BANDS: tuple[tuple[int, str], ...] = ((6, "low"), (9, "medium"), (15, "high"), (25, "critical"))

# Canonical statuses and the words teams write for them.
STATUSES: tuple[str, ...] = ("open", "mitigating", "mitigated", "monitoring", "accepted", "closed")
STATUS_SYNONYMS: dict[str, tuple[str, ...]] = {
    "open": ("open", "new", "todo", "to do", "pending", "not started", "identified", "active",
             "unmitigated", "unresolved", "raised", "not implemented", "blocker", "backlog"),
    "mitigating": ("mitigating", "in progress", "in-progress", "mitigation in progress", "ongoing",
                   "wip", "work in progress", "being mitigated", "partially mitigated", "partial",
                   "in flight", "underway", "started", "treating"),
    "mitigated": ("mitigated", "fixed", "resolved", "done", "complete", "completed", "implemented",
                  "remediated", "addressed", "mitigation complete"),
    "monitoring": ("monitoring", "monitor", "under monitoring", "watching", "watch", "tracking",
                   "under review", "observe"),
    "accepted": ("accepted", "accepted with mitigation", "risk accepted", "accept", "tolerated",
                 "tolerate", "acknowledged", "waived"),
    "closed": ("closed", "retired", "obsolete", "no longer applicable", "n a", "transferred",
               "archived", "cancelled", "canceled"),
}

# Words around an owner's name that do not change who the owner is: "Security lead" is Security.
OWNER_ROLE_WORDS: tuple[str, ...] = (
    "lead", "leads", "team", "teams", "owner", "owners", "manager", "managers", "on call", "on-call",
    "oncall", "group", "squad", "dept", "department", "function", "guild", "chapter", "head", "head of",
    "director", "officer", "engineer", "engineers", "rotation", "domain owner", "tech lead",
)
# Qualifiers in front of an owner's name: "Platform SRE" is SRE when the directory has no
# "Platform SRE". Only tried after the full name failed to match.
OWNER_QUALIFIERS: tuple[str, ...] = (
    "platform", "infra", "infrastructure", "core", "lead", "senior", "principal", "staff", "central",
    "cloud", "product", "the",
)
# Separators between joint owners: "Engineering + SRE", "Security / DBA", "Product & Legal".
OWNER_JOINERS: tuple[str, ...] = ("+", "/", "&", ",", ";", " and ", " with ")

# Values that mean "no value" in any cell.
NULL_VALUES: tuple[str, ...] = ("", "-", "--", "—", "–", "n/a", "na", "none", "null", "tbd", "tba", "?", "unknown",
                                "unassigned", "nil")
