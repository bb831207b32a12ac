"""Plain records passed between the stages.

sniff -> decode/repair -> parse -> reconcile -> normalise -> load. Each stage takes and returns
these dataclasses (never bs4 tags, markdown-it tokens or DataFrames), so the per-document part
of the pipeline can be pickled to a process pool or a Dask worker and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["risk", "check"]
Stage = Literal["read", "sniff", "decode", "repair", "parse", "reconcile", "normalise", "load"]


@dataclass(frozen=True, slots=True)
class SourceLoc:
    """A place in a source document: path relative to the ingest root, 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Repair:
    """One repair the decode/repair stage applied, for `documents.repairs` and `riskreg repair --explain`."""

    step: str  # "bom:utf-8", "decode:cp1252", "newlines:crlf", "ftfy:fix_encoding", "recover:undefined-bytes" ...
    count: int = 1
    line: int | None = None  # first line affected, when the repair is local
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded and repaired document: what every parser reads."""

    path: str  # relative to the ingest root, POSIX separators
    sha256: str  # of the bytes as read, before any repair
    size: int  # bytes
    text: str  # decoded, repaired, newlines normalised to \n
    encoding: str  # encoding the bytes were decoded with ("utf-8", "utf-8-sig", "cp1252", ...)
    repairs: tuple[Repair, ...] = ()


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One entry as a parser found it: every value exactly as written in the document."""

    loc: SourceLoc
    parser: str  # NAME of the parser module that produced it
    kind: Kind
    fields: Mapping[str, str]  # canonical field (parsers.lexicon.FIELDS) -> raw text
    headers: Mapping[str, str] = field(default_factory=dict)  # canonical field -> header as written
    extra: Mapping[str, str] = field(default_factory=dict)  # columns with no canonical field: header -> text
    section: str | None = None  # heading the entry sits under
    checked: bool | None = None  # checks only: box ticked, unticked, or unknown (None)
    lines: tuple[int, ...] = ()  # every source line describing it (a risk told twice has two)
    confidence: float = 1.0  # parser's confidence in the split of this entry, 0-1
    notes: tuple[str, ...] = ()  # why confidence is low, cells missing, fields reconciled...
    # A row of a table that re-lists entries (an action plan): it completes the entry with the
    # same id, and never becomes an entry of its own.
    supplement: bool = False


@dataclass(frozen=True, slots=True)
class Skipped:
    """A structure a recogniser read and did not turn into entries, and why: a legend, a table of
    test cases, a section that names no risk. Kept (the `skipped` table) so nothing disappears
    without a trace."""

    line: int
    structure: str  # "table", "section", "list", "paragraph"
    reason: str  # "legend", "test cases", "no id or title column", ...
    detail: str = ""  # the table's header row or the heading, as written, for the reader

    def __str__(self) -> str:
        return f"{self.line}: {self.structure} skipped ({self.reason}){': ' + self.detail if self.detail else ''}"


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """What a parser returns for one document."""

    entries: list[RawEntry]
    title: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)  # "owner" -> "Platform Engineering", ...
    # A scale the document states for itself (a legend table): field -> {word as written: level}.
    stated_scales: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    skipped: tuple[Skipped, ...] = ()
    syntax: str | None = None  # the front end that read it: "markdown", "html", "text"...
    languages: tuple[str, ...] = ()  # the lexicon packs it was read with, English first ("en", "es")


