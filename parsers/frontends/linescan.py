"""What the line-scanning front ends share: plain text and the light markups (org-mode,
reStructuredText, AsciiDoc, Jira/Confluence wiki).

Those syntaxes are read a line at a time, in one forward pass, and they build the same things:
list items nested by indentation (or by how many markers they repeat), pipe tables
(`| a | b |` with an optional `|---+---|` rule under the header), and inline text in the two
forms of `parsers.model` from a syntax's own inline markup. `Builder` collects the blocks of
one pass; `render_inline` turns a line of inline markup into (text, marked) with one
`finditer` over the syntax's pattern, so each syntax is a pattern and a few substitutions.
Every loop moves forward; nesting is capped at `MAX_DEPTH` so that a hostile document cannot
build a tree deeper than the recursion that reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from parsers.inline import code, escape
from parsers.model import Block, Box, ListItem, Row, Table
from pipeline.textnorm import squash, visible

# Deepest list nesting kept: an item nested deeper becomes a sibling of the deepest one.
MAX_DEPTH = 12
# Deepest inline nesting read (bold inside a link inside emphasis...); deeper markup stays text.
MAX_INLINE_DEPTH = 4
# A `|` that splits pipe-table cells: not escaped with a backslash.
CELL_BAR_RE = re.compile(r"(?<!\\)\|")
# A plain-text list line: a bullet and a space, or a bullet alone (a scraped "-" whose text went
# to the next line).
BULLET_RE = re.compile(r"^[ \t]*[-*+•‣▪◦](?:[ \t]|$)")
# Check marks a line can carry instead of a box: ticked, crossed, pending (read by the recognisers).
CHECK_MARKS = frozenset("✅✔☑✓🗸🟢❌✗✘✖☒⛔☐⬜🔲🔴⚠⏳🟡🟠🚧❓")
# What separates a check mark from an aside after it: "SRE ⚠️ (waiting on the drill)".
ASIDE_OPENERS = ("(", "—", "–", "- ")

# What a syntax's inline pattern may name its groups (a trailing digit tells two alternatives of
# one kind apart: "code", "code2"): how each kind is written in the two text forms.
STRONG, EM, STRUCK = "strong", "em", "struck"
MARKERS = {STRONG: "**", EM: "*", STRUCK: "~~"}


@dataclass(slots=True)
class ItemDraft:
    """A list item while its lines are still being read (`ListItem` once finished)."""

    line: int
    end: int
    indent: int  # where its marker sits (a column, or a marker count): deeper items nest under it
    text: str = ""
    marked: str = ""
    box: Box | None = None
    number: int | None = None
    kids: list[ItemDraft | Block] = field(default_factory=list)
    more: list[tuple[str, str, str]] = field(default_factory=list)  # (joiner, text, marked) carried on

    def add_text(self, text: str, marked: str, line: int, joiner: str = " ") -> None:
        """More of the item's own text, from a line that carries it on; joined once, when the item
        is finished (`joined`), so an item carried on over 30,000 lines is not copied 30,000 times."""
        self.more.append((joiner, text, marked))
        self.end = max(self.end, line)

    def joined(self) -> tuple[str, str]:
        """The item's text and marked text, every line that carried it on joined in.

        >>> draft = ItemDraft(1, 1, 0, "Vault", "Vault")
        >>> draft.add_text("", "", 2); draft.add_text("outage", "*outage*", 3, joiner="\\n")
        >>> draft.joined()
        ('Vault\\noutage', 'Vault\\n*outage*')
        """
        return (
            _joined(self.text, [(joiner, text) for joiner, text, _ in self.more]),
            _joined(self.marked, [(joiner, marked) for joiner, _, marked in self.more]),
        )


def _joined(first: str, rest: list[tuple[str, str]]) -> str:
    """`first` and the pieces after it, each non-empty piece after the joiner before it (none
    before the first non-empty one)."""
    parts = [first] if first else []
    for joiner, piece in rest:
        if piece:
            parts.extend((joiner, piece) if parts else (piece,))
    return "".join(parts)


class Builder:
    """The blocks of one pass, in document order, list items nested under the item above them."""

    def __init__(self) -> None:
        self.top: list[ItemDraft | Block] = []
        self.open: list[ItemDraft] = []  # items that can still take nested blocks, outermost first

    def item(self, draft: ItemDraft) -> ItemDraft:
        """A new item: under the nearest open item whose marker sits left of its own."""
        while self.open and (self.open[-1].indent >= draft.indent or len(self.open) >= MAX_DEPTH):
            self.open.pop()
        (self.open[-1].kids if self.open else self.top).append(draft)
        self.open.append(draft)
        return draft

    def block(self, block: Block, indent: int | None = None) -> None:
        """A block: inside the innermost open item it is indented under, else at the top level
        (an `indent` of None always closes the lists)."""
        if indent is None:
            self.open.clear()
        else:
            while self.open and self.open[-1].indent >= indent:
                self.open.pop()
        (self.open[-1].kids if self.open else self.top).append(block)

    def close(self) -> None:
        """End every open list (a heading, a blank line in syntaxes where that ends lists)."""
        self.open.clear()

    @property
    def current(self) -> ItemDraft | None:
        """The innermost open item."""
        return self.open[-1] if self.open else None

    def finish(self) -> list[Block]:
        """The blocks, items finished; an item that holds nothing at all (a lone "-") is dropped."""
        return [_finished(b, 0) for b in self.top if not _empty(b)]


class LineReader:
    """One pass over a document's lines, for the line-oriented front ends (org, wiki, AsciiDoc,
    reST): a subclass reads the line at an index and says which to read next (`line`), gathers
    paragraph lines in `paragraph` as (line number, text), and ends them (`end_paragraph`)."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.builder = Builder()
        self.paragraph: list[tuple[int, str]] = []

    def read(self) -> list[Block]:
        """Every line once, in order; the blocks."""
        i = 0
        while i < len(self.lines):
            i = self.line(i)
        self.end_paragraph()
        return self.builder.finish()

    def line(self, i: int) -> int:
        """Read the line at index i; the index to read next."""
        raise NotImplementedError

    def end_paragraph(self) -> None:
        """Turn the gathered paragraph lines, if any, into a block."""
        raise NotImplementedError


