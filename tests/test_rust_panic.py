"""markdown-it-pyrs panics on a backtick run in a link label that nothing closes ("[`x"): the
document is read again with its backticks escaped, and the user sees no Rust panic report or
backtrace (issue 14). Other output written to stderr meanwhile is kept."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from parsers.frontends.panics import quiet_panics
from pipeline.config import Config
from pipeline.document import process_document

# Inputs the fuzz bench found the panic on (code_pair.rs:87), and the shapes they come down to,
# each above a register table, which must still be read.
TABLE = b"\n| ID | Risk | Impact |\n|---|---|---|\n| R1 | Vault down | High |\n"
PANICS = [
    b"## A\n[`\n|---|---|\n" + TABLE,
    b"## A\n[`x\n" + TABLE,
    b"## A\nsee [` b\n\nc\n" + TABLE,
    b"## A\n| a | [` |\n|---|---|\n" + TABLE,
    b"## A\n[" + b"`" * 31_599 + b"\n" + TABLE,
]

CHILD = """
import sys
from pipeline.config import Config
from pipeline.document import process_document
for data in {panics!r}:
    result = process_document("panic.md", data, Config())
    print([e.fields["entry_id"] for e in result.entries], [r.reason for r in result.rejections])
print("written to stderr by the caller", file=sys.stderr)
"""


def test_a_markdown_parser_panic_prints_no_rust_report_and_the_document_reads() -> None:
    run = subprocess.run(
        [sys.executable, "-c", CHILD.format(panics=PANICS)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "RUST_BACKTRACE": "1"},  # the noisiest: a backtrace besides the message
        check=True,
    )
    assert run.stdout.splitlines() == ["['R1'] []"] * len(PANICS)
    assert "panicked" not in run.stderr and "stack backtrace" not in run.stderr and "code_pair" not in run.stderr
    assert run.stderr == "written to stderr by the caller\n"


def test_what_is_written_to_stderr_during_a_quiet_call_is_kept(capfd: pytest.CaptureFixture[str]) -> None:
    def noisy() -> int:
        os.write(2, b"from the call\n")
        return 1

    assert quiet_panics(noisy) == 1
    assert capfd.readouterr().err == "from the call\n"


def test_quiet_calls_from_threads_leave_stderr_where_it_was(capfd: pytest.CaptureFixture[str]) -> None:
    before = os.fstat(2)
    errors: list[BaseException] = []

    def parse() -> None:
        for _ in range(20):
            result = process_document("panic.md", PANICS[1], Config())
            if [e.fields["entry_id"] for e in result.entries] != ["R1"]:
                errors.append(AssertionError(f"not read: {result.rejections}"))

    threads = [threading.Thread(target=parse) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = os.fstat(2)
    assert not errors
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)
    assert "panicked" not in capfd.readouterr().err
