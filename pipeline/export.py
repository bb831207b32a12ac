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
import errno
import json
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import duckdb

from pipeline.errors import RiskregError
from pipeline.outputs import Protected, atomic_output, write_text

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
# What a spreadsheet reads as a formula at the start of a cell (OWASP, "CSV injection"): =, +,
# -, @, and a tab or carriage return before one of them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters of a source path that cannot go into an exported file's name as they are: control
# characters, a backslash, characters other systems forbid, and "%" itself (the escape).
UNSAFE_NAME_CHARS_RE = re.compile(r'[\x00-\x1f\x7f\\:*?"<>|%]')
# The file in an md export's folder listing what riskreg wrote there: those files (and only
# those) a later export may replace.
EXPORT_MANIFEST = ".riskreg-export"


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


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula: text starting with
    `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's advice).

    >>> spreadsheet_safe("@SUM(A1)"), spreadsheet_safe("-1+2"), spreadsheet_safe("Vault"), spreadsheet_safe(3)
    ("'@SUM(A1)", "'-1+2", 'Vault', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_name(path: str) -> str:
    """The relative file name an md export gives a source document: its path under --out, never
    outside it (no "..", no absolute path), characters unsafe in file names %-escaped, ".md"
    added unless it ends so.

    >>> export_name("teams/pay.txt"), export_name("../../etc/x.md"), export_name("/abs/a:b%.md")
    ('teams/pay.txt.md', '%2E%2E/%2E%2E/etc/x.md', 'abs/a%3Ab%25.md')
    """
    parts = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        part = "%2E%2E" if part == ".." else UNSAFE_NAME_CHARS_RE.sub(lambda m: f"%{ord(m.group()):02X}", part)
        parts.append(part)
    name = "/".join(parts) or "document"
    return name if name.endswith(".md") else name + ".md"


def unique_names(paths: Iterable[str]) -> dict[str, str]:
    """Source path -> export name, each name used once (compared without case, for file systems
    that ignore it) and never both a file and a folder: a clash gets "~2", "~3"... before ".md".

    >>> unique_names(["x.txt", "x.txt.md", "A.md", "a.md"])
    {'x.txt': 'x.txt.md', 'x.txt.md': 'x.txt~2.md', 'A.md': 'A.md', 'a.md': 'a~2.md'}
    """
    files: set[str] = set()
    folders: set[str] = set()
    out: dict[str, str] = {}
    for path in paths:
        base = export_name(path)
        name, n = base, 1
        while _clashes(name, files, folders):
            n += 1
            name = f"{base[:-3]}~{n}.md"
        files.add(name.casefold())
        parts = name.casefold().split("/")
        folders.update("/".join(parts[:k]) for k in range(1, len(parts)))
        out[path] = name
    return out


def _clashes(name: str, files: set[str], folders: set[str]) -> bool:
    key = name.casefold()
    parts = key.split("/")
    return key in files or key in folders or any("/".join(parts[:k]) in files for k in range(1, len(parts)))


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
    lines = [f"# {markdown_text(str(service))} — Risk Register", ""]
    meta = [
        ("Source", document["path"]),
        ("Owner", document.get("owner")),
        ("Last updated", document.get("last_updated")),
    ]
    lines += [f"{key}: {markdown_text(str(value))}  " for key, value in meta if value]
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
                lines += ["", f"### {markdown_text(section or '') or 'Checks'}", ""]
            lines.append(f"- [{'x' if c['checked'] else ' '}] {markdown_text(c['title'] or '')}")
    return "\n".join(lines) + "\n"


def export(
    con: duckdb.DuckDBPyConnection, out: Path, fmt: ExportFormat, protected: Protected | None = None
) -> ExportSummary:
    """Write the entries of the database at `con` to `out` (a folder for md and parquet, a file
    otherwise); every file atomically, none over a `protected` one (the database, the inputs)."""
    protected = protected or Protected()
    entries = _rows(con, "SELECT * FROM entries ORDER BY source_path, source_line, entry_key")
    risks = sum(1 for e in entries if e["kind"] == "risk")
    unknown = sum(1 for e in entries if e["kind"] == "check" and e["checked"] is None)
    if fmt == "md":
        files = markdown_files(con, entries, out, protected)
        return ExportSummary(files, risks, len(entries) - risks, unknown)
    protected.refuse(out)
    if fmt == "parquet":
        return ExportSummary(parquet_partitions(con, out), risks, len(entries) - risks, unknown)
    if out.is_dir():
        raise ExportError(f"is a folder; --format {fmt} writes one file: give a file name", str(out))
    flat = [{c: e[c] for c in FLAT_COLUMNS} for e in entries]
    if fmt == "jsonl":
        with atomic_output(out) as f:
            for row in flat:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        with atomic_output(out, newline="") as f:
            writer = csv.DictWriter(f, fieldnames=FLAT_COLUMNS)
            writer.writeheader()
            for row in flat:
                row["owners"] = "; ".join(row["owners"] or [])
                writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    return ExportSummary((out.as_posix(),), risks, len(entries) - risks, unknown)


def markdown_files(
    con: duckdb.DuckDBPyConnection, entries: list[dict[str, Any]], out: Path, protected: Protected
) -> tuple[str, ...]:
    """One canonical register per source document under `out`, mirroring the source tree.

    Names come from `unique_names` (inside `out`, no two alike). A file already there is
    replaced only when an earlier export wrote it (listed in EXPORT_MANIFEST); any other is
    refused before anything is written, as is a target that is the database or an input.
    """
    if out.exists() and not out.is_dir():
        raise ExportError("is a file; --format md writes a folder of registers: give a folder", str(out))
    documents = {d["path"]: d for d in _rows(con, "SELECT * FROM documents")}
    by_path: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        by_path.setdefault(e["source_path"], []).append(e)
    names = unique_names(by_path)
    manifest = out / EXPORT_MANIFEST
    ours = set(manifest.read_text(encoding="utf-8").splitlines()) if manifest.is_file() else set()
    for name in names.values():
        target = out / name
        protected.refuse(target)
        if (target.exists() or target.is_symlink()) and name not in ours:
            raise ExportError(
                f"{name} exists and was not written by riskreg export; give a new or empty folder", str(out)
            )
    files = []
    for path, items in by_path.items():
        doc = documents.get(path, {"path": path})
        risks = [e for e in items if e["kind"] == "risk"]
        checks = [e for e in items if e["kind"] == "check"]
        target = out / names[path]
        if target.is_symlink():
            target.unlink()  # replaced, never followed out of --out
        write_text(target, markdown_register(doc, risks, checks))
        files.append(target.as_posix())
    write_text(manifest, "".join(f"{n}\n" for n in sorted(ours | set(names.values()))))
    return tuple(files)


def parquet_partitions(con: duckdb.DuckDBPyConnection, out: Path) -> tuple[str, ...]:
    """Every entry as Parquet under `out/service=<name>/` (NULL: `service=__HIVE_DEFAULT_PARTITION__`).

    A folder left by an earlier export (only `service=` folders in it) is replaced; any other
    non-empty folder is refused rather than emptied. The files are written to a new folder
    beside `out`, which takes its place only once complete (a full disk leaves the old export).
    DuckDB %-escapes a service name in its folder name, so "../x" stays inside `out`.
    """
    if out.exists() and (not out.is_dir() or any(not _is_partition(p) for p in out.iterdir())):
        raise ExportError("holds files that are not a Parquet export; give a new or empty folder", str(out))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as err:
        raise ExportError(f"cannot write here: {err.strerror}", str(out)) from err
    columns = ", ".join(FLAT_COLUMNS)
    target = "'" + fresh.as_posix().replace("'", "''") + "'"
    try:
        con.execute(
            f"COPY (SELECT {columns} FROM entries ORDER BY source_path, source_line, entry_key) TO {target} "
            "(FORMAT PARQUET, PARTITION_BY (service), OVERWRITE)"
        )
        old = out.with_name(fresh.name + ".old") if out.exists() else None
        if old is not None:
            out.rename(old)
        fresh.rename(out)
    except (duckdb.Error, OSError) as err:
        shutil.rmtree(fresh, ignore_errors=True)
        full = "No space left" in str(err) or getattr(err, "errno", None) == errno.ENOSPC
        reason = "the disk is full; the previous export is intact" if full else f"cannot write: {err}"
        raise ExportError(reason, str(out)) from err
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return tuple(sorted(p.as_posix() for p in out.rglob("*.parquet")))


def _is_partition(path: Path) -> bool:
    return path.is_dir() and path.name.startswith("service=")
