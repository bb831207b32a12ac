"""Normalise ratings: likelihood and impact onto 1-5, score, severity (part of the normalise stage).

Takes rating cells as written ("High", "4", "3/3", "🔴 HIGH", "Likely (4)") and gives levels 1-5
and severities, each as a `Match` saying how it was read. The rules (README, "Normalisation
rules"), in order:

1. a decision recorded in `riskreg review` for that value;
2. the document's own scale: words of a legend table it states ("1 | Rare | Negligible"), and
   its size (a 1-3 or 1-10 legend, a header "Likelihood (1-3)", numbers above 5 in its cells);
3. numbers ("4", "4/5", "Level 4", "High (4)") on the document's scale, then onto 1-5
   (`vocab.SCALE_OF_SIZE`: a 1-3 scale reads as 2/3/4 like low/medium/high, 1-10 in pairs);
4. scale words (very low/rare 1, low 2, medium/possible 3, high/likely 4, critical/almost
   certain 5; H/M/L), a range of two of them as the higher ("medium to high", "mittel-hoch" 4),
   also inside a short cell ("🟠 High risk");
5. fuzzy matching for typos ("Medum"), with the guards of `pipeline.matching`.

A long cell that is none of these ("API becomes unresponsive") is not a rating: NULL, and not
flagged; a short one ("TBC-ish", "7" on a 1-5 scale) is NULL and flagged for review.
score = likelihood x impact; severity is the stated one when the document states one, else from
the score bands (1-6 low, 7-9 medium, 10-15 high, 16-25 critical).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline import vocab
from pipeline.matching import Guards, decide, negated_in, rank
from pipeline.records import Match
from pipeline.textnorm import fold
from pipeline.vocab import SCALE_OF_SIZE, SEVERITY_COLOURS, SEVERITY_OF_LEVEL

# A rating written as a number, maybe with a scale and a word around it: "4", "4/5", "3 of 5",
# "Level 4", "L4", "High (4)", "4 - Likely", "4 (High)". The words are checked afterwards: only
# scale words and a few labels may stand beside the number ("2 hours" is not a rating).
RATING_NUMBER_RE = re.compile(
    r"""
    ^\s*
    (?:(?P<before>[^\W\d_][^\W\d_ ]*(?:\ [^\W\d_]+){0,2})\s*[(:=\-–—]?\s*)?   # "High (", "Level", "L"
    (?P<n>\d{1,2}(?:\.\d+)?)
    (?:\s*(?:/|of|out\ of)\s*(?P<of>\d{1,2}))?                               # "/5", "of 5"
    \s*\)?
    (?:\s*(?:(?P<bracket>\()|[:=\-–—])?\s*(?P<after>[^\W\d_]+(?:\ [^\W\d_]+){0,2})\s*\)?)?  # "(High)", "- Likely"
    \s*$""",
    re.VERBOSE,
)
# A likelihood stated as a probability: "70%", "5 %". Read in bands of 20 points (0-20% is 1,
# 81-100% is 5), the five equal bands of the probability scales registers print beside their
# words (Rare < 20%, Almost certain > 80%).
PERCENT_RE = re.compile(r"^\s*(?P<p>\d{1,3}(?:\.\d+)?)\s*%\s*$")
# Everything but letters, digits, spaces and the punctuation RATING_NUMBER_RE reads: emoji,
# bold markers, stray symbols ("🔴 **4**").
RATING_NOISE_RE = re.compile(r"[^\w\s/().:=\-–—]+")
# A scale stated in a header or a legend: "(1-3)", "1–10", "1 to 5", "/10", "out of 10".
SCALE_HINT_RE = re.compile(r"(?:\b[01]\s*(?:-|–|—|to)\s*|/\s*|\bout of\s+)(?P<top>\d{1,2})\b")
# Labels that may stand beside a rating number without making it prose ("Level 4", "Nivel 4"):
# the lexicon's `rating_number_labels` (English's by default).
NUMBER_LABELS = vocab.ENGLISH.phrases("rating_number_labels")
# Words joining two scale words into a range ("medium to high", "mittel bis hoch"): the lexicon's
# `range_joiners` (English's by default). A dash folds to a space, so "Medium-High" needs none.
RANGE_JOINERS = vocab.ENGLISH.phrases("range_joiners")
# The most words a range of two scale words takes: two two-word phrases and a joiner
# ("muy baja a muy alta").
MAX_RANGE_WORDS = 5
# Cells with more words than this are descriptions, not ratings, when nothing in them reads as one.
MAX_RATING_WORDS = 3
# A decimal comma between two digits ("2,5"), read as a point in a language that writes decimals so.
DECIMAL_COMMA_RE = re.compile(r"(?<=\d),(?=\d)")
# A rating that changed, written as "🟠 High → 🟢 Low" or "4 -> 2": the arrow between two values.
RATING_CHANGE_RE = re.compile(r"\s*(?:→|->|=>|⇒|➜|➔|⟶)\s*")


@dataclass(frozen=True, slots=True)
class DocumentScale:
    """How one document writes one rating field: its legend's words and its number of levels."""

    words: tuple[tuple[str, int], ...] = ()  # folded legend word -> level on the document's scale
    size: int = 5  # levels: 3 for a 1-3 scale, 10 for 1-10
    source: str = "default"  # "legend", "header", "values" or "default"


