"""Headless risk records: risks written one per list item or block instead of one per heading.

Part of `parsers.markdown_sections`. A record names a risk (a title or id label, or a title in
front of its labels) and rates it: `- Risk: Vault sealed; Likelihood: High; Owner: SRE`,
`1. **Vault sealed** — Likelihood: High`, a bold or short title line over a list of labels
(`**Vault sealed**` then `- Likelihood: High`), a paragraph of `ID:` / `Risk:` / `Likelihood:`
lines (exported risk tools, scraped pages), or a title line over label lines (`R-CV-01 Card
numbers in logs` then `Likelihood: Low`). Each record becomes a `Section` of its own
(`record=True`); `parsers.heading_sections` decides whether it stands alone or holds the fields
of the heading above it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from markdown_it.tree import SyntaxTreeNode

from parsers import doc_meta
from parsers.markdown_blocks import first_line, inline_of, line_of, numbered_items
from parsers.markdown_table import inline_text
from parsers.section_labels import TASK_ITEM_RE, Label, Section, add_block, add_paragraph
from parsers.section_text import heading_parts, label_field, label_of, lead_and_labels, split_labels
from parsers.tables import RATING_FIELDS
from pipeline.textnorm import fold, squash

# A paragraph that is one bold line: a risk's heading when it carries an id ("**R001: Vault outage**").
BOLD_HEADING_RE = re.compile(r"^\s*(?P<mark>\*\*|__)(?P<text>[^*_\n]+)(?P=mark)\s*$")
# The title of a block of ratings that is a stage of one risk, not a risk: "Inherent risk",
# "Residual", "Before mitigation", "After treatment", "Current rating", "Target".
PHASE_TITLE_RE = re.compile(
    r"^(?:(?:inherent|residual|current|target|initial|original|gross|net|pre|post)"
    r"(?:\ (?:mitigation|treatment|controls))?"
    r"|(?:before|after)(?:\ (?:mitigation|treatment|controls|fix(?:es)?))?)(?:\ (?:risk|rating|score|assessment)s?)?$"
    r"|^(?:risk|rating|score)s?\ (?:before|after)\b"
)

# Makes the Section of a record found under the current heading: (title text, line) -> Section.
RecordMaker = Callable[[str, int], Section]


def block_records(
    node: SyntaxTreeNode,
    current: Section | None,
    parent: str | None,
    context: tuple[str, ...],
    synonyms: Mapping[str, str],
) -> list[Section]:
    """Risks a block writes as records, one Section each, or [] when it writes none.

    A record names a risk (a title or id label, or a title in front of its labels) and rates it:
    - a list item of labels on one line: `- Risk: Vault sealed; Likelihood: High; Owner: SRE`,
      `1. **Vault sealed** — Likelihood: High | Impact: Medium`;
    - a list item whose text is a title and whose nested list holds the labels:
      `1. **Vault sealed**` then `   - Likelihood: High` ...;
    - a paragraph of label lines with an id or title label: `ID: R1` / `Risk: ...` / `Likelihood: ...`,
      or a bold title followed by labels (`**Vault sealed.** Likelihood: high. Impact: low.`).
    Blocks that only carry fields (`- Likelihood: High` bullets under a risk's heading) are not records.
    """
    level = (current.level if current is not None else 1) + 1

    def new(heading: str, line: int) -> Section:
        return Section(level, heading, line, parent, context, synonyms=synonyms, record=True)

    found: list[Section] = []
    if node.type == "paragraph":
        record = _record_from_paragraph(node, new, synonyms)
        if record is not None:
            found.append(record)
    elif node.type in ("bullet_list", "ordered_list"):
        for _, item in numbered_items(node):
            record = _record_from_item(item, new, synonyms)
            if record is not None:
                found.append(record)
    return found


def titled_list(
    node: SyntaxTreeNode,
    after: SyntaxTreeNode | None,
    current: Section | None,
    parent: str | None,
    context: tuple[str, ...],
    synonyms: Mapping[str, str],
) -> Section | None:
    """A one-line paragraph naming a risk (bold, or plain right above the list) over a list of
    labels that rate it, as one record; None otherwise."""
    if node.type != "paragraph" or after is None or after.type not in ("bullet_list", "ordered_list"):
        return None
    content = inline_of(node).strip()
    bold = BOLD_HEADING_RE.match(content)
    touching = node.map is not None and after.map is not None and node.map[1] == after.map[0]
    if (
        "\n" in content
        or not (bold or (touching and _titleish(content)))
        or label_of(content, plain=True, synonyms=synonyms)
    ):
        return None
    heading = doc_meta.section_name(bold["text"] if bold else inline_text(content)) or ""
    if PHASE_TITLE_RE.search(fold(heading)):
        return None  # "**Residual risk**" over its ratings: a part of the heading's risk, not a risk
    level = (current.level if current is not None else 1) + 1
    record = Section(level, heading, line_of(node), parent, context, synonyms=synonyms, record=True)
    add_block(record, after)
    return record if _is_record(record, synonyms) else None


def _record_from_paragraph(node: SyntaxTreeNode, new: RecordMaker, synonyms: Mapping[str, str]) -> Section | None:
    """A paragraph that is a record: label lines naming and rating a risk, or a lead title then labels."""
    content = inline_of(node)
    first, *rest = content.split("\n")
    if label_of(first, plain=True, synonyms=synonyms) is not None:
        record = new("", line_of(node))
        add_paragraph(record, node, plain_labels=True)
    elif (
        rest
        and label_of(rest[0], plain=True, synonyms=synonyms) is not None
        and _titleish(first)
        and not PHASE_TITLE_RE.search(fold(inline_text(first)))
    ):
        # "R-CV-01 Card numbers in logs" over "Likelihood: Low" lines (a scraped section heading).
        record = new(doc_meta.section_name(inline_text(first)) or "", line_of(node))
        for k, raw in enumerate(rest, start=1):
            found = label_of(raw, plain=True, synonyms=synonyms)
            if found is not None:
                record.labels.extend(
                    Label(label, inline_text(value), line_of(node) + k)
                    for label, value in split_labels(*found, synonyms)
                )
            elif record.labels:
                record.labels[-1].value = squash(f"{record.labels[-1].value} {inline_text(raw)}")
    else:
        lead, pairs = lead_and_labels(content.replace("\n", " "), synonyms)
        if not lead or len(pairs) < 2:
            return None
        record = new(lead, line_of(node))
        record.labels.extend(Label(label, inline_text(value), line_of(node)) for label, value in pairs)
    return record if _is_record(record, synonyms) else None


def _record_from_item(item: SyntaxTreeNode, new: RecordMaker, synonyms: Mapping[str, str]) -> Section | None:
    """A list item that is a record: title and labels on its line, or a title over a list of labels."""
    first = item.children[0] if item.children else None
    if first is None or first.type != "paragraph" or TASK_ITEM_RE.match(first_line(item)):
        return None
    line = line_of(item)
    content = inline_of(first)
    if label_of(content.split("\n")[0], plain=True, synonyms=synonyms) is not None:
        record = new("", line)
        add_paragraph(record, first, plain_labels=True)
        if len(record.labels) < 2:
            return None
    else:
        lead, pairs = lead_and_labels(content.replace("\n", " "), synonyms)
        if pairs and not lead:
            return None
        heading = lead or inline_text(content)
        if not heading or len(heading) > 200 or PHASE_TITLE_RE.search(fold(heading)):
            return None
        record = new(heading, line)
        record.labels.extend(Label(label, inline_text(value), line) for label, value in pairs)
        record.pending = record.labels[-1] if record.labels else None
    for child in item.children[1:]:
        add_block(record, child)
    return record if _is_record(record, synonyms) else None


def _titleish(line: str) -> bool:
    """A line that can name a risk above its labels: short, not a sentence, not a label.

    >>> _titleish("R-CV-01 Card numbers written to logs"), _titleish("We looked at three options this quarter.")
    (True, False)
    """
    text = inline_text(line)
    return 0 < len(text) <= 120 and not text.endswith((".", ":", ";", ",")) and len(text.split()) <= 16


def _is_record(record: Section, synonyms: Mapping[str, str]) -> bool:
    """A record names its risk (a title in front, or an id or title label next to another label)
    and rates it."""
    fields = [label_field(lab.label, lab.text(), synonyms) for lab in record.labels]
    titled = bool(heading_parts(record.heading)[1])
    named = titled or (bool({"entry_id", "title"} & set(fields)) and len(record.labels) >= 2)
    return named and any(f in RATING_FIELDS for f in fields)
