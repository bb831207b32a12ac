"""Stage load, history part: every version of every entry, and what changed in each run.

`entry_history` keeps one row per *version* of an entry (by its stable `entry_key`): a new row
only when a field an analyst reads changed (`COMPARED_FIELDS`), so a quiet night writes nothing
here. A version is current while `last_seen_run` is NULL; when the entry changes or leaves the
documents, the run that notices sets `last_seen_run` (the run before it) on the old version, and
`retired_run` when it left. Only rows that change are touched: O(changes) writes per run,
whatever the size of the tree. The `changes` view reads the versions back as per-run, per-field
differences; `preview` computes the same differences for a dry run without writing.

The comparison is done by DuckDB, column by column (`IS DISTINCT FROM`), rather than through a
stored hash: the same answer as sqlite-utils' `hash_record`, without a Python pass over every
entry, and without hashes that a change of serialisation would invalidate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import duckdb

from pipeline.records import EntryChange, FieldChange

# Columns of `entries` whose change makes a new version: what an analyst reads of an entry.
COMPARED_FIELDS: tuple[str, ...] = (
    "kind",
    "service",
    "entry_id",
    "title",
    "likelihood",
    "impact",
    "score",
    "severity",
    "status",
    "owners",
    "owner_raw",
    "mitigation",
    "section",
    "checked",
    "likelihood_raw",
    "impact_raw",
    "severity_raw",
    "status_raw",
    "score_raw",
    "severity_source",
    "source_path",
    "extra",
    "duplicate_of",
)
# Kept on each version as first seen, but never a reason for a new one: where the entry sits and
# how it was read. A line added above a risk moves it; the risk has not changed.
LOCATION_FIELDS: tuple[str, ...] = ("source_line", "source_lines", "parser", "confidence", "notes")
# List columns, shown in `changes` as their items joined with ', '.
LIST_FIELDS = frozenset({"owners"})

FIELD_CHANGE_TYPE = "STRUCT(field VARCHAR, old_value VARCHAR, new_value VARCHAR, differs BOOLEAN)"


def as_text_sql(alias: str, field: str) -> str:
    """SQL for a column as text, the form `changes` shows old and new values in.

    >>> as_text_sql("o", "owners"), as_text_sql("n", "impact")
    ("array_to_string(o.owners, ', ')", 'CAST(n.impact AS VARCHAR)')
    """
    if field in LIST_FIELDS:
        return f"array_to_string({alias}.{field}, ', ')"
    return f"CAST({alias}.{field} AS VARCHAR)"


def field_changes_sql(old: str, new: str) -> str:
    """SQL for the list of fields that differ between two rows (aliases `old`, `new`) of entries
    or entry_history, each as {field, old_value, new_value}, in COMPARED_FIELDS order."""
    items = ", ".join(
        f"{{'field': '{f}', 'old_value': {as_text_sql(old, f)}, 'new_value': {as_text_sql(new, f)}, "
        f"'differs': {old}.{f} IS DISTINCT FROM {new}.{f}}}"
        for f in COMPARED_FIELDS
    )
    return f"[x FOR x IN [{items}] IF x.differs]"


def differs_sql(old: str, new: str) -> str:
    """SQL that is true when any compared field differs between two rows (aliases `old`, `new`)."""
    return (
        f"ROW({', '.join(f'{old}.{c}' for c in COMPARED_FIELDS)}) IS DISTINCT FROM "
        f"ROW({', '.join(f'{new}.{c}' for c in COMPARED_FIELDS)})"
    )


# The `changes` view: per run, each new, changed and retired entry; a changed entry has one row per
# field that changed. A version whose predecessor was retired is 'new' again (the entry came back).
CHANGES_VIEW_SQL = f"""
CREATE OR REPLACE VIEW changes AS
WITH steps AS (
    SELECT n.first_seen_run AS run_id,
           CASE WHEN o.entry_key IS NULL OR o.retired_run IS NOT NULL THEN 'new' ELSE 'changed' END AS change,
           n.entry_key, n.kind, n.service, n.entry_id, n.title, n.severity, n.status,
           n.source_path, n.source_line, n.version,
           CASE WHEN o.entry_key IS NULL OR o.retired_run IS NOT NULL THEN [NULL::{FIELD_CHANGE_TYPE}]
                ELSE {field_changes_sql("o", "n")} END AS fields
    FROM entry_history n
    LEFT JOIN entry_history o ON o.entry_key = n.entry_key AND o.version = n.version - 1
    UNION ALL
    SELECT o.retired_run, 'retired', o.entry_key, o.kind, o.service, o.entry_id, o.title, o.severity, o.status,
           o.source_path, o.source_line, o.version, [NULL::{FIELD_CHANGE_TYPE}]
    FROM entry_history o WHERE o.retired_run IS NOT NULL
),
rows AS (SELECT * EXCLUDE (fields), unnest(fields) AS f FROM steps)
SELECT run_id, change, entry_key, kind, service, entry_id, title, f.field AS field, f.old_value AS old_value,
       f.new_value AS new_value, severity, status, source_path, source_line, version
