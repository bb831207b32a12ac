"""Labels of a risk section: the Section and Label records, and what each block adds to them.

Part of `parsers.markdown_sections`. Under a risk's heading (or in a record, see
`parsers.section_records`) a field is a labelled bullet (`- **Severity**: Critical`), a bold or
plain paragraph line (`**Risk After**: 🟢 LOW  `, `Likelihood: Low`, several on one line split at
field labels), or a two-column `| Likelihood | High |` table. A list, code block or paragraph
under a label with no value of its own is its value (`**Mitigation**:` then `1. ... 2. ...` ->
"1. ...; 2. ..."); bullets under a label that has a value are its details. The label grammar
itself is in `parsers.section_text`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from markdown_it.tree import SyntaxTreeNode

from parsers.fields import field_of_header
from parsers.markdown_blocks import (
    block_text,
    first_line,
    inline_of,
    item_text,
    line_of,
    numbered,
    numbered_items,
    table_rows,
)
from parsers.markdown_table import inline_text
from parsers.section_text import label_field, label_of, split_labels
from parsers.tables import RATING_FIELDS
from pipeline.textnorm import squash

# A task-list item ("[ ] Load tests pass"): a checklist entry, never a field.
TASK_ITEM_RE = re.compile(r"^\s*\[[ xX✓✔]?\]\s")


@dataclass(slots=True)
class Label:
    """A labelled value in a section: `**Mitigation**:` with its text and the items under it."""

    label: str  # as written, markup stripped
    value: str  # inline text on the label's line(s), markup stripped
    line: int
    details: list[str] = field(default_factory=list)  # items of the list, code or paragraphs under it

    def text(self) -> str:
        """The value, or the items under the label when the line has none ("1. a; 2. b")."""
        return self.value or "; ".join(self.details)


@dataclass(slots=True)
class Section:
    """A heading and the labels found between it and the next heading."""

    level: int
    heading: str  # markup and leading decoration stripped
    line: int  # 1-based line of the heading
    parent: str | None  # the heading it sits under (the document title is not one)
    context: tuple[str, ...] = ()  # every heading above it, the document title included
    labels: list[Label] = field(default_factory=list)
    pending: Label | None = None  # the label unlabelled blocks below belong to
    synonyms: Mapping[str, str] = field(default_factory=dict, repr=False)  # for plain "Likelihood: Low" labels
    record: bool = False  # a list item or label block standing for a risk, not a heading


def add_block(section: Section, node: SyntaxTreeNode) -> None:
    """Labels (or details of the pending label) from one top-level block of a section."""
    if node.type == "paragraph":
        add_paragraph(section, node, plain_labels=True)
    elif node.type in ("bullet_list", "ordered_list"):
        for number, item in numbered_items(node):
            _item(section, item, number, top=True)
    elif node.type in ("fence", "code_block"):
        if section.pending is not None and (code := squash(node.content)):
            section.pending.details.append(code)
    elif node.type == "table":
        _table(section, node)
    elif node.type == "blockquote":
        for child in node.children:
            add_block(section, child)
    elif node.type == "hr":
        section.pending = None


def _table(section: Section, node: SyntaxTreeNode) -> None:
    """Labels from a table inside a risk's section: a two-column `| Likelihood | High |` table,
    or one row under rating headers (`| Likelihood | Impact |` then `| High | Low |`). Tables
    whose labels name no field (test results, a register with titles) are left alone."""
    rows = table_rows(node)
    if len(rows) < 2:
        return
    (_, head), body = rows[0], rows[1:]
    pairs: list[tuple[str, str, int]] = []
    vertical = len(head) == 2 and field_of_header(head[1], section.synonyms) is None
    named = [cells[0] for _, cells in body if cells and label_field(cells[0], "", section.synonyms)]
    if vertical and named and all(len(cells) == 2 for _, cells in body):
        # The header row is a label too when it names a field ("| Likelihood | High |" first); a
        # legend ("| Likelihood | Meaning |" over "| Low | Once a year |") names none in its rows.
        head_named = label_field(head[0], head[1], section.synonyms) is not None
        pairs = [(cells[0], cells[1], line) for line, cells in (rows if head_named else body) if cells[0]]
    elif len(body) == 1:
        pairs = [(h, v, body[0][0]) for h, v in zip(head, body[0][1], strict=False) if h]
    fields = [label_field(label, value, section.synonyms) for label, value, _ in pairs]
    if not any(f in RATING_FIELDS for f in fields) or (len(body) == 1 and {"title", "entry_id"} & set(fields)):
        return  # one row with a title or an id column is a register: markdown_table's
    section.labels.extend(Label(label, value, line) for label, value, line in pairs if value)
    section.pending = None


def add_paragraph(section: Section, node: SyntaxTreeNode, *, plain_labels: bool) -> None:
    """Labels from a paragraph, line by line (hard-broken `**A**: x  \\n**B**: y`); unlabelled text
    continues the label above it."""
    content = inline_of(node)
    start = line_of(node)
    opened: Label | None = None
    loose: list[str] = []
    for k, raw in enumerate(content.split("\n")):
        found = label_of(raw, plain=plain_labels, synonyms=section.synonyms)
        if found is not None:
            for label, value in split_labels(*found, section.synonyms):
                opened = Label(label, inline_text(value), start + k)
                section.labels.append(opened)
            section.pending = opened
        elif opened is not None:
            extra = inline_text(raw)
            opened.value = squash(f"{opened.value} {extra}")
        else:
            loose.append(raw)
    # Prose under a label with no value of its own is its value ("**Problem**:" then a paragraph);
    # prose after a complete label is the section's narrative, not part of that label.
    pending = section.pending
    if loose and pending is not None and not pending.value and (text := inline_text(" ".join(loose))):
        pending.details.append(text)


def _item(section: Section, item: SyntaxTreeNode, number: int | None, *, top: bool) -> None:
    """A list item: a label of its own, or one item of the pending label's value."""
    first = item.children[0] if item.children else None
    first_text = first_line(item)
    if TASK_ITEM_RE.match(first_text):
        return
    if first is not None and first.type == "paragraph" and label_of(first_text, plain=top, synonyms=section.synonyms):
        add_paragraph(section, first, plain_labels=top)
        owner = section.pending
        for child in item.children[1:]:
            if child.type in ("bullet_list", "ordered_list"):
                for sub_number, sub in numbered_items(child):
                    if label_of(first_line(sub), plain=False):
                        _item(section, sub, sub_number, top=False)
                    elif owner is not None and (text := item_text(sub)):
                        owner.details.append(numbered(text, sub_number))
            elif owner is not None and (text := block_text(child)):
                owner.details.append(text)
        section.pending = owner
        return
    if section.pending is not None and (text := item_text(item)):
        section.pending.details.append(numbered(text, number))
