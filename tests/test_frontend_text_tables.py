"""parsers.frontends.text_tables: tables in plain text, cut back into cells.

The assertions of the old flattened-text tests (tests/test_flattened_text.py) on the cells each
row is cut into (header order, ids, L x I, statuses, owners, layouts, what is no row), the old
golden fixtures (every table must carry exactly the raw values the old entries were made from),
fixed-width tables with no rule, the delimited front end, and properties: any text gives tables
whose lines are inside the text, and random registers rendered flattened cut back right.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.frontends import choose, delimited
from parsers.frontends.text_tables import document_owners, find_tables
from parsers.frontends.textrows.header import header_columns, is_register
from parsers.frontends.textrows.rows import learn_id_re
from parsers.frontends.textrows.vocab import Vocabulary
from parsers.inline import break_items
from parsers.lexicon import Lexicon
from parsers.model import Heading, Table
from pipeline.config import Config, OwnerAlias
from pipeline.records import Document
from pipeline.textnorm import squash

LEX = Lexicon.default()
DIRECTORY = (
    ("Billing platform", ()),
    ("Security", ("Information Security",)),
    ("SRE", ("Site Reliability",)),
    ("Finance engineering", ()),
    ("Product", ("Product management",)),
    ("Compliance", ()),
    ("Data Platform", ()),
    ("Payments domain", ()),
    ("QA", ("Quality Assurance",)),
)
CONFIG = Config(
    owner_directory=tuple(OwnerAlias(canon, alias) for canon, aliases in DIRECTORY for alias in (canon, *aliases))
)
HEADER = "IDRiskLikelihoodImpactScoreStatusOwnerMitigation"
FIXTURES = Path(__file__).parent / "fixtures"


def tables(text: str, config: Config = CONFIG) -> list[Table]:
    return find_tables(text.split("\n"), config)


def register(text: str, config: Config = CONFIG) -> Table:
    """The one table of the text that is not a legend."""
    (table,) = [t for t in tables(text, config) if t.header[0] not in ("Score", "Level")]
    return table


def fields(table: Table) -> list[dict[str, str]]:
    """Each row's filled cells by canonical field (the first column naming it), or by label."""
    names = []
    for label in table.header:
        fld = LEX.field_of(label)
        names.append(fld if fld and fld not in names else label)
    return [{n: c for n, c in zip(names, row.cells, strict=True) if c} for row in table.rows]


def page(*rows: str, header: str = HEADER, after: str = "") -> str:
    return (
        "Skip to main content\n\nKestrel Billing — Service Risk Register\n\n2. Register\n\n"
        + header
        + "\n"
        + "\n".join(rows)
        + "\n\n"
        + after
    )


# ---- the header ----------------------------------------------------------------------------
def test_header_gives_column_order_whatever_it_is() -> None:
    cols = header_columns("RefTitleStatusMitigation ownerProbabilityImpactL×IControls", LEX)
    assert [c.field for c in cols] == [
        "entry_id",
        "title",
        "status",
        "owner",
        "likelihood",
        "impact",
        "score",
        "mitigation",
    ]
    assert [c.header for c in cols][3] == "Mitigation owner"


def test_header_keeps_separate_fields_apart() -> None:
    assert [c.field for c in header_columns("#RiskImpactScoreOwner", LEX)] == [
        "entry_id",
        "title",
        "impact",
        "score",
        "owner",
    ]
    assert [c.field for c in header_columns("ID Risk Likelihood Impact Score Status", LEX)] == [
        "entry_id",
        "title",
        "likelihood",
        "impact",
        "score",
        "status",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Risk score = likelihood × impact.",
        "ScoreLikelihood",
        "Living document.",
        "R-LOCK-01Vendor outage stalls sync3412mitigating",
    ],
)
def test_lines_that_are_not_register_headers(line: str) -> None:
    cols = header_columns(line, LEX)
    assert cols is None or not is_register(cols, LEX)


def test_a_run_of_one_letter_headers_is_cut_into_its_letters() -> None:
    columns = header_columns("RefDescriptionLIRatingOwner", LEX)
    assert [c.field for c in columns] == ["entry_id", "title", "likelihood", "impact", "severity", "owner"]


def test_id_pattern_learned_from_rows_keeps_padded_width() -> None:
    pattern = learn_id_re(["ABC-R07Vault outage", "ABC-R08DNS", "ABC-R09Kafka"])
    assert pattern.match("ABC-R103rd-party breach").group() == "ABC-R10"


# ---- numbers, statuses, owners ---------------------------------------------------------------
def test_score_settles_digits_that_a_title_ends_with() -> None:
    got = fields(
        register(
            page(
                "KB-R01Native build breaks on Node 20 LTS236monitoringBilling platform leadPin Node",
                "KB-R02Tax table drift after upgrade to v2339openFinance engineeringNightly diff",
                "KB-R03Ledger lock contention3412mitigatingBilling platform leadSplit the run",
            )
        )
    )
    assert [(f["title"], f["likelihood"], f["impact"], f["score"]) for f in got] == [
        ("Native build breaks on Node 20 LTS", "2", "3", "6"),
        ("Tax table drift after upgrade to v2", "3", "3", "9"),
        ("Ledger lock contention", "3", "4", "12"),
    ]


