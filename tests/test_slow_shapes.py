"""The shapes the whole-document fuzzing found slow (issue 14), one test each (or more).

Each asserts a bound on the work done, counted in steps (choices scored, sequences read, steps
of a search, calls), or that a fast path gives what the plain one gives on small inputs; never
a time. `bench/fuzz.py --replay 1:N` replays the documents they come from.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.repair
from parsers.frontends import adoc_table
from parsers.frontends.linescan import ItemDraft
from parsers.frontends.markdown import PLUS_RULE_RE
from parsers.frontends.textrows import reading
from parsers.frontends.textrows import search as row_search
from parsers.frontends.textrows.header import Column
from parsers.frontends.textrows.rows import FoundRow
from parsers.frontends.textrows.splitter import RowSplitter
from parsers.frontends.textrows.vocab import Vocabulary
from parsers.model import Row, Table
from parsers.recognise import columns
from parsers.recognise.common import Context
from pipeline import reconcile
from pipeline.config import Config
from pipeline.document import process_document
from pipeline.plausible import Page
from pipeline.repair import ICM_ROUNDS, _choose, _neighbours, choose_all, explain_repairs, is_broken
from pipeline.sequences import sequences, shape_at

# --- mojibake recovery (pipeline/repair.py, pipeline/sequences.py) ---------------------------


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    """Counts the calls of `owner.name` from now on (in a one-item list)."""
    calls, real = [0], getattr(owner, name)

    def counted(*args, **kwargs):
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_a_run_of_one_lead_on_a_broken_line_scores_a_handful_of_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    """--replay 1:19692: "Owner:" and 60K "é" (each a lead whose continuations are gone) on a line
    that also holds mojibake: each "é" is a gap to fill, and all of them are the same choice."""
    scored = count_calls(monkeypatch, pipeline.repair, "_choose")
    work = {}
    for run in (200, 20_000):
        scored[0] = 0
        shape_at.cache_clear()
        fixed, changes = explain_repairs("Owner:" + "é" * run + " Ã© done")
        assert fixed == "Owner:" + "é" * run + " é done"
        assert len(changes) == 1
        work[run] = (scored[0], shape_at.cache_info().misses)  # trial decodes: only for a new window
    assert work[20_000] == work[200]
    assert work[200][0] <= 10 and work[200][1] <= 12


def test_a_run_of_one_mojibake_pair_is_seen_broken_at_its_first_sequence(monkeypatch: pytest.MonkeyPatch) -> None:
    """--replay 1:3013: 64K "Ã©" (mojibake of a run of é): one sequence is evidence enough."""
    read = [0]
    real = pipeline.repair.iter_sequences

    def counted(*args):
        for seq in real(*args):
            read[0] += 1
            yield seq

    monkeypatch.setattr(pipeline.repair, "iter_sequences", counted)
    assert is_broken("Ã©" * 30_000, "cp1252")
    assert read[0] == 1
    assert explain_repairs("Ã©" * 30_000)[0] == "é" * 30_000


def choose_all_plainly(line: str, seqs: list, gapped: list[int], page: Page, letters: frozenset[str]) -> None:
    """`choose_all` as it was: every gap scored in every round, no look-up, no early stop."""
    for _ in range(ICM_ROUNDS):
        for k in gapped:
            prev, nxt = _neighbours(line, seqs, k)
            seqs[k].choice = _choose(seqs[k], prev, nxt, page, letters)


MOJIBAKE_PIECES = ["â", "Œ", "Ã", "©", "ð", "Ÿ", "”", "´", "\ufffd", " ", "é", "a", "â•", "\x9d", "ï¸", "┐"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(MOJIBAKE_PIECES), max_size=24), st.sampled_from(["cp1252", "cp1254", "unknown"]))
def test_choices_looked_up_are_the_choices_scored(pieces: list[str], page: Page) -> None:
    line = "".join(pieces)
    fast, plain = sequences(line, page, True), sequences(line, page, True)
    gapped = [k for k, s in enumerate(fast) if s.shape.gapped]
    letters = frozenset("čć")
    choose_all(line, fast, gapped, page, letters)
    choose_all_plainly(line, plain, gapped, page, letters)
    assert [s.choice for s in fast] == [s.choice for s in plain]


# --- the scraped-row splitter (parsers/frontends/textrows/) ----------------------------------

# Columns of --replay 1:77306 (a CSV whose rows ran together into one of 2.5 KB): free text, an
# owner, free text, then two ratings.
COLUMNS = [
    Column("ID", "entry_id", "id"),
    Column("Risk", "title", "text"),
    Column("Owner", "owner", "owner"),
    Column("Mitigation", "mitigation", "text"),
    Column("Impact", "impact", "level"),
    Column("Likelihood", "likelihood", "level"),
]
WORDS = "payments GDPR expiry token SSO export vault rotation latency invoices backlog on-call".split()


def splitter(columns: list[Column] = COLUMNS) -> RowSplitter:
    return RowSplitter(columns, re.compile(r"R\d+"), Vocabulary.of(Config()))


def hostile_row(words: int) -> str:
    """A row of capitalised words run together (every capital could start the owner), then the
    two ratings."""
    return "R4 " + "".join(WORDS[i % len(WORDS)].capitalize() for i in range(words)) + " High Low"


@pytest.mark.parametrize("words", [8, 16, 24])
def test_free_text_before_ratings_ends_only_where_the_ratings_fit(words: int) -> None:
    """The mitigation runs up to the two ratings: only its last few characters can be where it
    ends, so the search grows with the row (owner starts x a few ends), not with its square."""
    sp = splitter()
    search = sp.search(hostile_row(words))
    assert not search.cut_short and search.paths
    assert len(search.owners) == words - 1  # every word but the first could start the owner
    assert search.walks <= 60 * words
    ratings_from = search.first_end[4]  # the mitigation ends there or after
    assert ratings_from > 0 and sum(c.isalnum() for c in search.text[ratings_from:]) <= sp.tails[4]


def test_a_hostile_row_stops_at_the_work_bounds_and_is_marked() -> None:
    """--replay 1:77306: rows run together into one of 2.5 KB, every capital a possible owner."""
    sp = splitter()
    search = sp.search(hostile_row(400))
    assert search.cut_short
    assert search.walks <= row_search.MAX_WALKS + 1
    assert len(search.owners) <= row_search.MAX_OWNER_STARTS
    reading = sp.read(hostile_row(400))
    assert reading.ambiguous and reading.confidence <= 0.5
    assert reading.cells[0] == "R4" and reading.cells[-2:] == ("High", "Low")
    assert any("more ways to be cut" in note for note in reading.notes)


def test_a_row_of_hundreds_of_lines_tries_dropping_a_few_of_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """--replay 1:32384: rows that ran on over hundreds of lines ("- level 0", "- level 1"...) were
    read again without their last line, then the last two... one search per line of the row."""
    searched = count_calls(monkeypatch, RowSplitter, "read")
    parts = tuple(f"- level {n}" for n in range(300))
    row = FoundRow(line=1, lines=tuple(range(1, 301)), text=" ".join(parts), parts=parts)
    reading._without_trailing_lines(splitter(), row)
    assert searched[0] <= 1 + reading.MAX_TRAILING_LINES


class _DeadNeverRemembered(set):
    def add(self, item: object) -> None:
        pass


class PlainSearch(row_search.Search):
    """The search without the bounds that only leave out dead ends."""

    def __init__(self, splitter: RowSplitter, text: str) -> None:
        super().__init__(splitter, text)
        self.first_end = [0] * len(self.first_end)
        self.dead = _DeadNeverRemembered()


ROW_PIECES = ["R1", "R22", " ", "Vault ", "outage", "SRE", "Security lead", "Platform", "High", "Low", "3", "4",
              "Open", "closed", "rotate", "Keys", "-", "Med."]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ROW_PIECES), min_size=1, max_size=10))
def test_bounds_that_leave_out_dead_ends_change_no_reading(pieces: list[str]) -> None:
    text = "".join(pieces)
    sp = splitter()
    bounded, plain = sp.search(text), PlainSearch(sp, text)
    plain.walk(0, 0, (), 0.0, (), 1.0, ())
    assert [(p.cells, p.cost, p.notes) for p in bounded.paths] == [(p.cells, p.cost, p.notes) for p in plain.paths]
    assert bounded.walks <= plain.walks


# --- column headers (parsers/recognise/columns.py) -------------------------------------------

OLD_PAIR_HEADER_RE = re.compile(r"^\s*(?P<a>[^/]+?)\s*/\s*(?P<b>[^/]+?)\s*$")


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(" \t\n/LIab"), max_size=12))
def test_pair_header_reads_as_the_pattern_it_replaces(header: str) -> None:
    m = OLD_PAIR_HEADER_RE.match(header)
    assert columns.pair_header(header) == ((m["a"], m["b"]) if m else None)


def test_a_header_of_thousands_of_columns_is_read_column_by_column(monkeypatch: pytest.MonkeyPatch) -> None:
    """--replay 1:15498: a header row of a 64K-tab line: each column once, not once per column."""
    calls = count_calls(monkeypatch, columns, "pair_header")
    header = tuple(["P", "L / I", "\t" * 5000, *(["P"] * 3000)])
    table = Table(line=1, end=3, header=header, rows=(Row(3, tuple("3" for _ in header)),))
    ctx = Context("x.md", "md")
    fields = columns.column_fields(table, ctx)
    columns.rating_pairs(table, fields, ctx)
    assert calls[0] <= 2 * len(header)


# --- list items carried on over lines (parsers/frontends/linescan.py) ------------------------


def text_carried_on_plainly(first: str, rest: list[tuple[str, str]]) -> str:
    """`ItemDraft.add_text` as it was: the text copied again for every line."""
    text = first
    for joiner, piece in rest:
        text = f"{text}{joiner}{piece}" if text and piece else text or piece
    return text


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["", "a"]), st.lists(st.tuples(st.sampled_from([" ", "\n"]), st.sampled_from(["", "b", "c d"]))))
def test_an_item_carried_on_reads_as_when_its_text_was_copied_per_line(first: str, rest: list) -> None:
    """bench/adversarial.py org_table through asciidoc: "* Risks" then 30,000 table lines, each
    carrying the list item on, copied the item's text once per line (quadratic)."""
    draft = ItemDraft(1, 1, 0, first, first.upper())
    for n, (joiner, piece) in enumerate(rest, 2):
        draft.add_text(piece, piece.upper(), n, joiner)
    plain = text_carried_on_plainly(first, rest)
    assert draft.joined() == (plain, text_carried_on_plainly(first.upper(), [(j, p.upper()) for j, p in rest]))


