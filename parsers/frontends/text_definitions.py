"""Scraped definition lists: a risk's fields that lost their markup, paired back; for the text front end.

A page's `<dl>` (or a two-column fields table) saved as text loses what tied each label to its
value: html2text writes the term on a line and the definition indented under it, a browser copy
writes them on two lines of their own, and a copied table writes "Likelihood<TAB>Likely". Each
line then looks like a short heading. `definitions` pairs them back into `KeyValue`s, and only
where certain: the label line is nothing but a field label the lexicon knows (`field_of`: the
labels of `[labels]`, in every language pack read), and a label and value on lines of their
own count only in a run of two or more such pairs (a lone "Summary" over a line of prose stays a
heading over a paragraph). A value line is never itself a label, a list line or a box line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from parsers.frontends.boxes import leading_box
from parsers.frontends.linescan import indent_of, tidy
from parsers.inline import escape
from parsers.lexicon import Lexicon
from parsers.model import KeyValue

# A list line's marker: its text is an item, never a value (the text front end's bullets and numbers).
LIST_LINE_RE = re.compile(r"^[ \t]*(?:[-*+•‣▪◦]|\d{1,3}[.)])(?:[ \t]|$)")
# Most cells of a table row copied as text that is a label and its value ("Likelihood<TAB>Likely").
TAB_CELLS = 2
# Fewest pairs in a run that has a label and value on lines of their own (a tab row alone is enough).
MIN_PAIRS = 2


def field_label(line: str, lexicon: Lexicon) -> bool:
    """Whether a whole line is a field label the lexicon knows, and nothing else.

    >>> lex = Lexicon.default()
    >>> [field_label(s, lex) for s in ("Likelihood", "  Impact ", "Likely", "Owner: SRE", "Release plan ready")]
    [True, True, False, False, False]
    """
    s = line.strip()
    return bool(s) and ":" not in s and "\t" not in s and lexicon.field_of(s) is not None


def tab_pair(line: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """(label, value) of a fields-table row copied as "Label<TAB>value", or None.

    >>> lex = Lexicon.default()
    >>> tab_pair("Likelihood\\tRare", lex), tab_pair("Owner\\t\\tSecurity Engineering", lex)
    (('Likelihood', 'Rare'), ('Owner', 'Security Engineering'))
    >>> tab_pair("Likelihood Rare", lex), tab_pair("Colour\\tRed", lex), tab_pair("ID\\tRisk\\tOwner", lex)
    (None, None, None)
    """
    if "\t" not in line:
        return None
    cells = [c.strip() for c in line.split("\t") if c.strip()]
    if len(cells) != TAB_CELLS or not field_label(cells[0], lexicon):
        return None
    return cells[0], cells[1]


def definitions(
    lines: Sequence[str], start: int, lexicon: Lexicon, taken: Callable[[int], bool]
) -> tuple[list[KeyValue], int]:
    """The definitions from index `start` on, and the index after them ([] and `start` when none).

    `taken(k)`: the line at index k is read as something else already (page chrome, a table).
    >>> lex, lines = Lexicon.default(), ["Likelihood", "    Likely", "Impact", "    Moderate", "Notes"]
    >>> pairs, end = definitions(lines, 0, lex, lambda k: False)
    >>> [(d.line, d.end, d.key, d.value) for d in pairs], end
    ([(1, 2, 'Likelihood', 'Likely'), (3, 4, 'Impact', 'Moderate')], 4)
    >>> definitions(["Summary", "One line of prose."], 0, lex, lambda k: False)
    ([], 0)
    >>> [(d.key, d.value) for d in definitions(["Owner\\tSRE", "Other"], 0, lex, lambda k: False)[0]]
    [('Owner', 'SRE')]
    """
    found: list[KeyValue] = []
    line_pairs = 0
    k = start
    while k < len(lines) and not taken(k):
        if (pair := tab_pair(lines[k], lexicon)) is not None:
            found.append(_definition(pair[0], pair[1], k, k))
            k += 1
            continue
        end = _value_end(lines, k, lexicon, taken)
        if end is None:
            break
        value = " ".join(lines[j].strip() for j in range(k + 1, end))
        found.append(_definition(lines[k].strip(), value, k, end - 1))
        line_pairs += 1
        k = end
    if line_pairs and len(found) < MIN_PAIRS:
        return [], start  # one label line over one line: a heading over its paragraph, as likely
    return found, k


def _value_end(lines: Sequence[str], k: int, lexicon: Lexicon, taken: Callable[[int], bool]) -> int | None:
    """The index after the value under a label line at index k, or None when k is no label over one.

    The value is the next line, and the lines after it indented deeper than the label (html2text
    indents a definition and wraps it there)."""
    if not field_label(lines[k], lexicon) or k + 1 >= len(lines) or taken(k + 1):
        return None
    value = lines[k + 1]
    if not value.strip() or field_label(value, lexicon) or tab_pair(value, lexicon) is not None:
        return None
    if LIST_LINE_RE.match(value) or leading_box(value.strip())[0] is not None:
        return None
    indent = indent_of(lines[k])
    end = k + 2
    if indent_of(value) > indent:
        while end < len(lines) and lines[end].strip() and not taken(end) and indent_of(lines[end]) > indent:
            end += 1
    return end


def _definition(key: str, value: str, first: int, last: int) -> KeyValue:
    value = tidy(value)
    return KeyValue(line=first + 1, end=last + 1, key=tidy(key), value=value, marked=escape(value))
