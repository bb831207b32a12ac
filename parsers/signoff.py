"""Check marks and sign-off tables: what a readiness checklist says without task boxes.

Pure helpers of `parsers.checklist`. A mark before or after an item says its state (`- Tech lead
✅`, `- ❌ Load test`, `- SRE ⚠️ (waiting on the drill)`), as does a box glyph that a copied page
put where the list marker was (`☑ Backups restored`). A sign-off table says it in a decision
column (`| Security | Lee Wong | ❌ Blocked |`, `| DPIA signed | No |`): `signoff_rows` finds that
column and the item's, and leaves registers and matrices alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from parsers.fields import field_of_header
from pipeline.textnorm import fold, squash

# Check marks: ticked, crossed (or an empty box glyph), partial/unknown.
TICK_MARKS = frozenset("✅✔☑✓🗸🟢")
CROSS_MARKS = frozenset("❌✗✘✖☒⛔☐⬜🔲🔴")
PARTIAL_MARKS = frozenset("⚠⏳🟡🟠🚧❓")
ALL_MARKS = TICK_MARKS | CROSS_MARKS | PARTIAL_MARKS
# A check mark after the item's words and before an aside: "SRE ⚠️ (waiting on the drill)",
# "Security ✅ — Jo, 2026-04-02". Only a bracketed or dashed aside may follow the mark.
MID_MARK_RE = re.compile(
    rf"^(?P<item>[^{''.join(sorted(ALL_MARKS))}]*?\S)\s*(?P<mark>[{''.join(sorted(ALL_MARKS))}])\ufe0f?\s+"
    r"(?P<aside>\(.*\)|[—–-]\s.*)$"
)
# What separates a mark from the item's words: "Tech lead — ✅", "SRE: ❌", "⚠️ SOC 2".
MARK_SEPARATORS = " \t:—–-\ufe0f"
# A line opening with a box or check glyph instead of a list marker, as copied Confluence task lists
# and status macros come out: "☑ Backups restored", "☐ Load test", "✅ Runbook linked".
GLYPH_LINE_RE = re.compile(r"^[ \t]*(?P<glyph>[☐☑☒⬜🔲✅❌✔✓✗✘✖])\ufe0f?[ \t]+(?P<text>\S.*)$")
# Glyphs that are task boxes (ticked or not), not marks beside an item.
BOX_GLYPHS = {"☑": "x", "☐": " ", "☒": " ", "⬜": " ", "🔲": " "}
# Decision words of a sign-off table's status cell ("✅ Approved", "Blocked (pen test)", "Pending"),
# compared on the cell's first folded words: ticked, not ticked, not decided yet.
DECISION_TRUE: frozenset[str] = frozenset(
    {
        "approved",
        "signed",
        "signed off",
        "yes",
        "done",
        "go",
        "pass",
        "passed",
        "complete",
        "completed",
        "ok",
        "ready",
        "accepted",
        "agreed",
        "lgtm",
    }
)
DECISION_FALSE: frozenset[str] = frozenset(
    {
        "rejected",
        "blocked",
        "no",
        "no go",
        "fail",
        "failed",
        "not done",
        "not ready",
        "declined",
        "not approved",
        "not signed",
        "missing",
        "not started",
        "todo",
        "to do",
    }
)
DECISION_UNKNOWN: frozenset[str] = frozenset(
    {"pending", "waiting", "in review", "in progress", "tbd", "tbc", "n a", "conditional", "partial", "partly"}
)
# Headers of a decision column, which may still be empty ("| Security | | |" before anyone signed).
DECISION_HEADER_RE = re.compile(
    r"^(?:decision|approved\??|approval|signed(?: off)?|sign ?off|go no go|met\??|done\??|ready\??|result)$"
)
# Canonical fields whose column makes a table a risk register, never a sign-off table.
REGISTER_FIELDS = frozenset({"likelihood", "impact", "score", "severity", "mitigation", "entry_id"})
# Headers of a sign-off table's columns that are not the item: who signed, when, notes.
SIGNOFF_SIDE_HEADERS_RE = re.compile(
    r"^(?:date|when|signed on|approver|approved by|signed by|name|who|reviewer|signatory|person|comments?|notes?"
    r"|evidence|link|remarks?)$"
)


def marked(text: str) -> tuple[str, bool | None, bool]:
    """Item text without a leading or trailing check mark, the mark's value, and whether one was there.

    >>> marked("Tech lead ✅"), marked("✅ OWASP Top 10"), marked("SRE: ❌"), marked("Docs done")
    (('Tech lead', True, True), ('OWASP Top 10', True, True), ('SRE', False, True), ('Docs done', None, False))
    >>> marked("⚠️ SOC 2 Type II"), marked("SRE ⚠️ (waiting on the drill)")
    (('SOC 2 Type II', None, True), ('SRE (waiting on the drill)', None, True))
    >>> marked("Security ✅ — Jo, 2026-04-02"), marked("Ship ✅ and ❌ states")
    (('Security — Jo, 2026-04-02', True, True), ('Ship ✅ and ❌ states', None, False))
    """
    stripped = text.strip().rstrip("\ufe0f")
    if stripped and stripped[-1] in ALL_MARKS:
        mark, rest = stripped[-1], stripped[:-1].rstrip(MARK_SEPARATORS)
    elif stripped and stripped[0] in ALL_MARKS:
        mark, rest = stripped[0], stripped[1:].lstrip(MARK_SEPARATORS)
    elif m := MID_MARK_RE.match(stripped):
        # "SRE ⚠️ (waiting on the drill)", "Security ✅ — Jo, 2026-04-02": the mark, then an aside.
        mark, rest = m["mark"], f"{m['item'].rstrip(MARK_SEPARATORS)} {m['aside']}"
    else:
        return text, None, False
    return squash(rest), True if mark in TICK_MARKS else False if mark in CROSS_MARKS else None, True


def box_glyph_line(line: str) -> str | None:
    """A line opening with a box glyph as the task-box line it stands for ("[x] text"), else None.

    A copied task list keeps its boxes as glyphs where the list markers were; written back as
    boxes, its lines read as any other task-list item. A check mark (`✅ Runbook linked`) is not a box.
    >>> box_glyph_line("☑ Backups restored"), box_glyph_line("  ☐ Load test"), box_glyph_line("✅ Runbook linked")
    ('[x] Backups restored', '[ ] Load test', None)
    """
    m = GLYPH_LINE_RE.match(line)
    if m is None or m["glyph"] not in BOX_GLYPHS:
        return None
    return f"[{BOX_GLYPHS[m['glyph']]}] {m['text']}"


def decision(cell: str) -> tuple[bool | None, bool]:
    """A sign-off cell's state (ticked, not ticked, undecided) and whether it states one at all.

    >>> decision("✅ Approved"), decision("Blocked (pen test report pending)"), decision("⏳ Pending")
    ((True, True), (False, True), (None, True))
    >>> decision(""), decision("Priya Nair"), decision("No-go")
    ((None, False), (None, False), (False, True))
    """
    text, mark, has_mark = marked(cell)
    if has_mark:
        return mark, True
    words = fold(text).split()
    for size in (3, 2, 1):
        phrase = " ".join(words[:size])
        if len(words) >= size:
            if phrase in DECISION_TRUE:
                return True, True
            if phrase in DECISION_FALSE:
                return False, True
            if phrase in DECISION_UNKNOWN:
                return None, True
    return None, False


@dataclass(frozen=True, slots=True)
class SignoffRow:
    """One row of a sign-off table: the item, its state, and the other cells."""

    line: int
    title: str
    checked: bool | None
    extra: dict[str, str] = field(default_factory=dict)  # header -> cell, for the other columns
    owner: tuple[str, str] | None = None  # (header, cell) of an owner column


def signoff_rows(rows: Sequence[tuple[int, list[str]]], synonyms: Mapping[str, str]) -> list[SignoffRow]:
    """The rows of a sign-off table (`| Area | Approver | Decision |` with `✅ Approved`, `❌ Blocked`,
    `⏳ Pending`; `| Requirement | Met? |` with Yes / No / Partial), header row first: the first
    text column is the item, the column of decisions its state. [] for any other table: one with
    no decision column, or a register or matrix (ratings, mitigations, ids, a Risk column).

    >>> rows = [(1, ["Area", "Approver", "Decision"]), (3, ["SRE", "Tom", "✅ Approved"]), (4, ["Legal", "Ana", ""])]
    >>> [(r.title, r.checked, r.extra) for r in signoff_rows(rows, {})]
    [('SRE', True, {'Approver': 'Tom', 'Decision': '✅ Approved'}), ('Legal', None, {'Approver': 'Ana'})]
    """
    if len(rows) < 2:
        return []
    (_, header), body = rows[0], rows[1:]
    width = len(header)
    named = [field_of_header(h, synonyms) for h in header]
    if REGISTER_FIELDS & set(named) or any(fold(h) in ("risk", "threat", "issue") for h in header):
        return []  # a risk register or a matrix, even under a "Checklist" heading: markdown_table's
    decision_col = next(
        (
            col
            for col in range(1, width)
            if sum(decision(cells[col])[1] for _, cells in body if col < len(cells)) * 2 >= len(body)
            or DECISION_HEADER_RE.match(fold(header[col]))
        ),
        None,
    )
    if decision_col is None:
        return []
    title_col = next(
        (col for col in range(width) if col != decision_col and not SIGNOFF_SIDE_HEADERS_RE.match(fold(header[col]))),
        None,
    )
    if title_col is None:
        return []
    found = []
    for line, cells in body:
        cells = cells + [""] * (width - len(cells))
        if not cells[title_col]:
            continue
        owner_col = next((c for c, f in enumerate(named) if f == "owner" and cells[c]), None)
        found.append(
            SignoffRow(
                line=line,
                title=cells[title_col],
                checked=decision(cells[decision_col])[0],
                extra={
                    header[c] or f"column {c + 1}": cells[c]
                    for c in range(width)
                    if c not in (title_col, owner_col) and cells[c]
                },
                owner=(header[owner_col], cells[owner_col]) if owner_col is not None else None,
            )
        )
    return found
