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

Which headings are risks (precision matters as much as recall): a heading with an id and any
describing field; else one whose section states a likelihood, impact or score; else one rated
by a severity alone ("Risk Level", "Priority", "Risk After", a severity in the heading as in
`### High: Vault sealed`) when it or a heading above it, the document title included, names
risks, threats, gaps or findings. Headings that name parts of a document ("Risk Severity
Matrix", "Executive Summary", "Review Cadence", "Sign-off") are never risks without an id.

Labels map onto canonical fields through `parsers.fields` (and riskreg.toml's `[headers]`);
"Risk" and "Priority" are settled by their value. When several labels name one field ("Risk
After", "Residual Risk"), the first whose value is a rating wins and the others go to `extra`
with the unknown labels ("Playbook", "Implementation"); bullets under a label that has a value
of its own go to `extra["<label> details"]`. Values are kept as written, emoji included; only
Markdown markup is dropped. A prose Impact stays prose (normalise gives it no level).

Ids: letters and digits with at least one digit (`R001`, `RISK-12`, `R-OPS-01`, `[R7]`)
followed by a separator, capitals and digits before the title (`R-03 Redis eviction`), or
"Risk N" (kept as written: "Risk 3"). Plain numbering (`1.`, `2.3`, `#4`) orders the sections
and is not an id. The title is the heading without id, numbering or stated severity.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from parsers import doc_meta
from parsers.fields import AMBIGUOUS, field_of_header, header_key, synonym_table
from parsers.markdown_table import inline_text
from parsers.tables import NUMBER_CELL_RE, RATING_FIELDS, is_scale_value
from pipeline.config import Config
from pipeline.records import Document, ParsedDocument, RawEntry, SourceLoc
from pipeline.textnorm import fold, squash

NAME = "markdown_sections"

# A label opening a line, in emphasis with its colon inside or just after it: "**Severity**:",
# "**Severity:**", "__Owner__ :", "*Status*:". Without a colon ("**Idempotency** (HIGH)") a bold
# phrase is not a label.
BOLD_LABEL_RE = re.compile(
    r"""
    ^\s*(?P<mark>\*{1,2}|_{1,2})
    (?P<label>[^*_:\s][^*_:\n]{0,47}?)\s*
    (?:[:：]\s*(?P=mark) | (?P=mark)\s*[:：])
    \s*(?P<value>.*)$
""",
    re.VERBOSE,
)
# A plain "Likelihood: Medium" line; only taken when the label names a canonical field, and
# only at the top level of a section (inside a mitigation list "Owner: SRE rotates keys" is prose).
PLAIN_LABEL_RE = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z0-9 /()&'.-]{0,38}?)\s*[:：](?:\s+(?P<value>.*)|\s*)$")
# A task-list item ("[ ] Load tests pass"): a checklist entry, never a field.
TASK_ITEM_RE = re.compile(r"^\s*\[[ xX✓✔]?\]\s")
# The id or numbering in front of a risk heading's title, then the title.
HEADING_ID_RE = re.compile(
    r"""
    ^(?:
        \[(?P<bracket>[A-Za-z][\w.-]{0,22})\]\s*[:.|·–—-]?\s*                          # "[R7] Title"
      | (?P<named>(?:risk|threat|hazard|issue)\s*[#№]?\s*\d{1,4}[a-z]?)\b\s*[:.|)·–—-]?\s*  # "Risk 3 - Title"
      | (?P<id>[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*)                               # "R001", "RISK-12"
        (?:\s*[:|)·]|\s+[–—-]|[–—])\s*                                                  # ... then ": " or " — "
      | (?P<number>\#?\d{1,3}(?:\.\d{1,3})*[.)]?)\s+                                    # "1. Title", "#4 Title"
    )
    (?P<title>.*)$
""",
    re.VERBOSE | re.IGNORECASE,
)
# A paragraph that is one bold line: a risk's heading when it carries an id ("**R001: Vault outage**").
BOLD_HEADING_RE = re.compile(r"^\s*(?P<mark>\*\*|__)(?P<text>[^*_\n]+)(?P=mark)\s*$")
# "Risk: Vault outage" as a heading: the word says what the section is, the rest is the title
# (a letter must follow, so "RISK-12" stays an id).
RISK_PREFIX_RE = re.compile(r"^(?:risk|threat)\s*[:–—-]\s*(?=[^\W\d_])", re.IGNORECASE)
# An id followed by the title with only a space between: "R-03 Redis eviction", "RISK-7 DNS".
# Stricter than HEADING_ID_RE (capitals, then a separator or two digits), as "S3 bucket" is a title.
SPACED_ID_RE = re.compile(r"^(?P<id>(?:[A-Z]{1,5}[-_.])*[A-Z]{1,5}(?:[-_.]\d{1,4}|\d{2,4}))\s+(?P<title>[^\W\d_].*)$")
# A severity stated in the heading: "High: Vault sealed", "[CRITICAL] DNS", "Vault sealed (🔴 HIGH)".
_RATING_WORD = r"(?:critical|high|medium|moderate|low|severe|sev\s?[1-4]|p[0-4])"
HEADING_RATING_RE = re.compile(
    rf"""
    ^(?:\[\s*(?P<bracketed>{_RATING_WORD})\s*\]\s*[:–—|-]?\s*
       | (?P<leading>{_RATING_WORD}(?:\s+risk)?)(?:\s*:\s*|\s+[–—|-]\s+))
     (?P<title>[^\W_].*)$
  | ^(?P<rest>[^(\[]*\w[^(\[]*?)\s*[(\[]\s*
     (?P<trailing>[^\w\s()\[\]]*\s*{_RATING_WORD}(?:\s+(?:risk|severity|priority))?)\s*[)\]]$
""",
    re.VERBOSE | re.IGNORECASE,
)
# The label under which a severity stated in a heading is kept (`headers`, `extra`).
HEADING_LABEL = "(heading)"
# An id has a digit: "R001" is an id, "Database:" is a title with a colon.
HAS_DIGIT_RE = re.compile(r"\d")
# Headings that name a part of the document, not a risk, even when they carry a rating
# ("Executive Summary" with an "Overall Risk: HIGH" line, "Risk Severity Matrix").
NOT_A_RISK_HEADING_RE = re.compile(
    r"""
    ^(?:overall|final|executive)\b
  | ^(?:residual|overall|inherent)\ risks?$
  | \b(?:summary|overview|matrix|legend|cadence|methodology|scoring|(?:rating|scoring|risk)\ scales?|glossary
      |appendix|references|version\ history|change\ ?log|revision\ history|contents|introduction|purpose
      |background|conclusions?|sign\ ?off|approvals?|next\ steps|recommendations|document\ control|how\ to\ read
      |assessment|verdict|posture|risk\ profile|risk\ ratings?|heat\ ?map|scorecard)\s*$
""",
    re.VERBOSE | re.IGNORECASE,
)
# Words in a heading (or one above it, or the document's title) that say its sections are risks.
RISKY_HEADING_RE = re.compile(
    r"\b(risks?|threats?|gaps?|findings?|issues?|vulnerabilit\w*|hazards?|concerns?|exposures?|weakness\w*"
    r"|register|failure modes?|fmea)\b",
    re.IGNORECASE,
)
# A further bold label inside a line: "**Likelihood:** High | **Impact:** Medium". Only labels
# that name a canonical field split a line; other bold text is part of the value.
INNER_LABEL_RE = re.compile(
    r"""
    (?:^|(?<=\s)|(?<=[|·•;,]))
    (?P<mark>\*\*|__)(?P<label>[^*_:\s][^*_:\n]{0,39}?)\s*(?:[:：]\s*(?P=mark)|(?P=mark)\s*[:：])
""",
    re.VERBOSE,
)
# What separates two labels on one line: "High | ", "High · ", "High; ", "High - ".
LABEL_SEPARATOR_TAIL_RE = re.compile(r"[\s|·•;,–—-]+$")
# For sniff: an ATX heading line, and a line opening with a label (bold or plain, maybe in a bullet).
SNIFF_HEADING_RE = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+\S", re.MULTILINE)
SNIFF_LABEL_RE = re.compile(
    r"^[ \t]{0,8}(?:[-*+][ \t]+|\d{1,2}[.)][ \t]+)?(?:\*\*|__)?(?P<label>[A-Za-z][A-Za-z /()-]{0,30}?)[ \t]*"
    r"(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)?[ \t]*:)",
    re.MULTILINE,
)

_DEFAULT_SYNONYMS = synonym_table()
# Labels that state a rating in a section ("Risk" is ambiguous but says "risk section" enough for sniff).
_SNIFF_RATING_LABELS = frozenset(
    {k for k, f in _DEFAULT_SYNONYMS.items() if f in RATING_FIELDS} | {"risk", "risk after", "residual risk"}
)

_BLOCKS = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")


def sniff(text: str) -> float:
    """How sure we are that the text has a heading per risk with labelled fields (0-1).

    Counts headings whose section has at least one rating label (severity, likelihood, impact...).
    >>> sniff("## R1: A\\n- **Severity**: High\\n## R2: B\\n**Likelihood:** Low\\n## R3: C\\n- Impact: High")
    0.9
    >>> sniff("## Docs\\n- [ ] item\\n## Owner\\n**Owner**: SRE"), sniff("plain text")
    (0.0, 0.0)
    """
    starts = [m.start() for m in SNIFF_HEADING_RE.finditer(text)]
    if not starts:
        return 0.0
    risky: set[int] = set()
    for m in SNIFF_LABEL_RE.finditer(text):
        chunk = bisect.bisect_right(starts, m.start()) - 1
        if chunk >= 0 and header_key(m["label"]) in _SNIFF_RATING_LABELS:
            risky.add(chunk)
    return {0: 0.0, 1: 0.6, 2: 0.8}.get(len(risky), 0.9)


def parse(doc: Document, config: Config) -> ParsedDocument:
    """One risk entry per heading whose section carries risk fields."""
    synonyms = synonym_table(config.header_synonyms)
    entries = [e for s in sections(doc.text, synonyms) if (e := section_entry(s, synonyms, doc.path)) is not None]
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

    def parent() -> str | None:  # the nearest enclosing heading that names a section (not an h1)
        return next((name for level, name in reversed(stack) if level > 1 and name), None)

    def context() -> tuple[str, ...]:
        return (title, *(name for _, name in stack))

    for node in root.children:
        if node.type == "heading":
            level = int(node.tag[1:])
            heading = doc_meta.section_name(_inline(node)) or ""
            if current is not None and level > current.level and field_of_header(heading, synonyms):
                # "#### Mitigation" under a risk's heading: a label whose value is what follows.
                current.pending = Label(heading, "", _line(node))
                current.labels.append(current.pending)
                continue
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
            while stack and heading_parts(stack[-1][1])[0]:
                stack.pop()
            current = Section(
                (stack[-1][0] if stack else 0) + 1, heading, _line(node), parent(), context(), synonyms=synonyms
            )
            found.append(current)
        elif current is not None:
            _add_block(current, node)
    return found


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
    if not is_risk(section, entry_id, {fld: lab.label for fld, lab in chosen.items()}):
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


def is_risk(section: Section, entry_id: str | None, labels: Mapping[str, str]) -> bool:
    """A section describes a risk when it has an id and any describing field, or a likelihood,
    impact or score; rated by a severity alone ("Risk Level: LOW", "Priority: P1") only when it
    or a heading above it (the document title included) names risks, threats, gaps or findings:
    a readiness review's "Architecture" area or an action item is not a risk. Headings that name
    parts of a document ("Risk Severity Matrix", "Executive Summary") never are, unless with an id.
    """
    if entry_id:
        return bool(labels.keys() - {"title", "entry_id"})
    if NOT_A_RISK_HEADING_RE.search(fold(section.heading)):
        return False
    if labels.keys() & {"likelihood", "impact", "score"}:
        return True
    return "severity" in labels and any(RISKY_HEADING_RE.search(h) for h in (section.heading, *section.context))


def label_field(label: str, value: str, synonyms: Mapping[str, str]) -> str | None:
    """The canonical field a section label names, ambiguous labels settled by their value.

    >>> syn = synonym_table()
    >>> label_field("Risk", "🟡 MEDIUM", syn), label_field("Risk", "Tenants see each other's data", syn)
    ('severity', 'title')
    >>> label_field("Priority", "12", syn), label_field("Risk After", "🟢 LOW", syn), label_field("Playbook", "x", syn)
    ('score', 'severity', None)
    """
    if label == HEADING_LABEL:
        return "severity"
    fld = field_of_header(label, synonyms)
    choices = AMBIGUOUS.get(header_key(label))
    if fld is None or not choices or synonyms.get(header_key(label)) != fld:
        return fld
    if choices[0] == "title":
        return "severity" if is_scale_value(value) else "title"
    number = NUMBER_CELL_RE.match(value)
    return "score" if number and int(number["n"]) > 5 else "severity"


def heading_parts(heading: str) -> tuple[str | None, str | None]:
    """(entry id, title) of a risk heading; numbering is dropped and is not an id.

    >>> heading_parts("R001: Database Connection Exhaustion"), heading_parts("RISK-12 — Vault outage")
    (('R001', 'Database Connection Exhaustion'), ('RISK-12', 'Vault outage'))
    >>> heading_parts("Risk 3 - Cache stampede"), heading_parts("1. Cold Start"), heading_parts("Chaos Tests")
    (('Risk 3', 'Cache stampede'), (None, 'Cold Start'), (None, 'Chaos Tests'))
    >>> heading_parts("Database: failover"), heading_parts("[R7] DNS"), heading_parts("R-OPS-01")
    ((None, 'Database: failover'), ('R7', 'DNS'), ('R-OPS-01', None))
    >>> heading_parts("Risk: Vault sealed"), heading_parts("Risk Register")
    ((None, 'Vault sealed'), (None, 'Risk Register'))
    >>> heading_parts("R-03 Redis eviction"), heading_parts("S3 bucket exposed"), heading_parts("OAuth2 token leak")
    (('R-03', 'Redis eviction'), (None, 'S3 bucket exposed'), (None, 'OAuth2 token leak'))
    """
    heading = RISK_PREFIX_RE.sub("", squash(heading))
    m = HEADING_ID_RE.match(heading)
    if m is None and (spaced := SPACED_ID_RE.match(heading)):
        return spaced["id"], squash(spaced["title"])
    if m is None:
        bare = heading if HAS_DIGIT_RE.search(heading) and " " not in heading and len(heading) <= 24 else None
        if bare and HEADING_ID_RE.match(heading + ": x"):
            return bare, None
        return None, heading or None
    ident = m["bracket"] or m["named"] or m["id"]
    if (m["id"] or m["bracket"]) and not HAS_DIGIT_RE.search(ident):
        return None, heading or None
    title = squash(m["title"]).strip(" :-–—|") or None
    return (squash(ident) if ident else None), title


def heading_rating(title: str | None) -> tuple[str | None, str | None]:
    """(severity as written, title without it) when a heading states a severity.

    >>> heading_rating("High: Vault sealed"), heading_rating("[CRITICAL] DNS expiry")
    (('High', 'Vault sealed'), ('CRITICAL', 'DNS expiry'))
    >>> heading_rating("Idempotency Namespace (🔴 CRITICAL)"), heading_rating("Low-hanging fruit")
    (('🔴 CRITICAL', 'Idempotency Namespace'), (None, 'Low-hanging fruit'))
    """
    m = HEADING_RATING_RE.match(title or "")
    if m is None:
        return None, title
    stated = m["bracketed"] or m["leading"] or m["trailing"]
    return squash(stated), squash(m["title"] or m["rest"])


def split_labels(label: str, value: str, synonyms: Mapping[str, str]) -> list[tuple[str, str]]:
    """One label's value split where further bold field labels start on the same line.

    >>> split_labels("Likelihood", "High | **Impact:** Medium · **Score**: 12", synonym_table())
    [('Likelihood', 'High'), ('Impact', 'Medium'), ('Score', '12')]
    >>> split_labels("Mitigation", "use **Note:** carefully", synonym_table())
    [('Mitigation', 'use **Note:** carefully')]
    """
    cuts = [m for m in INNER_LABEL_RE.finditer(value) if field_of_header(m["label"], synonyms)]
    if not cuts:
        return [(label, value)]
    out = [(label, LABEL_SEPARATOR_TAIL_RE.sub("", value[: cuts[0].start()]))]
    for m, nxt in zip(cuts, [*cuts[1:], None], strict=True):
        text = value[m.end() : nxt.start() if nxt else None]
        out.append((squash(m["label"]), LABEL_SEPARATOR_TAIL_RE.sub("", text).strip()))
    return out


def label_of(line: str, *, plain: bool, synonyms: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(label, value) when a line opens with a field label; plain labels only when asked.

    >>> label_of("**Severity**: 🟢 HIGH", plain=False), label_of("**Likelihood:** Medium", plain=False)
    (('Severity', '🟢 HIGH'), ('Likelihood', 'Medium'))
    >>> label_of("**Idempotency Namespace** (🔴 CRITICAL)", plain=False) is None
    True
    >>> label_of("Likelihood: Low", plain=True), label_of("Future: WORM export", plain=True)
    (('Likelihood', 'Low'), None)
    """
    if m := BOLD_LABEL_RE.match(line):
        return squash(m["label"]), m["value"].strip()
    if plain and (m := PLAIN_LABEL_RE.match(line)) and field_of_header(m["label"], synonyms or _DEFAULT_SYNONYMS):
        return squash(m["label"]), (m["value"] or "").strip()
    return None


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
