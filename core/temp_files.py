"""Temporary files beside the database (backup, restore, upload, write), and cleaning up what a killed one left."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Rapport's own temporary files: `.rapport-<kind>-<8 random characters from mkstemp>.db`, with SQLite's
# side files. Only names of exactly this shape are ever cleaned up, so a user's own file never is.
TEMP_KINDS = ("backup", "restore", "upload", "write")
LEFTOVER = re.compile(r"\.rapport-(?:" + "|".join(TEMP_KINDS) + r")-[A-Za-z0-9_]{8}\.db(?:-wal|-shm|-journal)?")


@contextlib.contextmanager
def temp_beside(folder: Path, kind: str) -> Iterator[Path]:
    """A new temporary file `.rapport-<kind>-XXXXXXXX.db` in folder, removed (with SQLite's side files) after.

    It is held under an exclusive lock (flock) while in use, so clean_leftovers() in another session or
    process never takes a file that is still being written; the lock dies with the process, so a killed
    restore's file is a leftover for the next open to remove.
    """
    fd, name = tempfile.mkstemp(prefix=f".rapport-{kind}-", suffix=".db", dir=folder)
    tmp = Path(name)
    try:
        _lock(fd)
        yield tmp
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        os.close(fd)


def _lock(fd: int, wait: bool = True) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: no flock; clean_leftovers then only takes files an hour old
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


LEFTOVER_MIN_AGE_S = 3600  # where there is no flock


def clean_leftovers(db_path: str | os.PathLike) -> list[Path]:
    """Remove the temporary files a killed restore, upload or backup left in the database's folder.

    Only Rapport's own pattern (LEFTOVER) is touched, only regular files, and never one another session or
    process is still writing (its lock is held). Returns what was removed. Called by open_db on the first
    open of a path in a process.
    """
    folder = Path(db_path).expanduser().parent
    removed = []
    try:
        entries = sorted(p for p in folder.iterdir() if LEFTOVER.fullmatch(p.name))
    except OSError:
        return removed
    for path in entries:
        if path.is_symlink() or not path.is_file():
            continue
        main = Path(re.sub(r"-(?:wal|shm|journal)$", "", str(path)))
        if main != path and main.exists():
            continue  # a side file goes with its main file, below
        if not _free(main if main.exists() else path):
            continue
        for suffix in ("", "-wal", "-shm", "-journal"):
            side = Path(f"{main}{suffix}")
            if side.exists() and side.is_file() and not side.is_symlink():
                side.unlink(missing_ok=True)
                removed.append(side)
    return removed


def _free(path: Path) -> bool:
    """True when no live process holds this temporary file (it is a leftover)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        try:
            import fcntl  # noqa: F401
        except ImportError:
            import time

            return time.time() - os.fstat(fd).st_mtime > LEFTOVER_MIN_AGE_S
        return _lock(fd, wait=False)
    finally:
        os.close(fd)
