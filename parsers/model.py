"""The document model: one typed block tree that every input syntax is turned into.

Front ends (`parsers.frontends`) build it, and nothing else; recognisers (`parsers.recognise`)
read it, whatever the syntax was, in the spirit of unstructured's elements and docling's
document. A Markdown `### R001: x` heading, an HTML `<h3>`, an org `*** R001: x` line and a bare
scraped line that stands for a heading all become a `Heading`; a `- [x]` item, an
`<input type="checkbox" checked>` and a Confluence `<ac:task>` all become a `ListItem` whose
`box` is "ticked".

Text comes in two forms on every block that holds prose:
- `text`: what a reader sees, inline markup gone (`**Severity**: High` -> `Severity: High`);
  struck-through text stays marked as `~~x~~`, because a struck value is still what was
  written (the normalisers read past it).
- `marked`: the same text with its inline markup in one canonical Markdown subset, whatever the
  syntax: `**strong**`, `*emphasis*`, `~~struck~~`, `` `code` ``, a line break as "\\n", and a
  literal `*`, `` ` ``, `~` or `\\` escaped with a backslash (`_` is never markup here, so
  `LAUNCH_CHECKLIST` needs no escape). Recognisers read labels from it (`**Likelihood:** High`
  is a label whether it was Markdown, `<strong>` or org `*Likelihood:*`).
Source lines are 1-based, into the decoded text (`Document.text`). Table cells hold `text`
only: spans are filled, line breaks inside a cell (`<br>`, a wrapped grid cell) are "\\n".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from parsers.lexicon import label_key

# A task box as written: ticked (`[x]`, ☑, checked input, Confluence "complete"), unticked
# (`[ ]`, ☐), or unknown (a box whose state the copy lost: a scraped page). None on a
# `ListItem` means it has no box at all.
Box = Literal["ticked", "unticked", "unknown"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Block:
    """What every block has: where it is, the headings above it, whether it is page chrome."""

    line: int  # first source line, 1-based
    end: int  # last source line, inclusive
    path: tuple[tuple[int, str], ...] = ()  # (level, text) of every heading above it, outermost first
    chrome: bool = False  # site navigation, footer, cookie banner, edit links: never content


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading(Block):
    level: int  # 1-6; a scraped bare line that stands for a heading gets the level it plays
    text: str
    marked: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Paragraph(Block):
    text: str  # source lines joined with "\n"
    marked: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ListItem(Block):
    text: str  # the item's own text (its first paragraph), box and marker gone
    marked: str
    box: Box | None = None
    number: int | None = None  # its number in an ordered list
    depth: int = 0  # 0 for an item of a top-level list, 1 for one nested in it, ...
    children: tuple[Block, ...] = ()  # what the item holds after its text: paragraphs, nested items, code


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a table: its source line and its cells' text (spans already filled).

    A front end that had to guess where cells end (a scraped row whose cells ran together)
    says how sure it is and why; the entry made from the row carries both."""

    line: int
    cells: tuple[str, ...]
    confidence: float = 1.0
    notes: tuple[str, ...] = ()
    lines: tuple[int, ...] = ()  # every source line of a row that runs over several (else just `line`)


@dataclass(frozen=True, slots=True, kw_only=True)
class Table(Block):
    header: tuple[str, ...]  # one label per column (several header rows already merged)
    rows: tuple[Row, ...]
    caption: str = ""
    # How the cells were found, for `riskreg explain`: "pipe", "html", "grid", "aligned",
    # "run-together", "one-per-line", "csv", "tsv", "wiki", "asciidoc"...
    layout: str = ""


