"""YAML front matter: the `---` block docs-as-code sites (Jekyll, Hugo, MkDocs, issue templates)
open a page with. Its keys are document properties and its `title` the declared title; the
front ends blank it out (line count kept) before reading the body, as a renderer would, so it
is never taken for a setext heading or a list.
"""

from __future__ import annotations

import re

from pipeline.textnorm import squash

# "---" on the very first line, then lines up to the closing "---" or "..." (at most 80 lines,
# so a horizontal rule far below is never taken for its end).
FRONT_MATTER_RE = re.compile(r"\A\ufeff?---[ \t]*\n(?P<body>(?:[^\n]*\n){0,80}?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
# One "key: value" line of front matter (nested YAML and list items are skipped).
FRONT_KEY_RE = re.compile(r"^(?P<key>[^\W\d][\w .-]{0,40}?)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$")
KEY_SEPARATORS_RE = re.compile(r"[_-]+")


def front_matter(text: str) -> dict[str, str]:
    """The `key: value` pairs of a front-matter block, keys lower-cased with `_`/`-` as spaces,
    quotes around values dropped; {} when the text opens with none.

    >>> front_matter("---\\ntitle: 'Payments: PRR'\\nservice_name: ledger\\ntags: [a, b]\\n---\\n# x")
    {'title': 'Payments: PRR', 'service name': 'ledger', 'tags': '[a, b]'}
    >>> front_matter("---\\n\\nJust a rule above a paragraph\\n---\\n"), front_matter("# Title")
    ({}, {})
    """
    if not text.startswith(("---", "\ufeff---")):
        return {}
    m = FRONT_MATTER_RE.match(text)
    if m is None:
        return {}
    found: dict[str, str] = {}
    for line in m["body"].splitlines():
        if line[:1].isspace() or not (key := FRONT_KEY_RE.match(line)):
            continue
        value = key["value"]
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        name = KEY_SEPARATORS_RE.sub(" ", key["key"]).lower().strip()
        if value and name not in found:
            found[name] = squash(value)
    return found


def split(text: str) -> tuple[dict[str, str], str]:
    """(front-matter properties, the text with the block blanked out, line count kept).

    >>> split("---\\ntitle: x\\n---\\n- [ ] a")
    ({'title': 'x'}, '\\n\\n\\n- [ ] a')
    >>> split("## A\\n---")
    ({}, '## A\\n---')
    """
    properties = front_matter(text)
    if not properties:
        return {}, text
    m = FRONT_MATTER_RE.match(text)
    assert m is not None
    n = m.group(0).rstrip("\n").count("\n") + 1
    lines = text.split("\n")
    return properties, "\n" * n + "\n".join(lines[n:])
