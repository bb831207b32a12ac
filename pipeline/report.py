"""Stage report: the nightly cross-service rollup, read from the database a run left.

`build_report(con)` queries DuckDB into a `Report` of plain rows (no HTML in it), and the two
renderers turn that into a self-contained HTML page (inline CSS, no scripts or CDN assets, so it
opens offline and mails well) or Markdown (for a wiki or a pull request). People act on these
numbers, so every table says what it counts, and unrated risks are shown as unrated, never
folded into a severity.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from pipeline.vocab import SEVERITIES

# Statuses whose risks still need attention; the heatmap and top-risk list count only these.
# NULL (no status column) counts as live: a register without statuses has not closed anything.
LIVE_STATUS_SQL = "(status IS NULL OR status NOT IN ('mitigated', 'closed'))"
TOP_RISKS = 20
# Heatmap cell colours by the severity band of likelihood x impact (see vocab.SEVERITY_BANDS).
SEVERITY_COLOURS = {"low": "#d9f0d3", "medium": "#fff3b0", "high": "#fdc086", "critical": "#f4a3a3"}


@dataclass(frozen=True, slots=True)
class Section:
    """One table of the report: a title, a sentence on what it counts, column names and rows."""

    title: str
    note: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True, slots=True)
class Report:
    generated_at: str
    run: dict[str, Any]  # the latest row of `runs` (empty before the first run)
    heatmap: dict[tuple[int, int], int]  # (likelihood, impact) -> live risks
    sections: tuple[Section, ...] = field(default_factory=tuple)


def build_report(con: duckdb.DuckDBPyConnection) -> Report:
    """Everything the rollup shows, from the current state of the database."""
    run_cur = con.execute("SELECT * FROM runs ORDER BY started_at DESC LIMIT 1")
    run_row = run_cur.fetchone()
    run = dict(zip([d[0] for d in run_cur.description], run_row, strict=True)) if run_row else {}

    heatmap = {
        (li, im): n
        for li, im, n in con.execute(
            f"SELECT likelihood, impact, count(*) FROM risks WHERE {LIVE_STATUS_SQL} "
            "AND likelihood IS NOT NULL AND impact IS NOT NULL GROUP BY ALL"
        ).fetchall()
    }

    severity_counts = ", ".join(f"count(*) FILTER (WHERE severity = '{s}') AS {s}" for s in reversed(SEVERITIES))
    live_counts = ", ".join(
        f"count(*) FILTER (WHERE severity = '{s}' AND {LIVE_STATUS_SQL}) AS {s}" for s in reversed(SEVERITIES)
    )
    by_service = con.execute(f"""
        WITH c AS (SELECT service, count(*) AS checks,
                          count(*) FILTER (WHERE checked) AS done,
                          count(*) FILTER (WHERE checked IS NULL) AS unknown
                   FROM entries WHERE kind = 'check' GROUP BY service),
             s AS (SELECT coalesce(service, '(no service)') AS service, count(*) AS risks,
                          count(*) FILTER (WHERE {LIVE_STATUS_SQL}) AS live, {live_counts},
                          count(*) FILTER (WHERE severity IS NULL AND {LIVE_STATUS_SQL}) AS unrated,
                          max(score) FILTER (WHERE {LIVE_STATUS_SQL}) AS top_score
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
        FROM risks WHERE {LIVE_STATUS_SQL} AND severity IS NOT NULL
        ORDER BY list_position(['critical', 'high', 'medium', 'low'], severity), score DESC NULLS LAST,
                 service, entry_id
        LIMIT {TOP_RISKS}""").fetchall()

    by_owner = con.execute(f"""
        SELECT owner, count(*) AS risks, {severity_counts}
        FROM (SELECT unnest(CASE WHEN len(owners) = 0 THEN ['(no owner)'] ELSE owners END) AS owner, severity
              FROM risks WHERE {LIVE_STATUS_SQL})
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
    return Report(datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), run, heatmap, sections)


def _cell(value: Any) -> str:
    """A value as report text: None as an em dash, lists joined."""
    if value is None or value == "":
        return "—"
    return str(value)


