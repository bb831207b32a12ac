"""Which languages a document is written in, told by its labels: the packs it is read with.

A cheap pass over the block tree (built with English): the labels a register states (table header
cells, the first cells of two- and three-column tables, the text before a colon, definition keys,
the cells of plain-text lines cut at tabs, pipes or semicolons) and its headings. For every pack
but English, the distinct phrases of that pack found there which English does not share are
counted ("Probabilidad", "Responsável", "Registro de riesgos"; "Status" and "Impact" say nothing).
A pack is read when it has MIN_HITS phrases at least, or when a heading holds one of its checklist
headings that no other pack has ("# Lista de verificación", "# Checkliste Produktivsetzung": a
checklist may say nothing else in words, its items being ✅ and ❌); after the best one, another
pack only with MIN_HITS phrases the packs taken before do not have (a bilingual document), so
that Spanish and Portuguese, which share "Impacto" and "Categoria", do not both come in for one
document.

Takes the tree and the `[lexicon] files` (a file may declare a language of its own); returns the
languages in the order they are read: English first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from parsers import lexicon as lexicon_pack
from parsers.lexicon import FIELDS, Lexicon, remembered_for_short_texts
from parsers.model import Heading, KeyValue, ListItem, Paragraph, Table, Tree, walk
from pipeline.textnorm import fold, text_width

# Distinct phrases of a pack a document must use before it is read in that language.
MIN_HITS = 2
# The word lists whose phrases say which language a heading or a label is in (besides the labels).
MARKER_LISTS = (
    "meta_keys",
    "register_words",
    "risky_headings",
    "container_plurals",
    "legend",
    "legend_titles",
    "decision_headers",
    "decision_yes",
    "decision_no",
    "decision_pending",
    "signoff_side_headers",
    "heading_part_endings",
    "test_cases",
    "action_plan",
    "history",
    "glossary",
    "checklist_headings",
)
# The word lists of which one phrase, in a heading and of one pack alone, tells the language.
HEADING_LISTS = ("checklist_headings",)
# Phrases this short ("sí", "nº") say nothing about a language; measured in columns
# (`text_width`), so that a word of two Chinese characters ("状态", status) counts.
MIN_PHRASE = 3
# How much of a document is looked at: label candidates, and characters before a colon.
MAX_CANDIDATES = 3000
MAX_LABEL_CHARS = 48
MAX_CELL_CHARS = 60
MAX_WORDS = 40
MAX_HEADING_CHARS = 200
# Where a label before a colon starts: after markup or a separator ("· **Probabilidad:**").
LABEL_START_RE = re.compile(r".*(?:[|·•;,>(\[]|\*\*|\s[–—-]\s)")
# A colon, ASCII or full-width, that may end a label.
COLON_RE = re.compile(r"[:：]")
# What separates the cells of a plain-text line: a tab, a pipe, a semicolon, a comma (a CSV's
# header: the delimited front end reads it as a table only once its language is known).
CELL_SPLIT_RE = re.compile(r"[\t|;,]")


def document_languages(tree: Tree, files: tuple[str, ...] = ()) -> tuple[str, ...]:
    """English and the packs whose labels the document uses, in the order they are read.

    >>> table = Table(line=1, end=3, header=("ID", "Riesgo", "Probabilidad", "Impacto", "Estado"), rows=())
    >>> document_languages(Tree("markdown", (table,)))
    ('en', 'es')
    >>> document_languages(Tree("markdown", (Table(line=1, end=2, header=("ID", "Risk", "Status"), rows=()),)))
    ('en',)
    >>> heading = Heading(line=1, end=1, level=1, text="Lista de verificación", marked="Lista de verificación")
    >>> document_languages(Tree("markdown", (heading,)))
    ('en', 'es')
    """
    hits = phrase_hits(label_candidates(tree), files)
    headed: dict[str, set[str]] | None = None  # the headings' phrases, looked for only when they decide
    chosen: list[str] = []
    taken: set[str] = set()
    for language in sorted(hits, key=lambda lang: (-len(hits[lang]), lang)):
        own = hits[language] - taken
        if not chosen and own and len(own) < MIN_HITS and headed is None:
            headed = phrase_hits(heading_texts(tree), files)
        if len(own) >= MIN_HITS or (
            not chosen and headed is not None and headed.get(language, set()) & heading_markers(language, files)
        ):
            chosen.append(language)
            taken |= markers(language, files)
    return ("en", *chosen)


def heading_texts(tree: Tree) -> Iterator[str]:
    """The headings of a tree (the first MAX_CANDIDATES), as `label_candidates` reads them."""
    headings = (b for b in walk(tree.blocks) if isinstance(b, Heading) and not b.chrome)
    for _, block in zip(range(MAX_CANDIDATES), headings, strict=False):
        yield block.text[:MAX_HEADING_CHARS]


def phrase_hits(candidates: Iterable[str], files: tuple[str, ...] = ()) -> dict[str, set[str]]:
    """Pack -> the distinct phrases of that pack (not English's) found in the candidate texts, as
    runs of whole words (a candidate's first MAX_WORDS words).

    >>> sorted(phrase_hits(["Probabilidade", "Responsável", "Status"])["pt"])
    ['probabilidade', 'responsavel']
    """
    hits: dict[str, set[str]] = {lang: set() for lang in lexicon_pack.available_languages(files) if lang != "en"}
    for text in dict.fromkeys(candidates):
        for lang, phrase in _text_hits(text, files):
            hits[lang].add(phrase)
    return hits


@remembered_for_short_texts
def _text_hits(text: str, files: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(pack, phrase) of each marker phrase in one candidate text."""
    packs_of, longest = marker_index(files)
    openers = marker_openers(files)
    found: list[tuple[str, str]] = []
    words = fold(text).split()[:MAX_WORDS]
    for start in range(len(words)):
        if words[start] not in openers:
            continue  # no marker phrase starts with this word
        for end in range(start + 1, min(len(words), start + longest) + 1):
            phrase = " ".join(words[start:end])
            found.extend((lang, phrase) for lang in packs_of.get(phrase, ()))
    return tuple(found)


def label_candidates(tree: Tree) -> Iterator[str]:
    """The texts of a tree that name things: headings, table headers and label cells, text
    before a colon, definition keys, cells of delimited plain-text lines; at most MAX_CANDIDATES."""
    count = 0
    for block in walk(tree.blocks):
        if block.chrome:
            continue
        found: Iterable[str] = ()
        if isinstance(block, Heading):
            found = (block.text[:MAX_HEADING_CHARS],)
        elif isinstance(block, Table):
            found = _table_labels(block)
        elif isinstance(block, KeyValue):
            found = (block.key,)
        elif isinstance(block, Paragraph | ListItem):
            found = _line_labels(block.text.split("\n"))
        for text in found:
            yield text
            count += 1
            if count >= MAX_CANDIDATES:
                return


def _table_labels(table: Table) -> Iterator[str]:
    """A table's header cells, and the first cells of a narrow table (labels written down a column)."""
    yield from (h[:MAX_CELL_CHARS] for h in table.header)
    if len(table.header) <= 3:
        yield from (row.cells[0][:MAX_CELL_CHARS] for row in table.rows[:60] if row.cells)


def _line_labels(lines: Sequence[str]) -> Iterator[str]:
    """Labels in lines of text: the words before each colon, the cells of delimited lines.

    >>> list(_line_labels(["**Categoría:** Legal · **Probabilidad:** Alta", "ID\\tRiesgo\\tImpacto", "no label here"]))
    ['Categoría', 'Probabilidad', 'ID', 'Riesgo', 'Impacto']
    >>> list(_line_labels(["Nr,Risiko,Wahrscheinlichkeit", "A sentence, with a comma"]))
    ['Nr', 'Risiko', 'Wahrscheinlichkeit']
    """
    for line in lines[:400]:
        start = 0
        for colon in COLON_RE.finditer(line):
            before = line[max(start, colon.start() - MAX_LABEL_CHARS) : colon.start()]
            cut = LABEL_START_RE.match(before)
            label = (before[cut.end() :] if cut else before).strip(" *_`\t")
            if label:
                yield label
            start = colon.end()
        if "\t" in line or "|" in line or ";" in line or line.count(",") >= 2:
            yield from (c.strip()[:MAX_CELL_CHARS] for c in CELL_SPLIT_RE.split(line) if c.strip())


@lru_cache(maxsize=64)
def markers(language: str, files: tuple[str, ...] = ()) -> frozenset[str]:
    """The folded phrases of a pack that tell its language: its labels and heading words (a
    user's file declaring the language included), less very short ones and the phrases every
    document is read with (English's, and those of the user's files that declare no language)."""
    declared = {f: lexicon_pack.read_pack(Path(f)).language for f in files}
    pack = lexicon_pack.load((language,), tuple(f for f in files if declared[f] == language))
    shared = _shared_phrases(tuple(f for f in files if not declared[f]))
    return frozenset(p for p in _phrases(pack) if text_width(p) >= MIN_PHRASE and p not in shared)


@lru_cache(maxsize=64)
def heading_markers(language: str, files: tuple[str, ...] = ()) -> frozenset[str]:
    """The marker phrases of a pack's HEADING_LISTS that no other pack has: one of them in a
    heading is enough to read the document in that language.

    >>> "checkliste" in heading_markers("de"), "lista de verificacion" in heading_markers("es")
    (True, True)
    """
    pack = lexicon_pack.load((language,), files)
    packs_of = marker_index(files)[0]
    own = (fold(w) for name in HEADING_LISTS for w in pack.words.get(name, ()))
    return frozenset(p for p in own if packs_of.get(p) == frozenset({language}))


@lru_cache(maxsize=8)
def marker_index(files: tuple[str, ...] = ()) -> tuple[dict[str, frozenset[str]], int]:
    """Every pack's marker phrases -> the packs they belong to, and the most words a phrase has."""
    packs_of: dict[str, set[str]] = {}
    for lang in lexicon_pack.available_languages(files):
        if lang != "en":
            for phrase in markers(lang, files):
                packs_of.setdefault(phrase, set()).add(lang)
    longest = max((len(p.split()) for p in packs_of), default=0)
    return {p: frozenset(langs) for p, langs in packs_of.items()}, longest


@lru_cache(maxsize=8)
def marker_openers(files: tuple[str, ...] = ()) -> frozenset[str]:
    """The first words of every marker phrase: where a phrase can start."""
    return frozenset(p.split()[0] for p in marker_index(files)[0] if p.split())


@lru_cache(maxsize=8)
def _shared_phrases(files: tuple[str, ...]) -> frozenset[str]:
    """Every folded phrase of English (and of the user's files for every document), in any list:
    words that say nothing about a document's language."""
    english = lexicon_pack.load(("en",), files)
    return frozenset((*_phrases(english), *(fold(w) for ws in english.words.values() for w in ws)))


def _phrases(pack: Lexicon) -> Iterator[str]:
    """A pack's labels, metadata keys and the phrases of its marker lists, folded."""
    for words in (
        *(pack.labels.get(f, ()) for f in FIELDS),
        pack.extra_labels,
        tuple(pack.ambiguous),
        *(pack.words.get(name, ()) for name in MARKER_LISTS),
    ):
        yield from (fold(w) for w in words if fold(w))


__all__ = ["document_languages", "heading_markers", "heading_texts", "label_candidates", "markers", "phrase_hits"]
