"""CSV and tab-separated layouts of a copied table; a helper of `parsers.flattened_text`.

A CSV file (`,` or `;` as Excel writes it in many locales, quoted cells that run over lines)
or a table copied out of a browser or a spreadsheet (cells apart by tabs) needs no guessing
where a cell ends: the header's cells are matched against the header synonyms and each record
keeps its cells. A record that does not fit the header (an unquoted comma, a wrapped row)
keeps its text for the run-together reading.
Takes lines of text, returns Columns and Rows; pure.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence

from parsers.fields import field_of_header, is_extra_header
from parsers.flattened_header import Column, column_kind
from parsers.flattened_page import TITLE_WORDS_RE
from parsers.flattened_rows import Row
from pipeline.textnorm import squash


def tab_columns(line: str, synonyms: Mapping[str, str]) -> tuple[Column, ...] | None:
    """The columns of a header whose cells are kept apart by tabs (a table copied out of a
    browser or a spreadsheet), or None: every cell a header, at least three known fields.

    >>> from parsers.fields import synonym_table
    >>> [c.field for c in tab_columns("Ref\\tRisk\\tImpact\\tDate raised\\tOwner", synonym_table())]
    ['entry_id', 'title', 'impact', None, 'owner']
    """
    if "\t" not in line:
        return None
    return _delimited_columns([squash(c) for c in line.strip(" \r\n").split("\t")], synonyms, unknown=0.5)


def csv_columns(line: str, synonyms: Mapping[str, str]) -> tuple[tuple[Column, ...], str] | None:
    """The columns of a CSV header ("Risk ID,Risk Title,Likelihood,...", or ";" as Excel writes
    it in many locales) and its delimiter; None unless every cell but one is a known header.

    >>> from parsers.fields import synonym_table
    >>> cols, sep = csv_columns('Risk ID,"Risk Title",Category,Likelihood,Impact,Risk Owner', synonym_table())
    >>> [c.field for c in cols], sep
    (['entry_id', 'title', None, 'likelihood', 'impact', 'owner'], ',')
    >>> csv_columns("Name,Owner,Status,Tier", synonym_table()) is None
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


def csv_rows(lines: Sequence[str], first: int, width: int, sep: str) -> tuple[list[Row], int]:
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


def tab_row(lines: Sequence[str], row: Row, width: int) -> Row:
    """A row of a tab-separated table with its cells as the tabs cut them (an empty cell is two
    tabs in a row); the row as it was when it wrapped onto more lines or has too many cells."""
    if len(row.lines) != 1:
        return row
    cells = [squash(c) for c in lines[row.line - 1].strip(" \r\n").split("\t")]
    if len(cells) > width or len(cells) < 2:
        return row
    return Row(row.line, row.lines, row.text, tuple(cells + [""] * (width - len(cells))), row.after_gap, row.id_re)


__all__ = ["csv_columns", "csv_rows", "tab_columns", "tab_row"]
