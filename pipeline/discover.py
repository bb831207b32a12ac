"""Stage discover: the documents under ROOT, found safely, and their bytes read safely.

A docs tree is untrusted input. The walk lists regular files only and never opens anything
else: a FIFO would hang the run, a device (or a symlink to /dev/zero) never ends, a symlink
out of ROOT would store a file the tree does not hold (/etc/passwd). Each of those, a folder
that cannot be listed, a path longer than the system allows and a file over the size limit is
a `Rejection` that says why, so nothing vanishes without a trace. Symlinks to files inside
ROOT are followed (their target read, under the link's name); symlinks to folders are not
walked (their files are walked where they really are, and a link loop cannot trap the walk).

File names are bytes on Linux and need not be UTF-8. A name is stored as text with every byte
that is not UTF-8 written `\\xNN` (`display_path`), and its bytes are kept beside it
(`Found.raw_path`), so any name the filesystem allows loads, losslessly. Such a name may show as
another file's real name (`caf\\xe9.md`): it then takes a number (`shown_names`), so that
names as stored stay unique.

Reading (`read_document_bytes`, `file_sha256`) opens with O_NONBLOCK and O_NOFOLLOW and checks
the open file itself (fstat): a file swapped for a FIFO or a symlink after the walk is refused,
and a file that grew past the limit is never read whole. O_NOFOLLOW guards only the last part of
a path, so a run's reads start from ROOT (`root`, its real path) and open each folder below it
in turn, relative to the one before, with O_NOFOLLOW | O_DIRECTORY (`_open_beneath`): a folder
swapped for a symlink out of ROOT between the walk and the read is refused, not followed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.records import Rejection

# Bytes read at a time when hashing.
CHUNK = 1 << 20
# Longest path the system opens (Linux PATH_MAX, terminating NUL included).
PATH_MAX = os.pathconf("/", "PC_PATH_MAX") if hasattr(os, "pathconf") else 4096
# What a non-regular file is, for the rejection message.
FILE_TYPES = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


@dataclass(frozen=True, slots=True)
class Found:
    """A regular file to read: its name as stored, its bytes' name, where to open it."""

    path: str  # relative to ROOT, POSIX separators, non-UTF-8 bytes as \xNN (documents.path)
    raw_path: bytes | None  # the relative name's bytes, when they are not UTF-8; None otherwise
    fs_path: bytes  # absolute path to open
    size: int


class Refused(Exception):
    """A file that must not or cannot be read; the message says why (becomes a Rejection)."""


def display_path(name: str) -> tuple[str, bytes | None]:
    """A relative name as stored, and its bytes when they are not UTF-8 (else None).

    >>> display_path("ok/é.md")
    ('ok/é.md', None)
    >>> display_path(os.fsdecode(b"bad/caf\\xe9.md"))
    ('bad/caf\\\\xe9.md', b'bad/caf\\xe9.md')
    """
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), raw


def kind_of(mode: int) -> str | None:
    """What a non-regular file is ("a FIFO (named pipe)"), or None for a regular file."""
    return next((name for test, name in FILE_TYPES if test(mode)), None)


def shown_names(names: Iterable[str]) -> dict[str, str]:
    """The names of one folder's entries as stored: a UTF-8 name as it is, any other with its
    bytes written `\\xNN` (`display_path`); unique within the folder, since a name that is not
    UTF-8 may show as another file's real name (`caf\\xe9.md`): such a one takes ` (2)`, ` (3)`...

    >>> shown = shown_names(["b.md", os.fsdecode(b"caf\\xe9.md"), "caf\\\\xe9.md"])
    >>> sorted(shown.values())
    ['b.md', 'caf\\\\xe9.md', 'caf\\\\xe9.md (2)']
    >>> shown[os.fsdecode(b"caf\\xe9.md")]
    'caf\\\\xe9.md (2)'
    """
    names = sorted(names, key=os.fsencode)
    displayed = {name: display_path(name) for name in names}
    shown = {name: text for name, (text, raw) in displayed.items() if raw is None}
    taken = set(shown.values())
    clashes = []
    for name, (text, raw) in displayed.items():
        if raw is None:
            continue
        if text in taken:
            clashes.append(name)
        else:
            shown[name] = text
            taken.add(text)
    for name in clashes:
        text, n = displayed[name][0], 2
        while f"{text} ({n})" in taken:
            n += 1
        shown[name] = f"{text} ({n})"
        taken.add(shown[name])
    return shown


