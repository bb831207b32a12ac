"""HTML elements for the HTML front end: what an element is, before anyone reads its text.

A task box (a checkbox input, `aria-checked`/`data-checked`, Notion's checkbox div, a list item
that states its own), hidden, page chrome (navigation, site header and footer, landmarks, cookie
banners, breadcrumbs), a "chip" beside another, an edit link or permalink, text that keeps its
line breaks, a code block's language, a Confluence storage macro, plain-text body or resource
(`ri:user`); and an element's content as pieces (text nodes and child elements), the unit both
the block walk and the inline text read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from lxml import etree

from parsers.model import Box
from pipeline.textnorm import squash

# Class names of "chips": one value each, laid side by side with nothing between them (Notion's
# people and multi-select values, Confluence mentions, Jira lozenges): two in a row are two items.
CHIP_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:user|mention|select-value|selected-value|status-value|lozenge|tag|chip|badge|pill)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Classes of the links wikis and doc sites put inside headings ("[edit]", "¶", "#") and of
# "skip to navigation" links: never text.
CHROME_CLASS_RE = re.compile(
    r"(?:^|\s)(?:mw-editsection|editsection|headerlink|hash-link|anchorjs-link|header-anchor|anchor-link"
    r"|mw-jump-link|skip-link)(?:$|\s)"
)
# Styles that hide an element (Word hides its own bookkeeping with mso-hide).
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.IGNORECASE)
# A style that keeps line breaks of the text (Notion writes its blocks with pre-wrap).
PRE_STYLE_RE = re.compile(r"white-space\s*:\s*pre", re.IGNORECASE)
# Word's list marker ("·", "1.") in a "Save as HTML" list paragraph: the front end reads it apart.
MSO_IGNORE_RE = re.compile(r"mso-list\s*:\s*ignore", re.IGNORECASE)
# Notion's to-do box: <div class="checkbox checkbox-on">.
CHECKBOX_CLASS_RE = re.compile(r"(?:^|\s)checkbox-(?P<state>on|off)(?:$|\s)")

# Elements whose content is never text: scripts, styles, widgets, Confluence macro parameters,
# template placeholders and task bookkeeping, embedded images.
SKIP_TAGS = frozenset(
    {
        *("script", "style", "noscript", "template", "iframe", "svg", "math", "object", "head", "title"),
        *("select", "button", "textarea", "datalist"),
        *("ac:parameter", "ac:placeholder", "ac:task-id", "ac:task-uuid", "ac:task-status", "ac:image"),
    }
)
PRE_TAGS = frozenset({"pre", "listing", "xmp", "plaintext"})
# Confluence storage: macros, the bodies that hold plain text as CDATA (libxml2 reads a CDATA
# section in HTML as a comment "[CDATA[...]]"), and the attributes a resource element shows.
MACRO_TAGS = frozenset({"ac:structured-macro", "ac:macro"})
PLAIN_BODY_TAGS = frozenset({"ac:plain-text-body", "ac:plain-text-link-body"})
LINK_BODY_TAGS = frozenset({"ac:link-body", "ac:plain-text-link-body"})
# A user's opaque ids (`ri:account-id="557058:..."`, `ri:userkey="8a7f..."`) are not among them:
# the page shows the user's name, which storage format does not hold, so a mention with no link
# body of its own shows nothing rather than an id in a check's title or an owner cell.
RESOURCE_ATTRS = ("ri:username", "ri:content-title", "ri:filename", "ri:space-key")
# Confluence emoticons (storage `ac:emoticon ac:name`, rendered `data-emoticon-name`) that say something.
EMOTICONS: Mapping[str, str] = {
    "tick": "✅",
    "cross": "❌",
    "warning": "⚠",
    "question": "❓",
    "information": "ℹ",
    "plus": "➕",
    "minus": "➖",
    "thumbs-up": "👍",
    "thumbs-down": "👎",
    "yellow-star": "⭐",
}
# The text of a permalink anchor in a heading.
PERMALINK_TEXTS = frozenset({"", "#", "¶", "§", "🔗", "⚓"})
# aria-checked / data-checked values.
CHECKED_VALUES: Mapping[str, Box] = {"true": "ticked", "false": "unticked", "mixed": "unknown"}
# A code block's language: `class="language-sql"`, `lang-sql`, SyntaxHighlighter's "brush: sql".
LANG_RE = re.compile(r"(?:^|\s)(?:language|lang)-(?P<lang>[\w+#.-]+)|brush:\s*(?P<brush>[\w+#.-]+)")
# Ids and classes of cookie and consent banners, breadcrumbs and tables of contents: chrome.
CHROME_BOX_RE = re.compile(
    r"cookie|consent|gdpr|onetrust|cc-banner|cc-window|breadcrumb|printfooter|catlinks|(?:^|[\s_-])toc(?:$|[\s_-])"
)

# The site's header and footer: chrome unless they belong to the content (inside main/article).
SITE_TAGS = frozenset({"header", "footer"})
CONTENT_TAGS = frozenset({"main", "article"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})


class TextNode(NamedTuple):
    """A text node: the text of `anchor` (tail False) or the text right after it (tail True)."""

    text: str
    anchor: etree._Element
    tail: bool


Piece = etree._Element | TextNode


def content(el: etree._Element) -> list[Piece]:
    """An element's content as pieces: its text, then each child and the text after it."""
    pieces: list[Piece] = [TextNode(el.text, el, False)] if el.text else []
    for child in el:
        pieces.append(child)
        if child.tail:
            pieces.append(TextNode(child.tail, child, True))
    return pieces


