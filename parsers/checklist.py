"""Parser: readiness checklists, task lists and sign-off lists -> check entries.

Three shapes of the same thing (a list of things that must be true before a service ships):

* Markdown task lists (`- [ ]`, `- [x]`, `* [X]`, `1. [ ]`) under `##` headings. Read with
  markdown-it-py's block parser, so nested lists, lazy continuation lines and fenced code behave
  as in any renderer, and `Token.map` gives each item's source lines.
* Scraped checklists (a page saved as text): bare short lines are the headings, `- text` lines
  the items, and the boxes are gone (`checked` is NULL). The scraper put every inline code span
  on a new line and dropped the spaces around it, so one item can be split over several lines
  and several items can be joined with ` - ` on one line; both are undone here, and the lost
  spaces around a code span are put back where a word boundary is certain.
* Sign-off lists: `- Tech lead ✅` is a ticked check, `- SRE ❌` an unticked one; under a
  sign-off heading a scraped line needs no bullet (`Payments Security lead ✅`).
* Lines whose list marker a copy turned into a box glyph (`☑ Backups restored`, `☐ Load test`)
  or lost (`[x] Flag in place`) are task-list items; sign-off tables (`| Security | Lee Wong |
  ❌ Blocked |`, `| DPIA signed | No |`) are read through `parsers.signoff`.

An owner named at the end of an item (`... — Owner: @alice`, `(Owner: Ayşe)`) or in a sign-off
table's owner column becomes the check's owner; the title keeps the text as written. A YAML
front-matter block is blanked out first (`doc_meta.without_front_matter`).

Precision: a document with real task boxes yields only its boxed items (status bullets such as
`- ✅ OWASP Top 10` are not checks), and a sign-off list with check marks under a sign-off
heading, if it has one. Box-less bullets are checks only when the document reads as
a checklist (title or heading words, or a body of short bullets under short headings), or when
they sit under a sign-off / checklist heading. Bulleted fields of a risk section
(`- **Severity**: High`) and numbered recommendation lists never are.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from parsers import doc_meta
from parsers.codespans import STRONG_CODE_RE, known_words, restore_code_spaces
from parsers.fields import field_of_header, synonym_table
from parsers.markdown_table import inline_text
from parsers.signoff import BOX_GLYPHS, GLYPH_LINE_RE, marked, signoff_rows
from pipeline.config import Config
from pipeline.records import Document, ParsedDocument, RawEntry, SourceLoc
from pipeline.textnorm import fold, squash

NAME = "checklist"

log = logging.getLogger(__name__)

# A list line with a task box: "- [ ] x", "* [x] x", "+ [X] x", "1. [ ] x", "2) [x] x".
BOX_LINE_RE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+\[[ xX]\](?:[ \t]|$)", re.MULTILINE)
# The task box at the start of an item's text, and whether it is ticked.
BOX_RE = re.compile(r"^\[(?P<mark>[ xX])\](?:[ \t]+|$)")
# A scraped bullet line: "- text", "• text", "* text", or a lone "-" (a code span went to the next line).
BULLET_LINE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<bullet>[-*+•‣▪◦])(?:[ \t]+(?P<text>.*\S)?[ \t]*)?$")
# A numbered list line: "1. text", "2) text".
ORDERED_LINE_RE = re.compile(r"^[ \t]*\d{1,3}[.)][ \t]+\S")
# A box line with no list marker, as scraped text keeps it: "[x] Backups restored".
BARE_BOX_LINE_RE = re.compile(r"^[ \t]*\[[ xX]\][ \t]+\S")
# Fenced code delimiters; box lines inside a fence are code, not checks.
FENCE_RE = re.compile(r"^[ \t]{0,3}(?:```|~~~)")
# A table line (pipe table or flattened one); many of them mean a register, not a checklist.
TABLE_LINE_RE = re.compile(r"^[ \t]*\|.*\|")
# A risk section heading: "### R001: title", "## R-OPS-01 — title", "### RISK-7".
RISK_HEADING_RE = re.compile(r"^[ \t]*#{1,6}[ \t]+(?:\*\*)?[A-Z]{1,6}(?:-[A-Z]{1,8})*-?\d{1,4}\b")
# An item that opens with a label: "**Severity**: High", "**Owner:** SRE", "Status: open".
LABEL_RE = re.compile(r"^(?:\*\*|__)?(?P<label>[^*_:\n]{1,40}?)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?(?:[ \t]|$)")
# Labels of a risk section's bullets beyond the canonical fields (those come from parsers.fields).
RISK_LABELS: frozenset[str] = frozenset(
    {
        "playbook",
        "trade off",
        "tradeoff",
        "immediate action",
        "blocker",
        "eta",
        "residual risk",
        "detection",
        "trigger",
        "triggers",
        "contingency",
        "category",
        "risk",
        "likelihood",
        "impact",
        "root cause",
        "cause",
        "consequence",
        "residual",
        "probability",
        "affected",
        "affected services",
        "indicators",
        "rationale",
    }
)
# Headings that make the bullets under them checks even in a document that is not a checklist.
STRONG_WORDS_RE = re.compile(
    r"check ?lists?|sign ?offs?|signoffs?|approvals?|approvers?|definition of done|go no go|"
    r"(?:acceptance|exit|release|launch|entry|readiness|go live) criteria|pre (?:production|prod|launch|"
    r"flight|release|deploy|deployment|merge) (?:check|gate)s?|preflight|quality gates?|release gates?"
)
# Words that make a title read as a readiness document (with the body mostly bullets).
WEAK_WORDS_RE = re.compile(
    r"\b(?:readiness|ready|go live|launch|pre production|pre prod|preflight|production ready|cutover|handover|"
    r"hand off|runbook review|release)\b"
)
# A heading over a table of checks without the sign-off words: "Operational checks", "Pre-flight check".
CHECKS_HEADING_RE = re.compile(r"\bchecks?$")
# A title naming a risk document: its box-less bullets are notes, not checks.
RISK_TITLE_RE = re.compile(r"\b(?:risks?|threats?|hazards?|fmea)\b")
# An owner named at the end of a check ("... — Owner: @alice", "... (Owner: Ayşe)", "... [DRI: SRE]"):
# read into the check's owner; the title keeps the text as written.
CHECK_OWNER_RE = re.compile(
    r"(?:\s[—–-]\s*|[(\[]\s*|[;,]\s*)(?P<label>owners?|dri|assignee|assigned to|responsible)\s*[:=]\s*"
    r"(?P<owner>[^()\[\];:]*[^()\[\];:\s.])\s*[)\]]?\.?$",
    re.IGNORECASE,
)
# Two items a scraper joined on one line: " - " after the end of a sentence (or a check mark).
JOIN_RE = re.compile(r"(?<=[.!?;)\]✅✔☑❌✗])[ \t]+-[ \t]+(?=\S)")
# A line that ends by opening the next item, whose code span went onto the next line: "... . -".
TRAILING_DASH_RE = re.compile(r"(?:(?<=[.!?;)\]✅✔☑❌✗])[ \t]+|^)-$")
# Item text that cannot end there: a connecting word or punctuation that needs more after it.
OPEN_END_RE = re.compile(
    r"(?:[,:(/–—-]|\b(?:a|an|the|of|to|in|on|for|from|with|by|at|as|and|or|via|per|into|onto|outside|inside|"
    r"than|without|within|using|under|over|between|across|against|about|is|are|be|no|not|see))$",
    re.IGNORECASE,
)
# Text that ends a sentence (an item ending so is complete) or a check mark.
TERMINAL_END_RE = re.compile(r"[.!?;)\]✅✔☑✓❌✗✘⚠\ufe0f]$")
# A document that is an HTML page: the HTML parser reads it, not this one.
HTML_DOC_RE = re.compile(r"^\s*(?:<!doctype html|<html\b|<\?xml)", re.IGNORECASE)
# Block-level parse only; item text goes through markdown_table.inline_text.
_BLOCKS = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a cheap line scan sees in a document: enough to sniff it and to gate box-less bullets."""

    markdown: bool  # ATX headings, task boxes or fences: read it with markdown-it
    boxes: int  # task-box list lines outside code fences
    bullets: int  # items: unordered bullet lines (a lone "-" included) and items a scraper joined onto a line
    body: int  # non-blank lines that are neither headings nor the title / metadata block
    headings: tuple[str, ...]  # heading texts (ATX, or bare short lines followed by a bullet)
    field_bullets: int  # bullets opening with a risk-field label ("- **Severity**: High")
    risk_headings: int  # "### R001: ..." sections
    table_lines: int
    long_bullets: int  # bullets over 160 characters: prose, not checklist items
    strong_sections: int  # bullets sitting under a sign-off / checklist heading
    title: str | None


