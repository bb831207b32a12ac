"""Shards: where a run's workers put their results, one file per batch and kind.

    SHARDS/documents/part-000012.jsonl       cache_documents rows of the documents batch 12 read
    SHARDS/raw_entries/part-000012.jsonl     their RawEntries, as written (cache_entries rows)
    SHARDS/entries/part-000012.jsonl         their normalised entries (entries rows, no run_id)
    SHARDS/entry_matches/part-000012.jsonl   per document, the decisions its entries used

A worker writes JSON lines, which DuckDB reads in C++ with the columns' types given
(`rows.read_json_sql`), so a worker process needs neither Arrow nor a database: some 40 MB less
each. On a cluster, or when the shards are kept for analysts (`--shards DIR`), each shard is
then converted to Parquet (`*.parquet`, zstd) by DuckDB, and the JSON removed: the layout is the
same. A shard is written under a temporary name and renamed when complete, so a worker killed
while writing leaves nothing that looks like a shard; the driver reads only the shards its
tasks reported. (Each kind also has an empty shard, written by the driver's plan.)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pipeline.rows import (
    CACHE_DOCUMENT_COLUMNS,
    ENTRY_SHARD_COLUMNS,
    RAW_ENTRY_COLUMNS,
    TALLY_COLUMNS,
    read_json_sql,
    row_encoder,
    sql_literal,
)

KINDS: Mapping[str, Mapping[str, str]] = {
    "documents": CACHE_DOCUMENT_COLUMNS,
    "raw_entries": RAW_ENTRY_COLUMNS,
    "entries": ENTRY_SHARD_COLUMNS,
    "entry_matches": TALLY_COLUMNS,
}


def write(
    directory: str | Path, kind: str, batch: int, rows: Iterable[Mapping[str, Any]], parquet: bool = False
) -> str:
    """Write one batch's rows of a kind; returns the shard's path."""
    folder = os.path.join(os.fspath(directory), kind)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"part-{batch:06d}.jsonl")
    partial = path + ".partial"
    columns = KINDS[kind]
    encode = row_encoder(columns)
    with open(partial, "wb") as out:
        out.writelines(map(encode, rows))
    os.replace(partial, path)
    return to_parquet(path, columns) if parquet else path


def to_parquet(path: str, columns: Mapping[str, str]) -> str:
    """A JSON-lines shard as Parquet beside it (the JSON removed); returns the Parquet's path."""
    import duckdb  # here: a local worker writing JSON never loads DuckDB (0.1 s and 15 MB each)

    target = path.removesuffix(".jsonl") + ".parquet"
    partial = target + ".partial"
    con = duckdb.connect()
    try:
        con.execute(
            f"COPY ({read_json_sql(path, columns)}) TO {sql_literal(partial)} (FORMAT parquet, COMPRESSION zstd)"
        )
    finally:
        con.close()
    os.replace(partial, target)
    os.unlink(path)
    return target


def read_rows(path: str) -> list[dict[str, Any]]:
    """A shard's rows (BLOB columns come back as hex text from JSON; nothing reads them here)."""
    if not path.endswith(".parquet"):
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    import duckdb

    con = duckdb.connect()
    try:
        cursor = con.execute(f"SELECT * FROM read_parquet({sql_literal(path)})")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def source_sql(files: str, kind: str, parquet: bool) -> str:
    """SQL reading the shards of a kind, whose file names are the parameter `files` (`$name`),
    in the run's format."""
    if parquet:
        return f"SELECT * FROM read_parquet({files}, union_by_name = true)"
    return read_json_sql(files, KINDS[kind])


def empty(directory: str | Path, kind: str, parquet: bool) -> str:
    """The empty shard of a kind (so that a query over a kind's shards always has a file with
    its columns, even when no batch wrote one); returns its path."""
    folder = Path(directory) / kind
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "part-empty.jsonl"
    path.write_text("", encoding="utf-8")
    return to_parquet(str(path), KINDS[kind]) if parquet else str(path)


__all__ = ["KINDS", "empty", "read_rows", "source_sql", "to_parquet", "write"]
