"""The rows under a header in plain text, found but not yet cut into cells.

Rows start with an id whose pattern is learnt from the rows themselves ("R-LOCK-01", or plain
numbers 1, 2, 3 under "#"); a table without ids takes every line up to a blank one. Two
layouts: cells run together or spaced (rows may be separated by blank lines or wrap onto a
second line; a page's buttons or the next table's header end the table), and one cell per line
(header cells, then row cells, each on a line of its own; a blank line inside a row is an empty
cell). `parsers.frontends.textrows.splitter` cuts the rows into cells.
Takes lines of text, returns FoundRows with their source lines; pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.frontends.textrows.header import Column, header_columns, header_like, header_tokens
from parsers.lexicon import Lexicon
from pipeline.textnorm import fold

# The shape of an entry id at the start of a row, its number apart: "R-LOCK-" 01, "ABC-R" 07,
# "RISK-" 003, "R" 01, "SEC-2024-" 01. The number ends where the title starts ("01Vendor").
ID_SHAPE_RE = re.compile(r"(?P<prefix>[A-Z][A-Z0-9]*[-_.](?:[A-Z0-9]+[-_.])*[A-Z]*|[A-Z]{1,6})(?P<num>\d+)")
# Blank lines between a header and its first row; `next_lines` skips as many.
MAX_GAP_LINES = 2
# Lines under a header looked at to learn the rows' id pattern (a bound: a page of headers
# must not read every line below each of them).
ID_LOOKAHEAD = 50
# Lines of a one-cell-per-line table looked at to learn its id pattern.
CELL_LOOKAHEAD = 40
# A heading above the next table's header is at most this long.
MAX_HEADING_CHARS = 80
# Any text: the "pattern" starting rows of a table whose first column is not the id.
ANY_RE = re.compile("")


@dataclass(frozen=True, slots=True)
class FoundRow:
    """One row as found under a header: its text (cells run together, or one cell per line)."""

    line: int  # 1-based line of the row's first cell
    lines: tuple[int, ...]
    text: str
    cells: tuple[str, ...] | None = None  # cells already apart (one per line, CSV, tabs)
    after_gap: bool = False  # a blank line separates it from the row before
    id_re: re.Pattern[str] | None = None
    parts: tuple[str, ...] = ()  # a row that went on over lines: the text of each
    # A CSV record with more cells than the header (an unquoted delimiter inside a cell): the
    # cells as the delimiter cut them, as written, and the delimiter.
    split: tuple[str, ...] = ()
    sep: str = ""


def learn_id_re(starts: Sequence[str]) -> re.Pattern[str] | None:
    """The id pattern of a table's rows, from the lines that start them: the commonest prefix,
    and the number's width when the ids are zero-padded (so "R-LOCK-013rd party" is R-LOCK-01).

    >>> learn_id_re(["R-LOCK-01Vendor", "R-LOCK-02Two staff", "R-LOCK-10Push"]).pattern
    'R\\\\-LOCK\\\\-\\\\d{2}'
    >>> learn_id_re(["R1 Vault", "R2 DNS", "R12 Kafka"]).pattern
    'R\\\\d+(?!\\\\d)'
    >>> learn_id_re(["ABC-R07Vault outage", "ABC-R08DNS"]).match("ABC-R103rd-party breach").group()
    'ABC-R10'
    """
    shapes = [m for s in starts if (m := ID_SHAPE_RE.match(s))]
    if not shapes:
        return None
    prefixes = [m["prefix"] for m in shapes]
    counts: dict[str, int] = {}
    for p in prefixes:
        counts[p] = counts.get(p, 0) + 1
    prefix = max(counts, key=lambda p: counts[p])  # the first of the commonest
    numbers = [m["num"] for m in shapes if m["prefix"] == prefix]
    widths = [len(n) for n in numbers]
    width = max(set(widths), key=lambda w: (widths.count(w), -widths.index(w)))
    padded = any(n.startswith("0") for n in numbers) and widths.count(width) >= 0.75 * len(widths)
    return re.compile(re.escape(prefix) + (rf"\d{{{width}}}" if padded else r"\d+(?!\d)"))


def numbered_ids(columns: Sequence[Column], lexicon: Lexicon) -> bool:
    """Whether the id column holds plain numbers ("#", "No.")."""
    return bool(columns) and columns[0].field == "entry_id" and lexicon.is_word("number_id_labels", columns[0].header)


def is_page_end(text: str, lexicon: Lexicon) -> bool:
    """Whether a line is one of a page's own buttons or footer lines after a scraped table
    ("Add new item", "Retrieved from ..."): the table ends there.

    >>> lex = Lexicon.default()
    >>> [is_page_end(t, lex) for t in ("Add new item", "Like Be the first to like this", "Edit logs")]
    [True, True, False]
    """
    if len(text) > 200:
        return False
    key = fold(text)
    return lexicon.is_word("page_end_lines", text) or any(
        key == p or key.startswith(p + " ") for p in lexicon.phrases("page_end_starts")
    )


def run_rows(
    lines: Sequence[str], first: int, columns: Sequence[Column], lexicon: Lexicon
) -> tuple[list[FoundRow], int]:
    """Rows of a table whose cells ran together (or are apart by spaces) starting at index
    `first`; and the index after the table."""
    i = first
    while i < len(lines) and not lines[i].strip() and i - first < MAX_GAP_LINES:
        i += 1
    chunk = []  # the lines up to the next blank one (at most ID_LOOKAHEAD), to learn ids from
    k = i
    while k < len(lines) and len(chunk) < ID_LOOKAHEAD and lines[k].strip():
        chunk.append(lines[k].strip())
        k += 1
    if not chunk:
        return [], i
    numbered = numbered_ids(columns, lexicon)
    id_first = columns[0].field == "entry_id"
    id_re = None if numbered or not id_first else learn_id_re(chunk)
    if id_first and not numbered and id_re is None:
        return [], i

    def starts_row(text: str, count: int) -> re.Pattern[str] | None:
        if not id_first:
            return ANY_RE
        pattern = re.compile(str(count + 1)) if numbered else id_re
        m = pattern.match(text) if pattern else None
        return pattern if m and m.end() < len(text) else None

    rows: list[FoundRow] = []
    gap = False
    while i < len(lines):
        text = lines[i].strip()
        if not text:
            gap = True
            if not id_first and rows:
                break
            i += 1
            continue
        if is_page_end(text, lexicon):
            break  # "Add new item", "Edit": the page goes on, the table does not
        pattern = starts_row(text, len(rows))
        if pattern is not None and not is_header(text, lexicon):
            row_re = pattern if id_first else None
            rows.append(FoundRow(i + 1, (i + 1,), text, after_gap=gap, id_re=row_re, parts=(text,)))
        elif rows and not gap and not _ends_table(lines, i, lexicon):
            last = rows[-1]  # a cell that held a line break: the row goes on
            rows[-1] = FoundRow(
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


def cell_rows(
    lines: Sequence[str], first: int, columns: Sequence[Column], lexicon: Lexicon
) -> tuple[list[FoundRow], int]:
    """Rows of the one-cell-per-line layout: an id line, then the row's other cells."""
    if columns[0].field != "entry_id":
        return [], first
    numbered = numbered_ids(columns, lexicon)
    end = min(len(lines), first + CELL_LOOKAHEAD)
    cell_lines = [(k, lines[k].strip()) for k in range(first, end) if lines[k].strip()]
    id_re = None if numbered else learn_id_re([t for _, t in cell_lines[:1]])
    if not cell_lines or (id_re is None and not numbered):
        return [], first

    def is_id(text: str, count: int) -> bool:
        pattern = re.compile(str(count + 1)) if numbered else id_re
        return bool(pattern and pattern.fullmatch(text))

    rows: list[FoundRow] = []
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
        elif current and not is_header(text, lexicon) and (current[-1][1] or len(current) <= len(columns)):
            # A blank line inside a row is an empty cell; after a full row it ends the table.
            current.append((i, text))
        else:
            break
        i += 1
    if current:
        rows.append(_cell_row(current, len(columns)))
    return rows, i


