"""The rows of one table in text read into cells, in passes that learn the table's owners.

Rows whose cells are apart already (one per line, CSV, tabs) keep them when they fit the
header. The others are cut by the row splitter; then the owners the surely-read rows use, and
the owner cells the rows agree on up to where they part ("Platform SRE|Cloud VPN" and "Platform
SRE|IaC"), are added to the vocabulary, and the rows read less surely are read again with it
(the second pass settles "Productanalytics-service" once another row said "Product"). A row
after a blank line, or with no id to vouch for it, that does not read is no row at all ("R-1 —
Vendor outage. Milestone: ..." in a list after the table).
Takes found rows, returns model Rows (or None for a line that is not a row); pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from parsers.frontends.textrows.delimited import cell_text
from parsers.frontends.textrows.header import Column
from parsers.frontends.textrows.rows import FoundRow
from parsers.frontends.textrows.splitter import Reading, RowSplitter
from parsers.frontends.textrows.vocab import Vocabulary
from parsers.model import Row
from pipeline.textnorm import squash

# A row read at least this surely (not ambiguous) teaches the next pass its owners.
LEARN_CONFIDENCE = 0.8
# Owner passes over a table after the first: each may learn owners from the rows before.
MAX_OWNER_PASSES = 2
# Below this a row's reading is a failure: a row after a gap, or with no id, is then no row.
ROW_CONFIDENCE = 0.6
# A row that went on over lines reads without its last lines only this surely.
TRAILING_CONFIDENCE = 0.8
# Most lines dropped from the end of a row to make it read ("Add new item", a footnote): each
# try is a search of the row, and a row of hundreds of lines must not cost hundreds of searches.
MAX_TRAILING_LINES = 3
# A shared prefix that ends on the capital that starts the next cell: "Lock domain leadH".
BRANCH_CAPITAL_END_RE = re.compile(r"[a-z0-9][A-Z]$")
# What follows an owner where a new cell starts: nothing, a capital, a digit or a symbol joiner
# (word joiners come from the vocabulary).
BRANCH_NEXT_RE = re.compile(r"$|[A-Z0-9]|\s*[+/&,]")


def read_rows(columns: Sequence[Column], rows: Sequence[FoundRow], spaced: bool, vocab: Vocabulary) -> list[Row | None]:
    """Each found row as a model Row (cells, confidence, notes), or None when it is no row."""
    readings = _read_all(columns, rows, spaced, vocab)
    # Further passes: the owners the rows themselves use settle "Productanalytics-service".
    for _ in range(MAX_OWNER_PASSES):
        # Only names outside the vocabulary are news: a misspelt "Securty" already reads as Security.
        told = [
            part
            for reading in readings
            if reading and not reading.ambiguous and reading.confidence >= LEARN_CONFIDENCE
            for part in _owner_parts(columns, reading, vocab)
            if vocab.owner_match(part)[0] is None
        ]
        richer = vocab.with_owners(told, owner_branches(columns, rows, readings, vocab))
        if set(richer.extra_owners) == set(vocab.extra_owners) and richer.told == vocab.told:
            break
        vocab = richer
        # Rows read with certainty stay as they are; the others are read again.
        readings = _read_all(columns, rows, spaced, vocab, readings)
    return [None if r is None else _row(found, r) for found, r in zip(rows, readings, strict=True)]


def _row(found: FoundRow, reading: Reading) -> Row:
    notes = reading.notes
    if reading.ambiguous:
        notes = (*notes, f"row text: {squash(found.text)}")
    return Row(found.line, reading.cells, reading.confidence, notes, tuple(found.lines))


def _read_all(
    columns: Sequence[Column],
    rows: Sequence[FoundRow],
    spaced: bool,
    vocab: Vocabulary,
    before: Sequence[Reading | None] | None = None,
) -> list[Reading | None]:
    """A reading per row; None for a row that does not read as one. Rows `before` read surely
    are kept as they were: they taught the owners a new pass knows, and must not be confirmed
    by what they taught."""
    readings: list[Reading | None] = []
    splitters: dict[tuple[object, bool], RowSplitter] = {}
    for n, row in enumerate(rows):
        if before and (kept := before[n]) is not None and kept.confidence >= LEARN_CONFIDENCE and not kept.ambiguous:
            readings.append(kept)
            continue
        if row.cells is not None and len(row.cells) == len(columns):
            readings.append(Reading(row.cells, 1.0, ()))
            continue
        key = (row.id_re, spaced or row.cells is not None)
        if key not in splitters:
            splitters[key] = RowSplitter(columns, row.id_re, vocab, spaced=key[1])
        splitter = splitters[key]
        merged = _merged_record(columns, row, splitter) if len(row.split) > len(columns) else None
        if merged is not None:
            readings.append(merged)
            continue
        reading = _without_trailing_lines(splitter, row) or splitter.read(row.text)
        if row.cells is not None:
            reading = Reading(
                reading.cells,
                min(reading.confidence, 0.7),
                (f"{len(row.cells)} cells for {len(columns)} columns", *reading.notes),
                reading.ambiguous,
            )
        if row.after_gap and reading.confidence < ROW_CONFIDENCE:
            readings.append(None)  # "R-1 — Vendor outage. Milestone: ..." under a later heading
            continue
        if row.id_re is None and row.cells is None and not row.split and reading.confidence < ROW_CONFIDENCE:
            readings.append(None)  # no id to vouch for it, and its cells do not read: not a row
            continue
        readings.append(reading)
    return readings


def _merged_record(columns: Sequence[Column], row: FoundRow, splitter: RowSplitter) -> Reading | None:
    """A delimited record with more cells than the header read as one with a delimiter inside
    a cell ("Vault outage, stalls sync" written without quotes): the one column whose taking
    the extra cells (joined back with the delimiter, as written) lets every other cell read as
    its column's; None when no column or more than one does."""
    extra = len(row.split) - len(columns)
    texts = [cell_text(c) for c in row.split]
    fitting = []
    for j in range(len(columns)):
        joined = cell_text(row.sep.join(row.split[j : j + extra + 1]))
        cells = (*texts[:j], joined, *texts[j + extra + 1 :])
        if not columns[j].typed and all(splitter.fits(k, c) for k, c in enumerate(cells)):
            fitting.append((j, cells))
    if len(fitting) != 1:
        return None
    j, cells = fitting[0]
    note = f"{extra} unquoted {row.sep!r} inside {columns[j].header}: read as one cell"
    return Reading(cells, TRAILING_CONFIDENCE, (note,))


