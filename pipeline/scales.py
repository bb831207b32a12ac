"""Normalise ratings: likelihood and impact onto 1-5, score, severity.

Rules (README, "Normalisation rules"): numbers 1-5 are taken as they are; words go through
the scale vocabulary (very low/rare 1, low 2, medium/possible 3, high/likely 4, critical/
almost certain 5; H/M/L); a document that states its own scale (a legend table) is read
through it first. score = likelihood x impact. severity is the stated one when the document
states one, else from the score (1-6 low, 7-9 medium, 10-15 high, 16-25 critical).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipeline.textnorm import fold

# "4", "4/5", "4 (High)", "High (4)", "L4": a level written as a number.
LEVEL_NUMBER_RE = re.compile(r"(?<![\d.])(?P<n>[1-9]|10)(?:\s*/\s*(?P<of>5|10|3|4))?(?![\d.])")
# An emoji-coloured rating ("🔴 CRITICAL"): the colour alone, when there is no word.
COLOUR_LEVELS = {"🟢": "low", "🟡": "medium", "🟠": "high", "🔴": "critical"}


def level(raw: str | None, scale_words: Mapping[str, int],
          stated: Mapping[str, int] | None = None) -> int | None:
    """A likelihood or impact on 1-5, or None when the value is not a rating.

    >>> words = {"low": 2, "high": 4, "very high": 5, "h": 4}
    >>> level("High", words), level("4", words), level("3/3", words), level("Very High", words)
    (4, 4, 5, 5)
    >>> level("API becomes unresponsive, all requests fail", words) is None
    True
    """
    if raw is None:
        return None
    key = fold(raw)
    if not key:
        return None
    if stated:
        for word, value in stated.items():
            if fold(word) == key:
                return value
    if key in scale_words:
        return scale_words[key]
    number = LEVEL_NUMBER_RE.search(raw)
    words = key.split()
    if number and len(words) <= 3:
        n, of = int(number["n"]), int(number["of"] or 5)
        return _rescale(n, of)
    # "High (likely)", "🔴 High risk": the first scale word among a few words.
    if len(words) <= 3:
        for size in (2, 1):
            for k in range(len(words) - size + 1):
                phrase = " ".join(words[k:k + size])
                if phrase in scale_words and len(phrase) > 1:
                    return scale_words[phrase]
    return None


def _rescale(n: int, of: int) -> int | None:
    """A level on a 1-`of` scale, onto 1-5.

    >>> _rescale(3, 3), _rescale(1, 3), _rescale(10, 10), _rescale(4, 5)
    (5, 1, 5, 4)
    """
    if not 1 <= n <= of:
        return None
    if of == 5:
        return n
    return max(1, min(5, round(1 + (n - 1) * 4 / (of - 1))))


def severity_of_score(score: int | None, bands: tuple[tuple[int, str], ...]) -> str | None:
    """Severity from likelihood x impact.

    >>> bands = ((6, "low"), (9, "medium"), (15, "high"), (25, "critical"))
    >>> [severity_of_score(s, bands) for s in (6, 7, 10, 16)]
    ['low', 'medium', 'high', 'critical']
    """
    if score is None:
        return None
    return next((name for top, name in bands if score <= top), None)


def stated_severity(raw: str | None, severity_words: Mapping[str, str]) -> str | None:
    """A severity as written ("🔴 HIGH", "Critical", "P1", "4"), onto low|medium|high|critical.

    >>> words = {"high": "high", "low": "low", "critical": "critical"}
    >>> stated_severity("🔴 HIGH", words), stated_severity("🟢", words), stated_severity("Critical risk", words)
    ('high', 'low', 'critical')
    """
    if raw is None:
        return None
    key = fold(raw)
    if key in severity_words:
        return severity_words[key]
    for word in key.split()[:3]:
        if word in severity_words and len(word) > 1:
            return severity_words[word]
    number = LEVEL_NUMBER_RE.fullmatch(raw.strip())
    if number:
        lvl = _rescale(int(number["n"]), int(number["of"] or 5))
        return {1: "low", 2: "low", 3: "medium", 4: "high", 5: "critical"}.get(lvl or 0)
    colours = [COLOUR_LEVELS[c] for c in raw if c in COLOUR_LEVELS]
    return colours[0] if colours and not key else None
