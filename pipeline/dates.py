"""Dates as documents write them: a `Last updated:` line read as a date, when it is one.

Used by the load for `documents.updated_on`, which `risk_rollup` measures staleness by. Only
unambiguous forms are read: an ISO date anywhere in the value, or a date with a month name.
"""

from __future__ import annotations

import re
from datetime import date

# A date written in ISO order anywhere in a value ("2026-03-02", "2026/03/02 by Ops").
ISO_DATE_RE = re.compile(r"\b(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\b")
# A date with a month name: "2 March 2026", "March 2, 2026", "Mar 2026" (day optional). Every
# repeat is bounded, so a long run of spaces costs linear time.
NAMED_DATE_RE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s{1,3}(?P<m1>[A-Za-z]{3,9})\.?,?\s{1,3}(?P<y1>\d{4})"
    r"|(?P<m2>[A-Za-z]{3,9})\.?\s{1,3}(?:(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s{1,3})?(?P<y2>\d{4}))\b"
)
# Month names of the dates `date_written` reads (English: the word lists of other languages are
# issue 11's, and ISO dates need none).
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def date_written(text: str) -> date | None:
    """A `Last updated` value as a date, when it reads as one; dates like 03/04/2026 are
    ambiguous (March or April) and give None, as does anything else.

    >>> date_written("2026-03-02"), date_written("February 1, 2026  (J. Smith)")
    (datetime.date(2026, 3, 2), datetime.date(2026, 2, 1))
    >>> date_written("2 Sept 2025"), date_written("March 2026"), date_written("03/04/2026"), date_written("Q3")
    (datetime.date(2025, 9, 2), datetime.date(2026, 3, 1), None, None)
    """
    if m := ISO_DATE_RE.search(text):
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    elif m := NAMED_DATE_RE.search(text):
        word = (m["m1"] or m["m2"]).lower()
        month = next((n for n, name in enumerate(MONTHS, 1) if name.startswith(word)), None)
        if month is None:
            return None
        y, mo, d = int(m["y1"] or m["y2"]), month, int(m["d1"] or m["d2"] or 1)
    else:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None
