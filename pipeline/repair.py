"""Stage repair: undo mojibake (UTF-8 once read as Windows-1252/1254 and saved again).

Clean text must come back byte for byte, so ftfy runs only on lines that a cheap pre-check
flags, and with the options that would otherwise rewrite clean text (quote straightening,
line-break and width normalisation) turned off.
"""

from __future__ import annotations

import re

import ftfy

from pipeline.records import Repair

# Sequences that UTF-8 read as cp1252/cp1254 produces and real text almost never contains:
# "Ã©", "â€”", "â†’", "âœ…", "ğŸ”´", "Â " ...
MOJIBAKE_RE = re.compile(r"[ÃÂ][\x80-\xbf\u0152-\u0178\u2013-\u203a\u20ac\u2122\u02c6\u02dc ]|â[\x80-\xbf\u0152-\u0178\u2013-\u203a\u20ac\u2122\u02c6\u02dc]|ğŸ|ï¸|Ÿ")

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    normalization=None,
    explain=True,
)


def needs_repair(text: str) -> bool:
    """Cheap pre-check: does the text contain mojibake at all?

    >>> needs_repair("plain — text ✅"), needs_repair("bad â€” text")
    (False, True)
    """
    return MOJIBAKE_RE.search(text) is not None


def repair_text(text: str) -> tuple[str, list[Repair]]:
    """The text with mojibake undone, line by line, and the repairs made."""
    if not needs_repair(text):
        return text, []
    lines = text.split("\n")
    steps: dict[str, Repair] = {}
    for k, line in enumerate(lines):
        if not needs_repair(line):
            continue
        fixed, explanation = ftfy.fix_and_explain(line, FTFY_CONFIG)
        if fixed != line:
            lines[k] = fixed
            for step in explanation or []:
                name = f"ftfy:{step.action}:{step.parameter}"
                prev = steps.get(name)
                steps[name] = Repair(name, (prev.count if prev else 0) + 1, prev.line if prev else k + 1)
    return "\n".join(lines), list(steps.values())
