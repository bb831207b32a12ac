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

Risks written as records instead of headings, one per list item or block (see
`parsers.section_records`): `- Risk: Vault sealed; Likelihood: High; Owner: SRE`,
`1. **Vault sealed** — Likelihood: High`,
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

This module holds the parser's contract (sniff, parse), the decision which sections are risks
and the entry each becomes. The rest is in helper modules: `parsers.heading_sections` walks the
headings, `parsers.section_labels` reads the labels of the blocks under each,
`parsers.section_records` reads risks written as records, `parsers.markdown_blocks` holds the
block parser and the text of blocks; ids and titles of headings, what a heading's words name,
and the label grammar are in `parsers.section_text`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping

from parsers import doc_meta
from parsers.fields import header_key, synonym_table
from parsers.heading_sections import sections
from parsers.markdown_table import DEFAULT_SYNONYMS
from parsers.section_labels import Label, Section
from parsers.section_text import (
    HEADING_LABEL,
    NOT_A_RISK_HEADING_RE,
    RISKY_HEADING_RE,
    heading_parts,
    heading_rating,
    label_field,
    rated,
)
from parsers.tables import RATING_FIELDS, is_scale_value
from pipeline.config import Config
from pipeline.records import Document, ParsedDocument, RawEntry, SourceLoc, free_key
from pipeline.textnorm import fold

__all__ = ["NAME", "parse", "sniff"]

NAME = "markdown_sections"

# For sniff: an ATX heading line, and a line opening with a label (bold or plain, maybe in a bullet).
_SNIFF_HEADING_RE = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+\S", re.MULTILINE)
_SNIFF_LABEL_RE = re.compile(
    r"^[ \t]{0,8}(?:[-*+][ \t]+|\d{1,2}[.)][ \t]+)?(?:\*{1,2}|_{1,2})?(?P<label>[A-Za-z][A-Za-z /()-]{0,30}?)[ \t]*"
    r"(?::[ \t]*(?:\*{1,2}|_{1,2})|(?:\*{1,2}|_{1,2})?[ \t]*(?::|[–—-][ \t]))"
    r"|^[ \t]{0,3}\|[ \t]*(?:\*\*|__)?(?P<cell>[A-Za-z][A-Za-z /()-]{0,30}?)(?:\*\*|__)?[ \t]*\|[^|\n]+\|?[ \t]*$",
    re.MULTILINE,
)
# For sniff: a blank line (records such as "ID: R1 / Risk: ... / Likelihood: ..." blocks are
# separated by them), and a line end (to tell which line a label is on).
_SNIFF_BLANK_RE = re.compile(r"\n[ \t]*\n")
_NEWLINE_RE = re.compile(r"\n")

# Labels that state a rating in a section ("Risk" is ambiguous but says "risk section" enough for sniff).
_SNIFF_RATING_LABELS = frozenset(
    {k for k, f in DEFAULT_SYNONYMS.items() if f in RATING_FIELDS} | {"risk", "risk after", "residual risk"}
)
# Labels that name a record's risk: its id or title ("ID: R1", "Risk: Vault outage", "Threat: ...").
_SNIFF_NAME_LABELS = frozenset(k for k, f in DEFAULT_SYNONYMS.items() if f in ("entry_id", "title"))
# For sniff: a field label after a separator inside a line ("...; Impact: High", "3 | Score: 12").
# Spelled out from the header synonyms (longest first, "#" aside), so that big pages scan quickly.
_SNIFF_INNER_LABEL_RE = re.compile(
    r"(?:[|;·•,]|\.\s|\s[–—-]\s|\*\*\s|__\s)\s*(?:\*{1,2}|_{1,2})?(?P<label>"
    + "|".join(
        re.escape(k).replace("\\ ", "[ \\t]+")
        for k in sorted(DEFAULT_SYNONYMS.keys() | _SNIFF_RATING_LABELS, key=len, reverse=True)
        if k.isascii() and k[0].isalpha()
    )
    + r")(?:\*{1,2}|_{1,2})?[ \t]*:",
    re.IGNORECASE,
)
# For sniff: a list item opening with a bold title ("1. **Vault sealed** — Severity: High").
_SNIFF_BOLD_LEAD_RE = re.compile(r"[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+(?:\*\*|__)[^*_\n]+(?:\*\*|__)")
# Records are sniffed in the first this many characters: a register shows its shape early.
_SNIFF_RECORDS_SPAN = 65536


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
    starts = [m.start() for m in _SNIFF_HEADING_RE.finditer(text)]
    risky: set[int] = set()
    if starts:
        for m in _SNIFF_LABEL_RE.finditer(text):
            chunk = bisect.bisect_right(starts, m.start()) - 1
            if chunk >= 0 and header_key(m["label"] or m["cell"]) in _SNIFF_RATING_LABELS:
                risky.add(chunk)
    records = 0
    if len(risky) < 3:
        head = text[:_SNIFF_RECORDS_SPAN]
        labels = [(m.start(), header_key(m["label"] or m["cell"])) for m in _SNIFF_LABEL_RE.finditer(head)]
        records = _sniff_records(head, labels)
    return {0: 0.0, 1: 0.6, 2: 0.8}.get(max(len(risky), records), 0.9)


