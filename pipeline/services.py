"""Normalise services: one canonical service name per document, clustered across documents.

Part of the normalise stage: titles, metadata and paths of a run's documents -> one service name
per document, the aliases behind each name (the `services` table) and a `Match` per written
name. A document's service is, in order: its `Service:` (or `System:`) metadata line; its title
with the document-type words taken off ("Operator Management Service — Service Risk Register"
and "Operator Management Service: Service Readiness Checklist" -> "Operator Management
Service"; "SERVICE_RISK_REGISTER — lock-integration-service" -> "lock-integration-service");
its `Scope:` line; its folder; its file name. Names are then clustered by a key that ignores
case, punctuation and document-type words (`[services] type_words`), then fuzzily with the
guards of `pipeline.matching` (never across different numbers: "Search 2" is not "Search"), and
each cluster is shown by its most common, most readable written form.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from parsers.lexicon import Lexicon
from pipeline import vocab
from pipeline.matching import Guards, decide, rank
from pipeline.records import Match
from pipeline.textnorm import fold, squash

# Separators between a title's parts: "X — Service Risk Register", "X: Readiness", "X | Risks", "X - Y".
# A full-width colon needs no space after it ("リリース前チェック：決済基盤").
TITLE_SPLIT_RE = re.compile(r"\s+[—–\-·•]\s+|\s*[—–|]\s*|:\s+|\s*：\s*")
# Markup and decoration around a title part.
TITLE_TRIM = " #*_`\"'“”‘’[]"
# A slug: one word of lower-case letters and digits joined by dashes or underscores.
# A bracketed aside closing a title: "(copied from the team wiki)", "[DRAFT]".
TRAILING_ASIDE_RE = re.compile(r"\s*(?:\([^()]*\)|（[^（）]*）|\[[^\[\]]*\])\s*$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")
# Metadata keys naming the service outright, then the weaker ones tried after the title.
SERVICE_KEYS = ("service", "service name", "system", "application", "component")
SCOPE_KEYS = ("scope",)


@dataclass(frozen=True, slots=True)
class TitleWords:
    """Where a service's name ends in a title, besides the document-type words: the lexicon's
    lists for the document's languages."""

    # A run of type words around a name is dropped only when it holds one of these ("risk
    # document"): "Consent Registry" and "Service Mesh" are names, "Inventory Sync Risk Register"
    # is a name and a document type.
    document_words: frozenset[str]
    # Type words kept at the end of a name ("Notification Service"), and at its start, where a
    # language puts them there ("Servicio de Pagos").
    name_endings: frozenset[str]
    name_openers: frozenset[str] = frozenset()

    @staticmethod
    def of(lexicon: Lexicon) -> TitleWords:
        return TitleWords(
            lexicon.phrases("service_document_words"),
            lexicon.phrases("service_name_endings"),
            lexicon.phrases("service_name_openers"),
        )


ENGLISH_TITLE_WORDS = TitleWords.of(vocab.ENGLISH)


def service_key(name: str, type_words: frozenset[str]) -> str:
    """Clustering key: folded, without document-type words (all of it when nothing else is left).

    >>> words = frozenset({"service", "risk", "register"})
    >>> service_key("lock-integration-service", words) == service_key("Lock Integration Service", words)
    True
    """
    words = fold(name).split()
    kept = [w for w in words if w not in type_words]
    return " ".join(kept or words)


