"""Front end: Jira and Confluence wiki markup -> block tree.

One forward pass over the lines. `h1.` .. `h6.` headings; `*`, `#` and `-` lists, nested by how
many markers they repeat (`**`, `#*`), numbered where the marker is `#`, with a `[ ]`/`[x]` box
read as the item's box; `||ID||Risk||` header rows and `|R1|x|` rows are a `Table` (cells split
at bars outside `[link|url]` and `{macro|params}`, a cell running on over lines until its row's
closing bar, `\\\\` a line break); `{code}` and `{noformat}` blocks are `Code`; panel, quote,
info and expand macros are read through; `----` is a rule.
Inline markup: `*bold*` -> `**bold**`, `_em_` -> `*em*`, `-struck-` -> `~~struck~~`, `{{mono}}`
-> code, `+underline+`, `??citation??`, `^sup^`, `~sub~` and links `[text|url]` -> their text,
`{status:title=Done}` -> its title, `{color:red}` and other inline macros dropped. Emoticons
are kept as the marks they show, in the text: `(/)` ✅, `(x)` ❌, `(!)` ⚠️, `(?)` ❓, `(on)` 💡...
An item that opens with one keeps it there and gets no box: marks are read the same way in
every syntax, by the recognisers (`- ✅ Runbook linked` in Markdown reads alike).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.frontends import front_matter
from parsers.frontends.boxes import leading_box
from parsers.frontends.linescan import ItemDraft, LineReader, render_inline, tidy
from parsers.model import Code, Heading, Paragraph, Row, Rule, Table, Tree, with_paths
from pipeline.config import Config
from pipeline.records import Document

NAME = "wiki"
# Its tree does not depend on the lexicon: a document in another language is not read again.
READS_LEXICON = False
SNIFF_CHARS = 200_000

# Signs of wiki markup (sniff): a heading, a header row, a block macro, a status macro.
HEADING_SIGN_RE = re.compile(r"^h[1-6]\.[ \t]+\S", re.MULTILINE)
HEADER_ROW_SIGN_RE = re.compile(r"^[ \t]*\|\|[^|\n]+\|\|", re.MULTILINE)
MACRO_SIGN_RE = re.compile(
    r"^[ \t]*\{(?:code|noformat|panel|quote|info|note|warning|tip|expand|toc)(?::[^}\n]*)?\}", re.MULTILINE
)
STATUS_SIGN_RE = re.compile(r"\{status:[^}\n]*\}")

# A heading "h2. Risks".
HEADING_RE = re.compile(r"^[ \t]*h(?P<level>[1-6])\.[ \t]+")
# A list item: markers "*", "#", "**", "#*", "-" then a space.
ITEM_RE = re.compile(r"^[ \t]*(?P<markers>[*#]{1,20}|-)[ \t]+(?=\S)")
# A block macro line opening code ("{code:java}", "{noformat}") and its closing tag.
CODE_OPEN_RE = re.compile(r"^[ \t]*\{(?P<kind>code|noformat)(?::(?P<params>[^}\n]*))?\}")
# Block macros whose content is read as any other text: their tags alone on a line are skipped.
THROUGH_MACROS = "panel|quote|info|note|warning|tip|expand|section|column|color|center|excerpt|div"
THROUGH_RE = re.compile(rf"^[ \t]*\{{/?(?:{THROUGH_MACROS})(?::[^}}\n]*)?\}}[ \t]*$")
# A block quote line "bq. text".
QUOTE_RE = re.compile(r"^[ \t]*bq\.[ \t]+")
# A rule: four dashes.
RULE_RE = re.compile(r"^[ \t]*-{4,}[ \t]*$")
# A code macro's language: "{code:java}", "{code:language=sql|title=x}".
LANGUAGE_RE = re.compile(r"(?:^|\|)(?:language=)?(?P<lang>[A-Za-z][\w+#-]*)(?:$|\|)")
# A status macro's title.
STATUS_TITLE_RE = re.compile(r"(?:^|\|)title=(?P<title>[^|}]*)")

# What splits a table row, or keeps a bar from splitting it: an escaped bar, one or two bars,
# an opening bracket (a link or a macro holds bars of its own).
CELL_PUNCTUATION_RE = re.compile(r"\\\||\|\|?|[\[{]")
BRACKETS = {"[": "]", "{": "}"}
# Emoticons and the marks they show.
EMOTICONS = {
    "/": "✅",
    "x": "❌",
    "!": "⚠️",
    "?": "❓",
    "y": "👍",
    "n": "👎",
    "i": "ℹ️",
    "on": "💡",
    "off": "💡",
    "*": "⭐",
    "+": "➕",
    "-": "➖",
}
# Inline markup. Every alternative opens with its marker (the character before it is checked
# after it, by a lookbehind over both), so the engine skips to the next marker at C speed; each
# body stops at the next character of its own kind (links and macros at the brackets they cannot
# hold), so a line is read in linear time.
INLINE_RE = re.compile(
    r"(?P<br>\\\\)"
    r"|\\(?P<literal>[*_\-+{}\[\]|?^~#!\\])"
    r"|\{\{(?P<code>[^{}\n]+?)\}\}"
    r"|\{status(?::(?P<status>[^{}\n]*))?\}"
    r"|\{(?P<macro>[A-Za-z][\w-]*)(?::[^{}\n]*)?\}"
    r"|\((?P<emoticon>/|x|!|\?|y|n|i|on|off|\*|\+|-)\)"
    r"|\[(?P<inner>[^\[\]|\n]*)\|[^\[\]\n]*\]"
    r"|\[~(?P<inner6>[^\[\]|\n]+)\]"  # a user mention, [~mobile.platform]: the user's name
    r"|\[(?P<literal2>[^\[\]|\n]+)\]"
    r"|\*(?<![\w*]\*)(?P<strong>[^\s*](?:[^*\n]*?[^\s*])?)\*(?![\w*])"
    r"|_(?<![\w_]_)(?P<em>[^\s_](?:[^_\n]*?[^\s_])?)_(?![\w_])"
    r"|-(?<![\w-]-)(?P<struck>[^\s-](?:[^-\n]*?[^\s-])?)-(?![\w-])"
    r"|\+(?<![\w+]\+)(?P<inner2>[^\s+](?:[^+\n]*?[^\s+])?)\+(?![\w+])"
    r"|\?\?(?P<inner3>[^?\n]+?)\?\?"
    r"|\^(?<![\w^]\^)(?P<inner4>[^\s^](?:[^^\n]*?[^\s^])?)\^(?![\w^])"
    r"|~(?<![\w~]~)(?P<inner5>[^\s~](?:[^~\n]*?[^\s~])?)~(?![\w~])"
)


def sniff(text: str) -> float:
    """How sure we are that the text is wiki markup (0-1), from a few cheap patterns.

    >>> sniff("h1. Risks\\n||ID||Risk||\\n|R1|x|"), sniff("||ID||Risk||\\n|R1|x|"), sniff("{code}\\nx\\n{code}")
    (0.95, 0.95, 0.9)
    >>> sniff("Status {status:colour=Green|title=Done}"), sniff("# Risks\\n| a | b |")
    (0.7, 0.0)
    """
    head = text[:SNIFF_CHARS]
    # (Each pattern is searched only when the text holds what it cannot match without: a pattern
    # anchored at line starts is tried at every character of a text, which is most of a sniff.)
    if ((head.startswith("h") or "\nh" in head) and HEADING_SIGN_RE.search(head)) or (
        "||" in head and HEADER_ROW_SIGN_RE.search(head)
    ):
        return 0.95
    if "{" not in head:
        return 0.0
    if MACRO_SIGN_RE.search(head):
        return 0.9
    return 0.7 if "{status:" in head and STATUS_SIGN_RE.search(head) else 0.0


def blocks(doc: Document, config: Config) -> Tree:
    """The document as a block tree (see the module docstring)."""
    properties, body = front_matter.split(doc.text)
    found = _Reader(body.split("\n")).read()
    return Tree(NAME, with_paths(found), declared_title=properties.pop("title", None), properties=properties)


def inline(text: str) -> tuple[str, str]:
    """(text, marked) of a line of wiki inline markup.

    >>> inline("*Owner:* SRE, _now_ -Open- {{a*b}} well-known snake_case")
    ('Owner: SRE, now ~~Open~~ a*b well-known snake_case', '**Owner:** SRE, *now* ~~Open~~ `a*b` well-known snake_case')
    >>> inline("[the docs|https://x] {status:colour=Green|title=Done} (/) {color:red}x{color}\\\\\\\\y")
    ('the docs Done ✅ x\\ny', 'the docs Done ✅ x\\ny')
    >>> inline("Owner: [~mobile.platform]")[0]
    'Owner: mobile.platform'
    """
    return render_inline(text, INLINE_RE, _special)


def _special(m: re.Match[str]) -> tuple[str, str]:
    """A status macro's title, an emoticon's mark; other inline macros show nothing."""
    if m["emoticon"] is not None:
        mark = EMOTICONS[m["emoticon"]]
        return mark, mark
    if m.lastgroup == "status":
        title = STATUS_TITLE_RE.search(m["status"] or "")
        return inline(title["title"]) if title else ("", "")
    return "", ""


def cells(row: str) -> list[str]:
    """The cells of a table row as written: bars inside `[text|url]` and `{macro|params}` and
    escaped bars `\\\\|` do not split them; `||` between header cells is one split.

    >>> cells("||ID||Risk||"), cells("|R1|[runbook|https://x]|{status:colour=Red|title=Open}|"), cells("|a|b")
    (['ID', 'Risk'], ['R1', '[runbook|https://x]', '{status:colour=Red|title=Open}'], ['a', 'b'])
    """
    s = row.strip()
    found: list[str] = []
    start = 0  # where the cell being read starts
    skip_to = 0  # a bracket's closing one: bars before it belong to the cell
    missing: set[str] = set()  # brackets with no closing one left on the line
    for m in CELL_PUNCTUATION_RE.finditer(s):
        at = m.start()
        if at < skip_to:
            continue
        ch = m.group(0)
        if ch in BRACKETS and ch not in missing:
            close = s.find(BRACKETS[ch], at + 1)
            if close < 0:
                missing.add(ch)
            else:
                skip_to = close + 1
        elif ch.endswith("|") and not ch.startswith("\\"):
            found.append(s[start:at])
            start = m.end()
    found.append(s[start:])
    if found and not found[0].strip():
        found = found[1:]
    if found and not found[-1].strip():
        found = found[:-1]
    return [c.strip() for c in found]


def _runs_on(line: str) -> bool:
    """Whether a line carries on a table cell above it: not blank, not a row of its own."""
    s = line.strip()
    return bool(s) and not s.startswith("|")


class _Reader(LineReader):
    """One pass over the lines of a wiki-markup document."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__(lines)
        self.counts: list[int] = []  # how many items each open level of a list has had
        self.kinds = ""  # the markers of the item read last ("#*"): a level of another kind starts over

    def line(self, i: int) -> int:
        """Read the line at index i; the index to read next."""
        raw = self.lines[i]
        n = i + 1
        s = raw.strip()
        if not s:
            self.end_paragraph()
            self.builder.close()
            return i + 1
        if (m := HEADING_RE.match(raw)) is not None:
            self.end_blocks()
            text, marked = inline(raw[m.end() :].strip())
            self.builder.block(Heading(line=n, end=n, level=int(m["level"]), text=text, marked=marked))
            return i + 1
        if (m := CODE_OPEN_RE.match(raw)) is not None:
            return self.code(i, m["kind"], m["params"] or "", raw[m.end() :])
        if THROUGH_RE.match(raw):
            self.end_paragraph()
            return i + 1
        if s.startswith("|"):
            return self.table(i)
        if RULE_RE.match(raw):
            self.end_blocks()
            self.builder.block(Rule(line=n, end=n))
            return i + 1
        if (m := ITEM_RE.match(raw)) is not None:
            self.item(n, m["markers"], raw[m.end() :].strip())
            return i + 1
        if (m := QUOTE_RE.match(raw)) is not None:
            s = raw[m.end() :].strip()
        current = self.builder.current
        if current is not None and not self.paragraph:
            text, marked = inline(s)
            current.add_text(text, marked, n, joiner="\n")
            return i + 1
        self.paragraph.append((n, s))
        return i + 1

    def item(self, n: int, markers: str, body: str) -> None:
        self.end_paragraph()
        depth = len(markers)
        same = next((k for k, (a, b) in enumerate(zip(self.kinds, markers, strict=False)) if a != b), None)
        del self.counts[depth if same is None else min(same, depth) :]
        self.kinds = markers
        self.counts.extend([0] * (depth - len(self.counts)))
        self.counts[depth - 1] += 1
        number = self.counts[depth - 1] if markers.endswith("#") else None
        box, body = leading_box(body)
        text, marked = inline(body)
        self.builder.item(ItemDraft(line=n, end=n, indent=depth, text=text, marked=marked, box=box, number=number))

    def table(self, i: int) -> int:
        """Rows from index i while lines open with a bar; a row whose line does not close with a
        bar runs on over the lines under it."""
        self.end_blocks()
        rows: list[tuple[int, bool, list[str]]] = []
        k = i
        lines = self.lines
        while k < len(lines) and lines[k].strip().startswith("|"):
            start = k
            parts = [lines[k].strip()]
            while not parts[-1].endswith("|") and k + 1 < len(lines) and _runs_on(lines[k + 1]):
                k += 1
                parts.append(lines[k].strip())
            text = "\n".join(parts)
            row = [tidy(inline(c)[0]) if c else "" for c in cells(text)]
            if any(row):
                rows.append((start + 1, text.startswith("||"), row))
            k += 1
        width = max((len(r) for _, _, r in rows), default=0)
        head = rows[0][2] if rows else []
        body = tuple(Row(n, tuple(r) + ("",) * (width - len(r))) for n, _, r in rows[1:])
        table = Table(line=i + 1, end=max(k, i + 1), header=tuple(head), rows=body, layout="wiki")
        self.builder.block(table)
        return max(k, i + 1)

    def code(self, i: int, kind: str, params: str, rest: str) -> int:
        """A `{code}` or `{noformat}` block, up to its closing tag (on its last line, or alone)."""
        self.end_blocks()
        closing = "{" + kind + "}"
        body: list[str] = []
        k = i
        line = rest
        while True:
            at = line.find(closing)
            if at >= 0:
                body.append(line[:at])
                break
            body.append(line)
            k += 1
            if k >= len(self.lines):
                break
            line = self.lines[k]
        language = LANGUAGE_RE.search(params) if kind == "code" else None
        lang = language["lang"] if language else ""
        text = "\n".join(body).strip("\n")
        self.builder.block(Code(line=i + 1, end=min(k + 1, len(self.lines)), text=text, lang=lang))
        return k + 1

    def end_paragraph(self) -> None:
        if self.paragraph:
            text, marked = inline("\n".join(s for _, s in self.paragraph))
            self.builder.block(
                Paragraph(line=self.paragraph[0][0], end=self.paragraph[-1][0], text=text, marked=marked)
            )
            self.paragraph = []

    def end_blocks(self) -> None:
        self.end_paragraph()
        self.builder.close()
        self.counts, self.kinds = [], ""
