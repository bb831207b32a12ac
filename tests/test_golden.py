"""Golden files: every fixture document -> the entries it must produce, per format.

tests/fixtures/<parser>/<case>.<ext> is a hand-written document named for its quirk
(tests/fixtures/languages/<language>/<case>.<ext>: one register written in each language);
<case>.expected.jsonl beside it pins the entries (see conftest.GOLDEN_COLUMNS). An
`owners.csv` in the folder is used as the owner directory. Regenerate with
`pytest tests/test_golden.py --update-golden` and review the diff before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.normalise import normalise
from pipeline.run import process_document
from tests.conftest import FIXTURES, golden_rows, read_jsonl, write_jsonl

CASES = sorted(
    p
    for p in (*FIXTURES.glob("*/*"), *FIXTURES.glob("languages/*/*"))
    if p.is_file() and not p.name.endswith(".jsonl") and p.name != "owners.csv" and not p.name.startswith(".")
)


def run_one(path: Path):
    config = Config()
    if (path.parent / "owners.csv").exists():
        config = config.with_owner_directory(path.parent / "owners.csv")
    result = process_document(path.name, path.read_bytes(), config)
    return result, normalise([result], config).entries


@pytest.mark.parametrize("case", CASES, ids=[p.relative_to(FIXTURES).as_posix() for p in CASES])
def test_golden(case: Path, update_golden: bool) -> None:
    result, entries = run_one(case)
    expected_path = case.with_name(case.name.rsplit(".", 1)[0] + ".expected.jsonl")
    got = golden_rows(entries)
    if update_golden:
        write_jsonl(expected_path, got)
    # A missing golden file is a failure, never written silently: a golden is only as good as its review.
    assert expected_path.exists(), f"no golden file {expected_path.name}; run with --update-golden and review it"
    assert not [r for r in result.rejections if "internal error" in r.reason], result.rejections
    expected = read_jsonl(expected_path)
    assert got == expected