FROM rows;
COMMENT ON VIEW changes IS 'Per run: new, changed and retired entries; one row per changed field.';
COMMENT ON COLUMN changes.run_id IS 'The run that saw the change (compared with the run before it).';
COMMENT ON COLUMN changes.change IS 'new (first seen, or back after retirement), changed, or retired (in no document).';
COMMENT ON COLUMN changes.entry_key IS 'Stable key of the entry, as in entries and entry_history.';
COMMENT ON COLUMN changes.kind IS 'risk or check.';
COMMENT ON COLUMN changes.service IS 'Canonical service (after the change; the last known one for retired entries).';
COMMENT ON COLUMN changes.entry_id IS 'Id as written.';
COMMENT ON COLUMN changes.title IS 'The risk or check as written.';
COMMENT ON COLUMN changes.field IS 'For changed entries, the column that changed; NULL for new and retired ones.';
COMMENT ON COLUMN changes.old_value IS 'Its value before the run, as text (lists joined with commas).';
COMMENT ON COLUMN changes.new_value IS 'Its value after the run, as text.';
COMMENT ON COLUMN changes.severity IS 'Severity after the change (last known for retired entries).';
COMMENT ON COLUMN changes.status IS 'Status after the change (last known for retired entries).';
COMMENT ON COLUMN changes.source_path IS 'Document the entry is (was) in.';
COMMENT ON COLUMN changes.source_line IS 'Its line when this version was first seen.';
COMMENT ON COLUMN changes.version IS 'entry_history version the change made (for retired entries, the last one).';
"""

# The `entries_as_of(run_id)` table macro: entries as a past run left them, from their versions.
AS_OF_MACRO_SQL = """
CREATE OR REPLACE MACRO entries_as_of(wanted_run) AS TABLE
    SELECT h.* EXCLUDE (version, first_seen_run, last_seen_run, retired_run)
    FROM entry_history h
    JOIN runs first_run ON first_run.run_id = h.first_seen_run
    LEFT JOIN runs last_run ON last_run.run_id = h.last_seen_run
    JOIN runs wanted ON wanted.run_id = wanted_run
    WHERE first_run.started_at <= wanted.started_at
      AND (h.last_seen_run IS NULL OR last_run.started_at >= wanted.started_at);
