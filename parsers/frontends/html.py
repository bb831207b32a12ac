"""Front end: HTML pages and fragments -> block tree.

Sniffed by content (scraped pages arrive as .txt): a whole page, Confluence storage format, a
fragment that is mostly tags. Read with one lxml parse (`parsers.frontends.html_source`: forced
UTF-8, libxml2's line cap and depth limit handled) and one walk in document order
(`parsers.frontends.html_blocks`), inline text in both forms of `parsers.model`
(`parsers.frontends.html_text`), tables laid out as a browser does
(`parsers.frontends.html_tables`). The page's <title> is its declared title, <meta name=author>
and the like its properties. Markdown documents with raw HTML blocks get their blocks from
`fragment_blocks`, lines counted in the Markdown document.
"""

from __future__ import annotations

import re

from parsers.frontends import html_blocks, html_source
from parsers.model import Block, Tree, with_paths
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.records import Document

NAME = "html"
# Its tree does not depend on the lexicon: a document in another language is not read again.
READS_LEXICON = False

# Markers of a whole HTML page, looked for near the top only.
HTML_PAGE_RE = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
# Confluence storage format: its own elements, in a page body without <html>.
CONFLUENCE_RE = re.compile(r"<(?:ac|ri):[a-z]")
# A line that opens with a tag (or a comment), and a line with anything on it: their ratio
# says whether a text is mostly HTML.
TAG_LINE_RE = re.compile(r"^[ \t]*<(?:[A-Za-z]|/[A-Za-z]|!--)", re.MULTILINE)
CONTENT_LINE_RE = re.compile(r"^[ \t]*\S", re.MULTILINE)
# The signs the Markdown front end scores 0.9 on (an ATX heading, a code fence, a GFM
# delimiter row): a text with them is Markdown carrying some HTML, not an HTML fragment.
MARKDOWN_SIGN_RE = re.compile(
    r"^(?: {0,3}#{1,6}[ \t]+\S| {0,3}(?:```|~~~)|[ \t]*(?:\|[ \t]*)?:?-{3,}:?[ \t]*\|)", re.MULTILINE
)
# How far into a text page markers are looked for, and how much of it sniff reads at all.
PAGE_HEAD_CHARS = 4096
SNIFF_CHARS = 200_000


def sniff(text: str) -> float:
    """How sure we are that the text is HTML (0-1), by content, never by parsing.

    >>> sniff("<!DOCTYPE html><html><body><table><tr><td>x</td></tr></table>")
    0.95
    >>> sniff('<p>Tasks</p><ac:task-list><ac:task><ac:task-status>complete</ac:task-status></ac:task></ac:task-list>')
    0.95
    >>> sniff("<div class='page'>\\n<h2>Risks</h2>\\n<table><tr><td>x</td></tr></table>\\n</div>")
    0.9
    >>> sniff("# Vault\\n\\n| a | b |\\n|---|---|\\n| x<br>y | z |"), sniff("Owner: SRE<br>Status: open")
    (0.0, 0.0)
    """
    head = text[:SNIFF_CHARS]
    page = HTML_PAGE_RE.search(head, 0, PAGE_HEAD_CHARS)
    if page is not None and MARKDOWN_SIGN_RE.search(head, 0, page.start()) is None:
        return 0.95
    markdown = MARKDOWN_SIGN_RE.search(head) is not None
    if CONFLUENCE_RE.search(head):
        return 0.5 if markdown else 0.95
    tags = sum(1 for _ in TAG_LINE_RE.finditer(head))
    if not tags:
        return 0.0
    lines = sum(1 for _ in CONTENT_LINE_RE.finditer(head))
    if head.lstrip().startswith("<") and tags * 2 >= lines:
        return 0.5 if markdown else 0.9
    return 0.0 if markdown else 0.2


def blocks(doc: Document, config: Config) -> Tree:
    """The page as a block tree (see the module docstring)."""
    try:
        root = html_source.parse(doc.text)
        if root is None:
            return Tree(NAME, ())
        found = html_blocks.read(root, html_source.lines_of(root, doc.text))
    except ParseError as err:
        raise ParseError(err.message, doc.path, err.line) from err
    return Tree(NAME, _paths(found), declared_title=html_source.title(root), properties=html_source.properties(root))


def fragment_blocks(source: str, first_line: int, config: Config) -> list[Block]:
    """Blocks of an HTML fragment found inside another document (a Markdown file's raw HTML block),
    with source lines counted from `first_line` (the fragment's first line in the document).

    >>> fragment = "<table>\\n<tr><th>ID</th></tr>\\n<tr><td>R1</td></tr>\\n</table>"
    >>> [(type(b).__name__, b.line, b.rows[0].line) for b in fragment_blocks(fragment, 12, Config())]
    [('Table', 13, 14)]
    """
    try:
        root = html_source.parse(source)
    except ParseError as err:
        raise ParseError(err.message, None, first_line - 1 + (err.line or 1)) from err
    if root is None:
        return []
    return html_blocks.read(root, html_source.lines_of(root, source, first_line - 1))  # lines already in the document


def _paths(found: list[Block]) -> tuple[Block, ...]:
    """The blocks with their heading paths; a heading in the page's chrome (a sidebar's
    "Related pages") is no section of the content around it, nor the other way round."""
    content_ = iter(with_paths([b for b in found if not b.chrome]))
    chrome = iter(with_paths([b for b in found if b.chrome]))
    return tuple(next(chrome) if b.chrome else next(content_) for b in found)
