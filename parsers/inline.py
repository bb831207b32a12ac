"""Inline text of the block tree: the canonical markup (`parsers.model`) and the text a reader sees.

Front ends write `marked` text with `escape` and the markers `**`, `*`, `~~` and backticks;
recognisers turn any piece of it back into reader's text with `plain`, with no parser in the
loop: canonical markup is simple enough that one linear pass undoes it. `break_items` reads the
line breaks of a table cell as a person does (`SRE<br>Data Platform` is two owners; `Index
rebuild<br>blocks queries` is one sentence).
"""

from __future__ import annotations

import re

from pipeline.textnorm import squash

# What `escape` protects: characters that are markup in canonical marked text, each with a
# backslash before it (a translation table: one pass, however many there are; a regex
# substitution costs a template expansion per character).
ESCAPES = str.maketrans({c: "\\" + c for c in "\\*`~"})
# One piece of canonical marked text: an escaped character, a code span (a run of backticks,
# the shortest text, the same run), or a run of emphasis stars. Code spans are always closed in
# canonical text (front ends write them), so the lazy body never scans to the end and back.
MARKUP_RE = re.compile(r"\\(?P<escaped>[\\*`~])|(?P<ticks>`+)(?P<code>.*?)(?P=ticks)|\*+", re.DOTALL)
# Runs of spaces and tabs inside a line (line breaks are kept: they part a paragraph's lines).
SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# Characters that already end an item: a break after one needs no "; " of its own.
ITEM_END_CHARS = frozenset(".;:,!?+/&|-–—")


def escape(text: str) -> str:
    r"""Literal text as canonical marked text: markup characters escaped.

    >>> escape("a*b `c` ~d \\ e_f")
    'a\\*b \\`c\\` \\~d \\\\ e_f'
    """
    return text.translate(ESCAPES) if ("*" in text or "`" in text or "~" in text or "\\" in text) else text


def code(text: str) -> str:
    """A code span in canonical marked text: backticks one more than the longest run inside.

    >>> code("a|b"), code("x ` y")
    ('`a|b`', '``x ` y``')
    """
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    return f"{ticks}{text}{ticks}"


def plain(marked: str) -> str:
    r"""Reader's text of canonical marked text: emphasis markers and code backticks gone,
    escapes undone, struck text kept as `~~x~~`, spaces squashed in each line, line breaks kept.

    >>> plain("**Likelihood:**  High \\* 2 `a*b` ~~Open~~")
    'Likelihood: High * 2 a*b ~~Open~~'
    >>> plain("  one\n  two  ")
    'one\ntwo'
    """
    if "*" in marked or "`" in marked or "\\" in marked:
        marked = MARKUP_RE.sub(_unmark, marked)
    if "\n" not in marked:
        return SPACES_RE.sub(" ", marked).strip()
    return "\n".join(s for line in marked.split("\n") if (s := SPACES_RE.sub(" ", line).strip()))


def _unmark(match: re.Match[str]) -> str:
    if match["escaped"] is not None:
        return match["escaped"]
    if match["ticks"] is not None:
        return match["code"]
    return ""


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
