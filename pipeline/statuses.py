"""Normalise statuses onto open | mitigating | mitigated | monitoring | accepted | closed.

Synonyms first ("FIXED" -> mitigated, "TODO" -> open, "accepted with mitigation" ->
accepted), then the synonyms inside a longer cell ("✅ Mitigated (2026-03)"), then fuzzy
matching for typos with the same guards as owners. An unknown status stays NULL with its raw
value kept and is flagged for review; it is never forced onto a wrong value.
"""

from __future__ import annotations

from functools import lru_cache

from pipeline.config import Config
from pipeline.owners import similarity
from pipeline.records import Match
from pipeline.textnorm import fold


class StatusMatcher:
    """Maps raw statuses onto the canonical ones of a Config."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.synonyms: dict[str, str] = {}
        for canonical, words in config.status_synonyms.items():
            self.synonyms.setdefault(fold(canonical), canonical)
            for word in words:
                self.synonyms.setdefault(fold(word), canonical)
        # Longest phrases first, so "accepted with mitigation" wins over "mitigation".
        self.phrases = sorted(self.synonyms, key=len, reverse=True)

    @lru_cache(maxsize=16384)  # noqa: B019 - one matcher per run; distinct statuses are few
    def match(self, raw: str) -> Match:
        key = fold(raw)
        if not key:
            return Match("status", raw, None, "empty", 0.0)
        if key in self.synonyms:
            return Match("status", raw, self.synonyms[key], "synonym", 100.0)
        padded = f" {key} "
        for phrase in self.phrases:
            if len(phrase) >= 4 and f" {phrase} " in padded:
                return Match("status", raw, self.synonyms[phrase], "contains", 95.0)
        return self._fuzzy(raw, key)

    def _fuzzy(self, raw: str, key: str) -> Match:
        best: dict[str, tuple[float, str]] = {}
        for phrase, canonical in self.synonyms.items():
            if len(phrase) < self.config.match_min_length:
                continue
            score = similarity(key, phrase)
            if score > best.get(canonical, (-1.0, ""))[0]:
                best[canonical] = (score, phrase)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
        if not ranked:
            return Match("status", raw, None, "unmatched", 0.0, needs_review=True)
        top, (top_score, _) = ranked[0]
        runner, runner_score = (ranked[1][0], ranked[1][1][0]) if len(ranked) > 1 else (None, 0.0)
        if top_score >= self.config.match_min_score and top_score - runner_score >= self.config.match_margin:
            return Match("status", raw, top, "fuzzy", round(top_score, 1), runner, round(runner_score, 1))
        return Match("status", raw, None, "unmatched", round(top_score, 1), top, round(top_score, 1), needs_review=True)
