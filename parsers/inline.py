"""Inline text of the block tree: the canonical markup (`parsers.model`) and the text a reader sees.

Front ends write `marked` text with `escape` and the markers `**`, `*`, `~~` and backticks;
recognisers turn any piece of it back into reader's text with `plain`, with no parser in the
loop: canonical markup is simple enough that one linear pass undoes it. `break_items` reads the
line breaks of a table cell as a person does (`SRE<br>Data Platform` is two owners; `Index
rebuild<br>blocks queries` is one sentence).
"""

from __future__ import annotations

import re
from collections import deque

from pipeline.textnorm import squash, visible

# What `escape` protects: characters that are markup in canonical marked text, each with a
# backslash before it (a translation table: one pass, however many there are; a regex
# substitution costs a template expansion per character).
ESCAPES = str.maketrans({c: "\\" + c for c in "\\*`~"})
# One piece of markup in canonical marked text: an escaped character, a run of backticks (a
# code span opens or closes), or a run of emphasis stars. Each alternative is one fixed-shape
# token, so scanning a text for them is linear; code spans are paired by `plain` itself (a
# pattern `(`+)(.*?)\1` tries every shorter run at every backtick: cubic on a run of them).
MARKUP_RE = re.compile(r"\\[\\*`~]|`+|\*+")
# A whole run of backticks (none before it): the runs a code span may close with.
TICK_RUN_RE = re.compile(r"(?<!`)`+")
# Runs of spaces and tabs inside a line (line breaks are kept: they part a paragraph's lines).
SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# A wiki link (Obsidian, Foam, MediaWiki): `[[Priya Nair]]` shows its target, `[[people/priya|Priya
# Nair]]` its label. No syntax's parser here knows it, so it reaches `plain` as written.
WIKILINK_RE = re.compile(r"\[\[([^\[\]|\n]*)(?:\|([^\[\]\n]*))?\]\]")
# Characters that already end an item: a break after one needs no "; " of its own.
ITEM_END_CHARS = frozenset(".;:,!?+/&|-–—")


def escape(text: str) -> str:
    r"""Literal text as canonical marked text: markup characters escaped.

    >>> escape("a*b `c` ~d \\ e_f")
    'a\\*b \\`c\\` \\~d \\\\ e_f'
    """
    return text.translate(ESCAPES) if ("*" in text or "`" in text or "~" in text or "\\" in text) else text


def code(text: str) -> str:
    """A code span in canonical marked text: backticks one more than the longest run inside,
    and a space inside each end when the text starts or ends with a backtick (as CommonMark
    writes it), so that the opening run never runs into the text.

    >>> code("a|b"), code("x ` y"), code("`a`")
    ('`a|b`', '``x ` y``', '`` `a` ``')
    """
    longest = max((len(run) for run in TICK_RUN_RE.findall(text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def plain(marked: str) -> str:
    r"""Reader's text of canonical marked text: emphasis markers and code backticks gone,
    escapes undone, struck text kept as `~~x~~`, spaces squashed in each line, line breaks kept.

    >>> plain("**Likelihood:**  High \\* 2 `a*b` ~~Open~~")
    'Likelihood: High * 2 a*b ~~Open~~'
    >>> plain("  one\n  two  "), plain("`` `a` `` and ```` x ` y ````"), plain("``` unclosed")
    ('one\ntwo', '`a` and x ` y', '``` unclosed')
    >>> plain("Owner: [[Priya Nair]], see [[runbooks/leader election|the runbook]]")
    'Owner: Priya Nair, see the runbook'
    """
    if "*" in marked or "`" in marked or "\\" in marked:
        marked = _unmarked(marked)
    if "[[" in marked:
        marked = WIKILINK_RE.sub(lambda m: m[2] if m[2] is not None else m[1], marked)
    marked = visible(marked)
    if "\n" not in marked:
        return SPACES_RE.sub(" ", marked).strip()
    return "\n".join(s for line in marked.split("\n") if (s := SPACES_RE.sub(" ", line).strip()))


def _unmarked(marked: str) -> str:
    """Marked text with its markup taken out, in one pass: each code span's closing run is looked
    up among the runs of its length after it (each run is passed over once), and a run with no
    closing run stays as written."""
    runs: dict[int, deque[int]] = {}
    for run in TICK_RUN_RE.finditer(marked):
        runs.setdefault(run.end() - run.start(), deque()).append(run.start())
    out: list[str] = []
    pos = 0
    while (m := MARKUP_RE.search(marked, pos)) is not None:
        out.append(marked[pos : m.start()])
        token, pos = m.group(), m.end()
        if token[0] == "\\":
            out.append(token[1])
        elif token[0] == "`":
            close = _closing_run(runs.get(len(token)), pos)
            if close is None:
                out.append(token)
            else:
                out.append(_code_body(marked[pos:close]))
                pos = close + len(token)
    out.append(marked[pos:])
    return "".join(out)


def _closing_run(starts: deque[int] | None, after: int) -> int | None:
    """The first run start at or after `after` (runs before it are dropped: never needed again)."""
    while starts and starts[0] < after:
        starts.popleft()
    return starts[0] if starts else None


def _code_body(body: str) -> str:
    """A code span's text: the space `code` puts inside each end beside a backtick dropped."""
    if len(body) > 2 and body[0] == body[-1] == " " and (body[1] == "`" or body[-2] == "`"):
        return body[1:-1]
    return body


def one_line(text: str) -> str:
    """Text on one line: line breaks read as spaces.

    >>> one_line("Vault\\noutage")
    'Vault outage'
    """
    return squash(text) if "\n" in text else text


def break_items(text: str) -> str:
    """A cell's line breaks as "; " between items, or as a space inside a sentence (before a
    lower-case word) or after text that already ends an item.

    >>> break_items("SRE\\nDBA"), break_items("Outage\\naffects all"), break_items("Security +\\nDBA")
    ('SRE; DBA', 'Outage affects all', 'Security + DBA')
    """
    if "\n" not in text:
        return text
    out = ""
    for part in text.split("\n"):
        part = part.strip()
        if not part:
            continue
        if out:
            out += " " if part[0].islower() or out[-1] in ITEM_END_CHARS else "; "
        out += part
    return out


def in_page_link(url: str | None) -> bool:
    """Whether a link's target is an anchor in the same page (`#engineering`): a list item that is
    nothing but such a link is a table of contents' entry, navigation, never a check or a risk.

    >>> in_page_link("#engineering"), in_page_link("#"), in_page_link("https://x/#a"), in_page_link(None)
    (True, False, False, False)
    """
    return bool(url) and url.startswith("#") and len(url) > 1