@dataclass(slots=True)
class _Item:
    """A list item as found, before deciding whether it is a check."""

    line: int
    text: str  # item text, markup stripped, box removed
    section: str | None
    heading: str | None  # nearest heading as written, for the sign-off/checklist heading rule
    boxed: bool = False
    checked: bool | None = None
    ordered: bool = False
    marked: bool = False  # a check mark (✅, ❌, ⚠️) led or ended the item
    table: bool = False  # a row of a table with a decision column (parsers.signoff)
    lines: list[int] = field(default_factory=list)
    open: bool = False  # scraped: the item's text continues on the next line (a code span went there)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)  # a sign-off table's other columns: header -> cell
    owner: tuple[str, str] | None = None  # (header, cell) of a sign-off table's owner column


def sniff(text: str) -> float:
    """How sure we are that the text holds a checklist (0-1), from a line scan, without parsing."""
    if HTML_DOC_RE.match(text[:200]):
        return 0.0
    shape = _shape(doc_meta.without_front_matter(text), doc_meta.title(text))
    if shape.boxes >= 2:
        return 0.9
    if shape.boxes == 1:
        return 0.7
    if _is_checklist_doc(shape):
        return 0.8
    if shape.strong_sections:
        return 0.6
    return 0.1 if shape.bullets else 0.0


