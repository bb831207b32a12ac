"""The rollup's first section: what changed since the previous run.

Reads the latest run's rows of the `changes` view (pipeline.history) and sorts the risks into
the groups a reader acts on: new risks, closed risks, retired risks (in no document any more),
severity and rating changes, status changes, owner changes, other edits; plus the rejections
that are new since the previous run and a count of checklist changes. An entry whose status and
impact both changed is listed under both. Plain rows, no HTML: report.py renders them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb

from pipeline.history import entry_changes
from pipeline.records import EntryChange, FieldChange

# Statuses that take a risk out of the live set, as `risks.live` in schema.sql says.
CLOSED_STATUSES = ("mitigated", "closed")
# Fields each group shows; a raw column goes with its normalised one.
RATING_FIELDS = ("likelihood", "impact", "score", "severity")
OWNER_FIELDS = ("owners",)
RAW_OF = {
    "likelihood_raw": "likelihood",
    "impact_raw": "impact",
    "severity_raw": "severity",
    "score_raw": "score",
    "status_raw": "status",
    "owner_raw": "owners",
    "severity_source": "severity",
}
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("new", "New risks", "Risks first seen in this run (or back in a document after being retired)."),
    ("closed", "Closed risks", "Status changed to mitigated or closed."),
    ("retired", "Retired risks", "In no document any more: the register was deleted or the row removed."),
    ("rating", "Severity and rating changes", "Likelihood, impact, score or severity changed."),
    ("status", "Status changes", "Status changed, other than to mitigated or closed."),
    ("owner", "Owner changes", "The canonical owners (or the owner cell as written) changed."),
    ("other", "Other edits", "Title, mitigation, section or other columns changed."),
)


@dataclass(frozen=True, slots=True)
class ChangeGroup:
    key: str
    title: str
    note: str
    changes: tuple[EntryChange, ...]  # each with only the fields this group is about


@dataclass(frozen=True, slots=True)
class SinceLastRun:
    """What the latest run changed, compared with the run before it."""

    run_id: str | None  # the latest run; None before the first
    previous_run: str | None  # None when the latest run is the first
    previous_started_at: str | None
    groups: tuple[ChangeGroup, ...] = ()
    new_rejections: tuple[tuple[Any, ...], ...] = ()  # (path, line, stage, reason)
    checks: dict[str, int] = field(default_factory=dict)  # new, retired, ticked, unticked, edited

    @property
    def counts(self) -> dict[str, int]:
        """Entries per group, then new rejections."""
        return {g.key: len(g.changes) for g in self.groups} | {"rejections": len(self.new_rejections)}

    @property
    def quiet(self) -> bool:
        """Nothing changed: no risk, no check, no new rejection."""
        return not any(g.changes for g in self.groups) and not self.new_rejections and not any(self.checks.values())


def build_since(con: duckdb.DuckDBPyConnection) -> SinceLastRun:
    """The latest run's changes, grouped, from the database."""
    runs = con.execute(
        "SELECT run_id, CAST(started_at AS VARCHAR) FROM runs ORDER BY started_at DESC LIMIT 2"
    ).fetchall()
    if not runs:
        return SinceLastRun(None, None, None)
    latest = runs[0][0]
    if len(runs) == 1:
        return SinceLastRun(latest, None, None)
    previous, previous_start = runs[1]
    changes = entry_changes(con, latest)
    rejections = con.execute(
        "SELECT path, line, stage, reason FROM rejections r WHERE run_id = $latest AND NOT EXISTS ("
        "SELECT 1 FROM rejections p WHERE p.run_id = $previous AND p.path = r.path AND p.stage = r.stage "
        "AND p.reason = r.reason) ORDER BY path, line",
        {"latest": latest, "previous": previous},
    ).fetchall()
    return SinceLastRun(
        latest,
        previous,
        previous_start[:16],
        grouped([c for c in changes if c.kind == "risk"]),
        tuple(rejections),
        check_counts([c for c in changes if c.kind == "check"]),
    )


def grouped(changes: Sequence[EntryChange]) -> tuple[ChangeGroup, ...]:
    """Risks' changes in GROUPS order, each change cut to the fields its group is about."""
    found: dict[str, list[EntryChange]] = {key: [] for key, _, _ in GROUPS}
    for change in changes:
        for key, fields in group_fields(change):
            found[key].append(replace(change, fields=fields))
    return tuple(ChangeGroup(key, title, note, tuple(found[key])) for key, title, note in GROUPS)


