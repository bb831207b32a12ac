"""The normalise stage end to end on RawEntries shaped like real registers, and its invariants."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import Config, OwnerAlias
from pipeline.matching import Guards
from pipeline.normalise import entry_key, normalise
from pipeline.records import DocumentResult, RawEntry, SourceLoc
from pipeline.review import Decisions
from pipeline.scales import DocumentScale, RatingReader, document_scale, to_five
from pipeline.vocab import SEVERITIES, STATUSES

DIRECTORY = tuple(
    OwnerAlias(c, a)
    for c, a in [
        ("Engineering", "Engineering"),
        ("Security", "Security"),
        ("SRE", "SRE"),
        ("SRE", "Site Reliability Engineering"),
        ("DBA", "DBA"),
        ("Product", "Product"),
        ("Compliance", "Compliance"),
        ("Door lock domain", "Door lock domain"),
        ("Paging service", "Paging service"),
        ("Engineering management", "Engineering management"),
        ("Engineering management", "Engineering manager"),
    ]
)
CONFIG = Config(owner_directory=DIRECTORY)


def doc(
    path: str,
    rows: list[Mapping[str, str]],
    title: str = "Badge Access Service — Service Risk Register",
    stated: Mapping[str, Mapping[str, int]] | None = None,
    kind: str = "risk",
    headers: Mapping[str, str] | None = None,
) -> DocumentResult:
    entries = tuple(
        RawEntry(SourceLoc(path, 10 + k), "test", kind, dict(row), headers=dict(headers or {}), lines=(10 + k,))
        for k, row in enumerate(rows)
    )
    return DocumentResult(path=path, sha256="0", size=1, title=title, stated_scales=stated or {}, entries=entries)


def one(result: DocumentResult, config: Config = CONFIG, decisions: Decisions | None = None):
    return {e.entry_id or e.title: e for e in normalise([result], config, decisions).entries}


def test_a_flattened_register_with_numbers_scores_and_statuses() -> None:
    """The shape of a scraped register: 1-5 numbers, a stated score, statuses, role words in owners."""
    rows = [
        {
            "entry_id": "BA-01",
            "title": "Reader firmware bricks",
            "likelihood": "3",
            "impact": "4",
            "score": "12",
            "status": "mitigating",
            "owner": "Door lock domain lead",
        },
        {
            "entry_id": "BA-02",
            "title": "Audit rows deleted",
            "likelihood": "1",
            "impact": "5",
            "score": "5",
            "status": "mitigating",
            "owner": "Security lead",
        },
        {
            "entry_id": "BA-03",
            "title": "Operator misconfigures policy",
            "likelihood": "4",
            "impact": "2",
            "score": "8",
            "status": "accepted with mitigation",
            "owner": "Product",
        },
        {
            "entry_id": "BA-04",
            "title": "Master key abuse",
            "likelihood": "3",
            "impact": "4",
            "score": "12",
            "status": "mitigating",
            "owner": "Door lock domain lead + Security",
        },
        {
            "entry_id": "BA-05",
            "title": "Pager push fails",
            "likelihood": "3",
            "impact": "3",
            "score": "9",
            "status": "monitoring",
            "owner": "Paging service owner",
        },
        {
            "entry_id": "BA-06",
            "title": "Tunnel down",
            "likelihood": "2",
            "impact": "4",
            "score": "8",
            "status": "mitigated",
            "owner": "Platform SRE",
        },
        {
            "entry_id": "BA-07",
            "title": "Knowledge in few heads",
            "likelihood": "3",
            "impact": "3",
            "score": "9",
            "status": "mitigating",
            "owner": "Engineering manager",
        },
        {
            "entry_id": "BA-08",
            "title": "Regulation changes",
            "likelihood": "3",
            "impact": "3",
            "score": "9",
            "status": "monitoring",
            "owner": "Product + Compliance",
        },
    ]
    e = one(doc("register.txt", rows))
    assert [(e[k].likelihood, e[k].impact, e[k].score, e[k].severity) for k in ("BA-01", "BA-02", "BA-03")] == [
        (3, 4, 12, "high"),
        (1, 5, 5, "low"),
        (4, 2, 8, "medium"),
    ]
    assert e["BA-01"].owners == ("Door lock domain",) and e["BA-01"].owner_raw == "Door lock domain lead"
    assert e["BA-03"].status == "accepted" and e["BA-03"].status_raw == "accepted with mitigation"
    assert e["BA-04"].owners == ("Door lock domain", "Security")
    assert e["BA-05"].owners == ("Paging service",)
    assert e["BA-06"].owners == ("SRE",) and e["BA-06"].status == "mitigated"
    assert e["BA-07"].owners == ("Engineering management",)
    assert e["BA-08"].owners == ("Product", "Compliance")
    assert all(x.severity_source == "score" for x in e.values())
    assert not any("differs" in n for x in e.values() for n in x.notes)


def test_a_sections_register_with_stated_severity_and_prose_impact() -> None:
    rows = [
        {
            "entry_id": "R001",
            "title": "Pool exhaustion",
            "severity": "Critical",
            "likelihood": "Medium",
            "impact": "API becomes unresponsive, all requests fail",
        },
        {
            "entry_id": "R002",
            "title": "Cache down",
            "severity": "High",
            "likelihood": "Low",
            "impact": "Rate limiting disabled, cache miss storm",
        },
    ]
    e = one(doc("playbooks.md", rows))
    assert (e["R001"].likelihood, e["R001"].impact, e["R001"].score, e["R001"].severity) == (3, None, None, "critical")
    assert e["R001"].impact_raw == "API becomes unresponsive, all requests fail"
    assert e["R002"].severity == "high" and e["R002"].severity_source == "stated"
    assert e["R001"].status is None and e["R001"].owners == ()


def test_a_stated_emoji_severity_wins_over_the_score() -> None:
    rows = [
        {"title": "Cold start bypass", "likelihood": "Low", "impact": "High", "severity": "🟢 LOW", "status": "FIXED"},
        {
            "title": "Key collision",
            "likelihood": "High",
            "impact": "Critical",
            "severity": "🔴 HIGH",
            "status": "PENDING",
        },
        {"title": "Blind spots", "likelihood": "High", "impact": "High", "severity": "🟠"},
    ]
    e = one(doc("assessment.md", rows))
    assert (e["Cold start bypass"].score, e["Cold start bypass"].severity, e["Cold start bypass"].status) == (
        8,
        "low",
        "mitigated",
    )
    assert (e["Key collision"].score, e["Key collision"].severity, e["Key collision"].status) == (20, "high", "open")
    assert e["Blind spots"].severity == "high"


def test_a_stated_legend_scale_is_read_first() -> None:
    legend = {
        "likelihood": {"Unlikely": 1, "Possible": 2, "Likely": 3},
        "impact": {"Minor": 1, "Moderate": 2, "Severe (multi-tenant outage)": 3},
    }
    rows = [
        {"title": "A", "likelihood": "3", "impact": "Severe"},
        {"title": "B", "likelihood": "Unlikely", "impact": "1"},
    ]
    e = one(doc("three.md", rows, stated=legend))
    assert (e["A"].likelihood, e["A"].impact, e["A"].score) == (4, 4, 16)
    assert (e["B"].likelihood, e["B"].impact) == (2, 2)


def test_a_ten_point_scale_from_a_header_or_from_the_values() -> None:
    rows = [{"title": "A", "likelihood": "9", "impact": "4"}, {"title": "B", "likelihood": "2", "impact": "10"}]
    e = one(doc("ten.md", rows, headers={"likelihood": "Likelihood (1-10)", "impact": "Impact (1-10)"}))
    assert (e["A"].likelihood, e["A"].impact, e["B"].likelihood, e["B"].impact) == (5, 2, 1, 5)
    by_values = one(
        doc(
            "ten2.md",
            [{"title": "A", "likelihood": "7", "impact": "8"}, {"title": "B", "likelihood": "9", "impact": "2"}],
        )
    )
    assert (by_values["A"].likelihood, by_values["A"].impact) == (4, 4)


def test_a_band_word_in_brackets_beats_the_number_before_it() -> None:
    # OWASP Risk Rating: 0-9 factor averages with the band they fall in; "4 (High)" reads alike.
    rows = [
        {"title": "XSS", "likelihood": "6.5 (HIGH)", "impact": "4.75 (MEDIUM)"},
        {"title": "Coupons", "likelihood": "5.1 (MEDIUM)", "impact": "2.0 (LOW)"},
        {"title": "Re-auth", "likelihood": "2.6 (LOW)", "impact": "7.0 (HIGH)"},
        {"title": "Plain", "likelihood": "4 (High)", "impact": "Likely (4)"},
    ]
    e = one(doc("owasp.md", rows))
    got = [(e[t].likelihood, e[t].impact, e[t].likelihood_raw) for t in ("XSS", "Coupons", "Re-auth", "Plain")]
    assert got == [(4, 3, "6.5 (HIGH)"), (3, 2, "5.1 (MEDIUM)"), (2, 4, "2.6 (LOW)"), (4, 4, "4 (High)")]


def test_a_probability_in_percent_is_a_likelihood_in_bands_of_twenty() -> None:
    # "Probability: 70%" (tool exports, Azure DevOps' CMMI risks) was flagged as not a rating.
    rows = [
        {"title": "Disk fills", "likelihood": "70%", "impact": "High"},
        {"title": "Cert expires", "likelihood": "5 %", "impact": "30%"},
        {"title": "Typo", "likelihood": "170%", "impact": "Low"},
    ]
    e = one(doc("percent.md", rows))
    got = [(e[t].likelihood, e[t].impact) for t in ("Disk fills", "Cert expires", "Typo")]
    assert got == [(4, 4), (1, None), (None, 2)]


def test_a_handle_keeps_a_role_word_inside_it() -> None:
    rows = [{"title": "Cert expiry", "likelihood": "High", "owner": "@platform-team"}]
    assert one(doc("handles.md", rows), Config()).get("Cert expiry").owners == ("@platform-team",)


def test_a_stray_number_outside_the_scale_is_flagged_not_rescaled() -> None:
    rows = [
        {"title": "A", "likelihood": "6", "impact": "2"},
        {"title": "B", "likelihood": "3", "impact": "2"},
        {"title": "C", "likelihood": "4", "impact": "4"},
        {"title": "D", "likelihood": "1", "impact": "2"},
    ]
    run = normalise([doc("typo.md", rows)], CONFIG)
    e = {x.title: x for x in run.entries}
    assert e["A"].likelihood is None and e["B"].likelihood == 3
    assert any(m.raw == "6" and m.needs_review for m in run.matches)


def test_a_stated_score_is_used_only_without_likelihood_and_impact() -> None:
    rows = [{"title": "A", "score": "16"}, {"title": "B", "likelihood": "2", "impact": "2", "score": "12"}]
    e = one(doc("score.md", rows))
    assert (e["A"].score, e["A"].severity) == (16, "critical")
    assert e["B"].score == 4 and any("differs" in n for n in e["B"].notes)


def test_unknown_statuses_stay_raw_null_and_flagged() -> None:
    run = normalise([doc("s.md", [{"title": "A", "status": "Deferred to Q3", "likelihood": "Low"}])], CONFIG)
    entry = run.entries[0]
    assert entry.status is None and entry.status_raw == "Deferred to Q3"
    assert any("not recognised" in n for n in entry.notes)
    assert next(m for m in run.matches if m.vocabulary == "status").needs_review


def test_checks_take_a_stated_severity_only() -> None:
    e = one(doc("c.md", [{"title": "Runbooks linked"}], kind="check"))
    assert e["Runbooks linked"].severity is None and e["Runbooks linked"].kind == "check"


def test_matches_are_one_per_distinct_value_with_counts_and_an_example() -> None:
    rows = [{"entry_id": f"R{k}", "title": f"t{k}", "likelihood": "High", "owner": "Security lead"} for k in range(5)]
    run = normalise([doc("m.md", rows)], CONFIG)
    owner = [m for m in run.matches if m.vocabulary == "owner"]
    assert len(owner) == 1 and owner[0].occurrences == 5 and owner[0].example == "m.md:10"
    assert owner[0].method == "role-words" and owner[0].canonical == "Security"
    service = [m for m in run.matches if m.vocabulary == "service"]
    assert service[0].raw == "Badge Access Service" and service[0].example == "m.md"


def test_decisions_are_applied_on_the_next_run() -> None:
    rows = [{"title": "A", "owner": "J. Smith", "status": "On hold", "likelihood": "Hgh"}]
    decisions = Decisions({("owner", "j smith"): "Security", ("status", "on hold"): "open", ("likelihood", "hgh"): "4"})
    e = one(doc("d.md", rows), decisions=decisions)["A"]
    assert (e.owners, e.status, e.likelihood) == (("Security",), "open", 4)


def test_merges_decided_in_review_are_recorded_as_matches() -> None:
    a = doc("a.md", [{"entry_id": "R1", "title": "Vault outage"}])
    b = doc("b.md", [{"entry_id": "X9", "title": "Outage of Vault"}])
    ka, kb = entry_key("a.md", "risk", "R1", None, 0), entry_key("b.md", "risk", "X9", None, 0)
    run = normalise([a, b], CONFIG, Decisions(pairs={frozenset((ka, kb)): True}, merged_into={kb: ka}))
    merges = [m for m in run.matches if m.vocabulary == "risk"]
    assert [(m.raw, m.canonical, m.method, m.example) for m in merges] == [(kb, ka, "decision", "b.md:10")]
    assert len(run.entries) == 2  # nothing disappears: the merge is a recorded link


def test_entry_keys_do_not_depend_on_lines_or_order() -> None:
    first = normalise([doc("k.md", [{"entry_id": "R1", "title": "x"}, {"title": "no id"}])], CONFIG).entries
    moved = [
        e
        for e in normalise(
            [doc("k.md", [{"title": "other"}, {"title": "no id"}, {"entry_id": "r1", "title": "y"}])], CONFIG
        ).entries
    ]
    keys = {e.entry_id or e.title: e.entry_key for e in moved}
    assert first[0].entry_key == keys["r1"] and first[1].entry_key == keys["no id"]


def test_ratings_read_words_numbers_and_typos_and_refuse_prose() -> None:
    r = RatingReader(CONFIG.scale_words, CONFIG.severity_words, CONFIG.severity_bands, Guards())
    cases = {
        "Very High": "5",
        "very low": "1",
        "H": "4",
        "m": "3",
        "Likely (4)": "4",
        "4 - Likely": "4",
        "L4": "4",
        "3/5": "3",
        "🔴 **HIGH**": "4",
        "Medum": "3",
        "Almost certain": "5",
        "Rare": "1",
    }
    assert {raw: r.level("likelihood", raw).canonical for raw in cases} == cases
    for prose in ("Outage for 2 hours", "Tenant-wide outage or sustained brand damage", "not likely"):
        assert r.level("impact", prose).canonical is None, prose
    assert [to_five(n, 3) for n in (1, 2, 3)] == [2, 3, 4]
    assert document_scale(None, ["Impact (H/M/L)"], ["H", "M"]) == DocumentScale()


@st.composite
def raw_field(draw: st.DrawFn) -> str:
    return draw(
        st.one_of(
            st.text(max_size=25),
            st.sampled_from(
                ["High", "3", "12", "🟢 LOW", "FIXED", "Security lead + SRE", "n/a", "Mitgating", "7/10", "-", ""]
            ),
        )
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "entry_id": raw_field(),
                "title": raw_field(),
                "likelihood": raw_field(),
                "impact": raw_field(),
                "score": raw_field(),
                "severity": raw_field(),
                "status": raw_field(),
                "owner": raw_field(),
            },
        ),
        max_size=6,
    )
)
def test_any_fields_normalise_into_the_vocabularies(rows: list[dict[str, str]]) -> None:
    run = normalise([doc("h.md", rows)], CONFIG)
    assert len(run.entries) == len(rows)
    for e in run.entries:
        assert e.likelihood in (None, 1, 2, 3, 4, 5) and e.impact in (None, 1, 2, 3, 4, 5)
        assert e.status in (*STATUSES, None) and e.severity in (*SEVERITIES, None)
        if e.likelihood and e.impact:
            assert e.score == e.likelihood * e.impact
        assert e.score is None or 1 <= e.score <= 25
        assert all(o for o in e.owners)
    assert len({e.entry_key for e in run.entries}) == len(run.entries)


@pytest.mark.parametrize("workers", [1])
def test_normalise_is_per_distinct_value(workers: int) -> None:
    """Ten thousand entries with a handful of distinct values cost a handful of decisions."""
    rows = [
        {
            "entry_id": f"R{k}",
            "title": f"risk {k}",
            "likelihood": ["Low", "High", "3"][k % 3],
            "impact": "Medium",
            "status": ["Open", "FIXED"][k % 2],
            "owner": ["SRE team", "Securty"][k % 2],
        }
        for k in range(10_000)
    ]
    run = normalise([doc("big.md", rows)], CONFIG)
    assert len(run.entries) == 10_000
    assert len([m for m in run.matches if m.vocabulary != "service"]) == 3 + 1 + 2 + 2


def test_jira_priorities_are_stated_severities() -> None:
    from pipeline import vocab
    from pipeline.matching import Guards
    from pipeline.scales import RatingReader

    reader = RatingReader(vocab.SCALE_WORDS, vocab.SEVERITY_WORDS, vocab.SEVERITY_BANDS, Guards())
    assert [reader.severity(p).canonical for p in ("Highest", "High", "Medium", "Low", "Lowest")] == [
        "critical",
        "high",
        "medium",
        "low",
        "low",
    ]
