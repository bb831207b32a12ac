"""Reconcile: a risk told twice in one document (by id, by corroborated order, by title) becomes
one entry, table values first; entries of one structure are never merged with each other."""

from __future__ import annotations

from pipeline.reconcile import id_key, order_supported, pair_risks, reconcile
from pipeline.records import RawEntry, SourceLoc


def risk(line: int, parser: str, kind: str = "risk", **fields: str) -> RawEntry:
    return RawEntry(loc=SourceLoc("doc.md", line), parser=parser, kind=kind, fields=fields, lines=(line,))


def section(line: int, title: str, **fields: str) -> RawEntry:
    return risk(line, "markdown_sections", title=title, **fields)


def row(line: int, title: str, **fields: str) -> RawEntry:
    return risk(line, "markdown_table", title=title, **fields)


NARRATIVE = [
    section(10, "Rate Limit Cold Start Protection", severity="🟢 LOW"),
    section(20, "Audit Chain Atomic Persistence", severity="🟢 LOW"),
    section(30, "Redis Backpressure Global", severity="🟢 LOW"),
    section(40, "Key Rotation with Revocation", severity="🟡 MEDIUM", status="Code ready, needs deployment"),
    section(50, "Chaos Tests", severity="🟡 MEDIUM"),
]
MATRIX = [
    row(90, "Cold Start Bypass", severity="🟢 LOW", status="FIXED", likelihood="Low"),
    row(91, "Audit Chain Break", severity="🟢 LOW", status="FIXED"),
    row(92, "Silent Pool Exhaustion", severity="🟢 LOW", status="FIXED"),
    row(93, "Key Compromise", severity="🟡 MEDIUM", status="PENDING"),
    row(94, "Unknown Failure Modes", severity="🟡 MEDIUM", status="PENDING"),
]


def test_same_id_across_parsers_merges_keeping_both_lines() -> None:
    out = reconcile(
        [
            [row(5, "Vault outage", entry_id="R-001", likelihood="High")],
            [section(20, "Vault outage during create", entry_id="R001", impact="Critical")],
        ]
    )
    assert len(out) == 1
    (e,) = out
    assert e.parser == "markdown_table" and e.loc.line == 5 and e.lines == (5, 20)
    assert e.fields["likelihood"] == "High" and e.fields["impact"] == "Critical"
    assert e.extra["alt_title"] == "Vault outage during create"
    assert any("same id" in n for n in e.notes)


def test_same_id_within_one_structure_stays_two_entries() -> None:
    out = reconcile([[row(5, "A", entry_id="R1"), row(6, "B", entry_id="R1")]])
    assert [e.loc.line for e in out] == [5, 6]


def test_one_entry_of_a_structure_takes_at_most_one_of_another() -> None:
    out = reconcile([[row(5, "A", entry_id="R1")], [section(20, "A", entry_id="R1"), section(30, "A", entry_id="R1")]])
    assert sorted(len(e.lines) for e in out) == [1, 2]


def test_table_row_wins_whichever_parser_came_first() -> None:
    for groups in ([NARRATIVE, MATRIX], [MATRIX, NARRATIVE]):
        out = reconcile(groups)
        assert [e.fields["title"] for e in out] == [e.fields["title"] for e in MATRIX]
        assert [e.extra["alt_title"] for e in out] == [e.fields["title"] for e in NARRATIVE]
        assert [e.lines for e in out] == [(10, 90), (20, 91), (30, 92), (40, 93), (50, 94)]
        assert out[3].fields["status"] == "PENDING"
        assert "conflict status: 'PENDING' here, 'Code ready, needs deployment' at line 40" in out[3].notes


def test_fields_missing_from_the_row_come_from_the_section() -> None:
    narrative = [
        section(10, "Cold start", severity="Low", mitigation="Global guard"),
        section(20, "Audit chain", severity="Low", mitigation="Lua script"),
    ]
    matrix = [row(90, "Cold start bypass", severity="Low"), row(91, "Audit chain break", severity="Low")]
    out = reconcile([matrix, narrative])
    assert [e.fields.get("mitigation") for e in out] == ["Global guard", "Lua script"]


