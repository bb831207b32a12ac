#!/usr/bin/env python3
"""Benchmark riskreg on a generated docs repo, side by side with the naive pipeline, in one run.

    python bench/benchmark.py --docs 2000                                # generate (seed 1), then measure
    python bench/benchmark.py --corpus CORPUS --truth TRUTH              # an existing corpus and its truth
    python bench/benchmark.py --docs 10000 --seed 1 --skip naive,w1 --json bench-10k.json

Every run is a separate process (`riskreg ingest`, `bench/naive.py`), timed wall-clock, with its
peak memory: the largest sum of the resident set sizes of the process and all its children
(worker processes included), sampled every 50 ms with psutil. The corpus is copied to a scratch
folder first, because the 1%-changed night edits it. Reported, for a corpus:

- the naive reference (`bench/naive.py`) and `riskreg ingest --full --workers 1`: docs/s, MB/s,
  and their ratio (riskreg per core / naive);
- `--workers N` (default 2) and its speed-up over one worker (and that both load the same rows);
- the unchanged re-run (incremental, nothing changed) as a share of the full run, and a night
  where 1% of the documents changed;
- accuracy of the full run against the corpus truth (`../shared/acceptance/score.py --db`);
- time per stage in one process on a sample of documents (decode and repair, sniff, block tree
  per syntax, recognise and reconcile, normalise, load).

riskreg's modules are compiled to bytecode first, as in an installed package (`compile_bytecode`).
Figures are this machine's; the README quotes them with the command that produced them. Speed is
measured here, never asserted in a unit test. Needs the `bench` extra (beautifulsoup4, psutil).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SHARED = REPO.parent / "shared"
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"
SCORE = SHARED / "acceptance" / "score.py"
# Runs that can be left out with --skip.
RUNS = ("naive", "w1", "wn", "unchanged", "changed", "score", "stages")


class PeakMemory:
    """The largest RSS sum of a process tree, sampled on a thread while the process runs."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._done.is_set():
            total = 0
            try:
                for proc in (root, *root.children(recursive=True)):
                    try:
                        total += proc.memory_info().rss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        continue
            except psutil.NoSuchProcess:
                return
            self.peak = max(self.peak, total)
            self._done.wait(self.every)

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def measured(cmd: Sequence[str]) -> dict[str, object]:
    """Run a command; its wall-clock seconds, peak memory (MB, process tree) and exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    peak = memory.stop()
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    return {"seconds": round(seconds, 2), "peak_mb": round(peak / 2**20), "stdout": out, "exit": proc.returncode}


def ingest(root: Path, db: Path, owners: Path | None, workers: int, full: bool) -> dict[str, object]:
    cmd = [sys.executable, "-m", "pipeline.cli", "ingest", str(root), "--db", str(db), "--workers", str(workers)]
    cmd += ["--json"] + (["--full"] if full else []) + (["--owners", str(owners)] if owners else [])
    result = measured(cmd)
    summary = json.loads(str(result.pop("stdout")))
    result.update(
        documents_parsed=summary["documents_parsed"],
        documents_reused=summary["documents_reused"],
        entries=summary["entries"],
        stage_seconds=summary["stage_seconds"],
    )
    return result


def rates(result: dict[str, object], documents: int, size: int) -> dict[str, object]:
    seconds = float(result["seconds"])  # type: ignore[arg-type]
    return result | {"docs_per_s": round(documents / seconds, 1), "mb_per_s": round(size / 2**20 / seconds, 3)}


def entry_rows(db: Path) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT * EXCLUDE (run_id) FROM entries ORDER BY entry_key").fetchall()
    finally:
        con.close()


def score(db: Path, truth: Path) -> dict[str, object]:
    """recall, precision and fields of a loaded database against the corpus truth."""
    cmd = [sys.executable, str(SCORE), "--db", str(db), "--expected", str(truth / "entries.jsonl")]
    cmd += ["--owners", str(truth / "owners.csv"), "--min-recall", "0.98", "--min-precision", "0.98"]
    cmd += ["--min-fields", "0.98"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    last = (done.stdout.strip().splitlines() or [""])[-1]
    figures = {k: float(v) for k, v in re.findall(r"(recall|precision|fields)=([0-9.]+)", last)}
    return figures | {"passed": done.returncode == 0, "line": last}


def stage_times(root: Path, owners: Path | None, sample: int, seed: int) -> dict[str, object]:
    """Seconds per stage in this process over a sample of the documents, and per document."""
    from parsers import frontends
    from pipeline.config import Config
    from pipeline.decode import decode_document
    from pipeline.document import process_document

    config = Config()
    if owners:
        config = config.with_owner_directory(owners)
    files = sorted(p for p in root.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.parts))
    chosen = sorted(random.Random(seed).sample(files, min(sample, len(files))))
    spent: dict[str, float] = defaultdict(float)
    counted: dict[str, int] = defaultdict(int)
    results = []
    for path in chosen:
        data, rel = path.read_bytes(), path.relative_to(root).as_posix()
        t0 = time.perf_counter()
        try:
            doc = decode_document(rel, data, "")
        except Exception:  # noqa: BLE001 - a rejected document still costs its decode
            spent["decode+repair"] += time.perf_counter() - t0
            continue
        t1 = time.perf_counter()
        scores = frontends.ranked(doc.text)
        t2 = time.perf_counter()
        syntax = scores[0][0]
        try:
            frontends.FRONTENDS_BY_NAME[syntax].blocks(doc, config)
        except Exception:  # noqa: BLE001 - counted, not fatal
            counted["failed"] += 1
        t3 = time.perf_counter()
        result = process_document(rel, data, config)  # everything once more, for the recognise share
        t4 = time.perf_counter()
        results.append(result)
        spent["decode+repair"] += t1 - t0
        spent["sniff"] += t2 - t1
        spent[f"block tree: {syntax}"] += t3 - t2
        counted[f"block tree: {syntax}"] += 1
        spent["recognise+reconcile"] += max(0.0, (t4 - t3) - (t3 - t0))
    figures: dict[str, object] = {"documents": len(chosen), "entries": sum(len(r.entries) for r in results)}
    for stage, seconds in spent.items():
        n = counted.get(stage) or len(chosen)
        figures[stage] = {"seconds": round(seconds, 3), "ms_per_doc": round(1000 * seconds / max(n, 1), 2), "docs": n}
    return figures


def shares(night: dict[str, object], *full_runs: dict[str, object] | None) -> dict[str, float]:
    """A night's time as a share of each full run measured: of the one-worker run (the full run
    of the performance issue's table) and of the N-worker run."""
    names = ("share_of_full_run_workers_1", "share_of_full_run_workers_n")
    return {
        name: round(float(night["seconds"]) / float(run["seconds"]), 3)  # type: ignore[arg-type]
        for name, run in zip(names, full_runs, strict=True)
        if run is not None
    }