def test_two_valid_digit_splits_are_flagged_not_guessed_silently() -> None:
    table = register(
        page(
            "KB-R01Batch scheduler v3515openSecurity leadRotate keys",
            "KB-R02Ledger lock contention3412mitigatingBilling platform leadSplit the run",
        )
    )
    first, second = table.rows
    assert first.confidence <= 0.5
    assert any("ambiguous" in n for n in first.notes)
    assert any(n.startswith("row text: KB-R01Batch scheduler v3515") for n in first.notes)
    assert second.confidence == 1.0 and not second.notes


def test_longest_status_wins_and_typos_are_read_with_a_note() -> None:
    table = register(
        page(
            "KB-R01Refund abuse428accepted with mitigationProductBackoffice review queue",
            "KB-R02Card data in logs2510MitgatingSecurity leadRedact at the edge",
        )
    )
    first, second = fields(table)
    assert (first["status"], first["owner"]) == ("accepted with mitigation", "Product")
    assert (second["status"], second["owner"]) == ("Mitgating", "Security lead")
    assert table.rows[1].confidence < 1.0 and any("Mitgating" in n for n in table.rows[1].notes)


def test_owner_boundary_from_case_directory_and_joint_owners() -> None:
    got = fields(
        register(
            page(
                "KB-R01Ledger lock contention3412mitigatingBilling platform lead + SecurityTime-boxed locks",
                "KB-R02Dunning emails sent twice339monitoringPlatform SRECloud task dedup",
                "KB-R03FX rates stale326acceptedProductanalytics-service cost dashboard",
                "KB-R04New tax field mandated339monitoringProduct + Compliancetax_fields.payload is versioned",
            )
        )
    )
    assert [(f["owner"], f["mitigation"]) for f in got] == [
        ("Billing platform lead + Security", "Time-boxed locks"),
        ("Platform SRE", "Cloud task dedup"),
        ("Product", "analytics-service cost dashboard"),
        ("Product + Compliance", "tax_fields.payload is versioned"),
    ]


def test_owners_told_by_other_rows_settle_lower_case_mitigations_without_a_directory() -> None:
    rows = (
        "KB-R01Refund abuse428acceptedProductBackoffice review queue",
        "KB-R02FX rates stale326acceptedProductanalytics-service cost dashboard",
        "KB-R03New tax field mandated339monitoringProduct + Compliancetax_fields.payload is versioned",
        "KB-R04Retention clash326acceptedCompliancePseudonymised exports",
        "KB-R05Dunning emails sent twice339monitoringPlatform SRECloud task dedup",
        "KB-R06Queue drift248mitigatedPlatform SREIaC owns the queues",
    )
    table = register(page(*rows), Config())
    assert [f["owner"] for f in fields(table)] == [
        "Product",
        "Product",
        "Product + Compliance",
        "Compliance",
        "Platform SRE",
        "Platform SRE",
    ]
    assert all(r.confidence >= 0.8 for r in table.rows)


def test_owners_named_in_the_document_metadata_are_known_before_any_row() -> None:
    assert document_owners(["Owner: Treasury ops + QA", "Status: draft"], LEX) == ["Treasury ops + QA"]
    text = "Owner: Treasury ops\n\n" + page("KB-R01Ledger lock contention3412mitigatingTreasury opsretry with backoff")
    (row,) = register(text, Config()).rows
    assert row.cells[6:] == ("Treasury ops", "retry with backoff")
    assert row.confidence == 1.0


def test_unknown_owner_into_lower_case_mitigation_is_marked_a_guess() -> None:
    (row,) = register(page("KB-R01Ledger lock contention3412mitigatingTreasury opsretry with backoff"), Config()).rows
    assert row.confidence < 1.0
    assert any("guess" in n or "ambiguous" in n for n in row.notes)


