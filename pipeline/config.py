"""Configuration: every default in code, `riskreg.toml` to override, `--owners CSV` for the directory.

`Config()` works with no file. `load_config(path)` reads TOML with tomllib; an unknown table or
key is a ConfigError naming the file and the key, so a typo never silently does nothing.
The config is part of the per-document work's input, so it must stay picklable and hashable
into a fingerprint (`Config.fingerprint`) that keys the parse cache.
"""

from __future__ import annotations

import csv
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline import __version__, vocab
from pipeline.errors import ConfigError
from pipeline.textnorm import fold


@dataclass(frozen=True, slots=True)
class OwnerAlias:
    """One row of the owner directory: an alias (or the canonical name itself) -> canonical owner."""

    canonical: str
    alias: str


@dataclass(frozen=True)
class Config:
    """Everything that changes how documents are read and normalised."""

    # sniff: a parser takes part when its score reaches this.
    sniff_threshold: float = 0.5
    # headers: canonical field -> extra header synonyms (added to parsers.fields.HEADER_SYNONYMS).
    header_synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # scales
    scale_words: Mapping[str, int] = field(default_factory=lambda: dict(vocab.SCALE_WORDS))
    severity_words: Mapping[str, str] = field(default_factory=lambda: dict(vocab.SEVERITY_WORDS))
    severity_bands: tuple[tuple[int, str], ...] = vocab.SEVERITY_BANDS
    # statuses
    status_synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(vocab.STATUS_SYNONYMS))
    # owners
    owner_directory: tuple[OwnerAlias, ...] = ()
    owner_role_words: tuple[str, ...] = vocab.OWNER_ROLE_WORDS
    owner_qualifiers: tuple[str, ...] = vocab.OWNER_QUALIFIERS
    owner_joiners: tuple[str, ...] = vocab.OWNER_JOINERS
    # fuzzy matching guards (rapidfuzz scores are 0-100)
    match_min_score: float = 85.0
    match_margin: float = 6.0
    match_min_length: int = 3
    # cells meaning "no value"
    null_values: tuple[str, ...] = vocab.NULL_VALUES
    # where decisions made in `riskreg review` are kept (None: beside the database)
    decisions_path: str | None = None
    # where the file was read from, for messages
    source: str = "<defaults>"

    def fingerprint(self) -> str:
        """Hash of everything that changes per-document results; keys the parse cache.

        It covers the code too (the source of the pipeline and parsers packages), so an upgrade
        or a local fix never serves a parse made by older code.
        """
        payload = {k: v for k, v in asdict(self).items() if k not in ("source", "decisions_path")}
        blob = json.dumps([__version__, code_fingerprint(), payload], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def with_owner_directory(self, path: str | Path) -> Config:
        """A copy using the owner directory in a CSV file (columns canonical,alias)."""
        return replace(self, owner_directory=read_owner_directory(path))


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of riskreg's own source files (pipeline/ and parsers/)."""
    digest = hashlib.sha256()
    for package in ("pipeline", "parsers"):
        folder = Path(__file__).resolve().parent.parent / package
        for source in sorted(folder.rglob("*.py")) + sorted(folder.rglob("*.sql")):
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
            reader = csv.DictReader(f)
            if not reader.fieldnames or "canonical" not in [h.strip().lower() for h in reader.fieldnames]:
                raise ConfigError("owner directory needs a 'canonical' column (and optionally 'alias')", str(path), 1)
            rows: list[OwnerAlias] = []
            for line, row in enumerate(reader, start=2):
                row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                canonical = row.get("canonical", "")
                if not canonical:
                    raise ConfigError("row has no canonical owner name", str(path), line)
                rows.append(OwnerAlias(canonical, canonical))
                if row.get("alias"):
                    rows.append(OwnerAlias(canonical, row["alias"]))
    except OSError as err:
        raise ConfigError(f"cannot read owner directory: {err.strerror}", str(path)) from err
    return tuple(dict.fromkeys(rows))  # keep order, drop repeats


# TOML layout: table -> key -> Config attribute. Anything else in the file is an error.
_TOML_KEYS: dict[str, dict[str, str]] = {
    "sniff": {"threshold": "sniff_threshold"},
    "headers": {},  # any canonical field name -> list of synonyms
    "scales": {"words": "scale_words", "severity_words": "severity_words", "severity_bands": "severity_bands"},
    "statuses": {},  # any canonical status -> list of synonyms
    "owners": {"directory": "owner_directory", "role_words": "owner_role_words",
               "qualifiers": "owner_qualifiers", "joiners": "owner_joiners"},
    "matching": {"min_score": "match_min_score", "margin": "match_margin", "min_length": "match_min_length"},
    "values": {"null": "null_values"},
    "review": {"decisions": "decisions_path"},
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
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"not valid TOML: {err}", str(path)) from err
    return _config_from_toml(data, path)


def _config_from_toml(data: Mapping[str, Any], path: Path) -> Config:
    from parsers.fields import FIELDS  # the canonical field names live with the parsers

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
            elif key not in _TOML_KEYS[table]:
                known = ", ".join(sorted(_TOML_KEYS[table]))
                raise ConfigError(f"unknown key {where!r}; known keys in [{table}]: {known}", str(path))
            else:
                attr = _TOML_KEYS[table][key]
                changes[attr] = _convert(attr, value, where, path, base)
    return replace(base, **changes)


def _convert(attr: str, value: Any, where: str, path: Path, base: Config) -> Any:
    """Check and convert one TOML value to the type of its Config attribute."""
    if attr == "owner_directory":
        directory = Path(value) if Path(value).is_absolute() else path.parent / value
        return read_owner_directory(directory)
    if attr == "scale_words":
        if not isinstance(value, dict) or not all(isinstance(v, int) and 1 <= v <= 5 for v in value.values()):
            raise ConfigError(f"{where} must map words to levels 1-5", str(path))
        return {**base.scale_words, **{fold(k): v for k, v in value.items()}}
    if attr == "severity_words":
        if not isinstance(value, dict) or not set(value.values()) <= set(vocab.SEVERITIES):
            raise ConfigError(f"{where} must map words to one of {', '.join(vocab.SEVERITIES)}", str(path))
        return {**base.severity_words, **{fold(k): v for k, v in value.items()}}
    if attr == "severity_bands":
        try:
            bands = tuple((int(top), str(name)) for top, name in value)
        except (TypeError, ValueError) as err:
            raise ConfigError(f"{where} must be a list of [max_score, severity] pairs", str(path)) from err
        return bands
    default = getattr(base, attr)
    if isinstance(default, tuple):
        return tuple(_strings(value, where, path))
    if isinstance(default, float):
        if not isinstance(value, int | float):
            raise ConfigError(f"{where} must be a number", str(path))
        return float(value)
    if isinstance(default, int):
        if not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number", str(path))
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a string", str(path))
    return value


def _strings(value: Any, where: str, path: Path) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings", str(path))
    return value


def config_keys() -> list[str]:
    """Every `table.key` riskreg.toml accepts (for the docs test)."""
    return [f"{t}.{k}" for t, keys in _TOML_KEYS.items() for k in keys] + ["headers.<field>", "statuses.<status>"]


__all__ = ["Config", "OwnerAlias", "config_keys", "load_config", "read_owner_directory"]
