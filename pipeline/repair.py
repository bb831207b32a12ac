"""Stage repair: undo mojibake (UTF-8 once read as Windows-1252 or -1254 and saved again).

Takes decoded text (pipeline.decode) and returns the text as its author wrote it, plus the
repairs made. Three steps, each only on lines that need it:

1. A cheap pre-check (`needs_repair`): one regex over the whole document looking for a
   code-page character that starts a UTF-8 sequence followed by one that continues it
   ("â€", "Ã©", "ðŸ", "â�"). Clean documents stop here, untouched and not slowed down.
2. Recovery of undefined bytes (what ftfy cannot do). cp1252 has no characters for 0x81,
   0x8D, 0x8F, 0x90, 0x9D (cp1254 also 0x8E, 0x9E), so an editor drops them, replaces them
   with U+FFFD, or keeps them as C1 controls: "❌" (E2 9D 8C) comes back as "âŒ". For every
   UTF-8 sequence left incomplete, each candidate byte for the gap is tried; only valid UTF-8
   that decodes to a plausible character fitting its neighbours is accepted (a box corner
   whose arms meet the line, a skin tone after a hand, a joiner between two emoji), and the
   byte is put back as the C1 control that ftfy's "sloppy" codecs read.
3. ftfy's encoding fixes (`fix_encoding_and_explain`) on the now complete mojibake: single,
   double and mixed (some runs broken, some clean) encodings. Only the encoding steps run:
   no quote straightening, no line-break, width or NFC normalisation, which would rewrite
   clean text. Recovery runs first because ftfy on an incomplete sequence makes a wrong
   irreversible guess ("âŒ failed" -> "⌠failed", the space taken as a lost 0xA0).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

import ftfy

from pipeline.plausible import Page, char_score, context_score
from pipeline.records import Repair
from pipeline.sequences import BYTE_OF, MOJIBAKE_RE, REPLACEMENT, Seq, iter_sequences, sequences

# A UTF-8 byte-order mark that went through cp1252 itself: "ï»¿" at the start of the text.
MOJIBAKE_BOM = "\u00ef\u00bb\u00bf"
# U+FFFD (EF BF BD) read through cp1252 or cp1254 (the same three letters in both): what an
# inner layer of mojibake that lost bytes shows through the outer one (`peel`).
DOUBLE_REPLACEMENT = "\u00ef\u00bf\u00bd"

ACCEPT = 3.0  # lowest score a recovered character may have
# ... when nothing else says the line is broken (no U+FFFD, no other mojibake on it), or when
# the lead is all that is left ("Ã" before "lvaro"): only characters documents often contain.
ACCEPT_EVIDENCE = 6.0
NBSP_COST = 1.5  # taking the space after a sequence as its lost 0xA0 (ftfy's restore_byte_a0)
ICM_ROUNDS = 3  # passes re-scoring each gap against its neighbours' current choice

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)


@dataclass(frozen=True, slots=True)
class Recovery:
    """One incomplete UTF-8 sequence completed with the bytes the code page had lost."""

    line: int
    column: int  # 1-based, in the line as it was before repair
    found: str  # the mojibake as found ("âŒ", "â�Œ")
    utf8: bytes  # the completed sequence (b"\xe2\x9d\x8c")
    filled: tuple[int, ...]  # indexes into utf8 of the bytes that were put back
    char: str  # what it decodes to ("❌")
    rivals: int  # other valid characters the gap could have held

    def describe(self) -> str:
        """The sequence as found, its bytes (the recovered ones in brackets) and what they are.

        >>> Recovery(1, 1, "âŒ", b"\\xe2\\x9d\\x8c", (1,), "❌", 4).describe()
        'âŒ = E2 [9D] 8C -> ❌ (U+274C, 4 rivals)'
        """
        hexes = " ".join(f"[{b:02X}]" if k in self.filled else f"{b:02X}" for k, b in enumerate(self.utf8))
        shown = self.char if unicodedata.category(self.char) not in ("Mn", "Cf") else unicodedata.name(self.char, "")
        return f"{self.found} = {hexes} -> {shown} (U+{ord(self.char):04X}, {self.rivals} rivals)"


@dataclass(frozen=True, slots=True)
class LineRepair:
    """What repair changed on one line: for `riskreg repair --explain`."""

    line: int
    before: str
    after: str
    recoveries: tuple[Recovery, ...] = ()
    ftfy_steps: tuple[str, ...] = ()  # "encode:sloppy-windows-1252", "decode:utf-8"; ours start "riskreg:"


def needs_repair(text: str) -> bool:
    """Cheap pre-check: could the text contain mojibake at all?

    >>> needs_repair("plain — text ✅ café"), needs_repair("bad â€” text"), needs_repair("ðŸ”´")
    (False, True, True)
    """
    return MOJIBAKE_RE.search(text) is not None


def guess_page(text: str) -> Page:
    """Which code page turned UTF-8 into this text, from the characters only one of them has.

    "ğŸ" (F0 9F) is cp1254 mojibake of an emoji, "ðŸ" the cp1252 one; "ž"/"Ž" as a
    continuation exist only in cp1252.

    >>> guess_page("ğŸ”´ x"), guess_page("ðŸ”´ x"), guess_page("â€” x")
    ('cp1254', 'cp1252', 'unknown')
    """
    turkish = sum(text.count(c) for c in "ğĞİŞ")
    western = sum(text.count(c) for c in "ðÐÝÞžŽ")
    if turkish > western:
        return "cp1254"
    return "cp1252" if western else "unknown"


def _neighbours(line: str, seqs: list[Seq], k: int) -> tuple[str | None, str | None]:
    """The characters beside sequence k as they currently read: decoded where decided, None
    where the neighbour is a gap not decided yet, "" at the ends of the line."""
    seq = seqs[k]
    sides: list[str | None] = []
    for other, at in (
        (seqs[k - 1] if k else None, seq.start - 1),
        (seqs[k + 1] if k + 1 < len(seqs) else None, seq.end),
    ):
        if other is not None and (other.end == seq.start or other.start == seq.end):
            sides.append(other.candidates[other.choice][2] if other.choice is not None else None)
        else:
            sides.append(line[at] if 0 <= at < len(line) else "")
    return sides[0], sides[1]


# A C1 control character (U+0080-U+009F): a byte a legacy code page left undecoded.
C1_CONTROL_RE = re.compile("[\x80-\x9f]")


def _is_broken(line: str, seqs: Iterable[Seq]) -> bool:
    """Evidence that the line is mojibake: a U+FFFD or a C1 control; a complete sequence
    decoding to a plausible character, of three or four bytes ("â€”") or from the Latin leads
    Â Ã Ä Å ("Ã©"), or two from other leads (a lone "Ğ”" is a Turkish letter and a quote more
    often than mojibake of "Д"); an incomplete sequence that can only be a common character
    ("âŒ", "ðŸ”" + a lost byte). In clean text a lead like "â" is followed by a letter, hardly
    ever by the punctuation cp1252 keeps in 0x80-0xBF. Stops at the first evidence: `seqs` may
    be lazy (`iter_sequences`)."""
    if REPLACEMENT in line or C1_CONTROL_RE.search(line) or line.startswith(MOJIBAKE_BOM):
        return True
    weak = 0
    for seq in seqs:
        shape = seq.shape
        if shape.gapped:
            known = len(shape.known)
            if (known > 1 and shape.best >= ACCEPT_EVIDENCE) or (known > 2 and shape.best >= ACCEPT):
                return True  # "âŒ", "ðŸŸ" + a space that was 0xA0
            if shape.known[:2] == (0xEF, 0xB8):  # "ï¸": U+FE0F without its 0x8F
                return True
            continue
        if shape.best < ACCEPT:  # a complete sequence has one candidate: `best` is its score
            continue
        if shape.length > 2 or 0xC2 <= shape.lead <= 0xC5:
            return True
        weak += 1
        if weak >= 2:
            return True
    return False


def is_broken(line: str, page: Page) -> bool:
    """Does the line, on its own, show mojibake? (see `_is_broken`)

    >>> is_broken("Status âœ… done", "unknown"), is_broken("café’s «Bogotá»", "unknown")
    (True, False)
    """
    return _is_broken(line, iter_sequences(line, page, False))


def recover_line(line: str, number: int, page: Page, letters: frozenset[str]) -> tuple[str, list[Recovery]]:
    """The line with every incomplete sequence completed (as sloppy C1 characters), and what
    was done. Only on a line that shows mojibake (`_is_broken`).

    >>> recover_line("âŒ failed", 1, "cp1252", frozenset())[0]
    'â\\x9dŒ failed'
    >>> recover_line("café’s", 1, "cp1252", frozenset())[0]
    'café’s'
    """
    if not is_broken(line, page):
        return line, []
    return _recover(line, number, page, letters)


def _recover(line: str, number: int, page: Page, letters: frozenset[str]) -> tuple[str, list[Recovery]]:
    """`recover_line` on a line already known to show mojibake."""
    seqs = sequences(line, page, True)
    for seq in seqs:
        seq.choice = None if seq.shape.gapped else 0
    gapped = [k for k, s in enumerate(seqs) if s.shape.gapped]
    if not gapped:
        return line, []
    choose_all(line, seqs, gapped, page, letters)
    out, recoveries, pos = [], [], 0
    for k in gapped:
        seq = seqs[k]
        if seq.choice is None:
            continue
        data, filled, char, nbsp = seq.candidates[seq.choice]
        real = iter(c for c in line[seq.start : seq.end] + "\xa0" * nbsp if c != REPLACEMENT)
        out.append(line[pos : seq.start])
        out.append("".join(chr(b) if i in filled else next(real) for i, b in enumerate(data)))
        pos = seq.end + nbsp
        recoveries.append(
            Recovery(number, seq.start + 1, line[seq.start : seq.end], data, filled, char, len(seq.candidates) - 1)
        )
    out.append(line[pos:])
    return "".join(out), recoveries


def choose_all(line: str, seqs: list[Seq], gapped: Sequence[int], page: Page, letters: frozenset[str]) -> int:
    """Choose a candidate (or none) for every gapped sequence (`gapped`: their indexes in
    `seqs`), each against its neighbours' current choices, in rounds (`ICM_ROUNDS`); returns
    how many choices were scored (`_choose` calls), a measure of the work done.

    A choice depends only on the sequence's shape and on its neighbours as they read, so it is
    scored once per distinct (shape, neighbours): a line of thousands of one sequence costs a
    look-up each. (Shapes come from a cache, so equal windows share one Shape: `id` tells them
    apart, and every one stays alive in `seqs`.) A round that changes no choice is a fixed
    point: the rounds after it would repeat it.

    >>> line = "âŒ " * 1000  # the first, the middle ones, the last (its window is shorter)
    >>> seqs = sequences(line, "cp1252", True)
    >>> len(seqs), choose_all(line, seqs, range(len(seqs)), "cp1252", frozenset())
    (1000, 3)
    >>> {seq.candidates[seq.choice].char for seq in seqs}
    {'❌'}
    """
    decided: dict[tuple[int, str | None, str | None], int | None] = {}
    for _ in range(ICM_ROUNDS):
        changed = False
        for k in gapped:
            prev, nxt = _neighbours(line, seqs, k)
            key = (id(seqs[k].shape), prev, nxt)
            if key not in decided:
                decided[key] = _choose(seqs[k], prev, nxt, page, letters)
            changed = changed or seqs[k].choice != decided[key]
            seqs[k].choice = decided[key]
        if not changed:
            break
    return len(decided)


def _choose(seq: Seq, prev: str | None, nxt: str | None, page: Page, letters: frozenset[str]) -> int | None:
    """The best candidate for a gapped sequence between these neighbours, or None when even
    the best is not plausible enough."""
    scores = [
        char_score(c.char) + context_score(c.char, prev, nxt, page, letters) - NBSP_COST * c.nbsp
        for c in seq.candidates
    ]
    best = max(range(len(scores)), key=lambda m: (scores[m], -m))
    floor = ACCEPT if len(seq.known) > 1 else ACCEPT_EVIDENCE
    return best if scores[best] >= floor else None


def decode_sequences(line: str, page: Page) -> str:
    """Every complete, plausible sequence of a broken line decoded in place: the fallback for
    lines ftfy leaves (partly) undecoded, for instance when one sequence on them is beyond repair.

    >>> decode_sequences("â•‘ ok â•‘ ï¸ x", "cp1252")
    '║ ok ║ ï¸ x'
    """
    seqs = sequences(line, page, False)
    if not _is_broken(line, seqs):
        return line
    out, pos = [], 0
    for seq in seqs:
        char = seq.candidates[0][2]
        if seq.shape.gapped or (char_score(char) < ACCEPT and not 0x80 <= ord(char) <= 0xBF):
            continue
        out.append(line[pos : seq.start])
        out.append(char)
        pos = seq.end
    out.append(line[pos:])
    return "".join(out)


def peel(line: str) -> str | None:
    """The line with one layer of mojibake taken off, when it was encoded twice and the inner layer
    lost bytes ("â\ufffdŒ" read through cp1252 again: "Ã¢ï¿½Å’"); None for any other line.

    The outer layer is complete (lost-byte recovery runs on it first), so it is undone exactly
    (every character back to its byte, the bytes read as UTF-8); the inner one then goes through
    lost-byte recovery like any single mojibake. Done by hand because ftfy, given both layers at
    once, undoes the outer one and then turns the incomplete inner sequence into U+FFFD, losing
    the character.
    >>> peel("- Ã¢ï¿½Å’ failed")
    '- â\ufffdŒ failed'
    >>> peel("- âŒ failed"), peel("Ã¢â‚¬â€ dash"), peel("clean ✅ Ã¢ï¿½Å’")
    (None, None, None)
    """
    if DOUBLE_REPLACEMENT not in line:  # no U+FFFD can come out of the inner layer
        return None
    try:
        data = bytes(ord(c) if ord(c) < 0x80 else BYTE_OF[c] for c in line)
        inner = data.decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None
    if inner == line or REPLACEMENT not in inner or not MOJIBAKE_RE.search(inner):
        return None  # only a U+FFFD inside proves a second layer: "Ğ”" is cp1254 mojibake of Д, or Ğ”
    seqs = sequences(inner, "unknown", True)
    return inner if any(seq.shape.gapped for seq in seqs) and _is_broken(inner, seqs) else None


def _document_letters(text: str) -> frozenset[str]:
    """Letters the complete mojibake of the document spells ("Ä‘" is đ), for `context_score`:
    a recovered letter of the same language fits better. Letters of the code page itself
    ("ğ" in "ğŸ") say nothing about the language, so only decoded ones count."""
    found, seen = set(), set()
    for match in MOJIBAKE_RE.finditer(text):
        pair = match.group()
        if pair in seen:  # a run of one mojibake pair ("Ã©Ã©...") is decoded once
            continue
        seen.add(pair)
        try:
            char = bytes(BYTE_OF[c] for c in pair).decode("utf-8")
        except (UnicodeDecodeError, KeyError):
            continue
        if char.isalpha():
            found.add(char)
    return frozenset(found)


def explain_repairs(text: str) -> tuple[str, list[LineRepair]]:
    """The text with mojibake undone, and per line what was changed and how.

    >>> explain_repairs("ok\\nâœ… done â€” âŒ failed")[0]
    'ok\\n✅ done — ❌ failed'
    >>> explain_repairs("clean “text” — ✅")
    ('clean “text” — ✅', [])
    """
    if not needs_repair(text):
        return text, []
    page = guess_page(text)
    letters = _document_letters(text)
    lines = text.split("\n")
    changes: list[LineRepair] = []
    for k, line in enumerate(lines):
        if not MOJIBAKE_RE.search(line) or not is_broken(line, page):
            continue  # ftfy too is only asked about lines that show mojibake: "ç‘ś" stays
        if len(line) <= MAX_CACHED_LINE:
            fixed, recoveries, steps = _repaired_line(line, page, letters)
            if recoveries:
                recoveries = tuple(replace(r, line=k + 1) for r in recoveries)
        else:
            fixed, recoveries, steps = _repair_line(line, k + 1, page, letters)
        if k == 0 and fixed.startswith("\ufeff"):
            fixed, steps = fixed[1:], (*steps, "riskreg:strip-byte-order-mark")
        if fixed != line:
            lines[k] = fixed
            changes.append(LineRepair(k + 1, line, fixed, tuple(recoveries), steps))
    return "\n".join(lines), changes


# Lines up to this long have their repair cached (`_repaired_line`): documents made from one
# template repeat their broken lines ("- **Status:** âš ï¸ monitoring"), in the corpus of the
# benchmark 8 times each on average, and a long line is seldom repeated and would hold memory.
MAX_CACHED_LINE = 400


@functools.lru_cache(maxsize=4096)
def _repaired_line(line: str, page: Page, letters: frozenset[str]) -> tuple[str, tuple[Recovery, ...], tuple[str, ...]]:
    """`_repair_line` of a line, its recoveries numbered 0 (the caller numbers them)."""
    return _repair_line(line, 0, page, letters)


def _repair_line(
    line: str, number: int, page: Page, letters: frozenset[str]
) -> tuple[str, tuple[Recovery, ...], tuple[str, ...]]:
    """A line that shows mojibake, repaired: (the line, the lost bytes recovered on it, the steps
    taken, ftfy's and ours)."""
    fixed, recoveries = _recover(line, number, page, letters)
    if (inner := peel(fixed)) is not None:  # encoded twice, the inner layer lost bytes
        fixed, more = recover_line(inner, number, page, letters)
        recoveries = [*recoveries, *more]
    fixed, plan = ftfy.fix_encoding_and_explain(fixed, FTFY_CONFIG)
    steps = tuple(f"{step.action}:{step.parameter}" for step in plan or ())
    if inner is not None:
        steps = ("riskreg:peel-double-encoding", *steps)
    if not plan and MOJIBAKE_RE.search(fixed):
        # Only where ftfy gave up on the line: after a decode, what still looks like mojibake
        # is text ("“Ğ”" is a quoted Ğ, not cp1254 mojibake of Д).
        decoded = decode_sequences(fixed, page)
        if decoded != fixed:
            fixed, steps = decoded, (*steps, "riskreg:decode-sequences")
    return fixed, tuple(recoveries), steps


def summarise(changes: Sequence[LineRepair]) -> list[Repair]:
    """One Repair per kind of step, with how often it ran and the first line, for `documents.repairs`.

    >>> summarise(explain_repairs("âŒ no\\nâŒ no")[1])[0]
    Repair(step='recover:undefined-bytes', count=2, line=1, detail='âŒ = E2 [9D] 8C -> ❌ (U+274C, 14 rivals)')
    """
    steps: dict[str, list] = {}  # step -> [count, first line, detail of the first]
    for change in changes:
        for recovery in change.recoveries:
            if (seen := steps.get("recover:undefined-bytes")) is not None:
                seen[0] += 1
            else:  # (described once: only the first is shown)
                steps["recover:undefined-bytes"] = [1, change.line, recovery.describe()]
        for step in dict.fromkeys(change.ftfy_steps):
            name = step.removeprefix("riskreg:") if step.startswith("riskreg:") else f"ftfy:{step}"
            if (seen := steps.get(name)) is not None:
                seen[0] += 1
            else:
                steps[name] = [1, change.line, ""]
    return [Repair(name, count, line, detail) for name, (count, line, detail) in steps.items()]


def repair_text(text: str) -> tuple[str, list[Repair]]:
    """The text with mojibake undone, line by line, and the repairs made (see module doc)."""
    fixed, changes = explain_repairs(text)
    return fixed, summarise(changes)


def iter_changes(changes: Sequence[LineRepair]) -> Iterator[str]:
    """Human-readable lines for `riskreg repair --explain`: one per recovery and per ftfy fix.

    >>> for line in iter_changes(explain_repairs("âŒ no")[1]):
    ...     print(line)
    1:1: recovered lost byte: âŒ = E2 [9D] 8C -> ❌ (U+274C, 14 rivals)
    1: ftfy encode:sloppy-windows-1252, decode:utf-8
    """
    for change in changes:
        for r in change.recoveries:
            yield f"{r.line}:{r.column}: recovered lost byte: {r.describe()}"
        ftfy_steps = [s for s in change.ftfy_steps if not s.startswith("riskreg:")]
        if ftfy_steps:
            yield f"{change.line}: ftfy {', '.join(ftfy_steps)}"
        for step in change.ftfy_steps:
            if step.startswith("riskreg:"):
                yield f"{change.line}: {step.removeprefix('riskreg:').replace('-', ' ')}"