def service_of_document(
    title: str | None,
    metadata: Mapping[str, str],
    path: str,
    type_words: frozenset[str],
    generic_folders: frozenset[str],
    words: TitleWords = ENGLISH_TITLE_WORDS,
) -> tuple[str, str]:
    """The service a document is about, as written in it, and where that came from.

    >>> w = frozenset({"service", "risk", "register", "readiness", "checklist", "residual", "assessment"})
    >>> service_of_document("Operator Management Service — Service Risk Register", {}, "x.md", w, frozenset())
    ('Operator Management Service', 'title')
    >>> service_of_document("Operator Management Service: Service Readiness Checklist", {}, "x.md", w, frozenset())
    ('Operator Management Service', 'title')
    >>> service_of_document("SERVICE_RISK_REGISTER — lock-integration-service", {}, "x.txt", w, frozenset())
    ('lock-integration-service', 'title')
    >>> service_of_document("Risk Register", {}, "payments/ledger/docs/r.md", w, frozenset({"docs"}))
    ('ledger', 'folder')
    >>> service_of_document("チェックリスト：決済基盤（旧版）", {}, "x.md", w | {"チェックリスト", "旧版"}, frozenset())
    ('決済基盤', 'title')
    """
    for key in SERVICE_KEYS:
        if metadata.get(key) and service_key(metadata[key], type_words):
            return _without_aside(squash(metadata[key]), type_words).strip(TITLE_TRIM), "metadata"
    if title and (named := _service_in_title(title, type_words, words)):
        return named, "title"
    for key in SCOPE_KEYS:
        if metadata.get(key) and fold(metadata[key]):
            return squash(metadata[key]).strip(TITLE_TRIM), "scope"
    posix = PurePosixPath(path)
    folders = [f for f in posix.parent.parts if fold(f) not in generic_folders and fold(f)]
    if folders:
        return folders[-1], "folder"
    # A file name can carry document words too: "Risk Register - Loyalty Wallet.csv".
    return _service_in_title(posix.stem, type_words, words) or posix.stem, "file"


def _service_in_title(
    title: str, type_words: frozenset[str], title_words: TitleWords = ENGLISH_TITLE_WORDS
) -> str | None:
    """The part of a title naming the service: the one with the largest share of words that are not
    document-type words, the earlier one on a tie. Asides in brackets at the end are not part of it,
    and a wiki sub-page title ("Identity Service/Risk register") splits at its slash.

    >>> w = frozenset({"service", "risk", "register", "copied", "from", "the"})
    >>> _service_in_title("Notification Service — Risk Register (copied from the team wiki)", w)
    'Notification Service'
    >>> _service_in_title("Identity Service/Risk register", w), _service_in_title("CI/CD Pipeline — Risks", w)
    ('Identity Service', 'CI/CD Pipeline')
    >>> _service_in_title("Payments (EU)", w)
    'Payments (EU)'

    """
    title = _without_aside(title, type_words)
    parts = []
    for part in TITLE_SPLIT_RE.split(title):
        sides = part.split("/")
        # Split at a slash only when one side is nothing but document words: "CI/CD" stays whole.
        if len(sides) > 1 and any(side.strip() and not _named_words(side, type_words) for side in sides):
            parts.extend(sides)
        else:
            parts.append(part)
    parts = [p.strip(TITLE_TRIM) for p in parts]
    scored = []
    for k, part in enumerate(parts):
        words = fold(part).split()
        named = [w for w in words if w not in type_words]
        if named:
            scored.append((len(named) / len(words), -k, part))
    return _trim_type_words(max(scored)[2], type_words, title_words) if scored else None


def _without_aside(name: str, type_words: frozenset[str]) -> str:
    """A name without a closing aside: "(copied from the team wiki)", "[draft]" and "(AMR fleet, site
    DE-HAM-2)" go; "Payments (EU)" stays, it names another service than "Payments (US)".

    >>> _without_aside("Warehouse Robotics (AMR fleet, site DE-HAM-2)", frozenset())
    'Warehouse Robotics'
    >>> _without_aside("Payments (EU)", frozenset())
    'Payments (EU)'
    """
    aside = TRAILING_ASIDE_RE.search(name)
    if (
        aside
        and aside.start() > 0
        and (len(fold(aside.group()).split()) >= 3 or not _named_words(aside.group(), type_words))
    ):
        return name[: aside.start()]
    return name


def _named_words(text: str, type_words: frozenset[str]) -> list[str]:
    """The words of a title part that are not document-type words."""
    return [w for w in fold(text).split() if w not in type_words]


