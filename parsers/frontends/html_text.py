"""Inline text of HTML, for the HTML front end: what a reader sees in a run of elements.

A run (a paragraph's content, a heading, a list item's text, a table cell) is rendered in the
two forms of `parsers.model`: `text` (markup gone, struck text kept as `~~x~~`) and `marked`
(`<strong>` -> `**`, `<em>` -> `*`, `<del>` -> `~~`, `<code>` -> backticks, literal markup
characters escaped), with whitespace squashed as a browser renders it, `<br>` and block
boundaries as "\\n", images as their alt text, checkboxes as ☑/☐ (or taken as the item's box),
two adjacent "chips" (Notion selects, Confluence mentions, Jira lozenges) as two lines, and
Confluence storage elements as what they show (a status macro its title, a user link its key).
Edit links and permalinks are no text. The walk is a loop over an explicit stack (lxml trees
nest up to 2047 deep once re-read; recursion would not do), so time is linear in the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from lxml import etree

from parsers.frontends.boxes import GLYPHS
from parsers.inline import code, escape
from parsers.model import Box
from pipeline.textnorm import squash

# Class names of "chips": one value each, laid side by side with nothing between them (Notion's
# people and multi-select values, Confluence mentions, Jira lozenges): two in a row are two items.
CHIP_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:user|mention|select-value|selected-value|status-value|lozenge|tag|chip|badge|pill)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Classes of the links wikis and doc sites put inside headings ("[edit]", "¶", "#") and of
# "skip to navigation" links: never text.
CHROME_CLASS_RE = re.compile(
    r"(?:^|\s)(?:mw-editsection|editsection|headerlink|hash-link|anchorjs-link|header-anchor|anchor-link"
    r"|mw-jump-link|skip-link)(?:$|\s)"
)
# Styles that hide an element (Word hides its own bookkeeping with mso-hide).
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.IGNORECASE)
# A style that keeps line breaks of the text (Notion writes its blocks with pre-wrap).
PRE_STYLE_RE = re.compile(r"white-space\s*:\s*pre", re.IGNORECASE)
# Word's list marker ("·", "1.") in a "Save as HTML" list paragraph: the front end reads it apart.
MSO_IGNORE_RE = re.compile(r"mso-list\s*:\s*ignore", re.IGNORECASE)
# Notion's to-do box: <div class="checkbox checkbox-on">.
CHECKBOX_CLASS_RE = re.compile(r"(?:^|\s)checkbox-(?P<state>on|off)(?:$|\s)")
# Whitespace a browser collapses to one space; in preformatted text, all but line breaks.
SPACE_RE = re.compile(r"[ \t\n\r\f\u00a0]+")
PRE_SPACE_RE = re.compile(r"[ \t\r\f\u00a0]+")
LINE_SPACE_RE = re.compile(r"[ \t\u00a0]+")

# Elements whose content is never text: scripts, styles, widgets, Confluence macro parameters,
# template placeholders and task bookkeeping, embedded images.
SKIP_TAGS = frozenset(
    {
        *("script", "style", "noscript", "template", "iframe", "svg", "math", "object", "head", "title"),
        *("select", "button", "textarea", "datalist"),
        *("ac:parameter", "ac:placeholder", "ac:task-id", "ac:task-uuid", "ac:task-status", "ac:image"),
    }
)
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
PRE_TAGS = frozenset({"pre", "listing", "xmp", "plaintext"})
# Confluence storage: macros, the bodies that hold plain text as CDATA (libxml2 reads a CDATA
# section in HTML as a comment "[CDATA[...]]"), and the attributes a resource element shows.
MACRO_TAGS = frozenset({"ac:structured-macro", "ac:macro"})
PLAIN_BODY_TAGS = frozenset({"ac:plain-text-body", "ac:plain-text-link-body"})
LINK_BODY_TAGS = frozenset({"ac:link-body", "ac:plain-text-link-body"})
RESOURCE_ATTRS = ("ri:username", "ri:userkey", "ri:account-id", "ri:content-title", "ri:filename", "ri:space-key")
# Confluence emoticons (storage `ac:emoticon ac:name`, rendered `data-emoticon-name`) that say something.
EMOTICONS: Mapping[str, str] = {
    "tick": "✅",
    "cross": "❌",
    "warning": "⚠",
    "question": "❓",
    "information": "ℹ",
    "plus": "➕",
    "minus": "➖",
    "thumbs-up": "👍",
    "thumbs-down": "👎",
    "yellow-star": "⭐",
}
# The text of a permalink anchor in a heading.
PERMALINK_TEXTS = frozenset({"", "#", "¶", "§", "🔗", "⚓"})
# aria-checked / data-checked values.
CHECKED_VALUES: Mapping[str, Box] = {"true": "ticked", "false": "unticked", "mixed": "unknown"}

_BREAK, _PRE, _CODE, _MARK = 1, 2, 4, 8  # what closing an element must undo


class TextNode(NamedTuple):
    """A text node: the text of `anchor` (tail False) or the text right after it (tail True)."""

    text: str
    anchor: etree._Element
    tail: bool


Piece = etree._Element | TextNode


class Inline(NamedTuple):
    """A run rendered: reader's text, marked text, the box it opened with (when asked to take
    one), and how many checkboxes it held."""

    text: str
    marked: str
    box: Box | None = None
    checkboxes: int = 0


def content(el: etree._Element) -> list[Piece]:
    """An element's content as pieces: its text, then each child and the text after it."""
    pieces: list[Piece] = [TextNode(el.text, el, False)] if el.text else []
    for child in el:
        pieces.append(child)
        if child.tail:
            pieces.append(TextNode(child.tail, child, True))
    return pieces


