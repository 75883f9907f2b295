"""Backup and restore of the whole database file: consistent copies out, checked and atomic swaps in.

backup() uses SQLite's online backup API, so the copy is consistent even while the app is writing.
restore() checks the uploaded file is a SQLite database made by Rapport (not a newer version), brings
an older one up to date on a temporary copy, keeps the database it replaces as a timestamped file
beside it (the last KEEP_REPLACED of them), and swaps the new file in with os.replace. Anything that
fails before the swap leaves the current database byte-for-byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from core.db import connect, forget_migrated, is_rapport_db, migrations, resolve_path
from core.errors import ValidationError

SQLITE_MAGIC = b"SQLite format 3\x00"
KEEP_REPLACED = 5
REPLACED_MARK = ".replaced-"
MAX_RESTORE_BYTES = 2 * 1024**3  # 2 GB: far beyond any real Rapport file


def backup(db: Database, out_path: str | os.PathLike) -> Path:
    """Copy the whole database to out_path (consistent while the app runs). Returns the path.

    The copy is written to a temporary file beside out_path and renamed into place, so a failed
    backup never leaves half a file under the chosen name.
    """
    out = Path(out_path).expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".rapport-backup-", suffix=".db", dir=out.parent)
    os.close(fd)
    try:
        target = sqlite3.connect(tmp)
        try:
            db.conn.backup(target)
            # One self-contained file: no -wal beside it is needed to read the copy.
            target.execute("pragma journal_mode = delete")
        finally:
            target.close()
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


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


def _prepare(candidate: Path) -> dict:
    """Check and migrate the temporary copy in place; returns what it holds. Raises ValidationError."""
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
        known = {m.name for m in getattr(migrations, "_migrations", ())} or None
        applied = {r[0] for r in db.execute(
            "select name from _sqlite_migrations where migration_set = 'rapport'").fetchall()}
        if known is not None and applied - known:
            raise ValidationError("That backup was made by a newer version of Rapport; update Rapport first.")
        before = len(applied)
        try:
            if db.execute("pragma journal_mode").fetchone()[0].lower() == "wal":
                db.execute("pragma journal_mode = delete")
            migrations.apply(db)
        except sqlite3.DatabaseError as e:
            raise ValidationError(f"That backup could not be brought up to date ({e}); nothing was restored.") \
                from None
        after = db.execute("select count(*) from _sqlite_migrations where migration_set = 'rapport'").fetchone()[0]
        people = db.execute("select count(*) from people").fetchone()[0]
        return {"people": people, "migrated": after - before}
    finally:
        db.conn.close()


def restore(target_path: str | os.PathLike | None, uploaded_file_path: str | os.PathLike) -> dict:
    """Replace the database at target_path with a Rapport backup, keeping the old one beside it.

    Returns {"people", "migrated", "kept": path of the replaced copy or None}. Raises ValidationError,
    having touched nothing, when the upload is not a usable Rapport database.
    """
    target = resolve_path(target_path)
    upload = Path(uploaded_file_path)
    check_upload(upload)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".rapport-restore-", suffix=".db", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with upload.open("rb") as src, tmp.open("wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        info = _prepare(tmp)
        kept = None
        if target.exists():
            kept = _keep_current(target)
        os.replace(tmp, target)
        for suffix in ("-wal", "-shm"):
            # The checkpoint in _keep_current emptied the WAL: stale files must not meet the new database.
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    finally:
        tmp.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    forget_migrated()
    return {**info, "kept": str(kept) if kept else None}


def _keep_current(target: Path) -> Path:
    """Checkpoint the live database and copy it to <name>.replaced-<UTC stamp>.db; prune to KEEP_REPLACED."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    kept = target.with_name(f"{target.name}{REPLACED_MARK}{stamp}.db")
    live = connect(target)
    try:
        live.execute("pragma wal_checkpoint(TRUNCATE)")
        backup(live, kept)
    finally:
        live.conn.close()
    for old in replaced_copies(target)[:-KEEP_REPLACED]:
        old.unlink(missing_ok=True)
    return kept


def replaced_copies(target_path: str | os.PathLike | None) -> list[Path]:
    """The copies restore kept of replaced databases, oldest first."""
    target = resolve_path(target_path)
    return sorted(target.parent.glob(f"{target.name}{REPLACED_MARK}*.db"))


def restore_bytes(target_path: str | os.PathLike | None, data: bytes) -> dict:
    """restore() from uploaded bytes (the Data page): written to a temporary file first."""
    if not data:
        raise ValidationError("The file to restore is empty.")
    target = resolve_path(target_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".rapport-upload-", suffix=".db", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return restore(target, name)
    finally:
        Path(name).unlink(missing_ok=True)


def schema_summary(db: Database) -> list[dict]:
    """Each table with its row count and columns: the documented schema, as the Data page shows it."""
    out = []
    for table in db.table_names():
        if table.startswith(("_", "sqlite_")):
            continue
        t = db.table(table)
        out.append({"table": table, "rows": t.count, "columns": ", ".join(c.name for c in t.columns)})
    return out
