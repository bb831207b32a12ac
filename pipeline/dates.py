"""Dates as registers write them, read into calendar dates; the text as written is always kept too.

"2026-04-18" reads everywhere. A date in numbers only ("31/12/2026", "31.12.2026", "04/05/26")
reads day-first or month-first as the document's language writes dates (`[format] dates` of its
lexicon packs: day-first in Spanish, Portuguese, French, German, Italian and Dutch); where the
language does not say (English), only when one of its parts says which it is ("31/12/2026",
"12/31/2026"), never by a guess. Month names ("31 de diciembre de 2026", "31. Dezember 2026",
"December 31, 2026") are read with the packs' `[months]`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from pipeline.textnorm import fold

# A date in numbers: year first ("2026-04-18", "2026/4/18") or last ("31/12/2026", "31.12.26").
NUMERIC_DATE_RE = re.compile(r"(?<!\d)(?P<a>\d{1,4})([./-])(?P<b>\d{1,2})\2(?P<c>\d{4}|\d{2})(?!\d)")
# A date with a month name, in folded text: "31 dezember 2026", "31 de diciembre de 2026", "1er
# janvier 2026" (day first; at most one short word between the parts), "december 31 2026".
DAY_MONTH_RE = re.compile(
    r"(?<!\w)(?P<d>\d{1,2})[a-z]{0,2} (?:[a-z]{1,3} )?(?P<m>[a-z]{3,12}) (?:[a-z]{1,3} )?(?P<y>\d{4})(?!\d)"
)
MONTH_DAY_RE = re.compile(r"(?<!\w)(?P<m>[a-z]{3,12}) (?P<d>\d{1,2})[a-z]{0,2} (?P<y>\d{4})(?!\d)")
# Two-digit years are this century's.
CENTURY = 2000


def read_date(text: str | None, order: str = "", months: Mapping[str, int] | None = None) -> date | None:
    """The date a cell states, or None when it states none or does not say which.

    `order` is "day-first", "month-first" or "" (only unambiguous numeric dates).
    >>> read_date("2026-04-18"), read_date("31/12/2026"), read_date("12/31/2026")
    (datetime.date(2026, 4, 18), datetime.date(2026, 12, 31), datetime.date(2026, 12, 31))
    >>> read_date("04/05/2026") is None, read_date("04/05/2026", "day-first"), read_date("31.12.26", "day-first")
    (True, datetime.date(2026, 5, 4), datetime.date(2026, 12, 31))
    >>> read_date("31 de diciembre de 2026", "day-first", {"diciembre": 12})
    datetime.date(2026, 12, 31)
    >>> read_date("Last updated: December 31, 2026", "", {"december": 12}), read_date("v2.3.1"), read_date("31/02/2026")
    (datetime.date(2026, 12, 31), None, None)
    """
    if not text:
        return None
    if m := NUMERIC_DATE_RE.search(text):
        return _numeric(m, order)
    key = fold(text)
    for pattern in (DAY_MONTH_RE, MONTH_DAY_RE):
        if (m := pattern.search(key)) and (month := (months or {}).get(m["m"])):
            return _date(int(m["y"]), month, int(m["d"]))
    return None


def _numeric(m: re.Match[str], order: str) -> date | None:
    """A numeric date's parts in the order the language writes them."""
    a, b, c = int(m["a"]), int(m["b"]), int(m["c"])
    if len(m["a"]) == 4:
        return _date(a, b, c)
    year = c + CENTURY if len(m["c"]) == 2 else c
    if order == "day-first" or (not order and a > 12 >= b):
        return _date(year, b, a)
    if order == "month-first" or (not order and b > 12 >= a):
        return _date(year, a, b)
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


__all__ = ["read_date"]