def render(pieces: Iterable[Piece], *, take_box: bool = False, heading: bool = False, pre: bool = False) -> Inline:
    """A run of pieces in both text forms (see the module docstring).

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
    """Spaces squashed and trimmed on each line; blank lines dropped."""
    if "\n" not in text:
        return LINE_SPACE_RE.sub(" ", text).strip()
    return "\n".join(s for line in text.split("\n") if (s := LINE_SPACE_RE.sub(" ", line).strip()))


def checkbox(el: etree._Element) -> Box | None:
    """The state of an element that is a task box (None if it is not one): a checkbox input
    (`disabled` does not matter), `aria-checked`/`data-checked`, Notion's checkbox-on/off div.

    >>> box = lambda s: checkbox(etree.fromstring(s, etree.HTMLParser()).find("body")[0])
    >>> box('<input type="checkbox" checked disabled>'), box('<input type=checkbox>'), box('<input type=text>')
    ('ticked', 'unticked', None)
    >>> box('<span role="checkbox" aria-checked="mixed"></span>'), box('<div class="checkbox checkbox-on"></div>')
    ('unknown', 'ticked')
    """
    if el.tag == "input":
        if (el.get("type") or "").strip().lower() != "checkbox":
            return None
        return "ticked" if el.get("checked") is not None else "unticked"
    for attr in ("aria-checked", "data-checked"):
        value = el.get(attr)
        if value is not None:
            return CHECKED_VALUES.get(value.strip().lower(), "unknown")
    cls = el.get("class")
    if cls and "checkbox-" in cls and (m := CHECKBOX_CLASS_RE.search(cls)):
        return "ticked" if m["state"] == "on" else "unticked"
    return None


def hidden(el: etree._Element) -> bool:
    """Whether a browser shows nothing of the element."""
    style = el.get("style")
    return el.get("hidden") is not None or (style is not None and HIDDEN_STYLE_RE.search(style) is not None)


def keeps_breaks(el: etree._Element) -> bool:
    """Whether the element shows its text's line breaks (<pre>, `white-space: pre-wrap`)."""
    return el.tag in PRE_TAGS or PRE_STYLE_RE.search(el.get("style") or "") is not None


def plain_body(el: etree._Element) -> str:
    """The text of a Confluence plain-text body: its CDATA section (read as a comment) and text."""
    parts = [el.text or ""]
    for child in el:
        if not isinstance(child.tag, str) and (child.text or "").startswith("[CDATA["):
            body = child.text[len("[CDATA[") :]
            parts.append(body[:-2] if body.endswith("]]") else body)
        elif isinstance(child.tag, str):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def macro_parameter(el: etree._Element, name: str) -> str:
    """The value of a Confluence macro's parameter (`<ac:parameter ac:name="title">`)."""
    for child in el:
        if child.tag == "ac:parameter" and (child.get("ac:name") or "").lower() == name:
            return squash("".join(child.itertext()))
    return ""


def macro_body(el: etree._Element) -> etree._Element | None:
    """A Confluence macro's body (rich or plain text), if it has one."""
    return next((c for c in el if c.tag in ("ac:rich-text-body", "ac:plain-text-body")), None)


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
                if CHIP_CLASS_RE.search(cls) and _follows_chip(el):
                    self.line_break()
            if self.heading and tag == "a" and _permalink(el):
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
            self.text(_image_text(el))
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
            self.text(_resource_text(el))
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


def _follows_chip(el: etree._Element) -> bool:
    """Whether the element comes right after a chip of its kind, nothing but spaces between."""
    prev = el.getprevious()
    return (
        prev is not None
        and prev.tag == el.tag
        and not (prev.tail or "").strip()
        and CHIP_CLASS_RE.search(prev.get("class") or "") is not None
    )


def _permalink(el: etree._Element) -> bool:
    """A heading's permalink anchor: a link to "#..." showing only "#", "¶", "§" or an icon."""
    return (el.get("href") or "").startswith("#") and squash("".join(el.itertext())) in PERMALINK_TEXTS


def _image_text(el: etree._Element) -> str:
    """What an image says: an emoticon's glyph, else its alt text."""
    name = el.get("data-emoticon-name") or el.get("ac:name") or ""
    fallback = el.get("ac:emoji-fallback") or ""
    if fallback and not fallback.startswith(":"):
        return f" {fallback} "
    if name in EMOTICONS:
        return f" {EMOTICONS[name]} "
    alt = el.get("alt") or el.get("ac:alt")
    return f" {alt} " if alt else ""


def _resource_text(el: etree._Element) -> str:
    """What a Confluence resource (`ri:user`, `ri:page`) shows: its text, else its name or key;
    nothing when the link around it has a body of its own."""
    parent = el.getparent()
    if parent is not None and parent.tag == "ac:link" and any(c.tag in LINK_BODY_TAGS for c in parent):
        return ""
    text = "".join(el.itertext())
    if text.strip():
        return text
    return next((v for a in RESOURCE_ATTRS if (v := el.get(a))), "")
