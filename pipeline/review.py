"""Review: the uncertain matches and merge candidates of a run, and the decisions people make on them.

Normalisation never forces a doubtful value: a typo it cannot place, a tie between two owners,
an unknown status or a service name close to another stays as written and is flagged in the
`matches` table. `riskreg review` lists those (`pending`) and the risks that two registers seem
to describe twice under different wording (`merge_candidates`, computed here from the `entries`
table: nothing is merged without a decision). A person accepts, corrects or rejects each one;
the decision is written to a CSV file (`Config.decisions_file`: `[review] decisions`, else
`<database>.decisions.csv` beside the database) that every later run reads first, so review
work survives re-runs and is plain text to diff and commit.

Decisions file columns: vocabulary, raw, canonical, action, decided_at.
  action "map"      raw -> canonical ("owner", "Secruity lead", "Security")
  action "keep"     raw stays as written, not matched to anything, and no longer flagged
  action "merge"    two entry keys (raw, canonical) describe the same risk
  action "distinct" two entry keys are different risks: stop proposing them
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rapidfuzz import fuzz, process

from pipeline import csvfields
from pipeline.errors import ConfigError, LoadError
from pipeline.outputs import Protected, atomic_output
from pipeline.textnorm import fold
from pipeline.vocab import SEVERITIES, STATUSES

if TYPE_CHECKING:
    import duckdb

# DuckDB is imported where the database is read, not here: the decisions (`Decisions`) are what
# every worker process needs of this module, and a worker never opens a database (some 0.1 s and
# 15 MB less each).

Action = Literal["map", "keep", "merge", "distinct"]
ACTIONS: tuple[str, ...] = ("map", "keep", "merge", "distinct")
# Vocabularies a value decision can be about (the `matches.vocabulary` values).
VOCABULARIES: tuple[str, ...] = ("owner", "status", "likelihood", "impact", "severity", "service")
COLUMNS: tuple[str, ...] = ("vocabulary", "raw", "canonical", "action", "decided_at")
# The pseudo-vocabulary of merge decisions, in the decisions file and the `matches` table.
RISK = "risk"
# Words too common in risk titles to say two risks are the same.
TITLE_STOPWORDS = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "on",
        "in",
        "to",
        "for",
        "and",
        "or",
        "with",
        "by",
        "at",
        "is",
        "be",
        "not",
        "no",
        "from",
        "via",
        "due",
        "can",
        "may",
        "are",
        "risk",
    }
)
# A token shared by more risks than this is too common to pair them across services on.
MAX_BLOCK = 200
# Within one service, every pair of its risks is compared up to this many risks; beyond, by token.
MAX_SERVICE_BLOCK = 2000


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision made in `riskreg review`; a row of the decisions file."""

    vocabulary: str
    raw: str
    canonical: str | None
    action: Action = "map"
    decided_at: str = ""


@dataclass(frozen=True)
class Decisions:
    """Every decision of a decisions file, ready for the normalise stage."""

    # (vocabulary, folded raw) -> canonical; None when the value is to stay as written ("keep").
    values: Mapping[tuple[str, str], str | None] = field(default_factory=dict)
    # {entry key, entry key} -> True (the same risk: merge) or False (distinct risks).
    pairs: Mapping[frozenset[str], bool] = field(default_factory=dict)
    # the first key of each merged pair -> the key it is merged into (the second)
    merged_into: Mapping[str, str] = field(default_factory=dict)


def decision_key(decision: Decision) -> tuple[str, str]:
    """What makes two decisions the same question: a folded value, or an unordered pair of keys."""
    if decision.vocabulary == RISK:
        return RISK, " ".join(sorted((decision.raw, decision.canonical or "")))
    return decision.vocabulary, fold(decision.raw)


