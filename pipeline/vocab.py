"""Default vocabularies: the closed canonical sets in code, the English words from the English pack.

The words teams write (scale words, severities, statuses, null values, owner role words and
joiners, document-type words) are data: they live in `parsers/lexicon/en.toml`, one pack among
the language packs beside it, and are read from there into the names below, the English defaults
of `pipeline.config.Config` (one source of truth). riskreg.toml extends or replaces any of them
(see README, "Normalisation rules"), and a document written in another language is read with its
pack's words too (`pipeline.languages`). What is not a word stays here: the canonical statuses
and severities, the severity bands, the sizes of scales, the coloured markers.
Keys are compared after `pipeline.textnorm.fold` (lower case, punctuation to spaces).
"""

from __future__ import annotations

import functools

from parsers import lexicon

ENGLISH = lexicon.load(("en",))

# Words (and abbreviations) on the common 1-5 scale, for likelihood and impact alike.
SCALE_WORDS: dict[str, int] = dict(ENGLISH.scale)

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
SEVERITY_WORDS: dict[str, str] = dict(ENGLISH.severity)
# Coloured markers standing for a severity when no word is written ("🔴" alone).
SEVERITY_COLOURS: dict[str, str] = {
    "🟢": "low",
    "🟩": "low",
    "💚": "low",
    "🟡": "medium",
    "🟨": "medium",
    "💛": "medium",
    "🟠": "high",
    "🟧": "high",
    "🧡": "high",
    "🔴": "critical",
    "🟥": "critical",
    "❤️": "critical",
}
SEVERITY_OF_LEVEL: dict[int, str] = {1: "low", 2: "low", 3: "medium", 4: "high", 5: "critical"}

# Upper bound of the score (likelihood x impact) for each severity: 1-6 low, 7-9 medium,
# 10-15 high, 16-25 critical.
SEVERITY_BANDS: tuple[tuple[int, str], ...] = ((6, "low"), (9, "medium"), (15, "high"), (25, "critical"))

# Canonical statuses and the words teams write for them.
STATUSES: tuple[str, ...] = ("open", "mitigating", "mitigated", "monitoring", "accepted", "closed")
STATUS_SYNONYMS: dict[str, tuple[str, ...]] = {status: ENGLISH.status.get(status, ()) for status in STATUSES}


# Words (and glued prefixes) that turn a value around when they come just before it: "not
# mitigated" is not mitigated, "unacceptable" is not acceptable. A cell like that is never
# matched, exactly or fuzzily, to the word it negates. Fuzzy matching runs on every language
# alike, so these are every pack's negations ("no", "não", "nicht", "niet"...).
# Read when first needed: reading every pack takes a tenth of a second, which a night with
# nothing to parse should not spend.
@functools.lru_cache(maxsize=1)
def negations() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(negation words, negation prefixes) of every pack.

    >>> words, prefixes = negations()
    >>> "not" in words and "nicht" in words, "un" in prefixes
    (True, True)
    """
    every = lexicon.every_language()
    return tuple(sorted(every.phrases("negation_words"))), tuple(sorted(every.phrases("negation_prefixes")))


# Words around an owner's name that do not change who the owner is: "Security lead" is Security.
OWNER_ROLE_WORDS: tuple[str, ...] = ENGLISH.words["owner_role_words"]
# Names that are a role on their own: shown whole as written ("Tech lead" never becomes "Tech"),
# and clustered whole; matching against a directory still tries them without role words.
OWNER_ROLE_TITLES: tuple[str, ...] = ENGLISH.words["owner_role_titles"]
# Qualifiers in front of an owner's name: "Platform SRE" is SRE when the directory has no
# "Platform SRE". Only tried after the full name failed to match.
OWNER_QUALIFIERS: tuple[str, ...] = ENGLISH.words["owner_qualifiers"]
# Short forms in owner names, read as the words they stand for before matching ("Eng manager",
# "Notification svc owner", "DB admin").
OWNER_ABBREVIATIONS: dict[str, str] = dict(ENGLISH.owner_abbreviations)
# Separators between joint owners: "Engineering + SRE", "Security / DBA", "Product & Legal".
OWNER_JOINERS: tuple[str, ...] = ENGLISH.words["owner_joiners"]

# What a document is (not which service it is about): dropped from titles when looking for the
# service's name ("Operator Management Service — Service Risk Register" -> "Operator Management
# Service"), and ignored when comparing service names ("lock-integration-service").
SERVICE_TYPE_WORDS: tuple[str, ...] = ENGLISH.words["service_type_words"]
# Folders that hold registers but do not name a service.
GENERIC_FOLDERS: tuple[str, ...] = ENGLISH.words["generic_folders"]

# Values that mean "no value" in any cell.
NULL_VALUES: tuple[str, ...] = ENGLISH.words["null_values"]
