"""Stage reconcile: one entry per risk within a document, however many times it is told.

Several parsers can read one document (a table of risks and a section per risk), and an
assessment may describe a risk twice: a narrative section per risk, then a summary matrix
row that names it differently ("Rate Limit Cold Start Protection" / "Cold Start Bypass").
Entries of *different* structures (parsers; for table parsers, tables with different columns)
that describe the same risk become one entry:

1. same id (compared by `id_key`: "R-001" is "R001", "Risk 3" is "3"); a row number ("1") or
   an id two tables share must be corroborated by the title or the severity;
2. else, when two structures list the same number of id-less risks, in order, and the order
   is corroborated (titles share words or ratings agree for most pairs, nothing points to
   another order), the n-th of one is the n-th of the other;
3. else, titles that are near enough the same ("Vault outage" / "Vault outage risk");
4. else, for the risks still apart, a title sharing a telling word *and* the same likelihood and
   impact ("Late-arriving mobile events skew the daily aggregates", Likely / Moderate, is the
   matrix row "Late data in daily aggregates", 4 / 3), each the other's only best match: how a
   summary matrix that renames risks, or leaves some out, is matched to the narrative.

A table row's fields win over a narrative's where both have a value (a summary matrix states
the current ratings in one place; narratives tell before/after stories); otherwise the
first structure wins. The losing title is kept in `extra["alt_title"]`, every source line in
`lines`, and each disagreement in `notes`. Entries of one structure are never merged with each
other: two rows with the same id in one table are two rows, and the data issue stays visible.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from pipeline.records import RawEntry, Skipped, free_key
from pipeline.textnorm import fold
from pipeline.vocab import SCALE_WORDS, SEVERITIES, SEVERITY_WORDS

# Parsers whose entries are rows of a table; their values win over a narrative's.
TABLE_PARSERS: tuple[str, ...] = ("markdown_table", "html_table", "flattened_text")
# Words that say nothing about which risk a title names.
TITLE_STOPWORDS = frozenset(
    {
        "the",
        "and",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "via",
        "not",
        "risk",
        "risks",
        "issue",
        "of",
        "in",
        "on",
        "to",
        "a",
        "an",
        "or",
        "by",
        "at",
        "is",
        "no",
        "all",
        "any",
        "during",
        "under",
        "over",
    }
)
# Letters or digits runs of an id: "R-OPS-001" -> r, ops, 001.
ID_PART_RE = re.compile(r"[a-z]+|\d+")
# "risk 3", "risk #3": the word "risk" before an id's number says nothing.
RISK_WORD_ID_RE = re.compile(r"^risk\s*(?=\d)")
# Order pairing needs this much evidence per pair on average (1 per pair whose titles share a
# word, 0.5 per pair whose severities agree, -1 per pair whose severities are two levels apart).
ORDER_SUPPORT = 0.6
# Near-same titles: SequenceMatcher ratio or share of shared words at or above this.
TITLE_MATCH = 0.8
# Rating agreement needed to pair two risks whose titles only share a word (step 4): likelihood
# and impact both the same level (+1 each; a level that differs counts -2).
RATINGS_MATCH = 2.0
# Step 4 pairs only a clear best: its score (title words shared + rating agreement) ahead of the
# runner-up of its row and its column by more than this.
RATED_MARGIN = 0.2
# A rating number near the start of a cell: "4", "4/5", "3 (Likely)".
LEVEL_NUMBER_RE = re.compile(r"^\D{0,3}?(?P<n>[1-5])(?:\s*/\s*5)?(?!\d)")


def id_key(ident: str) -> str:
    """An id as compared across structures: case, separators, leading zeros and a leading
    "Risk" word do not count.

    >>> id_key("R-001"), id_key("r1"), id_key("Risk 3"), id_key("RISK-03"), id_key("R-OPS-01")
    ('r1', 'r1', '3', '3', 'rops1')
    """
    key = RISK_WORD_ID_RE.sub("", fold(ident))
    return "".join(p.lstrip("0") or "0" if p.isdigit() else p for p in ID_PART_RE.findall(key))


def title_words(title: str | None) -> frozenset[str]:
    """Stems (first five letters) of a title's telling words.

    >>> sorted(title_words("Circuit Breaker Anti-Flapping")), sorted(title_words("Risk of the flapping circuit"))
    (['anti', 'break', 'circu', 'flapp'], ['circu', 'flapp'])
    """
    return frozenset(w[:5] for w in fold(title or "").split() if len(w) >= 3 and w not in TITLE_STOPWORDS)


def title_similarity(a: str | None, b: str | None) -> float:
    """0-1: how surely two titles name the same risk (1 for the same words in any order).

    >>> title_similarity("Vault outage", "vault  outage!"), title_similarity("Chaos Tests", "Unknown Failure Modes")
    (1.0, 0.0)
    >>> round(title_similarity("Cold Start Bypass", "Rate Limit Cold Start Protection"), 2)
    0.33
    """
    fa, fb = fold(a or ""), fold(b or "")
    if not fa or not fb:
        return 0.0
    if fa == fb:
        return 1.0
    wa, wb = title_words(fa), title_words(fb)
    shared = len(wa & wb) / len(wa | wb) if wa and wb else 0.0
    return max(shared, _close_ratio(fa, fb))


def _close_ratio(fa: str, fb: str) -> float:
    """SequenceMatcher's ratio of two folded titles when it reaches TITLE_MATCH, else 0. Its
    cheap upper bounds are asked first (lengths, then letters in common, both linear): titles
    of very different length or letters never pay for the full comparison, which is quadratic
    on a long title.

    >>> _close_ratio("vault outage", "vault outages"), _close_ratio("vault outage", "v" * 5000)
    (0.96, 0.0)
    """
    if min(len(fa), len(fb)) < 8:
        return 0.0
    matcher = SequenceMatcher(None, fa, fb)
    if matcher.real_quick_ratio() < TITLE_MATCH or matcher.quick_ratio() < TITLE_MATCH:
        return 0.0  # each is at least the ratio
    ratio = matcher.ratio()
    return ratio if ratio >= TITLE_MATCH else 0.0


def merge(first: RawEntry, second: RawEntry, how: str = "same id") -> RawEntry:
    """`first` completed by `second`: missing fields filled, lines and notes joined; `second`'s
    title kept as `extra["alt_title"]` when it differs, disagreements noted (not "4" against
    "Likely": the same level written two ways)."""
    fields = {**second.fields, **first.fields}
    conflicts = [
        f"{k}: {first.fields[k]!r} here, {second.fields[k]!r} at line {second.loc.line}"
        for k in sorted(first.fields.keys() & second.fields.keys())
        if fold(first.fields[k]) != fold(second.fields[k])
        and k != "title"
        and not (k in ("likelihood", "impact") and level(first.fields[k]) == level(second.fields[k]) is not None)
    ]
    extra = {**second.extra, **first.extra}
    other_title = second.fields.get("title")
    if other_title and fold(other_title) != fold(first.fields.get("title", "")):
        extra[free_key(extra, "alt_title")] = other_title
    return replace(
        first,
        fields=fields,
        headers={**second.headers, **first.headers},
        extra=extra,
        section=first.section or second.section,
        lines=tuple(sorted({*first.lines, *second.lines, first.loc.line, second.loc.line})),
        confidence=min(first.confidence, second.confidence),
        notes=(
            *first.notes,
            *second.notes,
            f"merged with {second.parser} entry at line {second.loc.line} ({how})",
            *(f"conflict {c}" for c in conflicts),
        ),
    )


def combine(a: RawEntry, b: RawEntry, how: str) -> RawEntry:
    """Merge two tellings of one risk, the table row's values first (else `a`'s); a row of a
    table that only re-lists entries (an action plan) never goes first: it fills gaps."""
    if b.supplement != a.supplement:
        a, b = (b, a) if a.supplement else (a, b)
    elif _is_table_row(b) and not _is_table_row(a):
        a, b = b, a
    return merge(a, b, how)


def structures(entries_by_parser: Sequence[Sequence[RawEntry]]) -> list[list[RawEntry]]:
    """The entries of each structure of a document: one per parser, except that a table parser's
    rows are split by table (told apart by their columns as written), so that a summary table can
    be reconciled with the register above it. Tables with the same columns stay one structure."""
    found: list[list[RawEntry]] = []
    for entries in entries_by_parser:
        tables: dict[tuple[tuple[str, str], ...], list[RawEntry]] = {}
        for entry in entries:
            tables.setdefault(tuple(sorted(entry.headers.items())) if _is_table_row(entry) else (), []).append(entry)
        found.extend(tables.values())
    return found


def reconcile(entries_by_parser: Sequence[Sequence[RawEntry]]) -> list[RawEntry]:
    """Entries of all parsers of one document, with risks told twice merged; sorted by line."""
    merged: list[RawEntry] = []
    told_by: list[set[int]] = []  # structures behind each merged entry
    # Tables that re-list entries (action plans) come last: they complete what the others found.
    ordered = sorted(structures(entries_by_parser), key=lambda entries: any(e.supplement for e in entries))
    for group, entries in enumerate(ordered):
        taken: set[int] = set()  # merged entries that already took one of this group's
        fresh: list[RawEntry] = []
        for entry in entries:
            k = _same_id(entry, merged, told_by, group, taken)
            if k is None:
                fresh.append(entry)
                continue
            merged[k] = combine(merged[k], entry, "same id")
            told_by[k].add(group)
            taken.add(k)
        paired: set[int] = set()  # indexes into fresh
        for earlier in range(group):
            left = [
                k
                for k in range(len(merged))
                if earlier in told_by[k] and group not in told_by[k] and merged[k].kind == "risk"
            ]
            right = [j for j, e in enumerate(fresh) if e.kind == "risk" and j not in paired]
            for i, j, how in pair_risks([merged[k] for k in left], [fresh[j] for j in right]):
                k = left[i]
                merged[k] = combine(merged[k], fresh[right[j]], how)
                told_by[k].add(group)
                paired.add(right[j])
        for j, entry in enumerate(fresh):
            if j not in paired:
                merged.append(entry)
                told_by.append({group})
    kept = [e for e in merged if not e.supplement]  # a re-listed id no register has: not an entry
    return sorted(_drop_check_twins(kept), key=lambda e: e.loc.line)


def dropped_supplements(before: Sequence[RawEntry], after: Sequence[RawEntry]) -> list[Skipped]:
    """Rows of tables that re-list entries (an action plan) which joined no entry, as skipped rows."""
    used = {line for e in after for line in (e.loc.line, *e.lines)}
    return [
        Skipped(e.loc.line, "row", "re-lists an id no register of the document has", e.fields.get("entry_id", ""))
        for e in before
        if e.supplement and e.loc.line not in used
    ]


def _drop_check_twins(entries: Sequence[RawEntry]) -> list[RawEntry]:
    """A table row read both as a check (a sign-off or checklist table: `| Runbook linked | ✅ Done |`)
    and as a risk with no rating at all is one check: the risk reading goes.

    >>> from pipeline.records import SourceLoc
    >>> row = RawEntry(SourceLoc("x.md", 7), "markdown_table", "risk", {"title": "Runbook linked", "status": "✅ Done"})
    >>> check = RawEntry(SourceLoc("x.md", 7), "checklist", "check", {"title": "Runbook linked"}, checked=True)
    >>> [e.kind for e in _drop_check_twins([row, check])]
    ['check']
    >>> rated = RawEntry(SourceLoc("x.md", 7), "markdown_table", "risk", {"title": "Runbook linked", "impact": "High"})
    >>> [e.kind for e in _drop_check_twins([rated, check])]
    ['risk', 'check']
    """
    check_lines = {e.loc.line for e in entries if e.kind == "check"}
    return [
        e
        for e in entries
        if not (
            e.kind == "risk"
            and _is_table_row(e)
            and e.loc.line in check_lines
            and not e.fields.keys() & {"likelihood", "impact", "score", "severity"}
        )
    ]


def pair_risks(left: Sequence[RawEntry], right: Sequence[RawEntry]) -> list[tuple[int, int, str]]:
    """Pairs (i, j, how) of risks of two structures that describe the same risk, no id shared.

    By order when both list the same number of risks and the order is corroborated (see
    `order_supported`); otherwise only near-same titles, each the other's best match.
    """
    if not left or not right:
        return []
    if len(left) == len(right) and order_supported(left, right):
        return [(i, i, "paired by order") for i in range(len(left))]
    scores = {
        (i, j): title_similarity(a.fields.get("title"), b.fields.get("title"))
        for i, a in enumerate(left)
        for j, b in enumerate(right)
        if _compatible(a, b)
    }
    pairs = [
        (i, j, "same title" if s == 1.0 else f"similar title {s:.2f}")
        for i, j, s in _mutual_best({k: s for k, s in scores.items() if s >= TITLE_MATCH})
    ]
    done_left, done_right = {i for i, _, _ in pairs}, {j for _, j, _ in pairs}
    rated = {
        (i, j): title_similarity(left[i].fields.get("title"), right[j].fields.get("title")) + agreement
        for (i, j), s in scores.items()
        if i not in done_left
        and j not in done_right
        and s > 0
        and (agreement := rating_agreement(left[i].fields, right[j].fields)) >= RATINGS_MATCH
    }
    pairs += [(i, j, "shared title words and ratings") for i, j, _ in _mutual_best(rated, RATED_MARGIN)]
    return sorted(pairs)


def _mutual_best(scores: Mapping[tuple[int, int], float], margin: float = 0.0) -> list[tuple[int, int, float]]:
    """Pairs whose score is the best of both its row and its column, ahead of the runner-up of
    each by more than `margin` (no tie)."""
    pairs = []
    for (i, j), s in scores.items():
        row = sorted((v for (ii, _), v in scores.items() if ii == i), reverse=True)
        column = sorted((v for (_, jj), v in scores.items() if jj == j), reverse=True)
        if s == row[0] == column[0] and all(len(v) == 1 or v[0] - v[1] > margin for v in (row, column)):
            pairs.append((i, j, s))
    return pairs


def level(raw: str | None) -> int | None:
    """A likelihood or impact cell read roughly onto 1-5 (a number 1-5 or a scale word), as evidence
    for pairing only; normalise reads it properly, with the document's own scale.

    >>> level("4"), level("3/5"), level("Likely"), level("🟡 Medium"), level("Almost certain"), level("often")
    (4, 3, 4, 3, 5, None)
    """
    if not raw:
        return None
    if m := LEVEL_NUMBER_RE.match(raw.strip()):
        return int(m["n"])
    words = fold(raw).split()[:3]
    for size in (2, 1):
        for k in range(len(words) - size + 1):
            if (phrase := " ".join(words[k : k + size])) in SCALE_WORDS and len(phrase) > 1:
                return SCALE_WORDS[phrase]
    return None


def rating_agreement(a: Mapping[str, str], b: Mapping[str, str]) -> float:
    """+1 for each of likelihood and impact both sides rate the same, -2 for each they rate differently.

    >>> rating_agreement({"likelihood": "Likely", "impact": "Moderate"}, {"likelihood": "4", "impact": "3"})
    2.0
    >>> rating_agreement({"likelihood": "Rare", "impact": "Severe"}, {"likelihood": "1", "impact": "4"})
    -1.0
    """
    total = 0.0
    for fld in ("likelihood", "impact"):
        la, lb = level(a.get(fld)), level(b.get(fld))
        if la is not None and lb is not None:
            total += 1.0 if la == lb else -2.0
    return total


def order_supported(left: Sequence[RawEntry], right: Sequence[RawEntry]) -> bool:
    """Whether the n-th risk of one structure is safely the n-th of the other.

    Needs at least two risks each side, no pair where both sides carry (different) ids, enough
    evidence on average (`ORDER_SUPPORT`), at least one pair whose titles share words, and no
    title that matches another position better than its own (a list in another order).
    """
    n = len(left)
    if n < 2 or n != len(right) or not all(_compatible(a, b) for a, b in zip(left, right, strict=True)):
        return False
    sims = [[title_similarity(a.fields.get("title"), b.fields.get("title")) for b in right] for a in left]
    evidence = 0.0
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        evidence += 1.0 if sims[i][i] > 0 else 0.0
        evidence += _rating_evidence(a.fields, b.fields)
        if any(sims[i][j] > max(sims[i][i], 0.5) or sims[j][i] > max(sims[i][i], 0.5) for j in range(n) if j != i):
            return False
    return evidence >= ORDER_SUPPORT * n and any(sims[i][i] > 0 for i in range(n))


def severity_word(raw: str | None) -> str | None:
    """The severity a short cell states, by its first severity word; a rough reading that is
    only evidence for pairing (normalise reads it properly later).

    >>> severity_word("🟢 **LOW**"), severity_word("Critical risk"), severity_word("Code ready, needs deployment")
    ('low', 'critical', None)
    """
    words = fold(raw or "").split()
    return next((SEVERITY_WORDS[w] for w in words[:3] if len(w) > 1 and w in SEVERITY_WORDS), None)


def _rating_evidence(a: Mapping[str, str], b: Mapping[str, str]) -> float:
    """+0.5 when both state the same severity, -1 when they are two or more levels apart, else 0."""
    sa, sb = (severity_word(x.get("severity")) for x in (a, b))
    if sa is None or sb is None:
        return 0.0
    if sa == sb:
        return 0.5
    return -1.0 if abs(SEVERITIES.index(sa) - SEVERITIES.index(sb)) >= 2 else 0.0


def _compatible(a: RawEntry, b: RawEntry) -> bool:
    """Two risks may be one unless both carry an id (after the id step, different ones)."""
    return not (a.fields.get("entry_id") and b.fields.get("entry_id"))


def _same_id(
    entry: RawEntry, merged: Sequence[RawEntry], told_by: Sequence[set[int]], group: int, taken: set[int]
) -> int | None:
    """Index of the merged risk of another structure with the same id, if any."""
    if entry.kind != "risk" or not (ident := entry.fields.get("entry_id")) or not (key := id_key(ident)):
        return None
    for k, other in enumerate(merged):
        if (
            k not in taken
            and group not in told_by[k]
            and other.kind == "risk"
            and (their := other.fields.get("entry_id"))
            and id_key(their) == key
            and (not _weak_id(key, entry, other) or _corroborated(entry, other))
        ):
            return k
    return None


# Fields that rate a risk.
RATING_KEYS = frozenset({"likelihood", "impact", "score", "severity"})


def _weak_id(key: str, a: RawEntry, b: RawEntry) -> bool:
    """Ids that do not name a risk on their own: row numbers ("1", "Risk 1"), and ids shared by two
    full registers that name different risks (per-component registers each counting from R1):
    both rows titled, rated, and their titles sharing nothing. A table that re-lists an id with
    fewer columns (an action plan, a summary, the second half of a register split over two
    tables) joins the risk it names."""
    if key.isdigit():
        return True
    if not (_is_table_row(a) and _is_table_row(b)):
        return False
    full = all(e.fields.get("title") and e.fields.keys() & RATING_KEYS for e in (a, b))
    return full and title_similarity(a.fields.get("title"), b.fields.get("title")) == 0


def _corroborated(a: RawEntry, b: RawEntry) -> bool:
    """Two tellings agree on something: titles share a word, or severities are the same."""
    rating = _rating_evidence(a.fields, b.fields)
    return rating >= 0 and (title_similarity(a.fields.get("title"), b.fields.get("title")) > 0 or rating > 0)


def _is_table_row(entry: RawEntry) -> bool:
    return entry.parser in TABLE_PARSERS or entry.parser.endswith("/tables")
