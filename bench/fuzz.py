#!/usr/bin/env python3
"""Whole-document fuzzing: generated and mutated registers through `process_document`.

    python bench/fuzz.py                               # 100,000 documents, seed 1, one worker per CPU
    python bench/fuzz.py --documents 5000 --seed 7 --workers 2
    python bench/fuzz.py --replay 1:4242 --out doc.bin # write document 4242 of seed 1, to debug it
    python bench/fuzz.py --markdown                    # the figures as a Markdown table, for the README

Documents come from `tests/fuzz_documents.py`: seed shapes in every syntax riskreg reads,
filled with random rows, then mutated (byte flips, splices, duplication, truncation, deep
nesting, huge runs, mojibake, noise, line ends, another encoding). Document number i of seed s
is the same bytes everywhere, so every finding is replayed with `--replay s:i`.

Each document is read by `pipeline.document.process_document` in a worker process. Reported:
- crashes: an exception out of `process_document` (it must never raise), a rejection that is
  an internal error (a bug its one broad `except` caught), or a source line outside the text;
- hangs: a document that took longer than --hang seconds (2 s). Past --kill seconds the worker
  is killed and replaced (code the in-worker alarm cannot stop, a C call) and the run goes on;
- the slowest document, documents per second, and how many documents gave entries.
With --findings DIR, each finding is written there: the document's bytes and what happened.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import queue
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.config import Config  # noqa: E402
from pipeline.deadline import DocumentTimeout, budget  # noqa: E402
from pipeline.document import process_document  # noqa: E402
from tests.fuzz_documents import Limits, document_for, internal_errors, lines_outside  # noqa: E402

# Documents a worker takes at a time (results travel back once per chunk).
CHUNK = 250


@dataclass(slots=True)
class Tally:
    """What a chunk (or the whole run) found."""

    documents: int = 0
    with_entries: int = 0
    seconds: float = 0.0
    bytes: int = 0
    slowest: tuple[float, int, int, str] = (0.0, -1, 0, "")  # seconds, index, size, label
    crashes: list[dict] = field(default_factory=list)
    hangs: list[dict] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.documents += other.documents
        self.with_entries += other.with_entries
        self.seconds += other.seconds
        self.bytes += other.bytes
        self.slowest = max(self.slowest, other.slowest)
        self.crashes += other.crashes
        self.hangs += other.hangs


def check(index: int, data: bytes, label: str, config: Config, kill: float) -> tuple[float, int, dict | None]:
    """Read one document; its time, whether it gave entries, and a finding (or None)."""
    started = time.perf_counter()
    finding = None
    entries = 0
    try:
        with budget(kill):
            result = process_document(f"fuzz/{index}.md", data, config)
    except DocumentTimeout:
        finding = {"kind": "hang", "detail": f"stopped after {kill} s:\n{traceback.format_exc(limit=20)}"}
    except Exception:  # noqa: BLE001 - what the fuzzer looks for
        finding = {"kind": "crash", "detail": traceback.format_exc(limit=20)}
    else:
        entries = int(bool(result.entries))
        internal = internal_errors(result)
        outside = lines_outside(data, result)
        if internal:
            finding = {"kind": "crash", "detail": internal[0]}
        elif outside:
            finding = {"kind": "crash", "detail": "source lines outside the text: " + "; ".join(outside[:5])}
    elapsed = time.perf_counter() - started
    if finding is not None:
        finding |= {"index": index, "label": label, "size": len(data), "seconds": round(elapsed, 3)}
    return elapsed, entries, finding


def worker(tasks: mp.Queue, results: mp.Queue, current, chunk, slot: int, seed: int, limits: Limits,
           hang: float, kill: float) -> None:  # fmt: skip
    """Take chunks (start, stop) until None; report a Tally per chunk. `current[slot]` holds the
    index of the document being read and `chunk[2 * slot:2 * slot + 2]` its chunk, for the
    driver's watchdog."""
    config = Config()
    while (task := tasks.get()) is not None:
        start, stop = task
        chunk[2 * slot], chunk[2 * slot + 1] = start, stop
        tally = Tally()
        for index in range(start, stop):
            current[slot] = index
            data, label = document_for(seed, index, limits)
            elapsed, entries, finding = check(index, data, label, config, kill)
            tally.documents += 1
            tally.with_entries += entries
            tally.seconds += elapsed
            tally.bytes += len(data)
            tally.slowest = max(tally.slowest, (elapsed, index, len(data), label))
            if finding is None and elapsed > hang:
                finding = {"kind": "hang", "index": index, "label": label, "size": len(data),
                           "seconds": round(elapsed, 3), "detail": f"took {elapsed:.2f} s"}  # fmt: skip
            if finding is not None:
                (tally.crashes if finding["kind"] == "crash" else tally.hangs).append(finding)
        current[slot] = -1
        results.put(tally)


