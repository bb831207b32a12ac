"""A docs repo ingested on several nights, with edits in between: the scenario of issue 13.

Night 1: three registers and a readiness checklist. Before night 2 a team closes a risk,
raises an impact, adds a risk (and a paragraph that moves every line below it), the ledger
register is deleted, a new billing register and a stray note appear, and a box is ticked.
Night 3 changes nothing. Shared by the history, CLI, browser and notebook tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Config
from pipeline.records import RunSummary
from pipeline.run import ingest

OWNERS = """canonical,alias
SRE,Site Reliability Engineering
Finance,Finance team
Security,Information Security
Payments Engineering,Payments Eng
"""

PAYMENTS = """# Payments — Risk Register

Last updated: 2025-01-10

| ID | Risk | Likelihood | Impact | Owner | Status |
|---|---|---|---|---|---|
| P-1 | Card processor outage stops checkout | High | Critical | SRE | Open |
| P-2 | Refund fraud through \\<script\\> & notes | Medium | High | Security | Open |
| P-3 | Settlement file arrives late | Low | Medium | Finance | Open |
"""
PAYMENTS_NIGHT_2 = """# Payments — Risk Register

Last updated: 2026-11-30

The register was reviewed with the payments team; one risk closed, one re-rated, one added.

| ID | Risk | Likelihood | Impact | Owner | Status |
|---|---|---|---|---|---|
| P-1 | Card processor outage stops checkout | High | Critical | SRE | Open |
| P-2 | Refund fraud through \\<script\\> & notes | Medium | High | Security | Closed |
| P-3 | Settlement file arrives late | Low | High | Finance | Open |
| P-4 | Chargeback spike after a sale | Medium | Medium | Payments Eng | Open |
"""
LEDGER = """# Ledger — Risk Register

| ID | Risk | Likelihood | Impact | Owner | Status |
|---|---|---|---|---|---|
| L-1 | Replica lag hides postings | High | High | SRE | Open |
| L-2 | Month-end close runs out of disk | Low | High | SRE | Monitoring |
"""
BILLING = """# Billing — Risk Register

Last updated: 1 February 2024

| ID | Risk | Likelihood | Impact | Owner | Status |
|---|---|---|---|---|---|
| B-1 | Invoice run double-sends | Medium | Critical | Finance | Open |
"""
READINESS = """# Search — Readiness

## Operations
- [x] Runbook linked
- [ ] Load test at 2x peak
"""
NOTE = "Lunch order: two pizzas, one salad.\nNothing else here.\n"

# What night 2 changed, as (change, entry_id, field) rows of the `changes` view, risks only.
NIGHT_2_RISK_CHANGES = {
    ("new", "P-4", None),
    ("new", "B-1", None),
    ("retired", "L-1", None),
    ("retired", "L-2", None),
    ("changed", "P-2", "status"),
    ("changed", "P-2", "status_raw"),
    ("changed", "P-3", "impact"),
    ("changed", "P-3", "impact_raw"),
    ("changed", "P-3", "score"),
    ("changed", "P-3", "severity"),
}


@dataclass
class Scenario:
    """The docs tree, its database and the run of each night."""

    root: Path
    db: Path
    config: Config
    runs: list[RunSummary] = field(default_factory=list)

    def night(self, *, full: bool = False, dry_run: bool = False) -> RunSummary:
        summary = ingest(self.root, self.db, self.config, workers=1, incremental=not full, dry_run=dry_run)
        if not dry_run:
            self.runs.append(summary)
        return summary


def night_1(tmp_path: Path, name: str = "registers.duckdb") -> Scenario:
    """The docs tree as on night 1, not yet ingested."""
    root = tmp_path / "docs"
    if not root.exists():
        (root / "payments").mkdir(parents=True)
        (root / "ledger").mkdir()
        (root / "search").mkdir()
        (root / "payments" / "risk-register.md").write_text(PAYMENTS, encoding="utf-8")
        (root / "ledger" / "risk-register.md").write_text(LEDGER, encoding="utf-8")
        (root / "search" / "readiness.md").write_text(READINESS, encoding="utf-8")
    owners = tmp_path / "owners.csv"
    owners.write_text(OWNERS, encoding="utf-8")
    return Scenario(root, tmp_path / name, Config().with_owner_directory(owners))


def edit_for_night_2(root: Path) -> None:
    """Edit, close, add and delete registers, as the teams did during the day."""
    (root / "payments" / "risk-register.md").write_text(PAYMENTS_NIGHT_2, encoding="utf-8")
    (root / "ledger" / "risk-register.md").unlink()
    (root / "billing").mkdir()
    (root / "billing" / "risk-register.md").write_text(BILLING, encoding="utf-8")
    (root / "search" / "readiness.md").write_text(READINESS.replace("- [ ] Load", "- [x] Load"), encoding="utf-8")
    (root / "lunch.txt").write_text(NOTE, encoding="utf-8")


def three_nights(tmp_path: Path, *, full: bool = False, name: str = "registers.duckdb") -> Scenario:
    """Ingest on night 1, edit, ingest on night 2, ingest again on a quiet night 3."""
    scenario = night_1(tmp_path, name)
    scenario.night(full=full)
    edit_for_night_2(scenario.root)
    scenario.night(full=full)
    scenario.night(full=full)
    return scenario
