"""Scraped checklists: a page saved as text, its boxes gone, its code spans broken off.

Part of `parsers.checklist`. Bare short lines are the headings, `- text` lines the items, and
the boxes are gone (`checked` is NULL unless a check mark says otherwise). The scraper put every
inline code span on a new line and dropped the spaces around it, so one item can be split over
several lines and several items can be joined with ` - ` on one line; both are undone here, and
the lost spaces around a code span are put back where a word boundary is certain
(`parsers.codespans`). Under a sign-off heading a line needs no bullet (`Payments Security lead
✅`), and a box glyph can stand where the bullet was (`☑ Backups restored`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from parsers import doc_meta
from parsers.checklist_text import (
    BARE_BOX_LINE_RE,
    BULLET_LINE_RE,
    JOIN_RE,
    TRAILING_DASH_RE,
    Item,
    field_label,
    heading_like,
    strong_heading,
    task_box,
)
from parsers.codespans import STRONG_CODE_RE, known_words, restore_code_spaces
from parsers.signoff import GLYPH_LINE_RE, box_glyph_line, marked
from pipeline.textnorm import squash

# A numbered list line: "1. text", "2) text".
ORDERED_LINE_RE = re.compile(r"^[ \t]*\d{1,3}[.)][ \t]+\S")
# Item text that cannot end there: a connecting word or punctuation that needs more after it.
OPEN_END_RE = re.compile(
    r"(?:[,:(/–—-]|\b(?:a|an|the|of|to|in|on|for|from|with|by|at|as|and|or|via|per|into|onto|outside|inside|"
    r"than|without|within|using|under|over|between|across|against|about|is|are|be|no|not|see))$",
    re.IGNORECASE,
)
# Text that ends a sentence (an item ending so is complete) or a check mark.
TERMINAL_END_RE = re.compile(r"[.!?;)\]✅✔☑✓❌✗✘⚠\ufe0f]$")


def scraped_items(text: str, title: str | None, synonyms: Mapping[str, str]) -> list[Item]:
    """Items of a page saved as text: items re-joined across lines and split where joined."""
    lines = text.split("\n")
    known = known_words(lines)
    items: list[Item] = []
    section: str | None = None
    heading: str | None = None
    current: Item | None = None
    title_pending = title is not None
    for k, raw in enumerate(lines):
        n = k + 1
        stripped = raw.strip()
        if not stripped:
            if current is not None and not (current.open and not current.text):
                current = None  # a blank line ends an item, unless the item is still empty
            continue
        bullet = BULLET_LINE_RE.match(raw)
        numbered_heading = (
            bullet is None
            and ORDERED_LINE_RE.match(raw) is not None
            and heading_like(stripped)
            and BULLET_LINE_RE.match(_next_line(lines, k)) is not None
        )
        if bullet is None and (glyph_body := _glyph_item(stripped, heading)) is not None:
            current = _start_item(items, glyph_body, n, section, heading, False, known)
            continue
        if not numbered_heading and (bullet or BARE_BOX_LINE_RE.match(raw) or ORDERED_LINE_RE.match(raw)):
            body = (bullet["text"] or "") if bullet else stripped
            ordered = bullet is None and ORDERED_LINE_RE.match(raw) is not None
            if ordered:
                body = body.split(None, 1)[1] if len(body.split(None, 1)) > 1 else ""
            current = _start_item(items, body, n, section, heading, ordered, known)
            continue
        if current is not None and _continues(current, stripped):
            current = _continue_item(items, current, stripped, n, known)
            continue
        current = None
        if title_pending and squash(doc_meta.INLINE_MARKUP_RE.sub("", stripped)) == title:
            title_pending = False  # the title line names the document, not a section
            continue
        if heading_like(stripped):
            heading, section = stripped, doc_meta.section_name(stripped.rstrip(":"))
    for item in items:
        item.text, item.checked = _finish(item)
    return [it for it in items if it.boxed or not field_label(it.text, synonyms)]


def _glyph_item(line: str, heading: str | None) -> str | None:
    """An item's text when a line without a list marker is one: it opens with a box or check glyph
    ("☑ Backups restored" becomes "[x] Backups restored"), or it carries a check mark under a
    sign-off heading ("Payments Security lead ✅"). None for any other line.

    >>> _glyph_item("☑ Backups restored", None), _glyph_item("✅ Runbook linked", None)
    ('[x] Backups restored', '✅ Runbook linked')
    >>> _glyph_item("Security lead ✅", "Sign-off"), _glyph_item("Security lead ✅", "Docs"), _glyph_item("Docs", None)
    ('Security lead ✅', None, None)
    """
    if (boxed := box_glyph_line(line)) is not None:
        return boxed
    if GLYPH_LINE_RE.match(line):
        return line
    if heading is not None and strong_heading(heading) and marked(line)[2]:
        return line
    return None


def _next_line(lines: list[str], k: int) -> str:
    """The first non-blank line after lines[k], or ""."""
    return next((ln for ln in lines[k + 1 :] if ln.strip()), "")


def _start_item(
    items: list[Item],
    body: str,
    n: int,
    section: str | None,
    heading: str | None,
    ordered: bool,
    known: frozenset[str],
) -> Item:
    """A new item from a bullet line, splitting items the scraper joined onto it."""
    boxed, checked = False, None
    if box := task_box(body):
        boxed = True
        checked, body = box
    item = Item(
        line=n,
        text="",
        section=section,
        heading=heading,
        boxed=boxed,
        checked=checked,
        ordered=ordered,
        lines=[n],
        open=True,
    )
    items.append(item)
    return _feed(items, item, body, n, known, restore=False)


def _continue_item(items: list[Item], item: Item, line: str, n: int, known: frozenset[str]) -> Item:
    """The item continued by a line the scraper broke off it; code-span spaces restored."""
    item.notes.append(f"rejoined with line {n}")
    return _feed(items, item, line, n, known, restore=True)


def _feed(items: list[Item], item: Item, chunk: str, n: int, known: frozenset[str], *, restore: bool) -> Item:
    """Add a line's text to `item`; text after a ` - ` join starts new items. Returns the open item."""
    if restore:
        chunk = restore_code_spaces(chunk, known)
    ends_open = chunk.endswith("-") and TRAILING_DASH_RE.search(chunk) is not None
    if ends_open:
        chunk = TRAILING_DASH_RE.sub("", chunk).rstrip()
    pieces = JOIN_RE.split(chunk) if chunk else []
    if pieces:
        item.text = _join(item.text, pieces[0])
        item.open = False
        if n not in item.lines:
            item.lines.append(n)
    for piece in pieces[1:]:
        item = Item(
            line=n,
            text=piece,
            section=item.section,
            heading=item.heading,
            lines=[n],
            ordered=False,
            notes=[f"split from a joined line {n}"],
        )
        items.append(item)
    if ends_open or not chunk:
        if item.text:
            item = Item(line=n, text="", section=item.section, heading=item.heading, lines=[n], open=True)
            items.append(item)
        item.open = True
    return item


