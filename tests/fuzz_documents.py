"""Register documents for whole-document fuzzing: generated from seed shapes, then mutated.

Seed shapes are registers and checklists written the ways teams write them, one function per
syntax riskreg reads (Markdown tables, sections and checklists, HTML tables and sections,
Confluence storage, plain and grid tables, reST, CSV/TSV, MediaWiki, org, AsciiDoc, key-value
blocks, scraped rows), filled with random rows whose cells carry the hostile content real
documents do (pipes, backticks, markup, formulas, mojibake, emoji, right-to-left text, very
long words). A document is a few of them under a title, then a few mutations: byte flips,
splices of another document, duplicated and deleted ranges, truncation, deep nesting, huge
runs of one character, mojibake, random bytes, mixed line ends, another encoding.

Everything is drawn from a `random.Random`, so a document is a pure function of its seed:
`bench/fuzz.py` makes them by the hundred thousand from (seed, index), and the hypothesis test
in `tests/test_hostile_tree.py` draws the Random from hypothesis (`st.randoms`), which shrinks
a failure to a small document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from pipeline.decode import decode_document
from pipeline.errors import DecodeError
from pipeline.records import DocumentResult

# Cell content, from the plain to the hostile.
WORDS = (
    "payments", "ledger", "export", "job", "double-sends", "invoices", "token", "vault", "expiry", "on-call",
    "failover", "region", "latency", "backlog", "vendor", "contract", "GDPR", "PII", "SSO", "rotation",
)  # fmt: skip
ODD_CELLS = (
    "a | b", "`code | span`", "**bold** _it_", "<script>alert(1)</script>", "<img src=x onerror=y>",
    '=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "Ã©tÃ© cafÃ©", "café ✅ 🚀",
    "مخاطر الدفع", "\u200b\u200d\u202e", "~~struck~~", "[link](http://x)", "&amp;&lt;&#0;&#x110000;",
    "R1, R2; R3", "N/A", "—", "\\|", "\t", "x" * 300, "{{template}}", "''wiki''", "*org*", "::",
)  # fmt: skip
LEVELS = ("Low", "Medium", "High", "Critical", "L", "M", "H", "1", "2", "3", "4", "5", "Med.", "Very high", "", "?")
STATUSES = ("Open", "Closed", "Mitigated", "Accepted", "In progress", "WIP", "Done", "", "open ", "✅", "❌")
OWNERS = ("SRE", "Platform Engineering", "Finance", "R&D", "Jane Doe", "j.doe@example.com", "@payments-team", "")
ENCODINGS = ("utf-8", "utf-8", "utf-8", "utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16")
RUN_UNITS = (" ", "|", "`", "*", "-", "#", "<", ">", "[", "]", "\t", "=", "+", "\\", "_", "~", ":", "a", "é", "| ")
NESTINGS = (
    ("> ", ""), ("- ", ""), ("  - ", ""), ("1. ", ""), ("* ", ""), ("<div>", "</div>"), ("<ul><li>", "</li></ul>"),
    ("<table><tr><td>", "</td></tr></table>"), ("{|\n|", "\n|}"), ("[", "]"), ("**", "**"), ("`", "`"), ("|", "|"),
)  # fmt: skip

Row = tuple[str, str, str, str, str, str, str]  # id, title, likelihood, impact, owner, status, mitigation
HEADERS = ("ID", "Risk", "Likelihood", "Impact", "Owner", "Status", "Mitigation")


def cell(rnd: Random) -> str:
    """A title or mitigation: a few words, sometimes hostile content."""
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(1, 6))]
    if rnd.random() < 0.25:
        words.insert(rnd.randrange(len(words) + 1), rnd.choice(ODD_CELLS))
    return " ".join(words)


def rows(rnd: Random, n: int) -> list[Row]:
    prefix = rnd.choice(("R", "RISK-", "PAY-", "R-0", "", "#"))
    return [
        (
            f"{prefix}{i + 1}" if rnd.random() < 0.95 else rnd.choice(ODD_CELLS),
            cell(rnd),
            rnd.choice(LEVELS),
            rnd.choice(LEVELS),
            rnd.choice(OWNERS),
            rnd.choice(STATUSES),
            cell(rnd) if rnd.random() < 0.6 else "",
        )
        for i in range(n)
    ]


def _columns(rnd: Random) -> list[int]:
    """Which of the seven columns a table shows, in which order (ID and Risk mostly first)."""
    rest = [2, 3, 4, 5, 6]
    rnd.shuffle(rest)
    keep = [0, 1, *rest[: rnd.randint(0, 5)]]
    if rnd.random() < 0.2:
        rnd.shuffle(keep)
    return keep


def _table(rnd: Random, data: list[Row], render: Callable[[list[str]], str], sep: str = "") -> str:
    cols = _columns(rnd)
    head = render([HEADERS[c] for c in cols])
    return head + sep + "".join(render([r[c] for c in cols]) for r in data)


def markdown_table(rnd: Random, data: list[Row]) -> str:
    cols = _columns(rnd)
    line = lambda cells: "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n"  # noqa: E731
    return (
        line([HEADERS[c] for c in cols])
        + "|"
        + "---|" * len(cols)
        + "\n"
        + "".join(line([r[c] for c in cols]) for r in data)
    )


def markdown_sections(rnd: Random, data: list[Row]) -> str:
    out = []
    for r in data:
        out.append(f"### {r[0]} — {r[1]}\n\n")
        for label, value in zip(HEADERS[2:], r[2:], strict=True):
            out.append(rnd.choice(("**{}:** {}\n", "- {}: {}\n", "{}: {}\n", "| {} | {} |\n")).format(label, value))
        out.append("\n")
    return "".join(out)


def markdown_checklist(rnd: Random, data: list[Row]) -> str:
    return "## Launch readiness checklist\n\n" + "".join(
        f"{'  ' * rnd.randint(0, 2)}- [{rnd.choice('x X~')}] {r[1]} ({r[4]})\n" for r in data
    )


def html_table(rnd: Random, data: list[Row]) -> str:
    cols = _columns(rnd)
    cells = lambda tag, values: "<tr>" + "".join(f"<{tag}>{v}</{tag}>" for v in values) + "</tr>\n"  # noqa: E731
    body = "".join(cells("td", [r[c] for c in cols]) for r in data)
    table = f"<table>\n{cells('th', [HEADERS[c] for c in cols])}{body}</table>\n"
    return table if rnd.random() < 0.5 else f"<html><body><h2>Risks</h2>\n{table}</body></html>\n"


def html_sections(rnd: Random, data: list[Row]) -> str:
    return "".join(
        f"<h3>{r[0]}: {r[1]}</h3>\n<p><strong>Likelihood</strong>: {r[2]}<br><strong>Impact</strong>: {r[3]}</p>\n"
        f"<ul><li>Owner: {r[4]}</li><li>Status: {r[5]}</li></ul>\n"
        for r in data
    )


def confluence(rnd: Random, data: list[Row]) -> str:
    table = html_table(rnd, data)
    return (
        '<ac:structured-macro ac:name="expand"><ac:rich-text-body>\n'
        f"{table}</ac:rich-text-body></ac:structured-macro>\n<ac:task-list><ac:task><ac:task-status>complete"
        "</ac:task-status><ac:task-body>Sign-off</ac:task-body></ac:task></ac:task-list>\n"
    )


def plain_table(rnd: Random, data: list[Row]) -> str:
    cols = _columns(rnd)
    table = [[HEADERS[c] for c in cols], *[[r[c] for c in cols] for r in data]]
    widths = [max(len(row[k]) for row in table) + 2 for k in range(len(cols))]
    return "".join("".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n" for row in table)


def grid_table(rnd: Random, data: list[Row]) -> str:
    cols = _columns(rnd)
    table = [[HEADERS[c] for c in cols], *[[r[c] for c in cols] for r in data]]
    widths = [max(len(row[k]) for row in table) + 2 for k in range(len(cols))]
    rule = lambda ch: "+" + "+".join(ch * w for w in widths) + "+\n"  # noqa: E731
    line = lambda row: "|" + "|".join(f" {v}".ljust(w) for v, w in zip(row, widths, strict=True)) + "|\n"  # noqa: E731
    return rule("-") + line(table[0]) + rule("=") + "".join(line(row) + rule("-") for row in table[1:])


def rst_simple(rnd: Random, data: list[Row]) -> str:
    cols = _columns(rnd)
    table = [[HEADERS[c] for c in cols], *[[r[c].replace(" ", "_") or "-" for c in cols] for r in data]]
    widths = [max(len(row[k]) for row in table) for k in range(len(cols))]
    rule = " ".join("=" * w for w in widths) + "\n"
    line = lambda row: " ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) + "\n"  # noqa: E731
    return "Risks\n=====\n\n" + rule + line(table[0]) + rule + "".join(line(row) for row in table[1:]) + rule


def delimited(rnd: Random, data: list[Row]) -> str:
    sep = rnd.choice((",", ";", "\t", "|"))
    quote = lambda v: f'"{v.replace(chr(34), chr(34) * 2)}"' if sep in v or '"' in v or "\n" in v else v  # noqa: E731
    return _table(rnd, data, lambda cells: sep.join(quote(v) for v in cells) + "\n")


def mediawiki(rnd: Random, data: list[Row]) -> str:
    cols = _columns(rnd)
    head = '{| class="wikitable"\n! ' + " !! ".join(HEADERS[c] for c in cols) + "\n"
    return head + "".join("|-\n| " + " || ".join(r[c] for c in cols) + "\n" for r in data) + "|}\n"


def org(rnd: Random, data: list[Row]) -> str:
    cols = _columns(rnd)
    line = lambda cells: "| " + " | ".join(cells) + " |\n"  # noqa: E731
    rule = "|" + "+".join("-" * 5 for _ in cols) + "|\n"
    return (
        "* Risks\n#+CAPTION: Open risks\n"
        + line([HEADERS[c] for c in cols])
        + rule
        + "".join(line([r[c] for c in cols]) for r in data)
    )


def asciidoc(rnd: Random, data: list[Row]) -> str:
    cols = _columns(rnd)
    body = "".join("".join(f"|{r[c]} " for c in cols) + "\n" for r in data)
    return (
        f'== Risks\n\n[cols="{len(cols)}*",options="header"]\n|===\n'
        + "".join(f"|{HEADERS[c]} " for c in cols)
        + f"\n\n{body}|===\n"
    )


def key_values(rnd: Random, data: list[Row]) -> str:
    return "".join("".join(f"{label}: {value}\n" for label, value in zip(HEADERS, r, strict=True)) + "\n" for r in data)


def scraped(rnd: Random, data: list[Row]) -> str:
    """Rows as a web page's text comes out: cells run together, no separators."""
    joiner = rnd.choice(("", " ", "  ", "\t"))
    return "Risk register\n" + joiner.join(HEADERS) + "\n" + "".join(joiner.join(r) + "\n" for r in data)


