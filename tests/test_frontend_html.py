"""parsers.frontends.html: sniffing, the block tree of each page shape (outline goldens), the
blocks themselves (text forms, boxes, key/values, lines, cells, chrome), fragments inside
Markdown, and robustness on any input.

Goldens: tests/fixtures/frontends/html/<case>.html (or .txt, a page saved as text) with
<case>.outline.txt beside it; a few pages of the old parser's fixtures (tests/fixtures/html_table)
have theirs under tests/fixtures/frontends/html/html_table/. Regenerate with
`pytest tests/test_frontend_html.py --update-golden` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.frontends import html, markdown, ranked
from parsers.model import Block, Code, Heading, KeyValue, ListItem, Paragraph, Quote, Table, Tree, outline, walk
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.records import Document
from pipeline.run import process_document
from tests.conftest import FIXTURES

HERE = FIXTURES / "frontends" / "html"
OLD = FIXTURES / "html_table"
FAST = settings(max_examples=150, deadline=None)


def doc(text: str, path: str = "page.html") -> Document:
    return Document(path, "0" * 64, len(text), text, "utf-8")


def tree_of(text: str, path: str = "page.html") -> Tree:
    return html.blocks(doc(text, path), Config())


def fixture(name: str) -> Tree:
    path = (OLD if name in OLD_NAMES else HERE) / name
    return tree_of(path.read_text(encoding="utf-8"), name)


def page(body: str, title: str = "Vault Proxy — Risk Register") -> str:
    return f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n<body>\n{body}\n</body></html>\n"


def every(tree: Tree, kind: type[Block] = Block) -> list:
    return [b for b in walk(tree.blocks) if isinstance(b, kind)]


def texts(tree: Tree, kind: type[Block] = Paragraph) -> list[str]:
    return [b.text for b in every(tree, kind)]


# ---- goldens ----

OLD_NAMES = (
    "chrome_legend_register.html",
    "layout_and_legend_only.html",
    "mediawiki_edit_links_slash_header.html",
    "notion_export_adjacent_chips.html",
    "rowspan_owner_colspan.html",
    "html_page_saved_as.txt",
)
CASES = sorted(p for p in [*HERE.glob("*.html"), *HERE.glob("*.txt")] if not p.name.endswith(".outline.txt"))
GOLDENS = [(p, p.with_name(p.name.rsplit(".", 1)[0] + ".outline.txt")) for p in CASES] + [
    (OLD / n, HERE / "html_table" / (n.rsplit(".", 1)[0] + ".outline.txt")) for n in OLD_NAMES
]


@pytest.mark.parametrize("case,golden", GOLDENS, ids=[f"{c.parent.name}/{c.name}" for c, _ in GOLDENS])
def test_outline_golden(case: Path, golden: Path, update_golden: bool) -> None:
    got = "\n".join(outline(tree_of(case.read_text(encoding="utf-8"), case.name))) + "\n"
    if update_golden:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}; run with --update-golden and review it"
    assert got == golden.read_text(encoding="utf-8")


def test_every_fixture_is_read_by_the_html_front_end() -> None:
    for case, _ in GOLDENS:
        assert ranked(case.read_text(encoding="utf-8"))[0][0] == "html", case.name


# ---- sniff ----


def test_sniff_takes_pages_whatever_the_extension() -> None:
    assert html.sniff(page("<p>x</p>")) == 0.95
    assert html.sniff((HERE / "page_saved_as_text.txt").read_text(encoding="utf-8")) == 0.95
    assert html.sniff((HERE / "word_save_as_html.html").read_text(encoding="utf-8")) == 0.95


def test_sniff_takes_confluence_storage_and_fragments_that_are_mostly_tags() -> None:
    assert html.sniff((HERE / "confluence_storage_tasks_status.html").read_text(encoding="utf-8")) == 0.95
    assert html.sniff('<div class="page-body">\n<h2>Risks</h2>\n<table><tr><td>R1</td></tr></table>\n</div>') >= 0.9


@pytest.mark.parametrize(
    "text",
    [
        "# Vault Proxy\n\n| ID | Risk |\n|---|---|\n| VP-1 | Token cache<br>poisoned |\n",
        "# Guide\n\n```html\n<!DOCTYPE html>\n<html><body></body></html>\n```\n",
        "## Risks\n\n<table>\n<tr><th>ID</th></tr>\n<tr><td>R1</td></tr>\n</table>\n",
        "# Confluence tips\n\nWrite `<ac:task-list>` for tasks.\n",
    ],
)
def test_sniff_leaves_markdown_with_some_html_to_the_markdown_front_end(text: str) -> None:
    assert html.sniff(text) < 0.9
    assert ranked(text)[0][0] == "markdown"


def test_sniff_gives_text_with_a_few_tags_a_low_score() -> None:
    assert html.sniff("Owner: SRE<br>\nStatus: open<br>\nLikelihood: <b>high</b>\n") <= 0.2
    assert html.sniff("Risk register\n<none>\nOwner: SRE\nStatus: open\n") <= 0.2
    assert html.sniff("Risks\n=====\n\nR1  Vault outage  High\n") == 0.0


@FAST
@given(st.text())
def test_sniff_stays_in_unit_interval(text: str) -> None:
    assert 0.0 <= html.sniff(text) <= 1.0


# ---- inline text: plain and marked ----


def test_strong_label_paragraph_is_marked_as_canonical_markdown() -> None:
    (para,) = every(tree_of("<p><strong>Likelihood:</strong> High</p>"), Paragraph)
    assert (para.text, para.marked) == ("Likelihood: High", "**Likelihood:** High")


def test_marked_text_moves_spaces_outside_markers_keeps_struck_text_and_escapes_literals() -> None:
    tree = fixture("sections_strong_labels.html")
    got = {p.text: p.marked for p in every(tree, Paragraph)}
    assert got["Likelihood: Medium"] == "**Likelihood:** Medium"
    assert got["Impact:High"] == "**Impact:***High*"
    assert got["Status: ~~Open~~ Mitigating"] == "**Status:** ~~Open~~ Mitigating"
    assert got["Literal stars *like this* and a back\\slash stay text."] == (
        "Literal stars \\*like this\\* and a back\\\\slash stay text."
    )
    mitigation = next(p for p in every(tree, Paragraph) if p.text.startswith("Mitigation"))
    assert mitigation.marked == (
        "**Mitigation:** Mask the PAN in the `request_logger` middleware; scrub the last 90 days of logs."
    )
    owner = next(p for p in every(tree, Paragraph) if p.text.startswith("Owner"))
    assert owner.marked == "**Owner:** Payments Platform\n**Last reviewed:** 2026-02-11"


def test_whitespace_is_squashed_as_a_browser_renders_it_and_pre_wrap_keeps_breaks() -> None:
    tree = tree_of('<p>  a \n\t b&nbsp;&nbsp;c </p><div style="white-space: pre-wrap">one\ntwo</div>')
    assert texts(tree) == ["a b c", "one\ntwo"]


def test_headings_lose_edit_links_and_permalinks() -> None:
    tree = fixture("mediawiki_edit_links_nav.html")
    assert [h.text for h in every(tree, Heading) if not h.chrome] == [
        "Object Storage/Risk register",
        "Capacity",
        "Durability",
    ]
    github = fixture("github_rendered_task_list.html")
    assert [h.text for h in every(github, Heading)] == ["Checkout launch checklist", "Before go-live", "Sign-off"]


# ---- list items and boxes ----


def test_github_task_list_boxes_nesting_and_text_boxes() -> None:
    items = [
        (i.text, i.box, i.depth) for i in every(fixture("github_rendered_task_list.html"), ListItem) if not i.chrome
    ]
    assert items == [
        ("Backups restored in staging", "ticked", 0),
        ("Load test at 2x peak", "unticked", 0),
        ("Runbook reviewed", "ticked", 0),
        ("rollback section", "ticked", 1),
        ("paging section", "unticked", 1),
        ("Security review", "ticked", 0),
        ("Privacy review", "unticked", 0),
        ("Typed box in text", "ticked", 0),
        ("Glyph box in text", "unticked", 0),
        ("Plain item with no box", None, 0),
        ("Partly done", "unknown", 0),
        ("Data attribute box", "unticked", 0),
    ]
    loose = next(i for i in every(fixture("github_rendered_task_list.html"), ListItem) if i.text == "Security review")
    assert [(type(k).__name__, k.text) for k in loose.children] == [("Paragraph", "Signed by the AppSec rotation.")]
    load = next(i for i in every(fixture("github_rendered_task_list.html"), ListItem) if i.text.startswith("Load"))
    assert load.marked == "Load test at **2x** peak"


def test_confluence_tasks_are_items_with_their_status() -> None:
    tree = fixture("confluence_storage_tasks_status.html")
    tasks = [(i.text, i.box, i.depth, i.line) for i in every(tree, ListItem)]
    assert tasks == [
        ("Runbook published", "ticked", 0, 22),
        ("Load test with by 2026-03-01", "unticked", 0, 27),  # a mention by opaque user key only
        ("Dashboards", "ticked", 0, 32),
        ("latency panel", "unticked", 1, 36),
    ]


def test_confluence_mentions_show_names_never_opaque_user_ids() -> None:
    # Storage format holds a Cloud mention as an account id, a Server one as a user key: the page
    # shows the person's name, which only a link body carries.
    tree = tree_of(
        "<h1>Cache Readiness</h1><ac:task-list><ac:task><ac:task-status>complete</ac:task-status><ac:task-body>"
        'Eviction policy reviewed <ac:link><ri:user ri:account-id="557058:9f1c2d" /></ac:link></ac:task-body>'
        "</ac:task></ac:task-list><table><tr><th>ID</th><th>Risk</th><th>Owner</th></tr><tr><td>C-1</td>"
        '<td>Eviction storm</td><td><ac:link><ri:user ri:account-id="557058:77aa01" /><ac:plain-text-link-body>'
        "<![CDATA[Priya N.]]></ac:plain-text-link-body></ac:link></td></tr><tr><td>C-2</td><td>Cold start</td><td>"
        '<ac:link><ri:user ri:userkey="8a7f808a7c1d2e3f" /></ac:link> <ac:link><ri:user ri:username="jdoe" />'
        "</ac:link></td></tr></table>"
    )
    assert [i.text for i in every(tree, ListItem)] == ["Eviction policy reviewed"]
    (table,) = every(tree, Table)
    assert [r.cells[2] for r in table.rows] == ["Priya N.", "jdoe"]


def test_confluence_rendered_task_list_and_data_task_state() -> None:
    tree = tree_of(
        '<ul class="inline-task-list"><li class="checked" data-inline-task-id="1">Backups</li>'
        '<li data-inline-task-id="2">Pen test</li></ul><ul><li data-task-state="DONE">Runbook</li></ul>'
    )
    assert [(i.text, i.box) for i in every(tree, ListItem)] == [
        ("Backups", "ticked"),
        ("Pen test", "unticked"),
        ("Runbook", "ticked"),
    ]


def test_ordered_lists_number_their_items_from_start_and_value() -> None:
    items = every(fixture("sections_label_then_list.html"), ListItem)
    assert [(i.number, i.text) for i in items if i.number is not None] == [
        (1, "Cap concurrent recoveries"),
        (2, "Alert on unassigned shards > 0 for 10 minutes"),
        (4, "numbered from four"),
        (9, "jumps to nine"),
        (10, "then ten"),
    ]
    alert = next(i for i in items if i.number == 2)
    assert [(k.text, k.depth) for k in alert.children] == [("page the on-call", 1), ("open an incident", 1)]


def test_a_list_written_inside_a_list_belongs_to_the_item_before_it() -> None:
    (item,) = tree_of("<ul><li>parent</li><ul><li>child</li></ul></ul>").blocks
    assert (item.text, [(k.text, k.depth) for k in item.children]) == ("parent", [("child", 1)])


def test_word_list_paragraphs_are_items_nested_by_level_with_numbers() -> None:
    tree = fixture("word_save_as_html.html")
    items = [b for b in tree.blocks if isinstance(b, ListItem)]
    assert [(i.text, i.number, i.box, [k.text for k in i.children]) for i in items] == [
        ("Finance reports wrong", None, None, ["month-end close"]),
        ("Audit findings", None, None, []),
        ("Dual-run for two weeks", 1, None, []),
        ("Reconcile daily", 2, None, []),
        ("Sign-off by data owner", None, "ticked", []),
        ("Sign-off by security", None, "unticked", []),
    ]
    assert items[0].children[0].depth == 1
    assert [h.text for h in every(tree, Heading)][:1] == ["Data Warehouse Migration"]  # MsoTitle
    assert "Hidden revision note" not in texts(tree)


def test_checkbox_paragraphs_are_items_and_checkboxes_in_cells_are_glyphs() -> None:
    tree = tree_of('<p><input type="checkbox" checked> Backups<br><input type="checkbox"> Load test</p>')
    assert [(i.text, i.box) for i in every(tree, ListItem)] == [("Backups", "ticked"), ("Load test", "unticked")]
    (table,) = every(fixture("table_theadless_nested.html"), Table)[4:5]
    assert [r.cells for r in table.rows] == [("Cache purge job", "☑ yes"), ("Quota alerts", "☐")]


# ---- key/value ----


def test_definition_lists_are_key_values() -> None:
    pairs = [(kv.key, kv.value, kv.marked, kv.line) for kv in every(fixture("sections_definition_list.html"), KeyValue)]
    assert pairs == [
        ("Owner", "Finance Engineering", "Finance Engineering", 6),
        ("Last updated", "2026-01-20", "2026-01-20", 7),
        ("Likelihood", "Medium", "Medium", 12),
        ("Impact", "High", "**High**", 14),
        ("Mitigation", "Idempotency keys on every posting\nNightly reconciliation job", pairs[4][2], 16),
        ("Status", "Open", "Open", 20),
        ("State", "Open", "Open", 21),
        ("Likelihood", "Low", "Low", 28),
        ("Impact", "wrong totals\nfailed audits", "wrong totals\nfailed audits", 29),
        ("Reviewer", "", "", 30),
    ]
    assert [p[0] for p in pairs[2:7]] == ["Likelihood", "Impact", "Mitigation", "Status", "State"]


# ---- tables ----


def test_spans_are_expanded_groups_kept_tfoot_dropped_caption_read() -> None:
    (table,) = every(fixture("table_spans_multirow_header.html"), Table)
    assert table.header == ("ID", "Risk", "L", "I", "Residual L", "Residual I", "Owner")
    assert table.caption == "Risks rated before and after controls"
    assert [(r.line, r.cells) for r in table.rows] == [
        (13, ("Ingestion",)),
        (14, ("TP-1", "Collector drops spans under burst", "4", "3", "2", "3", "Observability")),
        (15, ("TP-2", "Schema change breaks\ndownstream parsers", "3", "3", "1", "2", "Observability")),
        (16, ("TP-3", "Shared: retention misconfigured", "2", "2", "1", "1", "Data Platform")),
        (19, ("TP-4", "Second group: new row group, spans start over", "1", "1", "1", "1", "SRE")),
    ]
    assert (table.line, table.end, table.layout) == (9, 21, "html")  # the header row's line


def test_nested_tables_stay_out_of_the_outer_cells_and_layout_tables_give_their_headings() -> None:
    tree = fixture("table_theadless_nested.html")
    tables = every(tree, Table)
    register = next(t for t in tables if t.header == ("ID", "Risk", "Owner"))
    assert [r.cells for r in register.rows] == [
        ("BF-1", "Runners share one cache volume", "Build Infra"),
        ("BF-2", "Signing key on every runner", "Security"),
    ]
    assert register.path == ((2, "Build farm risks"),)
    inner = next(t for t in tables if t.header == ("Runner", "Cache"))
    assert [r.cells for r in inner.rows] == [("linux-1", "/cache")]
    orphans = [t for t in tables if t.path == ((2, "Orphan cells"),)]
    assert [r.cells for r in orphans[0].rows] == [("BF-3", "Disk fills with artifacts", "Build Infra")]
    assert not any(t.header == ("", "") for t in tables)  # a table with no text is no table


def test_cells_break_lines_at_br_p_li_and_between_chips() -> None:
    (table,) = every(fixture("notion_export_chips_todo.html"), Table)[1:]
    assert table.rows[0].cells == (
        "Card testing attacks on the guest flow",
        "High",
        "High",
        "Maya Chen\nFraud Ops",
        "fraud\npci",
        "In progress",
    )
    styled = tree_of(
        '<table><tr><th>Risk</th></tr><tr><td><span class="c0">Ledger </span><span class="c0">close</span>'
        "</td></tr></table>"
    )
    assert every(styled, Table)[0].rows[0].cells == ("Ledger close",)


def test_confluence_cells_read_status_users_links_and_emoticons() -> None:
    tables = every(fixture("confluence_storage_tasks_status.html"), Table)
    assert tables[0].header == ("Service", "Notification Hub")
    assert tables[0].rows[0].cells == ("Review status", "APPROVED")
    assert [r.cells for r in tables[1].rows] == [
        ("NH-1", "Push provider rate limits during campaigns", "High", "Medium", "jdoe", "OPEN"),
        ("NH-2", "Template rendering leaks {{user.email}}", "Low", "High", "Priya N.", "✅ Mitigated"),
    ]


def test_confluence_code_macro_and_pre_are_code() -> None:
    (code,) = every(fixture("confluence_storage_tasks_status.html"), Code)
    assert (code.lang, code.text) == ("bash", 'kubectl rollout undo deploy/hub\ntest "$a" < "$b" && echo ok')
    (pre,) = every(tree_of('<pre><code class="language-sql">\nselect 1;\n</code></pre>'), Code)
    assert (pre.lang, pre.text) == ("sql", "select 1;")


# ---- lines ----


def test_lines_of_text_runs_items_and_quotes() -> None:
    tree = fixture("page_saved_as_text.txt")
    got = [(type(b).__name__, b.line, b.end) for b in walk(tree.blocks)]
    assert got == [
        ("Heading", 6, 6),
        ("Paragraph", 7, 7),
        ("Heading", 8, 8),
        ("Paragraph", 9, 11),
        ("Heading", 12, 12),
        ("Paragraph", 13, 13),
        ("Quote", 14, 14),
        ("Paragraph", 14, 14),
        ("Paragraph", 14, 14),
    ]
    body = tree_of("<div>\n\n  first words\n  <b>bold</b>\n  last words\n\n<p>next</p>\n</div>")
    assert [(p.text, p.line, p.end) for p in every(body, Paragraph)] == [
        ("first words bold last words", 3, 5),
        ("next", 7, 7),
    ]


def test_lines_past_libxml2s_65535_line_cap_are_true() -> None:
    filler = "<p>filler</p>\n" * 70_000
    rows = "".join(f"<tr><td>B-{k}</td><td>Risk {k}</td></tr>\n" for k in range(3))
    text = page(filler + "<h2>Late</h2>\n<table>\n<tr><th>ID</th><th>Risk</th></tr>\n" + rows + "</table>")
    lines = text.split("\n")
    tree = tree_of(text)
    (table,) = every(tree, Table)
    assert [r.line for r in table.rows] == [
        lines.index(f"<tr><td>B-{k}</td><td>Risk {k}</td></tr>") + 1 for k in range(3)
    ]
    assert every(tree, Heading)[0].line == lines.index("<h2>Late</h2>") + 1
    assert every(tree, Paragraph)[-1].line == lines.index("<h2>Late</h2>")


# ---- chrome, title, properties ----


def test_chrome_is_flagged_and_the_content_is_not() -> None:
    tree = fixture("cookie_banner_breadcrumbs.html")
    chrome = {b.text for b in walk(tree.blocks) if b.chrome and isinstance(b, Paragraph | ListItem | Heading)}
    content = {b.text for b in walk(tree.blocks) if not b.chrome and isinstance(b, Paragraph | ListItem | Heading)}
    assert {"We use cookies to improve your experience. Privacy notice", "Acme Handbook", "Home",
            "Security › Identity Platform", "This site uses cookies. OK", "Your privacy choices",
            "Related: SSO guide", "© 2026 Acme Corp · Imprint"} <= chrome  # fmt: skip
    assert content == {
        "Identity Platform risk register",
        "Owner: Identity Platform · Last updated: 2026-02-27",
        "Written by the Identity Platform team",  # an article's own header is content
        "Open risks",
        "Reviewed by: Security Architecture",  # and its own footer
    }
    assert not any(t.chrome for t in every(tree, Table))


def test_chrome_headings_are_no_section_of_the_content() -> None:
    tree = tree_of(
        "<aside role='navigation'><h2>Related pages</h2></aside><main><p>Owner: SRE</p><h2>Risks</h2></main>"
    )
    owner = every(tree, Paragraph)[0]
    assert (owner.text, owner.chrome, owner.path) == ("Owner: SRE", False, ())


def test_scripts_styles_and_hidden_elements_give_nothing() -> None:
    tree = tree_of(
        "<script>var x = '<p>no</p>';</script><style>p{}</style><noscript>no</noscript>"
        "<template><p>no</p></template><p hidden>no</p><p style='display: none'>no</p><p>yes</p>"
    )
    assert texts(tree) == ["yes"]


def test_title_and_properties_come_from_head() -> None:
    tree = fixture("sections_strong_labels.html")
    assert tree.declared_title == "Payments Gateway — Risk Assessment | Internal Docs"
    assert dict(tree.properties) == {"author": "Dana Whitfield"}  # description is not kept
    assert dict(fixture("word_save_as_html.html").properties) == {"author": "Marguerite Okafor"}
    assert dict(fixture("cookie_banner_breadcrumbs.html").properties) == {
        "author": "Identity Platform",
        "last updated": "2026-02-27",
    }
    assert tree_of("<svg><title>icon</title></svg><p>x</p>").declared_title is None


# ---- fragments inside Markdown ----


def test_fragment_lines_point_into_the_markdown_document() -> None:
    fragment = "<table>\n<tr><th>ID</th><th>Risk</th></tr>\n<tr><td>R1</td><td>Outage</td></tr>\n</table>\n"
    (table,) = html.fragment_blocks(fragment, 40, Config())
    assert (table.line, table.end, [r.line for r in table.rows]) == (41, 42, [42])
    text = "# Register\n\nOwner: SRE\n\n## Partner risks\n\n" + fragment + "\n<p>Closing <b>note</b></p>\n"
    tree = markdown.blocks(doc(text, "x.md"), Config())
    table = next(b for b in tree.blocks if isinstance(b, Table))
    assert (table.line, table.rows[0].line, table.path) == (8, 9, ((1, "Register"), (2, "Partner risks")))
    note = tree.blocks[-1]
    assert (note.line, note.marked) == (12, "Closing **note**")


def test_fragment_parse_errors_name_the_markdown_line() -> None:
    rows = "".join(f"<tr><td rowspan=0 colspan=1000>x</td><td>{k}</td></tr>\n" for k in range(6000))
    with pytest.raises(ParseError) as err:
        html.fragment_blocks("<table>\n<tr><th>ID</th></tr>\n" + rows + "</table>", 20, Config())
    assert err.value.line == 21


# ---- robustness (each found by fuzzing or by reading libxml2's behaviour) ----


def test_absurd_spans_are_a_parse_error_naming_the_path_and_line() -> None:
    rows = "".join(f"<tr><td rowspan=0 colspan=1000>x</td><td>{k}</td></tr>\n" for k in range(6000))
    with pytest.raises(ParseError) as err:
        tree_of(page("<table>\n<tr><th>ID</th><th>Risk</th></tr>\n" + rows + "</table>"))
    assert (err.value.path, err.value.line) == ("page.html", 5)


def test_deep_nesting_is_read_past_libxml2s_limit_then_refused() -> None:
    deep = "<div>" * 600 + "<b>" * 600 + "deep text" + "</b>" * 600 + "</div>" * 600 + "\n<p>after</p>"
    tree = tree_of(page(deep))
    assert texts(tree)[-2:] == ["deep text", "after"]
    with pytest.raises(ParseError) as err:
        tree_of(page("\n" + "<div>" * 3000 + "x"))
    assert err.value.path == "page.html" and err.value.line is not None


def test_xml_declaration_meta_charset_comments_and_carriage_returns() -> None:
    text = '<?xml version="1.0" encoding="iso-8859-1"?>\n' + page(
        '<meta charset="windows-1252"><p>Jeton “cache” —<!-- TODO --> poisoned</p>\r<p>next</p>'
    )
    tree = tree_of(text)
    assert [(p.text, p.line) for p in every(tree, Paragraph)] == [("Jeton “cache” — poisoned", 5), ("next", 5)]


# Fragments that HTML parsers trip over: spans, broken nesting, comments, declarations, NULs,
# Confluence storage, Word list paragraphs, checkboxes.
HTMLISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                *("<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "<thead>", "</thead>"),
                *("<tbody>", "<tfoot>", "<td rowspan=3>", "<th colspan=0>", "<td rowspan='x'>", "<td colspan=99999>"),
                *("<td rowspan=0>", "<br>", "<p>", "</p>", "<li>", "<ul>", "</ul>", "<ol start=x>", "<div>", "</div>"),
                *("<dl>", "<dt>", "<dd>", "</dl>", "<pre>", "</pre>", "<blockquote>", "<hr>", "<b>", "</b>", "<i>"),
                *("<del>", "<code>", "</code>", "<!--", "-->", "<script>", "</script>", "<h2>", "</h2>", "<h1>"),
                *("<title>", "<nav>", "<header>", "<main>", "<footer>", "<article>", "<meta name=author content=x>"),
                *("\n", "\r", "ID", "Risk", "High", "3", "&amp;", "&#0;", "&bogus;", "\x00", "*", "`", "\\"),
                *("<!DOCTYPE html>", "<?xml version='1.0' encoding='latin-1'?>", "<svg><title>t</title></svg>"),
                *("<img alt=Low>", "<caption>c</caption>", "<colgroup>", "<input type=checkbox checked>", "[x] "),
                *("<ac:task-list>", "<ac:task>", "<ac:task-status>complete</ac:task-status>", "<ac:task-body>"),
                *('<ac:structured-macro ac:name="status">', '<ac:parameter ac:name="title">', "<ac:rich-text-body>"),
                *("<ac:plain-text-body><![CDATA[x]]>", '<ri:user ri:userkey="k" />', "<ac:link>", "<time />"),
                *(
                    "<p style='mso-list:l0 level2 lfo1'>",
                    "<span style='mso-list:Ignore'>",
                    "<p class=MsoListParagraphCxSpMiddle style='margin-left:72.0pt'>",
                    "<span style='font-family:Symbol'>·",
                    "<o:p>",
                    "<span class=user>",
                ),
                *("<div style='white-space:pre'>", "<a href='#x'>#</a>", "<li aria-checked=mixed>", "<font>"),
            ]
        ),
        st.text(max_size=4),
    ),
    max_size=40,
).map("".join)


def lines_inside(blocks: list[Block] | tuple[Block, ...], first: int, last: int) -> bool:
    for block in walk(blocks):
        if not (first <= block.line <= block.end <= last):
            return False
        if isinstance(block, Table) and not all(first <= r.line <= last for r in block.rows):
            return False
        if isinstance(block, Quote | ListItem) and not all(first <= k.line <= last for k in block.children):
            return False
    return True


@FAST
@given(st.one_of(st.text(), HTMLISH))
def test_blocks_never_raise_but_parse_error_and_lines_stay_inside(text: str) -> None:
    try:
        tree = tree_of(text)
    except ParseError:
        return
    assert lines_inside(tree.blocks, 1, text.count("\n") + 1)


@FAST
@given(HTMLISH, st.integers(1, 500))
def test_fragment_lines_stay_inside_the_fragment(text: str, first: int) -> None:
    try:
        found = html.fragment_blocks(text, first, Config())
    except ParseError:
        return
    assert lines_inside(found, first, first + text.count("\n"))


def test_word_filtered_html_lists_are_lists() -> None:
    # "Save as Web Page, Filtered" drops Word's mso-list styles: a risk's bulleted fields were
    # paragraphs opening with "·" and the risk was lost without a trace.
    bullet = "<span style='font-family:Symbol'>&#183;<span style='font:7.0pt'>&nbsp;&nbsp; </span></span>"
    body = (
        "<h2>RA-01 Index rebuild exceeds maintenance window</h2>\n"
        f"<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt'>{bullet}<b>Likelihood:</b> Very High</p>\n"
        f"<p class=MsoListParagraphCxSpMiddle style='margin-left:1.0in'>{bullet}<b>Note:</b> nested</p>\n"
        f"<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt'>{bullet}<b>Owner:</b> Search Infra</p>\n"
    )
    items = every(tree_of(page(body)), ListItem)
    assert [(i.text, i.depth) for i in items] == [
        ("Likelihood: Very High", 0),
        ("Note: nested", 1),
        ("Owner: Search Infra", 0),
    ]
    (entry,) = process_document("register.htm", page(body).encode(), Config()).entries
    assert (entry.fields["likelihood"], entry.fields["owner"]) == ("Very High", "Search Infra")
