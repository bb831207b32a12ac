"""Risks written as sections: a heading per risk with labelled fields, and risks written as
records (list items, label paragraphs, definition lists), in any syntax the block tree came from.

Assessments and playbook-style registers describe each risk under its own heading (`### R001:
Database exhaustion`, `## Risk 3 - Vault outage`, `### 1. Cold start`, `### R-01 · Title`,
`### Hazard: Chlorine`, `Title (R-07)`, a severity in the heading) with its fields as labelled
items, bold or plain label lines, a fields table or sub-headings (`#### Mitigation`; see
`parsers.recognise.section_fields`). A bold line with an id (`**R001: Vault outage**`) stands for
a heading. Risks written as records (`parsers.recognise.records`) are held until their heading
is closed: under a heading that names one risk and none of the record's fields, a single record
is that heading's fields; under a heading naming a group ("Open", "Top risks", "Risk log"), or
none, every record is a risk.

Which sections are risks (precision matters as much as recall): a heading with an id and any
describing field; else one whose section states a likelihood, impact or score that reads as a
rating; else one rated by a severity alone ("Risk Level", "Priority", "Risk After", a severity
in the heading) when it or a heading above it, the document title included, names risks,
threats, gaps or findings. A level-1 heading is the document's title, not a risk, unless it
carries an id or the fields right under it give one and a rating (a page per risk, as Notion and
Confluence export a database). Headings that name parts of a document ("Risk Severity Matrix",
"Executive Summary", "Sign-off", "Actions") are never risks without an id; a "how we rate"
section whose likelihoods are explanations is not; a level-1 heading (the document's title) is
a risk only when rated; records under "Recommendations" rated by a priority alone are actions.
Sections that looked like risks and were not are recorded as skipped, with the reason.

A go-live report writes checks the same way (`#### GL-004: SSL certificate ❌ 🔴` over
`**Priority**`, `**Status**`, `**Responsible**`): a heading ending with a check mark and not
rated by a likelihood or impact is a check, ticked or not by its mark, when it has an id and a
field or, without an id, two of status, owner, priority (an area heading such as "### 1.1
Architecture ✅" over a task list and a "Status:" line is not an item).

When several labels name one field, a before-mitigation (inherent) rating beats an after one,
the first value that is a rating beats one that is not, and a label naming its field as a whole
beats one that only contains a field word; the rest go to `extra` with the unknown labels.
Every line an entry was read from is claimed, so the checklist recogniser leaves a risk's
`- **Owner**: SRE` item alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from parsers.inline import plain
from parsers.lexicon import RATING_FIELDS
from parsers.model import Heading, ListItem, Paragraph, Tree
from parsers.recognise import meta
from parsers.recognise.common import (
    NUMBER_CELL_RE,
    Context,
    Found,
    nearest_section,
    section_name,
    without_full_stop,
)
from parsers.recognise.headings import (
    heading_check,
    heading_parts,
    heading_rating,
    is_container,
    names_a_part,
    names_risks,
)
from parsers.recognise.labels import HEADING_LABEL, names_whole, rated
from parsers.recognise.marks import marked
from parsers.recognise.records import BOLD_LINE_RE, block_records, label_fields, names_itself, titled_list
from parsers.recognise.registers import SCORE_AND_BAND_RE, _score_and_band
from parsers.recognise.section_fields import Label, Section, Unit, add_unit, claim, field_of, is_list, units
from parsers.recognise.tables import Verdicts
from pipeline.records import RawEntry, Skipped, SourceLoc
from pipeline.textnorm import fold, squash

RECOGNISER = "sections"
# Fields that describe a go-live item written as a section; one without an id needs two of them.
CHECK_FIELDS = frozenset({"status", "owner", "severity", "mitigation"})
# Fields whose value is prose, kept as written to its last full stop.
PROSE_FIELDS = frozenset({"mitigation"})
# A bracketed aside at the end of a re-listed item: "SSL Certificate (Technical Infrastructure)".
TRAILING_ASIDE = " ("


def recognise(tree: Tree, verdicts: Verdicts, ctx: Context) -> Found:
    """Every risk (or go-live check) the tree writes as a section or record."""
    found = Found()
    walk = _Walk(tree, verdicts, ctx)
    for section in walk.sections():
        entry, reason = _entry(section, ctx)
        if entry is not None:
            found.entries.append(entry)
            found.claimed.update({section.line, *section.lines})
        elif reason:
            found.skipped.append(Skipped(section.line, "section", reason, section.heading[:200]))
    found.skipped.extend(walk.skipped)
    _relisted(tree, found)
    return found


class _Walk:
    """One pass over a tree's top-level blocks: a Section at each heading below the document's
    title (a level-1 heading only when it carries an id) and at each bold line with an id, with
    the blocks under it, and the records found on the way."""

    def __init__(self, tree: Tree, verdicts: Verdicts, ctx: Context) -> None:
        self.ctx = ctx
        self.verdicts = verdicts
        self.units = units([b for b in tree.blocks if not b.chrome])
        self.title = _document_title(tree, ctx)
        self.stack: list[tuple[int, str]] = []  # enclosing headings: (level, heading)
        self.current: Section | None = None
        self.current_has_id = False  # whether the current heading carries an id (then it owns its lists)
        self.held: list[tuple[list[Unit], list[Section]]] = []  # records found under the current heading
        self.found: list[Section] = []
        self.skipped: list[Skipped] = []

    def parent(self) -> str | None:
        """The nearest enclosing heading that names a section (not the document's title)."""
        return nearest_section(self.stack)

    def new_record(self, heading: str, line: int) -> Section:
        level = (self.current.level if self.current is not None else 1) + 1
        return Section(level, heading, line, self.parent(), self.context(), record=True)

    def context(self) -> tuple[str, ...]:
        return (self.title, *(name for _, name in self.stack))

    def sections(self) -> list[Section]:
        us = self.units
        k = 0
        while k < len(us):
            unit = us[k]
            after = us[k + 1] if k + 1 < len(us) else None
            if isinstance(unit, Heading):
                self.heading(unit, k + 1)
            elif isinstance(unit, Paragraph) and (bold := self.bold_heading(unit)):
                self.open_bold(unit, bold)
            elif not self.owns_lists() and (
                record := titled_list(unit, after, self.new_record, self.ctx, self.verdicts)
            ):
                # "**Data loss during failover**" over a list of labels: a heading in all but markup.
                self.hold([unit, after], [record])  # type: ignore[list-item]
                k += 1
            elif not self.owns_lists() and (records := block_records(unit, self.new_record, self.ctx, self.verdicts)):
                self.hold([unit], records)
            elif self.current is not None:
                add_unit(self.current, unit, self.ctx, self.verdicts)
            else:
                self.unnamed(unit)
            k += 1
        self.settle()
        return self.found

    def heading(self, block: Heading, after: int) -> None:
        """A heading at the walk's index `after` - 1: a new section, or a label of the current one."""
        level, heading = block.level, section_name(block.text) or ""
        current = self.current
        if current is not None and level > current.level and self.ctx.lexicon.field_of(heading):
            # "#### Mitigation" under a risk's heading: a label whose value is what follows.
            current.pending = Label(heading, "", block.line, phase=current.phase)
            current.labels.append(current.pending)
            claim(current, block.line, block.end)
            return
        self.settle()
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        # A level-1 heading is the document's title unless it carries an id ("# R001: ..."), or
        # the page is one risk's: the fields right under it give its id and rate it (a Notion or
        # Confluence page per risk, "# Search index corruption" over "- Risk ID: SRCH-R7").
        self.current_has_id = heading_parts(heading, self.ctx)[0] is not None or (
            level == 1 and self._names_one_risk(block, after)
        )
        is_candidate = level > 1 or self.current_has_id
        self.current = Section(level, heading, block.line, self.parent(), self.context()) if is_candidate else None
        self.stack.append((level, heading))
        if self.current is not None:
            self.found.append(self.current)

    def _names_one_risk(self, block: Heading, after: int) -> bool:
        """Whether the blocks right under a heading (up to the next one) label an id and a rating,
        and no title: fields that give their own title are a record under the document's title."""
        probe = Section(block.level, "", block.line, None)
        for k in range(after, len(self.units)):  # up to the next heading, not a copy of the rest
            unit = self.units[k]
            if isinstance(unit, Heading):
                break
            add_unit(probe, unit, self.ctx, self.verdicts)
        fields = set(label_fields(probe, self.ctx))
        return "entry_id" in fields and "title" not in fields and bool(fields & RATING_FIELDS)

    def bold_heading(self, block: Paragraph) -> str | None:
        """A paragraph that is one bold line with an id ("**R001: Vault outage**"): its heading."""
        bold = BOLD_LINE_RE.match(block.marked)
        heading = section_name(plain(bold["text"])) if bold else None
        return heading if heading and heading_parts(heading, self.ctx)[0] else None

    def open_bold(self, block: Paragraph, heading: str) -> None:
        """A bold line with an id stands for a heading one level below the current one, a
        sibling of the risk heading above it if any."""
        self.settle()
        while self.stack and heading_parts(self.stack[-1][1], self.ctx)[0]:
            self.stack.pop()
        level = (self.stack[-1][0] if self.stack else 0) + 1
        self.current = Section(level, heading, block.line, self.parent(), self.context())
        self.current_has_id = True
        self.found.append(self.current)

    def owns_lists(self) -> bool:
        """Whether the lists and label blocks under the current heading are its own fields, never
        records: a heading with an id ("### R-3") is a risk whatever follows it."""
        return self.current is not None and self.current_has_id

    def hold(self, taken: list[Unit], records: list[Section]) -> None:
        self.held.append((taken, records))
        if self.current is not None:
            self.current.pending = None

    def settle(self) -> None:
        """Records under the heading just closed become sections, unless a single one sits under a
        heading that names one risk and gives none of the record's fields itself (a "#### Mitigation"
        under it may): then it holds that heading's fields ("### Cache stampede" then "**Risk:** keys
        expire together / **Likelihood:** Medium"), unless it gives its own id and title (a card
        under "## Encoding": the heading is its group)."""
        current = self.current
        records = [r for _, found in self.held for r in found]
        single = len(records) == 1 and not names_itself(records[0], self.ctx)
        if (
            current is not None
            and single
            and not (set(label_fields(current, self.ctx)) & set(label_fields(records[0], self.ctx))) - {None}
            and not is_container(current.heading, self.ctx)
        ):
            for unit in self.held[0][0]:
                add_unit(current, unit, self.ctx, self.verdicts)
        else:
            self.found.extend(records)
        self.held.clear()

    def unnamed(self, unit: Unit) -> None:
        """Labels under no heading that rate something they do not name: recorded as skipped."""
        if not isinstance(unit, Paragraph | tuple):
            return
        probe = Section(2, "", unit[0].line if isinstance(unit, tuple) else unit.line, None)
        add_unit(probe, unit, self.ctx, self.verdicts)
        if any(f in RATING_FIELDS for f in label_fields(probe, self.ctx)):
            what = "paragraph" if isinstance(unit, Paragraph) else "list"
            self.skipped.append(Skipped(probe.line, what, "ratings that name no risk", probe.labels[0].label))


def _document_title(tree: Tree, ctx: Context) -> str:
    """The document's title when it has one of its own, not its first "## section" standing in for one."""
    title = meta.title(tree, ctx) or ""
    first = next((b for b in tree.blocks if isinstance(b, Heading)), None)
    if first is not None and first.level != 1 and section_name(first.text) == section_name(title):
        return ""
    return title


def _entry(section: Section, ctx: Context) -> tuple[RawEntry | None, str | None]:
    """The entry a section describes, or None and why (None when it never looked like one)."""
    entry_id, title = heading_parts(section.heading, ctx)
    title, checked = heading_check(title)
    stated, title = heading_rating(title, ctx)
    labels = [*section.labels, *([Label(HEADING_LABEL, stated, section.line)] if stated else [])]
    chosen, spare = _choose(labels, ctx, has_title=bool(title), has_id=bool(entry_id))
    values = {fld: _value(fld, lab, ctx) for fld, lab in chosen.items()}
    kind = "check" if checked is not None and not values.keys() & {"likelihood", "impact", "score"} else "risk"
    reason = _not_an_entry(section, entry_id or values.get("entry_id"), values, kind, ctx)
    if reason is not None:
        return None, reason or None
    fields = {fld: text for fld, text in values.items() if text}
    headers = {fld: lab.label for fld, lab in chosen.items()}
    if title:
        fields["title"] = title
    if entry_id:
        fields["entry_id"] = entry_id
    _overall_score(chosen, fields, headers)
    _score_and_band(fields, headers, ctx)
    notes = () if "title" in fields else ("heading has no title",)
    return (
        RawEntry(
            loc=SourceLoc(ctx.path, section.line),
            parser=ctx.parser(RECOGNISER),
            kind=kind,
            fields=fields,
            headers=headers,
            extra=_extra(chosen, spare),
            section=section.parent,
            checked=checked if kind == "check" else None,
            lines=(section.line,),
            confidence=1.0 if not notes else 0.8,
            notes=notes,
        ),
        None,
    )


def _value(fld: str, label: Label, ctx: Context) -> str:
    """A label's value as the field's raw text: a name or a word that ends a sentence ("Owner:
    Tom.") without the sentence's full stop; a mitigation is prose and keeps its own."""
    text = label.text()
    return text if fld in PROSE_FIELDS else without_full_stop(text, ctx)


def _choose(labels: Sequence[Label], ctx: Context, *, has_title: bool, has_id: bool) -> tuple[dict, list[Label]]:
    """The label chosen for each field, and the labels left over (see the module docstring)."""
    chosen: dict[str, Label] = {}
    spare: list[Label] = []
    for lab in labels:
        fld = field_of(lab, ctx)
        if fld is None or (fld == "title" and has_title) or (fld == "entry_id" and has_id):
            spare.append(lab)
            continue
        held = chosen.get(fld)
        if held is None:
            chosen[fld] = lab
        elif _beats(lab, held, fld, ctx):
            spare.append(held)
            chosen[fld] = lab
        else:
            spare.append(lab)
    return chosen, spare


def _beats(new: Label, held: Label, fld: str, ctx: Context) -> bool:
    """Whether a later label for a field wins over the one already chosen."""
    if (held.phase == "after") != (new.phase == "after"):
        return held.phase == "after"  # "Before Mitigation" ratings beat "After Mitigation" ones
    if fld in RATING_FIELDS and not ctx.is_rating(held.text()) and ctx.is_rating(new.text()):
        return True  # "Residual Risk: UNACCEPTABLE" then "Risk After: LOW": the first rating wins
    return not names_whole(held.label, ctx) and names_whole(new.label, ctx)  # "Lead time: 3 weeks", then "Owner"


def _not_an_entry(
    section: Section, entry_id: str | None, values: Mapping[str, str], kind: str, ctx: Context
) -> str | None:
    """None when a section is an entry; else why not ("" when it never looked like one)."""
    ratings = values.keys() & RATING_FIELDS
    if section.level == 1:
        # "# ADR-0031: Shard the ledger" over "Status: Accepted": the document's title and its metadata.
        return None if any(rated(values[f], ctx) for f in ratings) else ("the document's title" if values else "")
    if entry_id:
        return None if values.keys() - {"title", "entry_id"} else ""
    if names_a_part(section.heading, ctx):
        return "names a part of the document" if ratings else ""
    if kind == "check":
        # "#### Backups restored ✅" over an owner and a status: an item; "### 1.1 Architecture ✅"
        # over a task list and a "Status:" line is an area of the checklist, not an item of it.
        return None if len(values.keys() & CHECK_FIELDS) >= 2 else ""
    if any(rated(values[f], ctx) for f in ("likelihood", "impact", "score") if f in values):
        return None
    if section.record and section.parent and names_a_part(section.parent, ctx):
        return "an action, rated by its priority alone"  # "1. **Enable WAF** — Priority: High" under "Recommendations"
    if "severity" in values and rated(values["severity"], ctx):
        # (a severity that explains how it is found, "obtained by combining likelihood and impact"
        # in a legend under the register's heading, rates nothing)
        if any(names_risks(h, ctx) for h in (section.heading, *section.context)):
            return None
        return "rated by a severity alone, under no heading that names risks"
    return "its likelihood or impact is an explanation, not a rating" if ratings else ""


def _overall_score(chosen: Mapping[str, Label], fields: dict[str, str], headers: dict[str, str]) -> None:
    """An overall figure that states its number ("16 (Unacceptable)") is the score as well."""
    lab = chosen.get("severity")
    if lab is None or lab.forced != "severity" or "score" in fields:
        return
    value = fields.get("severity", "")
    if NUMBER_CELL_RE.match(value) or SCORE_AND_BAND_RE.match(value):
        fields["score"] = value
        headers["score"] = lab.label


def _extra(chosen: Mapping[str, Label], spare: Sequence[Label]) -> dict[str, str]:
    """Labels with no field, or beaten by another for theirs, and details under a valued label."""
    spare_ids = {id(lab) for lab in spare}
    extra: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for lab in sorted([*spare, *chosen.values()], key=lambda lab: lab.line):
        if id(lab) in spare_ids and lab.text():
            _put(extra, numbers, lab.label, lab.text())
        if lab.value and lab.details:  # "**Residual Risk**: ACCEPTABLE" with items under it
            _put(extra, numbers, f"{lab.label} details", "; ".join(lab.details))
    return extra


def _put(extra: dict[str, str], numbers: dict[str, int], key: str, value: str) -> None:
    """`value` under `key`, or `key (2)`, `key (3)`... when the label was used before (as
    `pipeline.records.free_key` names them), counting on from the last number given, so that a
    label used thousands of times costs no more than once each.

    >>> extra, numbers = {}, {}
    >>> for v in "abc": _put(extra, numbers, "Owner", v)
    >>> extra
    {'Owner': 'a', 'Owner (2)': 'b', 'Owner (3)': 'c'}
    """
    n = numbers.get(key, 1)
    candidate = key if n == 1 else f"{key} ({n})"
    while candidate in extra:
        n += 1
        candidate = f"{key} ({n})"
    numbers[key] = n + 1
    extra[candidate] = value


def _relisted(tree: Tree, found: Found) -> None:
    """Lists whose every item names an entry found elsewhere ("🚨 Critical Blockers": "- 🔴 SSL
    Certificate (Technical Infrastructure)") re-list entries: claimed and recorded as skipped, so
    they are not read as checks of their own."""
    titles = {fold(t) for e in found.entries if (t := e.fields.get("title"))}
    if not titles:
        return
    for unit in units([b for b in tree.blocks if not b.chrome]):
        if not is_list(unit) or any(item.line in found.claimed for item in unit):  # type: ignore[union-attr]
            continue
        if all(item.box is None and _relisted_title(item) in titles for item in unit):
            found.claimed.update(line for item in unit for line in range(item.line, item.end + 1))
            found.skipped.append(
                Skipped(unit[0].line, "list", "re-lists entries told elsewhere", nearest_section(unit[0].path) or "")
            )


def _relisted_title(item: ListItem) -> str:
    text = marked(squash(item.text))[0]
    if text.endswith(")") and TRAILING_ASIDE in text:
        text = text[: text.rindex(TRAILING_ASIDE)]
    return fold(text)
