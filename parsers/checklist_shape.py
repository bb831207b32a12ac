"""The line scan of a checklist: what sniff scores and what gates box-less bullets.

Part of `parsers.checklist`. One cheap pass over a document's lines (`document_shape`) counts
task boxes, bullets, headings, risk-field bullets, risk headings, table lines and long bullets,
without parsing. `sniff` scores from it; `is_checklist_doc` decides from it whether the
document reads as a readiness checklist, so that its box-less bullets are checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers import doc_meta
from parsers.checklist_text import (
    BARE_BOX_LINE_RE,
    BULLET_LINE_RE,
    JOIN_RE,
    RISK_TITLE_RE,
    STRONG_WORDS_RE,
    TRAILING_DASH_RE,
    WEAK_WORDS_RE,
    field_label,
    heading_like,
    strong_heading,
)
from parsers.markdown_table import DEFAULT_SYNONYMS
from parsers.signoff import GLYPH_LINE_RE, box_glyph_line, marked
from pipeline.textnorm import fold

# A list line with a task box: "- [ ] x", "* [x] x", "+ [X] x", "1. [ ] x", "2) [x] x".
BOX_LINE_RE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+\[[ xX]\](?:[ \t]|$)", re.MULTILINE)
# Fenced code delimiters; box lines inside a fence are code, not checks.
FENCE_RE = re.compile(r"^[ \t]{0,3}(?:```|~~~)")
# A table line (pipe table or flattened one); many of them mean a register, not a checklist.
TABLE_LINE_RE = re.compile(r"^[ \t]*\|.*\|")
# A risk section heading: "### R001: title", "## R-OPS-01 — title", "### RISK-7".
RISK_HEADING_RE = re.compile(r"^[ \t]*#{1,6}[ \t]+(?:\*\*)?[A-Z]{1,6}(?:-[A-Z]{1,8})*-?\d{1,4}\b")


@dataclass(frozen=True, slots=True)
class Shape:
    """What a cheap line scan sees in a document: enough to sniff it and to gate box-less bullets."""

    markdown: bool  # ATX headings, task boxes or fences: read it with markdown-it
    boxes: int  # task-box list lines outside code fences
    bullets: int  # items: unordered bullet lines (a lone "-" included) and items a scraper joined onto a line
    body: int  # non-blank lines that are neither headings nor the title / metadata block
    headings: tuple[str, ...]  # heading texts (ATX, or bare short lines followed by a bullet)
    field_bullets: int  # bullets opening with a risk-field label ("- **Severity**: High")
    risk_headings: int  # "### R001: ..." sections
    table_lines: int
    long_bullets: int  # bullets over 160 characters: prose, not checklist items
    strong_sections: int  # bullets sitting under a sign-off / checklist heading
    title: str | None


def readiness_title(shape: Shape) -> bool:
    """A document titled as a readiness, go-live, launch or release check, not as a risk document.

    >>> shape = document_shape("# Ledger — Go-live sign-off\\n", "Ledger — Go-live sign-off")
    >>> readiness_title(shape), readiness_title(document_shape("", "Ledger — Risk Register"))
    (True, False)
    """
    title = fold(shape.title or "")
    strong = STRONG_WORDS_RE.search(title) is not None
    return (strong or WEAK_WORDS_RE.search(title) is not None) and (strong or not RISK_TITLE_RE.search(title))


def is_checklist_doc(shape: Shape) -> bool:
    """Whether box-less bullets of this document are checks: it reads as a readiness checklist."""
    if shape.boxes or not shape.bullets or shape.risk_headings or shape.field_bullets >= 2:
        return False
    if shape.long_bullets * 4 > shape.bullets:
        return False
    share = shape.bullets / max(1, shape.body)
    title = fold(shape.title or "")
    if STRONG_WORDS_RE.search(title) is None and (shape.table_lines >= 3 or RISK_TITLE_RE.search(title)):
        return False  # a register's tables, or notes in a risk document
    if readiness_title(shape) and share >= 0.4:
        return True
    if any(strong_heading(h) for h in shape.headings) and share >= 0.5:
        return True
    return share >= 0.7 and len(shape.headings) >= 2


def document_shape(text: str, title: str | None) -> Shape:
    """One pass over the lines, counting what sniff and the box-less rules need."""
    lines = text.split("\n")
    markdown = bool(BOX_LINE_RE.search(text)) or any(
        doc_meta.ATX_HEADING_RE.match(ln) or FENCE_RE.match(ln) for ln in lines
    )
    boxes = bullets = body = field_bullets = risk_headings = table_lines = long_bullets = strong_sections = 0
    headings: list[str] = []
    in_fence = False
    title_seen = False
    heading: str | None = None
    prev_plain: str | None = None  # scraped: a bare line that becomes a heading when a bullet follows
    in_item = False  # the previous line was an item or its continuation
    open_item = False  # ... and the item is still empty ("-" alone): the next line is its text
    for line in lines:
        stripped = line.strip()
        if FENCE_RE.match(line):
            in_fence = not in_fence
            body += 1
            continue
        if in_fence:
            body += 1 if stripped else 0
            continue
        if not stripped:
            in_item = False
            continue
        if m := doc_meta.ATX_HEADING_RE.match(line):
            in_item = False
            if RISK_HEADING_RE.match(line):
                risk_headings += 1
            if len(m["marks"]) > 1 or title_seen:
                headings.append(m["text"])
                heading = m["text"]
            title_seen = True
            prev_plain = None
            continue
        is_bullet = BULLET_LINE_RE.match(line)
        glyph = GLYPH_LINE_RE.match(line)
        if not title_seen and not is_bullet and not markdown:
            title_seen = True  # scraped: the first line is the title
            continue
        if doc_meta.META_KEY_RE.match(stripped) and not is_bullet:
            continue
        signed = (
            not is_bullet
            and (heading is not None or prev_plain is not None)
            and strong_heading(prev_plain or heading or "")
            and marked(stripped)[2]
        )
        if is_bullet or BARE_BOX_LINE_RE.match(line) or glyph or signed:
            if prev_plain is not None and not markdown:
                headings.append(prev_plain)
                heading = prev_plain
                body -= 1
            prev_plain = None
            in_item = True
            bullets += 1
            body += 1
            item = (is_bullet["text"] or "") if is_bullet else stripped
            open_item = not item
            if BOX_LINE_RE.match(line) or BARE_BOX_LINE_RE.match(line) or box_glyph_line(line) is not None:
                boxes += 1
            elif field_label(item, DEFAULT_SYNONYMS):
                field_bullets += 1
            if len(item) > 160:
                long_bullets += 1
            if heading is not None and strong_heading(heading):
                strong_sections += 1
            continue
        if in_item and (open_item or not heading_like(stripped)):
            bullets += len(JOIN_RE.findall(stripped))  # part of the item above, and items joined to it
            open_item = stripped.endswith("-") and TRAILING_DASH_RE.search(stripped) is not None
            continue
        in_item = False
        if BOX_LINE_RE.match(line):  # "1. [ ] item"
            boxes += 1
        if TABLE_LINE_RE.match(line):
            table_lines += 1
            if heading is not None and strong_heading(heading):
                strong_sections += 1  # a sign-off table
        body += 1
        prev_plain = stripped if heading_like(stripped) else None
    return Shape(
        markdown,
        boxes,
        bullets,
        body,
        tuple(headings),
        field_bullets,
        risk_headings,
        table_lines,
        long_bullets,
        strong_sections,
        title,
    )