def compile_bytecode() -> None:
    """Compile riskreg's modules to bytecode before anything is timed, as an installed package
    is (pip compiles what it installs). An editable install compiles each module at its first
    import and keeps it, unless PYTHONDONTWRITEBYTECODE is set: then every process (the driver
    and each worker) compiles all of them again, some 0.2 s apiece that a nightly job on an
    installed riskreg never pays. The naive pipeline's libraries are installed, so already
    compiled; this puts both on the same footing."""
    import compileall

    for package in ("pipeline", "parsers"):
        compileall.compile_dir(REPO / package, quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="an existing docs tree (default: generate one)")
    ap.add_argument("--truth", type=Path, help="its truth folder (entries.jsonl, owners.csv)")
    ap.add_argument("--docs", type=int, default=2000, help="documents to generate (default 2000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2, help="workers of the parallel run (default 2)")
    ap.add_argument("--sample", type=int, default=500, help="documents in the per-stage profile")
    ap.add_argument("--skip", default="", help=f"comma-separated runs to leave out: {', '.join(RUNS)}")
    ap.add_argument("--scratch", type=Path, help="scratch folder (default: a temporary one)")
    ap.add_argument("--json", type=Path, help="write the figures to this file too")
    args = ap.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    compile_bytecode()
    scratch = Path(tempfile.mkdtemp(prefix="riskreg-bench-", dir=args.scratch))
    try:
        truth = args.truth
        if args.corpus is None:
            corpus, truth = scratch / "corpus", scratch / "truth"
            cmd = [sys.executable, str(MAKE_CORPUS), str(corpus), "--docs", str(args.docs), "--seed", str(args.seed)]
            subprocess.run([*cmd, "--truth", str(truth)], check=True, stdout=subprocess.DEVNULL)
        else:
            corpus = scratch / "corpus"
            shutil.copytree(args.corpus, corpus)
        owners = truth / "owners.csv" if truth and (truth / "owners.csv").exists() else None
        files = sorted(p for p in corpus.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in files)
        figures: dict[str, object] = {
            "corpus": {"documents": len(files), "mb": round(size / 2**20, 2), "source": str(args.corpus or args.docs)},
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        }

        def report(name: str, value: object) -> None:
            figures[name] = value
            print(f"{name}: {json.dumps(value)}", file=sys.stderr, flush=True)

        one: dict[str, object] | None = None
        many: dict[str, object] | None = None
        naive: dict[str, object] | None = None
        if "naive" not in skip:
            naive = measured(
                [sys.executable, str(REPO / "bench" / "naive.py"), str(corpus), "--db", str(scratch / "n.db")]
            )
            naive.pop("stdout")
            naive = rates(naive, len(files), size)
            report("naive", naive)
        if "w1" not in skip:
            one = rates(ingest(corpus, scratch / "w1.duckdb", owners, 1, True), len(files), size)
            report("riskreg --full --workers 1", one)
        if "wn" not in skip:
            many = rates(ingest(corpus, scratch / "wn.duckdb", owners, args.workers, True), len(files), size)
            report(f"riskreg --full --workers {args.workers}", many)
        if naive and one:
            report("ratio: riskreg per core / naive", round(float(one["docs_per_s"]) / float(naive["docs_per_s"]), 2))
        if one and many:
            report(f"speed-up: {args.workers} workers / 1", round(float(one["seconds"]) / float(many["seconds"]), 2))
            same = entry_rows(scratch / "w1.duckdb") == entry_rows(scratch / "wn.duckdb")
            report("same rows with 1 and N workers", same)
        db = scratch / ("wn.duckdb" if many else "w1.duckdb")
        full = many or one
        if full and truth and "score" not in skip:
            report("accuracy (full run vs truth)", score(db, truth))
        if full and "unchanged" not in skip:
            quiet = ingest(corpus, db, owners, args.workers, False)
            quiet.update(shares(quiet, one, many))
            report("unchanged re-run", quiet)
        if full and "changed" not in skip:
            changed = random.Random(args.seed).sample(files, max(1, len(files) // 100))
            for path in changed:
                path.write_bytes(path.read_bytes() + b"\n\nNote: reviewed again.\n")
            night = ingest(corpus, db, owners, args.workers, False)
            night.update(shares(night, one, many))
            report("1% of documents changed", night)
        if "stages" not in skip:
            report("stages (one process, sample)", stage_times(corpus, owners, args.sample, args.seed))
        print(json.dumps(figures, indent=2))
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
