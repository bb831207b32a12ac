"""Parser: HTML pages flattened to text by a scraper, every table cell run into the next.

    IDRiskLikelihoodImpactScoreStatusOwnerMitigation
    R-LOCK-01Vendor outage stalls sync3412mitigatingLock domain leadPer-vendor circuit breaker

The header line is split against the header synonyms, which gives the column order (whatever
it is); rows start with an id whose pattern is learned from the rows themselves; each row is
cut back into cells by `parsers.flattened_cells`, with the words of `parsers.flattened_vocab`:
digits on the 1-5 scale and a score equal to likelihood x impact, the status vocabulary, the
owner directory, and the owners the other rows of the same document use (read in a second
pass). A row that stays ambiguous keeps its raw text in `extra` and a low confidence.

Layouts: cells run together (rows may be separated by blank lines or wrap onto a second line),
cells kept apart by spaces, ids that are plain numbers ("#"), and one cell per line (header
cells, then row cells, each on a line of its own; a blank line inside a row is an empty cell).
A legend block ("ScoreLikelihoodImpact" then "1Very rareNegligible") is the document's stated
scale and produces no entries; nor do lists after the register that mention ids.
Takes a decoded Document, returns a ParsedDocument; pure.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from parsers import doc_meta
from parsers.fields import HEADER_SYNONYMS, field_of_header, is_extra_header, synonym_table
from parsers.flattened_cells import (
    ID_SHAPE_RE,
    Column,
    Reading,
    RowSplitter,
    cell_header,
    column_kind,
    header_columns,
    header_like,
    header_tokens,
    is_legend,
    is_register,
    learn_id_re,
)
from parsers.flattened_vocab import Vocabulary
from pipeline.config import Config
from pipeline.records import Document, ParsedDocument, RawEntry, SourceLoc
from pipeline.textnorm import fold, is_null, squash
from pipeline.vocab import SCALE_WORDS

NAME = "flattened_text"

# Default header synonyms, for sniff (which has no Config).
DEFAULT_SYNONYMS = synonym_table()
# Markup that makes a document HTML (the html_table parser's), not flattened text.
HTML_DOC_RE = re.compile(r"<(?:!doctype|html|body|table|tr|td|th|div)\b", re.IGNORECASE)
# Lines of a page's own buttons and footer that follow a table scraped from it ("Add new item",
# "Like Be the first to like this", "Retrieved from ..."): the table ends there.
PAGE_BUTTON_RE = re.compile(
    r"^(?:add\snew\s(?:item|row)|edit|share|follow|like(?:\s.*)?|no\slabels|retrieved\sfrom\s.*"
    r"|this\spage\swas\slast\sedited\s.*|(?:created|last\smodified|last\sedited)\sby\s.*)$",
    re.IGNORECASE,
)
# Words of a register's title: a scraped page's title is the line above its table that says
# what the page is ("Payouts Service Risk Log"), not the site's name above it.
TITLE_WORDS_RE = re.compile(r"(?<![A-Za-z])(?:risks?|register|raid|threats?|hazards?)(?![A-Za-z])", re.IGNORECASE)
# A numbered heading ("1. Risk scoring"): a section of the page, never its title.
NUMBERED_HEADING_RE = re.compile(r"^\d+(?:\.\d+)*[.)]?\s")
# Lines after a title-less first line that may still hold the page's title.
TITLE_LOOKAHEAD = 4
# A legend row: a level 1-5, then the level's words run together ("1Very rareNegligible").
# Not "1. Risk scoring" (a numbered heading) nor "12 ..." (not a level).
LEGEND_ROW_RE = re.compile(r"^\s*(?P<level>[1-5])(?![\d.)])\s*(?P<rest>\S.*)$")
# A case change that separates two legend cells: "rare|Negligible", "certain|Multi-tenant".
LEGEND_BREAK_RE = re.compile(r"(?<=[a-z0-9)])(?=[A-Z])")
# Id headers whose ids are plain numbers 1, 2, 3... ("#", "No.").
NUMBER_ID_HEADERS = frozenset({"#", "no", "nr", "number"})
# A row read at least this surely (not ambiguous) teaches the next pass its owners.
LEARN_CONFIDENCE = 0.8
# Owner passes over a block after the first: each may learn owners from the rows before.
MAX_OWNER_PASSES = 2
# A shared prefix that ends on the capital that starts the next cell: "Lock domain leadH".
BRANCH_CAPITAL_END_RE = re.compile(r"[a-z0-9][A-Z]$")
# What follows an owner where a new cell starts: nothing, a capital, a digit or a joiner.
BRANCH_NEXT_RE = re.compile(r"$|[A-Z0-9]|\s*[+/&,]|\s+(?:and|AND|with)\s")
# Lines scanned by sniff, and lines between a header and its first row.
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
MAX_GAP_LINES = 2
# A legend level on a line of its own (one-cell-per-line legends).
LEVEL_LINES = frozenset("12345")
# A row of a register without ids: a rating glued to (or spaced from) the text before it,
# "limitMediumHigh", "schema 3 4": what sniff looks for under a header whose first column is
# not the id.
ROW_RATING_RE = re.compile(
    r"(?:(?<=[a-z0-9).])|(?<=\s))(?:[1-5](?:\s?[1-5])|(?:"
    + "|".join(sorted((re.escape(w.title()) for w in SCALE_WORDS if len(w) >= 3), key=len, reverse=True))
    + r"))"
)
# Page chrome of wikis and doc sites that a scraper keeps above the title: the app's name and
# buttons ("SharePoint", "Edit"), skip links, "From Acme Wiki", "Created by X, last modified by
# Y on <date>", breadcrumbs ("Pages / Platform / CDN Edge", "Home › Compliance › Retention",
# "< Identity Service"). Never the page's title.
WIKI_CHROME_RE = re.compile(
    r"""^(?:sharepoint|confluence|notion|search\sthis\ssite|edit|share|follow|add\snew\sitem|page\sinformation
      | jump\sto\s(?:navigation|search|top)
      | skip\sto\s(?:end|start)\sof\smetadata | go\sto\s(?:start|end)\sof\smetadata
      | from\s\S+(?:\s\S+)?\swiki
      | (?:created|last\smodified|last\sedited|last\supdated)\sby\s.*
      | <\s.*
      | [^/›»>]{1,40}(?:\s[/›»>]\s[^/›»>]{1,40}){2,}
      | [^|]{1,40}(?:\s\|\s[^|]{1,40}){2,}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a flattened table: its text (cells run together, or one cell per line)."""

    line: int  # 1-based line of the row's first cell
    lines: tuple[int, ...]
    text: str
    cells: tuple[str, ...] | None = None  # one-cell-per-line layout: the cells as found
    after_gap: bool = False  # a blank line separates it from the row before
    id_re: re.Pattern[str] | None = None
    parts: tuple[str, ...] = ()  # a row that went on over lines: the text of each


@dataclass(frozen=True, slots=True)
class Block:
    """A register table found in the text: its header's columns and its rows."""

    line: int  # 1-based line of the header
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    spaced: bool  # cells keep whitespace between them ("R-1 Vault outage 3 4 12 ...")
    section: str | None


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
            found = _csv_columns(stripped, DEFAULT_SYNONYMS)
            if found and is_register(found[0]) and sum(1 for f in _next_lines(lines, i + 1, 2) if found[1] in f) >= 1:
                return 0.9
        if len(header_tokens(stripped)) >= 3:
            if not HEADER_HINT_RE.search(stripped.lower()):
                continue
            columns = _tab_columns(line, DEFAULT_SYNONYMS) or header_columns(stripped, DEFAULT_SYNONYMS)
            if columns and is_register(columns):
                following = _next_lines(lines, i + 1, 3)
                if columns[0].field == "entry_id":
                    ids = sum(1 for f in following if ID_SHAPE_RE.match(f) or (f[:1].isdigit() and _numbered(columns)))
                else:  # rows without ids: each holds a rating after its text
                    ids = sum(1 for f in following if ROW_RATING_RE.search(f) and not _is_header(f, DEFAULT_SYNONYMS))
                if ids >= 2:
                    return 0.9
                best = max(best, 0.7 if ids else 0.0)
        elif i + 3 < len(lines) and field_of_header(stripped, DEFAULT_SYNONYMS):
            columns = cell_header(lines, i, DEFAULT_SYNONYMS)
            if columns and is_register(columns):
                after = _next_lines(lines, i + len(columns), 1)
                if after and ID_SHAPE_RE.fullmatch(after[0].strip()):
                    best = max(best, 0.8)
    return best


def parse(doc: Document, config: Config) -> ParsedDocument:
    """Every flattened register in the document, one risk entry per row; legends as scales."""
    synonyms = synonym_table(config.header_synonyms)
    lines = doc.text.split("\n")
    title = _title(lines)
    metadata = doc_meta.metadata(doc.text)
    blocks, scales = _blocks(lines, synonyms, title)
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
    owner = next((cell for col, cell in zip(block.columns, reading.cells, strict=True) if col.field == "owner"), "")
    return vocab.split_owners(owner) if owner else []


def _metadata_owners(metadata: Mapping[str, str], config: Config) -> list[str]:
    """Owners named in the document's metadata lines ("Owner: Platform Engineering + SRE")."""
    splitter = Vocabulary(config)
    return [part for key in ("owner", "owners") if metadata.get(key) for part in splitter.split_owners(metadata[key])]


def _entry(path: str, block: Block, row: Row, reading: Reading, config: Config) -> RawEntry:
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


# ---- finding the tables ---------------------------------------------------------------------
def _blocks(
    lines: list[str], synonyms: Mapping[str, str], title: str | None
) -> tuple[list[Block], dict[str, dict[str, int]]]:
    """Register blocks and stated scales, in document order."""
    blocks: list[Block] = []
    scales: dict[str, dict[str, int]] = {}
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped or "|" in stripped or len(stripped) > 200:
            i += 1
            continue
        if (found := _csv_columns(stripped, synonyms)) is not None:
            columns, sep = found
            if is_register(columns):
                rows, end = _csv_rows(lines, i + 1, len(columns), sep)
                if rows:
                    blocks.append(Block(i + 1, columns, tuple(rows), True, _section_before(lines, i, title)))
                i = max(end, i + 1)
                continue
        columns = _tab_columns(lines[i], synonyms) or (
            header_columns(stripped, synonyms) if len(header_tokens(stripped)) >= 3 else None
        )
        width = 1
        if columns is None and field_of_header(stripped, synonyms):
            columns = cell_header(lines, i, synonyms)
            width = len(columns) if columns else 1
        if columns is None:
            i += 1
            continue
        cell_layout = width > 1
        if is_legend(columns):
            end, legend = (_cell_legend if cell_layout else _run_legend)(lines, i + width, columns)
            for fld, words in legend.items():
                scales.setdefault(fld, {}).update(words)
            i = max(end, i + width)
            continue
        if not is_register(columns):
            i += width
            continue
        rows, end = (_cell_rows if cell_layout else _run_rows)(lines, i + width, columns, synonyms)
        if "\t" in lines[i]:
            rows = [_tab_row(lines, row, len(columns)) for row in rows]
        if rows:
            spaced = not cell_layout and _spaced(rows)
            blocks.append(Block(i + 1, columns, tuple(rows), spaced, _section_before(lines, i, title)))
        i = max(end, i + width)
    return blocks, scales


def _numbered(columns: Sequence[Column]) -> bool:
    """Whether the id column holds plain numbers ("#", "No.")."""
    return columns[0].field == "entry_id" and fold(columns[0].header) in NUMBER_ID_HEADERS | {""}


def _run_rows(
    lines: Sequence[str], first: int, columns: Sequence[Column], synonyms: Mapping[str, str]
) -> tuple[list[Row], int]:
    """Rows of a run-together table starting at index `first`; and the index after the block."""
    i = first
    while i < len(lines) and not lines[i].strip() and i - first < MAX_GAP_LINES:
        i += 1
    chunk = []
    for line in lines[i:]:
        if not line.strip():
            break
        chunk.append(line.strip())
    if not chunk:
        return [], i
    numbered = _numbered(columns)
    id_first = columns[0].field == "entry_id"
    id_re = None if numbered or not id_first else learn_id_re(chunk)
    if id_first and not numbered and id_re is None:
        return [], i

    def starts_row(text: str, count: int) -> re.Pattern[str] | None:
        if not id_first:
            return _ANY_RE
        pattern = re.compile(str(count + 1)) if numbered else id_re
        m = pattern.match(text) if pattern else None
        return pattern if m and m.end() < len(text) else None

    rows: list[Row] = []
    gap = False
    while i < len(lines):
        text = lines[i].strip()
        if not text:
            gap = True
            if not id_first and rows:
                break
            i += 1
            continue
        if PAGE_BUTTON_RE.match(text):
            break  # "Add new item", "Edit": the page goes on, the table does not
        pattern = starts_row(text, len(rows))
        if pattern is not None and not _is_header(text, synonyms):
            rows.append(Row(i + 1, (i + 1,), text, after_gap=gap, id_re=pattern if id_first else None, parts=(text,)))
        elif rows and not gap and not _ends_table(lines, i, synonyms):
            last = rows[-1]  # a cell that held a line break: the row goes on
            rows[-1] = Row(
                last.line,
                (*last.lines, i + 1),
                f"{last.text} {text}",
                None,
                last.after_gap,
                last.id_re,
                (*last.parts, text),
            )
        else:
            break
        gap = False
        i += 1
    return rows, i


# Any text: the "pattern" starting rows of a table whose first column is not the id.
_ANY_RE = re.compile("")


def _cell_rows(
    lines: Sequence[str], first: int, columns: Sequence[Column], synonyms: Mapping[str, str]
) -> tuple[list[Row], int]:
    """Rows of the one-cell-per-line variant: an id line, then the row's other cells."""
    if columns[0].field != "entry_id":
        return [], first
    numbered = _numbered(columns)
    cell_lines = [(k, lines[k].strip()) for k in range(first, min(len(lines), first + 40)) if lines[k].strip()]
    id_re = None if numbered else learn_id_re([t for _, t in cell_lines[:1]])
    if not cell_lines or (id_re is None and not numbered):
        return [], first

    def is_id(text: str, count: int) -> bool:
        pattern = re.compile(str(count + 1)) if numbered else id_re
        return bool(pattern and pattern.fullmatch(text))

    rows: list[Row] = []
    current: list[tuple[int, str]] = []  # the row being read: (line index, cell); "" for a blank line
    i = first
    while i < len(lines):
        text = lines[i].strip()
        if not text:
            if current:
                current.append((i, ""))
            i += 1
            continue
        if is_id(text, len(rows) + (1 if current else 0)):
            if current:
                rows.append(_cell_row(current, len(columns)))
            current = [(i, text)]
        elif current and not _is_header(text, synonyms) and (current[-1][1] or len(current) <= len(columns)):
            # A blank line inside a row is an empty cell; after a full row it ends the table.
            current.append((i, text))
        else:
            break
        i += 1
    if current:
        rows.append(_cell_row(current, len(columns)))
    return rows, i


def _cell_row(cells: list[tuple[int, str]], width: int) -> Row:
    """A row of the one-cell-per-line variant. Blank lines count as empty cells when that makes
    the row as wide as the header; otherwise only the filled lines are cells."""
    while cells and not cells[-1][1]:
        cells = cells[:-1]
    filled = [(k, t) for k, t in cells if t]
    chosen = cells if len(cells) == width else filled
    return Row(
        filled[0][0] + 1,
        tuple(k + 1 for k, _ in filled),
        "\n".join(t for _, t in filled),
        tuple(t for _, t in chosen),
        id_re=re.compile(re.escape(filled[0][1])),
    )


def _ends_table(lines: Sequence[str], i: int, synonyms: Mapping[str, str]) -> bool:
    """Whether line i ends the table above instead of going on with its last row: a header
    (of a register or not: "IDRiskClosed onReason"), or a heading right above one."""
    text = lines[i].strip()
    if header_like(text, synonyms):
        return True
    after = _next_lines(lines, i + 1, 1)
    return bool(after) and len(text) <= 80 and header_like(after[0], synonyms)


def _tab_columns(line: str, synonyms: Mapping[str, str]) -> tuple[Column, ...] | None:
    """The columns of a header whose cells are kept apart by tabs (a table copied out of a
    browser or a spreadsheet), or None: every cell a header, at least three known fields.

    >>> from parsers.fields import synonym_table
    >>> [c.field for c in _tab_columns("Ref\\tRisk\\tImpact\\tDate raised\\tOwner", synonym_table())]
    ['entry_id', 'title', 'impact', None, 'owner']
    """
    if "\t" not in line:
        return None
    return _delimited_columns([squash(c) for c in line.strip(" \r\n").split("\t")], synonyms, unknown=0.5)


def _csv_columns(line: str, synonyms: Mapping[str, str]) -> tuple[tuple[Column, ...], str] | None:
    """The columns of a CSV header ("Risk ID,Risk Title,Likelihood,...", or ";" as Excel writes
    it in many locales) and its delimiter; None unless every cell but one is a known header.

    >>> from parsers.fields import synonym_table
    >>> cols, sep = _csv_columns('Risk ID,"Risk Title",Category,Likelihood,Impact,Risk Owner', synonym_table())
    >>> [c.field for c in cols], sep
    (['entry_id', 'title', None, 'likelihood', 'impact', 'owner'], ',')
    >>> _csv_columns("Name,Owner,Status,Tier", synonym_table()) is None
    True
    """
    for sep in (",", ";"):
        if line.count(sep) < 2:
            continue
        cells = [squash(c) for c in next(csv.reader([line.strip()], delimiter=sep))]
        if columns := _delimited_columns(cells, synonyms, unknown=0.0, strict=True):
            return columns, sep
    return None


def _delimited_columns(
    cells: Sequence[str], synonyms: Mapping[str, str], unknown: float, strict: bool = False
) -> tuple[Column, ...] | None:
    """Columns of a header already cut into cells: at least three known fields, and at most
    `unknown` of the cells (a share) naming nothing; with `strict`, at most one such cell."""
    if len(cells) < 3 or not all(cells) or any(len(c) > 40 for c in cells):
        return None
    fields = [field_of_header(c, synonyms) for c in cells]
    nameless = sum(1 for c, f in zip(cells, fields, strict=True) if f is None and not is_extra_header(c))
    if len({f for f in fields if f}) < 3 or nameless > max(unknown * len(cells), 1 if strict else 0):
        return None
    # A spreadsheet of risks rates them or says so ("Risk", "Threat"); "Name,Owner,Status,Tier"
    # is a service catalogue.
    if not {"likelihood", "impact", "score", "severity"} & set(fields) and not any(
        TITLE_WORDS_RE.search(c) for c in cells
    ):
        return None
    seen: set[str] = set()
    columns = []
    for header, fld in zip(cells, fields, strict=True):
        keep = fld if fld not in seen else None
        if fld:
            seen.add(fld)
        columns.append(Column(header, keep, column_kind(header, keep)))
    return tuple(columns)


def _csv_rows(lines: Sequence[str], first: int, width: int, sep: str) -> tuple[list[Row], int]:
    """The records of a CSV table from index `first` up to a blank line; a quoted cell may run
    over lines. A record with more cells than the header (an unquoted comma) keeps its text
    for the run-together reading."""
    rows: list[Row] = []
    i = first
    while i < len(lines) and lines[i].strip():
        end = i
        record = lines[i]
        while record.count('"') % 2 and end + 1 < len(lines):  # a quoted cell goes on
            end += 1
            record += "\n" + lines[end]
        cells = [squash(c) for c in next(csv.reader([record.strip()], delimiter=sep), [])]
        text = squash(" ".join(cells))
        shaped = tuple(cells + [""] * (width - len(cells))) if 1 < len(cells) <= width else None
        rows.append(Row(i + 1, tuple(range(i + 1, end + 2)), text, shaped, parts=(text,)))
        i = end + 1
    return rows, i


def _tab_row(lines: Sequence[str], row: Row, width: int) -> Row:
    """A row of a tab-separated table with its cells as the tabs cut them (an empty cell is two
    tabs in a row); the row as it was when it wrapped onto more lines or has too many cells."""
    if len(row.lines) != 1:
        return row
    cells = [squash(c) for c in lines[row.line - 1].strip(" \r\n").split("\t")]
    if len(cells) > width or len(cells) < 2:
        return row
    return Row(row.line, row.lines, row.text, tuple(cells + [""] * (width - len(cells))), row.after_gap, row.id_re)


def _title(lines: Sequence[str]) -> str | None:
    """The page's title: `doc_meta.title` of the text without its chrome; but when that line
    does not say what the page is and a short line below it does ("Finance Engineering", then
    "Payouts Service Risk Log"), that line."""
    text = _without_chrome(lines)
    title = doc_meta.title(text)
    if title is None or TITLE_WORDS_RE.search(title):
        return title
    after = [s for line in text.split("\n")[:40] if (s := line.strip())]
    start = next((k for k, s in enumerate(after) if squash(s) == title), len(after))
    for stripped in after[start + 1 : start + 1 + TITLE_LOOKAHEAD]:
        if len(stripped) > 80 or doc_meta.META_KEY_RE.match(stripped) or NUMBERED_HEADING_RE.match(stripped):
            continue
        if TITLE_WORDS_RE.search(stripped) and not header_like(stripped, DEFAULT_SYNONYMS):
            return doc_meta.section_name(stripped)
    return title


def _without_chrome(lines: Sequence[str]) -> str:
    """The text with the wiki chrome lines a scraper keeps above the title blanked, so that
    the title is the page's own ("Jump to navigation" and breadcrumbs are not)."""
    out = list(lines[:60])
    for k, line in enumerate(out):
        if WIKI_CHROME_RE.match(line.strip()):
            out[k] = ""
    return "\n".join([*out, *lines[60:]])


def _is_header(text: str, synonyms: Mapping[str, str]) -> bool:
    return len(header_tokens(text)) >= 3 and header_columns(text, synonyms) is not None and len(text) <= 200


def _spaced(rows: Sequence[Row]) -> bool:
    """Whether the rows keep a space between cells: the id is followed by whitespace."""
    spaced = sum(1 for r in rows if r.id_re and (m := r.id_re.match(r.text)) and r.text[m.end() : m.end() + 1] == " ")
    return spaced >= 0.8 * len(rows)


def _run_legend(lines: Sequence[str], first: int, columns: Sequence[Column]) -> tuple[int, dict[str, dict[str, int]]]:
    """A legend's rows "1Very rareNegligible (...)": each level's words, per field."""
    scales: dict[str, dict[str, int]] = {}
    i = first
    while i < len(lines) and (m := LEGEND_ROW_RE.match(lines[i])):
        cuts = [0, *(b.start() for b in LEGEND_BREAK_RE.finditer(m["rest"]))][: len(columns) - 1]
        parts = [m["rest"][a:b] for a, b in zip(cuts, [*cuts[1:], len(m["rest"])], strict=True)]
        if len(parts) == len(columns) - 1:
            _add_legend_row(scales, columns[1:], int(m["level"]), parts)
        i += 1
    return i, scales


def _cell_legend(lines: Sequence[str], first: int, columns: Sequence[Column]) -> tuple[int, dict[str, dict[str, int]]]:
    """A legend in the one-cell-per-line variant: a level line, then its words line by line."""
    scales: dict[str, dict[str, int]] = {}
    i = first
    width = len(columns)
    while i + width <= len(lines) and lines[i].strip() in LEVEL_LINES:
        cells = [lines[k].strip() for k in range(i, i + width)]
        _add_legend_row(scales, columns[1:], int(cells[0]), cells[1:])
        i += width
    return i, scales


def _add_legend_row(
    scales: dict[str, dict[str, int]], columns: Sequence[Column], level: int, parts: Sequence[str]
) -> None:
    # Every level's text as written, asides included ("Negligible (no guest impact)"): a scale
    # with a level left out would read as a shorter scale.
    for col, part in zip(columns, parts, strict=False):
        if col.field in ("likelihood", "impact") and squash(part):
            scales.setdefault(col.field, {})[squash(part)] = level


def _section_before(lines: Sequence[str], header: int, title: str | None) -> str | None:
    """The heading a table sits under: the nearest standalone short line above its header
    ("2. Register"), the document's own title excluded."""
    for k in range(header - 1, max(-1, header - 40), -1):
        text = lines[k].strip()
        if not text:
            continue
        standalone = (k == 0 or not lines[k - 1].strip()) and (k + 1 >= len(lines) or not lines[k + 1].strip())
        if not standalone or len(text) > 80 or text[-1] in ".:;,":
            continue
        if doc_meta.CHROME_LINE_RE.search(text) or doc_meta.META_KEY_RE.match(text) or WIKI_CHROME_RE.match(text):
            continue
        if title and doc_meta.section_name(text) == title:
            return None
        return doc_meta.section_name(text.lstrip("#").strip())
    return None


def _next_lines(lines: Sequence[str], start: int, count: int) -> list[str]:
    """The next `count` non-blank lines from `start`, stripped, skipping at most a few blanks."""
    found = []
    for line in lines[start : start + count + MAX_GAP_LINES + 1]:
        if line.strip():
            found.append(line.strip())
        if len(found) == count:
            break
    return found


__all__ = ["NAME", "parse", "sniff"]