def _trim_type_words(part: str, type_words: frozenset[str], title_words: TitleWords = ENGLISH_TITLE_WORDS) -> str:
    """A title part without the document-type words around the name.

    >>> w = frozenset({"service", "risk", "register", "registry", "assessment", "threat", "review", "for"})
    >>> _trim_type_words("Notification Service Risk Assessment", w), _trim_type_words("Consent Registry", w)
    ('Notification Service', 'Consent Registry')
    >>> _trim_type_words("Identity Gateway threat & risk review", w), _trim_type_words("Risk register for Payments", w)
    ('Identity Gateway', 'Payments')
    >>> _trim_type_words("Service Mesh", w)
    'Service Mesh'
    >>> es = TitleWords(frozenset({"riesgos"}), frozenset(), frozenset({"servicio"}))
    >>> es_words = w | {"registro", "de", "riesgos", "del", "servicio"}
    >>> _trim_type_words("Registro de riesgos del Servicio de Pagos", es_words, es)
    'Servicio de Pagos'
    """
    words = part.split()
    keys = [fold(w) for w in words]
    start = 0
    while (
        start < len(words) - 1
        and (not keys[start] or keys[start] in type_words)
        and keys[start] not in title_words.name_openers
    ):
        start += 1
    if not title_words.document_words & set(keys[:start]):
        start = 0
    end = len(words)
    while end > start + 1 and (not keys[end - 1] or keys[end - 1] in type_words - title_words.name_endings):
        end -= 1
    if not title_words.document_words & set(keys[end:]):
        end = len(words)
    return " ".join(words[start:end]).strip(TITLE_TRIM)


def display_form(name: str) -> str:
    """A slug written as words, for showing: "lock-integration-service" -> "Lock Integration Service".

    >>> display_form("lock-integration-service"), display_form("VokeTag")
    ('Lock Integration Service', 'VokeTag')
    """
    if SLUG_RE.match(name):
        return " ".join(w.capitalize() for w in re.split(r"[-_]", name))
    return name


def _readability(name: str) -> tuple[bool, bool, int]:
    """Prefer "Lock Integration Service" over "lock-integration-service" or "LOCK INTEGRATION"."""
    return (not SLUG_RE.match(name), not name.isupper(), " " in name)


@dataclass(frozen=True, slots=True)
class ClusterStep:
    """What clustering decided for one key, in the order keys are placed (`cluster_services`):
    the root of the cluster it joined (itself, for a new cluster) and how (a Match with no
    canonical name yet). Each step depends only on the keys placed before it, so a night whose
    keys start the same way as the last night's takes those steps as they were."""

    key: str
    root: str
    how: Match


@dataclass(slots=True)
class ServiceNames:
    """The services of a run: document -> canonical name, canonical -> written forms, decisions."""

    of_path: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, Counter[str]] = field(default_factory=dict)  # canonical -> written name -> documents
    keys: dict[str, str] = field(default_factory=dict)  # written name -> clustering key
    matches: list[Match] = field(default_factory=list)
    canonical_of: dict[str, str] = field(default_factory=dict)  # written name -> canonical name
    steps: list[ClusterStep] = field(default_factory=list)  # every key's, in the order placed


def canonical_services(
    written: Mapping[str, str],
    type_words: frozenset[str],
    guards: Guards,
    decisions: Mapping[tuple[str, str], str | None] | None = None,
) -> ServiceNames:
    """Cluster the written service names of a run's documents (path -> name) into canonical names.

    >>> w = frozenset({"service", "risk", "register"})
    >>> s = canonical_services({"a.md": "Lock Integration Service", "b.txt": "lock-integration-service",
    ...                         "c.md": "Lock Integration 2"}, w, Guards())
    >>> s.of_path
    {'a.md': 'Lock Integration Service', 'b.txt': 'Lock Integration Service', 'c.md': 'Lock Integration 2'}
    """
    counts = Counter(written.values())
    first_path: dict[str, str] = {}
    for path, name in sorted(written.items(), reverse=True):
        first_path[name] = path
    result = cluster_services(counts, first_path, type_words, guards, decisions)
    result.of_path = {path: result.canonical_of[name] for path, name in written.items()}
    return result