def parse(doc: Document, config: Config) -> ParsedDocument:
    """Every check in the document: task-list items, scraped checklist items, sign-off items."""
    title = doc_meta.title(doc.text)
    text = doc_meta.without_front_matter(doc.text)
    shape = _shape(text, title)
    synonyms = synonym_table(config.header_synonyms)
    items = _markdown_items(text, title, synonyms) if shape.markdown else _scraped_items(text, title, synonyms)
    checklist_doc = _is_checklist_doc(shape)
    entries = [_entry(doc.path, item) for item in items if item.text and _keep(item, shape, checklist_doc)]
    log.debug(
        "%s: %s mode, %d list items, %d checks (boxes %d, reads as a checklist: %s)",
        doc.path,
        "markdown" if shape.markdown else "scraped",
        len(items),
        len(entries),
        shape.boxes,
        checklist_doc,
    )
    return ParsedDocument(entries=entries, title=title, metadata=doc_meta.metadata(doc.text))


def _entry(path: str, item: _Item) -> RawEntry:
    """The RawEntry of a kept item; rejoined or split items carry their notes and a lower confidence."""
    lines = tuple(sorted(set(item.lines or [item.line])))
    fields = {"title": item.text}
    headers = {}
    if item.owner is not None:
        headers["owner"], fields["owner"] = item.owner
    elif owner := CHECK_OWNER_RE.search(item.text):
        fields["owner"], headers["owner"] = owner["owner"], owner["label"]
    return RawEntry(
        loc=SourceLoc(path, item.line),
        parser=NAME,
        kind="check",
        fields=fields,
        headers=headers,
        section=item.section,
        checked=item.checked,
        extra=item.extra,
        lines=lines,
        confidence=0.8 if item.notes else 1.0,
        notes=tuple(item.notes),
    )


def _keep(item: _Item, shape: _Shape, checklist_doc: bool) -> bool:
    """Whether a found item is a check, by the precision rules in the module docstring."""
    if item.boxed:
        return True
    if item.table:
        # A table with a decision column: checks under a sign-off / checklist / "... checks" heading,
        # or anywhere in a document whose title says readiness, go-live, launch or release.
        heading = item.heading or ""
        return (
            _strong_heading(heading) or CHECKS_HEADING_RE.search(fold(heading)) is not None or _readiness_title(shape)
        )
    if shape.boxes:
        # A document with real boxes: its other bullets are status notes, except a sign-off list
        # ("- Tech lead ✅") under a sign-off heading.
        return item.marked and item.heading is not None and _strong_heading(item.heading)
    if item.ordered and item.checked is None:
        return False  # numbered recommendations and steps
    if checklist_doc:
        return True
    return item.heading is not None and _strong_heading(item.heading)