def read_decision_rows(path: Path) -> list[Decision]:
    """The rows of a decisions file, in file order; [] when the file does not exist yet."""
    if not path.exists():
        return []
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csvfields.dict_reader(f)
            missing = set(COLUMNS[:4]) - set(reader.fieldnames or ())
            if missing:
                raise ConfigError(
                    f"decisions file lacks columns {', '.join(sorted(missing))} (expected {','.join(COLUMNS)})",
                    str(path),
                    1,
                )
            rows = []
            for row in reader:
                vocabulary, raw, action = (row.get(k) or "" for k in ("vocabulary", "raw", "action"))
                canonical = row.get("canonical") or None
                problem = _problem(vocabulary, raw, canonical, action)
                if problem:
                    raise ConfigError(f"{problem}; fix or delete the row", str(path), reader.line_num)
                rows.append(Decision(vocabulary, raw, canonical, action, row.get("decided_at") or ""))  # type: ignore[arg-type]
    except OSError as err:
        raise ConfigError(f"cannot read decisions file: {err.strerror}", str(path)) from err
    except UnicodeDecodeError as err:
        raise ConfigError(f"decisions file is not UTF-8 text: {err.reason}", str(path)) from err
    return rows


def read_decisions(path: str | Path) -> Decisions:
    """The decisions in a file, for `pipeline.normalise`; empty when the file does not exist.

    The last row about a question wins, so a file edited by hand still reads sensibly.
    """
    values: dict[tuple[str, str], str | None] = {}
    pairs: dict[frozenset[str], bool] = {}
    merged_into: dict[str, str] = {}
    for d in read_decision_rows(Path(path)):
        if d.vocabulary == RISK:
            pair = frozenset((d.raw, d.canonical or ""))
            pairs[pair] = d.action == "merge"
            if d.action == "merge":
                merged_into[d.raw] = d.canonical or ""
            else:
                merged_into.pop(d.raw, None)
        else:
            values[(d.vocabulary, fold(d.raw))] = d.canonical if d.action == "map" else None
    return Decisions(values, pairs, merged_into)


def _problem(vocabulary: str, raw: str, canonical: str | None, action: str) -> str | None:
    """What is wrong with a decision, or None when it is sound."""
    if action not in ACTIONS:
        return f"action {action!r} is not one of {', '.join(ACTIONS)}"
    if vocabulary == RISK:
        if action not in ("merge", "distinct") or not raw or not canonical or raw == canonical:
            return "a risk decision is 'merge' or 'distinct' between two different entry keys"
        return None
    if vocabulary not in VOCABULARIES:
        return f"vocabulary {vocabulary!r} is not one of {', '.join((*VOCABULARIES, RISK))}"
    if not fold(raw):
        return "the raw value is empty"
    if action in ("merge", "distinct"):
        return f"'{action}' is for risks (two entry keys), not for {vocabulary} values"
    if action == "keep":
        return None
    allowed = {
        "status": STATUSES,
        "severity": SEVERITIES,
        "likelihood": ("1", "2", "3", "4", "5"),
        "impact": ("1", "2", "3", "4", "5"),
    }.get(vocabulary)
    if not canonical:
        return "a 'map' decision needs a canonical value"
    if allowed and canonical not in allowed:
        return f"{vocabulary} must be one of {', '.join(allowed)}, not {canonical!r}"
    return None


