"""Default vocabularies: scale words, statuses, severities, owner role words.

Plain data, like agate's DEFAULT_TRUE_VALUES: riskreg.toml extends or replaces any of them
(see README, "Normalisation rules"), so users change vocabularies without editing code.
Keys are compared after `pipeline.textnorm.fold` (lower case, punctuation to spaces).
"""

from __future__ import annotations

# Words (and abbreviations) on the common 1-5 scale, for likelihood and impact alike.
SCALE_WORDS: dict[str, int] = {
    "very low": 1, "very unlikely": 1, "rare": 1, "very rare": 1, "remote": 1, "negligible": 1,
    "insignificant": 1, "minimal": 1, "vl": 1, "improbable": 1, "highly unlikely": 1,
    "low": 2, "unlikely": 2, "minor": 2, "l": 2, "lo": 2,
    "medium": 3, "moderate": 3, "possible": 3, "med": 3, "mid": 3, "m": 3, "average": 3,
    "significant": 3, "occasional": 3,
    "high": 4, "likely": 4, "major": 4, "probable": 4, "serious": 4, "h": 4, "hi": 4,
    "very high": 5, "critical": 5, "almost certain": 5, "certain": 5, "severe": 5, "catastrophic": 5,
    "extreme": 5, "very likely": 5, "vh": 5, "crit": 5, "highly likely": 5, "frequent": 5,
    # In-between words a few registers use: the higher of the two levels, as a cautious reader would.
    "low medium": 3, "medium low": 3, "medium high": 4, "high medium": 4, "med high": 4, "high critical": 5,
}

# What a number means on a scale a document states with fewer or more than five levels: a 1-3
# scale is low/medium/high (2, 3, 4, as those words are everywhere else), a 1-4 scale is
# low/medium/high/critical, a 1-10 scale is read in pairs (1-2 -> 1 ... 9-10 -> 5). Other sizes
# are rescaled linearly (pipeline.scales.rescale).
SCALE_OF_SIZE: dict[int, tuple[int, ...]] = {
    3: (2, 3, 4),
    4: (2, 3, 4, 5),
    5: (1, 2, 3, 4, 5),
    10: (1, 1, 2, 2, 3, 3, 4, 4, 5, 5),
}

# The four severities of the rollup, in order.
SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")

# Stated severity words -> severity. A stated 1-5 level maps through SEVERITY_OF_LEVEL.
SEVERITY_WORDS: dict[str, str] = {
    "low": "low", "very low": "low", "minor": "low", "l": "low", "negligible": "low", "info": "low",
    "informational": "low", "acceptable": "low", "insignificant": "low", "minimal": "low",
    "medium": "medium", "moderate": "medium", "med": "medium", "m": "medium", "significant": "medium",
    "high": "high", "major": "high", "h": "high", "serious": "high", "elevated": "high",
    "critical": "critical", "very high": "critical", "severe": "critical", "extreme": "critical",
    "crit": "critical", "blocker": "critical", "catastrophic": "critical",
    "p1": "critical", "p2": "high", "p3": "medium", "p4": "low", "p5": "low",
    "p 1": "critical", "p 2": "high", "p 3": "medium", "p 4": "low", "p 5": "low",
    "sev1": "critical", "sev2": "high", "sev3": "medium", "sev4": "low",
    "sev 1": "critical", "sev 2": "high", "sev 3": "medium", "sev 4": "low",
    "medium high": "high", "med high": "high", "low medium": "medium", "medium low": "medium",
}
# Coloured markers standing for a severity when no word is written ("🔴" alone).
SEVERITY_COLOURS: dict[str, str] = {
    "🟢": "low", "🟩": "low", "💚": "low", "🟡": "medium", "🟨": "medium", "💛": "medium",
    "🟠": "high", "🟧": "high", "🧡": "high", "🔴": "critical", "🟥": "critical", "❤️": "critical",
}
SEVERITY_OF_LEVEL: dict[int, str] = {1: "low", 2: "low", 3: "medium", 4: "high", 5: "critical"}

# Upper bound of the score (likelihood x impact) for each severity: 1-6 low, 7-9 medium,
# 10-15 high, 16-25 critical.
SEVERITY_BANDS: tuple[tuple[int, str], ...] = ((6, "low"), (9, "medium"), (15, "high"), (25, "critical"))

