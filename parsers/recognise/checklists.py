"""Checklists written as lists: task lists, marked items, sign-off lists, box-less bullets of a
readiness checklist. (Being ported.)"""

from __future__ import annotations

from collections.abc import Set

from parsers.model import Tree
from parsers.recognise.common import Context, Found
from parsers.recognise.tables import Verdicts


def recognise(tree: Tree, verdicts: Verdicts, ctx: Context, claimed: Set[int] = frozenset()) -> Found:
    """Every check the tree writes as a list item (items on `claimed` lines are a risk's fields)."""
    return Found()
