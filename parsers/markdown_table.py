"""Parser: Markdown pipe tables (GFM) -> risk entries.

Tables are found with markdown-it-py's table rule, not line regexes, so escaped pipes, rows
without a trailing pipe and inline markup behave as in any Markdown renderer; `Token.map` gives
each row's source line. One deliberate difference from GFM: a `|` inside a code span does not
split the cell (authors write `a|b` in code and mean it), so such pipes are escaped first.
Header synonyms, legends and matrices are handled by `parsers.tables`.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from parsers import doc_meta
from parsers.fields import synonym_table
from parsers.tables import Table, TableRow, legend_scales, register_entries
from pipeline.config import Config
from pipeline.records import Document, ParsedDocument
from pipeline.textnorm import squash

NAME = "markdown_table"

# A GFM delimiter row: "|---|:---:|", "--- | ---", at least two cells.
DELIMITER_ROW_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$", re.MULTILINE)
# A code span: a run of backticks, the shortest text, the same run again.
CODE_SPAN_RE = re.compile(r"(?P<ticks>`+)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)")
# `<br>` in a cell is a line break inside it: a space in the cell's text.
BR_TAG_RE = re.compile(r"^<br\s*/?>$", re.IGNORECASE)

# Block-level parse only; the inline parser runs on table cells and headings, not on prose.
_BLOCKS = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")
_INLINE = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def sniff(text: str) -> float:
    """How sure we are that the text holds Markdown pipe tables (0-1), without parsing it."""
    match = DELIMITER_ROW_RE.search(text)
    if not match:
        return 0.0
    head_start = text.rfind("\n", 0, max(0, match.start() - 1)) + 1
    header = text[head_start : match.start()]
    return 0.9 if header.count("|") >= 2 else 0.6


def parse(doc: Document, config: Config) -> ParsedDocument:
    """Every register table in the document, one risk entry per row."""
    synonyms = synonym_table(config.header_synonyms)
    entries, scales = [], {}
    for table in tables(doc.text):
        entries.extend(register_entries(table, parser=NAME, path=doc.path, synonyms=synonyms))
        for fld, words in legend_scales(table, synonyms).items():
            scales.setdefault(fld, {}).update(words)
    return ParsedDocument(
        entries=entries, title=doc_meta.title(doc.text), metadata=doc_meta.metadata(doc.text), stated_scales=scales
    )


def tables(text: str) -> list[Table]:
    """Every pipe table in a Markdown text, with the heading it sits under."""
    tokens = _BLOCKS.parse(_escape_code_span_pipes(text))
    found: list[Table] = []
    section: str | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        # The document's own title (a level-1 heading) names the service, not a section.
        if tok.type == "heading_open" and tok.tag != "h1":
            section = doc_meta.section_name(inline_text(tokens[i + 1].content))
        elif tok.type == "table_open":
            end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
            found.append(_table(tokens[i:end], section))
            i = end
        i += 1
    return found


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
            row.append(inline_text(tok.content))
        elif tok.type == "tr_close" and row is not None:
            if in_head:
                headers = row
            else:
                rows.append(TableRow(row_line, tuple(row)))
            row = None
    line = tokens[0].map[0] + 1 if tokens[0].map else 0
    return Table(tuple(headers), tuple(rows), line, section)


def inline_text(markdown: str) -> str:
    """Plain text of inline Markdown: markup dropped, code kept, breaks as spaces.

    >>> inline_text("**Vault** outage in `a|b` <br> see [runbook](x.md)")
    'Vault outage in a|b see runbook'
    """
    if not markdown.strip():
        return ""
    out: list[str] = []
    for tok in _INLINE.parseInline(markdown)[0].children or []:
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak") or (tok.type == "html_inline" and BR_TAG_RE.match(tok.content)):
            out.append(" ")
        elif tok.type == "image":
            out.append(tok.content)
    return squash("".join(out))


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
