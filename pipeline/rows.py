"""Records as rows: the Arrow schemas of the shards and tables a run writes, and the conversions.

A run moves data as rows of typed columns, never as pickled objects: workers write each batch's
results as shards (`pipeline.shards`), DuckDB loads them with `INSERT ... SELECT`, and the parse
cache is two tables of the same columns (`cache_documents`, `cache_entries`), read back only
for the documents a run normalises again. The column types here are DuckDB's, and the same as
the tables' in schema.sql.

- `CACHE_DOCUMENT_COLUMNS`: one row per document read: what the `documents` table shows (as
  its columns already), plus what normalising needs (languages, stated scales, the service as
  written) and the rejections and skipped structures. Keyed by (path, sha256, fingerprint).
- `RAW_ENTRY_COLUMNS`: the RawEntries, every value exactly as written, in document order (`seq`).
- `ENTRY_COLUMNS`: the `entries` table (normalised shards hold it without `run_id`).
- `TALLY_COLUMNS`: per document, each distinct raw -> canonical decision and how often it was
  used (`entry_matches`); the run's `matches` table is their sum.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

from pipeline.dates import date_in_languages
from pipeline.records import DocumentResult, Entry, Match, RawEntry, Rejection, Repair, Skipped, SourceLoc

# Rows are encoded by orjson (in Rust), not `json`: a worker writes every row of every document
# it reads, and `json`'s encoder took 5% of a worker's time (0.37 s of 6.8 s over the 2,000
# corpus; orjson 0.07 s). UTF-8 as written, one line per row.
_JSON_LINE = orjson.OPT_APPEND_NEWLINE

_TEXT_MAP = "MAP(VARCHAR, VARCHAR)"

CACHE_DOCUMENT_COLUMNS = {
    "path": "VARCHAR",
    "sha256": "VARCHAR",
    "fingerprint": "VARCHAR",
    "path_bytes": "BLOB",
    "readable": "BOOLEAN",  # false: not read tonight (refused, unreadable)
    "cacheable": "BOOLEAN",  # a pure function of (bytes, config): kept in the parse cache
    "size": "BIGINT",
    "encoding": "VARCHAR",
    "repairs": "VARCHAR",
    "repair_count": "INTEGER",
    "format": "VARCHAR",
    "parsers": "VARCHAR[]",
    "sniff_scores": "VARCHAR",
    "title": "VARCHAR",
    "metadata": "VARCHAR",
    "owner": "VARCHAR",
    "last_updated": "VARCHAR",
    "updated_on": "DATE",
    "languages": "VARCHAR[]",
    "stated_scales": "VARCHAR",
    "entry_count": "INTEGER",
    "service_written": "VARCHAR",
    "rejections": "STRUCT(stage VARCHAR, reason VARCHAR, line INTEGER, detail VARCHAR)[]",
    "skipped": "STRUCT(line INTEGER, structure VARCHAR, reason VARCHAR, detail VARCHAR)[]",
}
RAW_ENTRY_COLUMNS = {
    "path": "VARCHAR",
    "sha256": "VARCHAR",
    "fingerprint": "VARCHAR",
    "seq": "INTEGER",
    "line": "INTEGER",
    "parser": "VARCHAR",
    "kind": "VARCHAR",
    "fields": _TEXT_MAP,
    "headers": _TEXT_MAP,
    "extra": _TEXT_MAP,
    "section": "VARCHAR",
    "checked": "BOOLEAN",
    "lines": "INTEGER[]",
    "confidence": "DOUBLE",
    "notes": "VARCHAR[]",
    "supplement": "BOOLEAN",
}
ENTRY_COLUMNS = {
    "entry_key": "VARCHAR",
    "kind": "VARCHAR",
    "service": "VARCHAR",
    "entry_id": "VARCHAR",
    "title": "VARCHAR",
    "likelihood": "TINYINT",
    "impact": "TINYINT",
    "score": "TINYINT",
    "severity": "VARCHAR",
    "status": "VARCHAR",
    "owners": "VARCHAR[]",
    "owner_raw": "VARCHAR",
    "mitigation": "VARCHAR",
    "section": "VARCHAR",
    "checked": "BOOLEAN",
    "likelihood_raw": "VARCHAR",
    "impact_raw": "VARCHAR",
    "severity_raw": "VARCHAR",
    "status_raw": "VARCHAR",
    "score_raw": "VARCHAR",
    "severity_source": "VARCHAR",
    "source_path": "VARCHAR",
    "source_line": "INTEGER",
    "source_lines": "INTEGER[]",
    "parser": "VARCHAR",
    "confidence": "DOUBLE",
    "notes": "VARCHAR[]",
    "extra": "VARCHAR",
    "run_id": "VARCHAR",
    "duplicate_of": "VARCHAR",
}
ENTRY_SHARD_COLUMNS = {k: v for k, v in ENTRY_COLUMNS.items() if k != "run_id"}
# A decision on one raw value (the `matches` table's columns).
MATCH_COLUMNS = {
    "vocabulary": "VARCHAR",
    "raw": "VARCHAR",
    "canonical": "VARCHAR",
    "method": "VARCHAR",
    "score": "DOUBLE",
    "runner_up": "VARCHAR",
    "runner_up_score": "DOUBLE",
    "needs_review": "BOOLEAN",
    "occurrences": "INTEGER",
    "example": "VARCHAR",
}
TALLY_COLUMNS = {
    "path": "VARCHAR",
    "ordinal": "INTEGER",  # order of first use in the document
    **MATCH_COLUMNS,
}


def _json(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None


def last_updated(metadata: Mapping[str, str]) -> str | None:
    """The document's own `Last updated` line (or `Updated:`, `Date:`), as written."""
    return metadata.get("last updated") or metadata.get("updated") or metadata.get("date")


