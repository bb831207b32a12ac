"""Stage normalise: RawEntries of every document -> Entries on one scale and one vocabulary.

Runs over the whole run at once because owner clustering and service names are decided
across documents; the per-value work (scale words, status synonyms, fuzzy owner matches) is
cached per distinct raw value, so it costs little next to parsing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pipeline.config import Config
from pipeline.owners import OwnerMatcher, cluster_owner_names, split_owners
from pipeline.owners import owners_of as match_owners
from pipeline.records import DocumentResult, Entry, Match, RawEntry
from pipeline.scales import level, severity_of_score, stated_severity
from pipeline.services import canonical_services, service_key, service_of_document
from pipeline.statuses import StatusMatcher
from pipeline.textnorm import fold, is_null, squash


@dataclass(slots=True)
class NormalisedRun:
    """Everything the load stage writes, apart from the run's own bookkeeping."""

    entries: list[Entry] = field(default_factory=list)
    services: dict[str, str] = field(default_factory=dict)  # document path -> canonical service
    service_aliases: dict[str, set[str]] = field(default_factory=dict)  # canonical -> names as written
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


def normalise(results: Sequence[DocumentResult], config: Config) -> NormalisedRun:
    """Normalise every entry of a run's documents."""
    run = NormalisedRun()
    written = {r.path: service_of_document(r.title, r.metadata, r.path) for r in results}
    canonical = canonical_services(written.values())
    for path, name in written.items():
        run.services[path] = canonical.get(name) if name else None
        if name:
            run.service_aliases.setdefault(canonical[name], set()).add(name)

    owners = OwnerMatcher(config)
    statuses = StatusMatcher(config)
    cluster = None
    if not owners.has_directory:
        cluster = cluster_owner_names(_owner_parts(results, config), owners)
    decided: dict[tuple[str, str], Match] = {}

    for result in results:
        seen: Counter[tuple[str, str, str]] = Counter()
        for raw in result.entries:
            entry, matches = normalise_entry(raw, result, run.services.get(result.path), config, owners, statuses,
                                             cluster, seen)
            run.entries.append(entry)
            for m in matches:
                decided.setdefault((m.vocabulary, m.raw), m)
    run.matches = list(decided.values())
    run.matches += [Match("service", alias, canon, "exact" if alias == canon else "cluster",
                          100.0 if alias == canon else 90.0)
                    for canon, aliases in run.service_aliases.items() for alias in sorted(aliases)]
    return run


def _owner_parts(results: Iterable[DocumentResult], config: Config) -> list[str]:
    return [part for r in results for e in r.entries if (raw := e.fields.get("owner"))
            and not is_null(raw, config.null_values) for part in split_owners(raw, config.owner_joiners)]


def normalise_entry(raw: RawEntry, doc: DocumentResult, service: str | None, config: Config,
                    owners: OwnerMatcher, statuses: StatusMatcher, cluster: dict[str, str] | None,
                    seen: Counter[tuple[str, str, str]]) -> tuple[Entry, list[Match]]:
    """One RawEntry -> Entry, with the vocabulary decisions it needed."""
    f = {k: squash(v) for k, v in raw.fields.items() if not is_null(v, config.null_values)}
    matches: list[Match] = []

    likelihood = level(f.get("likelihood"), config.scale_words, doc.stated_scales.get("likelihood"))
    impact = level(f.get("impact"), config.scale_words, doc.stated_scales.get("impact"))
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if f.get(name):
            matches.append(Match(name, f[name], str(value) if value else None, "scale" if value else "not-a-rating",
                                 100.0 if value else 0.0, needs_review=False))
    score = likelihood * impact if likelihood and impact else None
    stated = stated_severity(f.get("severity"), config.severity_words)
    severity = stated or severity_of_score(score, config.severity_bands)
    source = "stated" if stated else "score" if severity else None

    status = None
    if f.get("status"):
        m = statuses.match(f["status"])
        status = m.canonical
        matches.append(m)

    owner_list, owner_matches = match_owners(f.get("owner"), owners, cluster, config.null_values)
    matches += owner_matches

    entry_id, title = f.get("entry_id"), f.get("title")
    ident = (raw.kind, fold(entry_id) if entry_id else "", fold(title or "") if not entry_id else "")
    occurrence = seen[ident]
    seen[ident] += 1
    notes = raw.notes
    if f.get("score") and score is not None and _number(f["score"]) not in (None, score):
        notes = (*notes, f"stated score {f['score']} differs from likelihood x impact = {score}")
    return Entry(
        entry_key=entry_key(raw.loc.path, raw.kind, entry_id, title, occurrence),
        kind=raw.kind,
        service=service,
        entry_id=entry_id,
        title=title,
        likelihood=likelihood,
        impact=impact,
        score=score,
        severity=severity if raw.kind == "risk" else stated,
        status=status,
        owners=owner_list,
        owner_raw=f.get("owner"),
        mitigation=f.get("mitigation"),
        section=raw.section,
        checked=raw.checked,
        likelihood_raw=f.get("likelihood"),
        impact_raw=f.get("impact"),
        severity_raw=f.get("severity"),
        status_raw=f.get("status"),
        score_raw=f.get("score"),
        severity_source=source if raw.kind == "risk" else ("stated" if stated else None),
        source_path=raw.loc.path,
        source_line=raw.loc.line,
        source_lines=tuple(sorted(set(raw.lines or (raw.loc.line,)))),
        parser=raw.parser,
        confidence=raw.confidence,
        notes=tuple(notes),
        extra=dict(raw.extra),
    ), matches


def _number(text: str) -> int | None:
    digits = "".join(c for c in text if c.isdigit())
    return int(digits) if digits and len(digits) <= 3 else None


def service_rows(run: NormalisedRun) -> list[tuple[str, str, str]]:
    """(service, alias, key) rows for the `services` table."""
    return [(canon, alias, service_key(alias)) for canon, aliases in sorted(run.service_aliases.items())
            for alias in sorted(aliases)]

