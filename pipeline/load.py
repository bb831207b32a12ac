"""Stage load: a run's results into DuckDB, through Arrow, in one transaction.

The current-state tables (documents, entries, services, matches) are replaced as a whole, so
the database always equals a full run over the tree as it is now, whatever order or
increments got it there; `runs` and `rejections` are appended, and `entry_history` gains a
version only for entries that changed (pipeline.history). DuckDB's `executemany` takes
about 2k rows/s; registering an Arrow table and `INSERT ... SELECT` takes hundreds of thousands.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipeline import __version__, history
from pipeline.dates import date_in_languages
from pipeline.errors import LoadError
from pipeline.records import (
    DocumentResult,
    Entry,
    EntryChange,
    Match,
    RawEntry,
    Rejection,
    Repair,
    RunSummary,
    Skipped,
    SourceLoc,
)

# 2: matches.occurrences/example, services.documents; 3: entry_history, changes, risk_rollup,
# owner_load, risks.live, documents.updated_on, runs.entries_new/changed/retired, comments
SCHEMA_VERSION = "3"
# Views whose columns carry the comment of the same column of a table.
VIEW_COMMENTS_FROM = {"risks": "entries", "checks": "entries"}

ENTRY_SCHEMA = pa.schema(
    [
        ("entry_key", pa.string()),
        ("kind", pa.string()),
        ("service", pa.string()),
        ("entry_id", pa.string()),
        ("title", pa.string()),
        ("likelihood", pa.int8()),
        ("impact", pa.int8()),
        ("score", pa.int8()),
        ("severity", pa.string()),
        ("status", pa.string()),
        ("owners", pa.list_(pa.string())),
        ("owner_raw", pa.string()),
        ("mitigation", pa.string()),
        ("section", pa.string()),
        ("checked", pa.bool_()),
        ("likelihood_raw", pa.string()),
        ("impact_raw", pa.string()),
        ("severity_raw", pa.string()),
        ("status_raw", pa.string()),
        ("score_raw", pa.string()),
        ("severity_source", pa.string()),
        ("source_path", pa.string()),
        ("source_line", pa.int32()),
        ("source_lines", pa.list_(pa.int32())),
        ("parser", pa.string()),
        ("confidence", pa.float64()),
        ("notes", pa.list_(pa.string())),
        ("extra", pa.string()),
        ("run_id", pa.string()),
        ("duplicate_of", pa.string()),
    ]
)
DOCUMENT_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("size", pa.int64()),
        ("format", pa.string()),
        ("parsers", pa.list_(pa.string())),
        ("sniff_scores", pa.string()),
        ("encoding", pa.string()),
        ("repairs", pa.string()),
        ("repair_count", pa.int32()),
        ("title", pa.string()),
        ("service", pa.string()),
        ("metadata", pa.string()),
        ("owner", pa.string()),
        ("last_updated", pa.string()),
        ("entry_count", pa.int32()),
        ("status", pa.string()),
        ("entries_sha256", pa.string()),
        ("run_id", pa.string()),
        ("updated_on", pa.date32()),
        ("languages", pa.list_(pa.string())),
    ]
)


def connect(db: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) a riskreg database with its schema in place."""
    db = Path(db)
    if not read_only:
        db.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db), read_only=read_only)
    except duckdb.Error as err:
        raise LoadError(f"cannot open database: {err}", str(db)) from err
    if not read_only:
        apply_schema(con)
    return con


