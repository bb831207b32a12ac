"""CSV and tab-separated tables in text: a CSV file, or a table copied out of a spreadsheet.

A CSV table (`,` or `;` as Excel writes it in many locales, quoted cells that run over lines)
or a table copied out of a browser or a spreadsheet (cells apart by tabs) needs no guessing
where a cell ends: the header's cells are matched against the lexicon's labels and each record
keeps its cells. A record that does not fit the header (an unquoted comma, a wrapped row) keeps
its text, for the row splitter to read.
Takes lines of text, returns Columns and FoundRows; pure.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence

from parsers.frontends.linescan import BULLET_RE
from parsers.frontends.textrows.header import Column, columns_of
from parsers.frontends.textrows.rows import FoundRow
from parsers.lexicon import RATING_FIELDS, Lexicon
from pipeline import csvfields
from pipeline.textnorm import squash

# CSV delimiters, in the order tried: Excel writes ";" where "," is the decimal mark.
CSV_DELIMITERS = (",", ";")
# A header cell is a label: short.
MAX_LABEL_CHARS = 40
# Longest header line read: its cells are cut by the delimiter, so it may be longer than a header
# whose cells ran together (a NIST SP 800-30 table has thirteen columns), but not a paragraph.
MAX_HEADER_CHARS = 400
# Lines one quoted cell may run over; an unclosed quote past that is a stray one.
MAX_RECORD_LINES = 50
# A tab-separated cell opening with a quote: a spreadsheet copy quotes a cell holding a line break
# or a quote as CSV does ("Kofi<LF>Ruth", "since ""v2.3"""); a browser copy quotes nothing.
QUOTED_TAB_CELL_RE = re.compile(r'(?:^|\t) *"')


def cell_text(cell: str) -> str:
    """A delimited cell's text: whitespace squashed on each of its lines, line breaks kept.

    >>> cell_text("  Printer  jams\\n during night shift ")
    'Printer jams\\nduring night shift'
    """
    if "\n" not in cell:
        return squash(cell)
    return "\n".join(p for part in cell.split("\n") if (p := squash(part)))


def split_record(record: str, sep: str) -> list[str] | None:
    """The cells of one CSV record (it may hold line breaks inside quotes); None when the csv
    module cannot read it (a cell past its size limit).

    >>> split_record('W-1,"Drops reads, in the cold",4', ",")
    ['W-1', 'Drops reads, in the cold', '4']
    """
    # Tabs at a record's ends are its empty first or last cells, not blanks to strip.
    stripped = record.strip(" \r\n") if sep == "\t" else record.strip()
    try:
        return next(csvfields.reader([stripped], delimiter=sep), [])
    except csv.Error:
        return None


def tab_cells(line: str) -> list[str]:
    """The cells of a line as its tabs cut it, each squashed (an empty cell is two tabs in a row).

    >>> tab_cells("  Ref\\tRisk \\t\\tOwner \\r")
    ['Ref', 'Risk', '', 'Owner']
    """
    return [squash(c) for c in line.strip(" \r\n").split("\t")]


def tab_columns(line: str, lexicon: Lexicon) -> tuple[Column, ...] | None:
    """The columns of a header whose cells are apart by tabs (a table copied out of a browser
    or a spreadsheet), or None: at least three known fields (`delimited_columns`), at most
    half the cells too long to be labels.

    >>> [c.field for c in tab_columns("Ref\\tRisk\\tImpact\\tDate raised\\tOwner", Lexicon.default())]
    ['entry_id', 'title', 'impact', None, 'owner']
    """
    if "\t" not in line or len(line) > MAX_HEADER_CHARS:
        return None
    return delimited_columns(tab_cells(line), lexicon, unlabelled=0.5)


def csv_columns(line: str, lexicon: Lexicon) -> tuple[tuple[Column, ...], str] | None:
    """The columns of a CSV header ("Risk ID,Risk Title,Likelihood,...", or ";" as Excel writes
    it in many locales) and its delimiter; None unless at least three cells are known fields
    (`delimited_columns`) and one cell at most is too long to be a label.

    >>> lex = Lexicon.default()
    >>> cols, sep = csv_columns('Risk ID,"Risk Title",Category,Likelihood,Impact,Risk Owner', lex)
    >>> [c.field for c in cols], sep
    (['entry_id', 'title', None, 'likelihood', 'impact', 'owner'], ',')
    >>> csv_columns("Name,Owner,Status,Tier", lex) is None
    True
    """
    if len(line) > MAX_HEADER_CHARS:
        return None
    for sep in CSV_DELIMITERS:
        if line.count(sep) < 2:
            continue
        cells = split_record(line, sep)
        if cells and (columns := delimited_columns([squash(c) for c in cells], lexicon, unlabelled=0.0)):
            return columns, sep
    return None