def _empty(part: ItemDraft | Block) -> bool:
    return (
        isinstance(part, ItemDraft)
        and not part.text
        and not any(text for _, text, _ in part.more)
        and not part.kids
        and part.box is None
    )


def _finished(part: ItemDraft | Block, depth: int) -> Block:
    if not isinstance(part, ItemDraft):
        return part
    kids = tuple(_finished(k, depth + 1) for k in part.kids if not _empty(k))
    end = max([part.end, *(k.end for k in kids)])
    text, marked = part.joined()
    return ListItem(
        line=part.line,
        end=end,
        text=text,
        marked=marked,
        box=part.box,
        number=part.number,
        depth=depth,
        children=kids,
    )


def indent_of(line: str) -> int:
    """The column a line's text starts at, a tab counting as four.

    >>> indent_of("  - a"), indent_of("\\t- a"), indent_of("a")
    (2, 4, 0)
    """
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4
        else:
            break
    return width


def tidy(text: str) -> str:
    """Spaces squashed and trimmed on each line; blank lines dropped; invisible characters gone.

    >>> tidy("  a   b \\n\\n c\\u00a0 d "), tidy("\\u200bR-7\\u2060")
    ('a b\\nc d', 'R-7')
    """
    text = visible(text)
    if "\n" not in text:
        return " ".join(text.split())
    return "\n".join(s for line in text.split("\n") if (s := " ".join(line.split())))


# ---- inline markup --------------------------------------------------------------------------

Special = Callable[[re.Match[str]], tuple[str, str]]


def render_inline(text: str, pattern: re.Pattern[str], special: Special | None = None) -> tuple[str, str]:
    """(text, marked) of a piece of inline markup, read with a syntax's pattern.

    Each alternative of the pattern names one group for what it holds: `code` (kept as is, in
    backticks in marked text), `strong`, `em`, `struck` (their content read again for markup
    inside), `inner` (content read again, no markup of its own: link text, underline),
    `literal` (kept as is), `br` (a line break); any other name goes to `special`.
    >>> demo = re.compile(r"\\*(?P<strong>[^*\\n]+)\\*|=(?P<code>[^=\\n]+)=|\\+(?P<struck>[^+\\n]+)\\+")
    >>> render_inline("*Owner:* SRE =a*b= +Open+ 2*3", demo)
    ('Owner: SRE a*b ~~Open~~ 2*3', '**Owner:** SRE `a*b` ~~Open~~ 2\\\\*3')
    """
    plain, marked = _render(text, pattern, special, 0)
    return tidy(plain), tidy(marked)


