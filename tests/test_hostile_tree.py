"""A docs tree is untrusted input (issue 14): what ingest does with a hostile tree.

One test per defect the issue reproduced: FIFOs, devices and symlinks out of ROOT are never
opened, oversized and overrunning documents are rejected and the run goes on, any file name
loads, what cannot be walked or read tonight keeps last night's rows, readers query while a run
parses, a full disk or a second writer leaves the last state, and no worker outlives a killed
run. Each test looks at what the database holds afterwards (`documents`, `entries`,
`rejections`), not only at the exit code.

Running as root reads any file and lists any folder whatever its mode: the tests that need a
file or folder the run cannot read run `riskreg ingest` in a child process without root's
capabilities (`setpriv`), and are skipped only where that cannot be done.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline.load
import pipeline.pool
import pipeline.run
import pipeline.worker
from pipeline import discover
from pipeline.cli import main
from pipeline.config import Config
from pipeline.deadline import budget
from pipeline.document import process_document
from pipeline.errors import LoadError
from pipeline.run import ingest
from tests.fuzz_documents import Limits, fuzz_document, internal_errors, lines_outside

# What a child process runs to be `riskreg` (no console script needed).
RISKREG = (sys.executable, "-c", "from pipeline.cli import main; main()")


def register(code: str, rows: int = 1) -> str:
    """A small risk register whose entries have ids `{code}-1`, `{code}-2`..."""
    body = "".join(
        f"| {code}-{i} | Export job fails in run {i} | Medium | High | Engineering |\n" for i in range(1, rows + 1)
    )
    return f"# {code} Risk Register\n\n| ID | Risk | Likelihood | Impact | Owner |\n|---|---|---|---|---|\n{body}"


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def last_rejections(db: Path) -> dict[str, str]:
    """The latest run's rejections: path -> reason."""
    found = rows(
        db,
        "SELECT path, reason FROM rejections WHERE run_id = (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1)",
    )
    return dict(found)


def documents(db: Path) -> dict[str, str]:
    """path -> status."""
    return dict(rows(db, "SELECT path, status FROM documents"))


def entry_ids(db: Path) -> set[tuple[str, str]]:
    return set(rows(db, "SELECT source_path, entry_id FROM entries"))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    write(root, "payments/risks.md", register("PAY"))
    return root


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "out" / "r.duckdb"


# --- a child `riskreg ingest` that cannot read what its mode forbids ---------------------------


@pytest.fixture
def unprivileged() -> Callable[..., subprocess.CompletedProcess]:
    """Runs a command (`riskreg ARGS...` when the first argument is not a program) in a child
    process for which file modes hold (as root: without root's capabilities, through setpriv);
    returns the completed process."""
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root, which reads any file, and no setpriv to drop root's capabilities")
        prefix = (setpriv, "--inh-caps=-all", "--bounding-set=-all", "--")
        probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
        if probe.returncode != 0:
            pytest.skip(f"running as root, and setpriv cannot drop root's capabilities here: {probe.stderr!r}")

    def run(*args: str) -> subprocess.CompletedProcess:
        command = args if args[0] == sys.executable else (*RISKREG, *args)
        return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, check=False)

    return run


@contextmanager
def mode(path: Path, bits: int) -> Iterator[None]:
    """`path` with permission bits `bits` for the block (restored, so the tree can be removed)."""
    before = path.stat().st_mode & 0o7777
    os.chmod(path, bits)
    try:
        yield
    finally:
        os.chmod(path, before)


# --- 1. only regular files inside ROOT are ever opened ------------------------------------------


def test_fifo_in_the_tree_is_rejected_not_opened(tree: Path, db: Path) -> None:
    os.mkfifo(tree / "payments" / "pipe.md")
    started = time.monotonic()
    summary = ingest(tree, db, Config(), workers=1)  # opening the FIFO would block here forever
    assert time.monotonic() - started < 30
    assert summary.exit_code == 3
    assert "FIFO" in last_rejections(db)["payments/pipe.md"]
    assert "never opened" in last_rejections(db)["payments/pipe.md"]
    assert documents(db) == {"payments/risks.md": "parsed"}
    assert entry_ids(db) == {("payments/risks.md", "PAY-1")}