def _without_trailing_lines(splitter: RowSplitter, row: FoundRow) -> Reading | None:
    """The reading of a row that went on over lines, when it only reads without its last lines
    (a page's "Add new item" or a footnote taken for a cell's second line; `MAX_TRAILING_LINES`
    at most); else None."""
    if len(row.parts) < 2:
        return None
    whole = splitter.read(row.text)
    if whole.confidence >= 0.5:
        return whole
    for keep in range(len(row.parts) - 1, max(0, len(row.parts) - 1 - MAX_TRAILING_LINES), -1):
        shorter = splitter.read(" ".join(row.parts[:keep]))
        if shorter.confidence >= 0.5 and not shorter.ambiguous:
            dropped = ", ".join(str(n) for n in row.lines[keep:])
            note = f"line {dropped} after the row is not part of it"
            confidence = min(shorter.confidence, TRAILING_CONFIDENCE)
            return Reading(shorter.cells, confidence, (*shorter.notes, note), False, shorter.starts)
    return whole


def owner_branches(
    columns: Sequence[Column], rows: Sequence[FoundRow], readings: Sequence[Reading | None], vocab: Vocabulary
) -> list[str]:
    """Owner cells the rows agree on up to where they part: "Platform SRE" from
    "Platform SRE|Cloud VPN HA tunnel" and "Platform SRE|IaC (Terraform)".

    Sorted, every branching point of the rows' owner-onwards text is the common prefix of two
    neighbours; a prefix that ends on the capital of what follows ("leadH|ot-swap",
    "leadH|ysteresis") is cut back to the name.
    """
    k = next((k for k, c in enumerate(columns) if c.field == "owner"), None)
    if k is None or k + 1 == len(columns):
        return []
    tails = sorted(
        row.text[r.starts[k] :]
        for row, r in zip(rows, readings, strict=True)
        if r is not None and len(r.starts) == len(columns)
    )
    found = []
    seen: set[str] = set()
    for a, b in pairwise(tails):
        size = next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        prefix = a[:size]
        if BRANCH_CAPITAL_END_RE.search(prefix):
            prefix = prefix[:-1]
        prefix = prefix.rstrip(" +/&,;-")
        # Evidence only where one of the two goes on with a new cell (a capital, a joiner) or
        # stops: "Secu|rty" and "Secu|rity" part inside a word and say nothing.
        nexts = (a[len(prefix) : len(prefix) + 6], b[len(prefix) : len(prefix) + 6])
        parts = any(BRANCH_NEXT_RE.match(n) or vocab.words.joiner_start_re.match(n) for n in nexts)
        if len(prefix) >= 2 and prefix not in seen and parts:
            seen.add(prefix)
            found.append(prefix)
    return found


def _owner_parts(columns: Sequence[Column], reading: Reading, vocab: Vocabulary) -> list[str]:
    """The names in a row's owner cell, joint owners apart ("Security + QA": two)."""
    owner = next((cell for col, cell in zip(columns, reading.cells, strict=True) if col.field == "owner"), "")
    return vocab.split_owners(owner) if owner else []


__all__ = ["owner_branches", "read_rows"]
