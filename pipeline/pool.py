"""Where a run's tasks run: in this process, in supervised worker processes, or on an Executor.

`ProcessPool` is riskreg's own small pool rather than `concurrent.futures.ProcessPoolExecutor`,
for what a nightly job on untrusted input needs:

- a worker says which document it starts (in memory it shares with the driver: no message per
  document), so one that overruns its time budget in code the in-worker alarm cannot interrupt
  (a C call) is killed, its document rejected, the rest of its batch given to a fresh worker,
  and the run goes on;
- a worker that dies (killed, out of memory, a crash in an extension) costs its document, not
  the run;
- workers die with the driver: PR_SET_PDEATHSIG on Linux, and a thread watching the parent
  everywhere, so `kill -9` or SIGTERM of a cron job leaves no orphans;
- workers are started fresh (spawn), never forked from a driver that holds DuckDB's threads,
  and import only what parsing needs.

Results never travel through the pipes (only `BatchDone`, a few file names): workers write
shards (`pipeline.shards`), so the driver's memory does not grow with the corpus.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import importlib.abc
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from typing import Any

from pipeline import shards
from pipeline.errors import RiskregError
from pipeline.tasks import BatchDone, ParseTask, RunContext, Task

# pipeline.worker (and with it every parser) is imported where a task runs, not here: the driver
# of a pooled run never parses, and importing the parsers costs it 0.4 s of serial time
# (tests/test_layers.py allows this module its lazy imports for that reason).

PR_SET_PDEATHSIG = 1
# How often a worker checks that its parent lives, where PR_SET_PDEATHSIG is not available.
PARENT_POLL_SECONDS = 1.0
# A worker's young-object collection threshold (CPython's default: 700 allocations). Parsing
# makes and drops millions of small objects, few of them in cycles, while the caches of distinct
# values only grow: collecting every 700 allocations cost some 3% of a worker's time for nothing
# freed. (The caches built by `Worker.warm` are moved out of the collector's sight, gc.freeze.)
WORKER_GC_THRESHOLD = 20_000
# How long the driver waits for the lock of a worker's shared (document, started) pair.
SHARED_LOCK_SECONDS = 1.0
# Beyond its budget, how long a document may run before its worker is killed (the in-worker
# alarm stops Python code at the budget; this is for code it cannot interrupt).
KILL_GRACE_SECONDS = 5.0

Progress = Callable[[int], None]  # called with the documents a finished batch held


class RunFailed(RiskregError):
    """A task failed as a whole (not one document): the run stops, the database is unchanged."""


def die_with_parent(parent_pid: int) -> None:
    """Make this process exit when its parent does, however the parent ends."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="riskreg-parent-watch", daemon=True).start()


class _WithoutPandas(importlib.abc.MetaPathFinder):
    """An import finder refusing pandas (see `_worker_main`)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not loaded in riskreg's worker processes")
        return None


def _worker_main(conn: Connection, parent_pid: int, reading: Any) -> None:
    """A worker process: tasks in, BatchDone out, until told to stop or the parent is gone.
    `reading`: the slot's shared (document, started) pair, `_Slot.reading`."""
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    # pyarrow imports pandas, when installed, at its first conversion of Python values (to see
    # whether they are pandas objects): 50 MB and a second per worker, for nothing a worker
    # does. A worker process is ours alone: pandas is made unimportable in it.
    sys.meta_path.insert(0, _WithoutPandas())
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    from pipeline.worker import Worker

    worker: Worker | None = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        what, payload = message
        if what == "context":
            worker = Worker(payload)
            worker.warm()
            gc.freeze()  # the parsers and the run's matchers live as long as the process
            continue
        task = payload
        try:
            assert worker is not None, "a task before the run's context"
            done = worker.run(task, functools.partial(_started, reading))
        except Exception:  # noqa: BLE001 - reported to the driver, which stops the run with it
            conn.send(("failed", task.batch, traceback.format_exc(limit=12)))
        else:
            conn.send(("done", task.batch, done))


def _started(reading: Any, document: int) -> None:
    """Tell the driver, through the slot's shared memory, that this worker starts a document."""
    with reading.get_lock():
        reading[0], reading[1] = document, time.monotonic()


def in_process(tasks: Iterable[Task], context: RunContext, progress: Progress | None = None) -> Iterator[BatchDone]:
    """Run tasks here, one after another (small runs: a pool would cost more than it saves)."""
    from pipeline.worker import Worker

    worker = Worker(context)
    for task in tasks:
        done = worker.run(task)
        if progress:
            progress(done.documents)
        yield done


@dataclass(slots=True)
class _Slot:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    # Shared with the worker: (index in the task of the document being read, or -1; when it
    # started, time.monotonic, which is one clock for every process of the machine). Read when
    # the driver checks budgets, rather than a message per document waking it 2,000 times a run.
    reading: Any
    task: Task | None = None

    def document(self) -> tuple[int, float]:
        """(index in the task of the document being read, or -1; when it started)."""
        with self._locked():
            return int(self.reading[0]), self.reading[1]

    def assign(self, task: Task | None) -> None:
        """Give the worker a task (None: it finished one); no document of it is being read yet."""
        with self._locked():
            self.reading[0] = -1
        self.task = task

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        # A worker killed while it held the lock (for a microsecond, in `_started`) never gives
        # it back: the driver then reads without it rather than wait for ever.
        lock = self.reading.get_lock()
        held = lock.acquire(timeout=SHARED_LOCK_SECONDS)
        try:
            yield
        finally:
            if held:
                lock.release()


