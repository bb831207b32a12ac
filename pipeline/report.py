"""Stage report: the nightly cross-service rollup, read from the database a run left.

`build_report(con)` queries DuckDB into a `Report` of plain rows (no HTML in it): first what
changed since the previous run (pipeline.since), then live risks by service and severity, the
heatmaps, and the tables. `pipeline.render` turns it into a self-contained HTML page (inline CSS
and SVG, no scripts or CDN assets, so it opens offline) or Markdown (for e-mail, a wiki or a pull
request). People act on these numbers, so every table says what it counts, and unrated risks
are shown as unrated, never folded into a severity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from pipeline.errors import LoadError
from pipeline.since import SinceLastRun, build_since, change_text
from pipeline.vocab import SEVERITIES

# Only live risks (risks.live: not mitigated or closed; no status counts as live) are in the
# heatmaps, the chart and the top-risk list.
TOP_RISKS = 20
# Services drawn in the bar chart and given a heatmap of their own: the most critical first.
CHART_SERVICES = 20
HEATMAP_SERVICES = 12
# Segments of the bar chart, most severe first.
CHART_SEGMENTS = ("critical", "high", "medium", "low", "unrated")


@dataclass(frozen=True, slots=True)
class Section:
    """One table of the report: a title, a sentence on what it counts, column names and rows."""

    title: str
    note: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True, slots=True)
class Since:
    """The "Since the previous run" part: a sentence, the counts, a table per kind of change."""

    intro: str
    counts: tuple[tuple[str, int], ...]
    sections: tuple[Section, ...]  # only the kinds of change that happened


@dataclass(frozen=True, slots=True)
class Report:
    generated_at: str
    run: dict[str, Any]  # the latest row of `runs` (empty before the first run)
    heatmap: dict[tuple[int, int], int]  # (likelihood, impact) -> live risks
    sections: tuple[Section, ...] = field(default_factory=tuple)
    since: Since | None = None
    # (service, live risks per CHART_SEGMENTS) for the bar chart, and how many services it leaves out
    by_service: tuple[tuple[str, tuple[int, ...]], ...] = ()
    services_not_charted: int = 0
    # (service, (likelihood, impact) -> live risks), the services of the chart with rated risks
    service_heatmaps: tuple[tuple[str, dict[tuple[int, int], int]], ...] = ()


def build_report(con: duckdb.DuckDBPyConnection) -> Report:
    """Everything the rollup shows, from the current state of the database."""
    views = {v for (v,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    if not {"changes", "risk_rollup"} <= views:
        raise LoadError("the database was written by an older riskreg: run `riskreg ingest` once to upgrade it")
    run_cur = con.execute("SELECT * FROM runs ORDER BY started_at DESC LIMIT 1")
    run_row = run_cur.fetchone()
    run = dict(zip([d[0] for d in run_cur.description], run_row, strict=True)) if run_row else {}

    heatmap = {
        (li, im): n
        for li, im, n in con.execute(
            "SELECT likelihood, impact, count(*) FROM risks WHERE live "
            "AND likelihood IS NOT NULL AND impact IS NOT NULL GROUP BY ALL"
        ).fetchall()
    }

    severity_counts = ", ".join(f"count(*) FILTER (WHERE severity = '{s}') AS {s}" for s in reversed(SEVERITIES))
    live_counts = ", ".join(f"count(*) FILTER (WHERE severity = '{s}' AND live) AS {s}" for s in reversed(SEVERITIES))
    by_service = con.execute(f"""
        WITH c AS (SELECT service, count(*) AS checks,
                          count(*) FILTER (WHERE checked) AS done,
                          count(*) FILTER (WHERE checked IS NULL) AS unknown
                   FROM entries WHERE kind = 'check' GROUP BY service),
             s AS (SELECT coalesce(service, '(no service)') AS service, count(*) AS risks,
                          count(*) FILTER (WHERE live) AS live, {live_counts},
                          count(*) FILTER (WHERE severity IS NULL AND live) AS unrated,
                          max(score) FILTER (WHERE live) AS top_score
                   FROM risks GROUP BY ALL)
        SELECT coalesce(s.service, c.service, '(no service)'), coalesce(s.risks, 0), coalesce(s.live, 0),
               {", ".join(f"coalesce(s.{x}, 0)" for x in reversed(SEVERITIES))}, coalesce(s.unrated, 0),
               s.top_score,
               CASE WHEN c.checks IS NULL THEN NULL
                    ELSE format('{{}}/{{}}{{}}', c.done, c.checks,
                                CASE WHEN c.unknown > 0 THEN format(' ({{}} unknown)', c.unknown) ELSE '' END) END
        FROM s FULL OUTER JOIN c ON s.service = c.service
        ORDER BY coalesce(s.critical, 0) DESC, coalesce(s.high, 0) DESC, coalesce(s.top_score, 0) DESC, 1
        """).fetchall()

    top = con.execute(f"""
        SELECT service, entry_id, title, likelihood, impact, score, severity, status,
               array_to_string(owners, ', '), source_path || ':' || source_line
        FROM risks WHERE live AND severity IS NOT NULL
        ORDER BY list_position(['critical', 'high', 'medium', 'low'], severity), score DESC NULLS LAST,
                 service, entry_id
        LIMIT {TOP_RISKS}""").fetchall()

    by_owner = con.execute(f"""
        SELECT owner, count(*) AS risks, {severity_counts}
        FROM (SELECT unnest(CASE WHEN len(owners) = 0 THEN ['(no owner)'] ELSE owners END) AS owner, severity
              FROM risks WHERE live)
        GROUP BY owner ORDER BY critical DESC, high DESC, risks DESC, owner""").fetchall()

    by_status = con.execute("""
        SELECT coalesce(status, '(not stated)'), count(*),
               count(DISTINCT service)
        FROM risks GROUP BY ALL ORDER BY 2 DESC""").fetchall()

    quality = con.execute("""
        SELECT 'risks without likelihood or impact', count(*) FROM risks
            WHERE likelihood IS NULL OR impact IS NULL
        UNION ALL SELECT 'risks without a severity', count(*) FROM risks WHERE severity IS NULL
        UNION ALL SELECT 'risks without an owner', count(*) FROM risks WHERE len(owners) = 0
        UNION ALL SELECT 'status written but not recognised', count(*) FROM entries
            WHERE status_raw IS NOT NULL AND status IS NULL
        UNION ALL SELECT 'entries parsed with low confidence (< 0.8)', count(*) FROM entries WHERE confidence < 0.8
        UNION ALL SELECT 'risks merged into another by a review decision', count(*) FROM entries
            WHERE duplicate_of IS NOT NULL
        """).fetchall()

    rejections = con.execute("""
        SELECT path, line, stage, reason FROM rejections
        WHERE run_id = (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1)
        ORDER BY path, line""").fetchall()

    sections = (
        Section(
            "Risks by service",
            "'Risks' counts every risk; the other columns count live risks only (not mitigated or closed): "
            "by severity, 'unrated' (no stated severity and no likelihood x impact) and the top score. "
            "Services with the most live critical risks first.",
            (
                "Service",
                "Risks",
                "Live",
                "Critical",
                "High",
                "Medium",
                "Low",
                "Unrated",
                "Top live score",
                "Checks done",
            ),
            tuple(by_service),
        ),
        Section(
            f"Top {TOP_RISKS} live risks",
            "Live risks by severity, then score.",
            ("Service", "ID", "Risk", "L", "I", "Score", "Severity", "Status", "Owners", "Source"),
            tuple(top),
        ),
        Section(
            "Live risks by owner",
            "A risk with joint owners counts once for each owner.",
            ("Owner", "Risks", "Critical", "High", "Medium", "Low"),
            tuple(by_owner),
        ),
        Section(
            "Risks by status",
            "Canonical statuses; '(not stated)' where the register has no status.",
            ("Status", "Risks", "Services"),
            tuple(by_status),
        ),
        Section(
            "Data quality",
            "Entries that need a person: fix the register or record a decision (riskreg review).",
            ("Check", "Entries"),
            tuple(quality),
        ),
        Section(
            "Rejected documents (latest run)",
            "Documents that could not be taken in, and why.",
            ("Path", "Line", "Stage", "Reason"),
            tuple(rejections),
        ),
    )
    charted, not_charted = _chart_rows(con)
    return Report(
        datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        run,
        heatmap,
        sections,
        since_part(build_since(con)),
        charted,
        not_charted,
        _service_heatmaps(con, [service for service, _ in charted][:HEATMAP_SERVICES]),
    )


def _chart_rows(con: duckdb.DuckDBPyConnection) -> tuple[tuple[tuple[str, tuple[int, ...]], ...], int]:
    """Live risks by service and severity, the services with most critical, then high, first."""
    rows = con.execute(
        f"SELECT service, {', '.join(CHART_SEGMENTS)} FROM risk_rollup WHERE live > 0 "
        "ORDER BY critical DESC, high DESC, live DESC, service"
    ).fetchall()
    return tuple((r[0], tuple(r[1:])) for r in rows[:CHART_SERVICES]), max(0, len(rows) - CHART_SERVICES)


def _service_heatmaps(
    con: duckdb.DuckDBPyConnection, services: list[str]
) -> tuple[tuple[str, dict[tuple[int, int], int]], ...]:
    cells: dict[str, dict[tuple[int, int], int]] = {}
    for service, li, im, n in con.execute(
        "SELECT coalesce(service, '(no service)'), likelihood, impact, count(*) FROM risks "
        "WHERE live AND likelihood IS NOT NULL AND impact IS NOT NULL GROUP BY ALL"
    ).fetchall():
        cells.setdefault(service, {})[(li, im)] = n
    return tuple((s, cells[s]) for s in services if s in cells)


# (SinceLastRun.counts key, label) in the order the counts are shown.
SINCE_COUNTS = (
    ("new", "new risks"),
    ("closed", "closed"),
    ("retired", "retired"),
    ("rating", "severity or rating changes"),
    ("status", "status changes"),
    ("owner", "owner changes"),
    ("other", "other edits"),
    ("rejections", "new rejections"),
)


def since_part(since: SinceLastRun) -> Since:
    """The "Since the previous run" sentence, counts and tables."""
    if since.run_id is None:
        return Since("No run has been loaded into this database yet.", (), ())
    if since.previous_run is None:
        return Since(
            "This is the first run loaded into this database: there is nothing to compare it with yet. "
            "From the next run on, this part lists what each run changed.",
            (),
            (),
        )
    intro = f"Compared with run {since.previous_run} (started {since.previous_started_at} UTC)."
    if since.quiet:
        intro += " No change: no risk added, closed, retired or edited, no checklist change, no new rejection."
    counts = since.counts
    checks = ", ".join(f"{n} {what}" for what, n in since.checks.items() if n)
    if checks:
        intro += f" Checklists: {checks}."
    sections = []
    for group in since.groups:
        if not group.changes:
            continue
        title = f"{group.title} ({len(group.changes)})"
        if group.key in ("new", "retired"):
            rows = tuple(
                (c.service, c.entry_id, c.title, c.severity, c.status, f"{c.source_path}:{c.source_line}")
                for c in group.changes
            )
            sections.append(Section(title, group.note, ("Service", "ID", "Risk", "Severity", "Status", "Source"), rows))
        else:
            rows = tuple(
                (c.service, c.entry_id, c.title, change_text(c.fields), f"{c.source_path}:{c.source_line}")
                for c in group.changes
            )
            sections.append(Section(title, group.note, ("Service", "ID", "Risk", "Change", "Source"), rows))
    if since.new_rejections:
        sections.append(
            Section(
                f"New rejections ({len(since.new_rejections)})",
                "Documents rejected by this run and not by the previous one.",
                ("Path", "Line", "Stage", "Reason"),
                since.new_rejections,
            )
        )
    shown = () if since.quiet else tuple((label, counts.get(key, 0)) for key, label in SINCE_COUNTS)
    return Since(intro, shown, tuple(sections))