COMMENT ON MACRO TABLE entries_as_of IS 'entries_as_of(run_id): the entries as that run left them, from entry_history.';
"""


def previous_run(con: duckdb.DuckDBPyConnection) -> str | None:
    """The latest run recorded, before the one being written: what this run is compared with."""
    row = con.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    return row[0] if row else None


def record_versions(
    con: duckdb.DuckDBPyConnection, staged: str, run_id: str, previous: str | None, touched: str | None = None
) -> None:
    """Close the versions this run no longer sees as they were, and add the new ones.

    `staged` names a registered relation with this run's `entries` rows (with `touched` given,
    only their `entry_key` is read: it may hold the keys alone). Call inside the run's
    transaction, before `entries` is replaced (a database made before history existed is seeded
    from it first, so its next run lists only real changes). Writes O(changes) rows.

    `touched`, when given, names the rows of `staged` that can differ from what `entries` holds
    (the entries written again, those whose service or merge the run re-maps): every other row
    is the row of `entries` as it is, whose current version the run that wrote it recorded, so
    only these are compared with their versions, and the comparison costs O(changes) rather than
    a join of every entry with its version, wide rows on both sides.
    """
    compared = touched or staged
    con.execute(
        "INSERT INTO entry_history BY NAME SELECT * EXCLUDE (run_id), 1 AS version, run_id AS first_seen_run "
        "FROM entries WHERE NOT EXISTS (SELECT 1 FROM entry_history)"
    )
    con.execute(
        f"UPDATE entry_history SET last_seen_run = $previous, retired_run = $run "
        f"WHERE last_seen_run IS NULL AND entry_key NOT IN (SELECT entry_key FROM {staged})",
        {"previous": previous, "run": run_id},
    )
    con.execute(
        f"UPDATE entry_history AS h SET last_seen_run = $previous FROM {compared} AS n "
        f"WHERE h.last_seen_run IS NULL AND h.entry_key = n.entry_key AND {differs_sql('h', 'n')}",
        {"previous": previous},
    )
    con.execute(
        f"""INSERT INTO entry_history BY NAME
        SELECT n.* EXCLUDE (run_id), coalesce(v.top, 0) + 1 AS version, $run AS first_seen_run
        FROM {compared} n LEFT JOIN (SELECT entry_key, max(version) AS top FROM entry_history
                                    WHERE entry_key IN (SELECT entry_key FROM {compared}) GROUP BY entry_key) v
            ON v.entry_key = n.entry_key
        WHERE n.entry_key NOT IN (SELECT entry_key FROM entry_history WHERE last_seen_run IS NULL)""",
        {"run": run_id},
    )


def change_counts(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """Entries new, changed and retired in a run (each entry once)."""
    counts = dict(
        con.execute(
            "SELECT change, count(DISTINCT entry_key) FROM changes WHERE run_id = ? GROUP BY change", [run_id]
        ).fetchall()
    )
    return {change: counts.get(change, 0) for change in ("new", "changed", "retired")}


def counted(changes: Iterable[EntryChange]) -> dict[str, int]:
    """Entries by change, every kind of change present.

    >>> counted([])
    {'new': 0, 'changed': 0, 'retired': 0}
    """
    counts = {"new": 0, "changed": 0, "retired": 0}
    for c in changes:
        counts[c.change] += 1
    return counts


_ENTRY_COLUMNS = "entry_key, kind, service, entry_id, title, severity, status, source_path, source_line"


def entry_changes(con: duckdb.DuckDBPyConnection, run_id: str) -> list[EntryChange]:
    """The changes of one run, one EntryChange per entry, from the `changes` view."""
    rows = con.execute(
        f"SELECT change, {_ENTRY_COLUMNS}, list({{'field': field, 'old_value': old_value, 'new_value': new_value}}) "
        f"FILTER (WHERE field IS NOT NULL) "
        f"FROM changes WHERE run_id = ? GROUP BY ALL ORDER BY change, source_path, source_line, entry_key",
        [run_id],
    ).fetchall()
    return [_entry_change(row) for row in rows]


def preview(con: duckdb.DuckDBPyConnection, staged: str, touched: str | None = None) -> list[EntryChange]:
    """What loading `staged` (this run's entries rows) would change, against the current `entries`:
    the same answer the `changes` view gives after the load, computed without writing. `touched`:
    as for `record_versions` (the other rows of `staged` are rows of `entries` as they are, and
    only their keys are read)."""
    compared = touched or staged
    diff = field_changes_sql("c", "n")
    rows = con.execute(f"""
        SELECT 'new', {", ".join("n." + c for c in _ENTRY_COLUMNS.split(", "))}, []
        FROM {compared} n WHERE n.entry_key NOT IN (SELECT entry_key FROM entries)
        UNION ALL
        SELECT 'retired', {", ".join("c." + c for c in _ENTRY_COLUMNS.split(", "))}, []
        FROM entries c WHERE c.entry_key NOT IN (SELECT entry_key FROM {staged})
        UNION ALL
        SELECT 'changed', {", ".join("n." + c for c in _ENTRY_COLUMNS.split(", "))}, {diff}
        FROM entries c JOIN {compared} n ON n.entry_key = c.entry_key WHERE {differs_sql("c", "n")}
        ORDER BY 1, 9, 10, 2""").fetchall()
    return [_entry_change(row) for row in rows]


def _entry_change(row: tuple[Any, ...]) -> EntryChange:
    change, key, kind, service, entry_id, title, severity, status, path, line, fields = row
    return EntryChange(
        change=change,
        entry_key=key,
        kind=kind,
        service=service,
        entry_id=entry_id,
        title=title,
        severity=severity,
        status=status,
        source_path=path,
        source_line=line,
        fields=_field_changes(fields or ()),
    )


def _field_changes(fields: Iterable[Mapping[str, Any]]) -> tuple[FieldChange, ...]:
    order = {f: i for i, f in enumerate(COMPARED_FIELDS)}
    found = [FieldChange(f["field"], f["old_value"], f["new_value"]) for f in fields]
    return tuple(sorted(found, key=lambda f: order.get(f.field, len(order))))


def describe(change: EntryChange) -> str:
    """One line for a person: what happened to which entry, where, and the fields that changed.

    >>> c = EntryChange("changed", "k", "risk", "Payments", "P-3", "Settlement late", "medium", "open",
    ...                 "pay/register.md", 11, (FieldChange("impact", "3", "4"), FieldChange("owners", "", "Ops")))
    >>> print(describe(c))
    changed  pay/register.md:11  risk P-3 'Settlement late': impact 3 → 4; owners (none) → Ops
    """
    what = f"{change.kind} {change.entry_id + ' ' if change.entry_id else ''}{change.title or '(untitled)'!r}"
    line = f"{change.change:<8} {change.source_path}:{change.source_line}  {what}"
    if change.fields:
        line += ": " + "; ".join(
            f"{f.field} {f.old_value or '(none)'} → {f.new_value or '(none)'}" for f in change.fields
        )
    return line
