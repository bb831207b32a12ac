"""Entries made from tables in plain text (scraped pages whose cells ran together, one cell per
line, spaced, numbered, tab-separated, CSV), read through the document model
(`parsers.reader.read`: the text or delimited front end, `text_tables`, the table recogniser).

Ported from tests/test_flattened_text.py (parsers.flattened_text), for what
tests/test_frontend_text_tables.py does not cover at the cell level: the fields entries get,
what a row's doubts become on its entry (confidence, notes), owners, legends as the document's
stated scale, ids, lines, sections and the title, what gives no entries; and properties: any
text is read or refused with a ParseError, lines and confidence in range, and random registers
rendered flattened read back as entries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.frontends import ranked
from parsers.reader import read as read_document
from pipeline.config import Config, OwnerAlias
from pipeline.errors import ParseError
from pipeline.records import Document, ParsedDocument

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


def read(text: str, config: Config = CONFIG, path: str = "x.txt") -> ParsedDocument:
    return read_document(Document(path, "0" * 64, len(text), text, "utf-8"), config).parsed


def fields_of(text: str, config: Config = CONFIG) -> list[dict[str, str]]:
    return [dict(e.fields) for e in read(text, config).entries]


def page(*rows: str, header: str = HEADER, after: str = "") -> str:
    return (
        "Skip to main content\n\nKestrel Billing — Service Risk Register\n\n2. Register\n\n"
        + header
        + "\n"
        + "\n".join(rows)
        + "\n\n"
        + after
    )


# ---- which front end ----
@pytest.mark.parametrize(
    "text,syntax",
    [
        ("# Risks\n\n| ID | Risk | Likelihood | Impact | Owner |\n|---|---|---|---|---|\n"
         "| R-1 | Vault | Low | High | SRE |\n", "markdown"),
        ("<html><body><table><tr><th>ID</th><th>Risk</th><th>Status</th></tr>"
         "<tr><td>R-1</td><td>x</td><td>open</td></tr></table></body></html>", "html"),
        ("### R001: Database exhaustion\n- **Severity**: High\n- **Owner**: SRE\n", "markdown"),
        ("## Security\n- [x] Threat model reviewed\n- [ ] mTLS enforced\n", "markdown"),
    ],
)  # fmt: skip
def test_other_syntaxes_are_not_read_as_plain_text(text: str, syntax: str) -> None:
    assert ranked(text)[0][0] == syntax
    assert read(text).syntax == syntax


def test_a_flattened_register_is_read_as_text_and_prose_gives_no_entries() -> None:
    rows = ("KB-R01Ledger lock contention3412mitigatingBilling platform leadSplit the run",)
    assert read(page(*rows)).syntax == "text"
    prose = "Risk, impact and status are reviewed by the owner every quarter.\nR-1 is the first one.\n"
    assert read(prose).entries == []


# ---- numbers, statuses, owners ---------------------------------------------------------------
def test_score_settles_digits_that_a_title_ends_with() -> None:
    got = fields_of(
        page(
            "KB-R01Native build breaks on Node 20 LTS236monitoringBilling platform leadPin Node",
            "KB-R02Tax table drift after upgrade to v2339openFinance engineeringNightly diff",
            "KB-R03Ledger lock contention3412mitigatingBilling platform leadSplit the run",
        )
    )
    assert [(f["title"], f["likelihood"], f["impact"], f["score"]) for f in got] == [
        ("Native build breaks on Node 20 LTS", "2", "3", "6"),
        ("Tax table drift after upgrade to v2", "3", "3", "9"),
        ("Ledger lock contention", "3", "4", "12"),
    ]


def test_two_valid_digit_splits_are_flagged_not_guessed_silently() -> None:
    first, second = read(
        page(
            "KB-R01Batch scheduler v3515openSecurity leadRotate keys",
            "KB-R02Ledger lock contention3412mitigatingBilling platform leadSplit the run",
        )
    ).entries
    assert first.confidence <= 0.5
    assert any("ambiguous" in n for n in first.notes)
    # The row as written was `extra["row text"]`; it is a note of the row now.
    assert any(n.startswith("row text: KB-R01Batch scheduler v3515") for n in first.notes)
    assert "row text" not in first.extra
    assert second.confidence == 1.0 and second.notes == ()


def test_longest_status_wins_and_typos_are_read_with_a_note() -> None:
    first, second = read(
        page(
            "KB-R01Refund abuse428accepted with mitigationProductBackoffice review queue",
            "KB-R02Card data in logs2510MitgatingSecurity leadRedact at the edge",
        )
    ).entries
    assert (first.fields["status"], first.fields["owner"]) == ("accepted with mitigation", "Product")
    assert (second.fields["status"], second.fields["owner"]) == ("Mitgating", "Security lead")
    assert second.confidence < 1.0 and any("Mitgating" in n for n in second.notes)


def test_owner_boundary_from_case_directory_and_joint_owners() -> None:
    got = fields_of(
        page(
            "KB-R01Ledger lock contention3412mitigatingBilling platform lead + SecurityTime-boxed locks",
            "KB-R02Dunning emails sent twice339monitoringPlatform SRECloud task dedup",
            "KB-R03FX rates stale326acceptedProductanalytics-service cost dashboard",
            "KB-R04New tax field mandated339monitoringProduct + Compliancetax_fields.payload is versioned",
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
    got = read(page(*rows), Config()).entries
    assert [e.fields["owner"] for e in got] == [
        "Product",
        "Product",
        "Product + Compliance",
        "Compliance",
        "Platform SRE",
        "Platform SRE",
    ]
    assert all(e.confidence >= 0.8 for e in got)


def test_unknown_owner_into_lower_case_mitigation_is_marked_a_guess() -> None:
    (entry,) = read(page("KB-R01Ledger lock contention3412mitigatingTreasury opsretry with backoff"), Config()).entries
    assert entry.confidence < 1.0
    assert any("guess" in n or "ambiguous" in n for n in entry.notes)


# ---- what is not an entry --------------------------------------------------------------------
LEGEND = (
    "1. Risk scoring\n\nScoreLikelihoodImpact\n1RareNegligible (no customer impact)\n2UnlikelyMinor\n"
    "3PossibleModerate\n4LikelyMajor\n5Almost certainSevere, regulatory exposure\n\n"
)


def test_legend_is_a_stated_scale_and_no_entries() -> None:
    doc = read(LEGEND + page("KB-R01Ledger lock contention3412mitigatingBilling platform leadSplit the run"))
    assert doc.stated_scales["likelihood"] == {
        "Rare": 1,
        "Unlikely": 2,
        "Possible": 3,
        "Likely": 4,
        "Almost certain": 5,
    }
    assert doc.stated_scales["impact"]["Severe, regulatory exposure"] == 5
    assert [e.fields["entry_id"] for e in doc.entries] == ["KB-R01"]
    assert [(s.line, s.reason) for s in doc.skipped if s.structure == "table"] == [(3, "legend or matrix")]


def test_lists_after_the_register_that_mention_ids_are_not_entries() -> None:
    after = (
        "3. Top risks\n\nFor this quarter:\n\n  1. KB-R01 — Ledger lock. Milestone: batches.\n"
        "KB-R02 — Tax drift. Milestone: nightly diff.\n\n4. Process\n\n  • KB-R01 is reviewed monthly.\n"
    )
    doc = read(
        page(
            "KB-R01Ledger lock contention3412mitigatingBilling platform leadSplit the run",
            "KB-R02Tax table drift339openFinance engineeringNightly diff",
            after=after,
        )
    )
    assert [e.fields["entry_id"] for e in doc.entries] == ["KB-R01", "KB-R02"]
    assert [e.loc.line for e in doc.entries] == [8, 9]
    assert doc.title == "Kestrel Billing — Service Risk Register"
    assert {e.section for e in doc.entries} == {"2. Register"}


@pytest.mark.parametrize(
    "text",
    [
        "Name,Owner,Status,Tier\nsearch-api,Search,GA,1\nindexer,Search,Beta,2\n",
        "We track ID, Risk, Likelihood and Impact in the sheet.\nSee the link below.\n",
        "Service\tOwner\tTier\nsearch-api\tSearch\t1\n",
    ],
)
def test_spreadsheets_that_are_not_registers_give_no_entries(text: str) -> None:
    assert read(text).entries == []


# ---- layouts ---------------------------------------------------------------------------------
def test_one_cell_per_line_with_an_empty_cell() -> None:
    text = (
        "Register\n\nID\nRisk\nLikelihood\nImpact\nStatus\nOwner\nMitigation\n"
        "KB-R01\nLedger lock contention\n3\n4\nin progress\n\nSplit the run into batches\n\n"
        "KB-R02\nTax table drift\n2\n3\nmonitoring\nFinance engineering\nNightly diff\n\nNext steps\n"
    )
    doc = read(text)
    assert [dict(e.fields) for e in doc.entries] == [
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
    assert [e.loc.line for e in doc.entries] == [10, 18]
    assert doc.entries[1].lines == (18, 19, 20, 21, 22, 23, 24)


def test_cells_kept_apart_by_spaces() -> None:
    got = fields_of(
        "Register\n\nID Risk Likelihood Impact Score Status Owner Mitigation\n"
        "KB-R01 Ledger lock contention 3 4 12 in progress Billing platform lead Split the run\n"
        "KB-R02 Tax drift after v2 2 3 6 monitoring Finance engineering nightly diff\n"
    )
    assert [(f["title"], f["score"], f["owner"], f["mitigation"]) for f in got] == [
        ("Ledger lock contention", "12", "Billing platform lead", "Split the run"),
        ("Tax drift after v2", "6", "Finance engineering", "nightly diff"),
    ]


def test_numbered_rows_a_title_may_start_with_a_digit() -> None:
    got = fields_of(
        "Register\n\n#RiskLikelihoodImpactStatusOwner\n1Ledger lock contention34openFinance engineering\n"
        "23rd-party tax API changes format23monitoringProduct\n\n2 weeks of history kept\n"
    )
    assert [(f["entry_id"], f["title"], f["owner"]) for f in got] == [
        ("1", "Ledger lock contention", "Finance engineering"),
        ("2", "3rd-party tax API changes format", "Product"),
    ]


def test_blank_lines_between_rows_and_a_cell_broken_over_two_lines() -> None:
    doc = read(
        "Register\n\nIDRiskProbabilityImpactL×IStatusMitigation ownerMitigation\n"
        "RISK-001Ledger lock contention3412mitigatingBilling platform leadSplit the run\n\n"
        "RISK-002Tax table drift after upgrade to\nversion 2339monitoringFinance engineeringNightly diff\n\n"
        "Notes\nRISK-001 — see the runbook.\n"
    )
    assert [(e.fields["title"], e.fields["score"], e.fields["owner"], e.lines) for e in doc.entries] == [
        ("Ledger lock contention", "12", "Billing platform lead", (4,)),
        ("Tax table drift after upgrade to version 2", "9", "Finance engineering", (6, 7)),
    ]
    assert doc.entries[0].headers["owner"] == "Mitigation owner"


# ---- other scraped and copied shapes ---------------------------------------------------------
def test_known_extra_columns_and_date_columns_split_the_header_and_the_row() -> None:
    text = page(
        "R-1AvailabilityVault outage stalls syncSRE4312Open2026-01-082026-04-01",
        header="IDCategoryRiskOwnerLikelihoodImpactScoreStatusDate raisedReview date",
    )
    (entry,) = read(text).entries
    assert dict(entry.fields) == {
        "entry_id": "R-1",
        "title": "Vault outage stalls sync",
        "owner": "SRE",
        "likelihood": "4",
        "impact": "3",
        "score": "12",
        "status": "Open",
    }
    assert entry.extra == {"Category": "Availability", "Date raised": "2026-01-08", "Review date": "2026-04-01"}


def test_table_of_closed_risks_after_the_register_is_read_and_not_glued_to_its_last_row() -> None:
    text = page(
        "R-01Vault outage stalls sync3412OpenSREPer-vendor circuit breaker",
        after="Closed risks[edit]\nIDRiskClosed onReason\nR-00Legacy endpoint reachable2026-01-05Removed in 4.12\n",
    )
    got = read(text).entries
    assert [e.fields.get("entry_id") for e in got] == ["R-01", "R-00"]
    assert got[0].fields["mitigation"] == "Per-vendor circuit breaker"
    assert got[1].extra == {"Closed on": "2026-01-05", "Reason": "Removed in 4.12"}
    assert got[1].section == "Closed risks"


def test_rows_without_ids_are_found_and_a_page_button_after_them_is_not_a_row() -> None:
    text = (
        "Expense Claims risks\n\nRiskLikelihoodImpactOwnerStatus\nOCR misreads totalsMediumHighFinanceOpen\n"
        "Duplicate claimsLowMediumComplianceMitigated\nAdd new item\n"
    )
    doc = read(text)
    assert doc.syntax == "text"
    assert [e.fields["title"] for e in doc.entries] == ["OCR misreads totals", "Duplicate claims"]


def test_a_line_glued_to_the_last_row_is_dropped_when_the_row_only_reads_without_it() -> None:
    header = "IDRiskLikelihoodImpactScoreOwnerMitigationStatus"
    text = page("R-01Vault outage stalls sync3412SREPer-vendor circuit breakerOpen", header=header, after="")
    text = text.rstrip("\n") + "\nQuestions? Ask in #billing-eng\n"
    (entry,) = read(text).entries
    assert entry.fields["mitigation"] == "Per-vendor circuit breaker"
    assert entry.fields["status"] == "Open"
    assert entry.confidence == 0.8 and any("not part of it" in n for n in entry.notes)


def test_wiki_chrome_above_the_title_is_not_the_title() -> None:
    text = (
        "Skip to end of metadata\nCreated by A, last modified by B on Mar 01, 2026\nGo to start of metadata\n"
        "Pages / Ops / Route Planner\nSharePoint\nRoute Planner — Risk Register\n\n" + HEADER + "\n"
        "R-01Vault outage stalls sync3412OpenSREPer-vendor circuit breaker\n"
    )
    doc = read(text)
    assert doc.title == "Route Planner — Risk Register"
    assert [e.fields["entry_id"] for e in doc.entries] == ["R-01"]


def test_a_site_name_above_the_page_title_gives_way_to_the_title() -> None:
    text = "Finance Engineering\nPayouts Service Risk Log\nEdit\n" + HEADER + "\nR-01Vault outage3412OpenSREFailover\n"
    doc = read(text)
    assert doc.title == "Payouts Service Risk Log"
    assert [e.fields["entry_id"] for e in doc.entries] == ["R-01"]


def test_tab_separated_cells_are_taken_as_cut_with_empty_ones_kept() -> None:
    text = (
        "Ledger risks\n\nRef\tRisk\tLikelihood\tImpact\tOwner\tMitigation\tStatus\n"
        "L-1\tRates late\tMedium\tHigh\tFinance\t\tOpen\n"
        "L-2\tRounding\tLow\tLow\tFinance\tLedger check\tClosed\t\n"
    )
    got = read(text).entries
    assert [dict(e.fields) for e in got] == [
        {"entry_id": "L-1", "title": "Rates late", "likelihood": "Medium", "impact": "High", "owner": "Finance",
         "status": "Open"},
        {"entry_id": "L-2", "title": "Rounding", "likelihood": "Low", "impact": "Low", "owner": "Finance",
         "mitigation": "Ledger check", "status": "Closed"},
    ]  # fmt: skip
    assert all(e.confidence == 1.0 for e in got)


def test_csv_with_quoted_commas_and_a_cell_over_two_lines() -> None:
    text = (
        'Risk ID,Risk Title,Likelihood,Impact,Owner,Status\nW-1,"Scanner drops reads, in the cold",4,3,SRE,Open\n'
        'W-2,"Printer jams\nat night",2,2,"Ops, SRE",Closed\n'
    )
    for path in ("x.txt", "x.csv"):
        doc = read(text, path=path)
        assert doc.title is None  # a CSV file has no title line: the file name names the service
        assert [(e.fields["title"], e.fields["owner"], e.lines) for e in doc.entries] == [
            ("Scanner drops reads, in the cold", "SRE", (2,)),
            ("Printer jams at night", "Ops, SRE", (3, 4)),
        ]


def test_delimited_headers_that_contain_a_fields_label_are_that_field() -> None:
    # Qualified rating labels ("Residual Likelihood", "Level of Impact") name their field in a
    # CSV or TSV file as in any table, and a long header cell of a NIST SP 800-30 table is a
    # column of its own, not a reason to read the file as plain text.
    csv_text = (
        "ID,Risk,Residual Likelihood,Residual Impact,Owner\n"
        "R1,Spear-phishing against finance staff,4,4,Security\nR2,Unpatched VPN appliance,3,5,IT Ops\n"
    )
    tsv_text = (
        "Booking platform — adversarial risks\n\n"
        "Threat Event\tThreat Sources\tVulnerabilities and Predisposing Conditions\tOverall Likelihood\t"
        "Level of Impact\tRisk level\n"
        "Spear-phishing against finance staff\tOrganised crime\tNo phishing-resistant MFA\tHigh\tHigh\tHigh\n"
        "Exploit unpatched VPN appliance\tNation-state\tSlow patching of edge devices\tHigh\tVery High\tVery High\n"
    )
    csv_doc, tsv_doc = read(csv_text, path="risks.csv"), read(tsv_text, path="risks.tsv")
    assert (csv_doc.syntax, tsv_doc.syntax) == ("delimited", "delimited")
    assert [(e.fields["entry_id"], e.fields["likelihood"], e.fields["impact"], e.fields["owner"])
            for e in csv_doc.entries] == [("R1", "4", "4", "Security"), ("R2", "3", "5", "IT Ops")]  # fmt: skip
    assert [(e.fields["title"], e.fields["likelihood"], e.fields["impact"], e.fields["severity"])
            for e in tsv_doc.entries] == [
        ("Spear-phishing against finance staff", "High", "High", "High"),
        ("Exploit unpatched VPN appliance", "High", "Very High", "Very High"),
    ]  # fmt: skip


def test_empty_csv_header_cells_are_columns_that_name_nothing() -> None:
    # Google Sheets writes every row as wide as the sheet: empty columns after the last label
    # (and a spacer column between two), title lines padded with commas, empty rows under it.
    text = (
        "Search Platform - Risk Register,,,,,,,,\nLast reviewed 2025-04-02 by Search SRE,,,,,,,,\n"
        "ID,Risk,Likelihood,Impact,,Owner,Status,,\n"
        "SR-1,Index rebuild exceeds maintenance window,Medium,High,,Search SRE,Open,,\n"
        'SR-2,"Query latency spikes when cache is cold, p99 > 2s",High,Medium,,Ana Souza,Mitigating,,\n'
        ",,,,,,,,\n"
    )
    doc = read(text, path="gsheets_export.csv")
    assert (doc.syntax, doc.title) == ("delimited", "Search Platform - Risk Register")
    assert [dict(e.fields) for e in doc.entries] == [
        {"entry_id": "SR-1", "title": "Index rebuild exceeds maintenance window", "likelihood": "Medium",
         "impact": "High", "owner": "Search SRE", "status": "Open"},
        {"entry_id": "SR-2", "title": "Query latency spikes when cache is cold, p99 > 2s", "likelihood": "High",
         "impact": "Medium", "owner": "Ana Souza", "status": "Mitigating"},
    ]  # fmt: skip


def test_a_csv_header_may_carry_any_number_of_columns_that_name_nothing() -> None:
    # A tracker's CSV export carries columns registers do not ("Reporter", "Labels" twice, as
    # Jira writes a multi-valued field); read as the same table pasted with tabs is.
    rows = [
        ["Risk", "Likelihood", "Impact", "Reporter", "Sprint", "Labels", "Labels"],
        ["Kafka upgrade drops messages", "3", "4", "Ann", "S-14", "platform", "q2"],
        ["Vendor SSO contract lapses", "2", "5", "Bob", "", "vendor", ""],
    ]
    for sep, path in ((",", "jira.csv"), ("\t", "jira.tsv")):
        doc = read("".join(sep.join(r) + "\n" for r in rows), path=path)
        assert doc.syntax == "delimited"
        assert [(e.fields["title"], e.fields["likelihood"], e.fields["impact"]) for e in doc.entries] == [
            ("Kafka upgrade drops messages", "3", "4"),
            ("Vendor SSO contract lapses", "2", "5"),
        ]


def test_a_jira_export_keys_its_issues_and_names_its_columns() -> None:
    # "Issue key" and "Issue id" are ids, "Issue Type" a column of its own: none the title,
    # which Jira calls "Summary".
    text = (
        "Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee\n"
        "Kafka upgrade drops messages,RISK-101,10234,Risk,Open,High,Jane Doe\n"
        '"Vendor SSO lapses, in June",RISK-102,10235,Risk,In Progress,Medium,Omar Farouk\n'
    )
    doc = read(text, path="jira.csv")
    assert [
        (e.fields["entry_id"], e.fields["title"], e.fields["severity"], e.fields["owner"]) for e in doc.entries
    ] == [
        ("RISK-101", "Kafka upgrade drops messages", "High", "Jane Doe"),
        ("RISK-102", "Vendor SSO lapses, in June", "Medium", "Omar Farouk"),
    ]
    assert [e.extra.get("Issue Type") for e in doc.entries] == ["Risk", "Risk"]


def test_a_csv_header_of_register_fields_only_is_read_as_a_table() -> None:
    # No rating and no register word, but every column a register's: its cells as the commas cut
    # them, never a header run together with its commas inside ("Disk fills," owned by ",Jane").
    doc = read("Summary,Status,Assignee\nDisk fills,Open,Jane\nCert expires,Done,Omar Li\n", path="issues.csv")
    assert doc.syntax == "delimited"
    assert [(e.fields["title"], e.fields["status"], e.fields["owner"]) for e in doc.entries] == [
        ("Disk fills", "Open", "Jane"),
        ("Cert expires", "Done", "Omar Li"),
    ]


def test_a_spreadsheet_copy_quotes_its_tab_separated_cells_as_csv_does() -> None:
    # Copied out of a spreadsheet, a cell holding a line break or a quote is quoted, its quotes
    # doubled: the record runs on over lines inside the quotes.
    text = (
        "ID\tRisk\tLikelihood\tImpact\tOwner\tMitigation\n"
        'MQ-1\tBroker disk fills during replay\t4\t4\tStreaming SRE\t"1. Tiered storage\n2. Alert at 70%"\n'
        'MQ-2\t"Consumer lag hides\nduplicate deliveries"\t3\t3\t"Kofi Mensah\nRuth Adler"\tIdempotent consumers\n'
        'MQ-3\tSchema registry single AZ\t2\t5\tPlatform\t"Multi-AZ since ""v2.3"" release"\n'
    )
    doc = read(text, path="sheet_copy.tsv")
    assert doc.syntax == "delimited"
    assert [(e.fields["entry_id"], e.fields["title"], e.fields["owner"], e.fields["mitigation"], e.lines)
            for e in doc.entries] == [
        ("MQ-1", "Broker disk fills during replay", "Streaming SRE", "1. Tiered storage; 2. Alert at 70%", (2, 3)),
        ("MQ-2", "Consumer lag hides duplicate deliveries", "Kofi Mensah; Ruth Adler", "Idempotent consumers",
         (4, 5, 6)),
        ("MQ-3", "Schema registry single AZ", "Platform", 'Multi-AZ since "v2.3" release', (7,)),
    ]  # fmt: skip


# ---- properties ------------------------------------------------------------------------------
# Text made of what flattened registers are made of, so that the search paths are exercised.
PIECES = st.sampled_from(
    ["ID", "Risk", "Likelihood", "Impact", "Score", "Status", "Owner", "Mitigation", "L×I", "R-KB-01", "KB-R02",
     "1", "12", "3412", "mitigating", "open", "Security", " lead", " + ", "Per-vendor", "retry", " ", "\n", "\n\n",
     "—", "#", "(", "é", "\t", "Lead", ",", '"']
)  # fmt: skip
NOISY = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=80).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NOISY)
def test_any_text_is_read_or_raises_parse_error(text: str) -> None:
    try:
        doc = read(text)
    except ParseError:
        return
    n_lines = len(text.split("\n"))
    for entry in doc.entries:
        assert 1 <= entry.loc.line <= n_lines
        assert all(1 <= n <= n_lines for n in entry.lines)
        assert 0.0 <= entry.confidence <= 1.0


# A random register, from realistic vocabularies, rendered as a scraper flattens it.
# fmt: off
SUBJECTS = ["Ledger", "Invoice run", "Tax table", "Payment gateway", "Refund queue", "FX feed", "Card vault",
            "Webhook consumer", "Batch scheduler", "Search index", "Node 20 runtime", "Kafka cluster", "DNS"]
EVENTS = ["outage", "lock contention", "schema drift", "credential leak", "quota exhaustion", "replay storm",
          "version skew", "silent data loss", "split brain", "expired token"]
EFFECTS = ["stalls sync", "double-charges customers", "delays statements", "drops audit events", "blocks refunds",
           "exposes PII", "breaks reconciliation"]
ENDINGS = ["", "", "", " after v2", " on Node 20 LTS", " in 3 regions", " (PCI scope)", " for tier 1"]
MITIGATIONS = ["Per-tenant circuit breaker", "Split the run into batches", "Nightly diff against the feed",
               "retry with exponential backoff", "alert on error rate over 2%", "runbook linked from on-call guide",
               "lock_audit.payload is versioned", "analytics-service cost dashboard", "WORM export of audit events",
               "Canary deploys with rollback", "rotate credentials every 30 days", "idempotency keys on writes"]
ROLES = ["", "", " lead", " team", " owner", " on-call"]
JOINS = [" + ", " / ", " & "]
STATUS_WORDS = ["open", "Open", "mitigating", "In progress", "mitigated", "Fixed", "monitoring", "Under monitoring",
                "accepted", "accepted with mitigation", "Risk accepted", "closed", "TODO", "Mitgating", "Monitering"]
ID_STYLES = ["KB-R{n:02d}", "R-KB-{n:02d}", "RISK-{n:03d}", "R{n:02d}"]
HEADERS = [("ID", "Ref"), ("Risk", "Title"), ("Likelihood", "Probability"), ("Impact",), ("Score", "L×I"),
           ("Status",), ("Owner", "Mitigation owner"), ("Mitigation", "Controls")]
# fmt: on
FIELDS = ("entry_id", "title", "likelihood", "impact", "score", "status", "owner", "mitigation")


@dataclass(frozen=True)
class RiskRow:
    entry_id: str
    title: str
    likelihood: int
    impact: int
    status: str
    owner: str
    mitigation: str

    def cells(self) -> list[str]:
        return [
            self.entry_id,
            self.title,
            str(self.likelihood),
            str(self.impact),
            str(self.likelihood * self.impact),
            self.status,
            self.owner,
            self.mitigation,
        ]

    def fields(self) -> dict[str, str]:
        return dict(zip(FIELDS, self.cells(), strict=True))


def random_register(rng: random.Random, rows: int, digit_endings: bool = True) -> tuple[str, list[RiskRow]]:
    """A register page and its rows. Titles may end in digits ("after v2"), which can make two
    readings of the ratings add up ("v2" + "339" or "v" + "2339"); `digit_endings=False` avoids them."""
    style = rng.choice(ID_STYLES)
    endings = ENDINGS if digit_endings else [e for e in ENDINGS if not e[-1:].isdigit()]
    canon = [c for c, _ in DIRECTORY]

    def owner() -> str:
        names = rng.sample(canon, 2 if rng.random() < 0.2 else 1)
        return rng.choice(JOINS).join(rng.choice([n, n, n.lower(), n.upper()]) + rng.choice(ROLES) for n in names)

    register = [
        RiskRow(
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
        + "\n".join("".join(r.cells()) for r in register)
        + "\n\n3. Top risks\n\n  1. "
        + register[0].entry_id
        + " — watch it.\n\n© 2026 Example · Privacy\n"
    )
    return text, register


def test_random_registers_read_back_for_at_least_98_percent_of_rows() -> None:
    rng = random.Random(20260418)
    right = total = 0
    misses = []
    for _ in range(60):
        text, register = random_register(rng, rng.randint(3, 12))
        got = read(text).entries
        assert len(got) == len(register)
        assert {(e.kind, e.section) for e in got} == {("risk", "2. Register")}
        for entry, row in zip(got, register, strict=True):
            total += 1
            if dict(entry.fields) == row.fields():
                right += 1
            else:
                misses.append((dict(entry.fields), row.fields()))
    assert right / total >= 0.98, f"{right}/{total} rows right; first misses: {misses[:3]}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=8))
def test_random_register_ids_ratings_and_statuses_always_read_back(seed: int, rows: int) -> None:
    text, register = random_register(random.Random(seed), rows, digit_endings=False)
    got = read(text).entries
    keys = ("entry_id", "likelihood", "impact", "score", "status")
    assert [{k: e.fields.get(k) for k in keys} for e in got] == [{k: r.fields()[k] for k in keys} for r in register]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=8), st.sampled_from(",;\t"))
def test_random_registers_as_csv_or_tabs_read_back_exactly(seed: int, rows: int, sep: str) -> None:
    rng = random.Random(seed)
    _, register = random_register(rng, rows)
    names = ["ID", "Risk", "Likelihood", "Impact", "Score", "Status", "Owner", "Mitigation"]

    def cell(value: str) -> str:
        if sep == "\t":
            return value
        return '"' + value.replace('"', '""') + '"' if sep in value or '"' in value or rng.random() < 0.3 else value

    text = sep.join(names) + "\n" + "\n".join(sep.join(cell(c) for c in r.cells()) for r in register) + "\n"
    assert fields_of(text) == [{k: v for k, v in r.fields().items() if v} for r in register]


def test_a_question_and_answer_table_pasted_with_tabs_is_a_checklist_as_its_pipe_table_is() -> None:
    # A readiness review copied out of Google Docs: its header names no register field, so no
    # register reading takes it; the table is still a table, and its Answer column decides.
    text = (
        "Production Readiness Review - Fraud Scoring\nQuestion\tAnswer\tComments\n"
        "Is there an SLO for p99 latency?\tYes\t150ms\nHas the model rollback been rehearsed?\tNo\tplanned May 20\n"
    )
    got = read(text).entries
    assert [(e.kind, e.fields["title"], e.checked) for e in got] == [
        ("check", "Is there an SLO for p99 latency?", True),
        ("check", "Has the model rollback been rehearsed?", False),
    ]
