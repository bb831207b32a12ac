"""A per-document time budget: the work on one document is stopped when it overruns.

Every front end and recogniser should take time linear in its input; the budget is the safety
net for what still does not (a bug, a pathological document), so one document cannot hold a
night's run. Inside the budget's `with` block, an overrun raises `DocumentTimeout` at the next
Python instruction: through SIGALRM on the main thread (a worker process, or `--workers 1`),
through an asynchronous exception on any other thread (a Dask worker's task thread). Neither
can stop a single C call that never returns; for that the local process pool kills the worker
(`pipeline.pool`), which is why parsing runs in worker processes.

`DocumentTimeout` derives from BaseException so that the per-document `except Exception`
that turns parser bugs into rejections does not swallow it.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class DocumentTimeout(BaseException):
    """The work on one document took longer than its budget."""


@contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in this block once `seconds` have passed (None or 0: no budget)."""
    if not seconds or seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
    else:
        with _async_raise(seconds):
            yield


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def overrun(signum, frame):
        raise DocumentTimeout(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, overrun)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _async_raise(seconds: float) -> Iterator[None]:
    """The budget on a thread that is not the main one: a timer raises in this thread."""
    thread_id = threading.get_ident()
    lock, state = threading.Lock(), {"open": True, "fired": False}

    def overrun() -> None:
        with lock:
            if state["open"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(DocumentTimeout))

    timer = threading.Timer(seconds, overrun)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["open"] = False
        timer.cancel()
        if state["fired"]:
            _go_off_if_pending()


def _go_off_if_pending() -> None:
    """Let a DocumentTimeout set on this thread and not yet raised go off here, inside the budget.

    It is never cleared with PyThreadState_SetAsyncExc(id, NULL): on CPython 3.11 that call tells
    the interpreter an asynchronous exception is pending, and only a thread raising one takes the
    news back, so the flag stays up for the life of the process. Every thread then looks for one
    at each call and loop jump (~1% slower), and under a trace function (coverage, Hypothesis'
    explain phase) the next function called never gets past its first line: the test suite hung
    in CI. A pending exception is raised at the next call or backward jump of its thread; the loop
    below is that jump.
    """
    for _ in range(8):
        pass


__all__ = ["DocumentTimeout", "budget"]
