"""Front end: reStructuredText -> block tree.

One forward pass over the lines. Section titles by their adornment (underlined, or over- and
underlined), levels in the order the styles first appear, as docutils does; bullet (`-`, `*`,
`+`, `•`) and enumerated (`1.`, `1)`, `(1)`, `#.`, `a.`) lists nested by indentation, with a
`[ ]`/`[x]` box at the start of an item read as its box (not native reST, but common), and a
paragraph whose every line opens with a box read as that many items; field
lists (`:Owner: SRE`) and definition lists (a term, its definition indented under it) are
`KeyValue`s; grid and simple tables (`parsers.frontends.plain_tables`), `.. list-table::` and
`.. csv-table::` are `Table`s; `.. code-block::` directives and `::` literal blocks are `Code`;
admonitions (`.. note::`...) are read through, every other directive and comment is skipped.
Inline markup: ``literal`` and `:code:` roles -> code, `**strong**`, `*emphasis*` and
`interpreted text`, links and roles -> their text, backslash escapes undone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from parsers.frontends import front_matter
from parsers.frontends.boxes import BOX_RE, leading_box
from parsers.frontends.linescan import ItemDraft, LineReader, indent_of, render_inline
from parsers.frontends.plain_tables import DASH_RULE_RE, GRID_BORDER_RE, aligned_table, grid_table
from parsers.frontends.rst_tables import csv_table, dedented, list_table
from parsers.model import Block, Code, Heading, KeyValue, Paragraph, Rule, Tree, with_paths
from pipeline.config import Config
from pipeline.records import Document

NAME = "rst"
# Its tree does not depend on the lexicon: a document in another language is not read again.
READS_LEXICON = False
SNIFF_CHARS = 200_000

# Signs of reStructuredText (sniff): a directive; a title over- and underlined alike; a title
# underlined with as many characters as it has; a field list; a ``literal``; a Markdown link
# (then an underlined title is more likely Markdown's setext heading).
DIRECTIVE_SIGN_RE = re.compile(r"^[ \t]*\.\.[ \t]+[A-Za-z][\w:-]*::", re.MULTILINE)
OVERLINE_SIGN_RE = re.compile(r"^(?P<a>([=\-~^\"'`#*+:.])\2{2,})[ \t]*\n(?P<title>[^\n]+)\n(?P=a)[ \t]*$", re.MULTILINE)
UNDERLINE_SIGN_RE = re.compile(r"^(?P<title>[^\s\n][^\n]*)\n(?P<u>[=\-~^\"'`#*+:])(?P=u){2,}[ \t]*$", re.MULTILINE)
# The characters OVERLINE_SIGN_RE and UNDERLINE_SIGN_RE take for an adornment (a run of three or more).
ADORNMENT_CHARS = "=-~^\"'`#*+:."
FIELD_SIGN_RE = re.compile(r"^:[A-Za-z][\w -]{0,30}:[ \t]+\S", re.MULTILINE)
LITERAL_SIGN_RE = re.compile(r"``[^`\n]+``")
# A line that opens with a task box (`boxes.BOX_RE`: [x], ☑, [n/a]...) and no list marker: a
# plain-text checklist, not reST.
BARE_BOX_SIGN_RE = re.compile(r"^[ \t]*" + BOX_RE.pattern.removeprefix("^"), re.MULTILINE)
MARKDOWN_LINK_RE = re.compile(r"\]\([^)\s]+\)")

# A line of one punctuation character repeated: a title's adornment, or a transition.
ADORNMENT_RE = re.compile(r"^(?P<c>[!-/:-@\[-`{-~])(?P=c){2,}[ \t]*$")
# A directive ".. name:: args", a comment or target ".. anything", a field ":name: body".
DIRECTIVE_RE = re.compile(r"^[ \t]*\.\.[ \t]+(?P<name>[A-Za-z][\w:+-]*)::(?:[ \t]+|$)")
EXPLICIT_RE = re.compile(r"^[ \t]*\.\.(?:[ \t]|$)")
FIELD_RE = re.compile(r"^[ \t]*:(?P<name>[^:\s`][^:`\n]{0,60}?):(?:[ \t]+|$)")
# A list item's marker: a bullet, or an enumerator "1." "1)" "(1)" "#." "a.".
BULLET_RE = re.compile(r"^[ \t]*[-*+•‣⁃](?:[ \t]+|$)")
ENUM_RE = re.compile(r"^[ \t]*(?:\((?P<paren>\d{1,9}|[A-Za-z#])\)|(?P<number>\d{1,9}|[A-Za-z#])[.)])(?:[ \t]+|$)")
# A line of a line block: "| text".
LINE_BLOCK_RE = re.compile(r"^[ \t]*\|(?:[ \t]+|$)")
# Directives whose body is code, is a table, or is read as any other text; the rest are skipped.
CODE_DIRECTIVES = frozenset({"code", "code-block", "sourcecode", "highlight", "parsed-literal", "math"})
READ_THROUGH = frozenset(
    {
        *("note", "warning", "tip", "important", "caution", "attention", "danger", "error", "hint"),
        *("admonition", "topic", "sidebar", "container", "only", "rubric", "epigraph", "highlights"),
        *("pull-quote", "compound", "class", "seealso", "versionadded", "versionchanged", "deprecated"),
    }
)

# Inline markup, between reST's start-string and end-string characters. Every alternative opens
# with its marker (the character before it is checked after it, by a lookbehind over both), so
# the engine skips to the next marker at C speed; each body stops at the next character of its
# own kind, so a line is read in linear time.
NOT_PRE = "[^\\s\\-:/'\"<(\\[{]"
POST = r"(?![^\s\-.,:;!?\\/'\")\]}>])"
CODE_ROLES = "code|literal|file|samp|command|kbd|program|option|envvar|makevar|regexp|abbr"
INLINE_RE = re.compile(
    r"\\(?P<literal>[^\s])"
    rf"|``(?<!{NOT_PRE}``)(?P<code>[^\s`](?:[^`\n]*?[^\s`])?)``{POST}"
    rf"|:(?<!{NOT_PRE}:)(?:{CODE_ROLES}):`(?P<code2>[^`\n]+)`{POST}"
    rf"|:(?<!{NOT_PRE}:)strong:`(?P<strong2>[^`\n]+)`{POST}"
    rf"|:(?<!{NOT_PRE}:)(?:emphasis|title-reference|title|t):`(?P<em2>[^`\n]+)`{POST}"
    rf"|:(?<!{NOT_PRE}:)[\w.+-]+(?::[\w.+-]+)?:`(?P<role>[^`\n]+)`{POST}"
    rf"|`(?<!{NOT_PRE}`)(?P<link>[^`<\n]*?)[ \t]*<[^<>`\n]*>`_{{0,2}}{POST}"
    rf"|\*\*(?<!{NOT_PRE}\*\*)(?P<strong>[^\s*](?:[^*\n]*?[^\s*])?)\*\*{POST}"
    rf"|\*(?<!{NOT_PRE}\*)(?P<em>[^\s*](?:[^*\n]*?[^\s*])?)\*{POST}"
    rf"|`(?<!{NOT_PRE}`)(?P<em3>[^\s`](?:[^`\n]*?[^\s`])?)`(?:_{{1,2}})?{POST}"
)
# A role's target in angle brackets: ":doc:`Install <install>`" shows "Install".
# (From the start of a run of blanks only, and possessive: linear on a long run of them.)
ROLE_TARGET_RE = re.compile(r"(?<![ \t])[ \t]*+<[^<>\n]*+>$")


def sniff(text: str) -> float:
    """How sure we are that the text is reStructuredText (0-1), from a few cheap patterns.

    >>> sniff("=========\\nChecklist\\n=========\\n\\n- [ ] a"), sniff(".. note::\\n   x")
    (0.95, 0.95)
    >>> sniff("Risks\\n=====\\n\\n- x"), sniff("Risks\\n=====\\n\\n[docs](http://x)"), sniff("Risks\\n==\\n")
    (0.85, 0.5, 0.0)
    >>> sniff(":Owner: SRE\\n"), sniff("# Risks\\n"), sniff("----\\nmake release\\n----")
    (0.6, 0.0, 0.0)
    >>> sniff("VPN checklist\\n-------------\\n\\nNetwork\\n  [x] Routes published\\n")
    0.25
    """
    head = front_matter.split(text[:SNIFF_CHARS])[1]
    # (Each pattern is searched only when the text holds what it cannot match without: a pattern
    # anchored at line starts is tried at every character of a text, which is most of a sniff.)
    adorned = any(c * 3 in head for c in ADORNMENT_CHARS)
    if (".." in head and DIRECTIVE_SIGN_RE.search(head)) or (
        adorned and any(len(m["a"]) >= len(m["title"].strip()) for m in OVERLINE_SIGN_RE.finditer(head))
    ):
        return 0.95
    field = (head.startswith(":") or "\n:" in head) and FIELD_SIGN_RE.search(head) is not None
    for m in UNDERLINE_SIGN_RE.finditer(head) if adorned else ():
        title, rule = m["title"].rstrip(), m.group(0).split("\n", 1)[1].rstrip()
        if len(rule) == len(title) or (len(rule) > len(title) and m["u"] not in "=-"):
            if MARKDOWN_LINK_RE.search(head):
                return 0.5
            if field or LITERAL_SIGN_RE.search(head):
                return 0.9
            # Bare box lines under an underlined title: a plain-text checklist (the text front end
            # reads its sections and boxes; reST would take "Network" over them as a definition).
            return 0.25 if BARE_BOX_SIGN_RE.search(head) else 0.85
    return 0.6 if field else 0.0


def blocks(doc: Document, config: Config) -> Tree:
    """The document as a block tree (see the module docstring)."""
    properties, body = front_matter.split(doc.text)
    found = _Reader(body.split("\n")).read()
    return Tree(NAME, with_paths(found), declared_title=properties.pop("title", None), properties=properties)


def inline(text: str) -> tuple[str, str]:
    """(text, marked) of a line of reST inline markup.

    >>> inline("Run ``make test|lint`` and :code:`x*y`; **Owner:** *SRE*")
    ('Run make test|lint and x*y; Owner: SRE', 'Run `make test|lint` and `x*y`; **Owner:** *SRE*')
    >>> inline("`docs <https://x>`_ :doc:`Install <install>` 2*3 \\\\*")
    ('docs Install 2*3 *', 'docs Install 2\\\\*3 \\\\*')
    """
    return render_inline(text, INLINE_RE, _role)


def _cell_text(text: str) -> str:
    """A table cell's text: its inline markup read."""
    return inline(text)[0]


