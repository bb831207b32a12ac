"""Named exceptions of riskreg; each says where (file:line) and what to do next.

Only `pipeline.run` catches broadly (once per document, turning the failure into a Rejection);
the CLI turns these into click exceptions at the command boundary.
"""

from __future__ import annotations


class RiskregError(Exception):
    """Base class: an error at a place in a file."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}: {self.message}"
        if self.path:
            return f"{self.path}: {self.message}"
        return self.message


class ConfigError(RiskregError):
    """riskreg.toml, the owner directory or the decisions file is wrong."""


class DecodeError(RiskregError):
    """The bytes are not text riskreg can decode (binary, empty)."""


class ParseError(RiskregError):
    """A parser recognised the document but could not read it."""


class LoadError(RiskregError):
    """The database could not take the run (locked, wrong schema version)."""
