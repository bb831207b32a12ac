#!/usr/bin/env python3
"""Benchmark riskreg on a generated docs repo: end-to-end runs and time per stage.

    python bench/benchmark.py --docs 2000                      # generates the corpus first
    python bench/benchmark.py --corpus DIR                     # an existing docs tree
    python bench/benchmark.py --docs 2000 --json bench.json    # also write the figures as JSON

The corpus comes from ../shared/bench/make_corpus.py (override with --make-corpus). Figures
are wall-clock seconds on this machine; the README quotes them with the command that made them.
Speed is measured here, never asserted by a unit test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from parsers import frontends, reader  # noqa: E402
from pipeline import load  # noqa: E402
from pipeline.config import Config, load_config  # noqa: E402
from pipeline.decode import decode_bytes  # noqa: E402
from pipeline.normalise import normalise  # noqa: E402
from pipeline.records import Document  # noqa: E402
from pipeline.repair import repair_text  # noqa: E402
from pipeline.run import discover, ingest, process_document  # noqa: E402

DEFAULT_MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def stage_times(root: Path, config: Config) -> dict[str, float]:
    """Seconds spent in each per-document stage (one process), then normalise and load."""
    spent: dict[str, float] = defaultdict(float)
    results = []
    for path in discover(root):
        data = path.read_bytes()
        rel = path.relative_to(root).as_posix()
        t0 = time.perf_counter()
        try:
            text, _, _ = decode_bytes(data, rel)
        except Exception:  # noqa: BLE001 - rejected documents still count in the end-to-end figure
            continue
        t1 = time.perf_counter()
        text, _ = repair_text(text)
        t2 = time.perf_counter()
        doc = Document(rel, "", len(data), text, "utf-8")
        scores = frontends.ranked(text)
        t3 = time.perf_counter()
        spent["decode"] += t1 - t0
        spent["repair"] += t2 - t1
        spent["sniff"] += t3 - t2
        frontend = frontends.FRONTENDS_BY_NAME[scores[0][0]]
        try:
            _, tree = timed(frontend.blocks, doc, config)
            spent[f"tree:{frontend.NAME}"] += tree
            _, whole = timed(reader.read, doc, config)  # the front end again, then the recognisers
            spent["recognise"] += max(0.0, whole - tree)
        except Exception:  # noqa: BLE001 - a failing parse still costs time; count it
            spent[f"parse-failures:{frontend.NAME}"] += 1
        results.append(process_document(rel, data, config))
    run, spent["normalise"] = timed(normalise, results, config)
    with tempfile.TemporaryDirectory() as tmp:
        con = load.connect(Path(tmp) / "load.duckdb")
        table, build = timed(load.entry_table, run.entries, "bench")
        con.register("t", table)
        _, insert = timed(con.execute, "INSERT INTO entries BY NAME SELECT * FROM t")
        con.close()
    spent["load:arrow-build"] = build
    spent["load:insert"] = insert
    spent["entries"] = len(run.entries)
    return dict(spent)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="an existing docs tree (default: generate one)")
    ap.add_argument("--docs", type=int, default=1000, help="documents to generate (default 1000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--make-corpus", type=Path, default=DEFAULT_MAKE_CORPUS)
    ap.add_argument("--owners", type=Path, help="owner directory CSV (default: the generated one)")
    ap.add_argument("--config", type=Path)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", type=Path, help="write the figures to this file too")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root, owners = args.corpus, args.owners
        if root is None:
            root, truth = tmp / "corpus", tmp / "truth"
            subprocess.run(
                [
                    sys.executable,
                    str(args.make_corpus),
                    str(root),
                    "--docs",
                    str(args.docs),
                    "--seed",
                    str(args.seed),
                    "--truth",
                    str(truth),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            owners = owners or truth / "owners.csv"
        config = load_config(args.config)
        if owners:
            config = config.with_owner_directory(owners)
        files = discover(root)
        size = sum(f.stat().st_size for f in files)
        figures: dict[str, object] = {
            "documents": len(files),
            "bytes": size,
            "workers": args.workers,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        }
        for label, workers in (("cold, 1 worker", 1), (f"cold, {args.workers} workers", args.workers)):
            db = tmp / f"{workers}.duckdb"
            summary, seconds = timed(ingest, root, db, config, workers=workers)
            figures[label] = {
                "seconds": round(seconds, 2),
                "docs_per_s": round(len(files) / seconds, 1),
                "entries": summary.entries,
                "entries_per_s": round(summary.entries / seconds),
            }
        summary, seconds = timed(ingest, root, db, config, workers=args.workers)
        figures["warm, nothing changed"] = {"seconds": round(seconds, 2), "reused": summary.documents_reused}
        changed = files[: max(1, len(files) // 100)]
        for f in changed:
            f.write_bytes(f.read_bytes() + b"\n")
        summary, seconds = timed(ingest, root, db, config, workers=args.workers)
        figures["warm, 1% changed"] = {"seconds": round(seconds, 2), "reparsed": len(files) - summary.documents_reused}
        stages = stage_times(root, config)
        figures["stages (1 process, seconds)"] = {
            k: round(v, 3) if isinstance(v, float) else v for k, v in sorted(stages.items())
        }
        if stages.get("load:insert"):
            figures["load rows/s (Arrow insert)"] = round(stages["entries"] / stages["load:insert"])
        if args.corpus is None:
            shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
