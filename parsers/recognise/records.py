"""Risks written as records: one per list item or block instead of one per heading.

Part of `parsers.recognise.sections`. A record names a risk (a title or id label, or a title in
front of its labels) and rates it:
- a list item of labels on one line: `- Risk: Vault sealed; Likelihood: High; Owner: SRE`,
  `1. **Vault sealed** — Likelihood: High | Impact: Medium`;
- a list item whose text is a title and whose nested list holds the labels: `1. **Vault
  sealed**` then `   - Likelihood: High` ...;
- a task item that names a risk by its id and rates its likelihood or impact (`- [ ] **R1** Disk
  fills — Likelihood: High, Impact: Medium`): a register kept as a task list, its box kept in
  `extra` as a table's box column is (a task item with a priority or an owner stays a check);
- a bold or short title line over a list of labels (`**Vault sealed**` then `- Likelihood: High`);
- a definition list of the same (`<dt>ID</dt><dd>R1</dd><dt>Risk</dt>...`, several risks in one
  list apart where a term comes again);
- a two-column card table (`| Risk ID | MT-1 |` over `| Risk | ... |`, `| Likelihood | ... |`);
- a paragraph of label lines with an id or title label (`ID: R1` / `Risk: ...` / `Likelihood:
  ...`: exported risk tools, scraped pages, blank-line separated key-value blocks), a title line
  over label lines (`R-CV-01 Card numbers in logs` then `Likelihood: Low`), or a bold title then
  labels (`**Vault sealed.** Likelihood: high. Impact: low.`).
Blocks that only carry fields (`- Likelihood: High` under a risk's heading) are not records, nor
is a block titled with a stage of a rating ("**Residual risk**" over its ratings). Each record is
a `Section` of its own (`record=True`); the section walk decides whether it stands alone or
holds the fields of the heading above it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from parsers.inline import plain
from parsers.lexicon import RATING_FIELDS
from parsers.model import KeyValue, ListItem, Paragraph, Table
from parsers.recognise.common import Context, section_name
from parsers.recognise.headings import heading_parts, phase_of
from parsers.recognise.labels import label_of, lead_and_labels
from parsers.recognise.section_fields import (
    Label,
    Section,
    Unit,
    add_definition,
    add_lines,
    add_unit,
    claim,
    field_of,
    units,
)
from parsers.recognise.tables import Verdicts
from pipeline.textnorm import fold, squash

# A paragraph that is one bold line: a heading in all but markup ("**R001: Vault outage**",
# "**Data loss during failover**" over a list of labels).
BOLD_LINE_RE = re.compile(r"^\s*\*\*(?P<text>[^*\n]+)\*\*\s*$")
# A title line is short and no sentence: at most this many characters and words.
MAX_TITLE_CHARS = 120
MAX_TITLE_WORDS = 16
# A list item's lead longer than this is prose, not a title.
MAX_LEAD_CHARS = 200
# What a task item must rate to be a risk rather than a check: a priority or a severity is what
# checklists rate their items with too.
TASK_RISK_FIELDS = frozenset({"likelihood", "impact"})
# The label a risk's task box is kept under in `extra` (the state as `parsers.model.Box` says it).
TASK_BOX_LABEL = "(task box)"

# Makes the Section of a record found under the current heading: (title text, line) -> Section.
RecordMaker = Callable[[str, int], Section]


def block_records(unit: Unit, new: RecordMaker, ctx: Context, verdicts: Verdicts) -> list[Section]:
    """Risks a block or list writes as records, one Section each, or [] when it writes none."""
    if isinstance(unit, Table):
        # A two-column card (`| Risk ID | MT-1 |`, `| Risk | ... |`, `| Likelihood | ... |`): the
        # verdict calls it the fields of a section; naming its risk, it is a record of its own.
        if verdicts.of(unit).kind != "fields":
            return []
        record = new("", unit.line)
        add_unit(record, unit, ctx, verdicts)
        return [record] if is_record(record, ctx) else []
    if isinstance(unit, Paragraph):
        record = _record_from_paragraph(unit, new, ctx)
        return [record] if record is not None else []
    if isinstance(unit, tuple) and isinstance(unit[0], KeyValue):
        return _records_from_definitions(unit, new, ctx)  # type: ignore[arg-type]
    if isinstance(unit, tuple):
        return [r for item in unit if (r := _record_from_item(item, new, ctx, verdicts)) is not None]  # type: ignore[arg-type]
    return []


def _records_from_definitions(run: tuple[KeyValue, ...], new: RecordMaker, ctx: Context) -> list[Section]:
    """Definition lists that are records (`<dt>ID</dt><dd>R1</dd><dt>Risk</dt>...`): a new record
    starts where a term already given comes again."""
    found: list[Section] = []
    seen: set[str] = set()
    for block in run:
        key = fold(block.key)
        if not found or key in seen:
            found.append(new("", block.line))
            seen = set()
        seen.add(key)
        add_definition(found[-1], block, ctx)
    return [record for record in found if is_record(record, ctx)]


def titled_list(unit: Unit, after: Unit | None, new: RecordMaker, ctx: Context, verdicts: Verdicts) -> Section | None:
    """A one-line paragraph naming a risk (bold, or plain right above the list) over a list of
    labels that rate it, as one record; None otherwise."""
    if not isinstance(unit, Paragraph) or not isinstance(after, tuple):
        return None
    content = unit.marked.strip()
    bold = BOLD_LINE_RE.match(content)
    touching = unit.end + 1 == after[0].line
    if (
        "\n" in content
        or not (bold or (touching and titleish(content)))
        or label_of(content, ctx, plain_labels=True) is not None
    ):
        return None
    heading = section_name(plain(bold["text"] if bold else content)) or ""
    if phase_of(heading, ctx) is not None:
        return None  # "**Residual risk**" over its ratings: a part of the heading's risk, not a risk
    record = new(heading, unit.line)
    add_unit(record, after, ctx, verdicts)
    claim(record, unit.line, unit.end)
    return record if is_record(record, ctx) else None


def _record_from_paragraph(block: Paragraph, new: RecordMaker, ctx: Context) -> Section | None:
    """A paragraph that is a record: label lines naming and rating a risk, a title line over
    label lines, or a lead title then labels."""
    first, *rest = block.marked.split("\n")
    if label_of(first, ctx, plain_labels=True) is not None:
        record = new("", block.line)
        add_lines(record, block.marked, block.line, block.end, ctx, plain_labels=True)
    elif (
        rest
        and label_of(rest[0], ctx, plain_labels=True) is not None
        and titleish(first)
        and phase_of(squash(plain(first)), ctx) is None
    ):
        # "R-CV-01 Card numbers in logs" over "Likelihood: Low" lines (a scraped section heading).
        record = new(section_name(plain(first)) or "", block.line)
        add_lines(record, "\n".join(rest), min(block.line + 1, block.end), block.end, ctx, plain_labels=True)
        claim(record, block.line, block.line)
    else:
        lead, pairs = lead_and_labels(block.marked.replace("\n", " "), ctx)
        if not lead or len(pairs) < 2:
            return None
        record = new(lead, block.line)
        record.labels.extend(Label(label, squash(plain(value)), block.line) for label, value in pairs)
        claim(record, block.line, block.end)
    return record if is_record(record, ctx) else None


def _record_from_item(item: ListItem, new: RecordMaker, ctx: Context, verdicts: Verdicts) -> Section | None:
    """A list item that is a record: title and labels on its line, or a title over a list of
    labels; a task item only when it names its risk by id and rates it (`_task_risk`)."""
    if not item.marked:
        return None
    if item.box is not None and not item.children and ":" not in item.marked and "：" not in item.marked:
        return None  # a task item with no label on its line nor a list under it: a check (cheaply)
    own_end = min(item.end, item.children[0].line - 1) if item.children else item.end
    own_end = max(item.line, own_end)
    if label_of(item.marked.split("\n")[0], ctx, plain_labels=True) is not None:
        record = new("", item.line)
        add_lines(record, item.marked, item.line, own_end, ctx, plain_labels=True)
        if len(record.labels) < 2:
            return None
    else:
        lead, pairs = lead_and_labels(item.marked.replace("\n", " "), ctx)
        if pairs and not lead:
            return None
        heading = lead or squash(plain(item.marked))
        if not heading or len(heading) > MAX_LEAD_CHARS or phase_of(heading, ctx) is not None:
            return None
        record = new(heading, item.line)
        record.labels.extend(Label(label, squash(plain(value)), item.line) for label, value in pairs)
        record.pending = record.labels[-1] if record.labels else None
        claim(record, item.line, own_end)
    for unit in units(item.children):
        add_unit(record, unit, ctx, verdicts)
    if item.box is not None:
        if not _task_risk(record, ctx):
            return None
        record.labels.append(Label(TASK_BOX_LABEL, item.box, item.line))
    return record if is_record(record, ctx) else None


def _task_risk(record: Section, ctx: Context) -> bool:
    """Whether a task item's record is a risk: it has an id (in front of its title or labelled)
    and a likelihood or impact label."""
    fields = set(label_fields(record, ctx))
    has_id = heading_parts(record.heading, ctx)[0] is not None or "entry_id" in fields
    return has_id and bool(fields & TASK_RISK_FIELDS)


def titleish(line: str) -> bool:
    """A line that can name a risk above its labels: short, not a sentence, not a label.

    >>> titleish("R-CV-01 Card numbers written to logs"), titleish("We looked at three options this quarter.")
    (True, False)
    """
    text = squash(plain(line))
    return (
        0 < len(text) <= MAX_TITLE_CHARS
        and not text.endswith((".", ":", ";", ",", "：", "。"))
        and len(text.split()) <= MAX_TITLE_WORDS
    )


def label_fields(record: Section, ctx: Context) -> list[str | None]:
    """The field each label of a section names."""
    return [field_of(lab, ctx) for lab in record.labels]


def names_itself(record: Section, ctx: Context) -> bool:
    """Whether a record gives both its id and its title, by labels or in front of its labels
    (`- R1: Disk fills; Likelihood: High`): a risk of its own whatever heading it sits under
    (that heading names its group)."""
    return {"entry_id", "title"} <= set(label_fields(record, ctx)) or all(heading_parts(record.heading, ctx))


def is_record(record: Section, ctx: Context) -> bool:
    """A record names its risk (a title in front, or an id or title label next to another label)
    and rates it."""
    fields = label_fields(record, ctx)
    titled = bool(heading_parts(record.heading, ctx)[1])
    named = titled or (bool({"entry_id", "title"} & set(fields)) and len(record.labels) >= 2)
    return named and any(f in RATING_FIELDS for f in fields)
