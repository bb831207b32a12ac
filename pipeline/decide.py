"""The run-wide decisions, taken over distinct values: which canonical name each written service
name gets, how owner names cluster (without an owner directory), which entries people merged.

Each reads the run's documents through the plan (`pipeline.plan`), whose tables hold the night's
shards (`Plan.read_shards`: never read inside a join), as DISTINCT values with
their counts, so it costs what the distinct names cost, whether the run holds a thousand
documents or a million; the answers go back into the plan as small tables the load joins with
(`service_map`, `merge_targets`, `run_services`, `run_matches`). The decisions are the same
functions the in-memory `pipeline.normalise.normalise` uses, so both give the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import astuple
from pathlib import Path

import duckdb

from pipeline.config import Config
from pipeline.languages import reading_languages
from pipeline.normalise import duplicate_targets, merges_at
from pipeline.owners import cluster_match
from pipeline.plan import Plan
from pipeline.records import Match
from pipeline.review import Decisions
from pipeline.rows import MATCH_COLUMNS
from pipeline.services import ClusterStep, cluster_services, service_key
from pipeline.tasks import NormaliseTask
from pipeline.vocabularies import RunMatchers

SERVICE_COLUMNS = {"service": "VARCHAR", "alias": "VARCHAR", "key": "VARCHAR", "documents": "INTEGER"}
# The steps of the run's service clustering (`services.ClusterStep`), kept for the next night
# (the `service_steps` table), which then decides only the keys placed differently: a step's key,
# its root and these fields of how it was placed (a Match).
STEP_HOW = ("method", "score", "runner_up", "runner_up_score", "needs_review")
STEP_COLUMNS = {
    "position": "INTEGER",
    "key": "VARCHAR",
    "root": "VARCHAR",
    **{name: MATCH_COLUMNS[name] for name in STEP_HOW},
    "fingerprint": "VARCHAR",
}
# The owner cells of the run's documents (per document, with their count) and each document's
# languages, as plan tables made by a statement each: in one statement with the joins behind
# `run_raw` and `results`, their hash tables together ran out of DuckDB's memory limit (issue 12:
# a 1%-changed night of 10,000 documents at 64 MB); apart, each fits or spills (24 MB is enough).
OWNER_CELLS_SQL = (
    """CREATE OR REPLACE TABLE owner_cells AS
    SELECT path, fields['owner'] AS owner_cell, count(*) AS n FROM run_raw WHERE owner_cell IS NOT NULL GROUP BY ALL""",
    "CREATE OR REPLACE TABLE run_languages AS SELECT path, languages FROM results",
)


def services(plan: Plan, matchers: RunMatchers, config: Config, decisions: Decisions) -> None:
    """Cluster the written service names of the run's documents; `service_map`, `run_services`
    and the service rows of `run_matches` in the plan."""
    con = plan.con
    rows = con.execute(
        "SELECT service_written, count(*), min(path) FROM results WHERE service_written IS NOT NULL GROUP BY 1"
    ).fetchall()
    language_sets = [tuple(r[0] or ()) for r in con.execute("SELECT DISTINCT languages FROM results").fetchall()]
    names = cluster_services(
        {name: n for name, n, _ in rows},
        {name: first for name, _, first in rows},
        matchers.type_words_of(language_sets),
        config.guards,
        decisions.values,
        known_steps(plan),
    )
    plan.insert(
        "service_map",
        {"written": "VARCHAR", "service": "VARCHAR"},
        ({"written": w, "service": c} for w, c in names.canonical_of.items()),
    )
    rows_of = service_rows_of(names.aliases, names.keys)
    plan.insert("run_services", SERVICE_COLUMNS, (dict(zip(SERVICE_COLUMNS, r, strict=True)) for r in rows_of))
    plan.insert("run_matches", MATCH_COLUMNS, map(match_row, names.matches))
    plan.insert(
        "run_service_steps",
        STEP_COLUMNS,
        (
            {"position": k, "key": s.key, "root": s.root, "fingerprint": plan.fingerprint} | match_row(s.how)
            for k, s in enumerate(names.steps)
        ),
    )


def known_steps(plan: Plan) -> list[ClusterStep]:
    """The last run's service clustering steps, when made with this configuration and code."""
    try:
        rows = plan.con.execute(
            f"SELECT key, root, {', '.join(STEP_HOW)} FROM prev.service_steps WHERE fingerprint = $fp "
            "ORDER BY position",
            {"fp": plan.fingerprint},
        ).fetchall()
    except duckdb.CatalogException:  # a dry run over a database of an older schema (not upgraded)
        return []
    return [
        ClusterStep(key, root, Match("service", key, None, **dict(zip(STEP_HOW, how, strict=True))))
        for key, root, *how in rows
    ]


