"""Stage normalise: RawEntries of every document -> Entries on one scale and one vocabulary.

Takes the run's `DocumentResult`s, the Config and the review decisions; gives a `NormalisedRun`:
the entries, each document's canonical service, the services' aliases and every raw ->
canonical decision (`Match`) for the `matches` table. It runs over the whole run at once
because owner clustering and service names are decided across documents. The per-value work
lives in `scales`, `statuses`, `owners` and `services`, each caching per distinct raw value, so
a run of 10k documents costs a few thousand matches, not one per entry. Each document's values
are read with the words of the languages it was read in (`pipeline.vocabularies`: one set of
matchers per language set, caching per (language set, raw value)).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from pipeline.config import Config
from pipeline.records import DocumentResult, Entry, Match, RawEntry
from pipeline.review import RISK, Decisions
from pipeline.scales import DocumentScale, document_scale, severity_of_score, stated_score
from pipeline.services import canonical_services, service_key, service_of_document
from pipeline.textnorm import fold, is_null, unstruck
from pipeline.vocabularies import RunMatchers, Vocabulary

# The first whole number in a stated score ("12", "Score: 12", "12 (High)"), to compare with L x I.
SCORE_NUMBER_RE = re.compile(r"(?<![\d.])\d{1,3}(?![\d.])")
RATING_FIELDS = ("likelihood", "impact")


@dataclass(slots=True)
class NormalisedRun:
    """Everything the load stage writes, apart from the run's own bookkeeping."""

    entries: list[Entry] = field(default_factory=list)
    services: dict[str, str] = field(default_factory=dict)  # document path -> canonical service
    service_aliases: dict[str, Counter[str]] = field(default_factory=dict)  # canonical -> written -> documents
    service_keys: dict[str, str] = field(default_factory=dict)  # written name -> clustering key
    matches: list[Match] = field(default_factory=list)


def entry_key(path: str, kind: str, entry_id: str | None, title: str | None, occurrence: int) -> str:
    """Stable key of an entry: the same entry in the same file keeps it across runs, whatever
    moved around it (lines above it, other files, run order).

    >>> entry_key("a.md", "risk", "R-1", "x", 0) == entry_key("a.md", "risk", "r-1", "y", 0)
    True
    """
    ident = fold(entry_id) if entry_id else "t:" + fold(title or "")
    blob = f"{path}\x1f{kind}\x1f{ident}\x1f{occurrence}"
    return hashlib.sha1(blob.encode()).hexdigest()[:20]


def _key(path: str, ident: tuple[str, str, str], occurrence: int) -> str:
    """entry_key from an already folded identity (kind, folded id, folded title): the same value."""
    kind, folded_id, folded_title = ident
    blob = f"{path}\x1f{kind}\x1f{folded_id or 't:' + folded_title}\x1f{occurrence}"
    return hashlib.sha1(blob.encode()).hexdigest()[:20]


def normalise(results: Sequence[DocumentResult], config: Config, decisions: Decisions | None = None) -> NormalisedRun:
    """Normalise every entry of a run's documents, reading review decisions first.

    In memory, for a few documents (tests, `riskreg explain`); `pipeline.run` takes the same
    steps over a whole tree in bounded memory: the run-wide decisions over distinct values
    (services, owner clusters), then each document on its own (`normalise_document`)."""
    decisions = decisions or Decisions()
    run = NormalisedRun()
    matchers = RunMatchers(config, decisions.values)
    written = {r.path: written_service(r, matchers.for_document(r)) for r in results}
    names = canonical_services(written, matchers.run_type_words(results), config.guards, decisions.values)
    run.services, run.service_keys = names.of_path, names.keys
    run.service_aliases = names.aliases
    matchers.cluster_owners(matchers.owner_cells(results))

    tally: dict[tuple[str, str, str | None, str], list] = {}  # match identity -> [match, count, example]
    for result in results:
        entries, used = normalise_document(result, run.services.get(result.path), matchers.for_document(result))
        run.entries.extend(entries)
        for m, n, where in used:
            counted = tally.setdefault((m.vocabulary, m.raw, m.canonical, m.method), [m, 0, where])
            counted[1] += n
    run.matches = [replace(m, occurrences=n, example=where) for m, n, where in tally.values()]
    run.matches += names.matches + merge_matches(run.entries, decisions)
    run.entries = mark_duplicates(run.entries, decisions)
    return run


