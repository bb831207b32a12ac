"""Stage sniff: which parsers recognise a document, by content (extensions lie).

Each parser scores the text 0-1 cheaply; every parser at or above the threshold takes part
(a register page often has a table of risks and a sign-off checklist), and the best one names
the document's format. Like agate's type tester: scores, preference order for ties.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from parsers.legacy import PARSERS


def rank(text: str, parsers: Sequence[ModuleType] = PARSERS) -> list[tuple[str, float]]:
    """[(parser name, score)], best first; ties keep registry order."""
    scored = [(p.NAME, max(0.0, min(1.0, float(p.sniff(text))))) for p in parsers]
    return sorted(scored, key=lambda s: -s[1])


def recognised(text: str, threshold: float, parsers: Sequence[ModuleType] = PARSERS) -> list[tuple[str, float]]:
    """The parsers whose score reaches the threshold, best first."""
    return [(name, score) for name, score in rank(text, parsers) if score >= threshold]
