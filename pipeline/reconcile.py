"""Stage reconcile: one entry per risk within a document, however many times it is told.

Several parsers can read one document (a table of risks and a section per risk), and an
assessment may describe a risk twice. Entries of *different* structures that carry the same
id become one entry: fields are taken from the first that has them (parser order), every
source line is kept. Entries of one structure are never merged with each other: two rows
with the same id in one table are two rows, and the data issue stays visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.records import RawEntry
from pipeline.textnorm import fold


def merge(first: RawEntry, second: RawEntry) -> RawEntry:
    """`first` completed by `second`: missing fields filled, lines and notes joined."""
    fields = {**second.fields, **first.fields}
    conflicts = [f"{k}: {first.fields[k]!r} here, {second.fields[k]!r} at line {second.loc.line}"
                 for k in first.fields.keys() & second.fields.keys()
                 if fold(first.fields[k]) != fold(second.fields[k]) and k != "title"]
    return replace(
        first,
        fields=fields,
        headers={**second.headers, **first.headers},
        extra={**second.extra, **first.extra},
        section=first.section or second.section,
        lines=tuple(sorted({*first.lines, *second.lines, first.loc.line, second.loc.line})),
        confidence=min(first.confidence, second.confidence),
        notes=(*first.notes, *second.notes, f"merged with {second.parser} entry at line {second.loc.line}",
               *(f"conflict {c}" for c in conflicts)),
    )


def reconcile(entries_by_parser: Sequence[Sequence[RawEntry]]) -> list[RawEntry]:
    """Entries of all parsers of one document, with risks told twice merged (by id)."""
    merged: list[RawEntry] = []
    by_id: dict[str, tuple[int, int]] = {}  # id -> (index in merged, group that first told it)
    for group, entries in enumerate(entries_by_parser):
        claimed: set[str] = set()
        for entry in entries:
            ident = fold(entry.fields.get("entry_id", "")) if entry.kind == "risk" else ""
            if ident in by_id and by_id[ident][1] != group and ident not in claimed:
                k = by_id[ident][0]
                merged[k] = merge(merged[k], entry)
                claimed.add(ident)
                continue
            if ident:
                by_id.setdefault(ident, (len(merged), group))
            merged.append(entry)
    return sorted(merged, key=lambda e: e.loc.line)