SEED_SHAPES = (markdown_table, markdown_sections, markdown_checklist, html_table, html_sections, confluence,
               plain_table, grid_table, rst_simple, delimited, mediawiki, org, asciidoc, key_values,
               scraped)  # fmt: skip
SHAPES: dict[str, Callable[[Random, list[Row]], str]] = {f.__name__: f for f in SEED_SHAPES}


@dataclass(frozen=True, slots=True)
class Limits:
    """How big a document may grow: rows per structure, depth of nesting, length of a run."""

    rows: int = 12
    depth: int = 60
    run: int = 2000
    mutations: int = 4


# --- mutations: bytes -> bytes -----------------------------------------------------------------


def flip(rnd: Random, data: bytes, limits: Limits) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        if out:
            out[rnd.randrange(len(out))] ^= 1 << rnd.randrange(8)
    return bytes(out)


def splice(rnd: Random, data: bytes, limits: Limits) -> bytes:
    other = seed_document(rnd, limits)
    a, b = sorted(rnd.randrange(len(other) + 1) for _ in range(2))
    at = rnd.randrange(len(data) + 1)
    return data[:at] + other[a:b] + data[at:]


def duplicate(rnd: Random, data: bytes, limits: Limits) -> bytes:
    a = rnd.randrange(len(data) + 1)
    b = min(len(data), a + rnd.randint(1, 400))
    return data[:b] + data[a:b] * rnd.randint(1, 20) + data[b:]


