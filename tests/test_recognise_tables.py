"""The table verdict and register rows, read through the document model (parsers.reader)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.model import Row, Table
from parsers.reader import read
from parsers.recognise.common import Context
from parsers.recognise.registers import OTHER_LOG_ROW, TOTALS_ROW
from parsers.recognise.tables import verdict
from pipeline.cli import main
from pipeline.config import Config
from pipeline.records import Document
from pipeline.run import process_document

FIXTURES = Path(__file__).parent / "fixtures" / "tables"


def doc(text: str, path: str = "register.md") -> Document:
    return Document(path=path, sha256="0" * 64, size=len(text.encode()), text=text, encoding="utf-8")


def table(header: tuple[str, ...], *rows: tuple[str, ...], heading: str = "") -> Table:
    path = ((2, heading),) if heading else ()
    return Table(
        line=1,
        end=len(rows) + 2,
        header=header,
        rows=tuple(Row(k + 3, r) for k, r in enumerate(rows)),
        path=path,
    )


CTX = Context("x.md", "markdown")


def test_register_verdict_names_its_columns() -> None:
    v = verdict(table(("ID", "Risk", "Likelihood", "Owner"), ("R1", "Vault sealed", "High", "SRE")), CTX)
    assert (v.kind, v.fields) == ("register", ("entry_id", "title", "likelihood", "owner"))


def test_the_number_of_what_the_title_names_is_the_id() -> None:
    # "Risk #" folds to "Risk": it was read as the title, the ids as titles, the description lost.
    text = "| Risk # | Description | Likelihood | Impact | Ticket # |\n|---|---|---|---|---|\n"
    text += "| WM-101 | Scanner firmware update bricks handhelds | M | H | OPS-88 |\n"
    (entry,) = read(doc(text), Config()).parsed.entries
    assert entry.fields == {
        "entry_id": "WM-101",
        "title": "Scanner firmware update bricks handhelds",
        "likelihood": "M",
        "impact": "H",
    }
    assert entry.headers["entry_id"] == "Risk #" and entry.extra == {"Ticket #": "OPS-88"}
    v = verdict(table(("Item No.", "Threat #", "Priority #"), ("7", "Replay", "High")), CTX)
    assert v.fields == ("entry_id", None, "severity")


# A zero-width space, a word joiner and a stray byte-order mark around an id and a title, as
# pages and chat tools leave them: invisible, so gone from what every front end reads.
Z, W, B = "\u200b", "\u2060", "\ufeff"
INVISIBLE_AROUND_CELLS = {
    "register.md": f"# Reg\n\n| ID | Risk | Likelihood |\n|---|---|---|\n| {Z}WM-101{B} | {W}Scanner bricks{Z} | L |\n",
    "register.html": (
        f"<table><tr><th>ID</th><th>Risk</th><th>Likelihood</th></tr><tr><td>{Z}WM-101{B}</td>"
        f"<td>{W}Scanner <b>bricks</b>{Z}</td><td>High</td></tr></table>\n"
    ),
    "register.wiki": f"h1. Reg\n\n||ID||Risk||Likelihood||\n|{Z}WM-101{B}|{W}Scanner bricks{Z}|High|\n",
    "register.rst": (
        f"Reg\n===\n\n.. list-table::\n   :header-rows: 1\n\n   * - ID\n     - Risk\n     - Likelihood\n"
        f"   * - {Z}WM-101{B}\n     - {W}Scanner bricks{Z}\n     - High\n"
    ),
    "register.adoc": f"= Reg\n\n|===\n|ID |Risk |Likelihood\n\n|{Z}WM-101{B} |{W}Scanner bricks{Z} |High\n|===\n",
    "register.org": (
        f"#+TITLE: Reg\n\n* Risks\n\n| ID | Risk | Likelihood |\n|----+------+------------|\n"
        f"| {Z}WM-101{B} | {W}Scanner bricks{Z} | High |\n"
    ),
    "register.csv": f"ID,Risk,Likelihood\n{Z}WM-101{B},{W}Scanner bricks{Z},High\n",
    "register.txt": f"Payments Risk Register\n\n{Z}WM-101{B}: {W}Scanner bricks{Z}\nLikelihood: High\nOwner: SRE\n",
}


@pytest.mark.parametrize("name", sorted(INVISIBLE_AROUND_CELLS))
def test_invisible_characters_around_cells_are_gone_in_every_front_end(name: str) -> None:
    (entry,) = read(doc(INVISIBLE_AROUND_CELLS[name], name), Config()).parsed.entries
    assert (entry.fields["entry_id"], entry.fields["title"]) == ("WM-101", "Scanner bricks")


def test_a_priority_column_in_a_test_case_table_does_not_make_a_register() -> None:
    v = verdict(table(("Test case", "Expected result", "Priority"), ("Login", "Redirect", "High")), CTX)
    assert (v.kind, v.reason) == ("skip", "test cases")


def test_heading_names_what_the_table_is_not_the_document_title() -> None:
    glossary = table(("Term", "Definition"), ("RPO", "Recovery point"), heading="Glossary")
    assert verdict(glossary, CTX).reason == "glossary"
    kri = table(("KRI", "Threshold", "Status"), ("Lag", "> 5 min", "Green"), heading="Key risk indicators")
    assert verdict(kri, CTX).reason == "key risk indicators"


def test_action_plan_with_ids_only_completes_entries() -> None:
    found = read(doc((FIXTURES / "distractor_tables_beside_register.md").read_text()), Config()).parsed
    supplements = [e for e in found.entries if e.supplement]
    assert [e.fields["entry_id"] for e in supplements] == ["LS-1", "LS-3", "LS-9"]
    reasons = {s.reason for s in found.skipped}
    assert {"test cases", "compliance mapping", "key risk indicators", "change history", "glossary"} <= reasons


def test_rank_column_is_not_a_severity() -> None:
    rows = [(str(n), f"risk {n}", "High", str(r)) for n, r in zip(range(1, 5), (3, 1, 4, 2), strict=True)]
    v = verdict(table(("ID", "Risk", "Impact", "Priority"), *rows), CTX)
    assert v.fields == ("entry_id", "title", "impact", None)
    rated = [(str(n), f"risk {n}", "High", p) for n, p in zip(range(1, 5), ("High", "Low", "High", "Low"), strict=True)]
    assert verdict(table(("ID", "Risk", "Impact", "Priority"), *rated), CTX).fields[3] == "severity"


def test_a_column_naming_its_field_overall_beats_one_naming_a_part_of_it() -> None:
    # NIST SP 800-30 Table I-5: the likelihood of initiation and the severity are factors of the
    # overall likelihood and the risk the table states.
    header = ("Threat Event", "Likelihood of Attack Initiation", "Severity and Pervasiveness", "Overall Likelihood",
              "Level of Impact", "Risk")  # fmt: skip
    rows = [("Exploit unpatched VPN appliance", "Moderate", "Moderate", "High", "Very High", "Very High"),
            ("DDoS against the public booking site", "Moderate", "Low", "Low", "Moderate", "Low")]  # fmt: skip
    v = verdict(table(header, *rows), CTX)
    assert v.fields == ("title", None, None, "likelihood", "impact", "severity")
    # A rating before mitigation still beats one after it, whatever names the field as a whole.
    staged = table(("ID", "Inherent likelihood", "Residual risk", "Severity"), ("R1", "High", "Low", "High"))
    assert verdict(staged, CTX).fields == ("entry_id", "likelihood", None, "severity")


def test_a_severity_multiplied_into_the_score_is_the_impact() -> None:
    text = (FIXTURES / "hazard_log_probability_severity.md").read_text()
    entries = process_document("hazards.md", text.encode(), Config()).entries
    ratings = ("likelihood", "impact", "severity")
    rated = {e.fields["entry_id"]: tuple(e.fields.get(f) for f in ratings) for e in entries}
    assert rated["TI-01"] == ("4", "3", None)
    assert rated["TI-02"] == ("2", "5", None)
    # Beside a likelihood alone (no score it is a factor of), a severity stays the severity.
    assert rated["DQ-1"] == ("Low", None, "Medium")


def test_a_group_header_row_over_a_row_of_labels_is_read_as_one_header() -> None:
    text = (FIXTURES / "grouped_header_pipe_table.md").read_text()
    entries = process_document("robots.md", text.encode(), Config()).entries
    assert [(e.fields["entry_id"], e.fields["likelihood"], e.fields["impact"]) for e in entries] == [
        ("W1", "4", "4"),
        ("W2", "2", "5"),
        ("W3", "2", "5"),
    ]
    assert entries[0].fields["owner"] == "Floor Ops"
    assert entries[0].extra == {"Residual Likelihood": "2", "Residual Impact": "3"}
    assert entries[0].loc.line == 8  # the row's own line, the row of labels not an entry


def test_a_card_table_with_an_empty_corner_is_one_risk_per_column() -> None:
    text = (FIXTURES / "risk_cards_blank_corner.md").read_text()
    entries = process_document("cards.md", text.encode(), Config()).entries
    read = [(e.fields.get("entry_id"), e.fields["title"], e.fields["impact"]) for e in entries]
    assert read == [
        (None, "Cache poisoning via Vary header", "High"),
        (None, "Origin shield overload", "High"),
        (None, "TLS cert expiry on POPs", "Critical"),
        ("NET-1", "Anycast route leak", "Critical"),  # ids over the columns are the risks' ids
        ("NET-2", "DDoS scrubbing saturated", "High"),
    ]


@pytest.mark.parametrize(
    ("header", "cell", "score"),
    [
        ("L / I", "H / M", None),
        ("L / I", "3 × 4 = 12", "12"),
        ("Likelihood / Impact", "L:3 I:4", None),
        ("Rating", "L=3, I=4", None),
        ("L × I", "3 x 4 = 12", "12"),
        ("Score (L × I)", "3 × 4 = 12", "12"),
        ("Risk score (P x I)", "3 * 4", None),
    ],
)
def test_one_column_holding_both_ratings(header: str, cell: str, score: str | None) -> None:
    text = f"# Risks\n\n| ID | Risk | {header} | Owner |\n|---|---|---|---|\n| R1 | Disk fills | {cell} | SRE |\n"
    (e,) = process_document("r.md", text.encode(), Config()).entries
    want = ("H", "M") if cell == "H / M" else ("3", "4")
    assert (e.fields.get("likelihood"), e.fields.get("impact"), e.fields.get("score")) == (*want, score)


def test_a_header_ending_in_an_owner_word_is_the_owner_unless_it_names_a_rating() -> None:
    header = ("ID", "Risk", "Likelihood", "Impact on team", "Remediation owner")
    v = verdict(table(header, ("R1", "Vault sealed", "High", "Medium", "SRE")), CTX)
    assert v.fields == ("entry_id", "title", "likelihood", "impact", "owner")


def test_matrix_and_legend_are_legends() -> None:
    matrix = table(("Impact \\ Likelihood", "Low", "Medium", "High"), ("High", "Medium", "High", "Critical"))
    assert verdict(matrix, CTX).kind == "legend"
    scale = table(("Score", "Likelihood"), ("1", "Rare"), ("2", "Unlikely"), heading="Scoring")
    assert verdict(scale, CTX).kind == "legend"


def test_explain_shows_verdicts_entries_and_skips() -> None:
    result = CliRunner().invoke(main, ["explain", str(FIXTURES / "distractor_tables_beside_register.md")])
    assert result.exit_code == 0, result.output
    assert "read as markdown" in result.output
    assert "-> register (register), 3 entries" in result.output
    assert "table (test cases): Test case | Steps" in result.output
    assert "entries: 3 risks, 0 checks" in result.output


CELLS = st.text(alphabet=st.sampled_from(list("ab12 |-HighLowR*~`")), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=5), st.lists(st.lists(CELLS, max_size=6), max_size=6))
def test_verdict_never_fails_and_register_rows_stay_in_the_table(header: list[str], rows: list[list[str]]) -> None:
    t = table(tuple(header), *(tuple(r) for r in rows))
    v = verdict(t, CTX)
    assert v.kind in ("register", "card", "supplement", "checklist", "legend", "fields", "properties", "skip")
    assert v.reason


def test_markdown_parser_panic_is_not_a_crash_and_the_rest_of_the_document_reads() -> None:
    """markdown-it-pyrs panics on "[`" (a backtick run in a link label nothing closes): the text is
    read again with its backticks escaped, so a stray "[`" costs its code spans, not the document."""
    table = b"| ID | Risk | Impact |\n|---|---|---|\n| R1 | Vault `x` down | High |\n"
    result = process_document("panic.md", b"## A\n[`\n|---|---|\n\n" + table, Config())
    assert not any("internal error" in r.reason for r in result.rejections)
    assert [(e.fields["entry_id"], e.fields["title"]) for e in result.entries] == [("R1", "Vault `x` down")]


def test_deep_nesting_and_emphasis_are_read_without_running_out_of_stack() -> None:
    deep_list = (
        "".join("  " * i + "- x\n" for i in range(300)) + "\n| ID | Risk | Impact |\n|---|---|---|\n| R1 | a | High |\n"
    )
    assert [e.fields["entry_id"] for e in read(doc(deep_list), Config()).parsed.entries] == ["R1"]
    quotes = ">" * 3000 + " x\n\n| ID | Risk | Impact |\n|---|---|---|\n| R1 | a | High |\n"
    assert len(read(doc(quotes), Config()).parsed.entries) == 1
    stars = "*" * 20000 + "x" + "*" * 20000
    read(doc(stars), Config())


def test_a_table_that_rates_its_rows_is_a_register_whatever_a_column_or_heading_says() -> None:
    # An ISO 27001 risk treatment plan: an "Annex A control" column made it a compliance mapping,
    # the heading "Risk treatment plan" an action plan whose every row was dropped.
    found = read(doc((FIXTURES / "iso_risk_treatment_plan_annex_column.md").read_text()), Config()).parsed
    risks = [e for e in found.entries if not e.supplement]
    assert [(e.fields["entry_id"], e.fields["likelihood"], e.fields["owner"]) for e in risks] == [
        ("RTP-01", "4", "IT Operations"),
        ("RTP-02", "2", "Infrastructure Manager"),
    ]
    assert [e.fields["entry_id"] for e in found.entries if e.supplement] == ["RTP-01"]
    assert "compliance mapping" in {s.reason for s in found.skipped}
    plan = ("ID", "Risk", "Likelihood", "Impact", "Owner")
    row = ("R1", "Stuffing", "4", "5", "IT")
    assert verdict(table(plan, row), CTX).kind == "register"
    assert verdict(table(plan, row, heading="Risk treatment plan"), CTX).kind == "register"
    mapping = table(("Control ID", "Requirement", "Risk", "Annex A control"), ("C1", "MFA", "R1", "A.5.17"))
    assert verdict(mapping, CTX).reason == "compliance mapping"


# A vendor assessment's findings table in each pack's words: "Finding ID | Finding" named no id
# or title, so the table was skipped.
FINDINGS_HEADERS = {
    "en": ("Finding ID", "Finding", "Severity"),
    "es": ("ID del hallazgo", "Hallazgo", "Severidad"),
    "fr": ("ID du constat", "Constat", "Gravité"),
    "de": ("Befund Nr", "Befund", "Schweregrad"),
    "it": ("ID rilievo", "Rilievo", "Gravità"),
    "nl": ("Bevinding ID", "Bevinding", "Ernst"),
    "pt": ("ID do achado", "Achado", "Severidade"),
}


def test_a_findings_table_names_its_rows() -> None:
    text = (FIXTURES / "vendor_findings_table.md").read_text()
    entries = read(doc(text), Config()).parsed.entries
    assert [(e.fields["entry_id"], e.fields["title"], e.fields["severity"]) for e in entries] == [
        ("VSA-01", "SSO not enforced for customer admins", "High"),
        ("VSA-02", "TLS 1.0 still enabled on the API gateway", "Medium"),
    ]


@pytest.mark.parametrize("language", sorted(FINDINGS_HEADERS))
def test_finding_labels_name_the_id_and_title_in_every_pack(language: str) -> None:
    header = FINDINGS_HEADERS[language]
    text = f"| {' | '.join(header)} |\n|---|---|---|\n| F-1 | TLS 1.0 enabled | High |\n"
    (entry,) = read(doc(text), Config()).parsed.entries
    assert (entry.fields["entry_id"], entry.fields["title"]) == ("F-1", "TLS 1.0 enabled")


def test_a_header_ending_in_an_owner_word_names_the_owner() -> None:
    # "Remediation owner" and "Treatment owner" filled the mitigation with a team's name.
    text = (FIXTURES / "remediation_and_treatment_owner_headers.md").read_text()
    entries = read(doc(text), Config()).parsed.entries
    assert [(e.fields["owner"], e.fields.get("mitigation")) for e in entries] == [
        ("Acme Security Engineering", "Enforce SSO for every admin"),
        ("Identity SRE", None),
    ]
    spanish = "| ID | Riesgo | Remediación | Responsable de la remediación |\n|---|---|---|---|\n"
    (entry,) = read(doc(spanish + "| R-1 | SSO no aplicado | Aplicar SSO | Seguridad |\n"), Config()).parsed.entries
    assert (entry.fields["owner"], entry.fields["mitigation"]) == ("Seguridad", "Aplicar SSO")


def test_a_raid_logs_other_rows_are_not_risks() -> None:
    # A RAID log in one table: its assumptions, issues and dependencies all loaded as risks.
    text = (FIXTURES / "raid_log_one_table.csv").read_text()
    found = read(doc(text, "raid.csv"), Config()).parsed
    assert [e.fields["entry_id"] for e in found.entries] == ["R01", "R02"]
    assert [(s.line, s.structure, s.detail) for s in found.skipped] == [
        (3, "row", "Assumption A01"),
        (4, "row", "Issue I01"),
        (5, "row", "Dependency D01"),
    ]
    assert {s.reason for s in found.skipped} == {OTHER_LOG_ROW}
    # In another pack's words; a "Risk type" of "Dependency" is a kind of risk, and stays.
    spanish = "| ID | Tipo | Riesgo | Probabilidad |\n|---|---|---|---|\n| R1 | Riesgo | Caída | Alta |\n"
    spanish += "| S1 | Supuesto | Contrato renovado | |\n"
    assert [e.fields["entry_id"] for e in read(doc(spanish), Config()).parsed.entries] == ["R1"]
    typed = "| ID | Risk type | Risk | Likelihood |\n|---|---|---|---|\n| R1 | Dependency | SDK late | High |\n"
    assert [e.fields["entry_id"] for e in read(doc(typed), Config()).parsed.entries] == ["R1"]


def test_the_other_logs_of_a_raid_document_are_not_registers_in_any_pack() -> None:
    # The words saying so were English in code: a German or Japanese RAID document's issues and
    # decisions tables loaded as risks beside its register.
    german = (
        "## Risiken\n\n| Nr | Risiko | Wahrscheinlichkeit | Verantwortlich |\n|---|---|---|---|\n"
        "| R1 | Lieferant fällt aus | hoch | Einkauf |\n\n"
        "## Offene Punkte\n\n| Nr | Beschreibung | Verantwortlich | Fällig |\n|---|---|---|---|\n"
        "| OP-1 | Vertrag liegt nicht unterschrieben vor | Recht | 2026-04-01 |\n\n"
        "## Entscheidungen\n\n| Nr | Beschreibung | Verantwortlich | Datum |\n|---|---|---|---|\n"
        "| E-1 | Zweiter Lieferant wird beauftragt | Einkauf | 2026-03-02 |\n"
    )
    assert [e.fields["entry_id"] for e in process_document("raid.md", german.encode(), Config()).entries] == ["R1"]
    japanese = (
        "## リスク一覧\n\n| ID | リスク | 発生可能性 | 担当者 |\n|---|---|---|---|\n"
        "| R-1 | 決済代行の障害 | 高 | 佐藤 |\n\n"
        "## 課題一覧\n\n| No | 内容 | 担当者 | 期限 |\n|---|---|---|---|\n"
        "| K-1 | 監視の閾値が未定 | 鈴木 | 4月末 |\n"
    )
    assert [e.fields["entry_id"] for e in process_document("raid.md", japanese.encode(), Config()).entries] == ["R-1"]
    # A heading naming risks beside issues keeps its table a register, in any pack.
    both = "## Risiken und offene Punkte\n\n| Nr | Beschreibung | Verantwortlich |\n|---|---|---|\n"
    both += "| R1 | Lieferant fällt aus | Einkauf |\n"
    assert [e.fields["entry_id"] for e in process_document("raid.md", both.encode(), Config()).entries] == ["R1"]


def test_a_totals_row_ending_a_register_is_no_risk() -> None:
    # A spreadsheet's totals row ("Total | 3 risks | | 26") loaded as a risk with id "Total".
    text = (
        "## Payments risks\n\n| ID | Risk | Likelihood | Impact | Score |\n|---|---|---|---|---|\n"
        "| P-1 | Card tokenisation outage | 3 | 5 | 15 |\n| P-2 | Refund double-posts | 2 | 4 | 8 |\n"
        "| | | | | |\n| Total | 2 risks | | | 23 |\n"
    )
    found = read(doc(text), Config()).parsed
    assert [e.fields["entry_id"] for e in found.entries] == ["P-1", "P-2"]
    assert [(s.line, s.structure, s.reason, s.detail) for s in found.skipped] == [
        (8, "row", TOTALS_ROW, "Total | 2 risks | 23")
    ]
    # In another pack's words, the id column left empty; a "Total" row that is not the last is a row.
    german = "| ID | Risiko | Wahrscheinlichkeit |\n|---|---|---|\n| R1 | Ausfall | Hoch |\n| | Summe | |\n"
    assert [e.fields["entry_id"] for e in read(doc(german), Config()).parsed.entries] == ["R1"]
    middle = "| ID | Risk | Likelihood |\n|---|---|---|\n| Total | Total outage | High |\n| R2 | DNS | Low |\n"
    assert [e.fields["entry_id"] for e in read(doc(middle), Config()).parsed.entries] == ["Total", "R2"]


def test_a_rated_table_headed_issue_is_a_register() -> None:
    # "Issue" as the title header made the table another log of a RAID document, though it rates
    # its rows: nothing was loaded.
    text = (
        "# Marketplace API review\n\n## Findings\n\n| Ref | Issue | Likelihood | Impact | Owner |\n"
        "|---|---|---|---|---|\n| MA-1 | IDOR on orders | High | High | Orders |\n"
    )
    (entry,) = read(doc(text), Config()).parsed.entries
    assert (entry.fields["entry_id"], entry.fields["title"]) == ("MA-1", "IDOR on orders")
    assert (entry.fields["likelihood"], entry.fields["impact"]) == ("High", "High")
    # An issues log that rates nothing stays skipped.
    log = "## Notes\n\n| Ref | Issue | Owner | Due |\n|---|---|---|---|\n| I-1 | Contract unsigned | Legal | May |\n"
    assert read(doc(log), Config()).parsed.entries == []


def test_a_rated_gap_assessment_is_a_register() -> None:
    # A SOC 2 or ISO 27001 gap assessment's table loaded nothing ("no id or title column"), its
    # risks with empty titles, or was skipped as a compliance mapping though it rates its rows.
    soc2 = (
        "# Readiness\n\n## SOC 2 gap assessment\n\n| Control ID | Gap | Risk rating | Owner | Due date |\n"
        "|---|---|---|---|---|\n| CC6.1 | No quarterly access reviews for AWS | High | Cloud Platform | 2025-06-30 |\n"
        "| PR.AC-1 | Shared break-glass account | Medium | IT | 2025-07-31 |\n"
    )
    found = [
        (e.fields["entry_id"], e.fields["title"], e.fields["severity"])
        for e in read(doc(soc2), Config()).parsed.entries
    ]
    assert found == [
        ("CC6.1", "No quarterly access reviews for AWS", "High"),
        ("PR.AC-1", "Shared break-glass account", "Medium"),
    ]
    iso = (
        "# ISO 27001 gap assessment\n\n## Annex A\n\n| Annex A ref | Control | Gap | Likelihood | Impact | Owner |\n"
        "|---|---|---|---|---|---|\n| A.8.13 | Information backup | Restores never tested | 2 | 5 | DBA |\n"
    )
    (entry,) = read(doc(iso), Config()).parsed.entries
    assert (entry.fields["entry_id"], entry.fields["title"], entry.fields["impact"]) == (
        "A.8.13",
        "Restores never tested",
        "5",
    )
    # In another pack's words, with an id column of its own.
    german = (
        "| Nr | Lücke | Wahrscheinlichkeit | Auswirkung |\n|---|---|---|---|\n| L1 | Kein Notfallplan | hoch | hoch |\n"
    )
    (entry,) = read(doc(german), Config()).parsed.entries
    assert (entry.fields["entry_id"], entry.fields["title"]) == ("L1", "Kein Notfallplan")
    # A compliance mapping that rates nothing stays skipped, and a control column of measures is no id.
    mapping = (
        "# ISO 27001\n\n## Control mapping\n\n| Control ID | Control | Gap | Owner |\n|---|---|---|---|\n"
        "| A.8.13 | Information backup | Restores never tested | DBA |\n"
    )
    assert read(doc(mapping), Config()).parsed.entries == []
    measures = "| Control | Risk | Likelihood | Impact |\n|---|---|---|---|\n| Enforce MFA | Phishing | High | High |\n"
    (entry,) = read(doc(measures), Config()).parsed.entries
    assert (entry.fields.get("entry_id"), entry.fields["mitigation"]) == (None, "Enforce MFA")
