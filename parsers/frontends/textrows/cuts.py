"""What a row splitter's search steps are made of: a cut, and what a cell boundary costs.

Shared by `splitter` (every column) and `owner_cuts` (where an owner cell ends).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# An owner or status cut just after the next cell's capital ("Security leadS|ignature").
INNER_CAPITAL_END_RE = re.compile(r"[a-z][A-Z]$")
# Characters after which an upper-case letter starts a new cell ("leadPer", "01Vendor", "(GA)Tier").
CASE_BEFORE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789)]}\"'.”’%")


@dataclass(frozen=True, slots=True)
class Cut:
    """One way to read the next cell: where it ends, what it costs, what to say about it."""

    end: int
    cost: float
    note: str = ""
    confidence: float = 1.0


def boundary_cost(text: str, at: int, spaced: bool) -> float:
    """Cost of a cell boundary at `at`: free at a case change or a letter/digit change, dear
    inside a lower-case word. In a row whose cells keep spaces between them (`spaced`), only
    whitespace is a boundary.

    >>> cases = (("leadPer", 4), ("SRECloud", 3), ("sync34", 4), ("(PCI)3", 5), ("Productanalytics", 7))
    >>> [boundary_cost(s, k, False) for s, k in cases]
    [0.0, 0.1, 0.0, 0.0, 0.5]
    >>> boundary_cost("Security lead", 8, False), boundary_cost("Security lead", 8, True)
    (0.6, 0.0)
    """
    if at <= 0 or at >= len(text):
        return 0.0
    a, b = text[at - 1], text[at]
    if spaced:
        return 0.0 if a.isspace() or b.isspace() else 1.5
    if a.isspace() or b.isspace():
        return 0.6
    if b.isupper() and a in CASE_BEFORE:
        return 0.0
    if a.isdigit() or b.isdigit():  # "sync|3412", "(PCI scope)|3515", "12|mitigating", "3|4"
        return 0.0
    if a.isupper() and b.isupper() and at + 1 < len(text) and text[at + 1].islower():
        return 0.1
    return 0.5


def skip_space(text: str, pos: int) -> int:
    """The first position from `pos` that is not whitespace.

    >>> skip_space("a  b", 1)
    3
    """
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos
