"""Register tables -> risk entries: one per row, cells mapped onto canonical fields.

Missing cells read as empty (the field is then NULL) and the entry carries a note; a row with a
single filled cell and nothing else ("**Security risks**") is a group heading and becomes the
section of the rows under it. A "Likelihood / Impact" column of "H / M" cells gives both
ratings, an "L × I" column of "3 × 4 = 12" all three; a cell that states a score and its band
at once (`12 - HIGH`, `9 Crítica`, `4x5=20 (Critical)`) is both the score and the severity as
written. Columns with no canonical field go to `extra` under their header. In a RAID log kept in
one table, a row whose type column says it is an assumption, issue, dependency, action or
decision is no risk: it is skipped, with that reason. So is a totals row ending the table, its
first filled cell a word of the lexicon's `total_rows` ("Total | 4 risks | | 41").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.inline import break_items
from parsers.model import Table
from parsers.recognise.columns import rating_pairs
from parsers.recognise.common import Context, Found, looks_like_id
from parsers.recognise.tables import Verdict, table_section
from pipeline.records import RawEntry, Skipped, SourceLoc
from pipeline.textnorm import fold, squash

# A cell that states a number and a word: "12 - HIGH", "9 Crítica", "20 — Critical (act now)",
# "4x5=20 (Critical)"; the number is the score when it is the cell's last number before the word.
SCORE_AND_BAND_RE = re.compile(r"^\s*(?:\d{1,2}\s*[x×*]\s*\d{1,2}\s*=\s*)?\d{1,3}(?:[.,]\d)?\s*[-–—:=(]*\s*[^\W\d_]")
# Why a row of a RAID log's type column is not a risk (the `skipped` table's reason).
OTHER_LOG_ROW = "an assumption, issue, dependency, action or decision (its type column), not a risk"
# Why a table's last row that opens with "Total" is not a risk.
TOTALS_ROW = "a totals row, not a risk"


def register_entries(table: Table, verdict: Verdict, ctx: Context, *, supplement: bool = False) -> Found:
    """One RawEntry per row of a table the verdict calls a register (or a card, turned; or the rows
    under a grouped header); the rows a RAID log's type column says are not risks, skipped."""
    source = verdict.reading or table
    fields = list(verdict.fields)
    pairs = rating_pairs(source, fields, ctx)
    for col in pairs:
        fields[col] = None
    header = source.header
    width = len(header)
    found = Found()
    section = table_section(table)
    type_col = _type_column(header, fields, ctx)
    last = _last_filled_row(source, ctx)
    for k, row in enumerate(source.rows):
        cells = [squash(break_items(c)) for c in row.cells]
        filled = [c for c in cells if not ctx.is_null(c)]
        if not filled:
            continue
        if k == last and ctx.lexicon.is_word("total_rows", filled[0]):
            found.skipped.append(Skipped(row.line, "row", TOTALS_ROW, " | ".join(filled)[:200]))
            continue
        if type_col is not None and type_col < len(cells) and ctx.lexicon.is_word("other_log_types", cells[type_col]):
            named = next((c for c, f in zip(cells, fields, strict=False) if f in ("entry_id", "title") and c), "")
            found.skipped.append(Skipped(row.line, "row", OTHER_LOG_ROW, f"{cells[type_col]} {named}"[:200]))
            continue
        if len(filled) == 1 and width > 2 and cells[0] == filled[0] and not looks_like_id(filled[0]):
            section = filled[0]  # a group heading row
            continue
        notes = list(row.notes)
        if len(cells) != width:
            notes.append(f"row has {len(cells)} cells, header has {width}")
        cells = (cells + [""] * width)[:width]
        values = {f: c for f, c in zip(fields, cells, strict=True) if f and c and not ctx.is_null(c)}
        headers = {f: h for f, h in zip(fields, header, strict=True) if f}
        for col, (pattern, named) in pairs.items():
            headers.update(dict.fromkeys(named, header[col]))
            if m := pattern.match(cells[col]):
                values.update(
                    {f: squash(v) for f, v in zip(named, m.groups(), strict=False) if v and not ctx.is_null(v)}
                )
            elif cells[col] and not ctx.is_null(cells[col]):
                notes.append(f"{header[col]} {cells[col]!r} does not read as {' and '.join(named)}")
        _score_and_band(values, headers, ctx)
        if not values.keys() & {"title", "entry_id"}:
            notes.append("row has neither a title nor an id")
        found.entries.append(
            RawEntry(
                loc=SourceLoc(ctx.path, row.line),
                parser=ctx.parser("tables"),
                kind="risk",
                fields=values,
                headers=headers,
                extra=_extra(header, fields, cells, pairs),
                section=section,
                lines=row.lines or (row.line,),
                confidence=min(row.confidence, 1.0 if not notes else 0.8),
                notes=tuple(notes),
                supplement=supplement,
            )
        )
    return found


def _last_filled_row(table: Table, ctx: Context) -> int | None:
    """The index of a table's last row with a cell that is not empty or a null word: where a
    spreadsheet puts its totals row (blank rows may follow it)."""
    return next(
        (k for k in range(len(table.rows) - 1, -1, -1) if any(not ctx.is_null(c) for c in table.rows[k].cells)),
        None,
    )


def _type_column(header: Sequence[str], fields: Sequence[str | None], ctx: Context) -> int | None:
    """The column saying what kind of item each row is ("Type" over Risk, Assumption, Issue), in a
    RAID log kept in one table; None when there is none. A "Risk type" or "Category" column
    classifies risks ("Dependency" is a kind of risk there) and is not it.

    >>> _type_column(("ID", "Type", "Description"), ("entry_id", None, "title"), Context("x.md", "md"))
    1
    >>> _type_column(("ID", "Risk type", "Description"), ("entry_id", None, "title"), Context("x.md", "md"))
    """
    return next(
        (
            c
            for c, (h, f) in enumerate(zip(header, fields, strict=True))
            if f is None and ctx.lexicon.is_word("log_type_labels", h)
        ),
        None,
    )


def _score_and_band(values: dict[str, str], headers: dict[str, str], ctx: Context) -> None:
    """A score cell that names its band, or a severity cell that states its score, fills the
    other field with the same text as written (`12 - HIGH` is both)."""
    for have, want in (("score", "severity"), ("severity", "score")):
        cell = values.get(have)
        if cell is None or want in values or not SCORE_AND_BAND_RE.match(cell):
            continue
        words = fold(cell).split()
        if any(w in ctx.rating_words for w in words if not w.isdigit()):
            values[want] = cell
            headers.setdefault(want, headers.get(have, ""))


def _extra(header: Sequence[str], fields: Sequence[str | None], cells: Sequence[str], pairs: dict) -> dict[str, str]:
    return {
        h: c
        for k, (f, h, c) in enumerate(zip(fields, header, cells, strict=True))
        if not f and c and h and k not in pairs
    }