def cluster_services(
    counts: Mapping[str, int],
    first_path: Mapping[str, str],
    type_words: frozenset[str],
    guards: Guards,
    decisions: Mapping[tuple[str, str], str | None] | None = None,
    known: Sequence[ClusterStep] = (),
) -> ServiceNames:
    """Cluster distinct written service names (name -> documents writing it, and the first of
    them by path) into canonical names: the run-wide decision, taken over the distinct names
    only, so that it costs the same for a thousand documents or a million. `of_path` is left
    empty; `canonical_of` maps each written name.

    Each key is compared with every key placed before it: quadratic in the distinct names (4 s
    for the 8,000 services of 50,000 documents). `known`: the steps of an earlier clustering
    with the same guards (the last night's, `ServiceNames.steps`); the steps of the keys this
    run places in the same order from the first on are taken from it, not decided again, so a
    night whose services did not change decides none.

    >>> s = cluster_services({"Lock Integration Service": 2, "lock-integration-service": 1},
    ...                      {"Lock Integration Service": "a.md", "lock-integration-service": "b.txt"},
    ...                      frozenset({"service"}), Guards())
    >>> s.canonical_of["lock-integration-service"]
    'Lock Integration Service'
    """
    decisions = decisions or {}
    counts = Counter({name: counts[name] for name in sorted(counts)})  # the same order however they came
    keys = {name: service_key(name, type_words) for name in counts}
    by_key: dict[str, Counter[str]] = {}
    for name, n in counts.items():
        by_key.setdefault(keys[name], Counter())[name] += n
    ordered = sorted(by_key, key=lambda k: (-sum(by_key[k].values()), k))
    root: dict[str, str] = {}
    how: dict[str, Match] = {}
    placed: dict[str, str] = {}  # key -> root, for the keys clustered so far
    same = 0  # the first `same` keys are placed as in `known`
    while same < min(len(known), len(ordered)) and known[same].key == ordered[same]:
        same += 1
    for k, key in enumerate(ordered):
        if k < same:
            root[key], how[key] = known[k].root, known[k].how
            placed[key] = root[key]
            continue
        root[key], how[key] = key, Match("service", key, None, "key", 100.0)
        if placed and len(key) >= guards.min_length:
            ranked = rank(key, placed, guards.min_score)  # below that, names differ: no review noise
            fuzzy = decide("service", key, key, ranked, guards)
            if fuzzy.canonical:
                root[key], how[key] = (
                    fuzzy.canonical,
                    Match("service", key, None, "fuzzy", fuzzy.score, fuzzy.runner_up, fuzzy.runner_up_score),
                )
            elif ranked:
                how[key] = Match(
                    "service", key, None, "key", 100.0, fuzzy.runner_up, fuzzy.runner_up_score, needs_review=True
                )
        placed[key] = root[key]
    members: dict[str, Counter[str]] = {}
    for key in ordered:
        members.setdefault(root[key], Counter()).update(by_key[key])
    display = {r: display_form(max(c, key=lambda f: (c[f], _readability(f), f))) for r, c in members.items()}

    result = ServiceNames(keys=keys, steps=[ClusterStep(key, root[key], how[key]) for key in ordered])
    canonical_of = result.canonical_of
    for name in counts:
        m = how[keys[name]]
        if ("service", fold(name)) in decisions:  # a person named it ("keep": its own name, apart)
            decided = decisions[("service", fold(name))] or display_form(name)
            canonical_of[name] = decided
            result.matches.append(
                Match("service", name, decided, "decision", 100.0, occurrences=counts[name], example=first_path[name])
            )
        else:
            canonical_of[name] = display[root[keys[name]]]
            runner = display.get(root.get(m.runner_up or "", ""), m.runner_up) if m.runner_up else None
            result.matches.append(
                Match(
                    "service",
                    name,
                    canonical_of[name],
                    "exact" if name == canonical_of[name] else m.method,
                    m.score,
                    runner,
                    m.runner_up_score,
                    m.needs_review,
                    occurrences=counts[name],
                    example=first_path[name],
                )
            )
        result.aliases.setdefault(canonical_of[name], Counter())[name] += counts[name]
    return result


def type_word_set(words: Iterable[str]) -> frozenset[str]:
    """The folded document-type words of a Config."""
    return frozenset(w for word in words for w in fold(word).split())


__all__ = [
    "ENGLISH_TITLE_WORDS",
    "ClusterStep",
    "ServiceNames",
    "TitleWords",
    "canonical_services",
    "cluster_services",
    "display_form",
    "service_key",
    "service_of_document",
    "type_word_set",
]
