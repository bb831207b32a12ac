"""One register, every shape teams write it in: each must load the same entries and nothing else.

The same six risks and six checks are rendered in the shapes real registers and checklists come
in (Markdown, HTML, Confluence storage format, scraped text, CSV/TSV, wiki, AsciiDoc, org, reST,
fixed-width), each with the distractors real documents carry (a legend, test cases, a compliance
mapping, an action plan re-listing ids), and read through the whole per-document pipeline. Every
shape must give exactly the six risks with their likelihood, impact, status and owner (or the six
checks with their box state), whatever the syntax.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest

from pipeline.config import Config
from pipeline.normalise import normalise
from pipeline.run import process_document

# id, title, likelihood, impact, status, owner
RISKS = (
    ("SR-1", "Payment provider outage blocks checkout", "High", "Critical", "Open", "Payments"),
    ("SR-2", "Card data written to debug logs", "Low", "Critical", "Mitigating", "Security"),
    ("SR-3", "Refund queue backs up during sales", "Medium", "Medium", "Monitoring", "SRE"),
    ("SR-4", "Tax rates cached past the quarterly update", "Medium", "High", "Mitigated", "Finance"),
    ("SR-5", "Webhook signatures not verified by partners", "Low", "High", "Accepted", "Security"),
    ("SR-6", "Currency rounding drift in settlement files", "High", "Low", "Closed", "Finance"),
)
LEVELS = {"Low": 2, "Medium": 3, "High": 4, "Critical": 5}
STATUSES = {
    "Open": "open",
    "Mitigating": "mitigating",
    "Monitoring": "monitoring",
    "Mitigated": "mitigated",
    "Accepted": "accepted",
    "Closed": "closed",
}
# title, ticked
CHECKS = (
    ("Runbook linked from every alert", True),
    ("Load test at twice the last peak", False),
    ("Rollback rehearsed in staging", True),
    ("On-call rota covers launch week", True),
    ("Data protection review signed", False),
    ("Dashboards show error budget burn", True),
)
HEADER = ("ID", "Risk", "Likelihood", "Impact", "Status", "Owner")
TITLE = "Checkout Service — Risk Register"
CHECK_TITLE = "Checkout Service — Launch Readiness"

LEGEND_MD = "## Scoring\n\n| Level | Likelihood |\n|---|---|\n| 1 | Rare |\n| 5 | Almost certain |\n"
DISTRACTORS_MD = (
    "## Test cases\n\n| Test case | Steps | Expected result | Priority | Status |\n|---|---|---|---|---|\n"
    "| TC-1 Outage | Kill the provider stub | Checkout shows a retry page | High | Pass |\n\n"
    "## Compliance mapping\n\n| Control ID | Requirement | Risk | Status |\n|---|---|---|---|\n"
    "| PCI-3.4 | Card data unreadable at rest | SR-2 | Compliant |\n\n"
    "## Action plan\n\n| ID | Action | Owner | Due |\n|---|---|---|---|\n"
    "| SR-1 | Second payment provider behind a flag | Payments | 2026-06-01 |\n"
)


def rows() -> list[tuple[str, ...]]:
    return [r for r in RISKS]


def md_table() -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in rows()]
    return f"# {TITLE}\n\n{LEGEND_MD}\n## Register\n\n" + "\n".join(lines) + "\n\n" + DISTRACTORS_MD


def md_sections() -> str:
    parts = [f"# {TITLE}\n", LEGEND_MD]
    for i, t, lk, im, st, ow in rows():
        parts.append(
            f"### {i}: {t}\n- **Likelihood**: {lk}\n- **Impact**: {im}\n- **Status**: {st}\n- **Owner**: {ow}\n"
        )
    return "\n".join(parts) + "\n" + DISTRACTORS_MD


def md_bold_paragraphs() -> str:
    parts = [f"# {TITLE}\n"]
    for i, t, lk, im, st, ow in rows():
        parts.append(f"## {i} — {t}\n\n**Likelihood:** {lk} · **Impact:** {im} · **Status:** {st} · **Owner:** {ow}\n")
    return "\n".join(parts)


def md_records() -> str:
    items = [
        f"- Risk: {t}; ID: {i}; Likelihood: {lk}; Impact: {im}; Status: {st}; Owner: {ow}"
        for i, t, lk, im, st, ow in rows()
    ]
    return f"# {TITLE}\n\n## Open risks\n\n" + "\n".join(items) + "\n"


def split_tables() -> str:
    first = ["| ID | Risk | Likelihood | Impact |", "|---|---|---|---|"] + [
        f"| {i} | {t} | {lk} | {im} |" for i, t, lk, im, _, _ in rows()
    ]
    second = ["| ID | Status | Owner |", "|---|---|---|"] + [f"| {i} | {st} | {ow} |" for i, _, _, _, st, ow in rows()]
    return f"# {TITLE}\n\n## Ratings\n\n" + "\n".join(first) + "\n\n## Treatment\n\n" + "\n".join(second) + "\n"


def _cell(text: str, tag: str = "td") -> str:
    return f"<{tag}>{html.escape(text)}</{tag}>"


def html_table() -> str:
    head = "<tr>" + "".join(_cell(h, "th") for h in HEADER) + "</tr>"
    body = "".join("<tr>" + "".join(_cell(c) for c in r) + "</tr>" for r in rows())
    return (
        f"<!DOCTYPE html><html><head><title>{TITLE} | Wiki</title></head><body>"
        "<nav><a href='/'>Home</a></nav>"
        f"<h1>{TITLE}</h1><h2>Register</h2><table><thead>{head}</thead><tbody>{body}</tbody></table>"
        "<h2>Test cases</h2><table><tr><th>Test case</th><th>Expected result</th><th>Priority</th></tr>"
        "<tr><td>Outage</td><td>Retry page</td><td>High</td></tr></table>"
        "<footer>© 2026 Example</footer></body></html>"
    )


def _html_page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>{body}</body></html>"


def html_strong_sections() -> str:
    return _html_page(
        "".join(
            f"<h2>{i}: {html.escape(t)}</h2><p><strong>Likelihood:</strong> {lk}</p>"
            f"<p><strong>Impact:</strong> {im}</p>"
            f"<p><strong>Status:</strong> {st}</p><p><strong>Owner:</strong> {ow}</p>"
            for i, t, lk, im, st, ow in rows()
        )
    )


def html_label_lists() -> str:
    return _html_page(
        "".join(
            f"<h2>{i}: {html.escape(t)}</h2><p>Likelihood:</p><ul><li>{lk.lower()}</li></ul>"
            f"<p>Impact:</p><ul><li>{im.lower()}</li></ul>"
            f"<p>Status:</p><ul><li>{st}</li></ul><p>Owner:</p><ul><li>{ow}</li></ul>"
            for i, t, lk, im, st, ow in rows()
        )
    )


def html_definition_lists() -> str:
    return _html_page(
        "".join(
            f"<h2>{i}: {html.escape(t)}</h2><dl><dt>Likelihood</dt><dd>{lk}</dd><dt>Impact</dt><dd>{im}</dd>"
            f"<dt>Status</dt><dd>{st}</dd><dt>Owner</dt><dd>{ow}</dd></dl>"
            for i, t, lk, im, st, ow in rows()
        )
    )


def confluence_storage_table() -> str:
    head = "<tr>" + "".join(_cell(h, "th") for h in HEADER) + "</tr>"
    body = "".join("<tr>" + "".join(_cell(c) for c in r) + "</tr>" for r in rows())
    return (
        '<ac:structured-macro ac:name="info"><ac:rich-text-body><p>Reviewed monthly.</p></ac:rich-text-body>'
        f"</ac:structured-macro><h2>Register</h2><table><tbody>{head}{body}</tbody></table>"
    )


def flattened_text() -> str:
    lines = ["".join(HEADER)] + ["".join(r) for r in rows()]
    return (
        f"Skip to main content\n\nHome · Registers · Search\n\n{TITLE}\n\nRegister\n\n"
        + "\n".join(lines)
        + "\n\n© 2026 Example · Edit this page\n"
    )


def one_cell_per_line() -> str:
    lines = [*HEADER, ""]
    for r in rows():
        lines += [*r, ""]
    return f"{TITLE}\n\nRegister\n\n" + "\n".join(lines)


def csv_file() -> str:
    return f"{TITLE}\n" + "\n".join(",".join(f'"{c}"' if "," in c else c for c in r) for r in [HEADER, *rows()]) + "\n"


def tsv_file() -> str:
    return "\n".join("\t".join(r) for r in [HEADER, *rows()]) + "\n"


def wiki_table() -> str:
    return (
        f"h1. {TITLE}\n\nh2. Register\n\n||"
        + "||".join(HEADER)
        + "||\n"
        + "\n".join("|" + "|".join(r) + "|" for r in rows())
        + "\n"
    )


def asciidoc_table() -> str:
    return (
        f'= {TITLE}\n\n== Register\n\n[options="header"]\n|===\n'
        + " ".join(f"|{h}" for h in HEADER)
        + "\n"
        + "\n".join(" ".join(f"|{c}" for c in r) for r in rows())
        + "\n|===\n"
    )


def _aligned(rule: bool) -> str:
    widths = [max(len(r[c]) for r in [HEADER, *rows()]) + 2 for c in range(len(HEADER))]
    line = lambda r: "".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    out = [line(HEADER)]
    if rule:
        out.append("".join(("-" * (w - 2)).ljust(w) for w in widths).rstrip())
    out += [line(r) for r in rows()]
    return f"{TITLE}\n\n" + "\n".join(out) + "\n"


def fixed_width() -> str:
    return _aligned(rule=False)


def dash_rule_table() -> str:
    return _aligned(rule=True)


def org_table() -> str:
    return (
        f"#+TITLE: {TITLE}\n\n* Register\n\n| "
        + " | ".join(HEADER)
        + " |\n|"
        + "+".join("---" for _ in HEADER)
        + "|\n"
        + "\n".join("| " + " | ".join(r) + " |" for r in rows())
        + "\n"
    )


def key_value_blocks() -> str:
    blocks = [
        f"Risk ID: {i}\nRisk: {t}\nLikelihood: {lk}\nImpact: {im}\nStatus: {st}\nOwner: {ow}"
        for i, t, lk, im, st, ow in rows()
    ]
    return f"{TITLE}\n\n" + "\n\n".join(blocks) + "\n"


def flattened_with_scores() -> str:
    lines = ["IDRiskLikelihoodImpactScoreStatusOwner"]
    for i, t, lk, im, st, ow in rows():
        a, b = LEVELS[lk], LEVELS[im]
        lines.append(f"{i}{t}{a}{b}{a * b}{st.lower()}{ow}")
    return f"{TITLE}\n\n2. Register\n\n" + "\n".join(lines) + "\n"


def grid_table() -> str:
    widths = [max(len(r[c]) for r in [HEADER, *rows()]) + 2 for c in range(len(HEADER))]
    border = "+" + "+".join("-" * w for w in widths) + "+"
    line = lambda r: "|" + "|".join(f" {c}".ljust(w) for c, w in zip(r, widths, strict=True)) + "|"  # noqa: E731
    out = [border, line(HEADER), border.replace("-", "="), *(x for r in rows() for x in (line(r), border))]
    return f"# {TITLE}\n\n" + "\n".join(out) + "\n"


def rst_simple_table() -> str:
    widths = [max(len(r[c]) for r in [HEADER, *rows()]) for c in range(len(HEADER))]
    rule = "  ".join("=" * w for w in widths)
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    body = "\n".join(line(r) for r in rows())
    return f"{'=' * len(TITLE)}\n{TITLE}\n{'=' * len(TITLE)}\n\n{rule}\n{line(HEADER)}\n{rule}\n{body}\n{rule}\n"


def markdown_with_html_table() -> str:
    head = "<tr>" + "".join(_cell(h, "th") for h in HEADER) + "</tr>"
    body = "".join("<tr>" + "".join(_cell(c) for c in r) + "</tr>" for r in rows())
    return f"# {TITLE}\n\nKept as HTML so the cells can wrap.\n\n<table>{head}{body}</table>\n"


def html_cards() -> str:
    labels = ("Risk ID", "Risk", "Likelihood", "Impact", "Status", "Owner")
    cards = "".join(
        "<table>"
        + "".join(f"<tr><th>{lab}</th><td>{html.escape(v)}</td></tr>" for lab, v in zip(labels, r, strict=True))
        + "</table>"
        for r in rows()
    )
    return _html_page(cards)


RISK_SHAPES: dict[str, tuple[str, Callable[[], str]]] = {
    "markdown pipe table with legend and distractor tables": ("register.md", md_table),
    "markdown sections with labelled bullets": ("register.md", md_sections),
    "markdown bold labels on one line apart by middle dots": ("register.md", md_bold_paragraphs),
    "markdown list items as records": ("register.md", md_records),
    "markdown fields split over two tables keyed by id": ("register.md", split_tables),
    "html table with chrome and a test-case table": ("register.html", html_table),
    "html h2 sections with strong labels": ("register.html", html_strong_sections),
    "html label paragraphs over lists": ("register.html", html_label_lists),
    "html definition lists": ("register.html", html_definition_lists),
    "confluence storage format table": ("register.xml", confluence_storage_table),
    "html flattened to text, cells run together": ("register.txt", flattened_text),
    "scraped table one cell per line": ("register.txt", one_cell_per_line),
    "csv with a title line": ("register.csv", csv_file),
    "tab-separated copy": ("register.txt", tsv_file),
    "jira wiki table": ("register.txt", wiki_table),
    "asciidoc table": ("register.adoc", asciidoc_table),
    "fixed-width text table": ("register.txt", fixed_width),
    "space-aligned table under a dash rule": ("register.txt", dash_rule_table),
    "org-mode table": ("register.org", org_table),
    "key-value blocks": ("register.txt", key_value_blocks),
    "flattened with numbers and a score column": ("register.txt", flattened_with_scores),
    "pandoc grid table": ("register.md", grid_table),
    "restructuredtext simple table": ("register.rst", rst_simple_table),
    "markdown carrying an html table": ("register.md", markdown_with_html_table),
    "html risk cards": ("register.html", html_cards),
}


def md_task_list() -> str:
    items = "\n".join(f"- [{'x' if ok else ' '}] {t}" for t, ok in CHECKS)
    return f"# {CHECK_TITLE}\n\n## Before launch\n\n{items}\n"


def html_checkbox_list() -> str:
    items = "".join(
        f'<li class="task-list-item"><input type="checkbox" disabled{" checked" if ok else ""}> {html.escape(t)}</li>'
        for t, ok in CHECKS
    )
    return f'<!DOCTYPE html><html><body><h1>{CHECK_TITLE}</h1><ul class="contains-task-list">{items}</ul></body></html>'


def confluence_task_list() -> str:
    tasks = "".join(
        f"<ac:task><ac:task-id>{k}</ac:task-id><ac:task-status>{'complete' if ok else 'incomplete'}</ac:task-status>"
        f"<ac:task-body>{html.escape(t)}</ac:task-body></ac:task>"
        for k, (t, ok) in enumerate(CHECKS, start=1)
    )
    return f"<h1>{CHECK_TITLE}</h1><ac:task-list>{tasks}</ac:task-list>"


def box_column_table() -> str:
    lines = ["| Done | Check |", "|---|---|"] + [f"| [{'x' if ok else ' '}] | {t} |" for t, ok in CHECKS]
    return f"# {CHECK_TITLE}\n\n## Launch checklist\n\n" + "\n".join(lines) + "\n"


def status_emoji_table() -> str:
    lines = ["| Check | Status |", "|---|---|"] + [f"| {t} | {'✅' if ok else '❌'} |" for t, ok in CHECKS]
    return f"# {CHECK_TITLE}\n\n## Go-live checklist\n\n" + "\n".join(lines) + "\n"


def org_checklist() -> str:
    items = "\n".join(f"- [{'X' if ok else ' '}] {t}" for t, ok in CHECKS)
    return f"#+TITLE: {CHECK_TITLE}\n\n* Before launch [3/6]\n{items}\n"


def wiki_checklist() -> str:
    items = "\n".join(f"* {'(/)' if ok else '(x)'} {t}" for t, ok in CHECKS)
    return f"h1. {CHECK_TITLE}\n\nh2. Before launch\n\n{items}\n"


def glyph_lines() -> str:
    items = "\n".join(f"{'☑' if ok else '☐'} {t}" for t, ok in CHECKS)
    return f"{CHECK_TITLE}\n\nBefore launch\n\n{items}\n"


def signoff_table() -> str:
    lines = ["| Item | Approver | Decision |", "|---|---|---|"]
    lines += [f"| {t} | Dana | {'Approved' if ok else 'Blocked'} |" for t, ok in CHECKS]
    return f"# {CHECK_TITLE}\n\n## Sign-off\n\n" + "\n".join(lines) + "\n"


def nested_task_list() -> str:
    (first, ok1), *rest = CHECKS
    items = "\n".join(f"  - [{'x' if ok else ' '}] {t}" for t, ok in rest)
    return f"# {CHECK_TITLE}\n\n- [{'x' if ok1 else ' '}] {first}\n{items}\n  - a note, not a check\n"


CHECK_SHAPES: dict[str, tuple[str, Callable[[], str]]] = {
    "markdown task list": ("readiness.md", md_task_list),
    "github-rendered html checkbox list": ("readiness.html", html_checkbox_list),
    "confluence storage task list": ("readiness.xml", confluence_task_list),
    "table with a box column": ("readiness.md", box_column_table),
    "table with a status emoji column": ("readiness.md", status_emoji_table),
    "org-mode checklist": ("readiness.org", org_checklist),
    "jira wiki list with emoticons": ("readiness.txt", wiki_checklist),
    "copied task list of box glyphs": ("readiness.txt", glyph_lines),
    "sign-off table of decisions": ("readiness.md", signoff_table),
    "nested sub-tasks with a plain note": ("readiness.md", nested_task_list),
}


def scraped_checklist() -> str:
    items = "\n".join(f"- {t}" for t, _ in CHECKS)
    return f"{CHECK_TITLE}\n\nService is ready only when every box below is checked.\n\nBefore launch\n{items}\n"


def test_a_scraped_checklist_keeps_its_checks_with_their_state_unknown() -> None:
    got = entries("readiness.txt", scraped_checklist())
    assert sorted((e.title, e.checked) for e in got) == sorted((t, None) for t, _ in CHECKS)


def entries(name: str, text: str):
    config = Config()
    result = process_document(name, text.encode("utf-8"), config)
    assert not [r for r in result.rejections if "internal error" in r.reason], result.rejections
    return normalise([result], config).entries


@pytest.mark.parametrize("shape", sorted(RISK_SHAPES))
def test_every_risk_shape_loads_the_register_and_nothing_else(shape: str) -> None:
    name, render = RISK_SHAPES[shape]
    got = entries(name, render())
    risks = sorted(
        (e.entry_id, e.likelihood, e.impact, e.status, e.owners) for e in got if e.kind == "risk" and not e.duplicate_of
    )
    want = sorted((i, LEVELS[lk], LEVELS[im], STATUSES[st], (ow,)) for i, _, lk, im, st, ow in RISKS)
    assert risks == want
    assert not [e for e in got if e.kind == "check"], "a register has no checks"


@pytest.mark.parametrize("shape", sorted(CHECK_SHAPES))
def test_every_checklist_shape_loads_the_checks_and_nothing_else(shape: str) -> None:
    name, render = CHECK_SHAPES[shape]
    got = entries(name, render())
    checks = sorted((e.title, e.checked) for e in got if e.kind == "check")
    assert checks == sorted(CHECKS)
    assert not [e for e in got if e.kind == "risk"], "a checklist has no risks"
