"""The page around a flattened table; a helper of `parsers.flattened_text`.

A scraped page keeps its chrome: the wiki's name, buttons, skip links and breadcrumbs above the
title, and the page's own buttons and footer after its table. Here: the page's title (the line
that says what the page is, not the site's name or chrome above it), the heading a table sits
under, and the lines that end a table because the page goes on without it.
Takes lines of text, returns strings; pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers import doc_meta
from parsers.flattened_header import DEFAULT_SYNONYMS, header_like
from pipeline.textnorm import squash

# Lines of a page's own buttons and footer that follow a table scraped from it ("Add new item",
# "Like Be the first to like this", "Retrieved from ..."): the table ends there.
PAGE_BUTTON_RE = re.compile(
    r"^(?:add\snew\s(?:item|row)|edit|share|follow|like(?:\s.*)?|no\slabels|retrieved\sfrom\s.*"
    r"|this\spage\swas\slast\sedited\s.*|(?:created|last\smodified|last\sedited)\sby\s.*)$",
    re.IGNORECASE,
)
# Words of a register's title: a scraped page's title is the line above its table that says
# what the page is ("Payouts Service Risk Log"), not the site's name above it.
TITLE_WORDS_RE = re.compile(r"(?<![A-Za-z])(?:risks?|register|raid|threats?|hazards?)(?![A-Za-z])", re.IGNORECASE)
# A numbered heading ("1. Risk scoring"): a section of the page, never its title.
NUMBERED_HEADING_RE = re.compile(r"^\d+(?:\.\d+)*[.)]?\s")
# Lines after a title-less first line that may still hold the page's title.
TITLE_LOOKAHEAD = 4
# Page chrome of wikis and doc sites that a scraper keeps above the title: the app's name and
# buttons ("SharePoint", "Edit"), skip links, "From Acme Wiki", "Created by X, last modified by
# Y on <date>", breadcrumbs ("Pages / Platform / CDN Edge", "Home › Compliance › Retention",
# "< Identity Service"). Never the page's title.
WIKI_CHROME_RE = re.compile(
    r"""^(?:sharepoint|confluence|notion|search\sthis\ssite|edit|share|follow|add\snew\sitem|page\sinformation
      | jump\sto\s(?:navigation|search|top)
      | skip\sto\s(?:end|start)\sof\smetadata | go\sto\s(?:start|end)\sof\smetadata
      | from\s\S+(?:\s\S+)?\swiki
      | (?:created|last\smodified|last\sedited|last\supdated)\sby\s.*
      | <\s.*
      | [^/›»>]{1,40}(?:\s[/›»>]\s[^/›»>]{1,40}){2,}
      | [^|]{1,40}(?:\s\|\s[^|]{1,40}){2,}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


def page_title(lines: Sequence[str]) -> str | None:
    """The page's title: `doc_meta.title` of the text without its chrome; but when that line
    does not say what the page is and a short line below it does ("Finance Engineering", then
    "Payouts Service Risk Log"), that line."""
    text = _without_chrome(lines)
    title = doc_meta.title(text)
    if title is None or TITLE_WORDS_RE.search(title):
        return title
    after = [s for line in text.split("\n")[:40] if (s := line.strip())]
    start = next((k for k, s in enumerate(after) if squash(s) == title), len(after))
    for stripped in after[start + 1 : start + 1 + TITLE_LOOKAHEAD]:
        if len(stripped) > 80 or doc_meta.META_KEY_RE.match(stripped) or NUMBERED_HEADING_RE.match(stripped):
            continue
        if TITLE_WORDS_RE.search(stripped) and not header_like(stripped, DEFAULT_SYNONYMS):
            return doc_meta.section_name(stripped)
    return title


def _without_chrome(lines: Sequence[str]) -> str:
    """The text with the wiki chrome lines a scraper keeps above the title blanked, so that
    the title is the page's own ("Jump to navigation" and breadcrumbs are not)."""
    out = list(lines[:60])
    for k, line in enumerate(out):
        if WIKI_CHROME_RE.match(line.strip()):
            out[k] = ""
    return "\n".join([*out, *lines[60:]])


def section_before(lines: Sequence[str], header: int, title: str | None) -> str | None:
    """The heading a table sits under: the nearest standalone short line above its header
    ("2. Register"), the document's own title excluded."""
    for k in range(header - 1, max(-1, header - 40), -1):
        text = lines[k].strip()
        if not text:
            continue
        standalone = (k == 0 or not lines[k - 1].strip()) and (k + 1 >= len(lines) or not lines[k + 1].strip())
        if not standalone or len(text) > 80 or text[-1] in ".:;,":
            continue
        if doc_meta.CHROME_LINE_RE.search(text) or doc_meta.META_KEY_RE.match(text) or WIKI_CHROME_RE.match(text):
            continue
        if title and doc_meta.section_name(text) == title:
            return None
        return doc_meta.section_name(text.lstrip("#").strip())
    return None


__all__ = ["PAGE_BUTTON_RE", "TITLE_WORDS_RE", "WIKI_CHROME_RE", "page_title", "section_before"]
