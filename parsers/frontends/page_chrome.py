"""The page around the content of a page saved as text: its chrome and its title; for the text front end.

A scraped page keeps what the site put around it: skip links, the wiki's name and buttons,
breadcrumbs and "From Acme Wiki" above the title, a flattened nav bar ("Home · Docs · Search"),
"Edit this page", "Was this page helpful?", cookie banners and footers ("© 2026 Acme",
"Retrieved from ..."). Those lines are chrome: flagged, never content. The title is the first
line that says what the page is: the first line of content, unless it only names the site and a
short line below it names a register ("Finance Engineering", then "Payouts Service Risk Log").
The words are the lexicon's (`chrome_lines`, `chrome_starts`, `register_words`); the shapes
(breadcrumbs, nav bars, "©") are patterns here.
Pure: lines in, line indexes out.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

from parsers.lexicon import Lexicon
from pipeline.textnorm import fold

# How far from the top wiki chrome around the title (breadcrumbs, "From Acme Wiki") is looked
# for: the first lines, up to the second line of content (the first is the title).
TOP_LINES = 60
TOP_CONTENT_LINES = 2
# How far from the top the title is looked for, and how many lines below a first line that only
# names the site may hold the page's title.
TITLE_LINES = 40
TITLE_LOOKAHEAD = 4
# Longest line taken for a title, for a title found below the first line, and for chrome.
MAX_TITLE = 140
MAX_LOWER_TITLE = 80
MAX_CHROME = 300
# Wiki chrome above a page's title: breadcrumbs ("Pages / Platform / CDN Edge", "Home › Compliance
# › Retention"), a subpage's link back up ("< Customs Filing"), MediaWiki's tagline ("From Acme
# Wiki"), an app bar ("Confluence | Spaces | People").
WIKI_CHROME_RE = re.compile(
    r"""^(?: <\s.*
      | from\s\S+(?:\s\S+)?\swiki
      | [^/›»>]{1,40}(?:\s[/›»>]\s[^/›»>]{1,40}){2,}
      | [^|]{1,40}(?:\s\|\s[^|]{1,40}){2,}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# A flattened nav bar anywhere on the page: three or more short parts apart by " · " or " | ",
# none of them a label ("Owner: SRE · Status: open" is metadata, not navigation).
NAV_BAR_RE = re.compile(r"^[^·|:\n]{1,30}(?:\s[·|]\s[^·|:\n]{1,30}){2,}$")
# A footer's copyright line.
COPYRIGHT_RE = re.compile(r"^(?:©|\(c\)\s)", re.IGNORECASE)
# A link in brackets at the end of a heading that a wiki adds ("Register[edit]").
# (From the start of a run of blanks only: linear on a long run of them.)
TRAILING_LINK_RE = re.compile(r"(?<!\s)\s*+\[(?P<link>[^\[\]\n]{1,20})\]$")
# `Key: value` at the start of a line (full-width colon too): a label, read by the recognisers.
LABEL_RE = re.compile(r"^(?P<key>[^:：\n]{1,40}?)[ \t]*[:：](?:[ \t]|$)")
# Lines that are structure, not a title: tables, lists, rules, boxes, HTML.
NOT_TITLE_RE = re.compile(r"^(?:\||[-*+•‣▪◦]\s|\d+[.)]\s|---|===|```|~~~|<|\[[ xX]\])")
# A numbered heading ("1. Risk scoring"): a section of the page, never its title.
NUMBERED_RE = re.compile(r"^\d+(?:\.\d+)*[.)]?\s")
# How much of a line the lexicon's `chrome_starts` phrases are looked for in (a line that opens
# with a label is never chrome: "Created by Jo" is, "Created: 2026-01-02" is metadata).
CHROME_START_SPAN = 60


def is_label(line: str, lexicon: Lexicon) -> bool:
    """Whether a line opens with a label the lexicon knows (a field or a metadata key).

    >>> lex = Lexicon.default()
    >>> is_label("Owner: SRE", lex), is_label("Mitigation:", lex), is_label("Approvals:", lex), is_label("Docs", lex)
    (True, True, False, False)
    """
    m = LABEL_RE.match(line)
    if m is None:
        return False
    key = m["key"].strip(" *_")
    return lexicon.is_label(key) or fold(key) in lexicon.phrases("meta_keys")


def is_chrome(line: str, lexicon: Lexicon, *, top: bool = False) -> bool:
    """Whether a line is page chrome; `top`: it sits above the title, where wiki chrome is.

    >>> lex = Lexicon.default()
    >>> [is_chrome(s, lex) for s in ("Skip to main content", "Home · Docs · Search", "© 2026 Acme Corp",
    ...     "Retrieved from https://wiki/x", "Created: 2026-01-02", "Owner: SRE · Status: open · Tier: 1", "Docs")]
    [True, True, True, True, False, False, False]
    >>> is_chrome("Pages / Platform / CDN Edge", lex, top=True), is_chrome("Pages / Platform / CDN Edge", lex)
    (True, False)
    >>> is_chrome("Search", lex), is_chrome("- Search", lex), is_chrome("[x] Accept", lex)
    (True, False, False)
    """
    s = line.strip()
    if not s or len(s) > MAX_CHROME:
        return False
    if COPYRIGHT_RE.match(s) or NAV_BAR_RE.match(s) or (top and WIKI_CHROME_RE.match(s)):
        return True
    if not s[0].isalnum():  # "- Search" is an item, "[x] Accept" a box: their words are content
        return False
    if lexicon.is_word("chrome_lines", s):
        return True
    return LABEL_RE.match(s) is None and lexicon.pattern("chrome_starts").match(fold(s[:CHROME_START_SPAN])) is not None


def without_edit_link(text: str, lexicon: Lexicon) -> str:
    """A heading without the edit link a wiki put after it.

    >>> without_edit_link("Register[edit]", Lexicon.default()), without_edit_link("Steps [1/3]", Lexicon.default())
    ('Register', 'Steps [1/3]')
    """
    m = TRAILING_LINK_RE.search(text) if text.endswith("]") else None
    if m is not None and m.start() > 0 and lexicon.is_word("chrome_lines", m["link"]):
        return text[: m.start()]
    return text


def chrome_lines(lines: Sequence[str], lexicon: Lexicon, covered: Container[int]) -> set[int]:
    """Indexes of the lines that are page chrome (lines of tables excepted). Wiki chrome sits
    above and just below the title ("From Acme Wiki", "< Customs Filing"): it is looked for in
    the first lines, until the second line of content.

    >>> lex = Lexicon.default()
    >>> sorted(chrome_lines(["Jump to navigation", "Risks", "From Acme Wiki", "< Risks", "Register", "< x"], lex, ()))
    [0, 2, 3]
    """
    found: set[int] = set()
    content = 0
    for k, line in enumerate(lines):
        if k in covered:
            content = TOP_CONTENT_LINES
            continue
        if not line.strip():
            continue
        if is_chrome(line, lexicon, top=content < TOP_CONTENT_LINES and k < TOP_LINES):
            found.add(k)
        else:
            content += 1
    return found


def title_line(
    lines: Sequence[str], chrome: Container[int], covered: Container[int], lexicon: Lexicon
) -> tuple[int | None, list[int]]:
    """The index of the page's title line (None when the page opens with a list, a table or a
    label), and the lines above it that only name the site.

    >>> lex = Lexicon.default()
    >>> title_line(["Skip to main content", "", "Finance Engineering", "Payouts Service Risk Log", "x"], {0}, (), lex)
    (3, [2])
    >>> title_line(["Svc — Readiness", "Docs", "- a"], (), (), lex), title_line(["- a"], (), (), lex)
    ((0, []), (None, []))
    """
    for k in range(min(len(lines), TITLE_LINES)):
        s = lines[k].strip()
        if not s or k in chrome:
            continue
        if k in covered or len(s) > MAX_TITLE or NOT_TITLE_RE.match(s) or is_label(s, lexicon):
            return None, []
        if lexicon.mentions("register_words", s):
            return k, []
        seen = 0
        for j in range(k + 1, min(len(lines), k + 1 + 3 * TITLE_LOOKAHEAD)):
            t = lines[j].strip()
            if not t or j in chrome:
                continue
            seen += 1
            if seen > TITLE_LOOKAHEAD or j in covered:
                break
            if len(t) > MAX_LOWER_TITLE or NUMBERED_RE.match(t) or NOT_TITLE_RE.match(t) or is_label(t, lexicon):
                continue
            if lexicon.mentions("register_words", t):
                return j, [i for i in range(k, j) if lines[i].strip() and i not in chrome]
        return k, []
    return None, []
