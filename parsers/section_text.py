"""Risk sections as text: the id, title and stated severity of a heading, and field labels.

Pure functions on strings, shared by `parsers.markdown_sections` and its helper modules (headings,
labelled bullets and paragraphs, records). A heading gives an id and a title (`R001: Title`,
`RISK-12 — Title`, `[R7] Title`, `Risk 3 - Title`, `Title (R-07)`; plain numbering is not an
id) and maybe a severity (`High: Title`, `Title (🔴 HIGH)`). A line gives labels: bold, italic
or plain (`**Severity**: High`, `*Likelihood*: Low`, `Impact – High`), several on one line
after separators (`Likelihood: 3 | Impact: 4`, `Risk: x; Owner: SRE`), or after a title in
front (`**Vault sealed** — Likelihood: High`). Labels map onto canonical fields through the
header synonyms; ambiguous ones ("Risk", "Priority") are settled by their value. A heading's
words also say what it is: a part of the document ("Executive Summary", "Risk Severity Matrix"),
a group of risks ("Open", "Top risks", "Risk log") or a place where risks are named ("Threats").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from parsers.fields import AMBIGUOUS, field_of_header, header_key
from parsers.markdown_table import DEFAULT_SYNONYMS, inline_text
from parsers.tables import NUMBER_CELL_RE, is_scale_value
from pipeline.textnorm import fold, squash
from pipeline.vocab import SCALE_WORDS, SEVERITY_WORDS

# A label opening a line, in emphasis with its colon inside or just after it: "**Severity**:",
# "**Severity:**", "__Owner__ :", "*Status*:". Without a colon ("**Idempotency** (HIGH)") a bold
# phrase is not a label.
BOLD_LABEL_RE = re.compile(
    r"""
    ^\s*(?P<mark>\*{1,2}|_{1,2})
    (?P<label>[^*_:\s][^*_:\n]{0,47}?)\s*
    (?:[:：]\s*(?P=mark) | (?P=mark)\s*[:：])
    \s*(?P<value>.*)$
