"""Risks listed by id and name alone: a list of `R01 - Title` items under a heading that names
risks ("Risks", "Riscos", "Top threats"), nothing rated. The same shape as a table of risk ids
and names under "Closed risks", written as a list.

A later list that names the same ids again (a "Mitigation" section re-listing each risk with its
actions under it) adds no risks: its items are recorded as skipped, and the actions nested under
them are left to the checklist recogniser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set

from parsers.model import Block, ListItem, Tree
from parsers.recognise.common import Context, Found, looks_like_id, nearest_section
from parsers.recognise.headings import names_risks
from pipeline.records import RawEntry, Skipped, SourceLoc

# An item that is an id, a separator, and a short title: "R01 - Title", "RSK-3: Title", "R-7 — Title".
ID_ITEM_RE = re.compile(r"^(?P<id>[^\s:–—-][^\s:]{0,23}?)\s*(?:[:–—]|\s-)\s+(?P<title>\S.{0,199})$")
# A list names risks when at least this many of its items are id items (and all of them are).
MIN_ITEMS = 2


def recognise(tree: Tree, ctx: Context, claimed: Set[int]) -> Found:
    """Risks listed by id and name under a heading that names risks; re-listings skipped."""
    found = Found()
    seen: set[str] = set()
    for run in _lists(tree.blocks):
        matches = [(item, ID_ITEM_RE.match(item.text)) for item in run]
        if len(run) < MIN_ITEMS or any(m is None or not looks_like_id(m["id"]) for _, m in matches):
            continue
        if any(item.line in claimed or item.box is not None for item in run):
            continue
        if not any(names_risks(text, ctx) for _, text in run[0].path[-1:]):
            continue
        for item, m in matches:
            assert m is not None
            if m["id"].casefold() in seen:  # not claimed: the actions nested under it may be checks
                found.skipped.append(Skipped(item.line, "list", "re-lists an entry named above", m["id"]))
                continue
            seen.add(m["id"].casefold())
            found.claimed.add(item.line)
            found.entries.append(
                RawEntry(
                    loc=SourceLoc(ctx.path, item.line),
                    parser=ctx.parser("lists"),
                    kind="risk",
                    fields={"entry_id": m["id"], "title": m["title"].strip()},
                    headers={"entry_id": "(list item)", "title": "(list item)"},
                    section=nearest_section(item.path),
                    lines=(item.line,),
                )
            )
    return found


def _lists(blocks: tuple[Block, ...]) -> Iterator[list[ListItem]]:
    """Runs of top-level list items that follow one another under the same heading."""
    run: list[ListItem] = []
    for block in blocks:
        if isinstance(block, ListItem) and block.depth == 0 and (not run or run[-1].path == block.path):
            run.append(block)
            continue
        if run:
            yield run
        run = [block] if isinstance(block, ListItem) and block.depth == 0 else []
    if run:
        yield run
