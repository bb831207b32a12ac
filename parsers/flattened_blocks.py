"""Register tables found in flattened text; a helper of `parsers.flattened_text`.

The text is scanned line by line for a header in any layout (CSV or tab-separated, cells run
together or spaced, one cell per line); a register's header gives a Block of the rows under
it, with the heading it sits under. A legend block ("ScoreLikelihoodImpact" then
"1Very rareNegligible") is the document's stated scale and gives no Block but the words of
each level; headers of other tables are skipped.
Takes lines of text, returns Blocks and stated scales; pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from parsers.fields import field_of_header
from parsers.flattened_delimited import csv_columns, csv_rows, tab_columns, tab_row
from parsers.flattened_header import Column, cell_header, header_columns, header_tokens, is_legend, is_register
from parsers.flattened_page import section_before
from parsers.flattened_rows import Row, cell_rows, run_rows
from pipeline.textnorm import squash

# A legend row: a level 1-5, then the level's words run together ("1Very rareNegligible").
# Not "1. Risk scoring" (a numbered heading) nor "12 ..." (not a level).
LEGEND_ROW_RE = re.compile(r"^\s*(?P<level>[1-5])(?![\d.)])\s*(?P<rest>\S.*)$")
# A case change that separates two legend cells: "rare|Negligible", "certain|Multi-tenant".
LEGEND_BREAK_RE = re.compile(r"(?<=[a-z0-9)])(?=[A-Z])")
# A legend level on a line of its own (one-cell-per-line legends).
LEVEL_LINES = frozenset("12345")


@dataclass(frozen=True, slots=True)
class Block:
    """A register table found in the text: its header's columns and its rows."""

    line: int  # 1-based line of the header
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    spaced: bool  # cells keep whitespace between them ("R-1 Vault outage 3 4 12 ...")
    section: str | None


def find_blocks(
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
        if (found := csv_columns(stripped, synonyms)) is not None:
            columns, sep = found
            if is_register(columns):
                rows, end = csv_rows(lines, i + 1, len(columns), sep)
                if rows:
                    blocks.append(Block(i + 1, columns, tuple(rows), True, section_before(lines, i, title)))
                i = max(end, i + 1)
                continue
        columns = tab_columns(lines[i], synonyms) or (
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
        rows, end = (cell_rows if cell_layout else run_rows)(lines, i + width, columns, synonyms)
        if "\t" in lines[i]:
            rows = [tab_row(lines, row, len(columns)) for row in rows]
        if rows:
            spaced = not cell_layout and _spaced(rows)
            blocks.append(Block(i + 1, columns, tuple(rows), spaced, section_before(lines, i, title)))
        i = max(end, i + width)
    return blocks, scales


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
    """Add one legend row's likelihood and impact words to `scales` at its level."""
    # Every level's text as written, asides included ("Negligible (no guest impact)"): a scale
    # with a level left out would read as a shorter scale.
    for col, part in zip(columns, parts, strict=False):
        if col.field in ("likelihood", "impact") and squash(part):
            scales.setdefault(col.field, {})[squash(part)] = level


__all__ = ["Block", "find_blocks"]
