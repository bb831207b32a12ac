"""Stage load: a run into DuckDB, in one transaction, from the run's shards and plan.

Every row goes in through DuckDB itself (`INSERT ... SELECT` from Parquet shards and from the
plan's tables): no row crosses into Python. The current-state tables end up exactly as a full
run over the tree as it is now would leave them, whatever order or increments got them there:
`documents`, `services`, `matches` and `skipped` are written whole (a row per document or per
distinct value); `entries` and `entry_matches` only for the documents whose entries changed
(the rows of the others stay, their service and merge re-mapped by a join); `runs` and
`rejections` are appended, and `entry_history` gains a version only for entries that changed
(pipeline.history). A night where nothing changed writes its `runs` row and its rejections,
nothing else (`write_quiet_run`).

The write lock is taken here, for the load only: readers query the last committed state while
a run parses. A full disk, a read-only folder, a database held by a reader: each is a
LoadError that says what happened and what to do, and a failed COMMIT is never hidden behind
the error of the ROLLBACK that follows it.
"""

from __future__ import annotations

import errno
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

from pipeline import __version__, history, shards
from pipeline.errors import LoadError
from pipeline.records import EntryChange, Rejection, RunSummary

log = logging.getLogger(__name__)

# 2: matches.occurrences/example, services.documents; 3: entry_history, changes, risk_rollup,
# owner_load, risks.live, documents.updated_on, runs.entries_new/changed/retired, comments;
# 4: the columnar parse cache (cache_documents, cache_entries), entry_matches, documents.path_bytes,
# runs.decisions_sha256
SCHEMA_VERSION = "5"
# Views whose columns carry the comment of the same column of a table.
VIEW_COMMENTS_FROM = {"risks": "entries", "checks": "entries"}
# How long to wait for readers to let go of the database before loading.
LOCK_WAIT_SECONDS = 60.0
# DuckDB's memory limit for a run's connections (the plan's and the load's).
DUCKDB_MEMORY = "256MB"
# DuckDB's threads for them: its JSON reader holds buffers per thread and file, and with two
# threads over the ~800 JSON-lines shards of a 50,000-document run it ran out of its memory limit
# (one thread read them in 1.4 s). The run's parallelism is in its worker processes anyway.
DUCKDB_THREADS = "1"


@dataclass(frozen=True, slots=True)
class RunFiles:
    """The shards of a run, by kind, and their format."""

    raw_entries: Sequence[str]
    entries: Sequence[str]
    entry_matches: Sequence[str]
    parquet: bool = False


