"""The orchestrator: per-document work is pure, any Executor can run it, results don't depend on order."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

from parsers import reader
from pipeline.config import Config
from pipeline.run import discover, ingest, process_document

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def entries(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT * EXCLUDE (run_id) FROM entries ORDER BY entry_key").fetchall()
    finally:
        con.close()


def test_process_document_is_a_pure_function_of_bytes_and_config() -> None:
    path = next(p for p in sorted(FIXTURES.rglob("*.md")))
    data = path.read_bytes()
    first = process_document("a/b.md", data, Config())
    second = process_document("a/b.md", data, Config())
    assert first == second
    # and it crosses process boundaries (process pools, Dask workers)
    assert pickle.loads(pickle.dumps(first)) == first
    assert pickle.loads(pickle.dumps(Config())) == Config()


def test_any_executor_gives_the_same_database(tmp_path: Path) -> None:
    """`--dask` hands ingest a Dask executor; any concurrent.futures.Executor must do."""
    in_process, threaded = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    ingest(FIXTURES, in_process, Config(), workers=1)
    with ThreadPoolExecutor(max_workers=3) as pool:
        ingest(FIXTURES, threaded, Config(), executor=pool)
    assert entries(in_process) == entries(threaded)
    assert entries(in_process)


def test_discover_walks_everything_but_hidden_in_a_stable_order(tmp_path: Path) -> None:
    for name in ("b/z.txt", "a.md", ".hidden/x.md", "b/.swp", "c/d/e.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)] == ["a.md", "b/z.txt", "c/d/e.html"]


def test_a_parser_crash_is_a_rejection_not_a_crashed_run(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(reader, "register_entries", broken)
    text = b"# S\n\n| ID | Risk | Likelihood |\n|---|---|---|\n| R1 | x | Low |\n"
    result = process_document("s.md", text, Config())
    assert not result.entries
    assert any("internal error KeyError" in r.reason and r.stage == "parse" for r in result.rejections)
    assert "Traceback" in result.rejections[0].detail


def test_dask_cluster_gives_the_same_database(tmp_path: Path) -> None:
    """`riskreg ingest --dask ADDRESS`: the per-document work runs on Dask workers (separate
    processes, so everything crosses by pickle) and the database equals a local run."""
    distributed = pytest.importorskip("distributed")
    from click.testing import CliRunner

    from pipeline.cli import main

    local, on_dask = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    ingest(FIXTURES, local, Config(), workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = CliRunner().invoke(
            main, ["ingest", str(FIXTURES), "--db", str(on_dask), "--dask", cluster.scheduler_address]
        )
    assert result.exit_code in (0, 3), result.output
    assert entries(on_dask) == entries(local)


def test_shards_folder_keeps_the_runs_parquet_for_analysts(tmp_path: Path) -> None:
    """`riskreg ingest --shards DIR`: the workers' shards stay under DIR/<run_id> as Parquet, and
    their entries are the rows the database loaded."""
    from click.testing import CliRunner

    from pipeline.cli import main

    db, shards = tmp_path / "r.duckdb", tmp_path / "shards"
    result = CliRunner().invoke(main, ["ingest", str(FIXTURES), "--db", str(db), "--shards", str(shards), "--json"])
    assert result.exit_code in (0, 3), result.output
    (run,) = [p for p in shards.iterdir() if p.is_dir()]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert run.name == con.execute("SELECT max(run_id) FROM runs").fetchone()[0]
        loaded = con.execute("SELECT entry_key FROM entries ORDER BY entry_key").fetchall()
        sharded = con.execute(
            f"SELECT entry_key FROM read_parquet('{run.as_posix()}/entries/*.parquet') ORDER BY entry_key"
        ).fetchall()
    finally:
        con.close()
    assert loaded and sharded == loaded


def test_workers_start_while_the_tree_is_listed_only_on_nights_that_parse_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A night that parses everything starts its worker processes as soon as the listing has
    seen MIN_DOCS_FOR_POOL files (they load the parsers meanwhile); a night with nothing to parse
    starts none. Either way the database is the one an in-process run makes."""
    import pipeline.pool
    import pipeline.run

    started: list[int] = []  # files listed when the pool was started
    real_start, real_add = pipeline.pool.ProcessPool.start, pipeline.run.Plan.add
    listed = [0]

    def add(self, *args, **kwargs):
        listed[0] += 1
        return real_add(self, *args, **kwargs)

    def start(self, context):
        started.append(listed[0])
        return real_start(self, context)

    monkeypatch.setattr(pipeline.run.Plan, "add", add)
    monkeypatch.setattr(pipeline.pool.ProcessPool, "start", start)
    monkeypatch.setattr(pipeline.run, "MIN_DOCS_FOR_POOL", 3)
    files = sorted(p for p in FIXTURES.rglob("*") if p.is_file())
    assert len(files) > 6
    pooled, alone = tmp_path / "pooled.duckdb", tmp_path / "alone.duckdb"
    ingest(FIXTURES, pooled, Config(), workers=2)
    assert started == [3]  # at the third file, while the rest were still to be listed
    ingest(FIXTURES, pooled, Config(), workers=2)  # unchanged: nothing to parse, no workers
    assert started == [3]
    monkeypatch.setattr(pipeline.run, "MIN_DOCS_FOR_POOL", 10_000)
    ingest(FIXTURES, alone, Config(), workers=2)
    assert started == [3]
    assert entries(pooled) == entries(alone)


