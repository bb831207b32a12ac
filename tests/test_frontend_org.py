"""parsers.frontends.org: org-mode. Outline goldens per shape, focused asserts (levels, TODO
keywords, tags and cookies, keywords as properties, drawers, boxes, lists, tables, inline
markup, code), robustness on any input.

Goldens: tests/fixtures/frontends/org/<case>.org with <case>.outline.txt beside it; regenerate
with `pytest tests/test_frontend_org.py --update-golden` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.frontends import choose, org
from parsers.model import Code, Heading, KeyValue, ListItem, Paragraph, Table
from tests.frontend_support import cases, check_any_text, check_golden, every, fragments, items, tree_of

GOLDENS = cases("org")


def read(source: str):
    return tree_of(org, source, "doc.org")


@pytest.mark.parametrize("case,golden", GOLDENS, ids=[c.name for c, _ in GOLDENS])
def test_outline_golden(case: Path, golden: Path, update_golden: bool) -> None:
    check_golden(org, case, golden, update_golden)


@pytest.mark.parametrize("case", [c for c, _ in GOLDENS], ids=[c.name for c, _ in GOLDENS])
def test_org_is_chosen(case: Path) -> None:
    assert choose(case.read_text(encoding="utf-8")).NAME == "org"


def test_sniff_needs_org_signs() -> None:
    assert org.sniff("#+title: x\n") == 0.95
    assert org.sniff("* Checks [50%]\n") == 0.95
    assert org.sniff("  :PROPERTIES:\n") == 0.95
    assert org.sniff("* a bullet\n* another\n- [ ] x\n") == 0.0  # a Markdown list, not org headings


def test_headings_drop_keywords_priorities_cookies_and_tags() -> None:
    tree = read("* TODO [#A] Observability [0/2] :ops:slo:\n** DONE Sign-off [100%]\n*** Notes\n")
    assert [(h.level, h.text) for h in every(tree, Heading)] == [(1, "Observability"), (2, "Sign-off"), (3, "Notes")]


def test_declared_todo_keywords_are_dropped_too() -> None:
    tree = read("#+TODO: OPEN WAITING | CLOSED\n* OPEN Vault outage\n* CLOSED DNS\n")
    assert [h.text for h in every(tree, Heading)] == ["Vault outage", "DNS"]


def test_title_is_level_one_and_headings_go_one_down() -> None:
    tree = read("#+TITLE: Launch *Checklist*\n#+AUTHOR: SRE\n#+Date: 2026-03-01\n* Pipeline\n** Steps\n")
    assert tree.declared_title == "Launch Checklist"
    assert dict(tree.properties) == {"author": "SRE", "date": "2026-03-01"}
    assert [(h.line, h.level, h.text, h.marked) for h in every(tree, Heading)] == [
        (1, 1, "Launch Checklist", "Launch **Checklist**"),
        (4, 2, "Pipeline", "Pipeline"),
        (5, 3, "Steps", "Steps"),
    ]


def test_without_a_title_the_stars_are_the_levels() -> None:
    tree = read("* Register\n** R1\n")
    assert tree.declared_title is None
    assert [(h.level, h.text) for h in every(tree, Heading)] == [(1, "Register"), (2, "R1")]


def test_property_drawers_are_key_values_other_drawers_skipped() -> None:
    source = (
        "* R1: Vault outage\n:PROPERTIES:\n:LIKELIHOOD: Medium\n:OWNER:    Platform SRE\n:END:\n"
        ":LOGBOOK:\n- State DONE\n:END:\nText.\n"
    )
    tree = read(source)
    assert [(kv.line, kv.key, kv.value) for kv in every(tree, KeyValue)] == [
        (3, "LIKELIHOOD", "Medium"),
        (4, "OWNER", "Platform SRE"),
    ]
    assert [p.text for p in every(tree, Paragraph)] == ["Text."]
    assert all(kv.path == ((1, "R1: Vault outage"),) for kv in every(tree, KeyValue))


def test_an_unclosed_drawer_is_text() -> None:
    tree = read("* A\n:NOTES:\nSome words.\n* B\n:END:\n")
    assert [p.text for p in every(tree, Paragraph)] == [":NOTES:\nSome words.", ":END:"]


def test_boxes_and_nesting() -> None:
    source = (
        "- [X] Backfill replayed\n- [ ] Dead letters kept\n- [-] Migration rehearsed [1/2]\n"
        "  - [X] on staging\n  - [ ] on production\n+ [x] Plus bullet\n  * star bullet when indented\n"
        "3. [ ] numbered\n"
    )
    assert items(read(source)) == [
        ("Backfill replayed", "ticked", 0),
        ("Dead letters kept", "unticked", 0),
        ("Migration rehearsed", "unknown", 0),
        ("on staging", "ticked", 1),
        ("on production", "unticked", 1),
        ("Plus bullet", "ticked", 0),
        ("star bullet when indented", None, 1),
        ("numbered", "unticked", 0),
    ]
    assert [i.number for i in every(read(source), ListItem)][-1] == 3


def test_item_text_carries_on_under_it_and_a_paragraph_after_a_blank_is_its_child() -> None:
    tree = read("- [ ] Dashboard links in the ~README~\n  with the query examples\n\n  A note under it.\nAfter.\n")
    (item,) = every(tree, ListItem)
    assert (item.text, item.marked, item.line, item.end) == (
        "Dashboard links in the README with the query examples",
        "Dashboard links in the `README` with the query examples",
        1,
        4,
    )
    assert [type(k).__name__ for k in item.children] == ["Paragraph"]
    assert [p.text for p in every(tree, Paragraph)] == ["A note under it.", "After."]
    assert tree.blocks[-1].text == "After."


def test_description_items_are_key_values() -> None:
    tree = read("- Reviewer :: Dana Ortiz\n- Next review :: *2026-06-01*\n")
    assert [(kv.key, kv.value, kv.marked) for kv in every(tree, KeyValue)] == [
        ("Reviewer", "Dana Ortiz", "Dana Ortiz"),
        ("Next review", "2026-06-01", "**2026-06-01**"),
    ]


def test_tables_with_a_plus_rule_caption_and_formulas() -> None:
    source = (
        "#+CAPTION: Open risks\n| ID | Risk | Owner |\n|----+------+-------|\n| FS-1 | /stale/ features | ML |\n"
        "| FS-2 | +gone+ |\n#+TBLFM: $1=$1\n"
    )
    (table,) = every(read(source), Table)
    assert (table.line, table.end, table.layout, table.caption, table.header) == (
        2,
        5,
        "org",
        "Open risks",
        ("ID", "Risk", "Owner"),
    )
    assert [(r.line, r.cells) for r in table.rows] == [
        (4, ("FS-1", "stale features", "ML")),
        (5, ("FS-2", "~~gone~~", "")),
    ]


def test_inline_markup_in_marked_text() -> None:
    (para,) = every(read("*Owner:* /Search SRE/ runs =make check= and ~ls~, +Open+ [[https://x][docs]]\n"), Paragraph)
    assert para.text == "Owner: Search SRE runs make check and ls, ~~Open~~ docs"
    assert para.marked == "**Owner:** *Search SRE* runs `make check` and `ls`, ~~Open~~ docs"


def test_code_blocks_fixed_width_and_comments() -> None:
    source = (
        "# a comment\n#+BEGIN_SRC sh\nmake launch\n#+END_SRC\n: kubectl get pods\n"
        ": (two)\n#+BEGIN_COMMENT\nx\n#+END_COMMENT\n"
    )
    tree = read(source)
    assert [(c.line, c.end, c.text, c.lang) for c in every(tree, Code)] == [
        (2, 4, "make launch", "sh"),
        (5, 6, "kubectl get pods\n(two)", ""),
    ]
    assert every(tree, Paragraph) == []


ORG_PIECES = [
    *("\n", "\n\n", " ", "  ", "* ", "** ", "TODO ", "[#A] ", "[1/3]", "[50%]", " :a:b:", "- ", "+ ", "  * ", "1. "),
    *("[X] ", "[ ] ", "[-] ", " :: ", ":PROPERTIES:\n", ":END:\n", ":LOGBOOK:\n", ":OWNER: x\n", "#+TITLE: "),
    *("#+TODO: A | B\n", "#+BEGIN_SRC sh\n", "#+END_SRC\n", "#+BEGIN_QUOTE\n", "#+CAPTION: c\n", "| a | b |\n"),
    *("|---+---|\n", "#+TBLFM: x\n", ": fixed\n", "-----\n", "*b*", "/i/", "=c=", "~k~", "+s+", "_u_", "[[u][d]]"),
    *("+----+\n", "| x |\n"),
]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), fragments(ORG_PIECES)))
def test_any_text_reads_with_lines_inside_it(source: str) -> None:
    check_any_text(org, source)