def test_owner_search_prices_no_end_inside_a_word_no_name_ends_with(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pricing an owner end through the matcher is the dearest step of reading a scraped row: ends
    # inside a lower-case word are priced only where a known name (or one a typo away) ends.
    priced: list[str] = []
    real = Vocabulary.owner_cost

    def spy(self: Vocabulary, owner: str) -> object:
        priced.append(owner)
        return real(self, owner)

    monkeypatch.setattr(Vocabulary, "owner_cost", spy)
    got = fields(
        register(
            page(
                "KB-R01Ledger lock contention3412mitigatingComplianceretention runbook reviewed every quarter",
                "KB-R02Refund abuse428acceptedSecuirtyreplay protection on every webhook",
            )
        )
    )
    assert [(f["owner"], f["mitigation"]) for f in got] == [
        ("Compliance", "retention runbook reviewed every quarter"),
        ("Secuirty", "replay protection on every webhook"),
    ]
    inside = [o for o in priced if o[-1].islower() and not o.endswith(("Compliance", "Secuirty"))]
    assert "Complianceretention runbook" in priced or "Complianceretention" in priced  # word ends are priced
    assert not [o for o in inside if o.endswith(("runb", "retenti", "quart", "webho", "protec"))]


def test_a_row_that_cannot_be_cut_keeps_its_text_in_the_last_cell() -> None:
    (row,) = register(
        page("KB-R01 — see the ledger runbook; nothing rated yet", header="IDRiskLikelihoodImpactScore")
    ).rows
    assert row.cells[0] == "KB-R01" and row.cells[-1] == "KB-R01 — see the ledger runbook; nothing rated yet"
    assert row.confidence < 0.5 and any("kept in Score" in n for n in row.notes)


def test_a_row_too_long_to_cut_is_kept_whole() -> None:
    long_row = "KB-R01" + "Ledger lock contention " * 200 + "3412openSecurityRetry"
    (row,) = register(page(long_row)).rows
    assert row.cells[-1] == squash(long_row) and any("too long" in n for n in row.notes)


# ---- what is not a row -----------------------------------------------------------------------
LEGEND = (
    "1. Risk scoring\n\nScoreLikelihoodImpact\n1RareNegligible (no customer impact)\n2UnlikelyMinor\n"
    "3PossibleModerate\n4LikelyMajor\n5Almost certainSevere, regulatory exposure\n\n"
)


def test_legend_is_a_table_of_its_own_for_the_legend_recogniser() -> None:
    text = LEGEND + page("KB-R01Ledger lock contention3412mitigatingBilling platform leadSplit the run")
    legend, table = tables(text)
    assert (legend.header, legend.layout, legend.line, legend.end) == (
        ("Score", "Likelihood", "Impact"),
        "run-together",
        3,
        8,
    )
    assert [r.cells for r in legend.rows] == [
        ("1", "Rare", "Negligible (no customer impact)"),
        ("2", "Unlikely", "Minor"),
        ("3", "Possible", "Moderate"),
        ("4", "Likely", "Major"),
        ("5", "Almost certain", "Severe, regulatory exposure"),
    ]
    assert [f["entry_id"] for f in fields(table)] == ["KB-R01"]


def test_lists_after_the_register_that_mention_ids_are_not_rows() -> None:
    after = (
        "3. Top risks\n\nFor this quarter:\n\n  1. KB-R01 — Ledger lock. Milestone: batches.\n"
        "KB-R02 — Tax drift. Milestone: nightly diff.\n\n4. Process\n\n  • KB-R01 is reviewed monthly.\n"
    )
    (table,) = tables(
        page(
            "KB-R01Ledger lock contention3412mitigatingBilling platform leadSplit the run",
            "KB-R02Tax table drift339openFinance engineeringNightly diff",
            after=after,
        )
    )
    assert [f["entry_id"] for f in fields(table)] == ["KB-R01", "KB-R02"]
    assert [r.line for r in table.rows] == [8, 9]
    assert (table.line, table.end) == (7, 9)


def test_a_row_after_a_gap_that_does_not_read_is_no_row() -> None:
    text = page(
        "KB-R01Ledger lock contention3412mitigatingBilling platform leadSplit the run",
        "",
        "KB-R02 — Tax drift. Milestone: nightly diff.",
    )
    table = register(text)
    assert [r.line for r in table.rows] == [8] and table.end == 8


# ---- layouts ---------------------------------------------------------------------------------
def test_one_cell_per_line_with_an_empty_cell() -> None:
    text = (
        "Register\n\nID\nRisk\nLikelihood\nImpact\nStatus\nOwner\nMitigation\n"
        "KB-R01\nLedger lock contention\n3\n4\nin progress\n\nSplit the run into batches\n\n"
        "KB-R02\nTax table drift\n2\n3\nmonitoring\nFinance engineering\nNightly diff\n\nNext steps\n"
    )
    table = register(text)
    assert table.layout == "one-per-line" and (table.line, table.end) == (3, 24)
    assert fields(table) == [
        {
            "entry_id": "KB-R01",
            "title": "Ledger lock contention",
            "likelihood": "3",
            "impact": "4",
            "status": "in progress",
            "mitigation": "Split the run into batches",
        },
        {
            "entry_id": "KB-R02",
            "title": "Tax table drift",
            "likelihood": "2",
            "impact": "3",
            "status": "monitoring",
            "owner": "Finance engineering",
            "mitigation": "Nightly diff",
        },
    ]
    assert [r.line for r in table.rows] == [10, 18]


def test_cells_kept_apart_by_spaces() -> None:
    table = register(
        "Register\n\nID Risk Likelihood Impact Score Status Owner Mitigation\n"
        "KB-R01 Ledger lock contention 3 4 12 in progress Billing platform lead Split the run\n"
        "KB-R02 Tax drift after v2 2 3 6 monitoring Finance engineering nightly diff\n"
    )
    assert table.layout == "spaced"
    assert [(f["title"], f["score"], f["owner"], f["mitigation"]) for f in fields(table)] == [
        ("Ledger lock contention", "12", "Billing platform lead", "Split the run"),
        ("Tax drift after v2", "6", "Finance engineering", "nightly diff"),
    ]


def test_numbered_rows_a_title_may_start_with_a_digit() -> None:
    table = register(
        "Register\n\n#RiskLikelihoodImpactStatusOwner\n1Ledger lock contention34openFinance engineering\n"
        "23rd-party tax API changes format23monitoringProduct\n\n2 weeks of history kept\n"
    )
    assert [(f["entry_id"], f["title"], f["owner"]) for f in fields(table)] == [
        ("1", "Ledger lock contention", "Finance engineering"),
        ("2", "3rd-party tax API changes format", "Product"),
    ]


def test_blank_lines_between_rows_and_a_cell_broken_over_two_lines() -> None:
    table = register(
        "Register\n\nIDRiskProbabilityImpactL×IStatusMitigation ownerMitigation\n"
        "RISK-001Ledger lock contention3412mitigatingBilling platform leadSplit the run\n\n"
        "RISK-002Tax table drift after upgrade to\nversion 2339monitoringFinance engineeringNightly diff\n\n"
        "Notes\nRISK-001 — see the runbook.\n"
    )
    assert [(f["title"], f["score"]) for f in fields(table)] == [
        ("Ledger lock contention", "12"),
        ("Tax table drift after upgrade to version 2", "9"),
    ]
    assert [r.line for r in table.rows] == [4, 6] and table.end == 7


def test_known_extra_columns_and_date_columns_split_the_header_and_the_row() -> None:
    text = page(
        "R-1AvailabilityVault outage stalls syncSRE4312Open2026-01-082026-04-01",
        header="IDCategoryRiskOwnerLikelihoodImpactScoreStatusDate raisedReview date",
    )
    assert fields(register(text)) == [
        {
            "entry_id": "R-1",
            "Category": "Availability",
            "title": "Vault outage stalls sync",
            "owner": "SRE",
            "likelihood": "4",
            "impact": "3",
            "score": "12",
            "status": "Open",
            "Date raised": "2026-01-08",
            "Review date": "2026-04-01",
        }
    ]


def test_dates_with_month_names_from_the_lexicon() -> None:
    text = page("R-1Vault outageSRE12 Mar 2026Q2 2026", header="IDRiskOwnerDate raisedReview date")
    assert fields(register(text))[0] == {
        "entry_id": "R-1",
        "title": "Vault outage",
        "owner": "SRE",
        "Date raised": "12 Mar 2026",
        "Review date": "Q2 2026",
    }


def test_table_of_closed_risks_after_the_register_is_a_table_not_glued_to_its_last_row() -> None:
    text = page(
        "R-01Vault outage stalls sync3412OpenSREPer-vendor circuit breaker",
        after="Closed risks[edit]\nIDRiskClosed onReason\nR-00Legacy endpoint reachable2026-01-05Removed in 4.12\n",
    )
    first, closed = tables(text)
    assert fields(first)[0]["mitigation"] == "Per-vendor circuit breaker"
    assert fields(closed) == [
        {
            "entry_id": "R-00",
            "title": "Legacy endpoint reachable",
            "Closed on": "2026-01-05",
            "Reason": "Removed in 4.12",
        }
    ]


def test_rows_without_ids_are_found_and_a_page_button_after_them_is_not_a_row() -> None:
    text = (
        "Expense Claims risks\n\nRiskLikelihoodImpactOwnerStatus\nOCR misreads totalsMediumHighFinanceOpen\n"
        "Duplicate claimsLowMediumComplianceMitigated\nAdd new item\n"
    )
    table = register(text)
    assert [f["title"] for f in fields(table)] == ["OCR misreads totals", "Duplicate claims"]
    assert table.end == 5


def test_a_line_glued_to_the_last_row_is_dropped_when_the_row_only_reads_without_it() -> None:
    header = "IDRiskLikelihoodImpactScoreOwnerMitigationStatus"
    text = page("R-01Vault outage stalls sync3412SREPer-vendor circuit breakerOpen", header=header, after="")
    text = text.rstrip("\n") + "\nQuestions? Ask in #billing-eng\n"
    (row,) = register(text).rows
    assert row.cells[-2:] == ("Per-vendor circuit breaker", "Open")
    assert row.confidence == 0.8 and any("not part of it" in n for n in row.notes)


def test_tab_separated_cells_are_taken_as_cut_with_empty_ones_kept() -> None:
    text = (
        "Ledger risks\n\nRef\tRisk\tLikelihood\tImpact\tOwner\tMitigation\tStatus\n"
        "L-1\tRates late\tMedium\tHigh\tFinance\t\tOpen\n"
        "L-2\tRounding\tLow\tLow\tFinance\tLedger check\tClosed\t\n"
    )
    table = register(text)
    assert table.layout == "tsv"
    assert [r.cells for r in table.rows] == [
        ("L-1", "Rates late", "Medium", "High", "Finance", "", "Open"),
        ("L-2", "Rounding", "Low", "Low", "Finance", "Ledger check", "Closed"),
    ]
    assert all(r.confidence == 1.0 for r in table.rows)


def test_a_plain_line_right_under_a_tab_separated_table_ends_it() -> None:
    # A vendor review pasted from a sheet, its conditions typed straight under it: the
    # conditions are text, not rows to cut at their digits ("Annual SOC" | 2 | ...).
    text = (
        "Vendor review - CloudSign\nRisk\tLikelihood\tImpact\tOwner\n"
        "Vendor breach exposes contracts\tPossible\tMajor\tLegal Ops\nConditions\n"
        "Annual SOC 2 report to be provided\nBreach notice within 72h added to DPA\n"
    )
    (table,) = find_tables(text.splitlines(), Config())
    assert (table.layout, table.end) == ("tsv", 3)
    assert [r.cells for r in table.rows] == [("Vendor breach exposes contracts", "Possible", "Major", "Legal Ops")]


def test_csv_with_quoted_commas_and_a_cell_over_two_lines() -> None:
    text = (
        'Risk ID,Risk Title,Likelihood,Impact,Owner,Status\nW-1,"Scanner drops reads, in the cold",4,3,SRE,Open\n'
        'W-2,"Printer jams\nat night",2,2,"Ops, SRE",Closed\n'
    )
    table = register(text)
    assert (table.layout, table.line, table.end) == ("csv", 1, 4)
    assert [(r.line, r.cells[1], r.cells[4]) for r in table.rows] == [
        (2, "Scanner drops reads, in the cold", "SRE"),
        (3, "Printer jams\nat night", "Ops, SRE"),
    ]


def test_an_unquoted_comma_inside_a_cell_is_read_back_into_the_one_cell_it_fits() -> None:
    text = (
        "Risk ID,Risk Title,Likelihood,Impact,Owner,Status\nW-1,Scanner drops reads, in the cold,4,3,SRE,Open\n"
        "W-2,Printer jams,2,2,Ops,SRE,Closed\nW-3,Label,stock,low,x,y,z,w\n"
    )
    first, second, third = register(text).rows
    assert first.cells == ("W-1", "Scanner drops reads, in the cold", "4", "3", "SRE", "Open")
    assert first.confidence == 0.8 and "inside Risk Title" in first.notes[0]
    assert second.cells == ("W-2", "Printer jams", "2", "2", "Ops,SRE", "Closed")
    assert third.confidence < 0.5 and third.cells[-1]  # no reading fits: its text is kept, not lost


def test_semicolon_csv_as_excel_writes_it_in_many_locales() -> None:
    text = "Ref;Risk;Likelihood;Impact;Owner\nR-1;Vault, outage;3;4;SRE\nR-2;DNS;2;2;Platform\n"
    assert [r.cells for r in register(text).rows] == [
        ("R-1", "Vault, outage", "3", "4", "SRE"),
        ("R-2", "DNS", "2", "2", "Platform"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Name,Owner,Status,Tier\nsearch-api,Search,GA,1\nindexer,Search,Beta,2\n",
        "We track ID, Risk, Likelihood and Impact in the sheet.\nSee the link below.\n",
        "Service\tOwner\tTier\nsearch-api\tSearch\t1\n",
    ],
)
def test_spreadsheets_that_are_not_registers_give_no_tables(text: str) -> None:
    assert tables(text) == []


# ---- fixed-width tables without a rule --------------------------------------------------------
FIXED = (
    "Payments risks\n\n"
    "ID     Risk                          Likelihood  Impact  Owner           Status\n"
    "PY-1   Card vault outage stalls      High        High    SRE             Open\n"
    "       settlement\n"
    "PY-2   FX feed late                  Low         Medium  Data Platform   Mitigated\n"
    "PY-3   Refund queue double-charges   Medium      High    Payments domain In progress\n"
    "\nNext review in May.\n"
)


def test_fixed_width_columns_found_by_the_spaces_common_to_header_and_rows() -> None:
    (table,) = tables(FIXED)
    assert (table.layout, table.line, table.end) == ("fixed-width", 3, 7)
    assert table.header == ("ID", "Risk", "Likelihood", "Impact", "Owner", "Status")
    assert [r.cells for r in table.rows] == [
        ("PY-1", "Card vault outage stalls settlement", "High", "High", "SRE", "Open"),
        ("PY-2", "FX feed late", "Low", "Medium", "Data Platform", "Mitigated"),
        ("PY-3", "Refund queue double-charges", "Medium", "High", "Payments domain", "In progress"),
    ]
    assert [r.line for r in table.rows] == [4, 6, 7]


def test_fixed_width_with_single_spaces_in_the_header_and_right_aligned_numbers() -> None:
    text = (
        "ID  Risk            Likelihood Impact Score Owner\n"
        "R1  Vault outage             3      4    12 SRE\n"
        "R2  Kafka lag                2      2     4 Data Platform\n"
        "R3  DNS lapse                1      5     5 Platform team\n"
    )
    (table,) = tables(text)
    assert table.layout == "fixed-width"
    assert [r.cells for r in table.rows] == [
        ("R1", "Vault outage", "3", "4", "12", "SRE"),
        ("R2", "Kafka lag", "2", "2", "4", "Data Platform"),
        ("R3", "DNS lapse", "1", "5", "5", "Platform team"),
    ]


def test_fixed_width_with_a_cell_running_over_into_the_next_column() -> None:
    text = (
        "ID   Risk            Likelihood  Impact  Owner\n"
        "R1   Vault outage    High        Low     SRE\n"
        "R2   Kafka consumer lag spikes  Medium  High    Data Platform\n"
        "R3   DNS lapse       Low         High    Platform team\n"
    )
    (table,) = tables(text)
    assert table.layout == "fixed-width"
    assert table.rows[1].cells == ("R2", "Kafka consumer lag spikes", "Medium", "High", "Data Platform")


def test_an_accidental_column_of_spaces_is_no_column() -> None:
    text = (
        "ID  Risk            Likelihood Impact Owner\n"
        "R1  Vault outage    High       Low    SRE\n"
        "R2  Kafka consumer lag spikes  Medium High   Data Platform\n"
    )
    for table in tables(text):
        assert all(r.cells[2] != "lag spikes" for r in table.rows)


def test_a_table_with_a_dash_rule_is_left_to_plain_tables() -> None:
    text = "ID    Risk          Owner   Status\n----  ------------  ------  ------\nR1    Vault outage  SRE     Open\n"
    assert tables(text) == []


# ---- the old golden fixtures -------------------------------------------------------------------
GOLDEN = sorted(
    p for p in (FIXTURES / "flattened_text").iterdir() if p.suffix in (".txt", ".csv") and p.name != "owners.csv"
)
RAW_FIELDS = {
    "entry_id": "entry_id",
    "title": "title",
    "likelihood": "likelihood_raw",
    "impact": "impact_raw",
    "severity": "severity_raw",
    "status": "status_raw",
    "owner": "owner_raw",
    "mitigation": "mitigation",
}


@pytest.mark.parametrize("case", GOLDEN, ids=[p.name for p in GOLDEN])
def test_golden_fixtures_carry_the_cells_the_old_entries_were_made_from(case: Path) -> None:
    config = Config()
    if (case.parent / "owners.csv").exists():
        config = config.with_owner_directory(case.parent / "owners.csv")
    expected = [json.loads(line) for line in case.with_suffix(".expected.jsonl").read_text().splitlines() if line]
    found = find_tables(case.read_text(encoding="utf-8").split("\n"), config)
    registers = [t for t in found if LEX.field_of(t.header[0]) not in ("score", "severity")]  # legends apart
    rows = [(t, r) for t in registers for r in t.rows]
    assert [r.line for _, r in rows] == [e["source_line"] for e in expected]
    for (table, row), entry in zip(rows, expected, strict=True):
        got = dict(zip([LEX.field_of(h) for h in table.header], row.cells, strict=True))
        for fld, key in RAW_FIELDS.items():
            cell = squash(break_items(got.get(fld) or "")) or None
            want = entry[key] if fld in got or key == "title" else None
            assert cell == want, (row.line, fld, cell, want)
        assert table.line <= row.line <= max(entry["source_lines"]) <= table.end


def test_golden_legends_are_tables_too() -> None:
    for name, layout in (("run_together_legend_and_trailing_lists.txt", "run-together"),
                         ("one_cell_per_line_empty_cell.txt", "one-per-line")):  # fmt: skip
        text = (FIXTURES / "flattened_text" / name).read_text(encoding="utf-8")
        legend = tables(text, Config())[0]
        assert (legend.header, legend.layout, len(legend.rows)) == (("Score", "Likelihood", "Impact"), layout, 5)
        assert legend.rows[-1].cells[0] == "5"


# ---- random registers, rendered as a scraper flattens them -------------------------------------
SUBJECTS = [
    "Ledger",
    "Invoice run",
    "Tax table",
    "Payment gateway",
    "Refund queue",
    "FX feed",
    "Card vault",
    "Webhook consumer",
    "Batch scheduler",
    "Search index",
    "Node 20 runtime",
    "Kafka cluster",
    "DNS",
]
EVENTS = [
    "outage",
    "lock contention",
    "schema drift",
    "credential leak",
    "quota exhaustion",
    "replay storm",
    "version skew",
    "silent data loss",
    "split brain",
    "expired token",
]
EFFECTS = [
    "stalls sync",
    "double-charges customers",
    "delays statements",
    "drops audit events",
    "blocks refunds",
    "exposes PII",
    "breaks reconciliation",
]
ENDINGS = ["", "", "", " after v2", " on Node 20 LTS", " in 3 regions", " (PCI scope)", " for tier 1"]
MITIGATIONS = [
    "Per-tenant circuit breaker",
    "Split the run into batches",
    "Nightly diff against the feed",
    "retry with exponential backoff",
    "alert on error rate over 2%",
    "runbook linked from on-call guide",
    "lock_audit.payload is versioned",
    "analytics-service cost dashboard",
    "WORM export of audit events",
    "Canary deploys with rollback",
    "rotate credentials every 30 days",
    "idempotency keys on writes",
]
ROLES = ["", "", " lead", " team", " owner", " on-call"]
JOINS = [" + ", " / ", " & "]
STATUS_WORDS = [
    "open",
    "Open",
    "mitigating",
    "In progress",
    "mitigated",
    "Fixed",
    "monitoring",
    "Under monitoring",
    "accepted",
    "accepted with mitigation",
    "Risk accepted",
    "closed",
    "TODO",
    "Mitgating",
    "Monitering",
]
ID_STYLES = ["KB-R{n:02d}", "R-KB-{n:02d}", "RISK-{n:03d}", "R{n:02d}"]
HEADERS = [
    ("ID", "Ref"),
    ("Risk", "Title"),
    ("Likelihood", "Probability"),
    ("Impact",),
    ("Score", "L×I"),
    ("Status",),
    ("Owner", "Mitigation owner"),
    ("Mitigation", "Controls"),
]
KEYS = ("entry_id", "title", "likelihood", "impact", "score", "status", "owner", "mitigation")


@dataclass(frozen=True)
class Risk:
    entry_id: str
    title: str
    likelihood: int
    impact: int
    status: str
    owner: str
    mitigation: str

    def cells(self) -> tuple[str, ...]:
        score = str(self.likelihood * self.impact)
        return (self.entry_id, self.title, str(self.likelihood), str(self.impact), score, self.status, self.owner,
                self.mitigation)  # fmt: skip


def random_register(rng: random.Random, rows: int, digit_endings: bool = True) -> tuple[str, list[Risk]]:
    """A register page and its rows. Titles may end in digits ("after v2"), which can make two
    readings of the ratings add up; `digit_endings=False` avoids them."""
    style = rng.choice(ID_STYLES)
    endings = ENDINGS if digit_endings else [e for e in ENDINGS if not e[-1:].isdigit()]
    canon = [c for c, _ in DIRECTORY]

    def owner() -> str:
        names = rng.sample(canon, 2 if rng.random() < 0.2 else 1)
        return rng.choice(JOINS).join(rng.choice([n, n, n.lower(), n.upper()]) + rng.choice(ROLES) for n in names)

    risks = [
        Risk(
            style.format(n=k + 1),
            f"{rng.choice(SUBJECTS)} {rng.choice(EVENTS)} {rng.choice(EFFECTS)}{rng.choice(endings)}",
            rng.randint(1, 5),
            rng.randint(1, 5),
            rng.choice(STATUS_WORDS),
            owner(),
            "; ".join(rng.sample(MITIGATIONS, rng.randint(1, 2))),
        )
        for k in range(rows)
    ]
    header = "".join(rng.choice(h) for h in HEADERS)
    legend = LEGEND if rng.random() < 0.5 else ""
    text = (
        "Skip to main content\n\nHome · Services · Registers\n\nPAYMENTS_RISK_REGISTER — kestrel-billing\n\n"
        + legend
        + "2. Register\n\n"
        + header
        + "\n"
        + "\n".join("".join(r.cells()) for r in risks)
        + "\n\n3. Top risks\n\n  1. "
        + risks[0].entry_id
        + " — watch it.\n\n© 2026 Example · Privacy\n"
    )
    return text, risks


def test_random_registers_cut_back_right_for_at_least_98_percent_of_rows() -> None:
    rng = random.Random(20260418)
    right = total = 0
    misses = []
    for _ in range(60):
        text, risks = random_register(rng, rng.randint(3, 12))
        table = register(text)
        assert len(table.rows) == len(risks)
        for row, risk in zip(table.rows, risks, strict=True):
            total += 1
            if row.cells == risk.cells():
                right += 1
            else:
                misses.append((row.cells, risk.cells()))
    assert right / total >= 0.98, f"{right}/{total} rows right; first misses: {misses[:3]}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=8))
def test_random_register_ids_ratings_and_statuses_always_cut_back(seed: int, rows: int) -> None:
    text, risks = random_register(random.Random(seed), rows, digit_endings=False)
    got = register(text).rows
    assert [r.cells[:6] for r in got] == [r.cells()[:6] for r in risks]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=8), st.sampled_from(",;\t"))
