"""Risks written as sections: a heading per risk with labelled fields, and risks written as
records (list items, bold-label paragraphs, definition lists, label blocks). (Being ported.)"""

from __future__ import annotations

from parsers.model import Tree
from parsers.recognise.common import Context, Found
from parsers.recognise.tables import Verdicts


def recognise(tree: Tree, verdicts: Verdicts, ctx: Context) -> Found:
    """Every risk the tree writes as a section or record."""
    return Found()
