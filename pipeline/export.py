"""Export: the database's entries in one canonical format, for the one-off migration of legacy
registers (and for tools that want a file rather than DuckDB).

`md` writes one canonical Markdown register per source document, mirroring the source tree, so a
team can replace its legacy file with the migrated one: a pipe table of risks with fixed columns
and 1-5 numbers, canonical statuses and directory owner names, and a task list of checks. riskreg
reads that format back to the same normalised entries (tested), so the migration is checkable.
`csv` and `jsonl` write every entry with its raw values and source line, one file; `parquet`
writes the same columns as Parquet files in a folder partitioned by service (hive layout,
`service=Payments/data_0.parquet`), for Spark, pandas, Polars or DuckDB itself.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import duckdb

from pipeline.errors import RiskregError

ExportFormat = Literal["md", "csv", "jsonl", "parquet"]
# Other names accepted for a format.
FORMAT_ALIASES = {"markdown": "md"}
RISK_COLUMNS = ("ID", "Risk", "Likelihood", "Impact", "Score", "Severity", "Status", "Owner", "Mitigation")
# Columns of the flat exports: the analyst-facing part of `entries`.
FLAT_COLUMNS = (
    "service",
    "kind",
    "entry_id",
    "title",
    "likelihood",
    "impact",
    "score",
    "severity",
    "status",
    "owners",
    "owner_raw",
    "mitigation",
    "section",
    "checked",
    "likelihood_raw",
    "impact_raw",
    "severity_raw",
    "status_raw",
    "source_path",
    "source_line",
    "parser",
    "confidence",
    "entry_key",
    "duplicate_of",
)

# Characters that would turn plain text into Markdown: emphasis, code, links, HTML, table pipes,
# and underscores that are not inside a word.
MARKDOWN_SPECIAL_RE = re.compile(r"[\\*`\[\]<>|]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


class ExportError(RiskregError):
    """The export cannot be written where asked (a folder holding other files)."""


@dataclass(frozen=True, slots=True)
class ExportSummary:
    files: tuple[str, ...]
    risks: int
    checks: int
    unknown_checks: int  # checks whose state was unknown in the source, written unticked in Markdown


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def markdown_text(value: str) -> str:
    """Plain text escaped so Markdown reads it back as the same text (no emphasis, code, links).

    Underscores inside words are left alone: CommonMark never reads them as emphasis.
    >>> print(markdown_text("*** masking on refund_id, _not_ `code` [x] a|b"))
    \\*\\*\\* masking on refund_id, \\_not\\_ \\`code\\` \\[x\\] a\\|b
    """
    return MARKDOWN_SPECIAL_RE.sub(r"\\\g<0>", " ".join(value.split()))


def cell(value: Any) -> str:
    """A value as a pipe-table cell: Markdown escaped, line breaks as spaces, None empty.

    >>> print(cell("a | b\\nc"), repr(cell(None)), cell(4))
    a \\| b c '' 4
    """
    return "" if value is None else markdown_text(str(value))


def markdown_register(
    document: dict[str, Any], risks: Iterable[dict[str, Any]], checks: Iterable[dict[str, Any]]
) -> str:
    """One document's entries as a canonical Markdown register."""
    service = document.get("service") or document.get("title") or PurePosixPath(document["path"]).stem
    lines = [f"# {service} — Risk Register", ""]
    meta = [
        ("Source", document["path"]),
        ("Owner", document.get("owner")),
        ("Last updated", document.get("last_updated")),
    ]
    lines += [f"{key}: {value}  " for key, value in meta if value]
    risks, checks = list(risks), list(checks)
    if risks:
        lines += ["", "## Risks", "", "| " + " | ".join(RISK_COLUMNS) + " |", "|" + "---|" * len(RISK_COLUMNS)]
        for r in risks:
            owners = " + ".join(r["owners"]) if r["owners"] else r["owner_raw"]
            values = (
                r["entry_id"],
                r["title"],
                r["likelihood"],
                r["impact"],
                r["score"],
                r["severity"],
                r["status"] or r["status_raw"],
                owners,
                r["mitigation"],
            )
            lines.append("| " + " | ".join(cell(v) for v in values) + " |")
    if checks:
        lines += ["", "## Checklist"]
        section = object()
        for c in checks:
            if c["section"] != section:
                section = c["section"]
                lines += ["", f"### {section or 'Checks'}", ""]
            lines.append(f"- [{'x' if c['checked'] else ' '}] {markdown_text(c['title'] or '')}")
    return "\n".join(lines) + "\n"


def export(con: duckdb.DuckDBPyConnection, out: Path, fmt: ExportFormat) -> ExportSummary:
    """Write the entries of the database at `con` to `out` (a folder for md, a file otherwise)."""
    entries = _rows(con, "SELECT * FROM entries ORDER BY source_path, source_line, entry_key")
    risks = sum(1 for e in entries if e["kind"] == "risk")
    unknown = sum(1 for e in entries if e["kind"] == "check" and e["checked"] is None)
    if fmt == "md":
        documents = {d["path"]: d for d in _rows(con, "SELECT * FROM documents")}
        files = []
        by_path: dict[str, list[dict[str, Any]]] = {}
        for e in entries:
            by_path.setdefault(e["source_path"], []).append(e)
        for path, items in by_path.items():
            # "x.txt" -> "x.txt.md": never two sources onto one file, and the origin stays visible.
            target = out / (path if path.endswith(".md") else path + ".md")
            target.parent.mkdir(parents=True, exist_ok=True)
            doc = documents.get(path, {"path": path})
            target.write_text(
                markdown_register(
                    doc, [e for e in items if e["kind"] == "risk"], [e for e in items if e["kind"] == "check"]
                ),
                encoding="utf-8",
            )
            files.append(target.as_posix())
        return ExportSummary(tuple(files), risks, len(entries) - risks, unknown)
    if fmt == "parquet":
        return ExportSummary(parquet_partitions(con, out), risks, len(entries) - risks, unknown)
    out.parent.mkdir(parents=True, exist_ok=True)
    flat = [{c: e[c] for c in FLAT_COLUMNS} for e in entries]
    if fmt == "jsonl":
        with out.open("w", encoding="utf-8") as f:
            for row in flat:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        with out.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=FLAT_COLUMNS)
            writer.writeheader()
            writer.writerows({**row, "owners": "; ".join(row["owners"] or [])} for row in flat)
    return ExportSummary((out.as_posix(),), risks, len(entries) - risks, unknown)


def parquet_partitions(con: duckdb.DuckDBPyConnection, out: Path) -> tuple[str, ...]:
    """Every entry as Parquet under `out/service=<name>/` (NULL: `service=__HIVE_DEFAULT_PARTITION__`).

    A folder left by an earlier export (only `service=` folders in it) is replaced; any other
    non-empty folder is refused rather than emptied.
    """
    if out.exists() and (not out.is_dir() or any(not _is_partition(p) for p in out.iterdir())):
        raise ExportError("holds files that are not a Parquet export; give a new or empty folder", str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    columns = ", ".join(FLAT_COLUMNS)
    target = "'" + out.as_posix().replace("'", "''") + "'"
    con.execute(
        f"COPY (SELECT {columns} FROM entries ORDER BY source_path, source_line, entry_key) TO {target} "
        "(FORMAT PARQUET, PARTITION_BY (service), OVERWRITE)"
    )
    return tuple(sorted(p.as_posix() for p in out.rglob("*.parquet")))


def _is_partition(path: Path) -> bool:
    return path.is_dir() and path.name.startswith("service=")