def _role(m: re.Match[str]) -> tuple[str, str]:
    """The text of a role or a link: its title, its target gone."""
    text = m["role"] if m["role"] is not None else m["link"]
    return render_inline(ROLE_TARGET_RE.sub("", text), INLINE_RE, _role)


class _Reader(LineReader):
    """One pass over the lines of a reST document."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__(lines)
        self.styles: list[tuple[str, bool]] = []  # title adornments in order of first appearance
        self.paragraph_indent = 0
        self.item_open = False
        self.literal_next = False  # the paragraph read last ended with "::": an indented block follows

    def line(self, i: int) -> int:
        """Read the line at index i; the index to read next."""
        lines = self.lines
        raw = lines[i]
        n = i + 1
        if not raw.strip():
            self.end_paragraph()
            self.item_open = False
            return i + 1
        indent = indent_of(raw)
        if self.literal_next:
            self.literal_next = False
            if indent > self.paragraph_indent:
                return self.literal(i, indent)
        if (end := self.title(i)) is not None:
            return end
        if (m := DIRECTIVE_RE.match(raw)) is not None:
            return self.directive(i, m["name"].lower(), raw[m.end() :].strip(), indent)
        if EXPLICIT_RE.match(raw):
            return self.skip_body(i + 1, indent)
        if GRID_BORDER_RE.match(raw):
            table, end = grid_table(lines, i, _cell_text)
            if table is not None:
                self.put(table, indent)
                return max(end, i + 1)
        if not self.paragraph and (end := self.simple_table(i, indent)) is not None:
            return end
        if ADORNMENT_RE.match(raw.strip()) and len(raw.strip()) >= 4:
            self.end_paragraph()
            self.builder.close()
            self.builder.block(Rule(line=n, end=n))
            return i + 1
        if DASH_RULE_RE.match(raw):  # a simple table's border left over: no text
            return i + 1
        if (m := FIELD_RE.match(raw)) is not None:
            return self.field(i, m["name"], raw[m.end() :], indent)
        # An enumerator starts a list only after a blank line ("2026. was a year" goes on a paragraph).
        marker = BULLET_RE.match(raw) or (None if self.paragraph else ENUM_RE.match(raw))
        if marker is not None:
            label = marker["paren"] or marker["number"] if marker.re is ENUM_RE else None
            number = int(label) if label and label.isdigit() else None
            self.item(n, raw[marker.end() :].strip(), indent, number)
            return i + 1
        text = raw.strip()
        if LINE_BLOCK_RE.match(raw):
            text = text[1:].strip()
        self.text(n, text, indent)
        return i + 1

    def title(self, i: int) -> int | None:
        """A section title at index i (its overline or its text line): the heading, and the index after it."""
        lines = self.lines
        raw = lines[i]
        over = ADORNMENT_RE.match(raw)
        if over is not None and i + 2 < len(lines) and lines[i + 1].strip():
            under = ADORNMENT_RE.match(lines[i + 2])
            if under is not None and under["c"] == over["c"] and not raw[:1].isspace():
                self.heading(i + 1, lines[i + 1].strip(), (over["c"], True), i + 3)
                return i + 3
        if over is None and not self.paragraph and not raw[:1].isspace() and i + 1 < len(lines):
            under = ADORNMENT_RE.match(lines[i + 1])
            if under is not None and len(lines[i + 1].strip()) >= min(len(raw.strip()), 4):
                self.heading(i, raw.strip(), (under["c"], False), i + 2)
                return i + 2
        return None

    def heading(self, k: int, text: str, style: tuple[str, bool], end: int) -> None:
        self.end_paragraph()
        self.builder.close()
        self.item_open = False
        if style not in self.styles:
            self.styles.append(style)
        plain, marked = inline(text)
        level = min(6, self.styles.index(style) + 1)
        self.builder.block(Heading(line=k + 1, end=end, level=level, text=plain, marked=marked))

    def directive(self, i: int, name: str, args: str, indent: int) -> int:
        """A directive: a table, code, a block read through, or skipped with its body."""
        end = self.body_end(i + 1, indent)
        options, first = self.options(i + 1, end)
        cell_text = _cell_text
        if name == "list-table":
            self.put(list_table(self.lines, range(first, end), i + 1, inline(args)[0], options, cell_text), indent)
        elif name == "csv-table":
            self.put(csv_table(self.lines, range(first, end), i + 1, inline(args)[0], options, cell_text), indent)
        elif name in CODE_DIRECTIVES:
            lang = args.split()[0] if args else ""
            self.put(Code(line=i + 1, end=max(i + 1, end), text=dedented(self.lines[first:end]), lang=lang), indent)
        elif name in READ_THROUGH:
            self.end_paragraph()
            self.builder.close()
            return first  # the body's lines are read as any others
        return max(end, i + 1)

    def options(self, start: int, end: int) -> tuple[dict[str, str], int]:
        """A directive's options (":header-rows: 1") and the index where its content starts."""
        found: dict[str, str] = {}
        k = start
        while k < end and (m := FIELD_RE.match(self.lines[k])) is not None:
            found[m["name"].strip().lower()] = self.lines[k][m.end() :].strip()
            k += 1
        return found, k

    def body_end(self, start: int, indent: int) -> int:
        """The index after an indented body: blank lines and lines indented deeper than `indent`."""
        k = start
        last = start
        while k < len(self.lines):
            line = self.lines[k]
            if line.strip():
                if indent_of(line) <= indent:
                    break
                last = k + 1
            k += 1
        return last

    def skip_body(self, start: int, indent: int) -> int:
        self.end_paragraph()
        return max(self.body_end(start, indent), start)

    def simple_table(self, i: int, indent: int) -> int | None:
        """A simple table ("=====  =====" borders) starting at index i, put; the index after it."""
        lines = self.lines
        if not DASH_RULE_RE.match(lines[i]) or i + 2 >= len(lines) or not lines[i + 1].strip():
            if i + 1 < len(lines) and lines[i].strip() and DASH_RULE_RE.match(lines[i + 1]):
                table, end = aligned_table(lines, i + 1, _cell_text)
                if table is not None and table.rows:
                    self.put(table, indent)
                    return max(end, i + 1)
            return None
        if not DASH_RULE_RE.match(lines[i + 2]):
            return None
        table, end = aligned_table(lines, i + 2, _cell_text)
        if table is None:
            return None
        self.put(replace(table, line=i + 1), indent)
        return max(end, i + 1)

    def field(self, i: int, name: str, rest: str, indent: int) -> int:
        """A field list entry: a `KeyValue`, its body carried on by lines indented under it."""
        self.end_paragraph()
        parts = [rest.strip()]
        k = i + 1
        while k < len(self.lines) and self.lines[k].strip() and indent_of(self.lines[k]) > indent:
            parts.append(self.lines[k].strip())
            k += 1
        value, marked = inline(" ".join(p for p in parts if p))
        self.builder.block(KeyValue(line=i + 1, end=k, key=inline(name)[0], value=value, marked=marked), indent)
        return k

    def item(self, n: int, body: str, indent: int, number: int | None) -> None:
        self.end_paragraph()
        box, body = leading_box(body)
        text, marked = inline(body)
        self.builder.item(ItemDraft(line=n, end=n, indent=indent, text=text, marked=marked, box=box, number=number))
        self.item_open = True

    def text(self, n: int, s: str, indent: int) -> None:
        """A line of text: more of the current item, a definition, or a line of a paragraph."""
        current = self.builder.current
        if current is not None and indent > current.indent and self.item_open and not self.paragraph:
            text, marked = inline(s)
            current.add_text(text, marked, n)
            return
        if current is not None and indent <= current.indent:
            self.end_paragraph()
            self.builder.close()
        if len(self.paragraph) == 1 and indent > self.paragraph_indent and not self.literal_next:
            term = self.paragraph.pop()
            value, marked = inline(s)
            self.builder.block(
                KeyValue(line=term[0], end=n, key=inline(term[1])[0], value=value, marked=marked), indent
            )
            return
        if self.paragraph and indent != self.paragraph_indent:
            self.end_paragraph()
        if not self.paragraph:
            self.paragraph_indent = indent
        self.paragraph.append((n, s))

    def literal(self, i: int, indent: int) -> int:
        """The indented block after a "::" paragraph: code."""
        end = self.body_end(i, indent - 1)
        self.put(Code(line=i + 1, end=end, text=dedented(self.lines[i:end])), indent)
        return end

    def put(self, block: Block, indent: int) -> None:
        self.end_paragraph()
        self.builder.block(block, indent)

    def end_paragraph(self) -> None:
        if not self.paragraph:
            return
        texts = [s for _, s in self.paragraph]
        if len(texts) > 1 and all(BOX_RE.match(t) for t in texts):
            # Box lines without a list marker ("[x] Flag in place", "☑ Backups restored") are a
            # checklist in any syntax, one item a line, not a paragraph (as in Markdown's reading).
            lines, self.paragraph = self.paragraph, []
            for n, t in lines:
                self.item(n, t, self.paragraph_indent, None)
            return
        if texts[-1].endswith("::"):
            self.literal_next = True
            texts[-1] = texts[-1][:-2].rstrip() if texts[-1] == "::" or texts[-1][-3:-2].isspace() else texts[-1][:-1]
        text, marked = inline("\n".join(t for t in texts if t))
        if text:
            block = Paragraph(line=self.paragraph[0][0], end=self.paragraph[-1][0], text=text, marked=marked)
            self.builder.block(block, self.paragraph_indent)
        self.paragraph = []
