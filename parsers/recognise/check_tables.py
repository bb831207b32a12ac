"""Checklists kept as tables: a column of task boxes (`[x]`), check marks (✅/❌) or decisions
(`Approved`, `Blocked`, `Yes`/`No`, `Pass`/`Fail`) beside a column naming the item: a sign-off
table (`| Area | Approver | Decision |`), a readiness table (`| Check | Owner | Status |` with
✅/❌), a `| [x] | Item |` list. `check_columns` finds the two columns (the table verdict asks it);
`check_entries` makes one check per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parsers.lexicon import label_key
from parsers.model import Table
from parsers.recognise.checklist_shape import checks_heading, readiness_title, strong_heading
from parsers.recognise.common import Context, nearest_section, section_name
from parsers.recognise.marks import decision, marked
from pipeline.records import RawEntry, SourceLoc

# Fields whose column makes a table a risk register, never a checklist.
REGISTER_FIELDS = frozenset({"likelihood", "impact", "score"})
# Fields whose column makes a table a register beside a title column: a risk's controls ("| Risk
# | Control | Owner |"). With no title column, a control is the item a checklist ticks ("| Control
# | Done |", "| Controllo | Fatto |").
TITLED_REGISTER_FIELDS = frozenset({"mitigation"})
# Fields a check may carry from its own column.
CHECK_FIELDS = ("owner", "status", "severity", "entry_id")


@dataclass(frozen=True, slots=True)
class CheckColumns:
    """Where a checklist table keeps its items and their state."""

    item: int
    state: int | None  # None: a table of checks that states no state (a review sheet)
    group: int | None = None  # a column naming each group of rows on its first row only


def check_columns(table: Table, fields: Sequence[str | None], ctx: Context) -> CheckColumns | None:
    """The item and state columns of a checklist table, or None for any other table.

    The state column is the one where most filled cells state a decision (a box, a mark, a
    decision word), or whose header says so (`Decision`, `Done?`, `Signed off`) while its cells
    are still empty; the item column is the first text column that is neither the state nor
    who/when/notes, else (with no title column) the first team or owner column: in `| Team |
    Decision |` the teams sign. A table rating likelihood or impact, or mitigating the risks of
    its title column, is a register.
    """
    named = set(fields)
    if not table.rows or len(table.header) < 2 or named & REGISTER_FIELDS:
        return None
    if "title" in named and named & TITLED_REGISTER_FIELDS:
        return None
    lexicon = ctx.lexicon
    state = None
    for col in range(len(table.header)):
        cells = [r.cells[col] for r in table.rows if col < len(r.cells) and r.cells[col].strip()]
        says = lexicon.is_word("decision_headers", table.header[col])
        # Under a header that says so, another language's decision words count too ("Done": "oui").
        others = ctx.agreed_values if says else None
        decided = sum(1 for c in cells if decision(c, lexicon, others)[1])
        if (cells and decided * 3 >= len(table.rows) * 2) or (says and decided * 2 >= len(cells)):
            if fields[col] in ("title", "entry_id") and not _boxes(cells):
                continue
            state = col
            break
    if state is None:
        return _stateless(table, fields, ctx)
    item = _item_column(table, fields, state, ctx)
    if item is None or not _checklist_place(table, item, state, ctx):
        return None
    return CheckColumns(item, state)


def _item_column(table: Table, fields: Sequence[str | None], state: int, ctx: Context) -> int | None:
    """The column naming a checklist table's items: the first filled column that is not the state,
    an id, an owner or who/when/notes; else, in a table with no title column, the first owner
    column ("Team" over SRE, Security: the teams are what signs off)."""
    candidates = [
        c
        for c in range(len(table.header))
        if c != state
        and not ctx.lexicon.is_word("signoff_side_headers", table.header[c])
        and any(r.cells[c].strip() for r in table.rows if c < len(r.cells))
    ]
    item = next((c for c in candidates if fields[c] not in ("entry_id", "owner")), None)
    if item is None and "title" not in fields:
        item = next((c for c in candidates if fields[c] == "owner"), None)
    return item


def _stateless(table: Table, fields: Sequence[str | None], ctx: Context) -> CheckColumns | None:
    """A table of checks with no state column, named as such by its headers (`Check | Sub-check
    | Who | Completion date`): the most specific check column is the item (the last one whose
    cells are all filled), a check column filled only on each group's first row is the group."""
    if set(fields) & {"entry_id", "likelihood", "impact", "score", "severity", "status"}:
        return None
    named = [c for c, h in enumerate(table.header) if ctx.lexicon.is_word("check_item_labels", h)]
    filled = {c: sum(1 for r in table.rows if c < len(r.cells) and r.cells[c].strip()) for c in named}
    full = [c for c in named if filled[c] * 10 >= len(table.rows) * 9]
    if not full:
        return None
    group = next((c for c in named if c < full[-1] and 0 < filled[c] * 10 < len(table.rows) * 9), None)
    return CheckColumns(full[-1], None, group)


