"""The owner matcher's cheap paths give what the full ones give.

The text front end prices every prefix of a row as an owner cell, so the matcher takes short
cuts: rapidfuzz's C loop instead of a Python one (`matching._scores`), the joiner pattern tried
only where a joiner starts (`owners.joiner_matches`), role words and qualifiers looked for only
when a word at the edge can be one (`owners.EdgeWords`), and no ranking of near misses when no
form is within a typo's edits (`OwnerMatcher.resolved`). Each is checked against the full path.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from pipeline.config import Config
from pipeline.matching import Candidate, edits, rank, similarity, within_edits
from pipeline.owners import OwnerMatcher, joiner_matches, joiner_pattern, joiner_starts_pattern, owner_rules

CONFIG = Config()
DIRECTORY = [
    ("Security", "Security"),
    ("Security", "Information Security"),
    ("SRE", "SRE"),
    ("SRE", "Site Reliability Engineering"),
    ("DBA", "Database Administration"),
    ("Platform Engineering", "Platform Engineering"),
    ("Engineering", "Engineering"),
    ("QA", "Quality Assurance"),
    ("Lock domain", "Lock domain"),
]
WORDS = ["security", "Secruity", "SRE", "site", "reliability", "Engineering", "platform", "Platform", "lead"]
WORDS += ["team", "owner", "head of", "on-call", "Lock", "domain", "QA", "dba", "data", "x7", "(ops)", "R&D"]
# Names made of directory, role and qualifier words, with typos and joiners in between.
NAMES = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join) | st.text(
    alphabet="abcdeilrstuy SRE-+/&,()", max_size=30
)


def _full_rank(key: str, index: dict[str, str], cutoff: float) -> list[Candidate]:
    """`rank` as it was: every form scored in a Python loop."""
    best: dict[str, Candidate] = {}
    for form in index:
        score = similarity(key, form)
        if score >= cutoff and (index[form] not in best or score > best[index[form]].score):
            best[index[form]] = Candidate(index[form], score, form)
    return sorted(best.values(), key=lambda c: (-c.score, edits(key, c.form), c.canonical))


@given(st.text(alphabet="abcde ", max_size=14), st.text(alphabet="abcde ", max_size=14))
def test_similarity_is_the_indel_ratio(a: str, b: str) -> None:
    # An OSA edit is at most two indels: the ratio is never below the OSA similarity, which is
    # why the ratio's C loop finds every form `similarity` would keep.
    assert similarity(a, b) == fuzz.ratio(a, b)


@given(
    st.text(alphabet="abcdes ", max_size=16),
    st.lists(st.text(alphabet="abcdes ", min_size=1, max_size=16), min_size=1, max_size=40),
    st.sampled_from([0.0, 50.0, 60.0, 85.0]),
)
def test_rank_finds_what_the_python_loop_finds(key: str, forms: list[str], cutoff: float) -> None:
    index = {form: f"C{n % 7}" for n, form in enumerate(forms)}
    assert rank(key, index, cutoff) == _full_rank(key, index, cutoff)


@given(st.text(alphabet="abcdes", max_size=12), st.lists(st.text(alphabet="abcdes", max_size=12), max_size=10))
def test_within_edits(key: str, forms: list[str]) -> None:
    assert within_edits(key, forms, 2) == any(edits(key, f) <= 2 for f in forms)


@settings(max_examples=300)
@given(st.text(alphabet="ab +/&,;\t\u00a0AND with", max_size=40))
def test_joiner_matches_are_finditer(raw: str) -> None:
    joiners = (*CONFIG.owner_joiners, " y ", ";")
    pattern = joiner_pattern(joiners)
    got = [m.span() for m in joiner_matches(pattern, joiner_starts_pattern(joiners), raw)]
    assert got == [m.span() for m in pattern.finditer(raw)]


def _matchers() -> tuple[OwnerMatcher, OwnerMatcher]:
    """A matcher, and one with its edge-word short cuts off."""
    fast = OwnerMatcher(DIRECTORY, owner_rules(CONFIG), CONFIG.guards)
    slow = OwnerMatcher(DIRECTORY, owner_rules(CONFIG), CONFIG.guards)
    slow.role_edges = slow.qualifier_edges = None
    return fast, slow


@settings(max_examples=300)
@given(NAMES)
def test_edge_words_change_nothing(name: str) -> None:
    fast, slow = _matchers()
    assert fast.strip_roles(name) == slow.strip_roles(name)
    assert fast.strip_roles(name, keep_titles=False) == slow.strip_roles(name, keep_titles=False)
    assert fast.strip_qualifiers(name) == slow.strip_qualifiers(name)
    assert fast.role_variants(fast.key(name)) == slow.role_variants(slow.key(name))
    assert fast.match(name) == slow.match(name)


@settings(max_examples=300)
@given(NAMES)
def test_resolved_is_match_when_it_names_an_owner(name: str) -> None:
    full = OwnerMatcher(DIRECTORY, owner_rules(CONFIG), CONFIG.guards).match(name)
    assert OwnerMatcher(DIRECTORY, owner_rules(CONFIG), CONFIG.guards).resolved(name) == (
        full if full.canonical else None
    )


def test_resolved_with_strict_guards() -> None:
    # One edit allowed: "Securty" still resolves, "Secrty" (two) does not.
    guards = replace(CONFIG, match_max_edits=1).guards
    m = OwnerMatcher(DIRECTORY, owner_rules(CONFIG), guards)
    assert m.resolved("Securty").canonical == "Security"
    assert m.resolved("Secrty") is None and m.match("Secrty").canonical is None