def _readiness_title(shape: _Shape) -> bool:
    """A document titled as a readiness, go-live, launch or release check, not as a risk document.

    >>> shape = _shape("# Ledger — Go-live sign-off\\n", "Ledger — Go-live sign-off")
    >>> _readiness_title(shape), _readiness_title(_shape("", "Ledger — Risk Register"))
    (True, False)
    """
    title = fold(shape.title or "")
    strong = STRONG_WORDS_RE.search(title) is not None
    return (strong or WEAK_WORDS_RE.search(title) is not None) and (strong or not RISK_TITLE_RE.search(title))


def _strong_heading(heading: str) -> bool:
    """A heading that announces a checklist or a sign-off list.

    >>> _strong_heading("Pre-Production Checklist"), _strong_heading("✅ Sign-off"), _strong_heading("Runbooks")
    (True, True, False)
    """
    return STRONG_WORDS_RE.search(fold(heading)) is not None


def _is_checklist_doc(shape: _Shape) -> bool:
    """Whether box-less bullets of this document are checks: it reads as a readiness checklist."""
    if shape.boxes or not shape.bullets or shape.risk_headings or shape.field_bullets >= 2:
        return False
    if shape.long_bullets * 4 > shape.bullets:
        return False
    share = shape.bullets / max(1, shape.body)
    title = fold(shape.title or "")
    strong_title = STRONG_WORDS_RE.search(title) is not None
    risk_title = RISK_TITLE_RE.search(title) is not None
    if shape.table_lines >= 3 and not strong_title:
        return False
    if risk_title and not strong_title:
        return False
    if (strong_title or WEAK_WORDS_RE.search(title)) and share >= 0.4:
        return True
    if any(_strong_heading(h) for h in shape.headings) and share >= 0.5:
        return True
    return share >= 0.7 and len(shape.headings) >= 2


def _shape(text: str, title: str | None) -> _Shape:
    """One pass over the lines, counting what sniff and the box-less rules need."""
    lines = text.split("\n")
    markdown = bool(BOX_LINE_RE.search(text)) or any(
        doc_meta.ATX_HEADING_RE.match(ln) or FENCE_RE.match(ln) for ln in lines
    )
    boxes = bullets = body = field_bullets = risk_headings = table_lines = long_bullets = strong_sections = 0
    headings: list[str] = []
    synonyms = synonym_table()
    in_fence = False
    title_seen = False
    heading: str | None = None
    prev_plain: str | None = None  # scraped: a bare line that becomes a heading when a bullet follows
    in_item = False  # the previous line was an item or its continuation
    open_item = False  # ... and the item is still empty ("-" alone): the next line is its text
    for line in lines:
        stripped = line.strip()
        if FENCE_RE.match(line):
            in_fence = not in_fence
            body += 1
            continue
        if in_fence:
            body += 1 if stripped else 0
            continue
        if not stripped:
            in_item = False
            continue
        if m := doc_meta.ATX_HEADING_RE.match(line):
            in_item = False
            if RISK_HEADING_RE.match(line):
                risk_headings += 1
            if len(m["marks"]) > 1 or title_seen:
                headings.append(m["text"])
                heading = m["text"]
            title_seen = True
            prev_plain = None
            continue
        is_bullet = BULLET_LINE_RE.match(line)
        glyph = GLYPH_LINE_RE.match(line)
        if not title_seen and not is_bullet and not markdown:
            title_seen = True  # scraped: the first line is the title
            continue
        if doc_meta.META_KEY_RE.match(stripped) and not is_bullet:
            continue
        signed = (
            not is_bullet
            and (heading is not None or prev_plain is not None)
            and _strong_heading(prev_plain or heading or "")
            and marked(stripped)[2]
        )
        if is_bullet or BARE_BOX_LINE_RE.match(line) or glyph or signed:
            if prev_plain is not None and not markdown:
                headings.append(prev_plain)
                heading = prev_plain
                body -= 1
            prev_plain = None
            in_item = True
            bullets += 1
            body += 1
            item = (is_bullet["text"] or "") if is_bullet else stripped
            open_item = not item
            if BOX_LINE_RE.match(line) or BARE_BOX_LINE_RE.match(line) or (glyph and glyph["glyph"] in BOX_GLYPHS):
                boxes += 1
            elif _field_label(item, synonyms):
                field_bullets += 1
            if len(item) > 160:
                long_bullets += 1
            if heading is not None and _strong_heading(heading):
                strong_sections += 1
            continue
        if in_item and (open_item or not _heading_like(stripped)):
            bullets += len(JOIN_RE.findall(stripped))  # part of the item above, and items joined to it
            open_item = stripped.endswith("-") and TRAILING_DASH_RE.search(stripped) is not None
            continue
        in_item = False
        if BOX_LINE_RE.match(line):  # "1. [ ] item"
            boxes += 1
        if TABLE_LINE_RE.match(line):
            table_lines += 1
            if heading is not None and _strong_heading(heading):
                strong_sections += 1  # a sign-off table
        body += 1
        prev_plain = stripped if _heading_like(stripped) else None
    return _Shape(
        markdown,
        boxes,
        bullets,
        body,
        tuple(headings),
        field_bullets,
        risk_headings,
        table_lines,
        long_bullets,
        strong_sections,
        title,
    )


