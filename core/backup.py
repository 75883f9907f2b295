"""Backup and restore of the whole database file: consistent copies out, checked and atomic swaps in.

backup() uses SQLite's online backup API, so the copy is consistent even while the app is writing.
restore() checks the uploaded file is a SQLite database made by Rapport (not a newer version), brings
an older one up to date on a temporary copy, keeps the database it replaces as a timestamped file
beside it (core.db.keep_copy, as every destructive change does), and then swaps the content in atomically (see restore()).
Anything that fails before the swap leaves the current database byte-for-byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from core.db import (
    bump_data_version,
    connect,
    copy_to,
    forget_migrated,
    is_rapport_db,
    keep_copy,
    migrations,
    resolve_path,
)
from core.errors import ValidationError
from core.schema import check_schema, problem_list
from core.temp_files import temp_beside

SQLITE_MAGIC = b"SQLite format 3\x00"
RESTORE_LABEL = "before-restore"  # the copy of the replaced database: core.db.kept_copies(path, RESTORE_LABEL)
MAX_RESTORE_BYTES = 2 * 1024**3  # 2 GB: far beyond any real Rapport file


def check_target(out_path: str | os.PathLike) -> Path:
    """The path a user named to write to, refused (ValidationError) when something other than a file is there.

    A folder, a device (/dev/full, /dev/null), a fifo or a socket is never replaced: a backup or an export
    run as root would otherwise turn /dev/full into a regular file. A symbolic link to a regular file is
    replaced by the new file (the link itself, not what it points to).
    """
    out = Path(out_path).expanduser()
    try:
        mode = out.stat().st_mode
    except FileNotFoundError:
        return out
    except NotADirectoryError:
        raise ValidationError(f"{out_path} can't be written: part of that path is a file, not a folder.") from None
    if stat.S_ISDIR(mode):
        raise ValidationError(f"{out_path} is a folder: name a file to write (for example "
                              f"{Path(out_path) / 'rapport-backup.db'}).")
    if not stat.S_ISREG(mode):
        raise ValidationError(f"{out_path} exists and is not a regular file (a device, a fifo or a socket); "
                              "Rapport only writes to files. Name another file.")
    return out


def write_file(out_path: str | os.PathLike, data: bytes) -> Path:
    """Write data to a file the user named, atomically: a temporary file beside it, then a rename.

    Refuses (ValidationError) a target that exists and is not a regular file (see check_target). A failed
    write leaves whatever was there before untouched. Returns the path written.
    """
    out = check_target(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with temp_beside(out.parent, "write") as tmp:
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    return out


def backup(db: Database, out_path: str | os.PathLike) -> Path:
    """Copy the whole database to out_path (consistent while the app runs). Returns the path.

    The copy is written to a temporary file beside out_path and renamed into place, so a failed
    backup never leaves half a file under the chosen name. A target that exists and is not a regular
    file (a folder, /dev/full, a fifo) is refused with a ValidationError (see check_target).
    """
    out = check_target(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    return copy_to(db, out)


def backup_bytes(db: Database) -> bytes:
    """The whole database as bytes (for a download button)."""
    with tempfile.TemporaryDirectory() as folder:
        return backup(db, Path(folder) / "rapport-backup.db").read_bytes()


def backup_filename(day: datetime | None = None) -> str:
    return f"rapport-backup-{(day or datetime.now(UTC)).strftime('%Y-%m-%d-%H%M')}.db"


def check_upload(path: str | os.PathLike) -> None:
    """Raise ValidationError unless the file looks like a SQLite database at all (cheap, reads 100 bytes)."""
    p = Path(path)
    if not p.is_file():
        raise ValidationError("There is no file to restore from.")
    size = p.stat().st_size
    if size == 0:
        raise ValidationError("The file to restore is empty.")
    if size > MAX_RESTORE_BYTES:
        raise ValidationError("The file to restore is too large to be a Rapport backup.")
    with p.open("rb") as f:
        head = f.read(100)
    if not head.startswith(SQLITE_MAGIC):
        raise ValidationError("That file is not a SQLite database, so it can't be a Rapport backup. "
                              "Pick the .db file a Rapport backup downloaded.")
    if len(head) < 100 or size % 512:
        raise ValidationError("That database file is cut short (incomplete download?); nothing was restored.")


def _prepare(candidate: Path, page_size: int | None = None) -> dict:
    """Check and migrate the temporary copy in place; returns what it holds. Raises ValidationError.

    page_size: the live database's, which the copy is converted to (the backup API can't write
    pages of another size into a WAL database).
    """
    try:
        db = connect(candidate)
    except sqlite3.DatabaseError as e:
        raise ValidationError(f"That file can't be opened as a database ({e}); nothing was restored.") from None
    try:
        try:
            ok = db.execute("pragma quick_check").fetchone()[0]
        except sqlite3.DatabaseError as e:
            raise ValidationError(f"That database file is damaged ({e}); nothing was restored.") from None
        if ok != "ok":
            raise ValidationError(f"That database file is damaged ({ok}); nothing was restored.")
        if not is_rapport_db(db):
            raise ValidationError("That is a SQLite database, but not a Rapport one (it has no Rapport schema); "
                                  "nothing was restored.")
        _refuse_unless_rapports(check_schema(db))  # as it came: nothing runs before this passes
        before = len(migrations.pending(db))
        try:
            if db.execute("pragma journal_mode").fetchone()[0].lower() == "wal":
                db.execute("pragma journal_mode = delete")
            migrations.apply(db)
        except sqlite3.DatabaseError as e:
            raise ValidationError(f"That backup could not be brought up to date ({e}); nothing was restored.") \
                from None
        if before:
            _refuse_unless_rapports(check_schema(db))
        # Its history is not the live file's: make sure no page cache keyed on the counter is reused.
        bump_data_version(db)
        if page_size and db.execute("pragma page_size").fetchone()[0] != page_size:
            db.execute(f"pragma page_size = {int(page_size)}")  # a pragma takes no parameters: an int only
            db.execute("vacuum")
        people = db.execute("select count(*) from people").fetchone()[0]
        return {"people": people, "migrated": before}
    finally:
        db.conn.close()


def _refuse_unless_rapports(problems: list[str]) -> None:
    """ValidationError naming what is wrong with a backup's schema (see core.schema.check_schema)."""
    if problems:
        why = ("; " if problems[0].startswith("migrations from a newer") else
               ". Rapport only restores a database whose tables, indexes, triggers and views are exactly its own; ")
        raise ValidationError(f"The backup has {problem_list(problems)}{why}nothing was restored.")