def to_five(n: float, size: int) -> int | None:
    """A level on a 1-`size` scale, onto 1-5 (`vocab.SCALE_OF_SIZE`, else linear); None if outside it.

    >>> [to_five(n, 3) for n in (1, 2, 3)], [to_five(n, 10) for n in (1, 4, 7, 10)], to_five(4, 5), to_five(6, 5)
    ([2, 3, 4], [1, 2, 4, 5], 4, None)
    >>> to_five(7, 7), to_five(3.5, 5)
    (5, 4)
    """
    level = int(n + 0.5)
    if not 1 <= level <= size or size < 2:
        return None
    if size in SCALE_OF_SIZE:
        return SCALE_OF_SIZE[size][level - 1]
    return max(1, min(5, int(1 + (level - 1) * 4 / (size - 1) + 0.5)))


def document_scale(stated: Mapping[str, int] | None, headers: Iterable[str], values: Iterable[str]) -> DocumentScale:
    """The scale a document uses for one field: its legend first, then a header hint, then its values.

    >>> document_scale({"Low": 1, "Medium": 2, "High": 3}, [], []).size
    3
    >>> document_scale(None, ["Likelihood (1-10)"], []).size, document_scale(None, [], ["7", "2"]).size
    (10, 10)
    >>> document_scale(None, ["Likelihood"], ["4", "High"])
    DocumentScale(words=(), size=5, source='default')
    """
    words: dict[str, int] = {}
    for word, lvl in (stated or {}).items():
        for form in (fold(word), fold(word.split("(")[0])):
            if form:
                words.setdefault(form, lvl)
    if words and max(words.values()) > 1:
        return DocumentScale(tuple(sorted(words.items())), max(max(words.values()), 2), "legend")
    for header in headers:
        if m := SCALE_HINT_RE.search(header):
            top = int(m["top"])
            if 2 <= top <= 10:
                return DocumentScale(size=top, source="header")
    numbers = [
        float(m["n"]) for v in values if (m := RATING_NUMBER_RE.match(RATING_NOISE_RE.sub(" ", v))) and not m["of"]
    ]
    above = len({n for n in numbers if n > 5})
    # One stray "6" in a 1-5 register is a typo (flagged), not a 1-10 scale: it takes two
    # different numbers above 5, or numbers above 5 being half of those written.
    if numbers and max(numbers) <= 10 and (above >= 2 or above / len(set(numbers)) >= 0.5):
        return DocumentScale(size=10, source="values")
    return DocumentScale()


def severity_of_score(score: int | None, bands: tuple[tuple[int, str], ...]) -> str | None:
    """Severity from likelihood x impact.

    >>> bands = ((6, "low"), (9, "medium"), (15, "high"), (25, "critical"))
    >>> [severity_of_score(s, bands) for s in (6, 7, 10, 16)]
    ['low', 'medium', 'high', 'critical']
    """
    if score is None:
        return None
    return next((name for top, name in bands if score <= top), None)


