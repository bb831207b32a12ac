"""Front end: Markdown (CommonMark + GFM pipe tables and strikethrough) -> block tree.

One pass of markdown-it-pyrs (the Rust port of markdown-it, same tree and source maps, about
ten times faster than markdown-it-py) gives blocks and their inline content together; source
maps are byte offsets, turned into 1-based lines. What markdown-it has no rule for is read here
too: raw HTML blocks go to the HTML front end (a Markdown file with an HTML table gets both),
Pandoc grid tables and space-aligned tables (`parsers.frontends.plain_tables`) replace the
paragraphs markdown-it saw in their place, org-mode and psql header rules (`|---+---|`) read as
GFM delimiter rows, and a `|` inside a code span does not split a table cell (authors write
`a|b` in code and mean it). A YAML front-matter block is a document property, not text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

import markdown_it_pyrs

from parsers.frontends import front_matter, html
from parsers.frontends.boxes import BOX_RE, leading_box
from parsers.frontends.panics import quiet_panics
from parsers.frontends.plain_tables import find_tables
from parsers.inline import code, escape, in_page_link
from parsers.model import Block, Code, Heading, ListItem, Paragraph, Quote, Row, Rule, Table, Tree, with_paths
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.records import Document
from pipeline.textnorm import visible

NAME = "markdown"
# Its tree does not depend on the lexicon: a document in another language is not read again.
READS_LEXICON = False

# An HTML block that opens by closing a disclosure (`</details>`): the end of what its
# `<summary>` headed.
DETAILS_END_RE = re.compile(r"^\s*</details\s*>", re.IGNORECASE)

PARSER = markdown_it_pyrs.MarkdownIt("commonmark").enable_many(["table", "strikethrough"])

# Signs of Markdown, looked for cheaply (sniff): an ATX heading, a GFM delimiter row, a code
# fence, emphasis or a link.
ATX_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE)
# (One run of blanks before the optional pipe and one after it, never two runs that can trade
# blanks: a 64 KB line of spaces is linear.)
DELIMITER_ROW_RE = re.compile(r"^[ \t]*(?:\|[ \t]*)?:?-{3,}:?[ \t]*\|", re.MULTILINE)
FENCE_RE = re.compile(r"^ {0,3}(?:```|~~~)", re.MULTILINE)
# (A link's text and target stop at the next bracket or parenthesis, so a line of "[a[a[a..." is
# scanned once, not once per bracket.)
INLINE_MARKUP_RE = re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__|\[[^\[\]\n]+\]\([^()\n]+\)")
# The header rule of an org-mode or psql table ("|----+-----|", "-----+------"): rewritten as a
# GFM delimiter row before parsing, no line added or removed. (Every run is possessive: what
# follows each can never start with what it holds, so giving some back never helps, and a rule
# followed by 64K tabs and one more character fails in one pass instead of trying every split of
# the tabs between two runs.)
PLUS_RULE_RE = re.compile(r"^[ \t]*+(?:\|[ \t]*+)?:?-++:?[ \t]*+(?:\+[ \t]*+:?-++:?[ \t]*+)+\|?[ \t]*$", re.MULTILINE)
# A code span: a whole run of backticks (none before it, all of it), the shortest text, the same
# run again (one line). Tried from the start of a run only: a greedy run tried from each of its
# backticks would make a line of 64,000 backticks quadratic.
CODE_SPAN_RE = re.compile(r"(?<!`)(?P<ticks>`++)(?P<code>[^`\n]+?)(?P=ticks)(?!`)")
# `<br>` written inside a paragraph or cell: a line break.
BR_TAG_RE = re.compile(r"^<br\s*/?>$", re.IGNORECASE)
NEWLINE_RE = re.compile(rb"\n")
# A backslash escape (taken whole, so that the character it escapes is left alone), or a backtick.
ESCAPE_OR_BACKTICK_RE = re.compile(r"\\.|`")
# A line that opens more than MAX_NESTING containers (`> > > ...`, `- - - ...`, `1. 1. ...`):
# what it keeps (the first MAX_NESTING markers), then the marker past them. markdown-it-pyrs
# takes time quadratic in the containers one line opens (a 100 KB line of "- " ran past 10 s),
# so the marker past the limit is escaped before parsing: the rest of the line is its text.
DEEP_LINE_RE = re.compile(
    r"^(?P<kept>(?:[ \t]*+(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))){40}[ \t]*+)(?=>|[-*+][ \t]|\d{1,9}[.)][ \t])",
    re.MULTILINE,
)


def sniff(text: str) -> float:
    """How sure we are that the text is Markdown (0-1), from a few cheap patterns.

    >>> sniff("## Risks\\n- x"), sniff("| ID | Risk |\\n|---|---|"), sniff("Title\\n- item\\nOwner: SRE")
    (0.9, 0.9, 0.0)
    >>> sniff("**Owner**: SRE")
    0.6
    """
    head = text[:200_000]
    if ATX_RE.search(head) or DELIMITER_ROW_RE.search(head) or FENCE_RE.search(head) or PLUS_RULE_RE.search(head):
        return 0.9
    if INLINE_MARKUP_RE.search(head):
        return 0.6
    return 0.0


def blocks(doc: Document, config: Config) -> Tree:
    """The document as a block tree (see the module docstring)."""
    properties, text = front_matter.split(doc.text)
    if "\r" in text:  # markdown-it takes a lone "\r" for a line break; lines here are counted by "\n"
        text = text.replace("\r", " ")
    source = _capped_nesting(_escape_code_span_pipes(_plus_rules_as_pipes(text)))
    try:
        parsed = _parse(source, doc.path)
    except _Panicked:  # read again with no code span at all: backticks then cannot panic
        source = _escape_backticks(source)
        parsed = _parse(source, doc.path)
    data = source.encode("utf-8", "surrogatepass")
    walker = _Walker([0, *(m.end() for m in NEWLINE_RE.finditer(data))], config)
    walked = list(walker.blocks(parsed.children))
    found = _with_plain_tables(walked, text.split("\n"), walker.code_lines)
    # The walker made every block with its heading path: only blocks made outside it (HTML
    # fragments, grid tables in place of paragraphs) need with_paths to place them.
    placed = tuple(walked) if found is walked and not walker.html_blocks else with_paths(found)
    return Tree(NAME, placed, declared_title=properties.pop("title", None), properties=properties)


class _Panicked(ParseError):
    """markdown-it-pyrs panicked on the text."""


def _parse(source: str, path: str) -> markdown_it_pyrs.Node:
    """markdown-it-pyrs's tree of the text. The Rust parser panics on a few inputs (a backtick
    run in a link label that nothing closes, "[`x"; markdown-it-rust issue #40); a panic reaches
    Python as a BaseException that no ordinary handler sees, so it becomes a ParseError here
    (`_Panicked`: `blocks` then reads the text again with its backticks escaped, and a second
    panic rejects the document with its reason instead of stopping the run). Text that holds
    both a "[" and a backtick is parsed with Rust's panic report kept off the terminal
    (`quiet_panics`); other text cannot panic that way and is parsed as it is."""
    try:
        if "[" in source and "`" in source:
            return quiet_panics(lambda: PARSER.tree(source))
        return PARSER.tree(source)
    except (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError):
        raise
    except BaseException as err:
        if type(err).__name__ != "PanicException":
            raise
        raise _Panicked(f"the Markdown parser failed on this text ({err}); please report it", path) from err


class _Walker:
    """Turns markdown-it-pyrs nodes into blocks; knows how to map byte offsets to lines, and the
    headings above the node it is at (each block is made with its `path`, as `with_paths` sets it)."""

    def __init__(self, line_starts: list[int], config: Config) -> None:
        self.line_starts = line_starts
        self.config = config
        self.code_lines: set[int] = set()  # 0-based lines inside code blocks and HTML blocks
        self.html_blocks = False  # whether an HTML block was read (its blocks come without paths)
        self.nesting = 0  # lists and quotes we are inside of
        self.headings: list[tuple[int, str]] = []  # (level, text) of the open top-level headings
        self.path: tuple[tuple[int, str], ...] = ()  # the same, as the blocks made now hold it

    def span(self, node: markdown_it_pyrs.Node) -> tuple[int, int]:
        """(first line, last line), 1-based, of a node."""
        start, stop = node.srcmap or (0, 0)
        first = bisect.bisect_right(self.line_starts, start)
        last = bisect.bisect_right(self.line_starts, max(start, stop - 1))
        return first, last

    def blocks(self, nodes: Sequence[markdown_it_pyrs.Node], depth: int = 0) -> Iterator[Block]:
        for node in nodes:
            yield from self.block(node, depth)

    def block(self, node: markdown_it_pyrs.Node, depth: int) -> Iterator[Block]:
        name = node.name
        first, last = self.span(node)
        if name in ("heading", "lheading"):
            plain, marked = render(node.children)
            level = int(node.meta.get("level", 1))
            if self.nesting:  # a heading in a list or quote opens no section (as with_paths reads it)
                yield Heading(line=first, end=last, level=level, text=plain, marked=marked, path=self.path)
                return
            while self.headings and self.headings[-1][0] >= level:
                self.headings.pop()
            yield Heading(line=first, end=last, level=level, text=plain, marked=marked, path=tuple(self.headings))
            self.headings.append((level, plain))
            self.path = tuple(self.headings)
        elif name == "paragraph":
            yield from self.paragraph(node, first, last, depth)
        elif name in ("bullet_list", "ordered_list", "blockquote") and self.nesting >= MAX_NESTING:
            yield _flattened(node, first, last, self.path)
        elif name in ("bullet_list", "ordered_list"):
            start = int(node.meta.get("start", 1)) if name == "ordered_list" else None
            for k, item in enumerate(node.children):
                yield self.item(item, None if start is None else start + k, depth)
        elif name == "table":
            yield self.table(node, first, last)
        elif name in ("fence", "code_block"):
            self.code_lines.update(range(first - 1, last))
            yield Code(
                line=first, end=last, text=node.meta.get("content", ""), lang=node.meta.get("info", ""), path=self.path
            )
        elif name == "blockquote":
            self.nesting += 1
            try:
                yield Quote(line=first, end=last, children=tuple(self.blocks(node.children, depth)), path=self.path)
            finally:
                self.nesting -= 1
        elif name == "hr":
            yield Rule(line=first, end=last, path=self.path)
        elif name == "html_block":
            self.code_lines.update(range(first - 1, last))
            self.html_blocks = True
            if DETAILS_END_RE.match(node.meta.get("content", "")):
                # A disclosure closes: its summary heads nothing after it, as a thematic break ends
                # what a label above it was collecting.
                yield Rule(line=first, end=first, path=self.path)
            yield from html.fragment_blocks(node.meta.get("content", ""), first, self.config)

    def paragraph(self, node: markdown_it_pyrs.Node, first: int, last: int, depth: int) -> Iterator[Block]:
        plain, marked = render(node.children)
        lines = marked.split("\n")
        if len(lines) > 1 and all(BOX_RE.match(line) for line in lines):
            # Box lines that lost their list marker ("[x] Flag in place", "☑ Backups restored"): items.
            for k, (own, mark) in enumerate(zip(plain.split("\n"), lines, strict=False)):
                box, own_text = leading_box(own)
                _, own_marked = leading_box(mark)
                line = first + k
                yield ListItem(
                    line=line, end=line, text=own_text, marked=own_marked, box=box, depth=depth, path=self.path
                )
            return
        yield Paragraph(line=first, end=last, text=plain, marked=marked, path=self.path)

    def item(self, node: markdown_it_pyrs.Node, number: int | None, depth: int) -> ListItem:
        first, last = self.span(node)
        kids = node.children  # a fresh list on each access
        # A tight list's item holds its inline nodes directly; a loose one opens with a paragraph.
        if kids and kids[0].name == "paragraph":
            inline = kids[0].children
            kids = kids[1:]
        else:
            lead = 0
            while lead < len(kids) and kids[lead].name not in BLOCK_NAMES:
                lead += 1
            inline, kids = kids[:lead], kids[lead:]
        plain, marked = render(inline)
        box, plain = leading_box(plain)
        if box is not None:
            marked = leading_box(marked)[1]
        nested: tuple[Block, ...] = ()
        if kids:
            self.nesting += 1
            try:
                nested = tuple(self.blocks(kids, depth + 1))
            finally:
                self.nesting -= 1
        return ListItem(
            line=first,
            end=last,
            text=plain,
            marked=marked,
            box=box,
            number=number,
            depth=depth,
            children=nested,
            path=self.path,
            chrome=box is None and _anchor_link_only(inline),
        )

    def table(self, node: markdown_it_pyrs.Node, first: int, last: int) -> Table:
        header: tuple[str, ...] = ()
        rows: list[Row] = []
        for part in node.children:
            for tr in part.children:
                cells = tuple(render(cell.children)[0] for cell in tr.children)
                if part.name == "thead":
                    header = tuple(c.replace("\n", " ") for c in cells)
                else:
                    rows.append(Row(self.span(tr)[0], cells))
        return Table(line=first, end=last, header=header, rows=tuple(rows), layout="pipe", path=self.path)


# Lists and quotes nested deeper than this are read as one paragraph of their text: no register
# nests that deep, and walking further would only spend the stack (a hostile document nests
# thousands deep).
MAX_NESTING = 40


def _anchor_link_only(nodes: Sequence[markdown_it_pyrs.Node]) -> bool:
    """Whether inline nodes are one link to an anchor in the page and nothing else but blanks
    (`- [Engineering](#engineering)`: a table of contents' entry).

    >>> _anchor_link_only(PARSER.tree("[Engineering](#engineering)").children[0].children)
    True
    >>> _anchor_link_only(PARSER.tree("See [Engineering](#engineering)").children[0].children)
    False
    """
    if len(nodes) > 3:  # a link with at most a blank or a break on either side
        return False
    # Most items are one node: nothing to filter (a lone blank or break is no link either way).
    filled = (
        nodes
        if len(nodes) == 1
        else [n for n in nodes if n.name != "softbreak" and (n.name != "text" or n.meta.get("content", "").strip())]
    )
    return len(filled) == 1 and filled[0].name == "link" and in_page_link(filled[0].meta.get("url"))


def _flattened(node: markdown_it_pyrs.Node, first: int, last: int, path: tuple[tuple[int, str], ...]) -> Paragraph:
    """The text of a whole subtree as one paragraph, read without recursion."""
    pieces: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        content = current.meta.get("content") if current.name in ("text", "text_special", "code_inline") else None
        if content:
            pieces.append(content)
        elif current.name in ("softbreak", "hardbreak", "paragraph"):
            pieces.append(" ")
        stack.extend(reversed(current.children))
    text = _tidy(" ".join(pieces))
    return Paragraph(line=first, end=last, text=text, marked=escape(text), path=path)


# Node names of blocks that may sit in a list item after its inline text.
BLOCK_NAMES = frozenset(
    {
        "paragraph",
        "bullet_list",
        "ordered_list",
        "fence",
        "code_block",
        "blockquote",
        "table",
        "hr",
        "heading",
        "lheading",
        "html_block",
    }
)


def render(nodes: Sequence[markdown_it_pyrs.Node]) -> tuple[str, str]:
    """(plain, marked) text of inline nodes (see `parsers.model` for the two forms).

    >>> render(PARSER.tree("**Likelihood:** ~~High~~ Low `a*b` [x](y) 2\\\\*3<br>next").children[0].children)
    ('Likelihood: ~~High~~ Low a*b x 2*3\\nnext', '**Likelihood:** ~~High~~ Low `a*b` x 2\\\\*3\\nnext')
    """
    if len(nodes) == 1 and nodes[0].name == "text":  # most items and cells: one run of text
        plain_text = nodes[0].meta.get("content", "")
        marked_text = escape(plain_text)
    else:
        plain: list[str] = []
        marked: list[str] = []
        _render(nodes, plain, marked)
        plain_text, marked_text = "".join(plain), "".join(marked)
    # Most inline text has nothing escaped and no markup: then both forms are the same string,
    # tidied once.
    tidy_plain = _tidy(plain_text)
    return tidy_plain, (tidy_plain if marked_text == plain_text else _tidy(marked_text))


# Markers of the inline nodes that keep their markup in the marked form (struck text in both).
INLINE_MARKS = {"strong": "**", "em": "*", "strikethrough": "~~"}


def _render(nodes: Sequence[markdown_it_pyrs.Node], plain: list[str], marked: list[str]) -> None:
    """Append the text of inline nodes, depth first with an explicit stack (emphasis can nest
    thousands deep in a hostile line); a string on the stack is a closing marker."""
    stack: list[markdown_it_pyrs.Node | str] = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            marked.append(node)
            if node == "~~":
                plain.append(node)
            continue
        name = node.name
        if name in ("text", "text_special"):
            content = node.meta.get("content", "")
            plain.append(content)
            marked.append(escape(content))
        elif name in ("softbreak", "hardbreak"):
            plain.append("\n")
            marked.append("\n")
        elif name in INLINE_MARKS:
            mark = INLINE_MARKS[name]
            marked.append(mark)
            if name == "strikethrough":
                plain.append(mark)
            stack.append(mark)
            stack.extend(reversed(node.children))
        elif name == "code_inline":
            content = "".join(c.meta.get("content", "") for c in node.children)
            plain.append(content)
            marked.append(code(content))
        elif name == "html_inline":
            if BR_TAG_RE.match(node.meta.get("content", "").strip()):
                plain.append("\n")
                marked.append("\n")
        else:  # link, image (its alt text), autolink: their text
            stack.extend(reversed(node.children))


SPACE_RUN_RE = re.compile(r"[ \t\u00a0]+")


def _tidy(text: str) -> str:
    """Spaces squashed and trimmed on each line; blank lines dropped; invisible characters gone.

    >>> _tidy("\\u200b WM-101\\ufeff"), _tidy(" a  b \\n\\n c ")
    ('WM-101', 'a b\\nc')
    """
    text = visible(text)
    if "\n" not in text:
        # A line with no run to squash (the usual case) needs only its ends trimmed.
        if "  " not in text and "\t" not in text and "\u00a0" not in text:
            return text.strip()
        return SPACE_RUN_RE.sub(" ", text).strip()
    return "\n".join(s for line in text.split("\n") if (s := SPACE_RUN_RE.sub(" ", line).strip()))


def _with_plain_tables(found: list[Block], lines: Sequence[str], code_lines: set[int]) -> list[Block]:
    """The blocks with grid and space-aligned tables in place of what markdown-it read there."""
    if not any(("--" in line or "==" in line or line.lstrip().startswith("+")) for line in lines):
        return found
    tables = find_tables(lines, lambda i: i in code_lines, _inline_plain)
    if not tables:
        return found
    covered = [(t.line, t.end) for t in tables]
    kept = [b for b in found if not any(a <= b.line <= z for a, z in covered)]
    return sorted([*kept, *tables], key=lambda b: b.line)


def _inline_plain(text: str) -> str:
    """Plain text of one cell of a grid or aligned table, its Markdown markup read."""
    if not text or not any(c in text for c in "*_`[<~\\&"):
        return text
    tree = PARSER.tree(text)
    return render(tree.children[0].children)[0] if tree.children else text


def _plus_rules_as_pipes(text: str) -> str:
    """Org-mode and psql header rules ("|----+----|") as GFM delimiter rows ("|----|----|");
    grid-table borders ("+----+") are left alone, and no line is added or removed.

    >>> _plus_rules_as_pipes("| ID | Risk |\\n|----+------|"), _plus_rules_as_pipes("+----+----+")
    ('| ID | Risk |\\n|----|------|', '+----+----+')
    """
    if "-+" not in text and "+-" not in text:
        return text
    return PLUS_RULE_RE.sub(lambda m: m.group(0).replace("+", "|"), text)


def _capped_nesting(text: str) -> str:
    """Lines that open more than MAX_NESTING lists or quotes with their marker past that escaped
    (see DEEP_LINE_RE); no line added or removed.

    >>> _capped_nesting("- " * 42 + "x") == "- " * 40 + "\\\\- - x", _capped_nesting("> > x")
    (True, '> > x')
    """
    return DEEP_LINE_RE.sub(r"\g<kept>\\", text)


def _escape_backticks(text: str) -> str:
    r"""Every backtick escaped (read as a plain backtick: no code span), except on the lines that
    open or close a code fence; an escape already there stays as it is. For text on which the
    parser panicked: its code spans read as text, but the rest of it reads.

    >>> print(_escape_backticks(r"see [`x and `y` \` \\`"))
    see [\`x and \`y\` \` \\\`
    >>> _escape_backticks("```\ncode`\n```").split("\n")
    ['```', 'code\\`', '```']
    """
    return "\n".join(
        line if FENCE_RE.match(line) else ESCAPE_OR_BACKTICK_RE.sub(_escaped_backtick, line)
        for line in text.split("\n")
    )


def _escaped_backtick(m: re.Match[str]) -> str:
    return "\\`" if m.group() == "`" else m.group()


def _escape_code_span_pipes(text: str) -> str:
    """Escape `|` inside code spans on table lines, so that it does not split the cell; line by
    line, never adding or removing a line.

    >>> _escape_code_span_pipes("| `a|b` | c |")
    '| `a\\\\|b` | c |'
    """
    if "`" not in text:
        return text
    lines = text.split("\n")
    for k, line in enumerate(lines):
        if "|" in line and "`" in line:
            lines[k] = CODE_SPAN_RE.sub(lambda m: m.group(0).replace("\\|", "|").replace("|", "\\|"), line)
    return "\n".join(lines)
