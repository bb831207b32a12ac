"""Risk headings as text: the id, title, stated severity and check mark of a heading, and what
its words say it is.

A heading gives an id and a title (`R001: Title`, `RISK-12 — Title`, `R-01 · Title`, `[R7]
Title`, `Risk 3 - Title`, `Title (R-07)`, `Hazard: Title`; plain numbering is not an id), maybe
a severity (`High: Title`, `Title (🔴 HIGH)`) and maybe a check mark (`GL-004: SSL ❌ 🔴`: a
go-live item, the dot after the mark is its priority). Its words say whether it names a part of
the document ("Executive Summary", "Risk Severity Matrix"), a group of risks ("Open", "Top
risks", "Risk log"), a place where risks are named ("Threats"), or a stage of one risk's rating
("Inherent risk", "After mitigation").

Every word is the lexicon's (`[words]` lists named below); only punctuation and the shape of
ids are written here. Patterns built from the lexicon are built once per lexicon
(`Lexicon.cached`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from parsers.lexicon import Lexicon
from parsers.recognise.common import Context
from parsers.recognise.marks import CROSS_MARKS, TICK_MARKS
from pipeline.textnorm import fold, squash

Phase = Literal["before", "after"]

# The id or numbering in front of a risk heading's title, then the title. `{named}` is the
# lexicon's `numbered_headings` ("Risk 3 - Title"). A full-width colon ("R-02：Title", as
# Japanese and Chinese write it, no space after) sets the id off as an ASCII one does.
HEADING_ID_TEMPLATE = r"""
    ^(?:
        \[(?P<bracket>[^\W\d_][\w.-]{{0,22}})\]\s*[:：.|·–—-]?\s*                        # "[R7] Title"
      | (?P<named>(?:{named})\s*[#№]?\s*\d{{1,4}}[a-z]?)\b\s*[:：.|)·–—-]?\s*              # "Risk 3 - Title"
      | (?P<id>[^\W\d_][^\W_]*(?:[-_.][^\W_]+)*)                                       # "R001", "RISK-12"
        (?:\s*[:：|)·]|\s+[–—-]|[–—])\s*                                              # ... then ": " or " — "
      | (?P<number>\#?\d{{1,3}}(?:\.\d{{1,3}})*[.)]?)\s+                               # "1. Title", "#4 Title"
    )
    (?P<title>.*)$
"""
# An id followed by the title with only a space between: "R-03 Redis eviction", "RISK-7 DNS",
# "LPS-R3 Carrier format". Stricter than the id above (capitals, then a separator or two digits,
# or a prefix before the letters), as "S3 bucket" and "EC2 quota" are titles.
SPACED_ID_RE = re.compile(
    r"^(?P<id>(?:[A-Z]{1,5}[-_.])*[A-Z]{1,5}(?:[-_.]\d{1,4}|\d{2,4})|(?:[A-Z]{1,5}[-_.])+[A-Z]{1,5}\d)"
    r"\s+(?P<title>[^\W\d_].*)$"
)
# An id in brackets at the end of a heading: "Certificate expiry (R-07)", "DNS expiry [RISK-12]".
# Same shape as SPACED_ID_RE's id, so "(Q2)", "(v2)" and "(P1)" are not ids.
TRAILING_ID_RE = re.compile(
    r"^(?P<title>.*?\S)\s*[(\[]\s*(?P<id>(?:[A-Z]{1,5}[-_.])*[A-Z]{1,5}(?:[-_.]\d{1,4}|\d{2,4}))\s*[)\]]$"
)
# An id has a digit: "R001" is an id, "Database:" is a title with a colon.
HAS_DIGIT_RE = re.compile(r"\d")
# A severity stated in front of a heading's title: "High: Vault sealed", "[CRITICAL] DNS".
# `{rating}` is the lexicon's `heading_ratings`, `{noun}` its `heading_rating_nouns`.
LEADING_RATING_TEMPLATE = r"""
    ^(?:\[\s*(?P<bracketed>{rating})\s*\]\s*[:–—|-]?\s*
       | (?P<leading>(?:{rating})(?:\s+(?:{noun}))?)(?:\s*[:：]\s*|\s+[–—|-]\s+))
     (?P<title>[^\W_].*)$
"""
# A severity in brackets closing a heading, matched from its last opening bracket (no `^`: a
# match at a position anchors there): "Vault sealed (🔴 HIGH)".
TRAILING_RATING_TEMPLATE = r"[(\[]\s*(?P<trailing>[^\w\s()\[\]]*\s*(?:{rating})(?:\s+(?:{noun}))?)\s*[)\]]$"
# A word character: the rest of a heading before a trailing severity must hold one.
WORD_RE = re.compile(r"\w")
# Coloured dots that mark a priority after an item's check mark ("GL-004: SSL ❌ 🔴").
PRIORITY_DOTS = frozenset("🔴🟠🟡🟢🔵🟣⚪⚫🟤")
# Check marks that end a go-live or checklist heading: ticked or not.
HEADING_TICKS = frozenset(TICK_MARKS - PRIORITY_DOTS)
HEADING_CROSSES = frozenset(CROSS_MARKS - PRIORITY_DOTS - {"☐", "⬜", "🔲"})
# Decoration left between a heading's words and its marks.
MARK_TRIM = " \t\ufe0f:—–-"


def alternation(words: Iterable[str], space: str = r"\s+") -> str:
    """A regex alternation of words, longest first, spaces matching `space`; never empty.

    >>> alternation(["sev 1", "high"], r"\\s?")
    'sev\\\\s?1|high'
    """
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", space) for w in ordered) or r"(?!x)x"


def _heading_id_re(lexicon: Lexicon) -> re.Pattern[str]:
    named = alternation(lexicon.words.get("numbered_headings", ()))
    return re.compile(HEADING_ID_TEMPLATE.format(named=named), re.VERBOSE | re.IGNORECASE)


def _prefix_re(lexicon: Lexicon) -> re.Pattern[str]:
    """ "Risk: Vault outage" as a heading: the word says what the section is, the rest is the
    title (a letter must follow, so "RISK-12" stays an id)."""
    words = alternation(lexicon.words.get("heading_prefixes", ()))
    return re.compile(rf"^(?:{words})\s*[:：–—-]\s*(?=[^\W\d_])", re.IGNORECASE)


def _rating_res(lexicon: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
    ratings = tuple(lexicon.words.get("heading_ratings", ()))
    rating = alternation(ratings, r"\s?")
    # "(Info)" closes a pentest finding's heading; "Info:" in front of one names a part of the page.
    trailing_rating = alternation(ratings + tuple(lexicon.words.get("heading_trailing_ratings", ())), r"\s?")
    noun = alternation(lexicon.words.get("heading_rating_nouns", ()))
    return (
        re.compile(LEADING_RATING_TEMPLATE.format(rating=rating, noun=noun), re.VERBOSE | re.IGNORECASE),
        re.compile(TRAILING_RATING_TEMPLATE.format(rating=trailing_rating, noun=noun), re.IGNORECASE),
    )


def heading_parts(heading: str, ctx: Context) -> tuple[str | None, str | None]:
    """(entry id, title) of a risk heading; numbering is dropped and is not an id.

    >>> parts = lambda heading: heading_parts(heading, Context("x.md", "markdown"))
    >>> parts("R001: Database Connection Exhaustion"), parts("RISK-12 — Vault outage")
    (('R001', 'Database Connection Exhaustion'), ('RISK-12', 'Vault outage'))
    >>> parts("Risk 3 - Cache stampede"), parts("1. Cold Start"), parts("Chaos Tests")
    (('Risk 3', 'Cache stampede'), (None, 'Cold Start'), (None, 'Chaos Tests'))
    >>> parts("Database: failover"), parts("[R7] DNS"), parts("R-OPS-01")
    ((None, 'Database: failover'), ('R7', 'DNS'), ('R-OPS-01', None))
    >>> parts("Risk: Vault sealed"), parts("Risk Register"), parts("Hazard: Chlorine")
    ((None, 'Vault sealed'), (None, 'Risk Register'), (None, 'Chlorine'))
    >>> parts("R-03 Redis eviction"), parts("S3 bucket exposed"), parts("EC2 quota hit")
    (('R-03', 'Redis eviction'), (None, 'S3 bucket exposed'), (None, 'EC2 quota hit'))
    >>> parts("LPS-R3 Carrier format"), parts("R-01 · Edad eludible")
    (('LPS-R3', 'Carrier format'), ('R-01', 'Edad eludible'))
    >>> parts("R-02：証明書の期限切れ"), parts("Risk 4：Vault"), parts("Risk：Vault sealed")
    (('R-02', '証明書の期限切れ'), ('Risk 4', 'Vault'), (None, 'Vault sealed'))
    >>> parts("3. Certificate expiry (R-07)"), parts("Outage in Q4 (Q4)"), parts("DNS [P1]")
    (('R-07', 'Certificate expiry'), (None, 'Outage in Q4 (Q4)'), (None, 'DNS [P1]'))
    >>> parts("~~R9: Old CVE~~"), parts("~~Old CVE~~"), parts("R9: ~~Old~~ CVE")
    (('~~R9~~', '~~Old CVE~~'), (None, '~~Old CVE~~'), ('R9', '~~Old~~ CVE'))
    """
    if (inner := _struck(heading)) is not None:
        return tuple(f"~~{part}~~" if part else part for part in heading_parts(inner, ctx))  # type: ignore[return-value]
    lexicon = ctx.lexicon
    heading = lexicon.cached("sections:prefix", lambda: _prefix_re(lexicon)).sub("", squash(heading))
    entry_id, title = _leading_id(heading, lexicon.cached("sections:heading-id", lambda: _heading_id_re(lexicon)))
    if entry_id is None and title and (trailing := TRAILING_ID_RE.match(title)):
        return trailing["id"], squash(trailing["title"]).strip(" :-–—|") or None
    return entry_id, title


def _struck(heading: str) -> str | None:
    """The text of a heading struck through as a whole ("~~R9: Old CVE~~"), else None: its id and
    title are read inside the struck span and each kept struck, as struck table cells are.

    >>> _struck("~~R9: Old CVE~~"), _struck("~~R9~~: Old ~~CVE~~"), _struck("R9")
    ('R9: Old CVE', None, None)
    """
    text = heading.strip()
    inner = text[2:-2]
    if len(text) > 4 and text.startswith("~~") and text.endswith("~~") and "~~" not in inner:
        return inner
    return None


def _leading_id(heading: str, heading_id: re.Pattern[str]) -> tuple[str | None, str | None]:
    """(entry id, title) of a heading whose id, if any, comes first."""
    m = heading_id.match(heading)
    if m is None and (spaced := SPACED_ID_RE.match(heading)):
        return spaced["id"], squash(spaced["title"])
    if m is None:
        bare = heading if HAS_DIGIT_RE.search(heading) and " " not in heading and len(heading) <= 24 else None
        if bare and heading_id.match(heading + ": x"):
            return bare, None
        return None, heading or None
    ident = m["bracket"] or m["named"] or m["id"]
    if (m["id"] or m["bracket"]) and not HAS_DIGIT_RE.search(ident):
        return None, heading or None
    title = squash(m["title"]).strip(" :-–—|") or None
    return (squash(ident) if ident else None), title


def heading_rating(title: str | None, ctx: Context) -> tuple[str | None, str | None]:
    """(severity as written, title without it) when a heading states a severity.

    >>> ctx = Context("x.md", "markdown")
    >>> heading_rating("High: Vault sealed", ctx), heading_rating("[CRITICAL] DNS expiry", ctx)
    (('High', 'Vault sealed'), ('CRITICAL', 'DNS expiry'))
    >>> heading_rating("Idempotency Namespace (🔴 CRITICAL)", ctx), heading_rating("Low-hanging fruit", ctx)
    (('🔴 CRITICAL', 'Idempotency Namespace'), (None, 'Low-hanging fruit'))
    >>> heading_rating("LED-SR-05 — Verbose server header (Info)", ctx), heading_rating("Info: contacts", ctx)
    (('Info', 'LED-SR-05 — Verbose server header'), (None, 'Info: contacts'))
    """
    if not title:
        return None, title
    lexicon = ctx.lexicon
    leading, trailing = lexicon.cached("sections:heading-rating", lambda: _rating_res(lexicon))
    if m := leading.match(title):
        return squash(m["bracketed"] or m["leading"]), squash(m["title"])
    bracket = max(title.rfind("("), title.rfind("["))
    rest = title[:bracket]
    if (
        bracket > 0
        and "(" not in rest
        and "[" not in rest
        and WORD_RE.search(rest)
        and (m := trailing.match(title, bracket))
    ):
        return squash(m["trailing"]), squash(rest)
    return None, title


def heading_check(title: str | None) -> tuple[str | None, bool | None]:
    """(title without its marks, whether ticked) when a heading ends with a check mark, maybe
    followed by a priority dot ("Rollback Plan ❌ 🔴"); (title, None) otherwise. A dot alone
    is a severity, not a check mark.

    >>> heading_check("Database Schema ✅ 🔴"), heading_check("SSL Certificate ❌"), heading_check("Vault 🔴")
    (('Database Schema', True), ('SSL Certificate', False), ('Vault 🔴', None))
    """
    if not title:
        return title, None
    rest = title.rstrip(MARK_TRIM)
    if rest and rest[-1] in PRIORITY_DOTS:
        rest = rest[:-1].rstrip(MARK_TRIM)
    if rest and rest[-1] in HEADING_TICKS | HEADING_CROSSES:
        return squash(rest[:-1].rstrip(MARK_TRIM)) or None, rest[-1] in HEADING_TICKS
    return title, None


def _part_re(lexicon: Lexicon) -> re.Pattern[str]:
    openers = alternation(lexicon.phrases("heading_part_openers"))
    whole = alternation(lexicon.phrases("heading_part_whole"))
    endings = alternation(lexicon.phrases("heading_part_endings"))
    return re.compile(rf"^(?:{openers})(?!\w)|^(?:{whole})$|(?<!\w)(?:{endings})\s*$")


def names_a_part(heading: str, ctx: Context) -> bool:
    """A heading naming a part of the document, not a risk, even when it carries a rating.

    >>> part = lambda heading: names_a_part(heading, Context("x.md", "markdown"))
    >>> part("Risk Severity Matrix"), part("Executive Summary"), part("Sign-off")
    (True, True, True)
    >>> part("Residual Risk"), part("Residual risk on the ledger"), part("Vault outage")
    (True, False, False)
    """
    lexicon = ctx.lexicon
    return lexicon.cached("sections:part", lambda: _part_re(lexicon)).search(fold(heading)) is not None


def names_risks(heading: str, ctx: Context) -> bool:
    """A heading saying the sections under it are risks ("Threats", "Open findings", "Risk register").

    >>> names_risks("Open Findings", Context("x.md", "md")), names_risks("Architecture", Context("x.md", "md"))
    (True, False)
    """
    return ctx.lexicon.mentions("risky_headings", heading)


def _container_re(lexicon: Lexicon) -> re.Pattern[str]:
    plurals = alternation(lexicon.phrases("container_plurals"))
    subjects = alternation(lexicon.phrases("container_subjects"))
    kinds = alternation(lexicon.phrases("container_kinds"))
    states = alternation(lexicon.phrases("container_states"))
    joiners = alternation(lexicon.phrases("container_joiners"))
    suffixes = alternation(lexicon.phrases("container_suffixes"))
    return re.compile(
        rf"(?<!\w)(?:{plurals})(?!\w)"
        rf"|(?<!\w)(?:{subjects}) (?:{kinds})$"
        rf"|^(?:\d+ )*(?:{states})(?: \d+)?(?: (?:{joiners}) \w+)?(?: (?:{suffixes}))?$"
    )


def is_container(heading: str, ctx: Context) -> bool:
    """A heading that names a group of risks rather than one: "Open", "Top risks", "Risk log".

    >>> group = lambda heading: is_container(heading, Context("x.md", "markdown"))
    >>> group("Open"), group("2. Top risks"), group("Closed risks"), group("Risk log")
    (True, True, True, True)
    >>> group("Cache stampede"), group("Log retention gaps"), group("Top 10")
    (False, False, True)
    """
    lexicon = ctx.lexicon
    return lexicon.cached("sections:container", lambda: _container_re(lexicon)).search(fold(heading)) is not None


def _phase_re(lexicon: Lexicon) -> re.Pattern[str]:
    phase = alternation((*lexicon.phrases("phase_before"), *lexicon.phrases("phase_after")))
    objects = alternation(lexicon.phrases("phase_objects"))
    nouns = alternation(lexicon.phrases("phase_nouns"))
    return re.compile(
        rf"^(?P<a>{phase})(?: (?:{objects}))?(?: (?:{nouns}))?$|^(?:{nouns}) (?P<b>{phase})(?: (?:{objects}))?$"
    )


def phase_of(title: str, ctx: Context) -> Phase | None:
    """The stage of a risk's rating a title or label names ("Inherent risk", "Before
    mitigation", "Risk after", "Residual"), or None.

    >>> ctx = Context("x.md", "markdown")
    >>> phase_of("Before Mitigation", ctx), phase_of("Residual risk", ctx), phase_of("Risk after", ctx)
    ('before', 'after', 'after')
    >>> phase_of("Pre-mitigation score", ctx), phase_of("Vault sealed", ctx)
    ('before', None)
    """
    lexicon = ctx.lexicon
    m = lexicon.cached("sections:phase", lambda: _phase_re(lexicon)).match(fold(title))
    if m is None:
        return None
    word = m["a"] or m["b"]
    return "after" if word in lexicon.phrases("phase_after") else "before"