def stated_score(raw: str | None) -> int | None:
    """A stated likelihood x impact score as a whole number 1-25, or None ("12", "12 (High)", "16/25").

    >>> stated_score("12"), stated_score("16/25"), stated_score("7.5/10"), stated_score("3x4=12")
    (12, 16, None, None)
    """
    if not raw:
        return None
    m = RATING_NUMBER_RE.match(RATING_NOISE_RE.sub(" ", raw))
    if not m or "." in m["n"] or (m["of"] and m["of"] != "25"):
        return None
    n = int(m["n"])
    return n if 1 <= n <= 25 else None


class RatingReader:
    """Reads likelihood, impact and severity cells for one run; each distinct value once."""

    def __init__(
        self,
        scale_words: Mapping[str, int],
        severity_words: Mapping[str, str],
        bands: tuple[tuple[int, str], ...],
        guards: Guards,
        decisions: Mapping[tuple[str, str], str | None] | None = None,
        *,
        decimal_comma: bool = False,
        number_labels: frozenset[str] = NUMBER_LABELS,
        range_joiners: frozenset[str] = RANGE_JOINERS,
        fuzzy: bool = True,
    ) -> None:
        self.decimal_comma = decimal_comma  # "2,5" is 2.5 in the documents' languages
        self.number_labels = number_labels
        self.range_joiners = range_joiners
        self.scale_words = {fold(k): v for k, v in scale_words.items()}
        self.severity_words = {fold(k): v for k, v in severity_words.items()}
        self.bands = bands
        self.guards = guards
        self.decisions = decisions or {}
        # Typos are read only with the document's own languages (`fuzzy`): never towards a word
        # of another language's.
        self._fuzzy_scale = {w: str(v) for w, v in self.scale_words.items() if len(w) >= 4} if fuzzy else {}
        self._fuzzy_severity = {w: s for w, s in self.severity_words.items() if len(w) >= 4} if fuzzy else {}
        self._levels: dict[tuple[str, str, DocumentScale], Match] = {}
        self._severities: dict[str, Match] = {}

    def level(self, field: str, raw: str, scale: DocumentScale = DocumentScale()) -> Match:
        """A likelihood or impact cell -> Match with the level 1-5 as its canonical text (or None).

        >>> r = RatingReader({"high": 4, "low": 2, "medium": 3, "likely": 4}, {}, (), Guards())
        >>> [r.level("likelihood", v).canonical for v in ("High", "4", "3/3", "🔴 **HIGH**", "Likely (4)", "Medum")]
        ['4', '4', '4', '4', '4', '3']
        >>> r.level("impact", "API becomes unresponsive, all requests fail").method
        'not-a-rating'
        >>> r.level("impact", "Outage for 2 hours").canonical is None
        True
        >>> r.level("impact", "3", DocumentScale(size=3)).canonical
        '4'
        >>> owasp = ("4.75 (MEDIUM)", "2.6 (LOW)", "7.0 (HIGH)")
        >>> [r.level("impact", v, DocumentScale(size=10)).canonical for v in owasp]
        ['3', '2', '4']
        >>> [r.level("likelihood", v).canonical for v in ("70%", "5 %", "20%", "100%", "150%")]
        ['4', '1', '1', '5', None]
        >>> r.level("impact", "70%").canonical is None
        True
        >>> comma = RatingReader({}, {}, (), Guards(), decimal_comma=True)
        >>> r.level("impact", "2,5").canonical, comma.level("impact", "2,5").canonical
        (None, '3')
        """
        cache_key = (field, raw, scale)
        if cache_key not in self._levels:
            self._levels[cache_key] = self._level(field, raw, scale)
        return self._levels[cache_key]

    def _level(self, field: str, raw: str, scale: DocumentScale) -> Match:
        key = fold(raw)
        if (field, key) in self.decisions:
            decided = self.decisions[(field, key)]
            return Match(field, raw, decided, "decision", 100.0)
        if (latest := latest_rating(raw)) is not None:
            found = self._level(field, latest, scale)
            return Match(
                field,
                raw,
                found.canonical,
                f"{found.method}, latest of a change",
                found.score,
                needs_review=found.needs_review,
            )
        if not key:
            return Match(field, raw, None, "not-a-rating", 0.0)
        legend = dict(scale.words)
        if key in legend:
            return self._found(field, raw, to_five(legend[key], scale.size), f"legend 1-{scale.size}")
        if field == "likelihood" and (percent := PERCENT_RE.match(raw)):
            chance = float(percent["p"])
            band = max(1, math.ceil(chance / 20)) if chance <= 100 else None
            return self._found(field, raw, band, "probability in bands of 20%")
        number = RATING_NUMBER_RE.match(self._number_text(raw))
        if number and number["bracket"] and (band := self._word_level(fold(number["after"]), legend, scale)):
            # "6.5 (HIGH)": the band the document states beats its number, which may be on a
            # scale of its own (OWASP's 0-9 factor averages); "4 (High)" reads alike either way.
            return self._found(field, raw, band, "word beside a number")
        if number and self._labels_ok(number, legend):
            size = int(number["of"]) if number["of"] else scale.size
            how = "number" if size == 5 else f"number 1-{size}"
            return self._found(field, raw, to_five(float(number["n"]), size), how)
        if key in self.scale_words:
            return self._found(field, raw, self.scale_words[key], "word")
        words = key.split()
        if (in_range := self._range_level(words, legend, scale)) is not None:
            return self._found(field, raw, in_range, "range, the higher")
        if len(words) <= MAX_RATING_WORDS:
            for phrase in _phrases(words):
                if phrase in legend:
                    return self._found(field, raw, to_five(legend[phrase], scale.size), f"legend 1-{scale.size}")
                if phrase in self.scale_words and len(phrase) > 1 and not negated_in(phrase, key):
                    return self._found(field, raw, self.scale_words[phrase], "word")
            fuzzy = decide(field, raw, key, rank(key, self._fuzzy_scale, self.guards.min_score - 25), self.guards)
            if fuzzy.canonical or fuzzy.runner_up:
                return fuzzy
            return Match(field, raw, None, "unreadable", 0.0, needs_review=True)
        return Match(field, raw, None, "not-a-rating", 0.0)

    def _range_level(self, words: list[str], legend: Mapping[str, int], scale: DocumentScale) -> int | None:
        """The higher level of a range of two scale words, or None: "medium high" (a dash folds
        to a space), "mittel bis hoch", "faible a moyenne" (with a `range_joiners` word). Both
        sides must be whole scale words of more than one letter, on the legend or the 1-5 scale.

        >>> r = RatingReader({"medium": 3, "high": 4, "very high": 5, "h": 4}, {}, (), Guards())
        >>> [r._range_level(fold(v).split(), {}, DocumentScale()) for v in ("medium to high", "high-very high")]
        [4, 5]
        >>> [r._range_level(fold(v).split(), {}, DocumentScale()) for v in ("medium to", "medium h", "high impact")]
        [None, None, None]
        """
        if not 2 <= len(words) <= MAX_RANGE_WORDS:
            return None
        for cut in range(1, len(words)):
            for after in (cut, cut + 1):  # the second side starts at once, or after one joining word
                if after > cut and words[cut] not in self.range_joiners:
                    continue
                sides = [self._word_level(" ".join(part), legend, scale) for part in (words[:cut], words[after:])]
                if None not in sides:
                    return max(sides)  # type: ignore[type-var]
        return None

    def _word_level(self, phrase: str, legend: Mapping[str, int], scale: DocumentScale) -> int | None:
        """The level of one whole scale word of more than one letter: the legend's, else the 1-5 scale's."""
        if len(phrase) <= 1:
            return None
        if phrase in legend:
            return to_five(legend[phrase], scale.size)
        return self.scale_words.get(phrase)

    def _number_text(self, raw: str) -> str:
        """A cell as RATING_NUMBER_RE reads it: noise gone, a decimal comma as a point when the
        document's language writes decimals with a comma."""
        return RATING_NOISE_RE.sub(" ", DECIMAL_COMMA_RE.sub(".", raw) if self.decimal_comma else raw)

    @staticmethod
    def _found(field: str, raw: str, value: int | None, method: str) -> Match:
        if value is None:  # a number outside the scale: "7" on a 1-5 scale
            return Match(field, raw, None, f"{method} out of range", 0.0, needs_review=True)
        return Match(field, raw, str(value), method, 100.0)

    def _labels_ok(self, number: re.Match[str], legend: Mapping[str, int]) -> bool:
        """Only scale words and labels ("Level", "L") may stand beside a rating number."""
        for part in (number["before"], number["after"]):
            if part and not {fold(part)} & (self.scale_words.keys() | legend.keys() | self.number_labels):
                return False
        return True

    def severity(self, raw: str) -> Match:
        """A stated severity ("🔴 HIGH", "Critical", "P1", "4", "16") -> low|medium|high|critical.

        >>> r = RatingReader({}, {"high": "high", "low": "low", "critical": "critical", "acceptable": "low"},
        ...                  ((6, "low"), (9, "medium"), (15, "high"), (25, "critical")), Guards())
        >>> [r.severity(v).canonical for v in ("🔴 HIGH", "🟢", "Critical risk", "4", "16", "Critcal")]
        ['high', 'low', 'critical', 'high', 'critical', 'critical']
        >>> r.severity("🔴 UNACCEPTABLE").canonical, r.severity("not high").canonical
        ('critical', None)
        """
        if raw not in self._severities:
            self._severities[raw] = self._severity(raw)
        return self._severities[raw]

    def _severity(self, raw: str) -> Match:
        key = fold(raw)
        if ("severity", key) in self.decisions:
            return Match("severity", raw, self.decisions[("severity", key)], "decision", 100.0)
        if (latest := latest_rating(raw)) is not None:
            found = self._severity(latest)
            return Match(
                "severity",
                raw,
                found.canonical,
                f"{found.method}, latest of a change",
                found.score,
                needs_review=found.needs_review,
            )
        if key in self.severity_words:
            return Match("severity", raw, self.severity_words[key], "word", 100.0)
        words = key.split()
        if 0 < len(words) <= MAX_RATING_WORDS + 1:
            for phrase in _phrases(words):
                if phrase in self.severity_words and len(phrase) > 1 and not negated_in(phrase, key):
                    return Match("severity", raw, self.severity_words[phrase], "word", 95.0)
        number = RATING_NUMBER_RE.match(self._number_text(raw))
        if number and "." not in number["n"] and self._labels_ok(number, {}):
            n, size = int(number["n"]), int(number["of"] or 5)
            if n <= size:
                lvl = to_five(n, size)
                return Match("severity", raw, SEVERITY_OF_LEVEL.get(lvl or 0), "level", 100.0)
            if not number["of"] and n <= 25:
                return Match("severity", raw, severity_of_score(n, self.bands), "score", 90.0)
        colours = [(raw.find(c), name) for c, name in SEVERITY_COLOURS.items() if c in raw]
        if colours:
            return Match("severity", raw, min(colours)[1], "colour", 90.0)
        if key and len(words) <= MAX_RATING_WORDS:
            fuzzy = decide(
                "severity", raw, key, rank(key, self._fuzzy_severity, self.guards.min_score - 25), self.guards
            )
            return (
                fuzzy
                if fuzzy.canonical or fuzzy.runner_up
                else Match("severity", raw, None, "unreadable", 0.0, needs_review=True)
            )
        return Match("severity", raw, None, "not-a-rating", 0.0)


def latest_rating(raw: str) -> str | None:
    """The value after the last arrow of a rating that changed, or None when the cell is not one.

    Only short sides count: prose with an arrow ("Outage -> lost orders for a day") is no rating.
    >>> latest_rating("🟠 High → 🟢 Low"), latest_rating("4 -> 2"), latest_rating("High")
    ('🟢 Low', '2', None)
    >>> latest_rating("Vendor outage -> orders lost for most of a day") is None
    True
    """
    sides = [s for s in RATING_CHANGE_RE.split(raw.strip()) if s.strip()]
    if len(sides) < 2 or any(len(fold(s).split()) > MAX_RATING_WORDS for s in sides):
        return None
    return sides[-1]


def _phrases(words: list[str]) -> Iterable[str]:
    """Two-word then one-word phrases of a short cell, left to right.

    >>> list(_phrases(["very", "high", "risk"]))
    ['very high', 'high risk', 'very', 'high', 'risk']
    """
    for size in (2, 1):
        for k in range(len(words) - size + 1):
            yield " ".join(words[k : k + size])


__all__ = ["DocumentScale", "RatingReader", "document_scale", "severity_of_score", "stated_score", "to_five"]