def test_socket_and_a_symlink_to_a_fifo_inside_root_are_rejected(tree: Path, db: Path) -> None:
    import socket

    os.mkfifo(tree / "pipe")
    os.symlink("../pipe", tree / "payments" / "to-pipe.md")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tree / "payments" / "sock.md"))
        ingest(tree, db, Config(), workers=1)
    finally:
        sock.close()
    rejected = last_rejections(db)
    assert "a socket" in rejected["payments/sock.md"]
    assert "FIFO" in rejected["payments/to-pipe.md"] and "FIFO" in rejected["pipe"]
    assert documents(db) == {"payments/risks.md": "parsed"}


def test_symlink_to_a_file_outside_root_is_never_read(tree: Path, db: Path, tmp_path: Path) -> None:
    secret = write(tmp_path, "elsewhere/secret-register.md", register("SECRET"))
    os.symlink(secret, tree / "payments" / "absolute.md")
    os.symlink("../../elsewhere/secret-register.md", tree / "payments" / "relative.md")
    os.symlink("/etc/passwd", tree / "passwd.md")
    os.symlink(tmp_path / "elsewhere", tree / "folder-outside")  # a folder link out of ROOT too
    summary = ingest(tree, db, Config(), workers=1)
    rejected = last_rejections(db)
    for name in ("payments/absolute.md", "payments/relative.md", "passwd.md", "folder-outside"):
        assert "outside the folder ingested; not followed" in rejected[name], name
    assert documents(db) == {"payments/risks.md": "parsed"}
    assert entry_ids(db) == {("payments/risks.md", "PAY-1")}
    # nothing of the targets is stored anywhere: not as entries, documents, cache or skipped rows
    stored = rows(db, "SELECT count(*) FROM cache_documents WHERE path <> 'payments/risks.md'")
    assert stored == [(0,)]
    assert summary.documents_parsed == 1


def test_symlink_to_dev_zero_is_rejected(tree: Path, db: Path) -> None:
    os.symlink("/dev/zero", tree / "payments" / "zero.md")
    os.symlink("/dev/urandom", tree / "random.md")
    started = time.monotonic()
    ingest(tree, db, Config(), workers=1)  # reading either would never end
    assert time.monotonic() - started < 30
    rejected = last_rejections(db)
    assert "symlink to /dev/zero" in rejected["payments/zero.md"]
    assert "symlink to /dev/urandom" in rejected["random.md"]
    assert documents(db) == {"payments/risks.md": "parsed"}


def test_a_device_is_never_opened_even_when_the_walk_did_not_see_it() -> None:
    """A file swapped for a device or FIFO after the walk: the open checks the file itself."""
    with pytest.raises(discover.Refused, match="character device"):
        discover.read_document_bytes(b"/dev/zero", 1 << 20)
    with pytest.raises(discover.Refused, match="character device"):
        discover.file_sha256(b"/dev/urandom", 1 << 20)


def test_file_swapped_for_a_symlink_after_the_walk_is_refused(tmp_path: Path) -> None:
    target = write(tmp_path, "outside.md", register("OUT"))
    link = tmp_path / "docs" / "late.md"
    link.parent.mkdir()
    os.symlink(target, link)
    with pytest.raises(discover.Refused, match="became a symlink"):
        discover.read_document_bytes(os.fsencode(link), 1 << 20)


def swap_folder_for_symlink(folder: Path, target: Path) -> None:
    """`folder` moved aside and a symlink to `target` put in its place: what a hostile tree can
    do between the walk and the read."""
    folder.rename(folder.with_name(folder.name + ".was"))
    os.symlink(target, folder)