def checkbox(el: etree._Element) -> Box | None:
    """The state of an element that is a task box (None if it is not one): a checkbox input
    (`disabled` does not matter), `aria-checked`/`data-checked`, Notion's checkbox-on/off div.

    >>> box = lambda s: checkbox(etree.fromstring(s, etree.HTMLParser()).find("body")[0])
    >>> box('<input type="checkbox" checked disabled>'), box('<input type=checkbox>'), box('<input type=text>')
    ('ticked', 'unticked', None)
    >>> box('<span role="checkbox" aria-checked="mixed"></span>'), box('<div class="checkbox checkbox-on"></div>')
    ('unknown', 'ticked')
    """
    if el.tag == "input":
        if (el.get("type") or "").strip().lower() != "checkbox":
            return None
        return "ticked" if el.get("checked") is not None else "unticked"
    for attr in ("aria-checked", "data-checked"):
        value = el.get(attr)
        if value is not None:
            return CHECKED_VALUES.get(value.strip().lower(), "unknown")
    cls = el.get("class")
    if cls and "checkbox-" in cls and (m := CHECKBOX_CLASS_RE.search(cls)):
        return "ticked" if m["state"] == "on" else "unticked"
    return None


def hidden(el: etree._Element) -> bool:
    """Whether a browser shows nothing of the element."""
    style = el.get("style")
    return el.get("hidden") is not None or (style is not None and HIDDEN_STYLE_RE.search(style) is not None)


def keeps_breaks(el: etree._Element) -> bool:
    """Whether the element shows its text's line breaks (<pre>, `white-space: pre-wrap`)."""
    return el.tag in PRE_TAGS or PRE_STYLE_RE.search(el.get("style") or "") is not None


def plain_body(el: etree._Element) -> str:
    """The text of a Confluence plain-text body: its CDATA section (read as a comment) and text."""
    parts = [el.text or ""]
    for child in el:
        if not isinstance(child.tag, str) and (child.text or "").startswith("[CDATA["):
            body = child.text[len("[CDATA[") :]
            parts.append(body[:-2] if body.endswith("]]") else body)
        elif isinstance(child.tag, str):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def macro_parameter(el: etree._Element, name: str) -> str:
    """The value of a Confluence macro's parameter (`<ac:parameter ac:name="title">`)."""
    for child in el:
        if child.tag == "ac:parameter" and (child.get("ac:name") or "").lower() == name:
            return squash("".join(child.itertext()))
    return ""


def macro_body(el: etree._Element) -> etree._Element | None:
    """A Confluence macro's body (rich or plain text), if it has one."""
    return next((c for c in el if c.tag in ("ac:rich-text-body", "ac:plain-text-body")), None)


