"""Front end: plain text and pages saved as text (scraped) -> block tree.

Plain text is the fallback syntax: `sniff` is a modest constant, so that Markdown, HTML and the
light markups win whenever their signs are there. One forward pass over the lines:
- page chrome (skip links, nav bars, breadcrumbs, "Edit this page", cookie banners, footers) is
  kept as paragraphs flagged `chrome` (`parsers.frontends.page_chrome`);
- the page's title is a level-1 `Heading` (the recognisers take the first one for the title);
- a bare short line that stands for a heading (not a sentence, not a `Key: value` label, not
  chrome) is a level-2 `Heading`; a numbered one ("2. Register", "2.1 Scope") takes its level
  from its numbering, and a line underlined with `===`/`---` is one too;
- list lines (`- x`, `* x`, `• x`, `1. x`, `1) x`), box lines without a marker (`[x] Flag in
  place`, `☑ Backups restored`) and short lines that carry a check mark (`Security lead ✅`)
  are `ListItem`s, nested by indentation; a box sets `box`, and a scraped checklist that lost its
  boxes keeps `box=None` (the recognisers decide from the document whether its items are checks).
  What a scraper did to a checklist (items split at code spans, joined with " - ", code-span
  spaces lost) is undone by `parsers.frontends.scraped`; a run of short bare lines right under
  a heading that names a checklist is its list, its bullets lost (`_Reader.bare_item`);
- grid and space-aligned tables (`plain_tables`), pipe tables without a delimiter row, and tables
  whose cells ran together, sit one per line or are apart by tabs or commas (`text_tables`) are
  `Table`s, and the lines they cover are read as nothing else;
- a definition list or a fields table that lost its markup (a field label the lexicon knows on
  a line of its own over its value, in a run of two or more, or "Likelihood<TAB>Likely") is
  `KeyValue`s (`parsers.frontends.text_definitions`);
- every other run of lines is a `Paragraph`, one text line per source line (`Key: value` lines
  stay lines of a paragraph: which of them are labels is the recognisers' call);
- a YAML front-matter block gives the document's properties and declared title;
- lines quoted as an email reply quotes them (`> | ID | Risk |`, `>> text`, `> > text`) are read
  as their content, the quote marks gone (`unquoted`), a line still a line.
Scraped text has no markup: `marked` is the text escaped (`**bold**` written in a text file
stays literal; a file with Markdown emphasis is Markdown's, whose sniff sees it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.frontends import front_matter, page_chrome, text_definitions, text_tables
from parsers.frontends.boxes import leading_box
from parsers.frontends.linescan import BULLET_RE, Builder, carries_mark, indent_of, is_pipe_row, pipe_table, tidy
from parsers.frontends.plain_tables import find_tables as find_plain_tables
from parsers.frontends.scraped import JOIN_RE, ScrapedItems, open_end, open_word_end
from parsers.frontends.textrows.delimited import tab_cells
from parsers.inline import escape
from parsers.lexicon import Lexicon
from parsers.model import Block, Heading, Paragraph, Row, Rule, Table, Tree, with_paths
from pipeline.config import Config
from pipeline.records import Document

NAME = "text"
# Its cells are cut by the lexicon's labels: a document in another language is read again with its packs.
READS_LEXICON = True
# Plain text reads anything; every other front end beats it where its signs are.
SNIFF_SCORE = 0.3

# A numbered list line: "1. text", "2) text".
ORDERED_RE = re.compile(r"^[ \t]*(?P<number>\d{1,3})[.)][ \t]+(?=\S)")
# A numbered heading's numbering: "2. Register" (level 2), "2.1 Scope" (level 3).
NUMBERING_RE = re.compile(r"^(?P<number>\d{1,3}(?:\.\d{1,3}){0,4})[.)]?[ \t]+(?=\S)")
# The line under a heading that underlines it: "=====" (level 1) or "-----" (level 2).
UNDERLINE_RE = re.compile(r"^[ \t]*(?:={3,}|-{3,})[ \t]*$")
# A thematic break: a line of one rule character.
RULE_RE = re.compile(r"^[ \t]*(?:-{3,}|={3,}|_{3,}|\*{3,}|~{3,}|#{3,})[ \t]*$")
# A full date: a line that holds one is a dated note ("Exported on 2026-06-01"), not a heading.
DATE_RE = re.compile(r"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})\b")
# What a heading never starts with: markup, brackets, a path.
NOT_HEADING_START = frozenset("/_.`|<([{-*")
# Longest line that can be a heading, and its most words (a heading ending with ":" has fewer).
MAX_HEADING = 80
MAX_HEADING_WORDS = 8
MAX_COLON_HEADING_WORDS = 3
# Most words of a bare line that is a list item because it carries a check mark ("QSA ⚠️").
MAX_MARK_WORDS = 12
# The quote marks an email reply puts before each line it quotes: ">", "> ", ">> ", "> > ", each
# a ">" then at most one blank (the blanks after the last are the line's own indentation).
QUOTE_MARKS_RE = re.compile(r"^[ \t]*(?:>(?:[ \t]|(?=>)|$))+")
# A header cell of a tab-separated table is a label: short ("Question", "Comments").
MAX_TAB_LABEL_CHARS = 40


def sniff(text: str) -> float:
    """Plain text is the fallback: a constant below every other front end's signs.

    >>> sniff("Consent Registry — Readiness\\nDocs\\n- a"), sniff("")
    (0.3, 0.3)
    """
    return SNIFF_SCORE


def blocks(doc: Document, config: Config) -> Tree:
    """The document as a block tree (see the module docstring)."""
    properties, body = front_matter.split(doc.text)
    lines = unquoted(body.split("\n"))
    lexicon = config.lexicon
    tables = _tables(lines, config)
    covered = {k for t in tables for k in range(t.line - 1, t.end)}
    chrome = page_chrome.chrome_lines(lines, lexicon, covered)
    title, site = page_chrome.title_line(lines, chrome, covered, lexicon)
    chrome.update(site)
    found = _Reader(lines, lexicon, tables, covered, chrome, title).read()
    return Tree(NAME, with_paths(found), declared_title=properties.pop("title", None), properties=properties)


def unquoted(lines: list[str]) -> list[str]:
    """The lines with the quote marks of an email reply taken off, so that a table or a list
    quoted in a reply reads as written; one line for each line, so lines keep their numbers.

    >>> unquoted(["On Tue, Ana wrote:", "> | ID | Risk |", ">", ">> nested", "> >   indented", "a > b"])
    ['On Tue, Ana wrote:', '| ID | Risk |', '', 'nested', '  indented', 'a > b']
    """
    if not any(line.lstrip().startswith(">") for line in lines):
        return lines
    return [QUOTE_MARKS_RE.sub("", line, count=1) for line in lines]


def heading_like(line: str, lexicon: Lexicon) -> bool:
    """A bare line that can stand for a heading: short, not a sentence, not a label or chrome.

    A line ending with a colon is a heading only when short ("Approvals:"); longer, it is the
    sentence that introduces a list ("All of these must hold:"). A line with a date is a note.
    >>> lex = Lexicon.default()
    >>> [heading_like(s, lex) for s in ("Code + Tests", "Infra / Rollout", "Sign-off", "Approvals:", "zero errors.",
    ...                                 "Owner: SRE", "passwordkey in GET", "Skip to main content",
    ...                                 "All of these must hold:", "Mitigation:", "Exported on 2026-06-01")]
    [True, True, True, True, False, False, False, False, False, False, False]
    """
    if not line or len(line) > MAX_HEADING:
        return False
    words = line.split()
    return (
        0 < len(words) <= (MAX_COLON_HEADING_WORDS if line.endswith(":") else MAX_HEADING_WORDS)
        and not line.endswith((".", ",", ";", "-"))
        and not (line[0].islower() or line[0] in NOT_HEADING_START)
        and not JOIN_RE.search(line)
        and not open_word_end(line, lexicon)
        and not DATE_RE.search(line)
        and not page_chrome.is_label(line, lexicon)
        and not page_chrome.is_chrome(line, lexicon)
    )


def heading_level(line: str) -> int:
    """The level a heading line plays: from its numbering ("2.1 Scope" is 3), else 2.

    >>> heading_level("2. Register"), heading_level("2.1 Scope"), heading_level("Docs"), heading_level("1.2.3.4.5 x")
    (2, 3, 2, 6)
    """
    m = NUMBERING_RE.match(line)
    return 2 if m is None else min(6, 2 + m["number"].count("."))


class _Reader:
    """One pass over the lines of a text document."""

    def __init__(
        self,
        lines: Sequence[str],
        lexicon: Lexicon,
        tables: Sequence[Table],
        covered: set[int],
        chrome: set[int],
        title: int | None,
    ) -> None:
        self.lines = lines
        self.lexicon = lexicon
        self.table_at = {t.line - 1: t for t in tables}
        self.table_lines = covered
        self.chrome = chrome
        self.title = title
        self.builder = Builder()
        self.items = ScrapedItems(self.builder, lines, lexicon)
        self.paragraph: list[tuple[int, str]] = []
        self.chrome_run: list[tuple[int, str]] = []
        self.next_text = _next_nonblank(lines)
        self.last_text = -1  # index of the last non-blank line read
        self.last_heading: tuple[int, str] = (-1, "")  # index of the last heading's last line, its text
        self.bare_run_end = -1  # index after the run of lines read as a checklist that lost its boxes
        self.last_seen: dict[str, int] | None = None  # stripped line -> its last index (`bare_item`)

    def read(self) -> list[Block]:
        i = 0
        lines = self.lines
        while i < len(lines):
            table = self.table_at.get(i)
            if table is not None:
                self.end_blocks()
                self.builder.block(table)
                i = max(table.end, i + 1)
                self.last_text = i - 1
                continue
            s = lines[i].strip()
            if not s:
                self.end_paragraph()
                self.end_chrome()
                self.items.blank()
                i += 1
                continue
            if i in self.chrome:
                self.end_paragraph()
                self.items.stop()
                self.chrome_run.append((i + 1, s))
                self.last_text = i
                i += 1
                continue
            self.end_chrome()
            nxt = self.line(i, lines[i], s)
            self.last_text = nxt - 1
            i = nxt
        self.end_blocks()
        for draft in self.items.drafts:
            draft.text = tidy(draft.text)
            draft.marked = escape(draft.text)
        return self.builder.finish()

    def line(self, i: int, raw: str, s: str) -> int:
        """Read the line at index i (not blank, not chrome, not a table's); the index to read next."""
        n = i + 1
        indent = indent_of(raw)
        underlined = i + 1 < len(self.lines) and UNDERLINE_RE.match(self.lines[i + 1]) is not None
        if i == self.title:
            self.heading(n, s, 1, n + 1 if underlined else n)
            return i + 2 if underlined else i + 1
        if underlined and not self.paragraph and heading_like(s, self.lexicon) and not BULLET_RE.match(raw):
            self.heading(n, s, 1 if "=" in self.lines[i + 1] else 2, n + 1)
            return i + 2
        if RULE_RE.match(raw):
            self.end_blocks()
            self.builder.block(Rule(line=n, end=n))
            return i + 1
        ordered = ORDERED_RE.match(raw)
        if ordered is not None and self.numbered_heading(i, s, indent):
            self.heading(n, s, heading_level(s), n)
            return i + 1
        marker = BULLET_RE.match(raw) or ordered
        if marker is not None:
            box, body = leading_box(raw[marker.end() :].strip())
            self.end_paragraph()
            self.items.start(body, n, indent, box, int(ordered["number"]) if ordered else None)
            return i + 1
        box, body = leading_box(s)
        if box is not None:
            self.end_paragraph()
            self.items.start(body, n, indent, box, None)
            return i + 1
        if not self.items.open and (end := self.definitions(i)) > i:
            return end
        label = page_chrome.is_label(s, self.lexicon)
        like = heading_like(s, self.lexicon)
        if self.items.continues(s, indent, like, label):
            current = self.items.current
            self.items.carry(s, n, repair=current is not None and indent <= current.indent)
            return i + 1
        if not label and len(s) <= MAX_HEADING * 2 and carries_mark(s) and len(s.split()) <= MAX_MARK_WORDS:
            self.end_paragraph()
            self.items.start(s, n, indent, None, None)
            return i + 1
        if like and self.bare_item(i):
            self.end_paragraph()
            self.items.start(s, n, indent, None, None)
            return i + 1
        if like and not (self.paragraph and open_end(self.paragraph[-1][1], self.lexicon)):
            self.heading(n, s, heading_level(s), n)
            return i + 1
        self.items.stop()
        self.paragraph.append((n, s))
        return i + 1

    def numbered_heading(self, i: int, s: str, indent: int) -> bool:
        """Whether a numbered line is a heading ("2. Register") rather than an item of a list: it
        is heading-like and a list or a table follows it, or it stands alone between numbered
        lines of nothing."""
        if not heading_like(s, self.lexicon):
            return False
        j = self.next_text[i + 1] if i + 1 < len(self.next_text) else -1
        after = self.lines[j] if j >= 0 else ""
        if BULLET_RE.match(after) or j in self.table_lines:
            return True
        if ORDERED_RE.match(after):
            return indent_of(after) > indent
        before = self.lines[self.last_text] if self.last_text >= 0 else ""
        if ORDERED_RE.match(before) and indent_of(before) == indent:
            return False
        alone_above = i == 0 or not self.lines[i - 1].strip()
        return alone_above and (i + 1 >= len(self.lines) or not self.lines[i + 1].strip())

    def definitions(self, i: int) -> int:
        """Put the definitions a scraper left as label and value lines from index i on (see
        `text_definitions`); the index after them, i when there are none."""
        found, end = text_definitions.definitions(self.lines, i, self.lexicon, self.taken)
        if found:
            self.end_paragraph()
            self.items.stop()
            for definition in found:
                self.builder.block(definition)
        return end

    def taken(self, k: int) -> bool:
        """Whether the line at index k is page chrome or a table's."""
        return k in self.chrome or k in self.table_lines

    def bare_item(self, i: int) -> bool:
        """Whether a heading-like line is an item of a checklist that lost its boxes and bullets.

        A scraped page's real headings stand alone or lead a paragraph or a list; a run of two or
        more short lines with no blank line between them, right under a heading that names a
        checklist (the lexicon's `checklist_headings`) and closed by a blank line, is its list.
        A run whose lines all come again further down, apart, is the page's table of contents (its
        entries head the sections below), not a list; a list repeated as a run under another
        heading (staging, then production) is still a list.
        """
        if i < self.bare_run_end:
            return True
        at, heading = self.last_heading
        if at < 0 or at != self.last_text or not self.lexicon.mentions("checklist_headings", heading):
            return False
        end = i
        while end < len(self.lines) and self.bare_line(end):
            end += 1
        if end - i < 2 or (end < len(self.lines) and self.lines[end].strip()):
            return False
        if self.last_seen is None:  # once per document: where each line is last written
            self.last_seen = {line.strip(): k for k, line in enumerate(self.lines)}
        again = [self.last_seen[self.lines[k].strip()] for k in range(i, end)]
        if all(k >= end for k in again) and again != list(range(again[0], again[0] + len(again))):
            return False  # its lines head the sections below, apart: a table of contents
        self.bare_run_end = end
        return True

    def bare_line(self, k: int) -> bool:
        """Whether the line at index k is a short bare line: text, heading-like, no marker or box."""
        raw = self.lines[k]
        s = raw.strip()
        return (
            bool(s)
            and not self.taken(k)
            and heading_like(s, self.lexicon)
            and not (BULLET_RE.match(raw) or ORDERED_RE.match(raw) or leading_box(s)[0] is not None)
        )

    def heading(self, n: int, s: str, level: int, end: int) -> None:
        self.end_blocks()
        text = tidy(page_chrome.without_edit_link(s, self.lexicon))
        self.builder.block(Heading(line=n, end=end, level=level, text=text, marked=escape(text)))
        self.last_heading = (end - 1, text)

    def end_blocks(self) -> None:
        """Close what is open: the paragraph, the chrome run, the lists."""
        self.end_paragraph()
        self.end_chrome()
        self.items.stop()
        self.builder.close()

    def end_paragraph(self) -> None:
        if self.paragraph:
            self.builder.block(_paragraph(self.paragraph))
            self.paragraph = []

    def end_chrome(self) -> None:
        if self.chrome_run:
            self.builder.block(_paragraph(self.chrome_run, chrome=True))
            self.chrome_run = []


def _paragraph(lines: list[tuple[int, str]], *, chrome: bool = False) -> Paragraph:
    text = "\n".join(tidy(s) for _, s in lines)
    return Paragraph(line=lines[0][0], end=lines[-1][0], text=text, marked=escape(text), chrome=chrome)


def _next_nonblank(lines: Sequence[str]) -> list[int]:
    """For each index, the index of the first non-blank line at or after it (-1 when none)."""
    out = [-1] * (len(lines) + 1)
    for k in range(len(lines) - 1, -1, -1):
        out[k] = k if lines[k].strip() else out[k + 1]
    return out


def _tables(lines: Sequence[str], config: Config) -> list[Table]:
    """Every table of the text, none overlapping another: grid and space-aligned tables first,
    then pipe tables, then tables whose cells ran together or are apart by tabs or commas, then
    any other run of tab-separated lines (`_tab_grids`)."""
    found: list[Table] = []
    if any(("--" in line or "==" in line or line.lstrip().startswith("+")) for line in lines):
        found.extend(find_plain_tables(lines, lambda _: False))
    found.extend(_pipe_tables(lines))
    found.extend(text_tables.find_tables(lines, config))
    found.extend(_tab_grids(lines))
    kept: list[Table] = []
    taken: set[int] = set()
    for table in found:
        span = range(table.line - 1, max(table.end, table.line))
        if not any(k in taken for k in span):
            kept.append(table)
            taken.update(span)
    return sorted(kept, key=lambda t: t.line)


def _tab_grids(lines: Sequence[str]) -> list[Table]:
    """Runs of two or more lines cut by tabs into as many cells, three or more, under a header
    of short labels: a table copied out of a document or a browser ("Question<TAB>Answer<TAB>
    Comments"), taken whatever its header names, as a pipe table is; the recognisers say what
    it is. A register's tab table, whose rows may wrap, is `text_tables`' and found first.

    >>> t, = _tab_grids(["Review", "Question\\tAnswer\\tComments", "SLO set?\\tYes\\t150ms", "Notes"])
    >>> t.header, [r.cells for r in t.rows], (t.line, t.end)
    (('Question', 'Answer', 'Comments'), [('SLO set?', 'Yes', '150ms')], (2, 3))
    """
    found: list[Table] = []
    i = 0
    while i < len(lines):
        width = lines[i].count("\t") + 1
        end = i + 1
        while end < len(lines) and lines[end].strip() and lines[end].count("\t") + 1 == width:
            end += 1
        header = tuple(tab_cells(lines[i]))
        if width >= 3 and end - i >= 2 and all(0 < len(c) <= MAX_TAB_LABEL_CHARS for c in header):
            rows = tuple(Row(k + 1, tuple(tab_cells(lines[k])), lines=(k + 1,)) for k in range(i + 1, end))
            found.append(Table(line=i + 1, end=end, header=header, rows=rows, layout="tsv"))
        i = end
    return found


def _pipe_tables(lines: Sequence[str]) -> list[Table]:
    """Runs of two or more `| a | b |` lines with a cell that says something."""
    found: list[Table] = []
    i = 0
    while i < len(lines):
        if is_pipe_row(lines[i]) and i + 1 < len(lines) and is_pipe_row(lines[i + 1]):
            table, i = pipe_table(lines, i)
            if table.rows:
                found.append(table)
        else:
            i += 1
    return found
