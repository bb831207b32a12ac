"""The rollup counts what it says it counts: live risks only in the heatmap, each risk once."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Config
from pipeline.load import connect
from pipeline.render import render_html, render_markdown
from pipeline.report import build_report
from pipeline.run import ingest

REGISTER = """# Ledger Sync — Risk Register

| ID | Risk | Likelihood | Impact | Owner | Status |
|---|---|---|---|---|---|
| L-1 | Replica lag hides postings | High | Critical | SRE | Open |
| L-2 | Export double-sends | High | Critical | Engineering | Mitigated |
| L-3 | Cron drift | Low | Low | SRE | Monitoring |
| L-4 | Undated risk with no rating | | | | Open |
"""
CHECKLIST = """# Ledger Sync — Readiness

## Operations
- [x] Runbook linked
- [ ] Load test at 2x peak
"""


def report_for(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "register.md").write_text(REGISTER, encoding="utf-8")
    (docs / "readiness.md").write_text(CHECKLIST, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    ingest(docs, db, Config(), workers=1)
    con = connect(db, read_only=True)
    try:
        return build_report(con)
    finally:
        con.close()


def test_heatmap_counts_live_rated_risks_only(tmp_path: Path) -> None:
    report = report_for(tmp_path)
    assert report.heatmap == {(4, 5): 1, (2, 2): 1}  # L-2 is mitigated, L-4 unrated


def test_by_service_table(tmp_path: Path) -> None:
    report = report_for(tmp_path)
    by_service = next(s for s in report.sections if s.title == "Risks by service")
    (row,) = by_service.rows
    # service, risks, live, critical, high, medium, low, unrated, top live score, checks done
    assert row == ("Ledger Sync", 4, 3, 1, 0, 0, 1, 1, 20, "1/2")


def test_renderers_show_every_section(tmp_path: Path) -> None:
    report = report_for(tmp_path)
    page, md = render_html(report), render_markdown(report)
    for section in report.sections:
        assert section.title in page and f"## {section.title}" in md
    assert "Replica lag hides postings" in page and "Export double-sends" not in page  # not live: not in top list
