"""A run's working database: tonight's files beside last night's state, and what follows.

The plan is a DuckDB file in the run's scratch folder, with the riskreg database attached
read-only as `prev` (so readers keep querying it while the run parses; the run takes the write
lock for the load only). Everything that grows with the corpus lives in it, not in Python:

- `listing`: every file found (path, sha256) and everything refused (with why);
- `fresh`: the documents this run parsed (the workers' `documents` shards);
- `run_docs`: per document the run keeps, its status (parsed, stale, rejected), which result
  it shows (tonight's, or its last good one), and whether its entries are written again
  (`rewrite`) or stay as they are in `entries`;
- `night_raw`, `night_entries`: the night's shards of RawEntries and of entries, each read by a
  statement of its own (`read_shards`) before anything joins them.

A statement that reads shards does nothing else: DuckDB's JSON reader holds a 32 MiB buffer it
cannot spill, and in a statement with joins it came on top of their hash tables, so that a
changed night without an owner directory ran out of memory in the plan (issue 12, as the load
did). A DuckDB error in the plan is a LoadError (`plan_failed`): the database is untouched.

A document's entries stay as they are when the rows in `entries` were made from the same
RawEntries (`documents.entries_sha256`) with the same configuration and code (fingerprint), the
same review decisions, and the same run-wide decisions where it uses them (its service is
re-mapped by a join at load; its owners' clusters are compared name by name, `pipeline.decide`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import duckdb

from pipeline import shards
from pipeline.discover import Found
from pipeline.errors import LoadError
from pipeline.load import (
    DUCKDB_MEMORY,
    RESULTS_VIEW,
    SCHEMA_VERSION,
    apply_schema,
    limit_memory,
    recorded_schema,
    upgrade,
)
from pipeline.records import Rejection
from pipeline.rows import read_json_sql, row_encoder
from pipeline.tasks import DocRef

LISTING_COLUMNS = {
    "path": "VARCHAR",
    "path_bytes": "BLOB",
    "fs_path": "BLOB",
    "sha256": "VARCHAR",
    "size": "BIGINT",
    "kind": "VARCHAR",  # file (read), refused (not read), folder (not listed), unlisted (in such a folder)
    "reason": "VARCHAR",
}

# The plan's tables of the night's shards, by kind of shard (`Plan.read_shards`).
NIGHT_TABLES = {"raw_entries": "night_raw", "entries": "night_entries"}
# The RawEntries of each document's result, as `RESULTS_VIEW` chooses it: tonight's parse (the
# table `night_raw`) or the parse cache's.
RUN_RAW_VIEW = """
CREATE OR REPLACE TEMP VIEW run_raw AS
SELECT e.* FROM run_docs d JOIN night_raw e ON d.source = 'fresh' AND e.path = d.path
UNION ALL BY NAME
SELECT e.* FROM run_docs d JOIN prev.cache_entries e
    ON d.source = 'cache' AND e.path = d.path AND e.sha256 = d.result_sha AND e.fingerprint = d.result_fp