def check_writable(db: str | Path) -> None:
    """Fail early, with a message, when --db cannot be written: before a night of parsing."""
    db = Path(db)
    parent = db.parent if str(db.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise LoadError(f"cannot create the folder {parent} for the database: {err.strerror}", str(db)) from err
    if not os.access(parent, os.W_OK | os.X_OK):
        raise LoadError(f"cannot write in {parent} (read-only?): choose a --db in a folder you can write", str(db))
    if db.exists() and not os.access(db, os.W_OK):
        raise LoadError("the database file is read-only: make it writable or choose another --db", str(db))


def connect(db: str | Path, read_only: bool = False, wait: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) a riskreg database with its schema in place. `wait`: seconds to
    keep trying while another process (a reader) holds the database."""
    db = Path(db)
    if not read_only:
        check_writable(db)
    deadline = time.monotonic() + wait
    while True:
        try:
            con = duckdb.connect(str(db), read_only=read_only)
            break
        except duckdb.IOException as err:
            if "lock" in str(err).lower() and time.monotonic() < deadline:
                time.sleep(0.5)
                continue
            hint = " (another process holds it: wait for it, or stop it)" if "lock" in str(err).lower() else ""
            raise LoadError(f"cannot open database{hint}: {err}", str(db)) from err
        except duckdb.Error as err:
            raise LoadError(f"cannot open database: {err}", str(db)) from err
    limit_memory(con)
    if not read_only and not schema_is_current(con):
        apply_schema(con)
    return con


def limit_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Keep DuckDB's working memory small: past it, joins, sorts and tables spill to disk (the
    temp_directory: for a run, in its scratch folder), so a run's peak memory does not grow with
    the corpus (`RISKREG_DUCKDB_MEMORY`, `RISKREG_DUCKDB_THREADS`)."""
    con.execute(f"SET memory_limit = '{os.environ.get('RISKREG_DUCKDB_MEMORY', DUCKDB_MEMORY)}'")
    con.execute(f"SET threads = {int(os.environ.get('RISKREG_DUCKDB_THREADS', DUCKDB_THREADS))}")


def connect_for_preview(db: str | Path) -> duckdb.DuckDBPyConnection:
    """The database read-only for a dry run, or an empty one in memory when it does not exist
    yet: either way nothing is written, not even a new file."""
    if Path(db).exists():
        return connect(db, read_only=True)
    con = duckdb.connect(":memory:")
    apply_schema(con)
    return con


def schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database was last set up by this schema and this riskreg: then applying the
    schema again would change nothing (and costs a quarter of a second, most of a quiet night)."""
    rows = recorded_schema(con)
    return rows.get("schema_version") == SCHEMA_VERSION and rows.get("riskreg_version") == __version__


def recorded_schema(con: duckdb.DuckDBPyConnection, database: str | None = None) -> dict[str, str]:
    """What a database records of the schema and riskreg that set it up (`schema_info`: key ->
    value), {} when it records nothing (a database of the first riskreg versions, or not
    riskreg's); `database`: its name when attached to `con`, else `con`'s own. (Not named
    `schema_info`: when the table is missing, DuckDB's replacement scan takes a Python name of
    the caller's that matches it for the table, and fails on a function.)"""
    table = f"{database}.schema_info" if database else "schema_info"
    try:
        return dict(con.execute(f"SELECT key, value FROM {table}").fetchall())
    except duckdb.CatalogException:
        return {}


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Tables, views, macros and comments, idempotently (older databases gain what they lack)."""
    con.execute(resources.files("pipeline").joinpath("schema.sql").read_text(encoding="utf-8"))
    con.execute(history.CHANGES_VIEW_SQL)
    con.execute(history.AS_OF_MACRO_SQL)
    for view, table in VIEW_COMMENTS_FROM.items():
        inherited = con.execute(
            "SELECT v.column_name, t.comment FROM duckdb_columns() v JOIN duckdb_columns() t "
            "ON t.column_name = v.column_name AND t.table_name = ? AND t.schema_name = v.schema_name "
            "AND t.database_name = v.database_name "
            "WHERE v.table_name = ? AND v.comment IS NULL AND t.comment IS NOT NULL AND v.database_name = "
            "current_database()",
            [table, view],
        ).fetchall()
        for column, comment in inherited:
            con.execute(f"COMMENT ON COLUMN {view}.{column} IS {_sql_literal(comment)}")
    con.execute(
        "INSERT OR REPLACE INTO schema_info VALUES ('schema_version', ?), ('riskreg_version', ?)",
        [SCHEMA_VERSION, __version__],
    )


def upgrade(db: str | Path) -> None:
    """Bring a database's schema up to date (briefly taking the write lock), so that a run can
    read it read-only while it parses (the run's plan asks when, `Plan`)."""
    connect(db, wait=LOCK_WAIT_SECONDS).close()


def _sql_literal(text: str) -> str:
    """A SQL string literal (COMMENT ON and ATTACH take no parameters).

    >>> print(_sql_literal("the parser's view"))
    'the parser''s view'
    """
    return "'" + text.replace("'", "''") + "'"


def is_disk_full(err: BaseException) -> bool:
    """Whether a database error comes from a full disk (or quota)."""
    text = str(err).lower()
    return "no space left" in text or "disk quota" in text or getattr(err, "errno", None) == errno.ENOSPC


def transaction_failed(con: duckdb.DuckDBPyConnection, err: duckdb.Error, what: str) -> LoadError:
    """Roll back after a failed statement (or COMMIT), keeping the failure as the error: a
    ROLLBACK that fails too (the transaction is already gone) is only logged."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error as again:
        log.debug("rollback after a failed load: %s", again)
    if is_disk_full(err):
        return LoadError(f"{what} not loaded, database unchanged: the disk is full ({err}); free space and run again")
    return LoadError(f"{what} not loaded, database unchanged: {err}")


def write_quiet_run(con: duckdb.DuckDBPyConnection, summary: RunSummary, previous: str, fingerprint: str,
                    decisions_sha: str | None) -> None:  # fmt: skip
    """A night where nothing changed: the run and its rejections (the previous run's, which are
    tonight's too) are recorded; no other table is touched."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            """INSERT INTO runs SELECT * REPLACE ($run AS run_id, $started::TIMESTAMP AS started_at,
                   $finished::TIMESTAMP AS finished_at, $root AS root, $version AS riskreg_version,
                   $fp AS config_fingerprint, documents_seen AS documents_reused, 0 AS entries_new,
                   0 AS entries_changed, 0 AS entries_retired, $decisions AS decisions_sha256)
            FROM runs WHERE run_id = $previous""",
            {
                "run": summary.run_id,
                "started": summary.started_at,
                "finished": summary.finished_at,
                "root": summary.root,
                "version": __version__,
                "fp": fingerprint,
                "decisions": decisions_sha,
                "previous": previous,
            },
        )
        con.execute(
            "INSERT INTO rejections SELECT * REPLACE ($run AS run_id) FROM rejections WHERE run_id = $previous",
            {"run": summary.run_id, "previous": previous},
        )
        con.execute("COMMIT")
    except duckdb.Error as err:
        raise transaction_failed(con, err, f"run {summary.run_id}") from err


# The result each document of the run shows: this run's parse (`fresh`), or one from the parse
# cache (an unchanged document's, or a stale document's last good one). `{cache}` names the
# database holding the cache tables, `{plan}` the plan's tables, as seen from the connection.
RESULTS_VIEW = """
CREATE OR REPLACE TEMP VIEW results AS
SELECT f.* FROM {plan}run_docs d JOIN {plan}fresh f ON d.source = 'fresh' AND f.path = d.path
UNION ALL BY NAME
SELECT c.* FROM {plan}run_docs d JOIN {cache}cache_documents c
    ON d.source = 'cache' AND c.path = d.path AND c.sha256 = d.result_sha AND c.fingerprint = d.result_fp
"""


# The night's shards, each kind read into a table of its own before anything joins them: DuckDB's
# JSON reader holds a 32 MiB buffer it cannot spill, which, in a statement with joins, came on top
# of their hash tables (issue 12: a changed night ran out of memory at any size of tree).
NIGHT_TABLES = {"entries": "night_entries", "raw_entries": "night_raw", "entry_matches": "night_tallies"}
# The folder of the run's scratch folder that DuckDB spills into during the load.
SPILL_FOLDER = "spill"
# Each document of the run (`plan.run_docs`) with its service as the run maps it: the one table
# the entries and documents join with, rather than the joins behind `results` and the service map.
# `kept`: a document whose rows in `entries` (and `entry_matches`) stay as they are, bar a new
# service or merge: one read tonight or kept from last night, and not written again.
RUN_DOCUMENTS_SQL = """
SELECT d.*, NOT d.rewrite AND d.status IN ('parsed', 'stale') AS kept, s.service
FROM plan.run_docs d LEFT JOIN results r USING (path) LEFT JOIN plan.service_map s ON s.written = r.service_written
"""
# The entries the night writes again, with their service and merge.
NEW_ENTRIES_SQL = """
SELECT n.* REPLACE (d.service AS service, t.duplicate_of AS duplicate_of), $run AS run_id
FROM night_entries n JOIN run_documents d ON d.path = n.source_path AND d.rewrite
LEFT JOIN plan.merge_targets t ON t.entry_key = n.entry_key
"""
# The run's entries as the load will leave them, by key (and kind, for a dry run's counts): the
# rows of `entries` it keeps and the new ones. History retires the versions not among them. Keys
# only: every kept row is a row of `entries` as it is, or one of `touched`; a copy of every row
# (543,000 at 50,000 documents) cost a third of a second a night to compare the few that differ.
STAGED_KEYS_SQL = """
SELECT e.entry_key, e.kind
FROM entries e JOIN run_documents d ON d.path = e.source_path AND d.kept
UNION ALL
SELECT entry_key, kind FROM new_entries
"""
# The kept rows of `entries` whose service or merge the run re-maps, with their new values. A
# table: each statement that reads it then makes one join that can spill.
KEPT_CHANGES_SQL = """
SELECT e.entry_key, d.service, t.duplicate_of
FROM entries e JOIN run_documents d ON d.path = e.source_path AND d.kept
LEFT JOIN plan.merge_targets t ON t.entry_key = e.entry_key
WHERE e.service IS DISTINCT FROM d.service OR e.duplicate_of IS DISTINCT FROM t.duplicate_of
"""
# The run's rows that can differ from what `entries` holds: the entries written again and the
# kept ones re-mapped. Every other row the run keeps is a row of `entries` as it is, so history
# and a dry run compare only these (`history.record_versions`).
TOUCHED_SQL = """
SELECT e.* REPLACE (k.service AS service, k.duplicate_of AS duplicate_of)
FROM entries e JOIN kept_changes k USING (entry_key)
UNION ALL BY NAME
SELECT * FROM new_entries
"""
# A row of `documents` per document of the run and its result (`RESULTS_VIEW`), those of tonight's
# parses and those of the parse cache in a statement each: one join apiece.
DOCUMENTS_SQL = """INSERT INTO documents BY NAME
SELECT d.path, d.sha256, r.size, r.format, r.parsers, r.sniff_scores, r.encoding, r.repairs, r.repair_count,
       r.title, d.service, r.metadata, r.owner, r.last_updated, r.entry_count, d.status,
       CASE WHEN r.entry_count > 0 THEN r.sha256 END AS entries_sha256, $run AS run_id, r.updated_on,
       r.languages, d.path_bytes
FROM run_documents d JOIN {result}"""
# Statements of the load, in order, after the new entries are staged and history recorded.
LOAD_SQL = (
    # the parse cache gains tonight's parses (a --full run parses cached documents again)
    "DELETE FROM cache_entries WHERE (path, sha256, fingerprint) IN "
    "(SELECT (path, sha256, fingerprint) FROM plan.fresh)",
    "DELETE FROM cache_documents WHERE (path, sha256, fingerprint) IN "
    "(SELECT (path, sha256, fingerprint) FROM plan.fresh)",
    "INSERT INTO cache_documents BY NAME SELECT * FROM plan.fresh WHERE cacheable",
    "INSERT INTO cache_entries BY NAME SELECT e.* FROM night_raw e "
    "SEMI JOIN plan.fresh f ON f.path = e.path AND f.sha256 = e.sha256 AND f.cacheable",
    # entries: the kept rows stay (service and merge re-mapped where they changed), the rest go
    "DELETE FROM entries WHERE source_path NOT IN (SELECT path FROM run_documents WHERE kept)",
    "UPDATE entries SET service = k.service, duplicate_of = k.duplicate_of FROM kept_changes k "
    "WHERE entries.entry_key = k.entry_key",
    "INSERT INTO entries BY NAME SELECT * FROM new_entries",
    "DELETE FROM entry_matches WHERE path NOT IN (SELECT path FROM run_documents WHERE kept)",
    "INSERT INTO entry_matches BY NAME SELECT m.* FROM night_tallies m "
    "SEMI JOIN plan.run_docs d ON d.path = m.path AND d.rewrite",
    # documents, services, matches, skipped: written whole (one row per document or distinct value)
    "DELETE FROM documents",
    DOCUMENTS_SQL.format(result="plan.fresh r ON d.source = 'fresh' AND r.path = d.path"),
    DOCUMENTS_SQL.format(
        result="cache_documents r ON d.source = 'cache' AND r.path = d.path AND r.sha256 = d.result_sha "
        "AND r.fingerprint = d.result_fp"
    ),
    "DELETE FROM services",
    "INSERT INTO services BY NAME SELECT * FROM plan.run_services",
    "DELETE FROM service_steps",
    "INSERT INTO service_steps BY NAME SELECT * FROM plan.run_service_steps",
    "DELETE FROM matches",
    """INSERT INTO matches BY NAME
    SELECT vocabulary, raw, canonical, method, first(score ORDER BY path, ordinal) AS score,
           first(runner_up ORDER BY path, ordinal) AS runner_up,
           first(runner_up_score ORDER BY path, ordinal) AS runner_up_score,
           first(needs_review ORDER BY path, ordinal) AS needs_review, sum(occurrences)::INTEGER AS occurrences,
           first(example ORDER BY path, ordinal) AS example
    FROM entry_matches GROUP BY vocabulary, raw, canonical, method""",
    "INSERT INTO matches BY NAME SELECT * FROM plan.run_matches",
    "DELETE FROM skipped",
    """INSERT INTO skipped BY NAME
    SELECT path, s.line, s.structure, s.reason, s.detail, $run AS run_id
    FROM (SELECT path, unnest(skipped) AS s FROM results)""",
    # tonight's rejections: what was refused, and what each document read tonight said
    """INSERT INTO rejections BY NAME
    SELECT $run AS run_id, path, NULL AS line, 'read' AS stage, reason, NULL AS detail
    FROM plan.listing WHERE kind <> 'file'
    UNION ALL BY NAME
    SELECT $run AS run_id, path, x.line, x.stage, x.reason, x.detail
    FROM (SELECT path, unnest(rejections) AS x FROM tonight_results)""",
    # the cache keeps what a current document can use: its bytes, or its last good bytes
    """DELETE FROM cache_documents c WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.path = c.path
        AND ((c.sha256 = d.sha256 AND c.fingerprint = $fp) OR c.sha256 = d.entries_sha256))""",
    """DELETE FROM cache_entries e WHERE NOT EXISTS (SELECT 1 FROM cache_documents c
        WHERE c.path = e.path AND c.sha256 = e.sha256 AND c.fingerprint = e.fingerprint)""",
)
# Each document's result as read tonight (a stale document's is not the one it shows).
TONIGHT_VIEW = """
CREATE OR REPLACE TEMP VIEW tonight_results AS
SELECT f.* FROM plan.tonight t JOIN plan.fresh f ON t.fresh AND f.path = t.path
UNION ALL BY NAME
SELECT c.* FROM plan.tonight t JOIN cache_documents c
    ON NOT t.fresh AND c.path = t.path AND c.sha256 = t.sha256 AND c.fingerprint = $fp
"""


def _stage(con: duckdb.DuckDBPyConnection, plan_file: Path, files: RunFiles, run_id: str, fingerprint: str) -> None:
    """Attach the plan and stage the run: the views `results` and `tonight_results`; the tables
    of the night's shards (`NIGHT_TABLES`), `run_documents`, `new_entries`, `staged_keys`,
    `kept_changes` and `touched`.

    What does not fit in DuckDB's memory limit spills into the run's scratch folder (beside the
    database, and removed with it, even after a run that was killed), rather than where DuckDB
    would put it: `<db>.tmp` beside the database, or `.tmp` in the working directory for a
    database in memory, where a dry run must write nothing."""
    con.execute(f"SET temp_directory = {_sql_literal(str(plan_file.parent / SPILL_FOLDER))}")
    con.execute(f"ATTACH {_sql_literal(str(plan_file))} AS plan (READ_ONLY)")
    con.execute(RESULTS_VIEW.format(cache="", plan="plan."))
    con.execute(TONIGHT_VIEW.replace("$fp", _sql_literal(fingerprint)))
    for kind, table in NIGHT_TABLES.items():
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS {shards.source_sql('$files', kind, files.parquet)}",
            {"files": list(getattr(files, kind))},
        )
    con.execute(f"CREATE OR REPLACE TEMP TABLE run_documents AS {RUN_DOCUMENTS_SQL}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE new_entries AS {NEW_ENTRIES_SQL}", {"run": run_id})
    con.execute(f"CREATE OR REPLACE TEMP TABLE staged_keys AS {STAGED_KEYS_SQL}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE kept_changes AS {KEPT_CHANGES_SQL}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE touched AS {TOUCHED_SQL}")


def _unstage(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("results", "tonight_results"):
        con.execute(f"DROP VIEW IF EXISTS {name}")
    for name in (*NIGHT_TABLES.values(), "run_documents", "new_entries", "staged_keys", "kept_changes", "touched"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute("DETACH DATABASE IF EXISTS plan")


def write_run(
    con: duckdb.DuckDBPyConnection,
    plan_file: Path,
    files: RunFiles,
    summary: RunSummary,
    fingerprint: str,
    decisions_sha: str | None,
) -> dict[str, int]:
    """Load the run: all or nothing. Returns the entries new, changed and retired."""
    params = {"run": summary.run_id, "fp": fingerprint}
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            _stage(con, plan_file, files, summary.run_id, fingerprint)
            history.record_versions(con, "staged_keys", summary.run_id, history.previous_run(con), "touched")
            changes = history.change_counts(con, summary.run_id)
            for sql in LOAD_SQL:
                con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
            summary.changes = changes
            read_summary(con, summary)
            _record(con, summary, fingerprint, decisions_sha)
            con.execute("COMMIT")
        except duckdb.Error as err:
            raise transaction_failed(con, err, f"run {summary.run_id}") from err
    finally:
        _unstage(con)
    return changes


def read_summary(con: duckdb.DuckDBPyConnection, summary: RunSummary) -> None:
    """What the tables hold after the run, into the summary: entries, review items, skipped
    structures, and the run's rejections."""
    entries, risks, checks = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE kind = 'risk'), count(*) FILTER (WHERE kind = 'check') FROM entries"
    ).fetchone()  # type: ignore[misc]
    (review,) = con.execute("SELECT count(*) FROM matches WHERE needs_review").fetchone()  # type: ignore[misc]
    skipped = con.execute("SELECT reason, count(*) FROM skipped GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    rejections = con.execute(
        "SELECT path, stage, reason, line, detail FROM rejections WHERE run_id = ? "
        "ORDER BY stage <> 'read', path, line NULLS FIRST",
        [summary.run_id],
    ).fetchall()
    summary.rejections = [Rejection(p, s, r, ln, d or "") for p, s, r, ln, d in rejections]
    summary.entries, summary.review_items = entries, review
    summary.entries_by_kind = {k: n for k, n in (("risk", risks), ("check", checks)) if n}
    summary.skipped = dict(skipped)


def _record(con: duckdb.DuckDBPyConnection, summary: RunSummary, fingerprint: str, decisions_sha: str | None) -> None:
    """The `runs` row."""
    changes = summary.changes
    con.execute(
        "INSERT INTO runs (run_id, started_at, finished_at, root, riskreg_version, config_fingerprint, "
        "documents_seen, documents_parsed, documents_rejected, documents_reused, entries, risks, checks, "
        "review_items, exit_code, skipped, entries_new, entries_changed, entries_retired, decisions_sha256) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            decisions_sha,
        ],
    )


