"""The ingest progress bar: documents parsed, rate and time left, on a terminal only.

`riskreg ingest` on a big tree parses for minutes; a person at a terminal wants to see it move,
a cron job's log and a `--json` reader do not. tqdm draws the bar (it redraws in place, keeps
its own rate estimate and handles terminals that cannot resize).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm

Progress = Callable[[int, int], None]


def wants_progress(stream: TextIO, as_json: bool) -> bool:
    """A bar only for a person: stderr is a terminal and the output is not JSON for a program."""
    return not as_json and stream.isatty()


@contextmanager
def progress_bar(stream: TextIO, enabled: bool) -> Iterator[Progress | None]:
    """A `progress(done, total)` callable drawing a bar on `stream`, or None when not enabled.

    The bar appears at the first document parsed, so a run with nothing to parse shows none.
    """
    if not enabled:
        yield None
        return
    bars: list[tqdm] = []

    def update(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, unit="doc", desc="parsing", file=stream, dynamic_ncols=True))
        bar = bars[0]
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        for bar in bars:
            bar.close()