def test_random_registers_as_csv_or_tabs_come_back_exactly(seed: int, rows: int, sep: str) -> None:
    rng = random.Random(seed)
    _, risks = random_register(rng, rows)
    names = ["ID", "Risk", "Likelihood", "Impact", "Score", "Status", "Owner", "Mitigation"]

    def cell(value: str) -> str:
        if sep == "\t":
            return value
        return '"' + value.replace('"', '""') + '"' if sep in value or '"' in value or rng.random() < 0.3 else value

    text = sep.join(names) + "\n" + "\n".join(sep.join(cell(c) for c in r.cells()) for r in risks) + "\n"
    table = register(text)
    assert table.layout == ("tsv" if sep == "\t" else "csv")
    assert [r.cells for r in table.rows] == [r.cells() for r in risks]
    assert delimited.sniff(text) >= 0.9


# ---- properties: any text ------------------------------------------------------------------------
# Text made of what flattened registers are made of, so that the search paths are exercised.
PIECES = st.sampled_from(
    ["ID", "Risk", "Likelihood", "Impact", "Score", "Status", "Owner", "Mitigation", "L×I", "R-KB-01", "KB-R02", "1",
     "12", "3412", "mitigating", "open", "Security", " lead", " + ", "Per-vendor", "retry", " ", "   ", "\n", "\n\n",
     "—", "#", "(", "é", "\t", ",", ";", '"', "Lead", "Date raised", "2026-01-08", "Mar 2026", "Add new item",
     "ScoreLikelihoodImpact", "1Very rareNegligible", "Owner: SRE", "-----  ----"]
)  # fmt: skip
NOISY = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=80).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NOISY)
def test_any_text_gives_tables_inside_the_text(text: str) -> None:
    lines = text.split("\n")
    found = find_tables(lines, CONFIG)
    previous_end = 0
    for table in found:
        assert previous_end < table.line <= table.end <= len(lines)
        previous_end = table.end
        assert table.rows and table.layout in ("run-together", "spaced", "one-per-line", "csv", "tsv", "fixed-width")
        assert [r.line for r in table.rows] == sorted({r.line for r in table.rows})
        for row in table.rows:
            assert table.line < row.line <= table.end
            assert len(row.cells) == len(table.header)
            assert 0.0 <= row.confidence <= 1.0


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NOISY)
def test_delimited_front_end_never_raises_and_sniffs_in_range(text: str) -> None:
    assert 0.0 <= delimited.sniff(text) <= 1.0
    tree = delimited.blocks(Document("x.csv", "0" * 64, len(text), text, "utf-8"), CONFIG)
    lines = text.split("\n")
    assert all(1 <= b.line <= b.end <= len(lines) for b in tree.blocks)


