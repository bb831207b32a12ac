"""Parser: HTML pages flattened to text by a scraper, every table cell run into the next.

    IDRiskLikelihoodImpactScoreStatusOwnerMitigation
    R-LOCK-01Vendor outage stalls sync3412mitigatingLock domain leadPer-vendor circuit breaker

The header line is split against the header synonyms, which gives the column order (whatever
it is); rows start with an id whose pattern is learned from the rows themselves; each row is
cut back into cells by `parsers.flattened_splitter`, with the words of `parsers.flattened_vocab`:
digits on the 1-5 scale and a score equal to likelihood x impact, the status vocabulary, the
owner directory, and the owners the other rows of the same document use (read in a second
pass). A row that stays ambiguous keeps its raw text in `extra` and a low confidence.

Layouts: cells run together (rows may be separated by blank lines or wrap onto a second line),
cells kept apart by spaces, ids that are plain numbers ("#"), and one cell per line (header
cells, then row cells, each on a line of its own; a blank line inside a row is an empty cell).
A legend block ("ScoreLikelihoodImpact" then "1Very rareNegligible") is the document's stated
scale and produces no entries; nor do lists after the register that mention ids.
Takes a decoded Document, returns a ParsedDocument; pure.

This module holds sniff, parse and the owner passes over each table; its helpers:
`flattened_page` (page chrome, title, sections), `flattened_blocks` (finding the tables and
legends), `flattened_header` (header lines), `flattened_rows` (rows under a header),
`flattened_delimited` (CSV and tab-separated layouts), `flattened_splitter` (a row cut back
into cells) and `flattened_vocab` (the words a row is read with).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise

from parsers import doc_meta
from parsers.fields import HEADER_SYNONYMS, field_of_header, synonym_table
from parsers.flattened_blocks import Block, find_blocks
from parsers.flattened_delimited import csv_columns, tab_columns
from parsers.flattened_header import DEFAULT_SYNONYMS, cell_header, header_columns, header_tokens, is_register
from parsers.flattened_page import page_title
from parsers.flattened_rows import ID_SHAPE_RE, Row, is_header, next_lines, numbered_ids
from parsers.flattened_splitter import Reading, RowSplitter
from parsers.flattened_vocab import Vocabulary
from pipeline.config import Config
from pipeline.records import Document, ParsedDocument, RawEntry, SourceLoc
from pipeline.textnorm import is_null, squash
from pipeline.vocab import SCALE_WORDS

NAME = "flattened_text"
# Markup that makes a document HTML (the html_table parser's), not flattened text.
HTML_DOC_RE = re.compile(r"<(?:!doctype|html|body|table|tr|td|th|div)\b", re.IGNORECASE)
# A row read at least this surely (not ambiguous) teaches the next pass its owners.
LEARN_CONFIDENCE = 0.8
# Owner passes over a block after the first: each may learn owners from the rows before.
MAX_OWNER_PASSES = 2
# A shared prefix that ends on the capital that starts the next cell: "Lock domain leadH".
BRANCH_CAPITAL_END_RE = re.compile(r"[a-z0-9][A-Z]$")
# What follows an owner where a new cell starts: nothing, a capital, a digit or a joiner.
BRANCH_NEXT_RE = re.compile(r"$|[A-Z0-9]|\s*[+/&,]|\s+(?:and|AND|with)\s")
# Lines scanned by sniff.
MAX_SNIFF_LINES = 3000
# A word every register header line holds (a rating, status, owner or mitigation column): lines
# without one are prose, and skipping them keeps sniff cheap on documents of other formats.
HEADER_HINT_RE = re.compile(
    "|".join(
        sorted(
            {
                re.escape(w)
                for f in ("likelihood", "impact", "score", "severity", "status", "owner", "mitigation")
                for w in HEADER_SYNONYMS[f]
                if len(w) >= 4
            },
            key=len,
            reverse=True,
        )
    )
)  # matched against the lower-cased line: much faster than re.IGNORECASE over an alternation
# A row of a register without ids: a rating glued to (or spaced from) the text before it,
# "limitMediumHigh", "schema 3 4": what sniff looks for under a header whose first column is
# not the id.
ROW_RATING_RE = re.compile(
    r"(?:(?<=[a-z0-9).])|(?<=\s))(?:[1-5](?:\s?[1-5])|(?:"
    + "|".join(sorted((re.escape(w.title()) for w in SCALE_WORDS if len(w) >= 3), key=len, reverse=True))
    + r"))"
)


def sniff(text: str) -> float:
    """How sure we are that the text is a flattened register page (0-1), cheaply: a line that
    splits into known headers followed by lines that start with ids."""
    if HTML_DOC_RE.search(text[:4096]):
        return 0.0
    lines = text.splitlines()[:MAX_SNIFF_LINES]
    best = 0.0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or "|" in stripped or len(stripped) > 200 or stripped.count(" ") > 14:
            continue
        if ("," in stripped or ";" in stripped) and HEADER_HINT_RE.search(stripped.lower()):
            found = csv_columns(stripped, DEFAULT_SYNONYMS)
            if found and is_register(found[0]) and sum(1 for f in next_lines(lines, i + 1, 2) if found[1] in f) >= 1:
                return 0.9
        if len(header_tokens(stripped)) >= 3:
            if not HEADER_HINT_RE.search(stripped.lower()):
                continue
            columns = tab_columns(line, DEFAULT_SYNONYMS) or header_columns(stripped, DEFAULT_SYNONYMS)
            if columns and is_register(columns):
                following = next_lines(lines, i + 1, 3)
                if columns[0].field == "entry_id":
                    ids = sum(
                        1 for f in following if ID_SHAPE_RE.match(f) or (f[:1].isdigit() and numbered_ids(columns))
                    )
                else:  # rows without ids: each holds a rating after its text
                    ids = sum(1 for f in following if ROW_RATING_RE.search(f) and not is_header(f, DEFAULT_SYNONYMS))
                if ids >= 2:
                    return 0.9
                best = max(best, 0.7 if ids else 0.0)
        elif i + 3 < len(lines) and field_of_header(stripped, DEFAULT_SYNONYMS):
            columns = cell_header(lines, i, DEFAULT_SYNONYMS)
            if columns and is_register(columns):
                after = next_lines(lines, i + len(columns), 1)
                if after and ID_SHAPE_RE.fullmatch(after[0].strip()):
                    best = max(best, 0.8)
    return best


def parse(doc: Document, config: Config) -> ParsedDocument:
    """Every flattened register in the document, one risk entry per row; legends as scales."""
    synonyms = synonym_table(config.header_synonyms)
    lines = doc.text.split("\n")
    title = page_title(lines)
    metadata = doc_meta.metadata(doc.text)
    blocks, scales = find_blocks(lines, synonyms, title)
    if title and any(squash(lines[block.line - 1]) == title for block in blocks):
        title = None  # a CSV file or a pasted table starts with its header: no title of its own
    entries: list[RawEntry] = []
    base = Vocabulary(config, _metadata_owners(metadata, config))
    for block in blocks:
        vocab = base
        readings = _read_block(block, vocab)
        # Further passes: the owners the rows themselves use settle "Productanalytics-service".
        for _ in range(MAX_OWNER_PASSES):
            # Only names outside the vocabulary are news: a misspelt "Securty" already reads as Security.
            told = [
                part
                for reading in readings
                if reading and not reading.ambiguous and reading.confidence >= LEARN_CONFIDENCE
                for part in _owner_parts(block, reading, vocab)
                if vocab.owner_match(part)[0] is None
            ]
            richer = vocab.with_owners(told, _owner_branches(block, readings))
            if set(richer.extra_owners) == set(vocab.extra_owners) and richer.told == vocab.told:
                break
            vocab = richer
            # Rows read with certainty stay as they are; the others are read again.
            readings = _read_block(block, vocab, readings)
        for row, reading in zip(block.rows, readings, strict=True):
            if reading is None:
                continue
            entries.append(_entry(doc.path, block, row, reading, config))
    return ParsedDocument(entries=entries, title=title, metadata=metadata, stated_scales=scales)


def _read_block(
    block: Block, vocab: Vocabulary, before: Sequence[Reading | None] | None = None
) -> list[Reading | None]:
    """A reading per row; None for a row after a blank line that does not read as a row.
    Rows `before` read with confidence are kept as they were: they taught the owners a new pass
    knows, and must not be confirmed by what they taught."""
    readings: list[Reading | None] = []
    for n, row in enumerate(block.rows):
        if before and (kept := before[n]) is not None and kept.confidence >= LEARN_CONFIDENCE and not kept.ambiguous:
            readings.append(kept)
            continue
        if row.cells is not None and len(row.cells) == len(block.columns):
            readings.append(Reading(row.cells, 1.0, ()))
            continue
        splitter = RowSplitter(block.columns, row.id_re, vocab, spaced=block.spaced or row.cells is not None)
        reading = _without_trailing_lines(splitter, row) or splitter.read(row.text)
        if row.cells is not None:
            reading = Reading(
                reading.cells,
                min(reading.confidence, 0.7),
                (f"{len(row.cells)} cells for {len(block.columns)} columns", *reading.notes),
                reading.ambiguous,
            )
        if row.after_gap and reading.confidence < 0.6:
            readings.append(None)  # "R-1 — Vendor outage. Milestone: ..." under a later heading
            continue
        if row.id_re is None and row.cells is None and reading.confidence < 0.6:
            readings.append(None)  # no id to vouch for it, and its cells do not read: not a row
            continue
        readings.append(reading)
    return readings


def _without_trailing_lines(splitter: RowSplitter, row: Row) -> Reading | None:
    """The reading of a row that went on over lines, when it only reads without its last lines
    (a page's "Add new item" or a footnote taken for a cell's second line); else None."""
    if len(row.parts) < 2:
        return None
    whole = splitter.read(row.text)
    if whole.confidence >= 0.5:
        return whole
    for keep in range(len(row.parts) - 1, 0, -1):
        shorter = splitter.read(" ".join(row.parts[:keep]))
        if shorter.confidence >= 0.5 and not shorter.ambiguous:
            dropped = ", ".join(str(n) for n in row.lines[keep:])
            note = f"line {dropped} after the row is not part of it"
            return Reading(shorter.cells, min(shorter.confidence, 0.8), (*shorter.notes, note), False, shorter.starts)
    return whole


def _owner_branches(block: Block, readings: Sequence[Reading | None]) -> list[str]:
    """Owner cells the rows agree on up to where they part: "Platform SRE" from
    "Platform SRE|Cloud VPN HA tunnel" and "Platform SRE|IaC (Terraform)".

    Sorted, every branching point of the rows' owner-onwards text is the common prefix of two
    neighbours; a prefix that ends on the capital of what follows ("leadH|ot-swap",
    "leadH|ysteresis") is cut back to the name.
    """
    k = next((k for k, c in enumerate(block.columns) if c.field == "owner"), None)
    if k is None or k + 1 == len(block.columns):
        return []
    tails = sorted(
        row.text[r.starts[k] :]
        for row, r in zip(block.rows, readings, strict=True)
        if r is not None and len(r.starts) == len(block.columns)
    )
    found = []
    for a, b in pairwise(tails):
        size = next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        prefix = a[:size]
        if BRANCH_CAPITAL_END_RE.search(prefix):
            prefix = prefix[:-1]
        prefix = prefix.rstrip(" +/&,;-")
        # Evidence only where one of the two goes on with a new cell (a capital, a joiner) or
        # stops: "Secu|rty" and "Secu|rity" part inside a word and say nothing.
        nexts = (a[len(prefix) : len(prefix) + 3], b[len(prefix) : len(prefix) + 3])
        if len(prefix) >= 2 and prefix not in found and any(BRANCH_NEXT_RE.match(n) for n in nexts):
            found.append(prefix)
    return found


def _owner_parts(block: Block, reading: Reading, vocab: Vocabulary) -> list[str]:
    """The names in a row's owner cell, joint owners apart ("Security + QA": two)."""
    owner = next((cell for col, cell in zip(block.columns, reading.cells, strict=True) if col.field == "owner"), "")
    return vocab.split_owners(owner) if owner else []