def _boxes(cells: Sequence[str]) -> bool:
    return all(c.strip().startswith("[") for c in cells)


def _checklist_place(table: Table, item: int, state: int, ctx: Context) -> bool:
    """Whether a table whose state column holds marks or decision words stands where a checklist
    does: under (or captioned with) a sign-off, checklist or "... checks" heading, or in a
    document whose title reads as a readiness check or that has no title heading, or with an
    item column whose header names checks (`check_item_labels`: "| # | Requirement | In place? |"
    in a business continuity assessment). A progress
    report's milestone table (`| Milestone | Stato |` with ✅/⬜) is not one; a column of task
    boxes is a checklist wherever it stands. With no title heading, a table whose items are
    risks (`| ID | Risk | Status |` over `Open`, `Closed`) is a short register, not a checklist,
    unless its state column holds marks."""
    cells = [r.cells[state] for r in table.rows if state < len(r.cells) and r.cells[state].strip()]
    if (cells and _boxes(cells)) or ctx.lexicon.is_word("check_item_labels", table.header[item]):
        return True
    heading = section_name(table.caption) or nearest_section(table.path) or ""
    if strong_heading(heading, ctx) or checks_heading(heading, ctx):
        return True
    title = table.path[0][1] if table.path and table.path[0][0] == 1 else None
    if title is None:
        return not (ctx.lexicon.mentions("register_words", table.header[item]) and not any(marked(c)[2] for c in cells))
    return readiness_title(title, ctx)


def check_entries(table: Table, fields: Sequence[str | None], columns: CheckColumns, ctx: Context) -> list[RawEntry]:
    """One check per row with an item: its state, and the row's owner, status, priority and id
    columns as fields; every other cell in `extra` under its header."""
    entries = []
    width = len(table.header)
    section = section_name(table.caption) or nearest_section(table.path)
    state = columns.state
    for row in table.rows:
        cells = [*row.cells, *[""] * (width - len(row.cells))][:width]
        if columns.group is not None and cells[columns.group].strip():
            section = cells[columns.group].strip()
        title = marked(cells[columns.item])[0].strip()
        if not title:
            continue
        checked = decision(cells[state], ctx.lexicon, ctx.agreed_values)[0] if state is not None else None
        values = {"title": title}
        headers = {"title": table.header[columns.item]}
        for col, fld in enumerate(fields):
            if fld in CHECK_FIELDS and col not in (columns.item, state) and not ctx.is_null(cells[col]):
                values.setdefault(fld, cells[col])
                headers.setdefault(fld, table.header[col])
        if state is not None and fields[state] == "status" and not ctx.is_null(cells[state]):
            values.setdefault("status", cells[state])
            headers.setdefault("status", table.header[state])
        used = {
            columns.item,
            columns.group,
            *(c for c, f in enumerate(fields) if f in values and headers.get(f) == table.header[c]),
        }
        extra = {
            table.header[c] or f"column {c + 1}": cells[c]
            for c in range(width)
            if c not in used and cells[c].strip() and label_key(table.header[c]) != label_key(headers["title"])
        }
        entries.append(
            RawEntry(
                loc=SourceLoc(ctx.path, row.line),
                parser=ctx.parser("checklists"),
                kind="check",
                fields=values,
                headers=headers,
                extra=extra,
                section=section,
                checked=checked,
                lines=row.lines or (row.line,),
                confidence=row.confidence,
                notes=row.notes,
            )
        )
    return entries
