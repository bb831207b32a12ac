"""A call into a Rust extension whose panic must not reach the user's terminal.

markdown-it-pyrs (markdown-it 0.6) panics on a backtick run in a link label that nothing closes
("[`x": `code_pair.rs:87`, index out of bounds). PyO3 turns the panic into a `PanicException`,
which the Markdown front end turns into a ParseError (the document is rejected with its reason),
but before that Rust's panic hook has written "thread '<unnamed>' panicked at ..." and, with
RUST_BACKTRACE set, a backtrace to file descriptor 2, which no Python setting can stop.

`quiet_panics` runs the call with descriptor 2 set aside in a temporary file, then puts
descriptor 2 back and writes what was set aside to it, less the panic report. Nothing written
in the meantime is lost, from this thread or another (it is only delayed), and a lock keeps two
threads from setting descriptor 2 aside at once (one would put back the other's file). Each
worker process has its own descriptors. A process without a usable descriptor 2 just calls.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Rust's report of a panic: "thread 'NAME' panicked at FILE:LINE:COL:", the message (a line or
# more), then "note: run with `RUST_BACKTRACE=1` ..." or "stack backtrace:" and its frames (each
# line indented), and "note: Some details are omitted ..." (RUST_BACKTRACE=1). Lines are matched
# one at a time (no run can trade characters with another): linear.
PANIC_REPORT_RE = re.compile(
    rb"thread '[^'\n]*' panicked at [^\n]*\n"  # where
    rb"(?:(?!note: |stack backtrace:)[^\n]*\n)*?"  # the message
    rb"(?:note: run with [^\n]*\n|stack backtrace:\n(?:[ \t][^\n]*\n)*(?:note: [^\n]*\n)?)"
)
_LOCK = threading.Lock()


def quiet_panics(call: Callable[[], T]) -> T:
    """`call()` with what a Rust panic writes to descriptor 2 kept from it (see the module doc).

    >>> quiet_panics(lambda: 6 * 7)
    42
    """
    with _LOCK:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):
            return call()  # no descriptor 2 to protect (a daemon), or no sys.stderr
        try:
            with tempfile.TemporaryFile() as aside:
                os.dup2(aside.fileno(), 2)
                try:
                    return call()
                finally:
                    with contextlib.suppress(OSError, ValueError, AttributeError):
                        sys.stderr.flush()  # what Python wrote meanwhile goes with the rest
                    os.dup2(saved, 2)
                    aside.seek(0)
                    _write_all(2, without_panic_reports(aside.read()))
        finally:
            os.close(saved)


def without_panic_reports(data: bytes) -> bytes:
    """What was written to descriptor 2, less Rust's panic reports.

    >>> report = b"thread '<unnamed>' panicked at src/code_pair.rs:87:46:\\nindex out of bounds\\n"
    >>> without_panic_reports(b"a\\n" + report + b"note: run with `RUST_BACKTRACE=1` to see it\\nb\\n")
    b'a\\nb\\n'
    >>> frames = b"stack backtrace:\\n   0: rust_begin_unwind\\n             at x.rs:1\\n"
    >>> without_panic_reports(report + frames + b"note: Some details are omitted\\nkept\\n")
    b'kept\\n'
    """
    return PANIC_REPORT_RE.sub(b"", data)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except OSError:
            return  # descriptor 2 gone meanwhile: nowhere to put it
        view = view[written:]


__all__ = ["quiet_panics", "without_panic_reports"]
