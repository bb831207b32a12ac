"""The label grammar of risk sections and records: which line opens with a field label, where
further labels start inside a line, and which field a label names.

Pure functions on canonical marked text (`parsers.model`: a bold label is `**Likelihood:**`
whatever the syntax was). A line gives labels: bold, italic or plain (`**Severity**: High`,
`*Likelihood*: Low`, `Impact – High`, `Responsável：Ana`), bold wrapping label and value
(`**Priority: 9 (Critical)**`), several on one line after separators (`Likelihood: 3 | Impact:
4`, `Risk: x; Owner: SRE`, `**Category:** Legal · **Likelihood:** High`), or after a title in
front (`**Vault sealed** — Likelihood: High`). A bold label may name anything (`**Playbook**:`,
kept in `extra`); a plain one, a dashed one or one inside a line is taken only when it names a
canonical field, since `Note: see below` in prose is not a field. Labels map onto fields through
the lexicon, a field word inside a longer label included ("Risk Owner Recommendation" is the
owner); ambiguous labels ("Risk", "Priority") are settled by their value.
"""

from __future__ import annotations

import bisect
import re

from parsers.inline import plain
from parsers.lexicon import RATING_FIELDS
from parsers.recognise.columns import field_of_header
from parsers.recognise.common import NUMBER_CELL_RE, Context, looks_like_id
from pipeline.textnorm import fold, squash