def _cell_row(cells: list[tuple[int, str]], width: int) -> FoundRow:
    """A row of the one-cell-per-line layout. Blank lines count as empty cells when that makes
    the row as wide as the header; otherwise only the filled lines are cells."""
    while cells and not cells[-1][1]:
        cells = cells[:-1]
    filled = [(k, t) for k, t in cells if t]
    chosen = cells if len(cells) == width else filled
    return FoundRow(
        filled[0][0] + 1,
        tuple(k + 1 for k, _ in filled),
        "\n".join(t for _, t in filled),
        tuple(t for _, t in chosen),
        id_re=re.compile(re.escape(filled[0][1])),
    )


def _ends_table(lines: Sequence[str], i: int, lexicon: Lexicon) -> bool:
    """Whether line i ends the table above instead of going on with its last row: a header
    (of a register or not: "IDRiskClosed onReason"), or a heading right above one."""
    text = lines[i].strip()
    if header_like(text, lexicon):
        return True
    after = next_lines(lines, i + 1, 1)
    return bool(after) and len(text) <= MAX_HEADING_CHARS and header_like(after[0], lexicon)


def is_header(text: str, lexicon: Lexicon) -> bool:
    """Whether a line is a table's header (cells run together or spaced): it starts no row."""
    return len(text) <= 200 and len(header_tokens(text)) >= 3 and header_columns(text, lexicon) is not None


def next_lines(lines: Sequence[str], start: int, count: int) -> list[str]:
    """The next `count` non-blank lines from `start`, stripped, skipping at most a few blanks.

    >>> next_lines(["", "a", "", "b", "c"], 0, 2)
    ['a', 'b']
    """
    found = []
    for line in lines[start : start + count + MAX_GAP_LINES + 1]:
        if line.strip():
            found.append(line.strip())
        if len(found) == count:
            break
    return found


__all__ = [
    "ID_SHAPE_RE",
    "FoundRow",
    "cell_rows",
    "is_header",
    "is_page_end",
    "learn_id_re",
    "next_lines",
    "numbered_ids",
    "run_rows",
]
