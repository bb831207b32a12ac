"""The analysts' commands end to end with CliRunner: ingest --dry-run and its progress bar,
`riskreg sql`, `export --format parquet|markdown`, and `report` after two nights."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.progress import progress_bar, wants_progress
from tests.history_scenario import edit_for_night_2, night_1


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory: pytest.TempPathFactory):
    """The scenario's docs after night 2's edits, and a database of nights 1 and 2."""
    tmp = tmp_path_factory.mktemp("cli")
    scenario = night_1(tmp)
    owners = str(tmp / "owners.csv")
    invoke("ingest", str(scenario.root), "--db", str(scenario.db), "--owners", owners, "--workers", "1")
    edit_for_night_2(scenario.root)
    invoke("ingest", str(scenario.root), "--db", str(scenario.db), "--owners", owners, "--workers", "1")
    return scenario, owners


def test_dry_run_says_what_would_change_and_writes_nothing(tmp_path: Path) -> None:
    scenario = night_1(tmp_path)
    owners = str(tmp_path / "owners.csv")
    first = invoke("ingest", str(scenario.root), "--db", str(scenario.db), "--owners", owners, "--workers", "1")
    assert first.exit_code == 0, first.output
    assert "changes: 7 new, 0 changed, 0 retired" in first.output
    edit_for_night_2(scenario.root)
    digest = hashlib.sha256(scenario.db.read_bytes()).hexdigest()
    result = invoke(
        "ingest", str(scenario.root), "--db", str(scenario.db), "--owners", owners, "--workers", "1", "--dry-run"
    )
    assert result.exit_code == 3, result.output  # lunch.txt would be rejected
    assert hashlib.sha256(scenario.db.read_bytes()).hexdigest() == digest
    assert "nothing written" in result.output
    assert "would change: 2 new, 3 changed, 2 retired" in result.output
    assert "would reject: 1" in result.output and "lunch.txt" in result.output
    lines = result.output.splitlines()
    assert any(x.strip().startswith("retired  ledger/risk-register.md:") and "L-1" in x for x in lines)
    assert any("P-3" in x and "impact 3 → 4" in x for x in lines)
    as_json = invoke(
        "ingest", str(scenario.root), "--db", str(scenario.db), "--owners", owners, "--workers", "1", "--dry-run",
        "--json",
    )  # fmt: skip
    payload = json.loads(as_json.output)
    assert payload["dry_run"] and payload["changes"] == {"new": 2, "changed": 3, "retired": 2}
    assert {c["entry_id"] for c in payload["preview"] if c["change"] == "new"} == {"P-4", "B-1"}


def test_progress_bar_only_on_a_terminal_and_never_with_json() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert wants_progress(Terminal(), as_json=False)
    assert not wants_progress(Terminal(), as_json=True)
    assert not wants_progress(io.StringIO(), as_json=False)
    screen = Terminal()
    with progress_bar(screen, enabled=True) as progress:
        assert progress is not None
        for done in (1, 2, 3):
            progress(done, 3)
    assert "parsing" in screen.getvalue() and "3/3" in screen.getvalue()
    with progress_bar(screen, enabled=False) as progress:
        assert progress is None


def test_ingest_under_cli_runner_draws_no_bar(tmp_path: Path) -> None:
    scenario = night_1(tmp_path)
    result = CliRunner().invoke(main, ["ingest", str(scenario.root), "--db", str(scenario.db), "--workers", "1"])
    assert result.exit_code == 0 and "parsing" not in result.output and "doc/s" not in result.output


def test_sql_prints_a_table_csv_or_json(two_nights) -> None:
    scenario, _ = two_nights
    db = str(scenario.db)
    table = invoke("sql", "--db", db, "SELECT service, live, critical FROM risk_rollup ORDER BY service")
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[0].split() == ["service", "|", "live", "|", "critical"]
    assert "(3 rows)" in table.output
    csv_out = invoke(
        "sql", "--db", db, "--format", "csv", "SELECT entry_id, field FROM changes WHERE change = 'changed' "
        "AND kind = 'risk' AND field IN ('status', 'impact') ORDER BY 1"
    )  # fmt: skip
    assert csv_out.output == "entry_id,field\nP-2,status\nP-3,impact\n"
    as_json = invoke("sql", "--db", db, "--format", "json", "SELECT owner, service_names FROM owner_load ORDER BY 1")
    assert json.loads(as_json.output)[0] == {"owner": "Finance", "service_names": ["Billing", "Payments"]}


@pytest.mark.parametrize(
    "query, message",
    [
        ("SELEC 1", "syntax error"),
        ("SELECT * FROM nope", "nope does not exist"),
        ("DELETE FROM entries", "read-only"),
        ("COPY entries TO 'leak.csv'", "disabled by configuration"),
        ("SELECT * FROM read_csv('/etc/hostname')", "disabled by configuration"),
    ],
)
def test_sql_refuses_cleanly(two_nights, query: str, message: str) -> None:
    scenario, _ = two_nights
    result = invoke("sql", "--db", str(scenario.db), query)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and message in result.output
    assert "Traceback" not in result.output


def test_sql_needs_an_existing_database(tmp_path: Path) -> None:
    assert invoke("sql", "--db", str(tmp_path / "none.duckdb"), "SELECT 1").exit_code == 2


def test_export_parquet_partitioned_by_service(two_nights, tmp_path: Path) -> None:
    scenario, _ = two_nights
    out = tmp_path / "parquet"
    result = invoke("export", "--db", str(scenario.db), "--format", "parquet", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["service=Billing", "service=Payments", "service=Search"]
    back = duckdb.sql(
        f"SELECT service, count(*) FROM read_parquet('{out}/**/*.parquet', hive_partitioning = true) GROUP BY ALL "
        "ORDER BY 1"
    ).fetchall()
    con = duckdb.connect(str(scenario.db), read_only=True)
    assert back == con.execute("SELECT service, count(*) FROM entries GROUP BY ALL ORDER BY 1").fetchall()
    con.close()
    # again into the same folder: replaced; into a folder with other files: refused
    assert invoke("export", "--db", str(scenario.db), "--format", "parquet", "--out", str(out)).exit_code == 0
    (tmp_path / "mixed").mkdir()
    (tmp_path / "mixed" / "notes.txt").write_text("keep me")
    refused = invoke("export", "--db", str(scenario.db), "--format", "parquet", "--out", str(tmp_path / "mixed"))
    assert refused.exit_code == 1 and "new or empty folder" in refused.output
    assert (tmp_path / "mixed" / "notes.txt").read_text() == "keep me"


def test_export_accepts_markdown_for_md(two_nights, tmp_path: Path) -> None:
    scenario, _ = two_nights
    result = invoke("export", "--db", str(scenario.db), "--format", "markdown", "--out", str(tmp_path / "md"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "md" / "payments" / "risk-register.md").exists()


def test_report_after_two_nights_in_both_formats(two_nights, tmp_path: Path) -> None:
    scenario, _ = two_nights
    md = invoke("report", "--db", str(scenario.db), "--format", "markdown")
    assert md.exit_code == 0, md.output
    assert md.output.index("## Since the previous run") < md.output.index("## Heatmap of live risks")
    assert "### Retired risks (2)" in md.output and "Refund fraud through \\<script\\> & notes" in md.output
    assert "```text" in md.output  # per-service heatmaps as text grids
    page = tmp_path / "rollup.html"
    assert invoke("report", "--db", str(scenario.db), "--out", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;" in html
    assert html.count("<svg") == 1 + 2  # the bar chart, and a heatmap per service with rated live risks


def test_report_on_a_database_from_before_history_says_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE runs (run_id VARCHAR, started_at TIMESTAMP)")
    con.close()
    result = invoke("report", "--db", str(db), "--format", "md")
    assert result.exit_code == 1 and "run `riskreg ingest` once" in result.output