def test_order_pairing_needs_the_same_count() -> None:
    out = reconcile([MATRIX[:4], NARRATIVE])
    assert len(out) == 9


def test_order_pairing_needs_corroboration() -> None:
    narrative = [section(10, "Vault outage", severity="Critical"), section(20, "DNS expiry", severity="Low")]
    matrix = [row(90, "Search index drift", severity="Low"), row(91, "Payment retries", severity="Critical")]
    assert not order_supported(matrix, narrative)
    assert len(reconcile([matrix, narrative])) == 4


def test_rating_agreement_alone_is_not_enough() -> None:
    narrative = [section(10, "Vault outage", severity="High"), section(20, "DNS expiry", severity="High")]
    matrix = [row(90, "Search index drift", severity="High"), row(91, "Payment retries", severity="High")]
    assert not order_supported(matrix, narrative)


def test_a_list_in_another_order_is_not_paired_by_order() -> None:
    narrative = [
        section(10, "Vault outage", severity="High"),
        section(20, "DNS record expiry", severity="Low"),
        section(30, "Kafka lag", severity="Medium"),
    ]
    matrix = [
        row(90, "DNS record expiry", severity="Low"),
        row(91, "Vault outage", severity="High"),
        row(92, "Kafka consumer lag", severity="Medium"),
    ]
    assert not order_supported(matrix, narrative)
    out = reconcile([matrix, narrative])
    # Exact titles still pair; "Kafka lag" / "Kafka consumer lag" is not near enough alone.
    assert sorted(e.lines for e in out) == [(10, 91), (20, 90), (30,), (92,)]


def test_different_ids_never_pair() -> None:
    narrative = [
        section(10, "Vault outage", entry_id="R1", severity="High"),
        section(20, "DNS expiry", entry_id="R2", severity="Low"),
    ]
    matrix = [
        row(90, "Vault outage", entry_id="X-9", severity="High"),
        row(91, "DNS expiry", entry_id="X-8", severity="Low"),
    ]
    assert len(reconcile([matrix, narrative])) == 4


def test_id_on_one_side_only_pairs_by_title() -> None:
    out = reconcile(
        [[row(90, "Vault outage", severity="High")], [section(10, "Vault outage", entry_id="R1", likelihood="Low")]]
    )
    assert len(out) == 1 and out[0].fields["entry_id"] == "R1" and out[0].fields["likelihood"] == "Low"


def test_checks_are_never_merged() -> None:
    out = reconcile(
        [
            [risk(5, "markdown_table", title="Backups restored")],
            [risk(30, "checklist", kind="check", title="Backups restored")],
        ]
    )
    assert len(out) == 2


def test_pair_risks_title_fallback_is_mutual_and_unique() -> None:
    left = [row(1, "Vault outage"), row(2, "Vault outage")]
    right = [section(10, "Vault outage")]
    assert pair_risks(left, right) == []


def test_id_key() -> None:
    assert id_key("R-001") == id_key("r1") != id_key("R-10")
    assert id_key("Risk 3") == id_key("3") == id_key("RISK-03")


def table_row(line: int, columns: tuple[str, ...], **fields: str) -> RawEntry:
    return RawEntry(
        loc=SourceLoc("doc.md", line),
        parser="markdown_table",
        kind="risk",
        fields=fields,
        headers={c: c.capitalize() for c in columns},
        lines=(line,),
    )


def test_summary_table_merges_with_the_register_table() -> None:
    cols = ("entry_id", "title", "likelihood")
    register = [
        table_row(5, cols, entry_id="R1", title="Vault outage", likelihood="Low"),
        table_row(6, cols, entry_id="R2", title="DNS expiry", likelihood="High"),
    ]
    summary = [table_row(20, ("entry_id", "title", "severity"), entry_id="R2", title="DNS expiry", severity="High")]
    out = reconcile([register + summary])
    assert [e.lines for e in out] == [(5,), (6, 20)]
    assert out[1].fields == {"entry_id": "R2", "title": "DNS expiry", "likelihood": "High", "severity": "High"}


def test_tables_with_the_same_columns_are_one_structure() -> None:
    cols = ("entry_id", "title", "severity")
    out = reconcile(
        [
            [
                table_row(5, cols, entry_id="R1", title="Vault outage", severity="High"),
                table_row(30, cols, entry_id="R1", title="Vault outage", severity="High"),
            ]
        ]
    )
    assert len(out) == 2


