"""Markdown blocks: the block-level parser and the source line and text of its blocks.

Shared by `parsers.checklist` (which walks block tokens) and `parsers.markdown_sections` (which
walks the block tree). Only blocks are parsed here: the text of a block's inline content goes
through `markdown_table.inline_text`, so a list item, a table cell and a heading all lose their
markup the same way. Every block token (and tree node) has `map` = `[first line, end line)`,
0-based, which gives 1-based source lines for free.
"""

from __future__ import annotations

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from parsers.markdown_table import BLOCK_PARSER, inline_text
from pipeline.textnorm import squash

# Block-level parse only (with pipe tables); inline text goes through markdown_table.inline_text.
BLOCKS = BLOCK_PARSER


def line_of(block: Token | SyntaxTreeNode) -> int:
    """The 1-based source line a block token or tree node starts on.

    Block tokens (headings, paragraphs, list items, table rows) always carry a line map; a
    block without one (never seen) is put on line 1.
    >>> [line_of(t) for t in BLOCKS.parse("# A\\n\\n- b\\n") if t.type in ("heading_open", "list_item_open")]
    [1, 3]
    """
    return block.map[0] + 1 if block.map else 1


def inline_of(node: SyntaxTreeNode) -> str:
    """The inline content of a block node (a paragraph, heading or table cell) as written."""
    return node.children[0].content if node.children else ""


def table_rows(table: SyntaxTreeNode) -> list[tuple[int, list[str]]]:
    """(line, cell texts) of each row of a table node, header row first, markup dropped.

    >>> table_rows(SyntaxTreeNode(BLOCKS.parse("| A | **B** |\\n|---|---|\\n| 1 | `x` |\\n")).children[0])
    [(1, ['A', 'B']), (3, ['1', 'x'])]
    """
    return [
        (line_of(tr), [inline_text(inline_of(cell)) for cell in tr.children])
        for part in table.children
        for tr in part.children
    ]


def numbered_items(node: SyntaxTreeNode) -> list[tuple[int | None, SyntaxTreeNode]]:
    """The items of a list, each with its number when the list is ordered."""
    start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else None
    return [(None if start is None else start + k, item) for k, item in enumerate(node.children)]


def numbered(text: str, number: int | None) -> str:
    return f"{number}. {text}" if number is not None else text


def item_text(item: SyntaxTreeNode) -> str:
    """A list item as one line: its text, then what is nested in it in parentheses."""
    own = [t for child in item.children if child.type == "paragraph" and (t := block_text(child))]
    nested = [t for child in item.children if child.type != "paragraph" and (t := block_text(child))]
    text = " ".join(own)
    return f"{text} ({'; '.join(nested)})" if text and nested else text or "; ".join(nested)


def block_text(node: SyntaxTreeNode) -> str:
    """Plain text of a block: paragraphs inline, lists as "a; b", code squashed."""
    if node.type == "paragraph":
        return inline_text(node.children[0].content) if node.children else ""
    if node.type in ("bullet_list", "ordered_list"):
        return "; ".join(t for n, item in numbered_items(node) if (t := numbered(item_text(item), n).strip()))
    if node.type in ("fence", "code_block"):
        return squash(node.content)
    return "; ".join(t for child in node.children if (t := block_text(child)))


def first_line(item: SyntaxTreeNode) -> str:
    """The first line of a list item's opening paragraph, as written ("" when it opens otherwise)."""
    first = item.children[0] if item.children else None
    if first is None or first.type != "paragraph" or not first.children:
        return ""
    return first.children[0].content.split("\n")[0]
