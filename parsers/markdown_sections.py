"""Parser: Markdown with one heading per risk -> risk entries.

Assessments and playbook-style registers describe each risk under its own heading
(`### R001: Database exhaustion`, `## Risk 3 - Vault outage`, `### 1. Cold start`) with its
fields as labelled bullets (`- **Severity**: Critical`, `- **Likelihood:** Medium`), bold
paragraph lines (`**Risk After**: 🟢 LOW  `, several on one line split at bold field labels),
plain `Likelihood: Low` lines, a two-column `| Likelihood | High |` table or `#### Mitigation`
sub-headings. A list, code block or paragraph under a label with no value of its own is its
value (`**Mitigation**:` then `1. ... 2. ...` -> "1. ...; 2. ..."). Blocks are found with
markdown-it-py, so lists, fences and hard breaks behave as in any renderer and every block has
its source line. A bold line with an id (`**R001: Vault outage**`) stands for a heading.
Labels can also follow a dash (`**Likelihood** — High`, `- Impact – High`) or share a line after
separators (`Likelihood: 3 | Impact: 4 | Score: 12`, `Likelihood: medium. Impact: high.`).

Risks written as records instead of headings, one per list item or block (see `_records`):
`- Risk: Vault sealed; Likelihood: High; Owner: SRE`, `1. **Vault sealed** — Likelihood: High`,
a bold or short title line over a list of labels (`**Vault sealed**` then `- Likelihood: High`),
a paragraph of `ID:` / `Risk:` / `Likelihood:` lines (exported risk tools, scraped pages), or a
title line over label lines (`R-CV-01 Card numbers in logs` then `Likelihood: Low`). Under a
heading that names one risk and has no fields of its own, a single record is that heading's
fields; under a heading naming a group ("Open", "Top risks", "Risk log") every record is a risk.
A YAML front-matter block is blanked out first (`doc_meta.without_front_matter`).

Which headings are risks (precision matters as much as recall): a heading with an id and any
describing field; else one whose section states a likelihood, impact or score; else one rated
by a severity alone ("Risk Level", "Priority", "Risk After", a severity in the heading as in
`### High: Vault sealed`) when it or a heading above it, the document title included, names
risks, threats, gaps or findings. Headings that name parts of a document ("Risk Severity
Matrix", "Executive Summary", "Review Cadence", "Sign-off", "Actions") are never risks without
an id; a likelihood or impact must read as a rating ("Likelihood: how often we expect it" in a
"How we rate" section is an explanation); a level-1 heading (the document's title, as in
`# ADR-0031: Shard the ledger` over `Status: Accepted`) is a risk only when rated; records under
"Recommendations" or "Next steps" rated by a priority alone are actions, not risks.

Labels map onto canonical fields through `parsers.fields` (and riskreg.toml's `[headers]`);
"Risk" and "Priority" are settled by their value. When several labels name one field ("Risk
After", "Residual Risk"), the first whose value is a rating wins and the others go to `extra`
with the unknown labels ("Playbook", "Implementation"); bullets under a label that has a value
of its own go to `extra["<label> details"]`. Values are kept as written, emoji included; only
Markdown markup is dropped. A prose Impact stays prose (normalise gives it no level).

Ids and titles of headings, and the label grammar, are in `parsers.section_text`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from parsers import doc_meta
from parsers.fields import field_of_header, header_key, synonym_table
from parsers.markdown_table import inline_text
from parsers.section_text import (
    HEADING_LABEL,
    heading_parts,
    heading_rating,
    label_field,
    label_of,
    lead_and_labels,
    rated,
    split_labels,
)
from parsers.tables import RATING_FIELDS, is_scale_value
from pipeline.config import Config
from pipeline.records import Document, ParsedDocument, RawEntry, SourceLoc
from pipeline.textnorm import fold, squash

NAME = "markdown_sections"

# A task-list item ("[ ] Load tests pass"): a checklist entry, never a field.
TASK_ITEM_RE = re.compile(r"^\s*\[[ xX✓✔]?\]\s")
# A paragraph that is one bold line: a risk's heading when it carries an id ("**R001: Vault outage**").
BOLD_HEADING_RE = re.compile(r"^\s*(?P<mark>\*\*|__)(?P<text>[^*_\n]+)(?P=mark)\s*$")
# Headings that name a part of the document, not a risk, even when they carry a rating
# ("Executive Summary" with an "Overall Risk: HIGH" line, "Risk Severity Matrix").
NOT_A_RISK_HEADING_RE = re.compile(
    r"""
    ^(?:overall|final|executive)\b
  | ^(?:residual|overall|inherent)\ risks?$
  | \b(?:summary|overview|matrix|legend|cadence|methodology|scoring|(?:rating|scoring|risk)\ scales?|glossary
      |appendix|references|version\ history|change\ ?log|revision\ history|contents|introduction|purpose
      |background|conclusions?|sign\ ?off|approvals?|next\ steps|recommendations|document\ control|how\ to\ read
      |assessment|verdict|posture|risk\ profile|risk\ ratings?|heat\ ?map|scorecard|scales?|how\ we\ rate
      |rating\ guide|scoring\ guide|key|actions|action\ items|follow\ ?ups?|tasks|decisions|to\ ?dos?)\s*$