def test_ids_two_tables_share_need_a_title_or_severity_in_common() -> None:
    api = [table_row(5, ("entry_id", "title", "severity"), entry_id="R1", title="Token replay", severity="High")]
    db = [table_row(30, ("entry_id", "title", "likelihood"), entry_id="R1", title="Disk full", likelihood="Low")]
    assert len(reconcile([api + db])) == 2


def test_row_numbers_need_corroboration() -> None:
    rows = [
        table_row(5, ("entry_id", "title"), entry_id="1", title="Vault outage"),
        table_row(6, ("entry_id", "title"), entry_id="2", title="DNS expiry"),
    ]
    sections = [
        section(20, "Vault sealed during create", entry_id="Risk 1", severity="High"),
        section(30, "Queue backlog", entry_id="Risk 2", severity="Low"),
    ]
    out = reconcile([rows, sections])
    assert sorted(e.lines for e in out) == [(5, 20), (6,), (30,)]


# ---- step 4: a summary matrix that renames risks and leaves some out ----

DETAIL = [
    section(15, "Late-arriving mobile events skew the daily aggregates", likelihood="Likely", impact="Moderate"),
    section(27, "Producer teams change event schemas without notice", likelihood="Possible", impact="Major"),
    section(37, "Lifecycle rule deletes raw partitions before compaction", likelihood="Rare", impact="Severe"),
    section(47, "Backfill jobs starve the nightly batch", likelihood="Possible", impact="Minor"),
]
SUMMARY = [
    row(60, "Late data in daily aggregates", entry_id="1", likelihood="4", impact="3", status="Mitigating"),
    row(61, "Producer schema changes", entry_id="2", likelihood="3", impact="4", status="Open"),
    row(62, "Premature raw-data expiry", entry_id="3", likelihood="1", impact="5", status="Monitoring"),
]


def test_renamed_subset_pairs_by_shared_words_and_the_same_ratings() -> None:
    out = reconcile([SUMMARY, DETAIL])
    assert [e.lines for e in out] == [(47,), (15, 60), (27, 61), (37, 62)]
    first = out[1]
    assert first.parser == "markdown_table" and first.fields["likelihood"] == "4"
    assert first.extra["alt_title"] == DETAIL[0].fields["title"]
    assert any("shared title words and ratings" in n for n in first.notes)
    assert not any(n.startswith("conflict") for n in first.notes)  # "4" and "Likely" are one level


def test_shared_words_with_different_ratings_do_not_pair() -> None:
    detail = [section(15, "Late mobile events skew aggregates", likelihood="Likely", impact="Moderate")]
    summary = [row(60, "Late data in aggregates", likelihood="2", impact="3")]
    assert len(reconcile([summary, detail])) == 2


def test_same_ratings_without_shared_words_do_not_pair() -> None:
    detail = [section(15, "Vault sealed after restart", likelihood="High", impact="High")]
    summary = [row(60, "DNS record expiry", likelihood="4", impact="4")]
    assert len(reconcile([summary, detail])) == 2


def test_a_tie_is_left_apart() -> None:
    detail = [
        section(15, "Kafka lag during rebalances", likelihood="High", impact="Medium"),
        section(25, "Kafka lag during restarts", likelihood="High", impact="Medium"),
    ]
    summary = [row(60, "Kafka lag", likelihood="4", impact="3"), row(61, "Disk full", likelihood="1", impact="5")]
    assert len(reconcile([summary, detail])) == 4


def test_a_checklist_table_row_read_as_an_unrated_risk_is_one_check() -> None:
    twin = risk(7, "markdown_table", title="Runbook linked", status="✅ Done", owner="SRE")
    check = risk(7, "checklist", kind="check", title="Runbook linked")
    rated = risk(9, "markdown_table", title="Vault outage", likelihood="High")
    other = risk(9, "checklist", kind="check", title="Vault outage")
    out = reconcile([[twin, rated], [check, other]])
    assert [(e.loc.line, e.kind) for e in out] == [(7, "check"), (9, "risk"), (9, "check")]
