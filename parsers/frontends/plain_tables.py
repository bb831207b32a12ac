"""Tables drawn with plain characters, found by their rule lines: for the Markdown and text front ends.

Pandoc grid tables (`+----+----+` borders, `+====+` under the header, cells that wrap over
lines) and tables aligned with spaces under a rule of dashes (`-----  ------`: Pandoc simple
tables, reST simple tables with `=====  =====`, SQL*Plus and fixed-width reports), whose columns
are where the rule's runs are. Each becomes a `Table` block; a cell's text goes through the
caller's `cell_text` (Markdown inline markup in a Markdown file, nothing in plain text).
Pure functions on lines; every loop moves forward, so time is linear in the lines read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from itertools import pairwise

from parsers.model import Row, Table
from pipeline.textnorm import squash

# A Pandoc grid-table border: "+------+-------+"; "+======+" under the header, ":" for alignment.
GRID_BORDER_RE = re.compile(r"^[ \t]*\+(?:[-=:]+\+){2,}[ \t]*$")
# The rule under the header of a table aligned with spaces: one run of dashes (or `=` for
# reST) per column; a one-letter column has a one-character run, the first run two or more, so
# "- - -" is not one.
DASH_RULE_RE = re.compile(r"^[ \t]*(?P<c>[-=])(?P=c)+(?:[ \t]+(?P=c)+)+[ \t]*$")
# One column's run in such a rule.
RUN_RE = re.compile(r"[-=]+")
# A run of two or more blanks: the gap before the next cell of a space-aligned row when text
# follows it (`gap_ends`). Always matched whole from the start of the run: `[ \t]{2,}(?=\S)`
# would retry a run with nothing after it from each of its blanks, quadratic on a long one.
BLANK_RUN_RE = re.compile(r"[ \t]{2,}")

CellText = Callable[[str], str]


def find_tables(lines: Sequence[str], skip: Callable[[int], bool], cell_text: CellText = squash) -> list[Table]:
    """Every grid or space-aligned table in the lines (0-based indexes for which `skip` is true,
    such as the lines of a code fence, are never read), in document order."""
    found: list[Table] = []
    i = 0
    while i < len(lines):
        table, end = None, i + 1
        if skip(i):
            pass
        elif GRID_BORDER_RE.match(lines[i]):
            table, end = grid_table(lines, i, cell_text)
        elif i > 0 and lines[i - 1].strip() and not skip(i - 1) and DASH_RULE_RE.match(lines[i]):
            table, end = aligned_table(lines, i, cell_text)
        if table is not None and table.rows:
            found.append(table)
        i = max(end, i + 1)
    return found


def grid_table(lines: Sequence[str], first: int, cell_text: CellText = squash) -> tuple[Table | None, int]:
    """A Pandoc grid table from its top border at index `first`; and the index after it.

    Columns are where the border has "+". Rows above a "+====+" border are the header, else the
    first row is. A grid that rules between its body rows (Pandoc, reST, Emacs) writes a row
    from border to border, its cells' lines joined. One that rules only around its header and
    at the bottom (psql, a table pasted in an email) writes a row a line: each line is a row,
    but for one whose first cell is empty, which goes on with the row above (a cell that wrapped,
    as in a grid of one row).
    >>> t, end = grid_table(["+----+---------+", "| ID | Risk    |", "+====+=========+",
    ...                      "| R1 | Vault   |", "|    | outage  |", "+----+---------+"], 0)
    >>> t.header, [(r.line, r.cells) for r in t.rows], end
    (('ID', 'Risk'), [(4, ('R1', 'Vault outage'))], 6)
    >>> t, _ = grid_table(["+----+-------+", "| ID | Risk  |", "+----+-------+",
    ...                    "| R1 | Vault |", "| R2 | DNS   |", "+----+-------+"], 0)
    >>> [(r.line, r.cells) for r in t.rows]
    [(4, ('R1', 'Vault')), (5, ('R2', 'DNS'))]
    """
    cuts = [k for k, ch in enumerate(lines[first]) if ch == "+"]
    spans = list(pairwise(cuts))
    blocks: list[list[tuple[int, list[str]]]] = []  # the lines between two borders: (1-based line, cells)
    head = 0
    current: list[tuple[int, list[str]]] = []
    i = first + 1
    while i < len(lines):
        line = lines[i]
        if GRID_BORDER_RE.match(line):
            if current:
                blocks.append(current)
                current = []
            if "=" in line and not head:
                head = len(blocks)
        elif line.lstrip().startswith("|"):
            current.append((i + 1, [line[a + 1 : b].strip() for a, b in spans]))
        else:
            break
        i += 1
    if current:
        blocks.append(current)
    if not blocks:
        return None, i
    head = head or 1
    if len(blocks) == head + 1:  # no rule between the body's rows: a row a line
        blocks[head:] = _unruled_rows(blocks[head])
    texts = [
        (block[0][0], tuple(cell_text(" ".join(parts[c] for _, parts in block)) for c in range(len(spans))))
        for block in blocks
    ]
    header = tuple(squash(" ".join(cells[c] for _, cells in texts[:head])) for c in range(len(spans)))
    body = tuple(Row(line, cells) for line, cells in texts[head:])
    return Table(line=first + 1, end=i, header=header, rows=body, layout="grid"), i


def _unruled_rows(block: list[tuple[int, list[str]]]) -> list[list[tuple[int, list[str]]]]:
    """The lines of a grid's body that no rule parts, as rows: a line each, a line whose first
    cell is empty going on with the row above.

    >>> [[n for n, _ in row] for row in _unruled_rows([(4, ["R1", "a"]), (5, ["", "b"]), (6, ["R2", "c"])])]
    [[4, 5], [6]]
    """
    rows: list[list[tuple[int, list[str]]]] = []
    for line, parts in block:
        if rows and parts and not parts[0]:
            rows[-1].append((line, parts))
        else:
            rows.append([(line, parts)])
    return rows


def aligned_table(lines: Sequence[str], rule: int, cell_text: CellText = squash) -> tuple[Table | None, int]:
    """A table aligned with spaces: the header line above the rule at index `rule`, rows under it
    up to a blank line (or a closing rule, as reST writes it); each column starts where its run of
    dashes does.

    >>> t, end = aligned_table(["ID    Risk            Owner", "----  --------------  -----",
    ...                         "AG-1  JWKS cached     Identity", "AG-2  Limiter lost    SRE", ""], 1)
    >>> t.header, [r.cells for r in t.rows], end
    (('ID', 'Risk', 'Owner'), [('AG-1', 'JWKS cached', 'Identity'), ('AG-2', 'Limiter lost', 'SRE')], 4)

    A row whose first cell is empty goes on with the row above (a report that wrapped it).
    """
    runs = [m.span() for m in RUN_RE.finditer(lines[rule])]
    starts = [a for a, _ in runs]
    wide = min(b2 - a1 for (_, a1), (b2, _) in pairwise(runs)) >= 2  # columns apart by 2+ spaces
    header = tuple(cell_text(c) for c in aligned_cells(lines[rule - 1], starts, wide))
    rows: list[Row] = []
    i = rule + 1
    while i < len(lines) and lines[i].strip() and not DASH_RULE_RE.match(lines[i]):
        cells = tuple(cell_text(c) for c in aligned_cells(lines[i], starts, wide))
        if rows and not cells[0]:  # a row that wrapped: its cells go on under the row's
            last = rows[-1]
            cells = tuple(squash(f"{a} {b}") for a, b in zip(last.cells, cells, strict=True))
            rows[-1] = Row(last.line, cells)
        else:
            rows.append(Row(i + 1, cells))
        i += 1
    end = i + 1 if i < len(lines) and DASH_RULE_RE.match(lines[i]) else i
    return Table(line=rule, end=end, header=header, rows=tuple(rows), layout="aligned"), end


def aligned_cells(line: str, starts: Sequence[int], wide: bool) -> list[str]:
    """A line cut at the columns' starts. A word that starts right at a column's start is that
    column's, unless it runs on into the column after (then it is the tail of a cell wider than
    its rule). A cell that runs on past a start: when the columns are kept apart by two or more
    spaces (`wide`), the cut moves to the next such gap, otherwise to the next space.

    >>> aligned_cells("AG-2  Rate limiter state lost   SRE", [0, 6, 22], True)
    ['AG-2', 'Rate limiter state lost', 'SRE']
    >>> aligned_cells("R1 Vault outage SRE", [0, 3, 12], False)
    ['R1', 'Vault outage', 'SRE']
    >>> aligned_cells("PQ-1  Spooler fills when jobs pile up", [0, 6, 20, 23], True)
    ['PQ-1', 'Spooler fills when jobs pile up', '', '']
    """
    cells = []
    begin = 0
    for k, cut in enumerate([*starts[1:], None]):
        if cut is None or cut >= len(line):
            cells.append(line[begin:cut].strip())
            begin = len(line)
            continue
        cut = max(cut, begin)
        # Two spaces before the start part two columns; one space in a wide table is only a
        # column's start when the word there ends before the next column does.
        after = starts[k + 2] if k + 2 < len(starts) else len(line)
        fits = after >= len(line) or line[after - 1].isspace() or line[after].isspace()
        clean = line[cut - 1].isspace() and (not wide or cut < 2 or line[cut - 2].isspace() or fits)
        if not clean and wide:
            cut = next(gap_ends(line, cut), len(line))
        elif not clean:
            while cut < len(line) and not line[cut].isspace():
                cut += 1
        cells.append(line[begin:cut].strip())
        begin = cut
    return cells


def gap_ends(line: str, start: int = 0) -> Iterator[int]:
    """Where text starts after each gap of two or more blanks in the line, from `start` on (a run
    of blanks at the end of the line, or before other white space, is no gap).

    >>> list(gap_ends("R1  Vault   SRE  ")), list(gap_ends("a    b", 2))
    ([4, 12], [5])
    """
    for run in BLANK_RUN_RE.finditer(line, start):
        end = run.end()
        if end < len(line) and not line[end].isspace():
            yield end