"""


@dataclass(frozen=True, slots=True)
class PreviousRun:
    """What the latest run recorded."""

    run_id: str
    fingerprint: str
    decisions_sha256: str | None


class Plan:
    """The run's working database (see the module docstring)."""

    def __init__(
        self, path: Path, db: Path, fingerprint: str, parquet: bool = False, upgrade_schema: bool = True
    ) -> None:
        """`upgrade_schema`: bring a database an older riskreg wrote up to date before reading it
        (not in a dry run, which writes nothing)."""
        self.con = duckdb.connect(str(path))
        self.parquet = parquet  # the run's shards are Parquet (else JSON lines)
        limit_memory(self.con)
        self.fingerprint = fingerprint
        self.folder = path.parent
        if db.exists():
            self._attach(db)
            if upgrade_schema and recorded_schema(self.con, "prev").get("schema_version") != SCHEMA_VERSION:
                # Asked of the plan's own attachment rather than by opening the database once
                # more before it (a fifth of a quiet night's 0.1 s of database work).
                self.con.execute("DETACH prev")
                upgrade(db)
                self._attach(db)
        else:  # no database yet: an empty one stands for last night
            self.con.execute("ATTACH ':memory:' AS prev")
            self.con.execute("USE prev")
            apply_schema(self.con)
            self.con.execute(f"USE {_literal(path.stem)}")
        self._listing_file = self.folder / "listing.jsonl"
        self._listing: IO[bytes] | None = self._listing_file.open("wb")
        self._listing_row = row_encoder(LISTING_COLUMNS)
        self._night_tables: set[str] = set()  # those of NIGHT_TABLES read so far

    def _attach(self, db: Path) -> None:
        """The database as `prev`, read-only (readers keep querying it while the run parses)."""
        try:
            self.con.execute(f"ATTACH {_literal(str(db))} AS prev (READ_ONLY)")
        except duckdb.Error as err:
            raise LoadError(f"cannot open database: {err}", str(db)) from err

    def close(self) -> None:
        if self._listing is not None:
            self._listing.close()
        self.con.close()

    # --- tonight's files -----------------------------------------------------------------
    def add(self, found: Found, sha256: str | None, refused: str | None) -> None:
        kind = "file" if refused is None else "refused"
        self._append(found.path, found.raw_path, found.fs_path, sha256, found.size, kind, refused)

    def add_rejection(self, rejection: Rejection) -> None:
        """A file or folder the walk refused."""
        kind = "folder" if rejection.path.endswith("/") else "refused"
        self._append(rejection.path, None, None, None, None, kind, rejection.reason)

    def _append(self, *row: Any) -> None:
        assert self._listing is not None, "the listing is closed"
        self._listing.write(self._listing_row(dict(zip(LISTING_COLUMNS, row, strict=True))))

    def list_unlisted(self) -> None:
        """The listing into its table, a line per file as walked (never all in memory); then the
        documents of folders that could not be listed tonight are listed as `unlisted`, so
        that they keep last night's rows (every document, when ROOT itself, `./`, could not be)."""
        assert self._listing is not None, "the listing is closed"
        self._listing.close()
        self._listing = None
        self.con.execute(f"CREATE TABLE listing AS {read_json_sql(self._listing_file, LISTING_COLUMNS)}")
        self.con.execute(
            "INSERT INTO listing SELECT p.path, p.path_bytes, NULL, NULL, NULL, 'unlisted', "
            "'in a folder that cannot be listed (' || f.path || ': ' || f.reason || ')' "
            "FROM prev.documents p JOIN listing f ON f.kind = 'folder' "
            "AND (f.path = './' OR starts_with(p.path, f.path)) "
            "WHERE p.path NOT IN (SELECT path FROM listing)"
        )

    def insert(self, table: str, columns: Mapping[str, str], rows: Iterable[Mapping[str, Any]]) -> None:
        """Rows from Python into a new plan table (replacing one of the same name)."""
        file = self.folder / f"{table}.jsonl"
        encode = row_encoder(columns)
        with file.open("wb") as out:
            out.writelines(map(encode, rows))
        self.con.execute(f"CREATE OR REPLACE TABLE {table} AS {read_json_sql(file, columns)}")
        file.unlink()

    def previous_run(self) -> PreviousRun | None:
        row = self.con.execute(
            "SELECT run_id, config_fingerprint, decisions_sha256 FROM prev.runs ORDER BY started_at DESC LIMIT 1"
        ).fetchone()
        return PreviousRun(*row) if row else None

    def quiet(self) -> bool:
        """Nothing changed since the last run: the same files with the same bytes, the same
        files refused for the same reasons. (The caller checks config and decisions.)"""
        read_rejected = (
            "SELECT path, reason FROM prev.rejections WHERE stage = 'read' "
            "AND run_id = (SELECT run_id FROM prev.runs ORDER BY started_at DESC LIMIT 1)"
        )
        changed = self.con.execute(f"""
            WITH now AS (SELECT path, sha256 FROM listing WHERE kind = 'file'),
                 before AS (SELECT path, sha256 FROM prev.documents
                            WHERE path NOT IN (SELECT path FROM ({read_rejected}))),
                 refused_now AS (SELECT path, reason FROM listing WHERE kind <> 'file'),
                 refused_before AS ({read_rejected})
            SELECT (SELECT count(*) FROM (FROM now EXCEPT FROM before))
                 + (SELECT count(*) FROM (FROM before EXCEPT FROM now))
                 + (SELECT count(*) FROM (FROM refused_now EXCEPT FROM refused_before))
                 + (SELECT count(*) FROM (FROM refused_before EXCEPT FROM refused_now))""").fetchone()
        return changed is not None and changed[0] == 0

    def to_parse(self, incremental: bool, chunk: int = 1000) -> Iterator[DocRef]:
        """The files to parse: those without a result in the parse cache (all with --full), in
        the order of their sha256, which spreads the costly kinds of document (scraped pages,
        whose folders sort together) evenly over the batches, so no worker is left with a
        batch of them at the end while the others wait."""
        cached = (
            "AND NOT EXISTS (SELECT 1 FROM prev.cache_documents c WHERE c.path = l.path AND c.sha256 = l.sha256 "
            "AND c.fingerprint = $fp)"
            if incremental
            else ""
        )
        cursor = self.con.cursor()
        try:
            cursor.execute(
                f"SELECT path, path_bytes, fs_path, sha256, size FROM listing l WHERE kind = 'file' {cached} "
                "ORDER BY sha256, path",
                {"fp": self.fingerprint} if incremental else {},
            )
            while rows := cursor.fetchmany(chunk):
                for path, raw, fs_path, sha, size in rows:
                    yield DocRef(path, raw, fs_path, sha, size)
        finally:
            cursor.close()

    def count(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        row = self.con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()
        return int(row[0]) if row else 0

    # --- after the parse ---------------------------------------------------------------------
    def settle(self, document_shards: Sequence[str], full: bool, renormalise_all: bool) -> None:
        """Each document's status and result, and whether its entries are written again."""
        con = self.con
        con.execute(f"CREATE TABLE fresh AS {shards.source_sql('$files', 'documents', self.parquet)}",
                    {"files": list(document_shards)})  # fmt: skip
        con.execute(
            """CREATE TABLE tonight AS
            SELECT l.path, l.path_bytes, f.path IS NOT NULL AS fresh, coalesce(f.readable, true) AS readable,
                   coalesce(f.sha256, l.sha256) AS sha256, coalesce(f.entry_count, c.entry_count, 0) AS entry_count
            FROM listing l LEFT JOIN fresh f ON f.path = l.path
            LEFT JOIN prev.cache_documents c
                ON f.path IS NULL AND c.path = l.path AND c.sha256 = l.sha256 AND c.fingerprint = $fp
            WHERE l.kind = 'file'""",
            {"fp": self.fingerprint},
        )
        con.execute(
            """CREATE TABLE last_good AS
            SELECT p.path, p.entries_sha256, arg_max(c.fingerprint, c.fingerprint = $fp) AS fingerprint
            FROM prev.documents p JOIN prev.cache_documents c ON c.path = p.path AND c.sha256 = p.entries_sha256
            WHERE p.status IN ('parsed', 'stale') GROUP BY ALL""",
            {"fp": self.fingerprint},
        )
        con.execute(
            """CREATE TABLE run_docs AS
            WITH candidates AS (
                SELECT path, path_bytes, fresh, readable, sha256, entry_count FROM tonight
                UNION ALL
                SELECT path, path_bytes, false, false, NULL, 0 FROM listing WHERE kind IN ('refused', 'unlisted')
            ), decided AS (
                SELECT c.*, g.entries_sha256 AS good_sha, g.fingerprint AS good_fp,
                       CASE WHEN c.readable AND c.entry_count > 0 THEN 'parsed'
                            WHEN g.path IS NOT NULL THEN 'stale'
                            WHEN c.readable THEN 'rejected' END AS status
                FROM candidates c LEFT JOIN last_good g USING (path)
            )
            SELECT d.path, d.path_bytes, d.status,
                   coalesce(d.sha256, p.sha256) AS sha256,
                   CASE WHEN d.status = 'stale' THEN 'cache' WHEN d.fresh THEN 'fresh' ELSE 'cache' END AS source,
                   CASE WHEN d.status = 'stale' THEN d.good_sha ELSE d.sha256 END AS result_sha,
                   CASE WHEN d.status = 'stale' THEN d.good_fp ELSE $fp END AS result_fp,
                   d.status IN ('parsed', 'stale') AND (
                       $full OR $renormalise_all OR p.status NOT IN ('parsed', 'stale') OR p.status IS NULL
                       OR p.entries_sha256 IS DISTINCT FROM
                          (CASE WHEN d.status = 'stale' THEN d.good_sha ELSE d.sha256 END)
                   ) AS rewrite
            FROM decided d LEFT JOIN prev.documents p USING (path)
            WHERE d.status IS NOT NULL""",
            {"fp": self.fingerprint, "full": full, "renormalise_all": renormalise_all},
        )
        con.execute(RESULTS_VIEW.format(cache="prev.", plan=""))

    def read_shards(self, kind: str, files: Sequence[str]) -> str:
        """The night's shards of a kind into their plan table (`NIGHT_TABLES`), by a statement
        that does nothing else, once a run (the decisions that need them call it); returns the
        table's name. For RawEntries, also the view `run_raw` (`RUN_RAW_VIEW`) over it."""
        table = NIGHT_TABLES[kind]
        if table not in self._night_tables:
            self.con.execute(f"CREATE OR REPLACE TABLE {table} AS {shards.source_sql('$files', kind, self.parquet)}",
                             {"files": list(files)})  # fmt: skip
            if kind == "raw_entries":
                self.con.execute(RUN_RAW_VIEW)
            self._night_tables.add(table)
        return table

    def rewrite(self, paths: Sequence[str]) -> None:
        """Write these documents' entries again (a run-wide decision they use changed)."""
        if paths:
            self.con.execute("UPDATE run_docs SET rewrite = true WHERE path IN (SELECT unnest($paths))",
                             {"paths": list(paths)})  # fmt: skip


def plan_failed(err: duckdb.Error, run_id: str) -> LoadError:
    """A DuckDB error while planning the run, as the error the CLI reports (exit 1): what
    happened, that the database is unchanged (the plan is a scratch database), and, when DuckDB
    ran out of its memory limit, what to raise."""
    hint = ""
    if isinstance(err, duckdb.OutOfMemoryException):
        limit = os.environ.get("RISKREG_DUCKDB_MEMORY", DUCKDB_MEMORY)
        hint = f" (DuckDB's memory limit, RISKREG_DUCKDB_MEMORY, is {limit}: raise it and run again)"
    first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return LoadError(f"run {run_id} not loaded, database unchanged: planning the run failed: {first_line}{hint}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


__all__ = ["LISTING_COLUMNS", "NIGHT_TABLES", "RUN_RAW_VIEW", "Plan", "PreviousRun", "plan_failed"]
