"""Replication of the SQLite file to an S3-compatible bucket the user owns, so a hosted copy survives restarts.

The way Litestream does it for servers, in miniature. Configured by a `[storage]` mapping (Streamlit secrets);
without one nothing here runs and nothing touches the network.

- A snapshot is a consistent copy taken with SQLite's online backup API into a temporary file (a WAL-mode file
  is never copied byte for byte), compressed with zlib and sealed with AES-256-GCM under a key derived from the
  passphrase with scrypt. The header (format, scrypt cost, salt, nonce, generation, key check) is authenticated
  too, so a snapshot renamed to another generation, cut short or changed by one byte is refused.
- Snapshots are objects `<prefix>/snapshots/<generation>.rapport`, generation 1, 2, 3...; each is written once,
  with a conditional put (If-None-Match: *), so when two running copies both try to save generation 7 the
  bucket takes one and refuses the other; the loser is told which copy won and uploads nothing until the user
  chooses. The newest `keep` snapshots are kept, older ones deleted.
- On start (Replicator.start), when the local file is missing, empty or older than the newest snapshot, the
  newest is downloaded, unsealed and restored exactly like a user's restore (core.backup.restore: integrity,
  schema, migrations), before any page runs. A wrong passphrase raises WrongPassphrase. A newest snapshot that
  fails its check is refused and the next older readable one is offered (never restored without the user).
- After writes a background thread (start_uploader) uploads within `delay` seconds of the first unsaved write
  (the database's change counter says when), one upload at a time, retrying with back-off when the bucket is
  unreachable. Status() says "Saved N s ago" or what went wrong. flush() and wait_idle() let tests drive it,
  and every time decision reads an injected clock.
- The remote copy is never destroyed: nothing is uploaded over a remote this copy could not read (wrong
  passphrase, unreachable at start, damaged newest snapshot), an empty database never replaces a non-empty
  remote, and a newer snapshot saved by another copy is never superseded, without the user's explicit say
  (save(force=True)); even then the other snapshots stay in the bucket until pruned.

A small file beside the database, `<name>.replica.json`, records which generation the local file matches and
its change counter then, so a restart on a disk that was not wiped knows whether it is current.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets as _secrets
import socket
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from core.db import COUNTED_TABLES, consistent_copy
from core.errors import UserError, ValidationError

MAGIC = b"RPT1"
KDF_N_LOG2 = 17  # scrypt N = 2^17, r = 8, p = 1: 128 MiB and about 0.4 s, once per process and per salt read
KDF_RANGE = (14, 20)  # a header asking for more (1 GiB+) is refused instead of run
HEADER = 4 + 1 + 16 + 12 + 8 + 16  # magic, n_log2, salt, nonce, generation, key check
TAG = 16
COMPRESS_LEVEL = 6
SNAPSHOT_NAME = re.compile(r"(\d{12})\.rapport")
DEFAULTS = {"region": "us-east-1", "keep": 20, "delay": 10}
MIN_PASSPHRASE = 12
BACKOFF_FIRST, BACKOFF_MAX = 2.0, 300.0
POLL_SECONDS = 1.0


class ReplicationError(UserError):
    """Replication could not do what was asked; the message says what and what to do."""


class StorageConfigError(ValidationError):
    """The [storage] settings are incomplete or wrong."""


class WrongPassphrase(ReplicationError):
    """The passphrase does not open the bucket's snapshots: nothing was downloaded into place or uploaded."""


class SnapshotRefused(ReplicationError):
    """A snapshot is not an intact Rapport snapshot (cut short, changed, renamed); it was not used."""


class Unreachable(ReplicationError):
    """The bucket could not be reached or refused the request."""


class Conflict(ReplicationError):
    """Another copy saved a newer snapshot first; this copy's was not uploaded."""


class _KeyMismatch(Exception):
    """The header's key check does not match this passphrase (wrong passphrase, or a changed header)."""


# --- Configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StorageConfig:
    endpoint: str
    bucket: str
    prefix: str
    access_key: str
    secret_key: str = field(repr=False)
    passphrase: str = field(repr=False)
    region: str = DEFAULTS["region"]
    keep: int = DEFAULTS["keep"]
    delay: float = DEFAULTS["delay"]

    @property
    def where(self) -> str:
        """The bucket and prefix, for messages (never the keys)."""
        return f"{self.bucket}/{self.prefix}" if self.prefix else self.bucket


