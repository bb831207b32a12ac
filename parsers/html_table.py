"""Parser: HTML pages with real `<table>`s -> risk entries.

The page is parsed once with lxml's HTML parser (libxml2); page chrome (nav, script, style, the site header and
footer) is skipped, and every `<table>` becomes a `parsers.tables.Table` (header cells, rows of
cell text with source lines, the h2-h6 heading above it as section), so header synonyms,
legends and matrices behave exactly as for Markdown. Spanned cells are expanded the way a
browser lays them out (`parsers.html_grid.expand_spans`): a `rowspan` value fills every row it
covers and rows below it never shift a column.

Why lxml and not BeautifulSoup: measured on a 1.9 MB page of 20,000 rows, lxml parses in 0.2 s,
BeautifulSoup(features="lxml") in 5 s (and its Tags have no `sourceline`), and
BeautifulSoup(features="html.parser") in 53 s. Plain `lxml.etree` elements, not `lxml.html`'s,
because lxml.html looks up a Python element class for every node it hands out (a third of the
parse time on that page). lxml elements carry `.sourceline` from libxml2, exact up to line
65535, where libxml2's HTML parser caps it; `_big_lines` finds the true lines of rows past
that cap from the source text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass

from lxml import etree

from parsers import doc_meta
from parsers.fields import field_of_header, synonym_table
from parsers.html_grid import Cell, column_labels, expand_spans, span
from parsers.tables import RATING_FIELDS, Table, TableRow, legend_scales, register_entries
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.records import Document, ParsedDocument
from pipeline.textnorm import fold, squash

NAME = "html_table"

# Markers of a whole HTML page, looked for near the top only: a Markdown file with inline
# HTML never opens with a doctype or an <html>/<head>/<body> tag.
HTML_PAGE_RE = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
# Where a table starts, and a cell of one: a stray `<br>` in a pipe table matches neither.
TABLE_OPEN_RE = re.compile(r"<table[\s>]", re.IGNORECASE)
CELL_OPEN_RE = re.compile(r"<t[dhr][\s>]", re.IGNORECASE)
# A Markdown code fence line ("```html", "~~~"): HTML shown as an example, not a table of the document.
FENCE_RE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
# Start tags whose lines libxml2 may have capped, to find them again in the source text.
START_TAG_RE = {tag: re.compile(rf"<{tag}[\s/>]", re.IGNORECASE) for tag in ("tr", "td", "th")}
# Class names of "chips": one value each, laid side by side with nothing between them (Notion's
# people and multi-select values, Confluence mentions, Jira lozenges): two in a row are two items.
CHIP_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:user|mention|select-value|selected-value|status-value|lozenge|tag|chip|badge|pill)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Characters that already end a list item: a break after one needs no "; " of its own.
ITEM_END_CHARS = frozenset(".;:,!?+/&|-–—")

# How far into a text a page's opening tags are looked for.
PAGE_HEAD_CHARS = 4096
# libxml2's HTML parser stores line numbers in 16 bits: anything past this reads as this.
LINE_CAP = 65535
# A table whose spans would lay out more cells than this is an error, not a reason to use gigabytes.
MAX_TABLE_SLOTS = 5_000_000

# Elements that are page chrome, never content, wherever they are.
CHROME_TAGS = ("nav", "script", "style", "noscript", "template", "iframe", "svg", "math", "object")
# The site's header and footer: chrome unless they belong to the content (inside main/article).
SITE_TAGS = ("header", "footer")
CONTENT_TAGS = frozenset({"main", "article"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})
# Classes of the links wikis and doc sites put inside headings ("[edit]", "¶", "#"): chrome.
CHROME_CLASS_RE = re.compile(
    r"(?:^|\s)(?:mw-editsection|editsection|headerlink|hash-link|anchorjs-link|header-anchor|anchor-link)(?:$|\s)"
)
# Elements whose content is never text of a cell or of the page.
SKIP_TAGS = frozenset({*CHROME_TAGS, "head", "title", "select", "button"})
# Elements that start a new line of text: a separator between what comes before and after.
BLOCK_TAGS = frozenset(
    {
        "br",
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "address",
        "figure",
        "figcaption",
        "hr",
        "details",
        "summary",
        "main",
        "form",
        "fieldset",
        "legend",
        "center",
        "body",
    }
)
# Blocks that are items of a list, never the wrapped rest of a sentence.
ITEM_TAGS = frozenset({"li", "dt", "dd", "tr", "td", "th"})
SECTION_TAGS = ("h2", "h3", "h4", "h5", "h6")
ROW_GROUP_TAGS = frozenset({"thead", "tbody", "tfoot"})
CELL_TAGS = frozenset({"td", "th"})

_SEP = object()  # a line break or block boundary while collecting text pieces
_ITEM = object()  # the boundary of a list item (<li>, a nested cell)


def sniff(text: str) -> float:
    """How sure we are that the text is HTML with tables (0-1), by content, without parsing.

    >>> sniff("<!DOCTYPE html><html><body><table><tr><td>x</td></tr></table>")
    0.95
    >>> sniff("| a | b |\\n|---|---|\\n| x<br>y | z |")
    0.0
    """
    page = HTML_PAGE_RE.search(text, 0, PAGE_HEAD_CHARS) is not None
    table = TABLE_OPEN_RE.search(text)
    cells = table is not None and CELL_OPEN_RE.search(text, table.end()) is not None
    if cells:
        # A page with tables is ours; a Markdown file carrying an HTML table is ours too, beside
        # markdown_table, which reads its pipe tables and never its HTML ones.
        return 0.95 if page else 0.7
    return 0.3 if page else 0.0


def parse(doc: Document, config: Config) -> ParsedDocument:
    """Every register table of the page, one risk entry per body row."""
    page = HTML_PAGE_RE.search(doc.text, 0, PAGE_HEAD_CHARS) is not None
    source = doc.text if page else _without_code_fences(doc.text)
    try:
        root = etree.fromstring(source.encode("utf-8", "surrogatepass"), _PARSER)
    except etree.XMLSyntaxError as err:
        raise ParseError(f"lxml cannot read this page as HTML ({err}); is it really HTML?", doc.path) from err
    if root is None:  # nothing but whitespace: no tables
        return ParsedDocument(entries=[])
    big_lines = _big_lines(root, doc.text)
    page_title = _title_text(root)
    author = _meta_author(root)
    body = next(root.iter("body"), root)
    chrome = _chrome(root)

    synonyms = synonym_table(config.header_synonyms)
    entries, scales, properties = [], {}, {}
    try:
        for table in _tables(body, chrome, doc.text, big_lines):
            found = register_entries(table, parser=NAME, path=doc.path, synonyms=synonyms)
            if not found and (card := _transposed(table, synonyms)) is not None:
                found = register_entries(card, parser=NAME, path=doc.path, synonyms=synonyms)
            entries.extend(found)
            for fld, words in legend_scales(table, synonyms).items():
                scales.setdefault(fld, {}).update(words)
            if not found:
                properties = {**_page_properties(table), **properties}
    except ParseError as err:
        raise ParseError(err.message, doc.path, err.line) from err

    text = _page_text(body, chrome)
    metadata = {"author": author} if author else {}
    metadata.update(properties)
    metadata.update(doc_meta.metadata(text))
    h1 = next((t for el in body.iter("h1") if not _in(el, chrome) and (t := _cell_text(el, " ", chrome))), None)
    # The page's own <h1> names it: a <title> often adds the site's name ("... | Acme Docs") or is
    # only that, and the <h1> is what the same page scraped to text starts with, so both forms of
    # a page get the same service name.
    title = h1 or page_title or doc_meta.title(text)
    return ParsedDocument(entries=entries, title=title, metadata=metadata, stated_scales=scales)


# Forced UTF-8 (the text is already decoded): a page's own <meta charset> must not re-decode it,
# and bytes avoid lxml's refusal of str input that carries an <?xml encoding?> declaration.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=False)


def _tables(
    body: etree._Element, chrome: Set[etree._Element], text: str, big_lines: Mapping[etree._Element, int]
) -> Iterator[Table]:
    """Every table of the page outside its chrome, in document order, with the heading it sits under."""
    atx = _atx_headings(text) if not any(True for _ in body.iter("h1", *SECTION_TAGS)) else []
    section: str | None = None
    for el in body.iter("table", *SECTION_TAGS):
        if _in(el, chrome):
            continue
        if el.tag != "table":
            section = doc_meta.section_name(_cell_text(el, " ", chrome))
            continue
        table = _table(el, section, big_lines)
        if atx and table.section is None:
            k = bisect.bisect_left(atx, (table.line, "")) - 1
            table = Table(table.headers, table.rows, table.line, atx[k][1] if k >= 0 else None)
        yield table


@dataclass(frozen=True, slots=True)
class _SourceRow:
    group: etree._Element  # thead/tbody/tfoot, or the table itself
    line: int
    cells: tuple[etree._Element, ...]


def _table(table: etree._Element, section: str | None, big_lines: Mapping[etree._Element, int]) -> Table:
    """One `<table>` as a Table: header row(s) chosen, spans expanded, cell text extracted."""
    rows = [r for r in _source_rows(table, big_lines) if r.group.tag != "tfoot"]
    if not rows:
        return Table((), (), _line(big_lines, table), section)
    thead = next((r.group for r in rows if r.group.tag == "thead"), None)
    if thead is not None:
        head = [r.group is thead for r in rows]
    else:
        # Leading rows of <th> only; a table of <th> only (or with none) has its first row as header.
        run = next((k for k, r in enumerate(rows) if not all(c.tag == "th" for c in r.cells)), len(rows))
        n_head = run if 0 < run < len(rows) else 1
        head = [k < n_head for k in range(len(rows))]

    cells = [_cells(r, h) for r, h in zip(rows, head, strict=True)]
    size = sum(c.colspan * min(c.rowspan or len(rows), len(rows)) for row in cells for c in row)
    if size > MAX_TABLE_SLOTS:
        raise ParseError(
            f"table spreads over {size:,} cells once rowspan/colspan are expanded (limit "
            f"{MAX_TABLE_SLOTS:,}); check its span attributes",
            None,
            rows[0].line,
        )
    grid: list[list[str]] = []
    k = 0
    while k < len(rows):  # spans never cross a row group (thead, each tbody)
        end = k
        while end < len(rows) and rows[end].group is rows[k].group:
            end += 1
        grid.extend(expand_spans(cells[k:end]))
        k = end
    headers = column_labels([g for g, h in zip(grid, head, strict=True) if h])
    body = tuple(TableRow(r.line, tuple(g)) for r, g, h in zip(rows, grid, head, strict=True) if not h)
    return Table(headers, body, next(r.line for r, h in zip(rows, head, strict=True) if h), section)


def _transposed(table: Table, synonyms: Mapping[str, str]) -> Table | None:
    """A table of labels down its first column ("Risk", "Likelihood", "Owner"), one column of
    values per entry (a risk "card"), turned into a register with one row per value column;
    None when the first column does not read as field labels.

    It must name an id or title, a rating and a third field, and most labels must be fields,
    so a page-properties box (Owner, Status, Last updated) is left alone.
    >>> card = Table(("ID", "VP-3"), (TableRow(4, ("Risk", "Key leak")), TableRow(5, ("Impact", "High")),
    ...              TableRow(6, ("Owner", "SRE"))), 3)
    >>> flipped = _transposed(card, synonym_table())
    >>> flipped.headers, flipped.rows
    (('ID', 'Risk', 'Impact', 'Owner'), (TableRow(line=3, cells=('VP-3', 'Key leak', 'High', 'SRE')),))
    """
    grid = [(table.line, table.headers), *((r.line, r.cells) for r in table.rows)]
    if len(grid) < 3 or any(len(cells) < 2 or not cells[0] for _, cells in grid):
        return None
    labels = tuple(cells[0] for _, cells in grid)
    named = [field_of_header(label, synonyms) for label in labels]
    present = {f for f in named if f}
    if (
        len(present) < 3
        or not present & {"entry_id", "title"}
        or not present & RATING_FIELDS
        or len([f for f in named if f]) * 2 < len(labels)
    ):
        return None
    width = max(len(cells) for _, cells in grid)
    columns = (tuple(cells[c] if c < len(cells) else "" for _, cells in grid) for c in range(1, width))
    return Table(labels, tuple(TableRow(table.line, col) for col in columns), table.line, table.section)


def _page_properties(table: Table) -> dict[str, str]:
    """`Key: value` metadata told as a two-column table (a wiki's page-properties box), keys
    lower-cased; {} unless every row is a label and a value and a label is a metadata key.

    >>> _page_properties(Table(("Owner", "Video Platform"), (TableRow(8, ("Last updated", "2026-02-20")),), 7))
    {'owner': 'Video Platform', 'last updated': '2026-02-20'}
    """
    grid = [table.headers, *(r.cells for r in table.rows)]
    if any(len(cells) != 2 or not cells[0].strip() for cells in grid):
        return {}
    pairs = {fold(label): squash(value) for label, value in grid if squash(value)}
    return {key: value for key, value in pairs.items() if key in doc_meta.META_KEYS}


def _cells(row: _SourceRow, is_head: bool) -> list[Cell]:
    sep = " " if is_head else "; "
    cells = [Cell(_cell_text(c, sep), span(c.get("rowspan"), rowspan=True), span(c.get("colspan"))) for c in row.cells]
    if not is_head and len(cells) == 1 and cells[0].rowspan == 1:
        # A lone cell across the table ("Security risks") labels the rows under it: keep it
        # in the first column only, so that `register_entries` reads it as a group heading.
        cells = [Cell(cells[0].text)]
    return cells


def _source_rows(table: etree._Element, big_lines: Mapping[etree._Element, int]) -> list[_SourceRow]:
    """The table's own rows in document order (not those of tables nested in its cells).

    Cells that libxml2 left outside any `<tr>` (`<table><td>a<td>b`) form one row per run.
    """
    rows: list[_SourceRow] = []

    def visit(parent: etree._Element, group: etree._Element) -> None:
        orphans: list[etree._Element] = []
        for child in parent:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in CELL_TAGS:
                orphans.append(child)
                continue
            if orphans:
                rows.append(_SourceRow(group, _line(big_lines, *orphans), tuple(orphans)))
                orphans = []
            if tag == "tr":
                cells = tuple(_row_cells(child))
                if cells:
                    rows.append(_SourceRow(group, _line(big_lines, child, *cells), cells))
            elif tag in ROW_GROUP_TAGS:
                visit(child, child)
            elif tag and tag not in ("table", "caption", "colgroup", "col"):
                visit(child, group)  # a <form> or <div> wrapped around rows
        if orphans:
            rows.append(_SourceRow(group, _line(big_lines, *orphans), tuple(orphans)))

    visit(table, table)
    return rows


def _row_cells(tr: etree._Element) -> Iterator[etree._Element]:
    for child in tr:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in CELL_TAGS:
            yield child
        elif tag and tag not in ("table", "tr"):
            yield from _row_cells(child)


def _line(big_lines: Mapping[etree._Element, int], *els: etree._Element) -> int:
    """The source line of the first of `els` that has one (elements libxml2 made up may not)."""
    return next((n for el in els if (n := big_lines.get(el) or el.sourceline)), 1)


def _cell_text(el: etree._Element, sep: str = "; ", chrome: Set[etree._Element] = frozenset()) -> str:
    """The text of an element as a reader sees it: inline markup kept as text, line breaks
    and blocks (`<br>`, `<p>`, `<li>`, `<div>`) as `sep`, whitespace squashed.

    A break that only wraps a sentence, or follows text that already ends an item, is a space.
    >>> td = lambda html: etree.fromstring(html, _PARSER).find(".//td")
    >>> _cell_text(td("<td>Use <code>retry</code>&nbsp;<b>now</b><br>SRE<p>Security +</p>DBA<ul><li>a<li>b</ul>"))
    'Use retry now; SRE; Security + DBA; a; b'
    >>> _cell_text(td("<td>Index rebuild<br>blocks queries.<br>Throttle it</td>"))
    'Index rebuild blocks queries. Throttle it'
    >>> _cell_text(td('<td><span class="user"><img src="a.png">ML Platform</span><span class="user">Lena</span></td>'))
    'ML Platform; Lena'
    """
    if len(el) == 0:  # no child elements: most cells
        return squash(el.text or "")
    pieces: list[object] = []
    if el.text:
        pieces.append(el.text)
    _pieces(el, pieces, chrome, skip_tables=False)
    return _joined(pieces, sep)


def _page_text(body: etree._Element, chrome: Set[etree._Element]) -> str:
    """The page's text outside tables and chrome, one block per line: what `doc_meta` reads
    for the title and `Owner:` / `Last updated:` lines."""
    pieces: list[object] = []
    if body.text:
        pieces.append(body.text)
    _pieces(body, pieces, chrome, skip_tables=True)
    text = "".join("\n" if piece is _SEP or piece is _ITEM else str(piece) for piece in pieces)
    return "\n".join(squash(line) for line in text.split("\n") if line.strip())


def _pieces(el: etree._Element, out: list[object], chrome: Set[etree._Element], *, skip_tables: bool) -> None:
    """Text pieces and block boundaries under `el`, in reading order (depth <= 256 in lxml).

    Two chips side by side ("<span class=user>ML Platform</span><span class=user>Lena</span>")
    are kept apart as list items are.
    """
    chip: str | None = None  # tag of the chip just before, with nothing but spaces after it
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else None  # comments and PIs: no text
        is_chip = tag is not None and bool(CHIP_CLASS_RE.search(child.get("class") or ""))
        if is_chip and chip == tag:
            out.append(_ITEM)
        chip = tag if is_chip and not (child.tail or "").strip() else None
        if tag is not None and tag not in SKIP_TAGS and child not in chrome:
            if tag == "table" and skip_tables:
                out.append(_SEP)
            else:
                block = _ITEM if tag in ITEM_TAGS else _SEP if tag in BLOCK_TAGS else None
                if block is not None:
                    out.append(block)
                if tag == "img" and child.get("alt"):
                    out.append(f" {child.get('alt')} ")
                if child.text:
                    out.append(child.text)
                _pieces(child, out, chrome, skip_tables=skip_tables)
                if block is not None:
                    out.append(block)
        if child.tail:
            out.append(child.tail)


def _joined(pieces: Sequence[object], sep: str) -> str:
    """Pieces joined, each run of boundaries between two texts read as one `sep`.

    A line break before a lower-case word only wraps a sentence ("Index rebuild<br>blocks
    queries"), and one after text that already ends an item ("SRE +", "done.") needs no
    separator of its own: both read as a space. List items are always separated.
    """
    out: list[str] = []
    pending: object | None = None
    last = ""  # last visible character written
    for piece in pieces:
        if piece is _SEP or piece is _ITEM:
            pending = _ITEM if _ITEM in (pending, piece) else piece
            continue
        text = str(piece)
        if not text.strip():
            out.append(text)
            continue
        if pending is not None and last:
            while out and not out[-1].strip():
                out.pop()
            out[-1] = out[-1].rstrip()
            wraps = pending is _SEP and text.lstrip()[0].islower()
            out.append(" " if wraps or last in ITEM_END_CHARS else sep)
        pending = None
        out.append(text)
        last = text.rstrip()[-1]
    return squash("".join(out))


def _title_text(root: etree._Element) -> str | None:
    el = root.find("head/title")  # not an <svg>'s <title> in the body
    return squash("".join(el.itertext())) or None if el is not None else None


def _meta_author(root: etree._Element) -> str | None:
    for el in root.iter("meta"):
        if (el.get("name") or "").strip().lower() == "author" and squash(el.get("content") or ""):
            return squash(el.get("content") or "")
    return None


def _chrome(root: etree._Element) -> frozenset[etree._Element]:
    """The page's chrome: nav, scripts and styles anywhere, the site's header and footer (not
    those of an article), landmarks with a navigation or banner role, and the "[edit]" and
    permalink anchors wikis put in headings.

    The tree is never changed: dropping elements makes lxml re-set text, which it refuses for
    the control characters libxml2 lets through.
    """
    chrome = {*root.iter(*CHROME_TAGS)}
    chrome.update(el for el in root.iter(*SITE_TAGS) if not any(a.tag in CONTENT_TAGS for a in el.iterancestors()))
    chrome.update(
        el
        for el in root.iterfind(".//*[@role]")
        if el.tag not in ("html", "body", "main") and (el.get("role") or "").strip().lower() in CHROME_ROLES
    )
    chrome.update(el for el in root.iterfind(".//*[@class]") if CHROME_CLASS_RE.search(el.get("class") or ""))
    return frozenset(chrome)


def _in(el: etree._Element, chrome: Set[etree._Element]) -> bool:
    """Whether the element is chrome or inside it."""
    return el in chrome or any(a in chrome for a in el.iterancestors())


def _without_code_fences(text: str) -> str:
    """A Markdown text with the lines inside its code fences blanked (the line count kept), so
    an HTML example in a fence is not read as one of the document's tables.

    >>> _without_code_fences("a\\n```html\\n<table>\\n```\\nb")
    'a\\n\\n\\n\\nb'
    """
    if "```" not in text and "~~~" not in text:
        return text
    lines = text.split("\n")
    fence = ""
    for k, line in enumerate(lines):
        match = FENCE_RE.match(line)
        if fence:
            if match and match["fence"][0] == fence[0] and len(match["fence"]) >= len(fence):
                fence = ""
            lines[k] = ""
        elif match:
            fence, lines[k] = match["fence"], ""
    return "\n".join(lines)


def _atx_headings(text: str) -> list[tuple[int, str]]:
    """(line, section name) of each level 2-6 Markdown heading: the sections of a Markdown
    document that carries HTML tables (it has no <h2> elements)."""
    found = []
    for k, line in enumerate(text.split("\n"), start=1):
        if not line.lstrip().startswith("#") or not (m := doc_meta.ATX_HEADING_RE.match(line)):
            continue
        if len(m["marks"]) > 1 and (name := doc_meta.section_name(m["text"])):
            found.append((k, name))
    return found


def _big_lines(root: etree._Element, text: str) -> dict[etree._Element, int]:
    """True lines of rows and cells past libxml2's line cap, found in order in the source.

    Only pages of more than 65535 lines need it. Each capped `<tr>`/`<td>`/`<th>` takes the
    next such start tag in the text after the cap; a row libxml2 made up (no tag in the
    source) or a tag-like string in a script there would put later lines off by one row.
    """
    if text.count("\n") < LINE_CAP - 1:
        return {}
    start = 0
    for _ in range(LINE_CAP - 1):
        start = text.index("\n", start) + 1
    found: dict[etree._Element, int] = {}
    for tag, pattern in START_TAG_RE.items():
        pos, line = start, LINE_CAP
        matches = pattern.finditer(text, start)
        for el in root.iter(tag):
            if (el.sourceline or 0) < LINE_CAP:
                continue
            match = next(matches, None)
            if match is None:
                break
            line += text.count("\n", pos, match.start())
            pos = match.start()
            found[el] = line
    return found