def _render(text: str, pattern: re.Pattern[str], special: Special | None, depth: int) -> tuple[str, str]:
    if depth > MAX_INLINE_DEPTH:
        return text, escape(text)
    plain: list[str] = []
    marked: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            piece = text[pos : m.start()]
            plain.append(piece)
            marked.append(escape(piece))
        pos = m.end()
        name = m.lastgroup or ""
        kind = name.rstrip("0123456789")
        body = m[name] if name else m.group(0)
        if kind == "code":
            plain.append(body)
            marked.append(code(body))
        elif kind in MARKERS:
            inner, inner_marked = _render(body, pattern, special, depth + 1)
            mark = MARKERS[kind]
            plain.append(f"~~{inner}~~" if kind == STRUCK else inner)
            marked.append(f"{mark}{inner_marked}{mark}")
        elif kind == "inner":
            inner, inner_marked = _render(body, pattern, special, depth + 1)
            plain.append(inner)
            marked.append(inner_marked)
        elif kind == "literal":
            plain.append(body)
            marked.append(escape(body))
        elif kind == "br":
            plain.append("\n")
            marked.append("\n")
        elif special is not None:
            got, got_marked = special(m)
            plain.append(got)
            marked.append(got_marked)
        else:
            plain.append(m.group(0))
            marked.append(escape(m.group(0)))
    if pos < len(text):
        plain.append(text[pos:])
        marked.append(escape(text[pos:]))
    return "".join(plain), "".join(marked)


def plain_text(text: str) -> tuple[str, str]:
    """(text, marked) of text with no markup at all (scraped text).

    >>> plain_text("  a*b   `c` ")
    ('a*b `c`', 'a\\\\*b \\\\`c\\\\`')
    """
    text = tidy(text)
    return text, escape(text)


# ---- pipe tables ----------------------------------------------------------------------------


def is_pipe_row(line: str) -> bool:
    """A line of a pipe table: it opens with `|` and has another one.

    >>> is_pipe_row("| a | b |"), is_pipe_row("|a"), is_pipe_row("a | b")
    (True, False, False)
    """
    s = line.strip()
    return s.startswith("|") and s.find("|", 1) > 0


def is_rule_row(line: str) -> bool:
    """A pipe table's rule: only `|`, `+`, `-`, `:` and spaces, with a dash (`|---+---|`).

    >>> is_rule_row("|----+-----|"), is_rule_row("| :-- | --: |"), is_rule_row("| a |")
    (True, True, False)
    """
    s = line.strip()
    return "-" in s and not s.strip("|+-: \t")


def pipe_cells(line: str) -> list[str]:
    """The cells of a pipe-table row as written: outer bars dropped, `\\|` a literal bar.

    >>> pipe_cells("| R1 | a \\\\| b |  |")
    ['R1', 'a | b', '']
    """
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.replace("\\|", "|").strip() for c in CELL_BAR_RE.split(s)]


def pipe_table(
    lines: Sequence[str], first: int, cell_text: Callable[[str], str] = squash, layout: str = "pipe"
) -> tuple[Table, int]:
    """The pipe table whose first row is at index `first`, and the index after it.

    Rows above the first rule are the header (merged when several), else the first row is.
    >>> t, end = pipe_table(["| ID | Risk |", "|----+------|", "| R1 | Vault |", "| R2 |", "x"], 0)
    >>> t.header, [(r.line, r.cells) for r in t.rows], end
    (('ID', 'Risk'), [(3, ('R1', 'Vault')), (4, ('R2', ''))], 4)
    """
    rows: list[Row] = []
    rule_at: int | None = None
    i = first
    while i < len(lines) and is_pipe_row(lines[i]):
        if is_rule_row(lines[i]):
            if rule_at is None:
                rule_at = len(rows)
        else:
            cells = tuple(cell_text(c) if c else "" for c in pipe_cells(lines[i]))
            if any(cells):
                rows.append(Row(i + 1, cells))
        i += 1
    head = rule_at if rule_at else 1
    width = max((len(r.cells) for r in rows[:head]), default=0)
    header = tuple(squash(" ".join(r.cells[c] for r in rows[:head] if c < len(r.cells))) for c in range(width))
    body = tuple(_padded(r, width) for r in rows[head:])
    return Table(line=first + 1, end=i, header=header, rows=body, layout=layout), i


def _padded(row: Row, width: int) -> Row:
    """A row with empty cells added up to the header's width (never cut: nothing is lost)."""
    return row if len(row.cells) >= width else Row(row.line, row.cells + ("",) * (width - len(row.cells)))


# ---- check marks ----------------------------------------------------------------------------


def carries_mark(text: str) -> bool:
    """Whether a line says its state with a check mark, at its start or end or before an aside.

    >>> carries_mark("Payments lead ✅"), carries_mark("⚠️ SOC 2"), carries_mark("SRE ⚠️ (drill pending)")
    (True, True, True)
    >>> carries_mark("Ship ✅ and ❌ states"), carries_mark("Docs")
    (False, False)
    """
    s = text.strip().rstrip("\ufe0f").rstrip()
    if not s:
        return False
    if s[-1] in CHECK_MARKS or s[0] in CHECK_MARKS:
        return True
    at = next((k for k, ch in enumerate(s) if ch in CHECK_MARKS), -1)
    if at <= 0:
        return False
    rest = s[at + 1 :].lstrip("\ufe0f").lstrip()
    return s[at - 1].isspace() and rest.startswith(ASIDE_OPENERS)
