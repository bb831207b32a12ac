"""What a run hands its workers and gets back: plain frozen records, picklable, small.

A task names its documents by path (`DocRef`), never by their bytes: workers read the files
themselves, from the same disk or the storage a cluster shares. What comes back (`BatchDone`)
names the shards the worker wrote, never their rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline.config import Config
from pipeline.records import Match
from pipeline.review import Decisions


@dataclass(frozen=True, slots=True)
class DocRef:
    """One document to read: its name as stored, its name's bytes, where to open it, and what
    the driver saw when it hashed it (a worker that cannot finish it still says which bytes)."""

    path: str
    path_bytes: bytes | None
    fs_path: bytes
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class RunContext:
    """What every task of a run needs: sent once to each local worker, with each task elsewhere."""

    config: Config
    fingerprint: str
    shard_dir: str
    decisions: Decisions = field(default_factory=Decisions)
    normalise_when_parsed: bool = False  # normalise right after parsing: no run-wide owner decision
    parquet: bool = False  # shards as Parquet (a cluster's, or kept for analysts); else JSON lines
    clusters: Mapping[str, Match] | None = None  # the run's owner clusters (no owner directory)
    root: bytes | None = None  # ROOT's real path: reads start there (`discover.real_root`); None: by whole path


@dataclass(frozen=True, slots=True)
class ParseTask:
    batch: int
    docs: tuple[DocRef, ...]


@dataclass(frozen=True, slots=True)
class NormaliseTask:
    batch: int
    documents: tuple[str, ...]  # shards of cache_documents rows
    entries: tuple[str, ...]  # shards of their cache_entries rows


@dataclass(frozen=True, slots=True)
class BatchDone:
    """A finished batch: its shards (kind -> file) and counts, for the driver's bookkeeping."""

    batch: int
    shards: Mapping[str, str]
    documents: int
    entries: int


Task = ParseTask | NormaliseTask


__all__ = ["BatchDone", "DocRef", "NormaliseTask", "ParseTask", "RunContext", "Task"]