def preview_run(db: Path, plan_file: Path, files: RunFiles, summary: RunSummary, fingerprint: str) -> None:
    """A dry run: what loading the run would add, change, retire and reject, into the summary;
    nothing written (the database is opened read-only, or stands in memory when it does not exist)."""
    con = connect_for_preview(db)
    try:
        _stage(con, plan_file, files, summary.run_id, fingerprint)
        summary.dry_run = True
        summary.preview = preview(con, "staged_keys", "touched")
        summary.changes = history.counted(summary.preview)
        entries, risks, checks = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE kind = 'risk'), count(*) FILTER (WHERE kind = 'check') "
            "FROM staged_keys"
        ).fetchone()  # type: ignore[misc]
        summary.entries = entries
        summary.entries_by_kind = {k: n for k, n in (("risk", risks), ("check", checks)) if n}
        (summary.review_items,) = con.execute(
            """SELECT count(*) FILTER (WHERE needs_review) FROM (
                SELECT vocabulary, raw, canonical, method, bool_or(needs_review) AS needs_review FROM (
                    SELECT m.* FROM entry_matches m SEMI JOIN run_documents d ON d.path = m.path AND d.kept
                    UNION ALL BY NAME
                    SELECT m.* FROM night_tallies m SEMI JOIN plan.run_docs d ON d.path = m.path AND d.rewrite
                ) GROUP BY ALL
                UNION ALL SELECT vocabulary, raw, canonical, method, needs_review FROM plan.run_matches)"""
        ).fetchone()  # type: ignore[misc]
        skipped = con.execute(
            "SELECT s.reason, count(*) FROM (SELECT unnest(skipped) AS s FROM results) GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        summary.skipped = dict(skipped)
        rejections = con.execute(
            """SELECT * FROM (
                SELECT path, 'read' AS stage, reason, NULL::INTEGER AS line, NULL AS detail FROM plan.listing
                WHERE kind <> 'file'
                UNION ALL
                SELECT path, x.stage, x.reason, x.line, x.detail
                FROM (SELECT path, unnest(rejections) AS x FROM tonight_results)
            ) ORDER BY stage <> 'read', path, line NULLS FIRST"""
        ).fetchall()
        summary.rejections = [Rejection(p, s, r, ln, d or "") for p, s, r, ln, d in rejections]
    finally:
        _unstage(con)
        con.close()


def preview(con: duckdb.DuckDBPyConnection, staged: str, touched: str | None = None) -> list[EntryChange]:
    """What writing this run's entries (`staged`, a relation of their keys; `touched`, the rows
    that can differ from `entries`) would add, change and retire."""
    try:
        return history.preview(con, staged, touched)
    except duckdb.Error as err:
        raise LoadError(f"cannot compare with the database (made by an older riskreg? ingest once): {err}") from err


__all__ = [
    "RESULTS_VIEW",
    "SCHEMA_VERSION",
    "RunFiles",
    "apply_schema",
    "check_writable",
    "connect",
    "connect_for_preview",
    "preview",
    "preview_run",
    "read_summary",
    "recorded_schema",
    "upgrade",
    "write_quiet_run",
    "write_run",
]