def config_from(section: Mapping[str, Any] | None) -> StorageConfig | None:
    """The replication settings from a `[storage]` mapping, or None when there is none (replication off).

    Keys: endpoint (https://...), bucket, prefix (folder inside the bucket, default "rapport"), access_key,
    secret_key, passphrase (12 characters or more), region (optional, default us-east-1; "auto" for R2),
    keep (snapshots kept, 1-1000, default 20), delay (seconds after a write before it is uploaded, 1-3600,
    default 10). Raises StorageConfigError naming every problem.
    """
    if section is None:
        return None
    raw = {str(k): v for k, v in dict(section).items()}
    if not raw:
        return None
    problems = []
    known = {"endpoint", "bucket", "prefix", "access_key", "secret_key", "passphrase", "region", "keep", "delay"}
    unknown = sorted(set(raw) - known)
    if unknown:
        problems.append(f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                        f"(the keys are {', '.join(sorted(known))})")

    def text(key: str, default: str | None = None) -> str:
        value = raw.get(key, default)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(f"{key} is missing")
            return ""
        if not isinstance(value, str):
            problems.append(f"{key} must be text")
            return ""
        return value.strip()

    endpoint = text("endpoint")
    if endpoint:
        url = urlparse(endpoint)
        if url.scheme not in ("http", "https") or not url.netloc:
            problems.append("endpoint must be a URL such as https://<account>.r2.cloudflarestorage.com")
    bucket = text("bucket")
    if bucket and not re.fullmatch(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]", bucket):
        problems.append("bucket must be a bucket name: 3-63 lowercase letters, digits, dots and hyphens")
    prefix = raw.get("prefix", "rapport")
    if not isinstance(prefix, str) or not re.fullmatch(r"[A-Za-z0-9._\-/]*", prefix) or ".." in prefix:
        problems.append("prefix may hold only letters, digits, '.', '_', '-' and '/'")
        prefix = ""
    prefix = prefix.strip("/")
    access_key, secret_key = text("access_key"), text("secret_key")
    passphrase = raw.get("passphrase")
    if not isinstance(passphrase, str) or not passphrase:
        problems.append("passphrase is missing (it encrypts every snapshot; keep it somewhere safe)")
        passphrase = ""
    elif len(passphrase) < MIN_PASSPHRASE:
        problems.append(f"passphrase must be at least {MIN_PASSPHRASE} characters")
    region = text("region", DEFAULTS["region"])

    def number(key: str, low: int, high: int) -> int:
        value = raw.get(key, DEFAULTS[key])
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high \
                or (key == "keep" and value != int(value)):
            problems.append(f"{key} must be a number from {low} to {high}")
            return DEFAULTS[key]
        return value

    keep, delay = int(number("keep", 1, 1000)), float(number("delay", 1, 3600))
    if problems:
        raise StorageConfigError("The [storage] settings can't be used: " + "; ".join(problems) + ".")
    return StorageConfig(endpoint=endpoint.rstrip("/"), bucket=bucket, prefix=prefix, access_key=access_key,
                         secret_key=secret_key, passphrase=passphrase, region=region, keep=keep, delay=delay)


def make_client(config: StorageConfig, timeout: float = 10.0):
    """A boto3 S3 client that AWS, R2, B2 and MinIO accept: path-style addressing, no optional checksums
    (R2, B2 and MinIO reject botocore's default x-amz-checksum-crc32), and no retries of its own (the
    uploader backs off itself)."""
    import boto3
    from botocore.config import Config

    cfg = Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                 response_checksum_validation="when_required", retries={"total_max_attempts": 1},
                 connect_timeout=timeout, read_timeout=max(timeout, 60.0))
    return boto3.client("s3", endpoint_url=config.endpoint, region_name=config.region,
                        aws_access_key_id=config.access_key, aws_secret_access_key=config.secret_key, config=cfg)


# --- Sealing ------------------------------------------------------------------------------------