# --- Markdown, AsciiDoc, reconcile ---------------------------------------------------------------

OLD_PLUS_RULE_RE = re.compile(r"^[ \t]*(?:\|[ \t]*)?:?-+:?[ \t]*(?:\+[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$", re.MULTILINE)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(" \t|:-+x\n"), max_size=16))
def test_plus_rule_with_possessive_runs_matches_where_the_old_one_did(text: str) -> None:
    """--replay 1:17586: a "+---" rule then 64K tabs and one more character took 24 s to fail."""
    assert [m.span() for m in PLUS_RULE_RE.finditer(text)] == [m.span() for m in OLD_PLUS_RULE_RE.finditer(text)]


def grouped_by_scanning(cells: list, width: int) -> list[tuple[int, tuple[str, ...]]]:
    """`adoc_table._grouped` as it was (a scan of the row per cell), its crash on a row that row
    spans fill alone mended (a fresh row after it), and a body row of one spanned cell (no row
    span above it) a group heading."""
    width = max(width, 1)
    rows, below, row, line, written, carried = [], {}, None, 0, [], False

    def start(at: int) -> list:
        nonlocal line, carried
        line, fresh, carried = at, [None] * width, bool(below)
        written.clear()
        for col, (left, text) in list(below.items()):
            fresh[col] = text
            if left > 1:
                below[col] = (left - 1, text)
            else:
                del below[col]
        return fresh

    def finish() -> None:
        if row is not None and any(row):
            laid = tuple(c or "" for c in row)
            rows.append((line, adoc_table._group_heading(laid, written) if rows and not carried else laid))

    for cell in cells:
        for _ in range(cell.repeat):
            row = row if row is not None else start(cell.line)
            while None not in row:
                finish()
                row = start(cell.line)
            col = row.index(None)
            written.append((cell.text, max(1, cell.colspan)))
            for c in range(col, min(width, col + max(1, cell.colspan))):
                row[c] = cell.text
                if cell.rowspan > 1:
                    below[c] = (cell.rowspan - 1, cell.text)
            if None not in row:
                finish()
                row = None
    finish()
    return rows