# A label opening a line, in emphasis with its colon inside or just after it: "**Severity**:",
# "**Severity:**", "*Status*:" (full-width colons too). Without a colon ("**Idempotency**
# (HIGH)") a bold phrase is not a label.
BOLD_LABEL_RE = re.compile(
    r"""
    ^\s*(?P<mark>\*{1,2})
    (?P<label>[^*:：\s][^*:：\n]{0,47}?)\s*
    (?:[:：]\s*(?P=mark) | (?P=mark)\s*[:：])
    \s*(?P<value>.*)$
""",
    re.VERBOSE,
)
# A label whose emphasis wraps its value too: "**Priority: 9 (Critical)**". Taken only when the
# label names a field: "**R001: Vault outage**" is a heading, "**Note: read this**" prose. The
# closing marker is left in the value (reader's text drops it).
WRAPPED_LABEL_RE = re.compile(
    r"^\s*(?P<mark>\*{1,2})(?P<label>[^*:：\s][^*:：\n]{0,47}?)\s*[:：]\s*(?P<value>[^*\s].*)$"
)
# A plain "Likelihood: Medium" line, in any script ("Responsável: Ana", "Probabilità: alta"),
# its scale hint in full-width brackets too ("発生確率（1〜5）：高").
# The colon is checked by the caller: an ASCII colon needs a space or the end after it ("10:30"
# and "https://x" are not labels); a full-width one needs nothing.
PLAIN_LABEL_RE = re.compile(r"^\s*(?P<label>[^\W\d_][\w /()（）〜～&'.-]{0,38}?)\s*(?P<colon>[:：])(?P<value>.*)$")
# The id or words opening a value of such a line: a space after an ASCII colon.
AFTER_COLON_RE = re.compile(r"^(?:\s|$)")
# A label followed by a dash instead of a colon: "**Likelihood** — High", "Likelihood – High".
DASH_LABEL_RE = re.compile(
    r"^\s*(?P<mark>\*{1,2})(?P<label>[^*:：\s][^*:：\n]{0,39}?)(?P=mark)\s*[–—-]\s+(?P<value>.*)$"
)
PLAIN_DASH_LABEL_RE = re.compile(r"^\s*(?P<label>[^\W\d_][\w /()&'.]{0,38}?)\s+[–—-]\s+(?P<value>\S.*)$")
# A further bold label inside a line: "**Likelihood:** High | **Impact:** Medium", "· **Priority:
# 9 (Critical)**". Only labels naming a canonical field split a line.
INNER_LABEL_RE = re.compile(
    r"""
    (?:^|(?<=\s)|(?<=[|·•;,；，、]))
    (?P<mark>\*\*)(?P<label>[^*:：\s][^*:：\n]{0,39}?)\s*
    (?:[:：]\s*(?P=mark) | (?P=mark)\s*[:：] | [:：](?=\s*[^*\s]))
""",
    re.VERBOSE,
)
# What separates two labels on one line: "High | ", "High · ", "High; ", "High - " (trimmed
# from the end of a value, with spaces, by a loop rather than a pattern that would rescan runs).
# Japanese and Chinese set fields apart with an ideographic space ("発生確率：中　影響度：高").
IDEOGRAPHIC_SPACE = "\u3000"
SEPARATOR_CHARS = frozenset("|·•;,；，、–—-" + IDEOGRAPHIC_SPACE)
# A separator after which a plain label may start inside a line: "3 | Impact: 4", "High; Owner:
# SRE", "medium. Impact: high", "Title — Likelihood: High", "**Vault sealed.** Likelihood: high",
# "中　影響度：高" (an ideographic space).
LABEL_SEPARATOR_RE = re.compile(r"[|;·•,；，、\u3000]\s*|\.\s+|\s[–—-]\s+|\s(?=\*{1,2}[^\W\d_])|(?<=\*\*)\s+")
# A parenthesis after a record's title that opens its labels: "**Disk fills** (Likelihood: Medium,
# Impact: High)". Only in front of the first label: inside a value ("add replicas (impact: less
# load)") a parenthesis is an aside.
LABELS_OPEN_RE = re.compile(r"\(\s*")
# A label at a given place: plain ("Impact:") or in emphasis ("*Status*:", "**Owner:**",
# "**Priority: 9**"), then a space or the end (nothing needed after a full-width colon).
LABEL_AT_RE = re.compile(
    r"""
    (?:(?P<mark>\*{1,2})(?P<marked>[^*:：\s][^*:：\n]{0,39}?)\s*
         (?:[:：]\s*(?P=mark) | (?P=mark)\s*[:：] | [:：](?=\s*[^*\s]))
      | (?P<plain>[^\W\d_][\w /()（）〜～&'-]{0,38}?)\s*[:：])
    (?:(?<=：)|(?=\s|$))
""",
    re.VERBOSE,
)
# A rating label written without a colon, straight before a number or "x/N" ("— Likelihood 7/10,
# Impact 8/10"): taken only inside a record's line after a separator, and only when the label
# names a rating field, so "Impact on users" or "impact 3 teams" in prose stays prose.
BARE_RATING_AT_RE = re.compile(r"(?P<plain>[^\W\d_]{2,20}(?: [^\W\d_]{2,20})?) (?=\d{1,2}(?:/\d{1,2})?\b)")
# An id in bold in front of a record's title: "**R1** Disk fills", "**RSK-3** — Vault sealed". The
# emphasis says where the id ends, as a colon would ("R1 Disk fills" alone is a title, as "S3
# bucket" is); `looks_like_id` decides whether the bold text is an id.
BOLD_ID_LEAD_RE = re.compile(r"^\s*\*\*(?P<id>[^*\s]{1,24})\*\*\s*(?:[:–—-]\s*)?(?P<title>[^\s:–—-].*)$")
# Separators and markup left around a title taken from the text before a record's first label.
TITLE_TRIM = " \t:;|·•,.–—-*_"
# The label under which a severity stated in a heading is kept (`headers`, `extra`).
HEADING_LABEL = "(heading)"


