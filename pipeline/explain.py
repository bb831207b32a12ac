"""`riskreg explain FILE`: how one document was read, for the user whose document loads wrong.

The same per-document work as `ingest` (decode, repair, front end, recognisers, reconcile),
shown step by step: the front end chosen and the sniff scores, the repairs, the block tree in
outline with line numbers and what each table was taken for, the entries made (with the lines
they come from) and everything read and skipped, with the reason.
"""

from __future__ import annotations

from parsers import reader
from parsers.model import Block, Table, outline
from pipeline.config import Config
from pipeline.decode import decode_document
from pipeline.reconcile import dropped_supplements, reconcile
from pipeline.records import RawEntry

# Fields shown for each entry, in order.
SHOWN_FIELDS = ("likelihood", "impact", "score", "severity", "status", "owner")


def explain(path: str, data: bytes, config: Config) -> list[str]:
    """Lines telling how the document at `path` (its bytes `data`) is read. Raises the errors of
    decoding (`DecodeError`) and parsing (`ParseError`), which the CLI reports."""
    doc = decode_document(path, data)
    reading = reader.read(doc, config)
    parsed = reading.parsed
    groups: dict[str, list[RawEntry]] = {}
    for entry in parsed.entries:
        groups.setdefault(entry.parser, []).append(entry)
    entries = reconcile(list(groups.values()))
    skipped = sorted((*parsed.skipped, *dropped_supplements(parsed.entries, entries)), key=lambda s: s.line)

    scores = ", ".join(f"{name} {score:.2f}" for name, score in reading.sniff_scores.items())
    lines = [f"{path}: read as {parsed.syntax} (sniff: {scores})", f"encoding: {doc.encoding}"]
    lines += [f"repair: {r.step} x{r.count}" + (f" from line {r.line}" if r.line else "") for r in doc.repairs]
    lines.append(f"languages: {', '.join(parsed.languages)}")
    lines.append(f"title: {parsed.title!r}")
    if parsed.metadata:
        lines.append("metadata: " + "; ".join(f"{k}: {v}" for k, v in parsed.metadata.items()))
    if parsed.stated_scales:
        lines.append("stated scales: " + "; ".join(f"{f} {w}" for f, w in parsed.stated_scales.items()))

    by_line: dict[int, list[RawEntry]] = {}
    for entry in entries:
        for line in entry.lines or (entry.loc.line,):
            by_line.setdefault(line, []).append(entry)

    def note(block: Block) -> str:
        if isinstance(block, Table):
            v = reading.verdicts.of(block)
            made = sum(1 for e in entries if block.line <= e.loc.line <= block.end)
            return f"{v.kind} ({v.reason}){f', {made} entries' if made else ''}"
        told = by_line.get(block.line, [])
        return ", ".join(f"{e.kind} {e.fields.get('entry_id') or ''}".strip() for e in told)

    lines += ["", "outline (line, block, -> what it was taken for):", *outline(reading.tree, note)]
    kinds = {k: sum(1 for e in entries if e.kind == k) for k in ("risk", "check")}
    lines += ["", f"entries: {kinds['risk']} risks, {kinds['check']} checks"]
    for e in entries:
        shown = ", ".join(f"{k}={e.fields[k]!r}" for k in SHOWN_FIELDS if k in e.fields)
        box = "" if e.checked is None else f" [{'x' if e.checked else ' '}]"
        ident = f"{e.fields['entry_id']} " if "entry_id" in e.fields else ""
        title = e.fields.get("title", "")
        lines.append(f"{e.loc.line:>6}  {e.kind}{box} {ident}{title!r} ({e.parser}){': ' + shown if shown else ''}")
        lines += [f"{'':>8}note: {n}" for n in e.notes]
    lines += ["", f"skipped: {len(skipped)}"]
    lines += [f"{s.line:>6}  {s.structure} ({s.reason}){': ' + s.detail if s.detail else ''}" for s in skipped]
    return lines
