"""The vocabulary a flattened row is read with; a helper of `parsers.flattened_text`.

Statuses (every synonym, longest first), scale and severity words, and owners: the owner
directory, role words ("lead", "on-call"), qualifiers ("Platform SRE"), and what the document
itself tells (owners other rows use, owner cells the rows agree on). `Vocabulary.owner_cost`
prices reading a piece of text as an owner cell, which is what settles where an owner that ran
into its mitigation ends ("Lock domain leadPer-vendor", "Productanalytics-service").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from pipeline.config import Config
from pipeline.matching import similarity
from pipeline.textnorm import fold, squash

# Small words inside owner names ("Head of Security", "Research and Development").
NAME_CONNECTORS = frozenset({"of", "and", "the", "for", "&"})
# A case change inside a word ("leadPer-vendor", "SRECo"): where a cell ran into the next,
# rarely inside a name.
INNER_CAPITAL_RE = re.compile(r"[a-z][A-Z]|[A-Z](?=[A-Z][a-z])")


class OwnerCost(NamedTuple):
    """What reading a text as an owner cell costs, and what to say about it."""

    cost: float
    note: str
    confidence: float
    known_end: bool  # the (last) owner is a known name: the cell ends where a known name does
    last_fuzzy: tuple[str, float] | None  # the last owner matched by similar spelling: (canonical, score)


class Vocabulary:
    """The words a row is read with: statuses, scale and severity words, owners, role words.

    Built once per document from the Config; `with_owners` adds the owners the document itself
    uses, so a row whose owner runs into a lower-case mitigation ("Productanalytics-service")
    is read with what the other rows told.
    """

    def __init__(self, config: Config, extra_owners: Iterable[str] = (), told: Iterable[str] = ()) -> None:
        self.config = config
        phrases = {fold(w) for canon, words in config.status_synonyms.items() for w in (canon, *words)}
        self.status_phrases = sorted((p for p in phrases if p), key=len, reverse=True)
        self.status_re = _phrase_re(self.status_phrases)
        # Each phrase on its own, by first letter: every status a position can start ("accepted",
        # "accepted with mitigation", "accepted with mitigations").
        self.status_by_letter: dict[str, list[re.Pattern[str]]] = {}
        for phrase in self.status_phrases:
            self.status_by_letter.setdefault(phrase[0], []).append(_phrase_re([phrase]))
        self.fuzzy_status = [p for p in self.status_phrases if len(p) >= 4]
        words = [w for w in {fold(w) for w in (*config.scale_words, *config.severity_words)} if len(w) >= 3]
        self.scale_re = _phrase_re(sorted(words, key=len, reverse=True))
        self.scale_words = dict(config.scale_words)
        self.role_words = tuple(sorted({w.lower() for w in config.owner_role_words}, key=len, reverse=True))
        self.role_keys = frozenset(fold(w) for w in config.owner_role_words)
        # A role word where the next cell would start: "Security" | "leadPer-vendor".
        self.role_start_re = (
            re.compile(" ?(?:" + "|".join(re.escape(w) for w in self.role_words if len(w) > 2) + ")", re.IGNORECASE)
            if self.role_words
            else re.compile(r"(?!)")
        )
        self.qualifier_keys = frozenset(fold(w) for w in config.owner_qualifiers)
        # Joint owners: word joiners need spaces around them (" and "), symbol joiners do not.
        self.joiner_re = re.compile(
            "|".join(
                r"\s+" + re.escape(j.strip()) + r"\s" if j.strip().isalpha() else r"\s*" + re.escape(j.strip())
                for j in config.owner_joiners
                if j.strip()
            )
            or r"(?!)",
            re.IGNORECASE,
        )
        self.extra_owners = tuple(dict.fromkeys(squash(o) for o in extra_owners if squash(o)))
        # folded owner name -> canonical: the directory's aliases, then the document's own owners.
        self.owner_index: dict[str, str] = {}
        for row in config.owner_directory:
            self.owner_index.setdefault(fold(row.alias), row.canonical)
        for name in self.extra_owners:
            self.owner_index.setdefault(fold(name), name)
            self.owner_index.setdefault(self.strip_roles(fold(name)), name)
        # Owner cells the rows agree on up to a point where they part ("Platform SRE|Cloud VPN",
        # "Platform SRE|IaC"): good evidence of where an owner ends, though not a known name.
        self.told = frozenset(fold(t) for t in told if len(fold(t)) >= 2)
        self._owner_cache: dict[str, tuple[str | None, str, float]] = {}
        self._cost_cache: dict[str, OwnerCost | None] = {}

    def split_owners(self, owner: str) -> list[str]:
        """Joint owners as written: "Lock domain lead + Security" -> two names.

        >>> Vocabulary(Config()).split_owners("Lock domain lead + Security / QA and Legal")
        ['Lock domain lead', 'Security', 'QA', 'Legal']
        """
        return [p for p in (squash(part).strip(" .;:-*_`") for part in self.joiner_re.split(owner)) if p]

    def owner_match(self, name: str) -> tuple[str | None, str, float]:
        """(canonical or None, method, score) of one owner name against the known owners: as
        written, without role words ("Security lead"), without qualifiers ("Platform SRE"),
        then by similar spelling ("Secruity") with the configured minimum score and margin.

        >>> v = Vocabulary(Config(), ["Security", "SRE", "Lock domain"])
        >>> [v.owner_match(n)[:2] for n in ("Lock domain lead", "Platform SRE", "Secruity", "Securityretry")]
        [('Lock domain', 'known'), ('SRE', 'known'), ('Security', 'fuzzy'), (None, 'unknown')]
        """
        if name not in self._owner_cache:
            self._owner_cache[name] = self._owner_match(name)
        return self._owner_cache[name]

    def _owner_match(self, name: str) -> tuple[str | None, str, float]:
        words = self.strip_roles(fold(name)).split()
        for form in self.role_forms(fold(name)):
            if form in self.owner_index:
                return self.owner_index[form], "known", 100.0
        bare = list(words)
        while len(bare) > 1 and bare[0] in self.qualifier_keys:
            bare = bare[1:]
            if " ".join(bare) in self.owner_index:
                return self.owner_index[" ".join(bare)], "known", 100.0
        key = " ".join(words)
        if len(key) < self.config.match_min_length or not self.owner_index:
            return None, "unknown", 0.0
        best: dict[str, float] = {}
        for form, canonical in self.owner_index.items():
            # Lengths too far apart cannot reach the minimum score, and a typo seldom changes the
            # first letter: skip those comparisons.
            if form[:1] != key[:1] or abs(len(form) - len(key)) > 0.25 * max(len(form), len(key)):
                continue
            score = similarity(key, form)
            if score > best.get(canonical, -1.0):
                best[canonical] = score
        if not best:
            return None, "unknown", 0.0
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        top, top_score = ranked[0]
        runner = ranked[1][1] if len(ranked) > 1 else 0.0
        if top_score >= self.config.match_min_score and top_score - runner >= self.config.match_margin:
            return top, "fuzzy", top_score
        return None, "unknown", top_score

    def with_owners(self, owners: Iterable[str], told: Iterable[str] = ()) -> Vocabulary:
        """A copy that also knows these owner names (as written in the document), and the
        owner cells the rows agree on (`told`)."""
        return Vocabulary(self.config, (*self.extra_owners, *owners), (*self.told, *told))

    def owner_cost(self, owner: str) -> OwnerCost | None:
        """What it costs to read `owner` as an owner cell (see OwnerCost); None
        when it cannot be one. Known names cost nothing, names the rows agree on little, names
        outside every vocabulary more (less when they end in a role word, much more with a
        capital inside a word, which is where cells ran together).

        >>> v = Vocabulary(Config(), ["Security", "Lock domain"])
        >>> [v.owner_cost(o).cost for o in ("Lock domain lead + Security", "Lock domain lead", "Data team")]
        [0.1, 0.0, 0.7]
        >>> v.owner_cost("Security leadPer-vendor").cost > 1, v.owner_cost("lock_audit.payload") is None
        (True, True)
        """
        if owner not in self._cost_cache:
            self._cost_cache[owner] = self._owner_cost(owner)
        return self._cost_cache[owner]

    def _owner_cost(self, owner: str) -> OwnerCost | None:
        parts = self.split_owners(owner)
        if not parts or squash(owner) != owner.strip():
            return None
        # A joint owner costs what its least likely name costs (each name is a separate bet on
        # the same boundary, not a new one), plus a little per name.
        costs: list[float] = []  # of the names that are not known
        notes, confidence = [], 1.0
        last_fuzzy: tuple[str, float] | None = None
        for n, part in enumerate(parts):
            canonical, method, score = self.owner_match(part)
            if method == "known":
                continue
            if canonical:
                costs.append(0.3 + (100 - score) / 25)
                notes.append(f"owner {part!r} read as {canonical!r} (similar spelling)")
                confidence = min(confidence, 0.9)
                if n == len(parts) - 1:
                    last_fuzzy = (canonical, score)
                continue
            if self.is_told(part):
                costs.append(0.3)
                continue
            unknown = self._unknown_cost(part)
            if unknown is None:
                return None
            costs.append(unknown)
            notes.append(f"owner {part!r} not in the owner vocabulary; its end taken from letter case")
            confidence = min(confidence, 0.8)
        cost = max(costs, default=0.0) + 0.1 * (len(parts) - 1) + 0.2 * max(0, len(costs) - 1)
        return OwnerCost(cost, "; ".join(notes), confidence, self.owner_match(parts[-1])[1] == "known", last_fuzzy)

    def _unknown_cost(self, part: str) -> float | None:
        """Cost of a name outside every vocabulary; None when it cannot be a name at all."""
        words = part.split()
        if len(words) > 1 and len(words[-1]) == 1 and words[-1].islower():
            return None  # "Compliance a|nd Security"
        if (
            not part[0].isalpha()
            or len(part) < 2
            or (len(part) < 3 and not part.isupper())
            or len(words) > 5
            or any(c.isdigit() or c in ";:.()_" for c in part)
        ):
            return None
        lowered = 1.0 if part[0].islower() else 0.0  # "product": a name, but one written carelessly
        ends_in_role = len(words) > 1 and self.strip_roles(fold(part)) != fold(part)
        # Names are capitalised words; a few lower-case ones ("Lock domain lead") are fine, a run
        # of them ("Securtyrunbook linked from the on-call") is a mitigation's prose.
        lower = sum(1 for w in words if w[:1].islower() and fold(w) not in self.role_keys | NAME_CONNECTORS)
        return (0.7 if ends_in_role else 1.2) + 0.8 * len(INNER_CAPITAL_RE.findall(part)) + 0.3 * lower + lowered

    def is_told(self, name: str) -> bool:
        """Whether the rows agree on this owner name, role words around it or not."""
        return any(form in self.told for form in self.role_forms(fold(name)))

    def role_forms(self, key: str) -> list[str]:
        """A folded owner name and every form of it with role words taken off its ends, longest
        first: "payments domain owner" is "payments domain" before it is "payments".

        >>> Vocabulary(Config()).role_forms("payments domain owner")
        ['payments domain owner', 'payments domain', 'payments']
        """
        roles = self.role_keys | {"head of"}
        forms, todo = [key], [key]
        while todo:
            words = todo.pop().split()
            for size in (1, 2):
                if len(words) <= size:
                    continue
                shorter = [" ".join(words[:-size])] if " ".join(words[-size:]) in roles else []
                shorter += [" ".join(words[size:])] if " ".join(words[:size]) in roles else []
                for form in shorter:
                    if form not in forms:
                        forms.append(form)
                        todo.append(form)
        return sorted(forms, key=len, reverse=True)

    def strip_roles(self, key: str) -> str:
        """A folded owner name without role words at its ends ("lock domain lead" -> "lock domain").

        >>> Vocabulary(Config()).strip_roles("head of security team"), Vocabulary(Config()).strip_roles("qa on call")
        ('security', 'qa')
        """
        words = key.split()
        changed = True
        while changed:
            changed = False
            for size in (2, 1):  # "on call", "head of", then "lead"
                if len(words) > size and " ".join(words[-size:]) in self.role_keys:
                    words, changed = words[:-size], True
                elif len(words) > size and " ".join(words[:size]) in self.role_keys | {"head of"}:
                    words, changed = words[size:], True
        return " ".join(words)


def _phrase_re(phrases: Sequence[str]) -> re.Pattern[str]:
    """Alternation of folded phrases, longest first, matching any punctuation between words.

    >>> _phrase_re(["in progress", "open"]).match("In-Progress").group()
    'In-Progress'
    """
    if not phrases:
        return re.compile(r"(?!)")
    parts = [r"[\W_]+".join(re.escape(w) for w in p.split()) for p in phrases]
    return re.compile("|".join(parts), re.IGNORECASE)
