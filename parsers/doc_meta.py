"""Document title and metadata lines (`Owner:`, `Last updated:`), shared by the text formats.

Registers open with a title (a `# heading`, or a bare first line when scraped) and a few
`Key: value` lines, sometimes several on one line ("Status: populated Owner: Platform
Engineering Last updated: 2026-04-18") and sometimes bold ("**Assessor**: Principal SRE").
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
# Decoration in front of a heading's words: emoji, check marks, bullets ("## ✅ Docs", "### 🚫 MUST FIX").
LEADING_SYMBOLS_RE = re.compile(r"^[^\w(\[\"'“‘]+")


def metadata(text: str, max_lines: int = 30) -> dict[str, str]:
    """`Key: value` pairs from the top of a document, keys lower-cased.

    >>> metadata("Title\\nStatus: populated Owner: Platform Engineering Last updated: 2026-04-18")
    {'status': 'populated', 'owner': 'Platform Engineering', 'last updated': '2026-04-18'}
    >>> metadata("**Assessor**: Principal SRE  \\n**Scope**: VokeTag")
    {'assessor': 'Principal SRE', 'scope': 'VokeTag'}
    """
    found: dict[str, str] = {}
    for line in text.splitlines()[:max_lines]:
        if line.lstrip().startswith("|"):
            continue
        matches = list(META_KEY_RE.finditer(line))
        if not matches or line[: matches[0].start()].strip(" -*>"):
            continue
        for match, nxt in zip(matches, [*matches[1:], None], strict=True):
            value = squash(INLINE_MARKUP_RE.sub("", line[match.end() : nxt.start() if nxt else len(line)]))
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
    """
    lines = text.splitlines()[:max_lines]
    for line in lines:
        if (m := ATX_HEADING_RE.match(line)) and len(m["marks"]) == 1:
            return _clean(m["text"])
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