class Sealer:
    """AES-256-GCM under a scrypt key; one random salt per Sealer (so one key derivation per process)."""

    def __init__(self, passphrase: str, n_log2: int = KDF_N_LOG2):
        if not KDF_RANGE[0] <= n_log2 <= KDF_RANGE[1]:
            raise ValueError(f"scrypt cost 2^{n_log2} is outside 2^{KDF_RANGE[0]}..2^{KDF_RANGE[1]}")
        self._passphrase = passphrase.encode()
        self._n_log2 = n_log2
        self._salt = os.urandom(16)
        self._keys: dict[tuple[bytes, int], tuple[bytes, bytes]] = {}
        self._lock = threading.Lock()

    def _derive(self, salt: bytes, n_log2: int) -> tuple[bytes, bytes]:
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        with self._lock:
            found = self._keys.get((salt, n_log2))
            if found is None:
                material = Scrypt(salt=salt, length=48, n=2**n_log2, r=8, p=1).derive(self._passphrase)
                found = (material[:32], material[32:48])
                if len(self._keys) > 32:
                    self._keys.clear()
                self._keys[(salt, n_log2)] = found
            return found

    def seal(self, plain: bytes, generation: int) -> bytes:
        """Compress and encrypt a database file's bytes as snapshot `generation`."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        key, check = self._derive(self._salt, self._n_log2)
        nonce = os.urandom(12)
        header = MAGIC + bytes([self._n_log2]) + self._salt + nonce + generation.to_bytes(8, "big") + check
        return header + AESGCM(key).encrypt(nonce, zlib.compress(plain, COMPRESS_LEVEL), header)

    def check_header(self, head: bytes, generation: int | None = None) -> None:
        """Raise SnapshotRefused for a header that is not a Rapport snapshot's (or of another generation),
        _KeyMismatch when the passphrase's key check does not match."""
        if len(head) < HEADER:
            raise SnapshotRefused("it is cut short (smaller than a snapshot's header)")
        if head[:4] != MAGIC:
            raise SnapshotRefused("it is not a Rapport snapshot (unknown format)")
        n_log2 = head[4]
        if not KDF_RANGE[0] <= n_log2 <= KDF_RANGE[1]:
            raise SnapshotRefused(f"its header asks for a key cost (2^{n_log2}) Rapport never uses")
        stored = int.from_bytes(head[33:41], "big")
        if generation is not None and stored != generation:
            raise SnapshotRefused(f"it says it is snapshot {stored}, not {generation} (renamed or replayed)")
        _, check = self._derive(head[5:21], n_log2)
        if not _secrets.compare_digest(check, head[41:57]):
            raise _KeyMismatch

    def unseal(self, blob: bytes, generation: int | None = None) -> bytes:
        """The database bytes of a snapshot. Raises SnapshotRefused (cut short, changed, renamed) or
        _KeyMismatch (see check_header)."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.check_header(blob[:HEADER], generation)
        if len(blob) < HEADER + TAG:
            raise SnapshotRefused("it is cut short")
        header = blob[:HEADER]
        key, _ = self._derive(header[5:21], header[4])
        try:
            packed = AESGCM(key).decrypt(header[21:33], blob[HEADER:], header)
        except InvalidTag:
            raise SnapshotRefused("it failed its authenticity check: it was cut short or changed after it "
                                  "was saved") from None
        try:
            return zlib.decompress(packed)
        except zlib.error as e:  # authentic but not zlib: a bug, never an attacker
            raise SnapshotRefused(f"its contents can't be unpacked ({e})") from None


# --- Snapshots of the local file --------------------------------------------------------------------


def _open_existing(path: Path) -> sqlite3.Connection:
    """A connection to an existing database file (never creates one), with Rapport's busy timeout."""
    conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, check_same_thread=False, timeout=10)
    conn.execute("pragma busy_timeout = 10000")
    return conn


def change_count(conn: sqlite3.Connection) -> int | None:
    """The database's change counter (core.db m005: bumped by every write), or None when it has none."""
    try:
        row = conn.execute("select value from change_counter where id = 1").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def is_empty(conn: sqlite3.Connection) -> bool:
    """True when the database holds none of the user's data (settings alone don't count)."""
    names = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    for table in COUNTED_TABLES:  # our own constant: a table name can't be a parameter
        if table != "settings" and table in names and conn.execute(f"select 1 from {table} limit 1").fetchone():
            return False
    return True


@dataclass(frozen=True)
class Snapshot:
    data: bytes  # the database file, self-contained (journal_mode delete)
    version: int | None  # its change counter
    empty: bool


def take_snapshot(path: str | os.PathLike) -> Snapshot:
    """A consistent copy of the database file via SQLite's online backup API (safe while others write),
    made in a temporary file beside it and read back. The counter read is the copy's own."""
    source = Path(path)
    if not source.is_file():
        raise ReplicationError(f"The database file {source} is missing, so there is nothing to save.")
    src = _open_existing(source)
    try:
        with consistent_copy(src, source.parent) as tmp:
            copy = sqlite3.connect(tmp)
            try:
                version, empty = change_count(copy), is_empty(copy)
            finally:
                copy.close()
            return Snapshot(tmp.read_bytes(), version, empty)
    finally:
        src.close()