def test_a_night_takes_the_service_clustering_of_the_keys_placed_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run keeps its service clustering's steps (`service_steps`); a night whose services are
    placed as before compares none of them again, and its tables are those of a full run."""
    import shutil

    from pipeline import services

    tree, db, fresh = tmp_path / "tree", tmp_path / "n.duckdb", tmp_path / "f.duckdb"
    shutil.copytree(FIXTURES, tree)
    ingest(tree, db, Config(), workers=1)
    with duckdb.connect(str(db), read_only=True) as con:
        (steps,) = con.execute("SELECT count(*) FROM service_steps").fetchone()
        (keys,) = con.execute("SELECT count(DISTINCT key) FROM services").fetchone()
    assert steps == keys > 1
    edited = next(p for p in sorted(tree.rglob("*.md")))
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\nReviewed again.\n", encoding="utf-8")
    compared: list[str] = []
    real_rank = services.rank
    monkeypatch.setattr(services, "rank", lambda key, *a: compared.append(key) or real_rank(key, *a))
    summary = ingest(tree, db, Config(), workers=1)
    assert summary.documents_reused == summary.documents_seen - 1  # the edited document was parsed again
    assert compared == []
    monkeypatch.setattr(services, "rank", real_rank)
    ingest(tree, fresh, Config(), workers=1)
    for table in ("services", "matches", "service_steps"):
        with duckdb.connect(str(db), read_only=True) as a, duckdb.connect(str(fresh), read_only=True) as b:
            assert a.sql(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == (
                b.sql(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            ), table
    assert entries(db) == entries(fresh)


def test_a_database_of_an_older_schema_is_upgraded_by_the_next_ingest(tmp_path: Path) -> None:
    """A database an older riskreg wrote (here: schema version 4, without `service_steps`) gains
    what it lacks before the run reads it, keeps its parse cache, and holds what a fresh run's
    holds; a dry run over it writes nothing, the upgrade included. (`service_steps` stays empty
    until a night clusters the services again: it only saves comparing them.)"""
    import hashlib

    from pipeline import load

    db, fresh = tmp_path / "old.duckdb", tmp_path / "fresh.duckdb"
    ingest(FIXTURES, db, Config(), workers=1)
    with duckdb.connect(str(db)) as con:
        con.execute("DROP TABLE service_steps")
        con.execute("UPDATE schema_info SET value = '4' WHERE key = 'schema_version'")
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    ingest(FIXTURES, db, Config(), workers=1, dry_run=True)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    summary = ingest(FIXTURES, db, Config(), workers=1)
    assert summary.documents_reused == summary.documents_seen  # the parse cache survives the upgrade
    ingest(FIXTURES, fresh, Config(), workers=1)
    with duckdb.connect(str(db), read_only=True) as a, duckdb.connect(str(fresh), read_only=True) as b:
        assert a.execute("SELECT value FROM schema_info WHERE key = 'schema_version'").fetchall() == [
            (load.SCHEMA_VERSION,)
        ]
        assert a.execute("SELECT count(*) FROM service_steps").fetchall() == [(0,)]
        for table, ignored in (("services", ""), ("matches", ""), ("documents", " EXCLUDE (run_id)")):
            assert a.sql(f"SELECT *{ignored} FROM {table} ORDER BY ALL").fetchall() == (
                b.sql(f"SELECT *{ignored} FROM {table} ORDER BY ALL").fetchall()
            ), table
    assert entries(db) == entries(fresh)