def _run_line(report: Report) -> str:
    run = report.run
    if not run:
        return "No run has been loaded into this database yet."
    return (
        f"Run {run['run_id']} over {run['root']}: {run['documents_seen']} documents, "
        f"{run['documents_parsed']} parsed, {run['documents_rejected']} rejected; "
        f"{run['risks']} risks, {run['checks']} checks."
    )


def _band(likelihood: int, impact: int) -> str:
    score = likelihood * impact
    return "low" if score <= 6 else "medium" if score <= 9 else "high" if score <= 15 else "critical"


def render_markdown(report: Report) -> str:
    """The report as Markdown (GitHub-flavoured tables)."""
    esc = lambda v: _cell(v).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    out = [
        f"# Cross-service risk rollup\n\nGenerated {report.generated_at}. {_run_line(report)}\n",
        "## Heatmap of live risks\n\nLikelihood (rows, 5 = almost certain) by impact (columns, 5 = critical); "
        "each cell counts live risks.\n",
        "| Likelihood \\ Impact | 1 | 2 | 3 | 4 | 5 |",
        "|---|---|---|---|---|---|",
    ]
    for li in range(5, 0, -1):
        out.append(
            f"| **{li}** | " + " | ".join(str(report.heatmap.get((li, im), 0) or "·") for im in range(1, 6)) + " |"
        )
    for section in report.sections:
        out.append(f"\n## {section.title}\n\n{section.note}\n")
        if not section.rows:
            out.append("_None._")
            continue
        out.append("| " + " | ".join(section.columns) + " |")
        out.append("|" + "---|" * len(section.columns))
        out.extend("| " + " | ".join(esc(v) for v in row) + " |" for row in section.rows)
    return "\n".join(out) + "\n"


HTML_STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2rem auto; max-width: 72rem;
       color: #1f2328; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
p.note { color: #57606a; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .55rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.heatmap td { width: 3.2rem; height: 2.4rem; text-align: center; vertical-align: middle; font-weight: 600; }
table.heatmap th { text-align: center; vertical-align: middle; }
table.heatmap td.zero { color: #8c959f; font-weight: 400; }
.legend span { display: inline-block; padding: .1rem .5rem; margin-right: .4rem; border: 1px solid #d0d7de; }
"""


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    e = lambda v: html.escape(_cell(v))  # noqa: E731
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Risk rollup — {e(report.generated_at)}</title><style>{HTML_STYLE}</style></head><body>",
        "<h1>Cross-service risk rollup</h1>",
        f"<p class='note'>Generated {e(report.generated_at)}. {e(_run_line(report))}</p>",
        "<h2>Heatmap of live risks</h2>",
        "<p class='note'>Likelihood (rows) by impact (columns), 1-5; each cell counts live risks "
        "(not mitigated or closed). Colour: severity band of likelihood x impact.</p>",
        "<table class='heatmap'><tr><th>Likelihood \\ Impact</th>"
        + "".join(f"<th>{im}</th>" for im in range(1, 6))
        + "</tr>",
    ]
    for li in range(5, 0, -1):
        cells = []
        for im in range(1, 6):
            n = report.heatmap.get((li, im), 0)
            colour = SEVERITY_COLOURS[_band(li, im)]
            cells.append(
                f"<td class='{'zero' if not n else ''}' style='background:{colour}' "
                f"title='likelihood {li}, impact {im}: {n} live risks'>{n or '·'}</td>"
            )
        parts.append(f"<tr><th>{li}</th>{''.join(cells)}</tr>")
    parts.append(
        "</table><p class='legend'>"
        + "".join(f"<span style='background:{c}'>{s}</span>" for s, c in SEVERITY_COLOURS.items())
        + "</p>"
    )
    for section in report.sections:
        parts.append(f"<h2>{e(section.title)}</h2><p class='note'>{e(section.note)}</p>")
        if not section.rows:
            parts.append("<p><em>None.</em></p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in section.columns) + "</tr>")
        for row in section.rows:
            parts.append(
                "<tr>"
                + "".join(
                    f"<td class='num'>{e(v)}</td>" if isinstance(v, int | float) else f"<td>{e(v)}</td>" for v in row
                )
                + "</tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
