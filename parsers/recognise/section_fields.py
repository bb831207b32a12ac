"""Labels of a risk section: the Section and Label records, and what each block adds to them.

Part of `parsers.recognise.sections`. Under a risk's heading (or in a record, see
`parsers.recognise.records`) a field is a labelled list item (`- **Severity**: Critical`), a
bold or plain paragraph line (`**Risk After**: 🟢 LOW`, `Likelihood: Low`, several on one line
split at field labels), a definition (`KeyValue`: `<dt>Likelihood</dt><dd>High</dd>`), or a
table the table verdict calls "fields" (a two-column `| Likelihood | High |` table, one row of
ratings). A list, code block or paragraph under a label with no value of its own is its value
(`**Mitigation**:` then `1. ... 2. ...` -> "1. ...; 2. ..."); items under a label that has a
value are its details; a rule (`---`) ends the label. A line that names a stage of the risk's
rating and then labels it (`**Before Mitigation**: Likelihood: 4, Severity: 4, Overall: 16`)
gives those labels, marked with their stage; so does a block titled with a stage ("**Residual
risk**" over its ratings). The label grammar itself is in `parsers.recognise.labels`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from parsers.inline import break_items, plain
from parsers.model import Block, Code, KeyValue, ListItem, Paragraph, Quote, Rule, Table
from parsers.recognise.columns import field_of_header
from parsers.recognise.common import Context
from parsers.recognise.headings import Phase, phase_of
from parsers.recognise.labels import label_field, label_of, labels_from_start, split_labels
from parsers.recognise.tables import Verdicts
from pipeline.textnorm import squash

# A run of list items (one list) or of definitions (one definition list), or any other block:
# what a section is read from, in order.
Unit = Block | tuple[ListItem, ...] | tuple[KeyValue, ...]


@dataclass(slots=True)
class Label:
    """A labelled value in a section: `**Mitigation**:` with its text and the items under it."""

    label: str  # as written, markup gone
    value: str  # reader's text on the label's line(s)
    line: int
    details: list[str] = field(default_factory=list)  # items of the list, code or paragraphs under it
    phase: Phase | None = None  # the stage of the rating it belongs to, when a line or block says so
    forced: str | None = None  # the field it names whatever its words ("Severity" as a factor of "Overall")

    def text(self) -> str:
        """The value, or the items under the label when the line has none ("1. a; 2. b")."""
        return self.value or "; ".join(self.details)


@dataclass(slots=True)
class Section:
    """A heading (or a record standing for one) and the labels found under it."""

    level: int
    heading: str  # markup and leading decoration gone
    line: int  # 1-based line of the heading
    parent: str | None  # the heading it sits under (the document's title is not one)
    context: tuple[str, ...] = ()  # every heading above it, the document's title included
    labels: list[Label] = field(default_factory=list)
    pending: Label | None = None  # the label unlabelled blocks below belong to
    record: bool = False  # a list item or label block standing for a risk, not a heading
    phase: Phase | None = None  # the stage of the rating the blocks now being read belong to
    lines: set[int] = field(default_factory=set)  # source lines of the blocks its labels came from


def field_of(label: Label, ctx: Context) -> str | None:
    """The field a label names: the one its line forces on it, else its words' (and value's)."""
    return label.forced or label_field(label.label, label.text(), ctx)


def units(blocks: Sequence[Block]) -> list[Unit]:
    """Blocks with consecutive list items of one kind (numbered or not) gathered into a list, and
    consecutive definitions into a definition list."""
    out: list[Unit] = []
    run: list = []
    for block in blocks:
        if run and _same_run(run[-1], block):
            run.append(block)
            continue
        if run:
            out.append(tuple(run))
            run = []
        if isinstance(block, ListItem | KeyValue):
            run.append(block)
        else:
            out.append(block)
    if run:
        out.append(tuple(run))
    return out


def _same_run(last: Block, block: Block) -> bool:
    if isinstance(last, ListItem) and isinstance(block, ListItem):
        return (last.number is None) == (block.number is None)
    return isinstance(last, KeyValue) and isinstance(block, KeyValue)


def is_list(unit: Unit) -> bool:
    """Whether a unit is a list (a run of list items)."""
    return isinstance(unit, tuple) and isinstance(unit[0], ListItem)


def unit_lines(unit: Unit) -> tuple[int, int]:
    """(first, last) source line of a unit."""
    if isinstance(unit, tuple):
        return unit[0].line, unit[-1].end
    return unit.line, unit.end


def claim(section: Section, first: int, last: int) -> None:
    section.lines.update(range(first, last + 1))


def add_unit(section: Section, unit: Unit, ctx: Context, verdicts: Verdicts) -> None:
    """Labels (or details of the pending label) from one block or list of a section."""
    if isinstance(unit, tuple):
        for block in unit:
            if isinstance(block, ListItem):
                _item(section, block, ctx, top=True)
            else:
                add_definition(section, block, ctx)
    elif isinstance(unit, Paragraph):
        add_lines(section, unit.marked, unit.line, unit.end, ctx, plain_labels=True)
    elif isinstance(unit, Code):
        if section.pending is not None and (code := squash(unit.text)):
            section.pending.details.append(code)
            claim(section, unit.line, unit.end)
    elif isinstance(unit, Table):
        _table(section, unit, ctx, verdicts)
    elif isinstance(unit, KeyValue):
        add_definition(section, unit, ctx)
    elif isinstance(unit, Quote):
        for child in units(unit.children):
            add_unit(section, child, ctx, verdicts)
    elif isinstance(unit, Rule):
        section.pending = None


def add_definition(section: Section, block: KeyValue, ctx: Context) -> None:
    """A definition (`<dt>Likelihood</dt><dd>High</dd>`, an org property) as a label."""
    key = squash(block.key).rstrip(":：").strip()
    if not key:
        return
    value = squash(plain(block.marked)) if block.marked else squash(block.value)
    section.pending = Label(key, value, block.line, phase=section.phase)
    section.labels.append(section.pending)
    claim(section, block.line, block.end)


def _table(section: Section, table: Table, ctx: Context, verdicts: Verdicts) -> None:
    """Labels from a table the verdict calls the section's fields: a two-column `| Likelihood |
    High |` table (its header row a label too when it names a field), or one row under rating
    headers (`| Likelihood | Impact |` then `| High | Low |`)."""
    if verdicts.of(table).kind != "fields" or not table.rows:
        return
    head = table.header
    vertical = len(head) == 2 and field_of_header(head[1], ctx) is None
    if vertical:
        rows = [(table.line, head), *((r.line, r.cells) for r in table.rows)]
        if label_field(head[0], head[1], ctx) is None:
            rows = rows[1:]  # "| Field | Value |", "| Attribute | Detail |": a header, not a label
        pairs = [(cells[0], cells[1], line) for line, cells in rows if len(cells) >= 2 and cells[0].strip()]
    elif len(table.rows) == 1:
        row = table.rows[0]
        pairs = [(h, v, row.line) for h, v in zip(head, row.cells, strict=False) if h.strip()]
    else:
        return
    section.labels.extend(
        Label(squash(label).rstrip(":："), squash(break_items(value)), line, phase=section.phase)
        for label, value, line in pairs
        if squash(value)
    )
    section.pending = None
    claim(section, table.line, table.end)


def add_lines(section: Section, marked: str, start: int, end: int, ctx: Context, *, plain_labels: bool) -> None:
    """Labels from the lines of a paragraph or list item's text (hard-broken `**A**: x` /
    `**B**: y`); unlabelled text continues the label above it; prose under a label with no
    value of its own is its value."""
    lines = marked.split("\n")
    if len(lines) == 1 and (phase := _phase_title(lines[0], ctx)) is not None:
        section.phase = phase  # "**Residual risk**" over the ratings of that stage
        section.pending = None
        return
    opened: Label | None = None
    more: list[str] = []  # lines continuing the label opened last
    loose: list[str] = []
    for k, raw in enumerate(lines):
        line = min(start + k, end)
        found = label_of(raw, ctx, plain_labels=plain_labels)
        if found is not None:
            _continue(opened, more)
            for label in _labels(*found, line, section, ctx):
                section.labels.append(label)
                opened = label
            section.pending = opened
            claim(section, line, line)
        elif opened is not None:
            more.append(plain(raw))
            claim(section, line, line)
        else:
            loose.append(raw)
    _continue(opened, more)
    pending = section.pending
    if loose and pending is not None and not pending.value and (text := squash(plain(" ".join(loose)))):
        pending.details.append(text)
        claim(section, start, end)


def _continue(label: Label | None, more: list[str]) -> None:
    """Lines after a label's line, with no label of their own, continue its value."""
    if label is not None and more:
        label.value = squash(" ".join((label.value, *more)))
    more.clear()


def _labels(label: str, value: str, line: int, section: Section, ctx: Context) -> list[Label]:
    """The labels one labelled line gives: its own, those after it on the line, or, for a line
    naming a stage of the rating ("**Before Mitigation**: Likelihood: 4, Severity: 4, Overall:
    16"), the labels of its value marked with that stage."""
    phase = phase_of(label, ctx)
    inner = labels_from_start(value, ctx) if phase is not None else []
    if inner:
        found = [Label(lab, squash(plain(v)), line, phase=phase) for lab, v in inner]
        return _with_overall(found, ctx)
    found = [Label(lab, squash(plain(v)), line, phase=section.phase) for lab, v in split_labels(label, value, ctx)]
    return _with_overall(found, ctx)


def _with_overall(found: list[Label], ctx: Context) -> list[Label]:
    """Labels of one line where a severity is a factor of a stated overall figure
    ("Likelihood: 4, Severity: 4, Overall: 16 (Unacceptable)"): the factor is the impact, the
    overall figure the severity."""
    if len(found) < 3:
        return found
    fields = [label_field(lab.label, lab.value, ctx) for lab in found]
    overall = [lab for lab in found if ctx.lexicon.is_word("overall_labels", lab.label)]
    factors = [lab for lab, f in zip(found, fields, strict=True) if f == "severity" and lab not in overall]
    if len(overall) == 1 and len(factors) == 1 and "likelihood" in fields and "impact" not in fields:
        factors[0].forced = "impact"
        overall[0].forced = "severity"
    return found


def _phase_title(line: str, ctx: Context) -> Phase | None:
    """The stage a one-line block names when it is only a stage's title ("**Inherent risk**")."""
    return ctx.lexicon.remembered("phase_title", line, line, lambda: _phase_of_line(line, ctx))


def _phase_of_line(line: str, ctx: Context) -> Phase | None:
    text = squash(plain(line))
    return phase_of(text, ctx) if text and len(text) <= 60 else None


def _item(section: Section, item: ListItem, ctx: Context, *, top: bool) -> None:
    """A list item: a label of its own (with its nested items as its details or labels), or
    one item of the pending label's value. Task items (`- [ ] x`) are checklist items, never fields."""
    if item.box is not None:
        return
    first_line = item.marked.split("\n")[0]
    if item.marked and label_of(first_line, ctx, plain_labels=top) is not None:
        own_end = min(item.end, item.children[0].line - 1) if item.children else item.end
        add_lines(section, item.marked, item.line, max(item.line, own_end), ctx, plain_labels=top)
        owner = section.pending
        for unit in units(item.children):
            if isinstance(unit, tuple):
                for sub in unit:
                    if isinstance(sub, KeyValue):
                        add_definition(section, sub, ctx)
                    elif sub.box is None and label_of(sub.marked.split("\n")[0], ctx, plain_labels=False):
                        _item(section, sub, ctx, top=False)
                    elif owner is not None and (text := item_text(sub)):
                        owner.details.append(numbered(text, sub.number))
                        claim(section, sub.line, sub.end)
            elif owner is not None and (text := block_text(unit)):
                owner.details.append(text)
                claim(section, *unit_lines(unit))
        section.pending = owner
        claim(section, item.line, item.line)
        return
    if section.pending is not None and (text := item_text(item)):
        section.pending.details.append(numbered(text, item.number))
        claim(section, item.line, item.end)


def numbered(text: str, number: int | None) -> str:
    return f"{number}. {text}" if number is not None else text


def item_text(item: ListItem) -> str:
    """A list item as one line: its text, then what is nested in it in parentheses.

    >>> sub = ListItem(line=2, end=2, text="max 20", marked="max 20", depth=1)
    >>> item_text(ListItem(line=1, end=2, text="Pool", marked="**Pool**", children=(sub,)))
    'Pool (max 20)'
    """
    own = [t for t in (squash(plain(item.marked)),) if t]
    own += [t for child in item.children if isinstance(child, Paragraph) and (t := squash(plain(child.marked)))]
    nested = [t for u in units(item.children) if not isinstance(u, Paragraph) and (t := block_text(u))]
    text = " ".join(own)
    return f"{text} ({'; '.join(nested)})" if text and nested else text or "; ".join(nested)


def _run_text(block: ListItem | KeyValue) -> str:
    if isinstance(block, KeyValue):
        return squash(f"{block.key}: {block.value}")
    return numbered(item_text(block), block.number).strip()


def block_text(unit: Unit) -> str:
    """Reader's text of a block: paragraphs on one line, lists as "a; b", code squashed."""
    if isinstance(unit, tuple):
        return "; ".join(t for block in unit if (t := _run_text(block)))
    if isinstance(unit, Paragraph):
        return squash(plain(unit.marked))
    if isinstance(unit, Code):
        return squash(unit.text)
    if isinstance(unit, Quote):
        return "; ".join(t for u in units(unit.children) if (t := block_text(u)))
    if isinstance(unit, Table):
        return "; ".join(" | ".join(r.cells) for r in unit.rows)
    return ""