def _sniff_records(text: str, labels: list[tuple[int, str]]) -> int:
    """Risks written as records rather than headings, up to 3: blocks of label lines that name a
    risk (an id or title label, or a title line above the labels) and rate it, and lines holding
    two labels, one a rating ("Risk: x; Likelihood: High"). `labels` are the line-opening labels
    (position, key). A few passes over the whole text, so that big pages stay cheap.

    >>> def count(t): return _sniff_records(t, [(m.start(), header_key(m["label"] or m["cell"]))
    ...                                         for m in _SNIFF_LABEL_RE.finditer(t)])
    >>> count("ID: R1\\nRisk: Vault sealed\\nLikelihood: High\\n\\nID: R2\\nRisk: DNS\\nImpact: Low")
    2
    >>> count("- Risk: Vault sealed; Likelihood: High; Owner: SRE"), count("Owner: SRE\\nStatus: ok")
    (1, 0)
    >>> count("R-1 Vault sealed\\nLikelihood: Low\\nImpact: High")
    1
    """
    blocks = [0, *(m.end() for m in _SNIFF_BLANK_RE.finditer(text))]  # where each block starts
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
    inner = [(m.start(), header_key(m["label"])) for m in _SNIFF_INNER_LABEL_RE.finditer(text)]
    if not any(key in _SNIFF_RATING_LABELS for _, key in inner):
        return len(found)
    lines = [m.start() for m in _NEWLINE_RE.finditer(text)]
    by_line: dict[int, set[str]] = {}
    for pos, key in inner:
        by_line.setdefault(bisect.bisect_left(lines, pos), set()).add(key)
    for pos, key in labels:
        if (line := bisect.bisect_left(lines, pos)) in by_line and key in DEFAULT_SYNONYMS:
            by_line[line].add(key)
    starts = [0, *(pos + 1 for pos in lines)]
    one_liners = {
        line
        for line, ks in by_line.items()
        if ks & _SNIFF_RATING_LABELS and (len(ks) >= 2 or _SNIFF_BOLD_LEAD_RE.match(text, starts[line]))
    }
    return min(3, len(found) + len(one_liners))


def parse(doc: Document, config: Config) -> ParsedDocument:
    """One risk entry per heading whose section carries risk fields."""
    synonyms = synonym_table(config.header_synonyms)
    text = doc_meta.without_front_matter(doc.text)
    entries = [e for s in sections(text, synonyms) if (e := _entry(s, synonyms, doc.path)) is not None]
    return ParsedDocument(entries=entries, title=doc_meta.title(doc.text), metadata=doc_meta.metadata(doc.text))


def _entry(section: Section, synonyms: Mapping[str, str], path: str) -> RawEntry | None:
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
    if not _is_risk(
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
            extra[free_key(extra, lab.label)] = lab.text()
        if lab.value and lab.details:  # "**Residual Risk**: ACCEPTABLE" with bullets under it
            extra[free_key(extra, f"{lab.label} details")] = "; ".join(lab.details)
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


def _is_risk(section: Section, entry_id: str | None, values: Mapping[str, str]) -> bool:
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