def restore(target_path: str | os.PathLike | None, uploaded_file_path: str | os.PathLike) -> dict:
    """Replace the database at target_path with a Rapport backup, keeping the old one beside it.

    The upload is copied to a temporary file beside the target, checked and migrated there. A new
    target is then moved into place with os.replace. An existing target is first copied to
    <stem>.before-restore.<stamp>.db (keep_copy), then overwritten in place by SQLite's backup API in one
    transaction: connections the app still holds see either the old or the new data, and no stale
    -wal/-shm file can ever be applied to the new content (a file swap under an open WAL connection
    risks exactly that: the old connection deletes the new file's -wal when it closes).

    Returns {"people", "migrated", "kept": path of the replaced copy or None}. Raises ValidationError,
    having touched nothing, when the upload is not a usable Rapport database.
    """
    target = resolve_path(target_path)
    upload = Path(uploaded_file_path)
    check_upload(upload)
    if target.exists() and not target.is_file():
        raise ValidationError(f"{target} is not a file (a folder or a device?); nothing was restored.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with temp_beside(target.parent, "restore") as tmp:
        with upload.open("rb") as src, tmp.open("wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        page_size = _page_size(target) if target.exists() else None
        info = _prepare(tmp, page_size)
        kept = None
        if target.exists():
            kept = _keep_current(target)
            _overwrite(tmp, target)
        else:
            os.replace(tmp, target)
    forget_migrated()
    return {**info, "kept": str(kept) if kept else None}


def _page_size(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("pragma page_size").fetchone()[0]
    finally:
        conn.close()


def _overwrite(source: Path, target: Path) -> None:
    """Copy source over the live target in one transaction (SQLite's backup API)."""
    src = sqlite3.connect(source)
    live = connect(target)
    try:
        src.backup(live.conn)
        live.execute("pragma wal_checkpoint(PASSIVE)")
    finally:
        src.close()
        live.conn.close()


def _keep_current(target: Path) -> Path:
    """Keep the live database beside it (keep_copy, label RESTORE_LABEL) before a restore overwrites it."""
    live = connect(target)
    try:
        return keep_copy(live, target, RESTORE_LABEL)
    finally:
        live.conn.close()


def restore_bytes(target_path: str | os.PathLike | None, data: bytes) -> dict:
    """restore() from uploaded bytes (the Data page): written to a temporary file first."""
    if not data:
        raise ValidationError("The file to restore is empty.")
    target = resolve_path(target_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with temp_beside(target.parent, "upload") as upload:
        upload.write_bytes(data)
        return restore(target, upload)


def schema_summary(db: Database) -> list[dict]:
    """Each table with its row count and columns: the documented schema, as the Data page shows it."""
    out = []
    for table in db.table_names():
        if table.startswith(("_", "sqlite_")):
            continue
        t = db.table(table)
        out.append({"table": table, "rows": t.count, "columns": ", ".join(c.name for c in t.columns)})
    return out
