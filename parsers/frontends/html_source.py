"""HTML source for the HTML front end: the one lxml parse, source lines, and what <head> states.

Part of the parse stage (`parsers.frontends.html`): text in, an lxml tree and line lookups out;
no lxml element leaves the HTML front end.

Why lxml and not BeautifulSoup: measured on a 1.9 MB page of 20,000 rows, lxml parses in 0.2 s,
BeautifulSoup(features="lxml") in 5 s (and its Tags have no `sourceline`), and
BeautifulSoup(features="html.parser") in 53 s. Plain `lxml.etree` elements, not `lxml.html`'s,
because lxml.html looks up a Python element class for every node it hands out (a third of the
parse time on that page). lxml elements carry `.sourceline` from libxml2, exact up to line
65535, where libxml2's HTML parser caps it; `big_lines` finds the true lines of elements past
that cap from the source text. Text nodes have no line of their own: theirs is counted from the
element before them (`Lines.text_line`).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from pipeline.errors import ParseError
from pipeline.textnorm import squash

# libxml2's HTML parser stores line numbers in 16 bits: anything past this reads as this.
LINE_CAP = 65535
# A start tag in the source, to find elements past the line cap again: its name.
START_TAG_RE = re.compile(r"<(?P<tag>[A-Za-z][A-Za-z0-9:_.-]*)")
# A self-closed Confluence storage element (`<ri:user ri:userkey="x" />`, `<ac:emoticon ... />`,
# `<time datetime=".." />`): storage format is XML, but libxml2's HTML parser ignores the "/" on
# elements it does not know as void and would nest what follows inside them.
SELF_CLOSED_RE = re.compile(r"<(?P<tag>(?:ac|ri):[A-Za-z-]+|time)(?P<attrs>\s[^<>]*?)?/>")
# Word's "Save as HTML" keeps the author only in its document properties, inside a comment.
WORD_AUTHOR_RE = re.compile(r"<o:Author>(?P<author>[^<]{1,200})</o:Author>")
# <meta name=...> worth keeping as document properties, by the property they state.
META_NAMES: Mapping[str, str] = {
    "author": "author",
    "dc.creator": "author",
    "dcterms.creator": "author",
    "owner": "owner",
    "last-modified": "last updated",
    "dcterms.modified": "last updated",
    "revised": "last updated",
    "date": "date",
    "dc.date": "date",
    "dcterms.date": "date",
    "version": "version",
    "classification": "classification",
    "status": "status",
}


def parse(text: str) -> etree._Element | None:
    """The text as an lxml HTML tree (None when it holds no element at all).

    The text is handed over as UTF-8 bytes with the encoding forced: it is already decoded, a
    page's own <meta charset> must not re-decode it, and lxml refuses a str that carries an
    <?xml encoding?> declaration. A lone "\\r" reads as a space (libxml2 would count it as a
    line break, and lines here are counted by "\\n"). libxml2 stops reading a page whose
    elements nest deeper than 255 (unclosed <b> tags, say) and drops the rest; such a page is
    read again with the limit lifted (2047), and past that it is an error, not a quiet loss.

    >>> parse("<p>a</p>").find("body/p").text, parse("  "), parse("<!-- only a comment -->")
    ('a', None, None)
    """
    if "\r" in text:
        text = text.replace("\r", " ")
    if "<ac:" in text or "<ri:" in text:
        text = SELF_CLOSED_RE.sub(r"<\g<tag>\g<attrs>></\g<tag>>", text)
    data = text.encode("utf-8", "surrogatepass")
    deep: etree._LogEntry | None = None
    for huge in (False, True):
        parser = etree.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=True, huge_tree=huge)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as err:
            raise ParseError(f"lxml cannot read this as HTML ({err}); is it really HTML?") from err
        deep = next((e for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"), None)
        if deep is None:
            return root
    line = deep.line if deep is not None else None
    raise ParseError("elements nest more than 2047 deep here (unclosed tags?); close them", None, line)


@dataclass(frozen=True)
class Lines:
    """Source lines of elements and text nodes, shifted by `offset` (a fragment's place in its
    document) and kept within `offset + 1 .. last`."""

    offset: int
    last: int
    big: Mapping[etree._Element, int] = field(default_factory=dict)

    def of(self, el: etree._Element) -> int:
        """The line an element starts on."""
        return self.clamp(self.big.get(el) or el.sourceline or 1)

    def clamp(self, line: int) -> int:
        return max(self.offset + 1, min(self.offset + line, self.last))

    def end(self, el: etree._Element) -> int:
        """The last line an element's content reaches: its last descendant's line, plus the
        line breaks of the text after it up to the last visible character."""
        node, chain = el, []
        while len(node):
            node = node[-1]
            chain.append(node)
        if node is el:
            return min(self.of(el) + visible_breaks(el.text or ""), self.last)
        last = self.big.get(node) or node.sourceline or 1
        after = (node.text or "") if isinstance(node.tag, str) else ""
        after += "".join(n.tail or "" for n in reversed(chain))
        return max(self.of(el), self.clamp(last + visible_breaks(after)))

    def text_line(self, anchor: etree._Element, text: str, *, tail: bool) -> tuple[int, int]:
        """(first, last) line of the visible part of a text node: the text of `anchor` (its start
        tag's line) or, with `tail`, the text after it (its content's last line)."""
        start = self.end(anchor) if tail else self.of(anchor)
        lead = len(text) - len(text.lstrip())
        first = start + text.count("\n", 0, lead)
        return min(first, self.last), min(first + visible_breaks(text[lead:]), self.last)


def visible_breaks(text: str) -> int:
    r"""Line breaks before the last visible character.

    >>> visible_breaks("a\nb\n\n"), visible_breaks("\n\n")
    (1, 0)
    """
    return text.count("\n", 0, len(text.rstrip()))


def lines_of(root: etree._Element, text: str, offset: int = 0) -> Lines:
    """Line lookups for a tree parsed from `text`, whose first line is line `offset + 1`."""
    last = offset + text.rstrip("\n").count("\n") + 1
    return Lines(offset, last, big_lines(root, text))


def big_lines(root: etree._Element, text: str) -> dict[etree._Element, int]:
    """True lines of elements past libxml2's line cap, found in order in the source.

    Only texts of more than 65535 lines need it. Each capped element takes the next start tag
    of its name in the text after the cap; an element libxml2 made up (no tag in the source)
    or a tag-like string in a script there would put later elements of that name off by one.
    """
    if text.count("\n") < LINE_CAP - 1:
        return {}
    start = 0
    for _ in range(LINE_CAP - 1):
        start = text.index("\n", start) + 1
    tags: dict[str, deque[int]] = {}
    for match in START_TAG_RE.finditer(text, start):
        tags.setdefault(match["tag"].lower(), deque()).append(match.start())
    found: dict[etree._Element, int] = {}
    pos, line = start, LINE_CAP
    for el in root.iter(etree.Element):
        if (el.sourceline or 0) < LINE_CAP or not (queue := tags.get(el.tag)):
            continue
        at = queue.popleft()
        if at >= pos:  # document order: a later element is never on an earlier line
            line += text.count("\n", pos, at)
            pos = at
        found[el] = line
    return found


def title(root: etree._Element) -> str | None:
    """The page's <title> (not an <svg>'s <title> in the body)."""
    el = root.find("head/title")
    return (squash("".join(el.itertext())) or None) if el is not None else None


def properties(root: etree._Element) -> dict[str, str]:
    """Document properties the page states in <head>: <meta name=author> and the like, and the
    author Word keeps in its document properties."""
    found: dict[str, str] = {}
    head = root.find("head")
    if head is None:
        return found
    for el in head.iter("meta"):
        name = META_NAMES.get((el.get("name") or "").strip().lower())
        value = squash(el.get("content") or "")
        if name and value:
            found.setdefault(name, value)
    if "author" not in found:
        for comment in head.iter(etree.Comment):
            if "o:Author" in (comment.text or "") and (m := WORD_AUTHOR_RE.search(comment.text or "")):
                found["author"] = squash(m["author"])
                break
    return found
