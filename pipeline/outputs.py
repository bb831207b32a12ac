"""Writing the readers' outputs safely: reports, exports, decisions, repaired files.

Every output is written to a temporary file in the target's own folder and renamed over the
target only once it is complete, so a full disk or a killed process leaves the last good file
(never an empty report or a truncated CSV). A target that is the database (or its write-ahead
log), the decisions file or a document the database was loaded from is refused, whatever path
leads to it (`../data/x.duckdb`, a symlink, a hard link): outputs never overwrite inputs.
A full disk is named as such (ENOSPC), not shown as a traceback.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pipeline.errors import RiskregError

# Suffixes of the files DuckDB keeps beside a database.
DATABASE_COMPANIONS = ("", ".wal")


class OutputError(RiskregError):
    """An output cannot be written where asked, or not safely."""


@dataclass(frozen=True)
class Protected:
    """Files no output may replace, known by resolved path and by inode (a hard link or a bind
    mount reaches the same file by another path): the database and the inputs."""

    realpaths: Mapping[str, str] = field(default_factory=dict)  # resolved path -> what it is
    inodes: Mapping[tuple[int, int], str] = field(default_factory=dict)  # (device, inode) -> what it is

    @classmethod
    def of(cls, db: Path | None = None, inputs: Iterable[Path] = ()) -> Protected:
        """The database (with its write-ahead log) and the input files."""
        named = [(Path(str(db) + s), "the database") for s in DATABASE_COMPANIONS] if db is not None else []
        named += [(p, "an input") for p in inputs]
        realpaths: dict[str, str] = {}
        inodes: dict[tuple[int, int], str] = {}
        for path, what in named:
            realpaths[os.path.realpath(path)] = f"{what} ({path})"
            try:
                st = path.stat()
            except OSError:
                continue
            inodes[(st.st_dev, st.st_ino)] = f"{what} ({path})"
        return cls(realpaths, inodes)

    def refuse(self, target: Path) -> None:
        """Raise OutputError when `target` is one of the protected files, by any path.

        >>> Protected.of(Path("x/../data/r.duckdb")).refuse(Path("data/./r.duckdb"))
        Traceback (most recent call last):
        pipeline.outputs.OutputError: data/r.duckdb: is the database (x/../data/r.duckdb); choose another file
        """
        what = self.realpaths.get(os.path.realpath(target))
        if what is None and self.inodes:
            try:
                st = target.stat()
            except OSError:
                st = None
            what = self.inodes.get((st.st_dev, st.st_ino)) if st is not None else None
        if what is not None:
            raise OutputError(f"is {what}; choose another file", target.as_posix())


def input_paths(con) -> list[Path]:
    """The documents the database was loaded from (under each run's root, as stored): files an
    output must never replace. `con` is a DuckDB connection to a riskreg database."""
    roots = [Path(r) for (r,) in con.execute("SELECT DISTINCT root FROM runs").fetchall()]
    paths = [p for (p,) in con.execute("SELECT path FROM documents").fetchall()]
    return [root / p for root in roots for p in paths]


@contextmanager
def atomic_output(target: Path, *, binary: bool = False, newline: str | None = None) -> Iterator[IO]:
    """A file object whose content replaces `target` when the block ends without an error.

    The content goes to a temporary file beside the target (same file system, so the rename is
    atomic), flushed to disk, then renamed over the target with the target's permissions (or
    the umask's for a new file). On any error the temporary file is removed and the target is
    left as it was; a full disk and other OS errors become an OutputError naming the file.
    """
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise _os_error(err, target) from err
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8", newline=newline) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise _os_error(err, target) from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(target: Path, text: str, protected: Protected | None = None) -> None:
    """Write `text` (UTF-8) to `target` atomically, refusing protected files."""
    if protected is not None:
        protected.refuse(target)
    with atomic_output(target) as f:
        f.write(text)


def write_bytes(target: Path, data: bytes, protected: Protected | None = None) -> None:
    """Write `data` to `target` atomically, refusing protected files."""
    if protected is not None:
        protected.refuse(target)
    with atomic_output(target, binary=True) as f:
        f.write(data)


def _mode_for(target: Path) -> int:
    """The permissions the output gets: the replaced file's, else what the umask allows."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _os_error(err: OSError, target: Path) -> OutputError:
    """An OS error while writing an output, as a message that says what to do."""
    if err.errno == errno.ENOSPC:
        return OutputError("the disk is full; nothing was replaced (the previous file, if any, is intact)", str(target))
    if err.errno == errno.EDQUOT:
        return OutputError("disk quota exceeded; nothing was replaced", str(target))
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"cannot write here ({err.strerror}); choose a writable folder", str(target))
    if err.errno == errno.ENOTDIR:
        return OutputError("a part of this path is a file, not a folder", str(target))
    if err.errno == errno.EISDIR:
        return OutputError("is a folder; give a file name", str(target))
    return OutputError(f"cannot write: {err.strerror or err}", str(target))


def rewrite_keeping_backup(path: Path, new: bytes, old: bytes, backup: Path) -> None:
    """Replace a file's content atomically, its old bytes kept in `backup` first. A backup that
    exists already is never overwritten (it may be the original of an earlier rewrite)."""
    try:
        with backup.open("xb") as f:
            f.write(old)
            f.flush()
            os.fsync(f.fileno())
    except FileExistsError as err:
        raise OutputError(f"{backup} exists; move it away first, it may be the original", str(path)) from err
    except OSError as err:
        backup.unlink(missing_ok=True)
        raise _os_error(err, backup) from err
    write_bytes(path, new)


def check_database_target(db: Path) -> None:
    """Raise OutputError, with what to do, when a database cannot be created or written at `db`:
    a folder on its path is a file, its nearest existing folder is not writable, or the file
    itself is read-only. Checked before a run parses anything."""
    if db.exists():
        if not os.access(db, os.W_OK):
            raise OutputError("the database file is read-only; make it writable or give another --db", str(db))
        return
    ancestor = db.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"{ancestor} is a file, not a folder; give another --db", str(db))
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(f"cannot create the database: {ancestor} is not writable; give another --db", str(db))
