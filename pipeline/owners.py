"""Normalise owners: split joint owners, match each to the owner directory, or cluster.

"Engineering + SRE" is two owners. Each part is matched to the directory (`--owners CSV`,
columns canonical,alias) in steps that stop at the first hit: the alias as written, then
without role words ("Security lead"), then without qualifiers ("Platform SRE"), then fuzzy
(typos). A fuzzy match needs a minimum length, a minimum score and a margin over the best
other owner; anything short of that is kept as written and flagged for review, never forced.
Without a directory, names are clustered across all documents (OpenRefine-style fingerprint
keys, then fuzzy similarity) and each cluster is named by its most common form.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from pipeline.config import Config
from pipeline.records import Match
from pipeline.textnorm import fold, is_null, squash

# "(ops team)", "[interim]": asides that are not part of the name.
ASIDE_RE = re.compile(r"\s*[(\[][^)\]]*[)\]]")


def split_owners(raw: str, joiners: Sequence[str]) -> list[str]:
    """Joint owners as separate names.

    >>> split_owners("Engineering + SRE", ("+", "/", "&", ",", " and "))
    ['Engineering', 'SRE']
    >>> split_owners("Security / DBA & Legal", ("+", "/", "&"))
    ['Security', 'DBA', 'Legal']
    """
    pattern = "|".join(re.escape(j) if j.strip() else r"\s+" + re.escape(j.strip()) + r"\s+"
                       for j in sorted(joiners, key=len, reverse=True))
    parts = re.split(pattern, raw, flags=re.IGNORECASE) if pattern else [raw]
    return [p for p in (squash(part).strip(" .;:-*_`") for part in parts) if p]


def similarity(a: str, b: str) -> float:
    """0-100: the better of Indel ratio and optimal-string-alignment similarity (a swapped pair
    of letters is one edit, as people type it).

    >>> round(similarity("secruity", "security"))
    88
    """
    return max(fuzz.ratio(a, b), OSA.normalized_similarity(a, b) * 100)


class OwnerMatcher:
    """Matches owner names onto the directory of a Config; one instance per run."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.aliases: dict[str, str] = {}
        for row in config.owner_directory:
            self.aliases.setdefault(fold(row.alias), row.canonical)
        self.role_words = sorted({fold(w) for w in config.owner_role_words}, key=len, reverse=True)
        self.qualifiers = sorted({fold(w) for w in config.owner_qualifiers}, key=len, reverse=True)

    @property
    def has_directory(self) -> bool:
        return bool(self.aliases)

    def strip_roles(self, key: str) -> str:
        """Remove role words at either end: "security lead" -> "security".

        Stops before removing everything ("Lead" alone stays "lead").
        """
        changed = True
        while changed:
            changed = False
            for word in self.role_words:
                for candidate in (key.removesuffix(" " + word), key.removeprefix(word + " ")):
                    if len(candidate) < len(key) and candidate.strip():
                        key, changed = candidate.strip(), True
                        break
        return key

    def strip_qualifiers(self, key: str) -> str:
        words = key.split()
        while len(words) > 1 and words[0] in self.qualifiers:
            words = words[1:]
        return " ".join(words)

    @lru_cache(maxsize=65536)  # noqa: B019 - one matcher per run; distinct names are few
    def match(self, name: str) -> Match:
        """One owner name -> the directory's canonical owner, with method and score."""
        cleaned = squash(ASIDE_RE.sub("", name)) or name
        key = fold(cleaned)
        steps = (("alias", key), ("role-words", self.strip_roles(key)),
                 ("qualifier", self.strip_qualifiers(self.strip_roles(key))))
        for method, candidate in steps:
            if candidate in self.aliases:
                return Match("owner", name, self.aliases[candidate], "exact" if method == "alias" else method, 100.0)
        return self._fuzzy(name, steps[-1][1])

    def _fuzzy(self, name: str, key: str) -> Match:
        if len(key) < self.config.match_min_length or not self.aliases:
            return Match("owner", name, None, "unmatched", 0.0, needs_review=bool(self.aliases))
        best: dict[str, float] = {}
        for alias, canonical in self.aliases.items():
            score = similarity(key, alias)
            if score > best.get(canonical, -1):
                best[canonical] = score
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        (top, top_score), runner = ranked[0], (ranked[1] if len(ranked) > 1 else (None, 0.0))
        margin_ok = top_score - runner[1] >= self.config.match_margin
        if top_score >= self.config.match_min_score and margin_ok:
            return Match("owner", name, top, "fuzzy", round(top_score, 1), runner[0], round(runner[1], 1))
        return Match("owner", name, None, "unmatched", round(top_score, 1), top, round(top_score, 1), needs_review=True)


def display_name(name: str, matcher: OwnerMatcher) -> str:
    """The name of an owner outside the directory: as written, asides and role words dropped.

    >>> display_name("Carrier Relations (ops team)", OwnerMatcher(Config()))
    'Carrier Relations'
    """
    cleaned = squash(ASIDE_RE.sub("", name)) or name
    words = cleaned.split()
    key_words = matcher.strip_roles(fold(cleaned)).split()
    # Keep the written casing of the words that survive role stripping.
    kept = [w for w in words if fold(w) in key_words] or words
    return " ".join(kept)


def cluster_owner_names(names: Iterable[str], matcher: OwnerMatcher) -> dict[str, str]:
    """Without a directory: each written owner name -> the most common form of its cluster.

    Fingerprint keys first (role words dropped, tokens sorted), then keys within the fuzzy
    threshold of a more common key (with margin) join that key's cluster.
    """
    counts = Counter(names)
    by_key: dict[str, Counter[str]] = {}
    for name, n in counts.items():
        key = " ".join(sorted(set(matcher.strip_roles(fold(ASIDE_RE.sub("", name))).split())))
        by_key.setdefault(key, Counter())[display_name(name, matcher)] += n
    ordered = sorted(by_key, key=lambda k: (-sum(by_key[k].values()), k))
    parent: dict[str, str] = {}
    for k, key in enumerate(ordered):
        parent[key] = key
        if len(key) < matcher.config.match_min_length:
            continue
        scores = sorted(((similarity(key, other), other) for other in ordered[:k]), reverse=True)
        if scores and scores[0][0] >= matcher.config.match_min_score and (
                len(scores) == 1 or scores[0][0] - scores[1][0] >= matcher.config.match_margin):
            parent[key] = parent[scores[0][1]]
    names_of_root: dict[str, Counter[str]] = {}
    for key in ordered:
        names_of_root.setdefault(parent[key], Counter()).update(by_key[key])
    result: dict[str, str] = {}
    for name in counts:
        key = " ".join(sorted(set(matcher.strip_roles(fold(ASIDE_RE.sub("", name))).split())))
        result[name] = names_of_root[parent[key]].most_common(1)[0][0]
    return result


def owners_of(raw: str | None, matcher: OwnerMatcher, cluster: dict[str, str] | None,
              null_values: tuple[str, ...]) -> tuple[tuple[str, ...], list[Match]]:
    """Canonical owners of one raw owner cell, and the decisions made on the way."""
    if is_null(raw, null_values):
        return (), []
    owners: list[str] = []
    matches: list[Match] = []
    for part in split_owners(raw, matcher.config.owner_joiners):
        if matcher.has_directory:
            m = matcher.match(part)
            name = m.canonical or display_name(part, matcher)
        else:
            name = (cluster or {}).get(part) or display_name(part, matcher)
            m = Match("owner", part, name, "cluster", 100.0 if fold(name) == fold(part) else 90.0)
        matches.append(m)
        if name not in owners:
            owners.append(name)
    return tuple(owners), matches