# ---- the delimited front end -------------------------------------------------------------------
def doc(text: str, path: str = "register.csv") -> Document:
    return Document(path, "0" * 64, len(text), text, "utf-8")


def test_a_csv_file_with_a_title_line_is_one_table_under_its_heading() -> None:
    text = (
        "sep=;\nSettlement Batch — Risk Register\n\nRef;Risk;Likelihood;Impact;Owner;Status\n"
        'SB-1;"Batch file late; manual upload";Medium;High;Finance;Open\nSB-2;Rounding;Low;Low;Finance;Accepted\n'
        "\nExported 2026-03-01\n"
    )
    assert delimited.sniff(text) == 0.95
    assert choose(text) is delimited
    tree = delimited.blocks(doc(text), Config())
    heading, table, note = tree.blocks
    assert isinstance(heading, Heading) and heading.text == "Settlement Batch — Risk Register"
    assert isinstance(table, Table) and table.layout == "csv" and table.path == ((1, heading.text),)
    assert table.rows[0].cells[1] == "Batch file late; manual upload"
    assert (note.line, note.text) == (8, "Exported 2026-03-01")


def test_a_tsv_file_is_delimited_too() -> None:
    text = "ID\tRisk\tLikelihood\tImpact\tOwner\nR1\tVault\t3\t4\tSRE\nR2\tDNS\t2\t2\tSRE\n"
    assert delimited.sniff(text) == 0.95
    (table,) = delimited.blocks(doc(text, "r.tsv"), Config()).blocks
    assert table.layout == "tsv" and [r.cells[0] for r in table.rows] == ["R1", "R2"]


