"""History: entry_history keeps every version, `changes` lists exactly the edits of each night,
a quiet night writes nothing, incremental and full runs agree, and the rollup says what changed."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipeline import history
from pipeline.load import connect
from pipeline.report import build_report
from pipeline.rows import ENTRY_COLUMNS
from pipeline.since import CLOSED_STATUSES
from tests.history_scenario import NIGHT_2_RISK_CHANGES, Scenario, edit_for_night_2, night_1, three_nights


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return three_nights(tmp_path_factory.mktemp("nights"))


def risk_changes(db: Path, run_id: str) -> set[tuple]:
    return set(query(db, "SELECT change, entry_id, field FROM changes WHERE run_id = ? AND kind = 'risk'", [run_id]))


def test_night_2_changes_are_exactly_the_edits(nights: Scenario) -> None:
    assert risk_changes(nights.db, nights.runs[1].run_id) == NIGHT_2_RISK_CHANGES
    impact = query(
        nights.db,
        "SELECT old_value, new_value FROM changes WHERE entry_id = 'P-3' AND field IN ('impact', 'severity') "
        "ORDER BY field",
    )
    assert impact == [("3", "4"), ("low", "medium")]
    # the box ticked on the readiness checklist is a check change, not a risk change
    assert query(nights.db, "SELECT field, old_value, new_value FROM changes WHERE kind = 'check' AND run_id = ?",
                 [nights.runs[1].run_id]) == [("checked", "false", "true")]  # fmt: skip


def test_first_night_is_all_new_and_the_quiet_night_lists_no_change(nights: Scenario) -> None:
    first = query(nights.db, "SELECT DISTINCT change FROM changes WHERE run_id = ?", [nights.runs[0].run_id])
    assert first == [("new",)]
    assert query(nights.db, "SELECT count(*) FROM changes WHERE run_id = ?", [nights.runs[2].run_id]) == [(0,)]
    counts = query(nights.db, "SELECT entries_new, entries_changed, entries_retired FROM runs ORDER BY started_at")
    assert counts == [(7, 0, 0), (2, 3, 2), (0, 0, 0)]  # night 2: P-2, P-3 and the ticked check changed
    assert [r.changes for r in nights.runs[1:]] == [
        {"new": 2, "changed": 3, "retired": 2},
        {"new": 0, "changed": 0, "retired": 0},
    ]


def test_versions_first_and_last_seen(nights: Scenario) -> None:
    run1, run2, _ = (r.run_id for r in nights.runs)
    rows = query(
        nights.db,
        "SELECT entry_id, version, first_seen_run, last_seen_run, retired_run, status, impact FROM entry_history "
        "WHERE kind = 'risk' ORDER BY entry_id, version",
    )
    assert rows == [
        ("B-1", 1, run2, None, None, "open", 5),
        ("L-1", 1, run1, run1, run2, "open", 4),  # retired: its register was deleted; it stays in history
        ("L-2", 1, run1, run1, run2, "monitoring", 4),
        ("P-1", 1, run1, None, None, "open", 5),  # lines moved on night 2: not a new version
        ("P-2", 1, run1, run1, None, "open", 4),
        ("P-2", 2, run2, None, None, "closed", 4),
        ("P-3", 1, run1, run1, None, "open", 3),
        ("P-3", 2, run2, None, None, "open", 4),
        ("P-4", 1, run2, None, None, "open", 3),
    ]
    # the current versions are the entries, column for column
    current = "SELECT {} FROM {} ORDER BY entry_key"
    fields = ", ".join(("entry_key", *history.COMPARED_FIELDS))
    assert query(nights.db, current.format(fields, "entry_history WHERE last_seen_run IS NULL")) == query(
        nights.db, current.format(fields, "entries")
    )


def test_a_quiet_night_writes_no_history(tmp_path: Path) -> None:
    scenario = night_1(tmp_path)
    scenario.night()
    edit_for_night_2(scenario.root)
    scenario.night()
    before = query(scenario.db, "SELECT * FROM entry_history ORDER BY entry_key, version")
    scenario.night()
    assert query(scenario.db, "SELECT * FROM entry_history ORDER BY entry_key, version") == before


def test_any_past_run_can_be_rebuilt(nights: Scenario, tmp_path: Path) -> None:
    one_night = night_1(tmp_path)
    one_night.night()
    fields = ", ".join(("entry_key", *history.COMPARED_FIELDS))
    expected = query(one_night.db, f"SELECT {fields} FROM entries ORDER BY entry_key")
    rebuilt = query(nights.db, f"SELECT {fields} FROM entries_as_of(?) ORDER BY entry_key", [nights.runs[0].run_id])
    assert rebuilt == expected
    latest = query(nights.db, f"SELECT {fields} FROM entries_as_of(?) ORDER BY entry_key", [nights.runs[2].run_id])
    assert latest == query(nights.db, f"SELECT {fields} FROM entries ORDER BY entry_key")


def test_incremental_runs_give_the_same_history_as_full_runs(nights: Scenario, tmp_path: Path) -> None:
    full = three_nights(tmp_path, full=True)

    def normalised(scenario: Scenario) -> list[tuple]:
        night = {r.run_id: i for i, r in enumerate(scenario.runs, 1)}
        rows = query(
            scenario.db,
            "SELECT * EXCLUDE (first_seen_run, last_seen_run, retired_run), first_seen_run, last_seen_run, "
            "retired_run FROM entry_history ORDER BY entry_key, version",
        )
        return [(*r[:-3], *(night.get(x) for x in r[-3:])) for r in rows]

    assert normalised(full) == normalised(nights)


def test_a_database_from_before_history_lists_only_real_changes(tmp_path: Path) -> None:
    scenario = night_1(tmp_path)
    scenario.night()
    con = connect(scenario.db)
    con.execute("DELETE FROM entry_history")  # as a database made by an older riskreg
    con.close()
    edit_for_night_2(scenario.root)
    scenario.night()
    assert risk_changes(scenario.db, scenario.runs[1].run_id) == NIGHT_2_RISK_CHANGES


def test_dry_run_lists_what_the_run_then_does_and_writes_nothing(tmp_path: Path) -> None:
    scenario = night_1(tmp_path)
    scenario.night()
    edit_for_night_2(scenario.root)
    digest = hashlib.sha256(scenario.db.read_bytes()).hexdigest()
    files = sorted(p.name for p in tmp_path.iterdir())
    preview = scenario.night(dry_run=True)
    assert hashlib.sha256(scenario.db.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == files
    assert preview.dry_run and preview.changes == {"new": 2, "changed": 3, "retired": 2}
    assert [r.path for r in preview.rejections] == ["lunch.txt"]
    previewed = {(c.change, c.entry_id, f.field if f else None) for c in preview.preview if c.kind == "risk"
                 for f in (c.fields or (None,))}  # fmt: skip
    assert previewed == NIGHT_2_RISK_CHANGES
    real = scenario.night()
    assert {(c.change, c.entry_key, c.fields) for c in preview.preview} == {
        (c.change, c.entry_key, c.fields) for c in connect_and(scenario.db, history.entry_changes, real.run_id)
    }


def connect_and(db: Path, function, *args):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return function(con, *args)
    finally:
        con.close()


def test_dry_run_on_a_new_database_creates_no_file(tmp_path: Path) -> None:
    scenario = night_1(tmp_path, name="nested/new.duckdb")
    summary = scenario.night(dry_run=True)
    assert summary.changes == {"new": 7, "changed": 0, "retired": 0}
    assert not (tmp_path / "nested").exists()


def test_report_opens_with_what_changed(nights: Scenario, tmp_path: Path) -> None:
    two = night_1(tmp_path)
    two.night()
    edit_for_night_2(two.root)
    two.night()
    report = connect_and(two.db, build_report)
    assert report.since is not None
    titles = [s.title for s in report.since.sections]
    assert titles == [
        "New risks (2)",
        "Closed risks (1)",
        "Retired risks (2)",
        "Severity and rating changes (1)",
        "New rejections (1)",
    ]
    rows = {s.title: s.rows for s in report.since.sections}
    assert {r[1] for r in rows["New risks (2)"]} == {"P-4", "B-1"}
    assert [r[1] for r in rows["Retired risks (2)"]] == ["L-1", "L-2"]
    assert rows["Closed risks (1)"][0][1:4] == (
        "P-2",
        "Refund fraud through <script> & notes",
        "status open → closed (written Open → Closed)",
    )
    assert (
        rows["Severity and rating changes (1)"][0][3]
        == "impact 3 → 4 (written Medium → High); score 6 → 8; severity low → medium"
    )
    assert rows["New rejections (1)"][0][0] == "lunch.txt"
    assert dict(report.since.counts) == {
        "new risks": 2, "closed": 1, "retired": 2, "severity or rating changes": 1, "status changes": 0,
        "owner changes": 0, "other edits": 0, "new rejections": 1,
    }  # fmt: skip
    assert "Checklists: 1 ticked." in report.since.intro

    quiet = connect_and(nights.db, build_report)
    assert quiet.since is not None and not quiet.since.sections and not quiet.since.counts
    assert "No change" in quiet.since.intro


def test_views_roll_up_by_service_and_owner(nights: Scenario) -> None:
    rollup = query(
        nights.db,
        "SELECT service, documents, risks, live, critical, medium, closed, top_score, without_owner, "
        "outdated_documents, undated_documents, oldest_update FROM risk_rollup ORDER BY service",
    )
    assert rollup == [
        ("Billing", 1, 1, 1, 0, 0, 0, 15, 0, 1, 0, date(2024, 2, 1)),  # last updated long before the run
        ("Payments", 1, 4, 3, 1, 2, 1, 20, 0, 0, 0, date(2026, 11, 30)),
        ("Search", 1, 0, 0, 0, 0, 0, None, 0, 0, 1, None),  # a checklist without a Last updated line
    ]
    load = dict(query(nights.db, "SELECT owner, live_risks FROM owner_load"))
    assert load == {"SRE": 1, "Finance": 2, "Payments Engineering": 1}
    assert query(nights.db, "SELECT services, service_names FROM owner_load WHERE owner = 'Finance'") == [
        (2, ["Billing", "Payments"])
    ]


def test_live_means_not_closed_everywhere(tmp_path: Path) -> None:
    """risks.live (schema.sql) and since.CLOSED_STATUSES (the report's closed risks) agree."""
    con = connect(tmp_path / "x.duckdb")
    try:
        statuses = ["open", "mitigating", "mitigated", "monitoring", "accepted", "closed", None]
        for i, status in enumerate(statuses):
            con.execute(
                "INSERT INTO entries (entry_key, kind, status, source_path, source_line, parser, confidence, run_id) "
                "VALUES (?, 'risk', ?, 'a.md', 1, 'p', 1.0, 'r')",
                [f"k{i}", status],
            )
        live = dict(con.execute("SELECT status, live FROM risks").fetchall())
    finally:
        con.close()
    assert live == {s: s not in CLOSED_STATUSES for s in statuses}


def test_compared_fields_are_the_entry_columns_but_bookkeeping() -> None:
    assert set(history.COMPARED_FIELDS) | set(history.LOCATION_FIELDS) | {"entry_key", "run_id"} == set(ENTRY_COLUMNS)
    assert not set(history.COMPARED_FIELDS) & set(history.LOCATION_FIELDS)