def record(path: str | Path, decision: Decision) -> Decision:
    """Save a decision (replacing any earlier one on the same question); returns it as saved.

    The file is rewritten through a temporary file and a rename, so it is never half written.
    """
    path = Path(path)
    problem = _problem(decision.vocabulary, decision.raw, decision.canonical, decision.action)
    if problem:
        raise ConfigError(problem, str(path))
    if not decision.decided_at:
        decision = Decision(
            decision.vocabulary,
            decision.raw,
            decision.canonical,
            decision.action,
            datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
    rows = [d for d in read_decision_rows(path) if decision_key(d) != decision_key(decision)]
    _write(path, [*rows, decision])
    return decision


def forget(path: str | Path, vocabulary: str, raw: str, other: str | None = None) -> bool:
    """Remove the decision on a value (or on a pair of entry keys); False when there was none."""
    path = Path(path)
    probe = decision_key(Decision(vocabulary, raw, other))
    rows = read_decision_rows(path)
    kept = [d for d in rows if decision_key(d) != probe]
    if len(kept) == len(rows):
        return False
    _write(path, kept)
    return True


def _write(path: Path, rows: Sequence[Decision]) -> None:
    """The decisions file rewritten atomically (a full disk leaves the last good file)."""
    with atomic_output(path, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for d in rows:
            writer.writerow([d.vocabulary, d.raw, d.canonical or "", d.action, d.decided_at])


# --- what waits for a person -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """An uncertain raw -> canonical decision of the latest run (a `matches` row)."""

    vocabulary: str
    raw: str
    canonical: str | None
    method: str
    score: float
    runner_up: str | None
    runner_up_score: float | None
    occurrences: int
    example: str | None
    needs_review: bool

    @property
    def proposal(self) -> str | None:
        """What `riskreg review accept` takes when no canonical is given: the match, else the best candidate."""
        return self.canonical or self.runner_up


@dataclass(frozen=True, slots=True)
class RiskRef:
    """One side of a merge candidate."""

    entry_key: str
    service: str | None
    source: str  # path:line
    entry_id: str | None
    title: str


@dataclass(frozen=True, slots=True)
class MergeCandidate:
    """Two risks of different documents that look like the same risk, with their title similarity."""

    similarity: float
    a: RiskRef
    b: RiskRef


def pending(
    con: duckdb.DuckDBPyConnection, vocabulary: str | None = None, everything: bool = False
) -> list[ReviewItem]:
    """The matches waiting for a person (or every match with `everything`), most used first."""
    where = [] if everything else ["needs_review"]
    params: list[str] = []
    if vocabulary:
        where.append("vocabulary = ?")
        params.append(vocabulary)
    sql = (
        "SELECT vocabulary, raw, canonical, method, score, runner_up, runner_up_score, occurrences, example, "
        "needs_review FROM matches"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY needs_review DESC, vocabulary, occurrences DESC, raw"
    )
    import duckdb

    try:
        return [ReviewItem(*row) for row in con.execute(sql, params).fetchall()]
    except duckdb.Error as err:
        raise LoadError(f"cannot read the matches table ({err}); run `riskreg ingest` with this version first") from err


def find_match(con: duckdb.DuckDBPyConnection, vocabulary: str, raw: str) -> ReviewItem | None:
    """The latest run's match for a value as written (compared folded), if it was seen."""
    key = fold(raw)
    return next((m for m in pending(con, vocabulary, everything=True) if fold(m.raw) == key), None)


def merge_candidates(
    con: duckdb.DuckDBPyConnection, min_score: float, decisions: Decisions, limit: int | None = 50
) -> list[MergeCandidate]:
    """Risks of different documents whose titles are alike (>= min_score), best first.

    Within one service every pair of documents is compared; across services, only risks sharing
    a title word that few risks use (so generic words do not pair everything with everything).
    Pairs already decided (merge or distinct) are left out.
    """
    import duckdb

    try:
        rows = con.execute(
            "SELECT entry_key, service, source_path, source_line, entry_id, title FROM entries "
            "WHERE kind = 'risk' AND title IS NOT NULL ORDER BY entry_key"
        ).fetchall()
    except duckdb.Error as err:
        raise LoadError(f"cannot read the entries table ({err}); run `riskreg ingest` first") from err
    refs = [RiskRef(key, service, f"{path}:{line}", eid, title) for key, service, path, line, eid, title in rows]
    paths = [r[2] for r in rows]
    texts = [title_key(r.title) for r in refs]
    found: dict[tuple[int, int], float] = {}

    def compare(block: Sequence[int], same_service: bool) -> None:
        if len(block) < 2:
            return
        matrix = process.cdist(
            [texts[i] for i in block],
            [texts[i] for i in block],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=min_score,
            workers=-1,
        )
        for x, y in zip(*matrix.nonzero(), strict=True):
            i, j = block[x], block[y]
            if i < j and paths[i] != paths[j] and (same_service or refs[i].service != refs[j].service):
                found[(i, j)] = float(matrix[x, y])

    by_service: dict[str, list[int]] = defaultdict(list)
    by_token: dict[str, list[int]] = defaultdict(list)
    for i, ref in enumerate(refs):
        if not texts[i]:
            continue
        if ref.service:
            by_service[ref.service].append(i)
        for token in set(texts[i].split()):
            by_token[token].append(i)
    for block in by_service.values():
        if len(block) <= MAX_SERVICE_BLOCK:
            compare(block, True)
    for block in by_token.values():
        if len(block) <= MAX_BLOCK:
            compare(block, True)
    candidates = [
        MergeCandidate(round(score, 1), refs[i], refs[j])
        for (i, j), score in found.items()
        if frozenset((refs[i].entry_key, refs[j].entry_key)) not in decisions.pairs
    ]
    candidates.sort(key=lambda c: (-c.similarity, c.a.service != c.b.service, c.a.source, c.b.source))
    return candidates[:limit] if limit else candidates


def title_key(title: str) -> str:
    """A risk title for comparison: folded, without stopwords.

    >>> title_key("The Vault outage during operator create")
    'vault outage during operator create'
    """
    return " ".join(w for w in fold(title).split() if w not in TITLE_STOPWORDS)


# --- one review session: what `riskreg review` and its subcommands call --------------------------


class ReviewSession:
    """The database under review and the decisions file beside it; every method returns text to show."""

    def __init__(self, db: str | Path, decisions_file: str | Path, merge_min_score: float = 85.0) -> None:
        self.db = Path(db)
        self.decisions_file = Path(decisions_file)
        self.merge_min_score = merge_min_score
        Protected.of(self.db).refuse(self.decisions_file)  # decisions never go over the database

    def _connect(self) -> duckdb.DuckDBPyConnection:
        from pipeline.load import connect

        return connect(self.db, read_only=True)  # the load stage owns the database connection

    def listing(
        self, vocabulary: str | None = None, everything: bool = False, limit: int | None = 50, as_json: bool = False
    ) -> str:
        """The uncertain matches (or all with `everything`) and the merge candidates."""
        decisions = read_decisions(self.decisions_file)
        con = self._connect()
        try:
            items = pending(con, vocabulary, everything)
            candidates = [] if vocabulary else merge_candidates(con, self.merge_min_score, decisions, None)
        finally:
            con.close()
        shown = candidates[:limit] if limit else candidates
        if as_json:
            return json.dumps(as_json_rows(items, shown), indent=2, ensure_ascii=False)
        return render(items, shown, str(self.db), len(candidates)) + f"\ndecisions file: {self.decisions_file}"

    def decide(self, vocabulary: str, raw: str, canonical: str | None, action: Action) -> str:
        """Record a value decision: accept (canonical given, or the proposal) or keep as written."""
        con = self._connect()
        try:
            seen = find_match(con, vocabulary, raw)
        finally:
            con.close()
        if action == "map" and canonical is None:
            if seen is None or seen.proposal is None:
                raise ConfigError(
                    f"no proposal for {vocabulary} {raw!r} in the latest run: "
                    "give the canonical value (accept VOCABULARY RAW CANONICAL)",
                    str(self.db),
                )
            canonical = seen.proposal
        saved = record(self.decisions_file, Decision(vocabulary, raw, canonical, action))
        what = f"{saved.canonical}" if action == "map" else "kept as written"
        note = "" if seen else f" (note: {raw!r} was not seen in the latest run; the decision waits for it)"
        return (
            f"{vocabulary} {raw!r} -> {what}: saved to {self.decisions_file}; "
            f"applies from the next `riskreg ingest`{note}"
        )

    def decide_pair(self, first: str, second: str, action: Action) -> str:
        """Record that two entries are the same risk (merge) or different risks (distinct)."""
        con = self._connect()
        try:
            known = {
                k
                for (k,) in con.execute(
                    "SELECT entry_key FROM entries WHERE entry_key IN (?, ?)", [first, second]
                ).fetchall()
            }
        finally:
            con.close()
        missing = [k for k in (first, second) if k not in known]
        if missing:
            raise ConfigError(f"no entry with key {', '.join(missing)} in the latest run", str(self.db))
        record(self.decisions_file, Decision(RISK, first, second, action))
        what = "the same risk: merge recorded" if action == "merge" else "different risks: no longer proposed"
        return f"{first} and {second}: {what}; saved to {self.decisions_file}"

    def forget(self, vocabulary: str, raw: str, other: str | None = None) -> str:
        """Drop a decision, so the next run decides that value (or pair) afresh."""
        if forget(self.decisions_file, vocabulary, raw, other):
            return f"decision on {vocabulary} {raw!r} removed from {self.decisions_file}"
        raise ConfigError(f"no decision on {vocabulary} {raw!r}", str(self.decisions_file))


# --- text for the terminal ---------------------------------------------------------------------


def render(
    items: Sequence[ReviewItem], candidates: Sequence[MergeCandidate], db: str, total_candidates: int | None = None
) -> str:
    """The review listing as plain text: what is uncertain, and the command that settles each."""
    lines: list[str] = []
    flagged = [i for i in items if i.needs_review]
    lines.append(
        f"uncertain matches: {len(flagged)}" + (f" (of {len(items)} listed)" if len(items) != len(flagged) else "")
    )
    for item in items:
        target = item.canonical or "?"
        best = f"best {item.runner_up} ({item.runner_up_score:g})" if item.runner_up else "no candidate"
        where = f"{item.occurrences}x" + (f", e.g. {item.example}" if item.example else "")
        mark = "!" if item.needs_review else " "
        lines.append(
            f" {mark} {item.vocabulary:<10} {item.raw!r} -> {target}  [{item.method} {item.score:g}; {best}; {where}]"
        )
    if flagged:
        lines.append(
            f"  settle one: riskreg review --db {db} accept VOCABULARY RAW [CANONICAL]  "
            "(or: reject VOCABULARY RAW to keep it as written)"
        )
    total = len(candidates) if total_candidates is None else total_candidates
    lines.append(
        f"merge candidates: {total}"
        + (f" ({len(candidates)} shown; --limit 0 for all)" if total > len(candidates) else "")
    )
    for c in candidates:
        lines.append(f"  {c.similarity:5.1f}  {_ref(c.a)}")
        lines.append(f"         {_ref(c.b)}")
        lines.append(f"         riskreg review --db {db} merge {c.a.entry_key} {c.b.entry_key}   (or: distinct ...)")
    return "\n".join(lines)


def _ref(ref: RiskRef) -> str:
    ident = f"{ref.entry_id} " if ref.entry_id else ""
    return f"{ref.service or '(no service)'} | {ref.source} | {ident}{ref.title}"


def as_json_rows(items: Iterable[ReviewItem], candidates: Iterable[MergeCandidate]) -> dict[str, list[dict]]:
    """The review listing as JSON-ready data (`riskreg review --json`)."""
    return {
        "matches": [asdict(i) | {"proposal": i.proposal} for i in items],
        "merge_candidates": [asdict(c) for c in candidates],
    }


__all__ = [
    "Decision",
    "Decisions",
    "MergeCandidate",
    "ReviewItem",
    "ReviewSession",
    "as_json_rows",
    "find_match",
    "forget",
    "merge_candidates",
    "pending",
    "read_decisions",
    "record",
    "render",
]