def _field_label(text: str, synonyms: Mapping[str, str]) -> bool:
    """Whether an item is a labelled field of a risk section rather than a checklist item.

    >>> syn = synonym_table()
    >>> _field_label("**Severity**: High", syn), _field_label("**Mitigation:**", syn), _field_label("Owner: SRE", syn)
    (True, True, True)
    >>> _field_label("ESLint: no banned patterns", syn), _field_label("**Engineering Lead**: Code review", syn)
    (False, False)
    """
    m = LABEL_RE.match(text.strip())
    if not m:
        return False
    label = m["label"].strip()
    return field_of_header(label, synonyms) is not None or fold(label) in RISK_LABELS


def _heading_like(line: str) -> bool:
    """A bare line that can be a scraped heading: short, not a sentence, not metadata or chrome.

    A line ending with a colon is a heading only when short ("Approvals:"); longer, it is the
    sentence that introduces a list ("All of these must hold:").
    >>> [_heading_like(s) for s in ("Code + Tests", "Infra / Rollout", "Sign-off", "Approvals:", "zero errors.",
    ...                              "Owner: SRE", "passwordkey in GET", "Skip to main content",
    ...                              "All of these must hold:")]
    [True, True, True, True, False, False, False, False, False]
    """
    words = line.split()
    return (
        0 < len(words) <= (3 if line.endswith(":") else 8)
        and len(line) <= 80
        and not line.endswith((".", ",", ";", "-"))
        and not JOIN_RE.search(line)
        and not (line[0].islower() or line[0] in "/_.`|<([{-*")
        and not doc_meta.META_KEY_RE.match(line)
        and not doc_meta.CHROME_LINE_RE.search(line)
    )


# ---- Markdown: task lists and bulleted sign-off lists, through markdown-it block tokens ----


def _markdown_items(text: str, title: str | None, synonyms: Mapping[str, str]) -> list[_Item]:
    """Every list item of a Markdown document with its box, mark and heading."""
    tokens = _BLOCKS.parse(text.replace("\r", " "))  # markdown-it reads a lone CR as a line break
    items: list[_Item] = []
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
            first = (tok.map[0] + 1) if tok.map else 0
            for offset, body in boxed:
                item = _line_item(body, first + offset, heading)
                if item is not None:
                    items.append(item)
        elif tok.type == "table_open":
            heading = headings[max(headings)] if headings else None
            end = next((j for j in range(i, len(tokens)) if tokens[j].type == "table_close"), len(tokens) - 1)
            items.extend(_table_items(tokens[i:end], heading, synonyms))
            i = end
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            ordered.append(tok.type == "ordered_list_open")
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            ordered.pop()
        elif tok.type == "list_item_open":
            heading = headings[max(headings)] if headings else None
            item = _markdown_item(tokens, i, heading, bool(ordered and ordered[-1]))
            if item is not None and not item.boxed and _field_label(tokens[i + 2].content, synonyms):
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
        if BOX_RE.match(line.strip()):
            found.append((k, line.strip()))
        elif (m := GLYPH_LINE_RE.match(line)) and m["glyph"] in BOX_GLYPHS:
            found.append((k, f"[{BOX_GLYPHS[m['glyph']]}] {m['text']}"))
        elif line.strip():
            return []
    return found


def _line_item(body: str, line: int, heading: str | None) -> _Item | None:
    """A task-box line's item ("[x] text")."""
    m = BOX_RE.match(body)
    if m is None:
        return None
    text = marked(inline_text(body[m.end() :]))[0]
    return _Item(
        line=line,
        text=text,
        section=doc_meta.section_name(heading) if heading else None,
        heading=heading,
        boxed=True,
        checked=m["mark"] in "xX",
        lines=[line],
    )