def label_of(line: str, ctx: Context, *, plain_labels: bool) -> tuple[str, str] | None:
    """(label, value as marked text) when a marked line opens with a label; plain and dashed
    labels only when asked and only when they name a field.

    >>> bold = lambda line: label_of(line, Context("x.md", "markdown"), plain_labels=False)
    >>> any_ = lambda line: label_of(line, Context("x.md", "markdown"), plain_labels=True)
    >>> bold("**Severity**: 🟢 HIGH"), bold("**Likelihood:** Medium"), bold("**Idempotency** (🔴 CRITICAL)")
    (('Severity', '🟢 HIGH'), ('Likelihood', 'Medium'), None)
    >>> any_("Likelihood: Low"), any_("Future: WORM export"), any_("Impact – High"), bold("**Owner** — SRE")
    (('Likelihood', 'Low'), None, ('Impact', 'High'), ('Owner', 'SRE'))
    >>> bold("**Priority: 9 (Critical)**"), bold("**R001: Vault outage**")
    (('Priority', '9 (Critical)**'), None)
    >>> any_("Owner：Ana"), any_("Owner:SRE"), any_("Responsável: Ana")
    (('Owner', 'Ana'), None, None)
    >>> any_("Likelihood（1〜5）：High")
    ('Likelihood（1〜5）', 'High')
    """
    # A pure function of the line and the lexicon, asked of the same line more than once (a list
    # item's first line, then its lines) and of the same lines in every document of a template.
    return ctx.lexicon.remembered("label_of", line, (line, plain_labels), lambda: _label_of(line, ctx, plain_labels))


def _label_of(line: str, ctx: Context, plain_labels: bool) -> tuple[str, str] | None:
    if m := BOLD_LABEL_RE.match(line):
        return _label(m["label"]), m["value"].strip()
    if (m := WRAPPED_LABEL_RE.match(line)) and field_of_header(_label(m["label"]), ctx):
        return _label(m["label"]), m["value"].strip()
    if (m := DASH_LABEL_RE.match(line)) and ctx.lexicon.field_of(_label(m["label"])):
        return _label(m["label"]), m["value"].strip()
    if not plain_labels:
        return None
    m = PLAIN_LABEL_RE.match(line)
    if m and (m["colon"] == "：" or AFTER_COLON_RE.match(m["value"])) and ctx.lexicon.field_of(m["label"]):
        return squash(m["label"]), m["value"].strip()
    if (m := PLAIN_DASH_LABEL_RE.match(line)) and ctx.lexicon.field_of(m["label"]):
        return squash(m["label"]), m["value"].strip()
    return None


def _label(marked: str) -> str:
    return squash(plain(marked))


def split_labels(label: str, value: str, ctx: Context) -> list[tuple[str, str]]:
    """One label's value split where further field labels start on the same line: bold ones
    after a space, plain ones after a separator (`|`, `;`, `·`, `,`, `. `, ` — `).

    >>> ctx = Context("x.md", "markdown")
    >>> split_labels("Likelihood", "High | **Impact:** Medium · **Score**: 12", ctx)
    [('Likelihood', 'High'), ('Impact', 'Medium'), ('Score', '12')]
    >>> split_labels("Likelihood", "3 | Impact: 4 | Score: 12", ctx)
    [('Likelihood', '3'), ('Impact', '4'), ('Score', '12')]
    >>> split_labels("Category", "Legal · **Likelihood:** High · **Priority: 9 (Critical)**", ctx)
    [('Category', 'Legal'), ('Likelihood', 'High'), ('Priority', '9 (Critical)**')]
    >>> split_labels("Mitigation", "use **Note:** carefully; see: runbook", ctx)
    [('Mitigation', 'use **Note:** carefully; see: runbook')]
    """
    cuts = _label_cuts(value, ctx)
    if not cuts:
        return [(label, value)]
    return [(label, trim_separators(value[: cuts[0][0]])), *_cut_pairs(value, cuts)]


def labels_from_start(text: str, ctx: Context) -> list[tuple[str, str]]:
    """The labels of a value that itself opens with field labels ("Likelihood: 4, Severity: 4,
    Overall: 16 (Unacceptable)" after "**Before Mitigation**:"), or [] when it does not.

    >>> labels_from_start("Likelihood: 4, Severity: 4, Overall: 16 (Unacceptable)", Context("x.md", "md"))
    [('Likelihood', '4'), ('Severity', '4'), ('Overall', '16 (Unacceptable)')]
    """
    first = label_of(text, ctx, plain_labels=True)
    if first is None or not field_of_header(first[0], ctx):
        return []
    return split_labels(*first, ctx)


