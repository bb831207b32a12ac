"""Where an owner cell that ran into the next cell ends; a step of the row splitter's search.

An owner followed by a typed cell (a status, a rating) ends exactly where that cell starts. One
followed by free text ("Lock domain leadPer-vendor circuit breaker", "Productanalytics-service
cost dashboard") ends where the vocabulary says: at a known owner (the longest of two known ones
inside each other), at a misspelt one where it is most like the name, at an owner the other rows
use, else at a case change, at a cost. Every candidate end is priced; the cheapest dozen are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from parsers.frontends.textrows.cuts import Cut, boundary_cost
from parsers.frontends.textrows.vocab import Vocabulary
from pipeline.textnorm import fold

# Longest owner cell tried, in characters and words.
MAX_OWNER_CHARS = 80
MAX_OWNER_WORDS = 8
# Cheapest owner ends kept for the search.
MAX_OWNER_CUTS = 12
# A word of a row: owner ends are looked for word by word.
TOKEN_RE = re.compile(r"\S+")


def owner_cuts(
    text: str, start: int, next_starts: Callable[[str, int], object], anchored: bool, vocab: Vocabulary, spaced: bool
) -> list[Cut]:
    """Where the owner cell starting at `start` can end, cheapest first. `next_starts` says
    where the next column can start; `anchored` when that column is a typed cell (a status, a
    rating), so the owner ends exactly where it starts."""
    words = vocab.words
    cuts: list[list] = []  # [end, cost, note, confidence]: made Cuts once the cheapest are known
    exact_ends: list[int] = []
    fuzzy_ends: dict[int, tuple[str, float]] = {}
    guessed_ends: list[int] = []
    limit = min(len(text), start + MAX_OWNER_CHARS)
    if (semicolon := text.find(";", start, limit)) >= 0:
        limit = semicolon  # an owner never holds one
    filled = len(text.rstrip())  # past this, nothing is left for the next cells
    edge: dict[int, float] = {}  # boundary_cost of each end that is a cut
    size = len(text)
    open_joiner_end = words.open_joiner_end_re.search
    # Every test below only rules an end out, so their order changes nothing read. Those that
    # look at one word alone (inside it, or just after the next cell's capital) are answered
    # per word, once (`Vocabulary.word_ends`); then what each end left needs.
    for count, token in enumerate(TOKEN_RE.finditer(text, start)):
        first = token.start()
        if first >= limit or count >= MAX_OWNER_WORDS:
            break
        for offset in vocab.word_ends(token.group()):
            end = first + offset
            if end > limit:
                break
            if end < size and anchored and not next_starts(text, end):
                continue
            if open_joiner_end(text, max(start, end - words.open_joiner_reach), end):
                continue
            owner = text[start:end]
            scored = vocab.owner_cost(owner)
            if scored is None:
                continue
            cost, note, conf, known_end, fuzzy_end, last = scored
            edge[end] = boundary_cost(text, end, spaced)
            if fuzzy_end:
                fuzzy_ends[end] = fuzzy_end
            rest = text[end : end + 40]
            continues_word = (owner[-1].islower() and rest[:1].islower()) or (
                owner[-1].isupper() and rest[:1].isupper() and not rest[1:2].islower()
            )
            if (
                words.joiner_re.match(rest)
                or rest[:1] in ("+", "/", "&", ",")
                or (continues_word and words.fragment_joiner_re.match(rest))
            ):
                cost += 1.5  # the owner goes on: "Lock domain lead" | " + Security...", "Engineer" | "ing + QA"
            if (
                rest[:1].islower()
                and not known_end
                and owner[-1].isalpha()
                and fold(owner.split()[-1]) in words.role_keys
            ):
                cost += 0.5  # a role word that is the start of a longer word: "Engineer" | "ing"
            if words.role_start_re.match(rest):
                cost += 0.5  # a role word left to the mitigation: "Security" | "leadPer-vendor"
            if end >= filled:
                cost += 0.8  # the mitigation would be empty
            if known_end:
                exact_ends.append(end)
            elif not fuzzy_end and not anchored and end < len(text) and edge[end] > 0.0 and not vocab.is_told(last):
                # An unknown owner running into the mitigation with nothing to show where: a guess.
                conf = min(conf, 0.6)
                note = f"owner {owner!r} not in the owner vocabulary; where it ends is a guess"
                guessed_ends.append(end)
                if owner[-2:].isupper() and rest[:1].islower():
                    cost += 0.5  # "Platform SREC|ontainer": the last capital starts the next word
            cuts.append([end, cost, note, conf])
    if exact_ends:
        for c in cuts:
            c[1] += known_penalty(text, c[0], exact_ends, vocab)
    if fuzzy_ends:
        # A misspelt name ends where it is most like the name: "Securty|read" over "Securtyr|ead";
        # an unknown name a few letters off it ("Se|cuirty", "Secuirtyr|unbook") is that name
        # cut short or run on.
        peak = max((e for e in fuzzy_ends if not beaten_nearby(e, fuzzy_ends)), default=start)
        for c in cuts:
            c[1] += _fuzzy_penalty(text, c[0], peak, fuzzy_ends, exact_ends)
    evidenced = [c[0] for c in cuts if edge[c[0]] <= 0.1]
    guessed_ends = [e for e in guessed_ends if edge[e] >= 0.5]
    if evidenced and guessed_ends:
        # A guess inside a word before a cut the letter case supports ("Pla|tform SRE|Container"):
        # the name most likely runs on to the supported cut.
        top = max(evidenced)
        for c in cuts:
            if c[0] in guessed_ends and c[0] < top:
                c[1] += 0.5
    cuts.sort(key=lambda c: c[1] + edge[c[0]])
    return [Cut(*c) for c in cuts[:MAX_OWNER_CUTS]]


def _fuzzy_penalty(
    text: str, end: int, peak: int, fuzzy_ends: Mapping[int, tuple[str, float]], exact_ends: Sequence[int]
) -> float:
    """Extra cost of an owner end near misspelt-name ends: 1.0 where a neighbour reads the name
    more closely, 0.5 for an end inside the same word as the last one ("Sec|uirtyreplay", an
    abbreviation of a misspelt "Secuirty"), else nothing."""
    if end in fuzzy_ends:
        if beaten_nearby(end, fuzzy_ends):
            return 1.0
        return 0.5 if end < peak and text[end:peak].isalpha() else 0.0
    if end not in exact_ends and text[min(end, peak) : max(end, peak)].isalpha():
        return 0.5
    return 0.0


def beaten_nearby(end: int, fuzzy_ends: Mapping[int, tuple[str, float]]) -> bool:
    """Whether a cut 1-2 characters away reads the same misspelt owner more closely.

    >>> ends = {7: ("Security", 93.3), 8: ("Security", 87.5)}
    >>> beaten_nearby(7, ends), beaten_nearby(8, ends)
    (False, True)
    """
    canonical, score = fuzzy_ends[end]
    return any(
        (other := fuzzy_ends.get(end + d)) and other[0] == canonical and other[1] > score for d in (-2, -1, 1, 2)
    )


def known_penalty(text: str, end: int, known_ends: Sequence[int], vocab: Vocabulary) -> float:
    """Extra cost of an owner cut next to cuts that read as known owners: of two known owners
    one inside the other ("Product" / "Product management") the longer wins; a reading that cuts
    a known owner short ("SECURIT|Y") or runs it on into the next cell ("Data Platform leadr",
    "Productanalytics") is a misspelt owner only in name.

    >>> from pipeline.config import Config
    >>> t, v = "Data Platform leadrate limit", Vocabulary.of(Config())
    >>> [known_penalty(t, e, [13, 18], v) for e in (13, 18, 19)]
    [0.5, 0.0, 1.0]
    """
    if end in known_ends:
        return 0.5 if end < max(known_ends) else 0.0
    if end < max(known_ends):
        return 1.0
    return 0.0 if vocab.words.joiner_start_re.match(text, max(known_ends)) else 1.0


__all__ = ["MAX_OWNER_CHARS", "beaten_nearby", "known_penalty", "owner_cuts"]
