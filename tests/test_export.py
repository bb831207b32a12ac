"""Export: the canonical Markdown a migration writes reads back to the same normalised entries."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
from click.testing import CliRunner

from pipeline.cli import main

REPO = Path(__file__).resolve().parent.parent
RISK_FIELDS = "service, entry_id, title, likelihood, impact, score, severity, status, owners, mitigation"


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 3), result.output
    return result


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_markdown_export_round_trips(tmp_path: Path) -> None:
    source_db, migrated_db, out = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "migrated"
    owners = str(REPO / "data" / "owners.csv")
    run("ingest", str(REPO / "data" / "raw"), "--db", str(source_db), "--owners", owners, "--workers", "1")
    run("export", "--db", str(source_db), "--out", str(out))
    written = [p for p in out.rglob("*.*") if p.name != ".riskreg-export"]  # the export's own list of its files
    assert written and all(p.suffix == ".md" for p in written)
    result = run("ingest", str(out), "--db", str(migrated_db), "--owners", owners, "--workers", "1")
    assert result.exit_code == 0, result.output
    risks = f"SELECT {RISK_FIELDS} FROM risks ORDER BY service, entry_id, title"
    before, after = query(source_db, risks), query(migrated_db, risks)
    assert before and after == before
    # a check of unknown state is written unticked: the migrated register asks for a person
    checks = "SELECT service, section, title, coalesce(checked, false) FROM checks ORDER BY ALL"
    assert query(migrated_db, checks) == query(source_db, checks)


def test_flat_exports_keep_raw_values_and_sources(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    run("ingest", str(REPO / "data" / "raw"), "--db", str(db), "--workers", "1")
    run("export", "--db", str(db), "--format", "jsonl", "--out", str(tmp_path / "e.jsonl"))
    run("export", "--db", str(db), "--format", "csv", "--out", str(tmp_path / "e.csv"))
    lines = [json.loads(x) for x in (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()]
    with (tmp_path / "e.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(lines) == len(rows) == query(db, "SELECT count(*) FROM entries")[0][0]
    assert {"likelihood_raw", "source_path", "source_line", "entry_key"} <= set(lines[0])
    assert rows[0]["source_path"] == lines[0]["source_path"]