# --- Status -------------------------------------------------------------------------------------


def ago(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    if seconds < 36 * 3600:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} days"


@dataclass(frozen=True)
class Status:
    """What the sidebar shows. state: starting, idle (nothing saved yet), saved, error (will retry), blocked
    (waits for the user), fatal (replication stopped)."""

    state: str = "starting"
    generation: int | None = None  # the snapshot the local file matches
    saved_at: float | None = None  # wall-clock time of this copy's last upload
    pending: bool = False  # changes not uploaded yet
    message: str = ""
    attempts: int = 0  # failed attempts in a row
    retry_at: float | None = None  # monotonic clock time of the next attempt
    offer: int | None = None  # an older snapshot the user may restore (the newest was refused)
    uploads: int = 0

    @property
    def ok(self) -> bool:
        return self.state in ("idle", "saved", "starting")

    def text(self, now: float | None = None) -> str:
        """One line: 'Saved 12 s ago', or what went wrong."""
        if not self.ok:
            return self.message
        if self.saved_at is not None:
            line = f"Saved {ago((time.time() if now is None else now) - self.saved_at)} ago"
        elif self.generation is not None:
            line = f"Loaded snapshot {self.generation} from the bucket"
        else:
            return "Not saved to the bucket yet" + (": changes waiting" if self.pending else "")
        return line + (" · changes waiting" if self.pending else "")


@dataclass(frozen=True)
class StartReport:
    """What start() did. action: empty-remote, current, restored, offline, blocked."""

    action: str
    message: str
    generation: int | None = None
    refused: tuple[tuple[int, str], ...] = ()
    offer: int | None = None


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    message: str
    generation: int | None = None
    bytes: int = 0


@dataclass(frozen=True)
class RemoteSnapshot:
    generation: int
    key: str
    size: int


# --- The replicator -----------------------------------------------------------------------------


