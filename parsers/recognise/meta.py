"""Document metadata: the title, and the `Key: value` facts a register states about itself.

Registers open with a title (a level-1 heading; a front-matter or `<title>` title; else the first
heading or first line) and a few `Key: value` lines, sometimes several on one line ("Status:
populated Owner: Platform Engineering Last updated: 2026-04-18"), sometimes in front matter, a
page-properties table or a definition list. The keys worth keeping are the lexicon's
`meta_keys`; the scan stops at the first line that opens an entry (`ID:`, `Likelihood:`), since
a risk's own `Owner:` further down is the risk's, not the document's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from parsers.model import Block, Heading, KeyValue, ListItem, Paragraph, Table, Tree
from parsers.recognise.common import Context
from pipeline.textnorm import fold, squash

# A line that opens an entry rather than describing the document: a risk's id, title or rating label.
ENTRY_LABEL_RE = re.compile(
    r"^\s*(?:id|risk(?: id| title)?|likelihood|probability|impact|severity|risk level|threat|mitigation)\s*:",
    re.IGNORECASE,
)
# The label opening a line ("Probabilidad:", "Eintrittswahrscheinlichkeit："): a rating label in
# any language the document is read in opens an entry too.
LINE_LABEL_RE = re.compile(r"^\s*(?P<label>[^\W\d_][\w .'/-]{0,38}?)\s*[:：]")
# Fields only an entry states: a line labelled so is a risk's, never the document's.
ENTRY_ONLY_FIELDS = ("likelihood", "impact")
# Separators left at the end of a metadata value when several share a line ("Search Infra  ·").
VALUE_TRIM = " ·|;,–—-"
# How far into a document metadata lines are looked for, and titles.
META_LINES = 30
TITLE_BLOCKS = 25
# A line too long to be a title.
MAX_TITLE = 140


def title(tree: Tree, ctx: Context) -> str | None:
    """The document's title: its first level-1 heading, else the title the syntax declares
    (front matter, `<title>`, `#+TITLE`), else its first heading, else its first line of
    plain text if that is not a label."""
    # The first blocks of content (not lines: a page's <head> or a one-line export says nothing
    # about how far down its title sits).
    content = [b for b in tree.blocks if not b.chrome][:TITLE_BLOCKS]
    h1 = next((b for b in content if isinstance(b, Heading) and b.level == 1 and b.text), None)
    if h1 is not None:
        return squash(h1.text)
    if tree.declared_title:
        return squash(tree.declared_title)
    for block in content:
        if isinstance(block, Heading) and block.text:
            return squash(block.text)
        if isinstance(block, Paragraph):
            first = block.text.split("\n")[0].strip()
            if not first or len(first) > MAX_TITLE or meta_key_re(ctx).match(first) or opens_entry(first, ctx):
                return None
            return first
        if isinstance(block, Table | ListItem | KeyValue):
            return None
    return None


def metadata(tree: Tree, ctx: Context, property_tables: Sequence[Table] = ()) -> dict[str, str]:
    """`Key: value` pairs stated about the document, keys lower-cased: the syntax's own properties
    first (front matter, `<meta>`), then property tables and definition lists, then lines. A key
    written in another language is kept under the English key it stands for ("Responsable" ->
    "owner", `[meta]` of the language packs)."""
    keys = ctx.lexicon.phrases("meta_keys")
    found: dict[str, str] = {k: v for k, v in tree.properties.items() if k != "title"}
    for table in property_tables:
        # A row can be short of its second cell (an HTML row whose cell swallowed the rest).
        pairs = [cells[:2] for cells in (table.header, *(r.cells for r in table.rows)) if len(cells) >= 2]
        for label, value in pairs:
            if fold(label) in keys and squash(value):
                found.setdefault(ctx.lexicon.meta_key(label), squash(value))
    pattern = meta_key_re(ctx)
    for line in _top_lines(tree.blocks):
        if isinstance(line, KeyValue):
            if fold(line.key) in keys and line.value:
                found.setdefault(ctx.lexicon.meta_key(line.key), squash(line.value))
            continue
        if opens_entry(line, ctx):
            break
        matches = list(pattern.finditer(line))
        if not matches or line[: matches[0].start()].strip(" -*>"):
            continue
        for match, nxt in zip(matches, [*matches[1:], None], strict=True):
            value = squash(line[match.end() : nxt.start() if nxt else len(line)]).strip(VALUE_TRIM)
            key = ctx.lexicon.meta_key(match["key"])
            if value and key not in found:
                found[key] = value
    return found


def opens_entry(line: str, ctx: Context) -> bool:
    """Whether a line opens an entry rather than describing the document: an id, title or rating
    label ("Likelihood: High", "Probabilidad: Alta").

    >>> from pipeline.languages import configured
    >>> es = Context("x.md", "markdown", configured(Context("x.md", "markdown").config, ["es"]))
    >>> [opens_entry(line, es) for line in ("Risk: vault sealed", "Probabilidad: Alta", "Responsable: Ana")]
    [True, True, False]
    """
    if ENTRY_LABEL_RE.match(line):
        return True
    m = LINE_LABEL_RE.match(line)
    return m is not None and ctx.lexicon.field_of(m["label"]) in ENTRY_ONLY_FIELDS


def _top_lines(blocks: tuple[Block, ...]) -> Iterator[str | KeyValue]:
    """The text lines (and definition entries) of the blocks in the first lines of a document."""
    for block in blocks:
        if block.line > META_LINES:
            return
        if block.chrome or isinstance(block, Table):
            continue
        if isinstance(block, KeyValue):
            yield block
        elif isinstance(block, Paragraph | Heading):
            yield from block.text.split("\n")
        elif isinstance(block, ListItem):
            yield block.text


def meta_key_re(ctx: Context) -> re.Pattern[str]:
    """One `Key: value` start of the lexicon's metadata keys: at line start or after a space,
    longest key first ("Last updated" before "Updated")."""

    def build() -> re.Pattern[str]:
        keys = sorted(ctx.lexicon.words.get("meta_keys", ()), key=len, reverse=True)
        body = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys) or r"(?!x)x"
        return re.compile(rf"(?:^|(?<=\s))(?P<key>{body})\s*[:：]\s*", re.IGNORECASE)

    return ctx.lexicon.cached("meta_key_re", build)
