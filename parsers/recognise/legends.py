"""Legends: the scale a document states for itself ("1 Rare, 2 Unlikely ... 5 Almost certain").

A legend table has a column of distinct levels (1, 2, 3...) and likelihood or impact columns of
words; its words are the document's own scale (`ParsedDocument.stated_scales`), which the
normaliser reads before the default vocabulary. A register (a table with titles or ids) is never
a legend, even when its rating columns are all numbers.

A legend written as text states one field's scale the same way: a label naming the likelihood
or the impact over its numbered words on one line ("Impact: 1 Negligible · 2 Minor · 3 Moderate",
"Schadensausmaß: 1 = gering, 2 = spürbar, ...", "**Impact:** 1 – Negligible; 2 – Minor; ..."),
or a list of them ("- 4 Significant") after such a label or under a heading naming the field's
scale ("Impact scale"). A scale names at least three levels, one after the other, counting up
from 0 or 1 or down to it: a risk's own "Impact: 4 (Significant)" is its rating, not a legend.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from parsers.inline import plain
from parsers.model import Block, KeyValue, ListItem, Paragraph, Table, Tree, walk
from parsers.recognise.columns import field_of_header
from parsers.recognise.common import NUMBER_CELL_RE, Context
from parsers.recognise.labels import label_of
from pipeline.textnorm import squash

Scales = dict[str, dict[str, int]]

# The fields a legend states a scale for.
LEGEND_FIELDS = ("likelihood", "impact")
# A level of a scale written in text, and what parts it from its words: "1 Negligible", "1 =
# sehr gering", "1 – Negligible", "1: Rare", "1) Rare"; the words start with a letter. Not a
# number inside another ("2.5", "1,5") or glued to a word ("v2").
LEVEL_MARK_RE = re.compile(r"(?<![\w.,])(?P<level>\d{1,2})(?:\s*[=:–—-]\s*|\)\s*|\s+)(?=[^\W\d_])")
# What is left around one level's words: the separators between levels, a closing full stop.
LEVEL_TRIM = " \t·•;,|.–—-"
# Where a level's name ends and its explanation starts: "Minor (up to 2 hours)", "Minor – one
# depot", "Minor: one depot".
LEVEL_NAME_END_RE = re.compile(r"\s*(?:\(|[–—:]\s|\s-\s)")
# A scale names at least this many levels ("Impact: 4 (Significant)" is a rating).
MIN_LEGEND_LEVELS = 3
# Words in a level's name at most ("sehr gering", "Almost certain"); more is a sentence.
MAX_LEVEL_NAME_WORDS = 4


@dataclass(frozen=True, slots=True)
class TextLegend:
    """A scale written as text: where it is, what it was written as, and its words."""

    line: int
    structure: str  # "paragraph" or "list", as `Skipped.structure`
    detail: str  # the label or heading it states the scale of
    scales: Scales


def legend_scales(table: Table, ctx: Context) -> Scales:
    """The scale a legend table states: {"likelihood": {"Almost certain": 5, ...}, ...}.

    >>> from parsers.model import Row
    >>> legend = Table(line=1, end=3, header=("Score", "Likelihood", "Impact"),
    ...                rows=(Row(2, ("1", "Rare", "Minor")), Row(3, ("2", "Likely", "Major"))))
    >>> legend_scales(legend, Context("x.md", "md"))
    {'likelihood': {'Rare': 1, 'Likely': 2}, 'impact': {'Minor': 1, 'Major': 2}}
    """
    fields = [field_of_header(h, ctx) for h in table.header]
    if not table.rows or {"title", "entry_id"} & set(fields):
        return {}
    level_col = None
    for c in range(len(table.header)):
        cells = [r.cells[c] for r in table.rows if c < len(r.cells)]
        numbers = [m for cell in cells if (m := NUMBER_CELL_RE.match(cell))]
        if cells and len(numbers) == len(cells) and len({m["n"] for m in numbers}) == len(numbers):
            level_col = c
            break
    if level_col is None:
        return {}
    scales: Scales = {}
    for col, fld in enumerate(fields):
        if fld not in ("likelihood", "impact") or col == level_col:
            continue
        for row in table.rows:
            if col < len(row.cells) and level_col < len(row.cells) and row.cells[col].strip():
                if NUMBER_CELL_RE.match(row.cells[col]):
                    continue
                level = NUMBER_CELL_RE.match(row.cells[level_col])
                if level is not None:
                    scales.setdefault(fld, {})[squash(row.cells[col].replace("\n", " "))] = int(level["n"])
    return scales


def merge_scales(into: Scales, more: Scales) -> None:
    """Add a legend's words to the document's scales (a later legend adds, never removes)."""
    for fld, words in more.items():
        into.setdefault(fld, {}).update(words)


def text_legends(tree: Tree, ctx: Context) -> list[TextLegend]:
    """Every scale the document writes as text: label lines of numbered words, and lists of
    numbered words after a label or under a heading naming the field's scale (see the module
    docstring)."""
    blocks = list(walk(tree.blocks))
    found: list[TextLegend] = []
    i = 0
    while i < len(blocks):
        if run := _level_items(blocks, i):
            if (legend := _list_legend(run, blocks[i - 1] if i else None, ctx)) is not None:
                found.append(legend)
            i += len(run)
            continue
        found.extend(_line_legends(blocks[i], ctx))
        i += 1
    return found


def _line_legends(block: Block, ctx: Context) -> list[TextLegend]:
    """The scales stated on the lines of a paragraph, a list item or a definition, one a line."""
    # A scale runs from 0 or 1 up, or down to 1, over three levels at least: it writes a 1 and a 2.
    # Asked first, as nearly every block of every document comes here.
    text = block.value if isinstance(block, KeyValue) else getattr(block, "text", "")
    if "1" not in text or "2" not in text:
        return []
    if isinstance(block, KeyValue):
        labelled = [(block.line, block.key, plain(block.marked or block.value))]
    elif isinstance(block, Paragraph | ListItem):
        lines = enumerate(block.marked.split("\n"))
        labelled = [(block.line + k, found[0], plain(found[1])) for k, line in lines if (found := _label(line, ctx))]
    else:
        return []
    structure = "list" if isinstance(block, ListItem) else "paragraph"
    return [
        TextLegend(line, structure, label, {fld: words})
        for line, label, value in labelled
        if (fld := field_of_header(label, ctx)) in LEGEND_FIELDS and (words := levels_on_line(value))
    ]


def _label(line: str, ctx: Context) -> tuple[str, str] | None:
    """(label, value) of a marked line that opens with a label, plain or in emphasis."""
    return label_of(line, ctx, plain_labels=True)


def _level_items(blocks: Sequence[Block], first: int) -> list[ListItem]:
    """The run of sibling list items from index `first` (in `walk` order) that each open with a
    level ("- 4 Significant"); [] when the block there is no such item."""
    run: list[ListItem] = []
    for k in range(first, len(blocks)):  # not blocks[first:]: a copy of the rest for every block
        block = blocks[k]
        if not isinstance(block, ListItem) or not LEVEL_MARK_RE.match(block.text) or block.children:
            break
        if run and (block.depth, block.path) != (run[0].depth, run[0].path):
            break
        run.append(block)
    return run


def _list_legend(items: Sequence[ListItem], before: Block | None, ctx: Context) -> TextLegend | None:
    """The scale a list of numbered words states, when the label right before it ("Impact:", a
    paragraph or the item the list is nested in) or else the heading it sits under ("Impact
    scale") names a field with a scale."""
    named: str | None = None
    if isinstance(before, Paragraph | ListItem) and (found := _label(before.marked.split("\n")[-1], ctx)):
        named = found[0] if not plain(found[1]) else None
    if named is None and items[0].path:
        named = items[0].path[-1][1]
    fld = field_of_header(named, ctx) if named else None
    if fld not in LEGEND_FIELDS:
        return None
    levels = [(int(m["level"]), item.text[m.end() :]) for item in items if (m := LEVEL_MARK_RE.match(item.text))]
    words = scale_words(levels)
    return TextLegend(items[0].line, "list", named or "", {fld: words}) if words else None


def levels_on_line(text: str) -> dict[str, int]:
    """The words of each level of a scale written on one line, {} unless the text is one: from
    its start, levels one after the other (a number inside brackets or out of turn is part of
    the words).

    >>> levels_on_line("1 Negligible · 2 Minor (under 2 hours) · 3 Moderate · 4 Significant")
    {'Negligible': 1, 'Minor': 2, 'Moderate': 3, 'Significant': 4}
    >>> levels_on_line("1 = sehr gering, 2 = gering, 3 = mittel, 4 = hoch, 5 = sehr hoch.")
    {'sehr gering': 1, 'gering': 2, 'mittel': 3, 'hoch': 4, 'sehr hoch': 5}
    >>> levels_on_line("4 (Significant)"), levels_on_line("3 of 5 - 2 teams down, 1 region")
    ({}, {})
    """
    marks: list[re.Match[str]] = []
    depth, seen = 0, 0  # the brackets open before each mark, counted once over the text
    for m in LEVEL_MARK_RE.finditer(text):
        depth += text.count("(", seen, m.start()) - text.count(")", seen, m.start())
        seen = m.start()
        if depth <= 0:
            marks.append(m)
    if not marks or text[: marks[0].start()].strip(LEVEL_TRIM):
        return {}
    run = [marks[0]]
    for m in marks[1:]:
        step = int(m["level"]) - int(run[-1]["level"])
        if step in (1, -1) and (len(run) == 1 or step == int(run[-1]["level"]) - int(run[-2]["level"])):
            run.append(m)
    ends = [m.start() for m in run[1:]] + [len(text)]
    return scale_words([(int(m["level"]), text[m.end() : end]) for m, end in zip(run, ends, strict=True)])


def scale_words(levels: Sequence[tuple[int, str]]) -> dict[str, int]:
    """{name: level} of a scale's levels as written (level, its words and explanation), {}
    unless they are a scale: at least MIN_LEGEND_LEVELS levels one after the other, counting up
    from 0 or 1 or down to it, each named by a few words without digits.

    >>> scale_words([(1, "Rare ·"), (2, "Unlikely (once a year) ·"), (3, "Possible.")])
    {'Rare': 1, 'Unlikely': 2, 'Possible': 3}
    >>> scale_words([(5, "Catastrophic"), (4, "Major"), (3, "Moderate")])
    {}
    >>> scale_words([(1, "Rare"), (2, "Unlikely"), (3, "12 hours")])
    {}
    """
    numbers = [n for n, _ in levels]
    steps = {b - a for a, b in pairwise(numbers)}
    if len(levels) < MIN_LEGEND_LEVELS or len(steps) != 1 or not steps <= {1, -1} or min(numbers) > 1:
        return {}
    words: dict[str, int] = {}
    for level, written in levels:
        name = squash(LEVEL_NAME_END_RE.split(written.strip(LEVEL_TRIM), maxsplit=1)[0]).strip(LEVEL_TRIM)
        if not name or any(c.isdigit() for c in name) or len(name.split()) > MAX_LEVEL_NAME_WORDS:
            return {}
        words[name] = level
    return words
