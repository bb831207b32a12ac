"""List checklist recogniser (`parsers.recognise.checklists`) on the block tree.

The assertions of tests/test_checklist.py (the old line-scanning parser), read through
`parsers.reader.read`; the cases whose documents only the text front end reads (scraped pages:
boxes lost, code spans broken off) are given the tree that front end builds, made here from
`parsers.model` blocks. The golden fixtures of tests/fixtures/checklists pin new shapes through
the tree path: nested sub-tasks and note bullets, check marks in headings over open boxes, front
matter owners, status glyph lists, paragraph headings and trailing fields, box-less readiness lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from parsers.model import Block, Box, Heading, ListItem, Paragraph, Quote, Tree, with_paths
from parsers.reader import read
from parsers.recognise import checklists
from parsers.recognise.common import Context
from parsers.recognise.tables import Verdicts
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.records import Document, ParsedDocument, RawEntry
from pipeline.run import process_document

FIXTURES = Path(__file__).parent / "fixtures"
CONFIG = Config()
GOLDEN_CASES = sorted(p for p in (FIXTURES / "checklists").glob("*.md"))


def doc_of(text: str, path: str = "doc.md") -> Document:
    return Document(path=path, sha256="0" * 64, size=len(text.encode()), text=text, encoding="utf-8")


def parsed(text: str) -> ParsedDocument:
    return read(doc_of(text), CONFIG).parsed


def found(text: str) -> list[RawEntry]:
    return [e for e in parsed(text).entries if e.kind == "check"]


def checks(text: str) -> list[tuple[str, str | None, bool | None]]:
    return [(e.fields["title"], e.section, e.checked) for e in found(text)]


# ---- trees as the text front end builds them ----


def heading(n: int, text: str, level: int = 2) -> Heading:
    return Heading(line=n, end=n, level=level, text=text, marked=text)


def item(n: int, text: str, box: Box | None = None, end: int | None = None, kids: Sequence[Block] = ()) -> ListItem:
    return ListItem(line=n, end=end or n, text=text, marked=text, box=box, children=tuple(kids))


def tree_found(blocks: Sequence[Block], syntax: str = "text") -> list[RawEntry]:
    ctx = Context("page.txt", syntax, CONFIG)
    return checklists.recognise(Tree(syntax, with_paths(blocks)), Verdicts([], ctx), ctx).entries


def tree_checks(blocks: Sequence[Block], syntax: str = "text") -> list[tuple[str, str | None, bool | None]]:
    return [(e.fields["title"], e.section, e.checked) for e in tree_found(blocks, syntax)]


# ---- task lists ----


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
    assert {e.parser for e in found(text)} == {"markdown/checklists"}


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


def test_scraped_plain_text_headings_lose_their_colon() -> None:
    blocks = [
        heading(1, "Payments — Readiness", 1),
        heading(2, "Before launch:"),
        item(3, "Backups restored."),
        Paragraph(line=4, end=4, text="All of these must hold:", marked="All of these must hold:"),
        item(5, "Alerts routed."),
    ]
    assert tree_checks(blocks) == [
        ("Backups restored.", "Before launch", None),
        ("Alerts routed.", "Before launch", None),
    ]


def test_code_fence_boxes_are_not_checks() -> None:
    assert checks("## Steps\n\n```\n- [ ] not a check\n```\n\n- [x] real\n") == [("real", "Steps", True)]


def test_nested_sub_tasks_are_checks_and_plain_sub_bullets_are_notes() -> None:
    text = (
        "# Launch checklist\n\n## Team\n\n- [x] Moderators identified\n  - [x] Ana - Active\n  - [ ] Ben\n"
        "- [ ] Install the packages:\n  - ripgrep\n  - fd\n  - Recommended: 4 vCPU\n"
    )
    assert checks(text) == [
        ("Moderators identified", "Team", True),
        ("Ana - Active", "Team", True),
        ("Ben", "Team", False),
        ("Install the packages:", "Team", False),
    ]
    assert [e.lines for e in found(text)] == [(5,), (6,), (7,), (8,)]


def test_check_mark_in_a_heading_is_decoration() -> None:
    text = (
        "# Checklist\n\n## Security\n\n### ✅ Keys\n\n- [ ] Keys rotated\n- [ ] Vault sealed\n\n"
        "### ✅ Headers ✅\n\n- [ ] HSTS\n"
    )
    assert checks(text) == [
        ("Keys rotated", "Keys", False),
        ("Vault sealed", "Keys", False),
        ("HSTS", "Headers ✅", False),
    ]


def test_annotations_keep_their_parentheses() -> None:
    text = "## Docs\n\n- [ ] Guide _(pending LAUNCH_CHECKLIST review)_\n- [x] Index *(see `make index`)*\n"
    assert checks(text) == [
        ("Guide (pending LAUNCH_CHECKLIST review)", "Docs", False),
        ("Index (see make index)", "Docs", True),
    ]


def test_lazy_continuation_lines_are_the_items_lines() -> None:
    text = "## Docs\n\n- [ ] Runbook linked,\n  with the replay steps\n- [x] Next\n\n  A note on it.\n"
    entries = found(text)
    assert [(e.fields["title"], e.lines) for e in entries] == [
        ("Runbook linked, with the replay steps", (3, 4)),
        ("Next", (5,)),
    ]
    assert all(e.confidence == 1.0 and not e.notes for e in entries)


def test_items_in_a_block_quote() -> None:
    assert checks("## Gate\n\n> - [x] Quoted task\n> - [ ] Another\n") == [
        ("Quoted task", "Gate", True),
        ("Another", "Gate", False),
    ]


def test_non_english_checklists_read_from_their_boxes() -> None:
    es = (
        "# Checklist de Producción\n\n## ✅ COMPLETADO\n\n### Seguridad\n\n- [x] Caché activada\n\n"
        "## 🟡 OPCIONAL\n\n- [ ] Métricas\n"
    )
    assert checks(es) == [("Caché activada", "Seguridad", True), ("Métricas", "OPCIONAL", False)]
    ja = (
        "---\ntitle: リリースチェックリスト\nowner: 運用担当\nstatus: 下書き\n---\n\n"
        "## チェック項目\n- [ ] 監視が有効\n\n## 変更履歴\n- 2026-01-31: 初版\n"
    )
    (entry,) = found(ja)
    assert (entry.fields, entry.section, entry.checked) == ({"title": "監視が有効"}, "チェック項目", False)


# ---- what is never a check ----


def test_risk_fields_are_never_checks() -> None:
    text = (
        "# Pricing — Readiness\n\n## Risks\n\n- **Severity**: High\n- **Mitigation**:\n  1. Cache\n"
        "  - Alert\n\n## Sign-off\n\n- Tech lead ✅\n"
    )
    assert checks(text) == [("Tech lead", "Sign-off", True)]


def test_claimed_lines_are_left_to_the_section_recogniser() -> None:
    blocks = [heading(1, "Readiness", 1), heading(2, "Checks"), item(3, "Backups restored"), item(4, "Alerts routed")]
    ctx = Context("page.txt", "text", CONFIG)
    result = checklists.recognise(Tree("text", with_paths(blocks)), Verdicts([], ctx), ctx, claimed={3})
    assert [e.fields["title"] for e in result.entries] == ["Alerts routed"]


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
    assert checks(text) == [("Tech lead", "Sign-off", True), ("Security", "Sign-off", False)]


def test_register_bullets_are_not_checks() -> None:
    text = (FIXTURES / "checklist" / "register_bullets_not_checks.md").read_text(encoding="utf-8")
    result = parsed(text)
    assert checks(text) == []
    assert {s.reason for s in result.skipped if s.structure == "list"} >= {"not a checklist", "numbered steps"}


def test_scraped_register_page_bullets_are_not_checks() -> None:
    blocks = [
        heading(1, "SERVICE_RISK_REGISTER — lock", 1),
        heading(3, "4. Process"),
        item(5, "Quarterly review: walk the register."),
        item(6, "New risk intake: check postmortems."),
        heading(8, "3. Top-3"),
        ListItem(line=10, end=10, text="R-LOCK-01 — Vendor outage.", marked="R-LOCK-01 — Vendor outage.", number=1),
    ]
    assert tree_checks(blocks) == []


def test_status_glyph_lists_are_not_task_lists() -> None:
    text = (
        "# Engine — Progress Report\n\n## Goals\n\n- ✅ Planner rewritten\n- ⬜ Joins across shards\n"
        "- ⚠️ Cache survives restarts\n"
    )
    assert checks(text) == []
    text = "# Engine — Release checklist\n\n## Goals\n\n- ✅ Planner rewritten\n- ⬜ Joins across shards\n"
    assert checks(text) == [("Planner rewritten", "Goals", True), ("Joins across shards", "Goals", False)]


# ---- scraped pages (the tree the text front end builds) ----


PASSWORD_ITEM = (
    "Password never appears in API responses (automated test asserts absence of password key in GET responses)."
)


def test_scraped_code_span_breaks_come_back_as_items() -> None:
    blocks = [
        heading(1, "Svc — Service Readiness", 1),
        heading(2, "Security"),
        item(3, "security-reviewer agent run, zero critical/high.", end=4),
        item(4, PASSWORD_ITEM, end=5),
        item(5, "Password never appears in NATS payloads."),
        item(6, "Vault policy scoped (no access outside secret/ops/*).", end=7),
        item(7, "mTLS enforced."),
        heading(8, "Data"),
        item(9, "pg_partman configured for ops.health_log partitions.", end=10),
        item(10, "Legacy script executed."),
    ]
    assert tree_checks(blocks) == [
        ("security-reviewer agent run, zero critical/high.", "Security", None),
        (PASSWORD_ITEM, "Security", None),
        ("Password never appears in NATS payloads.", "Security", None),
        ("Vault policy scoped (no access outside secret/ops/*).", "Security", None),
        ("mTLS enforced.", "Security", None),
        ("pg_partman configured for ops.health_log partitions.", "Data", None),
        ("Legacy script executed.", "Data", None),
    ]
    notes = {e.loc.line: e.notes for e in tree_found(blocks)}
    assert notes[3] == ("rejoined with line 4",)
    assert notes[4] == ("split from a joined line 4", "rejoined with line 5")
    assert notes[5] == ("split from a joined line 5",)
    assert notes[10] == ("split from a joined line 10",) and notes[6] == ("rejoined with line 7",)


def test_scraped_lines_of_a_rejoined_item() -> None:
    blocks = [
        heading(1, "Svc — Readiness", 1),
        heading(2, "Docs"),
        item(3, "Linked from ON_CALL.md.", end=4),
        item(5, "Other."),
    ]
    entries = tree_found(blocks)
    assert [(e.loc.line, e.lines, e.fields["title"]) for e in entries] == [
        (3, (3, 4), "Linked from ON_CALL.md."),
        (5, (5,), "Other."),
    ]
    assert entries[0].confidence < 1.0 and entries[0].notes
    assert entries[1].confidence == 1.0 and not entries[1].notes


def test_box_glyph_lines_and_scraped_signoff_lines() -> None:
    blocks = [
        heading(1, "Card Tokenizer — PCI readiness", 1),
        heading(2, "Network"),
        item(3, "Segmented", "ticked"),
        item(4, "ASV scan passed", "unticked"),
        heading(5, "Sign-off"),
        item(6, "Payments Security lead ✅"),
        item(7, "QSA ⚠️"),
        item(8, "Platform lead ❌"),
    ]
    assert tree_checks(blocks) == [
        ("Segmented", "Network", True),
        ("ASV scan passed", "Network", False),
        ("Payments Security lead", "Sign-off", True),
        ("QSA", "Sign-off", None),
        ("Platform lead", "Sign-off", False),
    ]


def test_html_checkbox_lists_and_unknown_boxes() -> None:
    blocks = [
        heading(1, "Gateway go-live", 1),
        heading(2, "Tasks"),
        item(3, "Backups restored", "ticked"),
        item(4, "Load test", "unknown"),
        item(5, "Rollback drill ❌", "unknown"),
        Quote(line=6, end=6, children=(item(6, "Quoted", "unticked"),)),
    ]
    assert tree_checks(blocks, "html") == [
        ("Backups restored", "Tasks", True),
        ("Load test", "Tasks", None),
        ("Rollback drill", "Tasks", False),
        ("Quoted", "Tasks", False),
    ]
    assert {e.parser for e in tree_found(blocks, "html")} == {"html/checklists"}
    # <li>s on one source line are not a scraped line split in two
    same_line = [heading(1, "Tasks"), item(2, "Backups", "ticked"), item(2, "Load test", "unticked")]
    assert [(e.lines, e.notes, e.confidence) for e in tree_found(same_line, "html")] == [((2,), (), 1.0)] * 2


def test_signoff_round_trip_scraped() -> None:
    rows = [("Tech lead", "✅"), ("SRE", "❌"), ("DBA", "☑")]
    blocks = [heading(1, "Release 2.1 — Sign-off", 1), heading(2, "Approvals")]
    blocks += [item(3 + k, f"{who} {mark}") for k, (who, mark) in enumerate(rows)]
    assert tree_checks(blocks) == [(who, "Approvals", mark in "✅✔☑") for who, mark in rows]


# ---- tables, boxes without list markers, owners ----


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
    security = found(text)[4]
    assert security.extra == {"Approver": "Omar", "Decision": "❌ Blocked (DPA)"} and security.loc.line == 16


def test_tables_that_are_not_signoffs_give_no_checks() -> None:
    text = (
        "# Exporter — Risk Assessment\n\n## Known risks\n\n| ID | Risk | Likelihood | Status |\n|---|---|---|---|\n"
        "| R1 | Host key rotates | Medium | Done |\n\n## Testing status\n\n| Test | Status |\n|---|---|\n"
        "| Unit | ✅ PASS |\n| Load | ❌ TODO |\n\n## Owners\n\n| Area | Owner |\n|---|---|\n| API | SRE |\n"
    )
    assert checks(text) == []


def test_box_columns_are_checklists_anywhere() -> None:
    text = "# Exporter — Risk Assessment\n\n## Follow-ups\n\n| Done | Item |\n|---|---|\n| [x] | Rotate keys |\n"
    assert checks(text) == [("Rotate keys", "Follow-ups", True)]


def test_checklist_table_owner_column_is_the_owner() -> None:
    # The state column is a "Status" column: its cell is the check's status too (realdev labels).
    text = "# Svc — Launch readiness\n\n## Operational checks\n\n| Item | Owner | Status |\n|---|---|---|\n"
    text += "| Runbook linked | SRE | ✅ Done |\n| Dashboards reviewed | SRE | Not started |\n"
    first, second = found(text)
    assert (first.fields["title"], first.fields["owner"], first.checked, second.checked) == (
        "Runbook linked",
        "SRE",
        True,
        False,
    )


def test_github_shortcodes_are_marks() -> None:
    # Markdown read before GitHub renders it: ":white_check_mark:" is ✅, ":x:" ❌, ":warning:" ⚠️.
    text = "# Go-Live Readiness\n\n| Check | Status |\n|---|---|\n| Rate limiting enabled | :white_check_mark: |\n"
    text += "| Pen test | :x: |\n| DR drill | :warning: |\n\n## Approvals\n\n- Tech lead :heavy_check_mark:\n"
    text += "- SRE :construction: (drill on Friday)\n"
    assert checks(text) == [
        ("Rate limiting enabled", None, True),
        ("Pen test", None, False),
        ("DR drill", None, None),
        ("Tech lead", "Approvals", True),
        ("SRE (drill on Friday)", "Approvals", None),
    ]


def test_work_not_done_yet_is_not_ticked() -> None:
    # In progress, WIP, Pending, Waiting: not done (false), as "Not started" is; "N/A" and
    # "Partial" stay undecided (NULL), as does an hourglass mark.
    text = "# Reporting cutover checklist\n\n| Task | Status |\n|---|---|\n| Port models | In progress |\n"
    text += "| Repoint BI | Not started |\n| Survey users | WIP |\n| Archive logs | N/A |\n| Drill | ⏳ Waiting |\n"
    text += "\n## Sign-off\n\n| Role | Name | Decision |\n|---|---|---|\n| Product | Ben Osei | Pending |\n"
    text += "| Legal | Ana Ruiz | Waiting on DPA |\n| Finance | Jo Li | Partial |\n"
    assert [checked for _, _, checked in checks(text)] == [False, False, False, None, None, False, False, None]


def test_work_not_done_yet_is_not_ticked_in_every_pack() -> None:
    text = "# Lista de verificación\n\n| Elemento | Hecho |\n|---|---|\n| Migrar modelos | En curso |\n"
    text += "| Copias restauradas | Pendiente |\n| Prueba de carga | Sí |\n"
    assert [checked for _, _, checked in checks(text)] == [False, False, True]
    text = "# Checkliste\n\n| Punkt | Erledigt |\n|---|---|\n| Modelle migrieren | In Arbeit |\n"
    text += "| Lasttest | Ausstehend |\n| Backups | Ja |\n"
    assert [checked for _, _, checked in checks(text)] == [False, False, True]


def test_a_control_column_is_the_item_of_a_table_with_no_title_column() -> None:
    # "Control" (Controllo, Contrôle, Kontrolle) names a risk's mitigation beside a title column,
    # and the item a checklist ticks where there is none.
    text = "# Launch readiness\n\n## Risks\n\n| Risk | Control | Owner | Status |\n|---|---|---|---|\n"
    text += "| Cache stampede | Request coalescing | SRE | Open |\n| Key leak | Vault rotation | Sec | Done |\n"
    text += "\n## Controls\n\n| Control | Done |\n|---|---|\n| Load test at peak | Yes |\n| Restore drill | No |\n"
    entries = parsed(text).entries
    assert [(e.kind, e.fields["title"], e.fields.get("mitigation"), e.checked) for e in entries] == [
        ("risk", "Cache stampede", "Request coalescing", None),
        ("risk", "Key leak", "Vault rotation", None),
        ("check", "Load test at peak", None, True),
        ("check", "Restore drill", None, False),
    ]
    italian = "# Checklist di rilascio\n\n| Controllo | Fatto |\n|---|---|\n| Test di carico | ✅ |\n"
    italian += "| Backup verificato | ❌ |\n"
    assert checks(italian) == [("Test di carico", None, True), ("Backup verificato", None, False)]


def test_a_team_column_is_the_item_of_a_signoff_table_with_nothing_else() -> None:
    # "Team" is a risk's owner beside a title, and a check's owner beside another item column;
    # alone beside the decisions, the teams are what signs off.
    text = "# Cache Readiness Review\n\n## Risks\n\n| Risk | Likelihood | Team |\n|---|---|---|\n"
    text += "| Eviction storm | High | SRE |\n\n## Approvals\n\n| Team | Decision |\n|---|---|\n"
    text += "| SRE | Approved |\n| Security | Blocked |\n\n## Checks\n\n| Area | Team | Decision |\n|---|---|---|\n"
    text += "| Capacity | SRE | Approved |\n"
    entries = parsed(text).entries
    assert [(e.kind, e.fields["title"], e.fields.get("owner"), e.checked) for e in entries] == [
        ("risk", "Eviction storm", "SRE", None),
        ("check", "SRE", None, True),
        ("check", "Security", None, False),
        ("check", "Capacity", "SRE", True),
    ]


def test_bare_box_lines_in_markdown() -> None:
    text = "# Svc release checklist\n\n## Before go-live\n\n[x] Flag in place\n[ ] Status page ready\n\nA note.\n"
    assert checks(text) == [("Flag in place", "Before go-live", True), ("Status page ready", "Before go-live", False)]


def test_owner_at_the_end_of_an_item() -> None:
    text = (
        "## Checks\n\n- [x] SLOs published — Owner: @alice\n- [ ] Probe in every region (Owner: Ravi)\n"
        "- [ ] Ownership documented\n"
    )
    entries = found(text)
    assert [e.fields.get("owner") for e in entries] == ["@alice", "Ravi", None]
    assert entries[0].fields["title"] == "SLOs published — Owner: @alice"
    assert entries[0].headers == {"owner": "Owner"}


def test_several_fields_at_the_end_of_an_item_end_each_other() -> None:
    # A postmortem's action items: the owner ends at the next field, labelled or after its handles.
    text = (
        "## Action items\n\n"
        "- [x] AI-1 Renew PSP certificate (owner: @nina, P0)\n"
        "- [ ] AI-2 Move cert to cert-manager (owner: @platform-team, due 2025-04-30)\n"
        "- [ ] Add probe — Owner: @sre, Priority: P1\n"
        "- [ ] Add probe two — Owner: @sre; Due: 2025-05-01\n"
    )
    entries = found(text)
    assert [e.fields.get("owner") for e in entries] == ["@nina", "@platform-team", "@sre", "@sre"]
    assert entries[2].fields.get("severity") == "P1"


def test_mark_before_an_aside_and_heavy_cross() -> None:
    text = "# Release — Sign-off\n\n## Approvals\n\n- SRE ⚠️ (waiting on the drill)\n- Security ✅ — Jo, 2026-04-02\n"
    text += "- Legal ✖️\n"
    assert checks(text) == [
        ("SRE (waiting on the drill)", "Approvals", None),
        ("Security — Jo, 2026-04-02", "Approvals", True),
        ("Legal", "Approvals", False),
    ]


def test_front_matter_is_not_a_section() -> None:
    text = "---\ntitle: Router release checklist\nservice: router\n---\n- [x] Changelog updated\n\n```\nmake\n```\n"
    result = parsed(text)
    (e,) = result.entries
    assert (e.section, e.loc.line, result.title) == (None, 5, "Router release checklist")


# ---- properties ----


def _read_within_lines(text: str) -> None:
    try:
        result = read(doc_of(text), CONFIG).parsed
    except ParseError:
        return
    except BaseException as err:
        # markdown-it-pyrs panics on a lone backtick after "[" above a table delimiter row (a Rust
        # panic is a BaseException); pinned by test_markdown_front_end_panic_is_a_parse_error.
        if type(err).__name__ != "PanicException":
            raise
        reject()
    n_lines = len(text.split("\n"))
    for entry in result.entries:
        if entry.kind != "check":
            continue
        assert entry.fields["title"]
        assert 1 <= entry.loc.line <= n_lines
        assert all(1 <= line <= n_lines for line in entry.lines) and entry.loc.line in entry.lines


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_reads_within_lines(text: str) -> None:
    _read_within_lines(text)


LINE_SHAPES = [
    "- [ ] Item one",
    "- [x] Done",
    "-",
    "## Heading",
    "### ✅ Decorated",
    "Docs",
    "- Tech lead ✅",
    "- ⬜ glyph",
    "1. [x] ordered",
    "1. step",
    "```",
    "**Bold**",
    "  - [X] nested",
    "    - plain note",
    "Sign-off",
    "## Sign-off",
    "- **Severity**: High",
    "• bullet",
    "| a | b |",
    "",
    "   ",
    "⚠️",
    "> - [ ] quoted",
    "# Title",
    "[x] bare box",
    "☑ glyph box",
    "☐",
    "| Area | Decision |",
    "|---|---|",
    "| SRE | ✅ Approved |",
    "- [ ] item — Owner: @alice",
    "- [ ] x (Owner: ",
    "---",
    "title: x",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(LINE_SHAPES), st.text(max_size=20)), max_size=30))
def test_checklist_like_text_reads_within_lines(lines: list[str]) -> None:
    _read_within_lines("\n".join(lines))


WORDS = ["backups", "restored", "alerts", "routed", "load", "test", "rollback", "staging", "runbook", "linked", "vault"]
SECTIONS = ["Docs", "Code + Tests", "Security", "Infra / Rollout", "Pre-launch checks"]
phrase = st.lists(st.sampled_from(WORDS), min_size=2, max_size=7).map(lambda ws: " ".join(ws).capitalize())
sections = st.lists(
    st.tuples(st.sampled_from(SECTIONS), st.lists(st.tuples(phrase, st.booleans()), min_size=1, max_size=5)),
    min_size=1,
    max_size=4,
    unique_by=lambda s: s[0],
)


@settings(max_examples=100, deadline=None)
@given(sections, st.sampled_from(["## ", "### ", "## ✅ ", "## 🔒 "]), st.data())
def test_markdown_task_list_round_trip(secs, prefix: str, data: st.DataObject) -> None:
    lines = ["# Svc — Readiness", "", "Owner: SRE", ""]
    want = []
    for name, items in secs:
        lines += [f"{prefix}{name}", ""]
        for text, done in items:
            box = data.draw(st.sampled_from(["- [x]", "- [X]", "* [x]", "1. [x]"] if done else ["- [ ]", "* [ ]"]))
            lines.append(f"{box} {text}")
            want.append((text, name, done))
        lines.append("")
    assert checks("\n".join(lines)) == want


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Tech lead", "SRE", "Security", "Product owner", "DBA"]),
            st.sampled_from(["✅", "✔", "☑", "❌", "✗"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_signoff_round_trip(rows: list[tuple[str, str]]) -> None:
    text = "# Release 2.1 — Sign-off\n\n## Approvals\n\n" + "\n".join(f"- {who} {mark}" for who, mark in rows) + "\n"
    assert checks(text) == [(who, "Approvals", mark in "✅✔☑") for who, mark in rows]


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
def test_signoff_table_round_trip(rows: list[tuple[str, str, str]], head: str) -> None:
    text = f"# Payments 3.2\n\n{head}\n\n| Area | Approver | Decision |\n|---|---|---|\n"
    text += "".join(f"| {area} | {who} | {said} |\n" for area, who, said in rows)
    state = {"✅ Approved": True, "Approved": True, "Yes": True, "❌ Blocked": False, "No": False, "Pending": False}
    assert checks(text) == [(area, head[3:], state.get(said)) for area, _, said in rows]


def test_markdown_front_end_panic_is_a_parse_error() -> None:
    try:
        read(doc_of("## A\n[`\n|---|---|\n"), CONFIG)
    except ParseError:
        pass
    except BaseException as err:  # noqa: BLE001 - the Rust panic is what this test pins
        pytest.fail(f"{type(err).__name__}: {err}")


def test_hostile_lines_read_in_linear_time() -> None:
    text = "## Checks\n\n- [ ] " + " - a: b" * 20_000 + "\n- [ ] x" + " (Owner: " * 20_000 + "\n"
    assert len(found(text)) == 2


TOC_CHECKLIST = """\
# Widget Launch Readiness

