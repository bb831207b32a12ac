"""Task boxes written as text, for every front end: `[x] Backups restored`, `☐ Load test`.

One rule, read by the Markdown front end (`- [x]` items, box lines that lost their list marker)
and the HTML front end (`<li>[x] ...</li>`, glyphs a Word or Confluence copy put in the text,
and the glyphs it writes itself for `<input type="checkbox">` inside a paragraph or a cell).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from parsers.model import Box

# The task box a text opens with: `[ ]`, `[x]`, `[X]` (also ✓/✔ inside the brackets), a box
# glyph a copy put there (`☑ Backups restored`), or a box marked not applicable or dropped
# (`[n/a]`, `[-]`: a check whose state says neither), then a space or the end of the text.
BOX_RE = re.compile(r"^(?:\[(?P<mark>[ xX✓✔])\]|(?P<glyph>[☐☑☒⬜🔲])\ufe0f?|\[(?P<neither>-|[nN]/[aA])\])(?:[ \t]+|$)")
BOX_STATES: Mapping[str, Box] = {" ": "unticked", "x": "ticked", "X": "ticked", "✓": "ticked", "✔": "ticked"}
GLYPH_STATES: Mapping[str, Box] = {"☐": "unticked", "⬜": "unticked", "🔲": "unticked", "☑": "ticked", "☒": "ticked"}
# The glyph written for a box whose state is known (an unknown state has none).
GLYPHS: Mapping[Box, str] = {"ticked": "☑", "unticked": "☐"}


def leading_box(text: str) -> tuple[Box | None, str]:
    """(box state, text after the box) when the text opens with a task box, else (None, text).

    >>> leading_box("[x] Backups restored"), leading_box("[ ] Load test"), leading_box("☑ Done")
    (('ticked', 'Backups restored'), ('unticked', 'Load test'), ('ticked', 'Done'))
    >>> leading_box("Docs [x]"), leading_box("[n/a] Legacy RADIUS")
    ((None, 'Docs [x]'), ('unknown', 'Legacy RADIUS'))
    """
    m = BOX_RE.match(text)
    if m is None:
        return None, text
    state = BOX_STATES[m["mark"]] if m["mark"] else GLYPH_STATES[m["glyph"]] if m["glyph"] else "unknown"
    return state, text[m.end() :]
