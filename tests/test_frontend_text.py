"""parsers.frontends.text: plain text and pages saved as text. The block tree of each shape
(outline goldens), then focused asserts: chrome, title, headings, items and boxes, the scraper's
damage to checklists undone, paragraphs, tables, front matter; robustness on any input.

Goldens: tests/fixtures/frontends/text/<case>.txt with <case>.outline.txt beside it, and a few
plain-text fixtures of the old parsers with theirs under tests/fixtures/frontends/text/old/
(the flattened-table ones are text_tables' to pin); regenerate with
`pytest tests/test_frontend_text.py --update-golden` and review the diff.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.frontends import choose, ranked, text, text_tables
from parsers.model import Heading, KeyValue, ListItem, Paragraph, Row, Rule, Table
from tests.conftest import FIXTURES
from tests.frontend_support import (
    FRONTEND_FIXTURES,
    cases,
    check_any_text,
    check_golden,
    every,
    fragments,
    items,
    tree_of,
)

OLD = (
    "checklist/scraped_codespan_breaks.txt",
    "checklist/glyph_lines_scraped_signoff.txt",
    "markdown_sections/label_blocks_without_headings.txt",
)
GOLDENS = cases("text") + [
    (FIXTURES / name, FRONTEND_FIXTURES / "text" / "old" / name.split("/")[1].replace(".txt", ".outline.txt"))
    for name in OLD
]


def read(source: str):
    return tree_of(text, source)


def headings(source: str) -> list[tuple[int, str]]:
    return [(h.level, h.text) for h in every(read(source), Heading)]


# ---- goldens ----


@pytest.mark.parametrize("case,golden", GOLDENS, ids=[f"{c.parent.name}/{c.name}" for c, _ in GOLDENS])
def test_outline_golden(case: Path, golden: Path, update_golden: bool) -> None:
    golden.parent.mkdir(exist_ok=True)
    check_golden(text, case, golden, update_golden)


@pytest.mark.parametrize("case", [c for c, _ in GOLDENS], ids=[f"{c.parent.name}/{c.name}" for c, _ in GOLDENS])
def test_plain_text_is_chosen_for_scraped_pages(case: Path) -> None:
    assert choose(case.read_text(encoding="utf-8")).NAME == "text"


# ---- sniff ----


def test_sniff_is_the_fallback() -> None:
    assert text.sniff("anything") == text.sniff("") == 0.3
    assert ranked("## Risks\n- [ ] a")[0][0] == "markdown"
    assert ranked("**Owner**: SRE\nRisks")[0][0] == "markdown"  # bold wins over plain text
    assert ranked("Risks\nOwner: SRE\n- a")[0][0] == "text"


# ---- chrome and title ----


def test_chrome_lines_are_flagged_not_dropped() -> None:
    tree = read(
        "Skip to main content\nHome · Docs · Search\n\nVault Proxy — Risk Register\n\nEdit this page\n\n"
        "- Tokens cached\n\nWas this page helpful?\n\n© 2026 Example Corp\n"
    )
    chrome = [(b.line, b.text) for b in every(tree, Paragraph) if b.chrome]
    assert chrome == [
        (1, "Skip to main content\nHome · Docs · Search"),
        (6, "Edit this page"),
        (10, "Was this page helpful?"),
        (12, "© 2026 Example Corp"),
    ]
    assert [h.text for h in every(tree, Heading)] == ["Vault Proxy — Risk Register"]
    assert items(tree) == [("Tokens cached", None, 0)]


def test_metadata_lines_are_not_chrome() -> None:
    tree = read("Svc risks\nOwner: SRE · Status: open · Tier: 1\nCreated: 2026-01-02\nCreated by Jo Bloggs\n")
    flagged = {line: p.chrome for p in every(tree, Paragraph) for line in range(p.line, p.end + 1)}
    assert flagged == {2: False, 3: False, 4: True}


def test_wiki_chrome_around_the_title_and_edit_links() -> None:
    tree = read("Jump to navigation\nParcel Lockers/Risks\nFrom Ops Wiki\n< Parcel Lockers\n\nRegister[edit]\nx.\n")
    assert [(h.level, h.text) for h in every(tree, Heading)] == [(1, "Parcel Lockers/Risks"), (2, "Register")]
    assert [p.text for p in every(tree, Paragraph) if p.chrome] == [
        "Jump to navigation",
        "From Ops Wiki\n< Parcel Lockers",
    ]


def test_breadcrumbs_are_chrome_only_near_the_top() -> None:
    source = "Pages / Platform / CDN\nCDN Edge risks\n\nIntro.\n\nCode / Tests / Docs\n- a\n"
    tree = read(source)
    assert [p.line for p in every(tree, Paragraph) if p.chrome] == [1]
    assert (2, "Code / Tests / Docs") in [(h.level, h.text) for h in every(tree, Heading)]


def test_title_is_the_line_that_names_the_register() -> None:
    tree = read("Finance Engineering\nPayouts Service Risk Log\n\nOwner: Payouts\n")
    assert [(h.line, h.level, h.text) for h in every(tree, Heading)] == [(2, 1, "Payouts Service Risk Log")]
    assert [p.text for p in every(tree, Paragraph) if p.chrome] == ["Finance Engineering"]


def test_no_title_when_the_page_opens_with_a_list_or_a_label() -> None:
    assert headings("- a\n- b\n") == []
    assert headings("Owner: SRE\nStatus: open\n") == []


def test_front_matter_gives_properties_and_declared_title() -> None:
    tree = read("---\ntitle: Ledger PRR\nservice: ledger\n---\nLedger readiness\n- a\n")
    assert tree.declared_title == "Ledger PRR" and dict(tree.properties) == {"service": "ledger"}
    assert [(h.line, h.text) for h in every(tree, Heading)] == [(5, "Ledger readiness")]


# ---- headings ----


def test_heading_like_lines_and_numbered_levels() -> None:
    source = (
        "Router — Risk Assessment\n\n1. Scope\n\nThe router.\n\n2. Register\n\n2.1 Closed\n\nNone.\n\n"
        "Approvals:\n- Engineering ✅\n"
    )
    assert headings(source) == [
        (1, "Router — Risk Assessment"),
        (2, "1. Scope"),
        (2, "2. Register"),
        (3, "2.1 Closed"),
        (2, "Approvals:"),
    ]


def test_lines_that_are_not_headings() -> None:
    source = "Svc risks\n\nMitigation:\nExported on 2026-06-01\nAll of these must hold before go-live:\nzero errors\n"
    assert headings(source) == [(1, "Svc risks")]
    assert [p.text.split("\n") for p in every(read(source), Paragraph)] == [
        ["Mitigation:", "Exported on 2026-06-01", "All of these must hold before go-live:", "zero errors"]
    ]


def test_a_wrapped_line_ending_on_a_connecting_word_is_not_a_heading() -> None:
    source = "Svc risks\n\nThe proxy is operated by the\nPlatform Team\n\nDocs\n- a\n"
    assert headings(source) == [(1, "Svc risks"), (2, "Docs")]
    assert [p.text for p in every(read(source), Paragraph)] == ["The proxy is operated by the\nPlatform Team"]


def test_numbered_heading_over_a_table_after_another_table() -> None:
    source = (
        "Slotting risks\n\n1. Scoring\n\n| Score | Meaning |\n| 1 | Rare |\n\n"
        "2. Register\n\n| ID | Risk |\n| R1 | x |\n"
    )
    assert headings(source) == [(1, "Slotting risks"), (2, "1. Scoring"), (2, "2. Register")]


def test_numbered_lines_of_a_list_are_items_not_headings() -> None:
    tree = read("Steps\n\n1. Drain\n2. Switch\n\n3. Verify\n")
    assert [(i.number, i.text) for i in every(tree, ListItem)] == [(1, "Drain"), (2, "Switch"), (3, "Verify")]
    assert headings("Plan\n\n4. Process\n\n  • Quarterly review: walk it.\n") == [(1, "Plan"), (2, "4. Process")]


def test_underlined_heading_and_rules() -> None:
    tree = read("Svc risks\n\nRegister\n--------\n- a\n\n***\n")
    assert [(h.level, h.text, h.end) for h in every(tree, Heading)] == [(1, "Svc risks", 1), (2, "Register", 4)]
    assert [r.line for r in every(tree, Rule)] == [7]


# ---- items and boxes ----


def test_bullets_nest_by_indentation_and_keep_lost_boxes_unknown() -> None:
    tree = read(
        "Launch\n\n• Failover tested\n  ◦ SMS provider\n    ‣ within 60 s\n  ◦ E-mail\n• Rate limits\n* Star\n+ Plus\n"
    )
    assert items(tree) == [
        ("Failover tested", None, 0),
        ("SMS provider", None, 1),
        ("within 60 s", None, 2),
        ("E-mail", None, 1),
        ("Rate limits", None, 0),
        ("Star", None, 0),
        ("Plus", None, 0),
    ]
    first = every(tree, ListItem)[0]
    assert (first.line, first.end) == (3, 6)  # an item's lines cover what it holds


def test_boxes_and_box_glyph_lines() -> None:
    tree = read("Checks\n\n- [x] Flag removed\n- [ ] Review booked\n☑ Dashboards shared\n☐ Status page\n[X] Backups\n")
    assert items(tree) == [
        ("Flag removed", "ticked", 0),
        ("Review booked", "unticked", 0),
        ("Dashboards shared", "ticked", 0),
        ("Status page", "unticked", 0),
        ("Backups", "ticked", 0),
    ]


def test_sign_off_lines_with_marks_are_items_without_boxes() -> None:
    tree = read("Card Tokenizer — PCI readiness\nSign-off\nPayments Security lead ✅\nQSA ⚠️\nPlatform lead ❌\n")
    assert items(tree) == [("Payments Security lead ✅", None, 0), ("QSA ⚠️", None, 0), ("Platform lead ❌", None, 0)]
    assert every(tree, ListItem)[0].path == ((1, "Card Tokenizer — PCI readiness"), (2, "Sign-off"))


def test_a_run_of_short_lines_under_a_checklist_heading_is_its_list() -> None:
    # A checklist that lost its boxes and bullets: under the title, or under a heading right above.
    tree = read("Orders API Readiness Checklist\n\nDashboards for latency published\nAlert on 5xx rate above 1%\n")
    assert items(tree) == [("Dashboards for latency published", None, 0), ("Alert on 5xx rate above 1%", None, 0)]
    tree = read("Foo Go-Live\n\nChecklist\nFlags default to off\nRollback rehearsed\n\nContacts\nOwen Park\nSasha\n")
    assert [(i.text, i.path[-1][1]) for i in every(tree, ListItem)] == [
        ("Flags default to off", "Checklist"),
        ("Rollback rehearsed", "Checklist"),
    ]
    assert headings("Foo Go-Live\n\nContacts\nOwen Park (lead)\nSasha\n")[1:] == [
        (2, "Contacts"),
        (2, "Owen Park (lead)"),
        (2, "Sasha"),
    ]


def test_a_checklist_repeated_under_another_heading_is_still_a_list() -> None:
    # Per-environment checklists repeat their items; only a run whose every line recurs is a contents list.
    text = (
        "Staging checklist\nFlags default to off\nRollback rehearsed\n\n"
        "Production checklist\nFlags default to off\nRollback rehearsed\n"
    )
    assert [(i.text, i.path[-1][1]) for i in every(read(text), ListItem)] == [
        ("Flags default to off", "Staging checklist"),
        ("Rollback rehearsed", "Staging checklist"),
        ("Flags default to off", "Production checklist"),
        ("Rollback rehearsed", "Production checklist"),
    ]


def test_short_lines_under_a_checklist_heading_that_are_not_its_list() -> None:
    # A table of contents (its lines come again below), a heading over a paragraph or a list.
    toc = "Release Checklist\n\nScope\nSteps\n\nScope\nAll of it.\n\nSteps\n- a\n"
    assert headings(toc) == [(1, "Release Checklist"), (2, "Scope"), (2, "Steps"), (2, "Scope"), (2, "Steps")]
    lead = "Release Checklist\n\nScope\nFlags\nThe relay only, not the queue.\n"
    assert headings(lead)[1:] == [(2, "Scope"), (2, "Flags")]
    assert headings("Release Checklist\n\nObservability\nDashboards\n- p95 panel\n")[1:] == [
        (2, "Observability"),
        (2, "Dashboards"),
    ]
    assert headings("Release Checklist\n\nObservability\n\nDashboards\nAlerts\n")[1:] == [
        (2, "Observability"),
        (2, "Dashboards"),
        (2, "Alerts"),
    ]


def test_definition_lists_and_fields_tables_that_lost_their_markup_are_key_values() -> None:
    # A <dl> as a browser copy leaves it, as html2text leaves it (wrapped), and a table's tab rows.
    copied = "Svc risks\n\nR1: Late events\nLikelihood\nLikely\nImpact\nModerate\nR2: Drift\n"
    wrapped = "Svc risks\n\nR1: Late events\nLikelihood\n    Likely\nMitigation\n    Widen the\n    watermark\n"
    tabbed = "Svc risks\n\nR1: Late events\nLikelihood\tRare\nOwner\t\tSecurity Engineering\n"
    pairs = [[(d.line, d.end, d.key, d.value) for d in every(read(s), KeyValue)] for s in (copied, wrapped, tabbed)]
    assert pairs == [
        [(4, 5, "Likelihood", "Likely"), (6, 7, "Impact", "Moderate")],
        [(4, 5, "Likelihood", "Likely"), (6, 8, "Mitigation", "Widen the watermark")],
        [(4, 4, "Likelihood", "Rare"), (5, 5, "Owner", "Security Engineering")],
    ]
    assert headings(copied)[-1] == (2, "R2: Drift")
    assert every(read(copied), KeyValue)[0].path[-1] == (2, "R1: Late events")


def test_a_lone_label_line_over_a_line_stays_a_heading() -> None:
    # One label over one line is as likely a heading over its paragraph; labels only pair with values.
    tree = read("Svc risks\n\nSummary\nThree risks remain open.\n\nOwner\nIngestion team\n\nImpact\nLikelihood\n")
    assert not every(tree, KeyValue)
    assert headings("Svc risks\n\nOwner\nIngestion team\n")[1:] == [(2, "Owner"), (2, "Ingestion team")]


def test_marked_text_is_the_text_escaped() -> None:
    item = every(read("Svc\n- Run `make test` on **main** ~now~\n"), ListItem)[0]
    assert item.text == "Run `make test` on **main** ~now~"
    assert item.marked == r"Run \`make test\` on \*\*main\*\* \~now\~"


# ---- the scraper's damage ----


def test_code_span_breaks_come_back_as_items() -> None:
    source = (
        "Svc — Service Readiness\nSecurity\n-\nsecurity-revieweragent run, zero critical/high. - Password "
        "never appears in API responses (automated test asserts absence of\npasswordkey in GET responses). "
        "- Password never appears in NATS payloads.\n- Vault policy scoped (no access outside\n"
        "secret/ops/*). - mTLS enforced.\nData\n-\npg_partmanconfigured forops.health_logpartitions. "
        "- Legacy script executed.\n"
    )
    tree = read(source)
    assert [(i.text, i.path[-1][1]) for i in every(tree, ListItem)] == [
        ("security-reviewer agent run, zero critical/high.", "Security"),
        (
            "Password never appears in API responses (automated test asserts absence of password key in GET "
            "responses).",
            "Security",
        ),
        ("Password never appears in NATS payloads.", "Security"),
        ("Vault policy scoped (no access outside secret/ops/*).", "Security"),
        ("mTLS enforced.", "Security"),
        ("pg_partman configured for ops.health_log partitions.", "Data"),
        ("Legacy script executed.", "Data"),
    ]
    assert all(i.box is None for i in every(tree, ListItem))


def test_lines_of_a_rejoined_item() -> None:
    tree = read("Svc — Readiness\nDocs\n- Linked from\nON_CALL.md.\n- Other.\n")
    assert [(i.line, i.end, i.text) for i in every(tree, ListItem)] == [
        (3, 4, "Linked from ON_CALL.md."),
        (5, 5, "Other."),
    ]


def test_unsure_glue_is_left_alone() -> None:
    tree = read("Svc — Readiness\nTests\n- Property tests cover the\nmergerule (dups).\n")
    assert items(tree) == [("Property tests cover the mergerule (dups).", None, 0)]


def test_an_indented_wrapped_line_is_not_repaired() -> None:
    tree = read("Svc\n- Tokens never logged (the\n  passwordkey field included)\n- x\n")
    assert items(tree)[0] == ("Tokens never logged (the passwordkey field included)", None, 0)


def test_paragraph_after_an_item_that_is_complete() -> None:
    tree = read("Svc\nSign-off\n- Tech lead ✅\nThe board approves releases on Fridays.\n")
    assert items(tree) == [("Tech lead ✅", None, 0)]
    assert [p.text for p in every(tree, Paragraph)] == ["The board approves releases on Fridays."]


# ---- paragraphs ----


def test_key_value_lines_stay_lines_of_a_paragraph() -> None:
    tree = read("Label Printing — risk export\n\nID: LPS-R1\nRisk: Driver update\nLikelihood: Medium\n\nID: LPS-R2\n")
    paragraphs = every(tree, Paragraph)
    assert [(p.line, p.end, p.text) for p in paragraphs] == [
        (3, 5, "ID: LPS-R1\nRisk: Driver update\nLikelihood: Medium"),
        (7, 7, "ID: LPS-R2"),
    ]
    assert all(p.path == ((1, "Label Printing — risk export"),) for p in paragraphs)


# ---- tables ----


def test_aligned_grid_and_pipe_tables_cover_their_lines() -> None:
    source = (
        "Risks\n\nID    Risk          Owner\n----  ------------  -----\nR1    Vault outage  SRE\n\n"
        "+----+------+\n| ID | Risk |\n+====+======+\n| R2 | DNS  |\n+----+------+\n\n"
        "| ID | Risk |\n| R3 | Disk |\n"
    )
    tree = read(source)
    tables = every(tree, Table)
    assert [(t.layout, t.line, t.end, t.header, [r.cells for r in t.rows]) for t in tables] == [
        ("aligned", 3, 5, ("ID", "Risk", "Owner"), [("R1", "Vault outage", "SRE")]),
        ("grid", 7, 11, ("ID", "Risk"), [("R2", "DNS")]),
        ("pipe", 13, 14, ("ID", "Risk"), [("R3", "Disk")]),
    ]
    assert every(tree, Paragraph) == [] and items(tree) == []


def test_text_tables_are_asked_and_their_lines_read_as_nothing_else(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []

    def find_tables(lines, config):
        asked.append(list(lines))
        return [Table(line=3, end=4, header=("ID", "Risk"), rows=(Row(4, ("R1", "x")),), layout="run-together")]

    monkeypatch.setattr(text_tables, "find_tables", find_tables)
    tree = read("Svc risks\n\nIDRisk\nR1x\n\n- after\n")
    assert asked == [["Svc risks", "", "IDRisk", "R1x", "", "- after", ""]]
    assert [(type(b).__name__, b.line) for b in tree.blocks] == [("Heading", 1), ("Table", 3), ("ListItem", 6)]


def test_text_tables_stub_finds_nothing() -> None:
    assert text_tables.find_tables(["IDRisk", "R1x"], text.Config()) == []


# ---- robustness ----

TEXT_PIECES = [
    *("\n", "\n\n", " ", "  ", "\t", "-", "- ", "* ", "• ", "  ◦ ", "1. ", "2) ", "[x] ", "[ ] ", "☑ ", "☐ "),
    *("✅", "❌", "⚠️", " - ", ". - ", "(", ")", "Owner: SRE", "Mitigation:", "Skip to main content", "© 2026"),
    *("Home · Docs · Search", "a / b / c", "[edit]", "2.1 ", "-----", "=====", "ID    Risk", "----  ----"),
    *("+----+----+", "| a | b |", "pg_partmanconfigured", "forops.x_ylogs.", "/a,/bup", "Docs", "of", "---\n"),
]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), fragments(TEXT_PIECES)))
def test_any_text_reads_with_lines_inside_it(source: str) -> None:
    check_any_text(text, source)


WORDS = st.sampled_from(["Backups", "restored", "nightly", "runbook", "linked", "alerts", "routed", "team"])
SENTENCES = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)
CODES = ["pg_partman", "ops.health_log", "/health/ready", "ON_CALL.md", "a::b", "x_y"]
SECTIONS = st.lists(
    st.tuples(
        st.sampled_from(["Docs", "Security", "Data", "Code + Tests"]), st.lists(SENTENCES, min_size=1, max_size=4)
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda s: s[0],
)


def alnum(s: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", s)


@settings(max_examples=150, deadline=None)
@given(SECTIONS, st.data())
def test_scraped_checklist_with_broken_code_spans_round_trip(sections, data: st.DataObject) -> None:
    """Render as a scraper does (a code span starts a new line and loses its spaces; an item after
    such a line is joined to it with " - "); every item comes back, in its section, same characters."""
    out = ["Svc — Service Readiness", "Status: populated Owner: SRE"]
    want = []
    for name, sentences in sections:
        out.append(name)
        on_code_line = False  # the last line started with a code span: the next item may be joined to it
        for sentence in sentences:
            code = data.draw(st.one_of(st.none(), st.sampled_from(CODES)))
            words = sentence.split()
            cut = data.draw(st.integers(0, len(words)))
            before, after = " ".join(words[:cut]), " ".join(words[cut:])
            want.append((alnum(f"{before}{code or ''}{after}"), name))
            if code:
                if on_code_line:
                    out[-1] += f" - {before}".rstrip()
                else:
                    out.append(f"- {before}".rstrip())
                out.append(f"{code}{after}.")
                on_code_line = True
            elif on_code_line:
                out[-1] += f" - {sentence}."
                on_code_line = data.draw(st.booleans())
            else:
                out.append(f"- {sentence}.")
    tree = read("\n".join(out))
    assert [(alnum(i.text), i.path[-1][1]) for i in every(tree, ListItem)] == want
    assert all(i.box is None for i in every(tree, ListItem))


def test_a_table_quoted_in_an_email_reply_is_read_unquoted() -> None:
    # Every line of the reply's quote starts with "> ": the pipe table was refused.
    source = (
        "On Wed, 9 Apr 2025 at 10:12, Tom Becker wrote:\n"
        "> Current register for Reporting:\n"
        ">\n"
        "> | ID | Risk | Likelihood | Owner |\n"
        "> |---|---|---|---|\n"
        "> | RP-1 | Nightly export misses events | Medium | Analytics Eng |\n"
        "> | RP-2 | Dashboard queries overload the replica | High | DBA |\n"
        "\n"
        "Thanks Tom.\n"
    )
    (table,) = every(read(source), Table)
    assert table.header == ("ID", "Risk", "Likelihood", "Owner")
    assert [(r.line, r.cells[0]) for r in table.rows] == [(6, "RP-1"), (7, "RP-2")]
