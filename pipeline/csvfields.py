"""CSV readers that take a field of any size: the owner directory, the decisions file, CSV tables
in documents.

The csv module refuses a field over 128 KB (`_csv.Error: field larger than field limit`), a
limit a register cell pasted from a spreadsheet or a long note in a decisions file can pass;
the limit is process-wide state of the csv module, so it is raised here, in one place, before
every read (idempotent). Memory stays bounded by the file, whose size is bounded upstream.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

# The largest field read (the largest a C long takes on every platform).
MAX_FIELD_CHARS = 2**31 - 1


def _allow_large_fields() -> None:
    if csv.field_size_limit() < MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)


def reader(lines: Iterable[str], **options: Any) -> Any:
    """`csv.reader` over the lines, fields of any size.

    >>> next(reader(["a," + "x" * 200_000]))[1] == "x" * 200_000
    True
    """
    _allow_large_fields()
    return csv.reader(lines, **options)


def dict_reader(lines: Iterable[str], **options: Any) -> csv.DictReader:
    """`csv.DictReader` over the lines, fields of any size."""
    _allow_large_fields()
    return csv.DictReader(lines, **options)
