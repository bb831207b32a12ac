"""The per-document time budget, on the main thread (SIGALRM) and on any other (a Dask worker's
task thread: an asynchronous exception), and what it leaves behind: nothing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline.deadline import DocumentTimeout, budget

ROOT = Path(__file__).resolve().parent.parent


def spin_for(seconds: float) -> str:
    """Python work (not one C call) that takes `seconds` unless its budget of 0.2 s stops it."""
    try:
        with budget(0.2):
            stop = time.monotonic() + seconds
            while time.monotonic() < stop:
                pass
    except DocumentTimeout:
        return "stopped"
    return "finished"


def test_a_block_over_its_budget_is_stopped_on_the_main_thread() -> None:
    assert spin_for(30) == "stopped"
    assert spin_for(0.01) == "finished"


def test_a_block_over_its_budget_is_stopped_on_a_worker_thread() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(spin_for, [30, 0.01, 30])) == ["stopped", "finished", "stopped"]


def test_an_overrun_inside_one_c_call_goes_off_when_the_call_returns_and_not_later() -> None:
    def sleep_past_budget() -> str:
        try:
            with budget(0.05):
                time.sleep(0.3)  # the timer fires during the sleep; nothing can raise inside it
        except DocumentTimeout:
            pass
        else:
            return "not stopped"
        # Nothing is left pending for the thread's next, unrelated work.
        total = 0
        for i in range(100_000):
            total += i
        return f"went on: {total}"

    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(sleep_past_budget).result(timeout=30) == "went on: 4999950000"


# In a child process: what budgets on threads leave behind is interpreter-wide and would stay for
# the rest of this test session. The child's exit says whether a traced call still returns.
AFTER_THREAD_BUDGETS = textwrap.dedent(
    """
    import sys, time
    from concurrent.futures import ThreadPoolExecutor
    from pipeline.deadline import DocumentTimeout, budget

    def within(i):
        with budget(30):
            return i

    def over(i):
        try:
            with budget(0.05):
                stop = time.monotonic() + 5
                while time.monotonic() < stop:
                    pass
        except DocumentTimeout:
            return i

    with ThreadPoolExecutor(max_workers=3) as pool:
        assert list(pool.map(within, range(20))) == list(range(20))
        assert list(pool.map(over, range(3))) == [0, 1, 2]

    def tracer(frame, event, arg):
        return tracer

    def traced():
        return "traced call returned"

    sys.settrace(tracer)  # as coverage and Hypothesis' explain phase do
    print(traced())
    sys.settrace(None)
    """
)


def test_budgets_on_threads_leave_the_interpreter_able_to_trace_a_call() -> None:
    """CPython 3.11 hung on the first traced call after `PyThreadState_SetAsyncExc(id, NULL)` had
    been used to clear a budget's exception: the test suite stopped inside Hypothesis."""
    try:
        child = subprocess.run(
            [sys.executable, "-c", AFTER_THREAD_BUDGETS], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        pytest.fail("a traced call never returned after time budgets ran on threads")
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "traced call returned"
