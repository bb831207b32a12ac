"""Front end: org-mode -> block tree.

One forward pass over the lines. `*`, `**`, ... headings (their TODO keyword, priority, tags
`:a:b:` and statistics cookies `[1/3]` `[50%]` dropped from the text); `#+TITLE:` is the declared
title and a level-1 heading, the other headings one level below it (as org's HTML export does);
other `#+KEY: value` lines are document properties; `:PROPERTIES:` drawers are `KeyValue`
blocks (other drawers are skipped); `-`/`+`/`1.` items (and `*` items when indented) with their
boxes (`[X]` ticked, `[ ]` unticked, `[-]` unknown: partly done) and their cookies dropped, nested by indentation, lines
indented under an item carrying it on; `term :: description` items are `KeyValue`s; org tables
(`| a | b |` with a `|---+---|` rule under the header) and table.el grid tables are `Table`s;
`#+BEGIN_SRC`/`EXAMPLE` blocks and `: ` fixed-width lines are `Code`; comments are skipped.
Inline markup: `*bold*` -> `**bold**`, `/it/` -> `*it*`, `=code=` and `~code~` -> code,
`+struck+` -> `~~struck~~`, `_underline_` and links `[[url][text]]` -> their text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from parsers.frontends import front_matter
from parsers.frontends.linescan import (
    ItemDraft,
    LineReader,
    indent_of,
    is_pipe_row,
    pipe_table,
    render_inline,
)
from parsers.frontends.plain_tables import GRID_BORDER_RE, grid_table
from parsers.model import Box, Code, Heading, KeyValue, Paragraph, Rule, Table, Tree, with_paths
from pipeline.config import Config
from pipeline.records import Document

NAME = "org"
# Its tree does not depend on the lexicon: a document in another language is not read again.
READS_LEXICON = False
SNIFF_CHARS = 200_000

# Signs of org-mode (sniff): a `#+KEY:` keyword line or block, a drawer, a heading with a
# statistics cookie or a TODO keyword.
KEYWORD_SIGN_RE = re.compile(
    r"^#\+(?:title|author|date|email|options|startup|property|filetags|setupfile|todo|seq_todo|"
    r"begin_src|begin_example|begin_quote)\b",
    re.IGNORECASE | re.MULTILINE,
)
DRAWER_SIGN_RE = re.compile(r"^[ \t]*:(?:PROPERTIES|LOGBOOK):[ \t]*$", re.MULTILINE)
COOKIE_HEADING_RE = re.compile(r"^\*+[ \t][^\n]*\[(?:\d+/\d+|\d+%)\][ \t]*(?::[\w@#%:]+:)?[ \t]*$", re.MULTILINE)
TODO_HEADING_RE = re.compile(r"^\*+[ \t]+(?:TODO|DONE)[ \t]", re.MULTILINE)
# The document declares a title (read before the pass: it sets the headings' levels).
TITLE_SIGN_RE = re.compile(r"^[ \t]*#\+title:", re.IGNORECASE | re.MULTILINE)

# A heading: stars at the start of the line, then a space.
HEADING_RE = re.compile(r"^(?P<stars>\*+)(?:[ \t]+|$)")
# A heading's tags at its end: " :work:urgent:". (Searched from the start of a run of blanks
# only, and possessive: a search tried from every blank of a long run would be quadratic.)
TAGS_RE = re.compile(r"(?<![ \t])[ \t]++(?::[\w@#%]++)++:[ \t]*+$")
# A heading's priority cookie right after its keyword: "[#A]".
PRIORITY_RE = re.compile(r"^\[#[A-Za-z0-9]\][ \t]*")
# A statistics cookie: "[1/3]", "[50%]", "[/]", "[%]", with the blanks before it (from the start
# of their run only: linear on a long run of blanks).
COOKIE_RE = re.compile(r"(?<![ \t])[ \t]*+\[(?:\d*+/\d*+|\d*+%)\]")
# Org's own TODO keywords, before any `#+TODO:` line adds its own.
TODO_WORDS = frozenset({"TODO", "DONE"})
# A `#+KEY: value` keyword line, and a `#+BEGIN_x` / `#+END_x` block line.
KEYWORD_RE = re.compile(r"^[ \t]*#\+(?P<key>[A-Za-z][\w-]*):[ \t]*")
BEGIN_RE = re.compile(r"^[ \t]*#\+begin_(?P<kind>\w+)(?P<args>[^\n]*)$", re.IGNORECASE)
END_RE = re.compile(r"^[ \t]*#\+end_(?P<kind>\w+)[ \t]*$", re.IGNORECASE)
# Blocks whose lines are code (or kept as written); a comment block is skipped.
CODE_BLOCKS = frozenset({"src", "example", "export", "verse"})
# A comment line: "#" then a space or nothing.
COMMENT_RE = re.compile(r"^[ \t]*#(?:[ \t]|$)")
# A drawer's first line (":PROPERTIES:", ":LOGBOOK:"), its last (":END:"), a property in it.
DRAWER_RE = re.compile(r"^[ \t]*:(?P<name>[\w-]+):[ \t]*$")
DRAWER_END_RE = re.compile(r"^[ \t]*:END:[ \t]*$", re.IGNORECASE)
PROPERTY_RE = re.compile(r"^[ \t]*:(?P<key>[^:\s]+):(?:[ \t]+|$)")
# A list item: "-", "+", "1.", "1)" (and "*" when indented), a space, an optional counter "[@3]".
ITEM_RE = re.compile(r"^(?P<indent>[ \t]*)(?:(?P<number>\d{1,9})[.)]|[-+]|(?<=[ \t])\*)(?:[ \t]+|$)(?:\[@\d+\][ \t]*)?")
# A list item's box: "[ ]", "[X]", "[-]" (partly done: unknown).
ORG_BOX_RE = re.compile(r"^\[(?P<mark>[ xX-])\](?:[ \t]+|$)")
ORG_BOX_STATES: dict[str, Box] = {" ": "unticked", "x": "ticked", "X": "ticked", "-": "unknown"}
# A description item's term: "Owner :: SRE".
DESCRIPTION_RE = re.compile(r"^(?P<term>.*?\S)[ \t]+::(?:[ \t]+|$)")
# A horizontal rule (five dashes or more) and a fixed-width line (": text").
RULE_RE = re.compile(r"^[ \t]*-{5,}[ \t]*$")
FIXED_RE = re.compile(r"^[ \t]*:(?:[ \t]|$)")

# Inline markup: emphasis markers between org's PRE and POST characters, their content not
# opening or closing on a space; links. Every alternative opens with its marker (the character
# before it is checked after it, by a lookbehind over both), so the engine skips to the next
# marker at C speed; each body stops at the next marker of its own kind, so every attempt ends
# within a marker's reach and a line is read in linear time.
NOT_PRE = "[^\\s\\-({'\"]"
POST = r"(?![^\s\-.,;:!?')}\"\\\[\]])"


def _emphasis(marker: str, group: str) -> str:
    """One org emphasis alternative: the marker, its body, the marker again."""
    m = re.escape(marker)
    return rf"{m}(?<!{NOT_PRE}{m})(?P<{group}>[^\s{m}](?:[^{m}\n]*?[^\s{m}])?){m}{POST}"


INLINE_RE = re.compile(
    "|".join(
        (
            _emphasis("=", "code"),
            _emphasis("~", "code2"),
            _emphasis("*", "strong"),
            _emphasis("/", "em"),
            _emphasis("+", "struck"),
            _emphasis("_", "inner"),
            r"\[\[[^\[\]\n]*\]\[(?P<inner2>[^\[\]\n]+)\]\]",
            r"\[\[(?P<literal>[^\[\]\n]+)\]\]",
        )
    )
)


def sniff(text: str) -> float:
    """How sure we are that the text is org-mode (0-1), from a few cheap patterns.

    >>> sniff("#+TITLE: Launch\\n* Checks [1/2]\\n- [X] a"), sniff("* Repo [1/3]\\n- [ ] a"), sniff("* TODO Ship\\n")
    (0.95, 0.95, 0.9)
    >>> sniff("* item\\n* item"), sniff("# Title\\n- [ ] a")
    (0.0, 0.0)
    """
    head = text[:SNIFF_CHARS]
    # (Each pattern is searched only when the text holds what it cannot match without: a pattern
    # anchored at line starts is tried at every character of a text, which is most of a sniff.)
    headings = head.startswith("*") or "\n*" in head
    if (
        ("#+" in head and KEYWORD_SIGN_RE.search(head))
        or ((":PROPERTIES:" in head or ":LOGBOOK:" in head) and DRAWER_SIGN_RE.search(head))
        or (headings and "[" in head and COOKIE_HEADING_RE.search(head))
    ):
        return 0.95
    return 0.9 if headings and TODO_HEADING_RE.search(head) else 0.0


def blocks(doc: Document, config: Config) -> Tree:
    """The document as a block tree (see the module docstring)."""
    _, body = front_matter.split(doc.text)
    lines = body.split("\n")
    reader = _Reader(lines, titled=TITLE_SIGN_RE.search(body) is not None)
    found = reader.read()
    return Tree(NAME, with_paths(found), declared_title=reader.title, properties=reader.properties)


def inline(text: str) -> tuple[str, str]:
    """(text, marked) of a line of org inline markup.

    >>> inline("*src/*: Source /code/ =a*b= ~x~ +Open+")
    ('src/: Source code a*b x ~~Open~~', '**src/**: Source *code* `a*b` `x` ~~Open~~')
    >>> inline("[[https://x][the docs]], [[https://y]], C++ a/b/c snake_case_x")
    ('the docs, https://y, C++ a/b/c snake_case_x', 'the docs, https://y, C++ a/b/c snake_case_x')
    """
    return render_inline(text, INLINE_RE)


def heading_text(raw: str, todo_words: frozenset[str]) -> str:
    """A heading's title: TODO keyword, priority, statistics cookies and tags gone.

    >>> heading_text("TODO [#A] Repository checklist [1/10] :repo:setup:", TODO_WORDS)
    'Repository checklist'
    """
    text = TAGS_RE.sub("", raw)
    first, _, rest = text.partition(" ")
    if first in todo_words:
        text = rest
    text = PRIORITY_RE.sub("", text.lstrip())
    return COOKIE_RE.sub("", text).strip()


class _Reader(LineReader):
    """One pass over the lines of an org document."""

    def __init__(self, lines: Sequence[str], *, titled: bool) -> None:
        super().__init__(lines)
        self.shift = 1 if titled else 0
        self.title: str | None = None
        self.properties: dict[str, str] = {}
        self.todo_words = TODO_WORDS
        self.paragraph_indent = 0
        self.item_open = False  # the current item takes the next indented line as more of its text
        self.blanks = 0
        self.caption = ""
        self.drawer_ends = _next_matching(lines, DRAWER_END_RE)
        self.headings = _next_matching(lines, HEADING_RE)

    def line(self, i: int) -> int:
        """Read the line at index i; the index to read next."""
        raw = self.lines[i]
        n = i + 1
        if not raw.strip():
            self.end_paragraph()
            self.item_open = False
            self.blanks += 1
            if self.blanks >= 2:
                self.builder.close()
            return i + 1
        self.blanks = 0
        indent = indent_of(raw)
        if (m := HEADING_RE.match(raw)) is not None:
            self.end_blocks()
            text, marked = inline(heading_text(raw[m.end() :].strip(), self.todo_words))
            level = min(6, len(m["stars"]) + self.shift)
            self.builder.block(Heading(line=n, end=n, level=level, text=text, marked=marked))
            return i + 1
        if (m := BEGIN_RE.match(raw)) is not None:
            return self.block(i, m["kind"].lower(), m["args"].strip(), indent)
        if (m := KEYWORD_RE.match(raw)) is not None:
            self.keyword(n, m["key"].upper(), raw[m.end() :].strip())
            return i + 1
        if COMMENT_RE.match(raw) or END_RE.match(raw):
            return i + 1
        if (m := DRAWER_RE.match(raw)) is not None and self.closed_drawer(i):
            return self.drawer(i, m["name"].upper())
        if is_pipe_row(raw):
            self.end_paragraph()
            table, end = pipe_table(self.lines, i, lambda c: inline(c)[0], "org")
            if table.rows or table.header:
                self.builder.block(_captioned(table, self.caption), indent)
            self.caption = ""
            return max(end, i + 1)
        if GRID_BORDER_RE.match(raw):
            table, end = grid_table(self.lines, i, lambda c: inline(c)[0])
            if table is not None:
                self.end_paragraph()
                self.builder.block(_captioned(table, self.caption), indent)
                self.caption = ""
                return max(end, i + 1)
        if RULE_RE.match(raw):
            self.end_blocks()
            self.builder.block(Rule(line=n, end=n))
            return i + 1
        if FIXED_RE.match(raw):
            return self.fixed(i, indent)
        if (m := ITEM_RE.match(raw)) is not None:
            self.item(n, raw[m.end() :], indent, int(m["number"]) if m["number"] else None)
            return i + 1
        self.text(n, raw.strip(), indent)
        return i + 1

    def text(self, n: int, s: str, indent: int) -> None:
        """A line of text: more of the current item, or of a paragraph (in an item when indented under it)."""
        current = self.builder.current
        if current is not None and indent > current.indent:
            if self.item_open and not self.paragraph:
                text, marked = inline(s)
                current.add_text(text, marked, n)
                return
        elif current is not None:
            self.end_paragraph()
            self.builder.close()
        if self.paragraph and indent != self.paragraph_indent and current is not None:
            self.end_paragraph()
        if not self.paragraph:
            self.paragraph_indent = indent
        self.paragraph.append((n, s))

    def item(self, n: int, rest: str, indent: int, number: int | None) -> None:
        self.end_paragraph()
        box: Box | None = None
        if (b := ORG_BOX_RE.match(rest)) is not None:
            box, rest = ORG_BOX_STATES[b["mark"]], rest[b.end() :]
        if box is None and (d := DESCRIPTION_RE.match(rest)) is not None:
            value, marked = inline(rest[d.end() :])
            key = inline(d["term"])[0]
            self.builder.block(KeyValue(line=n, end=n, key=key, value=value, marked=marked), indent)
            self.item_open = False
            return
        text, marked = inline(COOKIE_RE.sub("", rest))
        self.builder.item(ItemDraft(line=n, end=n, indent=indent, text=text, marked=marked, box=box, number=number))
        self.item_open = True

    def keyword(self, n: int, key: str, value: str) -> None:
        if key == "TITLE":
            text, marked = inline(value)
            if self.title is None:
                self.title = text
                self.end_blocks()
                self.builder.block(Heading(line=n, end=n, level=1, text=text, marked=marked))
        elif key == "CAPTION":
            self.caption = inline(value)[0]
        elif key in ("TODO", "SEQ_TODO", "TYP_TODO"):
            self.todo_words = self.todo_words | {w for w in value.replace("|", " ").split() if w.isupper()}
        elif key != "TBLFM" and value:
            self.properties.setdefault(key.lower(), inline(value)[0])

    def closed_drawer(self, i: int) -> bool:
        """Whether the drawer opening at index i ends (":END:") before the next heading."""
        end, heading = self.drawer_ends[i + 1], self.headings[i + 1]
        return end >= 0 and (heading < 0 or end < heading)

    def block(self, i: int, kind: str, args: str, indent: int) -> int:
        """A `#+BEGIN_x` block: code, skipped (a comment) or read through (a quote, a note)."""
        if kind not in CODE_BLOCKS and kind != "comment":
            return i + 1  # a quote, a centre, a note: its lines are read as any others
        end = i + 1
        while end < len(self.lines) and not END_RE.match(self.lines[end]):
            end += 1
        if kind != "comment":
            self.end_paragraph()
            body = "\n".join(self.lines[i + 1 : end])
            lang = args.split()[0] if args and kind == "src" else ""
            self.builder.block(Code(line=i + 1, end=min(end + 1, len(self.lines)), text=body, lang=lang), indent)
        return end + 1

    def drawer(self, i: int, name: str) -> int:
        """A drawer: a property drawer's lines are `KeyValue`s; any other drawer is skipped."""
        end = self.drawer_ends[i + 1]
        if name == "PROPERTIES":
            self.end_paragraph()
            for k in range(i + 1, end):
                if (m := PROPERTY_RE.match(self.lines[k])) is not None:
                    value, marked = inline(self.lines[k][m.end() :])
                    self.builder.block(KeyValue(line=k + 1, end=k + 1, key=m["key"], value=value, marked=marked))
        return end + 1

    def fixed(self, i: int, indent: int) -> int:
        """Fixed-width lines (": text"): one code block."""
        self.end_paragraph()
        end = i
        while end < len(self.lines) and FIXED_RE.match(self.lines[end]):
            end += 1
        body = "\n".join(line.lstrip()[2:] for line in self.lines[i:end])
        self.builder.block(Code(line=i + 1, end=end, text=body), indent)
        return end

    def end_paragraph(self) -> None:
        if self.paragraph:
            text, marked = inline("\n".join(s for _, s in self.paragraph))
            block = Paragraph(line=self.paragraph[0][0], end=self.paragraph[-1][0], text=text, marked=marked)
            self.builder.block(block, self.paragraph_indent)
            self.paragraph = []

    def end_blocks(self) -> None:
        self.end_paragraph()
        self.builder.close()
        self.item_open = False


def _captioned(table: Table, caption: str) -> Table:
    return replace(table, caption=caption) if caption else table


def _next_matching(lines: Sequence[str], pattern: re.Pattern[str]) -> list[int]:
    """For each index, the index of the first line at or after it that matches (-1 when none)."""
    out = [-1] * (len(lines) + 1)
    for k in range(len(lines) - 1, -1, -1):
        out[k] = k if pattern.match(lines[k]) else out[k + 1]
    return out
