"""The section recogniser on the block tree: a heading per risk with labelled fields, risks written
as records, go-live checks written as sections; properties and quirks.

The assertions of the old Markdown-only section parser (tests/test_markdown_sections.py), read
through `parsers.reader.read`, plus the shapes it never read: other syntaxes' blocks (definition
lists, HTML-like paragraphs, trees built here from `parsers.model` blocks), rating lines naming a
stage and an overall figure, bold fields apart by middle dots, attribute tables, go-live checks.
Golden fixtures of the new shapes live in tests/fixtures/sections/ and run here through the tree
path (tests/test_golden.py runs the old path until the tree path replaces it).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import reader
from parsers.frontends import markdown
from parsers.model import Heading, KeyValue, ListItem, Paragraph, Row, Rule, Table, Tree, with_paths
from parsers.recognise import sections
from parsers.recognise.common import Context, Found
from parsers.recognise.headings import names_a_part, phase_of
from parsers.recognise.tables import Verdicts
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.records import Document
from pipeline.run import process_document
from pipeline.textnorm import fold
from tests.conftest import FIXTURES

CONFIG = Config()


def doc(text: str, path: str = "risks.md") -> Document:
    return Document(path=path, sha256="0" * 64, size=len(text.encode()), text=text, encoding="utf-8")


def entries(text: str, config: Config = CONFIG):
    """The entries the section recogniser gives for a document read by the reader."""
    parsed = reader.read(doc(text), config).parsed
    return [e for e in parsed.entries if e.parser.endswith("/sections")]


def found_in(tree: Tree, config: Config = CONFIG) -> Found:
    """What the section recogniser finds in a tree built by hand (any syntax)."""
    tree = Tree(tree.syntax, with_paths(tree.blocks), tree.declared_title, tree.properties)
    ctx = Context("page.html", tree.syntax, config)
    tables = [b for b in tree.blocks if isinstance(b, Table)]
    return sections.recognise(tree, Verdicts(tables, ctx), ctx)


def markdown_entries(text: str):
    """Entries of a text read by the Markdown front end whatever its sniff says (plain label
    blocks: the text front end, on another branch, will read them in the end)."""
    return found_in(markdown.blocks(doc(text), CONFIG)).entries


def heading(line: int, level: int, text: str, marked: str | None = None) -> Heading:
    return Heading(line=line, end=line, level=level, text=text, marked=marked or text)


def para(line: int, marked: str, end: int | None = None) -> Paragraph:
    from parsers.inline import plain

    return Paragraph(line=line, end=end or line + marked.count("\n"), text=plain(marked), marked=marked)


# ---- properties -------------------------------------------------------------------------------

# Fragments that make arbitrary text look like risk sections, so fuzzing reaches the deep paths.
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
        "- Risk: x; Likelihood: High; Owner: SRE",
        "1. **T** — Impact: Low | Status: Open",
        "ID: R1",
        "Risk: y",
        "R-9 Title line",
        "Likelihood – High",
        "## Open",
        "title: x",
        "Likelihood: 3 | Impact: 4",
        "**Before Mitigation**: Likelihood: 4, Severity: 4, Overall: 16 (High)",
        "### R-01 · T",
        "**Category:** x · **Likelihood:** High · **Priority: 9 (Critical)**",
        "#### GL-1: Backups ✅ 🔴",
        "| **Likelihood** | 4 — Likely |",
        "Responsável：Ana",
    ]
)
MARKDOWNISH = st.lists(st.one_of(FRAGMENTS, st.text(max_size=30)), max_size=40).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), MARKDOWNISH))
def test_reading_raises_only_parse_error_and_lines_are_inside(text: str) -> None:
    try:
        found = entries(text)
    except ParseError:
        return
    n_lines = len(text.split("\n"))
    for e in found:
        assert 1 <= e.loc.line <= n_lines
        assert all(1 <= line <= n_lines for line in e.lines)
        assert e.parser.endswith("/sections") and e.kind in ("risk", "check")


# Lines that open, close or hide sections: headings of every level, headings inside lists and
# quotes (they open none), HTML blocks and grid tables (their blocks are made outside the walker).
PATH_LINES = st.sampled_from(
    [
        "# A",
        "## B",
        "### C",
        "#### D",
        "Setext",
        "===",
        "- item",
        "  - nested",
        "- ## In a list",
        "> ## Quoted",
        "> text",
        "<div>x</div>",
        "<h2>Raw</h2>",
        "+---+---+",
        "| a | b |",
        "|---|---|",
        "```",
        "    code",
        "",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(PATH_LINES, FRAGMENTS), max_size=30).map("\n".join))
def test_markdown_blocks_carry_the_paths_with_paths_gives(text: str) -> None:
    # The walker makes each block with its heading path and skips with_paths when it placed all.
    try:
        tree = markdown.blocks(doc(text), CONFIG)
    except ParseError:
        return
    assert with_paths(tree.blocks) == tree.blocks


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9)
TITLE = (
    st.lists(WORD, min_size=1, max_size=5)
    .map(" ".join)
    .map(str.capitalize)
    .filter(lambda t: not names_a_part(t, Context("x.md", "markdown")))
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
def test_rendered_risks_read_back(case) -> None:
    text, expected = case
    assert [dict(e.fields) for e in entries(text)] == expected


RECORD_STYLES = ("one line, Risk label", "one line, bold title", "title over a label list", "label block")


@st.composite
def risk_records(draw):
    """(document, expected fields per entry) for random risks written one per record."""
    style = draw(st.sampled_from(RECORD_STYLES))
    sep = draw(st.sampled_from(["; ", " | "]))
    n = draw(st.integers(1, 5))
    parts = ["# Service — Risk Register", ""]
    if style != "label block":
        parts += [draw(st.sampled_from(["## Open risks", "## Open", "## Top risks"])), ""]
    expected = []
    ctx = Context("x.md", "markdown")
    for k in range(1, n + 1):
        # A title that names a stage of a rating ("Post", "Net") heads that stage, not a risk.
        title = draw(TITLE.filter(lambda t: not ctx.is_rating(t) and phase_of(t, ctx) is None))
        names = draw(st.lists(st.sampled_from(["impact", "owner", "status", "mitigation"]), unique=True, max_size=4))
        names = [draw(st.sampled_from(["severity", "likelihood"])), *names]
        values = {}
        for name in names:
            value = draw(FIELD_VALUES[name])
            values[name] = "; ".join(value) if isinstance(value, list) else value
        if sep == "; ":  # a value holding the separator would be cut there, as anyone would read it
            values = {f: v.replace(";", ",") for f, v in values.items()}
        labels = [(draw(st.sampled_from(LABELS[name])), values[name]) for name in names]
        want = {"title": title, **values}
        if style == "one line, Risk label":
            parts.append("- " + sep.join([f"Risk: {title}", *(f"{lab}: {v}" for lab, v in labels)]))
        elif style == "one line, bold title":
            parts.append(f"{k}. **{title}** — " + sep.join(f"{lab}: {v}" for lab, v in labels))
        elif style == "title over a label list":
            parts += [f"{k}. **{title}**", *(f"   - {lab}: {v}" for lab, v in labels)]
        else:
            parts += [f"ID: R-{k:02d}", f"Risk: {title}", *(f"{lab}: {v}" for lab, v in labels), ""]
            want["entry_id"] = f"R-{k:02d}"
        expected.append(want)
    return "\n".join(parts) + "\n", expected


@settings(max_examples=150, deadline=None)
@given(risk_records())
def test_rendered_records_read_back(case) -> None:
    text, expected = case
    assert [dict(e.fields) for e in entries(text)] == expected


# ---- quirks kept from the Markdown section parser ---------------------------------------------


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
    skipped = reader.read(doc(text), CONFIG).parsed.skipped
    reasons = {(s.detail, s.reason) for s in skipped if s.structure == "section"}
    assert ("Executive Summary", "names a part of the document") in reasons
    assert ("Risk Severity Matrix", "names a part of the document") in reasons
    assert not any(detail in ("Document Control", "Runbooks") for detail, _ in reasons)


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


def test_a_page_whose_title_is_followed_by_an_id_and_a_rating_is_one_risk() -> None:
    # A page per risk (Notion, Confluence): the title heading names the risk the fields under it rate.
    (e,) = entries((FIXTURES / "sections" / "page_per_risk_export.md").read_text())
    assert (e.fields["entry_id"], e.fields["title"], e.fields["likelihood"], e.fields["status"]) == (
        "SRCH-R7",
        "Search index corruption after reindex",
        "Possible",
        "Monitoring",
    )
    assert e.fields["mitigation"].startswith("Swap the read alias")
    # A document title over metadata, or over ratings that give no id, stays the title.
    assert (
        entries("# Payments register\n\n- Owner: Payments\n- Likelihood scale: 1-5\n\n## R1: Outage\n- Impact: High\n")[
            0
        ].fields["entry_id"]
        == "R1"
    )
    assert not entries("# Payments register\n\nLikelihood: High\nImpact: Low\n")


def test_a_fields_table_giving_the_id_under_a_titled_heading_takes_its_title() -> None:
    text = (
        "# Search risks\n\n## Search index corruption after reindex\n\n| Risk ID | SRCH-R7 |\n|---|---|\n"
        "| Likelihood | Possible |\n| Impact | Major |\n\n### Mitigation\n\nSwap aliases after a count check\n"
    )
    (e,) = entries(text)
    assert (e.fields["entry_id"], e.fields["title"]) == ("SRCH-R7", "Search index corruption after reindex")
    assert e.fields["mitigation"] == "Swap aliases after a count check"


def test_label_lists_apart_by_semicolons_are_records_not_a_csv_table() -> None:
    # Found by the rendered-records property test once CSV headers took labels inside cells.
    text = "# Service — Risk Register\n\n## Open risks\n\n- Risk: Aaa; Severity: Low; Impact: Low; Owner: SRE\n"
    text += "- Risk: Bbb; Severity: High; Impact: Low; Owner: DBA\n"
    assert [(e.fields["title"], e.fields["owner"]) for e in entries(text)] == [("Aaa", "SRE"), ("Bbb", "DBA")]


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


def test_one_line_records_under_group_headings() -> None:
    text = (
        "# Relay — risk log\n## Open\n- Risk: Retries pile up; Likelihood: High; Impact: Medium; Owner: SRE\n"
        "## Closed\n- Risk: Duplicate sends; Likelihood: Low; Status: Closed\n"
        "## How we rate\n- Likelihood: how often we expect it in the next two quarters.\n"
        "- Impact: what customers notice when it happens.\n"
    )
    first, second = entries(text)
    assert first.fields == {"title": "Retries pile up", "likelihood": "High", "impact": "Medium", "owner": "SRE"}
    assert (first.section, first.loc.line) == ("Open", 3)
    assert second.fields["status"] == "Closed" and second.section == "Closed"


def test_a_single_record_under_a_risk_heading_holds_its_fields() -> None:
    (e,) = entries("### Cache stampede\n**Risk:** keys expire together\n**Likelihood:** Medium\n")
    assert e.fields["title"] == "Cache stampede" and e.fields["likelihood"] == "Medium"
    assert e.extra == {"Risk": "keys expire together"}


def test_bold_title_lines_over_label_lists() -> None:
    text = (
        "## Risks\n\n**Data loss during failover**\n- Likelihood: Medium\n- Impact: High\n\n"
        "**Retry storms**\n- Likelihood: High\n- Owner: SRE\n\n**Just a note**\n- see the runbook\n"
    )
    first, second = entries(text)
    assert first.fields == {"likelihood": "Medium", "impact": "High", "title": "Data loss during failover"}
    assert second.fields == {"likelihood": "High", "owner": "SRE", "title": "Retry storms"}
    assert first.section == "Risks" and (first.loc.line, second.loc.line) == (3, 7)


def test_label_blocks_and_title_lines_without_headings() -> None:
    text = (
        "Ledger - risk export\n\nID: L1\nRisk: Drift after the split\nLikelihood: Medium\nOwner: Ledger\n\n"
        "L-R2 Close misses the cut-off\nLikelihood: High\nImpact: Medium\n\n2 risks exported.\n"
    )
    first, second = markdown_entries(text)
    assert first.fields == {
        "entry_id": "L1",
        "title": "Drift after the split",
        "likelihood": "Medium",
        "owner": "Ledger",
    }
    assert second.fields == {
        "likelihood": "High",
        "impact": "Medium",
        "title": "Close misses the cut-off",
        "entry_id": "L-R2",
    }
    assert (first.loc.line, second.loc.line) == (3, 8)


def test_recommendations_rated_by_priority_are_actions() -> None:
    text = (
        "# Storefront — Risk Assessment\n## Findings\n1. **Admin panel without MFA** — Severity: High; Owner: SecOps\n"
        "## Recommendations\n1. **Enable the WAF** — Priority: High; Owner: SecOps\n"
        "2. **Rotate keys** — Priority: Medium; Owner: Platform\n"
    )
    (e,) = entries(text)
    assert e.fields["title"] == "Admin panel without MFA" and e.fields["severity"] == "High"


def test_trailing_ids_pipe_and_dash_labels() -> None:
    text = (
        "## 1. Cold cache floods the origin (R-04)\nLikelihood: 3 | Impact: 4 | Score: 12\n"
        "## 2. Keys rotate out of sync [R-09]\n- Likelihood – Low\n- **Owner** — Security\n"
        "## 3. Edge CPU budget\n*Likelihood*: Medium · *Status*: Open\n"
    )
    first, second, third = entries(text)
    assert first.fields == {
        "likelihood": "3",
        "impact": "4",
        "score": "12",
        "title": "Cold cache floods the origin",
        "entry_id": "R-04",
    }
    assert second.fields == {
        "likelihood": "Low",
        "owner": "Security",
        "title": "Keys rotate out of sync",
        "entry_id": "R-09",
    }
    assert third.fields == {"likelihood": "Medium", "status": "Open", "title": "Edge CPU budget"}


def test_document_title_with_an_id_and_a_legend_line_are_not_risks() -> None:
    text = (
        "# ADR-0042: Move thumbnails to the edge\n\nStatus: Accepted\nOwner: Media\n\n"
        "Scale – Likelihood: Rare, Unlikely, Possible, Likely, Almost certain.\n"
    )
    assert entries(text) == []


def test_front_matter_is_not_a_heading() -> None:
    text = "---\ntitle: Pricing — Risks\nservice: pricing\n---\n## RISK-1 — Rounding\n- **Likelihood**: Low\n"
    result = reader.read(doc(text), CONFIG).parsed
    (e,) = [e for e in result.entries if e.parser.endswith("/sections")]
    assert e.fields["entry_id"] == "RISK-1" and e.section is None and e.loc.line == 5
    assert result.title == "Pricing — Risks"


def test_rating_stages_under_a_risk_heading_are_its_fields() -> None:
    text = (
        "## Risks\n### Vault outage\n**Inherent risk**\n- Likelihood: High\n- Impact: High\n\n"
        "**Residual risk**\n- Likelihood: Low\n- Impact: Medium\n"
    )
    (e,) = entries(text)
    assert e.fields == {"likelihood": "High", "impact": "High", "title": "Vault outage"}
    assert e.extra == {"Likelihood": "Low", "Impact": "Medium"}


# ---- new shapes -------------------------------------------------------------------------------


def test_stage_lines_give_ratings_and_an_overall_figure_is_the_severity() -> None:
    text = (
        "## Hazards\n\n### **Hazard**: Pressure vessel\n\n**Description**: Vessel bursts under load.\n\n"
        "**Affected People**: Visitors\n\n"
        "**Before Mitigation**: Likelihood: 3, Severity: 5, Overall: 15 (Unacceptable)\n\n"
        "**Mitigation**: Relief valve set at 2 bar.\n\nOperator checks the gauge hourly.\n\n"
        "**After Mitigation**: Likelihood: 1, Severity: 5, Overall: 5 (low)\n"
    )
    (e,) = entries(text)
    assert e.fields["title"] == "Pressure vessel" and "entry_id" not in e.fields
    assert (e.fields["likelihood"], e.fields["impact"]) == ("3", "5")
    assert e.fields["severity"] == e.fields["score"] == "15 (Unacceptable)"
    assert e.fields["mitigation"] == "Relief valve set at 2 bar."
    assert e.extra["Affected People"] == "Visitors" and e.extra["Description"] == "Vessel bursts under load."
    assert e.headers["impact"] == "Severity" and e.headers["severity"] == "Overall"


def test_middle_dot_fields_with_a_bold_label_and_value() -> None:
    text = (
        "## Risk sheets\n\n### R-01 · Age check done in the browser\n"
        "**Category:** Legal · **Likelihood:** High · **Impact:** High · **Priority: 9 (Critical)**\n\n"
        "The check lives in local storage.\n\n---\n\n### R-02 · Branches drift apart\n"
        "**Category:** Team · **Likelihood:** Medium · **Impact:** Low · **Priority: 2 (Low)**\n"
    )
    first, second = entries(text)
    assert first.fields == {
        "likelihood": "High",
        "impact": "High",
        "score": "9 (Critical)",
        "severity": "9 (Critical)",
        "title": "Age check done in the browser",
        "entry_id": "R-01",
    }
    assert first.extra == {"Category": "Legal"}
    assert second.fields["score"] == "2 (Low)" and second.fields["entry_id"] == "R-02"


def test_attribute_tables_with_bold_names_and_score_and_band_cells() -> None:
    text = (
        "## Register\n\n### RA-001 — Orphaned admin accounts\n| Attribute | Detail |\n|---|---|\n"
        "| **Risk Description** | Accounts of leavers keep admin rights for months |\n"
        "| **Likelihood** | 4 — Likely (found in sampling) |\n| **Impact** | 5 — Critical |\n"
        "| **Inherent Risk Score** | **20 — Critical** |\n| **Current Controls** | Quarterly review |\n"
        "| **Control Gap** | No recertification |\n| **Residual Risk** | 16 — High |\n| **Owner** | CISO |\n"
    )
    (e,) = entries(text)
    assert e.fields["entry_id"] == "RA-001" and e.fields["title"] == "Orphaned admin accounts"
    assert e.fields["likelihood"] == "4 — Likely (found in sampling)" and e.fields["impact"] == "5 — Critical"
    assert e.fields["severity"] == e.fields["score"] == "20 — Critical"
    assert e.fields["owner"] == "CISO" and e.fields["mitigation"] == "Quarterly review"
    assert e.extra["Residual Risk"] == "16 — High" and e.extra["Control Gap"] == "No recertification"


def test_go_live_items_as_sections_are_checks() -> None:
    text = (
        "# Go-Live Checklist\n\n## Progress\n\n### Security: 100% Complete\n(2/2 items)\n\n"
        "## Blockers\n\n- 🔴 TLS certificate (Infrastructure)\n\n## Items\n\n### Infrastructure\n\n"
        "#### GO-01: Database migrations ✅ 🔴\n\n**Description**: Scripts tested\n**Priority**: Critical\n"
        "**Status**: Complete\n**Responsible**: Platform Team\n\n"
        "#### GO-02: TLS certificate ❌ 🟠\n\n**Priority**: High\n**Status**: Incomplete\n**Responsible**: Ops\n"
    )
    parsed = reader.read(doc(text), CONFIG).parsed
    first, second = [e for e in parsed.entries if e.parser.endswith("/sections")]
    assert (first.kind, first.checked, second.kind, second.checked) == ("check", True, "check", False)
    assert first.fields == {
        "severity": "Critical",
        "status": "Complete",
        "owner": "Platform Team",
        "title": "Database migrations",
        "entry_id": "GO-01",
    }
    assert second.fields["title"] == "TLS certificate" and second.section == "Infrastructure"
    assert any(s.reason == "re-lists entries told elsewhere" for s in parsed.skipped)


def test_area_headings_with_marks_are_not_checks() -> None:
    text = (
        "## 1. Technical readiness\n### 1.1 Architecture ✅\n- [x] **Tenant isolation**\n\n"
        "**Status:** ✅ **Enterprise-grade**\n\n### 1.2 Backups restored ✅\n**Owner**: DBA\n**Status**: Done\n"
    )
    (e,) = entries(text)
    assert (e.kind, e.checked, e.fields["title"]) == ("check", True, "Backups restored")


def test_claimed_lines_cover_the_fields_of_entries_only() -> None:
    text = "## R1: Vault\n- **Severity**: High\n- **Owner**: SRE\n\n## Checklist\n- [ ] Backups\n- Runbook\n"
    found = found_in(markdown.blocks(doc(text), CONFIG))
    assert {1, 2, 3} <= found.claimed and not {6, 7} & found.claimed


def test_definition_lists_and_html_like_paragraphs_give_labels() -> None:
    tree = Tree(
        "html",
        (
            heading(1, 1, "Payments risks"),
            heading(2, 2, "R-7: Card vault outage"),
            KeyValue(line=3, end=3, key="Likelihood", value="High", marked="High"),
            KeyValue(line=4, end=4, key="Owner", value="SRE", marked="SRE"),
            heading(5, 2, "R-8: Token replay"),
            para(6, "**Likelihood:** Low"),
            para(7, "Mitigation:"),
            ListItem(line=8, end=8, text="nonces", marked="nonces"),
            ListItem(line=9, end=9, text="short TTLs", marked="short TTLs"),
            Rule(line=10, end=10),
            para(11, "Reviewed yearly."),
        ),
    )
    first, second = found_in(tree).entries
    assert first.fields == {"likelihood": "High", "owner": "SRE", "title": "Card vault outage", "entry_id": "R-7"}
    assert first.parser == "html/sections"
    assert second.fields == {
        "likelihood": "Low",
        "mitigation": "nonces; short TTLs",
        "title": "Token replay",
        "entry_id": "R-8",
    }


def test_definition_lists_as_records() -> None:
    def term(line: int, key: str, value: str) -> KeyValue:
        return KeyValue(line=line, end=line, key=key, value=value, marked=value)

    tree = Tree(
        "html",
        (
            heading(1, 1, "Vendor risks"),
            heading(2, 2, "Open"),
            term(3, "ID", "V-1"),
            term(4, "Risk", "Courier strike"),
            term(5, "Likelihood", "Medium"),
            term(6, "ID", "V-2"),
            term(7, "Risk", "Payroll leak"),
            term(8, "Impact", "High"),
            heading(9, 2, "Cache stampede"),
            term(10, "Risk", "keys expire together"),
            term(11, "Likelihood", "Low"),
        ),
    )
    first, second, third = found_in(tree).entries
    assert first.fields == {"entry_id": "V-1", "title": "Courier strike", "likelihood": "Medium"}
    assert (second.loc.line, second.fields["impact"], second.section) == (6, "High", "Open")
    assert third.fields == {"likelihood": "Low", "title": "Cache stampede"}
    assert third.extra == {"Risk": "keys expire together"}


def test_two_column_card_under_a_group_heading_is_a_risk() -> None:
    card = Table(
        line=4,
        end=9,
        header=("Risk ID", "MT-1"),
        rows=(
            Row(5, ("Risk", "GPU nodes run out during a live event")),
            Row(6, ("Likelihood", "Medium")),
            Row(7, ("Owner", "Video Platform")),
            Row(8, ("Notes", "Seen twice")),
        ),
        layout="html",
    )
    tree = Tree("html", (heading(1, 1, "Transcoder risks"), heading(3, 2, "Encoding"), card))
    (e,) = found_in(tree).entries
    assert e.fields == {
        "entry_id": "MT-1",
        "title": "GPU nodes run out during a live event",
        "likelihood": "Medium",
        "owner": "Video Platform",
    }
    assert (e.section, e.loc.line, e.extra) == ("Encoding", 4, {"Notes": "Seen twice"})


def test_html_label_paragraph_over_a_list() -> None:
    tree = Tree(
        "html",
        (
            heading(1, 2, "R-3: Queue backlog"),
            para(2, "Likelihood:"),
            ListItem(line=3, end=3, text="high", marked="high"),
            para(4, "**Impact:** Low"),
        ),
    )
    (e,) = found_in(tree).entries
    assert e.fields == {"likelihood": "high", "impact": "Low", "title": "Queue backlog", "entry_id": "R-3"}


def test_fields_table_and_one_row_ratings_from_any_syntax() -> None:
    tree = Tree(
        "html",
        (
            heading(1, 2, "R-1: Queue backlog"),
            Table(line=2, end=4, header=("Likelihood", "Impact"), rows=(Row(4, ("High", "Low")),), layout="html"),
            heading(5, 2, "R-2: Disk full"),
            Table(
                line=6,
                end=8,
                header=("Likelihood", "Medium"),
                rows=(Row(7, ("Impact", "High")), Row(8, ("Owner", "DBA"))),
                layout="html",
            ),
        ),
    )
    first, second = found_in(tree).entries
    assert first.fields == {"likelihood": "High", "impact": "Low", "title": "Queue backlog", "entry_id": "R-1"}
    assert second.fields == {
        "likelihood": "Medium",
        "impact": "High",
        "owner": "DBA",
        "title": "Disk full",
        "entry_id": "R-2",
    }


def test_scraped_key_value_blocks_under_a_title_line() -> None:
    tree = Tree(
        "text",
        (
            para(1, "Vendor Risk Register — 2025"),
            para(
                3,
                "Risk ID: V-001\nRisk: Payroll vendor breach\nImpact: High\nLikelihood: Low\nOwner: Ana Ruiz"
                "\nStatus: Approved\nResidual Risk: Low",
            ),
            para(11, "Risk ID: V-002\nRisk: Courier strike\nImpact: Medium\nLikelihood: Medium\nResidual Risk: High"),
        ),
    )
    first, second = found_in(tree).entries
    assert first.fields == {
        "entry_id": "V-001",
        "title": "Payroll vendor breach",
        "impact": "High",
        "likelihood": "Low",
        "owner": "Ana Ruiz",
        "status": "Approved",
        "severity": "Low",
    }
    assert (first.loc.line, second.loc.line) == (3, 11) and second.fields["severity"] == "High"
    assert first.parser == "text/sections"


def test_labels_in_any_script() -> None:
    lexicon_file = Path(__file__).parent / "data" / "pt_labels.toml"
    config = replace(CONFIG, lexicon_files=(str(lexicon_file),))
    (e,) = entries("## R-1: Fila cresce\n- **Probabilidade**: Alta\nResponsável：Ana\n", config)
    assert e.fields["likelihood"] == "Alta" and e.fields["owner"] == "Ana"


def test_unnamed_ratings_are_skipped_with_a_reason() -> None:
    tree = Tree("text", (para(1, "Likelihood: High\nImpact: Low"),))
    found = found_in(tree)
    assert not found.entries and [s.reason for s in found.skipped] == ["ratings that name no risk"]


def test_label_blocks_fixture_reads_on_the_markdown_front_end() -> None:
    """tests/fixtures/markdown_sections/label_blocks_without_headings.txt waits for the text front
    end (Markdown's sniff gives plain text 0); read by the Markdown front end it gives its risks."""
    text = (FIXTURES / "markdown_sections" / "label_blocks_without_headings.txt").read_text(encoding="utf-8")
    found = markdown_entries(text)
    assert [(e.fields.get("entry_id"), e.loc.line) for e in found] == [("LPS-R1", 4), ("LPS-R2", 12), ("LPS-R3", 20)]
    assert found[2].fields["title"] == "Carrier changes label format without notice"
    assert found[0].fields["mitigation"] == "pin driver versions; canary one printer per site"


HOSTILE = {
    "spaces": "### R1: x\n" + " " * 65536 + "x\n",
    "pipes": "### R1: x\n**Severity**: " + "|" * 200_000 + "x\n",
    "bold runs": "### R1: x\n" + "**a" * 50_000 + "\n",
    "labels on one line": "### R1: x\n**Likelihood**: 1" + ", Likelihood: 1" * 30_000 + "\n",
    "long continuation": "### R1: x\n**Mitigation**: a\n" + "more text\n" * 50_000,
    "one label many times": "### R1: x\n" + "- **Owner**: x\n" * 20_000,
    "long heading": "### " + "a " * 30_000 + "(\n- **Severity**: High\n",
    "dashed heading": "### a" + "-a" * 30_000 + "\n- **Severity**: High\n",
    "separators": "### R1: x\nLikelihood: " + ". , ; " * 50_000 + "\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents_read_in_linear_time(name: str) -> None:
    import time

    text = HOSTILE[name]
    tree = markdown.blocks(doc(text), CONFIG)
    started = time.perf_counter()
    found_in(tree)
    assert time.perf_counter() - started < 10


# ---- golden documents of the new shapes, through the tree path ---------------------------------


def test_every_heading_word_list_is_in_the_lexicon() -> None:
    words = CONFIG.lexicon.words
    for name in ("heading_part_endings", "risky_headings", "container_states", "phase_before", "heading_ratings"):
        assert words.get(name), name
    assert fold("Sign-off") in CONFIG.lexicon.phrases("heading_part_endings")


TASK_LIST_REGISTER = """\
# Storage risks

## Open

- [ ] **R1** Disk fills — Likelihood: High, Impact: Medium
- [x] R2: Backups unverified; Likelihood: Low; Impact: High

## Before the freeze

- [ ] T1: Rotate the disks — Owner: SRE
- [ ] Alert on disk use; Priority: High
"""


def test_task_items_with_an_id_and_ratings_are_risks() -> None:
    parsed = reader.read(doc(TASK_LIST_REGISTER), CONFIG).parsed
    risks = [e for e in parsed.entries if e.kind == "risk"]
    assert [(e.fields["entry_id"], e.fields["title"], e.fields["likelihood"], e.fields["impact"]) for e in risks] == [
        ("R1", "Disk fills", "High", "Medium"),
        ("R2", "Backups unverified", "Low", "High"),
    ]
    assert [e.extra for e in risks] == [{"(task box)": "unticked"}, {"(task box)": "ticked"}]
    # An id and an owner, or a priority: a task of a checklist, not a risk.
    checks = [e for e in parsed.entries if e.kind == "check"]
    titles = [e.fields["title"] for e in checks]
    assert titles == ["T1: Rotate the disks — Owner: SRE", "Alert on disk use; Priority: High"]


def test_a_record_with_its_id_and_title_under_a_heading_naming_one_thing_is_a_risk() -> None:
    (e,) = entries("# Register\n\n## Storage\n\n- R1: Disk fills; Likelihood: High; Impact: Medium\n")
    assert (e.fields["entry_id"], e.fields["title"], e.section) == ("R1", "Disk fills", "Storage")


def test_ratings_in_brackets_after_a_bold_title() -> None:
    text = (
        "# Risks\n\n"
        "- **R1 – Disk fills** (Likelihood: Medium, Impact: High)\n"
        "- **R2 – Replica lag** (Likelihood: Low; Impact: Medium) — Owner: DBA (on call)\n"
    )
    got = [(e.fields["entry_id"], e.fields["title"], e.fields["likelihood"], e.fields["impact"]) for e in entries(text)]
    assert got == [("R1", "Disk fills", "Medium", "High"), ("R2", "Replica lag", "Low", "Medium")]
    assert entries(text)[1].fields["owner"] == "DBA (on call)"


def test_an_informational_finding_states_its_severity_in_brackets_only() -> None:
    # A pentest ledger: "(Info)" closes a finding's heading as "(Low)" does; "Info:" in front does not.
    text = (
        "# Security review ledger\n\n"
        "### LED-SR-04 — Debug endpoint enabled in staging (Low)\n\nStatus: Open\n\n"
        "### LED-SR-05 — Verbose server header (Info)\n\nStatus: Won't fix\n"
    )
    got = [(e.fields["entry_id"], e.fields["title"], e.fields.get("severity")) for e in entries(text)]
    assert got == [
        ("LED-SR-04", "Debug endpoint enabled in staging", "Low"),
        ("LED-SR-05", "Verbose server header", "Info"),
    ]


def test_the_closing_bracket_ends_the_ratings_behind_a_title() -> None:
    # An ADR's risk bullets: a remark after the bracket is no part of the impact.
    text = (
        "## Risks\n\n"
        "- **Team has little Kafka experience** (Likelihood: High, Impact: Medium) — training budget approved.\n"
        "- **MSK cost higher than forecast** (Likelihood: Medium, Impact: Low (monthly)) — cost review.\n"
    )
    got = [(e.fields["title"], e.fields["likelihood"], e.fields["impact"]) for e in entries(text)]
    assert got == [
        ("Team has little Kafka experience", "High", "Medium"),
        ("MSK cost higher than forecast", "Medium", "Low (monthly)"),
    ]


def test_a_value_ending_a_sentence_loses_the_full_stop_but_not_a_name_its_own() -> None:
    text = (
        "# Top risks\n\n"
        "1. **Disk fills** — Likelihood: Medium, Impact: High. Owner: Tom.\n"
        "2. **Escrow lapses** — Likelihood: Low, Impact: High. Status: Monitoring. Owner: Acme Inc.\n"
        "3. **Key person leaves** — Likelihood: Low, Impact: High. Owner: Priya (Data Eng). Status: Open.\n"
        "4. **Tape vault floods** — Likelihood: Low, Impact: High. Owner: Jane J.\n"
        "5. **Clock skew** — Likelihood: Low, Impact: Low. Mitigation: run chrony.\n"
    )
    got = [(e.fields.get("owner"), e.fields.get("status")) for e in entries(text)]
    assert got == [
        ("Tom", None),
        ("Acme Inc.", "Monitoring"),
        ("Priya (Data Eng)", "Open"),
        ("Jane J.", None),
        (None, None),
    ]
    assert entries(text)[4].fields["mitigation"] == "run chrony."  # prose keeps its own full stop


def test_a_struck_heading_keeps_its_id_and_title_struck_as_a_struck_row_does() -> None:
    text = (
        "# Risks\n\n### ~~R9: Old CVE~~\n\n- Likelihood: High\n- Impact: High\n\n"
        "## ~~Retired~~ risks\n\n### R10: New CVE\n\n- Likelihood: Low\n"
    )
    got = [(e.fields["entry_id"], e.fields["title"], e.section) for e in entries(text)]
    assert got == [("~~R9~~", "~~Old CVE~~", None), ("R10", "New CVE", "~~Retired~~ risks")]


def test_a_wiki_link_reads_as_the_name_it_shows() -> None:
    # Obsidian notes link people and pages as [[Name]]: the owner was read as "]" (its brackets
    # taken for an aside) and the mitigation kept the brackets.
    text = (
        "## SCH-01 Leader election flaps\n\n- Likelihood: 3\n- Impact: 4\n- Owner: [[Priya Nair]]\n"
        "- Mitigation: follow [[runbooks/leader-election|the election runbook]]\n"
    )
    (entry,) = process_document("notes/scheduler.md", text.encode(), Config()).entries
    assert (entry.fields["owner"], entry.fields["mitigation"]) == ("Priya Nair", "follow the election runbook")


def test_numbered_records_with_rating_labels_written_without_a_colon_are_risks() -> None:
    text = (
        "# Pipeline risks\n\n"
        "1. **Late-arriving events corrupt aggregates** — Likelihood 7/10, Impact 8/10. Owner: Data Eng.\n"
        "2. **Schema drift from mobile SDK** — Likelihood 9/10, Impact 4/10. Owner: Mobile.\n"
    )
    got = [(e.fields["title"], e.fields["likelihood"], e.fields["impact"]) for e in entries(text)]
    assert got == [
        ("Late-arriving events corrupt aggregates", "7/10", "8/10"),
        ("Schema drift from mobile SDK", "9/10", "4/10"),
    ]
    # The same words in prose, with no separator in front of them, stay prose.
    assert entries("# Notes\n\n1. Impact 3 teams were told about the outage.\n") == []