def lead_and_labels(text: str, ctx: Context) -> tuple[str, list[tuple[str, str]]]:
    """A line's text in front of its first field label (a title, markup dropped) and its labels.

    >>> ctx = Context("x.md", "markdown")
    >>> lead_and_labels("**Vault sealed** — Likelihood: High; Impact: Low; Owner: SRE", ctx)
    ('Vault sealed', [('Likelihood', 'High'), ('Impact', 'Low'), ('Owner', 'SRE')])
    >>> lead_and_labels("Rotate keys; see the runbook", ctx)
    ('Rotate keys; see the runbook', [])
    >>> lead_and_labels("**R1** Disk fills — Likelihood: High", ctx)
    ('R1: Disk fills', [('Likelihood', 'High')])
    >>> lead_and_labels("**R1 – Disk fills** (Likelihood: Medium, Impact: High). Owner: SRE", ctx)
    ('R1 – Disk fills', [('Likelihood', 'Medium'), ('Impact', 'High'), ('Owner', 'SRE')])
    >>> lead_and_labels("**Kafka skills** (Likelihood: High, Impact: Medium) — training approved", ctx)
    ('Kafka skills', [('Likelihood', 'High'), ('Impact', 'Medium')])
    """
    cuts = _label_cuts(text, ctx)
    if opening := _labels_in_brackets(text, cuts, ctx):
        # The bracket's labels end where it closes: text after it with no label of its own
        # ("— training approved") is a remark, not a part of the last rating.
        close = _closing(text, opening[0])
        inside = [cut for cut in cuts if cut[0] < close]
        after = [cut for cut in cuts if cut[0] >= close]
        pairs = _cut_pairs(text[:close], [opening, *inside]) + (_cut_pairs(text, after) if after else [])
        return _lead(text[: opening[0]]).strip(TITLE_TRIM), pairs
    if not cuts:
        return _lead(text), []
    return _lead(text[: cuts[0][0]]).strip(TITLE_TRIM), _cut_pairs(text, cuts)


def _labels_in_brackets(text: str, cuts: list[tuple[int, int, str]], ctx: Context) -> tuple[int, int, str] | None:
    """The cut of a field label that a parenthesis opens after a title, in front of every other
    label ("Disk fills (Likelihood: Medium, Impact: High)"), or None."""
    for m in LABELS_OPEN_RE.finditer(text, 0, cuts[0][0] if cuts else len(text)):
        at = LABEL_AT_RE.match(text, m.end())
        if m.start() > 0 and at is not None and _names_field(label := _label(at["marked"] or at["plain"]), ctx):
            return m.start(), at.end(), label
    return None


def _closing(text: str, start: int) -> int:
    """Where the parenthesis opened at `start` closes (brackets inside it nested), or the end of
    the text when it never does.

    >>> _closing("x (High) now", 2), _closing("x (SRE (on call)) now", 2), _closing("x (High", 2)
    (7, 16, 7)
    """
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def _lead(marked: str) -> str:
    """The reader's text of a record's lead, a bold id in front of the title set off by a colon
    as a heading writes it (`**R1** Disk fills` -> `R1: Disk fills`).

    >>> _lead("**R1** Disk fills"), _lead("**Vault sealed** now"), _lead("R1 Disk fills")
    ('R1: Disk fills', 'Vault sealed now', 'R1 Disk fills')
    """
    if (m := BOLD_ID_LEAD_RE.match(marked)) and looks_like_id(m["id"]):
        return f"{m['id']}: {squash(plain(m['title']))}"
    return squash(plain(marked))


def trim_separators(text: str) -> str:
    """Text without the separators and spaces at its end.

    >>> trim_separators("High | "), trim_separators("Open ·")
    ('High', 'Open')
    """
    end = len(text)
    while end and (text[end - 1].isspace() or text[end - 1] in SEPARATOR_CHARS):
        end -= 1
    return text[:end]