def connect_for_preview(db: str | Path) -> duckdb.DuckDBPyConnection:
    """The database read-only for a dry run, or an empty one in memory when it does not exist
    yet: either way nothing is written, not even a new file."""
    if Path(db).exists():
        return connect(db, read_only=True)
    con = duckdb.connect(":memory:")
    apply_schema(con)
    return con


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Tables, views, macros and comments, idempotently (older databases gain what they lack)."""
    con.execute(resources.files("pipeline").joinpath("schema.sql").read_text(encoding="utf-8"))
    con.execute(history.CHANGES_VIEW_SQL)
    con.execute(history.AS_OF_MACRO_SQL)
    for view, table in VIEW_COMMENTS_FROM.items():
        inherited = con.execute(
            "SELECT v.column_name, t.comment FROM duckdb_columns() v JOIN duckdb_columns() t "
            "ON t.column_name = v.column_name AND t.table_name = ? AND t.schema_name = v.schema_name "
            "WHERE v.table_name = ? AND v.comment IS NULL AND t.comment IS NOT NULL",
            [table, view],
        ).fetchall()
        for column, comment in inherited:
            con.execute(f"COMMENT ON COLUMN {view}.{column} IS {_sql_literal(comment)}")
    con.execute(
        "INSERT OR REPLACE INTO schema_info VALUES ('schema_version', ?), ('riskreg_version', ?)",
        [SCHEMA_VERSION, __version__],
    )


def _sql_literal(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no parameters).

    >>> print(_sql_literal("the parser's view"))
    'the parser''s view'
    """
    return "'" + text.replace("'", "''") + "'"


def cached_results(
    con: duckdb.DuckDBPyConnection, fingerprint: str, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], DocumentResult]:
    """Parse results of earlier runs for (path, sha256) pairs, made with the same config."""
    wanted = pa.table({"path": [k[0] for k in keys], "sha256": [k[1] for k in keys]})
    con.register("wanted_docs", wanted)
    try:
        rows = con.execute(
            "SELECT c.path, c.sha256, c.result FROM parse_cache c JOIN wanted_docs w USING (path, sha256) "
            "WHERE c.fingerprint = ?",
            [fingerprint],
        ).fetchall()
    finally:
        con.unregister("wanted_docs")
    return {(path, sha): result_from_json(blob) for path, sha, blob in rows}


def previous_documents(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """path -> (sha256, status) of the documents as the last run left them."""
    return {p: (s, st) for p, s, st in con.execute("SELECT path, sha256, status FROM documents").fetchall()}


def write_run(
    con: duckdb.DuckDBPyConnection,
    summary: RunSummary,
    fingerprint: str,
    results: Sequence[DocumentResult],
    current_sha: Mapping[str, str],
    statuses: Mapping[str, str],
    services: Mapping[str, str | None],
    entries: Sequence[Entry],
    service_rows: Sequence[tuple[str, str, str, int]],
    matches: Sequence[Match],
    new_results: Sequence[DocumentResult],
) -> dict[str, int]:
    """Replace the current state with this run's, add the versions of entries that changed, append
    the run and its rejections: all or nothing. Returns the entries new, changed and retired."""
    tables = {
        "new_entries": entry_table(entries, summary.run_id),
        "new_documents": document_table(results, current_sha, statuses, services, summary.run_id),
        "new_services": service_table(service_rows),
        "new_matches": match_table(matches),
        "new_rejections": rejection_table(summary.rejections, summary.run_id),
        "new_skipped": skipped_table(results, summary.run_id),
        "new_cache": pa.table(
            {
                "sha256": [r.sha256 for r in new_results],
                "path": [r.path for r in new_results],
                "fingerprint": [fingerprint] * len(new_results),
                "result": [result_to_json(r) for r in new_results],
            }
        ),
    }
    con.execute("BEGIN TRANSACTION")
    try:
        for name, table in tables.items():
            con.register(name, table)
        history.record_versions(con, "new_entries", summary.run_id, history.previous_run(con))
        changes = history.change_counts(con, summary.run_id)
        con.execute("DELETE FROM entries")
        con.execute("INSERT INTO entries BY NAME SELECT * FROM new_entries")
        con.execute("DELETE FROM documents")
        con.execute("INSERT INTO documents BY NAME SELECT * FROM new_documents")
        con.execute("DELETE FROM services")
        con.execute("INSERT INTO services BY NAME SELECT * FROM new_services")
        con.execute("DELETE FROM matches")
        con.execute("INSERT INTO matches BY NAME SELECT * FROM new_matches")
        con.execute("INSERT INTO rejections BY NAME SELECT * FROM new_rejections")
        con.execute("DELETE FROM skipped")
        con.execute("INSERT INTO skipped BY NAME SELECT * FROM new_skipped")
        con.execute("INSERT INTO parse_cache BY NAME SELECT * FROM new_cache")
        # Keep only cache rows a current document can still use: its bytes, or its last good bytes.
        con.execute(
            "DELETE FROM parse_cache c WHERE c.fingerprint <> ? OR NOT EXISTS (SELECT 1 FROM documents d "
            "WHERE d.path = c.path AND c.sha256 IN (d.sha256, d.entries_sha256))",
            [fingerprint],
        )
        con.execute(
            "INSERT INTO runs (run_id, started_at, finished_at, root, riskreg_version, config_fingerprint, "
            "documents_seen, documents_parsed, documents_rejected, documents_reused, entries, risks, checks, "
            "review_items, exit_code, skipped, entries_new, entries_changed, entries_retired) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                summary.run_id,
                summary.started_at,
                summary.finished_at,
                summary.root,
                __version__,
                fingerprint,
                summary.documents_seen,
                summary.documents_parsed,
                summary.documents_rejected,
                summary.documents_reused,
                summary.entries,
                summary.entries_by_kind.get("risk", 0),
                summary.entries_by_kind.get("check", 0),
                summary.review_items,
                summary.exit_code,
                sum(summary.skipped.values()),
                changes["new"],
                changes["changed"],
                changes["retired"],
            ],
        )
        con.execute("COMMIT")
    except duckdb.Error as err:
        con.execute("ROLLBACK")
        raise LoadError(f"run {summary.run_id} not loaded, database unchanged: {err}") from err
    finally:
        for name in tables:
            con.unregister(name)
    return changes