def match_row(match: Match) -> dict[str, object]:
    """A Match as a row of MATCH_COLUMNS (a shallow copy: `dataclasses.asdict` copies deeply,
    0.7 s for the 20,000 matches of 50,000 documents)."""
    return {name: getattr(match, name) for name in MATCH_COLUMNS}


def service_rows_of(aliases: Mapping, keys: Mapping[str, str]) -> list[tuple[str, str, str, int]]:
    """(service, alias, key, documents) rows, as `normalise.service_rows` makes them."""
    return [
        (canon, alias, keys.get(alias) or service_key(alias, frozenset()), n)
        for canon, written in sorted(aliases.items())
        for alias, n in sorted(written.items())
    ]


def owner_clusters(plan: Plan, matchers: RunMatchers, raw_shards: Sequence[str]) -> Mapping[str, Match] | None:
    """Without an owner directory: cluster the run's owner names (over the distinct owner cells
    of every document the run keeps); None with a directory."""
    if matchers.has_directory:
        return None
    plan.read_shards("raw_entries", raw_shards)
    for sql in OWNER_CELLS_SQL:
        plan.con.execute(sql)
    rows = plan.con.execute(
        "SELECT l.languages, c.owner_cell, sum(c.n)::BIGINT FROM owner_cells c JOIN run_languages l USING (path) "
        "GROUP BY ALL"
    ).fetchall()
    cells: dict[tuple[tuple[str, ...], str], int] = {}
    for languages, owner, n in rows:
        key = (_reading(matchers, languages), owner)
        cells[key] = cells.get(key, 0) + n
    matchers.cluster_owners(cells)
    return matchers.clusters


def _reading(matchers: RunMatchers, languages: Sequence[str] | None) -> tuple[str, ...]:
    """The languages a document is normalised in (`RunMatchers.languages`)."""
    return reading_languages(tuple(languages or ()) or matchers.config.languages)


def owner_changes(plan: Plan, matchers: RunMatchers) -> list[str]:
    """Documents kept as they are whose owner decisions the run's clusters change: their entries
    are written again. (Each kept document's decisions are in `entry_matches`; its languages in
    `run_languages`, which `owner_clusters` made.)"""
    if matchers.has_directory:
        return []
    rows = plan.con.execute(
        """SELECT DISTINCT r.languages, m.raw, m.canonical, m.method, m.score, m.runner_up, m.runner_up_score,
                  m.needs_review
        FROM prev.entry_matches m JOIN run_docs d ON d.path = m.path AND NOT d.rewrite
        JOIN run_languages r ON r.path = m.path WHERE m.vocabulary = 'owner'"""
    ).fetchall()
    changed = []
    for languages, raw, *stored in rows:
        now = cluster_match(raw, matchers.of(_reading(matchers, languages)).owners, matchers.clusters)
        if tuple(stored) != astuple(now)[2:8]:
            changed.append({"languages": list(languages or []), "raw": raw})
    if not changed:
        return []
    plan.insert("changed_cells", {"languages": "VARCHAR[]", "raw": "VARCHAR"}, changed)
    return [
        p
        for (p,) in plan.con.execute(
            """SELECT DISTINCT m.path FROM prev.entry_matches m JOIN run_docs d ON d.path = m.path AND NOT d.rewrite
            JOIN run_languages r ON r.path = m.path
            JOIN changed_cells c ON c.raw = m.raw AND c.languages = coalesce(r.languages, [])
            WHERE m.vocabulary = 'owner'"""
        ).fetchall()
    ]


