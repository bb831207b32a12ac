"""Front ends: one per input syntax, each turning a decoded document into the block tree.

Each module has NAME, `sniff(text) -> float` (cheap: a few patterns, never a parse),
`blocks(doc, config) -> Tree` and READS_LEXICON (whether the tree depends on the configured
lexicon's labels, so that a document found to be in another language must be read again).
A document is read by the one front end whose sniff scores highest (ties: this order); a syntax
embedded in another (an HTML table in a Markdown file) is read by the front end of the outer
syntax, which calls on the other for that part.
"""

from __future__ import annotations

from types import ModuleType

from parsers.frontends import asciidoc, delimited, html, markdown, org, rst, text, wiki

# A CSV/TSV file is claimed by `delimited` (0.95) over Markdown's 0.9 for a "# Title" line above
# it; the light markups (0.95 on their own signs) over Markdown, whose patterns their tables and
# numbered lists also show; plain text (0.3) is the fallback.
FRONTENDS: tuple[ModuleType, ...] = (html, delimited, org, rst, asciidoc, wiki, markdown, text)
FRONTENDS_BY_NAME = {f.NAME: f for f in FRONTENDS}


def ranked(text: str) -> list[tuple[str, float]]:
    """[(front end, score)], best first; ties keep registry order."""
    scored = [(f.NAME, max(0.0, min(1.0, float(f.sniff(text))))) for f in FRONTENDS]
    return sorted(scored, key=lambda s: -s[1])


def choose(text: str) -> ModuleType:
    """The front end that reads this text."""
    return FRONTENDS_BY_NAME[ranked(text)[0][0]]
