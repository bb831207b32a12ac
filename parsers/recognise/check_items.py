"""One list item as a check: its title, its state, a field it names at its end, its own lines.

Part of the list checklist recogniser (`parsers.recognise.checklists`), which decides which
items are checks; this module reads what one item says. The title is the item's text as
written, markup gone (the tree's `text`), on one line, without its box or a check mark that
opens or ends it; the state comes from the box (`[x]`, `[ ]`, a checkbox input) or, for an item
without one, from a check mark (`- Tech lead ✅`, `- ❌ Load test`, `SRE ⚠️ (waiting)`). A field
named at the end of an item (`... — Owner: @alice`, `(Owner: Ayşe)`, `[DRI: SRE]`, `(Priority:
High)`) becomes the check's field, and the title keeps the text as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from parsers.inline import one_line
from parsers.model import Block, ListItem, Quote
from parsers.recognise.common import Context, without_full_stop
from parsers.recognise.marks import marked
from pipeline.textnorm import squash

# Where a field at the end of an item may start: after a spaced dash, an opening bracket, a
# semicolon or a comma (full-width ones too: "周知（担当：広報）").
FIELD_START_RE = re.compile(r"\s[—–-]\s*|[(\[（]\s*|[;,；，、]\s*")
# A labelled field that runs to the very end of an item: "Owner: @alice", "DRI = SRE)",
# "Assigned to: Ana, Ben", "担当：広報）". The label is one to three words of letters (any script);
# the value holds no bracket, colon or semicolon, so the match cannot run over another field. A full stop
# ending it is left to `without_full_stop` ("Owner: Tom." is Tom, "Owner: Acme Inc." Acme Inc.).
TRAILING_FIELD_RE = re.compile(
    r"(?P<label>[^\W\d_]+(?:[ \t][^\W\d_]+){0,2})[ \t]*[:=：][ \t]*"
    r"(?P<value>[^()（）\[\];；:：]*[^()（）\[\];；:：\s])[ \t]*[)\]）]?[.。]?$"
)
# Where one field of several at an item's end gives way to the next: a comma or semicolon before
# a label and its colon ("Owner: @sre, Priority: P1", "Owner: @sre; Due: 2025-05-01"). A comma
# before a name alone ("Assigned to: Ana, Ben") goes on with the value.
NEXT_FIELD_RE = re.compile(r"[;,；，、][ \t]*(?=[^\W\d_]+(?:[ \t][^\W\d_]+){0,2}[ \t]*[:=：])")
# An owner written as handles ("@nina", "@a, @b"): a handle is a name whole, so what follows the
# handles after a comma ("@nina, P0", "@platform-team, due 2025-04-30") is no part of it.
HANDLES_RE = re.compile(r"@[\w.-]+(?:[ \t]*[,;&/][ \t]*@[\w.-]+)*")
# How far from the end of an item a trailing field is looked for: enough for a name or two,
# and a bound on the work on a hostile line.
FIELD_TAIL = 120
# Fields a check may state about itself at its end.
CHECK_FIELDS = frozenset({"owner", "status", "severity"})
# Syntaxes whose front end keeps an item's line breaks in its text (the others join an item's
# lines with spaces, so its own lines are read from the lines it spans).
BREAKS_KEPT = frozenset({"markdown", "html"})
# Syntaxes read from pages saved as text, whose front end repairs the damage a scraper did:
# an item read from several lines there was rejoined, and may be less sure.
SCRAPED_SYNTAXES = frozenset({"text"})
# What a box says.
BOX_CHECKED = {"ticked": True, "unticked": False, "unknown": None}


def title_and_state(item: ListItem, box_is_mark: bool = False) -> tuple[str, bool | None, bool]:
    """An item's title (one line, a leading or trailing check mark gone), its state, and whether
    a check mark said the state (for an item without a box, or whose box is a status mark).

    >>> item = lambda text, box=None: ListItem(line=1, end=1, text=text, marked=text, box=box)
    >>> title_and_state(item("Tech lead ✅")), title_and_state(item("Scan clean ❌", "unticked"))
    (('Tech lead', True, True), ('Scan clean', False, False))
    >>> title_and_state(item("Runbook linked,\\nwith replay")), title_and_state(item("SRE ⚠️", "unknown"))
    (('Runbook linked, with replay', None, False), ('SRE', None, False))
    >>> title_and_state(item("IPC primitives", "unticked"), box_is_mark=True)
    ('IPC primitives', False, True)
    """
    text, mark, has_mark = marked(squash(one_line(item.text)))
    if box_is_mark and item.box is not None:
        return text, BOX_CHECKED[item.box], True
    if item.box is not None:
        return text, BOX_CHECKED[item.box] if item.box != "unknown" or not has_mark else mark, False
    return text, mark, has_mark


def sibling_lists(blocks: Iterable[Block]) -> Iterator[tuple[ListItem, ...]]:
    """Every list of a sequence of blocks, nested lists and lists in quotes included: runs of
    consecutive list items, outermost first."""
    run: list[ListItem] = []
    for block in blocks:
        if isinstance(block, ListItem):
            run.append(block)
            continue
        if run:
            yield from _with_nested(run)
            run = []
        if isinstance(block, Quote):
            yield from sibling_lists(block.children)
    if run:
        yield from _with_nested(run)


def _with_nested(run: list[ListItem]) -> Iterator[tuple[ListItem, ...]]:
    yield tuple(run)
    for item in run:
        if item.children:
            yield from sibling_lists(item.children)


def mark_boxes(blocks: Iterable[Block]) -> frozenset[int]:
    """Lines of items whose "box" is a status mark: a list of status lines whose open-box glyph
    (⬜, ☐) stands beside ✅ and ⚠️ that its other items open or end with. Such a list is status
    notes, not a task list, and its glyphs say "not done" as a ❌ would.

    >>> item = lambda n, text, box=None: ListItem(line=n, end=n, text=text, marked=text, box=box)
    >>> sorted(mark_boxes([item(1, "✅ Boots"), item(2, "IPC", "unticked"), item(3, "⚠️ TEE")]))
    [2]
    >>> sorted(mark_boxes([item(1, "Docs", "ticked"), item(2, "IPC", "unticked"), item(3, "⚠️ TEE")]))
    []
    """
    lines: set[int] = set()
    for items in sibling_lists(blocks):
        boxed = [i for i in items if i.box is not None]
        if not boxed or any(i.box != "unticked" for i in boxed):
            continue
        if any(i.box is None and marked(i.text)[2] for i in items):
            lines.update(i.line for i in boxed)
    return frozenset(lines)


def trailing_fields(title: str, ctx: Context) -> list[tuple[str, str, str]]:
    """(field, label as written, value) of each field an item names at its end, in order; one
    field's value ends where the next field's label starts.

    >>> ctx = Context("x.md", "markdown")
    >>> trailing_fields("SLOs published — Owner: @alice", ctx), trailing_fields("Probe (Owner: Ravi)", ctx)
    ([('owner', 'Owner', '@alice')], [('owner', 'Owner', 'Ravi')])
    >>> trailing_fields("Keys rotated [DRI: SRE]", ctx), trailing_fields("Drill — Assigned to: Ana, Ben", ctx)
    ([('owner', 'DRI', 'SRE')], [('owner', 'Assigned to', 'Ana, Ben')])
    >>> trailing_fields("Backups verified — Owner: Tom.", ctx), trailing_fields("Escrow — Owner: Acme Inc.", ctx)
    ([('owner', 'Owner', 'Tom')], [('owner', 'Owner', 'Acme Inc.')])
    >>> trailing_fields("Rollback tested (partial: step skipped)", ctx), trailing_fields("Ownership documented", ctx)
    ([], [])
    >>> trailing_fields("Support desk told（Owner：Support）", ctx)
    [('owner', 'Owner', 'Support')]
    >>> trailing_fields("Drill (Assigned to: Ana, Ben, Priority: P1)", ctx)
    [('owner', 'Assigned to', 'Ana, Ben'), ('severity', 'Priority', 'P1')]
    >>> trailing_fields("Add probe — Owner: @sre, Priority: P1", ctx)
    [('owner', 'Owner', '@sre'), ('severity', 'Priority', 'P1')]
    >>> trailing_fields("Add probe — Owner: @sre; Due: 2025-05-01", ctx)
    [('owner', 'Owner', '@sre')]
    >>> trailing_fields("Renew (owner: @nina, P0)", ctx)
    [('owner', 'owner', '@nina')]
    """
    if ":" not in title and "=" not in title and "：" not in title:
        return []
    tail = max(0, len(title) - FIELD_TAIL)
    ends = [m.start() for m in NEXT_FIELD_RE.finditer(title, tail)] + [len(title)]
    found: list[tuple[str, str, str]] = []
    for start in reversed(list(FIELD_START_RE.finditer(title, tail))):
        # A field runs to the next one's label, or to the field read after it.
        end = min(next((e for e in ends if e > start.end()), len(title)), found[0][0] if found else len(title))
        m = TRAILING_FIELD_RE.match(title, start.end(), end)
        if m is None:
            continue  # no label here: a comma or bracket inside a value
        fld = ctx.lexicon.field_of(m["label"])
        value = m["value"]
        if fld == "owner" and (handles := HANDLES_RE.match(value)):
            value = handles.group()
        found.insert(0, (start.start(), fld, m["label"], without_full_stop(value, ctx)))
    return [(fld, label, value) for _, fld, label, value in found if fld in CHECK_FIELDS]


def field_line(text: str, ctx: Context) -> tuple[str, tuple[str, str, str]] | None:
    """(the item's text above it, (field, label as written, value)) when an item's last line is a
    field of its own (`SLA alerts configured` then `Owner: @data-oncall` on the next line), or
    None. Unlike a field at the end of the item's line, such a line is no part of the title.

    >>> ctx = Context("x.md", "markdown")
    >>> field_line("SLA alerts configured\\nOwner: @data-oncall", ctx)
    ('SLA alerts configured', ('owner', 'Owner', '@data-oncall'))
    >>> field_line("SLA alerts configured\\nwith paging: yes", ctx), field_line("Owner: SRE", ctx)
    (None, None)
    """
    head, sep, last = text.rstrip().rpartition("\n")
    if not sep or not head.strip() or (m := TRAILING_FIELD_RE.match(last.strip())) is None:
        return None
    fld = ctx.lexicon.field_of(m["label"])
    if fld not in CHECK_FIELDS:
        return None
    return head, (fld, m["label"], without_full_stop(m["value"], ctx))


def own_lines(item: ListItem, syntax: str) -> tuple[int, ...]:
    """The source lines of an item's own text (not of the blocks nested in it).

    >>> from parsers.model import Paragraph
    >>> kid = ListItem(line=4, end=4, text="note", marked="note")
    >>> own_lines(ListItem(line=2, end=4, text="a\\nb", marked="a\\nb", children=(kid,)), "markdown")
    (2, 3)
    >>> own_lines(ListItem(line=2, end=4, text="a", marked="a", children=(kid,)), "markdown")
    (2,)
    >>> own_lines(ListItem(line=3, end=4, text="Linked from ON_CALL.md.", marked="x"), "text")
    (3, 4)
    """
    last = item.end
    if item.children:
        last = min(last, item.children[0].line - 1)
    if "\n" in item.text or syntax in BREAKS_KEPT:
        last = min(last, item.line + item.text.count("\n"))
    return tuple(range(item.line, max(item.line, last) + 1))


def repair_notes(lines: tuple[int, ...], syntax: str, shares_line: bool) -> tuple[str, ...]:
    """Why an item's text may be less sure than its neighbours': a scraped item put back together
    from several lines, or split off a line that held several items.

    Only a scraped page's items were repaired: HTML list items may share a source line, and a
    wrapped item of a light markup is joined as written.
    >>> repair_notes((3, 4), "text", False), repair_notes((5,), "text", True), repair_notes((3, 4), "org", False)
    (('rejoined with line 4',), ('split from a joined line 5',), ())
    >>> repair_notes((12,), "html", True)
    ()
    """
    if syntax not in SCRAPED_SYNTAXES:
        return ()
    split = (f"split from a joined line {lines[0]}",) if shares_line else ()
    return (*split, *(f"rejoined with line {n}" for n in lines[1:]))
