"""What every recogniser shares: the reading context, what a recogniser returns, and small
tests on text (is this an id, a rating, a null cell) that must give one answer everywhere."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from parsers.lexicon import Lexicon, agreed_values
from pipeline.config import Config
from pipeline.records import RawEntry, Skipped
from pipeline.textnorm import fold, squash

# An entry id: letters, digits and dashes with at least one digit ("R-OPS-01", "R001", "RISK-7").
ENTRY_ID_RE = re.compile(r"^(?=\S*\d)[^\W\d_][^\W_]*(?:[-_.][^\W_]+)*$")
# A cell that is only a number, maybe with a scale suffix: "4", "12", "3/5", "4 (High)".
NUMBER_CELL_RE = re.compile(r"^\s*(?P<n>\d{1,2})(?:\s*/\s*\d{1,2})?(?:\s*\(.*\))?\s*$")
# Decoration in front of a heading's words: emoji, check marks, bullets ("## ✅ Docs"); not the
# marker that opens struck text ("### ~~R9: Old CVE~~" stays struck, as a struck cell does).
LEADING_SYMBOLS_RE = re.compile(r"^(?:(?!~~)[^\w(\[\"'“‘])+")
# Markup a heading may still carry when it comes from marked text.
INLINE_MARKUP_RE = re.compile(r"(\*\*|__|`)")


@dataclass(frozen=True)
class Context:
    """What a recogniser reads a document with: its path, its syntax, the configuration."""

    path: str
    syntax: str
    config: Config = field(default_factory=Config)

    @cached_property
    def lexicon(self) -> Lexicon:
        return self.config.lexicon

    @cached_property
    def agreed_values(self) -> Lexicon:
        """The value words every pack agrees on (`parsers.lexicon.agreed_values`): what a
        decision cell the document's languages do not read is read with."""
        return agreed_values(self.config.lexicon_files)

    @cached_property
    def null_values(self) -> frozenset[str]:
        return frozenset(v.casefold() for v in self.config.null_values)

    @cached_property
    def rating_words(self) -> frozenset[str]:
        """Scale and severity words, folded."""
        return frozenset(self.config.scale_words) | frozenset(self.config.severity_words)

    def parser(self, recogniser: str) -> str:
        """The `parser` an entry records: front end and recogniser, "markdown/tables"."""
        return f"{self.syntax}/{recogniser}"

    def is_null(self, text: str | None) -> bool:
        """A cell that says nothing ("", "-", "N/A", "TBD")."""
        return text is None or squash(text).casefold() in self.null_values

    def is_rating(self, text: str) -> bool:
        """A value that is a rating: a scale or severity word, or a number up to 25.

        >>> ctx = Context("x.md", "markdown")
        >>> ctx.is_rating("🟢 LOW"), ctx.is_rating("4"), ctx.is_rating("Vault outage")
        (True, True, False)
        """
        key = fold(text)
        if not key:
            return False
        match = NUMBER_CELL_RE.match(text)
        return key in self.rating_words or (match is not None and int(match["n"]) <= 25)


@dataclass
class Found:
    """What a recogniser found: entries, the structures it read and left (with why), and the
    source lines of the blocks its entries were read from (so that another recogniser does not
    read a risk's `- **Owner**: SRE` bullet as a checklist item)."""

    entries: list[RawEntry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)

    def extend(self, other: Found) -> None:
        self.entries.extend(other.entries)
        self.skipped.extend(other.skipped)
        self.claimed.update(other.claimed)


def looks_like_id(cell: str) -> bool:
    """Whether a cell reads as an entry id.

    >>> looks_like_id("R-OPS-01"), looks_like_id("Vault outage"), looks_like_id("12")
    (True, False, False)
    """
    cell = cell.strip()
    return len(cell) <= 24 and bool(ENTRY_ID_RE.match(cell))


def without_full_stop(value: str, ctx: Context) -> str:
    """A value that ends a sentence (`Owner: Tom.`) without the sentence's full stop; a stop that
    belongs to the last word is kept: an initial ("J."), a dotted short form ("S.A.", "e.g.") or
    an abbreviation of the lexicon's `dotted_abbreviations` ("Acme Inc.", "Smith & Co.").

    >>> ctx = Context("x.md", "markdown")
    >>> [without_full_stop(v, ctx) for v in ("Tom.", "Priya (Data Eng).", "Monitoring", "Wait...")]
    ['Tom', 'Priya (Data Eng)', 'Monitoring', 'Wait...']
    >>> [without_full_stop(v, ctx) for v in ("Acme Inc.", "Jane J.", "Ventas S.A.", "Smith & Co.")]
    ['Acme Inc.', 'Jane J.', 'Ventas S.A.', 'Smith & Co.']
    """
    if not value.endswith(".") or value.endswith(".."):
        return value
    word = value[value.rfind(" ") + 1 : -1]  # the last word, its full stop gone (no regex: values are long)
    if not word[-1:].isalnum():
        return value[:-1].rstrip()  # "Priya (Data Eng).": the stop follows a bracket or a mark
    if "." in word or (len(word) == 1 and word.isalpha()) or ctx.lexicon.is_word("dotted_abbreviations", word):
        return value
    return value[:-1].rstrip()


def section_name(heading: str | None) -> str | None:
    """A heading as the `section` of the entries under it: markup and leading decoration gone.

    Numbering is kept ("2. Register"): it is part of how the author names the section.
    >>> section_name("✅ **Docs**"), section_name("🚫 MUST FIX (Before Production)"), section_name("2. Register")
    ('Docs', 'MUST FIX (Before Production)', '2. Register')
    >>> section_name("❌ ~~R9: Old CVE~~")
    '~~R9: Old CVE~~'

    """
    if not heading:
        return None
    name = LEADING_SYMBOLS_RE.sub("", squash(INLINE_MARKUP_RE.sub("", heading)))
    return name or None


def nearest_section(path: Iterable[tuple[int, str]]) -> str | None:
    """The section of a block: the nearest heading above it that names one; a level-1 heading
    is the document's title (it names the service), not a section.

    >>> nearest_section([(1, "Payments"), (2, "✅ Risks")]), nearest_section([(1, "Payments")])
    ('Risks', None)
    """
    for level, heading in reversed(tuple(path)):
        if level > 1 and (name := section_name(heading)):
            return name
    return None
