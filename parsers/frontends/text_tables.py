"""Tables in plain text (scraped pages, pasted text, CSV/TSV copies), cut back into cells.

    IDRiskLikelihoodImpactScoreStatusOwnerMitigation
    R-LOCK-01Vendor outage stalls sync3412mitigatingLock domain leadPer-vendor circuit breaker

`find_tables` scans the lines for a header in any layout and returns each table found as a
`parsers.model.Table`, its `layout` saying how its cells were found:
- "run-together": a scraper ran every cell into the next. The header is cut back into labels
  the lexicon knows (`textrows.header`), rows start with an id whose pattern is learnt from the
  rows (or are every line up to a blank one), and each row is cut into cells with the words of
  the Config (`textrows.splitter`): digits on the 1-5 scale and score = likelihood x impact,
  status words, scale and severity words, the owner directory, role words and qualifiers, the
  owners the table's other rows use (a second pass), dates in date columns. Rows may be apart
  by blank lines or wrap onto a second line; a row that stays ambiguous says so on its `Row`
  (confidence below 1, notes), and a row that does not cut keeps its text in its last cell.
- "spaced": the same, with a space between cells (so only a space ends a cell).
- "one-per-line": header cells, then row cells, each on a line of its own; a blank line inside
  a row is an empty cell.
- "csv" / "tsv": cells apart by commas (or semicolons) or tabs, quoted cells over lines.
- "fixed-width": columns aligned with spaces, no rule under the header (`textrows.fixed_width`).
A scale legend ("ScoreLikelihoodImpact" then "1Very rareNegligible") is a table too (Score |
Likelihood | Impact, a row per level), for the legend recogniser. Whether a table is a register
is not decided here: lines after a table that mention ids ("1. R-01 — Vendor outage...") are
simply not rows of it. Tables drawn with pipes, grid borders or a dash rule under the header
are `plain_tables`' and the text front end's, and are left alone.
Pure: lines and a Config in, Tables out; time linear in the text (rows longer than
`splitter.MAX_ROW_CHARS` are kept whole, not cut).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from parsers.frontends.plain_tables import DASH_RULE_RE
from parsers.frontends.textrows.delimited import csv_columns, csv_rows, quoted_tabs, tab_columns, tab_row
from parsers.frontends.textrows.fixed_width import fixed_width_rows
from parsers.frontends.textrows.header import (
    Column,
    cell_header,
    header_columns,
    header_tokens,
    is_legend,
    is_register,
)
from parsers.frontends.textrows.legend import cell_legend_rows, run_legend_rows
from parsers.frontends.textrows.reading import read_rows
from parsers.frontends.textrows.rows import FoundRow, cell_rows, run_rows
from parsers.frontends.textrows.vocab import Vocabulary
from parsers.lexicon import Lexicon
from parsers.model import Row, Table
from pipeline.config import Config
from pipeline.textnorm import squash

# Longest line read as a header whose cells are not cut by a delimiter.
MAX_HEADER_CHARS = 200
# A line of document metadata that names an owner ("Owner: Customs filing team"): its owners
# are known to the row splitter before any row is read.
# (The blanks before the key and after the colon are taken whole, never traded with the key's:
# a line of 64,000 tabs is read once, not once per way to share it out.)
META_LINE_RE = re.compile(r"^\s*+(?P<key>[^:\n]{1,40}?)\s*:\s*+(?P<value>\S[^\n]{0,150})$")
# Share of rows whose id is followed by a space for the table to be "spaced".
SPACED_SHARE = 0.8


class _Reader:
    """What one document's tables are read with: the lexicon, and the vocabulary, built only
    when a table has rows to cut."""

    def __init__(self, lines: Sequence[str], config: Config) -> None:
        self.lines = lines
        self.config = config
        self.lexicon = config.lexicon
        self._vocab: Vocabulary | None = None

    @property
    def vocab(self) -> Vocabulary:
        if self._vocab is None:
            plain = Vocabulary.shared(self.config)
            named = [part for value in document_owners(self.lines, self.lexicon) for part in plain.split_owners(value)]
            self._vocab = plain.with_owners(named) if named else plain
        return self._vocab


def find_tables(lines: Sequence[str], config: Config, *, skip: Callable[[int], bool] | None = None) -> list[Table]:
    """Every table in the lines of a plain-text document, in document order (see the module
    docstring). Lines at 0-based indexes for which `skip` is true (read by the caller as
    something else: a code block, a grid table) are read as blank lines.

    >>> t, = find_tables(["Risks", "", "IDRiskLikelihoodImpactOwner", "R-01Vault outage34SRE",
    ...                   "R-02DNS lapse25Platform team"], Config())
    >>> t.line, t.end, t.layout, t.header
    (3, 5, 'run-together', ('ID', 'Risk', 'Likelihood', 'Impact', 'Owner'))
    >>> [r.cells for r in t.rows]
    [('R-01', 'Vault outage', '3', '4', 'SRE'), ('R-02', 'DNS lapse', '2', '5', 'Platform team')]
    """
    if skip is not None:
        lines = ["" if skip(k) else line for k, line in enumerate(lines)]
    reader = _Reader(lines, config)
    found: list[Table] = []
    i = 0
    while i < len(lines):
        table, end = _table_at(reader, i)
        if table is not None:
            found.append(table)
        i = max(end, i + 1)
    return found


def _table_at(reader: _Reader, i: int) -> tuple[Table | None, int]:
    """The table whose header is line i, if any; and the index to go on from."""
    lines, lexicon = reader.lines, reader.lexicon
    stripped = lines[i].strip()
    if not stripped or "|" in stripped:
        return None, i + 1
    if i + 1 < len(lines) and DASH_RULE_RE.match(lines[i + 1]):
        return None, i + 1  # a header over a dash rule: plain_tables reads it
    if (csv := csv_columns(stripped, lexicon)) is not None:
        columns, sep = csv
        rows, end = csv_rows(lines, i + 1, len(columns), sep)
        return _table(reader, i, columns, rows, "csv", end)
    if (tabbed := tab_columns(lines[i], lexicon)) is not None:
        return _tab_table(reader, i, tabbed)
    if len(stripped) > MAX_HEADER_CHARS:  # a delimited header may be longer: its cells are cut
        return None, i + 1
    width = 1
    columns = header_columns(stripped, lexicon) if len(header_tokens(stripped)) >= 3 else None
    if columns is None and lexicon.field_of(stripped):
        columns = cell_header(lines, i, lexicon)
        width = len(columns) if columns else 1
    if columns is None:
        return None, i + 1
    one_per_line = width > 1
    if is_legend(columns):
        legend = cell_legend_rows if one_per_line else run_legend_rows
        rows, end = legend(lines, i + width, len(columns))
        layout = "one-per-line" if one_per_line else "run-together"
        return _built(i, columns, rows, layout, end), max(end, i + width)
    if not is_register(columns, lexicon):
        return None, i + width
    if not one_per_line and " " in stripped and (aligned := fixed_width_rows(lines, i, lexicon)) is not None:
        fixed, rows, end = aligned
        return _built(i, fixed, rows, "fixed-width", end), end
    found, end = (cell_rows if one_per_line else run_rows)(lines, i + width, columns, lexicon)
    spaced = not one_per_line and _spaced(found)
    layout = "one-per-line" if one_per_line else "spaced" if spaced else "run-together"
    return _table(reader, i, columns, found, layout, max(end, i + width), spaced)


def _tab_table(reader: _Reader, i: int, columns: tuple[Column, ...]) -> tuple[Table | None, int]:
    """A table copied with tabs between its cells: rows found as a register's (ids, wrapped
    lines) and cut at the tabs; a table whose rows do not start with ids takes every line up to
    a blank one. Either way a row's first line has a tab: a plain line under the table ends it
    (the text after the table, "Conditions" and its list, not rows to cut at their digits);
    a row's wrapped lines need none. A spreadsheet's copy, which quotes a cell holding a line
    break or a quote, is read record by record as a CSV file is."""
    lines = reader.lines
    if quoted_tabs(lines, i + 1):
        rows, end = csv_rows(lines, i + 1, len(columns), "\t")
        return _table(reader, i, columns, rows, "tsv", end)
    found: list[FoundRow] = []
    end = i + 1
    if is_register(columns, reader.lexicon) and not is_legend(columns):
        found, end = run_rows(lines, i + 1, columns, reader.lexicon)
        found, end = _tabbed_rows(lines, found, end)
    if not found:
        end = i + 1
        while end < len(lines) and lines[end].strip() and "\t" in lines[end]:
            found.append(FoundRow(end + 1, (end + 1,), squash(lines[end]), parts=(lines[end].strip(),)))
            end += 1
    rows = [tab_row(lines, row, len(columns)) for row in found]
    return _table(reader, i, columns, rows, "tsv", end)


def _tabbed_rows(lines: Sequence[str], found: Sequence[FoundRow], end: int) -> tuple[list[FoundRow], int]:
    """The rows of a tab-separated table up to the first whose first line has no tab, and the
    index to go on from (that line's).

    >>> lines = ["H\\tI", "Leak\\tMajor", "Conditions"]
    >>> rows, end = _tabbed_rows(lines, [FoundRow(2, (2,), ""), FoundRow(3, (3,), "")], 3)
    >>> [r.line for r in rows], end
    ([2], 2)
    """
    for n, row in enumerate(found):
        if "\t" not in lines[row.line - 1]:
            return list(found[:n]), row.line - 1
    return list(found), end


def _table(
    reader: _Reader,
    i: int,
    columns: Sequence[Column],
    found: Sequence[FoundRow],
    layout: str,
    end: int,
    spaced: bool = True,
) -> tuple[Table | None, int]:
    """A table of found rows: cells as found where they fit the header, else cut by the row
    splitter; rows that do not read as rows are left out."""
    if not found:
        return None, end
    if all(r.cells is not None and len(r.cells) == len(columns) for r in found):
        rows = [Row(r.line, r.cells or (), lines=tuple(r.lines)) for r in found]
    else:
        rows = [r for r in read_rows(columns, found, spaced, reader.vocab) if r is not None]
    last = {r.line: r.lines[-1] for r in found}
    table = _built(i, columns, rows, layout, max((last[r.line] for r in rows), default=i + 1))
    return table, end


def _built(i: int, columns: Sequence[Column], rows: Sequence[Row], layout: str, end: int | None = None) -> Table | None:
    """The Table block from the header at index i to line `end` (1-based, the table's last
    line; the last row's line by default); None without rows."""
    if not rows:
        return None
    return Table(
        line=i + 1,
        end=end if end is not None else rows[-1].line,
        header=tuple(c.header for c in columns),
        rows=tuple(rows),
        layout=layout,
    )


def _spaced(rows: Sequence[FoundRow]) -> bool:
    """Whether the rows keep a space between cells: their id is followed by whitespace."""
    spaced = sum(1 for r in rows if r.id_re and (m := r.id_re.match(r.text)) and r.text[m.end() : m.end() + 1] == " ")
    return bool(rows) and spaced >= SPACED_SHARE * len(rows)


def document_owners(lines: Sequence[str], lexicon: Lexicon) -> list[str]:
    """Owners a document names in its metadata lines ("Owner: Platform Engineering + SRE").

    >>> document_owners(["Owner: Customs filing team", "Status: draft", "Risk owner: A + B"], Lexicon.default())
    ['Customs filing team', 'A + B']
    """
    found = []
    for line in lines:
        if ":" not in line or len(line) > MAX_HEADER_CHARS:
            continue
        m = META_LINE_RE.match(line)
        if m and lexicon.field_of(m["key"]) == "owner":
            found.append(squash(m["value"]))
    return found


__all__ = ["document_owners", "find_tables"]
