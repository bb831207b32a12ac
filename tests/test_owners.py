"""Owners: splitting joint owners, matching a directory with guards, clustering without one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import Config
from pipeline.matching import Guards
from pipeline.owners import OwnerMatcher, OwnerRules, cluster_owner_names, owners_of
from pipeline.textnorm import fold

DIRECTORY = [  # (canonical, alias): the shapes of a real owners.csv
    ("Engineering", "Engineering"),
    ("Engineering", "Engineering management"),
    ("Security", "Security"),
    ("Security", "Information Security"),
    ("SRE", "SRE"),
    ("SRE", "Site Reliability Engineering"),
    ("DBA", "DBA"),
    ("DBA", "Database Administration"),
    ("Product", "Product"),
    ("Compliance", "Compliance"),
    ("Data Platform", "Data Platform"),
    ("Platform Engineering", "Platform Engineering"),
    ("Legal", "Legal"),
    ("QA", "QA"),
    ("Lock domain", "Lock domain"),
    ("Notification service", "Notification service"),
]
DEFAULTS = Config()
RULES = OwnerRules(
    DEFAULTS.owner_role_words,
    DEFAULTS.owner_qualifiers,
    DEFAULTS.owner_role_titles,
    DEFAULTS.owner_joiners,
    DEFAULTS.owner_abbreviations,
)


@pytest.fixture(scope="module")
def matcher() -> OwnerMatcher:
    return OwnerMatcher(DIRECTORY, RULES, Guards())


def names(raw: str, m: OwnerMatcher) -> tuple[str, ...]:
    return owners_of(raw, m, None, DEFAULTS.null_values)[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Engineering + SRE", ("Engineering", "SRE")),
        ("Security / DBA", ("Security", "DBA")),
        ("Product & Legal", ("Product", "Legal")),
        ("Product, Compliance", ("Product", "Compliance")),
        ("QA and Legal", ("QA", "Legal")),
        ("Security/DBA", ("Security", "DBA")),
        ("Lock domain lead + Security", ("Lock domain", "Security")),
        ("Security lead + Security", ("Security",)),  # the same owner twice is one owner
    ],
)
def test_joint_owners_are_split_and_matched(matcher: OwnerMatcher, raw: str, expected: tuple[str, ...]) -> None:
    assert names(raw, matcher) == expected


@pytest.mark.parametrize("raw", ["R&D", "24/7 on-call", "CI/CD"])
def test_symbols_inside_a_name_do_not_split_it(raw: str) -> None:
    m = OwnerMatcher([(raw, raw)], RULES, Guards())
    assert names(raw, m) == (raw,)


def test_a_directory_name_containing_a_joiner_stays_whole() -> None:
    m = OwnerMatcher([("Research and Development", "Research and Development"), ("Legal", "Legal")], RULES, Guards())
    assert names("Research and Development", m) == ("Research and Development",)
    assert names("Research and Development + Legal", m) == ("Research and Development", "Legal")


@pytest.mark.parametrize(
    ("raw", "expected", "method"),
    [
        ("SECURITY", "Security", "exact"),
        ("security", "Security", "exact"),
        ("Security lead", "Security", "role-words"),
        ("Security team lead", "Security", "role-words"),
        ("Head of Security", "Security", "role-words"),
        ("SRE on-call", "SRE", "role-words"),
        ("Lock domain lead", "Lock domain", "role-words"),
        ("Lock domain owner", "Lock domain", "role-words"),  # not "Lock", though "domain owner" is a role too
        ("Notification service owner", "Notification service", "role-words"),
        ("Engineering manager", "Engineering", "role-words"),
        ("Platform SRE", "SRE", "qualifier"),
        ("Infra SRE", "SRE", "qualifier"),
        ("Lead DBA", "DBA", "role-words"),
        ("Platform DBA", "DBA", "qualifier"),
        ("Securty", "Security", "fuzzy"),
        ("Secruity", "Security", "fuzzy"),
        ("Secruity lead", "Security", "fuzzy"),
        ("Platform Engineeirng", "Platform Engineering", "fuzzy"),
        ("Platfrom Engineering", "Platform Engineering", "fuzzy"),
        ("Complaince", "Compliance", "fuzzy"),
        ("Engineering Platform", "Platform Engineering", "word-order"),
        ("site reliability engineering", "SRE", "exact"),
        ("DB admin", "DBA", "abbreviation"),
        ("Notification svc owner", "Notification service", "role-words"),
        ("Eng manager", "Engineering", "role-words"),
        ("Carrier Relations (ops team)", None, "unmatched"),
    ],
)
def test_directory_matching(matcher: OwnerMatcher, raw: str, expected: str | None, method: str) -> None:
    m = matcher.match(raw)
    assert (m.canonical, m.method) == (expected, method)
    assert m.needs_review == (expected is None)


def test_an_alias_names_its_canonical_owner() -> None:
    m = OwnerMatcher(
        [
            ("Engineering management", "Engineering management"),
            ("Engineering management", "Engineering manager"),
            ("Engineering", "Engineering"),
        ],
        RULES,
        Guards(),
    )
    assert m.match("Engineering manager").canonical == "Engineering management"
    assert m.match("Engineering").canonical == "Engineering"


def test_short_names_never_match_fuzzily() -> None:
    """WRatio scores "7" against "X94678" at 90: a match needs a minimum length and a real score."""
    m = OwnerMatcher([("X94678", "X94678"), ("SRE", "SRE")], RULES, Guards())
    result = m.match("7")
    assert result.canonical is None and result.needs_review
    assert m.match("SER").canonical is None  # a transposition in three letters is too much


def test_a_tie_goes_to_review_with_a_runner_up() -> None:
    m = OwnerMatcher([("Jane Smith", "Jane Smith"), ("John Smith", "John Smith")], RULES, Guards())
    result = m.match("J. Smith")
    assert result.canonical is None and result.needs_review
    assert {result.runner_up} <= {"Jane Smith", "John Smith"}
    assert names("J. Smith", m) == ("J. Smith",)  # kept as written, never forced


def test_a_near_miss_is_proposed_not_decided(matcher: OwnerMatcher) -> None:
    result = matcher.match("Secrty tm")
    assert result.canonical is None and result.needs_review
    assert result.runner_up == "Security"


def test_two_letter_acronyms_are_only_proposed() -> None:
    m = OwnerMatcher([("Product", "Product management"), ("Product", "Product")], RULES, Guards())
    result = m.match("PM")
    assert result.canonical is None and result.needs_review and result.runner_up == "Product"


def test_unknown_owners_keep_their_name_without_role_words(matcher: OwnerMatcher) -> None:
    assert names("Carrier Relations (ops team)", matcher) == ("Carrier Relations",)
    assert names("Finance team", matcher) == ("Finance",)
    assert names("Tech lead", matcher) == ("Tech lead",)  # a role on its own stays whole


def test_null_owners_give_no_owner(matcher: OwnerMatcher) -> None:
    for raw in ("", "-", "TBD", "n/a", "Unassigned"):
        assert owners_of(raw, matcher, None, DEFAULTS.null_values) == ((), [])


# --- generated owners, as make_corpus writes them -------------------------------------------------

CANONICAL = sorted({c for c, _ in DIRECTORY} - {"Lock domain", "Notification service"})
ROLE_SUFFIXES = [" lead", " team", " owner", " manager", " on-call"]
JOINS = [" + ", " / ", " & ", ", ", " and "]


@st.composite
def owner_variant(draw: st.DrawFn, canon: str) -> str:
    how = draw(st.sampled_from(["as is", "alias", "role", "case", "typo"]))
    if how == "alias":
        aliases = [a for c, a in DIRECTORY if c == canon and a != canon]
        return draw(st.sampled_from(aliases)) if aliases else canon
    if how == "role":
        return canon + draw(st.sampled_from(ROLE_SUFFIXES))
    if how == "case":
        return draw(st.sampled_from([canon.lower(), canon.upper()]))
    if how == "typo" and len(canon) >= 7:
        i = draw(st.integers(1, len(canon) - 3))
        if draw(st.booleans()):
            return canon[:i] + canon[i + 1 :]
        return canon[:i] + canon[i + 1] + canon[i] + canon[i + 2 :]
    return canon


@st.composite
def owner_cell(draw: st.DrawFn) -> tuple[str, list[str]]:
    chosen = draw(st.lists(st.sampled_from(CANONICAL), min_size=1, max_size=2, unique=True))
    parts = [draw(owner_variant(c)) for c in chosen]
    return draw(st.sampled_from(JOINS)).join(parts), chosen


@settings(max_examples=200, deadline=None)
@given(owner_cell())
def test_generated_owner_cells_match_their_canonical_owners(cell: tuple[str, list[str]]) -> None:
    raw, chosen = cell
    m = OwnerMatcher(DIRECTORY, RULES, Guards())
    found, matches = owners_of(raw, m, None, DEFAULTS.null_values)
    # a typo of a name is either matched right or left for review, never matched wrong
    for part_match in matches:
        assert part_match.canonical in (*CANONICAL, None)
        assert part_match.canonical is not None or part_match.needs_review
    assert {o for o in found if o in CANONICAL} <= set(chosen)
    if all(x.canonical for x in matches):
        assert sorted(found) == sorted(chosen)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_owners_without_raising(raw: str) -> None:
    m = OwnerMatcher(DIRECTORY, RULES, Guards())
    found, matches = owners_of(raw, m, None, DEFAULTS.null_values)
    assert all(isinstance(o, str) and o for o in found)
    assert all(x.canonical in (*{c for c, _ in DIRECTORY}, None) for x in matches)


# --- clustering without a directory -----------------------------------------------------------------


def test_clusters_are_named_by_their_most_common_form() -> None:
    m = OwnerMatcher((), RULES, Guards())
    written = (
        ["Security"] * 5
        + ["security", "SECURITY", "Security lead", "Securty", "Secruity"]
        + ["SRE"] * 4
        + ["Platform SRE", "SRE team", "Site Reliability Engineering"]
        + ["Platform Engineering"] * 4
        + ["Engineering"] * 4
        + ["Enginering"]
        + ["Finance"]
    )
    clusters = cluster_owner_names(written, m)
    named = {raw: match.canonical for raw, match in clusters.items()}
    assert {named[x] for x in ("Security", "security", "SECURITY", "Security lead", "Securty", "Secruity")} == {
        "Security"
    }
    assert {named[x] for x in ("SRE", "Platform SRE", "SRE team", "Site Reliability Engineering")} == {"SRE"}
    # written as often as "Engineering", "Platform Engineering" is a team of its own
    assert named["Platform Engineering"] == "Platform Engineering"
    assert named["Enginering"] == named["Engineering"] == "Engineering"
    assert named["Finance"] == "Finance"
    assert all(not clusters[x].needs_review for x in ("Securty", "Platform SRE", "Finance"))


def test_cluster_near_misses_are_flagged_not_merged() -> None:
    m = OwnerMatcher((), RULES, Guards())
    clusters = cluster_owner_names(["QA"] * 5 + ["Quality Assurance"] * 2, m)
    assert clusters["Quality Assurance"].canonical == "Quality Assurance"
    assert clusters["Quality Assurance"].needs_review and clusters["Quality Assurance"].runner_up == "QA"


def test_short_first_names_a_letter_apart_are_two_people_until_a_person_says() -> None:
    m = OwnerMatcher((), RULES, Guards())
    written = ["Ann"] * 3 + ["Anne"] * 2 + ["Sanne", "Ana", "Anja", "Mark", "Marc"] + ["Payments"] * 3 + ["Paymnets"]
    clusters = cluster_owner_names(written, m)
    named = {raw: match.canonical for raw, match in clusters.items()}
    assert [named[x] for x in ("Ann", "Anne", "Sanne", "Ana", "Anja", "Mark", "Marc")] == [
        "Ann",
        "Anne",
        "Sanne",
        "Ana",
        "Anja",
        "Mark",
        "Marc",
    ]
    assert clusters["Anne"].needs_review and clusters["Anne"].runner_up == "Ann"  # proposed for review
    assert named["Paymnets"] == "Payments"  # a longer word's typo still joins its name


def test_clustering_is_deterministic_whatever_the_order() -> None:
    m = OwnerMatcher((), RULES, Guards())
    written = ["Data Platform", "Data Platfrom", "data platform", "DBA", "Platform DBA", "DBA", "DBA", "DBA"]
    first = {k: v.canonical for k, v in cluster_owner_names(written, m).items()}
    second = {k: v.canonical for k, v in cluster_owner_names(list(reversed(written)), m).items()}
    assert first == second
    assert first["Platform DBA"] == "DBA" and first["Data Platfrom"] == "Data Platform"


def test_fold_is_what_names_are_compared_on() -> None:
    assert fold("Platform  SRE!") == "platform sre"
