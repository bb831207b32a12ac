"""The words a row whose cells ran together is read with.

Statuses (every synonym, longest first), scale and severity words, and owners: the owner
directory, role words ("lead", "on-call"), qualifiers ("Platform SRE"), and what the document
itself tells (owners other rows use, owner cells the rows agree on). `Vocabulary.owner_cost`
prices reading a piece of text as an owner cell, which is what settles where an owner that ran
into its mitigation ends ("Lock domain leadPer-vendor", "Productanalytics-service").
Everything comes from the Config (`status_synonyms`, `scale_words`, `owner_directory`,
`owner_role_words`, `owner_qualifiers`, `owner_joiners`) and its lexicon.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from parsers.frontends.textrows.name_ends import NameEnds, name_words, near_words
from pipeline.config import Config
from pipeline.matching import max_edits
from pipeline.owners import ACRONYM_SKIP, OwnerMatcher, owner_rules
from pipeline.textnorm import fold, squash

# A case change inside a word ("leadPer-vendor", "SRECo"): where a cell ran into the next,
# rarely inside a name.
INNER_CAPITAL_RE = re.compile(r"[a-z][A-Z]|[A-Z](?=[A-Z][a-z])")
# Characters a name never holds: a cell with them is no owner ("lock_audit.payload", "v2;").
NOT_IN_NAME = frozenset(";:.()_")
# The same, or a digit, in an ASCII text (where `str.isdigit` is 0-9): one scan instead of a loop.
NOT_IN_ASCII_NAME_RE = re.compile(r"[;:.()_0-9]")
# Prices a vocabulary remembers before it starts afresh: the one every document read with a config
# shares (`Vocabulary.shared`) sees every owner prefix of a run, and memory must stay flat in the
# size of the corpus.
MAX_REMEMBERED = 50_000
# Configs whose shared vocabulary is kept: the run's, and the few last ones (a document in another
# language is read with a config of its own).
SHARED_CONFIGS = 4


class OwnerCost(NamedTuple):
    """What reading a text as an owner cell costs, and what to say about it."""

    cost: float
    note: str
    confidence: float
    known_end: bool  # the (last) owner is a known name: the cell ends where a known name does
    last_fuzzy: tuple[str, float] | None  # the last owner matched by similar spelling: (canonical, score)
    last: str = ""  # the last name of the cell, as written


class _PartCost(NamedTuple):
    """What one name of an owner cell costs (None: a known name), and what to say about it."""

    cost: float | None
    note: str = ""
    confidence: float = 1.0
    fuzzy: tuple[str, float] | None = None


@dataclass(frozen=True)
class Words:
    """The fixed part of a vocabulary, built once per Config: statuses, scales, roles, joiners."""

    config: Config
    status_re: re.Pattern[str]  # any status phrase at a position
    status_by_letter: dict[str, list[re.Pattern[str]]]  # each phrase alone, by its first letter
    status_phrases: tuple[str, ...]  # folded, longest first
    fuzzy_status: tuple[str, ...]  # phrases long enough to be matched by similar spelling
    scale_re: re.Pattern[str]  # any scale or severity word at a position
    scale_phrases: tuple[str, ...]
    scale_words: dict[str, int]
    role_keys: frozenset[str]  # folded role words ("lead", "on call")
    role_starts: frozenset[str]  # first words of role words ("head" of "head of")
    role_ends: frozenset[str]  # last words of role words ("call" of "on call")
    role_start_re: re.Pattern[str]  # a role word where the next cell would start
    qualifier_keys: frozenset[str]
    joiner_re: re.Pattern[str]  # between joint owners
    joiner_start_re: re.Pattern[str]  # what goes on from a known owner to a joint one
    fragment_joiner_re: re.Pattern[str]  # a word's tail, then a joiner: the owner was cut in a word
    open_joiner_end_re: re.Pattern[str]  # an owner cell ending on a joining word
    open_joiner_reach: int  # the longest text that pattern matches: where to search from
    connectors: frozenset[str]  # small words inside names ("Head of Security")

    @functools.cached_property
    def scale_width(self) -> int:
        """Letters of the longest scale phrase (folded)."""
        return max(map(len, self.scale_phrases), default=0)

    @functools.cached_property
    def status_width(self) -> int:
        """Letters of the longest status phrase (folded), misspellings' among them."""
        return max(map(len, self.status_phrases), default=0)

    @functools.cached_property
    def start_tests(self) -> dict[tuple, tuple]:
        """The row splitters' tests of where a typed cell can start, by what they depend on
        (`RowSplitter._start_tests`): built once, not for every table read."""
        return {}

    @staticmethod
    def of(config: Config) -> Words:
        lexicon = config.lexicon
        phrases = {fold(w) for canon, words in config.status_synonyms.items() for w in (canon, *words)}
        status_phrases = sorted((p for p in phrases if p), key=len, reverse=True)
        by_letter: dict[str, list[re.Pattern[str]]] = {}
        for phrase in status_phrases:
            by_letter.setdefault(phrase[0], []).append(phrase_re([phrase]))
        scale = [w for w in {fold(w) for w in (*config.scale_words, *config.severity_words)} if len(w) >= 3]
        roles = sorted({w.lower() for w in config.owner_role_words}, key=len, reverse=True)
        long_roles = "|".join(re.escape(w) for w in roles if len(w) > 2)
        symbols = [j.strip() for j in config.owner_joiners if j.strip() and not j.strip().isalpha()]
        words = [j.strip() for j in config.owner_joiners if j.strip().isalpha()]
        symbol_class = "[" + "".join(re.escape(s) for s in symbols) + "]" if symbols else "(?!)"
        word_alt = "|".join(re.escape(w) for w in words) or "(?!)"
        # Word joiners need spaces around them (" and "), symbol joiners do not.
        joiner = "|".join([*(r"\s+" + re.escape(w) + r"\s" for w in words), *(r"\s*" + re.escape(s) for s in symbols)])
        open_words = "|".join(re.escape(w) for w in sorted(lexicon.phrases("open_joiner_words"))) or "(?!)"
        tail_words = "|".join(re.escape(w) for w in sorted(lexicon.phrases("tail_joiner_words"))) or "(?!)"
        return Words(
            config=config,
            status_re=phrase_re(status_phrases),
            status_by_letter=by_letter,
            status_phrases=tuple(status_phrases),
            fuzzy_status=tuple(p for p in status_phrases if len(p) >= 4),
            scale_re=phrase_re(sorted(scale, key=len, reverse=True)),
            scale_phrases=tuple(scale),
            scale_words={fold(k): v for k, v in config.scale_words.items()},
            role_keys=frozenset(fold(w) for w in config.owner_role_words),
            role_starts=frozenset(fold(w).split()[0] for w in config.owner_role_words if fold(w)),
            role_ends=frozenset(fold(w).split()[-1] for w in config.owner_role_words if fold(w)),
            role_start_re=re.compile(f" ?(?:{long_roles})", re.IGNORECASE) if long_roles else re.compile("(?!)"),
            qualifier_keys=frozenset(fold(w) for w in config.owner_qualifiers),
            joiner_re=re.compile(joiner or "(?!)", re.IGNORECASE),
            joiner_start_re=re.compile(rf"\s*{symbol_class}|\s+(?:{word_alt})\s", re.IGNORECASE),
            # "ing + QA...", "E, legal...": a short tail before a joiner. "retry with backoff" and
            # "retry, then page" are mitigations: only short tails before "," or "and".
            fragment_joiner_re=re.compile(
                rf"[^\W\d_]+\s*[+/&]\s|[^\W\d_]{{1,4}}(?:,|\s+(?:{tail_words})\s)", re.IGNORECASE
            ),
            open_joiner_end_re=re.compile(rf"\s(?:{open_words})$", re.IGNORECASE),
            open_joiner_reach=1 + max(map(len, lexicon.phrases("open_joiner_words")), default=0),
            connectors=lexicon.phrases("name_connectors"),
        )


