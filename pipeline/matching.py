"""Fuzzy matching with guards, shared by the owner, status, scale and service vocabularies.

Part of the normalise stage. rapidfuzz scores (0-100) are generous on short strings and partial
overlaps (`WRatio` scores "7" against "X94678" at 90; "J. Smith" scores the same against Jane
Smith and John Smith), so a fuzzy match here must pass every guard: a key of a minimum length,
a score at or above the minimum, a margin over the best *other* canonical value, the same digits
on both sides ("Team 2" is not "Team 3"), no negation in front ("unacceptable" is not
"acceptable") and few edits apart: a typo is an edit or two, while "Booking Orchestration" and
"Billing Orchestration" score 86 on a long shared word but are three edits apart. Anything short
of that is decided by nobody: the value stays unmatched, flagged for `riskreg review`, with the
best candidate kept as the runner-up for a person to accept. (One edit in a name of five letters
or more is a typo whatever the score: "Mediun" scores 83 against "Medium".)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from pipeline.records import Match
from pipeline.vocab import negations

# Runs of digits: two names only match fuzzily when they carry the same numbers.
DIGITS_RE = re.compile(r"\d+")
# Names shorter than this allow one typo at most, whatever `max_edits` says.
SHORT_NAME = 10
# From this length, one typing edit is a typo whatever the score ("mediun" scores 83 against "medium").
ONE_TYPO_LENGTH = 5
# How far below a cutoff a score found by a C loop is still scored again in Python: room for
# floating point differences between two ways of computing one ratio.
SCORE_SLACK = 1e-6


@dataclass(frozen=True, slots=True)
class Guards:
    """What a fuzzy match must pass (riskreg.toml `[matching]`)."""

    min_score: float = 85.0
    margin: float = 6.0
    min_length: int = 3
    max_edits: int = 2  # typos allowed (one for names under SHORT_NAME letters)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A canonical value and how well its best written form scored."""

    canonical: str
    score: float
    form: str  # the alias or phrase that scored best


def similarity(a: str, b: str) -> float:
    """0-100: the better of two strict views of two folded strings: Indel ratio and optimal string
    alignment (a swapped pair of letters is one edit, as people type it). No partial, weighted or
    token-sorted ratios: they are what scores "7" against "X94678" at 90, or "DBA Platform"
    against "Data Platform" at 100. Word order is handled by exact fingerprints instead.

    >>> round(similarity("secruity", "security")), round(similarity("securty", "security"))
    (88, 93)
    >>> similarity("7", "x94678") < 50
    True
    """
    return max(fuzz.ratio(a, b), OSA.normalized_similarity(a, b) * 100)


def rank(key: str, index: Mapping[str, str], cutoff: float = 0.0) -> list[Candidate]:
    """Every canonical value of `index` (form -> canonical) with its best score >= cutoff, best first.

    Ties are broken by fewer typing edits, then by name, so the order never depends on dictionary order.
    >>> rank("securty", {"security": "Security", "information security": "Security", "sre": "SRE"})[0]
    Candidate(canonical='Security', score=93.33333333333333, form='security')
    """
    best: dict[str, Candidate] = {}
    for form, score in _scores(key, list(index), cutoff):
        canonical = index[form]
        if canonical not in best or score > best[canonical].score:
            best[canonical] = Candidate(canonical, score, form)
    return sorted(best.values(), key=lambda c: (-c.score, edits(key, c.form), c.canonical))


def _scores(key: str, forms: Sequence[str], cutoff: float) -> Iterable[tuple[str, float]]:
    """(form, similarity) for forms scoring at least cutoff; rapidfuzz's C loops do the search."""
    if len(forms) <= 64:
        # The Indel ratio is never below the OSA similarity (an OSA edit is at most two indels,
        # and the length difference costs one each way), so `similarity` is the ratio, and the
        # ratio's C loop finds every form that can reach the cutoff; each is scored again as
        # `similarity` scores it, in the order of `forms`.
        hits = process.extract(key, forms, scorer=fuzz.ratio, score_cutoff=max(0.0, cutoff - SCORE_SLACK), limit=None)
        for k in sorted(k for _, _, k in hits):
            score = similarity(key, forms[k])
            if score >= cutoff:
                yield forms[k], score
        return
    found: dict[int, float] = {}
    for scorer, scale in ((fuzz.ratio, 1.0), (OSA.normalized_similarity, 100.0)):
        for _, score, k in process.extract(key, forms, scorer=scorer, score_cutoff=cutoff / scale, limit=16):
            found[k] = max(found.get(k, 0.0), score * scale)
    for k, score in found.items():
        yield forms[k], score


