"""The UTF-8 sequences a line spells when its characters are read back as cp1252 / cp1254 bytes:
what `pipeline.repair` reads before it decides anything.

Each character of such mojibake stands for one byte ("â" 0xE2, "€" 0x80, "Œ" 0x8C). A lead
("â", "Ã", "ð") calls for one to three continuations; a sequence whose continuations are all
there decodes to one character, one that lost bytes (dropped, or U+FFFD where they stood)
could have been any of several (`Candidate`). Data and pure functions only.

Cost: a line is scanned once, jumping from lead to lead (`LEAD_RE`), and what a sequence is
(`Shape`) depends only on the five characters where it starts, so it is worked out once per
distinct window and cached: a line of 64K copies of one character, or of one mojibake pair
("Ã©Ã©..."), costs a dictionary look-up per sequence, not hundreds of trial decodes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, product
from types import MappingProxyType
from typing import NamedTuple

from pipeline.plausible import Page, char_score

# Bytes each code page has no character for: what editors drop, replace or keep as C1.
UNDEFINED: Mapping[str, bytes] = MappingProxyType(
    {
        "cp1252": b"\x81\x8d\x8f\x90\x9d",
        "cp1254": b"\x81\x8d\x8e\x8f\x90\x9d\x9e",
        "unknown": b"\x81\x8d\x8e\x8f\x90\x9d\x9e",
    }
)
REPLACEMENT = "\ufffd"  # what `errors="replace"` leaves for one undefined byte
# Characters `Shape` looks at from where a sequence starts: the lead, up to three
# continuations, and the character after them (a space that may have been a lost 0xA0).
WINDOW = 5


def _byte_table() -> Mapping[str, int]:
    """Character -> byte for text read through cp1252 or cp1254 (the two never disagree on a
    character), with C1 controls standing for themselves (ftfy's "sloppy" reading)."""
    table = {chr(b): b for b in range(0x80, 0x100)}
    for page in ("cp1252", "cp1254"):
        for b in range(0x80, 0x100):
            try:
                table[bytes([b]).decode(page)] = b
            except UnicodeDecodeError:
                continue
    return MappingProxyType(table)


BYTE_OF = _byte_table()
LEADS = "".join(sorted(c for c, b in BYTE_OF.items() if 0xC2 <= b <= 0xF4))
CONTINUATIONS = "".join(sorted(c for c, b in BYTE_OF.items() if 0x80 <= b <= 0xBF)) + REPLACEMENT
# Pre-check: a code-page character that starts a UTF-8 sequence, then one that continues it.
# Every mojibake sequence has this shape; most clean text has none, and clean text that
# does ("café’s") costs one look at that line, which then comes back unchanged.
MOJIBAKE_RE = re.compile(f"[{re.escape(LEADS)}][{re.escape(CONTINUATIONS)}]")
# Where a sequence can start, so that a scan jumps over the text between: any lead on a line
# known to be broken, else only a lead that a continuation follows (one character, no repeat).
LEAD_RE = re.compile(f"[{re.escape(LEADS)}]")
LEAD_CONTINUED_RE = re.compile(f"[{re.escape(LEADS)}](?=[{re.escape(CONTINUATIONS)}])")


class Candidate(NamedTuple):
    """One way to complete a sequence: its bytes, which were put back, what it decodes to."""

    utf8: bytes
    filled: tuple[int, ...]  # indexes into utf8 of the bytes that were put back
    char: str
    nbsp: bool = False  # the space after the sequence was its 0xA0 (an editor turned NBSP into a space)


class Shape(NamedTuple):
    """What a sequence is, whatever line it is on: equal shapes, equal candidates, equal choices
    between equal neighbours."""

    width: int  # characters of the line it spans
    known: tuple[int | None, ...]  # lead and continuation bytes; None where U+FFFD stood
    length: int  # bytes the lead calls for
    candidates: tuple[Candidate, ...]
    best: float  # the highest `char_score` among the candidates
    gapped: bool  # bytes are missing (dropped, or U+FFFD where they stood)

    @property
    def lead(self) -> int:
        return self.known[0]  # type: ignore[return-value]


@dataclass(slots=True)
class Seq:
    """A UTF-8 sequence where it stands in a line, and the candidate chosen (None: undecided)."""

    start: int
    end: int
    shape: Shape
    choice: int | None = None

    @property
    def known(self) -> tuple[int | None, ...]:
        return self.shape.known

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        return self.shape.candidates


def utf8_length(lead: int) -> int:
    """Bytes in a UTF-8 sequence starting with `lead` (0 when it cannot start one).

    >>> utf8_length(0xC3), utf8_length(0xE2), utf8_length(0xF0), utf8_length(0x9D)
    (2, 3, 4, 0)
    """
    return 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if 0xF0 <= lead <= 0xF4 else 0


def iter_sequences(line: str, page: Page, broken_line: bool) -> Iterator[Seq]:
    """Every UTF-8 sequence the line spells through the code page, complete or not, from the
    left; lazily, so that a caller looking for the first piece of evidence stops there.

    A lead with no continuation at all ("Ã" before "lvaro") counts only on a line already
    known to be broken: on a clean line it is just a capital letter.

    >>> [(s.start, s.end, s.shape.gapped) for s in iter_sequences("a âŒ b Ã©", "cp1252", False)]
    [(2, 4, True), (7, 9, False)]
    """
    undefined = UNDEFINED[page]
    starts = LEAD_RE if broken_line else LEAD_CONTINUED_RE
    i = 0
    while (found := starts.search(line, i)) is not None:
        i = found.start()
        shape = shape_at(line[i : i + WINDOW], undefined)
        if shape is None:
            i += 1
        else:
            yield Seq(i, i + shape.width, shape)
            i += shape.width


def sequences(line: str, page: Page, broken_line: bool) -> list[Seq]:
    """`iter_sequences` as a list."""
    return list(iter_sequences(line, page, broken_line))


@lru_cache(maxsize=8192)
def shape_at(window: str, undefined: bytes) -> Shape | None:
    """The sequence a lead starts (`window`: the line from the lead, `WINDOW` characters or
    to its end), or None when no character can be made of it.

    >>> shape = shape_at("âŒ fa", UNDEFINED["cp1252"])
    >>> shape.width, shape.known, shape.length, shape.gapped, len(shape.candidates)
    (2, (226, 140), 3, True, 11)
    >>> shape.candidates[4].char, shape.candidates[-1].char, shape.candidates[-1].nbsp
    ('❌', '⌠', True)
    """
    lead = BYTE_OF[window[0]]
    n = utf8_length(lead)
    known: list[int | None] = [lead]
    j = 1
    while len(known) < n and j < len(window):
        b = BYTE_OF.get(window[j])
        if window[j] == REPLACEMENT:
            known.append(None)
        elif b is not None and 0x80 <= b <= 0xBF:
            known.append(b)
        else:
            break
        j += 1
    bytes_ = tuple(known)
    gapped = len(known) < n or None in known
    cands = _candidates(bytes_, n, undefined) if gapped else _complete(bytes_)
    if gapped and len(known) == n - 1 and None not in known and window[j : j + 1] == " ":
        # the space after it may be the 0xA0 an editor turned into a space (ftfy's restore_byte_a0)
        cands += tuple(c._replace(nbsp=True) for c in _complete((*bytes_, 0xA0)))
    if not cands:
        return None
    return Shape(j, bytes_, n, cands, max(char_score(c.char) for c in cands), gapped)


def _complete(known: tuple[int | None, ...]) -> tuple[Candidate, ...]:
    data = bytes(b for b in known if b is not None)
    try:
        return (Candidate(data, (), data.decode("utf-8")),)
    except UnicodeDecodeError:
        return ()


@lru_cache(maxsize=4096)
def _candidates(known: tuple[int | None, ...], n: int, undefined: bytes) -> tuple[Candidate, ...]:
    """Every valid single character the sequence could have been, gaps filled from `undefined`.

    >>> [c.char for c in _candidates((0xE2, 0x8C), 3, UNDEFINED["cp1252"])]
    ['⁌', '⍌', '⏌', '␌', '❌', '⌁', '⌍', '⌏', '⌐', '⌝']
    """
    missing = n - len(known)
    found: list[Candidate] = []
    for places in combinations(range(1, n), missing):
        slots: list[int | None] = list(known[:1])
        rest = iter(known[1:])
        for k in range(1, n):
            slots.append(None if k in places else next(rest))
        holes = tuple(k for k, b in enumerate(slots) if b is None)
        for fill in product(undefined, repeat=len(holes)):
            filled = list(slots)
            for k, b in zip(holes, fill, strict=True):
                filled[k] = b
            data = bytes(filled)  # type: ignore[arg-type]
            try:
                char = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if unicodedata.category(char) not in ("Cn", "Co", "Cs", "Cc"):
                found.append(Candidate(data, holes, char))
    return tuple(found)


__all__ = [
    "BYTE_OF",
    "CONTINUATIONS",
    "LEADS",
    "MOJIBAKE_RE",
    "REPLACEMENT",
    "UNDEFINED",
    "Candidate",
    "Seq",
    "Shape",
    "iter_sequences",
    "sequences",
    "shape_at",
    "utf8_length",
]
