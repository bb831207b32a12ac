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
from tests.test_run import entries

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "raw"
# Teams for a tree of 39 documents, parsed in this process (under run.MIN_DOCS_FOR_POOL).
TEAMS = 3
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


REGISTER = """# Payments — Risk Register

Service: {service}

| ID | Risk | Likelihood | Impact | Owner | Status |
|---|---|---|---|---|---|
| {prefix}-1 | Card processor outage stops checkout | High | Critical | SRE | Open |
| {prefix}-2 | Settlement file arrives late | Low | Medium | Finance | Open |
"""


def test_history_sees_a_kept_document_whose_service_the_night_renames(tmp_path: Path) -> None:
    """History compares only the rows that can differ from `entries`: those written again, and
    the kept ones whose service (or merge) the night maps anew, as here, where two new registers
    make "Payments Gateway" the cluster's most common spelling."""
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.md").write_text(REGISTER.format(service="payments gateway", prefix="A"), encoding="utf-8")
    ingest(root, tmp_path / "nightly.duckdb", Config(), workers=1)
    for name in ("b", "c"):
        (root / f"{name}.md").write_text(REGISTER.format(service="Payments Gateway", prefix=name), encoding="utf-8")
    night = ingest(root, tmp_path / "nightly.duckdb", Config(), workers=1)

    assert night.documents_reused == 1
    assert night.changes == {"new": 4, "changed": 2, "retired": 0}
    con = duckdb.connect(str(tmp_path / "nightly.duckdb"), read_only=True)
    try:
        renamed = con.execute(
            "SELECT source_path, field, old_value, new_value FROM changes WHERE run_id = ? AND change = 'changed'",
            [night.run_id],
        ).fetchall()
    finally:
        con.close()
    assert renamed == [("a.md", "service", "payments gateway", "Payments Gateway")] * 2
    ingest(root, tmp_path / "full.duckdb", Config(), workers=1, incremental=False)
    assert entries(tmp_path / "nightly.duckdb") == entries(tmp_path / "full.duckdb")
