"""Normalise owners: split joint owners, match each to the owner directory, or cluster them.

Part of the normalise stage: an owner cell as written -> canonical owner names, each with the
`Match` that says how it was decided. "Engineering + SRE" is two owners ("+", "/", "&", ",",
"and"; `[owners] joiners`), unless the whole cell is a name in the directory ("Research and
Development"). With a directory (`--owners CSV`, columns canonical,alias) each part is matched
in steps that stop at the first hit:

1. a decision recorded in `riskreg review`;
2. the alias as written (case, punctuation and asides such as "(ops team)" ignored), then with
   abbreviations written out ("DB admin", "Eng manager"; `[owners] abbreviations`);
3. without role words at either end ("Security lead", "Head of Security", "SRE on-call");
4. an acronym ("Site Reliability Engineering" <-> "SRE"), when only one owner has it and it has
   three letters or more (a two-letter one, "PM", is only proposed for review);
5. fuzzy, for typos ("Securty", "Secruity"), with the guards of `pipeline.matching`;
6. without qualifiers in front ("Platform SRE" -> SRE), exactly, then fuzzy.

Anything short of that keeps its written name (role words dropped), flagged for review with the
best candidate as runner-up: never forced. Without a directory, names are clustered across all
documents as OpenRefine does (fingerprint keys, then qualifiers, acronyms and fuzzy similarity
against more common keys) and each cluster is named by its most common written form.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.config import Config
from pipeline.matching import Guards, decide, rank, within_edits
from pipeline.records import Match
from pipeline.textnorm import NON_WORD_RE, fold, is_null, squash

# "(ops team)", "[interim]", "（経理）": asides that are not part of the name.
ASIDE_RE = re.compile(r"\s*[(\[（][^)\]）]*[)\]）]")
# Characters trimmed from the ends of each joint owner: list markers, markup, stray punctuation.
PART_TRIM = " .;:-*_`'\"“”‘’"
# Words an acronym skips: "Head of Security" is not "HOS".
ACRONYM_SKIP = frozenset({"of", "and", "the", "for", "&"})
# How far below the minimum score a cluster candidate is still a near miss worth a review.
NEAR_MISS = 5.0
# Without a directory, a qualified name joins the bare one when the bare one is at least this many
# times as common ("Platform SRE" x3 beside "SRE" x80).
QUALIFIED_SHARE = 3
# Without a directory, a one-word name shorter than this never joins another by spelling alone:
# "Ann" and "Anne", "Ana" and "Anja", "Jon" and "John" are as often two people as one typo, and
# nothing in the documents tells which. They stay apart, proposed to each other for review.
MIN_FUZZY_WORD = 6
# A chat or code-host handle ("@api-platform"), and a cell made of nothing else.
HANDLE_RE = re.compile(r"@[\w.-]+")
HANDLE_LIST_RE = re.compile(r"\s*@[\w.-]+(?:[\s,;]+@[\w.-]+)+\s*")


@dataclass(frozen=True, slots=True)
class OwnerRules:
    """The owner vocabulary of a run (riskreg.toml `[owners]`), as data."""

    role_words: tuple[str, ...]
    qualifiers: tuple[str, ...]
    role_titles: tuple[str, ...]
    joiners: tuple[str, ...]
    abbreviations: Mapping[str, str] = field(default_factory=dict)  # folded short form -> words


def owner_rules(config: Config) -> OwnerRules:
    """The owner vocabulary a configuration sets (riskreg.toml `[owners]` over the defaults)."""
    return OwnerRules(
        config.owner_role_words,
        config.owner_qualifiers,
        config.owner_role_titles,
        config.owner_joiners,
        config.owner_abbreviations,
    )


def _words_pattern(words: Iterable[str]) -> str:
    """Alternation of folded words, a multi-word one matching any separator between its words."""
    forms = sorted({fold(w) for w in words if fold(w)}, key=lambda w: (-len(w), w))
    return "|".join(r"[\W_]+".join(map(re.escape, form.split())) for form in forms) or r"(?!)"


def joiner_pattern(joiners: Sequence[str]) -> re.Pattern[str]:
    """Pattern splitting joint owners: word joiners need spaces around them ("and"); symbol joiners
    need a space on one side or two letters on both ("QA/SRE" splits, "R&D" and "24/7" do not).

    >>> joiner_pattern(("+", "/", "&", " and ")).split("Security/DBA & Legal and R&D + QA")
    ['Security', 'DBA', 'Legal', 'R&D', 'QA']
    """
    alternatives = []
    for joiner in sorted(joiners, key=len, reverse=True):
        token = re.escape(joiner.strip())
        if not token:
            continue
        if joiner.strip().isalpha():
            alternatives.append(rf"\s+{token}\s+")
        else:
            alternatives.append(rf"\s+{token}\s*|\s*{token}\s+|(?<=[^\W\d_]{{2}}){token}(?=[^\W\d_]{{2}})")
    return re.compile("|".join(alternatives) or r"(?!)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class EdgeWords:
    """The first and last words of a word list (folded), to tell cheaply that a text has none of
    them at its start or end: a pattern of `_words_pattern` then finds nothing to take off there.
    Exact for ASCII words and texts only, where IGNORECASE is plain lower case."""

    firsts: frozenset[str]
    lasts: frozenset[str]

    @staticmethod
    def of(words: Iterable[str]) -> EdgeWords | None:
        """The edge words of a word list; None when a word is not ASCII."""
        split = [fold(w).split() for w in words if fold(w)]
        if not all(w.isascii() for ws in split for w in ws):
            return None
        return EdgeWords(frozenset(ws[0] for ws in split), frozenset(ws[-1] for ws in split))

    def absent(self, text: str, start: bool = True, end: bool = True) -> bool:
        """Whether no word of the list can stand at the text's start (`start`) or end (`end`).

        >>> e = EdgeWords.of(["lead", "head of", "on-call"])
        >>> e.absent("Security lead"), e.absent("Head of SRE"), e.absent("SRE oncall"), e.absent("Leadership")
        (False, False, True, True)
        """
        if not text.isascii():
            return False
        words = NON_WORD_RE.split(text.lower())
        first = words[0]
        last = words[-1] or (words[-2] if len(words) > 1 else "")
        return not ((start and first in self.firsts) or (end and last in self.lasts))


def joiner_starts_pattern(joiners: Sequence[str]) -> re.Pattern[str]:
    """Zero-width pattern at every place a joiner's word or symbol starts, as `joiner_pattern` reads
    them: each of its matches holds one there, after nothing but whitespace."""
    tokens = sorted({re.escape(j.strip()) for j in joiners if j.strip()})
    return re.compile(f"(?=(?:{'|'.join(tokens)}))" if tokens else r"(?!)", re.IGNORECASE)


def joiner_matches(pattern: re.Pattern[str], starts: re.Pattern[str], raw: str) -> list[re.Match[str]]:
    """`pattern.finditer(raw)` of a `joiner_pattern`, tried only where a match can start: in the
    whitespace before a joiner's word or symbol (`starts`), or on it. The pattern itself has no
    fixed first character, so a plain scan tries its every alternative at every position.

    >>> p = ("+", "/", " and ")
    >>> raw = "Security/DBA and  Legal + R&D"
    >>> [m.group() for m in joiner_matches(joiner_pattern(p), joiner_starts_pattern(p), raw)]
    ['/', ' and  ', ' + ']
    """
    found: list[re.Match[str]] = []
    pos = 0
    for token in starts.finditer(raw):
        if token.start() < pos:
            continue
        first = token.start()
        while first > pos and raw[first - 1].isspace():
            first -= 1
        for at in range(first, token.start() + 1):
            if m := pattern.match(raw, at):
                found.append(m)
                pos = m.end()
                break
    return found


@dataclass(frozen=True)
class _RulePatterns:
    """The patterns of a set of owner rules, which every matcher built with those rules shares."""

    split_re: re.Pattern[str]
    joiner_starts_re: re.Pattern[str]
    role_edge_re: re.Pattern[str]  # a role word at the start or the end: "Security lead", "Head of SRE"
    qualifier_re: re.Pattern[str]
    role_titles: frozenset[str]
    # One pattern per role word, for trying every way of removing them ("Lock domain owner" is
    # "Lock domain" without "owner", or "Lock" without "domain owner": the directory decides).
    one_role_res: tuple[re.Pattern[str], ...]
    # A name with no role word or qualifier at its edges has none to take off: told cheaply.
    role_edges: EdgeWords | None
    qualifier_edges: EdgeWords | None


@functools.lru_cache(maxsize=16)
def _rule_patterns(
    role_words: tuple[str, ...], qualifiers: tuple[str, ...], role_titles: tuple[str, ...], joiners: tuple[str, ...]
) -> _RulePatterns:
    """The patterns of owner rules, built once per rules: a document's reader builds a matcher
    for its own owners, and compiling these cost more than the rest of it."""
    roles = _words_pattern(role_words)
    return _RulePatterns(
        split_re=joiner_pattern(joiners),
        joiner_starts_re=joiner_starts_pattern(joiners),
        role_edge_re=re.compile(rf"^(?:{roles})[\W_]+(?=\w)|(?<=\w)[\W_]+(?:{roles})[\W_]*$", re.IGNORECASE),
        qualifier_re=re.compile(rf"^(?:{_words_pattern(qualifiers)})[\W_]+(?=\w)", re.IGNORECASE),
        role_titles=frozenset(fold(t) for t in role_titles),
        one_role_res=tuple(
            re.compile(rf"^(?:{one})[\W_]+(?=\w)|(?<=\w)[\W_]+(?:{one})[\W_]*$", re.IGNORECASE)
            for w in role_words
            if fold(w) and (one := _words_pattern([w]))
        ),
        role_edges=EdgeWords.of(role_words),
        qualifier_edges=EdgeWords.of(qualifiers),
    )


class OwnerMatcher:
    """Matches owner names onto a directory; one instance per run, each distinct name once."""

    def __init__(
        self,
        directory: Sequence[tuple[str, str]],
        rules: OwnerRules,
        guards: Guards,
        decisions: Mapping[tuple[str, str], str | None] | None = None,
    ) -> None:
        self.rules = rules
        self.guards = guards
        self.decisions = decisions or {}
        patterns = _rule_patterns(*map(tuple, (rules.role_words, rules.qualifiers, rules.role_titles, rules.joiners)))
        self.split_re = patterns.split_re
        self.joiner_starts_re = patterns.joiner_starts_re
        self.role_edge_re = patterns.role_edge_re
        self.qualifier_re = patterns.qualifier_re
        self.role_titles = patterns.role_titles
        self.one_role_res = patterns.one_role_res
        self.role_edges = patterns.role_edges
        self.qualifier_edges = patterns.qualifier_edges
        self.index: dict[str, str] = {}  # folded alias -> canonical
        for canonical, alias in directory:
            if fold(alias):
                self.index.setdefault(self.key(alias), canonical)
        # The aliases without role words ("Security team" -> "security"), when that is unambiguous.
        stripped: dict[str, set[str]] = {}
        for alias, canonical in self.index.items():
            stripped.setdefault(fold(self.strip_roles(alias, keep_titles=False)), set()).add(canonical)
        self.stripped_index = {k: next(iter(v)) for k, v in stripped.items() if len(v) == 1 and k not in self.index}
        self.abbreviations = {fold(k): fold(v) for k, v in rules.abbreviations.items() if fold(k) and fold(v)}
        self.forms = {**self.stripped_index, **self.index}
        # Word order ignored: "Engineering Platform" is "Platform Engineering".
        prints: dict[str, set[str]] = {}
        for form, canonical in self.forms.items():
            prints.setdefault(fingerprint(form), set()).add(canonical)
        self.fingerprints = {k: next(iter(v)) for k, v in prints.items() if len(v) == 1}
        self.form_list = list(self.forms)
        acronyms: dict[str, set[str]] = {}
        for alias, canonical in self.forms.items():
            if len(initials := acronym(alias)) >= 2:
                acronyms.setdefault(initials, set()).add(canonical)
        self.acronyms = {k: next(iter(v)) for k, v in acronyms.items() if len(v) == 1}
        self._cache: dict[str, Match] = {}

    @property
    def has_directory(self) -> bool:
        """Whether a directory was given (else names are clustered)."""
        return bool(self.index)

    @staticmethod
    def key(name: str) -> str:
        """The folded name without asides: "Carrier Relations (ops team)" -> "carrier relations"."""
        if "(" not in name and "[" not in name:
            return fold(name)  # no aside to take off
        return fold(ASIDE_RE.sub("", name)) or fold(name)

    def strip_roles(self, text: str, keep_titles: bool = True) -> str:
        """Remove role words at either end, case kept; never the whole name, nor a role title
        (unless keep_titles is False, as when matching against a directory).

        >>> m = OwnerMatcher((), OwnerRules(("lead", "team", "head of", "on call"), (), ("tech lead",), ()), Guards())
        >>> m.strip_roles("Security team lead"), m.strip_roles("Head of SRE"), m.strip_roles("SRE on-call")
        ('Security', 'SRE', 'SRE')
        >>> m.strip_roles("Lead"), m.strip_roles("Tech lead"), m.strip_roles("Leadership")
        ('Lead', 'Tech lead', 'Leadership')
        """
        if keep_titles and fold(text) in self.role_titles:
            return text
        if self.role_edges and self.role_edges.absent(text):
            return text.strip() or text  # what the loop below makes of it, without its patterns
        while (shorter := self.role_edge_re.sub("", text, count=1).strip()) != text and shorter:
            text = shorter
        return text

    def role_variants(self, key: str) -> list[str]:
        """Every folded name reachable by removing role words at the ends, least removed first.

        >>> m = OwnerMatcher((), OwnerRules(("owner", "domain owner", "lead"), (), (), ()), Guards())
        >>> m.role_variants("lock domain owner")
        ['lock domain', 'lock']
        """
        if self.role_edges and self.role_edges.absent(key):
            return []  # no role word at either end: nothing to take off
        seen: dict[str, None] = {}
        frontier = [key]
        while frontier:
            found = []
            for text in frontier:
                for pattern in self.one_role_res:
                    for match in pattern.finditer(text):
                        shorter = fold(text[: match.start()] + text[match.end() :])
                        if shorter and shorter != key and shorter not in seen:
                            seen[shorter] = None
                            found.append(shorter)
            frontier = found
        return sorted(seen, key=lambda v: (-len(v), v))

    def strip_qualifiers(self, text: str) -> str:
        """Remove qualifiers in front ("Platform SRE" -> "SRE"), keeping at least one word."""
        if self.qualifier_edges and self.qualifier_edges.absent(text, end=False):
            return text.strip() or text  # what the loop below makes of it, without its pattern
        while (shorter := self.qualifier_re.sub("", text, count=1).strip()) != text and shorter:
            text = shorter
        return text

    def display_name(self, name: str) -> str:
        """An owner's name as shown when it is not in the directory: asides and role words dropped.

        >>> OwnerMatcher((), OwnerRules(("team",), (), (), ()), Guards()).display_name("Carrier Relations (ops team)")
        'Carrier Relations'
        >>> OwnerMatcher((), OwnerRules((), (), (), ()), Guards()).display_name("Marta（経理）")
        'Marta'
        >>> OwnerMatcher((), OwnerRules(("team",), (), (), ()), Guards()).display_name("@platform-team")
        '@platform-team'
        """
        cleaned = squash(ASIDE_RE.sub("", name)).strip(PART_TRIM) or squash(name)
        if HANDLE_RE.fullmatch(cleaned):
            return cleaned  # "@platform-team" is a handle as a whole: its "-team" is no role word
        return self.strip_roles(cleaned)

    def split(self, raw: str) -> list[str]:
        """Joint owners as separate names, as written.

        >>> m = OwnerMatcher((), OwnerRules((), (), (), ("+", "/", "&", ",", " and ")), Guards())
        >>> m.split("Engineering + SRE"), m.split("Product & Legal"), m.split("Security / DBA, QA and Legal")
        (['Engineering', 'SRE'], ['Product', 'Legal'], ['Security', 'DBA', 'QA', 'Legal'])
        """
        return [p for p in (squash(raw[a:b]).strip(PART_TRIM) for a, b in self._spans(raw)) if p]

    def _spans(self, raw: str) -> list[tuple[int, int]]:
        """(start, end) of each part of a cell between joiners; a cell of @handles alone
        ("@api-platform @security") is one owner per handle, whatever separates them.

        >>> m = OwnerMatcher((), OwnerRules((), (), (), ("+", "/")), Guards())
        >>> m.split("@api-platform @security"), m.split("@alice (backup: Bob)")
        (['@api-platform', '@security'], ['@alice (backup: Bob)'])
        """
        if HANDLE_LIST_RE.fullmatch(raw):
            return [m.span() for m in HANDLE_RE.finditer(raw)]
        spans, start = [], 0
        for joiner in joiner_matches(self.split_re, self.joiner_starts_re, raw):
            spans.append((start, joiner.start()))
            start = joiner.end()
        return [*spans, (start, len(raw))]

    def split_known(self, raw: str) -> list[str]:
        """Like `split`, but parts that together are one name of the directory stay together:
        "Research and Development + Legal" is two owners when the directory has the first."""
        spans = self._spans(raw)
        parts: list[str] = []
        i = 0
        while i < len(spans):
            for j in range(len(spans) - 1, i - 1, -1):
                text = squash(raw[spans[i][0] : spans[j][1]]).strip(PART_TRIM)
                if j == i or self.match(text).method in ("decision", "exact", "role-words"):
                    if text:
                        parts.append(text)
                    i = j + 1
                    break
        return parts

    def match(self, name: str) -> Match:
        """One owner name -> the directory's canonical owner, with method and score.

        >>> rules = OwnerRules(("lead", "team", "owner", "manager"), ("platform", "infra", "lead"), (), ())
        >>> m = OwnerMatcher([("Security", "Security"), ("SRE", "SRE"), ("SRE", "Site Reliability Engineering"),
        ...                   ("Platform Engineering", "Platform Engineering"), ("Engineering", "Engineering"),
        ...                   ("Lock domain", "Lock domain")], rules, Guards())
        >>> [m.match(n).canonical for n in ("SECURITY", "Secruity lead", "Platform SRE", "Lock domain lead",
        ...                                  "Platform Engineeirng", "site reliability engineering", "Securty")]
        ['Security', 'Security', 'SRE', 'Lock domain', 'Platform Engineering', 'SRE', 'Security']
        >>> m.match("7").canonical, m.match("7").needs_review
        (None, True)
        """
        if name not in self._cache:
            found = self._match(name)
            assert found is not None  # only `resolved` lets `_match` stop short
            self._cache[name] = found
        return self._cache[name]

    def resolved(self, name: str) -> Match | None:
        """`match(name)` when that names an owner, else None; cheaper than `match` for the many names
        that do not (the text front end tries every prefix of a row as an owner cell), as their
        nearest miss, the runner-up a person would review, is not looked for.

        >>> m = OwnerMatcher([("Security", "Security")], OwnerRules(("lead",), (), (), ()), Guards())
        >>> m.resolved("Securty lead").canonical, m.resolved("Securityretry"), m.resolved("Lock domain")
        ('Security', None, None)
        """
        found = self._cache.get(name)
        if found is None and (found := self._match(name, near_misses=False)) is not None:
            self._cache[name] = found
        return found if found is not None and found.canonical else None

    def _match(self, name: str, near_misses: bool = True) -> Match | None:
        """The match of `name`; None (only without `near_misses`) when no step can name an owner."""
        if decided := self.decided(name):
            return decided
        key = self.key(name)
        if key in self.index:
            return Match("owner", name, self.index[key], "exact", 100.0)
        key = self.expand(key)
        if key in self.index:
            return Match("owner", name, self.index[key], "abbreviation", 95.0)
        bare = fold(self.strip_roles(key, keep_titles=False))
        plain = fold(self.strip_qualifiers(bare))
        # Exact steps first, fuzzy ones after: "Platform DBA" is DBA (qualifier), never a fuzzy
        # neighbour; "Platform Enginering" is a typo of Platform Engineering, not Engineering.
        for variant in self.role_variants(key):
            if variant in self.forms:
                return Match("owner", name, self.forms[variant], "role-words", 100.0)
        if fingerprint(bare) in self.fingerprints:
            return Match("owner", name, self.fingerprints[fingerprint(bare)], "word-order", 100.0)
        if by_acronym := self._acronym(name, bare):
            return by_acronym
        if plain != bare and plain in self.forms:
            return Match("owner", name, self.forms[plain], "qualifier", 95.0)
        if plain != bare and (by_acronym := self._acronym(name, plain)):
            return by_acronym
        if not near_misses and not self._near_form(bare) and (plain == bare or not self._near_form(plain)):
            return None  # no fuzzy step can name an owner: its nearest miss is not asked for
        cutoff = self.guards.min_score - 25
        fuzzy = decide("owner", name, bare, rank(bare, self.forms, cutoff), self.guards)
        if fuzzy.canonical or plain == bare:
            return fuzzy
        qualified = decide("owner", name, plain, rank(plain, self.forms, cutoff), self.guards)
        if qualified.canonical or (qualified.runner_up_score or 0) > (fuzzy.runner_up_score or 0):
            return qualified
        return fuzzy

    def _near_form(self, key: str) -> bool:
        """Whether a form is near enough to `key` for a fuzzy match to be possible at all."""
        return within_edits(key, self.form_list, self.guards.max_edits)

    def _acronym(self, name: str, key: str) -> Match | None:
        """The one owner whose name this key abbreviates ("QAS" for "Quality Assurance Services"), or
        whose name abbreviates this key ("Site Reliability Engineering" for "SRE"). Two letters say
        too little to decide ("PM", "IS"): such a hit is only proposed, for review."""
        if " " not in key and 2 <= len(key) <= 6:
            letters, canonical = key, self.acronyms.get(key)
        else:
            letters = acronym(key)
            canonical = self.forms.get(letters) if len(letters) >= 2 else None
        if canonical is None:
            return None
        if len(letters) < 3:
            return Match("owner", name, None, "unmatched", 80.0, canonical, 80.0, needs_review=True)
        return Match("owner", name, canonical, "acronym", 90.0)

    def expand(self, key: str) -> str:
        """A folded name with its abbreviations written out ("db admin" -> "database administration")."""
        return " ".join([self.abbreviations.get(w, w) for w in key.split()])

    def decided(self, name: str) -> Match | None:
        """The decision recorded in `riskreg review` for this name, if any."""
        if not self.decisions:
            return None
        for form in (fold(name), self.key(name)):
            if ("owner", form) in self.decisions:
                return Match("owner", name, self.decisions[("owner", form)], "decision", 100.0)
        return None


def acronym(key: str) -> str:
    """Initials of a folded name of two words or more; "" for one word.

    >>> acronym("site reliability engineering"), acronym("head of security"), acronym("security")
    ('sre', 'hs', '')
    """
    words = [w for w in key.split() if w not in ACRONYM_SKIP]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def cluster_owner_names(names: Iterable[str], matcher: OwnerMatcher) -> dict[str, Match]:
    """Without a directory: each written owner name -> its cluster's name, as a Match.

    Keys are OpenRefine fingerprints (folded, role words dropped, tokens sorted). From the most
    common key down, a key joins a more common one when they are the same without qualifiers,
    one is the other's acronym, or they are fuzzily alike with a margin over any other (a word
    of five letters or fewer only proposed: "Ann" and "Anne" may be two people); a near miss
    stays apart and is flagged for review. A cluster is named by its most common
    written form (role words dropped).

    >>> m = OwnerMatcher((), OwnerRules(("lead", "team"), ("platform",), (), ()), Guards())
    >>> written = ["Security", "Security lead", "Securty", "security", "Platform SRE", "SRE",
    ...            "Site Reliability Engineering", "Platform DBA", "Data Platform"] + ["SRE", "DBA"] * 3
    >>> c = cluster_owner_names(written, m)
    >>> sorted({k: v.canonical for k, v in c.items()}.items())  # doctest: +NORMALIZE_WHITESPACE
    [('DBA', 'DBA'), ('Data Platform', 'Data Platform'), ('Platform DBA', 'DBA'), ('Platform SRE', 'SRE'),
     ('SRE', 'SRE'), ('Security', 'Security'), ('Security lead', 'Security'), ('Securty', 'Security'),
     ('Site Reliability Engineering', 'SRE'), ('security', 'Security')]
    """
    counts = Counter(names)
    bare_of = {name: fold(matcher.strip_roles(matcher.expand(matcher.key(name)))) for name in counts}  # word order kept
    key_of = {name: fingerprint(bare) for name, bare in bare_of.items()}
    forms: dict[str, Counter[str]] = {}
    plain_of: dict[str, str] = {}  # key -> the key it reduces to without qualifiers
    spelled: dict[str, str] = {}  # key -> its most common form in written word order, for acronyms
    for name, n in counts.most_common():
        key = key_of[name]
        forms.setdefault(key, Counter())[matcher.display_name(name)] += n
        spelled.setdefault(key, bare_of[name])
        plain = fingerprint(fold(matcher.strip_qualifiers(bare_of[name])))
        if plain != key:
            plain_of.setdefault(key, plain)
    total = {k: sum(c.values()) for k, c in forms.items()}
    # "Platform SRE" is SRE when it is a rare variant of a common name; "Platform Engineering",
    # written about as often as "Engineering", is a team of its own (in between: a person decides).
    qualified = {k for k, p in plain_of.items() if p in forms and total[k] * QUALIFIED_SHARE <= total[p]}
    doubtful = {k for k, p in plain_of.items() if p in forms and k not in qualified and total[k] < total[p]}
    # Most common first; a qualified name after the bare one it reduces to.
    ordered = sorted(forms, key=lambda k: (k in qualified, -total[k], k))
    root: dict[str, str] = {}
    how: dict[str, Match] = {}
    earlier: dict[str, str] = {}  # key -> its root, for keys already placed
    initials: dict[str, set[str]] = {}  # acronym of a placed key -> roots
    for key in ordered:
        root[key], how[key] = key, Match("owner", key, None, "cluster", 100.0)
        if key in qualified:
            root[key], how[key] = earlier[plain_of[key]], Match("owner", key, None, "cluster-qualifier", 95.0)
        elif (hit := _acronym_root(spelled[key], earlier, initials, spelled)) is not None:
            if min(len(spelled[key]), len(acronym(spelled[key])) or 99) >= 3:
                root[key], how[key] = hit, Match("owner", key, None, "cluster-acronym", 90.0)
            else:  # "QA" and "Quality Assurance": two letters say too little; proposed for review
                how[key] = Match("owner", key, None, "cluster", 100.0, hit, 80.0, needs_review=True)
        elif earlier and len(key) >= matcher.guards.min_length:
            ranked = rank(key, earlier, matcher.guards.min_score - NEAR_MISS)
            fuzzy = decide("owner", key, key, ranked, matcher.guards)
            if fuzzy.canonical and " " not in key and len(key) < MIN_FUZZY_WORD:
                how[key] = Match("owner", key, None, "cluster", 100.0, fuzzy.canonical, fuzzy.score, needs_review=True)
            elif fuzzy.canonical:
                root[key], how[key] = (
                    fuzzy.canonical,
                    Match("owner", key, None, "cluster-fuzzy", fuzzy.score, fuzzy.runner_up, fuzzy.runner_up_score),
                )
            elif key in doubtful:
                how[key] = Match("owner", key, None, "cluster", 100.0, earlier[plain_of[key]], 90.0, needs_review=True)
            elif ranked:  # a near miss or a tie: its own cluster until a person decides
                how[key] = Match(
                    "owner", key, None, "cluster", 100.0, fuzzy.runner_up, fuzzy.runner_up_score, needs_review=True
                )
        earlier[key] = root[key]
        if len(abbreviation := acronym(spelled[key])) >= 2:
            initials.setdefault(abbreviation, set()).add(root[key])
    members: dict[str, Counter[str]] = {}
    for key in ordered:
        members.setdefault(root[key], Counter()).update(forms[key])
    # The most common form; on a tie, the root's own form ("SRE" over "Platform SRE"), then the most readable.
    names_of_root = {r: max(c, key=lambda f: (c[f], f in forms[r], _readability(f), f)) for r, c in members.items()}
    result: dict[str, Match] = {}
    for name in counts:
        key = key_of[name]
        m = how[key]
        runner = names_of_root.get(root.get(m.runner_up, ""), m.runner_up) if m.runner_up else None
        result[name] = Match(
            "owner", name, names_of_root[root[key]], m.method, m.score, runner, m.runner_up_score, m.needs_review
        )
    return result


def _acronym_root(
    name: str, earlier: Mapping[str, str], initials: Mapping[str, set[str]], spelled: Mapping[str, str]
) -> str | None:
    """The root of an earlier key that this name (folded, in written order) abbreviates, or whose
    one-word name abbreviates this one ("SRE" and "Site Reliability Engineering")."""
    if " " not in name and 2 <= len(name) <= 6:
        hits = initials.get(name, set())
    else:
        short = acronym(name)
        hits = {earlier[short]} if len(short) >= 2 and short in earlier and spelled.get(short) == short else set()
    return next(iter(hits)) if len(hits) == 1 else None


def fingerprint(key: str) -> str:
    """OpenRefine's fingerprint of a folded name: distinct tokens, sorted.

    >>> fingerprint("platform engineering platform")
    'engineering platform'
    """
    return " ".join(sorted(set(key.split())))


def _readability(name: str) -> tuple[int, int]:
    """Prefer "Security" over "SECURITY" or "security" when forms are equally common."""
    return (name[:1].isupper() and not name.isupper(), name.isupper())


def owners_of(
    raw: str | None, matcher: OwnerMatcher, clusters: Mapping[str, Match] | None, null_values: tuple[str, ...]
) -> tuple[tuple[str, ...], list[Match]]:
    """Canonical owners of one raw owner cell, and the decisions made on the way.

    With a directory, joint owners that together are one directory name ("Research and
    Development") stay one owner.
    """
    if raw is None or is_null(raw, null_values):
        return (), []
    parts = matcher.split_known(raw) if matcher.has_directory or matcher.decisions else matcher.split(raw)
    owners: list[str] = []
    matches: list[Match] = []
    for part in parts:
        m = matcher.match(part) if matcher.has_directory else cluster_match(part, matcher, clusters)
        name = m.canonical or matcher.display_name(part)
        matches.append(m)
        if name not in owners:
            owners.append(name)
    return tuple(owners), matches


def cluster_match(part: str, matcher: OwnerMatcher, clusters: Mapping[str, Match] | None) -> Match:
    """Without a directory: one owner name's decision, from review, else the run's clusters, else
    its own cluster (the name as written, role words dropped)."""
    return (
        matcher.decided(part)
        or (clusters or {}).get(part)
        or Match("owner", part, matcher.display_name(part), "cluster", 100.0)
    )


__all__ = [
    "OwnerMatcher",
    "OwnerRules",
    "acronym",
    "cluster_match",
    "cluster_owner_names",
    "fingerprint",
    "joiner_matches",
    "joiner_pattern",
    "joiner_starts_pattern",
    "owner_rules",
    "owners_of",
]
