"""Document title and metadata lines (`Owner:`, `Last updated:`), shared by the text formats.

Registers open with a title (a `# heading`, or a bare first line when scraped) and a few
`Key: value` lines, sometimes several on one line ("Status: populated Owner: Platform
Engineering Last updated: 2026-04-18") and sometimes bold ("**Assessor**: Principal SRE").
Docs-as-code sites (Jekyll, Hugo, MkDocs, GitHub issue templates) put them in a YAML front-matter
block instead (`---`, `title: ...`, `service: ...`, `---`): its keys are metadata and its
`title` is the title when no `# heading` gives one. Parsers read the text with the block blanked
out (`without_front_matter`), as a renderer would, so it is never taken for a heading or a list.
"""

from __future__ import annotations

import re

from pipeline.textnorm import squash

# Keys of metadata lines worth keeping, longest first so "Last updated" wins over "Updated".
META_KEYS: tuple[str, ...] = tuple(
    sorted(
        (
            "status",
            "owner",
            "owners",
            "last updated",
            "updated",
            "last reviewed",
            "reviewed",
            "next review",
            "version",
            "document version",
            "date",
            "assessment date",
            "author",
            "authors",
            "assessor",
            "reviewer",
            "reviewers",
            "approver",
            "approvers",
            "scope",
            "service",
            "service name",
            "system",
            "team",
            "tier",
            "classification",
            "distribution",
            "bundle",
            "review cadence",
            "created",
        ),
        key=len,
        reverse=True,
    )
)
# One `Key: value` start: at line start or after a space, optionally bold ("**Owner**:", "**Owner:**").
META_KEY_RE = re.compile(
    r"(?:^|(?<=\s))(?:\*\*|__)?(?P<key>"
    + "|".join(re.escape(k) for k in META_KEYS)
    + r")(?:\*\*|__)?\s*:(?:\*\*|__)?\s*",
    re.IGNORECASE,
)
# Lines of page chrome that scraped pages start with; never a title.
CHROME_LINE_RE = re.compile(
    r"^(skip to (main )?content|menu|navigation|toggle navigation|search|home|table of contents|contents|on this page)$"
    r"|(\s·\s.*){2,}",  # "Home · Services · Runbooks": a flattened nav bar
    re.IGNORECASE,
)
# ATX heading: "# Title", "## Title ##".
ATX_HEADING_RE = re.compile(r"^\s{0,3}(?P<marks>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
# Lines that are structure, not a title: tables, lists, rules, fences, HTML.
NOT_TITLE_RE = re.compile(r"^\s*(\||[-*+]\s|\d+[.)]\s|---|===|```|~~~|<|\[[ xX]\])")
INLINE_MARKUP_RE = re.compile(r"(\*\*|__|`)")
# A YAML front-matter block: "---" on the very first line, then lines up to the closing "---" or
# "..." (at most 80 lines, so a horizontal rule far below is never taken for its end).
FRONT_MATTER_RE = re.compile(r"\A\ufeff?---[ \t]*\n(?P<body>(?:[^\n]*\n){0,80}?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
# One "key: value" line of front matter (nested YAML and list items are skipped).
FRONT_KEY_RE = re.compile(r"^(?P<key>[A-Za-z][\w .-]{0,40}?)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$")
# A line that opens an entry rather than describing the document: a risk's id, title or rating label,
# plain, bold or in a bullet ("ID: R1", "- **Likelihood**: High", "Risk: Vault sealed").
ENTRY_LABEL_RE = re.compile(
    r"^\s*(?:[-*+]\s+|\d{1,3}[.)]\s+)?(?:\*{1,2}|_{1,2})?(?:id|risk(?: id| title)?|likelihood|probability|impact"
    r"|severity|risk level|threat|mitigation)(?:\*{1,2}|_{1,2})?\s*:",
    re.IGNORECASE,
)
# Separators left at the end of a metadata value when several share a line ("Search Infra  ·").
VALUE_TRIM = " ·|;,–—-"
# Characters looked at for a title (its first `max_lines` lines are enough, short of huge lines).
TITLE_SPAN = 20000
# An HTML comment block at the top ("<!-- Please fill in ... -->" in issue templates): not the title.
HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
# Decoration in front of a heading's words: emoji, check marks, bullets ("## ✅ Docs", "### 🚫 MUST FIX").
LEADING_SYMBOLS_RE = re.compile(r"^[^\w(\[\"'“‘]+")


def front_matter(text: str) -> dict[str, str]:
    """The `key: value` pairs of a YAML front-matter block, keys lower-cased with `_`/`-` as spaces,
    quotes around values dropped; {} when the text opens with none.

    >>> front_matter("---\\ntitle: 'Payments: PRR'\\nservice_name: ledger\\ntags: [a, b]\\n---\\n# x")
    {'title': 'Payments: PRR', 'service name': 'ledger', 'tags': '[a, b]'}
    >>> front_matter("---\\n\\nJust a rule above a paragraph\\n---\\n"), front_matter("# Title")
    ({}, {})
    """
    m = FRONT_MATTER_RE.match(text)
    if m is None:
        return {}
    found: dict[str, str] = {}
    for line in m["body"].splitlines():
        if line[:1].isspace() or not (key := FRONT_KEY_RE.match(line)):
            continue
        value = key["value"]
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        name = re.sub(r"[_-]+", " ", key["key"]).lower().strip()
        if value and name not in found:
            found[name] = squash(value)
    return found


def front_matter_lines(text: str) -> int:
    """How many lines a front-matter block takes at the top of the text (0 when there is none).

    >>> front_matter_lines("---\\ntitle: x\\n---\\n## A"), front_matter_lines("## A\\n---")
    (3, 0)
    """
    m = FRONT_MATTER_RE.match(text)
    if m is None or not front_matter(text):
        return 0
    return m.group(0).rstrip("\n").count("\n") + 1


def without_front_matter(text: str) -> str:
    """The text with its front-matter block blanked out, line count kept (so source lines hold).

    Markdown renderers never show the block; markdown-it would read `key: value` lines followed by
    the closing `---` as a setext heading.
    >>> without_front_matter("---\\ntitle: x\\n---\\n- [ ] a")
    '\\n\\n\\n- [ ] a'
    """
    n = front_matter_lines(text)
    if not n:
        return text
    lines = text.split("\n")
    return "\n" * n + "\n".join(lines[n:])


def metadata(text: str, max_lines: int = 30) -> dict[str, str]:
    """`Key: value` pairs from the top of a document, keys lower-cased; front-matter keys first.

    >>> metadata("Title\\nStatus: populated Owner: Platform Engineering Last updated: 2026-04-18")
    {'status': 'populated', 'owner': 'Platform Engineering', 'last updated': '2026-04-18'}
    >>> metadata("**Assessor**: Principal SRE  \\n**Scope**: VokeTag")
    {'assessor': 'Principal SRE', 'scope': 'VokeTag'}
    >>> metadata("---\\nservice: inventory-sync\\nlast_reviewed: 2026-02-14\\n---\\nOwner: SRE")
    {'service': 'inventory-sync', 'last reviewed': '2026-02-14', 'owner': 'SRE'}

    The scan stops at the first line that opens an entry (`Likelihood:`, `ID:`, `- **Severity**:`):
    a risk's `Status: Open` or `Owner: SRE` further down is the risk's, not the document's.
    >>> metadata("Register\\nOwner: SRE\\n\\nID: R1\\nRisk: x\\nOwner: DBA\\nStatus: Open")
    {'owner': 'SRE'}
    >>> metadata("Owner: Search Infra  ·  Review cadence: monthly  ·  Last reviewed: 2026-03-28")
    {'owner': 'Search Infra', 'review cadence': 'monthly', 'last reviewed': '2026-03-28'}
    """
    found: dict[str, str] = {k: v for k, v in front_matter(text).items() if k != "title"}
    text = without_front_matter(text)
    for line in text.splitlines()[:max_lines]:
        if line.lstrip().startswith("|"):
            continue
        if ENTRY_LABEL_RE.match(line):
            break
        matches = list(META_KEY_RE.finditer(line))
        if not matches or line[: matches[0].start()].strip(" -*>"):
            continue
        for match, nxt in zip(matches, [*matches[1:], None], strict=True):
            value = squash(INLINE_MARKUP_RE.sub("", line[match.end() : nxt.start() if nxt else len(line)]))
            value = value.strip(VALUE_TRIM)
            key = match["key"].lower()
            if value and key not in found:
                found[key] = value
    return found


def title(text: str, max_lines: int = 40) -> str | None:
    """The document's title: its first level-1 heading, else its first heading, else its first
    line of plain text (scraped pages have no markup), skipping page chrome.

    >>> title("Skip to main content\\n\\nHome · Docs · Search\\n\\nSERVICE_RISK_REGISTER — lock")
    'SERVICE_RISK_REGISTER — lock'
    >>> title("intro\\n## Sub\\n# Main Title")
    'Main Title'
    >>> title("Operator Service — Readiness\\n## Docs\\n- [ ] item")
    'Operator Service — Readiness'

    A front matter `title` comes after a `# heading` and before the fallbacks; an HTML comment
    at the top (an issue template's instructions) is skipped.
    >>> title("---\\ntitle: Ledger PRR\\n---\\n## 1. Observability"), title("<!--\\nfill in\\n-->\\n## Launch: x")
    ('Ledger PRR', 'Launch: x')
    """
    stated = front_matter(text).get("title")
    text = without_front_matter(text)[:TITLE_SPAN]
    if "<!--" in text[:2000]:
        text = HTML_COMMENT_RE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    lines = text.splitlines()[:max_lines]
    for line in lines:
        if (m := ATX_HEADING_RE.match(line)) and len(m["marks"]) == 1:
            return _clean(m["text"])
    if stated:
        return _clean(stated)
    for line in lines:
        stripped = line.strip()
        if not stripped or CHROME_LINE_RE.search(stripped):
            continue
        if m := ATX_HEADING_RE.match(stripped):
            return _clean(m["text"])
        if NOT_TITLE_RE.match(stripped) or META_KEY_RE.match(stripped) or len(stripped) > 140:
            return None
        return _clean(stripped)
    return None


def section_name(heading: str) -> str | None:
    """A heading as the `section` of the entries under it: markup and leading decoration gone.

    Numbering is kept ("2. Register"): it is part of how the author names the section.
    >>> section_name("✅ **Docs**"), section_name("🚫 MUST FIX (Before Production)"), section_name("2. Register")
    ('Docs', 'MUST FIX (Before Production)', '2. Register')
    """
    name = LEADING_SYMBOLS_RE.sub("", _clean(heading))
    return name or None


def _clean(text: str) -> str:
    return squash(INLINE_MARKUP_RE.sub("", text))