# Canonical statuses and the words teams write for them.
STATUSES: tuple[str, ...] = ("open", "mitigating", "mitigated", "monitoring", "accepted", "closed")
STATUS_SYNONYMS: dict[str, tuple[str, ...]] = {
    "open": ("open", "new", "todo", "to do", "pending", "not started", "identified", "active",
             "unmitigated", "unresolved", "raised", "not implemented", "blocker", "backlog", "reopened",
             "re opened", "not mitigated", "not yet mitigated", "not fixed", "not done", "not resolved",
             "not addressed", "planned", "proposed", "needs mitigation", "awaiting mitigation", "blocked",
             "investigating", "under investigation"),
    "mitigating": ("mitigating", "in progress", "in-progress", "mitigation in progress", "ongoing",
                   "wip", "work in progress", "being mitigated", "partially mitigated", "partial",
                   "in flight", "underway", "started", "treating", "mitigation ongoing", "in treatment"),
    "mitigated": ("mitigated", "fixed", "resolved", "done", "complete", "completed", "implemented",
                  "remediated", "addressed", "mitigation complete", "mitigation completed", "verified",
                  "in place", "mitigation in place", "mitigations in place", "controls in place"),
    "monitoring": ("monitoring", "monitor", "under monitoring", "watching", "watch", "tracking",
                   "under review", "observe", "observing", "monitored", "watch list", "watchlist", "tracked"),
    "accepted": ("accepted", "accepted with mitigation", "accepted with mitigations", "risk accepted",
                 "accept", "tolerated", "tolerate", "acknowledged", "waived", "risk acknowledged"),
    "closed": ("closed", "retired", "obsolete", "no longer applicable", "n a", "transferred",
               "archived", "cancelled", "canceled", "withdrawn", "superseded", "avoided"),
}
# Words (and glued prefixes) that turn a value around when they come just before it: "not
# mitigated" is not mitigated, "unacceptable" is not acceptable. A cell like that is never
# matched, exactly or fuzzily, to the word it negates.
NEGATION_WORDS: tuple[str, ...] = ("not", "no", "non", "never", "not yet")
NEGATION_PREFIXES: tuple[str, ...] = ("un", "non")

# Words around an owner's name that do not change who the owner is: "Security lead" is Security.
OWNER_ROLE_WORDS: tuple[str, ...] = (
    "lead", "leads", "team", "teams", "owner", "owners", "manager", "managers", "on call", "on-call",
    "oncall", "group", "squad", "dept", "department", "function", "guild", "chapter", "head", "head of",
    "director", "officer", "engineer", "engineers", "rotation", "domain owner", "tech lead", "lead of",
)
# Names that are a role on their own: shown whole as written ("Tech lead" never becomes "Tech"),
# and clustered whole; matching against a directory still tries them without role words.
OWNER_ROLE_TITLES: tuple[str, ...] = (
    "tech lead", "team lead", "technical lead", "service owner", "risk owner", "owner", "lead", "manager",
    "cto", "ciso", "cio", "ceo", "coo", "on call", "on call engineer", "on call rotation",
)
# Qualifiers in front of an owner's name: "Platform SRE" is SRE when the directory has no
# "Platform SRE". Only tried after the full name failed to match.
OWNER_QUALIFIERS: tuple[str, ...] = (
    "platform", "infra", "infrastructure", "core", "lead", "senior", "principal", "staff", "central",
    "cloud", "product", "the",
)
# Short forms in owner names, read as the words they stand for before matching ("Eng manager",
# "Notification svc owner", "DB admin").
OWNER_ABBREVIATIONS: dict[str, str] = {
    "eng": "engineering", "engg": "engineering", "mgmt": "management", "mgt": "management", "mgr": "manager",
    "svc": "service", "svcs": "services", "ops": "operations", "admin": "administration", "db": "database",
    "infra": "infrastructure", "sec": "security", "infosec": "information security", "comms": "communications",
}
# Separators between joint owners: "Engineering + SRE", "Security / DBA", "Product & Legal".
OWNER_JOINERS: tuple[str, ...] = ("+", "/", "&", ",", ";", " and ", " with ")

# What a document is (not which service it is about): dropped from titles when looking for the
# service's name ("Operator Management Service — Service Risk Register" -> "Operator Management
# Service"), and ignored when comparing service names ("lock-integration-service").
SERVICE_TYPE_WORDS: tuple[str, ...] = (
    "service", "services", "risk", "risks", "register", "registry", "readiness", "checklist", "check", "checks",
    "list", "assessment", "residual", "mitigation", "mitigations", "playbook", "playbooks", "and", "review",
    "matrix", "threat", "model", "report", "document", "doc", "docs", "production", "launch", "go", "live",
    "operational", "operations", "raid", "log", "sign", "off", "signoff", "the", "of", "for", "a", "v1", "v2",
    "draft", "final", "template", "overview", "summary", "status", "tracker", "post", "pre", "fix", "fixes",
    "critical", "findings", "gaps", "remaining", "executive", "prr", "orr",
)
# Folders that hold registers but do not name a service.
GENERIC_FOLDERS: tuple[str, ...] = (
    "docs", "doc", "registers", "register", "risks", "readiness", "assessments", "scraped", "pages", "raw",
    "data", "wiki", "src", "content", "documents", "risk", "checklists", "html", "md", "txt",
)

# Values that mean "no value" in any cell.
NULL_VALUES: tuple[str, ...] = ("", "-", "--", "—", "–", "n/a", "na", "none", "null", "tbd", "tba", "?", "unknown",
                                "unassigned", "nil", "tbc", "n a", "not set", "not assigned")
