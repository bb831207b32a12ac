"""parsers.frontends.rst: reStructuredText. Outline goldens per shape, focused asserts (title
levels by adornment, boxes, literals, field and definition lists, list-table, csv-table, simple
and grid tables, directives, comments, literal blocks), robustness on any input.

Goldens: tests/fixtures/frontends/rst/<case>.rst with <case>.outline.txt beside it; regenerate
with `pytest tests/test_frontend_rst.py --update-golden` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.frontends import choose, ranked, rst
from parsers.model import Code, Heading, KeyValue, ListItem, Paragraph, Rule, Table
from tests.frontend_support import cases, check_any_text, check_golden, every, fragments, items, tree_of

GOLDENS = cases("rst")


def read(source: str):
    return tree_of(rst, source, "doc.rst")


@pytest.mark.parametrize("case,golden", GOLDENS, ids=[c.name for c, _ in GOLDENS])
def test_outline_golden(case: Path, golden: Path, update_golden: bool) -> None:
    check_golden(rst, case, golden, update_golden)


@pytest.mark.parametrize("case", [c for c, _ in GOLDENS], ids=[c.name for c, _ in GOLDENS])
def test_rst_is_chosen(case: Path) -> None:
    assert choose(case.read_text(encoding="utf-8")).NAME == "rst"


def test_sniff_against_markdown() -> None:
    assert ranked("Risks\n=====\n\n**Owner**: SRE\n")[0][0] == "rst"  # a setext-looking title, no Markdown sign
    assert ranked("# Risks\n\nRegister\n========\n")[0][0] == "markdown"
    assert ranked("Risks\n=====\n\n[runbook](https://x)\n")[0][0] == "markdown"  # 0.5 against Markdown's 0.6
    assert rst.sniff("---\ntitle: x\n---\n") == 0.0  # front matter is not an overlined title


def test_title_levels_in_order_of_first_appearance() -> None:
    source = "=======\nLedger\n=======\n\nScope\n=====\n\nDetail\n------\n\nMore scope\n==========\n\nTiny\n~~~~\n"
    tree = read(source)
    assert [(h.line, h.end, h.level, h.text) for h in every(tree, Heading)] == [
        (2, 3, 1, "Ledger"),
        (5, 6, 2, "Scope"),
        (8, 9, 3, "Detail"),
        (11, 12, 2, "More scope"),
        (14, 15, 4, "Tiny"),
    ]


def test_a_transition_is_a_rule() -> None:
    tree = read("Para one.\n\n----------\n\nPara two.\n")
    assert [r.line for r in every(tree, Rule)] == [3]
    assert [p.text for p in every(tree, Paragraph)] == ["Para one.", "Para two."]


def test_boxes_literals_and_nesting() -> None:
    source = (
        "- [ ] Update ``CHANGELOG.rst``\n- [x] Bump with ``bump minor|patch``\n  and push\n"
        "- Plain\n\n  * nested\n  * [X] nested box\n\n#. auto\n(2) paren\nb) letter\n"
    )
    tree = read(source)
    assert items(tree) == [
        ("Update CHANGELOG.rst", "unticked", 0),
        ("Bump with bump minor|patch and push", "ticked", 0),
        ("Plain", None, 0),
        ("nested", None, 1),
        ("nested box", "ticked", 1),
        ("auto", None, 0),
        ("paren", None, 0),
        ("letter", None, 0),
    ]
    second = every(tree, ListItem)[1]
    assert second.marked == "Bump with `bump minor|patch` and push" and (second.line, second.end) == (2, 3)
    assert [i.number for i in every(tree, ListItem)][-3:] == [None, 2, None]


def test_box_lines_without_a_marker_are_items_not_a_paragraph() -> None:
    # Plain text under a "---" underline sniffs as reST; its box lines are still a checklist.
    tree = read("VPN Go-Live Checklist\n---------------------\n\n[x] Routes published\n[ ] IPv6 ``egress`` checked\n")
    assert items(tree) == [("Routes published", "ticked", 0), ("IPv6 egress checked", "unticked", 0)]
    assert [(i.line, i.marked) for i in every(tree, ListItem)] == [
        (4, "Routes published"),
        (5, "IPv6 `egress` checked"),
    ]
    assert [p.text for p in every(read("Title\n=====\n\n[x] one line stays\nprose [x] too\n"), Paragraph)] == [
        "[x] one line stays\nprose [x] too"
    ]


def test_field_lists_and_definition_lists_are_key_values() -> None:
    source = (
        ":Owner: Payments SRE\n:Last reviewed: 2026-04-02\n:Scope: the ledger\n"
        "   and its exporter\n\nLikelihood\n   How often, **yearly**.\n"
    )
    tree = read(source)
    assert [(kv.line, kv.end, kv.key, kv.value, kv.marked) for kv in every(tree, KeyValue)] == [
        (1, 1, "Owner", "Payments SRE", "Payments SRE"),
        (2, 2, "Last reviewed", "2026-04-02", "2026-04-02"),
        (3, 4, "Scope", "the ledger and its exporter", "the ledger and its exporter"),
        (6, 7, "Likelihood", "How often, yearly.", "How often, **yearly**."),
    ]


def test_list_table_cells_header_rows_and_lines() -> None:
    source = (
        "Risks\n-----\n\n.. list-table:: Open *risks*\n   :header-rows: 1\n\n   * - ID\n     - Risk\n"
        "   * - R1\n     - Replay **doubles**\n       entries\n   * - R2\n     - ``vault`` sealed\n\nAfter.\n"
    )
    tree = read(source)
    (table,) = every(tree, Table)
    assert (table.line, table.end, table.layout, table.caption, table.header) == (
        4,
        13,
        "list-table",
        "Open risks",
        ("ID", "Risk"),
    )
    assert [(r.line, r.cells) for r in table.rows] == [
        (9, ("R1", "Replay doubles entries")),
        (12, ("R2", "vault sealed")),
    ]
    assert table.path == ((1, "Risks"),)
    assert [p.text for p in every(tree, Paragraph)] == ["After."]


def test_list_table_header_rows() -> None:
    (table,) = every(
        read(".. list-table::\n   :header-rows: 0\n\n   * - Owner\n     - SRE\n   * - Status\n     - Open\n"), Table
    )
    assert (table.header, [r.cells for r in table.rows]) == (("Owner", "SRE"), [("Status", "Open")])
    source = (
        ".. list-table::\n   :header-rows: 2\n\n   * - Risk\n     - Rating\n"
        "   * - \n     - (1-5)\n   * - R1\n     - 4\n"
    )
    (table,) = every(read(source), Table)
    assert (table.header, [r.cells for r in table.rows]) == (("Risk", "Rating (1-5)"), [("R1", "4")])


def test_csv_simple_and_grid_tables() -> None:
    source = (
        '.. csv-table:: Sign-off\n   :header: "Area", "Decision"\n\n   "Security", "Approved, with notes"\n\n'
        "=====  =========\nID     Risk\n=====  =========\nR3     Disk full\n=====  =========\n\n"
        "+----+------+\n| ID | Risk |\n+====+======+\n| R5 | Cert |\n+----+------+\n"
    )
    tables = every(read(source), Table)
    assert [(t.layout, t.line, t.end, t.header, [r.cells for r in t.rows]) for t in tables] == [
        ("csv-table", 1, 4, ("Area", "Decision"), [("Security", "Approved, with notes")]),
        ("aligned", 6, 10, ("ID", "Risk"), [("R3", "Disk full")]),
        ("grid", 12, 16, ("ID", "Risk"), [("R5", "Cert")]),
    ]


def test_directives_comments_and_literal_blocks() -> None:
    source = (
        ".. contents::\n   :local:\n\n.. note::\n\n   - [ ] Inside a note\n\n.. image:: x.png\n   :alt: no\n\n"
        ".. A comment\n   over lines\n\n.. _target:\n\nExample::\n\n    kubectl rollout restart\n\n"
        ".. code-block:: bash\n\n   make release\n     --dry-run\n"
    )
    tree = read(source)
    assert items(tree) == [("Inside a note", "unticked", 0)]
    assert [p.text for p in every(tree, Paragraph)] == ["Example:"]
    assert [(c.line, c.text, c.lang) for c in every(tree, Code)] == [
        (18, "kubectl rollout restart", ""),
        (20, "make release\n  --dry-run", "bash"),
    ]


def test_inline_markup() -> None:
    (para,) = every(
        read("Run ``make test`` with :code:`-k x*y`, **Owner:** *SRE*, `docs <https://x>`_ and \\*.\n"), Paragraph
    )
    assert para.text == "Run make test with -k x*y, Owner: SRE, docs and *."
    assert para.marked == "Run `make test` with `-k x*y`, **Owner:** *SRE*, docs and \\*."


RST_PIECES = [
    *("\n", "\n\n", " ", "   ", "=====", "-----", "~~~~", "Title", "- ", "* ", "+ ", "1. ", "#. ", "(1) ", "a) "),
    *("[ ] ", "[x] ", ":Owner: ", ":a:", ".. note::\n", ".. list-table:: T\n", "   :header-rows: 1\n", "   * - "),
    *("     - ", ".. csv-table::\n", "   :header: a, b\n", ".. code-block:: sh\n", ".. ", ".. _t:\n", "::\n"),
    *("``x``", "**b**", "*e*", "`i`", ":code:`c`", "`t <u>`_", "\\", "| line\n", "+----+\n", "| x |\n", "==  ==\n"),
]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), fragments(RST_PIECES)))
def test_any_text_reads_with_lines_inside_it(source: str) -> None:
    check_any_text(rst, source)