def delete(rnd: Random, data: bytes, limits: Limits) -> bytes:
    a = rnd.randrange(len(data) + 1)
    return data[:a] + data[a + rnd.randint(1, 200) :]


def truncate(rnd: Random, data: bytes, limits: Limits) -> bytes:
    return data[: rnd.randrange(len(data) + 1)]


def nest(rnd: Random, data: bytes, limits: Limits) -> bytes:
    """Wrap a line in structure nested deep: quotes, lists, divs, tables, brackets."""
    open_, close = rnd.choice(NESTINGS)
    depth = rnd.randint(2, limits.depth)
    lines = data.split(b"\n")
    k = rnd.randrange(len(lines))
    if open_.endswith(" ") and rnd.random() < 0.5:  # a staircase, each level on its own line
        stair = "".join("  " * d + open_ + f"level {d}\n" for d in range(depth))
        lines.insert(k, stair.encode())
    else:
        lines[k] = (open_ * depth).encode() + lines[k] + (close * depth).encode()
    return b"\n".join(lines)


def run(rnd: Random, data: bytes, limits: Limits) -> bytes:
    """A long run of one character (or pair) at a random place: backtracking bait."""
    unit = rnd.choice(RUN_UNITS).encode()
    at = rnd.randrange(len(data) + 1)
    tail = rnd.choice((b"", b"- x\n", b"|\n", b"x", b"\n|---|---|\n"))
    return data[:at] + unit * rnd.randint(1, limits.run) + tail + data[at:]


