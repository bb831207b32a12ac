"""Scraped text: inline code spans that broke lines and lost the spaces around them.

A page saved as text (a scraper, a copy from the browser) puts each inline code span on a new
line and drops the spaces around it: "`security-reviewer` agent run" comes out as
"security-revieweragent run" at the start of a line, and a second span on that line is glued on
both sides ("forops.operator_health_logpartitions"). These pure functions put the spaces back
where the word boundary is certain (a known word, from a small list of words that follow code
in checklists plus the document's own words) and leave the text as it is when unsure. They only
ever insert spaces, never change or drop a character. Used by `parsers.checklist_scraped`.
"""

from __future__ import annotations

import re

# Code-span markers inside a token: "pg_partman", "ops.operator", "/health/ready", "a::b".
STRONG_CODE_RE = re.compile(r"[A-Za-z0-9][_./][A-Za-z0-9*]|^[/.]|::")
# A token, split into opening punctuation, the word itself and closing punctuation.
TOKEN_PARTS_RE = re.compile(r"^(?P<lead>[(\[\"'“‘]*)(?P<core>.*?)(?P<trail>[.,;:!?)\]\"'”’]*)\Z", re.DOTALL)
# A comma glued to the code span after it: "/metrics,/health/live" (never "1,000").
GLUED_COMMA_RE = re.compile(r",(?=[/_.A-Za-z])")
# The letters a token ends with, where a glued word after a code span would be.
TAIL_LETTERS_RE = re.compile(r"[A-Za-z]+\Z")
# The lower-case letters a code token starts with, before its first code marker ("forops." -> "forops").
HEAD_LETTERS_RE = re.compile(r"^[a-z]+(?=[._/])")
# Purely alphabetic words, the document's own vocabulary for word-boundary decisions.
WORD_RE = re.compile(r"^[A-Za-z]{2,}\Z")

# Words that commonly sit right after (or before) an inline code span in a checklist item. With
# the document's own words they decide where a glued "revieweragent" splits ("reviewer agent").
# Words that are also common word endings ("ion", "ment", "able") are left out on purpose.
GLUE_WORDS: frozenset[str] = frozenset(
    """
a an the and or of to in on for from with by at as is are be was were been not no into via per than then
when if only always never must should can up down out off set run runs ran running key keys field fields
column columns table tables flag flags header headers endpoint endpoints command commands file files job
jobs value values variable variables config configs setting settings mode check checks test tests suite
script scripts hook hooks policy policies role roles scope scopes secret secrets token tokens queue queues
topic topics index indexes partition partitions schema schemas bucket buckets namespace namespaces service
services call calls method methods function functions module modules package packages image images
container containers pod pods cluster clusters node nodes route routes path paths parameter parameters
param params option options rule rules alert alerts metric metrics dashboard dashboards log logs event
events payload payloads response responses request requests target targets task tasks step steps stage
stages build builds branch branches tag tags release releases version versions migration migrations
directory folder user users group groups account accounts permission permissions access state status type
types class classes object objects property properties attribute attributes entry entries record records
row rows item items list lists lock locks cron timer timeout timeouts retries limit limits quota quotas
sidecar operator operators controller controllers worker workers handler handlers middleware plugin
plugins extension extensions library libraries dependency dependencies present absent missing returned
green ready live configured enabled disabled deployed installed applied passes pass passed fails failed
returns exists created updated removed added used called agent agents reviewer enforced validated
verified tested checked blocked allowed denied rotated pinned committed merged documented linked wired
executed scheduled clean respected honoured honored emitted exported imported set reads writes read write
binary binaries endpoint env environment variable
""".split()
)  # a word list reads better as text
# Short words that a code token may have swallowed at its start ("forops.operator_health_log").
PREFIX_WORDS: tuple[str, ...] = (
    "from",
    "into",
    "with",
    "for",
    "via",
    "per",
    "the",
    "and",
    "in",
    "on",
    "to",
    "of",
    "at",
    "by",
)


