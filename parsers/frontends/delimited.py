"""Front end: documents that ARE a delimited table (a CSV or TSV file) -> block tree.

A register exported from a spreadsheet: `,` or `;` between cells as Excel writes them by locale
(or tabs), quoted cells that hold the delimiter or run over lines, and a title line or two
above the header ("Settlement Batch — Risk Register", "Exported 2026-03-01"); Excel's `sep=;`
hint line is no title. The tables are read by `text_tables.find_tables` (the same reading the
text front end gives a CSV pasted into a page); the lines outside them become a heading (the
first line above the first table) and paragraphs.
`sniff` claims a document only when it really is one table: a header whose cells are labels
the lexicon knows within the first lines, and the records under it as wide as the header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from parsers.frontends.text_tables import find_tables
from parsers.frontends.textrows.delimited import csv_columns, records, tab_columns, trimmed
from parsers.inline import escape
from parsers.lexicon import Lexicon, every_language
from parsers.model import Block, Heading, Paragraph, Table, Tree, with_paths
from pipeline.config import Config
from pipeline.records import Document

NAME = "delimited"
# Its cells are cut by the lexicon's labels: a document in another language is read again with its packs.
READS_LEXICON = True

# What sniff reads: the start of the text, and lines of it.
SNIFF_CHARS = 100_000
SNIFF_LINES = 200
# Lines above the header that may be a title (or an export note), not counting Excel's hint.
MAX_TITLE_LINES = 2
# Excel's delimiter hint on the first line of a CSV file.
SEP_HINT_RE = re.compile(r"^\s*sep=.\s*$", re.IGNORECASE)
# Share of the records under the header that must be as wide as it.
FITTING_SHARE = 0.8
# Records under the header that may not fit it (notes under the table), whatever the share.
MAX_MISFITS = 2
# A title line is short.
MAX_TITLE_CHARS = 150
# What a spreadsheet writes after a line's text for its empty cells ("Risk Register,,,,,,"), or
# on a line of them only (an empty row): delimiters and blanks.
EMPTY_CELL_CHARS = ",;\t \r\n"


def sniff(text: str) -> float:
    """How sure we are that the text is one delimited table (0-1): a header of labels within
    the first lines and records as wide as it; a CSV block inside prose is the text front end's.

    >>> sniff("Risk register\\nID,Risk,Likelihood,Impact,Owner\\nR1,Vault,3,4,SRE\\nR2,\\"DNS, lapse\\",2,2,SRE\\n")
    0.95
    >>> sniff("ID;Risk;Likelihood;Impact\\nR1;Vault;3;4\\n\\nSee the wiki for the rest.\\nIt is long.\\nVery.\\n")
    0.3
    >>> sniff("Name,Owner,Status,Tier\\nsearch,Search,GA,1\\n"), sniff("# Risks\\n\\n| ID | Risk |\\n")
    (0.0, 0.0)
    """
    lines = text[:SNIFF_CHARS].split("\n", SNIFF_LINES)[:SNIFF_LINES]
    # The header's labels may be in any language: the document's is not known yet.
    found = header_at(lines, every_language())
    if found is None:
        return 0.0
    index, width, sep = found
    fits = misfits = 0
    last = len(lines) - 1 if len(text) > SNIFF_CHARS or text.count("\n") >= SNIFF_LINES else len(lines)
    for _, end, cells in records(lines, index + 1, sep):
        if end >= last:
            break  # the sample may cut the last record short
        if len(trimmed(cells, width)) == width:
            fits += 1
        else:
            misfits += 1
    # Every record fits but a few (a note under the table: "Exported 2026-03-01").
    if fits > misfits and (misfits <= MAX_MISFITS or fits >= FITTING_SHARE * (fits + misfits)):
        return 0.95
    return 0.3 if fits else 0.0


def header_at(lines: Sequence[str], lexicon: Lexicon) -> tuple[int, int, str] | None:
    """(index, width, delimiter) of a delimited header among the first non-blank lines (a title
    line or two may come first); None when there is none."""
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip() or (seen == 0 and SEP_HINT_RE.match(line)):
            continue
        if (csv := csv_columns(line.strip(), lexicon)) is not None:
            return i, len(csv[0]), csv[1]
        if (tabbed := tab_columns(line, lexicon)) is not None:
            return i, len(tabbed), "\t"
        seen += 1
        if seen > MAX_TITLE_LINES:
            return None
    return None


def blocks(doc: Document, config: Config) -> Tree:
    """The document as a block tree: its tables, and the lines around them as a heading (the
    title above the first table) and paragraphs."""
    lines = doc.text.split("\n")
    tables = find_tables(lines, config)
    found: list[Block] = [*tables, *_prose(lines, tables)]
    found.sort(key=lambda b: b.line)
    return Tree(NAME, with_paths(found))


def _prose(lines: Sequence[str], tables: Sequence[Table]) -> Iterator[Block]:
    """Runs of non-blank lines outside the tables: the first, above the first table and short,
    is the title; the rest are paragraphs. Excel's `sep=` hint is no text."""
    inside = {n for t in tables for n in range(t.line, t.end + 1)}
    first_table = tables[0].line if tables else len(lines) + 1
    titled = False
    run: list[int] = []  # 1-based lines of the run being gathered
    for n in [*range(1, len(lines) + 1), len(lines) + 1]:
        text = _written(lines[n - 1]) if n <= len(lines) else ""
        if n <= len(lines) and text and n not in inside and not (n == 1 and SEP_HINT_RE.match(lines[0])):
            run.append(n)
            continue
        if not run:
            continue
        joined = "\n".join(_written(lines[k - 1]) for k in run)
        if not titled and run[-1] < first_table and len(run) == 1 and len(joined) <= MAX_TITLE_CHARS:
            titled = True
            yield Heading(line=run[0], end=run[-1], level=1, text=joined, marked=escape(joined))
        else:
            yield Paragraph(line=run[0], end=run[-1], text=joined, marked=escape(joined))
        run = []


def _written(line: str) -> str:
    """A line outside the tables without the empty cells a spreadsheet wrote after its text.

    >>> _written("Search Platform - Risk Register,,,,,,"), _written(" ;;; "), _written("Exported 2026-03-01")
    ('Search Platform - Risk Register', '', 'Exported 2026-03-01')
    """
    return line.rstrip(EMPTY_CELL_CHARS).strip()


__all__ = ["NAME", "blocks", "header_at", "sniff"]
