"""markdown_sections: a heading per risk with labelled fields; properties and quirks."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import markdown_sections
from parsers.markdown_sections import NOT_A_RISK_HEADING_RE, parse, sniff
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.records import Document
from pipeline.textnorm import fold

CONFIG = Config()


def doc(text: str) -> Document:
    return Document(path="risks.md", sha256="0" * 64, size=len(text.encode()), text=text, encoding="utf-8")


def entries(text: str, config: Config = CONFIG):
    return parse(doc(text), config).entries


# ---- properties -------------------------------------------------------------------------------

# Fragments that make arbitrary text look like this format, so fuzzing reaches the deep paths.
FRAGMENTS = st.sampled_from(
    [
        "### R001: Title",
        "## Risk 3 - x",
        "### 1. x",
        "# T",
        "- **Severity**: High",
        "**Likelihood:** Low  ",
        "- **Mitigation**:",
        "  1. step",
        "  - sub",
        "**Risk**: 🟢 LOW",
        "Impact: prose here",
        "```",
        "---",
        "- [ ] a",
        "| a | b |",
        "|---|---|",
        "> **Owner**: x",
        "**",
        ":",
        "",
        "    code",
        "1) **Status**: Open",
        "<div>",
    ]
)
MARKDOWNISH = st.lists(st.one_of(FRAGMENTS, st.text(max_size=30)), max_size=40).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), MARKDOWNISH))
def test_parse_raises_only_parse_error_and_lines_are_inside(text: str) -> None:
    try:
        found = entries(text)
    except ParseError:
        return
    n_lines = len(text.split("\n"))
    for e in found:
        assert 1 <= e.loc.line <= n_lines
        assert all(1 <= line <= n_lines for line in e.lines)
        assert e.parser == "markdown_sections" and e.kind == "risk"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), MARKDOWNISH))
def test_sniff_is_a_probability(text: str) -> None:
    assert 0.0 <= sniff(text) <= 1.0


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9)
TITLE = (
    st.lists(WORD, min_size=1, max_size=5)
    .map(" ".join)
    .map(str.capitalize)
    .filter(lambda t: not NOT_A_RISK_HEADING_RE.search(fold(t)))
)
RATING = st.sampled_from(["Low", "Medium", "High", "Critical", "🔴 CRITICAL", "🟢 LOW", "🟠 HIGH", "MEDIUM"])
PROSE = st.lists(WORD, min_size=4, max_size=10).map(" ".join).map(str.capitalize)
STEPS = st.lists(st.lists(WORD, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=4)
FIELD_VALUES = {
    "severity": RATING,
    "likelihood": RATING,
    "impact": st.one_of(RATING, PROSE),
    "owner": st.sampled_from(["SRE", "Platform Engineering", "Security lead", "DBA + SRE"]),
    "status": st.sampled_from(["Open", "✅ Mitigated", "In progress", "FIXED", "Accepted"]),
    "mitigation": st.one_of(PROSE, STEPS),
}
LABELS = {
    "severity": ["Severity", "Risk Level", "Risk"],
    "likelihood": ["Likelihood", "Probability"],
    "impact": ["Impact", "Consequence"],
    "owner": ["Owner", "Risk owner"],
    "status": ["Status", "State"],
    "mitigation": ["Mitigation", "Controls"],
}


@st.composite
def risk_sections(draw):
    """(Markdown document, expected fields per entry) for random risks in random house styles."""
    n = draw(st.integers(1, 6))
    heading = draw(st.sampled_from(["### R{k:03d}: {t}", "## Risk {k} - {t}", "### {k}. {t}", "### RISK-{k} — {t}"]))
    style = draw(st.sampled_from(["- **{l}**: {v}", "- **{l}:** {v}", "**{l}**: {v}  ", "{l}: {v}"]))
    parts, expected = ["# Service — Risk Register", "", "## Risk Register", ""], []
    for k in range(1, n + 1):
        title = draw(TITLE)
        names = draw(st.lists(st.sampled_from(sorted(FIELD_VALUES)), unique=True, max_size=6))
        rated = draw(st.sampled_from(["severity", "likelihood"]))  # every risk states a rating
        names = [rated, *[f for f in names if f not in ("severity", "likelihood")]]
        want = {"title": title}
        ident = {
            "### R{k:03d}: {t}": f"R{k:03d}",
            "## Risk {k} - {t}": f"Risk {k}",
            "### RISK-{k} — {t}": f"RISK-{k}",
        }.get(heading)
        if ident:
            want["entry_id"] = ident
        parts.append(heading.format(k=k, t=title))
        for name in names:
            value = draw(FIELD_VALUES[name])
            label = draw(st.sampled_from(LABELS[name]))
            if isinstance(value, list):  # mitigation steps: a nested numbered list under the label
                parts.append(style.format(l=label, v="").rstrip())
                indent = "  " if style.startswith("-") else ""
                parts.extend(f"{indent}{j}. {step}" for j, step in enumerate(value, 1))
                want[name] = "; ".join(f"{j}. {step}" for j, step in enumerate(value, 1))
                parts.append("")  # a list ends the paragraph of labels
            else:
                parts.append(style.format(l=label, v=value))
                want[name] = value
        parts.append("")
        expected.append(want)
    return "\n".join(parts), expected


@settings(max_examples=150, deadline=None)
@given(risk_sections())
def test_rendered_risks_parse_back(case) -> None:
    text, expected = case
    assert sniff(text) >= 0.5
    assert [dict(e.fields) for e in entries(text)] == expected


# ---- quirks -----------------------------------------------------------------------------------


def test_first_rating_among_severity_labels_wins_and_the_rest_go_to_extra() -> None:
    (e,) = entries(
        "## Remaining gaps\n### 1. Cold start\n**Risk Before**: 🔴 CRITICAL  \n"
        "**Residual Risk**: UNACCEPTABLE  \n**Risk After**: 🟢 LOW  \n**Risk**: HIGH\n"
    )
    assert e.fields["severity"] == "🟢 LOW" and e.headers["severity"] == "Risk After"
    assert e.extra == {"Risk Before": "🔴 CRITICAL", "Residual Risk": "UNACCEPTABLE", "Risk": "HIGH"}
    assert "entry_id" not in e.fields and e.fields["title"] == "Cold start" and e.section == "Remaining gaps"


def test_label_with_value_and_bullets_keeps_both() -> None:
    (e,) = entries(
        "### R1: X\n**Severity**: High\n\n**Residual Risk**: 🟢 **ACCEPTABLE**\n"
        "- attackers may spread load\n- **Mitigation**: antifraud engine\n- **Trade-off**: speed\n"
    )
    assert e.fields["mitigation"] == "antifraud engine"
    assert e.extra["Residual Risk"] == "🟢 ACCEPTABLE"
    assert e.extra["Residual Risk details"] == "attackers may spread load"
    assert e.extra["Trade-off"] == "speed"


def test_code_and_prose_under_an_empty_label_are_its_value() -> None:
    (e,) = entries(
        "### R1: X\n**Severity**: Low\n\n**Required**:\n```python\nA = 1\n```\n\n**Problem**:\n\nKeys collide\n"
    )
    assert e.extra == {"Required": "A = 1", "Problem": "Keys collide"}


def test_prose_after_a_complete_label_is_not_its_value() -> None:
    (e,) = entries("### R1: X\n- **Severity**: Low\n\nReviewed in March.\n")
    assert e.fields == {"severity": "Low", "title": "X", "entry_id": "R1"} and not e.extra


def test_nested_list_in_a_detail_item_is_kept_in_parentheses() -> None:
    (e,) = entries("### R1: X\n- **Severity**: Low\n- **Mitigation**:\n  1. Pool\n     - max 20\n  2. Timeout\n")
    assert e.fields["mitigation"] == "1. Pool (max 20); 2. Timeout"


def test_plain_labels_inside_a_mitigation_list_are_prose() -> None:
    (e,) = entries("### R1: X\n- **Severity**: Low\n- **Mitigation**:\n  - Owner: SRE rotates keys\n")
    assert "owner" not in e.fields and e.fields["mitigation"] == "Owner: SRE rotates keys"


def test_headings_without_ratings_or_naming_document_parts_are_not_risks() -> None:
    text = (
        "# Doc\n## Document Control\n**Owner**: Finance\n**Status**: Approved\n"
        "## Executive Summary\n**Overall Risk**: HIGH\n## Risk Severity Matrix\n**Likelihood**: rows\n"
        "## Runbooks\n- **Action**: replay\n- **Owner**: SRE\n## Checklist\n- [ ] **Severity**: High\n"
        "### 🚫 MUST FIX\n1. **Idempotency** (🔴 CRITICAL)\n"
    )
    assert entries(text) == []


def test_id_heading_with_only_an_owner_is_a_risk() -> None:
    (e,) = entries("## R-OPS-01 — Vault outage\n- **Owner**: Security\n")
    assert e.fields == {"owner": "Security", "title": "Vault outage", "entry_id": "R-OPS-01"}


def test_heading_id_without_title_takes_the_title_label() -> None:
    (e,) = entries("### R9\n- **Title**: Cert expiry\n- **Severity**: High\n")
    assert e.fields["title"] == "Cert expiry" and e.fields["entry_id"] == "R9" and not e.notes


def test_user_header_synonyms_apply_to_labels() -> None:
    config = replace(CONFIG, header_synonyms={"impact": ("blast radius",)})
    (e,) = entries("### R1: X\n- **Severity**: Low\n- **Blast radius**: High\nBlast radius: Low\n", config)
    assert e.fields["impact"] == "High" and e.extra == {"Blast radius": "Low"}


def test_setext_and_document_title_are_handled() -> None:
    text = "Payments Risks\n==============\n\nR1: Card vault outage\n--------------------\n- **Severity**: High\n"
    (e,) = entries(text)
    assert e.fields["entry_id"] == "R1" and e.loc.line == 4 and e.section is None


def test_sniff_levels() -> None:
    one = "## R1: A\n- **Severity**: High\n"
    assert sniff(one) == 0.6
    assert sniff(one + "## R2: B\nLikelihood: Low\n") == 0.8
    assert sniff("## Owners\n**Owner**: SRE\n## Status\nStatus: Open\n") == 0.0
    assert markdown_sections.NAME == "markdown_sections"


def test_key_value_table_in_a_section_gives_labels() -> None:
    text = (
        "### R1: Cert expiry\n| Field | Value |\n|---|---|\n| **Likelihood** | High |\n| Impact | Medium |\n"
        "| Detection | Synthetic probe |\n\n### R2: DNS\n| Likelihood | Impact |\n|---|---|\n| Low | High |\n"
    )
    first, second = entries(text)
    assert first.fields == {"likelihood": "High", "impact": "Medium", "title": "Cert expiry", "entry_id": "R1"}
    assert first.extra == {"Detection": "Synthetic probe"}
    assert second.fields == {"likelihood": "Low", "impact": "High", "title": "DNS", "entry_id": "R2"}


def test_tables_that_are_not_labels_are_left_alone() -> None:
    text = (
        "### Testing Status\n| Test Type | Coverage | Status |\n|---|---|---|\n| Unit | 85% | PASS |\n"
        "### Register\n| ID | Risk | Likelihood |\n|---|---|---|\n| R1 | Vault | High |\n"
    )
    assert entries(text) == []


def test_bold_line_with_an_id_stands_for_a_heading() -> None:
    text = "## Risks\n\n**R-01: Vault sealed**\n- Likelihood: Low\n- Impact: High\n\n**Not a heading**\n- Impact: Low\n"
    (e,) = entries(text)
    assert e.fields == {"likelihood": "Low", "impact": "High", "title": "Vault sealed", "entry_id": "R-01"}
    assert e.section == "Risks" and e.loc.line == 3


def test_risk_word_before_the_title_is_dropped() -> None:
    (e,) = entries("### Risk: Vault sealed\n- **Likelihood**: Low\n")
    assert e.fields["title"] == "Vault sealed" and "entry_id" not in e.fields


def test_lone_carriage_returns_do_not_shift_lines() -> None:
    text = "x\r\r\r\n### R1: A\r\n- **Severity**: High\r- **Likelihood**: Low\n"
    (e,) = entries(text)
    assert e.loc.line == 2 and e.fields["severity"] == "High" and e.fields["likelihood"] == "Low"


def test_several_labels_on_one_line() -> None:
    (e,) = entries(
        "### 2. Cache stampede\n**Probability:** Medium | **Impact:** High | **Risk Score:** 12\n"
        "**Description:** keys expire together, see **Note:** below\n"
    )
    assert e.fields["likelihood"] == "Medium" and e.fields["impact"] == "High" and e.fields["score"] == "12"
    assert e.extra == {"Description": "keys expire together, see Note: below"}


def test_sub_headings_that_name_fields_are_labels() -> None:
    text = (
        "## R3: Queue backlog\n#### Likelihood\nHigh\n#### Mitigation\n- Autoscale consumers\n- Shed load\n"
        "## R4: Disk full\n- **Impact**: High\n"
    )
    first, second = entries(text)
    assert first.fields == {
        "likelihood": "High",
        "mitigation": "Autoscale consumers; Shed load",
        "title": "Queue backlog",
        "entry_id": "R3",
    }
    assert second.loc.line == 7 and second.fields["impact"] == "High"


def test_priority_alone_rates_a_risk_only_under_a_risk_heading() -> None:
    actions = "## Action Items\n### 1. Add dashboards\n**Priority**: P1\n**Owner**: SRE\n"
    assert entries(actions) == []
    (e,) = entries("## Open Findings\n### 1. Weak TLS ciphers\n**Priority**: High\n")
    assert e.fields["severity"] == "High" and e.section == "Open Findings"


def test_overall_and_assessment_headings_are_not_risks() -> None:
    assert entries("## Overall Risk Rating\n**Risk Level**: MEDIUM\n## Security Assessment\n**Severity**: Low\n") == []


def test_severity_in_the_heading() -> None:
    text = (
        "## Findings\n### 🔴 Critical: Webhook secret in repo\n- **Impact**: forged events\n"
        "### DNS expiry (🟠 HIGH)\n- **Severity**: Medium\n- **Owner**: SRE\n"
        "## Backlog\n### [HIGH] Add dashboards\n- **Owner**: SRE\n"
    )
    first, second = entries(text)
    assert first.fields == {"severity": "Critical", "impact": "forged events", "title": "Webhook secret in repo"}
    assert first.headers["severity"] == "(heading)"
    assert second.fields["severity"] == "Medium" and second.extra == {"(heading)": "🟠 HIGH"}
    assert second.fields["title"] == "DNS expiry"


def test_id_then_space_then_title() -> None:
    (e,) = entries("### R-03 Redis eviction\n- **Likelihood**: Low\n### S3 bucket exposed\n- **Owner**: SRE\n")
    assert e.fields["entry_id"] == "R-03" and e.fields["title"] == "Redis eviction"


def test_review_areas_rated_by_a_severity_alone_are_not_risks() -> None:
    text = (
        "# Production Readiness Review\n## 1. Architecture\n**Status**: Good  \n**Risk Level**: LOW\n"
        "## 2. Identified Risks\n### 2.1 Redis single primary\n**Risk Level**: HIGH\n"
        "## 3. Action Items\n### 3.1 Add dashboards\n**Priority**: P1\n"
        "### 3.2 Cache stampede\n**Likelihood**: Low\n"
    )
    assert [(e.fields["title"], e.section) for e in entries(text)] == [
        ("Redis single primary", "2. Identified Risks"),
        ("Cache stampede", "3. Action Items"),
    ]
    # The same areas in a document titled as a risk assessment are its risks.
    assert len(entries(text.replace("Production Readiness Review", "Residual Risk Assessment"))) == 4
