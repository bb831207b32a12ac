"""parsers.frontends.asciidoc (and adoc_table): AsciiDoc. Outline goldens per shape, focused
asserts (header, levels, tables with their header, cells over lines, spans and styles,
checklists, lists nested by markers, attached blocks, description lists, code), robustness.

Goldens: tests/fixtures/frontends/asciidoc/<case>.adoc with <case>.outline.txt beside it;
regenerate with `pytest tests/test_frontend_asciidoc.py --update-golden` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import reader
from parsers.frontends import asciidoc, choose
from parsers.model import Code, Heading, KeyValue, ListItem, Paragraph, Table
from pipeline.config import Config
from pipeline.records import Document
from tests.frontend_support import cases, check_any_text, check_golden, every, fragments, items, tree_of

GOLDENS = cases("asciidoc")


def read(source: str):
    return tree_of(asciidoc, source, "doc.adoc")


def table_of(source: str) -> Table:
    (table,) = every(read(source), Table)
    return table


@pytest.mark.parametrize("case,golden", GOLDENS, ids=[c.name for c, _ in GOLDENS])
def test_outline_golden(case: Path, golden: Path, update_golden: bool) -> None:
    check_golden(asciidoc, case, golden, update_golden)


@pytest.mark.parametrize("case", [c for c, _ in GOLDENS], ids=[c.name for c, _ in GOLDENS])
def test_asciidoc_is_chosen(case: Path) -> None:
    assert choose(case.read_text(encoding="utf-8")).NAME == "asciidoc"


def test_sniff() -> None:
    assert asciidoc.sniff("// comment\n= Title\n\n== Section\n") == 0.95
    assert asciidoc.sniff("|===\n|a\n|===\n") == 0.95
    assert asciidoc.sniff("=====  =====\nID     Risk\n=====  =====\n") == 0.0  # a reST simple table


def test_document_header_title_author_and_attributes() -> None:
    tree = read(
        "= Billing *Risks*\nPriya Raman <priya@example.com>\n:owner: Billing SRE\n"
        ":last_reviewed: 2026-04-18\n:toc!:\n\n== Register\n=== Detail ===\n"
    )
    assert tree.declared_title == "Billing Risks"
    assert dict(tree.properties) == {
        "author": "Priya Raman <priya@example.com>",
        "owner": "Billing SRE",
        "last reviewed": "2026-04-18",
    }
    assert [(h.level, h.text, h.marked) for h in every(tree, Heading)] == [
        (1, "Billing Risks", "Billing **Risks**"),
        (2, "Register", "Register"),
        (3, "Detail", "Detail"),
    ]


def test_attributes_after_the_header_are_not_properties() -> None:
    tree = read("= T\n\nText.\n\n:owner: nobody\n")
    assert dict(tree.properties) == {}


def test_table_header_by_blank_line_cells_over_lines_and_caption() -> None:
    source = (
        '.Open risks\n[cols="1,3,1"]\n|===\n|ID |Risk |Owner\n\n|BG-1\n|Invoice run *double*-charges\nafter a timeout\n'
        "|Billing\n\n|BG-2 |Tax `ttl` \\| cache |Finance\n|===\n"
    )
    table = table_of(source)
    assert (table.line, table.end, table.layout, table.caption, table.header) == (
        3,
        12,
        "asciidoc",
        "Open risks",
        ("ID", "Risk", "Owner"),
    )
    assert [(r.line, r.cells) for r in table.rows] == [
        (6, ("BG-1", "Invoice run double-charges\nafter a timeout", "Billing")),
        (11, ("BG-2", "Tax ttl | cache", "Finance")),
    ]


def test_table_spans_repeats_and_styles() -> None:
    source = "|===\n|A |B |C\n2+|wide |c1\n.2+|tall |b2 |c2\n|b3 |c3\n3*|x\na|* item\n* item 2 |m |n\n|===\n"
    table = table_of(source)
    assert [r.cells for r in table.rows] == [
        ("wide", "wide", "c1"),
        ("tall", "b2", "c2"),
        ("tall", "b3", "c3"),
        ("x", "x", "x"),
        ("* item\n* item 2", "m", "n"),
    ]


def test_noheader_and_csv_tables() -> None:
    table = table_of("[%noheader]\n|===\n|Owner |SRE\n|Status |Open\n|===\n")  # labels are in the first row
    assert (table.header, [r.cells for r in table.rows]) == (("Owner", "SRE"), [("Status", "Open")])
    table = table_of('[%header]\n,===\nID,Risk\nR1,"Vault, sealed"\n,===\n')
    assert (table.header, [r.cells for r in table.rows]) == (("ID", "Risk"), [("R1", "Vault, sealed")])


def test_an_unclosed_table_runs_to_the_end() -> None:
    table = table_of("|===\n|ID |Risk\n|R1 |x\n")
    assert (table.line, table.end, [r.cells for r in table.rows]) == (1, 3, [("R1", "x")])


def test_checklists_nest_by_markers() -> None:
    source = "* [x] Load test\n* [ ] Runbook\n** [*] Paging policy\n*** deep\n- [ ] dash list\n. ordered\n.. sub\n"
    assert items(read(source)) == [
        ("Load test", "ticked", 0),
        ("Runbook", "unticked", 0),
        ("Paging policy", "ticked", 1),
        ("deep", None, 2),
        ("dash list", "unticked", 3),
        ("ordered", None, 4),
        ("sub", None, 5),
    ]


def test_lines_under_an_item_and_attached_blocks() -> None:
    source = (
        "* Rollback rehearsed\non staging\n+\nThe rehearsal includes the schema.\n+\n"
        "----\nmake rollback\n----\n\nAfter.\n"
    )
    tree = read(source)
    (item,) = every(tree, ListItem)
    assert (item.text, item.line, item.end) == ("Rollback rehearsed on staging", 1, 8)
    assert [type(k).__name__ for k in item.children] == ["Paragraph", "Code"]
    assert tree.blocks[-1].text == "After." and isinstance(tree.blocks[-1], Paragraph)


def test_description_lists_are_key_values() -> None:
    tree = read("Status:: in review\nOwner::\n  Analytics *Platform*\nWhen;; soon\n")
    assert [(kv.line, kv.end, kv.key, kv.value, kv.marked) for kv in every(tree, KeyValue)] == [
        (1, 1, "Status", "in review", "in review"),
        (2, 3, "Owner", "Analytics Platform", "Analytics **Platform**"),
        (4, 4, "When", "soon", "soon"),
    ]


def test_code_blocks_and_skipped_lines() -> None:
    source = (
        "[source,shell]\n----\n./go-live --dry-run\n----\n\n////\nhidden\n////\n// note\n"
        "....\nliteral\n....\ninclude::x.adoc[]\n"
    )
    tree = read(source)
    assert [(c.line, c.end, c.text, c.lang) for c in every(tree, Code)] == [
        (2, 4, "./go-live --dry-run", "shell"),
        (10, 12, "literal", ""),
    ]
    assert every(tree, Paragraph) == []


def test_inline_markup() -> None:
    (para,) = every(
        read("*Owner:* SRE, _now_ `a*b` +x+ [.line-through]#Open# https://x[docs] <<r1,Risk 1>> a -- b\n"), Paragraph
    )
    assert para.text == "Owner: SRE, now a*b x ~~Open~~ docs Risk 1 a — b"
    assert para.marked == "**Owner:** SRE, *now* `a*b` `x` ~~Open~~ docs Risk 1 a — b"


ADOC_PIECES = [
    *("\n", "\n\n", " ", "= ", "== ", "=== ", "Title", ":owner: x\n", ":toc!:\n", "* ", "** ", "- ", ". ", ".. "),
    *("[x] ", "[ ] ", "[*] ", "+\n", "Term:: ", "Term::\n", ";; ", "|===\n", ",===\n", "|", "a|", "2+|", ".2+|"),
    *("3*|", '[cols="1,2"]\n', "[%noheader]\n", "[%header]\n", ".Caption\n", "----\n", "....\n", "////\n"),
    *("____\n", "====\n", "--\n", "// c\n", "'''\n", "*b*", "**b**", "_e_", "`c`", "+m+", "#h#", "x[y]", "<<a,b>>"),
]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), fragments(ADOC_PIECES)))
def test_any_text_reads_with_lines_inside_it(source: str) -> None:
    check_any_text(asciidoc, source)


def test_a_row_of_one_spanned_cell_is_a_group_heading() -> None:
    # '5+|_Accepted_' and '2+|_Retired_ 3+|' filled every column with the word, so the row was a
    # risk ('Retired', likelihood 'Retired'); as the HTML front end does with a lone <td colspan>,
    # the text stays in the first column and the row heads the rows under it.
    source = (Path(__file__).parent / "fixtures/frontends/asciidoc/group_rows_spanned_and_full_width.adoc").read_text()
    assert [r.cells for r in table_of(source).rows if not r.cells[0].startswith("IDP")] == [
        ("Accepted", "", "", "", ""),
        ("Retired", "", "", "", ""),
    ]
    entries = reader.read(Document("r.adoc", "0" * 64, len(source), source, "utf-8"), Config()).parsed.entries
    assert [(e.fields["entry_id"], e.section) for e in entries] == [
        ("IDP-1", "Register"),
        ("IDP-2", "Register"),
        ("IDP-4", "Accepted"),
        ("IDP-0", "Retired"),
    ]
    # A spanned cell beside others is a value, spread over its columns.
    assert table_of("|===\n|ID |Risk |Owner\n|R1 2+|Vault sealed\n|===\n").rows[0].cells == (
        "R1",
        "Vault sealed",
        "Vault sealed",
    )