def written_service(result: DocumentResult, vocabulary: Vocabulary) -> str:
    """The service a document names, as written (`services.service_of_document`), read with the
    words of its languages: what the run's clustering takes. A title that is an entry's own (a
    page per risk: "# Search index corruption" over its fields) names the risk, not the service."""
    title = result.title
    if title and any(e.fields.get("title") == title for e in result.entries):
        title = None
    return service_of_document(
        title, result.metadata, result.path, vocabulary.type_words, vocabulary.generic_folders,
        vocabulary.title_words,
    )[0]  # fmt: skip


def normalise_document(
    result: DocumentResult, service: str | None, vocabulary: Vocabulary
) -> tuple[list[Entry], list[tuple[Match, int, str]]]:
    """One document's entries normalised, and the distinct decisions they used with how often
    and the first place, in order of first use. Depends on the run only through `vocabulary`
    (its owner clusters) and `service`; everything else is the document's own."""
    scales = document_scales(result, vocabulary.config.null_values)
    vocabulary.levels = {}  # (field, raw) -> Match, on this document's scales
    seen: Counter[tuple[str, str, str]] = Counter()
    entries: list[Entry] = []
    tally: dict[tuple[str, str, str | None, str], list] = {}
    for raw in result.entries:
        entry, matches = normalise_entry(raw, service, scales, vocabulary.config, vocabulary, seen)
        entries.append(entry)
        for m in matches:
            counted = tally.get((m.vocabulary, m.raw, m.canonical, m.method))
            if counted is None:
                tally[(m.vocabulary, m.raw, m.canonical, m.method)] = [m, 1, str(raw.loc)]
            else:
                counted[1] += 1
    return entries, [(m, n, where) for m, n, where in tally.values()]


def document_scales(result: DocumentResult, null_values: tuple[str, ...]) -> dict[str, DocumentScale]:
    """The scale each rating field of a document is written on: legend, header hint or values."""
    scales = {}
    for name in RATING_FIELDS:
        headers = {e.headers.get(name, "") for e in result.entries} - {""}
        values = {v for e in result.entries if (v := e.fields.get(name)) and not is_null(v, null_values)}
        scales[name] = document_scale(result.stated_scales.get(name), sorted(headers), sorted(values))
    return scales


def normalise_entry(
    raw: RawEntry,
    service: str | None,
    scales: Mapping[str, DocumentScale],
    config: Config,
    matchers: Vocabulary,
    seen: Counter[tuple[str, str, str]],
) -> tuple[Entry, list[Match]]:
    """One RawEntry -> Entry, with the vocabulary decisions it needed (`config` and `matchers`
    those of the document's languages)."""
    f = {}
    for k, v in raw.fields.items():
        v = " ".join(v.split())  # as textnorm.squash, faster on long cells
        if v and v.casefold() not in matchers.nulls:
            f[k] = v
    matches: list[Match] = []
    notes = list(raw.notes)
    raw_f, f = f, {k: unstruck(v) for k, v in f.items()}  # read the value that stands; raw keeps all

    levels: dict[str, int | None] = {}
    for name in RATING_FIELDS:
        levels[name] = None
        if name in f:
            m = matchers.level(name, f[name], scales.get(name, DocumentScale()))
            matches.append(m)
            levels[name] = int(m.canonical) if m.canonical else None
            if m.needs_review:
                notes.append(f"{name} {f[name]!r} not read as a rating (riskreg review)")
    likelihood, impact = levels["likelihood"], levels["impact"]
    score = likelihood * impact if likelihood and impact else None
    if score is None and (stated := stated_score(f.get("score"))) is not None:
        score = stated
        notes.append("score as stated (no likelihood x impact)")
    elif (
        score is not None
        and f.get("score")
        and (number := SCORE_NUMBER_RE.search(f["score"]))
        and int(number.group()) != score
    ):
        notes.append(f"stated score {f['score']} differs from likelihood x impact = {score}")

    stated = None
    if "severity" in f:
        m = matchers.severity(f["severity"])
        matches.append(m)
        stated = m.canonical
    if raw.kind == "risk":
        severity = stated or severity_of_score(score, config.severity_bands)
        source = "stated" if stated else "score" if severity else None
    else:
        severity, source = stated, "stated" if stated else None

    status = None
    if "status" in f:
        m = matchers.status(f["status"])
        matches.append(m)
        status = m.canonical
        if m.needs_review:
            notes.append(f"status {f['status']!r} not recognised (riskreg review)")

    owners, owner_matches = matchers.owners_of(f.get("owner"), config.null_values)
    matches += owner_matches
    if any(m.needs_review for m in owner_matches):
        notes.append("owner not matched with confidence (riskreg review)")

    entry_id, title = raw_f.get("entry_id"), raw_f.get("title")
    ident = (raw.kind, fold(entry_id) if entry_id else "", fold(title or "") if not entry_id else "")
    occurrence = seen[ident]
    seen[ident] += 1
    return Entry(
        entry_key=_key(raw.loc.path, ident, occurrence),
        kind=raw.kind,
        service=service,
        entry_id=entry_id,
        title=title,
        likelihood=likelihood,
        impact=impact,
        score=score,
        severity=severity,
        status=status,
        owners=owners,
        owner_raw=raw_f.get("owner"),
        mitigation=raw_f.get("mitigation"),
        section=raw.section,
        checked=raw.checked,
        likelihood_raw=raw_f.get("likelihood"),
        impact_raw=raw_f.get("impact"),
        severity_raw=raw_f.get("severity"),
        status_raw=raw_f.get("status"),
        score_raw=raw_f.get("score"),
        severity_source=source,
        source_path=raw.loc.path,
        source_line=raw.loc.line,
        source_lines=tuple(sorted(set(raw.lines or (raw.loc.line,)))),
        parser=raw.parser,
        confidence=raw.confidence,
        notes=tuple(notes),
        extra=dict(raw.extra),
    ), matches