def column_labels(header_rows: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """One label per column from one or more header rows (spans already expanded).

    The lowest label names the column ("Likelihood" under a "Rating" group); when that label
    is already taken by a column to its left, the group's words come first, so the two
    columns stay apart ("Residual L" after "L").
    >>> column_labels([["ID", "Inherent", "Inherent", "Residual", "Residual"], ["ID", "L", "I", "L", "I"]])
    ('ID', 'L', 'I', 'Residual L', 'Residual I')
    """
    width = max((len(r) for r in header_rows), default=0)
    labels: list[str] = []
    taken: set[str] = set()
    for col in range(width):
        parts: list[str] = []
        for row in header_rows:
            text = row[col] if col < len(row) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        label = parts[-1] if parts else ""
        if label and label_key(label) in taken and len(parts) > 1:
            label = " ".join(parts)
        taken.add(label_key(label))
        labels.append(label)
    return tuple(labels)


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyValue(Block):
    """A value the syntax itself labels: a definition list entry (`<dt>`/`<dd>`), an org
    property, a Confluence page property. Label lines in prose (`Likelihood: High`) stay
    paragraphs: which of them are labels is the recognisers' call, made once for every syntax."""

    key: str
    value: str
    marked: str = ""  # the value with its inline markup


@dataclass(frozen=True, slots=True, kw_only=True)
class Code(Block):
    text: str
    lang: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule(Block):
    """A thematic break (`---`, `<hr>`): it ends what a label above it was collecting."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote(Block):
    children: tuple[Block, ...] = ()


@dataclass(frozen=True, slots=True)
class Tree:
    """A document as a front end read it."""

    syntax: str  # the front end's NAME: "markdown", "html", "text", ...
    blocks: tuple[Block, ...]
    # The title the syntax states outright (HTML <title>, org #+TITLE, a front-matter title),
    # and document properties it states (front matter, <meta name=author>, org keywords).
    declared_title: str | None = None
    properties: Mapping[str, str] = field(default_factory=dict)


def children(block: Block) -> tuple[Block, ...]:
    """The blocks a block holds (list items and quotes hold blocks; the rest hold none)."""
    return block.children if isinstance(block, ListItem | Quote) else ()


def walk(blocks: Iterable[Block]) -> Iterator[Block]:
    """Every block, depth first, in document order: a list item before what it holds.

    >>> item = ListItem(line=1, end=2, text="a", marked="a", children=(Paragraph(line=2, end=2, text="b", marked="b"),))
    >>> [type(b).__name__ for b in walk([item])]
    ['ListItem', 'Paragraph']
    """
    stack = list(reversed(tuple(blocks)))
    while stack:
        block = stack.pop()
        yield block
        stack.extend(reversed(children(block)))


def with_paths(blocks: Iterable[Block]) -> tuple[Block, ...]:
    """The blocks with `path` set: (level, text) of the headings each sits under, outermost first.

    A heading closes every heading at its level or deeper; it sits under the ones above it.
    >>> h = lambda n, level, t: Heading(line=n, end=n, level=level, text=t, marked=t)
    >>> p = Paragraph(line=4, end=4, text="x", marked="x")
    >>> [[t for _, t in b.path] for b in with_paths([h(1, 1, "Doc"), h(2, 2, "Risks"), h(3, 3, "R1"), p, h(5, 2, "N")])]
    [[], ['Doc'], ['Doc', 'Risks'], ['Doc', 'Risks', 'R1'], ['Doc']]
    """
    stack: list[tuple[int, str]] = []
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading):
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            out.append(_with_path(block, tuple(stack)))
            stack.append((block.level, block.text))
        else:
            out.append(_with_path(block, tuple(stack)))
    return tuple(out)


def _with_path(block: Block, path: tuple[tuple[int, str], ...]) -> Block:
    # A block that already has its path (a front end that sets paths as it reads) is kept as it
    # is: copying every block of a tree is a large share of reading a document.
    kids = children(block)
    if kids:
        placed = tuple(_with_path(k, path) for k in kids)
        if block.path == path and all(new is old for new, old in zip(placed, kids, strict=True)):
            return block
        return replace(block, path=path, children=placed)  # type: ignore[call-arg]
    return replace(block, path=path) if block.path != path else block


def outline(tree: Tree, note: Callable[[Block], str] | None = None) -> list[str]:
    """The tree as indented lines with their source lines, for `riskreg explain`.

    >>> tree = Tree("markdown", (Heading(line=1, end=1, level=2, text="Risks", marked="Risks"),
    ...     Table(line=3, end=5, header=("ID", "Risk"), rows=(Row(5, ("R1", "x")),), layout="pipe"),
    ...     ListItem(line=7, end=7, text="Backups", marked="Backups", box="ticked")))
    >>> print("\\n".join(outline(tree)))
       1    ## Risks
       3      table (pipe, 1 row): ID | Risk
       7      - [x] Backups
    """
    lines: list[str] = []
    level = 0
    for block in tree.blocks:
        if isinstance(block, Heading):
            level = block.level
        indent = "  " * (level if not isinstance(block, Heading) else level - 1)
        lines.extend(_outline_block(block, indent, note))
    return lines


BOX_MARKS: Mapping[Box | None, str] = {"ticked": "[x] ", "unticked": "[ ] ", "unknown": "[?] ", None: ""}


def _outline_block(block: Block, indent: str, note: Callable[[Block], str] | None = None) -> list[str]:
    where = f"{block.line:>4}  "
    chrome = "  (page chrome)" if block.chrome else ""
    if note is not None and (said := note(block)):
        chrome += f"  -> {said}"
    if isinstance(block, Heading):
        return [f"{where}{indent}{'#' * block.level} {_short(block.text)}{chrome}"]
    if isinstance(block, Table):
        rows = f"{len(block.rows)} row{'s' if len(block.rows) != 1 else ''}"
        return [f"{where}{indent}table ({block.layout or 'table'}, {rows}): {_short(' | '.join(block.header))}{chrome}"]
    if isinstance(block, ListItem):
        mark = f"{block.number}." if block.number is not None else "-"
        own = f"{where}{indent}{'  ' * block.depth}{mark} {BOX_MARKS[block.box]}{_short(block.text)}{chrome}"
        nested = [ln for kid in block.children for ln in _outline_block(kid, indent + "  ", note)]
        return [own, *nested]
    if isinstance(block, KeyValue):
        return [f"{where}{indent}{_short(block.key)}: {_short(block.value)}{chrome}"]
    if isinstance(block, Code):
        return [f"{where}{indent}code{f' ({block.lang})' if block.lang else ''}: {_short(block.text)}{chrome}"]
    if isinstance(block, Rule):
        return [f"{where}{indent}---"]
    if isinstance(block, Quote):
        return [ln for kid in block.children for ln in _outline_block(kid, indent + "> ", note)]
    text = block.text if isinstance(block, Paragraph) else ""
    return [f"{where}{indent}{_short(text)}{chrome}"]


def _short(text: str, width: int = 90) -> str:
    one = " / ".join(part.strip() for part in text.split("\n") if part.strip())
    return one if len(one) <= width else one[: width - 1] + "…"