def document_row(
    result: DocumentResult,
    fingerprint: str,
    service_written: str | None,
    path_bytes: bytes | None = None,
    readable: bool = True,
    cacheable: bool = True,
) -> dict[str, Any]:
    """A `cache_documents` row of one document's result."""
    updated = last_updated(result.metadata)
    return {
        "path": result.path,
        "sha256": result.sha256,
        "fingerprint": fingerprint,
        "path_bytes": path_bytes,
        "readable": readable,
        "cacheable": cacheable,
        "size": result.size,
        "encoding": result.encoding,
        "repairs": json.dumps([asdict(x) for x in result.repairs], ensure_ascii=False),
        "repair_count": sum(x.count for x in result.repairs if not x.step.startswith(("bom:", "newlines:"))),
        "format": result.format,
        "parsers": list(result.parsers),
        "sniff_scores": _json(dict(result.sniff_scores)),
        "title": result.title,
        "metadata": _json(dict(result.metadata)),
        "owner": result.metadata.get("owner") or result.metadata.get("owners"),
        "last_updated": updated,
        "updated_on": date_in_languages(updated, result.languages) if updated else None,
        "languages": list(result.languages) or None,
        "stated_scales": _json({k: dict(v) for k, v in result.stated_scales.items()}),
        "entry_count": len(result.entries),
        "service_written": service_written,
        "rejections": [
            {"stage": r.stage, "reason": r.reason, "line": r.line, "detail": r.detail or None}
            for r in result.rejections
        ],
        "skipped": [
            {"line": s.line, "structure": s.structure, "reason": s.reason, "detail": s.detail or None}
            for s in result.skipped
        ],
    }


def raw_entry_rows(result: DocumentResult, fingerprint: str) -> Iterator[dict[str, Any]]:
    """`cache_entries` rows of one document's RawEntries, in document order. Maps and lists are
    the entry's own (a mapping, a tuple): `row_encoder` writes them as JSON objects and arrays."""
    for seq, e in enumerate(result.entries):
        yield {
            "path": result.path,
            "sha256": result.sha256,
            "fingerprint": fingerprint,
            "seq": seq,
            "line": e.loc.line,
            "parser": e.parser,
            "kind": e.kind,
            "fields": e.fields,
            "headers": e.headers,
            "extra": e.extra,
            "section": e.section,
            "checked": e.checked,
            "lines": e.lines,
            "confidence": e.confidence,
            "notes": e.notes,
            "supplement": e.supplement,
        }


def results_of(
    documents: Iterable[Mapping[str, Any]], entries: Iterable[Mapping[str, Any]]
) -> Iterator[DocumentResult]:
    """DocumentResults back from `cache_documents` and `cache_entries` rows (entries sorted by
    path and seq): what normalising reads, nothing else (title, metadata, repairs stay in rows)."""
    by_path: dict[str, list[RawEntry]] = {}
    for e in entries:
        by_path.setdefault(e["path"], []).append(
            RawEntry(
                loc=SourceLoc(e["path"], e["line"]),
                parser=e["parser"],
                kind=e["kind"],
                fields=dict(e["fields"]),
                headers=dict(e["headers"]),
                extra=dict(e["extra"]),
                section=e["section"],
                checked=e["checked"],
                lines=tuple(e["lines"]),
                confidence=e["confidence"],
                notes=tuple(e["notes"]),
                supplement=e["supplement"],
            )
        )
    for d in documents:
        scales = json.loads(d["stated_scales"]) if d["stated_scales"] else {}
        yield DocumentResult(
            path=d["path"],
            sha256=d["sha256"],
            size=d["size"],
            stated_scales=scales,
            entries=tuple(by_path.get(d["path"], ())),
            languages=tuple(d["languages"] or ()),
        )


