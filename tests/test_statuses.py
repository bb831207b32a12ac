"""Statuses: synonyms, decorations, typos, negations; unknown values stay NULL and are flagged."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import load_config
from pipeline.matching import Guards
from pipeline.statuses import StatusMatcher
from pipeline.vocab import STATUS_SYNONYMS, STATUSES


@pytest.fixture(scope="module")
def matcher() -> StatusMatcher:
    return StatusMatcher(STATUS_SYNONYMS, Guards())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # canonical words, any case
        ("open", "open"),
        ("OPEN", "open"),
        ("Mitigating", "mitigating"),
        ("CLOSED", "closed"),
        # synonyms
        ("FIXED", "mitigated"),
        ("Fixed", "mitigated"),
        ("PENDING", "open"),
        ("TODO", "open"),
        ("Not started", "open"),
        ("In progress", "mitigating"),
        ("in-progress", "mitigating"),
        ("Mitigation in progress", "mitigating"),
        ("Under monitoring", "monitoring"),
        # tool states: ServiceNow GRC's risk lifecycle, Azure Boards' Basic process
        ("Draft", "open"),
        ("Assess", "open"),
        ("Respond", "mitigating"),
        ("Doing", "mitigating"),
        ("accepted with mitigation", "accepted"),
        ("Risk accepted", "accepted"),
        ("Won't fix", "accepted"),
        ("Wont fix", "accepted"),
        ("Will not fix", "accepted"),
        ("Done", "mitigated"),
        # decorated
        ("⚠️ In progress", "mitigating"),
        ("✅ Mitigated", "mitigated"),
        ("❌ TODO", "open"),
        ("**Monitoring**", "monitoring"),
        ("✅ Mitigated (2026-03)", "mitigated"),
        # typos
        ("Mitgating", "mitigating"),
        ("Monitering", "monitoring"),
        ("Mitigatd", "mitigated"),
        ("Acepted", "accepted"),
        ("Mitgating (ETA Q3)", "mitigating"),
        # negations are never read as the word they negate
        ("not mitigated", "open"),
        ("NOT IMPLEMENTED", "open"),
        ("Unmitigated", "open"),
    ],
)
def test_known_statuses(matcher: StatusMatcher, raw: str, expected: str) -> None:
    m = matcher.match(raw)
    assert m.canonical == expected, m
    assert not m.needs_review


@pytest.mark.parametrize("raw", ["Deferred to Q3", "See JIRA-123", "2026-03-01", "Not accepted yet?", "✅"])
def test_unknown_statuses_are_kept_raw_and_flagged(matcher: StatusMatcher, raw: str) -> None:
    m = matcher.match(raw)
    assert m.canonical is None and m.needs_review and m.raw == raw


def test_a_near_miss_proposes_without_deciding(matcher: StatusMatcher) -> None:
    m = matcher.match("Mtgtng")
    assert m.canonical is None and m.needs_review and m.runner_up == "mitigating"


def test_riskreg_toml_adds_synonyms(tmp_path: Path) -> None:
    toml = tmp_path / "riskreg.toml"
    toml.write_text('[statuses]\nopen = ["on hold", "parked"]\nclosed = ["wontfix"]\n', encoding="utf-8")
    config = load_config(toml)
    m = StatusMatcher(config.status_synonyms, config.guards)
    assert [m.match(s).canonical for s in ("On hold", "parked", "WONTFIX", "FIXED")] == [
        "open",
        "open",
        "closed",
        "mitigated",
    ]


def test_decisions_win_over_everything() -> None:
    m = StatusMatcher(STATUS_SYNONYMS, Guards(), {("status", "fixed"): "closed", ("status", "deferred"): None})
    assert (m.match("FIXED").canonical, m.match("FIXED").method) == ("closed", "decision")
    kept = m.match("Deferred")
    assert kept.canonical is None and not kept.needs_review


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_a_canonical_status_or_flagged(raw: str) -> None:
    m = StatusMatcher(STATUS_SYNONYMS, Guards()).match(raw)
    assert m.canonical in (*STATUSES, None)
    assert m.canonical is not None or m.needs_review


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted({w for words in STATUS_SYNONYMS.values() for w in words})),
    st.sampled_from(["", "✅ ", "⚠️ ", "**", " "]),
    st.sampled_from(["lower", "upper", "title"]),
)
def test_every_synonym_reads_the_same_decorated_and_in_any_case(word: str, mark: str, case: str) -> None:
    m = StatusMatcher(STATUS_SYNONYMS, Guards())
    plain = m.match(word).canonical
    written = getattr(word, case)()
    assert m.match(f"{mark}{written}{mark.strip()[:2] if mark == '**' else ''}").canonical == plain
