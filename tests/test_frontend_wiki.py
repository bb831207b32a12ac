"""parsers.frontends.wiki: Jira and Confluence wiki markup. Outline goldens per shape, focused
asserts (headings, tables with line breaks, links, macros and cells over lines, lists nested by
markers and numbered, boxes, emoticons kept as marks, code, inline markup), robustness.

Goldens: tests/fixtures/frontends/wiki/<case>.wiki with <case>.outline.txt beside it; regenerate
with `pytest tests/test_frontend_wiki.py --update-golden` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.frontends import choose, ranked, wiki
from parsers.model import Code, Heading, ListItem, Paragraph, Rule, Table
from tests.frontend_support import cases, check_any_text, check_golden, every, fragments, items, tree_of

GOLDENS = cases("wiki")


def read(source: str):
    return tree_of(wiki, source, "page.wiki")


@pytest.mark.parametrize("case,golden", GOLDENS, ids=[c.name for c, _ in GOLDENS])
def test_outline_golden(case: Path, golden: Path, update_golden: bool) -> None:
    check_golden(wiki, case, golden, update_golden)


@pytest.mark.parametrize("case", [c for c, _ in GOLDENS], ids=[c.name for c, _ in GOLDENS])
def test_wiki_is_chosen(case: Path) -> None:
    assert choose(case.read_text(encoding="utf-8")).NAME == "wiki"


def test_sniff_beats_markdown_on_numbered_lists() -> None:
    assert ranked("h2. Steps\n# one\n# two\n")[0][0] == "wiki"  # "# one" is an ATX heading to Markdown's sniff
    assert wiki.sniff("| a | b |\n|---|---|\n") == 0.0


def test_headings() -> None:
    tree = read("h1. Media *Transcoder*\nh3. Readiness\nh7. not one\n")
    assert [(h.level, h.text, h.marked) for h in every(tree, Heading)] == [
        (1, "Media Transcoder", "Media **Transcoder**"),
        (3, "Readiness", "Readiness"),
    ]


def test_table_header_cells_links_macros_and_breaks() -> None:
    source = (
        "||ID||Risk||Status||Owner||\n"
        "|MT-1|GPU nodes pre-empted\\\\during *long* encodes|{status:colour=Red|title=Open}|[Video|https://x/video]|\n"
        "|MT-2|Cache -never- expires|{status:title=Closed}|\n"
        "|MT-3|Spikes after launches\n* queue fills\n* autoscaler lags|Open|SRE|\nAfter.\n"
    )
    tree = read(source)
    (table,) = every(tree, Table)
    assert (table.line, table.end, table.layout, table.header) == (1, 6, "wiki", ("ID", "Risk", "Status", "Owner"))
    assert [(r.line, r.cells) for r in table.rows] == [
        (2, ("MT-1", "GPU nodes pre-empted\nduring long encodes", "Open", "Video")),
        (3, ("MT-2", "Cache ~~never~~ expires", "Closed", "")),
        (4, ("MT-3", "Spikes after launches\n* queue fills\n* autoscaler lags", "Open", "SRE")),
    ]
    assert [p.text for p in every(tree, Paragraph)] == ["After."]


def test_escaped_bars_and_unclosed_brackets_in_cells() -> None:
    assert wiki.cells(r"|a \| b|[x|c|") == ["a \\| b", "[x", "c"]
    (table,) = every(read("||A||B||\n|a \\| b|c|\n"), Table)
    assert table.rows[0].cells == ("a | b", "c")


def test_lists_nest_by_markers_and_count_numbers() -> None:
    source = (
        "* (/) Presets reviewed\n* (x) Load test\n** (!) Rerun booked\n"
        "* [x] Alerts routed\n# Freeze\n# Switch\n## canary\n#* mixed\n- dash\n"
    )
    tree = read(source)
    assert items(tree) == [
        ("✅ Presets reviewed", None, 0),
        ("❌ Load test", None, 0),
        ("⚠️ Rerun booked", None, 1),
        ("Alerts routed", "ticked", 0),
        ("Freeze", None, 0),
        ("Switch", None, 0),
        ("canary", None, 1),
        ("mixed", None, 1),
        ("dash", None, 0),
    ]
    assert [i.number for i in every(tree, ListItem)] == [None, None, None, None, 1, 2, 1, None, None]


def test_a_line_under_an_item_carries_it_on_and_a_blank_line_ends_the_list() -> None:
    tree = read("* Load test\nat 2x peak\n\nAfter the list.\n")
    assert [(i.text, i.line, i.end) for i in every(tree, ListItem)] == [("Load test\nat 2x peak", 1, 2)]
    assert [p.text for p in every(tree, Paragraph)] == ["After the list."]


def test_code_blocks_panels_quotes_and_rules() -> None:
    source = (
        "{code:language=bash|title=Release}\nmake release\n{code}\n{noformat}raw *text*{noformat}\n"
        "{panel:title=Notes}\nbq. Ship after sign-off.\n{panel}\n----\n"
    )
    tree = read(source)
    assert [(c.line, c.end, c.text, c.lang) for c in every(tree, Code)] == [
        (1, 3, "make release", "bash"),
        (4, 4, "raw *text*", ""),
    ]
    assert [p.text for p in every(tree, Paragraph)] == ["Ship after sign-off."]
    assert [r.line for r in every(tree, Rule)] == [8]


def test_an_unclosed_code_block_runs_to_the_end() -> None:
    (block,) = every(read("{code}\nx\ny\n"), Code)
    assert (block.line, block.end, block.text) == (1, 4, "x\ny")


def test_inline_markup_and_emoticons() -> None:
    (para,) = every(
        read("*Owner:* SRE, _now_, -Open-, {{a*b}}, [docs|https://x], (/) done (x) not, well-known\n"), Paragraph
    )
    assert para.text == "Owner: SRE, now, ~~Open~~, a*b, docs, ✅ done ❌ not, well-known"
    assert para.marked == "**Owner:** SRE, *now*, ~~Open~~, `a*b`, docs, ✅ done ❌ not, well-known"


WIKI_PIECES = [
    *("\n", "\n\n", " ", "h1. ", "h3. ", "* ", "** ", "# ", "#* ", "- ", "[x] ", "[ ] ", "(/)", "(x)", "(!)", "||"),
    *("|", "\\\\", "\\|", "[", "]", "{", "}", "[a|b]", "{status:colour=Red|title=Open}", "{code}", "{code:java}\n"),
    *("{noformat}", "{panel}\n", "{info}\n", "bq. ", "----\n", "*b*", "_e_", "-s-", "+u+", "{{m}}", "??c??", "^s^"),
]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), fragments(WIKI_PIECES)))
def test_any_text_reads_with_lines_inside_it(source: str) -> None:
    check_any_text(wiki, source)