def test_folder_swapped_for_a_symlink_out_of_root_after_the_walk_is_refused(tmp_path: Path) -> None:
    """O_NOFOLLOW checks only the last part of a path: a folder on the way must be checked too."""
    tree, outside = tmp_path / "docs", tmp_path / "outside"
    write(tree, "payments/q3/risks.md", register("PAY"))
    write(outside, "q3/risks.md", register("OUT"))
    root = discover.real_root(tree)
    (found,) = (f for f in discover.walk(tree, 1 << 20) if isinstance(f, discover.Found))
    assert discover.read_document_bytes(found.fs_path, 1 << 20, root).startswith(b"# PAY")
    swap_folder_for_symlink(tree / "payments", outside)  # the top folder
    with pytest.raises(discover.Refused, match="folder payments became a symlink"):
        discover.read_document_bytes(found.fs_path, 1 << 20, root)
    with pytest.raises(discover.Refused, match="folder payments became a symlink"):
        discover.file_sha256(found.fs_path, 1 << 20, root)
    os.unlink(tree / "payments")
    (tree / "payments.was").rename(tree / "payments")
    swap_folder_for_symlink(tree / "payments" / "q3", outside / "q3")  # a folder deeper down
    with pytest.raises(discover.Refused, match="folder payments/q3 became a symlink"):
        discover.read_document_bytes(found.fs_path, 1 << 20, root)
    # ... while reading by the whole path (no root) would have followed it out of the tree
    assert discover.read_document_bytes(found.fs_path, 1 << 20).startswith(b"# OUT")
    with pytest.raises(discover.Refused, match="not below the folder ingested"):
        discover.read_document_bytes(os.fsencode(outside / "q3" / "risks.md"), 1 << 20, root)


def test_folder_swapped_for_a_symlink_between_walk_and_parse_stores_nothing_from_outside(
    tree: Path, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "outside/risks.md", register("OUT"))
    listed = pipeline.run._list

    def list_then_swap(*args, **kwargs):  # the walk (and hash) done, then the tree changes
        listed(*args, **kwargs)
        swap_folder_for_symlink(tree / "payments", tmp_path / "outside")

    monkeypatch.setattr(pipeline.run, "_list", list_then_swap)
    ingest(tree, db, Config(), workers=1)
    reason = last_rejections(db)["payments/risks.md"]
    assert reason == "folder payments became a symlink since it was found; not followed"
    assert entry_ids(db) == set()
    assert rows(db, "SELECT count(*) FROM cache_entries") == [(0,)]  # nothing read from outside, even unloaded


def test_symlink_inside_root_is_read_under_its_own_name(tree: Path, db: Path) -> None:
    os.symlink("payments/risks.md", tree / "alias.md")
    os.symlink("payments", tree / "folder-alias")  # a folder link inside ROOT is not walked twice
    os.symlink("loop", tree / "loop")  # nor does a link loop trap the walk
    ingest(tree, db, Config(), workers=1)
    assert documents(db) == {"alias.md": "parsed", "payments/risks.md": "parsed"}
    assert entry_ids(db) == {("alias.md", "PAY-1"), ("payments/risks.md", "PAY-1")}
    assert "broken symlink" in last_rejections(db)["loop"]


# --- 2. size and time limits ------------------------------------------------------------------------


