"""`riskreg sql`: one query over the database, printed for a person (a table) or a program (CSV,
JSON). The database is opened read-only with file access switched off and the setting locked,
so a query can read the tables and views and nothing else: no writes, no COPY to a file, no
reading other files, no extension downloads.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import duckdb

from pipeline.errors import RiskregError

OutputFormat = Literal["table", "csv", "json"]
# Widest cell of the table format; longer values end in an ellipsis (CSV and JSON keep them whole).
MAX_CELL = 60


class QueryError(RiskregError):
    """The query could not run: DuckDB's message, which names the problem and its place."""


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def open_read_only(db: Path) -> duckdb.DuckDBPyConnection:
    """The database for queries only: read-only, no file system access, configuration locked."""
    try:
        return duckdb.connect(
            str(db), read_only=True, config={"enable_external_access": False, "lock_configuration": True}
        )
    except duckdb.Error as err:
        raise QueryError(f"cannot open database: {err}", str(db)) from err


def run_query(con: duckdb.DuckDBPyConnection, query: str) -> QueryResult:
    """Run `query` (the last statement's rows are the result); a failure is a QueryError."""
    try:
        cursor = con.execute(query)
        if cursor.description is None:
            return QueryResult((), ())
        return QueryResult(tuple(d[0] for d in cursor.description), tuple(cursor.fetchall()))
    except duckdb.Error as err:
        raise QueryError(str(err).strip()) from err


def render(result: QueryResult, fmt: OutputFormat) -> str:
    """The result as a text table, CSV (header row first) or a JSON array of objects."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_plain(v, "") for v in row] for row in result.rows)
        return out.getvalue()
    if fmt == "json":
        records = [dict(zip(result.columns, (_json_value(v) for v in row), strict=True)) for row in result.rows]
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    return text_table(result.columns, result.rows)


def text_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows as an aligned text table, numbers right-aligned, NULL shown as NULL, with a row count.

    >>> print(text_table(["service", "risks"], [("Payments", 12), ("Ledger", None)]), end="")
    service  | risks
    ---------+------
    Payments |    12
    Ledger   |  NULL
    (2 rows)
    """
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    numeric = [
        bool(rows) and all(isinstance(r[i], int | float | Decimal) or r[i] is None for r in rows)
        for i in range(len(columns))
    ]

    def line(values: Sequence[str]) -> str:
        return " | ".join(
            v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(columns), "-+-".join("-" * w for w in widths)] if columns else []
    out += [line(r) for r in cells]
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(out) + "\n"


def _cell(value: Any) -> str:
    """A value as a table cell: one line, at most MAX_CELL characters.

    >>> _cell(None), _cell(["a", "b"]), _cell("x\\ny"), len(_cell("z" * 100))
    ('NULL', 'a, b', 'x y', 60)
    """
    text = " ".join(_plain(value, "NULL").split()) or ""
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _plain(value: Any, null: str) -> str:
    """A value as plain text: lists joined with ', ', dates in ISO form."""
    if value is None:
        return null
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v, null) for v in value)
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    """A value JSON can hold: dates as ISO strings, decimals as numbers, lists item by item."""
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
