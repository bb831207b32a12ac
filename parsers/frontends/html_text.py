"""Inline text of HTML, for the HTML front end: what a reader sees in a run of elements.

A run (a paragraph's content, a heading, a list item's text, a table cell) is rendered in the
two forms of `parsers.model`: `text` (markup gone, struck text kept as `~~x~~`) and `marked`
(`<strong>` -> `**`, `<em>` -> `*`, `<del>` -> `~~`, `<code>` -> backticks, literal markup
characters escaped), with whitespace squashed as a browser renders it, `<br>` and block
boundaries as "\\n", images as their alt text, checkboxes as ☑/☐ (or taken as the item's box),
two adjacent "chips" (Notion selects, Confluence mentions, Jira lozenges) as two lines, and
Confluence storage elements as what they show (a status macro its title, a user link its user
name or body, never an opaque user id).
Edit links and permalinks are no text. The walk is a loop over an explicit stack (lxml trees
nest up to 2047 deep once re-read; recursion would not do), so time is linear in the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from lxml import etree

from parsers.frontends.boxes import GLYPHS
from parsers.frontends.html_elements import (
    CHIP_CLASS_RE,
    CHROME_CLASS_RE,
    HIDDEN_STYLE_RE,
    MACRO_TAGS,
    MSO_IGNORE_RE,
    PLAIN_BODY_TAGS,
    PRE_STYLE_RE,
    PRE_TAGS,
    SKIP_TAGS,
    Piece,
    TextNode,
    checkbox,
    follows_chip,
    image_text,
    macro_body,
    macro_parameter,
    permalink,
    plain_body,
    resource_text,
)
from parsers.inline import code, escape
from parsers.model import Box
from pipeline.textnorm import squash, visible

# Whitespace a browser collapses to one space; in preformatted text, all but line breaks.
SPACE_RE = re.compile(r"[ \t\n\r\f\u00a0]+")
PRE_SPACE_RE = re.compile(r"[ \t\r\f\u00a0]+")
LINE_SPACE_RE = re.compile(r"[ \t\u00a0]+")

# Elements that start a new line: a line break before and after what they hold.
BREAK_TAGS = frozenset(
    {
        *("p", "div", "li", "ul", "ol", "menu", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("blockquote", "pre", "listing", "xmp", "table", "tr", "td", "th", "thead", "tbody", "tfoot"),
        *("caption", "section", "article", "header", "footer", "aside", "address", "figure", "figcaption"),
        *("hr", "details", "summary", "main", "nav", "form", "fieldset", "legend", "center", "body"),
        *("ac:task-list", "ac:task", "ac:rich-text-body", "ac:layout", "ac:layout-section", "ac:layout-cell"),
    }
)
# Inline markup: (marker in marked text, marker kept in plain text). Struck text stays marked.
MARKS: Mapping[str, tuple[str, str]] = {
    "strong": ("**", ""),
    "b": ("**", ""),
    "em": ("*", ""),
    "i": ("*", ""),
    "del": ("~~", "~~"),
    "s": ("~~", "~~"),
    "strike": ("~~", "~~"),
}
CODE_TAGS = frozenset({"code", "kbd", "tt", "samp"})
# Elements read by `_Renderer.special` (and every `ri:` resource element).
SPECIAL_TAGS = frozenset(
    {"br", "img", "table", "time", "ac:emoticon", "ac:plain-text-body", "ac:plain-text-link-body"}
    | {"ac:structured-macro", "ac:macro"}
)

_BREAK, _PRE, _CODE, _MARK = 1, 2, 4, 8  # what closing an element must undo


class Inline(NamedTuple):
    """A run rendered: reader's text, marked text, the box it opened with (when asked to take
    one), and how many checkboxes it held."""

    text: str
    marked: str
    box: Box | None = None
    checkboxes: int = 0


def render(pieces: Iterable[Piece], *, take_box: bool = False, heading: bool = False, pre: bool = False) -> Inline:
    """A run of pieces in both text forms (see the module docstring).

    >>> from parsers.frontends.html_elements import content
    >>> html = lambda s: content(etree.fromstring(s, etree.HTMLParser()).find("body/p"))
    >>> text = render(html("<p><strong>Likelihood: </strong>High <i>a*b</i> <del>Open</del> <code>x`y</code></p>"))
    >>> text.text, text.marked
    ('Likelihood: High a*b ~~Open~~ x`y', '**Likelihood:** High *a\\\\*b* ~~Open~~ ``x`y``')
    >>> render(html("<p><input type=checkbox checked disabled> Backups<br>  restored</p>"), take_box=True)
    Inline(text='Backups\\nrestored', marked='Backups\\nrestored', box='ticked', checkboxes=1)
    """
    r = _Renderer(marked=True, take_box=take_box, heading=heading, pre=pre)
    for piece in pieces:
        if isinstance(piece, TextNode):
            r.text(piece.text)
        else:
            r.element(piece)
    return Inline(tidy("".join(r.plain)), tidy("".join(r.marked or ())), r.box, r.checkboxes)


def cell_text(el: etree._Element, pre: bool = False) -> str:
    """A table cell's text: plain, struck text kept as `~~x~~`, "\\n" where the cell breaks a
    line (br, p, li, div, two chips side by side), tables nested in it left out.

    >>> td = lambda s: etree.fromstring(s, etree.HTMLParser()).find(".//td")
    >>> cell_text(td("<td>Use <code>retry</code>&nbsp;<b>now</b><br>SRE<p>Security +</p>DBA<ul><li>a<li>b</ul>"))
    'Use retry now\\nSRE\\nSecurity +\\nDBA\\na\\nb'
    >>> cell_text(td('<td><span class="user"><img src="a.png">ML Platform</span><span class="user">Lena</span></td>'))
    'ML Platform\\nLena'
    >>> cell_text(td("<td><s>High</s> Low<table><tr><td>inner</td></tr></table></td>"))
    '~~High~~ Low'
    """
    if len(el) == 0 and not pre and not PRE_STYLE_RE.search(el.get("style") or ""):
        return squash(el.text or "")  # no child elements: most cells
    r = _Renderer(marked=False, skip_tables=True, pre=pre)
    r.element(el)
    return tidy("".join(r.plain))


def tidy(text: str) -> str:
    """Spaces squashed and trimmed on each line; blank lines dropped; invisible characters gone."""
    text = visible(text)
    if "\n" not in text:
        return LINE_SPACE_RE.sub(" ", text).strip()
    return "\n".join(s for line in text.split("\n") if (s := LINE_SPACE_RE.sub(" ", line).strip()))


class _Renderer:
    """Collects a run's text in both forms while walking elements (see `render`)."""

    def __init__(
        self,
        *,
        marked: bool,
        take_box: bool = False,
        heading: bool = False,
        skip_tables: bool = False,
        pre: bool = False,
    ) -> None:
        self.plain: list[str] = []
        self.marked: list[str] | None = [] if marked else None
        self.take_box, self.heading, self.skip_tables = take_box, heading, skip_tables
        self.pre = 1 if pre else 0
        self.box: Box | None = None
        self.checkboxes = 0
        self.seen = False  # visible text written yet
        self.marks: list[tuple[str, int, int]] = []  # open marks: tag, plain index, marked index
        self.code: list[str] | None = None  # the text of an open code span

    def text(self, s: str | None) -> None:
        if not s:
            return
        if self.code is not None:
            self.code.append(s)
            return
        s = PRE_SPACE_RE.sub(" ", s) if self.pre else SPACE_RE.sub(" ", s)
        if not self.seen and not s.isspace():
            self.seen = True
        self.plain.append(s)
        if self.marked is not None:
            self.marked.append(escape(s))

    def line_break(self) -> None:
        if self.code is not None:
            self.code.append(" ")
            return
        self.plain.append("\n")
        if self.marked is not None:
            self.marked.append("\n")

    def element(self, root: etree._Element) -> None:
        """The element and everything in it, not the text after it."""
        flags = self.open(root)
        if flags is None:
            return
        stack = [(root, iter(root), flags)]
        while stack:
            el, kids, flags = stack[-1]
            child = next(kids, None)
            if child is None:
                stack.pop()
                self.close(flags)
                if stack:
                    self.text(el.tail)
                continue
            child_flags = self.open(child)
            if child_flags is None:
                self.text(child.tail)
            else:
                stack.append((child, iter(child), child_flags))

    def open(self, el: etree._Element) -> int | None:
        """Write what an element shows before its children; None if its children are not read."""
        tag = el.tag
        if tag.__class__ is not str or tag in SKIP_TAGS:
            return None  # comments, processing instructions, what is never text
        items = el.items()  # one call for all attributes: most elements have none
        style = None
        if items:
            attrs = dict(items)
            style = attrs.get("style")
            if "hidden" in attrs or (style and (HIDDEN_STYLE_RE.search(style) or MSO_IGNORE_RE.search(style))):
                return None
            cls = attrs.get("class")
            if cls:
                if CHROME_CLASS_RE.search(cls):
                    return None
                if CHIP_CLASS_RE.search(cls) and follows_chip(el):
                    self.line_break()
            if self.heading and tag == "a" and permalink(el):
                return None
            if (box := checkbox(el)) is not None:
                self.checkbox(box)
        if tag in SPECIAL_TAGS or tag[:3] == "ri:":
            return self.special(el, tag)
        flags = 0
        if tag in BREAK_TAGS:
            self.line_break()
            flags = _BREAK
        if tag in PRE_TAGS or (style and PRE_STYLE_RE.search(style)):
            self.pre += 1
            flags |= _PRE
        if self.code is None:
            if tag in CODE_TAGS and not self.pre:
                self.code = []
                flags |= _CODE
            elif tag in MARKS and all(MARKS[t] != MARKS[tag] for t, _, _ in self.marks):
                self.marks.append((tag, len(self.plain), len(self.marked) if self.marked is not None else 0))
                flags |= _MARK
        if el.text:
            self.text(el.text)
        return flags

    def special(self, el: etree._Element, tag: str) -> int | None:
        """What an element that is not plain markup shows: a line break, an image's alt text,
        a Confluence macro, body or resource, a Confluence date."""
        if tag == "br":
            self.line_break()
        elif tag == "img" or tag == "ac:emoticon":
            self.text(image_text(el))
        elif tag == "table":
            if not self.skip_tables:
                return self.start_block(el)
            self.line_break()
        elif tag in PLAIN_BODY_TAGS:
            self.text(plain_body(el))
        elif tag in MACRO_TAGS:
            return self.macro(el)
        elif tag == "time":
            if el.text or len(el):  # a date as written: read as usual
                self.text(el.text)
                return 0
            self.text(el.get("datetime"))  # Confluence's <time datetime=".." />
        else:  # ri:user, ri:page, ...
            self.text(resource_text(el))
        return None

    def start_block(self, el: etree._Element) -> int:
        self.line_break()
        self.text(el.text)
        return _BREAK

    def close(self, flags: int) -> None:
        if flags & _MARK:
            tag, at_plain, at_marked = self.marks.pop()
            in_marked, in_plain = MARKS[tag]
            if in_plain:
                _wrap(self.plain, at_plain, in_plain)
            if self.marked is not None:
                _wrap(self.marked, at_marked, in_marked)
        if flags & _CODE and self.code is not None:
            raw, self.code = SPACE_RE.sub(" ", "".join(self.code)), None
            core = raw.strip(" ")
            lead, trail = raw[: len(raw) - len(raw.lstrip(" "))], raw[len(raw.rstrip(" ")) :]
            if core:
                self.seen = True
            self.plain.append(raw)
            if self.marked is not None:
                self.marked.append(f"{lead}{code(core)}{trail}" if core else raw)
        if flags & _PRE:
            self.pre -= 1
        if flags & _BREAK:
            self.line_break()

    def checkbox(self, box: Box) -> None:
        self.checkboxes += 1
        if self.take_box and self.box is None and not self.seen:
            self.box = box
        elif box in GLYPHS:
            self.text(f" {GLYPHS[box]} ")

    def macro(self, el: etree._Element) -> int | None:
        """A Confluence macro inline: a status lozenge is its title, a Jira link its key, a
        macro with a body that body; any other (toc, anchor) shows nothing here."""
        name = (el.get("ac:name") or "").lower()
        if name == "status":
            self.text(f" {macro_parameter(el, 'title')} ")
            return None
        if name == "jira":
            self.text(f" {macro_parameter(el, 'key')} ")
            return None
        body = macro_body(el)
        if body is None:
            return None
        if body.tag == "ac:plain-text-body":
            self.line_break()
            self.text(plain_body(body))
            self.line_break()
            return None
        self.line_break()
        return _BREAK


def _wrap(buf: list[str], at: int, mark: str) -> None:
    """Put a marker around what was written since `at`, spaces and breaks kept outside it."""
    seg = "".join(buf[at:])
    del buf[at:]
    core = seg.strip(" \n")
    if not core:
        buf.append(seg)
        return
    lead, trail = seg[: len(seg) - len(seg.lstrip(" \n"))], seg[len(seg.rstrip(" \n")) :]
    buf.append(f"{lead}{mark}{core}{mark}{trail}")