CELLS = st.builds(
    adoc_table._Cell,
    line=st.integers(1, 9),
    text=st.sampled_from(["a", "b", "c"]),
    repeat=st.integers(1, 3),
    colspan=st.integers(0, 4),
    rowspan=st.integers(1, 4),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CELLS, max_size=9), st.integers(0, 5))
def test_asciidoc_cells_are_grouped_as_by_scanning_each_row(cells: list, width: int) -> None:
    """--replay 1:34350: a table as wide as a 64K-cell line scanned its row for every cell."""
    assert adoc_table._grouped(cells, width, str) == grouped_by_scanning(cells, width)


def test_an_asciidoc_row_filled_by_row_spans_alone_is_not_an_internal_error() -> None:
    text = (
        '= Risks\n\n[cols="2", options="header"]\n|===\n|ID |Risk\n\n.3+|R1 .3+|Vault outage\n|R2 |Token expiry\n|===\n'
    )
    result = process_document("spans.adoc", text.encode(), Config())
    assert not any("internal error" in r.reason for r in result.rejections)


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.sampled_from("vault outage keys"), max_size=30), st.text(st.sampled_from("vault outage"), max_size=30)
)
def test_title_ratio_is_the_sequence_matchers_when_it_counts(a: str, b: str) -> None:
    ratio = SequenceMatcher(None, a, b).ratio() if min(len(a), len(b)) >= 8 else 0.0
    assert reconcile._close_ratio(a, b) == (ratio if ratio >= reconcile.TITLE_MATCH else 0.0)


def test_a_giant_title_is_never_compared_in_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """--replay 1:82145: titles of 60K characters, compared pair by pair."""
    full = count_calls(monkeypatch, SequenceMatcher, "ratio")
    assert reconcile.title_similarity("Token expiry", "vault " * 10_000) == 0.0
    assert full[0] == 0
