"""Per-document vocabularies: the Config a document is read and normalised with, given its languages.

English is one pack among the others (`parsers/lexicon/en.toml`), and the Config's defaults are
its words. A document whose labels are Spanish is read with English *and* Spanish
(`parsers.recognise.language` finds which): the Spanish pack's labels join the lexicon, and its
value words (scale, severity and status words, null values, owner joiners and role words,
document-type words) join the Config's. Where one word means one thing in English and another in
the document's language ("improbable" is 1 on the English scale and 2 on the Spanish one) the
document's language wins; what the user set in riskreg.toml wins over both, and a list the user
replaced keeps the user's words, with the other language's own words added.

Pure: a Config and language names in, a Config out. It is cheap (a few dict merges), so the
reader and the normaliser call it per document or per language set without a cache.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from parsers import lexicon as lexicon_pack
from parsers.lexicon import Lexicon, merged_statuses
from pipeline import vocab
from pipeline.config import Config
from pipeline.textnorm import fold

# Config attribute -> the pack word list it takes its words from.
LIST_ATTRIBUTES: Mapping[str, str] = {
    "null_values": "null_values",
    "owner_joiners": "owner_joiners",
    "owner_role_words": "owner_role_words",
    "owner_role_titles": "owner_role_titles",
    "owner_qualifiers": "owner_qualifiers",
    "service_type_words": "service_type_words",
    "service_generic_folders": "generic_folders",
}
ENGLISH = ("en",)


def reading_languages(languages: Sequence[str]) -> tuple[str, ...]:
    """The languages a document is read in: English first, then the others in their order.

    >>> reading_languages(["es"]), reading_languages(["en", "fr", "es", "fr"]), reading_languages([])
    (('en', 'es'), ('en', 'fr', 'es'), ('en',))
    """
    return tuple(dict.fromkeys((*ENGLISH, *languages)))


def configured(config: Config, languages: Sequence[str]) -> Config:
    """The Config a document in `languages` is read with: English's and the packs' words, the
    user's (riskreg.toml, `[lexicon] files`) over them, `languages` set so that `config.lexicon`
    holds the packs' labels too.

    >>> es = configured(Config(), ["es"])
    >>> es.languages, es.scale_words["muy alta"], es.scale_words["high"], es.status_synonyms["open"][:1]
    (('en', 'es'), 5, 4, ('open',))
    >>> " y " in es.owner_joiners, " y " in configured(Config(), ["fr"]).owner_joiners
    (True, False)
    >>> configured(Config(), []) == replace(Config(), languages=("en",))
    True
    """
    languages = reading_languages(languages)
    if languages == ENGLISH and not config.lexicon_files and config.languages == languages:
        return config
    key = (id(config), languages)
    made = _CONFIGURED.get(key)
    if made is not None and made[0] is config:
        return made[1]
    if len(_CONFIGURED) >= MAX_CONFIGURED:
        _CONFIGURED.clear()
    result = _configured(config, languages)
    _CONFIGURED[key] = (config, result)
    return result


# Configs made by `configured`, by (id of the base config, languages): every document asks for
# one, and a run has a handful. The base config is kept beside its result, so an id reused by a
# new object after the old one died is never mistaken for it.
_CONFIGURED: dict[tuple[int, tuple[str, ...]], tuple[Config, Config]] = {}
MAX_CONFIGURED = 64


def _configured(config: Config, languages: tuple[str, ...]) -> Config:
    if languages == ENGLISH and not config.lexicon_files:
        return replace(config, languages=languages)
    packs = lexicon_pack.load(languages, config.lexicon_files)
    english = vocab.ENGLISH
    changes: dict[str, object] = {
        "languages": languages,
        "scale_words": _overlaid(packs.scale, config.scale_words, vocab.SCALE_WORDS),
        "severity_words": _overlaid(packs.severity, config.severity_words, vocab.SEVERITY_WORDS),
        "owner_abbreviations": _overlaid(
            packs.owner_abbreviations, config.owner_abbreviations, vocab.OWNER_ABBREVIATIONS
        ),
        "status_synonyms": _statuses(packs, config.status_synonyms),
    }
    for attribute, name in LIST_ATTRIBUTES.items():
        own: tuple[str, ...] = getattr(config, attribute)
        theirs = [w for w in packs.words.get(name, ()) if w not in english.words.get(name, ())]
        changes[attribute] = tuple(dict.fromkeys((*own, *theirs)))
    return replace(config, **changes)  # type: ignore[arg-type]


def _overlaid(packs: Mapping[str, object], configured: Mapping[str, object], english: Mapping[str, object]) -> dict:
    """The packs' words (a document's language over English), then what the user set: the words
    whose reading differs from English's.

    >>> english = {"high": 4, "improbable": 1}
    >>> _overlaid({"high": 4, "improbable": 2}, {**english, "sky high": 5}, english)
    {'high': 4, 'improbable': 2, 'sky high': 5}
    """
    users = {k: v for k, v in configured.items() if english.get(k) != v}
    return {**english, **packs, **users}


def _statuses(packs: Lexicon, configured: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Status words: English's, the packs' over them, the user's (riskreg.toml `[statuses]`) over those."""
    english = vocab.STATUS_SYNONYMS
    users = {
        status: tuple(w for w in words if fold(w) not in {fold(e) for e in english.get(status, ())})
        for status, words in configured.items()
    }
    merged = merged_statuses(packs.status, {s: w for s, w in users.items() if w})
    return {status: merged.get(status, ()) for status in (*vocab.STATUSES, *merged) if status in merged}


__all__ = ["configured", "reading_languages"]
