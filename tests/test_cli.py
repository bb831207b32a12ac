"""The CLI end to end: CliRunner on a tmp database, exit codes 0/2/3, rows loaded, incremental runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "tests" / "fixtures" / "markdown_table" / "synonym_headers_any_order.md"
REGISTER = """# Billing Export Service — Risk Register

| ID | Risk | Likelihood | Impact | Owner |
|---|---|---|---|---|
| BX-1 | Export job double-sends invoices | Medium | High | Engineering |
| BX-2 | Tax table out of date | Low | Medium | Finance |
"""


def ingest(runner: CliRunner, root: Path, db: Path, *extra: str):
    return runner.invoke(main, ["ingest", str(root), "--db", str(db), "--workers", "1", *extra])


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "ledger").mkdir(parents=True)
    shutil.copy(SAMPLE, root / "ledger" / "register.md")
    (root / "billing.txt").write_text(REGISTER, encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root


def test_ingest_loads_every_document_and_exits_0(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    result = ingest(CliRunner(), docs, db)
    assert result.exit_code == 0, result.output
    assert "documents: 2 seen, 2 parsed, 0 rejected" in result.output
    assert rows(db, "SELECT count(*) FROM entries") == [(6,)]
    assert rows(db, "SELECT source_path, entry_id, likelihood, impact FROM risks WHERE entry_id = 'BX-1'") == [
        (
            "billing.txt",
            "BX-1",
            3,
            4,
        )
    ]
    # .git is hidden: never read, never rejected
    assert rows(db, "SELECT count(*) FROM documents WHERE path LIKE '.git%'") == [(0,)]


def test_every_table_and_view_exists(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    ingest(CliRunner(), docs, db)
    names = {r[0] for r in rows(db, "SELECT table_name FROM information_schema.tables")}
    assert {"entries", "documents", "runs", "rejections", "services", "matches", "risks", "checks"} <= names


def test_bad_documents_are_rejected_with_reason_and_exit_3(docs: Path, tmp_path: Path) -> None:
    (docs / "empty.md").write_bytes(b"")
    (docs / "notes.txt").write_text("Lunch order: two pizzas, one salad.\nNothing else here.\n")
    (docs / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    db = tmp_path / "r.duckdb"
    result = ingest(CliRunner(), docs, db)
    assert result.exit_code == 3, result.output
    rejected = dict(rows(db, "SELECT path, stage FROM rejections"))
    assert rejected == {"empty.md": "decode", "notes.txt": "parse", "logo.png": "decode"}
    # the good documents still went in
    assert rows(db, "SELECT count(*) FROM entries") == [(6,)]
    assert rows(db, "SELECT exit_code, documents_rejected FROM runs") == [(3, 3)]
    # every table fetches into Python with the declared dependencies only (TIMESTAMPTZ would need pytz)
    assert rows(db, "SELECT * FROM runs")[0][1].year >= 2026


def test_missing_root_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "nope"), "--db", str(tmp_path / "r.duckdb")])
    assert result.exit_code == 2


def test_second_run_reuses_unchanged_documents_and_keeps_keys(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    runner = CliRunner()
    ingest(runner, docs, db)
    keys = rows(db, "SELECT entry_key FROM entries ORDER BY 1")
    (docs / "billing.txt").write_text("Intro line\n\n" + REGISTER, encoding="utf-8")  # lines move
    result = ingest(runner, docs, db, "--json")
    summary = json.loads(result.output)
    assert summary["documents_reused"] == 1 and summary["documents_parsed"] == 2
    assert rows(db, "SELECT entry_key FROM entries ORDER BY 1") == keys
    assert rows(db, "SELECT source_line FROM entries WHERE entry_id = 'BX-1'") == [(7,)]
    assert rows(db, "SELECT count(*) FROM runs") == [(2,)]


def test_a_register_broken_tonight_keeps_last_good_entries(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    runner = CliRunner()
    ingest(runner, docs, db)
    (docs / "billing.txt").write_text("Billing Export Service\n\nThe table was deleted by mistake.\n")
    result = ingest(runner, docs, db)
    assert result.exit_code == 3
    assert rows(db, "SELECT status FROM documents WHERE path = 'billing.txt'") == [("stale",)]
    assert rows(db, "SELECT count(*) FROM entries WHERE source_path = 'billing.txt'") == [(2,)]


def test_deleted_documents_leave_the_current_state(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    runner = CliRunner()
    ingest(runner, docs, db)
    (docs / "billing.txt").unlink()
    assert ingest(runner, docs, db).exit_code == 0
    assert rows(db, "SELECT DISTINCT source_path FROM entries") == [("ledger/register.md",)]


def test_full_run_equals_incremental_run(docs: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    inc, full = tmp_path / "inc.duckdb", tmp_path / "full.duckdb"
    ingest(runner, docs, inc)
    (docs / "billing.txt").write_text(REGISTER.replace("Finance", "Finance team"), encoding="utf-8")
    ingest(runner, docs, inc)
    ingest(runner, docs, full, "--full")
    query = "SELECT * EXCLUDE (run_id) FROM entries ORDER BY entry_key"
    assert rows(inc, query) == rows(full, query)


def test_bad_config_names_the_file_and_key(docs: Path, tmp_path: Path) -> None:
    config = tmp_path / "riskreg.toml"
    config.write_text("[matching]\nmin_scor = 80\n")
    result = ingest(CliRunner(), docs, tmp_path / "r.duckdb", "--config", str(config))
    assert result.exit_code == 1
    assert "riskreg.toml" in result.output and "min_scor" in result.output


def test_report_writes_html_and_markdown(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    runner = CliRunner()
    ingest(runner, docs, db)
    out = tmp_path / "rollup.html"
    result = runner.invoke(main, ["report", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<table class='heatmap'>" in page and "Billing Export Service" in page
    assert "http" not in page.split("<body>")[0]  # no external assets
    md = runner.invoke(main, ["report", "--db", str(db), "--format", "md"]).output
    assert "| Likelihood \\ Impact | 1 | 2 | 3 | 4 | 5 |" in md
