"""The orchestrator: ingest(root, db, config) -> RunSummary. The only place that loops over
documents, and the only place with a broad `except`, once per document and per parser.

Per document (pure: bytes + config in, DocumentResult out, so it runs in a process pool or on
a Dask cluster): decode -> repair -> sniff -> parse (every parser that recognises the text) ->
reconcile. Then, over the whole run: normalise -> load. Unchanged documents (same path, bytes
and config fingerprint) reuse their cached parse, so a nightly run only parses what changed,
and the database ends up exactly as a full run would leave it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from parsers import reader
from pipeline import history, load
from pipeline.config import Config
from pipeline.decode import decode_document
from pipeline.errors import DecodeError, ParseError
from pipeline.normalise import normalise, service_rows
from pipeline.reconcile import dropped_supplements, reconcile
from pipeline.records import DocumentResult, RawEntry, Rejection, RunSummary
from pipeline.review import read_decisions

log = logging.getLogger(__name__)

# Documents handed to the executor at a time: bounds memory (bytes in flight) on big trees.
BATCH_SIZE = 2000
# Below this many documents to parse, a process pool costs more than it saves.
MIN_DOCS_FOR_POOL = 64


def discover(root: Path) -> list[Path]:
    """Every file under root, whatever its extension, skipping hidden files and folders
    (.git, .venv); sorted, so runs see documents in the same order."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / f for f in sorted(filenames) if not f.startswith("."))
    return found


def process_document(path: str, data: bytes, config: Config) -> DocumentResult:
    """Everything done to one document on its own: a pure function of its bytes and the config.

    Never raises: what goes wrong becomes a Rejection naming the file, line and stage.
    """
    sha = hashlib.sha256(data).hexdigest()
    base = DocumentResult(path=path, sha256=sha, size=len(data))
    try:
        doc = decode_document(path, data)
    except DecodeError as err:
        return replace(base, rejections=(Rejection(path, "decode", err.message, err.line),))
    except Exception as err:  # noqa: BLE001 - the one broad catch: a bug must not stop the run
        return replace(base, rejections=(_crash(path, "decode", err),))
    base = replace(base, encoding=doc.encoding, repairs=doc.repairs)
    return _read_tree(doc, config, base)


def _read_tree(doc, config: Config, base: DocumentResult) -> DocumentResult:
    """The document-model path: one front end builds the block tree, the recognisers read it."""
    path = doc.path
    try:
        reading = reader.read(doc, config)
    except ParseError as err:
        return replace(base, rejections=(Rejection(path, "parse", err.message, err.line),))
    except Exception as err:  # noqa: BLE001 - a parser bug is a rejection, never a crashed run
        return replace(base, rejections=(_crash(path, "parse", err),))
    parsed = reading.parsed
    groups: dict[str, list[RawEntry]] = {}
    for entry in parsed.entries:
        groups.setdefault(entry.parser, []).append(entry)
    entries = reconcile(list(groups.values()))
    skipped = (*parsed.skipped, *dropped_supplements(parsed.entries, entries))
    problems: tuple[Rejection, ...] = ()
    if not entries:
        reasons = Counter(s.reason for s in skipped)
        seen = "; ".join(f"{n} x {reason}" for reason, n in reasons.most_common(4)) or "no tables, sections or lists"
        problems = (
            Rejection(
                path,
                "parse",
                f"read as {parsed.syntax} but no entries found (skipped: {seen}); "
                "run `riskreg explain` on it to see how it was read",
            ),
        )
    return replace(
        base,
        format=parsed.syntax,
        sniff_scores=reading.sniff_scores,
        parsers=tuple(dict.fromkeys(e.parser for e in entries)),
        title=parsed.title,
        metadata=parsed.metadata,
        stated_scales=parsed.stated_scales,
        entries=tuple(entries),
        rejections=problems,
        skipped=tuple(sorted(skipped, key=lambda s: s.line)),
        languages=parsed.languages,
    )


def _crash(path: str, stage: str, err: Exception, parser: str | None = None) -> Rejection:
    where = f"{parser}: " if parser else ""
    line = getattr(err, "line", None)
    return Rejection(
        path,
        stage,
        f"{where}internal error {type(err).__name__}: {err} (please report it)",  # type: ignore[arg-type]
        line if isinstance(line, int) else None,
        traceback.format_exc(limit=8),
    )


def _process_batch(batch: Sequence[tuple[str, bytes]], config: Config) -> list[DocumentResult]:
    return [process_document(path, data, config) for path, data in batch]


