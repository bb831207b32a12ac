"""Parser: readiness checklists, task lists and sign-off lists -> check entries.

Three shapes of the same thing (a list of things that must be true before a service ships):

* Markdown task lists (`- [ ]`, `- [x]`, `* [X]`, `1. [ ]`) under `##` headings. Read with
  markdown-it-py's block parser, so nested lists, lazy continuation lines and fenced code behave
  as in any renderer, and `Token.map` gives each item's source lines.
* Scraped checklists (a page saved as text): bare short lines are the headings, `- text` lines
  the items, and the boxes are gone (`checked` is NULL). The scraper put every inline code span
  on a new line and dropped the spaces around it, so one item can be split over several lines
  and several items can be joined with ` - ` on one line; both are undone, and the lost
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

This module holds the parser's contract (sniff, parse) and the precision rules. The rest is in
helper modules: `parsers.checklist_shape` (the line scan sniff scores and the rules read),
`parsers.checklist_markdown` (task lists through markdown-it), `parsers.checklist_scraped`
(scraped box-less lists), `parsers.checklist_text` (line patterns, heading words, the `Item`
found), `parsers.signoff` (check marks, sign-off tables) and `parsers.codespans` (code-span spaces).
"""

from __future__ import annotations

import logging
import re

from parsers import doc_meta
from parsers.checklist_markdown import markdown_items
from parsers.checklist_scraped import scraped_items
from parsers.checklist_shape import Shape, document_shape, is_checklist_doc, readiness_title
from parsers.checklist_text import CHECKS_HEADING_RE, Item, strong_heading
from parsers.fields import synonym_table
from pipeline.config import Config
from pipeline.records import Document, ParsedDocument, RawEntry, SourceLoc
from pipeline.textnorm import fold

__all__ = ["NAME", "parse", "sniff"]

NAME = "checklist"

log = logging.getLogger(__name__)

# An owner named at the end of a check ("... — Owner: @alice", "... (Owner: Ayşe)", "... [DRI: SRE]"):
# read into the check's owner; the title keeps the text as written.
_CHECK_OWNER_RE = re.compile(
    r"(?:\s[—–-]\s*|[(\[]\s*|[;,]\s*)(?P<label>owners?|dri|assignee|assigned to|responsible)\s*[:=]\s*"
    r"(?P<owner>[^()\[\];:]*[^()\[\];:\s.])\s*[)\]]?\.?$",
    re.IGNORECASE,
)
# A document that is an HTML page: the HTML parser reads it, not this one.
_HTML_DOC_RE = re.compile(r"^\s*(?:<!doctype html|<html\b|<\?xml)", re.IGNORECASE)


def sniff(text: str) -> float:
    """How sure we are that the text holds a checklist (0-1), from a line scan, without parsing."""
    if _HTML_DOC_RE.match(text[:200]):
        return 0.0
    shape = document_shape(doc_meta.without_front_matter(text), doc_meta.title(text))
    if shape.boxes >= 2:
        return 0.9
    if shape.boxes == 1:
        return 0.7
    if is_checklist_doc(shape):
        return 0.8
    if shape.strong_sections:
        return 0.6
    return 0.1 if shape.bullets else 0.0


def parse(doc: Document, config: Config) -> ParsedDocument:
    """Every check in the document: task-list items, scraped checklist items, sign-off items."""
    title = doc_meta.title(doc.text)
    text = doc_meta.without_front_matter(doc.text)
    shape = document_shape(text, title)
    synonyms = synonym_table(config.header_synonyms)
    items = markdown_items(text, title, synonyms) if shape.markdown else scraped_items(text, title, synonyms)
    checklist_doc = is_checklist_doc(shape)
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


def _entry(path: str, item: Item) -> RawEntry:
    """The RawEntry of a kept item; rejoined or split items carry their notes and a lower confidence."""
    lines = tuple(sorted(set(item.lines or [item.line])))
    fields = {"title": item.text}
    headers = {}
    if item.owner is not None:
        headers["owner"], fields["owner"] = item.owner
    elif owner := _CHECK_OWNER_RE.search(item.text):
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


def _keep(item: Item, shape: Shape, checklist_doc: bool) -> bool:
    """Whether a found item is a check, by the precision rules in the module docstring."""
    if item.boxed:
        return True
    if item.table:
        # A table with a decision column: checks under a sign-off / checklist / "... checks" heading,
        # or anywhere in a document whose title says readiness, go-live, launch or release.
        heading = item.heading or ""
        return strong_heading(heading) or CHECKS_HEADING_RE.search(fold(heading)) is not None or readiness_title(shape)
    if shape.boxes:
        # A document with real boxes: its other bullets are status notes, except a sign-off list
        # ("- Tech lead ✅") under a sign-off heading.
        return item.marked and item.heading is not None and strong_heading(item.heading)
    if item.ordered and item.checked is None:
        return False  # numbered recommendations and steps
    if checklist_doc:
        return True
    return item.heading is not None and strong_heading(item.heading)
