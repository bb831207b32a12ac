"""The normalise stage's matchers, one set per language set of a run's documents.

A run holds documents in several languages; each is read with English and its own packs
(`DocumentResult.languages`, `pipeline.languages.configured`), so its ratings, statuses and owners
are matched with those words: "Alta" is 4 and "Aberto" open in a Portuguese register, " en "
joins two owners in a Dutch one and never in a French "En cours". One `Vocabulary` per distinct
language set, built on first use; each matcher caches per distinct raw value, so a value is read
once per (language set, raw value). Owner clusters (no directory) are made across the whole run.

A rating or status no language of its document reads is read with the words every pack agrees
on (`parsers.lexicon.agreed_values`): "hoch", "élevée" and "offen" in a register with English
labels. Only then, and never by a typo's guess, so that a value a document's languages read
keeps their reading, and a word two languages read differently stays unread.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from parsers import lexicon as lexicon_pack
from pipeline.config import Config
from pipeline.languages import configured, reading_languages
from pipeline.owners import OwnerMatcher, cluster_owner_names, owner_rules, owners_of
from pipeline.records import DocumentResult, Match
from pipeline.scales import DocumentScale, RatingReader
from pipeline.services import TitleWords, type_word_set
from pipeline.statuses import StatusMatcher
from pipeline.textnorm import fold, is_null


@dataclass(slots=True)
class Vocabulary:
    """The matchers of one language set, each caching per distinct raw value."""

    config: Config  # the run's Config with these languages' words (`pipeline.languages.configured`)
    ratings: RatingReader
    statuses: StatusMatcher
    owners: OwnerMatcher
    nulls: frozenset[str]  # casefolded null values
    title_words: TitleWords
    # The words every pack agrees on, for what the document's languages do not read.
    other_ratings: RatingReader
    other_statuses: StatusMatcher
    clusters: Mapping[str, Match] | None = None  # the run's owner clusters, when there is no directory
    owner_cells: dict[str, tuple[tuple[str, ...], list[Match]]] = field(default_factory=dict)
    levels: dict[tuple[str, str], Match] = field(default_factory=dict)  # of the document at hand

    @staticmethod
    def of(config: Config, decisions: Mapping[tuple[str, str], str | None]) -> Vocabulary:
        """The matchers reading values with a (configured) Config's words."""
        rules = owner_rules(config)
        directory = [(a.canonical, a.alias) for a in config.owner_directory]
        lexicon = config.lexicon
        agreed = lexicon_pack.agreed_values(config.lexicon_files)
        return Vocabulary(
            config,
            RatingReader(
                config.scale_words,
                config.severity_words,
                config.severity_bands,
                config.guards,
                decisions,
                decimal_comma=bool(lexicon.decimal_comma),
                number_labels=lexicon.phrases("rating_number_labels"),
                range_joiners=lexicon.phrases("range_joiners"),
            ),
            StatusMatcher(config.status_synonyms, config.guards, decisions),
            OwnerMatcher(directory, rules, config.guards, decisions),
            frozenset(v.casefold() for v in config.null_values),
            TitleWords.of(lexicon),
            RatingReader(
                agreed.scale,
                agreed.severity,
                config.severity_bands,
                config.guards,
                range_joiners=agreed.phrases("range_joiners"),
                fuzzy=False,
            ),
            StatusMatcher(agreed.status, config.guards, fuzzy=False),
        )

    def level(self, name: str, raw: str, scale: DocumentScale) -> Match:
        """A likelihood or impact cell of the current document, once per distinct value."""
        found = self.levels.get((name, raw))
        if found is None:
            found = self.ratings.level(name, raw, scale)
            if found.canonical is None and found.method != "decision":
                found = _or_other_languages(found, self.other_ratings.level(name, raw, scale))
            self.levels[(name, raw)] = found
        return found

    def severity(self, raw: str) -> Match:
        """A stated severity cell: in the document's languages, else in the words every pack agrees on."""
        found = self.ratings.severity(raw)
        if found.canonical is None and found.method != "decision":
            return _or_other_languages(found, self.other_ratings.severity(raw))
        return found

    def status(self, raw: str) -> Match:
        """A status cell: in the document's languages, else in the words every pack agrees on."""
        found = self.statuses.match(raw)
        if found.canonical is None and found.method != "decision":
            return _or_other_languages(found, self.other_statuses.match(raw))
        return found

    def owners_of(self, raw: str | None, null_values: tuple[str, ...]) -> tuple[tuple[str, ...], list[Match]]:
        """Owners of one owner cell, once per distinct cell."""
        if raw is None:
            return (), []
        if raw not in self.owner_cells:
            self.owner_cells[raw] = owners_of(raw, self.owners, self.clusters, null_values)
        return self.owner_cells[raw]

    @property
    def type_words(self) -> frozenset[str]:
        """The folded document-type words, for finding a service's name in a title."""
        return _type_words(tuple(self.config.service_type_words))

    @property
    def generic_folders(self) -> frozenset[str]:
        """The folded folder names that name no service."""
        return _folded(tuple(self.config.service_generic_folders))