def preview(con: duckdb.DuckDBPyConnection, entries: Sequence[Entry], run_id: str) -> list[EntryChange]:
    """What writing this run's entries would add, change and retire: nothing is written."""
    con.register("preview_entries", entry_table(entries, run_id))
    try:
        return history.preview(con, "preview_entries")
    except duckdb.Error as err:
        raise LoadError(f"cannot compare with the database (made by an older riskreg? ingest once): {err}") from err
    finally:
        con.unregister("preview_entries")


def entry_table(entries: Sequence[Entry], run_id: str) -> pa.Table:
    columns: dict[str, list[Any]] = {name: [] for name in ENTRY_SCHEMA.names}
    for e in entries:
        for name in ENTRY_SCHEMA.names:
            if name == "run_id":
                columns[name].append(run_id)
            elif name == "extra":
                columns[name].append(json.dumps(dict(e.extra), ensure_ascii=False) if e.extra else None)
            else:
                value = getattr(e, name)
                columns[name].append(list(value) if isinstance(value, tuple) else value)
    return pa.table(columns, schema=ENTRY_SCHEMA)


def document_table(
    results: Sequence[DocumentResult],
    current_sha: Mapping[str, str],
    statuses: Mapping[str, str],
    services: Mapping[str, str | None],
    run_id: str,
) -> pa.Table:
    """`documents` rows. A stale document's result is its last good parse: `sha256` is the
    bytes as they are now, `entries_sha256` the bytes its entries come from."""
    rows = []
    for r in results:
        rows.append(
            {
                "path": r.path,
                "sha256": current_sha[r.path],
                "entries_sha256": r.sha256 if r.entries else None,
                "size": r.size,
                "format": r.format,
                "parsers": list(r.parsers),
                "sniff_scores": json.dumps(dict(r.sniff_scores)) if r.sniff_scores else None,
                "encoding": r.encoding,
                "repairs": json.dumps([asdict(x) for x in r.repairs], ensure_ascii=False),
                "repair_count": sum(x.count for x in r.repairs if not x.step.startswith(("bom:", "newlines:"))),
                "title": r.title,
                "service": services.get(r.path),
                "metadata": json.dumps(dict(r.metadata), ensure_ascii=False) if r.metadata else None,
                "owner": r.metadata.get("owner") or r.metadata.get("owners"),
                "last_updated": (updated := _last_updated(r.metadata)),
                "updated_on": date_in_languages(updated, r.languages) if updated else None,
                "languages": list(r.languages) or None,
                "entry_count": len(r.entries),
                "status": statuses[r.path],
                "run_id": run_id,
            }
        )
    return pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA)


