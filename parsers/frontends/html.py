"""Front end: HTML pages and fragments -> block tree. (Being ported from parsers.html_table.)"""

from __future__ import annotations

from parsers.model import Block, Tree
from pipeline.config import Config
from pipeline.records import Document

NAME = "html"


def sniff(text: str) -> float:
    return 0.0


def blocks(doc: Document, config: Config) -> Tree:
    return Tree(NAME, ())


def fragment_blocks(source: str, first_line: int, config: Config) -> list[Block]:
    """Blocks of an HTML fragment found inside another document (a Markdown file's raw HTML block),
    with source lines counted from `first_line` (the fragment's first line in the document)."""
    return []