def _continues(item: Item, line: str) -> bool:
    """Whether a bare line carries on the item before it rather than starting a heading or prose.

    A scraper starts a new line at each inline code span, so a line after an item continues it
    when the item is still empty or cannot end where it stops, or when the line cannot start one.
    """
    text = item.text
    if item.open or text.count("(") > text.count(")") or OPEN_END_RE.search(text):
        return True
    if (
        line[0].islower()
        or line[0] in "/_.`)(,;"
        or JOIN_RE.search(line)
        or (line.endswith("-") and TRAILING_DASH_RE.search(line))
    ):
        return True
    if STRONG_CODE_RE.search(line.split()[0]):
        return True
    return not heading_like(line) and not TERMINAL_END_RE.search(text)


def _join(before: str, after: str) -> str:
    """Two pieces of one item's text, with a space unless the first opens a bracket.

    >>> _join("absence of", "password key"), _join("(see", "x)"), _join("", "x")
    ('absence of password key', '(see x)', 'x')
    """
    if not before:
        return after
    if before.endswith(("(", "[", "“", "‘", "/")):
        return before + after
    return f"{before} {after}"


def _finish(item: Item) -> tuple[str, bool | None]:
    """Final title and checked value of a scraped item: markup, marks and box removed."""
    text = squash(doc_meta.INLINE_MARKUP_RE.sub("", item.text))
    if item.boxed:
        return marked(text)[0], item.checked
    text, mark, has_mark = marked(text)
    if has_mark:
        item.ordered, item.marked = False, True
        return text, mark
    return text, None