""",
    re.VERBOSE,
)
# A plain "Likelihood: Medium" line; only taken when the label names a canonical field, and
# only at the top level of a section (inside a mitigation list "Owner: SRE rotates keys" is prose).
PLAIN_LABEL_RE = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z0-9 /()&'.-]{0,38}?)\s*[:：](?:\s+(?P<value>.*)|\s*)$")
# The id or numbering in front of a risk heading's title, then the title.
HEADING_ID_RE = re.compile(
    r"""
    ^(?:
        \[(?P<bracket>[A-Za-z][\w.-]{0,22})\]\s*[:.|·–—-]?\s*                          # "[R7] Title"
      | (?P<named>(?:risk|threat|hazard|issue)\s*[#№]?\s*\d{1,4}[a-z]?)\b\s*[:.|)·–—-]?\s*  # "Risk 3 - Title"
      | (?P<id>[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*)                               # "R001", "RISK-12"
        (?:\s*[:|)·]|\s+[–—-]|[–—])\s*                                                  # ... then ": " or " — "
      | (?P<number>\#?\d{1,3}(?:\.\d{1,3})*[.)]?)\s+                                    # "1. Title", "#4 Title"
    )
    (?P<title>.*)$
""",
    re.VERBOSE | re.IGNORECASE,
)
# "Risk: Vault outage" as a heading: the word says what the section is, the rest is the title
# (a letter must follow, so "RISK-12" stays an id).
RISK_PREFIX_RE = re.compile(r"^(?:risk|threat)\s*[:–—-]\s*(?=[^\W\d_])", re.IGNORECASE)
# An id followed by the title with only a space between: "R-03 Redis eviction", "RISK-7 DNS",
# "LPS-R3 Carrier format". Stricter than HEADING_ID_RE (capitals, then a separator or two digits,
# or a prefix before the letters), as "S3 bucket" and "EC2 quota" are titles.
SPACED_ID_RE = re.compile(
    r"^(?P<id>(?:[A-Z]{1,5}[-_.])*[A-Z]{1,5}(?:[-_.]\d{1,4}|\d{2,4})|(?:[A-Z]{1,5}[-_.])+[A-Z]{1,5}\d)"
    r"\s+(?P<title>[^\W\d_].*)$"
)
# A severity stated in the heading: "High: Vault sealed", "[CRITICAL] DNS", "Vault sealed (🔴 HIGH)".
_RATING_WORD = r"(?:critical|high|medium|moderate|low|severe|sev\s?[1-4]|p[0-4])"
HEADING_RATING_RE = re.compile(
    rf"""
    ^(?:\[\s*(?P<bracketed>{_RATING_WORD})\s*\]\s*[:–—|-]?\s*
       | (?P<leading>{_RATING_WORD}(?:\s+risk)?)(?:\s*:\s*|\s+[–—|-]\s+))
     (?P<title>[^\W_].*)$
  | ^(?P<rest>[^(\[]*\w[^(\[]*?)\s*[(\[]\s*
     (?P<trailing>[^\w\s()\[\]]*\s*{_RATING_WORD}(?:\s+(?:risk|severity|priority))?)\s*[)\]]$
""",
    re.VERBOSE | re.IGNORECASE,
)
# The label under which a severity stated in a heading is kept (`headers`, `extra`).
HEADING_LABEL = "(heading)"
# An id has a digit: "R001" is an id, "Database:" is a title with a colon.
HAS_DIGIT_RE = re.compile(r"\d")
# A further bold label inside a line: "**Likelihood:** High | **Impact:** Medium". Only labels
# that name a canonical field split a line; other bold text is part of the value.
INNER_LABEL_RE = re.compile(
    r"""
    (?:^|(?<=\s)|(?<=[|·•;,]))
    (?P<mark>\*\*|__)(?P<label>[^*_:\s][^*_:\n]{0,39}?)\s*(?:[:：]\s*(?P=mark)|(?P=mark)\s*[:：])
""",
    re.VERBOSE,
)
# What separates two labels on one line: "High | ", "High · ", "High; ", "High - ".
LABEL_SEPARATOR_TAIL_RE = re.compile(r"[\s|·•;,–—-]+$")
# A separator after which a plain label may start inside a line: "3 | Impact: 4", "High; Owner: SRE",
# "medium. Impact: high", "Title — Likelihood: High". The label itself is read by LABEL_AT_RE.
LABEL_SEPARATOR_RE = re.compile(r"[|;·•,]\s*|\.\s+|\s[–—-]\s+|\s(?=(?:\*{1,2}|_{1,2})[A-Za-z])|(?<=\*\*)\s+|(?<=__)\s+")
# A label at a given place: plain ("Impact:") or in emphasis ("*Status*:", "**Owner:**"), then a
# space or the end. Only labels naming a canonical field are taken (checked by the caller).
LABEL_AT_RE = re.compile(
    r"""
    (?:(?P<mark>\*{1,2}|_{1,2})(?P<marked>[^*_:\s][^*_:\n]{0,39}?)\s*(?:[:：]\s*(?P=mark)|(?P=mark)\s*[:：])
      | (?P<plain>[A-Za-z][A-Za-z0-9 /()&'-]{0,38}?)\s*[:：])
    (?=\s|$)
""",
    re.VERBOSE,
)
# A label followed by a dash instead of a colon: "**Likelihood** — High", "Likelihood – High" (plain
# only where plain labels are read). Taken only when the label names a canonical field
# ("**Idempotency** - see below" is prose).
DASH_LABEL_RE = re.compile(
    r"^\s*(?P<mark>\*{1,2}|_{1,2})(?P<label>[^*_:\s][^*_:\n]{0,39}?)(?P=mark)\s*[–—-]\s+(?P<value>.*)$"
)
PLAIN_DASH_LABEL_RE = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z0-9 /()&'.]{0,38}?)\s+[–—-]\s+(?P<value>\S.*)$")
# An id in brackets at the end of a heading: "Certificate expiry (R-07)", "DNS expiry [RISK-12]".
# Same shape as SPACED_ID_RE's id, so "(Q2)", "(v2)" and "(P1)" are not ids.
TRAILING_ID_RE = re.compile(
    r"^(?P<title>.*?\S)\s*[(\[]\s*(?P<id>(?:[A-Z]{1,5}[-_.])*[A-Z]{1,5}(?:[-_.]\d{1,4}|\d{2,4}))\s*[)\]]$"
)
# Separators and markup left around a title taken from the text before a record's first label.
TITLE_TRIM = " \t:;|·•,.–—-*_"
# Headings that name a part of the document, not a risk, even when they carry a rating
# ("Executive Summary" with an "Overall Risk: HIGH" line, "Risk Severity Matrix").
NOT_A_RISK_HEADING_RE = re.compile(
    r"""
    ^(?:overall|final|executive)\b
  | ^(?:residual|overall|inherent)\ risks?$
  | \b(?:summary|overview|matrix|legend|cadence|methodology|scoring|(?:rating|scoring|risk)\ scales?|glossary
      |appendix|references|version\ history|change\ ?log|revision\ history|contents|introduction|purpose
      |background|conclusions?|sign\ ?off|approvals?|next\ steps|recommendations|document\ control|how\ to\ read
      |assessment|verdict|posture|risk\ profile|risk\ ratings?|heat\ ?map|scorecard|scales?|how\ we\ rate
      |rating\ guide|scoring\ guide|key|actions|action\ items|follow\ ?ups?|tasks|decisions|to\ ?dos?)\s*$
""",
    re.VERBOSE | re.IGNORECASE,
)
# Words in a heading (or one above it, or the document's title) that say its sections are risks.
RISKY_HEADING_RE = re.compile(
    r"\b(risks?|threats?|gaps?|findings?|issues?|vulnerabilit\w*|hazards?|concerns?|exposures?|weakness\w*"
    r"|register|failure modes?|fmea)\b",
    re.IGNORECASE,
)
# A heading naming a group of risks: plural risk words, a register or log, or status words alone
# ("Open", "Closed risks", "Accepted"). Under it even a single record is a risk of its own.
CONTAINER_HEADING_RE = re.compile(
    r"""\b(?:risks|threats|findings|hazards)\b
      | \b(?:risk|threat|issue)\ (?:register|log|list|backlog|inventory|items)$
      | ^(?:\d+\ )*(?:open|closed|accepted|mitigated|active|live|current|resolved|new|other|remaining|retired
         |in\ progress|monitoring|watch\ ?list|top\ \d+)(?:\ (?:and|or)\ \w+)?(?:\ (?:items?|issues|concerns))?$""",
    re.VERBOSE,
)


def heading_parts(heading: str) -> tuple[str | None, str | None]:
    """(entry id, title) of a risk heading; numbering is dropped and is not an id.

    >>> heading_parts("R001: Database Connection Exhaustion"), heading_parts("RISK-12 — Vault outage")
    (('R001', 'Database Connection Exhaustion'), ('RISK-12', 'Vault outage'))
    >>> heading_parts("Risk 3 - Cache stampede"), heading_parts("1. Cold Start"), heading_parts("Chaos Tests")
    (('Risk 3', 'Cache stampede'), (None, 'Cold Start'), (None, 'Chaos Tests'))
    >>> heading_parts("Database: failover"), heading_parts("[R7] DNS"), heading_parts("R-OPS-01")
    ((None, 'Database: failover'), ('R7', 'DNS'), ('R-OPS-01', None))
    >>> heading_parts("Risk: Vault sealed"), heading_parts("Risk Register")
    ((None, 'Vault sealed'), (None, 'Risk Register'))
    >>> heading_parts("R-03 Redis eviction"), heading_parts("S3 bucket exposed"), heading_parts("OAuth2 token leak")
    (('R-03', 'Redis eviction'), (None, 'S3 bucket exposed'), (None, 'OAuth2 token leak'))
    >>> heading_parts("LPS-R3 Carrier format"), heading_parts("EC2 quota hit")
    (('LPS-R3', 'Carrier format'), (None, 'EC2 quota hit'))
    >>> heading_parts("3. Certificate expiry (R-07)"), heading_parts("Outage in Q4 (Q4)"), heading_parts("DNS [P1]")
    (('R-07', 'Certificate expiry'), (None, 'Outage in Q4 (Q4)'), (None, 'DNS [P1]'))
    """
    heading = RISK_PREFIX_RE.sub("", squash(heading))
    entry_id, title = _leading_id(heading)
    if entry_id is None and title and (trailing := TRAILING_ID_RE.match(title)):
        return trailing["id"], squash(trailing["title"]).strip(" :-–—|") or None
    return entry_id, title


def _leading_id(heading: str) -> tuple[str | None, str | None]:
    """(entry id, title) of a heading whose id, if any, comes first."""
    m = HEADING_ID_RE.match(heading)
    if m is None and (spaced := SPACED_ID_RE.match(heading)):
        return spaced["id"], squash(spaced["title"])
    if m is None:
        bare = heading if HAS_DIGIT_RE.search(heading) and " " not in heading and len(heading) <= 24 else None
        if bare and HEADING_ID_RE.match(heading + ": x"):
            return bare, None
        return None, heading or None
    ident = m["bracket"] or m["named"] or m["id"]
    if (m["id"] or m["bracket"]) and not HAS_DIGIT_RE.search(ident):
        return None, heading or None
    title = squash(m["title"]).strip(" :-–—|") or None
    return (squash(ident) if ident else None), title


def heading_rating(title: str | None) -> tuple[str | None, str | None]:
    """(severity as written, title without it) when a heading states a severity.

    >>> heading_rating("High: Vault sealed"), heading_rating("[CRITICAL] DNS expiry")
    (('High', 'Vault sealed'), ('CRITICAL', 'DNS expiry'))
    >>> heading_rating("Idempotency Namespace (🔴 CRITICAL)"), heading_rating("Low-hanging fruit")
    (('🔴 CRITICAL', 'Idempotency Namespace'), (None, 'Low-hanging fruit'))
    """
    m = HEADING_RATING_RE.match(title or "")
    if m is None:
        return None, title
    stated = m["bracketed"] or m["leading"] or m["trailing"]
    return squash(stated), squash(m["title"] or m["rest"])


def is_container(heading: str) -> bool:
    """A heading that names a group of risks rather than one: "Open", "Top risks", "Risk log".

    >>> is_container("Open"), is_container("2. Top risks"), is_container("Closed risks"), is_container("Risk log")
    (True, True, True, True)
    >>> is_container("Cache stampede"), is_container("Log retention gaps")
    (False, False)
    """
    return CONTAINER_HEADING_RE.search(fold(heading)) is not None


def label_of(line: str, *, plain: bool, synonyms: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(label, value) when a line opens with a field label; plain labels only when asked.

    >>> label_of("**Severity**: 🟢 HIGH", plain=False), label_of("**Likelihood:** Medium", plain=False)
    (('Severity', '🟢 HIGH'), ('Likelihood', 'Medium'))
    >>> label_of("**Idempotency Namespace** (🔴 CRITICAL)", plain=False) is None
    True
    >>> label_of("Likelihood: Low", plain=True), label_of("Future: WORM export", plain=True)
    (('Likelihood', 'Low'), None)
    >>> label_of("Impact – High", plain=True), label_of("**Owner** — SRE", plain=False)
    (('Impact', 'High'), ('Owner', 'SRE'))
    >>> label_of("Cold start - 2 s", plain=True) is None
    True
    """
    if m := BOLD_LABEL_RE.match(line):
        return squash(m["label"]), m["value"].strip()
    if (m := DASH_LABEL_RE.match(line)) and field_of_header(m["label"], synonyms or DEFAULT_SYNONYMS):
        return squash(m["label"]), m["value"].strip()
    if plain and (m := PLAIN_LABEL_RE.match(line)) and field_of_header(m["label"], synonyms or DEFAULT_SYNONYMS):
        return squash(m["label"]), (m["value"] or "").strip()
    if plain and (m := PLAIN_DASH_LABEL_RE.match(line)) and field_of_header(m["label"], synonyms or DEFAULT_SYNONYMS):
        return squash(m["label"]), m["value"].strip()
    return None


def split_labels(label: str, value: str, synonyms: Mapping[str, str]) -> list[tuple[str, str]]:
    """One label's value split where further field labels start on the same line: bold ones
    anywhere after a space, plain ones after a separator (`|`, `;`, `·`, `,`, `. `, ` — `).

    >>> split_labels("Likelihood", "High | **Impact:** Medium · **Score**: 12", DEFAULT_SYNONYMS)
    [('Likelihood', 'High'), ('Impact', 'Medium'), ('Score', '12')]
    >>> split_labels("Likelihood", "3 | Impact: 4 | Score: 12", DEFAULT_SYNONYMS)
    [('Likelihood', '3'), ('Impact', '4'), ('Score', '12')]
    >>> split_labels("Mitigation", "use **Note:** carefully; see: runbook", DEFAULT_SYNONYMS)
    [('Mitigation', 'use **Note:** carefully; see: runbook')]
    """
    cuts = _label_cuts(value, synonyms)
    if not cuts:
        return [(label, value)]
    return [(label, LABEL_SEPARATOR_TAIL_RE.sub("", value[: cuts[0][0]])), *_cut_pairs(value, cuts)]


def lead_and_labels(text: str, synonyms: Mapping[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """A line's text in front of its first field label (a title, markup dropped) and its labels.

    >>> syn = DEFAULT_SYNONYMS
    >>> lead_and_labels("**Vault sealed** — Likelihood: High; Impact: Low; Owner: SRE", syn)
    ('Vault sealed', [('Likelihood', 'High'), ('Impact', 'Low'), ('Owner', 'SRE')])
    >>> lead_and_labels("Rotate keys; see the runbook", syn)
    ('Rotate keys; see the runbook', [])
    """
    cuts = _label_cuts(text, synonyms)
    if not cuts:
        return inline_text(text), []
    lead = inline_text(text[: cuts[0][0]]).strip(TITLE_TRIM)
    return lead, _cut_pairs(text, cuts)


def _label_cuts(text: str, synonyms: Mapping[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, label) of every field label inside a line that starts after a separator."""
    cuts: list[tuple[int, int, str]] = []
    for m in INNER_LABEL_RE.finditer(text):
        if m.start() > 0 and field_of_header(m["label"], synonyms):
            cuts.append((m.start(), m.end(), squash(m["label"])))
    for sep in LABEL_SEPARATOR_RE.finditer(text):
        m = LABEL_AT_RE.match(text, sep.end())
        if m is None or any(start <= m.start() < end for start, end, _ in cuts):
            continue
        label = squash(m["marked"] or m["plain"])
        if field_of_header(label, synonyms):
            cuts.append((sep.start(), m.end(), label))
    return sorted(cuts)


def _cut_pairs(text: str, cuts: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """(label, value) for each cut: the value runs to the next cut, separators trimmed."""
    out = []
    for (_, end, label), nxt in zip(cuts, [*cuts[1:], None], strict=True):
        value = text[end : nxt[0] if nxt else None]
        out.append((label, LABEL_SEPARATOR_TAIL_RE.sub("", value).strip()))
    return out


def label_field(label: str, value: str, synonyms: Mapping[str, str]) -> str | None:
    """The canonical field a section label names, ambiguous labels settled by their value.

    >>> syn = DEFAULT_SYNONYMS
    >>> label_field("Risk", "🟡 MEDIUM", syn), label_field("Risk", "Tenants see each other's data", syn)
    ('severity', 'title')
    >>> label_field("Priority", "12", syn), label_field("Risk After", "🟢 LOW", syn), label_field("Playbook", "x", syn)
    ('score', 'severity', None)
    """
    if label == HEADING_LABEL:
        return "severity"
    fld = field_of_header(label, synonyms)
    choices = AMBIGUOUS.get(header_key(label))
    if fld is None or not choices or synonyms.get(header_key(label)) != fld:
        return fld
    if choices[0] == "title":
        return "severity" if is_scale_value(value) else "title"
    number = NUMBER_CELL_RE.match(value)
    return "score" if number and int(number["n"]) > 5 else "severity"


def rated(value: str) -> bool:
    """Whether a likelihood, impact or score value reads as a rating rather than an explanation:
    a scale word or number near its start, or a value of three words at most.

    >>> rated("🟡 Medium"), rated("3/5"), rated("High → Low"), rated("Likely (4) after the migration")
    (True, True, True, True)
    >>> rated("how often we expect it in the next two quarters."), rated("API becomes unresponsive, all requests fail")
    (False, False)
    >>> rated("Rare, Unlikely, Possible, Likely, Almost certain")
    False
    """
    words = fold(value).split()
    if not words or len({w for w in words if w in SCALE_WORDS}) >= 3:
        return False  # "Rare, Unlikely, Possible, Likely": a scale, not a rating
    return (
        len(words) <= 3
        or is_scale_value(value)
        or any(w in SCALE_WORDS or w in SEVERITY_WORDS or w.isdigit() for w in words[:2])
    )