class Replicator:
    """Keeps one database file and one bucket prefix in step (see the module docstring).

    clock: monotonic seconds for delays and back-off; wall: epoch seconds for "saved N s ago". Both injectable.
    """

    def __init__(self, config: StorageConfig, db_path: str | os.PathLike, *, client=None,
                 clock: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time,
                 kdf_n_log2: int = KDF_N_LOG2, poll: float = POLL_SECONDS, copy_id: str | None = None):
        self.config = config
        self.path = Path(db_path).expanduser()
        self.client = client if client is not None else make_client(config)
        self.clock, self.wall, self.poll = clock, wall, poll
        self.copy_id = copy_id or f"{socket.gethostname()[:24]}-{os.getpid()}-{_secrets.token_hex(3)}"
        self.sealer = Sealer(config.passphrase, kdf_n_log2)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._upload_lock = threading.Lock()
        self._status = Status()
        self._base: int | None = None  # the generation the local file derives from
        self._base_empty = True  # that snapshot held no data (or there was none)
        self._saved_version: int | None = None  # the change counter last uploaded or restored
        self._remote_checked = False  # the bucket was read since start: a newer snapshot would be noticed
        self._seen_version: int | None = None
        self._pending_since: float | None = None
        self._uploading = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # -- remote helpers --

    def _key(self, generation: int) -> str:
        folder = f"{self.config.prefix}/snapshots/" if self.config.prefix else "snapshots/"
        return f"{folder}{generation:012d}.rapport"

    def _call(self, what: str, fn, *args, **kwargs):
        """An S3 call with its failures turned into messages a user can act on."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(*args, **kwargs)
        except ClientError as e:
            code = e.response.get("Error", {}).get("Code", "")
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in ("PreconditionFailed", "ConditionalRequestConflict") or status in (409, 412):
                raise Conflict(code or str(status)) from None
            if code == "InvalidRange":
                raise SnapshotRefused("it is empty") from None
            if code == "NoSuchBucket":
                raise Unreachable(f"The bucket {self.config.bucket} does not exist at {self.config.endpoint}.") \
                    from None
            if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
                raise Unreachable(f"The bucket refused the storage keys while trying to {what} ({code}); check "
                                  "access_key and secret_key in [storage].") from None
            raise Unreachable(f"The bucket answered {code or status} while trying to {what}.") from None
        except (BotoCoreError, OSError) as e:
            raise Unreachable(f"Can't reach the bucket at {self.config.endpoint} to {what} "
                              f"({type(e).__name__}).") from None

    def list_snapshots(self) -> list[RemoteSnapshot]:
        """The bucket's snapshots, newest first. Raises Unreachable."""
        found, token = [], None
        prefix = self._key(0).rsplit("/", 1)[0] + "/"
        while True:
            kwargs = {"Bucket": self.config.bucket, "Prefix": prefix}
            if token:
                kwargs["ContinuationToken"] = token
            page = self._call("list the snapshots", self.client.list_objects_v2, **kwargs)
            for item in page.get("Contents", []):
                match = SNAPSHOT_NAME.fullmatch(item["Key"][len(prefix):])
                if match:
                    found.append(RemoteSnapshot(int(match.group(1)), item["Key"], item.get("Size", 0)))
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                break
        return sorted(found, key=lambda s: s.generation, reverse=True)

    def _get(self, snap: RemoteSnapshot, head_only: bool = False) -> bytes:
        kwargs = {"Bucket": self.config.bucket, "Key": snap.key}
        if head_only:
            kwargs["Range"] = f"bytes=0-{HEADER - 1}"
        response = self._call(f"download snapshot {snap.generation}", self.client.get_object, **kwargs)
        return self._call(f"download snapshot {snap.generation}", response["Body"].read)

    def who_saved(self, generation: int) -> str:
        """'copy <id> at 14:02:11 UTC' for a snapshot, as far as the bucket says."""
        try:
            head = self._call("read a snapshot's details", self.client.head_object, Bucket=self.config.bucket,
                              Key=self._key(generation))
        except ReplicationError:
            return "another copy"
        writer = head.get("Metadata", {}).get("writer", "unknown")
        when = head.get("LastModified")
        stamp = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if when else "an unknown time"
        return f"copy {writer} at {stamp}"

    def fetch(self, snap: RemoteSnapshot) -> bytes:
        """A snapshot's database bytes. Raises SnapshotRefused, WrongPassphrase or Unreachable."""
        try:
            return self.sealer.unseal(self._get(snap), snap.generation)
        except _KeyMismatch:
            raise WrongPassphrase(self._wrong_passphrase([snap])) from None

    def _wrong_passphrase(self, snaps) -> str:
        return (f"The passphrase in [storage] does not open the snapshots in {self.config.where} "
                f"({len(snaps)} checked). Nothing was downloaded into place and nothing will be uploaded over "
                "them. Put the passphrase they were saved with in the app's secrets ([storage] passphrase), "
                "or point prefix at a new folder to start afresh.")

    # -- sidecar --

    @property
    def sidecar(self) -> Path:
        return self.path.with_name(self.path.name + ".replica.json")

    def _read_sidecar(self) -> dict | None:
        try:
            data = json.loads(self.sidecar.read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("where") != f"{self.config.endpoint}/{self.config.where}":
            return None
        return data

    def _write_sidecar(self) -> None:
        data = {"where": f"{self.config.endpoint}/{self.config.where}", "generation": self._base,
                "version": self._saved_version, "empty": self._base_empty}
        tmp = self.sidecar.with_name(self.sidecar.name + ".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.sidecar)

    def _local_state(self) -> tuple[bool, bool, int | None]:
        """(exists, empty, change counter) of the local file."""
        if not self.path.is_file():
            return False, True, None
        try:
            conn = _open_existing(self.path)
        except sqlite3.DatabaseError:
            return True, False, None
        try:
            return True, is_empty(conn), change_count(conn)
        except sqlite3.DatabaseError:
            return True, False, None
        finally:
            conn.close()

    def _local_version(self) -> tuple[bool, int | None]:
        """(exists, change counter) of the local file: what the uploader polls, without the emptiness queries."""
        if not self.path.is_file():
            return False, None
        try:
            conn = _open_existing(self.path)
        except sqlite3.DatabaseError:
            return True, None
        try:
            return True, change_count(conn)
        finally:
            conn.close()

    # -- status --

    def status(self) -> Status:
        with self._lock:
            return self._status

    def _set(self, **changes) -> None:
        with self._lock:
            self._status = replace(self._status, generation=self._base, **changes)
            self._changed.notify_all()

    def _fail(self, message: str) -> None:
        """A failure worth retrying: back off (2, 4, 8... up to 300 s) and say so."""
        with self._lock:
            attempts = self._status.attempts + 1
            wait = min(BACKOFF_FIRST * 2 ** (attempts - 1), BACKOFF_MAX)
            self._set(state="error", attempts=attempts, retry_at=self.clock() + wait,
                      message=f"Not saved: {message} Working on this copy; retrying in {ago(wait)}.")

    def _block(self, message: str, offer: int | None = None) -> None:
        self._set(state="blocked", message=message, offer=offer, retry_at=None)

    # -- start --

    def start(self) -> StartReport:
        """Bring the local file up to date from the bucket before any page opens it (see the module docstring).

        Raises WrongPassphrase (nothing was changed or uploaded; the uploader must not start). Any other
        problem is in the report and the status: an unreachable bucket leaves the local file to work on.
        """
        try:
            return self._start()
        except Unreachable as e:
            self._remote_checked = False
            self._adopt_sidecar()
            self._fail(f"{e} Nothing will be uploaded until the bucket has been read.")
            return StartReport("offline", self._status.message, self._base)
        except WrongPassphrase as e:
            self._set(state="fatal", message=str(e))
            raise

    def _start(self) -> StartReport:
        snaps = self.list_snapshots()
        exists, empty, version = self._local_state()
        side = self._read_sidecar()
        if not snaps:
            self._remote_checked = True
            self._base, self._base_empty = None, True
            self._set(state="idle", pending=True, message="")
            return StartReport("empty-remote", f"The bucket {self.config.where} holds no snapshot yet; this copy "
                                               "will save the first.")
        newest = snaps[0]
        readable = self._first_key_match(snaps)  # raises WrongPassphrase when none matches
        if exists and side and side.get("generation") is not None and side["generation"] >= newest.generation \
                and readable is newest:
            self._remote_checked = True
            self._adopt_sidecar(side)
            self._set(state="saved" if version == self._saved_version else "idle", message="")
            return StartReport("current", f"This copy is up to date with snapshot {self._base}.", self._base)
        if exists and not empty and side is None:
            self._remote_checked = True
            message = (f"This database holds data that was never saved to {self.config.where}, which holds "
                       f"snapshot {newest.generation} ({self.who_saved(newest.generation)}). Nothing was replaced "
                       "or uploaded: on Your data, restore the bucket's copy (this one is kept beside it) or "
                       "save this copy as the newest.")
            self._block(message, offer=newest.generation)
            return StartReport("blocked", message, offer=newest.generation)
        return self._restore_newest(snaps, readable, local_changed=exists and not empty and side is not None
                                    and version != side.get("version"))

    def _adopt_sidecar(self, side: dict | None = None) -> None:
        side = side if side is not None else self._read_sidecar()
        if side:
            self._base = side.get("generation")
            self._saved_version = side.get("version")
            self._base_empty = bool(side.get("empty", False))

    def _first_key_match(self, snaps: list[RemoteSnapshot]) -> RemoteSnapshot | None:
        """The newest snapshot whose header matches the passphrase. WrongPassphrase when none does."""
        checked = 0
        for snap in snaps:
            checked += 1
            try:
                self.sealer.check_header(self._get(snap, head_only=True), snap.generation)
                return snap
            except (_KeyMismatch, SnapshotRefused):
                continue
        raise WrongPassphrase(self._wrong_passphrase(snaps[:checked]))

    def _restore_newest(self, snaps: list[RemoteSnapshot], first: RemoteSnapshot | None,
                        local_changed: bool) -> StartReport:
        refused: list[tuple[int, str]] = []
        for snap in snaps:
            if snap.generation > first.generation:
                refused.append((snap.generation, "its header does not match the passphrase (changed?)"))
                continue
            try:
                data = self.fetch(snap)
            except (SnapshotRefused, WrongPassphrase) as e:
                refused.append((snap.generation, str(e) if isinstance(e, SnapshotRefused) else "its header "
                                "does not match the passphrase (changed?)"))
                continue
            if refused:  # the newest could not be used: offer this one, never take it silently
                return self._offer(snaps, refused, snap.generation)
            try:
                info = self._restore_bytes(snap.generation, data)
            except ValidationError as e:
                refused.append((snap.generation, str(e)))
                continue
            kept = f" This copy's unsaved changes were kept beside it as {Path(info['kept']).name}." \
                if local_changed and info.get("kept") else ""
            message = (f"Restored snapshot {snap.generation} from {self.config.where} "
                       f"({info['people']:,} people).{kept}")
            return StartReport("restored", message, snap.generation)
        return self._offer(snaps, refused, None)

    def _offer(self, snaps, refused, offer: int | None) -> StartReport:
        self._remote_checked = True
        why = "; ".join(f"snapshot {g}: {r}" for g, r in refused[:3])
        if offer:
            message = (f"The newest snapshot in {self.config.where} was refused ({why}). Nothing was restored or "
                       f"uploaded. Snapshot {offer} is intact: restore it on Your data, or save this copy as the "
                       "newest.")
        else:
            message = (f"No snapshot in {self.config.where} could be used ({why}). Nothing was restored or "
                       "uploaded; save this copy as the newest on Your data to start again.")
        self._block(message, offer=offer)
        return StartReport("blocked", message, refused=tuple(refused), offer=offer)

    def _restore_bytes(self, generation: int, data: bytes) -> dict:
        """Put a snapshot's database in place like a user's restore (integrity, schema, migrations)."""
        from core.backup import restore_bytes

        info = restore_bytes(self.path, data)
        _, empty, version = self._local_state()
        with self._lock:
            self._base, self._base_empty, self._saved_version = generation, empty, version
            self._seen_version, self._pending_since = version, None
            self._remote_checked = True
            self._write_sidecar()
            self._set(state="saved", pending=False, message="", attempts=0, retry_at=None, offer=None,
                      saved_at=self._status.saved_at)
        return info

    def restore(self, generation: int | None = None) -> dict:
        """The user's choice: replace the local database with snapshot `generation` (default the newest
        readable). The current file is kept beside it (core.backup.restore). Returns restore's report."""
        with self._upload_lock:
            snaps = self.list_snapshots()
            chosen = [s for s in snaps if generation is None or s.generation == generation]
            if not chosen:
                raise ReplicationError(f"There is no snapshot {generation} in {self.config.where} any more.")
            data = self.fetch(chosen[0])
            return {**self._restore_bytes(chosen[0].generation, data), "generation": chosen[0].generation}

    # -- upload --

    def save(self, force: bool = False) -> SaveResult:
        """Upload a snapshot now if the database changed since the last one (Save now; tests' flush).

        force: the user's explicit say to save this copy as the newest even over a block (another copy's
        newer snapshot, an empty database over a non-empty remote, a refused newest snapshot); the other
        snapshots stay in the bucket. Never raises for remote trouble: the result and status say it.
        """
        with self._upload_lock:
            with self._lock:
                self._uploading = True
            try:
                return self._save(force)
            finally:
                with self._lock:
                    self._uploading = False
                    self._changed.notify_all()

    flush = save

    def _save(self, force: bool) -> SaveResult:
        status = self.status()
        if status.state == "fatal" or (status.state == "blocked" and not force):
            return SaveResult(False, status.message)
        try:
            snap = take_snapshot(self.path)
        except (ReplicationError, sqlite3.DatabaseError, OSError) as e:
            return self._failed(str(e))
        if snap.version == self._saved_version and self._base is not None and not force:
            return self._nothing_changed()
        try:
            snaps = self._readable_snapshots()
        except WrongPassphrase as e:
            self._set(state="fatal", message=str(e))
            return SaveResult(False, str(e))
        except Unreachable as e:
            return self._failed(str(e))
        newest = snaps[0].generation if snaps else 0
        problem = None if force else self._upload_problem(snap, snaps, newest)
        if problem:
            return self._blocked(problem, offer=newest)
        return self._upload(snap, max(newest, self._base or 0) + 1)

    def _failed(self, message: str) -> SaveResult:
        """A failure worth retrying (see _fail), as save's result."""
        self._fail(message)
        return SaveResult(False, self.status().message)

    def _blocked(self, problem: str, offer: int) -> SaveResult:
        """Nothing uploaded until the user decides (see _block), as save's result."""
        self._block(problem, offer=offer)
        return SaveResult(False, problem)

    def _nothing_changed(self) -> SaveResult:
        with self._lock:
            self._pending_since = None
            self._set(pending=False)
        return SaveResult(False, f"Nothing changed since snapshot {self._base}.", self._base)

    def _readable_snapshots(self) -> list[RemoteSnapshot]:
        """The bucket's snapshots, newest first; if start() could not read the bucket, the passphrase is
        checked against them first. Raises Unreachable or WrongPassphrase."""
        snaps = self.list_snapshots()
        if snaps and not self._remote_checked:
            self._first_key_match(snaps)
        return snaps

    def _upload_problem(self, snap: Snapshot, snaps: list[RemoteSnapshot], newest: int) -> str | None:
        """Why this copy must not become the newest snapshot unless the user says so (force), or None."""
        if not self._remote_checked and snaps and newest != self._base:
            return (f"{self.config.where} holds snapshot {newest} ({self.who_saved(newest)}), which this copy "
                    "could not read when it started. Nothing was uploaded over it: restore it on Your data "
                    "(this copy is kept beside it), or save this copy as the newest.")
        if newest > (self._base or 0):
            return self._lost_to(newest)
        if snap.empty and snaps and not self._base_empty:
            return (f"This database is empty and {self.config.where} holds data (snapshot {newest}). Nothing "
                    "was uploaded: an empty copy replaces a saved one only when you choose to on Your data.")
        return None

    def _upload(self, snap: Snapshot, generation: int) -> SaveResult:
        """Seal the snapshot and put it as `generation`, never over one that exists (IfNoneMatch)."""
        blob = self.sealer.seal(snap.data, generation)
        try:
            self._call(f"save snapshot {generation}", self.client.put_object, Bucket=self.config.bucket,
                       Key=self._key(generation), Body=self._body(blob), IfNoneMatch="*",
                       ContentType="application/octet-stream", Metadata={"writer": self.copy_id})
        except Conflict:
            return self._blocked(self._lost_to(generation), offer=generation)
        except Unreachable as e:
            return self._failed(str(e))
        with self._lock:
            self._base, self._base_empty, self._saved_version = generation, snap.empty, snap.version
            self._remote_checked = True
            if self._seen_version == snap.version:
                self._pending_since = None
            self._write_sidecar()
            self._set(state="saved", saved_at=self.wall(), pending=self._pending_since is not None, message="",
                      attempts=0, retry_at=None, offer=None, uploads=self._status.uploads + 1)
        self._prune(generation)
        return SaveResult(True, f"Saved snapshot {generation} to {self.config.where} "
                                f"({len(blob) / 1024:,.0f} KB encrypted).", generation, len(blob))

    def _body(self, blob: bytes):
        return io.BytesIO(blob)

    def _lost_to(self, generation: int) -> str:
        return (f"Not saved: another running copy of Rapport saved snapshot {generation} first "
                f"({self.who_saved(generation)}); that copy won. Nothing was overwritten and this copy's changes "
                "since are not in the bucket. On Your data, load the newer snapshot (this copy is kept beside it) "
                "or save this copy as the newest.")

    def _prune(self, newest: int) -> None:
        """Delete all but the newest `keep` snapshots (never one newer than the one just saved)."""
        try:
            snaps = self.list_snapshots()
            old = [s for s in snaps if s.generation <= newest][self.config.keep:]
            for start in range(0, len(old), 1000):
                self._call("delete old snapshots", self.client.delete_objects, Bucket=self.config.bucket,
                           Delete={"Objects": [{"Key": s.key} for s in old[start:start + 1000]], "Quiet": True})
        except ReplicationError:
            pass  # the next save prunes again

    # -- the background uploader --

    def step(self) -> SaveResult | None:
        """One decision of the uploader: note a change, and upload when `delay` has passed since the first
        unsaved write and any back-off is over. The thread calls it every `poll` seconds; tests call it."""
        exists, version = self._local_version()
        now = self.clock()
        with self._lock:
            if not exists:
                return None
            if version != self._seen_version:
                self._seen_version = version
                if version != self._saved_version and self._pending_since is None:
                    self._pending_since = now
            if version == self._saved_version and self._base is not None:
                self._pending_since = None
            pending = self._pending_since is not None
            if pending != self._status.pending:
                self._set(pending=pending)
            status = self._status
            if not pending or status.state in ("blocked", "fatal"):
                return None
            if status.retry_at is not None and now < status.retry_at:
                return None
            if now - self._pending_since < self.config.delay and status.state != "error":
                return None
        return self.save()

    def start_uploader(self) -> None:
        """Run step() in a daemon thread every `poll` seconds until stop()."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="rapport-replication", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception as e:  # noqa: BLE001 -- a bug must not end the thread silently: the status says it
                self._fail(f"unexpected error {type(e).__name__}: {e}.")
            with self._lock:
                self._changed.notify_all()
            self._stop.wait(self.poll)

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=30)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no upload is running and the local file's changes are saved (or saving failed and waits
        for a retry or the user). True when idle within timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                _, version = self._local_version()
                state = self._status.state
                if not self._uploading and (version == self._saved_version or state in ("error", "blocked",
                                                                                          "fatal")):
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, max(self.poll, 0.05)))
