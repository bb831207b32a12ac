"""The rows under a flattened header; a helper of `parsers.flattened_text`.

Rows start with an id whose pattern is learned from the rows themselves ("R-LOCK-01", or plain
numbers 1, 2, 3 under "#"); a table without ids takes every line up to a blank one. Two
layouts: cells run together (rows may be separated by blank lines or wrap onto a second line,
and a page's buttons or the next table's header end the table), and one cell per line (header
cells, then row cells, each on a line of its own; a blank line inside a row is an empty cell).
The rows are found here, not yet split into cells (`parsers.flattened_splitter` does that).
Takes lines of text, returns Rows with their source lines; pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from parsers.flattened_header import Column, header_columns, header_like, header_tokens
from parsers.flattened_page import PAGE_BUTTON_RE
from pipeline.textnorm import fold

# The shape of an entry id at the start of a row, its number apart: "R-LOCK-" 01, "ABC-R" 07,
# "RISK-" 003, "R" 01, "SEC-2024-" 01. The number ends where the title starts ("01Vendor").
ID_SHAPE_RE = re.compile(r"(?P<prefix>[A-Z][A-Z0-9]*[-_.](?:[A-Z0-9]+[-_.])*[A-Z]*|[A-Z]{1,6})(?P<num>\d+)")
# Id headers whose ids are plain numbers 1, 2, 3... ("#", "No.").
NUMBER_ID_HEADERS = frozenset({"#", "no", "nr", "number"})
# Blank lines between a header and its first row; `next_lines` skips as many.
MAX_GAP_LINES = 2
# Any text: the "pattern" starting rows of a table whose first column is not the id.
_ANY_RE = re.compile("")


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


def learn_id_re(starts: Sequence[str]) -> re.Pattern[str] | None:
    """The id pattern of a block's rows, from the lines that start them: the commonest prefix,
    and the number's width when the ids are zero-padded (so "R-LOCK-013rd party" is R-LOCK-01).

    >>> learn_id_re(["R-LOCK-01Vendor", "R-LOCK-02Two staff", "R-LOCK-10Push"]).pattern
    'R\\\\-LOCK\\\\-\\\\d{2}'
    >>> learn_id_re(["R1 Vault", "R2 DNS", "R12 Kafka"]).pattern
    'R\\\\d+(?!\\\\d)'
    """
    shapes = [m for s in starts if (m := ID_SHAPE_RE.match(s))]
    if not shapes:
        return None
    prefixes = [m["prefix"] for m in shapes]
    prefix = max(set(prefixes), key=lambda p: (prefixes.count(p), -prefixes.index(p)))
    numbers = [m["num"] for m in shapes if m["prefix"] == prefix]
    widths = [len(n) for n in numbers]
    width = max(set(widths), key=widths.count)
    padded = any(n.startswith("0") for n in numbers) and widths.count(width) >= 0.75 * len(widths)
    return re.compile(re.escape(prefix) + (rf"\d{{{width}}}" if padded else r"\d+(?!\d)"))


def numbered_ids(columns: Sequence[Column]) -> bool:
    """Whether the id column holds plain numbers ("#", "No.")."""
    return columns[0].field == "entry_id" and fold(columns[0].header) in NUMBER_ID_HEADERS | {""}


def run_rows(
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
    numbered = numbered_ids(columns)
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
        if pattern is not None and not is_header(text, synonyms):
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


def cell_rows(
    lines: Sequence[str], first: int, columns: Sequence[Column], synonyms: Mapping[str, str]
) -> tuple[list[Row], int]:
    """Rows of the one-cell-per-line variant: an id line, then the row's other cells."""
    if columns[0].field != "entry_id":
        return [], first
    numbered = numbered_ids(columns)
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
        elif current and not is_header(text, synonyms) and (current[-1][1] or len(current) <= len(columns)):
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
    after = next_lines(lines, i + 1, 1)
    return bool(after) and len(text) <= 80 and header_like(after[0], synonyms)


def is_header(text: str, synonyms: Mapping[str, str]) -> bool:
    """Whether a line is a table's header (cells run together or spaced): it starts no row."""
    return len(header_tokens(text)) >= 3 and header_columns(text, synonyms) is not None and len(text) <= 200


def next_lines(lines: Sequence[str], start: int, count: int) -> list[str]:
    """The next `count` non-blank lines from `start`, stripped, skipping at most a few blanks."""
    found = []
    for line in lines[start : start + count + MAX_GAP_LINES + 1]:
        if line.strip():
            found.append(line.strip())
        if len(found) == count:
            break
    return found


__all__ = [
    "ID_SHAPE_RE",
    "Row",
    "cell_rows",
    "is_header",
    "learn_id_re",
    "next_lines",
    "numbered_ids",
    "run_rows",
]