def test_file_over_the_size_limit_is_rejected_without_reading_it(
    tree: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tree / "payments" / "huge.md"
    with big.open("wb") as out:  # 3 MB, sparse: costs no disk
        out.truncate(3 * 2**20)
    opened: list[bytes] = []
    real_open = discover._open_regular

    def spy(fs_path: bytes, max_bytes: int, root: bytes | None = None):
        opened.append(fs_path)
        return real_open(fs_path, max_bytes, root)

    monkeypatch.setattr(discover, "_open_regular", spy)
    summary = ingest(tree, db, replace(Config(), max_document_mb=1.0), workers=1)
    assert summary.exit_code == 3
    assert last_rejections(db)["payments/huge.md"].startswith("file is 3.0 MB, over the 1.0 MB limit")
    assert os.fsencode(big) not in opened  # neither hashed nor read: not even opened
    assert documents(db) == {"payments/risks.md": "parsed"}


def test_file_grown_past_the_limit_since_the_walk_is_not_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "growing.md"
    path.write_bytes(b"x" * 4096)
    with pytest.raises(discover.Refused, match="over the"):
        discover.read_document_bytes(os.fsencode(path), 1024)
    with pytest.raises(discover.Refused, match="over the"):
        discover.file_sha256(os.fsencode(path), 1024)


def slow_when_marked(real: Callable) -> Callable:
    """`process_document` that sleeps on documents holding the word SLOW (a stand-in for a
    parser stuck on a pathological document)."""

    def process(path: str, data: bytes, config: Config):
        if b"SLOW" in data:
            time.sleep(30)
        return real(path, data, config)

    return process


def test_document_over_its_time_budget_is_rejected_and_the_run_goes_on(
    tree: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tree, "slow.md", "SLOW\n\n" + register("SLO"))
    write(tree, "zzz/after.md", register("AFT"))
    monkeypatch.setattr(pipeline.worker, "process_document", slow_when_marked(pipeline.worker.process_document))
    started = time.monotonic()
    summary = ingest(tree, db, replace(Config(), document_seconds=0.3), workers=1)
    assert time.monotonic() - started < 20
    assert summary.exit_code == 3
    reason = last_rejections(db)["slow.md"]
    assert "took longer than 0.3 s" in reason and "the run went on" in reason
    assert documents(db) == {"payments/risks.md": "parsed", "slow.md": "rejected", "zzz/after.md": "parsed"}
    assert entry_ids(db) == {("payments/risks.md", "PAY-1"), ("zzz/after.md", "AFT-1")}
    # an overrun is never cached: tomorrow the document is tried again
    assert rows(db, "SELECT count(*) FROM cache_documents WHERE path = 'slow.md'") == [(0,)]


# Installed in the pool's worker processes (through PYTHONPATH): documents marked SLOW sleep (the
# in-worker alarm stops them), STUCK ones sleep with the alarm blocked (as a C call that never
# returns would: the driver must kill the worker), DIE ones kill their worker.
WORKER_HOOK = """
import os, signal, time
import pipeline.document

real = pipeline.document.process_document


def process_document(path, data, config):
    if b"SLOW" in data:
        time.sleep(30)
    if b"STUCK" in data:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(30)
    if b"DIE" in data:
        os._exit(9)
    return real(path, data, config)


pipeline.document.process_document = process_document
"""


def test_document_over_its_time_budget_in_a_worker_process_is_rejected_and_the_run_goes_on(
    tree: Path, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = tmp_path / "hook"
    write(hook, "sitecustomize.py", WORKER_HOOK)
    monkeypatch.setenv("PYTHONPATH", str(hook))
    monkeypatch.setattr(pipeline.run, "MIN_DOCS_FOR_POOL", 1)  # the pool for a small tree
    monkeypatch.setattr(pipeline.pool, "KILL_GRACE_SECONDS", 1.0)
    write(tree, "a-slow.md", "SLOW\n\n" + register("SLO"))
    write(tree, "b-stuck.md", "STUCK\n\n" + register("STU"))
    write(tree, "c-dies.md", "DIE\n\n" + register("DIE"))
    for i in range(6):
        write(tree, f"team{i}/risks.md", register(f"T{i}"))
    started = time.monotonic()
    summary = ingest(tree, db, replace(Config(), document_seconds=0.5), workers=2)
    assert time.monotonic() - started < 60
    assert summary.exit_code == 3
    rejected = last_rejections(db)
    assert "took longer than 0.5 s" in rejected["a-slow.md"]
    assert "its worker process was killed" in rejected["b-stuck.md"]
    assert "the worker process reading it died" in rejected["c-dies.md"]
    assert set(rejected) == {"a-slow.md", "b-stuck.md", "c-dies.md"}
    assert {path for path, status in documents(db).items() if status == "parsed"} == {
        "payments/risks.md",
        *(f"team{i}/risks.md" for i in range(6)),
    }


# --- 3. file names --------------------------------------------------------------------------------


def test_non_utf8_file_name_loads_losslessly(tree: Path, db: Path) -> None:
    raw = os.fsencode(tree) + b"/caf\xe9/r\xe9sum\xe9.md"
    os.mkdir(os.path.dirname(raw))
    with open(raw, "wb") as out:
        out.write(register("CAF").encode())
    summary = ingest(tree, db, Config(), workers=1)
    assert summary.exit_code == 0, summary.rejections
    shown = "caf\\xe9/r\\xe9sum\\xe9.md"
    assert rows(db, "SELECT path, path_bytes, status FROM documents WHERE path_bytes IS NOT NULL") == [
        (shown, b"caf\xe9/r\xe9sum\xe9.md", "parsed")
    ]
    assert (shown, "CAF-1") in entry_ids(db)
    # the stored bytes name the file: it opens again, and a second run finds it unchanged
    (stored,) = rows(db, "SELECT path_bytes FROM documents WHERE path_bytes IS NOT NULL")[0]
    assert (Path(os.fsdecode(os.fsencode(tree) + b"/" + stored))).read_text() == register("CAF")
    again = ingest(tree, db, Config(), workers=1)
    assert again.exit_code == 0 and again.changes == {"new": 0, "changed": 0, "retired": 0}


def test_a_name_that_is_not_utf8_and_one_that_shows_the_same_both_load(tree: Path, db: Path) -> None:
    """b'caf\\xe9.md' is shown as the text `caf\\xe9.md`, which another file may really be called:
    both load, under names that differ, and neither stops the run (a duplicate `documents.path`
    failed the whole load)."""
    folder = os.fsencode(tree / "payments")
    with open(folder + b"/caf\xe9.md", "wb") as out:
        out.write(register("LATIN").encode())
    write(tree, "payments/caf\\xe9.md", register("LITERAL"))
    with open(folder + b"/caf\xe9.md (2)", "wb") as out:  # the name the first one would take next
        out.write(register("TWO").encode())
    summary = ingest(tree, db, Config(), workers=1)
    assert summary.exit_code == 0, summary.rejections
    stored = rows(db, "SELECT path, path_bytes FROM documents WHERE path LIKE 'payments/caf%' ORDER BY path")
    assert len({path for path, _ in stored}) == 3
    assert ("payments/caf\\xe9.md", None) in stored  # the real name keeps its name
    by_bytes = {raw: path for path, raw in stored if raw is not None}
    assert set(by_bytes) == {b"payments/caf\xe9.md", b"payments/caf\xe9.md (2)"}
    assert {code for _, code in entry_ids(db)} >= {"LATIN-1", "LITERAL-1", "TWO-1"}
    again = ingest(tree, db, Config(), workers=1)  # the same names night after night
    assert again.changes == {"new": 0, "changed": 0, "retired": 0}


def test_a_file_name_with_terminal_escapes_is_shown_escaped(tree: Path, db: Path) -> None:
    """A name (or a symlink's target) is printed in the run summary: its control characters must
    not reach the terminal, where they could clear the screen or rewrite the lines above."""
    name = "\x1b[2J\x1b[1;32mall good\x1b[0m\r.md"
    os.mkfifo(tree / name)
    result = CliRunner().invoke(main, ["ingest", str(tree), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 3
    assert "\x1b" not in result.output and "\r" not in result.output
    assert "\\x1b[2J\\x1b[1;32mall good\\x1b[0m\\x0d.md: read: a FIFO" in result.output
    assert name in last_rejections(db)  # stored as it is


# --- 4. what cannot be walked or read keeps last night's rows -----------------------------------------


def test_unreadable_file_keeps_last_nights_rows_as_stale(tree: Path, db: Path, unprivileged) -> None:
    write(tree, "payments/other.md", register("OTH"))
    ingest(tree, db, Config(), workers=1)
    target = tree / "payments" / "risks.md"
    with mode(target, 0):
        done = unprivileged("ingest", str(tree), "--db", str(db), "--workers", "1")
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert "Permission denied" in last_rejections(db)["payments/risks.md"]
    assert documents(db) == {"payments/risks.md": "stale", "payments/other.md": "parsed"}
    assert entry_ids(db) == {("payments/risks.md", "PAY-1"), ("payments/other.md", "OTH-1")}


def test_unreadable_directory_is_a_rejection(tree: Path, db: Path, unprivileged) -> None:
    write(tree, "secret/register.md", register("SEC"))
    ingest(tree, db, Config(), workers=1)
    write(tree, "locked/new.md", register("NEW"))  # never seen: a rejection says it is there
    with mode(tree / "secret", 0), mode(tree / "locked", 0):
        done = unprivileged("ingest", str(tree), "--db", str(db), "--workers", "1")
    assert done.returncode == 3, done.stderr
    rejected = last_rejections(db)
    assert "cannot list folder: Permission denied" in rejected["secret/"]
    assert "cannot list folder: Permission denied" in rejected["locked/"]
    assert "in a folder that cannot be listed" in rejected["secret/register.md"]
    # last night's documents in the folder keep their rows, marked stale
    assert documents(db) == {"payments/risks.md": "parsed", "secret/register.md": "stale"}
    assert ("secret/register.md", "SEC-1") in entry_ids(db)


def test_unreadable_root_keeps_every_document_as_stale(tree: Path, db: Path, unprivileged) -> None:
    """The CLI refuses a ROOT it cannot read (a usage error); the library's ingest, which a
    scheduler calls, must not take an unreadable ROOT for an empty tree and retire everything."""
    ingest(tree, db, Config(), workers=1)
    library = "import sys; from pipeline.config import Config; from pipeline.run import ingest; "
    library += "print(ingest(sys.argv[1], sys.argv[2], Config(), workers=1).exit_code)"
    with mode(tree, 0):
        done = unprivileged(sys.executable, "-c", library, str(tree), str(db))
    assert done.returncode == 0 and done.stdout.strip() == "3", done.stderr
    assert "cannot list folder: Permission denied" in last_rejections(db)["./"]
    assert documents(db) == {"payments/risks.md": "stale"}
    assert entry_ids(db) == {("payments/risks.md", "PAY-1")}


def test_path_longer_than_path_max_is_a_rejection(tree: Path, db: Path) -> None:
    # Folders 250 bytes deep each, made relative to each other (an absolute path this long
    # cannot even be opened), until the path is past PATH_MAX.
    folder = os.open(tree, os.O_RDONLY)
    try:
        for _ in range(discover.PATH_MAX // 250 + 1):
            os.mkdir("d" * 250, dir_fd=folder)
            inner = os.open("d" * 250, os.O_RDONLY, dir_fd=folder)
            os.close(folder)
            folder = inner
        out = os.open("deep.md", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=folder)
        os.write(out, register("DEEP").encode())
        os.close(out)
    finally:
        os.close(folder)
    summary = ingest(tree, db, Config(), workers=1)
    assert summary.exit_code == 3
    too_long = [reason for path, reason in last_rejections(db).items() if len(path.encode()) > 4000]
    assert len(too_long) == 1 and "longer than the system allows" in too_long[0]
    assert documents(db) == {"payments/risks.md": "parsed"}


# --- 5. readers, writers, a full disk, a bad --db ----------------------------------------------------


def test_readers_can_query_while_a_run_parses(tree: Path, db: Path) -> None:
    ingest(tree, db, Config(), workers=1)
    for i in range(3):
        write(tree, f"team{i}/risks.md", register(f"T{i}"))
    # Another process (an analyst's notebook, `riskreg report`) opens the database read-only
    # while the run parses: each progress call comes after a batch is parsed, before the load.
    reader = [*RISKREG[:2], "import duckdb, sys; print(duckdb.connect(sys.argv[1], read_only=True)"
              ".execute('SELECT count(*) FROM entries').fetchone()[0])"]  # fmt: skip
    seen: list[str] = []

    def progress(done: int, total: int) -> None:
        if not seen:
            result = subprocess.run([*reader, str(db)], capture_output=True, text=True, timeout=60, check=False)
            seen.append(result.stdout.strip() or result.stderr)

    ingest(tree, db, Config(), workers=1, incremental=False, progress=progress)
    assert seen == ["1"]  # last night's committed state, while tonight's run was parsing
    assert len(entry_ids(db)) == 4


def test_db_under_a_missing_read_only_parent_is_a_message(tree: Path, tmp_path: Path, unprivileged) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    with mode(locked, 0o555):
        done = unprivileged("ingest", str(tree), "--db", str(locked / "missing" / "r.duckdb"), "--workers", "1")
    assert done.returncode == 1
    assert "cannot create the database" in done.stderr and "is not writable; give another --db" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (locked / "missing").exists()


class DiskFullAtCommit:
    """A DuckDB connection whose COMMIT fails as DuckDB's does on a full disk: the WAL cannot be
    written, the transaction is gone (a ROLLBACK after it fails in turn)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def execute(self, sql: str, *args: object) -> object:
        if sql.strip().upper() == "COMMIT":
            self._con.execute("ROLLBACK")
            raise duckdb.TransactionException(
                'TransactionContext Error: Failed to commit: Could not write file "r.duckdb.wal": '
                "No space left on device"
            )
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


def test_full_disk_at_commit_is_a_clear_message_and_leaves_the_last_state(
    tree: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(tree, db, Config(), workers=1)
    before = (documents(db), entry_ids(db), rows(db, "SELECT run_id FROM runs"))
    write(tree, "team/risks.md", register("NEW", rows=3))
    real_connect = pipeline.load.connect
    monkeypatch.setattr(pipeline.load, "connect", lambda *a, **k: DiskFullAtCommit(real_connect(*a, **k)))
    result = CliRunner().invoke(main, ["ingest", str(tree), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 1
    assert "the disk is full" in result.output and "free space and run again" in result.output
    assert "database unchanged" in result.output
    assert not isinstance(result.exception, duckdb.Error)
    assert (documents(db), entry_ids(db), rows(db, "SELECT run_id FROM runs")) == before
    # with space again, the next run loads
    monkeypatch.setattr(pipeline.load, "connect", real_connect)
    ingest(tree, db, Config(), workers=1)
    assert ("team/risks.md", "NEW-3") in entry_ids(db)


def test_second_writer_is_refused(tree: Path, db: Path) -> None:
    ingest(tree, db, Config(), workers=1)
    write(tree, "team/risks.md", register("NEW"))
    refused: list[str] = []

    def progress(done: int, total: int) -> None:
        if not refused:
            with pytest.raises(LoadError) as err:
                ingest(tree, db, Config(), workers=1, incremental=False)
            refused.append(str(err.value))

    ingest(tree, db, Config(), workers=1, progress=progress)
    assert refused and "another `riskreg ingest` is running" in refused[0]
    assert rows(db, "SELECT count(*) FROM runs") == [(2,)]  # the first and the one that ran; not the refused
    # and from the command line: exit 1 with the message, the database untouched
    with (db.parent / (db.name + ".lock")).open("a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = CliRunner().invoke(main, ["ingest", str(tree), "--db", str(db), "--workers", "1", "--full"])
    assert result.exit_code == 1 and "another `riskreg ingest` is running" in result.output
    assert rows(db, "SELECT count(*) FROM runs") == [(2,)]


# --- 6. worker processes die with the run ------------------------------------------------------------


def descendants(pid: int) -> list:
    psutil = pytest.importorskip("psutil")
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def alive(processes: list) -> list:
    """Those still running (a zombie waiting for init to reap it has exited)."""
    psutil = pytest.importorskip("psutil")
    out = []
    for p in processes:
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_workers_exit_when_the_parent_is_killed(tmp_path: Path, how: signal.Signals) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("process checks through /proc (psutil) on Linux")
    root = tmp_path / "docs"
    for i in range(160):  # past MIN_DOCS_FOR_POOL, and a few seconds of parsing for two workers
        write(root, f"team{i:03}/risks.md", register(f"T{i}", rows=60))
    db = tmp_path / "r.duckdb"
    run = subprocess.Popen(
        [*RISKREG, "ingest", str(root), "--db", str(db), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        workers: list = []
        while time.monotonic() < deadline and len(workers) < 2:
            workers = [p for p in descendants(run.pid) if "spawn_main" in " ".join(p.cmdline())]
            time.sleep(0.1)
        assert len(workers) == 2, "the pool did not start"
        time.sleep(0.5)  # into the parse
        everything = descendants(run.pid)
        assert run.poll() is None, "the run ended before it could be killed: give it more to parse"
        os.kill(run.pid, how)
        run.wait(10)
        deadline = time.monotonic() + 5
        while alive(everything) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(everything), [p.cmdline() for p in alive(everything)]
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert not db.exists() or rows(db, "SELECT count(*) FROM runs") == [(0,)]


# --- 7. documents that broke the old parsers ---------------------------------------------------------


def test_a_list_nested_ten_deep_before_a_table_keeps_the_rest() -> None:
    nested = "".join("  " * depth + f"- level {depth}\n" for depth in range(10))
    text = (
        "# Checkout Risk Register\n\n"
        + nested
        + "\n| ID | Risk | Likelihood | Impact | Owner |\n|---|---|---|---|---|\n"
        + "| CK-1 | Card tokens leak | Low | High | Payments |\n| CK-2 | Basket lost | Medium | Low | Web |\n"
        + "\n## Later risks\n\n- [ ] Rotate the keys\n\n"
        + "| ID | Risk | Likelihood | Impact | Owner |\n|---|---|---|---|---|\n"
        + "| CK-3 | Fraud rules stale | High | Medium | Risk |\n"
    )
    result = process_document("checkout.md", text.encode(), Config())
    assert not result.rejections
    ids = [e.fields.get("entry_id") for e in result.entries if e.kind == "risk"]
    assert ids == ["CK-1", "CK-2", "CK-3"]
    deep = "> " * 60 + "- " * 60 + "x\n\n"  # far past the nesting the Markdown parser takes
    result = process_document("deep.md", (deep + text).encode(), Config())
    assert [e.fields.get("entry_id") for e in result.entries if e.kind == "risk"] == ["CK-1", "CK-2", "CK-3"]


def test_a_property_table_row_short_of_a_cell_is_not_a_crash() -> None:
    """Found by bench/fuzz.py (--replay 1:18105): an HTML two-column table whose row lost its
    second cell to a stray `<s-team` made the metadata reader index past the row (IndexError)."""
    text = "<table>\n<tr><th>ID</th><th>Risk</th></tr>\n<tr><td>R-01<s-team</li><li>Status: </li></ul>\n"
    result = process_document("page.html", text.encode(), Config())
    assert not internal_errors(result)
    assert result.entries or result.rejections


# --- 8. whole-document fuzzing (the long run is bench/fuzz.py) --------------------------------------

SMALL = Limits(rows=6, depth=40, run=3000, mutations=4)
# Anything a file may hold: generated and mutated registers, arbitrary text, arbitrary bytes.
ANY_DOCUMENT = st.one_of(
    st.randoms(use_true_random=False).map(lambda rnd: fuzz_document(rnd, SMALL)[0]),
    st.randoms(use_true_random=False).map(lambda rnd: fuzz_document(rnd, SMALL)[0]),
    st.text(max_size=400).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=400),
)


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(ANY_DOCUMENT)
def test_any_document_is_read_without_raising_and_its_lines_are_inside_it(data: bytes) -> None:
    with budget(20):  # finishes: a document that hangs fails the test instead of the suite
        result = process_document("fuzz.md", data, Config())
    assert not internal_errors(result)
    assert not lines_outside(data, result)
    assert result.entries or result.rejections  # nothing vanishes without a reason