def group_fields(change: EntryChange) -> list[tuple[str, tuple[FieldChange, ...]]]:
    """The groups one change belongs to, with the fields shown in each.

    >>> c = EntryChange("changed", "k", "risk", "S", "R-1", "t", "high", "closed", "a.md", 3,
    ...                 (FieldChange("impact", "3", "4"), FieldChange("status", "open", "closed"),
    ...                  FieldChange("status_raw", "Open", "Done"), FieldChange("mitigation", "", "WAF")))
    >>> [(key, [f.field for f in fields]) for key, fields in group_fields(c)]
    [('closed', ['status', 'status_raw']), ('rating', ['impact']), ('other', ['mitigation'])]
    """
    if change.change != "changed":
        return [(change.change, ())]
    by_name = {f.field: f for f in change.fields}

    def about(*names: str) -> tuple[FieldChange, ...]:
        return tuple(f for f in change.fields if f.field in names or RAW_OF.get(f.field) in names)

    out: list[tuple[str, tuple[FieldChange, ...]]] = []
    status = by_name.get("status")
    if status is not None:
        closing = status.new_value in CLOSED_STATUSES and status.old_value not in CLOSED_STATUSES
        out.append(("closed" if closing else "status", about("status")))
    if any(f in by_name for f in RATING_FIELDS):
        out.append(("rating", about(*RATING_FIELDS)))
    if "owners" in by_name or "owner_raw" in by_name:
        out.append(("owner", about(*OWNER_FIELDS)))
    shown = {f.field for _, fields in out for f in fields}
    rest = tuple(
        f
        for f in change.fields
        if f.field not in shown and not (f.field in RAW_OF and RAW_OF[f.field] in by_name and RAW_OF[f.field] in shown)
    )
    if rest:
        out.append(("other", rest))
    return out


def check_counts(changes: Sequence[EntryChange]) -> dict[str, int]:
    """Checklist changes by what happened: new, retired, ticked, unticked, edited.

    >>> tick = EntryChange("changed", "k", "check", None, None, "t", None, None, "a.md", 1,
    ...                    (FieldChange("checked", "false", "true"),))
    >>> check_counts([tick])
    {'new': 0, 'retired': 0, 'ticked': 1, 'unticked': 0, 'edited': 0}
    """
    counts = {"new": 0, "retired": 0, "ticked": 0, "unticked": 0, "edited": 0}
    for change in changes:
        checked = next((f for f in change.fields if f.field == "checked"), None)
        if change.change != "changed":
            counts[change.change] += 1
        elif checked is not None and checked.new_value == "true":
            counts["ticked"] += 1
        elif checked is not None and checked.old_value == "true":
            counts["unticked"] += 1
        else:
            counts["edited"] += 1
    return counts


def change_text(fields: Sequence[FieldChange]) -> str:
    """Fields that changed, for a person: a raw value beside its normalised one.

    >>> print(change_text((FieldChange("impact", "3", "4"), FieldChange("impact_raw", "Medium", "High"),
    ...                    FieldChange("score", "6", "8"), FieldChange("status_raw", "Open", "open"))))
    impact 3 → 4 (written Medium → High); score 6 → 8; status as written Open → open
    """
    by_name = {f.field: f for f in fields}
    parts = []
    for f in fields:
        base = RAW_OF.get(f.field)
        if base is None:
            text = f"{f.field} {_value(f.old_value)} → {_value(f.new_value)}"
            raw = next((r for r, b in RAW_OF.items() if b == f.field and r in by_name and r != "severity_source"), None)
            if raw is not None:
                text += f" (written {_value(by_name[raw].old_value)} → {_value(by_name[raw].new_value)})"
            parts.append(text)
        elif base not in by_name or f.field == "severity_source":
            label = f.field.replace("_", " ") if f.field == "severity_source" else f"{base} as written"
            parts.append(f"{label} {_value(f.old_value)} → {_value(f.new_value)}")
    return "; ".join(parts)


def _value(text: str | None) -> str:
    return text if text else "(none)"