""",
    re.VERBOSE | re.IGNORECASE,
)
# Words in a heading (or one above it, or the document's title) that say its sections are risks.
RISKY_HEADING_RE = re.compile(
    r"\b(risks?|threats?|gaps?|findings?|issues?|vulnerabilit\w*|hazards?|concerns?|exposures?|weakness\w*"
    r"|register|failure modes?|fmea)\b",
    re.IGNORECASE,
)
# A heading naming a group of risks: plural risk words, a register or log, or status words alone
# ("Open", "Closed risks", "Accepted"). Under it even a single record is a risk of its own.
CONTAINER_HEADING_RE = re.compile(
    r"""\b(?:risks|threats|findings|hazards)\b
      | \b(?:risk|threat|issue)\ (?:register|log|list|backlog|inventory|items)$
      | ^(?:\d+\ )*(?:open|closed|accepted|mitigated|active|live|current|resolved|new|other|remaining|retired
         |in\ progress|monitoring|watch\ ?list|top\ \d+)(?:\ (?:and|or)\ \w+)?(?:\ (?:items?|issues|concerns))?$""",
    re.VERBOSE,
)
# The title of a block of ratings that is a stage of one risk, not a risk: "Inherent risk",
# "Residual", "Before mitigation", "After treatment", "Current rating", "Target".
PHASE_TITLE_RE = re.compile(
    r"^(?:(?:inherent|residual|current|target|initial|original|gross|net|pre|post)"
    r"(?:\ (?:mitigation|treatment|controls))?"
    r"|(?:before|after)(?:\ (?:mitigation|treatment|controls|fix(?:es)?))?)(?:\ (?:risk|rating|score|assessment)s?)?$"
    r"|^(?:risk|rating|score)s?\ (?:before|after)\b"
)
# For sniff: an ATX heading line, and a line opening with a label (bold or plain, maybe in a bullet).
SNIFF_HEADING_RE = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+\S", re.MULTILINE)
SNIFF_LABEL_RE = re.compile(
    r"^[ \t]{0,8}(?:[-*+][ \t]+|\d{1,2}[.)][ \t]+)?(?:\*{1,2}|_{1,2})?(?P<label>[A-Za-z][A-Za-z /()-]{0,30}?)[ \t]*"
    r"(?::[ \t]*(?:\*{1,2}|_{1,2})|(?:\*{1,2}|_{1,2})?[ \t]*(?::|[–—-][ \t]))"
    r"|^[ \t]{0,3}\|[ \t]*(?:\*\*|__)?(?P<cell>[A-Za-z][A-Za-z /()-]{0,30}?)(?:\*\*|__)?[ \t]*\|[^|\n]+\|?[ \t]*$",
    re.MULTILINE,
)
# For sniff: a blank line (records such as "ID: R1 / Risk: ... / Likelihood: ..." blocks are
# separated by them), and a line end (to tell which line a label is on).
SNIFF_BLANK_RE = re.compile(r"\n[ \t]*\n")
NEWLINE_RE = re.compile(r"\n")

_DEFAULT_SYNONYMS = synonym_table()
# Labels that state a rating in a section ("Risk" is ambiguous but says "risk section" enough for sniff).
_SNIFF_RATING_LABELS = frozenset(
    {k for k, f in _DEFAULT_SYNONYMS.items() if f in RATING_FIELDS} | {"risk", "risk after", "residual risk"}
)
# Labels that name a record's risk: its id or title ("ID: R1", "Risk: Vault outage", "Threat: ...").
_SNIFF_NAME_LABELS = frozenset(k for k, f in _DEFAULT_SYNONYMS.items() if f in ("entry_id", "title"))
# For sniff: a field label after a separator inside a line ("...; Impact: High", "3 | Score: 12").
# Spelled out from the header synonyms (longest first, "#" aside), so that big pages scan quickly.
SNIFF_INNER_LABEL_RE = re.compile(
    r"(?:[|;·•,]|\.\s|\s[–—-]\s|\*\*\s|__\s)\s*(?:\*{1,2}|_{1,2})?(?P<label>"
    + "|".join(
        re.escape(k).replace("\\ ", "[ \\t]+")
        for k in sorted(_DEFAULT_SYNONYMS.keys() | _SNIFF_RATING_LABELS, key=len, reverse=True)
        if k.isascii() and k[0].isalpha()
    )
    + r")(?:\*{1,2}|_{1,2})?[ \t]*:",
    re.IGNORECASE,
)
# For sniff: a list item opening with a bold title ("1. **Vault sealed** — Severity: High").
SNIFF_BOLD_LEAD_RE = re.compile(r"[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+(?:\*\*|__)[^*_\n]+(?:\*\*|__)")
# Records are sniffed in the first this many characters: a register shows its shape early.
SNIFF_RECORDS_SPAN = 65536

_BLOCKS = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")


def sniff(text: str) -> float:
    """How sure we are that the text has a heading per risk with labelled fields (0-1).

    Counts headings whose section has at least one rating label (severity, likelihood, impact...),
    or risks written as records (see `_sniff_records`), whichever is more.
    >>> sniff("## R1: A\\n- **Severity**: High\\n## R2: B\\n**Likelihood:** Low\\n## R3: C\\n- Impact: High")
    0.9
    >>> sniff("## Docs\\n- [ ] item\\n## Owner\\n**Owner**: SRE"), sniff("plain text")
    (0.0, 0.0)
    """
    if ":" not in text and "|" not in text and " – " not in text and " — " not in text:
        return 0.0
    starts = [m.start() for m in SNIFF_HEADING_RE.finditer(text)]
    risky: set[int] = set()
    if starts:
        for m in SNIFF_LABEL_RE.finditer(text):
            chunk = bisect.bisect_right(starts, m.start()) - 1
            if chunk >= 0 and header_key(m["label"] or m["cell"]) in _SNIFF_RATING_LABELS:
                risky.add(chunk)
    records = 0
    if len(risky) < 3:
        head = text[:SNIFF_RECORDS_SPAN]
        labels = [(m.start(), header_key(m["label"] or m["cell"])) for m in SNIFF_LABEL_RE.finditer(head)]
        records = _sniff_records(head, labels)
    return {0: 0.0, 1: 0.6, 2: 0.8}.get(max(len(risky), records), 0.9)


def _sniff_records(text: str, labels: list[tuple[int, str]]) -> int:
    """Risks written as records rather than headings, up to 3: blocks of label lines that name a
    risk (an id or title label, or a title line above the labels) and rate it, and lines holding
    two labels, one a rating ("Risk: x; Likelihood: High"). `labels` are the line-opening labels
    (position, key). A few passes over the whole text, so that big pages stay cheap.

    >>> def count(t): return _sniff_records(t, [(m.start(), header_key(m["label"] or m["cell"]))
    ...                                         for m in SNIFF_LABEL_RE.finditer(t)])
    >>> count("ID: R1\\nRisk: Vault sealed\\nLikelihood: High\\n\\nID: R2\\nRisk: DNS\\nImpact: Low")
    2
    >>> count("- Risk: Vault sealed; Likelihood: High; Owner: SRE"), count("Owner: SRE\\nStatus: ok")
    (1, 0)
    >>> count("R-1 Vault sealed\\nLikelihood: Low\\nImpact: High")
    1
    """
    blocks = [0, *(m.end() for m in SNIFF_BLANK_RE.finditer(text))]  # where each block starts
    keys: dict[int, set[str]] = {}
    opens_with_label: set[int] = set()
    for pos, key in labels:
        block = bisect.bisect_right(blocks, pos) - 1
        keys.setdefault(block, set()).add(key)
        if not text[blocks[block] : pos].strip():
            opens_with_label.add(block)
    found = {
        block
        for block, ks in keys.items()
        if (ks & _SNIFF_NAME_LABELS or (len(ks) >= 2 and block not in opens_with_label))
        and ks & _SNIFF_RATING_LABELS - {"risk"}
    }
    if len(found) >= 3:
        return 3
    inner = [(m.start(), header_key(m["label"])) for m in SNIFF_INNER_LABEL_RE.finditer(text)]
    if not any(key in _SNIFF_RATING_LABELS for _, key in inner):
        return len(found)
    lines = [m.start() for m in NEWLINE_RE.finditer(text)]
    by_line: dict[int, set[str]] = {}
    for pos, key in inner:
        by_line.setdefault(bisect.bisect_left(lines, pos), set()).add(key)
    for pos, key in labels:
        if (line := bisect.bisect_left(lines, pos)) in by_line and key in _DEFAULT_SYNONYMS:
            by_line[line].add(key)
    starts = [0, *(pos + 1 for pos in lines)]
    one_liners = {
        line
        for line, ks in by_line.items()
        if ks & _SNIFF_RATING_LABELS and (len(ks) >= 2 or SNIFF_BOLD_LEAD_RE.match(text, starts[line]))
    }
    return min(3, len(found) + len(one_liners))


def parse(doc: Document, config: Config) -> ParsedDocument:
    """One risk entry per heading whose section carries risk fields."""
    synonyms = synonym_table(config.header_synonyms)
    text = doc_meta.without_front_matter(doc.text)
    entries = [e for s in sections(text, synonyms) if (e := section_entry(s, synonyms, doc.path)) is not None]
    return ParsedDocument(entries=entries, title=doc_meta.title(doc.text), metadata=doc_meta.metadata(doc.text))


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


def sections(text: str, synonyms: Mapping[str, str] | None = None) -> list[Section]:
    """Every heading of a Markdown text (bar the document's title) with the labels under it."""
    synonyms = synonyms if synonyms is not None else _DEFAULT_SYNONYMS
    # markdown-it takes a lone "\r" for a line break; lines here are counted by "\n" only.
    root = SyntaxTreeNode(_BLOCKS.parse(text.replace("\r\n", "\n").replace("\r", " ")))
    found: list[Section] = []
    stack: list[tuple[int, str]] = []  # enclosing headings: (level, heading)
    # The document's title when it has one of its own (a "# heading" or a first plain line), not
    # its first "## section" standing in for one.
    title = doc_meta.title(text) or ""
    first = next((n for n in root.children if n.type == "heading"), None)
    if (
        first is not None
        and first.tag != "h1"
        and doc_meta.section_name(_inline(first)) == doc_meta.section_name(title)
    ):
        title = ""
    current: Section | None = None
    held: list[tuple[list[SyntaxTreeNode], list[Section]]] = []  # records found under the current heading

    def parent() -> str | None:  # the nearest enclosing heading that names a section (not an h1)
        return next((name for level, name in reversed(stack) if level > 1 and name), None)

    def context() -> tuple[str, ...]:
        return (title, *(name for _, name in stack))

    def settle() -> None:
        """Records under the heading just closed become entries, unless a single one sits under a
        heading that names one risk and has no fields of its own: then it holds that heading's fields
        ("### Cache stampede" then "**Risk:** keys expire together / **Likelihood:** Medium")."""
        single = sum(len(records) for _, records in held) == 1
        if current is not None and single and not current.labels and not is_container(current.heading):
            for node in held[0][0]:
                _add_block(current, node)
        else:
            found.extend(r for _, records in held for r in records)
        held.clear()

    nodes = root.children
    skip = 0
    for k, node in enumerate(nodes):
        if skip:
            skip -= 1
            continue
        if node.type == "heading":
            level = int(node.tag[1:])
            heading = doc_meta.section_name(_inline(node)) or ""
            if current is not None and level > current.level and field_of_header(heading, synonyms):
                # "#### Mitigation" under a risk's heading: a label whose value is what follows.
                current.pending = Label(heading, "", _line(node))
                current.labels.append(current.pending)
                continue
            settle()
            while stack and stack[-1][0] >= level:
                stack.pop()
            # A level-1 heading is the document's title unless it carries an id ("# R001: ...").
            is_candidate = level > 1 or heading_parts(heading)[0] is not None
            current = (
                Section(level, heading, _line(node), parent(), context(), synonyms=synonyms) if is_candidate else None
            )
            stack.append((level, heading))
            if current is not None:
                found.append(current)
        elif (
            node.type == "paragraph"
            and (bold := BOLD_HEADING_RE.match(_inline(node)))
            and heading_parts(heading := doc_meta.section_name(bold["text"]) or "")[0]
        ):
            # A bold line with an id stands for a heading one level below the current one, a
            # sibling of the risk heading above it if any.
            settle()
            while stack and heading_parts(stack[-1][1])[0]:
                stack.pop()
            current = Section(
                (stack[-1][0] if stack else 0) + 1, heading, _line(node), parent(), context(), synonyms=synonyms
            )
            found.append(current)
        elif not _owns_lists(current) and (
            record := _titled_list(
                node, nodes[k + 1] if k + 1 < len(nodes) else None, current, parent(), context(), synonyms
            )
        ):
            # "**Data loss during failover**" over a list of labels: a heading in all but markup.
            held.append(([node, nodes[k + 1]], [record]))
            skip = 1
            if current is not None:
                current.pending = None
        elif not _owns_lists(current) and (records := _records(node, current, parent(), context(), synonyms)):
            # Risks written as records under a heading (or with none): one list item or label block each.
            held.append(([node], records))
            if current is not None:
                current.pending = None
        elif current is not None:
            _add_block(current, node)
    settle()
    return found


def is_container(heading: str) -> bool:
    """A heading that names a group of risks rather than one: "Open", "Top risks", "Risk log".

    >>> is_container("Open"), is_container("2. Top risks"), is_container("Closed risks"), is_container("Risk log")
    (True, True, True, True)
    >>> is_container("Cache stampede"), is_container("Log retention gaps")
    (False, False)
    """
    return CONTAINER_HEADING_RE.search(fold(heading)) is not None


# Makes the Section of a record found under the current heading: (title text, line) -> Section.
RecordMaker = Callable[[str, int], Section]


def _owns_lists(section: Section | None) -> bool:
    """Whether the lists and label blocks under a heading are its own fields, never records of
    their own: a heading with an id ("### R-3") is a risk whatever follows it."""
    return section is not None and heading_parts(section.heading)[0] is not None


def _records(
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
        for _, item in _numbered_items(node):
            record = _record_from_item(item, new, synonyms)
            if record is not None:
                found.append(record)
    return found


def _titled_list(
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
    content = _inline(node).strip()
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
    record = Section(level, heading, _line(node), parent, context, synonyms=synonyms, record=True)
    _add_block(record, after)
    return record if _is_record(record, synonyms) else None


def _record_from_paragraph(node: SyntaxTreeNode, new: RecordMaker, synonyms: Mapping[str, str]) -> Section | None:
    """A paragraph that is a record: label lines naming and rating a risk, or a lead title then labels."""
    content = _inline(node)
    first, *rest = content.split("\n")
    if label_of(first, plain=True, synonyms=synonyms) is not None:
        record = new("", _line(node))
        _paragraph(record, node, plain_labels=True)
    elif (
        rest
        and label_of(rest[0], plain=True, synonyms=synonyms) is not None
        and _titleish(first)
        and not PHASE_TITLE_RE.search(fold(inline_text(first)))
    ):
        # "R-CV-01 Card numbers in logs" over "Likelihood: Low" lines (a scraped section heading).
        record = new(doc_meta.section_name(inline_text(first)) or "", _line(node))
        for k, raw in enumerate(rest, start=1):
            found = label_of(raw, plain=True, synonyms=synonyms)
            if found is not None:
                record.labels.extend(
                    Label(label, inline_text(value), _line(node) + k) for label, value in split_labels(*found, synonyms)
                )
            elif record.labels:
                record.labels[-1].value = squash(f"{record.labels[-1].value} {inline_text(raw)}")
    else:
        lead, pairs = lead_and_labels(content.replace("\n", " "), synonyms)
        if not lead or len(pairs) < 2:
            return None
        record = new(lead, _line(node))
        record.labels.extend(Label(label, inline_text(value), _line(node)) for label, value in pairs)
    return record if _is_record(record, synonyms) else None


def _record_from_item(item: SyntaxTreeNode, new: RecordMaker, synonyms: Mapping[str, str]) -> Section | None:
    """A list item that is a record: title and labels on its line, or a title over a list of labels."""
    first = item.children[0] if item.children else None
    if first is None or first.type != "paragraph" or TASK_ITEM_RE.match(_first_line(item)):
        return None
    line = _line(item)
    content = _inline(first)
    if label_of(content.split("\n")[0], plain=True, synonyms=synonyms) is not None:
        record = new("", line)
        _paragraph(record, first, plain_labels=True)
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
        _add_block(record, child)
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


def _add_block(section: Section, node: SyntaxTreeNode) -> None:
    """Labels (or details of the pending label) from one top-level block of a section."""
    if node.type == "paragraph":
        _paragraph(section, node, plain_labels=True)
    elif node.type in ("bullet_list", "ordered_list"):
        for number, item in _numbered_items(node):
            _item(section, item, number, top=True)
    elif node.type in ("fence", "code_block"):
        if section.pending is not None and (code := squash(node.content)):
            section.pending.details.append(code)
    elif node.type == "table":
        _table(section, node)
    elif node.type == "blockquote":
        for child in node.children:
            _add_block(section, child)
    elif node.type == "hr":
        section.pending = None


def _table(section: Section, node: SyntaxTreeNode) -> None:
    """Labels from a table inside a risk's section: a two-column `| Likelihood | High |` table,
    or one row under rating headers (`| Likelihood | Impact |` then `| High | Low |`). Tables
    whose labels name no field (test results, a register with titles) are left alone."""
    rows = [
        (_line(tr), [inline_text(_inline(cell)) for cell in tr.children])
        for part in node.children
        for tr in part.children
    ]
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


def _paragraph(section: Section, node: SyntaxTreeNode, *, plain_labels: bool) -> None:
    """Labels from a paragraph, line by line (hard-broken `**A**: x  \\n**B**: y`); unlabelled text
    continues the label above it."""
    content = node.children[0].content if node.children else ""
    start = _line(node)
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
    first_text = _first_line(item)
    if TASK_ITEM_RE.match(first_text):
        return
    if first is not None and first.type == "paragraph" and label_of(first_text, plain=top, synonyms=section.synonyms):
        _paragraph(section, first, plain_labels=top)
        owner = section.pending
        for child in item.children[1:]:
            if child.type in ("bullet_list", "ordered_list"):
                for sub_number, sub in _numbered_items(child):
                    if label_of(_first_line(sub), plain=False):
                        _item(section, sub, sub_number, top=False)
                    elif owner is not None and (text := _item_text(sub)):
                        owner.details.append(_numbered(text, sub_number))
            elif owner is not None and (text := _block_text(child)):
                owner.details.append(text)
        section.pending = owner
        return
    if section.pending is not None and (text := _item_text(item)):
        section.pending.details.append(_numbered(text, number))


def section_entry(section: Section, synonyms: Mapping[str, str], path: str) -> RawEntry | None:
    """The risk a section describes, or None when it is not a risk (see the module docstring)."""
    entry_id, title = heading_parts(section.heading)
    stated, title = heading_rating(title)
    chosen: dict[str, Label] = {}
    spare: list[Label] = []
    labels = [Label(HEADING_LABEL, stated, section.line)] if stated else []
    for lab in [*section.labels, *labels]:  # a labelled severity wins over the heading's
        fld = label_field(lab.label, lab.text(), synonyms)
        if fld is None or (fld == "title" and title) or (fld == "entry_id" and entry_id):
            spare.append(lab)
            continue
        held = chosen.get(fld)
        if held is None:
            chosen[fld] = lab
        elif fld in RATING_FIELDS and not is_scale_value(held.text()) and is_scale_value(lab.text()):
            # "Residual Risk: UNACCEPTABLE" then "Risk: HIGH": the first value that is a rating wins.
            spare.append(held)
            chosen[fld] = lab
        else:
            spare.append(lab)
    if not is_risk(
        section, entry_id or _text(chosen.get("entry_id")), {fld: lab.text() for fld, lab in chosen.items()}
    ):
        return None
    fields = {fld: text for fld, lab in chosen.items() if (text := lab.text())}
    if title:
        fields["title"] = title
    if entry_id:
        fields["entry_id"] = entry_id
    extra: dict[str, str] = {}
    for lab in sorted([*spare, *chosen.values()], key=lambda lab: lab.line):
        if lab in spare and lab.text():
            extra[_free_key(extra, lab.label)] = lab.text()
        if lab.value and lab.details:  # "**Residual Risk**: ACCEPTABLE" with bullets under it
            extra[_free_key(extra, f"{lab.label} details")] = "; ".join(lab.details)
    notes = () if "title" in fields else ("heading has no title",)
    return RawEntry(
        loc=SourceLoc(path, section.line),
        parser=NAME,
        kind="risk",
        fields=fields,
        headers={fld: lab.label for fld, lab in chosen.items()},
        extra=extra,
        section=section.parent,
        lines=(section.line,),
        confidence=1.0 if not notes else 0.8,
        notes=notes,
    )


def is_risk(section: Section, entry_id: str | None, values: Mapping[str, str]) -> bool:
    """A section describes a risk when it has an id and any describing field, or a likelihood,
    impact or score that reads as a rating; rated by a severity alone ("Risk Level: LOW",
    "Priority: P1") only when it or a heading above it (the document title included) names risks,
    threats, gaps or findings: a readiness review's "Architecture" area or an action item is not a
    risk. Headings that name parts of a document ("Risk Severity Matrix", "Executive Summary")
    never are, unless with an id; nor is a "how we rate" section whose likelihood and impact are
    explanations ("Likelihood: how often we expect it in the next two quarters").
    """
    if section.level == 1:
        # "# ADR-0031: Shard the ledger" over "Status: Accepted": the document's title and its
        # metadata. A level-1 heading is a risk only when it is rated ("# R001: ..." registers).
        return any(rated(values[f]) for f in RATING_FIELDS if f in values)
    if entry_id:
        return bool(values.keys() - {"title", "entry_id"})
    if NOT_A_RISK_HEADING_RE.search(fold(section.heading)):
        return False
    if any(rated(values[f]) for f in ("likelihood", "impact", "score") if f in values):
        return True
    if section.record and section.parent and NOT_A_RISK_HEADING_RE.search(fold(section.parent)):
        return False  # "1. **Enable WAF** — Priority: High" under "Recommendations": an action, not a risk
    return "severity" in values and any(RISKY_HEADING_RE.search(h) for h in (section.heading, *section.context))


def _text(label: Label | None) -> str | None:
    return label.text() if label is not None else None


def _numbered_items(node: SyntaxTreeNode) -> list[tuple[int | None, SyntaxTreeNode]]:
    """The items of a list, each with its number when the list is ordered."""
    start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else None
    return [(None if start is None else start + k, item) for k, item in enumerate(node.children)]


def _numbered(text: str, number: int | None) -> str:
    return f"{number}. {text}" if number is not None else text


def _item_text(item: SyntaxTreeNode) -> str:
    """A list item as one line: its text, then what is nested in it in parentheses."""
    own = [t for child in item.children if child.type == "paragraph" and (t := _block_text(child))]
    nested = [t for child in item.children if child.type != "paragraph" and (t := _block_text(child))]
    text = " ".join(own)
    return f"{text} ({'; '.join(nested)})" if text and nested else text or "; ".join(nested)


def _block_text(node: SyntaxTreeNode) -> str:
    """Plain text of a block: paragraphs inline, lists as "a; b", code squashed."""
    if node.type == "paragraph":
        return inline_text(node.children[0].content) if node.children else ""
    if node.type in ("bullet_list", "ordered_list"):
        return "; ".join(t for n, item in _numbered_items(node) if (t := _numbered(_item_text(item), n).strip()))
    if node.type in ("fence", "code_block"):
        return squash(node.content)
    return "; ".join(t for child in node.children if (t := _block_text(child)))


def _first_line(item: SyntaxTreeNode) -> str:
    """The first line of a list item's opening paragraph, as written ("" when it opens otherwise)."""
    first = item.children[0] if item.children else None
    if first is None or first.type != "paragraph" or not first.children:
        return ""
    return first.children[0].content.split("\n")[0]


def _inline(node: SyntaxTreeNode) -> str:
    return node.children[0].content if node.children else ""


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 1


def _free_key(extra: Mapping[str, str], key: str) -> str:
    """`key`, or `key (2)`, `key (3)`... when a label is used twice in one section."""
    n, candidate = 2, key
    while candidate in extra:
        candidate, n = f"{key} ({n})", n + 1
    return candidate
