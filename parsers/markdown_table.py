"""Parser: Markdown pipe tables (GFM) -> risk entries.

Tables are found with markdown-it-py's table rule, not line regexes, so escaped pipes, rows
without a trailing pipe and inline markup behave as in any Markdown renderer; `Token.map` gives
each row's source line. One deliberate difference from GFM: a `|` inside a code span does not
split the cell (authors write `a|b` in code and mean it), so such pipes are escaped first.
Org-mode and psql tables (`|---+---|`, `----+----` under the header) are read as pipe tables.
The plain-text tables other tools write are read too, by their rule lines rather than
markdown-it, which has no rule for them: Pandoc grid tables (`+----+----+` borders, `+====+`
under the header, cells that wrap over lines) and tables aligned with spaces under a rule of
dashes (`-----  ------`, Pandoc simple tables, SQL*Plus and fixed-width reports), whose
columns are where the dashes are.
Header synonyms, legends and matrices are handled by `parsers.tables`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from markdown_it import MarkdownIt
from markdown_it.token import Token

from parsers import doc_meta
from parsers.fields import field_of_header, synonym_table
from parsers.tables import Table, TableRow, legend_scales, register_entries
from pipeline.config import Config
from pipeline.records import Document, ParsedDocument
from pipeline.textnorm import squash

NAME = "markdown_table"

# A GFM delimiter row: "|---|:---:|", "--- | ---", at least two cells.
DELIMITER_ROW_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$", re.MULTILINE)
# A code span: a run of backticks, the shortest text, the same run again.
CODE_SPAN_RE = re.compile(r"(?P<ticks>`+)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)")
# `<br>` in a cell is a line break inside it: a space in the cell's text, or "; " between
# the items of a cell (`SRE<br>Data Platform`), as for HTML tables.
BR_TAG_RE = re.compile(r"^<br\s*/?>$", re.IGNORECASE)
# Characters that already end an item: a break after one needs no "; " of its own.
ITEM_END_CHARS = frozenset(".;:,!?+/&|-–—")

# The rule under the header of an org-mode or psql table ("|----+-----|", "-----+------"): a
# delimiter row with "+" where GFM has "|"; rewritten as one before markdown-it reads the text.
PLUS_RULE_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\+[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$", re.MULTILINE)
# A Pandoc grid-table border: "+------+-------+"; "+======+" under the header, ":" for alignment.
GRID_BORDER_RE = re.compile(r"^[ \t]*\+(?:[-=:]+\+){2,}[ \t]*$", re.MULTILINE)
# The rule under the header of a table aligned with spaces: one run of dashes per column (a
# one-letter column has a one-dash run; the first run has two or more, so "- - -" is not one).
DASH_RULE_RE = re.compile(r"^[ \t]*-{2,}(?:[ \t]+-+)+[ \t]*$", re.MULTILINE)
# One column's run of dashes in such a rule.
DASH_RUN_RE = re.compile(r"-+")
# Two or more spaces: where the header cells of a space-aligned table part (for sniff only).
SPACES_RE = re.compile(r"\s{2,}")
# A gap of two or more spaces before the next cell of a space-aligned row.
WIDE_GAP_RE = re.compile(r"[ \t]{2,}(?=\S)")
# Header synonyms for sniff, which has no Config.
DEFAULT_SYNONYMS = synonym_table()

# Block-level parse only; the inline parser runs on table cells and headings, not on prose.
# Block-level parse only (the inline parser runs on cells and headings): shared with markdown_blocks.
BLOCK_PARSER = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")
_INLINE = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def sniff(text: str) -> float:
    """How sure we are that the text holds Markdown pipe tables (0-1), without parsing it.

    >>> sniff("| ID | Risk |\\n|---|---|\\n| R1 | x |"), sniff("+----+------+\\n| ID | Risk |")
    (0.9, 0.8)
    >>> sniff("ID   Risk         Owner\\n---  -----------  -----\\nR1   Vault outage SRE"), sniff("a\\n-- --")
    (0.7, 0.0)
    """
    match = DELIMITER_ROW_RE.search(text) or PLUS_RULE_RE.search(text)
    if match:
        return 0.9 if _line_before(text, match.start()).count("|") >= 2 else 0.6
    for match in GRID_BORDER_RE.finditer(text):
        if text[match.end() + 1 : match.end() + 64].lstrip(" \t").startswith("|"):
            return 0.8
    for match in DASH_RULE_RE.finditer(text):
        cells = SPACES_RE.split(_line_before(text, match.start()).strip())
        if len(cells) >= 3 and sum(1 for c in cells if field_of_header(c, DEFAULT_SYNONYMS)) >= 2:
            return 0.7
    return 0.0


def _line_before(text: str, start: int) -> str:
    """The line that ends just before position `start` (the start of a line)."""
    return text[text.rfind("\n", 0, max(0, start - 1)) + 1 : start]


def parse(doc: Document, config: Config) -> ParsedDocument:
    """Every register table in the document, one risk entry per row."""
    synonyms = synonym_table(config.header_synonyms)
    entries, scales = [], {}
    # A YAML front-matter block would read as a setext heading (the section of every row below).
    for table in tables(doc_meta.without_front_matter(doc.text)):
        entries.extend(register_entries(table, parser=NAME, path=doc.path, synonyms=synonyms))
        for fld, words in legend_scales(table, synonyms).items():
            scales.setdefault(fld, {}).update(words)
    return ParsedDocument(
        entries=entries, title=doc_meta.title(doc.text), metadata=doc_meta.metadata(doc.text), stated_scales=scales
    )


def tables(text: str) -> list[Table]:
    """Every table in a Markdown text (pipe, grid and space-aligned), with the heading it sits
    under, in document order."""
    tokens = BLOCK_PARSER.parse(_escape_code_span_pipes(_plus_rules_as_pipes(text)))
    found: list[Table] = []
    headings: list[tuple[int, str | None]] = []  # (1-based line, section name)
    fenced: set[int] = set()  # 0-based lines inside code fences or blocks
    section: str | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        # The document's own title (a level-1 heading) names the service, not a section.
        if tok.type == "heading_open" and tok.tag != "h1":
            section = doc_meta.section_name(inline_text(tokens[i + 1].content))
            headings.append((tok.map[0] + 1 if tok.map else 0, section))
        elif tok.type in ("fence", "code_block") and tok.map:
            fenced.update(range(*tok.map))
        elif tok.type == "table_open":
            end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
            found.append(_table(tokens[i:end], section))
            i = end
        i += 1
    if "+-" in text or "--" in text:
        found.extend(_plain_tables(text.split("\n"), fenced, headings))
        found.sort(key=lambda table: table.line)
    return found


def _plain_tables(lines: Sequence[str], fenced: set[int], headings: Sequence[tuple[int, str | None]]) -> list[Table]:
    """Grid tables and space-aligned tables (see the module docstring), outside code fences."""
    found: list[Table] = []
    i = 0
    while i < len(lines):
        table, end = None, i + 1
        if i not in fenced and GRID_BORDER_RE.match(lines[i]):
            table, end = _grid_table(lines, i)
        elif i not in fenced and i > 0 and lines[i - 1].strip() and DASH_RULE_RE.match(lines[i]):
            table, end = _aligned_table(lines, i)
        if table is not None and table.rows:
            section = next((name for line, name in reversed(headings) if line < table.line), None)
            found.append(Table(table.headers, table.rows, table.line, section))
        i = max(end, i + 1)
    return found


def _grid_table(lines: Sequence[str], first: int) -> tuple[Table | None, int]:
    """A Pandoc grid table from its top border at index `first`; and the index after it.

    Columns are where the border has "+"; a row runs from border to border, its cells' lines
    joined. Rows above a "+====+" border are the header, else the first row is.
    >>> t, end = _grid_table(["+----+---------+", "| ID | Risk    |", "+====+=========+",
    ...                       "| R1 | Vault   |", "|    | outage  |", "+----+---------+"], 0)
    >>> t.headers, t.rows, end
    (('ID', 'Risk'), (TableRow(line=4, cells=('R1', 'Vault outage')),), 6)
    """
    cuts = [k for k, ch in enumerate(lines[first]) if ch == "+"]
    rows: list[tuple[int, list[list[str]]]] = []  # (1-based line, each column's lines)
    head = 0
    current: tuple[int, list[list[str]]] | None = None
    i = first + 1
    while i < len(lines):
        line = lines[i]
        if GRID_BORDER_RE.match(line):
            if current is not None:
                rows.append(current)
                current = None
            if "=" in line and not head:
                head = len(rows)
        elif line.lstrip().startswith("|"):
            if current is None:
                current = (i + 1, [[] for _ in pairwise(cuts)])
            for col, (a, b) in enumerate(pairwise(cuts)):
                current[1][col].append(line[a + 1 : b])
        else:
            break
        i += 1
    if current is not None:
        rows.append(current)
    if not rows:
        return None, i
    texts = [
        (line, tuple(inline_text(" ".join(p.strip() for p in parts), items=True) for parts in cells))
        for line, cells in rows
    ]
    head = head or 1
    headers = tuple(squash(" ".join(cells[c] for _, cells in texts[:head])) for c in range(len(cuts) - 1))
    body = tuple(TableRow(line, cells) for line, cells in texts[head:])
    return Table(headers, body, first + 1), i


def _aligned_table(lines: Sequence[str], rule: int) -> tuple[Table | None, int]:
    """A table aligned with spaces: the header line above the dash rule at index `rule`, rows
    under it up to a blank line; each column starts where its run of dashes does.

    >>> t, end = _aligned_table(["ID    Risk            Owner", "----  --------------  -----",
    ...                          "AG-1  JWKS cached     Identity", "AG-2  Limiter lost    SRE", ""], 1)
    >>> t.headers, [r.cells for r in t.rows], end
    (('ID', 'Risk', 'Owner'), [('AG-1', 'JWKS cached', 'Identity'), ('AG-2', 'Limiter lost', 'SRE')], 4)

    A row whose first cell is empty goes on with the row above (a report that wrapped it).
    """
    runs = [m.span() for m in DASH_RUN_RE.finditer(lines[rule])]
    starts = [a for a, _ in runs]
    wide = min(b2 - a1 for (_, a1), (b2, _) in pairwise(runs)) >= 2  # columns apart by 2+ spaces
    headers = tuple(inline_text(c) for c in _aligned_cells(lines[rule - 1], starts, wide))
    rows: list[TableRow] = []
    i = rule + 1
    while i < len(lines) and lines[i].strip() and not DASH_RULE_RE.match(lines[i]):
        cells = tuple(inline_text(c, items=True) for c in _aligned_cells(lines[i], starts, wide))
        if rows and not cells[0]:  # a row that wrapped: its cells go on under the row's
            last = rows[-1]
            cells = tuple(squash(f"{a} {b}") for a, b in zip(last.cells, cells, strict=True))
            rows[-1] = TableRow(last.line, cells)
        else:
            rows.append(TableRow(i + 1, cells))
        i += 1
    return Table(headers, tuple(rows), rule), i


def _aligned_cells(line: str, starts: Sequence[int], wide: bool) -> list[str]:
    """A line cut at the columns' starts. A word that starts right at a column's start is that
    column's, unless it runs on into the column after (then it is the tail of a cell wider than
    its rule). A cell that runs on past a start: when the columns are kept apart by two or more
    spaces (`wide`), the cut moves to the next such gap, otherwise to the next space.

    >>> _aligned_cells("AG-2  Rate limiter state lost   SRE", [0, 6, 22], True)
    ['AG-2', 'Rate limiter state lost', 'SRE']
    >>> _aligned_cells("R1 Vault outage SRE", [0, 3, 12], False)
    ['R1', 'Vault outage', 'SRE']
    >>> _aligned_cells("PQ-1  Spooler fills when jobs pile up", [0, 6, 20, 23], True)
    ['PQ-1', 'Spooler fills when jobs pile up', '', '']
    """
    cells = []
    begin = 0
    for k, cut in enumerate([*starts[1:], None]):
        if cut is None or cut >= len(line):
            cells.append(line[begin:cut].strip())
            begin = len(line)
            continue
        cut = max(cut, begin)
        # Two spaces before the start part two columns; one space in a wide table is only a
        # column's start when the word there ends before the next column does.
        after = starts[k + 2] if k + 2 < len(starts) else len(line)
        fits = after >= len(line) or line[after - 1].isspace() or line[after].isspace()
        clean = line[cut - 1].isspace() and (not wide or cut < 2 or line[cut - 2].isspace() or fits)
        if not clean and wide:
            gap = WIDE_GAP_RE.search(line, cut)
            cut = gap.end() if gap else len(line)
        elif not clean:
            while cut < len(line) and not line[cut].isspace():
                cut += 1
        cells.append(line[begin:cut].strip())
        begin = cut
    return cells


def _table(tokens: list[Token], section: str | None) -> Table:
    headers: list[str] = []
    rows: list[TableRow] = []
    row: list[str] | None = None
    row_line = 0
    in_head = False
    for tok in tokens:
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row, row_line = [], (tok.map[0] + 1 if tok.map else 0)
        elif tok.type == "inline" and row is not None:
            row.append(inline_text(tok.content) if in_head else inline_text(tok.content, items=True))
        elif tok.type == "tr_close" and row is not None:
            if in_head:
                headers = row
            else:
                rows.append(TableRow(row_line, tuple(row)))
            row = None
    line = tokens[0].map[0] + 1 if tokens[0].map else 0
    return Table(tuple(headers), tuple(rows), line, section)


def inline_text(markdown: str, *, items: bool = False) -> str:
    """Plain text of inline Markdown: markup dropped, code kept, breaks as spaces.

    With `items` (a table cell), a `<br>` before a capital or a digit keeps two items apart with
    "; " (`SRE<br>Data Platform`, as in HTML tables), one inside a sentence stays a space, and
    struck-out text (`~~Open~~ Mitigated`) is dropped when something else is left.
    >>> inline_text("**Vault** outage in `a|b` <br> see [runbook](x.md)")
    'Vault outage in a|b see runbook'
    >>> inline_text("SRE<br>Data Platform", items=True), inline_text("Kafka lag<br>grows", items=True)
    ('SRE; Data Platform', 'Kafka lag grows')
    >>> inline_text("~~Open~~ Mitigated", items=True), inline_text("~~Retired risk~~", items=True)
    ('Mitigated', 'Retired risk')
    """
    if not markdown.strip():
        return ""
    out: list[str] = []
    kept: list[str] = []  # the text outside strikethrough
    struck = 0
    for tok in _INLINE.parseInline(markdown)[0].children or []:
        piece: str | None = None
        if tok.type in ("text", "code_inline", "image"):
            piece = tok.content
        elif tok.type in ("softbreak", "hardbreak"):
            piece = " "
        elif tok.type == "html_inline" and BR_TAG_RE.match(tok.content):
            piece = "\n" if items else " "
        elif tok.type in ("s_open", "s_close"):
            struck += 1 if tok.type == "s_open" else -1
        if piece is not None:
            out.append(piece)
            if not struck:
                kept.append(piece)
    text = "".join(kept) if items and squash("".join(kept)) else "".join(out)
    return squash(_break_items(text)) if items else squash(text)


def _break_items(text: str) -> str:
    """Line breaks of a cell (`<br>`, marked "\\n") as "; " between items, as a space inside a
    sentence (before a lower-case word) or after text that already ends an item.

    >>> _break_items("SRE\\nDBA"), _break_items("Outage\\naffects all"), _break_items("Security +\\nDBA")
    ('SRE; DBA', 'Outage affects all', 'Security + DBA')
    """
    parts = [p.strip() for p in text.split("\n")]
    out = ""
    for part in parts:
        if not part:
            continue
        if out:
            out += " " if part[0].islower() or out[-1] in ITEM_END_CHARS else "; "
        out += part
    return out


def _plus_rules_as_pipes(text: str) -> str:
    """Org-mode and psql header rules ("|----+----|") as GFM delimiter rows ("|----|----|");
    grid-table borders ("+----+") are left alone, and no line is added or removed.

    >>> _plus_rules_as_pipes("| ID | Risk |\\n|----+------|"), _plus_rules_as_pipes("+----+----+")
    ('| ID | Risk |\\n|----|------|', '+----+----+')
    """
    if "+" not in text:
        return text
    return PLUS_RULE_RE.sub(lambda m: m.group(0).replace("+", "|"), text)


def _escape_code_span_pipes(text: str) -> str:
    """Escape `|` inside code spans on table lines, so that it does not split the cell.

    Works line by line and never adds or removes a line, so token maps stay true.
    >>> _escape_code_span_pipes("| `a|b` | c |")
    '| `a\\\\|b` | c |'
    """
    if "`" not in text:
        return text
    lines = text.split("\n")
    for k, line in enumerate(lines):
        if "|" in line and "`" in line:
            lines[k] = CODE_SPAN_RE.sub(lambda m: m.group(0).replace("\\|", "|").replace("|", "\\|"), line)
    return "\n".join(lines)
