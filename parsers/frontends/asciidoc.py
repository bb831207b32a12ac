"""Front end: AsciiDoc -> block tree.

One forward pass over the lines. `= Title` is the document's title (a level-1 heading, and the
declared title), its header's `:key: value` attributes and author line document properties;
`==` .. `======` sections are headings of levels 2-6. Lists: `*`/`-` bullets and `.` ordered
items, nested by how many markers they repeat (or by a new marker), `[x]`/`[*]`/`[ ]` checklist
boxes, lines right under an item carrying it on, a `+` line attaching the next block to it.
`Label:: value` description lists are `KeyValue`s. `|===` tables (`parsers.frontends.adoc_table`)
with their `[cols=...]`/`[options="header"]` attributes and `.Title` captions are `Table`s;
`----` listing and `....` literal blocks are `Code` (`[source,lang]` gives the language);
`____` quotes, `====` examples, `****` sidebars and `--` open blocks are read through; comments,
passthrough blocks, includes and images are skipped.
Inline markup: `*bold*`/`**bold**` -> `**bold**`, `_em_`/`__em__` -> `*em*`, backticks and
`+mono+` -> code, `[.line-through]#x#` -> `~~x~~`, links and cross references -> their text,
" -- " -> " — ".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.frontends import front_matter
from parsers.frontends.adoc_table import DELIMITER_RE, table_at
from parsers.frontends.linescan import ItemDraft, LineReader, render_inline
from parsers.model import Block, Box, Code, Heading, KeyValue, Paragraph, Rule, Tree, with_paths
from pipeline.config import Config
from pipeline.records import Document

NAME = "asciidoc"
# Its tree does not depend on the lexicon: a document in another language is not read again.
READS_LEXICON = False
SNIFF_CHARS = 200_000

# Signs of AsciiDoc (sniff): a `= Title` with `== Section`s, a `|===` table, a section alone,
# block attributes, a `Label:: value` line.
TITLE_SIGN_RE = re.compile(r"\A(?:(?://[^\n]*|:[\w-]+:[^\n]*)?\n)*=[ \t]+\S")
SECTION_SIGN_RE = re.compile(r"^={2,6}[ \t]+[^=\s]", re.MULTILINE)
TABLE_SIGN_RE = re.compile(r"^[|,:!]===[ \t]*$", re.MULTILINE)
ATTRIBUTES_SIGN_RE = re.compile(r"^\[(?:cols=|options=|%header|source,|NOTE\]|TIP\]|WARNING\])", re.MULTILINE)
LABEL_SIGN_RE = re.compile(r"^[^\s:][^:\n]{0,60}::[ \t]+\S", re.MULTILINE)

# A section title: "== Risks" (a trailing run of "=" may close it). The closing run is found
# with a lookbehind: a search for `[ \t]+=+[ \t]*$` would rescan a run of blanks from each of
# its positions, quadratic on a title of 64,000 spaces.
SECTION_RE = re.compile(r"^(?P<marks>={1,6})[ \t]+(?=[^=\s])")
CLOSING_MARKS_RE = re.compile(r"(?<![ \t])[ \t]++=++[ \t]*+$")
# An attribute entry ":toc: left", ":owner: SRE", ":toc!:".
ATTRIBUTE_RE = re.compile(r"^:(?P<name>!?[\w][\w-]*!?):(?:[ \t]+|$)")
# A line of block attributes "[cols="1,3", options="header"]", an anchor "[[id]]", "[#id]".
BLOCK_ATTRIBUTES_RE = re.compile(r"^\[[^\[\]\n]*\]$|^\[\[[^\[\]\n]*\]\]$")
# A block title: ".Known risks" (not "..", not ". item").
BLOCK_TITLE_RE = re.compile(r"^\.(?=[^.\s])")
# A list item: "*"..."*****" or "-" bullets, "."..."....." or "1." ordered, then a space.
ITEM_RE = re.compile(r"^[ \t]*(?P<marker>\*{1,5}|-|\.{1,5}|\d{1,9}\.)[ \t]+(?=\S)")
# A checklist box: "[x]", "[*]" ticked, "[ ]" unticked.
ADOC_BOX_RE = re.compile(r"^\[(?P<mark>[ xX*])\][ \t]+")
ADOC_BOX_STATES: dict[str, Box] = {" ": "unticked", "x": "ticked", "X": "ticked", "*": "ticked"}
# A description list entry: "Likelihood:: High", "Owner;;", "Term:::" (its value may follow on the next line).
LABEL_RE = re.compile(r"^[ \t]*(?P<term>[^\s][^\n]*?)(?P<mark>:{2,4}|;;)(?:[ \t]+|$)")
# Delimited blocks: code (listing, literal), read through (quote, example, sidebar, open),
# skipped (comment, passthrough).
CODE_DELIMITERS = ("----", "....")
THROUGH_DELIMITERS = ("____", "====", "****", "--")
SKIPPED_DELIMITERS = ("////", "++++")
# A line that is one of those delimiters: four or more of one character ("--" for open blocks).
DELIMITED_RE = re.compile(r"^(?:(?P<c>[-.=*_/+])(?P=c){3,}|--)[ \t]*$")
# Lines that stand for something not read: a comment, a page break, a block macro.
SKIP_LINE_RE = re.compile(r"^(?://(?!/)|<<<[ \t]*$|(?:include|image|toc|video|audio)::)")
# A thematic break.
RULE_RE = re.compile(r"^'{3,}[ \t]*$")
# A line ending with " +": a hard line break.
HARD_BREAK = " +"

# Inline markup. Every alternative opens with its marker (the character before it is checked
# after it, by a lookbehind over both), so the engine skips to the next marker at C speed; each
# body stops at the next character of its own kind (links and cross references at brackets they
# cannot hold), so a line is read in linear time.
INLINE_RE = re.compile(
    r"\\(?P<literal>[*_`+#\\])"
    r"|\[\.line-through\]#(?P<struck>[^#\n]+)#"
    r"|\[[^\[\]#\n]*\]#(?P<inner>[^#\n]+)#"
    r"|\*\*(?P<strong>[^*\n]+?)\*\*"
    r"|\*(?<![\w*]\*)(?P<strong2>[^\s*](?:[^*\n]*?[^\s*])?)\*(?![\w*])"
    r"|__(?P<em>[^_\n]+?)__"
    r"|_(?<![\w_]_)(?P<em2>[^\s_](?:[^_\n]*?[^\s_])?)_(?![\w_])"
    r"|``(?P<code>[^`\n]+?)``"
    r"|`(?<![\w`]`)(?P<code2>[^\s`](?:[^`\n]*?[^\s`])?)`(?![\w`])"
    r"|\+(?<![\w+]\+)(?P<code3>[^\s+](?:[^+\n]*?[^\s+])?)\+(?![\w+])"
    r"|#(?<![\w#]#)(?P<inner2>[^\s#](?:[^#\n]*?[^\s#])?)#(?![\w#])"
    r"|(?:https?|ftp|mailto|link|xref):[^\s\[\]:]*(?::[^\s\[\]:]*)?\[(?P<link>[^\[\]\n]*)\]"
    r"|<<[^,<>\n]*,[ \t]*(?P<inner3>[^<>\n]+)>>"
    r"|<<(?P<literal2>[^,<>\n]+)>>"
    r"|(?P<dash>--)(?<=[ \t]--)(?=[ \t])"
)


def sniff(text: str) -> float:
    """How sure we are that the text is AsciiDoc (0-1), from a few cheap patterns.

    >>> sniff("= Payments\\n:toc:\\n\\n== Risks\\n"), sniff("|===\\n|ID |Risk\\n|==="), sniff("== Risks\\n* a")
    (0.95, 0.95, 0.9)
    >>> sniff("Owner:: SRE\\n"), sniff("# Risks\\n== not a section"), sniff("Risks\\n=====")
    (0.5, 0.0, 0.0)
    """
    head = text[:SNIFF_CHARS]
    # (Each pattern is searched only when the text holds what it cannot match without: a pattern
    # anchored at line starts is tried at every character of a text, which is most of a sniff.)
    section = "==" in head and SECTION_SIGN_RE.search(head) is not None
    if ("===" in head and TABLE_SIGN_RE.search(head)) or (section and TITLE_SIGN_RE.match(head)):
        return 0.95
    if section and not head.lstrip().startswith("#"):
        return 0.9
    if "[" in head and ATTRIBUTES_SIGN_RE.search(head):
        return 0.8
    return 0.5 if "::" in head and LABEL_SIGN_RE.search(head) else 0.0


def blocks(doc: Document, config: Config) -> Tree:
    """The document as a block tree (see the module docstring)."""
    properties, body = front_matter.split(doc.text)
    reader = _Reader(body.split("\n"), properties)
    found = reader.read()
    title = reader.properties.pop("title", None) or reader.title
    return Tree(NAME, with_paths(found), declared_title=title, properties=reader.properties)


def inline(text: str) -> tuple[str, str]:
    """(text, marked) of a line of AsciiDoc inline markup.

    >>> inline("*Owner:* SRE, _now_ `a*b` +x+ [.line-through]#Open# snake_case")
    ('Owner: SRE, now a*b x ~~Open~~ snake_case', '**Owner:** SRE, *now* `a*b` `x` ~~Open~~ snake_case')
    >>> inline("https://x[the docs] <<r1,Risk 1>> <<r2>> ship -- now")
    ('the docs Risk 1 r2 ship — now', 'the docs Risk 1 r2 ship — now')
    """
    return render_inline(text, INLINE_RE, _link)


def _link(m: re.Match[str]) -> tuple[str, str]:
    """A link's text (its address when it has none); " -- " between words is an em dash."""
    if m["dash"] is not None:
        return "—", "—"
    label = m["link"] or m.group(0).split("[", 1)[0].removeprefix("link:")
    return render_inline(label, INLINE_RE, _link)