def _batched(items: Iterable[tuple[str, bytes]], size: int) -> Iterator[list[tuple[str, bytes]]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


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
) -> RunSummary:
    """Ingest every document under root into the database at db; returns what happened.

    `executor`: any concurrent.futures.Executor (a Dask `client.get_executor()` included);
    otherwise a process pool of `workers` (default: CPU count) when there is enough to do.
    `progress(done, total)` is called as documents are parsed. `dry_run`: do everything but
    write; `summary.preview` lists the entries the run would add, change and retire.
    """
    root = Path(root)
    started = datetime.now(UTC)
    summary = RunSummary(
        run_id=started.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8],
        root=str(root),
        db=str(db),
        started_at=started.isoformat(),
    )
    files = discover(root)
    rel = {f: f.relative_to(root).as_posix() for f in files}
    data: dict[str, bytes] = {}
    read_failures: list[Rejection] = []
    for f in files:
        try:
            data[rel[f]] = f.read_bytes()
        except OSError as err:
            read_failures.append(Rejection(rel[f], "read", f"cannot read file: {err.strerror}"))
    current_sha = {path: hashlib.sha256(b).hexdigest() for path, b in data.items()}
    summary.documents_seen = len(files)

    fingerprint = config.fingerprint()
    con = load.connect_for_preview(db) if dry_run else load.connect(db)
    try:
        cached = load.cached_results(con, fingerprint, current_sha.items()) if incremental else {}
        previous = load.previous_documents(con)
        todo = [(p, data[p]) for p in sorted(data) if (p, current_sha[p]) not in cached]
        summary.documents_reused = len(data) - len(todo)
        log.info("%d documents, %d unchanged, %d to parse", len(data), summary.documents_reused, len(todo))
        fresh = _run_documents(todo, config, workers, executor, progress)
        by_path = {**{p: r for (p, _), r in cached.items()}, **{r.path: r for r in fresh}}

        results: list[DocumentResult] = []
        statuses: dict[str, str] = {}
        for path in sorted(by_path):
            result = by_path[path]
            summary.rejections.extend(result.rejections)
            if result.entries:
                statuses[path] = "parsed"
            else:
                last_good = _last_good(con, fingerprint, path, previous.get(path), cached)
                if last_good is not None:
                    # A register that broke tonight keeps last night's rows, flagged stale.
                    result, statuses[path] = last_good, "stale"
                else:
                    statuses[path] = "rejected"
            results.append(result)
        summary.rejections = read_failures + summary.rejections

        run = normalise(results, config, read_decisions(config.decisions_file(db)))
        summary.documents_parsed = sum(1 for s in statuses.values() if s == "parsed")
        summary.documents_rejected = len(read_failures) + sum(1 for s in statuses.values() if s != "parsed")
        summary.entries = len(run.entries)
        summary.entries_by_kind = dict(Counter(e.kind for e in run.entries))
        summary.review_items = sum(1 for m in run.matches if m.needs_review)
        summary.skipped = dict(Counter(s.reason for r in results for s in r.skipped).most_common())
        summary.finished_at = datetime.now(UTC).isoformat()
        if dry_run:
            summary.dry_run, summary.preview = True, load.preview(con, run.entries, summary.run_id)
            summary.changes = history.counted(summary.preview)
            return summary
        summary.changes = load.write_run(
            con,
            summary,
            fingerprint,
            results,
            current_sha,
            statuses,
            run.services,
            run.entries,
            service_rows(run),
            run.matches,
            fresh,
        )
    finally:
        con.close()
    return summary


def _last_good(
    con, fingerprint: str, path: str, previous: tuple[str, str] | None, cached: dict
) -> DocumentResult | None:
    """The last parse of `path` that had entries, when the document was parsed before."""
    if previous is None or previous[1] not in ("parsed", "stale"):
        return None
    rows = con.execute("SELECT d.entries_sha256 FROM documents d WHERE d.path = ?", [path]).fetchall()
    if not rows or not rows[0][0]:
        return None
    found = load.cached_results(con, fingerprint, [(path, rows[0][0])])
    result = found.get((path, rows[0][0]))
    return result if result is not None and result.entries else None


def _run_documents(
    todo: Sequence[tuple[str, bytes]],
    config: Config,
    workers: int | None,
    executor: Executor | None,
    progress: Callable[[int, int], None] | None,
) -> list[DocumentResult]:
    """Process documents in the given executor, a process pool, or in this process."""
    workers = workers or os.cpu_count() or 1
    results: list[DocumentResult] = []
    own_pool = None
    if executor is None and workers > 1 and len(todo) >= MIN_DOCS_FOR_POOL:
        executor = own_pool = ProcessPoolExecutor(max_workers=workers)
    try:
        # Small batches per task keep every worker busy; big outer batches bound memory.
        per_task = max(1, min(50, len(todo) // (workers * 4) or 1))
        for outer in _batched(todo, BATCH_SIZE):
            tasks = list(_batched(outer, per_task))
            if executor is None:
                batches: Iterable[list[DocumentResult]] = (_process_batch(t, config) for t in tasks)
            else:
                batches = executor.map(_process_batch, tasks, [config] * len(tasks))
            for batch in batches:
                results.extend(batch)
                if progress:
                    progress(len(results), len(todo))
    finally:
        if own_pool is not None:
            own_pool.shutdown()
    return results


__all__ = ["RawEntry", "discover", "ingest", "process_document"]