class Fuzz:
    """The driver: a queue of chunks, `workers` processes, a watchdog for stuck workers."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.limits = Limits(rows=args.rows, depth=args.depth, run=args.run, mutations=args.mutations)
        self.ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.tasks = self.ctx.Queue()
        self.results = self.ctx.Queue()
        self.current = self.ctx.Array("q", [-1] * args.workers, lock=False)
        self.chunk = self.ctx.Array("q", [0] * (2 * args.workers), lock=False)
        self.since = [0.0] * args.workers
        self.seen = [-1] * args.workers
        self.processes: list = [None] * args.workers
        self.total = Tally()

    def start(self, slot: int) -> None:
        a = self.args
        self.current[slot] = -1
        process = self.ctx.Process(
            target=worker,
            args=(self.tasks, self.results, self.current, self.chunk, slot, a.seed, self.limits, a.hang, a.kill),
            daemon=True,
        )
        process.start()
        self.processes[slot] = process

    def run(self) -> Tally:
        a = self.args
        chunks = [(s, min(s + CHUNK, a.documents)) for s in range(0, a.documents, CHUNK)]
        for chunk in chunks:
            self.tasks.put(chunk)
        for slot in range(a.workers):
            self.start(slot)
        pending, started = len(chunks), time.monotonic()
        while pending:
            try:
                tally = self.results.get(timeout=1.0)
            except queue.Empty:
                pending += self.watch()
                continue
            pending -= 1
            self.total.add(tally)
            self.record(tally)
            pending += self.watch()
            if not a.quiet:
                done = self.total.documents
                rate = done / (time.monotonic() - started)
                print(f"\r{done:>8} documents, {len(self.total.crashes)} crashes, {len(self.total.hangs)} hangs, "
                      f"{rate:.0f} docs/s", end="", file=sys.stderr, flush=True)  # fmt: skip
        for _ in self.processes:
            self.tasks.put(None)
        for process in self.processes:
            process.join(5)
        if not a.quiet:
            print(file=sys.stderr)
        self.total.seconds = time.monotonic() - started  # wall time, for docs/s
        return self.total

    def watch(self) -> int:
        """Kill a worker stuck on one document past --kill (+ grace), or notice one that died: the
        document is a hang (or a crash), the rest of its chunk is queued again as new chunks.
        Returns the change in chunks pending."""
        now, change = time.monotonic(), 0
        for slot, process in enumerate(self.processes):
            index = self.current[slot]
            if index != self.seen[slot]:
                self.seen[slot], self.since[slot] = index, now
                continue
            dead = not process.is_alive()
            if index >= 0 and (dead or now - self.since[slot] > self.args.kill + 10):
                process.kill()
                process.join(5)
                data, label = document_for(self.args.seed, index, self.limits)
                kind = "crash" if dead else "hang"
                what = f"worker died (exit {process.exitcode})" if dead else "worker killed: stuck past the alarm"
                finding = {"kind": kind, "index": index, "label": label, "size": len(data),
                           "seconds": round(now - self.since[slot], 1), "detail": what}  # fmt: skip
                lost = Tally(documents=1, crashes=[finding] if dead else [], hangs=[] if dead else [finding])
                self.total.add(lost)
                self.record(lost)
                start, stop = self.chunk[2 * slot], self.chunk[2 * slot + 1]
                again = [(a, b) for a, b in ((start, index), (index + 1, stop)) if a < b]
                for part in again:
                    self.tasks.put(part)
                change += len(again) - 1  # the chunk's own result never comes
                self.start(slot)
        return change

    def record(self, tally: Tally) -> None:
        if not self.args.findings:
            return
        folder = Path(self.args.findings)
        for finding in tally.crashes + tally.hangs:
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{finding['kind']}-{self.args.seed}-{finding['index']}"
            data, _ = document_for(self.args.seed, finding["index"], self.limits)
            (folder / f"{name}.bin").write_bytes(data)
            (folder / f"{name}.json").write_text(json.dumps(finding, indent=2), encoding="utf-8")


def report(total: Tally, args: argparse.Namespace) -> str:
    slow_s, slow_i, slow_size, slow_label = total.slowest
    figures = {
        "documents": total.documents,
        "crashes": len(total.crashes),
        "hangs": f"{len(total.hangs)} (over {args.hang:g} s)",
        "slowest document": f"{slow_s:.2f} s ({slow_size:,} bytes, --replay {args.seed}:{slow_i}: {slow_label})",
        "documents per second": f"{total.documents / max(total.seconds, 1e-9):.0f} on {args.workers} workers",
        "mean size": f"{total.bytes / max(total.documents, 1):,.0f} bytes",
        "gave entries": f"{total.with_entries / max(total.documents, 1):.0%}",
        "wall time": f"{total.seconds:.0f} s",
        "seed": args.seed,
    }
    if args.markdown:
        return "| | |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in figures.items())
    lines = [f"{k:>21}: {v}" for k, v in figures.items()]
    for finding in (total.crashes + total.hangs)[:20]:
        lines.append(f"\n{finding['kind']} --replay {args.seed}:{finding['index']} ({finding['label']}, "
                     f"{finding['size']} bytes, {finding['seconds']} s)\n{finding['detail']}")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rows", type=int, default=12, help="most rows in one seed structure")
    parser.add_argument("--depth", type=int, default=300, help="deepest nesting a mutation adds")
    parser.add_argument("--run", type=int, default=65_536, help="longest run of one character a mutation adds")
    parser.add_argument("--mutations", type=int, default=4, help="most mutations of one document")
    parser.add_argument("--hang", type=float, default=2.0, help="seconds past which a document is a hang")
    parser.add_argument("--kill", type=float, default=30.0, help="seconds after which a document is stopped")
    parser.add_argument("--findings", help="folder to write each finding to (the document and what happened)")
    parser.add_argument("--replay", metavar="SEED:INDEX", help="write one document (to --out) and read it")
    parser.add_argument("--out", help="with --replay: file to write the document to")
    parser.add_argument("--markdown", action="store_true", help="figures as a Markdown table")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.replay:
        seed, index = (int(x) for x in args.replay.split(":"))
        limits = Limits(rows=args.rows, depth=args.depth, run=args.run, mutations=args.mutations)
        data, label = document_for(seed, index, limits)
        if args.out:
            Path(args.out).write_bytes(data)
        elapsed, _, finding = check(index, data, label, Config(), args.kill)
        print(f"{label}: {len(data)} bytes, {elapsed:.3f} s, {json.dumps(finding, indent=2) if finding else 'ok'}")
        return 1 if finding else 0
    total = Fuzz(args).run()
    print(report(total, args))
    return 1 if total.crashes or total.hangs else 0


if __name__ == "__main__":
    sys.exit(main())