def _metadata_owners(metadata: Mapping[str, str], config: Config) -> list[str]:
    """Owners named in the document's metadata lines ("Owner: Platform Engineering + SRE")."""
    splitter = Vocabulary(config)
    return [part for key in ("owner", "owners") if metadata.get(key) for part in splitter.split_owners(metadata[key])]


def _entry(path: str, block: Block, row: Row, reading: Reading, config: Config) -> RawEntry:
    """The entry of one row as read: known columns as fields, the others in `extra`."""
    cells = dict(zip(block.columns, reading.cells, strict=True))
    fields = {c.field: v for c, v in cells.items() if c.field and v and not is_null(v, config.null_values)}
    extra = {c.header: v for c, v in cells.items() if not c.field and v}
    notes = list(reading.notes)
    if reading.ambiguous:
        extra["row text"] = squash(row.text)
    if not fields.keys() & {"title", "entry_id"}:
        notes.append("row has neither a title nor an id")
    return RawEntry(
        loc=SourceLoc(path, row.line),
        parser=NAME,
        kind="risk",
        fields=fields,
        headers={c.field: c.header for c in block.columns if c.field},
        extra=extra,
        section=block.section,
        lines=row.lines,
        confidence=reading.confidence,
        notes=tuple(notes),
    )


__all__ = ["NAME", "parse", "sniff"]