def real_root(root: str | Path) -> bytes:
    """ROOT's real path (symlinks resolved), as bytes: where a run's reads start from
    (`read_document_bytes(..., root=)`); every `Found.fs_path` of `walk` is below it."""
    return os.fsencode(os.path.realpath(root))


def walk(root: Path, max_bytes: int) -> Iterator[Found | Rejection]:
    """Every regular file under root (hidden names skipped), and a Rejection for everything
    else the tree holds that is not walked or read; sorted by name, folder by folder. Walked
    from ROOT's real path, so that every file's `fs_path` lies below `real_root(root)`."""
    real = os.fsdecode(real_root(root))
    stack = [("", "")]  # a folder to list: its name relative to root, and as stored
    while stack:
        rel_dir, shown_dir = stack.pop()
        here = os.path.join(real, rel_dir) if rel_dir else real
        try:
            with os.scandir(here) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as err:
            reason = f"cannot list folder: {err.strerror}; its documents keep last night's rows"
            yield Rejection(f"{shown_dir or '.'}/", "read", reason)  # ROOT itself is ./
            continue
        shown = shown_names(e.name for e in entries)
        folders = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            path = f"{shown_dir}/{shown[entry.name]}" if shown_dir else shown[entry.name]
            try:
                found = _classify(entry, rel, path, real, max_bytes)
            except Refused as err:
                yield Rejection(path, "read", str(err))
                continue
            if found is None:
                continue
            if found == "folder":
                folders.append((rel, path))
            else:
                yield found
        stack.extend(reversed(folders))


def _classify(entry: os.DirEntry, rel: str, path: str, real: str, max_bytes: int) -> Found | str | None:
    """A Found file (`rel` its name relative to ROOT, `path` as stored), "folder" to walk, None to
    pass over; raises Refused with the reason."""
    fs_path = os.fsencode(entry.path)
    if len(fs_path) >= PATH_MAX:
        raise Refused(f"path is {len(fs_path)} bytes, longer than the system allows ({PATH_MAX}); rename it")
    try:
        if entry.is_symlink():
            target = os.path.realpath(entry.path)
            if os.path.commonpath([target, real]) != real:
                raise Refused(f"symlink to {target}, outside the folder ingested; not followed")
            if not os.path.exists(target):
                raise Refused(f"broken symlink (to {target})")
            info = os.stat(target)
            if stat.S_ISDIR(info.st_mode):
                return None  # its files are walked where they are
            fs_path = os.fsencode(target)
        else:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                return "folder"
    except OSError as err:
        raise Refused(f"cannot read file: {err.strerror}") from err
    if (kind := kind_of(info.st_mode)) is not None:
        raise Refused(f"{kind}, not a document; never opened")
    if info.st_size > max_bytes:
        raise Refused(too_big(info.st_size, max_bytes))
    return Found(path, display_path(rel)[1], fs_path, info.st_size)


def too_big(size: int, max_bytes: int) -> str:
    """The rejection message of a file over the size limit.

    >>> too_big(30 * 2**20, 20 * 2**20)
    'file is 30.0 MB, over the 20.0 MB limit for a document ([limits] max_document_mb); not read'
    """
    return (
        f"file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.1f} MB limit for a document "
        "([limits] max_document_mb); not read"
    )


# Flags of each folder opened on the way down from ROOT: never through a symlink.
FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# Flags of the document itself: never through a symlink, never blocking on a FIFO.
FILE_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC


def below(root: bytes, fs_path: bytes) -> list[bytes]:
    """The parts of `fs_path` below `root`, folders then the file; raises Refused for a path
    that is not below it (or that climbs with "..").

    >>> below(b"/srv/docs", b"/srv/docs/payments/risks.md")
    [b'payments', b'risks.md']
    >>> below(b"/srv/docs", b"/srv/docs/../etc/passwd")
    Traceback (most recent call last):
    ...
    pipeline.discover.Refused: not below the folder ingested (/srv/docs); not read
    """
    prefix = root.rstrip(b"/") + b"/"
    parts = fs_path[len(prefix) :].split(b"/") if fs_path.startswith(prefix) else []
    if not parts or any(part in (b"", b".", b"..") for part in parts):
        raise Refused(f"not below the folder ingested ({os.fsdecode(root)}); not read")
    return parts