def within_edits(key: str, forms: Sequence[str], limit: int) -> bool:
    """Whether a form is at most `limit` typing edits from `key` (`edits`): without one, no fuzzy
    decision can match `key`, whatever the scores (`decide` allows `max_edits`, at most
    `Guards.max_edits`). One C loop.

    >>> within_edits("securty", ["security", "sre"], 2), within_edits("securityretry", ["security"], 2)
    (True, False)
    """
    return process.extractOne(key, forms, scorer=OSA.distance, score_cutoff=limit) is not None


def negated(key: str, phrase: str, min_score: float) -> bool:
    """Whether `key` is `phrase` with a negation in front ("not mitigated", "unacceptable").

    >>> negated("unacceptable", "acceptable", 85), negated("not mitigatd", "mitigated", 85)
    (True, True)
    >>> negated("mitigated", "mitigated", 85), negated("notable", "table", 85)
    (False, False)
    """
    words, prefixes = negations()
    rests = [key.removeprefix(w + " ") for w in words] + [key.removeprefix(p) for p in prefixes]
    return any(rest != key and len(rest) >= 3 and similarity(rest, phrase) >= min_score for rest in rests)


def negated_in(phrase: str, key: str) -> bool:
    """Whether the phrase comes right after a negation word in the cell ("not likely").

    >>> negated_in("likely", "not likely"), negated_in("high", "very high")
    (True, False)
    """
    padded = f" {key} "
    return any(f" {neg} {phrase} " in padded for neg in negations()[0])


def edits(a: str, b: str) -> int:
    """Typing edits between two strings (insert, delete, substitute, swap two neighbours).

    >>> edits("secruity", "security"), edits("booking orchestration", "billing orchestration")
    (1, 3)
    """
    return OSA.distance(a, b)


def max_edits(form: str, guards: Guards) -> int:
    """Edits a typo of `form` may have: one for a short name, `guards.max_edits` for a longer one."""
    return min(guards.max_edits, 1) if len(form) < SHORT_NAME else guards.max_edits


def digits(text: str) -> tuple[str, ...]:
    """The numbers in a text, in order.

    >>> digits("Team 2 (ops 7)")
    ('2', '7')
    """
    return tuple(DIGITS_RE.findall(text))


def decide(vocabulary: str, raw: str, key: str, ranked: Sequence[Candidate], guards: Guards) -> Match:
    """A fuzzy decision: matched when every guard holds, else unmatched and flagged for review.

    An unmatched Match keeps the best candidate as its runner-up: the proposal a person accepts
    with `riskreg review accept`.
    >>> g = Guards()
    >>> decide("owner", "J. Smith", "j smith", rank("j smith", {"jane smith": "Jane Smith",
    ...        "john smith": "John Smith"}), g).needs_review
    True
    >>> decide("owner", "7", "7", rank("7", {"x94678": "X94678"}), g).canonical is None
    True
    >>> decide("service", "x", "booking orchestration",
    ...        rank("booking orchestration", {"billing orchestration": "Billing"}), g).canonical is None
    True
    """
    if not ranked:
        return Match(vocabulary, raw, None, "unmatched", 0.0, needs_review=True)
    top = ranked[0]
    runner = ranked[1] if len(ranked) > 1 else None
    runner_score = runner.score if runner else 0.0
    one_typo = edits(key, top.form) == 1 and len(top.form) >= ONE_TYPO_LENGTH  # "Mediun": 83, still a typo
    ok = (
        len(key.replace(" ", "")) >= guards.min_length
        and (top.score >= guards.min_score or one_typo)
        and top.score - runner_score >= guards.margin
        and digits(key) == digits(top.form)
        and edits(key, top.form) <= max_edits(top.form, guards)
        and not negated(key, top.form, guards.min_score)
    )
    if ok:
        return Match(
            vocabulary,
            raw,
            top.canonical,
            "fuzzy",
            round(top.score, 1),
            runner.canonical if runner else None,
            round(runner_score, 1) if runner else None,
        )
    return Match(
        vocabulary, raw, None, "unmatched", round(top.score, 1), top.canonical, round(top.score, 1), needs_review=True
    )


__all__ = [
    "Candidate",
    "Guards",
    "decide",
    "digits",
    "edits",
    "max_edits",
    "negated",
    "negated_in",
    "rank",
    "similarity",
    "within_edits",
]
