"""Stage report, rendering: a `Report` as one self-contained HTML page or as Markdown.

HTML: inline CSS and inline SVG charts, no scripts, no fonts or images to fetch, every value
escaped; it fits a laptop screen (long cells wrap, charts shrink to the page). Markdown: the
same content for e-mail, a wiki or a pull request, with the charts as tables of counts and text
bars, and the per-service heatmaps as small text grids.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from pipeline.charts import SEVERITY_FILL, band, heatmap, stacked_bars, text_bar
from pipeline.export import markdown_text
from pipeline.report import CHART_SEGMENTS, Report, Section


def _cell(value: Any) -> str:
    """A value as report text: None as an em dash.

    >>> _cell(None), _cell(""), _cell(3)
    ('—', '—', '3')
    """
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


def _chart_note(report: Report) -> str:
    more = (
        f" {report.services_not_charted} more services are in the table below." if report.services_not_charted else ""
    )
    return (
        "Live risks (not mitigated or closed) per service, by severity; the services with the most critical, "
        f"then high, risks first.{more}"
    )


# --- Markdown ------------------------------------------------------------------------------------


def _md(value: Any) -> str:
    """A value as a Markdown table cell: escaped, on one line.

    >>> _md("a | *b*"), _md(None)
    ('a \\\\| \\\\*b\\\\*', '—')
    """
    return markdown_text(_cell(value))


def _md_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(_md(v) for v in row) + " |" for row in rows),
    ]


def _md_section(section: Section, level: str) -> list[str]:
    out = [f"\n{level} {markdown_text(section.title)}\n\n{markdown_text(section.note)}\n"]
    return out + (_md_table(section.columns, section.rows) if section.rows else ["_None._"])


def text_heatmaps(maps: Sequence[tuple[str, dict[tuple[int, int], int]]], per_line: int = 3) -> list[str]:
    """Per-service heatmaps as text grids side by side, for a code block.

    >>> print("\\n".join(text_heatmaps([("Pay", {(5, 5): 2})])))
    Pay
    L\\I  1  2  3  4  5
      5  ·  ·  ·  ·  2
      4  ·  ·  ·  ·  ·
      3  ·  ·  ·  ·  ·
      2  ·  ·  ·  ·  ·
      1  ·  ·  ·  ·  ·
    """
    width = 20
    lines: list[str] = []
    for start in range(0, len(maps), per_line):
        grids = []
        for name, cells in maps[start : start + per_line]:
            grid = [name.replace("`", "'")[:width], "L\\I" + "".join(f"{i:>3}" for i in range(1, 6))]
            for li in range(5, 0, -1):
                grid.append(f"{li:>3}" + "".join(f"{cells.get((li, im), 0) or '·':>3}" for im in range(1, 6)))
            grids.append(grid)
        if lines:
            lines.append("")
        lines += ["   ".join(g[i].ljust(width) for g in grids).rstrip() for i in range(len(grids[0]))]
    return lines


def render_markdown(report: Report) -> str:
    """The report as Markdown (GitHub-flavoured tables)."""
    out = [f"# Cross-service risk rollup\n\nGenerated {report.generated_at}. {markdown_text(_run_line(report))}\n"]
    if report.since is not None:
        out.append(f"## Since the previous run\n\n{markdown_text(report.since.intro)}\n")
        out += [f"- **{n}** {label}" for label, n in report.since.counts]
        for section in report.since.sections:
            out += _md_section(section, "###")
    if report.by_service:
        most = max(sum(values) for _, values in report.by_service)
        out.append(f"\n## Live risks by service and severity\n\n{_chart_note(report)}\n")
        out += _md_table(
            ("Service", *(s.capitalize() for s in CHART_SEGMENTS), "Live", ""),
            [(name, *values, sum(values), text_bar(sum(values), most)) for name, values in report.by_service],
        )
    out += [
        "\n## Heatmap of live risks\n\nLikelihood (rows, 5 = almost certain) by impact (columns, 5 = critical); "
        "each cell counts live risks.\n",
        "| Likelihood \\ Impact | 1 | 2 | 3 | 4 | 5 |",
        "|---|---|---|---|---|---|",
    ]
    for li in range(5, 0, -1):
        out.append(
            f"| **{li}** | " + " | ".join(str(report.heatmap.get((li, im), 0) or "·") for im in range(1, 6)) + " |"
        )
    if report.service_heatmaps:
        out.append("\n## Heatmaps by service\n\nLive risks by likelihood (rows) and impact (columns), per service.\n")
        out += ["```text", *text_heatmaps(report.service_heatmaps), "```"]
    for section in report.sections:
        out += _md_section(section, "##")
    return "\n".join(out) + "\n"


# --- HTML ----------------------------------------------------------------------------------------

HTML_STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2rem auto; max-width: 72rem;
       color: #1f2328; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .2rem; }
p.note { color: #57606a; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0; max-width: 100%; }
th, td { border: 1px solid #d0d7de; padding: .3rem .55rem; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.long { overflow-wrap: anywhere; }
table.heatmap td { width: 3.2rem; height: 2.4rem; text-align: center; vertical-align: middle; font-weight: 600; }
table.heatmap th { text-align: center; vertical-align: middle; }
table.heatmap td.zero { color: #8c959f; font-weight: 400; }
.legend span { display: inline-block; padding: .1rem .5rem; margin-right: .4rem; border: 1px solid #d0d7de; }
ul.counts { list-style: none; padding: 0; margin: .4rem 0; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; }
ul.counts b { font-size: 1.1rem; }
section.since { border-left: 4px solid #0969da; padding-left: 1rem; }
div.heatmaps { display: flex; flex-wrap: wrap; gap: 1rem 1.5rem; }
svg { max-width: 100%; height: auto; }
"""