class ProcessPool:
    """`workers` supervised worker processes; see the module docstring."""

    def __init__(self, workers: int, next_batch: Callable[[], int]) -> None:
        self.workers = workers
        self.next_batch = next_batch
        self._mp = multiprocessing.get_context("spawn")
        self._slots: list[_Slot] = []
        self._context: RunContext | None = None

    def __enter__(self) -> ProcessPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> _Slot:
        ours, theirs = self._mp.Pipe()
        reading = self._mp.Array("d", (-1.0, 0.0))
        process = self._mp.Process(
            target=_worker_main, args=(theirs, os.getpid(), reading), name="riskreg-worker", daemon=True
        )
        process.start()
        theirs.close()
        slot = _Slot(process, ours, reading)
        if self._context is not None:
            ours.send(("context", self._context))
        return slot

    def start(self, context: RunContext) -> None:
        """Start the workers now, with the run's context, before there are tasks for them."""
        self._context = context
        self._idle_slots(False)

    def run(self, tasks: Iterable[Task], context: RunContext, progress: Progress | None = None) -> Iterator[BatchDone]:
        """Run tasks on the workers, yielding each finished batch (in the order they finish)."""
        if context is not self._context:
            self._context = context
            for slot in self._slots:
                slot.conn.send(("context", context))
        pending: Iterator[Task] = iter(tasks)
        retry: deque[Task] = deque()
        hard_limit = context.config.document_seconds + max(KILL_GRACE_SECONDS, context.config.document_seconds / 2)
        while True:
            for slot in self._idle_slots(bool(retry)):
                task = retry.popleft() if retry else next(pending, None)
                if task is None:
                    break
                slot.assign(task)
                slot.conn.send(("task", task))
            busy = [s for s in self._slots if s.task is not None]
            if not busy:
                return
            ready = wait_for([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout=0.5)
            for slot in busy:
                if slot.conn in ready or slot.process.sentinel in ready:
                    yield from self._receive(slot, retry, progress)
            now = time.monotonic()
            for slot in [s for s in self._slots if s.task is not None]:
                document, since = slot.document()
                if document >= 0 and now - since > hard_limit:
                    slot.process.kill()
                    yield from self._lost(slot, retry, "parse", _over_hard_budget(context, hard_limit))

    def _idle_slots(self, have_retries: bool) -> list[_Slot]:
        """Idle workers, starting new ones up to the pool's size."""
        while len(self._slots) < self.workers:
            self._slots.append(self._start())
        return [s for s in self._slots if s.task is None]

    def _receive(self, slot: _Slot, retry: deque[Task], progress: Progress | None) -> Iterator[BatchDone]:
        while slot.task is not None:
            try:
                if not slot.conn.poll():
                    if not slot.process.is_alive():
                        code = slot.process.exitcode
                        yield from self._lost(slot, retry, "parse", f"the worker process reading it died (exit {code})")
                    return
                what, batch, payload = slot.conn.recv()
            except (EOFError, OSError):
                slot.process.join(1)
                code = slot.process.exitcode
                yield from self._lost(slot, retry, "parse", f"the worker process reading it died (exit {code})")
                return
            if what == "done":
                slot.assign(None)
                if progress:
                    progress(payload.documents)
                yield payload
            else:
                slot.assign(None)
                raise RunFailed(f"batch {batch} failed in a worker:\n{payload}")

    def _lost(self, slot: _Slot, retry: deque[Task], stage: str, reason: str) -> Iterator[BatchDone]:
        """A worker killed or dead mid-task: its document is rejected, the rest of its batch
        goes to a fresh worker."""
        task = slot.task
        self._slots.remove(slot)
        slot.conn.close()
        slot.process.join(5)
        k = slot.document()[0]
        if not isinstance(task, ParseTask) or k < 0:
            raise RunFailed(f"a worker process died running batch {getattr(task, 'batch', '?')}: {reason}")
        ref = task.docs[k]
        rest = task.docs[:k] + task.docs[k + 1 :]
        if rest:
            retry.appendleft(ParseTask(self.next_batch(), rest))
        context = self._context
        assert context is not None
        from pipeline.worker import unread_row

        row = unread_row(ref, context.fingerprint, stage, reason, readable=True)
        batch = self.next_batch()
        shard = shards.write(context.shard_dir, "documents", batch, [row], context.parquet)
        yield BatchDone(batch, {"documents": shard}, 1, 0)

    def close(self) -> None:
        """Stop the workers (killing any that do not stop)."""
        for slot in self._slots:
            with contextlib.suppress(OSError, BrokenPipeError):
                slot.conn.send(None)
        deadline = time.monotonic() + 5
        for slot in self._slots:
            slot.process.join(max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(1)
            slot.conn.close()
        self._slots.clear()


def _over_hard_budget(context: RunContext, limit: float) -> str:
    return (
        f"still running after {limit:g} s (its time budget, [limits] document_seconds, is "
        f"{context.config.document_seconds:g} s): its worker process was killed; skipped, the run went on"
    )


class ExecutorRunner:
    """Tasks on any concurrent.futures.Executor (a Dask client's executor, a thread pool): each
    task carries the run's context; at most `in_flight` tasks are submitted at a time."""

    def __init__(self, executor: Executor, in_flight: int = 64) -> None:
        self.executor = executor
        self.in_flight = in_flight

    def run(self, tasks: Iterable[Task], context: RunContext, progress: Progress | None = None) -> Iterator[BatchDone]:
        from pipeline.worker import run_task

        pending = iter(tasks)
        running: set[Future] = set()
        while True:
            while len(running) < self.in_flight and (task := next(pending, None)) is not None:
                running.add(self.executor.submit(run_task, task, context))
            if not running:
                return
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                done = future.result()
                if progress:
                    progress(done.documents)
                yield done


__all__ = ["ExecutorRunner", "ProcessPool", "RunFailed", "die_with_parent", "in_process"]