@pytest.mark.parametrize(
    "text",
    [
        "# Risks\n\n| ID | Risk | Likelihood | Impact |\n|---|---|---|---|\n| R-1 | Vault | Low | High |\n",
        "<html><body><table><tr><th>ID</th><th>Risk</th><th>Status</th></tr></table></body></html>",
        "### R001: Database exhaustion\n- **Severity**: High\n- **Owner**: SRE\n",
        "Risk, impact and status are reviewed by the owner every quarter.\nR-1 is the first one.\n",
        "Name,Owner,Status,Tier\nsearch-api,Search,GA,1\n",
        HEADER + "\nR-01Vault outage3412OpenSREFailover\n",
        "Intro\nMore intro\nAnd more\nID,Risk,Likelihood,Impact\nR1,Vault,3,4\n",
        "",
    ],
)
def test_delimited_sniff_leaves_other_documents_alone(text: str) -> None:
    assert delimited.sniff(text) < 0.5


def test_a_sentence_cut_at_its_commas_is_no_csv_header() -> None:
    # It names four fields and four things no register column is; its words run on as a
    # sentence's do, where a header writes its labels alike.
    text = (
        "Review notes\n\nWe review likelihood, impact, owner, status, budget, scope, timing, and vendors\n"
        "every quarter, with the owner, the sponsor, finance, security, and the service team.\n"
    )
    assert tables(text) == []