def _last_updated(metadata: Mapping[str, str]) -> str | None:
    return metadata.get("last updated") or metadata.get("updated") or metadata.get("date")


MATCH_SCHEMA = pa.schema(
    [
        ("vocabulary", pa.string()),
        ("raw", pa.string()),
        ("canonical", pa.string()),
        ("method", pa.string()),
        ("score", pa.float64()),
        ("runner_up", pa.string()),
        ("runner_up_score", pa.float64()),
        ("needs_review", pa.bool_()),
        ("occurrences", pa.int32()),
        ("example", pa.string()),
    ]
)
SERVICE_SCHEMA = pa.schema(
    [("service", pa.string()), ("alias", pa.string()), ("key", pa.string()), ("documents", pa.int32())]
)


def match_table(matches: Sequence[Match]) -> pa.Table:
    """`matches` rows: one per distinct raw -> canonical decision of the run."""
    return pa.Table.from_pylist([asdict(m) for m in matches], schema=MATCH_SCHEMA)


def service_table(rows: Sequence[tuple[str, str, str, int] | tuple[str, str, str]]) -> pa.Table:
    """`services` rows: (service, alias, key, documents); a row without a count counts one document."""
    return pa.Table.from_pylist(
        [dict(zip(SERVICE_SCHEMA.names, (*r, 1)[:4], strict=True)) for r in rows], schema=SERVICE_SCHEMA
    )


def rejection_table(rejections: Sequence[Rejection], run_id: str) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "run_id": run_id,
                "path": r.path,
                "line": r.line,
                "stage": r.stage,
                "reason": r.reason,
                "detail": r.detail or None,
            }
            for r in rejections
        ],
        schema=pa.schema(
            [
                ("run_id", pa.string()),
                ("path", pa.string()),
                ("line", pa.int32()),
                ("stage", pa.string()),
                ("reason", pa.string()),
                ("detail", pa.string()),
            ]
        ),
    )


SKIPPED_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("line", pa.int32()),
        ("structure", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("run_id", pa.string()),
    ]
)


def skipped_table(results: Sequence[DocumentResult], run_id: str) -> pa.Table:
    """`skipped` rows: what each document held and the recognisers left, with why."""
    return pa.Table.from_pylist(
        [
            {"path": r.path, "line": s.line, "structure": s.structure, "reason": s.reason, "detail": s.detail or None}
            | {"run_id": run_id}
            for r in results
            for s in r.skipped
        ],
        schema=SKIPPED_SCHEMA,
    )


# --- parse cache serialisation: DocumentResult <-> JSON (plain, inspectable, version-keyed) ---


def result_to_json(result: DocumentResult) -> str:
    return json.dumps(asdict(result), ensure_ascii=False)


def result_from_json(blob: str) -> DocumentResult:
    d = json.loads(blob)
    d["skipped"] = tuple(Skipped(**x) for x in d.get("skipped", ()))
    d["repairs"] = tuple(Repair(**x) for x in d["repairs"])
    d["parsers"] = tuple(d["parsers"])
    d["languages"] = tuple(d.get("languages", ()))
    d["rejections"] = tuple(Rejection(**x) for x in d["rejections"])
    d["entries"] = tuple(
        RawEntry(**{**e, "loc": SourceLoc(**e["loc"]), "lines": tuple(e["lines"]), "notes": tuple(e["notes"])})
        for e in d["entries"]
    )
    return DocumentResult(**d)
