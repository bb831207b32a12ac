"""The load works within DuckDB's memory limit: a changed night loads under a very low limit.

Issue 12: a night where 1% of the documents changed failed in the load with "Out of Memory"
(50,000 documents at the default 256 MB; 10,000 at 64 MB; a few dozen at 48 MB). The load read
the night's JSON shards (a 32 MiB scan buffer that cannot be spilled) in the same statement as
four hash joins, and re-evaluated every entry through those joins inside each history statement,
so that more stayed pinned than DuckDB could evict. Each step now has its own statement, over
tables that can spill. The tree here is the project's sample registers copied into many teams.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.config import Config
from pipeline.run import ingest

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "raw"
# Enough teams for a tree of some fifty documents, parsed in this process (under run.MIN_DOCS_FOR_POOL).
TEAMS = 4
# Below what the load needed before the fix, even for this small tree; DuckDB's JSON reader alone
# takes a 32 MiB buffer.
LOW_LIMIT = "48MB"
# An owner directory, as the nightly job has one (without, the run's plan clusters owner names).
OWNERS = "canonical,alias\nPayments Engineering,Payments Eng\nSecurity,Information Security\nSRE,Site Reliability\n"


def sample_tree(root: Path) -> None:
    """The sample registers, once per team."""
    for team in range(TEAMS):
        (root / f"team-{team}").mkdir(parents=True)
        for sample in SAMPLES.iterdir():
            (root / f"team-{team}" / sample.name).write_bytes(sample.read_bytes())


def change_a_risk(root: Path) -> None:
    """A night's edit: one risk of one team's register is mitigated."""
    register = root / "team-1" / "payment-gateway-risk-register.md"
    text = register.read_text(encoding="utf-8")
    edited = text.replace("| Security | Mitigated |", "| Security | Closed |")
    assert edited != text
    register.write_text(edited, encoding="utf-8")


def entries(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT * EXCLUDE (run_id) FROM entries ORDER BY entry_key").fetchall()
    finally:
        con.close()


def test_a_changed_night_loads_under_a_low_memory_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, db, reference = tmp_path / "docs", tmp_path / "nightly.duckdb", tmp_path / "full.duckdb"
    (tmp_path / "owners.csv").write_text(OWNERS, encoding="utf-8")
    config = Config().with_owner_directory(tmp_path / "owners.csv")
    sample_tree(root)
    ingest(root, db, config, workers=1)
    change_a_risk(root)

    monkeypatch.setenv("RISKREG_DUCKDB_MEMORY", LOW_LIMIT)
    night = ingest(root, db, config, workers=1)
    assert night.changes == {"new": 0, "changed": 1, "retired": 0}
    assert night.documents_reused == TEAMS * len(list(SAMPLES.iterdir())) - 1

    monkeypatch.delenv("RISKREG_DUCKDB_MEMORY")
    ingest(root, reference, config, workers=1, incremental=False)
    assert entries(db) == entries(reference)