- [Engineering](#engineering)
- [Support](#support)

## Engineering

- Feature flag wired
- See [the runbook](#support) before launch

## Support

- Macros written
"""

TOC_CHECKLIST_HTML = """\
<html><body><h1>Widget Launch Readiness</h1>
<ul><li><a href="#engineering">Engineering</a></li>
<li><a href="#support">Support</a></li></ul>
<h2 id="engineering">Engineering</h2>
<ul><li>Feature flag wired</li>
<li><a href="https://wiki.example/runbook">Runbook</a></li></ul>
</body></html>
"""


def test_a_table_of_contents_is_navigation_not_checks() -> None:
    assert [title for title, _, _ in checks(TOC_CHECKLIST)] == [
        "Feature flag wired",
        "See the runbook before launch",
        "Macros written",
    ]
    html = [e.fields["title"] for e in read(doc_of(TOC_CHECKLIST_HTML, "ready.html"), CONFIG).parsed.entries]
    assert html == ["Feature flag wired", "Runbook"]


def test_a_field_on_the_items_next_line_is_split_off_as_on_one_line() -> None:
    text = (
        "# Launch Checklist\n\n"
        "- [ ] SLA alerts configured\n"
        "  Owner: @data-oncall\n"
        "- [x] Rollback rehearsed\n"
        "  with the on-call DBA\n"
        "- [ ] Status page wired — Owner: @sre\n"
    )
    got = [(e.fields["title"], e.fields.get("owner")) for e in found(text)]
    assert got == [
        ("SLA alerts configured", "@data-oncall"),
        ("Rollback rehearsed with the on-call DBA", None),
        ("Status page wired — Owner: @sre", "@sre"),
    ]


DETAILS_CHECKLIST = """\
# Release checklist

<details>
<summary>Before the freeze</summary>

- [x] Branches merged

</details>

- [ ] Smoke tests on staging
"""

DETAILS_CHECKLIST_HTML = """\
<html><body><h1>Release checklist</h1>
<details><summary>Before the freeze</summary>
<ul><li><input type="checkbox" checked> Branches merged</li></ul>
</details>
<ul><li><input type="checkbox"> Smoke tests on staging</li></ul>
</body></html>
"""


def test_a_details_summary_heads_only_what_the_details_hold() -> None:
    expected = [("Branches merged", "Before the freeze", True), ("Smoke tests on staging", None, False)]
    assert checks(DETAILS_CHECKLIST) == expected
    html = read(doc_of(DETAILS_CHECKLIST_HTML, "release.html"), CONFIG).parsed.entries
    assert [(e.fields["title"], e.section, e.checked) for e in html] == expected


def test_a_ballot_box_with_x_is_ticked_in_a_cell_as_before_an_item() -> None:
    # Word's and Google Docs' ticked box is ☒: it read as ticked before a list item and as "not
    # done" in a table's Done column.
    table = "# Readiness checklist\n\n| Done | Item |\n|---|---|\n| ☒ | On-call rota published |\n| ☐ | Runbook |\n"
    listed = "# Readiness checklist\n\n- ☒ On-call rota published\n- ☐ Runbook\n"
    expected = [("On-call rota published", True), ("Runbook", False)]
    assert [(title, checked) for title, _, checked in checks(table)] == expected
    assert [(title, checked) for title, _, checked in checks(listed)] == expected


def test_the_marks_of_japanese_and_chinese_forms_say_the_state() -> None:
    # ○ (maru) and √ are how these forms tick an item, × refuses it, △ is partly: all read as unknown.
    table = (
        "# 本番リリース前チェック\n\n| 確認項目 | 結果 | 担当 |\n|---|---|---|\n"
        "| バックアップ取得 | ○ | 佐藤 |\n| 監視アラート | × | 田中 |\n| 負荷試験 | △ | 鈴木 |\n"
    )
    assert [(title, checked) for title, _, checked in checks(table)] == [
        ("バックアップ取得", True),
        ("監視アラート", False),
        ("負荷試験", None),
    ]
    listed = "# 上线检查清单\n\n- √ 数据库备份\n- × 压测\n"
    assert [(title, checked) for title, _, checked in checks(listed)] == [("数据库备份", True), ("压测", False)]


def test_a_readiness_table_of_requirements_is_a_checklist_under_any_heading() -> None:
    # Under a title that does not say checklist, "| # | Requirement | In place? |" loaded its rows as
    # risks "1", "2" with empty titles.
    text = (
        "# Business Continuity Assessment\n\n| # | Requirement | In place? | Owner |\n|---|---|---|---|\n"
        "| 1 | Call tree tested | Partial | Support Ops |\n| 2 | Annual BCP exercise | No | Risk |\n"
        "| 3 | Alternate site agreed | Yes | Facilities |\n"
    )
    found = process_document("bcp.md", text.encode(), Config()).entries
    assert [(e.kind, e.fields["title"], e.checked) for e in found] == [
        ("check", "Call tree tested", None),
        ("check", "Annual BCP exercise", False),
        ("check", "Alternate site agreed", True),
    ]