def delimited_columns(cells: Sequence[str], lexicon: Lexicon, unlabelled: float) -> tuple[Column, ...] | None:
    """Columns of a header already cut into cells: at least three known fields, one of them a
    rating or a register word, however many other labels beside them (a CSV export of a tracker
    carries dozens of columns: "Reporter", "Labels", "Sprint"); at most `unlabelled` of the
    written cells (a share, at least one cell) too long to be a label, for a line of prose cut at
    its commas is no header. An empty cell is a column that names nothing (Google Sheets ends
    every row with its empty columns; a spacer column between): it neither makes a header nor
    refuses one. A header that rates nothing is one only when every written cell names a field
    of a register ("Summary,Status,Assignee"; "Name,Owner,Status,Tier" is a service catalogue).

    >>> lex = Lexicon.default()
    >>> [c.field for c in delimited_columns(["ID", "Risk", "Impact", "", "Owner", ""], lex, 0.0)]
    ['entry_id', 'title', 'impact', None, 'owner', None]
    >>> [c.field for c in delimited_columns(["Risk", "Likelihood", "Impact", "Reporter", "Labels"], lex, 0.0)]
    ['title', 'likelihood', 'impact', None, None]
    >>> [c.field for c in delimited_columns(["Summary", "Status", "Assignee"], lex, 0.0)]
    ['title', 'status', 'owner']
    >>> [c.field for c in delimited_columns(["Risk", "likelihood", "impact", "owner"], lex, 0.0)]
    ['title', 'likelihood', 'impact', 'owner']
    """
    written = [c for c in cells if c]
    if len(written) < 3:
        return None
    if BULLET_RE.match(written[0]) or any(_labels_a_value(c) for c in written):
        return None  # "- Risk: Aaa; Severity: Low; Owner: SRE": a record's labels, not a header
    # A header containing a field's label is that field, as in any table ("Residual Likelihood");
    # a long cell is no label ("Vulnerabilities and Predisposing Conditions"): it names nothing.
    fields = [lexicon.header_field(c) if c and len(c) <= MAX_LABEL_CHARS else None for c in cells]
    # "We review likelihood, impact, owner, status, budget and scope.": prose, whose other words
    # name nothing; a header of labels only is one however it writes them ("ID,Risk,likelihood").
    nameless = [c for c, f in zip(cells, fields, strict=True) if c and not f]
    if _sentence_case(written) and not all(lexicon.is_extra(c) for c in nameless):
        return None
    unlabels = sum(1 for c in written if len(c) > MAX_LABEL_CHARS)
    if len({f for f in fields if f}) < 3 or unlabels > max(unlabelled * len(written), 1):
        return None
    # A spreadsheet of risks rates them or says so ("Risk", "Threat"), or names nothing but a
    # register's fields (a tracker's "Summary,Status,Assignee", read as the same table in any
    # syntax is); "Name,Owner,Status,Tier" is a service catalogue.
    rated = RATING_FIELDS & set(fields) or any(lexicon.mentions("register_words", c) for c in cells)
    if not rated and nameless:
        return None
    return columns_of(list(zip(cells, fields, strict=True)), lexicon)


def _sentence_case(cells: Sequence[str]) -> bool:
    """Whether cells are written as a sentence cut at its commas: the first opens with a capital,
    most of the others with a small letter; a header writes its labels alike ("Risk,Likelihood",
    "risk_id,likelihood"), and a script without case is never a sentence here.

    >>> _sentence_case(["For each risk", "record the owner", "status", "likelihood", "impact and the date."])
    True
    >>> _sentence_case(["Risk", "Likelihood", "Impact", "Reporter", "updated_at"])
    False
    >>> _sentence_case(["id", "risk", "owner"])
    False
    """
    later = cells[1:]
    small = sum(1 for c in later if c.lstrip()[:1].islower())
    return cells[0].lstrip()[:1].isupper() and 2 * small > len(later)


def _labels_a_value(cell: str) -> bool:
    """Whether a cell is a label and its value ("Severity: Low"), which no header cell is.

    >>> _labels_a_value(" Severity: Low"), _labels_a_value("Likelihood (1-5)"), _labels_a_value("Owner:")
    (True, False, False)
    """
    label, colon, value = cell.partition(":")
    return bool(colon and label.strip() and value.strip())