def follows_chip(el: etree._Element) -> bool:
    """Whether the element comes right after a chip of its kind, nothing but spaces between."""
    prev = el.getprevious()
    return (
        prev is not None
        and prev.tag == el.tag
        and not (prev.tail or "").strip()
        and CHIP_CLASS_RE.search(prev.get("class") or "") is not None
    )


def permalink(el: etree._Element) -> bool:
    """A heading's permalink anchor: a link to "#..." showing only "#", "¶", "§" or an icon."""
    return (el.get("href") or "").startswith("#") and squash("".join(el.itertext())) in PERMALINK_TEXTS


def image_text(el: etree._Element) -> str:
    """What an image says: an emoticon's glyph, else its alt text."""
    name = el.get("data-emoticon-name") or el.get("ac:name") or ""
    fallback = el.get("ac:emoji-fallback") or ""
    if fallback and not fallback.startswith(":"):
        return f" {fallback} "
    if name in EMOTICONS:
        return f" {EMOTICONS[name]} "
    alt = el.get("alt") or el.get("ac:alt")
    return f" {alt} " if alt else ""


def resource_text(el: etree._Element) -> str:
    """What a Confluence resource (`ri:user`, `ri:page`) shows: its text, else its name (a user
    name, a page title, a file name), never an opaque user id; nothing when the link around it
    has a body of its own (`<ac:plain-text-link-body>Priya N.</...>`: the name shown).

    >>> shown = lambda s: resource_text(etree.fromstring(f"<p>{s}</p>", etree.HTMLParser()).find(".//p")[0])
    >>> shown('<ri:user ri:username="jdoe"/>'), shown('<ri:user ri:account-id="557058:ab12"/>')
    ('jdoe', '')
    >>> shown('<ri:user ri:userkey="8a7f808a"/>'), shown('<ri:page ri:content-title="Escalation policy"/>')
    ('', 'Escalation policy')
    """
    parent = el.getparent()
    if parent is not None and parent.tag == "ac:link" and any(c.tag in LINK_BODY_TAGS for c in parent):
        return ""
    text = "".join(el.itertext())
    if text.strip():
        return text
    return next((v for a in RESOURCE_ATTRS if (v := el.get(a))), "")


def is_chrome(el: etree._Element, tag: str, role: str, in_content: bool) -> bool:
    """Site navigation, the site's header and footer (not an article's), landmarks with a
    navigation or banner role, cookie banners, breadcrumbs, tables of contents."""
    if tag == "nav" or (tag in SITE_TAGS and not in_content):
        return True
    if role in CHROME_ROLES and tag not in ("html", "body", "main"):
        return True
    names = f"{el.get('id') or ''} {el.get('class') or ''} {el.get('aria-label') or ''}".lower()
    return len(names) > 2 and CHROME_BOX_RE.search(names) is not None


def item_box(el: etree._Element) -> Box | None:
    """A box the item element states itself: `aria-checked`/`data-checked`, Atlassian's task
    state, Confluence's rendered task list (`<ul class="inline-task-list"><li class="checked">`)."""
    box = checkbox(el)
    if box is not None:
        return box
    state = (el.get("data-task-state") or "").strip().upper()
    if state:
        return "ticked" if state == "DONE" else "unticked"
    parent = el.getparent()
    if parent is not None and "inline-task-list" in (parent.get("class") or ""):
        return "ticked" if "checked" in (el.get("class") or "").split() else "unticked"
    return None


def code_lang(el: etree._Element) -> str:
    """The language a <pre> (or the <code> in it) names in its class or data-lang."""
    for node in (el, next(iter(el), None)):
        if node is None or not isinstance(node.tag, str):
            continue
        if node.get("data-lang"):
            return node.get("data-lang") or ""
        names = f"{node.get('class') or ''} {node.get('data-syntaxhighlighter-params') or ''}"
        if m := LANG_RE.search(names):
            return m["lang"] or m["brush"]
    return ""


def int_attribute(value: str | None, default: int) -> int:
    """An integer attribute (`start`, `value`), or the default when it is not one."""
    value = (value or "").strip()
    return int(value[:9]) if value.isdigit() else default