def _or_other_languages(own: Match, other: Match) -> Match:
    """What another language's words read, said so, when they read something; else the
    document's own answer (flagged for review as it was)."""
    if other.canonical is None:
        return own
    return replace(other, method=f"{other.method}, another language's")


@lru_cache(maxsize=32)
def _type_words(words: tuple[str, ...]) -> frozenset[str]:
    """`services.type_word_set`, once per word list (every document asks)."""
    return type_word_set(words)


@lru_cache(maxsize=32)
def _folded(words: tuple[str, ...]) -> frozenset[str]:
    """Folded words, once per word list."""
    return frozenset(fold(w) for w in words)


class RunMatchers:
    """Every Vocabulary of a run, by language set, and the run's owner clusters."""

    def __init__(self, config: Config, decisions: Mapping[tuple[str, str], str | None]) -> None:
        self.config = config
        self.decisions = decisions
        self.clusters: Mapping[str, Match] | None = None
        self._by_languages: dict[tuple[str, ...], Vocabulary] = {}

    def languages(self, result: DocumentResult) -> tuple[str, ...]:
        """The languages a document is normalised in: those it was read in, else riskreg.toml's, else English."""
        return reading_languages(result.languages or self.config.languages)

    def of(self, languages: Sequence[str]) -> Vocabulary:
        """The matchers of a language set, built on first use."""
        key = reading_languages(languages)
        found = self._by_languages.get(key)
        if found is None:
            found = self._by_languages[key] = Vocabulary.of(configured(self.config, key), self.decisions)
            found.clusters = self.clusters
        return found

    def for_document(self, result: DocumentResult) -> Vocabulary:
        return self.of(self.languages(result))

    def cluster_owners(self, cells: Mapping[tuple[tuple[str, ...], str], int]) -> None:
        """Without a directory: cluster the run's owner names, each cell split with its document's
        joiners ("Ana y Luis" in Spanish, "Ana en Luis" in Dutch), across every language.

        `cells`: (reading languages, owner cell as written) -> entries carrying it: the distinct
        cells of the run (`owner_cells`), so the decision costs what the distinct names cost."""
        english = self.of(())
        if english.owners.has_directory:
            return
        names: Counter[str] = Counter()
        for (languages, raw), n in sorted(cells.items()):  # the same clusters whatever order documents came in
            vocabulary = self.of(languages)
            if is_null(raw, vocabulary.config.null_values):
                continue
            for part in vocabulary.owners.split(raw):
                names[part] += n
        self.set_clusters(cluster_owner_names(names, english.owners))

    def set_clusters(self, clusters: Mapping[str, Match] | None) -> None:
        """Use the run's owner clusters (decided elsewhere: the driver of a run, for its workers)."""
        self.clusters = clusters
        for vocabulary in self._by_languages.values():
            vocabulary.clusters = clusters

    @property
    def has_directory(self) -> bool:
        """Whether owners are matched on a directory (else they are clustered across the run)."""
        return self.of(()).owners.has_directory

    def owner_cells(self, results: Iterable[DocumentResult]) -> Counter[tuple[tuple[str, ...], str]]:
        """The distinct owner cells of documents, with the languages each is split in, and how many
        entries carry each: the input of `cluster_owners`."""
        cells: Counter[tuple[tuple[str, ...], str]] = Counter()
        for result in results:
            languages = self.languages(result)
            for e in result.entries:
                if (raw := e.fields.get("owner")) is not None:
                    cells[(languages, raw)] += 1
        return cells

    def type_words_of(self, language_sets: Iterable[Sequence[str]]) -> frozenset[str]:
        """The document-type words of every language set of the run, for clustering service names."""
        sets = {reading_languages(languages or self.config.languages) for languages in language_sets} or {("en",)}
        return frozenset().union(*(self.of(lang).type_words for lang in sets))

    def run_type_words(self, results: Iterable[DocumentResult]) -> frozenset[str]:
        """The document-type words of every language of the run, for clustering service names."""
        return self.type_words_of(r.languages for r in results)


__all__ = ["RunMatchers", "Vocabulary"]
