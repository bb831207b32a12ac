"""The block walk of the HTML front end: an lxml tree -> blocks, in document order.

h1-h6 are headings; the text between block elements (a <p>, a text-bearing <div>/<section>,
Word's `MsoNormal` paragraphs) is a paragraph; li of ul/ol are list items with their box (a
checkbox input, `aria-checked`/`data-checked`, Confluence's `<ac:task>`, a `[x]`/☑ opening the
text), Word's `mso-list` paragraphs too; dl gives key/value pairs; every <table> is a table
(`parsers.frontends.html_tables`), and the headings and tables a layout table holds are blocks
of their own; <pre> and Confluence code macros are code; blockquote a quote, hr a rule. Site
navigation, the site's header and footer, landmarks, cookie banners, breadcrumbs and what lies
outside a page's <main> are flagged as chrome. Recursion follows block nesting only, and past
MAX_NESTING an element is read as one paragraph of text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from lxml import etree

from parsers.frontends.boxes import leading_box
from parsers.frontends.html_elements import (
    CHECKBOX_CLASS_RE,
    CONTENT_TAGS,
    MACRO_TAGS,
    MSO_IGNORE_RE,
    PRE_TAGS,
    SKIP_TAGS,
    Piece,
    TextNode,
    code_lang,
    content,
    hidden,
    int_attribute,
    is_chrome,
    item_box,
    keeps_breaks,
    macro_body,
    macro_parameter,
    plain_body,
)
from parsers.frontends.html_source import Lines
from parsers.frontends.html_tables import inner_blocks, table_block
from parsers.frontends.html_text import BREAK_TAGS, render
from parsers.inline import in_page_link
from parsers.model import Block, Box, Code, Heading, KeyValue, ListItem, Paragraph, Quote, Rule

# Word "Save as HTML" list paragraphs: `style="mso-list:l0 level2 lfo1"`.
MSO_LIST_RE = re.compile(r"mso-list\s*:\s*l\d+\s+level(?P<level>\d)", re.IGNORECASE)
# Word's "Save as Web Page, Filtered" list paragraphs keep only their class and indent: the
# marker is a span of its own (a Symbol-font "·", Courier "o", Wingdings "§", or "1."), the level
# the left margin (36 pt, half an inch, a level).
WORD_FILTERED_LIST_CLASS_RE = re.compile(r"\bMsoListParagraph", re.IGNORECASE)
WORD_MARKER_RE = re.compile(r"^(?:[·•o§▪\uf0b7\uf0a7\uf0d8-]|\(?\d{1,3}[.)]|[a-zA-Z][.)]|[ivxIVX]{1,4}[.)])$")
MARGIN_RE = re.compile(r"margin-left\s*:\s*(?P<size>\d*\.?\d+)\s*(?P<unit>pt|in|cm)", re.IGNORECASE)
POINTS = {"pt": 1.0, "in": 72.0, "cm": 72 / 2.54}
# An ordered list marker Word wrote as text ("1.", "2)").
NUMBER_MARK_RE = re.compile(r"^(?P<n>\d{1,6})[.)]?$")
# Block nesting past which an element's content is read as one paragraph of text (lxml trees
# nest up to 2047 deep; recursion here stays well inside Python's limit).
MAX_NESTING = 160

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
LIST_TAGS = frozenset({"ul", "ol", "menu"})
# Elements that end a run of inline text and are read as blocks of their own.
BLOCK_TAGS = BREAK_TAGS - {"tr", "td", "th", "thead", "tbody", "tfoot", "caption"} | {"ac:task-list"}


def read(root: etree._Element, lines: Lines) -> list[Block]:
    """The blocks of a parsed page or fragment, in document order (paths not set)."""
    found: list[Block] = []
    _Walker(root, lines).container(_body(root), _start(root), found)
    return found


def _body(root: etree._Element) -> list[Piece]:
    """What the walk starts from: the content of <body> (of the root when there is none)."""
    return content(next(root.iter("body"), root))


def _start(root: etree._Element) -> _Place:
    """The place the walk starts from: whether the page marks its content with <main>."""
    body = next(root.iter("body"), root)
    has_main = next(body.iter("main"), None) is not None or body.find(".//*[@role='main']") is not None
    return _Place(has_main=has_main)


@dataclass(frozen=True, slots=True)
class _Place:
    """Where the walk is: in page chrome, in the page's content (main/article), in its <main>
    (when it has one), how deep in lists, how deep in blocks, in text that keeps its breaks."""

    in_chrome: bool = False
    content: bool = False
    main: bool = False
    has_main: bool = False
    depth: int = 0
    nesting: int = 0
    pre: bool = False

    @property
    def chrome(self) -> bool:
        """Whether a block here is chrome: inside chrome, or outside the page's <main> (a page
        that marks its content with <main> or role=main has only chrome around it)."""
        return self.in_chrome or (self.has_main and not self.main)


@dataclass
class _Run:
    """Inline pieces between two blocks: one paragraph to be."""

    pieces: list[Piece]
    visible: bool = False


class _Walker:
    """Turns an lxml tree into blocks, in document order."""

    def __init__(self, root: etree._Element, lines: Lines) -> None:
        self.lines = lines
        # Inline elements with blocks inside (`<font><h2>..</h2><table>..</font>`, old pages):
        # read as the blocks they hold, not as one paragraph. Each ancestor is marked once.
        self.holders: set[etree._Element] = set()
        for el in root.iter(*BLOCK_TAGS, *MACRO_TAGS):
            if _is_block(el):
                parent = el.getparent()
                while parent is not None and parent not in self.holders:
                    self.holders.add(parent)
                    parent = parent.getparent()

    def is_block(self, el: etree._Element) -> bool:
        """Whether an element ends a run of inline text: a block, or an inline one holding blocks."""
        return _is_block(el) or (el in self.holders and isinstance(el.tag, str))

    def container(self, pieces: Sequence[Piece], place: _Place, out: list[Block]) -> None:
        """The blocks of a run of content: block elements in order, the inline pieces between
        them as paragraphs."""
        run = _Run([])
        for piece in pieces:
            if isinstance(piece, TextNode):
                run.pieces.append(piece)
                run.visible = run.visible or not piece.text.isspace()
            elif not isinstance(piece.tag, str) or piece.tag in SKIP_TAGS or hidden(piece):
                continue
            elif self.is_block(piece):
                self.paragraphs(run, place, out)
                run = _Run([])
                self.block(piece, place, out)
            else:
                run.pieces.append(piece)
                run.visible = True
        self.paragraphs(run, place, out)

    def paragraphs(self, run: _Run, place: _Place, out: list[Block]) -> None:
        """A run of inline pieces as a paragraph; as list items when every line of it opens
        with a task box (checkboxes in a form, box lines that lost their list, Word's ☒)."""
        if not run.visible:
            return
        text = render(run.pieces, pre=place.pre)
        if not text.text:
            return
        first, last = self.span(run.pieces)
        plain_lines, marked_lines = text.text.split("\n"), text.marked.split("\n")
        boxes = [leading_box(line) for line in plain_lines]
        if all(box for box, _ in boxes):
            for (box, own), mark in zip(boxes, marked_lines, strict=True):
                marked = leading_box(mark)[1]
                out.append(self.item_block(first, last, own, marked, box, None, place, ()))
            return
        out.append(Paragraph(line=first, end=last, text=text.text, marked=text.marked, chrome=place.chrome))

    def span(self, pieces: Sequence[Piece]) -> tuple[int, int]:
        """(first, last) line of the visible part of a run of pieces."""
        visible = [p for p in pieces if not isinstance(p, TextNode) or not p.text.isspace()]
        head, tail = visible[0], visible[-1]
        first = self.text_lines(head)[0] if isinstance(head, TextNode) else self.lines.of(head)
        last = self.text_lines(tail)[1] if isinstance(tail, TextNode) else self.lines.end(tail)
        return first, max(first, last)

    def text_lines(self, node: TextNode) -> tuple[int, int]:
        return self.lines.text_line(node.anchor, node.text, tail=node.tail)

    def block(self, el: etree._Element, place: _Place, out: list[Block]) -> None:
        """The blocks of one block element."""
        place = _entered(el, place)
        tag = el.tag
        if place.nesting > MAX_NESTING:
            self.paragraphs(_Run([el], True), place, out)
        elif tag in HEADING_TAGS:
            self.heading(el, HEADING_TAGS[tag], place, out)
        elif tag == "p" and (level := _word_list_level(el)) is not None:
            item = self.word_item(el, level, place)
            if out and isinstance(out[-1], ListItem) and out[-1].depth < item.depth:
                out[-1] = _nested(out[-1], item)
            else:
                out.append(item)
        elif tag == "p" and "MsoTitle" in (el.get("class") or ""):
            self.heading(el, 1, place, out)
        elif tag in LIST_TAGS:
            self.list(el, place, out)
        elif tag == "li":
            out.append(self.item(el, None, place))
        elif tag == "dl":
            self.definitions(el, place, out)
        elif tag == "table":
            self.table(el, place, out)
        elif tag in PRE_TAGS:
            self.code(el, place, out)
        elif tag == "blockquote":
            kids: list[Block] = []
            self.container(content(el), place, kids)
            if kids:
                out.append(
                    Quote(line=self.lines.of(el), end=self.lines.end(el), children=tuple(kids), chrome=place.chrome)
                )
        elif tag == "hr":
            out.append(Rule(line=self.lines.of(el), end=self.lines.of(el), chrome=place.chrome))
        elif tag == "ac:task-list":
            self.tasks(el, place, out)
        elif tag in MACRO_TAGS:
            self.macro(el, place, out)
        elif tag == "details":
            self.container(content(el), place, out)
            if el.tail is not None or el.getnext() is not None:
                # Its summary heads nothing after it, as a thematic break ends what a label
                # collected. (A fragment's unclosed <details>, which Markdown closes in a later
                # block, holds all that follows it: nothing after it to end.)
                out.append(Rule(line=self.lines.end(el), end=self.lines.end(el), chrome=place.chrome))
        else:
            self.container(content(el), place, out)

    def heading(self, el: etree._Element, level: int, place: _Place, out: list[Block]) -> None:
        text = render(content(el), heading=True)
        if text.text:
            out.append(
                Heading(
                    line=self.lines.of(el),
                    end=self.lines.end(el),
                    level=level,
                    text=text.text.replace("\n", " "),
                    marked=text.marked.replace("\n", " "),
                    chrome=place.chrome,
                )
            )

    def list(self, el: etree._Element, place: _Place, out: list[Block]) -> None:
        """The items of a ul/ol; a list written straight inside another (`<ul><li>a</li><ul>`)
        belongs to the item before it, as a browser shows it."""
        number: int | None = int_attribute(el.get("start"), 1) if el.tag == "ol" else None
        found: list[Block] = []
        stray: list[Piece] = []
        for piece in content(el):
            if isinstance(piece, TextNode) or (piece.tag != "li" and not self.is_block(piece)):
                stray.append(piece)
                continue
            self.container(stray, place, found)
            stray = []
            if piece.tag == "li":
                if number is not None:
                    number = int_attribute(piece.get("value"), number)
                found.append(self.item(piece, number, place))
                number = number + 1 if number is not None else None
            elif piece.tag in LIST_TAGS and found and isinstance(found[-1], ListItem):
                nested: list[Block] = []
                self.list(piece, replace(place, depth=place.depth + 1), nested)
                last = found[-1]
                found[-1] = replace(last, children=(*last.children, *nested), end=max(last.end, self.lines.end(piece)))
            else:
                self.block(piece, place, found)
        self.container(stray, place, found)
        out.extend(found)

    def item(self, el: etree._Element, number: int | None, place: _Place) -> ListItem:
        """A list item: its own text (what comes before its first block, else its first
        paragraph), its box, and what it holds after its text."""
        return self.item_from(content(el), el, number, place, item_box(el))

    def item_from(
        self, pieces: list[Piece], el: etree._Element, number: int | None, place: _Place, box: Box | None
    ) -> ListItem:
        lead = next((k for k, p in enumerate(pieces) if not isinstance(p, TextNode) and self.is_block(p)), len(pieces))
        own, rest = pieces[:lead], pieces[lead:]
        text = render(own, take_box=True, pre=place.pre)
        if not text.text and rest and not isinstance(rest[0], TextNode) and rest[0].tag in ("p", "div"):
            first = content(rest[0])
            if not any(not isinstance(p, TextNode) and self.is_block(p) for p in first):
                text, rest = render(first, take_box=True, pre=place.pre), rest[1:]
        own_box, plain = leading_box(text.text)
        marked = leading_box(text.marked)[1] if own_box else text.marked
        kids: list[Block] = []
        self.container(rest, replace(place, depth=place.depth + 1), kids)
        line, end = self.lines.of(el), self.lines.end(el)
        box = box or text.box or own_box
        item = self.item_block(line, end, plain if own_box else text.text, marked, box, number, place, tuple(kids))
        return replace(item, chrome=True) if box is None and _anchor_link_only(own) else item

    def item_block(
        self,
        line: int,
        end: int,
        text: str,
        marked: str,
        box: Box | None,
        number: int | None,
        place: _Place,
        kids: tuple[Block, ...],
    ) -> ListItem:
        return ListItem(
            line=line,
            end=end,
            text=text,
            marked=marked,
            box=box,
            number=number,
            depth=place.depth,
            children=kids,
            chrome=place.chrome,
        )

    def word_item(self, el: etree._Element, level: int, place: _Place) -> ListItem:
        """A Word "Save as HTML" list paragraph: its marker (a bullet or "1.") is in a span
        styled `mso-list:Ignore`; its level is in the paragraph's style."""
        marker = next((m for m in el.iter("span") if MSO_IGNORE_RE.search(m.get("style") or "")), None)
        mark = "".join(marker.itertext()).strip() if marker is not None else ""
        number = int(m["n"]) if (m := NUMBER_MARK_RE.match(mark)) else None
        return self.item_from(content(el), el, number, replace(place, depth=place.depth + level - 1), None)

    def definitions(self, el: etree._Element, place: _Place, out: list[Block]) -> None:
        """A dl as key/value pairs; several dd under one dt join with "\\n", several dt share them."""
        terms: list[etree._Element] = []
        values: list[etree._Element] = []

        def flush() -> None:
            texts = [render(content(v), pre=place.pre) for v in values]
            value = "\n".join(t.text for t in texts if t.text)
            marked = "\n".join(t.marked for t in texts if t.marked)
            end = max((self.lines.end(v) for v in values), default=0)
            for term in terms:
                key = render(content(term)).text.replace("\n", " ")
                line = self.lines.of(term)
                out.append(
                    KeyValue(line=line, end=max(line, end), key=key, value=value, marked=marked, chrome=place.chrome)
                )
            if not terms and value:
                first = self.lines.of(values[0])
                out.append(Paragraph(line=first, end=max(first, end), text=value, marked=marked, chrome=place.chrome))

        stack = [iter(el)]
        while stack:  # dt/dd, also inside the <div>s HTML allows around each group
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
            elif child.tag == "dt":
                if values:
                    flush()
                    terms, values = [], []
                terms.append(child)
            elif child.tag == "dd":
                values.append(child)
            elif child.tag == "div":
                stack.append(iter(child))
        if terms or values:
            flush()

    def table(self, el: etree._Element, place: _Place, out: list[Block]) -> None:
        found = table_block(el, self.lines, chrome=place.chrome, pre=place.pre)
        if found is not None:
            out.append(found)
        for inner in inner_blocks(el):
            self.block(inner, place, out)

    def code(self, el: etree._Element, place: _Place, out: list[Block]) -> None:
        text = "".join(el.itertext())
        text = (text[1:] if text.startswith("\n") else text).rstrip()
        if text.strip():
            out.append(
                Code(line=self.lines.of(el), end=self.lines.end(el), text=text, lang=code_lang(el), chrome=place.chrome)
            )

    def tasks(self, el: etree._Element, place: _Place, out: list[Block]) -> None:
        """Confluence storage tasks: one item per `<ac:task>`, ticked when its status is "complete"."""
        for task in el:
            if task.tag != "ac:task":
                continue
            status = next(("".join(c.itertext()).strip().lower() for c in task if c.tag == "ac:task-status"), "")
            body = next((c for c in task if c.tag == "ac:task-body"), None)
            box: Box = "ticked" if status == "complete" else "unticked"
            pieces = content(body) if body is not None else []
            out.append(self.item_from(pieces, task, None, place, box))

    def macro(self, el: etree._Element, place: _Place, out: list[Block]) -> None:
        """A Confluence macro with a body: code is code, a panel or a page-properties box the blocks it holds."""
        body = macro_body(el)
        if body is None:
            return
        if body.tag == "ac:plain-text-body":
            text = plain_body(body).strip("\n")
            if text.strip():
                lang = macro_parameter(el, "language")
                out.append(
                    Code(line=self.lines.of(el), end=self.lines.end(el), text=text, lang=lang, chrome=place.chrome)
                )
            return
        self.container(content(body), place, out)


def _nested(parent: ListItem, item: ListItem) -> ListItem:
    """The parent item with a deeper item (a Word list paragraph of a higher level) put under
    its last item as deep as it goes."""
    kids = parent.children
    if kids and isinstance(kids[-1], ListItem) and kids[-1].depth < item.depth:
        kids = (*kids[:-1], _nested(kids[-1], item))
    else:
        kids = (*kids, item)
    return replace(parent, children=kids, end=max(parent.end, item.end))


def _is_block(el: etree._Element) -> bool:
    """Whether an element ends a run of inline text (a checkbox div does not; a Confluence
    macro does when it has a body)."""
    tag = el.tag
    if not isinstance(tag, str):
        return False
    if tag in MACRO_TAGS:
        return macro_body(el) is not None and (el.get("ac:name") or "").lower() not in ("status", "jira")
    if tag == "div" and CHECKBOX_CLASS_RE.search(el.get("class") or ""):
        return False
    return tag in BLOCK_TAGS


def _entered(el: etree._Element, place: _Place) -> _Place:
    """The place inside an element: chrome, content landmark, preformatted text, nesting."""
    tag = el.tag
    role = (el.get("role") or "").strip().lower()
    main = place.main or tag == "main" or role == "main"
    content_ = place.content or main or tag in CONTENT_TAGS
    chrome = place.in_chrome or is_chrome(el, tag, role, place.content)
    pre = place.pre or (tag not in PRE_TAGS and keeps_breaks(el))
    return _Place(chrome, content_, main, place.has_main, place.depth, place.nesting + 1, pre)


def _anchor_link_only(pieces: Sequence[Piece]) -> bool:
    """Whether an item's own text is one link to an anchor in the page and nothing else but
    blanks (`<li><a href="#engineering">Engineering</a></li>`: a table of contents' entry)."""
    filled = [p for p in pieces if not isinstance(p, TextNode) or p.text.strip()]
    return (
        len(filled) == 1
        and not isinstance(filled[0], TextNode)
        and filled[0].tag == "a"
        and in_page_link(filled[0].get("href"))
    )


def _word_list_level(el: etree._Element) -> int | None:
    """The list level of a Word list paragraph, of the unfiltered export (`mso-list:l0 level2`)
    or the filtered one (`_filtered_word_level`), or None for any other paragraph."""
    if m := MSO_LIST_RE.search(el.get("style") or ""):
        return int(m["level"])
    return _filtered_word_level(el)


def _filtered_word_level(el: etree._Element) -> int | None:
    """The list level of a paragraph of Word's filtered HTML (`class=MsoListParagraphCxSpFirst`)
    whose first content is a marker span, or None. The marker span is marked as Word's unfiltered
    export marks it (`mso-list:Ignore`), so the item is read as that export's list items are.

    >>> para = lambda s: etree.fromstring(s, etree.HTMLParser()).find("body")[0]
    >>> p = para('<p class=MsoListParagraphCxSpFirst style="margin-left:72.0pt">'
    ...          '<span style="font-family:Symbol">·<span>\u00a0\u00a0 </span></span><b>Owner:</b> SRE</p>')
    >>> _filtered_word_level(p), p[0].get("style")
    (2, 'mso-list:Ignore')
    >>> _filtered_word_level(para('<p class=MsoListParagraph><span>Plain</span> text</p>'))
    """
    if not WORD_FILTERED_LIST_CLASS_RE.search(el.get("class") or "") or (el.text or "").strip() or len(el) == 0:
        return None
    marker = el[0]
    if marker.tag != "span" or not WORD_MARKER_RE.match("".join(marker.itertext()).replace("\u00a0", " ").strip()):
        return None
    marker.set("style", "mso-list:Ignore")
    margin = MARGIN_RE.search(el.get("style") or "")
    points = float(margin["size"]) * POINTS[margin["unit"].lower()] if margin else 36.0
    return max(1, round(points / 36.0))