class Vocabulary:
    """The words a row is read with: `Words`, plus the owners known for this table.

    `with_owners` adds the owners the document itself uses, so a row whose owner runs into a
    lower-case mitigation ("Productanalytics-service") is read with what the other rows told.
    """

    def __init__(
        self, words: Words, extra_owners: Iterable[str] = (), told: Iterable[str] = (), parent: Vocabulary | None = None
    ) -> None:
        self.words = words
        self.config = words.config
        self.extra_owners = tuple(dict.fromkeys(squash(o) for o in extra_owners if squash(o)))
        # Owner cells the rows agree on up to a point where they part ("Platform SRE|Cloud VPN",
        # "Platform SRE|IaC"): good evidence of where an owner ends, though not a known name.
        self.told = frozenset(fold(t) for t in told if len(fold(t)) >= 2)
        self._parent = parent
        self._part_cache: dict[str, _PartCost | None] = {}
        self._may_end: dict[str, bool] = {}  # by the last word as written (`may_end_word`)
        self._word_ends: dict[str, tuple[int, ...]] = {}  # by the word as written (`word_ends`)
        self._owner_cache: dict[str, tuple[str | None, str, float]] = {}
        self._cost_cache: dict[str, OwnerCost | None] = {}

    @functools.cached_property
    def matcher(self) -> OwnerMatcher:
        """The owner matcher of the directory and these owners; built when first asked, as a
        richer vocabulary is often built only to find it adds nothing."""
        return self._matcher()

    @functools.cached_property
    def name_ends(self) -> NameEnds:
        return self._name_ends(self._parent)

    def _matcher(self) -> OwnerMatcher:
        directory = [(row.canonical, row.alias) for row in self.config.owner_directory]
        return OwnerMatcher(
            [*directory, *((name, name) for name in self.extra_owners)], owner_rules(self.config), self.config.guards
        )

    def _forget(self) -> None:
        """Start afresh: drop every remembered price, fold and match (each is a pure function of
        its text, so nothing read changes)."""
        self._part_cache.clear()
        self._may_end.clear()
        self._word_ends.clear()
        self._owner_cache.clear()
        self._cost_cache.clear()
        self.matcher = self._matcher()

    def _name_ends(self, parent: Vocabulary | None) -> NameEnds:
        """The words that can end an owner name: the shared vocabulary's from the directory and
        the owner rules; a document's copy adds its own names' and asks the shared one the rest."""
        names = [*(fold(o) for o in self.extra_owners), *self.told]
        own = name_words(names)
        if parent is not None:
            return NameEnds(own, near_words(names, self._edits), parent.name_ends)
        m, w = self.matcher, self.words
        names += [*m.forms, *m.index]
        around = [*m.acronyms, *m.abbreviations, *m.abbreviations.values(), *w.role_keys, *w.qualifier_keys]
        return NameEnds(name_words([*names, *around, *w.connectors]), near_words(names, self._edits))

    def _edits(self, name: str) -> int:
        return max_edits(name, self.config.guards)

    def may_end_word(self, last: str) -> bool:
        """Whether a word, the last of an owner cell as written, can end a name (see
        `NameEnds`): "Legal" of "Legalrunbook" can, "Legalrunb" cannot. Remembered per word.

        >>> v = Vocabulary.of(Config(), ["Legal", "Security"])
        >>> v.may_end_word("Legal"), v.may_end_word("Legalrunb"), v.may_end_word("Securty")
        (True, False, True)
        """
        found = self._may_end.get(last)
        if found is None:
            if len(self._may_end) >= MAX_REMEMBERED:
                self._may_end.clear()
            words = fold(last).split()
            found = self._may_end[last] = bool(words) and words[-1] in self.name_ends
        return found

    def word_ends(self, word: str) -> tuple[int, ...]:
        """Where an owner cell may end in a word of a row (no spaces), as offsets into it: not
        after a joining symbol ("+", "/"...), not inside a lower-case word no name ends with
        (`may_end_word`: "Legalrunb|ook"), not just after the next cell's capital ("leadS|ignature").
        Remembered per word: the words of a table's rows come back row after row.

        >>> v = Vocabulary.of(Config(), ["Legal"])
        >>> v.word_ends("Legalrunbook"), v.word_ends("leadSignature"), v.word_ends("QA+Legal")
        ((1, 4, 5, 6, 12), (4, 13), (1, 2, 4, 7, 8))
        """
        found = self._word_ends.get(word)
        if found is None:
            if len(self._word_ends) >= MAX_REMEMBERED:
                self._word_ends.clear()
            ends = []
            last = len(word)
            for end in range(1, last + 1):
                char = word[end - 1]
                if char in JOINING_SYMBOLS:
                    continue
                if end < last and char.islower() and word[end].islower() and not self.may_end_word(word[:end]):
                    continue
                if end >= 2 and "a" <= word[end - 2] <= "z" and "A" <= char <= "Z":
                    continue  # as INNER_CAPITAL_END_RE
                ends.append(end)
            found = self._word_ends[word] = tuple(ends)
        return found

    @staticmethod
    def of(config: Config, extra_owners: Iterable[str] = ()) -> Vocabulary:
        return Vocabulary(Words.of(config), extra_owners)

    @staticmethod
    def shared(config: Config) -> Vocabulary:
        """The vocabulary of `config` alone (no document's own owners), one per Config object, so
        that every document read with it shares what was priced before: a price depends on the
        config and the text alone. Built once, not once per document.

        >>> c = Config()
        >>> Vocabulary.shared(c) is Vocabulary.shared(c), Vocabulary.shared(c) is Vocabulary.shared(Config())
        (True, False)
        """
        found = _SHARED.pop(id(config), None)
        if found is None or found.config is not config:
            found = Vocabulary(Words.of(config))
        _SHARED[id(config)] = found  # the most recently used last
        while len(_SHARED) > SHARED_CONFIGS:
            del _SHARED[next(iter(_SHARED))]
        return found

    def split_owners(self, owner: str) -> list[str]:
        """Joint owners as written, split as normalisation splits them (`pipeline.owners`):
        "Lock domain lead + Security" -> two names, "R&D" one.

        >>> Vocabulary.of(Config()).split_owners("Lock domain lead + Security / QA and Legal")
        ['Lock domain lead', 'Security', 'QA', 'Legal']
        """
        return self.matcher.split(owner)

    def owner_match(self, name: str) -> tuple[str | None, str, float]:
        """(canonical or None, "known" | "fuzzy" | "unknown", score) of one owner name against the
        owner directory and the document's own owners, by the one owner matcher of the pipeline
        (`pipeline.owners.OwnerMatcher`: as written, role words off, qualifiers off, acronyms,
        then a guarded fuzzy match). The score is 0.0 without a canonical owner: a near miss's
        is not looked for.

        >>> v = Vocabulary.of(Config(), ["Security", "SRE", "Lock domain"])
        >>> [v.owner_match(n)[:2] for n in ("Lock domain lead", "Platform SRE", "Secruity", "Securityretry")]
        [('Lock domain', 'known'), ('SRE', 'known'), ('Security', 'fuzzy'), (None, 'unknown')]
        """
        found = self._owner_cache.get(name)
        if found is None and self._names_nothing(name):
            found = self._owner_cache[name] = (None, "unknown", 0.0)
        if found is None:
            m = self.matcher.resolved(name)
            if m is None:
                found = self._owner_cache[name] = (None, "unknown", 0.0)
            else:
                method = "known" if m.method in CUT_KNOWN else "fuzzy" if m.method == "fuzzy" else "unknown"
                found = self._owner_cache[name] = (m.canonical, method, m.score)
        return found

    def _names_nothing(self, name: str) -> bool:
        """Whether a name is certain to match no owner, without asking the matcher: its last word
        is no word of a known name, nor a typo of one (`NameEnds`), no run of its initials spells
        a known name ("Site Reliability Engineering"), and it has no aside for the matcher to
        take off.

        >>> v = Vocabulary.of(Config(), ["Security", "SRE"])
        >>> [v._names_nothing(n) for n in ("Runbook linked", "Securty", "Ops (Securty)", "Site Reliability Eng")]
        [True, False, False, False]
        """
        if "(" in name or "[" in name:
            return False
        words = fold(name).split()
        if not words or words[-1] in self.name_ends:
            return False
        initials = "".join(w[0] for w in words if w not in ACRONYM_SKIP)
        runs = (initials[a:b] for a in range(len(initials) - 2) for b in range(a + 3, len(initials) + 1))
        return not any(run in self.matcher.forms for run in runs)

    def with_owners(self, owners: Iterable[str], told: Iterable[str] = ()) -> Vocabulary:
        """A copy that also knows these owner names (as written in the document), and the
        owner cells the rows agree on (`told`)."""
        return Vocabulary(self.words, (*self.extra_owners, *owners), (*self.told, *told), parent=self)

    def owner_cost(self, owner: str) -> OwnerCost | None:
        """What it costs to read `owner` as an owner cell (see OwnerCost); None when it cannot
        be one. Known names cost nothing, names the rows agree on little, names outside every
        vocabulary more (less when they end in a role word, much more with a capital inside a
        word, which is where cells ran together).

        >>> v = Vocabulary.of(Config(), ["Security", "Lock domain"])
        >>> [v.owner_cost(o).cost for o in ("Lock domain lead + Security", "Lock domain lead", "Data team")]
        [0.1, 0.0, 0.7]
        >>> v.owner_cost("Security leadPer-vendor").cost > 1, v.owner_cost("lock_audit.payload") is None
        (True, True)
        """
        if owner in self._cost_cache:
            return self._cost_cache[owner]
        if len(self._cost_cache) >= MAX_REMEMBERED:
            self._forget()
        found = self._cost_cache[owner] = self._owner_cost(owner)
        return found

    def _owner_cost(self, owner: str) -> OwnerCost | None:
        if squash(owner) != owner.strip():
            return None
        parts = self.split_owners(owner)
        if not parts:
            return None
        # A joint owner costs what its least likely name costs (each name is a separate bet on
        # the same boundary, not a new one), plus a little per name.
        costs: list[float] = []  # of the names that are not known
        notes, confidence = [], 1.0
        last_fuzzy: tuple[str, float] | None = None
        for n, part in enumerate(parts):
            if part not in self._part_cache:
                self._part_cache[part] = self._part_cost(part)
            priced = self._part_cache[part]
            if priced is None:
                return None
            if priced.cost is None:  # a known name
                continue
            costs.append(priced.cost)
            if priced.note:
                notes.append(priced.note)
            confidence = min(confidence, priced.confidence)
            if priced.fuzzy and n == len(parts) - 1:
                last_fuzzy = priced.fuzzy
        cost = max(costs, default=0.0) + 0.1 * (len(parts) - 1) + 0.2 * max(0, len(costs) - 1)
        known_end = self.owner_match(parts[-1])[1] == "known"
        return OwnerCost(cost, "; ".join(notes), confidence, known_end, last_fuzzy, parts[-1])

    def _part_cost(self, part: str) -> _PartCost | None:
        """What one owner name costs: nothing known, a little told or misspelt, more unknown;
        None when it cannot be a name."""
        words = part.split()
        if len(words) > 1 and len(words[-1]) == 1 and words[-1].islower():
            return None  # "Compliance a|nd Security": cut inside a word, whatever it resembles
        canonical, method, score = self.owner_match(part)
        if method == "known":
            return _PartCost(None)
        if canonical:
            note = f"owner {part!r} read as {canonical!r} (similar spelling)"
            return _PartCost(0.3 + (100 - score) / 25, note, 0.9, (canonical, score))
        if self.is_told(part):
            return _PartCost(0.3)
        unknown = self._unknown_cost(part)
        if unknown is None:
            return None
        return _PartCost(unknown, f"owner {part!r} not in the owner vocabulary; its end taken from letter case", 0.8)

    def _unknown_cost(self, part: str) -> float | None:
        """Cost of a name outside every vocabulary; None when it cannot be a name at all."""
        words = part.split()
        if (
            not part[0].isalpha()
            or len(part) < 2
            or (len(part) < 3 and not part.isupper())
            or len(words) > 5
            or (
                NOT_IN_ASCII_NAME_RE.search(part)
                if part.isascii()
                else any(c.isdigit() or c in NOT_IN_NAME for c in part)
            )
        ):
            return None
        lowered = 1.0 if part[0].islower() else 0.0  # "product": a name, but one written carelessly
        folded = fold(part)
        ends_in_role = len(words) > 1 and self.strip_roles(folded) != folded
        # Names are capitalised words; a few lower-case ones ("Lock domain lead") are fine, a run
        # of them ("Securtyrunbook linked from the on-call") is a mitigation's prose.
        plain = self.words.role_keys | self.words.connectors
        lower = sum(1 for w in words if w[:1].islower() and fold(w) not in plain)
        return (0.7 if ends_in_role else 1.2) + 0.8 * len(INNER_CAPITAL_RE.findall(part)) + 0.3 * lower + lowered

    def is_told(self, name: str) -> bool:
        """Whether the rows agree on this owner name, role words around it or not."""
        return bool(self.told) and any(form in self.told for form in self.role_forms(fold(name)))

    def role_forms(self, key: str) -> list[str]:
        """A folded owner name and every form of it with role words taken off its ends, longest
        first: "payments domain owner" is "payments domain" before it is "payments".

        >>> Vocabulary.of(Config()).role_forms("payments domain owner")
        ['payments domain owner', 'payments domain', 'payments']
        """
        roles = self.words.role_keys
        words = key.split()
        if not words or (words[0] not in self.words.role_starts and words[-1] not in self.words.role_ends):
            return [key]  # no role word at either end: the name as it is
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

        >>> v = Vocabulary.of(Config())
        >>> v.strip_roles("head of security team"), v.strip_roles("qa on call")
        ('security', 'qa')
        """
        roles = self.words.role_keys
        words = key.split()
        changed = True
        while changed:
            changed = False
            for size in (2, 1):  # "on call", "head of", then "lead"
                if len(words) > size and " ".join(words[-size:]) in roles:
                    words, changed = words[:-size], True
                elif len(words) > size and " ".join(words[:size]) in roles:
                    words, changed = words[size:], True
        return " ".join(words)


# Symbols an owner cell never ends on: it goes on after them ("Security +", "Ops/", "R&D (").
JOINING_SYMBOLS = frozenset("+/&,(-")

# The vocabulary of each of the last configs read with (`Vocabulary.shared`), by the config's id:
# the config it holds keeps that id from being reused while the entry is here.
_SHARED: dict[int, Vocabulary] = {}

# Matcher methods that make a name known where a cell boundary is being looked for. An abbreviation
# ("Platform Eng"), an acronym or a reordering is a fine reading of a whole owner cell but a poor
# witness of where one ends: a cell cut inside "Platform Engineering" reads as an abbreviation.
CUT_KNOWN = frozenset({"exact", "role-words", "qualifier", "decision"})


def phrase_re(phrases: Sequence[str]) -> re.Pattern[str]:
    """Alternation of folded phrases, longest first, matching any punctuation between words.

    >>> phrase_re(["in progress", "open"]).match("In-Progress").group()
    'In-Progress'
    """
    if not phrases:
        return re.compile(r"(?!)")
    parts = [r"[\W_]+".join(re.escape(w) for w in p.split()) for p in phrases]
    return re.compile("|".join(parts), re.IGNORECASE)


__all__ = ["MAX_REMEMBERED", "OwnerCost", "Vocabulary", "Words", "phrase_re"]