def _open_beneath(root: bytes, fs_path: bytes) -> int:
    """`fs_path` opened from `root` down, one folder at a time relative to the one before, none
    of them through a symlink: what O_NOFOLLOW on the whole path cannot promise (it looks at the
    last part only), and what openat2's RESOLVE_BENEATH does, which Python does not offer."""
    *folders, name = below(root, fs_path)
    try:
        here = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as err:
        raise Refused(f"cannot open the folder ingested: {err.strerror}") from err
    try:
        for k, folder in enumerate(folders):
            try:
                inner = os.open(folder, FOLDER_FLAGS, dir_fd=here)
            except OSError as err:
                shown = os.fsdecode(b"/".join(folders[: k + 1]))
                if err.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise Refused(f"folder {shown} became a symlink since it was found; not followed") from err
                raise Refused(f"cannot read folder {shown}: {err.strerror}") from err
            os.close(here)
            here = inner
        return os.open(name, FILE_FLAGS, dir_fd=here)
    finally:
        os.close(here)


def _open_regular(fs_path: bytes, max_bytes: int, root: bytes | None = None) -> tuple[int, int]:
    """An open descriptor on a regular file within the size limit, and its size. With `root`,
    opened from there down (`_open_beneath`); without, by its whole path (the last part only
    is checked not to be a symlink)."""
    try:
        fd = os.open(fs_path, FILE_FLAGS) if root is None else _open_beneath(root, fs_path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise Refused("became a symlink since it was found; not followed") from err
        raise Refused(f"cannot read file: {err.strerror}") from err
    info = os.fstat(fd)
    if (kind := kind_of(info.st_mode)) is not None:
        os.close(fd)
        raise Refused(f"{kind}, not a document; never opened")
    if info.st_size > max_bytes:
        os.close(fd)
        raise Refused(too_big(info.st_size, max_bytes))
    return fd, info.st_size


def read_document_bytes(fs_path: bytes, max_bytes: int, root: bytes | None = None) -> bytes:
    """A document's bytes; raises Refused when it is not a regular file or is over the limit
    (never reading more than the limit, even from a file growing as it is read), or, with
    `root` (`real_root`), when a folder on its way from there is a symlink."""
    fd, size = _open_regular(fs_path, max_bytes, root)
    try:
        chunks, total = [], 0
        while chunk := os.read(fd, max(CHUNK, size + 1)):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise Refused(too_big(total, max_bytes))
        return b"".join(chunks)
    except OSError as err:
        raise Refused(f"cannot read file: {err.strerror}") from err
    finally:
        os.close(fd)


def file_sha256(fs_path: bytes, max_bytes: int, root: bytes | None = None) -> str:
    """sha256 of a file's bytes, read a chunk at a time; raises Refused as `read_document_bytes`."""
    fd, _ = _open_regular(fs_path, max_bytes, root)
    digest, total = hashlib.sha256(), 0
    try:
        while chunk := os.read(fd, CHUNK):
            total += len(chunk)
            if total > max_bytes:
                raise Refused(too_big(total, max_bytes))
            digest.update(chunk)
    except OSError as err:
        raise Refused(f"cannot read file: {err.strerror}") from err
    finally:
        os.close(fd)
    return digest.hexdigest()


def discover(root: str | Path, max_bytes: int = 1 << 62) -> list[Path]:
    """Every regular file under root that a run reads, as paths (sorted folder by folder);
    hidden files and folders (.git, .venv) and everything `walk` rejects are left out."""
    base = Path(root)
    return [
        base / os.fsdecode(f.raw_path or os.fsencode(f.path)) for f in walk(base, max_bytes) if isinstance(f, Found)
    ]


__all__ = [
    "Found",
    "Refused",
    "discover",
    "display_path",
    "file_sha256",
    "read_document_bytes",
    "real_root",
    "shown_names",
    "walk",
]
