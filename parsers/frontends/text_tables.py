"""Tables in plain text whose cells ran together, sit one cell per line, or are apart by tabs or
commas. A stub: the real module (branch fe-tabletext) replaces it at merge."""

from __future__ import annotations

from collections.abc import Sequence

from parsers.model import Table
from pipeline.config import Config


def find_tables(lines: Sequence[str], config: Config) -> list[Table]:
    """Every such table in the lines; each Table's line..end is the 1-based range it covers."""
    return []
