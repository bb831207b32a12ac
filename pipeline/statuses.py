"""Normalise statuses onto open | mitigating | mitigated | monitoring | accepted | closed.

Part of the normalise stage: a status cell as written -> a `Match` with the canonical status.
In order: a decision recorded in `riskreg review`; the synonyms (`vocab.STATUS_SYNONYMS` plus
riskreg.toml `[statuses]`: FIXED -> mitigated, TODO -> open, "accepted with mitigation" ->
accepted), compared after folding, so case, emoji and punctuation do not matter ("⚠️ In
progress"); a synonym inside a longer cell ("✅ Mitigated (2026-03)"), longest first and never
right after a negation ("not mitigated"); then fuzzy matching for typos ("Mitgating",
"Monitering") with the guards of `pipeline.matching`, on the whole cell and on its first words.
An unknown status stays NULL with its raw value kept, flagged for review: never forced onto a
wrong value.
"""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.matching import Guards, decide, negated_in, rank
from pipeline.records import Match
from pipeline.textnorm import fold, text_width

# Phrases shorter than this are too easy to find by accident inside a longer cell ("new", "wip");
# measured in columns (`text_width`), so that "対応中" (in progress) counts as the phrase it is.
MIN_CONTAINED_PHRASE = 4


class StatusMatcher:
    """Maps raw statuses onto the canonical ones; one instance per run, each distinct value once."""

    def __init__(
        self,
        synonyms: Mapping[str, tuple[str, ...]],
        guards: Guards,
        decisions: Mapping[tuple[str, str], str | None] | None = None,
        *,
        fuzzy: bool = True,
    ) -> None:
        self.guards = guards
        self.decisions = decisions or {}
        self.synonyms: dict[str, str] = {}
        for canonical, words in synonyms.items():
            self.synonyms.setdefault(fold(canonical), canonical)
            for word in words:
                if fold(word):
                    self.synonyms.setdefault(fold(word), canonical)
        # Longest phrases first, so "accepted with mitigation" wins over "mitigation in progress".
        self.phrases = sorted(self.synonyms, key=lambda p: (-len(p), p))
        # Typos are read only with the document's own languages (`fuzzy`): never towards a word
        # of another language's. Measured in characters, not columns as a contained phrase is: a
        # typo is an edit of characters, and one wrong character of three (対応中/対応済) is a
        # different word, not a slip.
        shortest = max(guards.min_length, 4)
        self.fuzzy_index = {p: c for p, c in self.synonyms.items() if len(p) >= shortest} if fuzzy else {}
        self._cache: dict[str, Match] = {}

    def match(self, raw: str) -> Match:
        """One status cell -> Match (canonical None when unknown).

        >>> from pipeline.vocab import STATUS_SYNONYMS
        >>> m = StatusMatcher(STATUS_SYNONYMS, Guards())
        >>> [m.match(s).canonical for s in ("FIXED", "⚠️ In progress", "Mitgating", "Monitering", "Mitigatd",
        ...                                  "accepted with mitigation", "✅ Mitigated (2026-03)", "not mitigated")]
        ['mitigated', 'mitigating', 'mitigating', 'monitoring', 'mitigated', 'accepted', 'mitigated', 'open']
        >>> StatusMatcher({"mitigating": ("対応中",)}, Guards()).match("対応中（自動更新を設定中）").canonical
        'mitigating'
        >>> m.match("Deferred to Q3").canonical is None, m.match("Deferred to Q3").needs_review
        (True, True)
        """
        if raw not in self._cache:
            self._cache[raw] = self._match(raw)
        return self._cache[raw]

    def _match(self, raw: str) -> Match:
        key = fold(raw)
        if ("status", key) in self.decisions:
            return Match("status", raw, self.decisions[("status", key)], "decision", 100.0)
        if not key:
            return Match("status", raw, None, "unreadable", 0.0, needs_review=True)
        if key in self.synonyms:
            return Match("status", raw, self.synonyms[key], "synonym", 100.0)
        padded = f" {key} "
        for phrase in self.phrases:
            if text_width(phrase) >= MIN_CONTAINED_PHRASE and f" {phrase} " in padded and not negated_in(phrase, key):
                return Match("status", raw, self.synonyms[phrase], "contains", 95.0)
        cutoff = self.guards.min_score - 25
        whole = decide("status", raw, key, rank(key, self.fuzzy_index, cutoff), self.guards)
        if whole.canonical:
            return whole
        words = key.split()
        if len(words) > 1:  # "Mitgating (ETA Q3)": the first words alone
            for size in (2, 1):
                head = " ".join(words[:size])
                part = decide("status", raw, head, rank(head, self.fuzzy_index, cutoff), self.guards)
                if part.canonical and len(head) >= 5:
                    return part
        return whole


__all__ = ["StatusMatcher"]