def entry_row(e: Entry) -> dict[str, Any]:
    """An `entries` row (without run_id) of a normalised entry."""
    row = {name: getattr(e, name) for name in ENTRY_SHARD_COLUMNS if name != "extra"}
    for name in ("owners", "source_lines", "notes"):
        row[name] = list(row[name])
    row["extra"] = json.dumps(dict(e.extra), ensure_ascii=False) if e.extra else None
    return row


def tally_rows(path: str, tally: Iterable[tuple[Match, int, str]]) -> Iterator[dict[str, Any]]:
    """`entry_matches` rows of one document: (decision, uses, first example) in order of first use."""
    for ordinal, (m, n, example) in enumerate(tally):
        yield {
            "path": path,
            "ordinal": ordinal,
            "vocabulary": m.vocabulary,
            "raw": m.raw,
            "canonical": m.canonical,
            "method": m.method,
            "score": m.score,
            "runner_up": m.runner_up,
            "runner_up_score": m.runner_up_score,
            "needs_review": m.needs_review,
            "occurrences": n,
            "example": example,
        }


def row_encoder(columns: Mapping[str, str]) -> Callable[[Mapping[str, Any]], bytes]:
    """Rows of these columns as JSON lines (UTF-8 bytes, the newline included) for `read_json_sql`:
    the columns in order, BLOBs as hex, dates as ISO text, maps as objects (given as mappings or
    as (key, value) pairs). What each column needs is worked out once, so a row costs one copy of
    its values and the few conversions its columns need (a shard holds tens of thousands of rows).

    >>> row_encoder({"path": "VARCHAR", "raw": "BLOB", "n": "BIGINT"})({"path": "a.md", "raw": b"\\xff", "n": None})
    b'{"path":"a.md","raw":"ff","n":null}\\n'
    >>> row_encoder({"d": "DATE", "m": "MAP(VARCHAR, VARCHAR)"})({"d": None, "m": [("k", "v")]})
    b'{"d":null,"m":{"k":"v"}}\\n'
    """
    names = tuple(columns)
    converted = tuple((name, kind) for name, kind in columns.items() if kind in ("BLOB", "DATE", _TEXT_MAP))

    def encode(row: Mapping[str, Any]) -> bytes:
        out = {name: row[name] for name in names}
        for name, kind in converted:
            value = out[name]
            if value is not None:
                if kind == "BLOB":
                    out[name] = value.hex()
                elif kind == "DATE":
                    out[name] = value.isoformat()
                elif not isinstance(value, dict):
                    out[name] = dict(value)
        return orjson.dumps(out, option=_JSON_LINE)

    return encode


def read_json_sql(files: str | Path | list[str], columns: Mapping[str, str]) -> str:
    """SQL reading JSON-lines files of `row_encoder` rows with these column types (a file name, or
    `$name` for a list given as a parameter). Rows go from Python to DuckDB this way rather than
    by `executemany` (some 2,000 rows/s) or through Arrow (40 MB more per process, and pandas
    with it): DuckDB reads JSON lines in C++, at hundreds of thousands of rows/s."""
    types = ", ".join(f"{name}: '{'VARCHAR' if t == 'BLOB' else t}'" for name, t in columns.items())
    select = ", ".join(f"unhex({name}) AS {name}" if t == "BLOB" else name for name, t in columns.items())
    source = files if isinstance(files, str) and files.startswith("$") else sql_literal(str(files))
    return f"SELECT {select} FROM read_json({source}, format = 'newline_delimited', columns = {{{types}}})"


def sql_literal(text: str) -> str:
    """A SQL string literal.

    >>> print(sql_literal("it's"))
    'it''s'
    """
    return "'" + text.replace("'", "''") + "'"


def rejection_of(path: str, row: Mapping[str, Any]) -> Rejection:
    return Rejection(path, row["stage"], row["reason"], row["line"], row["detail"] or "")


def skipped_of(row: Mapping[str, Any]) -> Skipped:
    return Skipped(row["line"], row["structure"], row["reason"], row["detail"] or "")


def repairs_of(blob: str | None) -> tuple[Repair, ...]:
    return tuple(Repair(**x) for x in json.loads(blob)) if blob else ()


__all__ = [
    "CACHE_DOCUMENT_COLUMNS",
    "ENTRY_COLUMNS",
    "ENTRY_SHARD_COLUMNS",
    "RAW_ENTRY_COLUMNS",
    "TALLY_COLUMNS",
    "document_row",
    "entry_row",
    "raw_entry_rows",
    "read_json_sql",
    "results_of",
    "row_encoder",
    "sql_literal",
    "tally_rows",
]
