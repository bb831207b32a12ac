"""Check marks and decision words: what a checklist says about an item without a task box.

A mark before or after an item says its state (`- Tech lead ✅`, `- ❌ Load test`, `- SRE ⚠️
(waiting on the drill)`), as does a decision cell of a sign-off table (`✅ Approved`, `Blocked (pen
test)`, `Pending`, `Yes`). Shared by the list and table checklist recognisers; the decision words
are the lexicon's (`decision_yes`, `decision_no`, `decision_pending`).
"""

from __future__ import annotations

import re

from parsers.lexicon import Lexicon
from pipeline.textnorm import fold, squash

# Check marks: ticked (☒ too: the ticked box of Word and Google Docs, as `boxes` reads it before an
# item), crossed (or an empty box glyph), partial/unknown.
# The marks of Japanese and Chinese forms too: ○ ◯ ◎ (maru) and √ ticked, × not, △ partly.
TICK_MARKS = frozenset("✅✔☑☒✓🗸🟢○◯◎√")
CROSS_MARKS = frozenset("❌✗✘✖⛔☐⬜🔲🔴×")
PARTIAL_MARKS = frozenset("⚠⏳🟡🟠🚧❓△")
ALL_MARKS = TICK_MARKS | CROSS_MARKS | PARTIAL_MARKS
_MARK_CLASS = "".join(sorted(ALL_MARKS))
# A check mark after the item's words and before an aside: "SRE ⚠️ (waiting on the drill)",
# "Security ✅ — Jo, 2026-04-02". Only a bracketed or dashed aside may follow the mark.
MID_MARK_RE = re.compile(
    rf"^(?P<item>[^{_MARK_CLASS}]*?\S)\s*(?P<mark>[{_MARK_CLASS}])\ufe0f?\s+(?P<aside>\(.*\)|[—–-]\s.*)$"
)
# What separates a mark from the item's words: "Tech lead — ✅", "SRE: ❌", "⚠️ SOC 2".
MARK_SEPARATORS = " \t:—–-\ufe0f"
# GitHub's emoji shortcodes for the marks above, as written in Markdown that is read before it is
# rendered ("| Pen test | :x: |"): each stands for its glyph.
SHORTCODE_MARKS: dict[str, str] = {
    ":white_check_mark:": "✅",
    ":heavy_check_mark:": "✔",
    ":ballot_box_with_check:": "☑",
    ":green_circle:": "🟢",
    ":x:": "❌",
    ":heavy_multiplication_x:": "✖",
    ":no_entry:": "⛔",
    ":white_large_square:": "⬜",
    ":red_circle:": "🔴",
    ":warning:": "⚠",
    ":hourglass_flowing_sand:": "⏳",
    ":yellow_circle:": "🟡",
    ":orange_circle:": "🟠",
    ":construction:": "🚧",
    ":question:": "❓",
}
# A shortcode: a name of lower-case letters, digits, "_", "+" and "-" between colons.
SHORTCODE_RE = re.compile(r":[a-z0-9_+-]+:")
# A task box written in a cell: "[x]", "[ ]", "[X]".
BOX_CELL_RE = re.compile(r"^\s*\[(?P<mark>[ xX✓✔-]?)\]\s*$")


def marked(text: str) -> tuple[str, bool | None, bool]:
    """Item text without a leading or trailing check mark, the mark's value, and whether one was there.

    >>> marked("Tech lead ✅"), marked("✅ OWASP Top 10"), marked("SRE: ❌"), marked("Docs done")
    (('Tech lead', True, True), ('OWASP Top 10', True, True), ('SRE', False, True), ('Docs done', None, False))
    >>> marked("⚠️ SOC 2 Type II"), marked("SRE ⚠️ (waiting on the drill)")
    (('SOC 2 Type II', None, True), ('SRE (waiting on the drill)', None, True))
    >>> marked("Security ✅ — Jo, 2026-04-02"), marked("Ship ✅ and ❌ states")
    (('Security — Jo, 2026-04-02', True, True), ('Ship ✅ and ❌ states', None, False))
    >>> marked(":white_check_mark: Docs"), marked("Pen test :x:"), marked("SRE :warning: (drill)")
    (('Docs', True, True), ('Pen test', False, True), ('SRE (drill)', None, True))
    """
    stripped = with_mark_glyphs(text).strip().rstrip("\ufe0f")
    if stripped and stripped[-1] in ALL_MARKS:
        mark, rest = stripped[-1], stripped[:-1].rstrip(MARK_SEPARATORS)
    elif stripped and stripped[0] in ALL_MARKS:
        mark, rest = stripped[0], stripped[1:].lstrip(MARK_SEPARATORS)
    elif max(stripped, default=" ") > "\u2000" and (m := MID_MARK_RE.match(stripped)):
        mark, rest = m["mark"], f"{m['item'].rstrip(MARK_SEPARATORS)} {m['aside']}"
    else:
        return text, None, False
    return squash(rest), True if mark in TICK_MARKS else False if mark in CROSS_MARKS else None, True


def with_mark_glyphs(text: str) -> str:
    """Text with the shortcodes of check marks written as their glyphs; other shortcodes stay.

    >>> with_mark_glyphs(":heavy_check_mark: Done"), with_mark_glyphs("Ship it :rocket:")
    ('✔ Done', 'Ship it :rocket:')
    """
    if ":" not in text:
        return text
    return SHORTCODE_RE.sub(lambda m: SHORTCODE_MARKS.get(m[0], m[0]), text)


def decision(cell: str, lexicon: Lexicon, others: Lexicon | None = None) -> tuple[bool | None, bool]:
    """A checklist or sign-off cell's state (ticked, not ticked, undecided) and whether it states one.

    `others`: the decision words to try when the document's own (`lexicon`) say nothing, those
    every pack agrees on (`Context.agreed_values`): "oui" and "nein" under an English "Done".

    >>> lex = Lexicon.default()
    >>> decision("✅ Approved", lex), decision("Blocked (pen test report pending)", lex), decision("⏳ Pending", lex)
    ((True, True), (False, True), (None, True))
    >>> decision("", lex), decision("Priya Nair", lex), decision("No-go", lex), decision("[x]", lex)
    ((None, False), (None, False), (False, True), (True, True))
    >>> from parsers.lexicon import agreed_values
    >>> decision("oui", lex), decision("oui", lex, agreed_values()), decision("Nein", lex, agreed_values())
    ((None, False), (True, True), (False, True))
    >>> decision("In progress", lex), decision("WIP", lex), decision("Waiting on legal", lex), decision("N/A", lex)
    ((False, True), (False, True), (False, True), (None, True))
    """
    if box := BOX_CELL_RE.match(cell):
        return (True if box["mark"] in ("x", "X", "✓", "✔") else None if box["mark"] == "-" else False), True
    text, mark, has_mark = marked(cell)
    if has_mark:
        return mark, True
    words = fold(text).split()
    for words_of in (lexicon, others):
        if words_of is not None and (said := _decision_word(words, words_of)) is not None:
            return said
    return None, False


def _decision_word(words: list[str], lexicon: Lexicon) -> tuple[bool | None, bool] | None:
    """The state the first one to three words of a cell say, in a lexicon's decision words; None
    when they say none."""
    for size in (3, 2, 1):
        if len(words) < size:
            continue
        phrase = " ".join(words[:size])
        if phrase in lexicon.phrases("decision_yes"):
            return True, True
        if phrase in lexicon.phrases("decision_no"):
            return False, True
        if phrase in lexicon.phrases("decision_pending"):
            return None, True
    return None