def _table_items(tokens: list[Token], heading: str | None, synonyms: Mapping[str, str]) -> list[_Item]:
    """Rows of a sign-off table (see `parsers.signoff.signoff_rows`) as marked items."""
    rows: list[tuple[int, list[str]]] = []
    for k, tok in enumerate(tokens):
        if tok.type == "tr_open":
            cells = []
            for t in tokens[k + 1 :]:
                if t.type == "tr_close":
                    break
                if t.type == "inline":
                    cells.append(inline_text(t.content))
            rows.append(((tok.map[0] + 1) if tok.map else 0, cells))
    section = doc_meta.section_name(heading) if heading else None
    return [
        _Item(
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


def _markdown_item(tokens: list[Token], i: int, heading: str | None, ordered: bool) -> _Item | None:
    """The item opened at tokens[i], from its first paragraph; None for an empty item."""
    if i + 2 >= len(tokens) or tokens[i + 1].type != "paragraph_open" or tokens[i + 2].type != "inline":
        return None
    content = tokens[i + 2].content
    line = tokens[i].map[0] + 1 if tokens[i].map else 0
    para = tokens[i + 1].map or tokens[i].map or [line - 1, line]
    boxed, checked = False, None
    if m := BOX_RE.match(content):
        boxed, checked = True, m["mark"] in "xX"
        content = content[m.end() :]
    text, mark, has_mark = marked(inline_text(content))
    if not boxed and has_mark:
        checked = mark
    section = doc_meta.section_name(heading) if heading else None
    return _Item(
        line=line,
        text=text,
        section=section,
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
        and _heading_like(line)
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


# ---- Scraped text: bare headings, box-less items, code spans that broke lines ----


def _scraped_items(text: str, title: str | None, synonyms: Mapping[str, str]) -> list[_Item]:
    """Items of a page saved as text: items re-joined across lines and split where joined."""
    lines = text.split("\n")
    known = known_words(lines)
    items: list[_Item] = []
    section: str | None = None
    heading: str | None = None
    current: _Item | None = None
    title_pending = title is not None
    for k, raw in enumerate(lines):
        n = k + 1
        stripped = raw.strip()
        if not stripped:
            if current is not None and not (current.open and not current.text):
                current = None  # a blank line ends an item, unless the item is still empty
            continue
        bullet = BULLET_LINE_RE.match(raw)
        numbered_heading = (
            bullet is None
            and ORDERED_LINE_RE.match(raw) is not None
            and _heading_like(stripped)
            and BULLET_LINE_RE.match(_next_line(lines, k)) is not None
        )
        if bullet is None and (glyph_body := _glyph_item(stripped, heading)) is not None:
            current = _start_item(items, glyph_body, n, section, heading, False, known)
            continue
        if not numbered_heading and (bullet or BARE_BOX_LINE_RE.match(raw) or ORDERED_LINE_RE.match(raw)):
            body = (bullet["text"] or "") if bullet else stripped
            ordered = bullet is None and ORDERED_LINE_RE.match(raw) is not None
            if ordered:
                body = body.split(None, 1)[1] if len(body.split(None, 1)) > 1 else ""
            current = _start_item(items, body, n, section, heading, ordered, known)
            continue
        if current is not None and _continues(current, stripped):
            current = _continue_item(items, current, stripped, n, known)
            continue
        current = None
        if title_pending and squash(doc_meta.INLINE_MARKUP_RE.sub("", stripped)) == title:
            title_pending = False  # the title line names the document, not a section
            continue
        if _heading_like(stripped):
            heading, section = stripped, doc_meta.section_name(stripped.rstrip(":"))
    for item in items:
        item.text, item.checked = _finish(item)
    return [it for it in items if it.boxed or not _field_label(it.text, synonyms)]


def _glyph_item(line: str, heading: str | None) -> str | None:
    """An item's text when a line without a list marker is one: it opens with a box or check glyph
    ("☑ Backups restored" becomes "[x] Backups restored"), or it carries a check mark under a
    sign-off heading ("Payments Security lead ✅"). None for any other line.

    >>> _glyph_item("☑ Backups restored", None), _glyph_item("✅ Runbook linked", None)
    ('[x] Backups restored', '✅ Runbook linked')
    >>> _glyph_item("Security lead ✅", "Sign-off"), _glyph_item("Security lead ✅", "Docs"), _glyph_item("Docs", None)
    ('Security lead ✅', None, None)
    """
    if m := GLYPH_LINE_RE.match(line):
        box = BOX_GLYPHS.get(m["glyph"])
        return f"[{box}] {m['text']}" if box is not None else line
    if heading is not None and _strong_heading(heading) and marked(line)[2]:
        return line
    return None


def _next_line(lines: list[str], k: int) -> str:
    """The first non-blank line after lines[k], or ""."""
    return next((ln for ln in lines[k + 1 :] if ln.strip()), "")


def _start_item(
    items: list[_Item],
    body: str,
    n: int,
    section: str | None,
    heading: str | None,
    ordered: bool,
    known: frozenset[str],
) -> _Item:
    """A new item from a bullet line, splitting items the scraper joined onto it."""
    boxed, checked = False, None
    if m := BOX_RE.match(body):
        boxed, checked, body = True, m["mark"] in "xX", body[m.end() :]
    item = _Item(
        line=n,
        text="",
        section=section,
        heading=heading,
        boxed=boxed,
        checked=checked,
        ordered=ordered,
        lines=[n],
        open=True,
    )
    items.append(item)
    return _feed(items, item, body, n, known, restore=False)


def _continue_item(items: list[_Item], item: _Item, line: str, n: int, known: frozenset[str]) -> _Item:
    """The item continued by a line the scraper broke off it; code-span spaces restored."""
    item.notes.append(f"rejoined with line {n}")
    return _feed(items, item, line, n, known, restore=True)


def _feed(items: list[_Item], item: _Item, chunk: str, n: int, known: frozenset[str], *, restore: bool) -> _Item:
    """Add a line's text to `item`; text after a ` - ` join starts new items. Returns the open item."""
    if restore:
        chunk = restore_code_spaces(chunk, known)
    ends_open = chunk.endswith("-") and TRAILING_DASH_RE.search(chunk) is not None
    if ends_open:
        chunk = TRAILING_DASH_RE.sub("", chunk).rstrip()
    pieces = [p for p in JOIN_RE.split(chunk)] if chunk else []
    if pieces:
        item.text = _join(item.text, pieces[0])
        item.open = False
        if n not in item.lines:
            item.lines.append(n)
    for piece in pieces[1:]:
        item = _Item(
            line=n,
            text=piece,
            section=item.section,
            heading=item.heading,
            lines=[n],
            ordered=False,
            notes=[f"split from a joined line {n}"],
        )
        items.append(item)
    if ends_open or not chunk:
        if item.text:
            item = _Item(line=n, text="", section=item.section, heading=item.heading, lines=[n], open=True)
            items.append(item)
        item.open = True
    return item


def _continues(item: _Item, line: str) -> bool:
    """Whether a bare line carries on the item before it rather than starting a heading or prose.

    A scraper starts a new line at each inline code span, so a line after an item continues it
    when the item is still empty or cannot end where it stops, or when the line cannot start one.
    """
    text = item.text
    if item.open or text.count("(") > text.count(")") or OPEN_END_RE.search(text):
        return True
    if (
        line[0].islower()
        or line[0] in "/_.`)(,;"
        or JOIN_RE.search(line)
        or (line.endswith("-") and TRAILING_DASH_RE.search(line))
    ):
        return True
    if STRONG_CODE_RE.search(line.split()[0]):
        return True
    return not _heading_like(line) and not TERMINAL_END_RE.search(text)


def _join(before: str, after: str) -> str:
    """Two pieces of one item's text, with a space unless the first opens a bracket.

    >>> _join("absence of", "password key"), _join("(see", "x)"), _join("", "x")
    ('absence of password key', '(see x)', 'x')
    """
    if not before:
        return after
    if before.endswith(("(", "[", "“", "‘", "/")):
        return before + after
    return f"{before} {after}"


def _finish(item: _Item) -> tuple[str, bool | None]:
    """Final title and checked value of a scraped item: markup, marks and box removed."""
    text = squash(doc_meta.INLINE_MARKUP_RE.sub("", item.text))
    if item.boxed:
        return marked(text)[0], item.checked
    text, mark, has_mark = marked(text)
    if has_mark:
        item.ordered, item.marked = False, True
        return text, mark
    return text, None
