"""The shape of a document as a checklist: what decides whether its box-less bullets are checks.

Part of the list checklist recogniser (`parsers.recognise.checklists`). One pass over the block
tree (`document_shape`) counts task boxes, bullets, body lines, headings, risk-field bullets,
risk headings, table lines and long bullets; `is_checklist_doc` decides from it whether the
document reads as a readiness checklist (title or heading words, or a body of short bullets
under short headings), so that its box-less bullets are checks. The words are the lexicon's:
`signoff_headings` and `checklist_headings` (a heading that makes the bullets under it checks),
`readiness_titles`, `risk_titles`, `risk_field_labels`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from dataclasses import dataclass

from parsers.model import Block, Code, Heading, ListItem, Paragraph, Quote, Rule, Table, Tree
from parsers.recognise.common import Context
from parsers.recognise.meta import meta_key_re
from pipeline.textnorm import fold

# A risk section heading: "R001: title", "R-OPS-01 — title", "RISK-7".
RISK_HEADING_RE = re.compile(r"^(?:\*\*)?[A-Z]{1,6}(?:-[A-Z]{1,8})*-?\d{1,4}\b")
# An item that opens with a label, in canonical marked text: "**Severity**: High",
# "**Owner:** SRE", "Status: open".
LABEL_RE = re.compile(r"^(?:\*\*)?(?P<label>[^*:\n]{1,40}?)(?:\*\*)?[ \t]*:(?:\*\*)?(?:[ \t]|$)")
# Two items a scraper joined on one line: " - " after the end of a sentence (or a check mark).
JOIN_RE = re.compile(r"(?<=[.!?;)\]✅✔☑❌✗])[ \t]+-[ \t]+(?=\S)")
# Characters a bare heading cannot start with: it would be code, a path, markup or a list.
NOT_HEADING_STARTS = frozenset("/_.`|<([{-*")
# A bullet longer than this is prose, not a checklist item.
LONG_BULLET = 160
# A bold paragraph longer than this is a sentence, not a heading.
LONG_BOLD_HEADING = 64


@dataclass(frozen=True, slots=True)
class Shape:
    """What the tree shows of a document: enough to gate box-less bullets."""

    boxes: int  # list items with a task box
    bullets: int  # list items without a number (and numbered ones with a box)
    body: int  # lines of content that are neither headings nor metadata
    headings: tuple[str, ...]  # heading texts, the document's title heading left out
    field_bullets: int  # bullets opening with a risk-field label ("- **Severity**: High")
    risk_headings: int  # "### R001: ..." sections
    table_lines: int
    long_bullets: int  # bullets over LONG_BULLET characters: prose, not checklist items
    title: str | None


def strong_heading(heading: str, ctx: Context) -> bool:
    """A heading that announces a checklist or a sign-off list (the lexicon's
    `checklist_headings` and `signoff_headings`).

    >>> ctx = Context("x.md", "markdown")
    >>> [strong_heading(h, ctx) for h in ("Pre-Production Checklist", "✅ Sign-off", "Runbooks")]
    [True, True, False]
    """
    return ctx.lexicon.mentions("signoff_headings", heading) or ctx.lexicon.mentions("checklist_headings", heading)


def checks_heading(heading: str, ctx: Context) -> bool:
    """A heading over a table of checks without the sign-off words: its last word says checks.

    >>> ctx = Context("x.md", "markdown")
    >>> [checks_heading(h, ctx) for h in ("Operational checks", "Pre-flight check", "Checks run")]
    [True, True, False]
    """
    words = fold(heading).split()
    return bool(words) and words[-1] in ctx.lexicon.phrases("checks_heading_ends")


def readiness_title(title: str | None, ctx: Context) -> bool:
    """A title naming a readiness, go-live, launch or release check, not a risk document.

    >>> ctx = Context("x.md", "markdown")
    >>> readiness_title("Ledger — Go-live sign-off", ctx), readiness_title("Ledger — Risk Register", ctx)
    (True, False)
    >>> readiness_title("Launch risks", ctx), readiness_title("Launch checklist: risks", ctx)
    (False, True)
    """
    if not title:
        return False
    if strong_heading(title, ctx):
        return True
    return ctx.lexicon.mentions("readiness_titles", title) and not ctx.lexicon.mentions("risk_titles", title)


def field_label(marked: str, ctx: Context) -> bool:
    """Whether an item (its canonical marked text) opens with the label of a risk's field, so that
    it is a field of a risk section rather than a checklist item.

    >>> ctx = Context("x.md", "markdown")
    >>> field_label("**Severity**: High", ctx), field_label("**Mitigation:**", ctx), field_label("Owner: SRE", ctx)
    (True, True, True)
    >>> field_label("ESLint: no banned patterns", ctx), field_label("**Engineering Lead**: Code review", ctx)
    (False, False)
    """
    m = LABEL_RE.match(marked.strip())
    if not m:
        return False
    label = m["label"].strip()
    return ctx.lexicon.field_of(label) is not None or ctx.lexicon.is_word("risk_field_labels", label)


def heading_like(line: str, ctx: Context) -> bool:
    """A bare line that can stand for a heading: short, not a sentence, not metadata.

    A line ending with a colon is a heading only when short ("Approvals:"); longer, it is the
    sentence that introduces a list ("All of these must hold:").
    >>> ctx = Context("x.md", "markdown")
    >>> [heading_like(s, ctx) for s in ("Code + Tests", "Infra / Rollout", "Sign-off", "Approvals:", "zero errors.",
    ...                                 "Owner: SRE", "passwordkey in GET", "All of these must hold:")]
    [True, True, True, True, False, False, False, False]
    """
    words = line.split()
    return (
        0 < len(words) <= (3 if line.endswith(":") else 8)
        and len(line) <= 80
        and not line.endswith((".", ",", ";", "-"))
        and not JOIN_RE.search(line)
        and not (line[0].islower() or line[0] in NOT_HEADING_STARTS)
        and not meta_key_re(ctx).match(line)
    )


def bold_heading(marked: str) -> bool:
    """A paragraph that is only a short bold phrase: "**Pre-launch**", "**Sign-off:**".

    >>> [bold_heading(p) for p in ("**Pre-launch**", "**Sign-off:**", "**Note:** read this", "plain")]
    [True, True, False, False]
    """
    s = marked.strip()
    return (
        len(s) <= LONG_BOLD_HEADING
        and "\n" not in s
        and s.startswith("**")
        and s.rstrip(":").endswith("**")
        and s.count("**") == 2
    )


def is_checklist_doc(shape: Shape, ctx: Context) -> bool:
    """Whether box-less bullets of this document are checks: it reads as a readiness checklist."""
    if shape.boxes or not shape.bullets or shape.risk_headings or shape.field_bullets >= 2:
        return False
    if shape.long_bullets * 4 > shape.bullets:
        return False
    share = shape.bullets / max(1, shape.body)
    title = shape.title or ""
    if not strong_heading(title, ctx) and (shape.table_lines >= 3 or ctx.lexicon.mentions("risk_titles", title)):
        return False  # a register's tables, or notes in a risk document
    if readiness_title(shape.title, ctx) and share >= 0.4:
        return True
    if any(strong_heading(h, ctx) for h in shape.headings) and share >= 0.5:
        return True
    return share >= 0.7 and len(shape.headings) >= 2


def document_shape(tree: Tree, title: str | None, ctx: Context, mark_boxes: Set[int] = frozenset()) -> Shape:
    """One pass over the tree, counting what the box-less rules need; the items on `mark_boxes`
    lines have a status mark where a box would be (`check_items.mark_boxes`), not a box."""
    counts = _Counts(mark_boxes)
    headings: list[str] = []
    first = True
    for block in tree.blocks:
        if block.chrome:
            continue
        if isinstance(block, Heading):
            if not (first and block.level == 1):
                headings.append(block.text)
            first = False
            if RISK_HEADING_RE.match(block.text):
                counts.risk_headings += 1
            continue
        counts.add(block, ctx)
    return Shape(
        boxes=counts.boxes,
        bullets=counts.bullets,
        body=counts.body,
        headings=tuple(headings),
        field_bullets=counts.field_bullets,
        risk_headings=counts.risk_headings,
        table_lines=counts.table_lines,
        long_bullets=counts.long_bullets,
        title=title,
    )


class _Counts:
    """Running counts of `document_shape`."""

    def __init__(self, mark_boxes: Set[int]) -> None:
        self.mark_boxes = mark_boxes
        self.boxes = self.bullets = self.body = self.field_bullets = 0
        self.risk_headings = self.table_lines = self.long_bullets = 0

    def add(self, block: Block, ctx: Context) -> None:
        stack: list[Block] = [block]
        while stack:
            b = stack.pop()
            if b.chrome:
                continue
            if isinstance(b, ListItem):
                self._item(b, ctx)
                stack.extend(reversed(b.children))
            elif isinstance(b, Quote):
                stack.extend(reversed(b.children))
            elif isinstance(b, Paragraph):
                self.body += _body_lines(b.text.split("\n"), ctx)
            elif isinstance(b, Table):
                lines = len(b.rows) + (2 if b.layout == "pipe" else 1)
                self.table_lines += lines
                self.body += lines
            elif isinstance(b, Code):
                self.body += b.end - b.line + 1
            elif isinstance(b, Rule):
                self.body += 1
            elif isinstance(b, Heading) and RISK_HEADING_RE.match(b.text):
                self.risk_headings += 1
            # a KeyValue is a property of the document or the section, never body

    def _item(self, item: ListItem, ctx: Context) -> None:
        self.body += 1
        if item.box is not None and item.line not in self.mark_boxes:
            self.boxes += 1
        elif item.box is not None:
            pass  # a status mark: a bullet
        elif item.number is not None:
            return  # numbered steps and recommendations: neither bullets nor fields
        elif field_label(item.marked, ctx):
            self.field_bullets += 1
        self.bullets += 1
        if len(item.text) > LONG_BULLET:
            self.long_bullets += 1


def _body_lines(lines: Iterable[str], ctx: Context) -> int:
    pattern = meta_key_re(ctx)
    return sum(1 for line in lines if line.strip() and not pattern.match(line.strip()))


__all__ = [
    "Shape",
    "bold_heading",
    "checks_heading",
    "document_shape",
    "field_label",
    "heading_like",
    "is_checklist_doc",
    "readiness_title",
    "strong_heading",
]
