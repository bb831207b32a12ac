"""Small pure text helpers shared by parsers and normalisation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Runs of anything that is not a letter or digit (emoji, punctuation, spaces, markup).
NON_WORD_RE = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Key for comparing vocabulary words: lower case, accents and punctuation gone.

    >>> fold("  In-Progress! ")
    'in progress'
    >>> fold("🟢 **LOW**")
    'low'
    >>> fold("Résumé")
    'resume'
    """
    # Labels, ratings, statuses and names are folded over and over (some 150 times per document,
    # most of them seen before): short texts are remembered, a bounded number of them.
    return _fold_short(text) if len(text) <= MAX_REMEMBERED_FOLD else _fold(text)


# Longest text `fold` remembers, and how many it remembers.
MAX_REMEMBERED_FOLD = 64
REMEMBERED_FOLDS = 4096


def _fold(text: str) -> str:
    if text.isascii():  # the common case, 5-10x faster; the same result (NFKD and casefold are no-ops)
        if text.isalnum():  # one word, letters and digits only: nothing to take out (faster still)
            return text.lower()
        return NON_WORD_RE.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    # The accents NFKD split off, taken out: each distinct character asked once (a long text
    # has a few dozen), not each character.
    marks = {ord(c): None for c in set(decomposed) if unicodedata.combining(c)}
    stripped = decomposed.translate(marks) if marks else decomposed
    return NON_WORD_RE.sub(" ", stripped.casefold()).strip()


_fold_short = lru_cache(maxsize=REMEMBERED_FOLDS)(_fold)

# East Asian widths of the characters that take two columns: wide and full-width.
WIDE = frozenset("WF")


def text_width(text: str) -> int:
    """How many columns a text takes: two for each wide character (a CJK ideograph, kana,
    hangul), one for any other. A length threshold made for words of letters ("a phrase of four
    letters at least") measures Chinese and Japanese by this: "対応中" (in progress) is three
    characters, each as much as a short word.

    >>> text_width("new"), text_width("対応中"), text_width("Ana（経理）")
    (3, 6, 11)
    """
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in WIDE else 1 for c in text)


# Characters that take no room and say nothing: the zero-width space, the word joiner and the
# zero-width no-break space (a byte-order mark inside the text). Pages and chat tools leave them
# around ids and titles ("\u200bWM-101"), where they are not whitespace to `str.split` and make
# the same id two. (The zero-width joiners that build emoji and scripts stay: they do say something.)
INVISIBLE_CHARS = "\u200b\u2060\ufeff"
INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE_CHARS))


def visible(text: str) -> str:
    """Text without its invisible characters (INVISIBLE_CHARS), wherever they stand.

    >>> visible("\\u200bWM-101\\ufeff"), visible("Vault\\u2060 sealed"), visible("plain")
    ('WM-101', 'Vault sealed', 'plain')
    """
    # Most text has none: three scans for them cost less than one translation.
    if text.isascii() or not ("\u200b" in text or "\ufeff" in text or "\u2060" in text):
        return text
    return text.translate(INVISIBLE)


def squash(text: str) -> str:
    """Collapse whitespace runs to one space and trim; invisible characters go (`visible`).

    >>> squash(" a\\n  b\\u00a0c "), squash("\\u200b R-1 \\ufeff")
    ('a b c', 'R-1')
    """
    # str.split() splits at the characters `\s` matches (Unicode's whitespace) and drops the
    # ends: the same result as replacing each run of `\s+` with a space and stripping, at a
    # third of the cost. (`visible` is asked only of non-ASCII text: squash is called often enough
    # that the call itself shows.)
    return " ".join((text if text.isascii() else visible(text)).split())


def is_null(text: str | None, null_values: tuple[str, ...]) -> bool:
    """True when a cell says nothing ("", "-", "N/A", "TBD").

    >>> is_null(" N/A ", ("n/a",))
    True
    """
    return text is None or squash(text).casefold() in null_values


# Struck-through text as the parsers keep it: `~~Open~~`.
STRUCK_RE = re.compile(r"~~(?P<struck>[^~\n]*?)~~")


def unstruck(text: str) -> str:
    """Text without what is struck through, when something is left (`~~Open~~ Mitigated` ->
    `Mitigated`); a value struck as a whole stays, without its markers. Raw values keep what was
    written; normalisation reads the value that stands.

    >>> unstruck("~~Open~~ Mitigated"), unstruck("~~Retired risk~~"), unstruck("~~alta~~ → bassa")
    ('Mitigated', 'Retired risk', '→ bassa')
    """
    if "~~" not in text:
        return text
    left = squash(STRUCK_RE.sub(" ", text))
    return left if left else squash(STRUCK_RE.sub(lambda m: m["struck"], text))
