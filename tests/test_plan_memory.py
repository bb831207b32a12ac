"""The plan works within DuckDB's memory limit too: a changed night without an owner directory.

Issue 12, the plan's half: without an owner directory the run clusters owner names over the
night's RawEntries, and `decide.owner_clusters` read the JSON shards (DuckDB's JSON reader holds a
32 MiB buffer it cannot spill) inside the joins with the run's documents, so a changed night ran
out of memory before the load (10,000 documents at 64 MB; the sample tree at 48 MB) and ended
in a raw DuckDB traceback. The plan now reads the night's shards into its own tables first
(`Plan.read_shards`), and a DuckDB error while planning is the project's LoadError.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import Config
from pipeline.errors import LoadError
from pipeline.review import Decision, record
from pipeline.run import ingest
from tests.test_load_memory import LOW_LIMIT, SAMPLES, TEAMS, change_a_risk, entries, sample_tree

# Below the 32 MiB buffer of DuckDB's JSON reader: the plan's first read of a shard fails.
TOO_LOW = "16MB"


def table(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_changed_night_without_owner_directory_plans_under_a_low_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, db, reference = tmp_path / "docs", tmp_path / "nightly.duckdb", tmp_path / "full.duckdb"
    sample_tree(root)
    ingest(root, db, Config(), workers=1)
    change_a_risk(root)

    monkeypatch.setenv("RISKREG_DUCKDB_MEMORY", LOW_LIMIT)
    night = ingest(root, db, Config(), workers=1)
    assert night.changes == {"new": 0, "changed": 1, "retired": 0}
    assert night.documents_reused == TEAMS * len(list(SAMPLES.iterdir())) - 1

    monkeypatch.delenv("RISKREG_DUCKDB_MEMORY")
    ingest(root, reference, Config(), workers=1, incremental=False)
    assert entries(db) == entries(reference)
    matches = "SELECT * FROM entry_matches ORDER BY ALL"
    assert table(db, matches) == table(reference, matches)


def test_a_plan_out_of_memory_is_a_clean_error_and_the_database_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, db = tmp_path / "docs", tmp_path / "nightly.duckdb"
    sample_tree(root)
    ingest(root, db, Config(), workers=1)
    before = {t: table(db, f"SELECT * FROM {t} ORDER BY ALL") for t in ("runs", "entries", "documents")}
    change_a_risk(root)

    monkeypatch.setenv("RISKREG_DUCKDB_MEMORY", TOO_LOW)
    with pytest.raises(LoadError, match=r"database unchanged: planning the run failed: .*RISKREG_DUCKDB_MEMORY"):
        ingest(root, db, Config(), workers=1)
    result = CliRunner().invoke(main, ["ingest", str(root), "--db", str(db), "--workers", "1"])

    assert result.exit_code == 1
    assert "planning the run failed" in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, duckdb.Error)
    assert {t: table(db, f"SELECT * FROM {t} ORDER BY ALL") for t in before} == before


def test_a_night_with_a_merge_decided_in_review_plans_under_a_low_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`decide.merges` reads the night's entries (as a plan table) when people merged entries."""
    root, db, reference = tmp_path / "docs", tmp_path / "nightly.duckdb", tmp_path / "full.duckdb"
    sample_tree(root)
    ingest(root, db, Config(), workers=1)
    (kept, duplicate), *_ = table(
        db,
        "SELECT min(entry_key), max(entry_key) FROM entries WHERE source_path LIKE 'team-0/payment-gateway%' "
        "AND kind = 'risk'",
    )
    for target in (db, reference):
        record(Config().decisions_file(target), Decision("risk", duplicate, kept, "merge"))
    change_a_risk(root)

    monkeypatch.setenv("RISKREG_DUCKDB_MEMORY", LOW_LIMIT)
    ingest(root, db, Config(), workers=1)
    monkeypatch.delenv("RISKREG_DUCKDB_MEMORY")
    ingest(root, reference, Config(), workers=1, incremental=False)
    assert table(db, f"SELECT duplicate_of FROM entries WHERE entry_key = '{duplicate}'") == [(kept,)]
    assert entries(db) == entries(reference)