def csv_rows(lines: Sequence[str], first: int, width: int, sep: str) -> tuple[list[FoundRow], int]:
    """The records of a CSV table from index `first` up to a blank line; a quoted cell may run
    over lines. A record with more cells than the header (an unquoted comma) keeps its text
    for the row splitter."""
    rows: list[FoundRow] = []
    i = first
    while i < len(lines) and lines[i].strip():
        end = _record_end(lines, i)
        record = "\n".join(lines[i : end + 1])
        cells = split_record(record, sep)
        if cells is None:  # unreadable: the row's text alone, for the splitter
            cells = [record]
        texts = trimmed([cell_text(c) for c in cells], width)
        text = squash(" ".join(texts))
        shaped = tuple(texts + [""] * (width - len(texts))) if 1 < len(texts) <= width else None
        split = tuple(cells) if len(texts) > width else ()  # as written, for `reading` to join back
        rows.append(FoundRow(i + 1, tuple(range(i + 1, end + 2)), text, shaped, parts=(text,), split=split, sep=sep))
        i = end + 1
    return rows, i


def trimmed(cells: list[str], width: int) -> list[str]:
    """Cells without the empty ones past the header's width (a delimiter after the last cell).

    >>> trimmed(["a", "b", "", ""], 2), trimmed(["a", "", "c"], 2)
    (['a', 'b'], ['a', '', 'c'])
    """
    end = len(cells)
    while end > width and not cells[end - 1]:
        end -= 1
    return cells if end == len(cells) else cells[:end]


def records(lines: Sequence[str], first: int, sep: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first index, last index, cells) of each record from index `first` on, blank lines
    skipped: a record may run over lines inside quotes (a tab-separated one too, as a
    spreadsheet copies it)."""
    i = first
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        if sep == "\t" and not QUOTED_TAB_CELL_RE.search(lines[i]):
            yield i, i, tab_cells(lines[i])
            i += 1
            continue
        end = _record_end(lines, i)
        cells = split_record("\n".join(lines[i : end + 1]), sep)
        yield i, end, [cell_text(c) for c in cells] if cells is not None else [lines[i]]
        i = end + 1


def _record_end(lines: Sequence[str], first: int) -> int:
    """The index of the last line of the record starting at `first`: further lines while a
    quote is open, up to MAX_RECORD_LINES (a stray quote does not swallow the file).

    >>> _record_end(['a,"b', 'c",d', 'e'], 0), _record_end(['a,"b', 'c'], 0)
    (1, 0)
    """
    open_quote = lines[first].count('"') % 2 == 1
    end = first
    while open_quote and end + 1 < len(lines) and end + 1 - first < MAX_RECORD_LINES:
        end += 1
        open_quote = (lines[end].count('"') % 2 == 1) != open_quote
    return end if not open_quote else first


def quoted_tabs(lines: Sequence[str], first: int) -> bool:
    """Whether a tab-separated table's lines from index `first` up to a blank one quote a cell,
    as a spreadsheet copy does: then they are read as CSV with tabs (`csv_rows`).

    >>> quoted_tabs(['A-1\\tDisk\\t"Kofi', 'Ruth"\\tOpen', ''], 0), quoted_tabs(['A-1\\tDisk 12"\\tOpen'], 0)
    (True, False)
    """
    for line in lines[first:]:
        if not line.strip():
            return False
        if QUOTED_TAB_CELL_RE.search(line):
            return True
    return False


def tab_row(lines: Sequence[str], row: FoundRow, width: int) -> FoundRow:
    """A row of a tab-separated table with its cells as the tabs cut them (an empty cell is two
    tabs in a row, a tab after the last cell adds none); the row as it was when it wrapped onto
    more lines or has too many cells."""
    if len(row.lines) != 1:
        return row
    cells = trimmed(tab_cells(lines[row.line - 1]), width)
    if len(cells) > width or len(cells) < 2:
        return row
    return FoundRow(row.line, row.lines, row.text, tuple(cells + [""] * (width - len(cells))), row.after_gap, row.id_re)


__all__ = [
    "CSV_DELIMITERS",
    "cell_text",
    "csv_columns",
    "csv_rows",
    "delimited_columns",
    "quoted_tabs",
    "records",
    "split_record",
    "tab_cells",
    "tab_columns",
    "tab_row",
    "trimmed",
]
