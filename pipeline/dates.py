"""Dates as documents write them: a `Last updated:` line read as a date, when it is one.

Used by the load for `documents.updated_on`, which `risk_rollup` measures staleness by. An ISO
date anywhere in the value, a date written year first with its units ("2026年5月4日") and a date
with a month name are read in every language (the month names of the document's language packs,
`[months]`, English's by default). A date in numbers
only ("31/12/2026", "31.12.2026", "04-05-26") is read day-first or month-first as the document's
language writes dates (`[format] dates`: day-first in Spanish, Portuguese, French, German, Italian
and Dutch); where the language does not say (English) only when one of its parts says which it
is ("31/12/2026", "12/31/2026"): "03/04/2026" is March or April, and gives None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from parsers import lexicon as lexicon_pack
from pipeline import vocab
from pipeline.textnorm import fold

# A date written in ISO order anywhere in a value ("2026-03-02", "2026/03/02 by Ops").
ISO_DATE_RE = re.compile(r"\b(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\b")
# A date as Japanese and Chinese write it, year first with its unit after each part: "2026年5月4日",
# "2026年5月" (the first of the month). As unambiguous as ISO, so read in every language.
YEAR_MONTH_DAY_RE = re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?")
# A date in numbers with the year last: "31/12/2026", "31.12.26", "04-05-2026".
NUMERIC_DATE_RE = re.compile(
    r"(?<![\d./-])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d./-])"
)
# A date with a month name, in folded text: "2 march 2026", "31 de diciembre de 2026", "1er
# janvier 2026", "march 2 2026", "march 2026" (day optional; at most one short word between
# the parts). Every repeat is bounded, so a long run of spaces costs linear time.
NAMED_DATE_RE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})(?:st|nd|rd|th|er|o)?\s(?:[a-z]{1,3}\s)?(?P<m1>[a-z]{3,12})\s(?:[a-z]{1,3}\s)?(?P<y1>\d{4})"
    r"|(?P<m2>[a-z]{3,12})\s(?:(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s)?(?:[a-z]{1,3}\s)?(?P<y2>\d{4}))\b"
)
# Two-digit years are this century's.
CENTURY = 2000
# The shortest start of a month's name read as that month ("Sept", "Dez.").
MIN_MONTH_PREFIX = 3


def date_written(text: str, order: str = "", months: Mapping[str, int] | None = None) -> date | None:
    """A `Last updated` value as a date, when it reads as one; None for anything else.

    `order` is how the document's language writes a date in numbers ("day-first", "month-first",
    "" when it does not say); `months` its month names (folded), English's by default.
    >>> date_written("2026-03-02"), date_written("February 1, 2026  (J. Smith)")
    (datetime.date(2026, 3, 2), datetime.date(2026, 2, 1))
    >>> date_written("2 Sept 2025"), date_written("March 2026"), date_written("03/04/2026"), date_written("Q3")
    (datetime.date(2025, 9, 2), datetime.date(2026, 3, 1), None, None)
    >>> date_written("31/12/2026"), date_written("04/05/2026", "day-first"), date_written("31.12.26", "day-first")
    (datetime.date(2026, 12, 31), datetime.date(2026, 5, 4), datetime.date(2026, 12, 31))
    >>> date_written("31 de diciembre de 2026", "day-first", {"diciembre": 12}), date_written("v2.3.1")
    (datetime.date(2026, 12, 31), None)
    >>> date_written("2026年5月4日"), date_written("２０２６年１２月"), date_written("第3四半期")
    (datetime.date(2026, 5, 4), datetime.date(2026, 12, 1), None)
    """
    if m := ISO_DATE_RE.search(text):
        return _date(int(m["y"]), int(m["m"]), int(m["d"]))
    if m := YEAR_MONTH_DAY_RE.search(text):
        return _date(int(m["y"]), int(m["m"]), int(m["d"] or 1))
    if m := NUMERIC_DATE_RE.search(text):
        return _numeric(int(m["a"]), int(m["b"]), m["y"], order)
    if m := NAMED_DATE_RE.search(fold(text)):
        month = month_number(m["m1"] or m["m2"], vocab.ENGLISH.months if months is None else months)
        if month is None:
            return None
        return _date(int(m["y1"] or m["y2"]), month, int(m["d1"] or m["d2"] or 1))
    return None


def date_in_languages(text: str, languages: Sequence[str]) -> date | None:
    """A `Last updated` value read as the document's languages write dates (English and its packs).

    >>> date_in_languages("04.05.2026", ("en", "de")), date_in_languages("04.05.2026", ("en",))
    (datetime.date(2026, 5, 4), None)
    >>> date_in_languages("4. Mai 2026", ("en", "de")), date_in_languages("12 out 2026", ("en",))
    (datetime.date(2026, 5, 4), None)
    """
    lexicon = lexicon_pack.load(tuple(dict.fromkeys(("en", *languages))))
    return date_written(text, lexicon.dates, lexicon.months)


def month_number(word: str, months: Mapping[str, int]) -> int | None:
    """The month a (folded) name stands for: a name or short form of the list, or the start of one.

    >>> month_number("sept", {"september": 9}), month_number("mayo", {"mayo": 5}), month_number("q3", {"march": 3})
    (9, 5, None)
    """
    if word in months:
        return months[word]
    found = {n for name, n in months.items() if len(word) >= MIN_MONTH_PREFIX and name.startswith(word)}
    return found.pop() if len(found) == 1 else None


def _numeric(a: int, b: int, year: str, order: str) -> date | None:
    """A numeric date's parts in the order the language writes them."""
    y = int(year) + CENTURY if len(year) == 2 else int(year)
    if order == "day-first" or (not order and a > 12 >= b):
        return _date(y, b, a)
    if order == "month-first" or (not order and b > 12 >= a):
        return _date(y, a, b)
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


__all__ = ["date_in_languages", "date_written", "month_number"]
