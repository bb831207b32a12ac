"""What a worker does with one batch of a run: parse documents it reads itself, or normalise
documents read earlier; either way its results go to Parquet shards, and only a small
`BatchDone` goes back to the driver. The same code runs in this process, in the local pool's
worker processes and on Dask workers.

Parse (`Worker.parse`): each document is opened by path (`pipeline.discover`: regular files
only, within the size limit), read, parsed (`pipeline.document.process_document`) and, when
the run needs no run-wide owner decision (an owner directory was given), normalised at once;
all within the per-document time budget (`pipeline.deadline`). A document over its budget or
unreadable tonight is a rejection, never cached.

Normalise (`Worker.normalise`): documents whose RawEntries are in shards (parsed by this run,
or taken from the parse cache) are normalised with the run's decisions (owner clusters).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pipeline import shards
from pipeline.config import Config
from pipeline.deadline import DocumentTimeout, budget
from pipeline.discover import Refused, read_document_bytes
from pipeline.document import process_document
from pipeline.normalise import normalise_document, written_service
from pipeline.records import DocumentResult, Rejection
from pipeline.rows import document_row, entry_row, raw_entry_rows, results_of, tally_rows
from pipeline.tasks import BatchDone, DocRef, NormaliseTask, ParseTask, RunContext, Task
from pipeline.vocabularies import RunMatchers


class Worker:
    """Runs a run's tasks; holds the matchers (and their caches of distinct values) between them."""

    def __init__(self, context: RunContext) -> None:
        self.context = context
        self._matchers: RunMatchers | None = None

    @property
    def matchers(self) -> RunMatchers:
        if self._matchers is None:
            self._matchers = RunMatchers(self.context.config, self.context.decisions.values)
            self._matchers.set_clusters(self.context.clusters)
        return self._matchers

    def warm(self) -> None:
        """Build what every task needs (the matchers of the run's vocabularies), so a worker
        started ahead of its first task has it ready."""
        self.matchers.of(())

    def run(self, task: Task, on_document: Callable[[int], None] | None = None) -> BatchDone:
        if isinstance(task, ParseTask):
            return self.parse(task, on_document)
        return self.normalise(task)

    def parse(self, task: ParseTask, on_document: Callable[[int], None] | None = None) -> BatchDone:
        """Read, parse (and normalise) each document of the batch; write the batch's shards."""
        out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in shards.KINDS}
        for k, ref in enumerate(task.docs):
            if on_document is not None:
                on_document(k)
            self._one(ref, out)
        return self._finish(task.batch, out)

    def _one(self, ref: DocRef, out: dict[str, list[dict[str, Any]]]) -> None:
        ctx, config = self.context, self.context.config
        try:
            with budget(config.document_seconds):
                try:
                    data = read_document_bytes(ref.fs_path, config.max_document_bytes, ctx.root)
                except Refused as err:
                    out["documents"].append(unread_row(ref, ctx.fingerprint, "read", str(err)))
                    return
                result = process_document(ref.path, data, config)
                vocabulary = self.matchers.for_document(result)
                written = written_service(result, vocabulary)
                normalised = None
                if ctx.normalise_when_parsed and result.entries:
                    normalised = normalise_document(result, None, vocabulary)
        except DocumentTimeout:
            out["documents"].append(unread_row(ref, ctx.fingerprint, "parse", over_budget(config), readable=True))
            return
        out["documents"].append(document_row(result, ctx.fingerprint, written, ref.path_bytes))
        out["raw_entries"].extend(raw_entry_rows(result, ctx.fingerprint))
        if normalised is not None:
            entries, tally = normalised
            out["entries"].extend(entry_row(e) for e in entries)
            out["entry_matches"].extend(tally_rows(result.path, tally))

    def normalise(self, task: NormaliseTask) -> BatchDone:
        """Normalise every document of the shards that has entries, with the run's decisions."""
        out: dict[str, list[dict[str, Any]]] = {"entries": [], "entry_matches": []}
        documents = [d for f in task.documents for d in shards.read_rows(f) if d["entry_count"]]
        entries = [e for f in task.entries for e in shards.read_rows(f)]
        for result in results_of(documents, sorted(entries, key=lambda e: (e["path"], e["seq"]))):
            normalised, tally = normalise_document(result, None, self.matchers.for_document(result))
            out["entries"].extend(entry_row(e) for e in normalised)
            out["entry_matches"].extend(tally_rows(result.path, tally))
        return self._finish(task.batch, out)

    def _finish(self, batch: int, out: Mapping[str, list[dict[str, Any]]]) -> BatchDone:
        ctx = self.context
        written = {
            kind: shards.write(ctx.shard_dir, kind, batch, rows, ctx.parquet) for kind, rows in out.items() if rows
        }
        documents = len(out.get("documents", ())) or len({r["path"] for r in out.get("entry_matches", ())})
        return BatchDone(batch, written, documents, len(out.get("entries", ())) or len(out.get("raw_entries", ())))


def over_budget(config: Config) -> str:
    """The rejection message of a document over its time budget."""
    return (
        f"took longer than {config.document_seconds:g} s, the time budget of one document "
        "([limits] document_seconds); skipped, the run went on"
    )


def unread_row(ref: DocRef, fingerprint: str, stage: str, reason: str, readable: bool = False) -> dict[str, Any]:
    """The cache_documents row of a document not read (or not finished) tonight: never cached."""
    rejected = DocumentResult(ref.path, ref.sha256, ref.size, rejections=(Rejection(ref.path, stage, reason),))  # type: ignore[arg-type]
    return document_row(rejected, fingerprint, None, ref.path_bytes, readable=readable, cacheable=False)


def run_task(task: Task, context: RunContext) -> BatchDone:
    """One task on its own (an Executor's, a Dask worker's): a Worker for it alone."""
    return Worker(context).run(task)


__all__ = ["Worker", "run_task", "unread_row"]