def _label_cuts(text: str, ctx: Context) -> list[tuple[int, int, str]]:
    """(start, end, label) of every field label inside a line that starts after a separator."""
    inner = [
        (m.start(), m.end(), label)
        for m in INNER_LABEL_RE.finditer(text)
        if m.start() > 0 and _names_field(label := _label(m["label"]), ctx)
    ]
    starts = [start for start, _, _ in inner]
    cuts = list(inner)
    for sep in LABEL_SEPARATOR_RE.finditer(text):
        m = LABEL_AT_RE.match(text, sep.end())
        if m is None:
            if (bare := BARE_RATING_AT_RE.match(text, sep.end())) and field_of_header(
                bare["plain"], ctx
            ) in RATING_FIELDS:
                cuts.append((sep.start(), bare.end(), bare["plain"]))
            continue
        k = bisect.bisect_right(starts, m.start()) - 1
        if k >= 0 and m.start() < inner[k][1]:
            continue  # inside a bold label already cut
        label = _label(m["marked"] or m["plain"])
        if _names_field(label, ctx):
            cuts.append((sep.start(), m.end(), label))
    return sorted(cuts)


def _names_field(label: str, ctx: Context) -> bool:
    return field_of_header(label, ctx) is not None or ctx.lexicon.is_word("overall_labels", label)


def _cut_pairs(text: str, cuts: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """(label, value) for each cut: the value runs to the next cut, separators trimmed."""
    out = []
    for (_, end, label), nxt in zip(cuts, [*cuts[1:], None], strict=True):
        value = text[end : nxt[0] if nxt else None]
        out.append((label, trim_separators(value).strip()))
    return out


def label_field(label: str, value: str, ctx: Context) -> str | None:
    """The canonical field a section label names, ambiguous labels settled by their value; an
    overall figure ("Overall: 16") is a severity.

    >>> ctx = Context("x.md", "markdown")
    >>> label_field("Risk", "🟡 MEDIUM", ctx), label_field("Risk", "Tenants see each other's data", ctx)
    ('severity', 'title')
    >>> label_field("Priority", "12", ctx), label_field("Risk After", "🟢 LOW", ctx), label_field("Playbook", "x", ctx)
    ('score', 'severity', None)
    >>> label_field("Risk Owner Recommendation", "SRE", ctx), label_field("Overall", "16 (High)", ctx)
    ('owner', 'severity')
    """
    if label == HEADING_LABEL:
        return "severity"
    fld = field_of_header(label, ctx)
    if fld is None:
        return "severity" if ctx.lexicon.is_word("overall_labels", label) else None
    choices = ctx.lexicon.choices(label)
    if not choices:
        return fld
    if choices[0] == "title":
        return "severity" if ctx.is_rating(value) else "title"
    number = NUMBER_CELL_RE.match(value)
    return "score" if number and int(number["n"]) > 5 else "severity"


def names_whole(label: str, ctx: Context) -> bool:
    """Whether a label names its field as a whole ("Owner"), not by a word inside it ("Lead time")."""
    return label == HEADING_LABEL or ctx.lexicon.field_of(label) is not None or bool(ctx.lexicon.choices(label))


def rated(value: str, ctx: Context) -> bool:
    """Whether a likelihood, impact or score value reads as a rating rather than an explanation:
    a scale word or number near its start, or a value of three words at most.

    >>> rating = lambda value: rated(value, Context("x.md", "markdown"))
    >>> rating("🟡 Medium"), rating("3/5"), rating("High → Low"), rating("Likely (4) after the migration")
    (True, True, True, True)
    >>> rating("how often we expect it in the next two quarters."), rating("API becomes unresponsive, all fail")
    (False, False)
    >>> rating("Rare, Unlikely, Possible, Likely, Almost certain")
    False
    """
    words = fold(value).split()
    scale = ctx.config.scale_words
    if not words or len({w for w in words if w in scale}) >= 3:
        return False  # "Rare, Unlikely, Possible, Likely": a scale, not a rating
    severities = ctx.config.severity_words
    return (
        len(words) <= 3 or ctx.is_rating(value) or any(w in scale or w in severities or w.isdigit() for w in words[:2])
    )