@dataclass(frozen=True, slots=True)
class Rejection:
    """A document (or part of one) that could not be taken in, and why. Never silently dropped."""

    path: str
    stage: Stage
    reason: str
    line: int | None = None
    detail: str = ""  # traceback or longer explanation

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.stage}: {self.reason}"


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """Everything the per-document work produced: the unit cached, shipped between processes."""

    path: str
    sha256: str
    size: int
    encoding: str | None = None
    repairs: tuple[Repair, ...] = ()
    format: str | None = None  # best-scoring parser
    parsers: tuple[str, ...] = ()  # every parser that contributed entries
    sniff_scores: Mapping[str, float] = field(default_factory=dict)
    title: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    stated_scales: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    entries: tuple[RawEntry, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    languages: tuple[str, ...] = ()  # the lexicon packs it was read with, English first; () for English alone

    @property
    def rejected(self) -> bool:
        """A document is rejected when it yielded no entries and said why."""
        return not self.entries and bool(self.rejections)


@dataclass(frozen=True, slots=True)
class Entry:
    """A normalised entry: one row of the `entries` table. Field names are the column names."""

    entry_key: str
    kind: Kind
    service: str | None
    entry_id: str | None
    title: str | None
    likelihood: int | None
    impact: int | None
    score: int | None
    severity: str | None
    status: str | None
    owners: tuple[str, ...]
    owner_raw: str | None
    mitigation: str | None
    section: str | None
    checked: bool | None
    likelihood_raw: str | None
    impact_raw: str | None
    severity_raw: str | None
    status_raw: str | None
    score_raw: str | None
    severity_source: str | None  # "stated" | "score" | None
    source_path: str
    source_line: int
    source_lines: tuple[int, ...]
    parser: str
    confidence: float
    notes: tuple[str, ...]
    extra: Mapping[str, str]
    # entry_key this risk was merged into by a review decision; such rows stay in `entries` but
    # leave the `risks` view and the rollup, so a merged risk counts once.
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """One raw -> canonical vocabulary decision, for the `matches` table and `riskreg review`."""

    vocabulary: str  # "owner" | "status" | "service" | "likelihood" | "impact" | "severity" | "risk" (merges)
    raw: str
    canonical: str | None
    method: str  # "exact", "alias", "synonym", "fuzzy", "cluster", "decision", "unmatched", ...
    score: float  # 0-100
    runner_up: str | None = None
    runner_up_score: float | None = None
    needs_review: bool = False
    occurrences: int = 1  # entries (or documents, for services) that carry this raw value
    example: str | None = None  # path:line of the first of them, for the reviewer


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an entry that a run changed, both values as text (`changes` view)."""

    field: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True, slots=True)
class EntryChange:
    """An entry a run added, changed or retired, with the fields that changed (`changes` view)."""

    change: Literal["new", "changed", "retired"]
    entry_key: str
    kind: Kind
    service: str | None
    entry_id: str | None
    title: str | None
    severity: str | None  # after the change; the last known value for a retired entry
    status: str | None
    source_path: str
    source_line: int
    fields: tuple[FieldChange, ...] = ()


@dataclass(slots=True)
class RunSummary:
    """What a run did, for the `runs` table, the CLI summary and `--json`."""

    run_id: str
    root: str
    db: str
    started_at: str
    finished_at: str | None = None
    documents_seen: int = 0
    documents_parsed: int = 0
    documents_rejected: int = 0
    documents_reused: int = 0  # unchanged since the last run: parse result taken from the cache
    entries: int = 0
    entries_by_kind: dict[str, int] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    review_items: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # structures read and not taken, by reason
    # Entries new, changed and retired since the previous run (see the `changes` view).
    changes: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False  # nothing was written; `preview` lists what the run would change
    preview: list[EntryChange] = field(default_factory=list)
    # Wall-clock seconds per stage of the run (discover, parse, decide, normalise, load), for
    # `--json` and bench/benchmark.py.
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 when everything went in, 3 when the run finished but rejected something."""
        return 3 if self.rejections else 0


def free_key(extra: Mapping[str, str], key: str) -> str:
    """`key`, or `key (2)`, `key (3)`... when an entry's `extra` already holds it: a label used
    twice, or a second title kept beside the first, is never overwritten.

    >>> free_key({"alt_title": "x"}, "alt_title"), free_key({}, "Playbook")
    ('alt_title (2)', 'Playbook')
    """
    n, candidate = 2, key
    while candidate in extra:
        candidate, n = f"{key} ({n})", n + 1
    return candidate
