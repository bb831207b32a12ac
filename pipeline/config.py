"""Configuration: every default in code, `riskreg.toml` to override, `--owners CSV` for the directory.

`Config()` works with no file. `load_config(path)` reads TOML with tomllib; an unknown table or
key is a ConfigError naming the file and the key, so a typo never silently does nothing.
The config is part of the per-document work's input, so it must stay picklable and hashable
into a fingerprint (`Config.fingerprint`) that keys the parse cache.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from parsers import lexicon as lexicon_pack
from parsers.lexicon import FIELDS, Lexicon
from pipeline import __version__, csvfields, vocab
from pipeline.errors import ConfigError
from pipeline.matching import Guards
from pipeline.textnorm import fold


@dataclass(frozen=True, slots=True)
class OwnerAlias:
    """One row of the owner directory: an alias (or the canonical name itself) -> canonical owner."""

    canonical: str
    alias: str


# Config attributes that do not change what a document gives, so do not key the parse cache.
UNFINGERPRINTED = frozenset({"source", "decisions_path", "max_document_mb", "document_seconds"})


@dataclass(frozen=True)
class Config:
    """Everything that changes how documents are read and normalised; every default is here.

    The riskreg.toml key of each attribute is in `_TOML_KEYS` (README, "riskreg.toml reference").
    """

    # [headers] <field> = [...]: extra header synonyms (added to the lexicon's labels, parsers/lexicon/en.toml).
    header_synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # [scales] words, severity_words (extend the defaults), severity_bands (replace them).
    scale_words: Mapping[str, int] = field(default_factory=lambda: dict(vocab.SCALE_WORDS))
    severity_words: Mapping[str, str] = field(default_factory=lambda: dict(vocab.SEVERITY_WORDS))
    severity_bands: tuple[tuple[int, str], ...] = vocab.SEVERITY_BANDS
    # [statuses] <status> = [...]: synonyms (extend the defaults).
    status_synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(vocab.STATUS_SYNONYMS))
    # [owners] directory (CSV, or --owners), role_words, qualifiers, role_titles, joiners (lists replace the
    # defaults), abbreviations (a table: extends the defaults).
    owner_directory: tuple[OwnerAlias, ...] = ()
    owner_role_words: tuple[str, ...] = vocab.OWNER_ROLE_WORDS
    owner_qualifiers: tuple[str, ...] = vocab.OWNER_QUALIFIERS
    owner_role_titles: tuple[str, ...] = vocab.OWNER_ROLE_TITLES
    owner_joiners: tuple[str, ...] = vocab.OWNER_JOINERS
    owner_abbreviations: Mapping[str, str] = field(default_factory=lambda: dict(vocab.OWNER_ABBREVIATIONS))
    # [services] type_words, generic_folders (lists replace the defaults).
    service_type_words: tuple[str, ...] = vocab.SERVICE_TYPE_WORDS
    service_generic_folders: tuple[str, ...] = vocab.GENERIC_FOLDERS
    # [matching] fuzzy-match guards (rapidfuzz scores are 0-100), for owners, statuses, ratings, services.
    match_min_score: float = 85.0
    match_margin: float = 6.0
    match_min_length: int = 3
    match_max_edits: int = 2
    # [values] null: cells meaning "no value".
    null_values: tuple[str, ...] = vocab.NULL_VALUES
    # [review] decisions: file of decisions made in `riskreg review` (None: beside the database).
    decisions_path: str | None = None
    # [review] merge_min_score: title similarity (0-100) from which two risks are merge candidates.
    merge_min_score: float = 85.0
    # [lexicon] files: extra lexicon files (TOML, same layout as parsers/lexicon/en.toml).
    lexicon_files: tuple[str, ...] = ()
    # [lexicon] languages: the packs every document is read with, English first; empty: English
    # and the packs each document's own labels use (`pipeline.languages`).
    languages: tuple[str, ...] = ()
    # [limits] max_document_mb: a larger file is rejected without being read; document_seconds: the
    # time budget of one document (read, parse, normalise), after which it is rejected and the run
    # goes on. Neither changes what a document that is read gives, so neither keys the parse cache.
    max_document_mb: float = 20.0
    document_seconds: float = 60.0
    # where the file was read from, for messages
    source: str = "<defaults>"

    @property
    def lexicon(self) -> Lexicon:
        """The words documents are read with: the packs of `languages` (English alone when not
        set), `[lexicon] files`, `[headers]`."""
        headers = tuple(sorted((f, tuple(w)) for f, w in self.header_synonyms.items()))
        return _lexicon(self.languages or ("en",), self.lexicon_files, headers)

    def fingerprint(self) -> str:
        """Hash of everything that changes per-document results; keys the parse cache.

        It covers the code too (the source of the pipeline and parsers packages), so an upgrade
        or a local fix never serves a parse made by older code.
        """
        payload = {k: v for k, v in asdict(self).items() if k not in UNFINGERPRINTED}
        payload["lexicon_files"] = [Path(f).read_text(encoding="utf-8") for f in self.lexicon_files]
        blob = json.dumps([__version__, code_fingerprint(), payload], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    @property
    def max_document_bytes(self) -> int:
        """`[limits] max_document_mb` in bytes."""
        return int(self.max_document_mb * 2**20)

    def with_owner_directory(self, path: str | Path) -> Config:
        """A copy using the owner directory in a CSV file (columns canonical,alias)."""
        return replace(self, owner_directory=read_owner_directory(path))

    @property
    def guards(self) -> Guards:
        """The fuzzy-match guards of `[matching]`."""
        return Guards(self.match_min_score, self.match_margin, self.match_min_length, self.match_max_edits)

    def decisions_file(self, db: str | Path) -> Path:
        """Where review decisions are kept: `[review] decisions`, else `<database>.decisions.csv`.

        >>> Config().decisions_file("data/normalized/registers.duckdb").as_posix()
        'data/normalized/registers.decisions.csv'
        """
        if self.decisions_path:
            return Path(self.decisions_path)
        db = Path(db)
        return db.with_name(db.stem + ".decisions.csv")


@lru_cache(maxsize=16)
def _lexicon(
    languages: tuple[str, ...], files: tuple[str, ...], headers: tuple[tuple[str, tuple[str, ...]], ...]
) -> Lexicon:
    lexicon = lexicon_pack.load(languages, files)
    if headers:
        lexicon = lexicon.merged(lexicon_pack.Lexicon(labels=dict(headers)))
    return lexicon


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of riskreg's own source files (pipeline/ and parsers/, the lexicon packs included)."""
    digest = hashlib.sha256()
    for package in ("pipeline", "parsers"):
        folder = Path(__file__).resolve().parent.parent / package
        for source in sorted(folder.rglob("*.py")) + sorted(folder.rglob("*.sql")) + sorted(folder.rglob("*.toml")):
            digest.update(source.relative_to(folder.parent).as_posix().encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def read_owner_directory(path: str | Path) -> tuple[OwnerAlias, ...]:
    """Read an owner directory CSV: a `canonical` column and an optional `alias` column.

    Each canonical name is its own alias; a row with an empty alias just declares the owner.
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csvfields.dict_reader(f)
            if not reader.fieldnames or "canonical" not in [h.strip().lower() for h in reader.fieldnames]:
                raise ConfigError("owner directory needs a 'canonical' column (and optionally 'alias')", str(path), 1)
            rows: list[OwnerAlias] = []
            for raw_row in reader:
                row = {k.strip().lower(): (v or "").strip() for k, v in raw_row.items() if isinstance(k, str)}
                canonical = row.get("canonical", "")
                if not any(row.values()):
                    continue
                if not canonical:
                    raise ConfigError("row has no canonical owner name", str(path), reader.line_num)
                rows.append(OwnerAlias(canonical, canonical))
                if row.get("alias"):
                    rows.append(OwnerAlias(canonical, row["alias"]))
    except OSError as err:
        raise ConfigError(f"cannot read owner directory: {err.strerror}", str(path)) from err
    except UnicodeDecodeError as err:
        raise ConfigError(f"owner directory is not UTF-8 text: {err.reason}; save it as UTF-8", str(path)) from err
    return tuple(dict.fromkeys(rows))  # keep order, drop repeats


# TOML layout: table -> key -> Config attribute. Anything else in the file is an error.
_TOML_KEYS: dict[str, dict[str, str]] = {
    "headers": {},  # any canonical field name -> list of synonyms
    "scales": {"words": "scale_words", "severity_words": "severity_words", "severity_bands": "severity_bands"},
    "statuses": {},  # any canonical status -> list of synonyms
    "owners": {
        "directory": "owner_directory",
        "role_words": "owner_role_words",
        "qualifiers": "owner_qualifiers",
        "role_titles": "owner_role_titles",
        "joiners": "owner_joiners",
        "abbreviations": "owner_abbreviations",
    },
    "services": {"type_words": "service_type_words", "generic_folders": "service_generic_folders"},
    "matching": {
        "min_score": "match_min_score",
        "margin": "match_margin",
        "min_length": "match_min_length",
        "max_edits": "match_max_edits",
    },
    "values": {"null": "null_values"},
    "review": {"decisions": "decisions_path", "merge_min_score": "merge_min_score"},
    "lexicon": {"files": "lexicon_files", "languages": "languages"},
    "limits": {"max_document_mb": "max_document_mb", "document_seconds": "document_seconds"},
}
# Allowed ranges of the numeric settings: attribute -> (lowest, highest).
_RANGES: dict[str, tuple[float, float]] = {
    "match_min_score": (0.0, 100.0),
    "match_margin": (0.0, 100.0),
    "match_min_length": (1, 100),
    "match_max_edits": (0, 10),
    "merge_min_score": (0.0, 100.0),
    "max_document_mb": (0.001, 4096.0),
    "document_seconds": (0.1, 86400.0),
}


def load_config(path: str | Path | None) -> Config:
    """Config from a riskreg.toml file, or the defaults when path is None."""
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"cannot read config: {err.strerror}", str(path)) from err
    except UnicodeDecodeError as err:
        raise ConfigError(f"config is not UTF-8 text: {err.reason}", str(path)) from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"not valid TOML: {err}", str(path)) from err
    return _config_from_toml(data, path)


def _config_from_toml(data: Mapping[str, Any], path: Path) -> Config:
    base = Config()
    changes: dict[str, Any] = {"source": str(path)}
    for table, body in data.items():
        if table not in _TOML_KEYS:
            raise ConfigError(f"unknown table [{table}]; known: {', '.join(sorted(_TOML_KEYS))}", str(path))
        if not isinstance(body, dict):
            raise ConfigError(f"[{table}] must be a table", str(path))
        for key, value in body.items():
            where = f"{table}.{key}"
            if table == "headers":
                if key not in FIELDS:
                    raise ConfigError(f"unknown field {where!r}; fields: {', '.join(FIELDS)}", str(path))
                changes.setdefault("header_synonyms", {})[key] = tuple(_strings(value, where, path))
            elif table == "statuses":
                if key not in vocab.STATUSES:
                    raise ConfigError(f"unknown status {where!r}; statuses: {', '.join(vocab.STATUSES)}", str(path))
                merged = dict(changes.get("status_synonyms", base.status_synonyms))
                merged[key] = tuple(dict.fromkeys((*merged.get(key, ()), *_strings(value, where, path))))
                changes["status_synonyms"] = merged
            elif where == "lexicon.languages":
                changes["languages"] = tuple(_strings(value, where, path))
            elif key not in _TOML_KEYS[table]:
                known = ", ".join(sorted(_TOML_KEYS[table]))
                raise ConfigError(f"unknown key {where!r}; known keys in [{table}]: {known}", str(path))
            else:
                attr = _TOML_KEYS[table][key]
                changes[attr] = _convert(attr, value, where, path, base)
    if "languages" in changes:
        changes["languages"] = _languages(changes["languages"], changes.get("lexicon_files", ()), path)
    return replace(base, **changes)


def _languages(names: tuple[str, ...], files: tuple[str, ...], path: Path) -> tuple[str, ...]:
    """`[lexicon] languages`, checked against the packs there are; English always comes first."""
    known = lexicon_pack.available_languages(files)
    for name in names:
        if name not in known:
            raise ConfigError(f"lexicon.languages: no pack {name!r}; packs: {', '.join(known)}", str(path))
    return tuple(dict.fromkeys(("en", *names)))


def _convert(attr: str, value: Any, where: str, path: Path, base: Config) -> Any:
    """Check and convert one TOML value to the type of its Config attribute."""
    if attr in ("owner_directory", "decisions_path"):
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where} must be a file path", str(path))
        file = Path(value) if Path(value).is_absolute() else path.parent / value
        if attr == "decisions_path":
            return str(file)
        try:
            return read_owner_directory(file)
        except ConfigError as err:
            raise ConfigError(f"{where} = {value!r}: {err}", str(path)) from err
    if attr == "lexicon_files":
        files = []
        for value_file in _strings(value, where, path):
            file = Path(value_file) if Path(value_file).is_absolute() else path.parent / value_file
            try:
                pack = lexicon_pack.read_pack(file)
            except OSError as err:
                raise ConfigError(f"{where}: cannot read {value_file!r}: {err.strerror}", str(path)) from err
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, TypeError, AttributeError, ValueError) as err:
                raise ConfigError(f"{where}: {value_file!r} is not a lexicon file ({err})", str(path)) from err
            if not set(pack.status) <= set(vocab.STATUSES) or not set(pack.severity.values()) <= set(vocab.SEVERITIES):
                statuses, severities = ", ".join(vocab.STATUSES), ", ".join(vocab.SEVERITIES)
                message = f"[status] keys must be {statuses}; [severity] keys {severities}"
                raise ConfigError(f"{where}: {value_file!r}: {message}", str(path))
            files.append(str(file))
        return tuple(files)
    if attr == "scale_words":
        if not isinstance(value, dict) or not all(_is_int(v) and 1 <= v <= 5 for v in value.values()):
            raise ConfigError(f"{where} must map words to levels 1-5, e.g. {{ unlikely = 2 }}", str(path))
        return {**base.scale_words, **{fold(k): v for k, v in value.items()}}
    if attr == "severity_words":
        if not isinstance(value, dict) or not set(value.values()) <= set(vocab.SEVERITIES):
            raise ConfigError(f"{where} must map words to one of {', '.join(vocab.SEVERITIES)}", str(path))
        return {**base.severity_words, **{fold(k): v for k, v in value.items()}}
    if attr == "severity_bands":
        return _bands(value, where, path)
    if attr == "owner_abbreviations":
        if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
            raise ConfigError(f'{where} must map short forms to words, e.g. {{ mgmt = "management" }}', str(path))
        return {**base.owner_abbreviations, **{fold(k): fold(v) for k, v in value.items()}}
    default = getattr(base, attr)
    if isinstance(default, tuple):
        return tuple(_strings(value, where, path))
    if isinstance(default, float | int):
        want_int = isinstance(default, int)
        if not (_is_int(value) if want_int else _is_int(value) or isinstance(value, float)):
            raise ConfigError(f"{where} must be a {'whole number' if want_int else 'number'}", str(path))
        low, high = _RANGES[attr]
        if not low <= value <= high:
            raise ConfigError(f"{where} must be between {low:g} and {high:g}, not {value}", str(path))
        return value if want_int else float(value)
    raise ConfigError(f"{where} has an unexpected type", str(path))  # pragma: no cover - every key is typed above


def _is_int(value: Any) -> bool:
    """A TOML integer (TOML booleans are Python bools, which are ints: not accepted)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _bands(value: Any, where: str, path: Path) -> tuple[tuple[int, str], ...]:
    """`severity_bands = [[6, "low"], [9, "medium"], [15, "high"], [25, "critical"]]`, checked."""
    message = (
        f"{where} must be a list of [max_score, severity] pairs with rising scores ending at 25, "
        f"severities from {', '.join(vocab.SEVERITIES)}"
    )
    if not isinstance(value, list) or not all(isinstance(b, list) and len(b) == 2 for b in value):
        raise ConfigError(message, str(path))
    bands = tuple((b[0], b[1]) for b in value)
    tops = [top for top, _ in bands]
    if (
        not all(_is_int(t) for t in tops)
        or tops != sorted(set(tops))
        or not tops
        or tops[-1] < 25
        or not all(name in vocab.SEVERITIES for _, name in bands)
    ):
        raise ConfigError(message, str(path))
    return bands


def _strings(value: Any, where: str, path: Path) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings", str(path))
    return value


def config_keys() -> list[str]:
    """Every `table.key` riskreg.toml accepts (for the docs test)."""
    return [f"{t}.{k}" for t, keys in _TOML_KEYS.items() for k in keys] + ["headers.<field>", "statuses.<status>"]


__all__ = ["Config", "OwnerAlias", "config_keys", "load_config", "read_owner_directory"]