def merge_matches(entries: Iterable[Entry], decisions: Decisions) -> list[Match]:
    """The merges people decided in review ("these two entries are one risk"), for the `matches`
    table: raw is the entry merged, canonical the entry it is merged into (see `mark_duplicates`)."""
    return merges_at({e.entry_key: f"{e.source_path}:{e.source_line}" for e in entries}, decisions)


def merges_at(where: Mapping[str, str], decisions: Decisions) -> list[Match]:
    """`merge_matches` from where each entry of the run is (entry_key -> "path:line")."""
    return [
        Match(RISK, a, b, "decision", 100.0, example=where[a])
        for a, b in sorted(decisions.merged_into.items())
        if a in where and b in where
    ]


def mark_duplicates(entries: list[Entry], decisions: Decisions) -> list[Entry]:
    """Entries with `duplicate_of` set where a person decided two risks are one (see
    `duplicate_targets`)."""
    targets = duplicate_targets({e.entry_key for e in entries}, decisions)
    return [replace(e, duplicate_of=targets[e.entry_key]) if e.entry_key in targets else e for e in entries]


def duplicate_targets(keys: Collection[str], decisions: Decisions) -> dict[str, str]:
    """entry_key -> the entry_key it is a duplicate of, for the entries (`keys`) of a run.

    Chains are followed to the entry that stays (a -> b -> c: both a and b are duplicates of c),
    and a decision naming an entry that no longer exists changes nothing.

    >>> d = Decisions(merged_into={"a": "b", "b": "c", "x": "gone"})
    >>> duplicate_targets({"a", "b", "c", "x"}, d)
    {'a': 'c', 'b': 'c'}
    """

    def kept(key: str) -> str:
        seen = {key}
        while (nxt := decisions.merged_into.get(key)) in keys and nxt not in seen:
            key = nxt
            seen.add(key)
        return key

    found = {}
    for key in sorted(decisions.merged_into):
        if key in keys and (target := kept(key)) != key:
            found[key] = target
    return found


def service_rows(run: NormalisedRun) -> list[tuple[str, str, str, int]]:
    """(service, alias, key, documents) rows for the `services` table."""
    return [
        (canon, alias, run.service_keys.get(alias) or service_key(alias, frozenset()), n)
        for canon, aliases in sorted(run.service_aliases.items())
        for alias, n in sorted(aliases.items())
    ]


__all__ = [
    "NormalisedRun",
    "duplicate_targets",
    "entry_key",
    "merges_at",
    "normalise",
    "normalise_document",
    "normalise_entry",
    "service_rows",
    "written_service",
]
