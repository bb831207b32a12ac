"""How plausible a character is where a lost byte was: the scores `pipeline.repair` uses to
choose among the characters an incomplete UTF-8 sequence could have been.

Two parts: `char_score`, how likely a character is in a register at all (a list of what
registers, checklists and assessments contain, by frequency, then Unicode blocks), and
`context_score`, how well it fits between its neighbours (box-drawing arms that meet, a skin
tone after a hand, a joiner between two emoji, U+FE0F after a symbol, a letter of the
language the rest of the document is in). Data and pure functions only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

Page = Literal["cp1252", "cp1254", "unknown"]
CP1254_ONLY_GAPS = b"\x8e\x9e"  # defined in cp1252 (Ž, ž): a gap there means cp1254

# Characters recovered from a gap, most likely first: what registers, checklists and
# assessments actually contain. Every character here has a byte cp1252 or cp1254 lacks in its
# UTF-8 form, and each group lists rivals that differ only in that byte ("ðŸ”" + a lost byte
# is 🔍 🔐 🔁 🔎 🔝 🔏). Order inside a group is the tie-break when context says nothing.
CURATED = (
    "”„←⇐∞\u20e3"  # punctuation, arrows, maths, keycap
    "❌❗❓❤❎❕❔❄➡➕➖➗➜➤➔"  # dingbats
    "┐━┏═╝●"  # box drawing, shapes
    "⚠⭐☐☁☝✏✍⏳⏱⏰⏸⏩⏪⏭⏮⏯⏹⏺"  # symbols, technical (⚠ for its 0xA0)
    "čāĞĐŁŞÁÍÎÝÏÐÞ\u0301"  # letters, combining acute
    "сяэНАО"  # Cyrillic
    # Emoji, by how often documents use them; rivals differ in one lost byte.
    "🔴🟠🟡🟢🔵🟣🟤🟥🟧🟨🟩🟦🟪🟫📝🔍🐛🏆🎉🏁🌍👍🙏🤝📍🔐🔁🏗🏠🐳📞📎📁👎👏👁💎🎯🎨🎁🏢🌐🎓🧐"
)
# Rarer characters with a lost byte, listed so that they rank among their rivals.
CURATED_RARE = (
    "‐┞┝╞┍┎╏╎╁╍▐▍▏▎▁▝▞◐◎◁◍◝◞❇❖➞➝➢➨➦❶❷❸❹❺❻❼❽❾❿➀➁➂➃➄➅➆➇➈➉☎☞☏☍⚐⛏⛎✎✝✁✐✞⏫⏬⏲⌐⬐⬎⬏⬍⬝♞♝"
    "ďĎĝōŐŝŏŎƏƐ\u030d\u030f\u0310юўЎЏЍЁρύώΝΏΞΐΎϐ"
    "🚁🛎😁😎😍😐🙁🏳🏷🏭🏦🏥🏃🏅🏴🏛🐞🐢🐍🐘🐙🐧🐶🐱🐝🐜🎈🎬🎮🎵🎶🎤🎧🎀🎂🎄🎆🎊🎲🍀🍕🍺🍻🍪🍎🍰🍔"
    "📏📐🔎🔝🔏🔞👐👝👞💍💐💝💁💏💞🌎🌏🌞🌝🌁😏😞😝🙍🙎🚎🚐🚍🚏🛏🛁🛍🛝🛞🕐🕝🕞🕍🕎🕏🖐🖍"
    "🗝🗞🗁🗎🗏🗐🗍🤞🤏🤍🤐🤎🥁🥐🥝🥞🥍🥎🥏🦁🦝🦎🦐🦍🦏🦞🧁🧍🧞🧝🧎🧏🪐🪝🪁🪞"
)
CURATED_SCORE: Mapping[str, float] = MappingProxyType(
    {c: 7.0 - 0.001 * rank for rank, c in reversed(list(enumerate(CURATED_RARE)))}
    | {c: 9.0 - 0.001 * rank for rank, c in reversed(list(enumerate(CURATED)))}
)
JOINERS_SCORE = 9.5  # U+200D between two emoji, U+FE0F after a character that takes it
SKIN_TONES = "\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"
# Characters that take U+FE0F (emoji presentation) among those a lost byte makes ambiguous:
# "☁" + FE0F is likelier than "☐" + FE0F, "🏳" + FE0F than "🐳" + FE0F.
TAKES_VS16 = "☁☝☎✍✏✝⏏⏭⏮⏯⏱⏲⏸⏹⏺⛎⛏❣❤❄❇➡⬅⬆⬇☑✔⚠ℹ©®‼⁉™↔↕↖↗↘↙↩↪▪▫▶◀◻◼🏳🏷🏗🏘🏙🏚🏛🏜🏝🏞🏟🏔🏕🏖🏎🏍🏌🏋🐿👁🖍🖐🗝🗞🛎🛏🛍🎞🎟🎙🎚🎛🎖🎗🍽"
# Letters that mark a language, so a recovered letter of the same language fits better.
LANGUAGE_LETTERS = (
    "ğĞıİşŞ",
    "ąćęłńśźżĄĆĘŁŃŚŹŻ",
    "ěřůčďťňšžĚŘŮČĎŤŇŠŽ",
    "őűŐŰ",
    "āēīūģķļņĀĒĪŪ",
    "ðþÐÞæÆÁÍÝ",
    "ĉĝĥĵŝŭĈĜĤĴŜŬ",
    "đĐčćšžČĆŠŽ",
)
# Generic plausibility of a character by block, for what CURATED does not list.
BLOCK_SCORES: tuple[tuple[int, int, float], ...] = (
    (0x00A0, 0x00BF, 4.0),
    (0x00C0, 0x017F, 5.0),
    (0x0180, 0x024F, 3.5),
    (0x0250, 0x02FF, 1.5),
    (0x0300, 0x036F, 2.0),
    (0x0370, 0x04FF, 3.5),
    (0x1E00, 0x1EFF, 4.0),
    (0x2010, 0x205E, 4.0),
    (0x2070, 0x209F, 3.5),
    (0x20A0, 0x20CF, 4.0),
    (0x20D0, 0x20FF, 2.0),
    (0x2100, 0x214F, 4.0),
    (0x2150, 0x218F, 3.0),
    (0x2190, 0x21FF, 5.0),
    (0x2200, 0x22FF, 4.0),
    (0x2300, 0x23FF, 3.0),
    (0x2500, 0x257F, 5.0),
    (0x2580, 0x259F, 4.5),
    (0x25A0, 0x25FF, 5.0),
    (0x2600, 0x27BF, 5.0),
    (0x27C0, 0x27FF, 3.5),
    (0x2900, 0x297F, 3.5),
    (0x2980, 0x2AFF, 3.0),
    (0x2B00, 0x2BFF, 4.0),
    (0x1F300, 0x1F6FF, 5.0),
    (0x1F7E0, 0x1F7EB, 6.0),
    (0x1F900, 0x1F9FF, 5.0),
    (0x1F000, 0x1F0FF, 2.0),
    (0x1F100, 0x1F2FF, 5.0),
    (0x1FA70, 0x1FAFF, 5.0),
)


@lru_cache(maxsize=8192)  # a document asks about few distinct characters, many times each
def char_score(char: str) -> float:
    """How plausible a character is in a register, before looking at its neighbours.

    >>> char_score("❌") > char_score("⌐") > char_score("⍌") >= char_score("闅")
    True
    """
    if char in CURATED_SCORE:
        return CURATED_SCORE[char]
    cp = ord(char)
    for lo, hi, score in BLOCK_SCORES:
        if lo <= cp <= hi:
            return score
    return 0.0


def _is_emoji(char: str) -> bool:
    """Part of an emoji sequence (emoji, symbol, presentation selector, keycap, skin tone)."""
    cp = ord(char) if char else 0
    return (
        cp in (0xFE0F, 0x20E3)
        or 0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x2B00 <= cp <= 0x2BFF
        or 0x2300 <= cp <= 0x23FF
    )


def _modifier_base(char: str) -> bool:
    """Can a skin tone follow this character? (people and hands, approximately)"""
    cp = ord(char) if char else 0
    return (
        0x1F442 <= cp <= 0x1F487
        or cp == 0x1F4AA
        or 0x1F574 <= cp <= 0x1F596
        or 0x1F645 <= cp <= 0x1F64F
        or 0x1F6A3 <= cp <= 0x1F6CC
        or 0x1F90C <= cp <= 0x1F9DD
        or 0x1F3C2 <= cp <= 0x1F3CC
        or 0x1FAC3 <= cp <= 0x1FAF8
        or cp in (0x261D, 0x26F9, 0x1F385)
        or 0x270A <= cp <= 0x270D
    )


def box_arms(char: str) -> tuple[frozenset[str], str]:
    """The arms of a box-drawing character and its weight, from its Unicode name.

    >>> sorted(box_arms("┐")[0]), box_arms("┐")[1], sorted(box_arms("═")[0]), box_arms("═")[1]
    (['down', 'left'], 'light', ['left', 'right'], 'double')
    >>> box_arms("a")
    (frozenset(), '')
    """
    if not char or not 0x2500 <= ord(char) <= 0x257F:
        return frozenset(), ""
    words = unicodedata.name(char, "").split()
    arms: set[str] = set()
    for w in words:
        if w in ("LEFT", "RIGHT", "UP", "DOWN"):
            arms.add(w.lower())
        elif w == "HORIZONTAL":
            arms |= {"left", "right"}
        elif w == "VERTICAL":
            arms |= {"up", "down"}
    weights = {w.lower() for w in words if w in ("LIGHT", "HEAVY", "DOUBLE")}
    return frozenset(arms), weights.pop() if len(weights) == 1 else "mixed"


def context_score(char: str, prev: str | None, nxt: str | None, page: Page, letters: frozenset[str]) -> float:
    """How well a recovered character fits between its neighbours ("" at a line end, None
    where the neighbour is itself a gap not decided yet).

    >>> context_score("┐", "─", "", "cp1252", frozenset()) > context_score("┏", "─", "", "cp1252", frozenset())
    True
    >>> joiner, none = "\\u200d", frozenset()
    >>> context_score(joiner, "👨", "💻", "cp1252", none) > 0 > context_score(joiner, "a", " ", "cp1252", none)
    True
    """
    score = 0.0
    if char == "\u200d":
        if prev is None or nxt is None:
            return 0.0
        return JOINERS_SCORE if _is_emoji(prev) and _is_emoji(nxt) else -20.0
    if char == "\ufe0f":
        if prev is None:
            return 0.0
        takes = prev and (
            prev in TAKES_VS16
            or unicodedata.category(prev) in ("So", "Sm")
            or ord(prev) >= 0x1F000
            or (prev in "#*0123456789" and nxt == "\u20e3")
        )
        return JOINERS_SCORE if takes else -20.0
    if char in SKIN_TONES:
        return 0.0 if prev is None else 5.0 if _modifier_base(prev) else -5.0
    prev = prev if prev is not None else "?"
    nxt = nxt if nxt is not None else "?"
    if nxt == "\ufe0f":
        score += 2.0 if char in TAKES_VS16 else -1.0
    elif char in TAKES_VS16 and nxt != "?" and ord(char) >= 0x2300:
        score -= 0.6  # documents that use "✏" as an emoji mostly write "✏️"
    arms, weight = box_arms(char)
    if weight:
        for other, mine, theirs in ((prev, "left", "right"), (nxt, "right", "left")):
            other_arms, other_weight = box_arms(other)
            if other == "?":
                continue
            if other_weight:
                score += 2.0 if (mine in arms) == (theirs in other_arms) else -2.0
                score += 0.5 if other_weight == weight else 0.0
            elif other in ("", " ", "\t"):
                score += 1.0 if mine not in arms else -1.0
    if char == "„":  # German opening quote: before a word, never after one
        score += 1.0 if prev in ("", " ", "\t", "(", "[") and nxt not in ("", " ", "\t", "?") else -2.0
    if char.isalpha() and ord(char) < 0x2000:
        if prev.isalpha() and prev.islower() and char.isupper():
            score -= 2.0
        if any(char in group and letters & set(group) - {char} for group in LANGUAGE_LETTERS):
            score += 3.0
        if page == "cp1254" and char in "ĞŞİ":
            score += 1.5
        script = unicodedata.name(char, "").split()[0]
        if script in ("GREEK", "CYRILLIC"):
            score += 2.0 if any(unicodedata.name(c, "").startswith(script) for c in letters) else -1.0
    if unicodedata.category(char) == "Mn":
        score += 2.0 if prev.isalpha() else -5.0
    if any(b in CP1254_ONLY_GAPS for b in char.encode("utf-8")[1:]) and page == "unknown":
        score -= 0.5
    return score