def merges(plan: Plan, decisions: Decisions, entry_shards: Sequence[str]) -> None:
    """Entries people merged in review: `merge_targets` (entry_key -> the key it duplicates) and
    the merge rows of `run_matches`, over the entries the run ends with."""
    con = plan.con
    columns = {"entry_key": "VARCHAR", "duplicate_of": "VARCHAR"}
    keys = sorted({*decisions.merged_into, *decisions.merged_into.values()})
    if not keys:
        plan.insert("merge_targets", columns, ())
        return
    night_entries = plan.read_shards("entries", entry_shards)
    rows = con.execute(
        f"""SELECT e.entry_key, e.source_path || ':' || e.source_line FROM prev.entries e
        JOIN run_docs d ON d.path = e.source_path AND NOT d.rewrite AND d.status IN ('parsed', 'stale')
        WHERE e.entry_key IN (SELECT unnest($keys))
        UNION ALL
        SELECT n.entry_key, n.source_path || ':' || n.source_line
        FROM {night_entries} n
        JOIN run_docs d ON d.path = n.source_path AND d.rewrite WHERE n.entry_key IN (SELECT unnest($keys))""",
        {"keys": keys},
    ).fetchall()
    where = dict(rows)
    targets = duplicate_targets(set(where), decisions)
    plan.insert("merge_targets", columns, ({"entry_key": k, "duplicate_of": t} for k, t in targets.items()))
    plan.insert("merge_matches", MATCH_COLUMNS, map(match_row, merges_at(where, decisions)))
    con.execute("INSERT INTO run_matches SELECT * FROM merge_matches")


def to_normalise(plan: Plan, raw_shards: Sequence[str], directory: Path, per_task: int, skip_fresh: bool,
                 next_batch) -> list[NormaliseTask]:  # fmt: skip
    """The documents whose entries are written again and are not normalised yet, as shards of
    their results and RawEntries (from this run's shards or the parse cache), one task each."""
    con = plan.con
    fresh = "AND NOT (d.source = 'fresh' AND d.status = 'parsed')" if skip_fresh else ""
    con.execute(
        f"""CREATE OR REPLACE TABLE renormalise AS
        SELECT d.path, (row_number() OVER (ORDER BY d.path) - 1) // $per AS chunk
        FROM run_docs d JOIN results r USING (path) WHERE d.rewrite AND r.entry_count > 0 {fresh}""",
        {"per": per_task},
    )
    chunks = con.execute("SELECT DISTINCT chunk FROM renormalise ORDER BY 1").fetchall()
    if not chunks:
        return []
    docs_dir, raw_dir = directory / "renormalise_documents", directory / "renormalise_entries"
    kind = "parquet" if plan.parquet else "json"
    con.execute(
        f"COPY (SELECT r.* REPLACE (hex(r.path_bytes) AS path_bytes), n.chunk FROM results r JOIN renormalise n "
        f"USING (path)) TO {_literal(docs_dir)} (FORMAT {kind}, PARTITION_BY (chunk), OVERWRITE_OR_IGNORE)"
    )
    plan.read_shards("raw_entries", raw_shards)
    con.execute(
        f"COPY (SELECT e.*, n.chunk FROM run_raw e JOIN renormalise n USING (path)) TO {_literal(raw_dir)} "
        f"(FORMAT {kind}, PARTITION_BY (chunk), OVERWRITE_OR_IGNORE)"
    )
    tasks = []
    for (chunk,) in chunks:
        documents = tuple(str(f) for f in sorted((docs_dir / f"chunk={chunk}").iterdir()))
        entries = tuple(str(f) for f in sorted((raw_dir / f"chunk={chunk}").iterdir()))
        tasks.append(NormaliseTask(next_batch(), documents, entries))
    return tasks


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


__all__ = ["MATCH_COLUMNS", "SERVICE_COLUMNS", "merges", "owner_changes", "owner_clusters", "services", "to_normalise"]
