"""Checklists as text: what a checklist's lines, headings and items look like.

Pure helpers of `parsers.checklist`, shared by its line scan (`parsers.checklist_shape`) and its
two readers (`parsers.checklist_markdown`, `parsers.checklist_scraped`): the list-line and task-box
patterns, the words that make a heading or title a checklist's (or a risk document's), the
`Item` a reader finds before the precision rules decide whether it is a check, and the tests
for a labelled risk field (`- **Severity**: High`) and for a bare line that can be a heading.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from parsers import doc_meta
from parsers.fields import field_of_header
from pipeline.textnorm import fold

# The task box at the start of an item's text, and whether it is ticked.
BOX_RE = re.compile(r"^\[(?P<mark>[ xX])\](?:[ \t]+|$)")
# A scraped bullet line: "- text", "• text", "* text", or a lone "-" (a code span went to the next line).
BULLET_LINE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<bullet>[-*+•‣▪◦])(?:[ \t]+(?P<text>.*\S)?[ \t]*)?$")
# A box line with no list marker, as scraped text keeps it: "[x] Backups restored".
BARE_BOX_LINE_RE = re.compile(r"^[ \t]*\[[ xX]\][ \t]+\S")
# Two items a scraper joined on one line: " - " after the end of a sentence (or a check mark).
JOIN_RE = re.compile(r"(?<=[.!?;)\]✅✔☑❌✗])[ \t]+-[ \t]+(?=\S)")
# A line that ends by opening the next item, whose code span went onto the next line: "... . -".
TRAILING_DASH_RE = re.compile(r"(?:(?<=[.!?;)\]✅✔☑❌✗])[ \t]+|^)-$")
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


@dataclass(slots=True)
class Item:
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


def task_box(text: str) -> tuple[bool, str] | None:
    """Whether the task box an item's text opens with is ticked, and the text after it; None
    when the text opens with no box.

    >>> task_box("[x] Backups restored"), task_box("[ ] Load test"), task_box("Docs [x]")
    ((True, 'Backups restored'), (False, 'Load test'), None)
    """
    m = BOX_RE.match(text)
    return None if m is None else (m["mark"] in "xX", text[m.end() :])


def section_of(heading: str | None) -> str | None:
    """The `section` of the items under a heading as written (`doc_meta.section_name`), or None.

    >>> section_of("✅ **Docs**"), section_of(None)
    ('Docs', None)
    """
    return doc_meta.section_name(heading) if heading else None


def strong_heading(heading: str) -> bool:
    """A heading that announces a checklist or a sign-off list.

    >>> strong_heading("Pre-Production Checklist"), strong_heading("✅ Sign-off"), strong_heading("Runbooks")
    (True, True, False)
    """
    return STRONG_WORDS_RE.search(fold(heading)) is not None


def field_label(text: str, synonyms: Mapping[str, str]) -> bool:
    """Whether an item is a labelled field of a risk section rather than a checklist item.

    >>> from parsers.fields import synonym_table
    >>> syn = synonym_table()
    >>> field_label("**Severity**: High", syn), field_label("**Mitigation:**", syn), field_label("Owner: SRE", syn)
    (True, True, True)
    >>> field_label("ESLint: no banned patterns", syn), field_label("**Engineering Lead**: Code review", syn)
    (False, False)
    """
    m = LABEL_RE.match(text.strip())
    if not m:
        return False
    label = m["label"].strip()
    return field_of_header(label, synonyms) is not None or fold(label) in RISK_LABELS


def heading_like(line: str) -> bool:
    """A bare line that can be a scraped heading: short, not a sentence, not metadata or chrome.

    A line ending with a colon is a heading only when short ("Approvals:"); longer, it is the
    sentence that introduces a list ("All of these must hold:").
    >>> [heading_like(s) for s in ("Code + Tests", "Infra / Rollout", "Sign-off", "Approvals:", "zero errors.",
    ...                             "Owner: SRE", "passwordkey in GET", "Skip to main content",
    ...                             "All of these must hold:")]
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
