"""Scraped text: what a page saved as text does to a checklist, undone; for the text front end.

A scraper puts every inline code span on a new line and drops the spaces around it, so one item
comes out split over several lines ("- Replay procedure linked from" / "ON_CALL.md.") and the
items after a code span are joined to it with " - " ("consent-linterclean, zero warnings. -
Contract tests green."). `ScrapedItems` reads list lines with that in mind: a line that cannot
start anything (lower case, punctuation, a code token) or that follows an item that cannot end
there carries the item on; text after a " - " that follows the end of a sentence starts a new
item; and the lost spaces around a former code span are put back only where the word boundary
is certain (`restore_code_spaces`: a word the lexicon's `code_glue_words` or the document itself
knows). Nothing is ever dropped or changed: spaces are only inserted.

"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.frontends.linescan import Builder, ItemDraft
from parsers.lexicon import Lexicon
from parsers.model import Box

# Two items a scraper joined on one line: " - " after the end of a sentence (or a check mark).
JOIN_RE = re.compile(r"(?<=[.!?;)\]✅✔☑❌✗])[ \t]+-[ \t]+(?=\S)")
# A line that ends by opening the next item, whose code span went onto the next line: "... . -".
TRAILING_DASH_RE = re.compile(r"(?:(?<=[.!?;)\]✅✔☑❌✗])[ \t]+|^)-$")
# Text that ends a sentence (an item ending so is complete) or a check mark.
TERMINAL_END_RE = re.compile(r"[.!?;)\]✅✔☑✓❌✗✘⚠\ufe0f]$")
# Punctuation an item cannot end on when its sentence goes on.
OPEN_END_CHARS = frozenset(",:(/–—-")
# Characters a line cannot start with when it starts an item or a heading of its own.
CONTINUING_STARTS = frozenset("/_.`)(,;")
# Code-span markers inside a token: "pg_partman", "ops.operator", "/health/ready", "a::b".
STRONG_CODE_RE = re.compile(r"[A-Za-z0-9][_./][A-Za-z0-9*]|^[/.]|::")
# Punctuation that opens and closes a token around the word itself (`token_parts`).
TOKEN_LEAD_CHARS = "([\"'“‘"
TOKEN_TRAIL_CHARS = ".,;:!?)]\"'”’"
# A comma glued to the code span after it: "/metrics,/health/live" (never "1,000").
GLUED_COMMA_RE = re.compile(r",(?=[/_.A-Za-z])")
# The letters a token ends with, where a glued word after a code span would be (tried from the
# first letter of a run only).
TAIL_LETTERS_RE = re.compile(r"(?<![A-Za-z])[A-Za-z]++\Z")
# The lower-case letters a code token starts with, before its first code marker ("forops." -> "forops").
HEAD_LETTERS_RE = re.compile(r"^[a-z]+(?=[._/])")
# Purely alphabetic words, the document's own vocabulary for word-boundary decisions.
WORD_RE = re.compile(r"^[A-Za-z]{2,}\Z")
# Longest token looked at for a lost space (code tokens are short; this keeps the work linear).
MAX_TOKEN = 80
# Longest word looked at at the end of a line.
MAX_WORD = 40
# Characters stripped off a word of the document before it joins the known words.
WORD_PUNCTUATION = ".,;:!?()[]\"'“”‘’*`"


def open_end(text: str, lexicon: Lexicon) -> bool:
    """Whether text stops where its sentence cannot: on a comma, an opening bracket, a dash, or a
    connecting word ("linked from", "absence of").

    >>> lex = Lexicon.default()
    >>> open_end("Replay procedure linked from", lex), open_end("Vault (see", lex), open_end("Done.", lex)
    (True, True, False)
    """
    return bool(text) and (text[-1] in OPEN_END_CHARS or open_word_end(text, lexicon))


def open_word_end(text: str, lexicon: Lexicon) -> bool:
    """Whether text ends on a word that connects it to more (the lexicon's `open_end_words`).

    >>> open_word_end("Plain paragraph that is", Lexicon.default()), open_word_end("Code + Tests", Lexicon.default())
    (True, False)
    """
    k = len(text)
    while k > 0 and len(text) - k < MAX_WORD and text[k - 1].isalpha():
        k -= 1
    word = text[k:]
    return bool(word) and (k == 0 or not text[k - 1].isalnum()) and word.lower() in lexicon.phrases("open_end_words")


def known_words(lines: Sequence[str], lexicon: Lexicon) -> frozenset[str]:
    """The lexicon's `code_glue_words` plus the document's own words (never a line's first token,
    where glued words sit).

    >>> words = known_words(["- Password never logged.", "passwordkey in GET"], Lexicon.default())
    >>> "password" in words, "passwordkey" in words, "get" in words
    (True, False, True)
    """
    words = set(lexicon.phrases("code_glue_words"))
    for line in lines:
        for token in line.split()[1:]:
            core = token.strip(WORD_PUNCTUATION)
            if WORD_RE.match(core):
                words.add(core.lower())
    return frozenset(words)


def restore_code_spaces(line: str, known: frozenset[str], prefixes: Sequence[str]) -> str:
    """A continuation line with the spaces its former code spans lost put back where certain.

    The line's first token is where a code span started (the scraper broke the line there);
    later tokens are touched only when they look like code (`pg_partman`, `/health/ready`).
    >>> lex = Lexicon.default()
    >>> words, prefixes = lex.phrases("code_glue_words") | {"password", "configured"}, prefix_words(lex)
    >>> restore_code_spaces("security-revieweragent run, zero critical/high.", words, prefixes)
    'security-reviewer agent run, zero critical/high.'
    >>> restore_code_spaces("passwordkey in GET responses).", words, prefixes)
    'password key in GET responses).'
    >>> restore_code_spaces("/metrics,/health/live,/health/readyup.", words, prefixes)
    '/metrics, /health/live, /health/ready up.'
    >>> restore_code_spaces("pg_partmanconfigured forops.operator_health_logpartitions.", words, prefixes)
    'pg_partman configured for ops.operator_health_log partitions.'
    >>> restore_code_spaces("Terraform state locked, see docs/runbook.md", words, prefixes)
    'Terraform state locked, see docs/runbook.md'
    """
    tokens = line.split(" ")
    out = []
    for k, token in enumerate(tokens):
        if len(token) <= MAX_TOKEN and (k == 0 or STRONG_CODE_RE.search(token)):
            token = _unglue(token, known, prefixes, line_start=k == 0)
        out.append(token)
    return " ".join(out)


def prefix_words(lexicon: Lexicon) -> tuple[str, ...]:
    """The lexicon's `code_prefix_words`, longest first ("into" is tried before "in")."""
    return tuple(sorted(lexicon.phrases("code_prefix_words"), key=lambda w: (-len(w), w)))


def _unglue(token: str, known: frozenset[str], prefixes: Sequence[str], *, line_start: bool) -> str:
    """One token with the spaces around a former code span restored, or unchanged when unsure."""
    lead, core, trail = token_parts(token)
    if not core or "://" in token:
        return token
    strong = STRONG_CODE_RE.search(core) is not None
    # "/metrics,/health/live": a comma the scraper glued to the next code span.
    pieces = GLUED_COMMA_RE.split(core) if strong else [core]
    fixed = []
    for piece in pieces:
        piece, split = _split_suffix(piece, known, line_start=line_start)
        if split and STRONG_CODE_RE.search(piece.split(" ")[0]):
            piece = _split_prefix(piece, known, prefixes)
        fixed.append(piece)
    return lead + ", ".join(fixed) + trail


def token_parts(token: str) -> tuple[str, str, str]:
    """A token split into opening punctuation, the word itself and closing punctuation (by
    stripping from each end: a pattern with a lazy middle retries the end at every character).

    >>> token_parts('("pg_partman"),'), token_parts("..."), token_parts("x")
    (('("', 'pg_partman', '"),'), ('', '', '...'), ('', 'x', ''))
    """
    after = token.lstrip(TOKEN_LEAD_CHARS)
    core = after.rstrip(TOKEN_TRAIL_CHARS)
    return token[: len(token) - len(after)], core, after[len(core) :]


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


def _split_prefix(piece: str, known: frozenset[str], prefixes: Sequence[str]) -> str:
    """Split a short word glued to the start of a code token: "forops.x" -> "for ops.x"."""
    m = HEAD_LETTERS_RE.match(piece)
    if not m or m.group() in known:
        return piece
    lead = m.group()
    for word in prefixes:
        if lead.startswith(word) and len(lead) - len(word) >= 2:
            return f"{word} {piece[len(word) :]}"
    return piece


def join_text(before: str, after: str) -> str:
    """Two pieces of one item's text, with a space unless the first opens a bracket.

    >>> join_text("absence of", "password key"), join_text("(see", "x)"), join_text("", "x")
    ('absence of password key', '(see x)', 'x')
    """
    if not before:
        return after
    if before.endswith(("(", "[", "“", "‘", "/")):
        return before + after
    return f"{before} {after}"


class ScrapedItems:
    """The list items of a text document as its lines are read, scraper damage undone.

    Items go into the `Builder`; their `marked` text is filled in by the caller once read."""

    def __init__(self, builder: Builder, lines: Sequence[str], lexicon: Lexicon) -> None:
        self.builder = builder
        self.lines = lines
        self.lexicon = lexicon
        self.drafts: list[ItemDraft] = []
        self.current: ItemDraft | None = None  # the item the next line may carry on
        self.open = False  # the current item's text goes on on the next line (a lone "-", "... -")
        self._known: frozenset[str] | None = None
        self._prefixes: tuple[str, ...] = ()

    def start(self, body: str, line: int, indent: int, box: Box | None, number: int | None) -> None:
        """A new item from a list line (marker and box already read), splitting items joined onto it."""
        draft = self._new(line, indent, box, number)
        self.open = True
        self._feed(draft, body, line, restore=False)

    def carry(self, text: str, line: int, *, repair: bool) -> None:
        """The current item carried on by a line; `repair`: the line may have lost code-span spaces."""
        assert self.current is not None
        self._feed(self.current, text, line, restore=repair)

    def blank(self) -> None:
        """A blank line ends the item, unless it is still waiting for its text."""
        if self.current is not None and not (self.open and not self.current.text):
            self.stop()

    def stop(self) -> None:
        self.current, self.open = None, False

    def continues(self, line: str, indent: int, heading_like: bool, label: bool) -> bool:
        """Whether a bare line carries on the current item rather than starting a heading or prose.

        A scraper starts a new line at each inline code span, so a line after an item continues it
        when the item is still empty or cannot end where it stops, or when the line cannot start
        one; a line indented under the item's text is a wrapped line of it.
        """
        item = self.current
        if item is None:
            return False
        text = item.text
        if self.open or indent > item.indent or text.count("(") > text.count(")") or open_end(text, self.lexicon):
            return True
        if label:
            return False
        if (
            line[0].islower()
            or line[0] in CONTINUING_STARTS
            or JOIN_RE.search(line)
            or (line.endswith("-") and TRAILING_DASH_RE.search(line))
            or STRONG_CODE_RE.search(line.split()[0])
        ):
            return True
        return not heading_like and not TERMINAL_END_RE.search(text)

    def _new(self, line: int, indent: int, box: Box | None = None, number: int | None = None) -> ItemDraft:
        draft = self.builder.item(ItemDraft(line=line, end=line, indent=indent, box=box, number=number))
        self.drafts.append(draft)
        self.current = draft
        return draft

    def _feed(self, item: ItemDraft, chunk: str, line: int, *, restore: bool) -> None:
        """Add a line's text to `item`; text after a ` - ` join starts new items."""
        if restore:
            known = self.known
            chunk = restore_code_spaces(chunk, known, self._prefixes)
        ends_open = chunk.endswith("-") and TRAILING_DASH_RE.search(chunk) is not None
        if ends_open:
            chunk = TRAILING_DASH_RE.sub("", chunk).rstrip()
        pieces = JOIN_RE.split(chunk) if chunk else []
        if pieces:
            item.text = join_text(item.text, pieces[0])
            item.end = max(item.end, line)
            self.open = False
        for piece in pieces[1:]:
            item = self._new(line, item.indent)
            item.text = piece
        if ends_open or not chunk:
            if item.text:
                self._new(line, item.indent)
            self.open = True

    @property
    def known(self) -> frozenset[str]:
        """The words a lost space is restored with (built once, when first needed)."""
        if self._known is None:
            self._known = known_words(self.lines, self.lexicon)
            self._prefixes = prefix_words(self.lexicon)
        return self._known