def mojibake(rnd: Random, data: bytes, limits: Limits) -> bytes:
    """A range of UTF-8 text read as cp1252 (or latin-1) and written back as UTF-8, once or twice."""
    a = rnd.randrange(len(data) + 1)
    b = min(len(data), a + rnd.randint(1, 2000))
    part = data[a:b]
    for _ in range(rnd.randint(1, 2)):
        part = part.decode(rnd.choice(("cp1252", "latin-1")), "replace").encode("utf-8")
    return data[:a] + part + data[b:]


def noise(rnd: Random, data: bytes, limits: Limits) -> bytes:
    """Random bytes (control characters, invalid UTF-8, a NUL now and then) at a random place."""
    at = rnd.randrange(len(data) + 1)
    junk = rnd.randbytes(rnd.randint(1, 40))
    if rnd.random() < 0.8:
        junk = junk.replace(b"\x00", b"\x01")
    return data[:at] + junk + data[at:]


def line_ends(rnd: Random, data: bytes, limits: Limits) -> bytes:
    a = rnd.randrange(len(data) + 1)
    return data[:a] + data[a:].replace(b"\n", rnd.choice((b"\r\n", b"\r", b"\n\n", b"\x0b", b"\x0c", b"\x85")))


def shuffle_lines(rnd: Random, data: bytes, limits: Limits) -> bytes:
    lines = data.split(b"\n")
    a = rnd.randrange(len(lines))
    part = lines[a : a + rnd.randint(2, 12)]
    rnd.shuffle(part)
    return b"\n".join(lines[:a] + part + lines[a + len(part) :])


MUTATIONS: dict[str, Callable[[Random, bytes, Limits], bytes]] = {
    f.__name__: f
    for f in (flip, splice, duplicate, delete, truncate, nest, run, mojibake, noise, line_ends, shuffle_lines)
}


# --- documents -----------------------------------------------------------------------------------


def seed_text(rnd: Random, limits: Limits) -> tuple[str, list[str]]:
    """A document of one to four seed shapes under a title; and the shapes' names."""
    names = [rnd.choice(list(SHAPES)) for _ in range(rnd.randint(1, 4))]
    parts = [rnd.choice(("# Payments Risk Register\n\n", "Risk Register — Ledger\n\n", "<h1>Risks</h1>\n", ""))]
    for name in names:
        if rnd.random() < 0.3:
            parts.append(rnd.choice(("## Section\n\n", "Owner: SRE\nLast updated: 2024-01-31\n\n", cell(rnd) + "\n\n")))
        parts.append(SHAPES[name](rnd, rows(rnd, rnd.randint(0, limits.rows))) + "\n")
    return "".join(parts), names


def seed_document(rnd: Random, limits: Limits) -> bytes:
    text, _ = seed_text(rnd, limits)
    return text.encode("utf-8")


def fuzz_document(rnd: Random, limits: Limits = Limits()) -> tuple[bytes, str]:
    """A generated and mutated document, and a label saying how it was made (for reports)."""
    text, names = seed_text(rnd, limits)
    encoding = rnd.choice(ENCODINGS)
    data = text.encode(encoding, "replace")
    applied = []
    for _ in range(rnd.randint(0, limits.mutations)):
        name = rnd.choice(list(MUTATIONS))
        data = MUTATIONS[name](rnd, data, limits)
        applied.append(name)
    return data, f"{'+'.join(names)} {encoding} [{','.join(applied)}]"


def document_for(seed: int, index: int, limits: Limits = Limits()) -> tuple[bytes, str]:
    """Document number `index` of the run seeded `seed` (the same bytes on every machine)."""
    return fuzz_document(Random(f"{seed}:{index}"), limits)


# --- what must hold for any document ------------------------------------------------------------


def lines_outside(data: bytes, result: DocumentResult) -> list[str]:
    """Source lines of a result that are not lines of the document's decoded text."""
    try:
        text = decode_document("fuzz", data).text
    except DecodeError:
        return []
    last = text.count("\n") + 1
    found = [(f"entry {e.fields.get('entry_id')}", n) for e in result.entries for n in (e.loc.line, *e.lines)]
    found += [(f"skipped {s.structure}", s.line) for s in result.skipped]
    found += [(f"rejection {r.stage}", r.line) for r in result.rejections if r.line is not None]
    return [f"{what}: line {n} of {last}" for what, n in found if not 1 <= n <= last]


def internal_errors(result: DocumentResult) -> list[str]:
    """Rejections that are bugs caught by `process_document`'s one broad except."""
    return [f"{r.reason}\n{r.detail}" for r in result.rejections if "internal error" in r.reason]


__all__ = ["MUTATIONS", "SHAPES", "Limits", "document_for", "fuzz_document", "internal_errors", "lines_outside"]
