"""Shared test helpers: golden-file option and a one-document pipeline runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN_COLUMNS = (
    "kind",
    "entry_id",
    "title",
    "likelihood",
    "impact",
    "score",
    "severity",
    "status",
    "owners",
    "owner_raw",
    "mitigation",
    "section",
    "checked",
    "likelihood_raw",
    "impact_raw",
    "severity_raw",
    "status_raw",
    "source_line",
    "source_lines",
    "parser",
    "service",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/fixtures/**/*.expected.jsonl from the current output; review the diff",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def golden_rows(entries) -> list[dict]:
    """The columns a golden file pins, one dict per entry, JSON-ready."""
    rows = []
    for e in entries:
        row = {c: getattr(e, c) for c in GOLDEN_COLUMNS}
        row["owners"] = list(row["owners"])
        row["source_lines"] = list(row["source_lines"])
        rows.append(row)
    return rows


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
