"""Checklist parser: precision rules, scraped line repair, and hypothesis properties.

The golden fixtures in tests/fixtures/checklist pin whole documents through the pipeline; these
tests pin the parser's own behaviour: what is and is not a check, and that documents rendered
from random checklists (as Markdown task lists, as scraped text with broken code spans, as
sign-off lists) parse back to the same items.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import checklist
from parsers.codespans import GLUE_WORDS, restore_code_spaces
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.records import Document

FIXTURES = Path(__file__).parent / "fixtures" / "checklist"
CONFIG = Config()


def doc_of(text: str, path: str = "doc.md") -> Document:
    return Document(path=path, sha256="0" * 64, size=len(text.encode()), text=text, encoding="utf-8")


def checks(text: str) -> list[tuple[str, str | None, bool | None]]:
    return [(e.fields["title"], e.section, e.checked) for e in checklist.parse(doc_of(text), CONFIG).entries]


def alnum(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "", text)


# ---- behaviour ----


def test_task_list_boxes_styles_and_emoji_headings() -> None:
    text = (
        "# Svc — Readiness\n\n## ✅ Docs\n\n- [x] One\n- [ ] Two\n* [X] Three\n\n### Rollout\n\n"
        "1. [ ] Four\n2) [x] Five\n"
    )
    assert checks(text) == [
        ("One", "Docs", True),
        ("Two", "Docs", False),
        ("Three", "Docs", True),
        ("Four", "Rollout", False),
        ("Five", "Rollout", True),
    ]


def test_bold_label_becomes_plain_text() -> None:
    assert checks("## Approvals\n- [ ] **Engineering Lead**: Code review\n") == [
        ("Engineering Lead: Code review", "Approvals", False)
    ]


def test_boxes_make_other_bullets_status_notes() -> None:
    text = (
        "# Assessment\n\n## Compliance\n\n- ✅ OWASP Top 10\n- ⚠️ SOC 2\n\n## Recommendations\n\n"
        "1. Fix the namespace\n\n## Sign-off\n\n- [ ] Security review completed\n"
    )
    assert checks(text) == [("Security review completed", "Sign-off", False)]


def test_signoff_marks_beside_a_task_list() -> None:
    text = (
        "## Checks\n\n- [x] Backups\n\n## Status\n\n- Runbook ✅\n\n## Sign-off\n\n- Tech lead ✅\n"
        "- SRE ❌\n- Pending the DBA review\n"
    )
    assert checks(text) == [("Backups", "Checks", True), ("Tech lead", "Sign-off", True), ("SRE", "Sign-off", False)]


def test_plain_text_headings_above_task_lists() -> None:
    text = "Payments — Readiness\nOwner: SRE\n\nDocs\n- [ ] one\n\n**Sign-off**\n- [x] Tech lead\n"
    assert checks(text) == [("one", "Docs", False), ("Tech lead", "Sign-off", True)]
    scraped = "Payments — Readiness\nBefore launch:\n- Backups restored.\nAll of these must hold:\n- Alerts routed.\n"
    assert checks(scraped) == [("Backups restored.", "Before launch", None), ("Alerts routed.", "Before launch", None)]


def test_code_fence_boxes_are_not_checks() -> None:
    assert checks("## Steps\n\n```\n- [ ] not a check\n```\n\n- [x] real\n") == [("real", "Steps", True)]


def test_risk_fields_are_never_checks() -> None:
    text = (
        "# Pricing — Readiness\n\n## Risks\n\n- **Severity**: High\n- **Mitigation**:\n  1. Cache\n"
        "  - Alert\n\n## Sign-off\n\n- Tech lead ✅\n"
    )
    assert checks(text) == [("Tech lead", "Sign-off", True)]


def test_signoff_marks() -> None:
    text = "# Release — Sign-off\n\n## Approvals\n\n- Tech lead ✅\n- SRE ✔️\n- Security: ❌\n- DBA ✗\n- PM ☑\n"
    assert checks(text) == [
        ("Tech lead", "Approvals", True),
        ("SRE", "Approvals", True),
        ("Security", "Approvals", False),
        ("DBA", "Approvals", False),
        ("PM", "Approvals", True),
    ]


def test_signoff_section_of_a_risk_assessment_is_read() -> None:
    text = (
        "# Residual Risk Assessment\n\n### R001: Feed outage\n- **Severity**: High\n- **Owner**: SRE\n\n"
        "## Sign-off\n\n- Tech lead ✅\n- Security ❌\n"
    )
    assert checklist.sniff(text) >= 0.5
    assert checks(text) == [("Tech lead", "Sign-off", True), ("Security", "Sign-off", False)]


def test_register_bullets_are_not_checks() -> None:
    text = (FIXTURES / "register_bullets_not_checks.md").read_text(encoding="utf-8")
    assert checklist.sniff(text) < 0.5
    assert checks(text) == []  # even when another parser's score lets it run


def test_scraped_register_page_bullets_are_not_checks() -> None:
    text = (
        "SERVICE_RISK_REGISTER — lock\n\n4. Process\n\n  • Quarterly review: walk the register.\n"
        "  • New risk intake: check postmortems.\n\n3. Top-3\n\n  1. R-LOCK-01 — Vendor outage.\n"
    )
    assert checklist.sniff(text) < 0.5
    assert checks(text) == []


def test_scraped_code_span_breaks_come_back_as_items() -> None:
    text = (
        "Svc — Service Readiness\nSecurity\n-\nsecurity-revieweragent run, zero critical/high. - Password "
        "never appears in API responses (automated test asserts absence of\npasswordkey in GET responses). "
        "- Password never appears in NATS payloads.\n- Vault policy scoped (no access outside\n"
        "secret/ops/*). - mTLS enforced.\nData\n-\npg_partmanconfigured forops.health_logpartitions. "
        "- Legacy script executed.\n"
    )
    assert checks(text) == [
        ("security-reviewer agent run, zero critical/high.", "Security", None),
        (
            "Password never appears in API responses (automated test asserts absence of password key in GET "
            "responses).",
            "Security",
            None,
        ),
        ("Password never appears in NATS payloads.", "Security", None),
        ("Vault policy scoped (no access outside secret/ops/*).", "Security", None),
        ("mTLS enforced.", "Security", None),
        ("pg_partman configured for ops.health_log partitions.", "Data", None),
        ("Legacy script executed.", "Data", None),
    ]


def test_scraped_lines_of_a_rejoined_item() -> None:
    entries = checklist.parse(doc_of("Svc — Readiness\nDocs\n- Linked from\nON_CALL.md.\n- Other.\n"), CONFIG).entries
    assert [(e.loc.line, e.lines, e.fields["title"]) for e in entries] == [
        (3, (3, 4), "Linked from ON_CALL.md."),
        (5, (5,), "Other."),
    ]
    assert entries[0].confidence < 1.0 and entries[0].notes


def test_unsure_glue_is_left_alone() -> None:
    # "mergerule": neither half is known for sure, so no space is guessed.
    assert checks("Svc — Readiness\nTests\n- Property tests cover the\nmergerule (dups).\n") == [
        ("Property tests cover the mergerule (dups).", "Tests", None)
    ]


def test_sniff_ranks_shapes() -> None:
    assert checklist.sniff("## A\n- [ ] x\n- [x] y\n") >= 0.9
    assert checklist.sniff("Svc — Readiness\nDocs\n- a\n- b\nData\n- c\n") >= 0.5
    assert checklist.sniff("| ID | Risk |\n|---|---|\n| R1 | x |\n") < 0.5
    assert checklist.sniff("### R001: x\n- **Severity**: High\n- **Likelihood**: Low\n") < 0.5
    assert checklist.sniff("<!DOCTYPE html><html><body><ul><li>x</li></ul>") == 0.0


# ---- properties ----

WORDS = [
    "backups",
    "restored",
    "alerts",
    "routed",
    "owning",
    "team",
    "load",
    "test",
    "peak",
    "rollback",
    "staging",
    "dashboards",
    "latency",
    "errors",
    "contract",
    "tests",
    "green",
    "runbook",
    "linked",
    "secrets",
    "stored",
    "vault",
    "coverage",
    "retention",
    "documented",
    "canary",
    "deploys",
]
SECTIONS = [
    "Docs",
    "Code + Tests",
    "Security",
    "Observability",
    "Infra / Rollout",
    "Data",
    "Operations",
    "Pre-launch checks",
]
CODES = ["pg_cron", "/health/ready", "ops.audit_log", "rate-limiter", "password", "LEDGER_DB_URL", "make verify"]

phrase = st.lists(st.sampled_from(WORDS), min_size=2, max_size=7).map(lambda ws: " ".join(ws).capitalize())
sections = st.lists(
    st.tuples(st.sampled_from(SECTIONS), st.lists(st.tuples(phrase, st.booleans()), min_size=1, max_size=5)),
    min_size=1,
    max_size=4,
    unique_by=lambda s: s[0],
)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_sniff_in_range_and_parse_never_crashes(text: str) -> None:
    assert 0.0 <= checklist.sniff(text) <= 1.0
    _parse_within_lines(text)


LINE_SHAPES = [
    "- [ ] Item one",
    "- [x] Done",
    "-",
    "## Heading",
    "Docs",
    "code_spanglued text. - Next item.",
    "- Tech lead ✅",
    "1. [x] ordered",
    "```",
    "**Bold**",
    "  - [X] nested",
    "Sign-off",
    "- **Severity**: High",
    "passwordkey in GET). -",
    "• bullet",
    "| a | b |",
    "",
    "   ",
    "⚠️",
    "- Vault policy (no access outside",
    "/metrics,/healthup.",
    "# Title",
    "[x] bare box",
    "☑ glyph box",
    "☐",
    "QSA ⚠️",
    "| Area | Decision |",
    "|---|---|",
    "| SRE | ✅ Approved |",
    "| x |",
    "- [ ] item — Owner: @alice",
    "---",
    "title: x",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(LINE_SHAPES), st.text(max_size=20)), max_size=30))
def test_checklist_like_text_parses_within_lines(lines: list[str]) -> None:
    _parse_within_lines("\n".join(lines))


def _parse_within_lines(text: str) -> None:
    try:
        parsed = checklist.parse(doc_of(text), CONFIG)
    except ParseError:
        return
    n_lines = len(text.split("\n"))
    for entry in parsed.entries:
        assert entry.kind == "check" and entry.fields["title"]
        assert 1 <= entry.loc.line <= n_lines
        assert all(1 <= line <= n_lines for line in entry.lines)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "pg_partmanconfigured",
                    "forops.x_ylogs.",
                    "/a,/bup",
                    "-",
                    "passwordkey",
                    "(x_y)",
                    "a::bc",
                    "https://x.io/a_b",
                    "",
                ]
            ),
            st.text(max_size=12),
        ),
        max_size=8,
    )
)
def test_code_space_restoration_only_inserts_spaces(tokens: list[str]) -> None:
    line = " ".join(tokens)
    assert restore_code_spaces(line, GLUE_WORDS).replace(" ", "") == line.replace(" ", "")


@settings(max_examples=150, deadline=None)
@given(sections, st.sampled_from(["## ", "### ", "## ✅ ", "## 🔒 "]), st.data())
def test_markdown_task_list_round_trip(secs, heading: str, data: st.DataObject) -> None:
    lines = ["# Svc — Readiness", "", "Owner: SRE", ""]
    want = []
    for name, items in secs:
        lines += [f"{heading}{name}", ""]
        for text, done in items:
            box = data.draw(st.sampled_from(["- [x]", "- [X]", "* [x]", "1. [x]"] if done else ["- [ ]", "* [ ]"]))
            lines.append(f"{box} {text}")
            want.append((text, name, done))
        lines.append("")
    assert checks("\n".join(lines)) == want


@settings(max_examples=150, deadline=None)
@given(sections, st.data())
def test_scraped_checklist_with_broken_code_spans_round_trip(secs, data: st.DataObject) -> None:
    """Render as a scraper does (a code span starts a new line and loses its spaces; an item after
    such a line is joined to it with " - "); every item comes back, in its section, same characters."""
    out = ["Svc — Service Readiness", "Status: populated Owner: SRE"]
    want = []
    for name, items in secs:
        out.append(name)
        on_code_line = False  # the last line started with a code span: the next item may be joined to it
        for text, _ in items:
            code = data.draw(st.one_of(st.none(), st.sampled_from(CODES)))
            words = text.split()
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
                out[-1] += f" - {text}."
                on_code_line = data.draw(st.booleans())
            else:
                out.append(f"- {text}.")
    got = checks("\n".join(out))
    assert [(alnum(t), s) for t, s, _ in got] == want
    assert all(c is None for _, _, c in got)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Tech lead", "SRE", "Security", "Product owner", "DBA"]),
            st.sampled_from(["✅", "✔", "☑", "❌", "✗"]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.booleans(),
)
def test_signoff_round_trip(rows: list[tuple[str, str]], markdown: bool) -> None:
    head = "# Release 2.1 — Sign-off\n\n## Approvals\n\n" if markdown else "Release 2.1 — Sign-off\nApprovals\n"
    text = head + "\n".join(f"- {who} {mark}" for who, mark in rows) + "\n"
    assert checks(text) == [(who, "Approvals", mark in "✅✔☑") for who, mark in rows]


# ---- sign-off tables, box glyphs, bare boxes, owners ----


def test_signoff_table_and_requirement_table() -> None:
    text = (
        "# Exporter — Go-live sign-off\n\n## Readiness checklist\n\n| Requirement | Met? | Evidence |\n"
        "|---|---|---|\n| Replay is identical | Yes | job 12 |\n| Failover tested | Partial | primary only |\n"
        "| DPA signed | No | |\n\n"
        "## Sign-off\n\n| Area | Approver | Decision |\n|---|---|---|\n| Engineering | Dana | ✅ Approved |\n"
        "| Security | Omar | ❌ Blocked (DPA) |\n| Finance | Jo | ⏳ Pending |\n"
    )
    assert checks(text) == [
        ("Replay is identical", "Readiness checklist", True),
        ("Failover tested", "Readiness checklist", None),
        ("DPA signed", "Readiness checklist", False),
        ("Engineering", "Sign-off", True),
        ("Security", "Sign-off", False),
        ("Finance", "Sign-off", None),
    ]
    security = checklist.parse(doc_of(text), CONFIG).entries[4]
    assert security.extra == {"Approver": "Omar", "Decision": "❌ Blocked (DPA)"} and security.loc.line == 16


def test_tables_that_are_not_signoffs_give_no_checks() -> None:
    text = (
        "# Exporter — Risk Assessment\n\n## Known risks\n\n| ID | Risk | Likelihood | Status |\n|---|---|---|---|\n"
        "| R1 | Host key rotates | Medium | Done |\n\n## Testing status\n\n| Test | Status |\n|---|---|\n"
        "| Unit | ✅ PASS |\n| Load | ❌ TODO |\n\n## Owners\n\n| Area | Owner |\n|---|---|\n| API | SRE |\n"
    )
    assert checks(text) == []


def test_checklist_table_owner_column_is_the_owner() -> None:
    text = "# Svc — Launch readiness\n\n## Operational checks\n\n| Item | Owner | Status |\n|---|---|---|\n"
    text += "| Runbook linked | SRE | ✅ Done |\n| Dashboards reviewed | SRE | Not started |\n"
    first, second = checklist.parse(doc_of(text), CONFIG).entries
    assert (first.fields, first.checked, second.checked) == ({"title": "Runbook linked", "owner": "SRE"}, True, False)
    assert first.extra == {"Status": "✅ Done"}


def test_box_glyph_lines_and_scraped_signoff_lines() -> None:
    text = (
        "Card Tokenizer — PCI readiness\nNetwork\n☑ Segmented\n☐ ASV scan passed\nSign-off\n"
        "Payments Security lead ✅\nQSA ⚠️\nPlatform lead ❌\n"
    )
    assert checklist.sniff(text) >= 0.5
    assert checks(text) == [
        ("Segmented", "Network", True),
        ("ASV scan passed", "Network", False),
        ("Payments Security lead", "Sign-off", True),
        ("QSA", "Sign-off", None),
        ("Platform lead", "Sign-off", False),
    ]


def test_bare_box_lines_in_markdown() -> None:
    text = "# Svc release checklist\n\n## Before go-live\n\n[x] Flag in place\n[ ] Status page ready\n\nA note.\n"
    assert checklist.sniff(text) >= 0.5
    assert checks(text) == [("Flag in place", "Before go-live", True), ("Status page ready", "Before go-live", False)]


def test_owner_at_the_end_of_an_item() -> None:
    text = (
        "## Checks\n\n- [x] SLOs published — Owner: @alice\n- [ ] Probe in every region (Owner: Ravi)\n"
        "- [ ] Ownership documented\n"
    )
    found = checklist.parse(doc_of(text), CONFIG).entries
    assert [e.fields.get("owner") for e in found] == ["@alice", "Ravi", None]
    assert found[0].fields["title"] == "SLOs published — Owner: @alice"


def test_mark_before_an_aside_and_heavy_cross() -> None:
    text = "# Release — Sign-off\n\n## Approvals\n\n- SRE ⚠️ (waiting on the drill)\n- Security ✅ — Jo, 2026-04-02\n"
    text += "- Legal ✖️\n"
    assert checks(text) == [
        ("SRE (waiting on the drill)", "Approvals", None),
        ("Security — Jo, 2026-04-02", "Approvals", True),
        ("Legal", "Approvals", False),
    ]


def test_front_matter_is_not_a_section() -> None:
    text = "---\ntitle: Router release checklist\nservice: router\n---\n- [x] Changelog updated\n"
    parsed = checklist.parse(doc_of(text), CONFIG)
    (e,) = parsed.entries
    assert (e.section, e.loc.line, parsed.title) == (None, 5, "Router release checklist")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Engineering", "SRE", "Security", "Privacy", "Finance", "Legal"]),
            st.sampled_from(["Dana Ruiz", "Tom K.", "", "@omar"]),
            st.sampled_from(["✅ Approved", "Approved", "Yes", "❌ Blocked", "No", "⏳ Pending", "Pending", ""]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["## Sign-off", "## Approvals", "## Go-live checklist"]),
)
def test_signoff_table_round_trip(rows: list[tuple[str, str, str]], heading: str) -> None:
    text = f"# Payments 3.2\n\n{heading}\n\n| Area | Approver | Decision |\n|---|---|---|\n"
    text += "".join(f"| {area} | {who} | {said} |\n" for area, who, said in rows)
    state = {"✅ Approved": True, "Approved": True, "Yes": True, "❌ Blocked": False, "No": False}
    assert checks(text) == [(area, heading[3:], state.get(said)) for area, _, said in rows]
