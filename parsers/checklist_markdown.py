"""Markdown task lists: a checklist's items from markdown-it block tokens.

Part of `parsers.checklist`. Task-list items (`- [ ]`, `- [x]`, `* [X]`, `1. [ ]`) and bulleted
sign-off lists (`- Tech lead ✅`) under `##` headings, read with markdown-it-py's block parser so
that nested lists, lazy continuation lines and fenced code behave as in any renderer, and
`Token.map` gives each item's source lines. Also read here: box lines that lost their list
marker (`[x] Flag in place`, `☑ Backups restored`), short bold or bare paragraphs that stand for
headings, and sign-off tables (through `parsers.signoff`).
"""

from __future__ import annotations

from collections.abc import Mapping

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from parsers.checklist_text import Item, field_label, heading_like, section_of, task_box
from parsers.markdown_blocks import BLOCKS, line_of, table_rows
from parsers.markdown_table import inline_text
from parsers.signoff import box_glyph_line, marked, signoff_rows


def markdown_items(text: str, title: str | None, synonyms: Mapping[str, str]) -> list[Item]:
    """Every list item of a Markdown document with its box, mark and heading."""
    tokens = BLOCKS.parse(text.replace("\r", " "))  # markdown-it reads a lone CR as a line break
    items: list[Item] = []
    headings: dict[int, str] = {}  # level -> heading text, the path to the current place
    ordered: list[bool] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            name = inline_text(tokens[i + 1].content)
            headings = {k: v for k, v in headings.items() if k < level}
            if level > 1:  # the document's own title is not a section
                headings[level] = name
        elif tok.type == "paragraph_open" and tok.level == 0 and _paragraph_heading(tokens, i, title):
            # "**Pre-launch**", or a bare "Docs" right above a list: a heading in all but markup.
            headings = {k: v for k, v in headings.items() if k < 7}
            headings[7] = inline_text(tokens[i + 1].content).rstrip(":")
        elif tok.type == "paragraph_open" and tok.level == 0 and (boxed := _box_lines(tokens[i + 1].content)):
            # "[x] Flag in place" lines, or "☑ ..." glyphs, written without list markers.
            heading = headings[max(headings)] if headings else None
            first = line_of(tok)
            for offset, body in boxed:
                item = _line_item(body, first + offset, heading)
                if item is not None:
                    items.append(item)
        elif tok.type == "table_open":
            heading = headings[max(headings)] if headings else None
            end = next((j for j in range(i, len(tokens)) if tokens[j].type == "table_close"), len(tokens) - 1)
            table = SyntaxTreeNode(tokens[i : end + 1]).children[0]
            items.extend(_table_items(table_rows(table), heading, synonyms))
            i = end
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            ordered.append(tok.type == "ordered_list_open")
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            ordered.pop()
        elif tok.type == "list_item_open":
            heading = headings[max(headings)] if headings else None
            item = _markdown_item(tokens, i, heading, bool(ordered and ordered[-1]))
            if item is not None and not item.boxed and field_label(tokens[i + 2].content, synonyms):
                i = _item_end(tokens, i)  # a risk field and its numbered steps: not checks
                continue
            if item is not None:
                items.append(item)
        i += 1
    return items


def _box_lines(content: str) -> list[tuple[int, str]]:
    """(line offset, item text) for a paragraph made only of task-box or glyph lines, else [].

    >>> _box_lines("[x] Flag in place\\n☐ Status page"), _box_lines("[x] done\\nand more prose")
    ([(0, '[x] Flag in place'), (1, '[ ] Status page')], [])
    """
    found = []
    for k, line in enumerate(content.split("\n")):
        if task_box(line.strip()) is not None:
            found.append((k, line.strip()))
        elif (boxed := box_glyph_line(line)) is not None:
            found.append((k, boxed))
        elif line.strip():
            return []
    return found


def _line_item(body: str, line: int, heading: str | None) -> Item | None:
    """A task-box line's item ("[x] text")."""
    box = task_box(body)
    if box is None:
        return None
    checked, rest = box
    text = marked(inline_text(rest))[0]
    return Item(
        line=line,
        text=text,
        section=section_of(heading),
        heading=heading,
        boxed=True,
        checked=checked,
        lines=[line],
    )


def _table_items(rows: list[tuple[int, list[str]]], heading: str | None, synonyms: Mapping[str, str]) -> list[Item]:
    """Rows of a sign-off table (see `parsers.signoff.signoff_rows`) as marked items."""
    section = section_of(heading)
    return [
        Item(
            line=row.line,
            text=row.title,
            section=section,
            heading=heading,
            checked=row.checked,
            marked=True,
            table=True,
            lines=[row.line],
            extra=row.extra,
            owner=row.owner,
        )
        for row in signoff_rows(rows, synonyms)
    ]


def _markdown_item(tokens: list[Token], i: int, heading: str | None, ordered: bool) -> Item | None:
    """The item opened at tokens[i], from its first paragraph; None for an empty item."""
    if i + 2 >= len(tokens) or tokens[i + 1].type != "paragraph_open" or tokens[i + 2].type != "inline":
        return None
    content = tokens[i + 2].content
    line = line_of(tokens[i])
    para = tokens[i + 1].map or tokens[i].map or [line - 1, line]
    boxed, checked = False, None
    if box := task_box(content):
        boxed = True
        checked, content = box
    text, mark, has_mark = marked(inline_text(content))
    if not boxed and has_mark:
        checked = mark
    return Item(
        line=line,
        text=text,
        section=section_of(heading),
        heading=heading,
        boxed=boxed,
        checked=checked,
        ordered=ordered and not has_mark and not boxed,
        marked=has_mark,
        lines=list(range(para[0] + 1, para[1] + 1)),
    )


def _item_end(tokens: list[Token], i: int) -> int:
    """Index just past the list_item_close that closes the item opened at tokens[i]."""
    level = tokens[i].level
    j = i + 1
    while j < len(tokens) and not (tokens[j].type == "list_item_close" and tokens[j].level == level):
        j += 1
    return j + 1


def _paragraph_heading(tokens: list[Token], i: int, title: str | None) -> bool:
    """A paragraph that acts as a heading: a short bold phrase, or a bare heading-like line that a
    list follows at once (a checklist with plain-text headings); never the document's title."""
    content = tokens[i + 1].content
    if _bold_heading(content):
        return True
    line = content.strip()
    follows = tokens[i + 3].type if i + 3 < len(tokens) else ""
    return (
        "\n" not in line
        and follows in ("bullet_list_open", "ordered_list_open")
        and heading_like(line)
        and inline_text(line) != title
    )


def _bold_heading(content: str) -> bool:
    """A paragraph that is only a short bold phrase: "**Pre-launch**", "**Sign-off:**".

    >>> _bold_heading("**Pre-launch**"), _bold_heading("**Note:** read this"), _bold_heading("plain")
    (True, False, False)
    """
    s = content.strip()
    return (
        len(s) <= 64
        and "\n" not in s
        and s.startswith(("**", "__"))
        and s.rstrip(":").endswith(("**", "__"))
        and s.count("**") + s.count("__") == 2
    )
