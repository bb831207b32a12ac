"""Tables whose columns are aligned with spaces and have no rule under the header.

    ID    Risk                      Likelihood  Impact  Owner
    R-1   Vault outage stalls sync  High        Medium  SRE
    R-2   Kafka lag                 Low         High    Data Platform

The columns are where every line of the table (header and rows) has a space: a column starts
where such a run of common spaces ends. The header cut there must give labels the lexicon
knows, one per column (a spurious column of spaces inside a cell, under a header cell that is
blank there, is no column). When a row's cell runs over into the next column and closes its gap,
the header's own gaps (two spaces or more) give the columns instead, and each row is cut as
`plain_tables.aligned_cells` cuts it. A row whose first cell is blank goes on with the row above.
Tables with a dash rule under the header are `plain_tables`' and are left alone.
Takes lines of text, returns a Table or None; pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.frontends.plain_tables import DASH_RULE_RE, aligned_cells
from parsers.frontends.textrows.header import Column, columns_of, is_register
from parsers.lexicon import Lexicon
from parsers.model import Row
from pipeline.textnorm import squash

# Two or more spaces between words: a gap between two columns of a header.
WIDE_GAP_RE = re.compile(r" {2,}")
# Widest line read as a row of an aligned table.
MAX_LINE_CHARS = 400
# Rows the columns are found from: a header whose sample does not make a table costs no more.
SAMPLE_ROWS = 50
# Rows read under one header at most.
MAX_ROWS = 100_000


def fixed_width_rows(
    lines: Sequence[str], head: int, lexicon: Lexicon
) -> tuple[tuple[Column, ...], list[Row], int] | None:
    """The columns and rows of an aligned table whose header is at index `head`, and the index
    after it; None when the lines are not such a table.

    >>> lines = ["ID    Risk           Likelihood Impact  Owner",
    ...          "R-1   Vault outage   High       Medium  SRE",
    ...          "R-2   Kafka lag      Low        High    Data Platform", ""]
    >>> cols, rows, end = fixed_width_rows(lines, 0, Lexicon.default())
    >>> [c.header for c in cols], [r.cells for r in rows][1], end
    (['ID', 'Risk', 'Likelihood', 'Impact', 'Owner'], ('R-2', 'Kafka lag', 'Low', 'High', 'Data Platform'), 3)
    """
    header = lines[head].rstrip()
    if "\t" in header or len(header) > MAX_LINE_CHARS or not header.strip():
        return None
    body = _body(lines, head + 1, SAMPLE_ROWS)
    if not body:
        return None
    table = [header, *(lines[k].rstrip() for k in body)]
    for common, starts in ((True, _common_starts(table)), (False, _gap_starts(header))):
        found = _columns_at(header, starts, lexicon)
        if found is None:
            continue
        columns, starts = found
        if common and not _labels_placed(table, starts):
            continue
        # Cut at the header's gaps, the rows are those that fit them (a prose line after the
        # table does not); cut at the common spaces, every line fits by construction.
        fitting = body if common else _fitting(lines, body, starts)
        if len(fitting) == SAMPLE_ROWS:  # the sample makes a table: the rows under it that fit
            fitting += _fitting(lines, _body(lines, fitting[-1] + 1, MAX_ROWS), starts)
        rows = _rows(lines, fitting, starts, header)
        if rows:
            return columns, rows, fitting[-1] + 1
    return None


def _labels_placed(table: Sequence[str], starts: Sequence[int]) -> bool:
    """Whether each header label stands where its column does: at its start (left-aligned), or
    ending where every cell under it ends (right-aligned numbers). A label that starts later
    than cells under it that do not end with it says the column of spaces before them is an
    accident of one row ("Kafka consumer |lag spikes" under "Likelihood").

    >>> _labels_placed(["ID  Score", "R1     12", "R2      4"], [0, 4]), _labels_placed(["ID Risk", "R1 DNS"], [0, 3])
    (True, True)
    >>> _labels_placed(["ID  Risk   Likelihood", "R1  Kafka  lag spikes", "R2  DNS    High"], [0, 4, 10])
    False
    """
    header = table[0]
    for a, b in zip(starts, [*starts[1:], None], strict=True):
        label = header[a:b]
        lead = len(label) - len(label.lstrip())
        if lead == 0:
            continue
        end = a + len(label.rstrip())
        if any(len(line[a:b].rstrip()) and a + len(line[a:b].rstrip()) != end for line in table[1:]):
            return False
    return True


def _fitting(lines: Sequence[str], body: Sequence[int], starts: Sequence[int]) -> list[int]:
    """The lines of `body` up to the first that does not fit the columns: a line fits when at
    least half the column starts fall on a space of it (or past its end), or when it has gaps
    of two spaces for half its columns (a row pushed right by a cell that ran over); a line of
    prose has neither."""
    fitting = []
    for k in body:
        line = lines[k]
        on_space = sum(1 for s in starts[1:] if s >= len(line) or line[s - 1].isspace())
        gaps = sum(1 for _ in WIDE_GAP_RE.finditer(line.strip()))
        if on_space * 2 < len(starts) - 1 and gaps * 2 < len(starts) - 1:
            break
        fitting.append(k)
    return fitting


def _body(lines: Sequence[str], first: int, most: int) -> list[int]:
    """Indexes of the lines from `first` up to a blank line (or a rule, or a long line), at most `most`."""
    body = []
    i = first
    while i < len(lines) and len(body) < most:
        line = lines[i]
        if not line.strip() or len(line) > MAX_LINE_CHARS or "\t" in line or DASH_RULE_RE.match(line):
            break
        body.append(i)
        i += 1
    return body


def _common_starts(table: Sequence[str]) -> list[int]:
    """Where columns start: the ends of runs of positions that are a space on every line.

    >>> _common_starts(["ID  Risk   L", "R1  Vault  3", "R2  DNS x  4"])
    [0, 4, 11]
    """
    width = max(len(t) for t in table)
    blank = [True] * width
    for line in table:
        for k, ch in enumerate(line):
            if blank[k] and not ch.isspace():
                blank[k] = False
    starts = [k for k in range(width) if not blank[k] and (k == 0 or blank[k - 1])]
    return starts


def _gap_starts(header: str) -> list[int]:
    """Where the header's cells start, taking two or more spaces as the gap between cells.

    >>> _gap_starts("ID    Risk title   Owner")
    [0, 6, 19]
    """
    first = len(header) - len(header.lstrip())
    return [first, *(m.end() for m in WIDE_GAP_RE.finditer(header, first) if m.end() < len(header))]


def _columns_at(header: str, starts: Sequence[int], lexicon: Lexicon) -> tuple[tuple[Column, ...], list[int]] | None:
    """The header cut at `starts` as columns, when every cell is a label and the labels name a
    register's columns; starts where the header is blank are no columns (a column of spaces
    inside a cell). Also the starts kept."""
    kept: list[int] = []
    cells: list[str] = []
    for a, b in zip(starts, [*starts[1:], None], strict=True):
        piece = header[a:b].strip()
        if piece:
            kept.append(a)
            cells.append(piece)
    if len(cells) < 3:
        return None
    fields = [lexicon.field_of(c) for c in cells]
    if any(f is None and not lexicon.is_extra(c) for c, f in zip(cells, fields, strict=True)):
        return None
    if len({f for f in fields if f}) < 3:
        return None
    columns = columns_of(list(zip(cells, fields, strict=True)), lexicon)
    return (columns, kept) if is_register(columns, lexicon) else None


def _rows(lines: Sequence[str], body: Sequence[int], starts: Sequence[int], header: str) -> list[Row]:
    """The rows cut at the columns' starts; a line whose first cell is blank goes on with the
    row above (a cell wrapped onto a second line). Columns are wide apart when the header keeps
    two spaces before each label."""
    rows: list[Row] = []
    wide = all(s >= 2 and header[s - 2 : s] == "  " for s in starts[1:])
    for k in body:
        line = lines[k].rstrip()
        if line[: starts[1]].strip() == "" and rows:
            cells = aligned_cells(line, starts, wide)
            last = rows[-1]
            rows[-1] = Row(last.line, tuple(squash(f"{a} {b}") for a, b in zip(last.cells, cells, strict=True)))
            continue
        rows.append(Row(k + 1, tuple(aligned_cells(line, starts, wide))))
    return rows


__all__ = ["fixed_width_rows"]
