"""Checklists written as lists: task lists, marked items, sign-off lists, box-less bullets of a
readiness checklist -> check entries. (Checklist tables are `parsers.recognise.check_tables`'.)

Whatever the syntax (Markdown `- [x]`, an HTML checkbox list, a Confluence task list, org
`- [X]`, a reST or wiki list, a page saved as text), the front end gives `ListItem`s with their
box; this recogniser decides which items are checks:
* An item with a task box is a check, at any depth (sub-tasks too); `checked` is the box's.
* A document with real task boxes yields only its boxed items, and a sign-off list (`- Tech lead
  ✅`) under a sign-off or checklist heading: its other bullets are status notes (`- ✅ OWASP Top
  10`), and plain bullets under a boxed item are notes on it (`Recommended: 4 vCPU`).
* Box-less bullets are checks when the document reads as a readiness checklist
  (`checklist_shape.is_checklist_doc`: title or heading words, or a body of short bullets under
  short headings), or when they sit under a sign-off or checklist heading; a check mark gives
  their state. Numbered items without a mark are steps and recommendations, never checks.
* Never checks: a risk's bulleted fields (`- **Severity**: High`, with the steps under them),
  and items on lines another recogniser read (`claimed`).
A short bold paragraph (`**Sign-off**`), or a bare heading-like one right above a list, is the
heading of the items under it. A check mark in a heading is decoration, never the items' state.
Each check records its section (the nearest heading), its own source lines, an owner, status or
priority the item names at its end (`check_items.trailing_fields`), and notes when the text front
end put the item together from several scraped lines (confidence 0.8).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass, field, replace

from parsers.model import Block, Heading, ListItem, Paragraph, Quote, Rule, Tree
from parsers.recognise.check_items import (
    field_line,
    mark_boxes,
    own_lines,
    repair_notes,
    title_and_state,
    trailing_fields,
)
from parsers.recognise.checklist_shape import (
    Shape,
    bold_heading,
    document_shape,
    field_label,
    heading_like,
    is_checklist_doc,
    strong_heading,
)
from parsers.recognise.common import Context, Found, nearest_section, section_name
from parsers.recognise.meta import title as document_title
from parsers.recognise.tables import Verdicts
from pipeline.records import RawEntry, Skipped, SourceLoc
from pipeline.textnorm import squash

# Confidence in a check whose text the front end rejoined or split (a scraped page).
REPAIRED_CONFIDENCE = 0.8


@dataclass(frozen=True, slots=True)
class Candidate:
    """A list item that may be a check, with what the precision rules read."""

    item: ListItem
    title: str
    checked: bool | None
    boxed: bool
    has_mark: bool  # a check mark (✅, ❌, ⚠️) led or ended an item without a box
    under_box: bool  # nested in an item with a box
    heading: str | None  # the nearest heading as written (a paragraph that stands for one included)
    section: str | None
    field_line: tuple[str, str, str] | None = None  # (field, label, value) of a last line that is a field


@dataclass(frozen=True, slots=True)
class Reading:
    """What the rules read a document with."""

    shape: Shape
    checklist_doc: bool
    ctx: Context
    mark_boxes: Set[int]  # lines of items whose box glyph is a status mark
    strong_headings: dict[str, bool] = field(default_factory=dict)  # heading -> it announces a checklist

    def strong(self, heading: str | None) -> bool:
        """Whether a heading announces a checklist or a sign-off list (asked once per heading)."""
        if heading is None:
            return False
        found = self.strong_headings.get(heading)
        if found is None:
            found = self.strong_headings[heading] = strong_heading(heading, self.ctx)
        return found


def recognise(tree: Tree, verdicts: Verdicts, ctx: Context, claimed: Set[int] = frozenset()) -> Found:
    """Every check the tree writes as a list item (items on `claimed` lines are a risk's fields)."""
    title = document_title(tree, ctx)
    marks = mark_boxes(tree.blocks)
    shape = document_shape(tree, title, ctx, marks)
    reading = Reading(shape, is_checklist_doc(shape, ctx), ctx, marks)
    found = Found()
    seen_lines: set[int] = set()
    for group in _lists(tree.blocks, title, ctx):
        kept: list[Candidate] = []
        reasons: Counter[str] = Counter()
        for cand in _candidates(group.items, group.heading, reading, claimed, reasons):
            reason = _drop_reason(cand, reading)
            if reason is None:
                kept.append(cand)
            else:
                reasons[reason] += 1
        for cand in kept:
            entry = _entry(cand, ctx, cand.item.line in seen_lines)
            found.entries.append(entry)
            seen_lines.update(entry.lines)
        if not kept and reasons:
            first = group.items[0]
            found.skipped.append(Skipped(first.line, "list", reasons.most_common(1)[0][0], first.text[:200]))
    return found


@dataclass(frozen=True, slots=True)
class _List:
    """Consecutive top-level list items, and the paragraph that stands for their heading."""

    items: tuple[ListItem, ...]
    heading: str | None


def _lists(blocks: Sequence[Block], title: str | None, ctx: Context) -> Iterator[_List]:
    """The lists of a sequence of blocks, each with the paragraph heading above it (if any):
    a short bold paragraph, or a bare heading-like one that a list follows at once; a heading
    or a rule ends it. Lists in block quotes are read with the quote's blocks."""
    label: str | None = None
    run: list[ListItem] = []
    for k, block in enumerate(blocks):
        if isinstance(block, ListItem) and not block.chrome:
            run.append(block)
            continue
        if run:
            yield _List(tuple(run), label)
            run = []
        if isinstance(block, Heading | Rule):
            label = None  # a rule (`---`, a closed `<details>`) ends what a paragraph headed
        elif isinstance(block, Paragraph) and not block.chrome:
            following = blocks[k + 1] if k + 1 < len(blocks) else None
            if _paragraph_heading(block, following, title, ctx):
                label = block.text.rstrip(":").strip()
        elif isinstance(block, Quote):
            yield from _lists(block.children, title, ctx)
    if run:
        yield _List(tuple(run), label)


def _paragraph_heading(para: Paragraph, following: Block | None, title: str | None, ctx: Context) -> bool:
    """A paragraph that acts as a heading: a short bold phrase, or a bare heading-like line that a
    list follows at once (a checklist with plain-text headings); never the document's title."""
    if bold_heading(para.marked):
        return True
    line = para.text.strip()
    return (
        "\n" not in line
        and isinstance(following, ListItem)
        and heading_like(line, ctx)
        and squash(line) != (title or "")
    )


def _candidates(
    items: Sequence[ListItem],
    label: str | None,
    reading: Reading,
    claimed: Set[int],
    reasons: Counter[str],
    under_box: bool = False,
) -> Iterator[Candidate]:
    """Every item of a list and the lists nested in it, in document order, but the risk fields
    (and the steps nested under them) and the items another recogniser read."""
    ctx = reading.ctx
    for item in items:
        if item.chrome:
            continue
        if item.line in claimed:
            continue  # read by another recogniser: not skipped, not ours
        box_is_mark = item.line in reading.mark_boxes
        boxed = item.box is not None and not box_is_mark
        if not boxed and field_label(item.marked, ctx):
            reasons["a risk's fields"] += 1
            continue
        split = field_line(item.text, ctx)
        shown = replace(item, text=split[0]) if split is not None else item
        title, checked, has_mark = title_and_state(shown, box_is_mark)
        heading = label if label is not None else _nearest_heading(item)
        if title:
            section = _without_colon(section_name(label) if label is not None else nearest_section(item.path))
            named = split[1] if split is not None else None
            yield Candidate(item, title, checked, boxed, has_mark, under_box, heading, section, named)
        nested = [kid for kid in item.children if isinstance(kid, ListItem)]
        if nested:
            yield from _candidates(nested, label, reading, claimed, reasons, under_box or boxed)


def _without_colon(section: str | None) -> str | None:
    """A section named by a heading that introduces its list ("Before launch:"), colon gone.

    >>> _without_colon("Before launch:"), _without_colon("Docs"), _without_colon(None)
    ('Before launch', 'Docs', None)
    """
    return (section.rstrip(":").rstrip() or None) if section else None


def _nearest_heading(block: Block) -> str | None:
    """The nearest heading above a block as written; the document's title (level 1) is none."""
    if block.path and block.path[-1][0] > 1:
        return block.path[-1][1]
    return None


def _drop_reason(cand: Candidate, reading: Reading) -> str | None:
    """None when the item is a check, else why not (the rules of the module docstring)."""
    if cand.boxed:
        return None
    if cand.under_box:
        return "notes under a task"
    if cand.item.number is not None and not cand.has_mark:
        return "numbered steps"
    strong = reading.strong(cand.heading)
    if reading.shape.boxes:
        return None if cand.has_mark and strong else "status notes beside task boxes"
    if reading.checklist_doc or strong:
        return None
    return "not a checklist"


def _entry(cand: Candidate, ctx: Context, shares_line: bool) -> RawEntry:
    """The check entry of a kept item."""
    lines = own_lines(cand.item, ctx.syntax)
    notes = repair_notes(lines, ctx.syntax, shares_line)
    fields = {"title": cand.title}
    headers: dict[str, str] = {}
    for fld, label, value in [cand.field_line] if cand.field_line else trailing_fields(cand.title, ctx):
        fields[fld], headers[fld] = value, label
    return RawEntry(
        loc=SourceLoc(ctx.path, cand.item.line),
        parser=ctx.parser("checklists"),
        kind="check",
        fields=fields,
        headers=headers,
        section=cand.section,
        checked=cand.checked,
        lines=lines,
        confidence=REPAIRED_CONFIDENCE if notes else 1.0,
        notes=notes,
    )
