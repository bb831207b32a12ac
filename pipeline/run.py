"""The orchestrator: ingest(root, db, config) -> RunSummary. The only loop over documents.

A run, in bounded memory whatever the size of the tree:

1. discover and hash: walk ROOT safely (`pipeline.discover`), hash each file a chunk at a time,
   into the run's plan (`pipeline.plan`) beside last night's state (the database, read-only).
   Nothing changed (same files, same bytes, same config and review decisions): record the run
   and stop (`load.write_quiet_run`).
2. parse: the files without a cached parse go in batches to workers, which read them by path
   and write shards (`pipeline.worker`, `pipeline.pool`); with an owner directory they
   normalise at once too.
3. decide: the run-wide decisions over distinct values (`pipeline.decide`): service names,
   owner clusters (without a directory), merges; which kept documents they change.
4. normalise: the documents whose entries are written again and not normalised yet, in
   batches, on the workers, into shards.
5. load: one transaction (`pipeline.load`), the write lock taken for it alone.

The database ends up exactly as a full run would leave it. A second `ingest` on the same
database is refused while one runs (a lock file beside it).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline import decide, load, shards
from pipeline.config import Config
from pipeline.discover import Found, Refused, discover, file_sha256, real_root, walk
from pipeline.errors import LoadError
from pipeline.plan import Plan, plan_failed
from pipeline.records import RawEntry, Rejection, RunSummary
from pipeline.review import Decisions, read_decisions
from pipeline.tasks import BatchDone, DocRef, ParseTask, RunContext, Task
from pipeline.vocabularies import RunMatchers

log = logging.getLogger(__name__)

# Below this many documents to parse (or normalise), worker processes cost more than they save.
MIN_DOCS_FOR_POOL = 64
# Documents per task: enough to amortise a task's cost, few enough to keep every worker busy.
MAX_PER_TASK = 64
MIN_PER_TASK = 4
# Tasks per worker a run is cut into, at least: the last tasks are what a worker may still be busy
# with while the others are done, so they must be short.
TASKS_PER_WORKER = 32


def __getattr__(name: str) -> Any:
    """`pipeline.run.process_document` for the callers that take it from here: it lives in
    `pipeline.document`, and is imported on demand so that a run whose parsing happens in worker
    processes (or a night with nothing to parse) never loads the parsers."""
    if name == "process_document":
        from pipeline.document import process_document

        return process_document
    raise AttributeError(name)


def ingest(
    root: str | Path,
    db: str | Path,
    config: Config,
    *,
    workers: int | None = None,
    executor: Executor | None = None,
    incremental: bool = True,
    progress: Callable[[int, int], None] | None = None,
    dry_run: bool = False,
    shard_dir: str | Path | None = None,
) -> RunSummary:
    """Ingest every document under root into the database at db; returns what happened.

    `workers`: processes for parsing (default: one per CPU); `executor`: any
    concurrent.futures.Executor instead (a Dask client's), whose workers must reach `root` and
    the shard folder by the same paths. `shard_dir`: where workers write the run's shards
    (kept after the run, under the run's id); by default a folder beside the database, removed
    at the end. `progress(done, total)` is called as documents are parsed. `dry_run`: do
    everything but write; `summary.preview` lists the entries the run would add, change, retire.
    """
    root, db = Path(root), Path(db)
    started = datetime.now(UTC)
    run_id = started.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]
    summary = RunSummary(run_id=run_id, root=str(root), db=str(db), started_at=started.isoformat())
    if not dry_run:
        load.check_writable(db)
    fingerprint = config.fingerprint()
    decisions_file = config.decisions_file(db)
    decisions = read_decisions(decisions_file)
    decisions_sha = hashlib.sha256(decisions_file.read_bytes()).hexdigest() if decisions_file.exists() else None
    with _writer_lock(db, dry_run), _scratch(db, run_id, dry_run, shard_dir) as scratch:
        # Parquet shards for a cluster's workers (which have Arrow loaded anyway) and for analysts;
        # JSON lines for this machine's worker processes, which then need neither Arrow nor DuckDB.
        with _planning(run_id):
            plan = Plan(scratch / "plan.duckdb", db, fingerprint, parquet=executor is not None or shard_dir is not None,
                        upgrade_schema=not dry_run)  # fmt: skip

        @functools.cache
        def setup() -> tuple[RunMatchers, RunContext]:
            """The run's matchers and what every task needs; made only for a night that parses."""
            matchers = RunMatchers(config, decisions.values)
            context = RunContext(config, fingerprint, str(scratch), decisions,
                                 normalise_when_parsed=matchers.has_directory, parquet=plan.parquet,
                                 root=real_root(root))  # fmt: skip
            return matchers, context

        try:
            with _planning(run_id), _Runners(workers, executor) as runners:
                previous = plan.previous_run()
                same_rules = previous is not None and (previous.fingerprint, previous.decisions_sha256) == (
                    fingerprint,
                    decisions_sha,
                )
                # A night that parses everything (the parse cache is by fingerprint) starts its
                # workers as soon as the tree is seen to be big enough for them, so they load the
                # parsers while the rest is listed.
                parses_all = not incremental or previous is None or previous.fingerprint != fingerprint
                with _timed(summary.stage_seconds, "discover"):
                    _list(plan, root, config, lambda: runners.prepare(setup()[1]) if parses_all else None)
                summary.documents_seen = plan.count("SELECT 1 FROM listing WHERE kind IN ('file', 'refused')")
                quiet = incremental and not dry_run and same_rules and plan.quiet()
                if not quiet:
                    files = _parse_and_normalise(plan, scratch, *setup(), decisions, incremental, not same_rules,
                                                 runners, progress, summary.stage_seconds)  # fmt: skip
                    summary.documents_parsed = plan.count("SELECT 1 FROM run_docs WHERE status = 'parsed'")
                    summary.documents_rejected = summary.documents_seen - summary.documents_parsed
                    summary.documents_reused = plan.count("SELECT 1 FROM tonight WHERE NOT fresh")
        finally:
            plan.close()
        if quiet:
            assert previous is not None
            return _quiet(db, summary, previous.run_id, fingerprint, decisions_sha)
        summary.finished_at = datetime.now(UTC).isoformat()
        if dry_run:
            load.preview_run(db, scratch / "plan.duckdb", files, summary, fingerprint)
            return summary
        with _timed(summary.stage_seconds, "load"):
            con = load.connect(db, wait=load.LOCK_WAIT_SECONDS)
            try:
                load.write_run(con, scratch / "plan.duckdb", files, summary, fingerprint, decisions_sha)
            finally:
                con.close()
    return summary


def _list(plan: Plan, root: Path, config: Config, on_enough: Callable[[], object] = lambda: None) -> None:
    """Walk ROOT into the plan: each file with its sha256, everything refused with why.
    `on_enough` is called once, when MIN_DOCS_FOR_POOL files have been seen."""
    limit, real = config.max_document_bytes, real_root(root)
    seen = 0
    for item in walk(root, limit):
        if isinstance(item, Rejection):
            plan.add_rejection(item)
            continue
        try:
            plan.add(item, file_sha256(item.fs_path, limit, real), None)
        except Refused as err:
            plan.add(item, None, str(err))
        seen += 1
        if seen == MIN_DOCS_FOR_POOL:
            on_enough()
    plan.list_unlisted()


def _parse_and_normalise(
    plan: Plan,
    scratch: Path,
    matchers: RunMatchers,
    context: RunContext,
    decisions: Decisions,
    incremental: bool,
    renormalise_all: bool,
    runners: _Runners,
    progress: Callable[[int, int], None] | None,
    stages: dict[str, float],
) -> load.RunFiles:
    """Steps 2-4 of the module docstring; returns the run's shards for the load. Workers read
    from `context.root` (ROOT's real path) down."""
    config, fingerprint = context.config, context.fingerprint
    batches = runners.batches
    found = {kind: [shards.empty(scratch, kind, plan.parquet)] for kind in shards.KINDS}
    todo = plan.count(
        "SELECT 1 FROM listing l WHERE kind = 'file'"
        + (
            " AND NOT EXISTS (SELECT 1 FROM prev.cache_documents c WHERE c.path = l.path AND c.sha256 = l.sha256 "
            "AND c.fingerprint = $fp)"
            if incremental
            else ""
        ),
        {"fp": fingerprint} if incremental else {},
    )
    log.info("%d documents to parse", todo)
    per_task = runners.per_task(todo)
    tasks = (ParseTask(batches(), batch) for batch in _chunks(plan.to_parse(incremental), per_task))
    with _timed(stages, "parse"):
        _collect(runners.run(tasks, todo, context, _counter(progress, todo)), found)
    # The workers' memory (the parsers, their caches of distinct values) goes back now, not after
    # the decisions: at 50,000 documents that was the run's peak. A normalise round, which only a
    # run without an owner directory or with changed rules has, starts fresh ones.
    runners.stop()
    with _timed(stages, "decide"):
        plan.settle(found["documents"], full=not incremental, renormalise_all=renormalise_all)
        decide.services(plan, matchers, config, decisions)
        clusters = decide.owner_clusters(plan, matchers, found["raw_entries"])
        if clusters is not None and incremental and not renormalise_all:
            plan.rewrite(decide.owner_changes(plan, matchers))
        again = decide.to_normalise(
            plan, found["raw_entries"], scratch, per_task, context.normalise_when_parsed, batches
        )
    if again:
        count = plan.count("SELECT 1 FROM renormalise")
        with _timed(stages, "normalise"):
            _collect(runners.run(again, count, replace(context, clusters=clusters)), found)
    with _timed(stages, "decide"):
        decide.merges(plan, decisions, found["entries"])
    return load.RunFiles(found["raw_entries"], found["entries"], found["entry_matches"], plan.parquet)


def _collect(done: Iterable[BatchDone], found: dict[str, list[str]]) -> None:
    for batch in done:
        for kind, path in batch.shards.items():
            found[kind].append(path)


def _counter(progress: Callable[[int, int], None] | None, total: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    done = [0]

    def step(n: int) -> None:
        done[0] += n
        progress(done[0], total)

    return step


def _chunks(refs: Iterable[DocRef], size: int) -> Iterator[tuple[DocRef, ...]]:
    it = iter(refs)
    while batch := tuple(itertools.islice(it, size)):
        yield batch


class _Runners:
    """Picks where a round of tasks runs: a given Executor, else worker processes when the round
    is big enough, else this process. The process pool is started when first needed (or early,
    `prepare`) and stopped after the parse round (`stop`); a normalise round starts a new one."""

    def __init__(self, workers: int | None, executor: Executor | None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.executor = executor
        self.batches = itertools.count().__next__  # the run's batch numbers, in the order given out
        self._pool: Any = None  # pipeline.pool.ProcessPool, once started

    def __enter__(self) -> _Runners:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the worker processes, if any (a later round starts fresh ones)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def per_task(self, documents: int) -> int:
        return max(MIN_PER_TASK, min(MAX_PER_TASK, -(-documents // (self.workers * TASKS_PER_WORKER))))

    def run(self, tasks: Iterable[Task], documents: int, context: RunContext,
            progress: Callable[[int], None] | None = None) -> Iterator[BatchDone]:  # fmt: skip
        # Here, not at the top: the pool brings the parsers, which a night with nothing to parse
        # never loads (start-up is most of such a night).
        from pipeline.pool import ExecutorRunner, in_process

        if self.executor is not None:
            return ExecutorRunner(self.executor).run(tasks, context, progress)
        if documents < MIN_DOCS_FOR_POOL:
            return in_process(tasks, context, progress)
        return self._process_pool().run(tasks, context, progress)

    def prepare(self, context: RunContext) -> None:
        """Start the worker processes now, with the run's context, ahead of the first task: they
        load the parsers while this process is still listing the tree."""
        if self.executor is None:
            self._process_pool().start(context)

    def _process_pool(self) -> Any:
        from pipeline.pool import ProcessPool

        if self._pool is None:
            self._pool = ProcessPool(self.workers, self.batches)
        return self._pool


def _quiet(db: Path, summary: RunSummary, previous: str, fingerprint: str, decisions_sha: str | None) -> RunSummary:
    """Record a night where nothing changed, and say what the tables hold."""
    summary.finished_at = datetime.now(UTC).isoformat()
    con = load.connect(db, wait=load.LOCK_WAIT_SECONDS)
    try:
        load.write_quiet_run(con, summary, previous, fingerprint, decisions_sha)
        load.read_summary(con, summary)
        row = con.execute(
            "SELECT documents_seen, documents_parsed, documents_rejected, documents_reused FROM runs WHERE run_id = ?",
            [summary.run_id],
        ).fetchone()
        if row:
            summary.documents_seen, summary.documents_parsed, summary.documents_rejected, summary.documents_reused = row
    finally:
        con.close()
    summary.changes = {"new": 0, "changed": 0, "retired": 0}
    return summary


@contextlib.contextmanager
def _timed(stages: dict[str, float], stage: str) -> Iterator[None]:
    """Add the wall-clock seconds of the block to `stages[stage]`."""
    start = time.perf_counter()
    try:
        yield
    finally:
        stages[stage] = round(stages.get(stage, 0.0) + time.perf_counter() - start, 3)


@contextlib.contextmanager
def _planning(run_id: str) -> Iterator[None]:
    """A DuckDB error of the plan's (discover, settle, decide) as the project's error, never a
    traceback: nothing has been written to the database yet (`plan.plan_failed`)."""
    try:
        yield
    except duckdb.Error as err:
        raise plan_failed(err, run_id) from err


@contextlib.contextmanager
def _writer_lock(db: Path, dry_run: bool) -> Iterator[None]:
    """One ingest at a time per database: a lock file beside it, held for the run (readers are
    never blocked by it; they only wait while the load holds DuckDB's write lock)."""
    if dry_run:
        yield
        return
    import fcntl

    lock_path = db.with_name(db.name + ".lock")
    with open(lock_path, "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise LoadError("another `riskreg ingest` is running on this database; try again when it ends",
                            str(db)) from err  # fmt: skip
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def _scratch(db: Path, run_id: str, dry_run: bool, shard_dir: str | Path | None) -> Iterator[Path]:
    """The run's working folder: the plan and the shards. Beside the database (same disk), or
    under `shard_dir` (kept, for a cluster's shared storage or for analysts), or a temporary
    folder for a dry run (nothing is written near the database)."""
    keep = shard_dir is not None
    if keep:
        folder = Path(shard_dir) / run_id  # type: ignore[arg-type]
    elif dry_run:
        folder = Path(tempfile.mkdtemp(prefix="riskreg-dry-run-"))
    else:
        for old in db.parent.glob(f".{db.name}.*.run"):  # left by a run that was killed (we hold the lock)
            shutil.rmtree(old, ignore_errors=True)
        folder = db.parent / f".{db.name}.{run_id}.run"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    finally:
        if keep:
            (folder / "plan.duckdb").unlink(missing_ok=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)


__all__ = ["Found", "RawEntry", "discover", "ingest"]