def _html_table(section: Section, e) -> list[str]:
    if not section.rows:
        return ["<p><em>None.</em></p>"]
    parts = ["<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in section.columns) + "</tr>"]
    for row in section.rows:
        parts.append("<tr>" + "".join(f"<td{_cell_class(v)}>{e(v)}</td>" for v in row) + "</tr>")
    parts.append("</table>")
    return parts


def _cell_class(value: Any) -> str:
    """Numbers align right; a long value without spaces (a path) may break anywhere, so it
    cannot push the page wider than the screen.

    >>> _cell_class(3), _cell_class("payments/risk-register-2026.md:42"), _cell_class("Card outage")
    (" class='num'", " class='long'", '')
    """
    if isinstance(value, int | float):
        return " class='num'"
    if isinstance(value, str) and len(value) > 24 and " " not in value:
        return " class='long'"
    return ""


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    e = lambda v: html.escape(_cell(v))  # noqa: E731
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Risk rollup — {e(report.generated_at)}</title><style>{HTML_STYLE}</style></head><body>",
        "<h1>Cross-service risk rollup</h1>",
        f"<p class='note'>Generated {e(report.generated_at)}. {e(_run_line(report))}</p>",
    ]
    if report.since is not None:
        parts.append(f"<section class='since'><h2 id='since'>Since the previous run</h2><p>{e(report.since.intro)}</p>")
        if report.since.counts:
            parts.append(
                "<ul class='counts'>"
                + "".join(f"<li><b>{n}</b> {e(label)}</li>" for label, n in report.since.counts)
                + "</ul>"
            )
        for section in report.since.sections:
            parts.append(f"<h3>{e(section.title)}</h3><p class='note'>{e(section.note)}</p>")
            parts += _html_table(section, e)
        parts.append("</section>")
    if report.by_service:
        parts.append(f"<h2>Live risks by service and severity</h2><p class='note'>{e(_chart_note(report))}</p>")
        parts.append(
            str(stacked_bars(report.by_service, CHART_SEGMENTS, "Live risks by service and severity", SEVERITY_FILL))
        )
    parts += [
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
            cells.append(
                f"<td class='{'zero' if not n else ''}' style='background:{SEVERITY_FILL[band(li, im)]}' "
                f"title='likelihood {li}, impact {im}: {n} live risks'>{n or '·'}</td>"
            )
        parts.append(f"<tr><th>{li}</th>{''.join(cells)}</tr>")
    parts.append(
        "</table><p class='legend'>"
        + "".join(f"<span style='background:{c}'>{s}</span>" for s, c in SEVERITY_FILL.items() if s != "unrated")
        + "</p>"
    )
    if report.service_heatmaps:
        parts.append(
            "<h2>Heatmaps by service</h2><p class='note'>Live risks by likelihood (rows, 5 at the top) and impact "
            "(columns), for the services of the chart above.</p><div class='heatmaps'>"
            + "".join(str(heatmap(cells, name)) for name, cells in report.service_heatmaps)
            + "</div>"
        )
    for section in report.sections:
        parts.append(f"<h2>{e(section.title)}</h2><p class='note'>{e(section.note)}</p>")
        parts += _html_table(section, e)
    parts.append("</body></html>\n")
    return "\n".join(parts)