def known_words(lines: list[str]) -> frozenset[str]:
    """GLUE_WORDS plus the document's own words (never a line's first token, where glued words sit).

    >>> words = known_words(["- Password never logged.", "passwordkey in GET"])
    >>> "password" in words, "passwordkey" in words, "get" in words
    (True, False, True)
    """
    words = set(GLUE_WORDS)
    for line in lines:
        for token in line.split()[1:]:
            core = token.strip(".,;:!?()[]\"'“”‘’*`")
            if WORD_RE.match(core):
                words.add(core.lower())
    return frozenset(words)


def restore_code_spaces(line: str, known: frozenset[str]) -> str:
    """A continuation line with the spaces its former code spans lost put back where certain.

    The line's first token is where a code span started (the scraper broke the line there);
    later tokens are touched only when they look like code (`pg_partman`, `/health/ready`).
    >>> words = GLUE_WORDS | {"password", "configured"}
    >>> restore_code_spaces("security-revieweragent run, zero critical/high.", words)
    'security-reviewer agent run, zero critical/high.'
    >>> restore_code_spaces("passwordkey in GET responses).", words)
    'password key in GET responses).'
    >>> restore_code_spaces("/metrics,/health/live,/health/readyup.", words)
    '/metrics, /health/live, /health/ready up.'
    >>> restore_code_spaces("pg_partmanconfigured forops.operator_health_logpartitions.", words)
    'pg_partman configured for ops.operator_health_log partitions.'
    >>> restore_code_spaces("Terraform state locked, see docs/runbook.md", words)
    'Terraform state locked, see docs/runbook.md'
    """
    tokens = line.split(" ")
    out = []
    for k, token in enumerate(tokens):
        if k == 0 or STRONG_CODE_RE.search(token):
            token = _unglue(token, known, line_start=k == 0)
        out.append(token)
    return " ".join(out)


def _unglue(token: str, known: frozenset[str], *, line_start: bool) -> str:
    """One token with the spaces around a former code span restored, or unchanged when unsure.

    >>> _unglue("forops.operator_health_logpartitions.", GLUE_WORDS, line_start=False)
    'for ops.operator_health_log partitions.'
    >>> _unglue("format_date", GLUE_WORDS, line_start=False), _unglue("Terraform.", GLUE_WORDS, line_start=True)
    ('format_date', 'Terraform.')
    """
    parts = TOKEN_PARTS_RE.match(token)
    if not parts or not parts["core"] or "://" in token:
        return token
    core = parts["core"]
    strong = STRONG_CODE_RE.search(core) is not None
    # "/metrics,/health/live": a comma the scraper glued to the next code span.
    pieces = GLUED_COMMA_RE.split(core) if strong else [core]
    fixed = []
    for piece in pieces:
        piece, split = _split_suffix(piece, known, line_start=line_start)
        if split and STRONG_CODE_RE.search(piece.split(" ")[0]):
            piece = _split_prefix(piece, known)
        fixed.append(piece)
    return parts["lead"] + ", ".join(fixed) + parts["trail"]


def _split_suffix(piece: str, known: frozenset[str], *, line_start: bool) -> tuple[str, bool]:
    """Split a known word glued to the end of a code token: "readyup" -> "ready up"."""
    m = TAIL_LETTERS_RE.search(piece)
    if not m:
        return piece, False
    seg, head = m.group(), piece[: m.start()]
    strong = STRONG_CODE_RE.search(piece) is not None
    marked = strong or "-" in head
    if seg.lower() in known or not (strong or line_start):
        return piece, False
    for cut in range(3, len(seg) - 1):
        rest, word = seg[:cut], seg[cut:]
        if len(word) < (2 if strong else 3):
            break
        if word.islower() and word in known and (marked or rest.lower() in known):
            return f"{head}{rest} {word}", True
    return piece, False


def _split_prefix(piece: str, known: frozenset[str]) -> str:
    """Split a short word glued to the start of a code token: "forops.x" -> "for ops.x"."""
    m = HEAD_LETTERS_RE.match(piece)
    if not m or m.group() in known:
        return piece
    lead = m.group()
    for word in PREFIX_WORDS:
        if lead.startswith(word) and len(lead) - len(word) >= 2:
            return f"{word} {piece[len(word) :]}"
    return piece