class _Reader(LineReader):
    """One pass over the lines of an AsciiDoc document."""

    def __init__(self, lines: Sequence[str], properties: dict[str, str]) -> None:
        super().__init__(lines)
        self.properties = properties
        self.title: str | None = None
        self.title_index = -2  # index of the `= Title` line
        self.markers: list[str] = []  # list markers of the open list levels, outermost first
        self.item_open = False
        self.attach = False  # a "+" line: the next block belongs to the current item
        self.attributes = ""  # the block attribute line waiting for its block
        self.caption = ""  # the block title waiting for its block
        self.header = True  # still in the document header (title, author, attributes)
        self.label: tuple[int, str] | None = None  # a "Term::" waiting for its value on the next line

    def line(self, i: int) -> int:
        """Read the line at index i; the index to read next."""
        raw = self.lines[i]
        n = i + 1
        s = raw.strip()
        if not s:
            self.end_paragraph()
            self.item_open = False
            self.header = self.header and self.title is None
            return i + 1
        if SKIP_LINE_RE.match(s):
            return i + 1
        if (m := SECTION_RE.match(raw)) is not None:
            return self.section(n, len(m["marks"]), raw[m.end() :])
        if (m := ATTRIBUTE_RE.match(s)) is not None:
            name = m["name"].strip("!").lower().replace("_", "-")
            if self.header and not m["name"].endswith("!") and s[m.end() :].strip():
                self.properties.setdefault(name.replace("-", " "), inline(s[m.end() :])[0])
            return i + 1
        if self.header and i == self.title_index + 1 and not ITEM_RE.match(raw) and not DELIMITER_RE.match(s):
            self.properties.setdefault("author", inline(s)[0])  # the header's author line
            return i + 1
        self.header = False
        if DELIMITER_RE.match(s):
            return self.table(i)
        if BLOCK_ATTRIBUTES_RE.match(s):
            self.end_paragraph()
            self.attributes = s
            return i + 1
        if BLOCK_TITLE_RE.match(s) and not self.paragraph:
            self.caption = inline(s[1:])[0]
            return i + 1
        if DELIMITED_RE.match(s):
            return self.delimited(i, s)
        if s == "+" and self.builder.current is not None:
            self.end_paragraph()
            self.attach, self.item_open = True, False
            return i + 1
        if RULE_RE.match(s):
            self.end_blocks()
            self.builder.block(Rule(line=n, end=n))
            return i + 1
        if (m := ITEM_RE.match(raw)) is not None:
            self.item(n, m["marker"], raw[m.end() :].strip())
            return i + 1
        if (m := LABEL_RE.match(raw)) is not None and not s.startswith(("http", "//")):
            self.described(n, m["term"], raw[m.end() :].strip())
            return i + 1
        self.text(n, s)
        return i + 1

    def section(self, n: int, level: int, rest: str) -> int:
        self.end_blocks()
        text, marked = inline(CLOSING_MARKS_RE.sub("", rest).strip())
        if level == 1 and self.title is None and not self.builder.top:
            self.title, self.title_index = text, n - 1
        else:
            self.header = False
        self.builder.block(Heading(line=n, end=n, level=level, text=text, marked=marked))
        self.attributes = self.caption = ""
        return n

    def item(self, n: int, marker: str, body: str) -> None:
        """A list item: its level is where its marker first opened a level of the list."""
        self.end_paragraph()
        if self.builder.current is None:
            self.markers = []
        if marker[0].isdigit():
            marker = "."
        if marker in self.markers:
            del self.markers[self.markers.index(marker) + 1 :]
        else:
            self.markers.append(marker)
        box: Box | None = None
        if (b := ADOC_BOX_RE.match(body)) is not None and marker[0] in "*-":
            box, body = ADOC_BOX_STATES[b["mark"]], body[b.end() :]
        text, marked = inline(body.removesuffix(HARD_BREAK))
        depth = len(self.markers)
        self.builder.item(ItemDraft(line=n, end=n, indent=depth, text=text, marked=marked, box=box))
        self.item_open = True
        self.attach = False

    def described(self, n: int, term: str, value: str) -> None:
        """A description list entry; a term alone takes its value from the lines under it."""
        self.end_paragraph()
        key = inline(term)[0]
        if not value:
            self.label = (n, key)
            return
        text, marked = inline(value)
        self.put(KeyValue(line=n, end=n, key=key, value=text, marked=marked))

    def text(self, n: int, s: str) -> None:
        """A line of text: a description's value, more of the current item, or of a paragraph."""
        current = self.builder.current
        if self.label is not None:
            (line, key), self.label = self.label, None
            text, marked = inline(s)
            self.put(KeyValue(line=line, end=n, key=key, value=text, marked=marked))
            return
        if current is not None and self.item_open and not self.paragraph and not self.attach:
            text, marked = inline(s.removesuffix(HARD_BREAK))
            current.add_text(text, marked, n)
            return
        if current is not None and not self.attach and not self.paragraph:
            self.builder.close()
        self.paragraph.append((n, s.removesuffix(HARD_BREAK)))

    def table(self, i: int) -> int:
        self.end_paragraph()
        table, end = table_at(self.lines, i, self.attributes, self.caption, lambda c: inline(c)[0])
        self.put(table)
        return end

    def delimited(self, i: int, delimiter: str) -> int:
        """A delimited block: code, read through (its delimiters skipped) or skipped."""
        self.end_paragraph()
        if delimiter.startswith(THROUGH_DELIMITERS) and not delimiter.startswith(CODE_DELIMITERS):
            return i + 1
        end = i + 1
        while end < len(self.lines) and self.lines[end].strip() != delimiter:
            end += 1
        if delimiter.startswith(CODE_DELIMITERS):
            attrs = self.attributes.strip("[]").split(",")
            lang = attrs[1].strip() if len(attrs) > 1 and attrs[0].strip() in ("source", "") else ""
            body = "\n".join(self.lines[i + 1 : end])
            self.put(Code(line=i + 1, end=min(end + 1, len(self.lines)), text=body, lang=lang))
        return end + 1

    def put(self, block: Block) -> None:
        """A block: attached to the current item after a "+" line, else at the top level."""
        current = self.builder.current
        if self.attach and current is not None:
            self.builder.block(block, current.indent + 1)
        else:
            self.builder.block(block)
            self.item_open = False
        self.attach = False
        self.attributes = self.caption = ""

    def end_paragraph(self) -> None:
        if self.paragraph:
            text, marked = inline("\n".join(s for _, s in self.paragraph))
            self.put(Paragraph(line=self.paragraph[0][0], end=self.paragraph[-1][0], text=text, marked=marked))
            self.paragraph = []

    def end_blocks(self) -> None:
        self.end_paragraph()
        self.builder.close()
        self.item_open = self.attach = False
        self.label = None