# ---- the caller's lines, and hostile text ---------------------------------------------------------
def test_lines_the_caller_skips_are_read_as_blank() -> None:
    lines = ["```", HEADER, "R-01Vault outage3412OpenSREFailover", "```", "", HEADER, "R-02DNS lapse2510OpenSRENone"]
    (table,) = find_tables(lines, CONFIG, skip=lambda i: i < 4)
    assert (table.line, [r.line for r in table.rows]) == (6, [7])


@pytest.mark.parametrize(
    "text",
    [
        " " * 65_536,
        "|" * 200_000,
        (HEADER + "R-01Vault outage3412OpenSREFailover") * 3_000,
        HEADER + "\n" + "R-01" + "Vendor outage stalls sync3412mitigating" * 3_000,
        "ID,Risk,Likelihood,Impact\n" + "," * 200_000,
        "ID,Risk,Likelihood,Impact\n" + 'R1,"x,3,4\n' * 2_000,
        (HEADER + "\n") * 2_000,
    ],
    ids=["spaces", "pipes", "one-line", "huge-row", "commas", "open-quotes", "headers"],
)
def test_hostile_text_is_read_without_failing(text: str) -> None:
    # Time is checked by hand (see the report), not asserted: every loop here moves forward.
    for table in tables(text):
        assert table.end <= text.count("\n") + 1
