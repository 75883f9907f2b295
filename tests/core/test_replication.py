"""Replication to an S3 bucket (core.replication) against moto's real S3 API on 127.0.0.1.

Every timing decision reads an injected clock; the background thread is waited for with wait_idle().
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from core.db import forget_migrated, open_db, rows, transaction
from core.errors import ValidationError
from core.interactions import log_interaction
from core.people import add_person
from core.replication import (
    HEADER,
    Replicator,
    Sealer,
    SnapshotRefused,
    StorageConfigError,
    WrongPassphrase,
    _KeyMismatch,
    config_from,
    make_client,
)
from tests import s3_fixtures
from tests.s3_fixtures import BUCKET, PASSPHRASE, closed_port, config, storage

s3_server, s3 = s3_fixtures.s3_server, s3_fixtures.s3  # moto on 127.0.0.1, reset per test
ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 11, 27)


class Clock:
    def __init__(self, t: float = 1000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def replicator(path, endpoint, clock=None, **extra) -> Replicator:
    kw = {k: extra.pop(k) for k in ("copy_id", "poll") if k in extra}
    return Replicator(config(endpoint, **extra), path, kdf_n_log2=14, clock=clock or Clock(), **kw)


def add_people(path, *names) -> None:
    db = open_db(path)
    for name in names:
        pid = add_person(db, name=name, company="Globex", today=DAY)
        log_interaction(db, pid, day="2026-11-20", channel="email", notes=f"wrote to {name}", today=DAY)
    db.conn.close()


def people(path) -> list[str]:
    db = open_db(path)
    try:
        return [r["name"] for r in rows(db, "select name from people order by name")]
    finally:
        db.conn.close()


def wipe(path: Path) -> None:
    """What a Community Cloud restart does to the disk: the database, its side files and the sidecar go."""
    for suffix in ("", "-wal", "-shm", ".replica.json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    forget_migrated()


def remote(endpoint) -> list[int]:
    return [s.generation for s in replicator("/nonexistent/x.db", endpoint).list_snapshots()]


def put_raw(endpoint, generation: int, data: bytes) -> None:
    make_client(config(endpoint)).put_object(Bucket=BUCKET, Key=f"me/rapport/snapshots/{generation:012d}.rapport",
                                             Body=data)


def get_raw(endpoint, generation: int) -> bytes:
    return make_client(config(endpoint)).get_object(
        Bucket=BUCKET, Key=f"me/rapport/snapshots/{generation:012d}.rapport")["Body"].read()


@pytest.fixture
def path(tmp_path) -> Path:
    forget_migrated()
    return tmp_path / "rapport.db"


# --- configuration --------------------------------------------------------------------------------


def test_without_a_storage_section_replication_is_off():
    assert config_from(None) is None
    assert config_from({}) is None


def test_a_storage_section_is_validated_with_every_problem_named():
    with pytest.raises(StorageConfigError) as e:
        config_from({"endpoint": "r2.example.com", "bucket": "B!", "passphrase": "short", "keep": 0, "delay": "x",
                     "acces_key": "typo"})
    message = str(e.value)
    for part in ("endpoint must be a URL", "bucket must be a bucket name", "access_key is missing",
                 "secret_key is missing", "passphrase must be at least 12", "keep must be a number from 1 to 1000",
                 "delay must be a number from 1 to 3600", "unknown key acces_key"):
        assert part in message
    assert isinstance(e.value, ValidationError)


def test_defaults_and_secrets_kept_out_of_repr():
    cfg = config_from(storage("https://x.r2.cloudflarestorage.com/", prefix="/rapport/", region="auto"))
    assert (cfg.endpoint, cfg.prefix, cfg.region, cfg.keep, cfg.delay) == (
        "https://x.r2.cloudflarestorage.com", "rapport", "auto", 20, 10.0)
    assert PASSPHRASE not in repr(cfg) and "testing" in repr(cfg).replace("secret_key", "")  # access key shown
    assert "secret_key=" not in repr(cfg)


# --- sealing --------------------------------------------------------------------------------------


def test_sealed_snapshots_open_only_intact_with_the_passphrase():
    sealer = Sealer(PASSPHRASE, 14)
    plain = b"SQLite format 3\x00" + os.urandom(2000) + b"x" * 50_000
    blob = sealer.seal(plain, 7)
    assert plain[16:2016] not in blob and len(blob) < len(plain)  # encrypted and compressed
    assert Sealer(PASSPHRASE, 14).unseal(blob, 7) == plain  # another process, another salt: still opens
    with pytest.raises(_KeyMismatch):
        Sealer("not the passphrase at all", 14).unseal(blob, 7)
    flipped = bytearray(blob)
    flipped[HEADER + 100] ^= 1
    for bad, why in ((bytes(flipped), "authenticity"), (blob[:-1], "authenticity"), (blob[:HEADER + 40], "authentic"),
                     (blob[:20], "cut short"), (b"XXXX" + blob[4:], "not a Rapport snapshot"),
                     (blob[:4] + bytes([30]) + blob[5:], "key cost")):
        with pytest.raises(SnapshotRefused, match=why):
            sealer.unseal(bad, 7)
    with pytest.raises(SnapshotRefused, match="says it is snapshot 7, not 9"):
        sealer.unseal(blob, 9)  # an old snapshot renamed to look newer is refused


# --- start and restart ----------------------------------------------------------------------------


def test_a_community_cloud_restart_loses_nothing(s3, path):
    first = replicator(path, s3)
    assert first.start().action == "empty-remote"
    add_people(path, "Ada Lovelace", "Grace Hopper", "Katherine Johnson")
    saved = first.flush()
    assert saved.saved and saved.generation == 1
    db = open_db(path)
    before = {t: rows(db, f"select * from {t} order by id") for t in ("people", "interactions", "companies")}
    db.conn.close()

    wipe(path)  # the restart: the disk is gone
    assert not path.exists()
    again = replicator(path, s3)
    report = again.start()
    assert report.action == "restored" and report.generation == 1
    assert "3 people" in report.message
    db = open_db(path)
    assert {t: rows(db, f"select * from {t} order by id") for t in before} == before
    db.conn.close()
    assert again.status().state == "saved"
    assert again.flush().saved is False  # nothing changed: no new snapshot
    assert remote(s3) == [1]


def test_a_local_file_up_to_date_is_kept_and_changes_made_since_are_uploaded(s3, path):
    first = replicator(path, s3)
    first.start()
    add_people(path, "Ada Lovelace")
    first.flush()
    add_people(path, "Grace Hopper")  # written, then the process restarts with the disk intact
    forget_migrated()
    again = replicator(path, s3)
    assert again.start().action == "current"
    assert again.flush().generation == 2
    wipe(path)
    replicator(path, s3).start()
    assert people(path) == ["Ada Lovelace", "Grace Hopper"]


def test_the_uploader_waits_for_the_delay_uploads_once_and_keeps_the_newest(s3, path):
    clock = Clock()
    rep = replicator(path, s3, clock, keep=2, delay=10)
    rep.start()
    open_db(path).conn.close()
    for round_ in range(3):
        add_people(path, f"Person {round_}")
        assert rep.step() is None  # the write is noticed ...
        assert rep.status().pending
        clock.advance(9)
        add_people(path, f"Later {round_}")
        assert rep.step() is None  # ... and nothing is uploaded before the delay
        clock.advance(1)
        assert rep.step().saved  # 10 s after the first unsaved write, one upload with both writes
        assert rep.step() is None and not rep.status().pending
    assert remote(s3) == [3, 2]  # keep=2: snapshot 1 deleted
    assert rep.status().text(rep.status().saved_at + 12) == "Saved 12 s ago"


def test_the_uploaders_poll_reads_only_the_change_counter(s3, path, monkeypatch):
    clock = Clock()
    rep = replicator(path, s3, clock, delay=10)
    rep.start()
    add_people(path, "Ada Lovelace")
    rep.step()
    clock.advance(10)
    assert rep.step().saved

    def refuse(conn):  # the emptiness check runs a dozen queries; the poll every second must not need it
        raise AssertionError("the poll asked whether the database is empty")

    monkeypatch.setattr("core.replication.is_empty", refuse)
    clock.advance(60)
    assert rep.step() is None and not rep.status().pending
    assert rep.wait_idle(1)


def test_the_background_thread_uploads_after_a_write(s3, path):
    import time

    rep = Replicator(config(s3, delay=1), path, kdf_n_log2=14, poll=0.05)
    rep.start()
    rep.start_uploader()
    try:
        add_people(path, "Ada Lovelace")
        deadline = time.monotonic() + 20
        while rep.status().uploads == 0 and time.monotonic() < deadline:
            assert rep.wait_idle(timeout=20)
        assert rep.status().uploads == 1 and remote(s3) == [1]
    finally:
        rep.stop()


# --- faults ---------------------------------------------------------------------------------------


def test_an_unreachable_bucket_keeps_working_locally_warns_and_retries_with_back_off(s3, path):
    from moto.server import ThreadedMotoServer

    port = closed_port()
    clock = Clock()
    rep = replicator(path, f"http://127.0.0.1:{port}", clock)
    report = rep.start()
    assert report.action == "offline"
    assert "Can't reach the bucket" in rep.status().text() and "retrying in 2 s" in rep.status().text()
    add_people(path, "Ada Lovelace")  # the app keeps working on its own file
    assert people(path) == ["Ada Lovelace"]
    attempts = []
    for wait in (2, 4, 8):
        assert rep.step() is None  # backing off: no attempt yet
        clock.advance(wait)
        result = rep.step()
        assert result is not None and not result.saved
        attempts.append(rep.status().attempts)
    assert attempts == [2, 3, 4] and "retrying in 16 s" in rep.status().text()

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)  # the bucket is back
    server.start()
    try:
        clock.advance(16)
        assert rep.step().saved
        assert rep.status().text(rep.status().saved_at) == "Saved 0 s ago"
    finally:
        server.stop()
    assert remote(s3) == [1]


def test_a_wrong_passphrase_is_refused_and_nothing_is_uploaded(s3, path, tmp_path):
    first = replicator(path, s3)
    first.start()
    add_people(path, "Ada Lovelace")
    first.flush()
    other = tmp_path / "other.db"
    wrong = Replicator(config(s3, passphrase="this is not the passphrase"), other, kdf_n_log2=14)
    with pytest.raises(WrongPassphrase, match=r"does not open the snapshots in rapport-test/me/rapport"):
        wrong.start()
    assert not other.exists()  # nothing put in place
    assert wrong.status().state == "fatal"
    add_people(other, "Someone Else")
    assert not wrong.save(force=True).saved  # not even when asked
    assert remote(s3) == [1]
    # The same with a local file that believes it is current: the passphrase is still checked.
    wrong_here = Replicator(config(s3, passphrase="this is not the passphrase"), path, kdf_n_log2=14)
    with pytest.raises(WrongPassphrase):
        wrong_here.start()


@pytest.mark.parametrize("damage", ["tampered", "truncated"])
def test_a_damaged_newest_snapshot_is_refused_and_the_older_one_offered(s3, path, tmp_path, damage):
    rep = replicator(path, s3)
    rep.start()
    add_people(path, "Ada Lovelace")
    rep.flush()
    add_people(path, "Grace Hopper")
    rep.flush()
    blob = get_raw(s3, 2)
    if damage == "tampered":
        bad = bytearray(blob)
        bad[len(bad) // 2] ^= 0x40
        bad = bytes(bad)
    else:
        bad = blob[: len(blob) // 2]
    put_raw(s3, 2, bad)

    fresh = tmp_path / "fresh.db"
    other = replicator(fresh, s3)
    report = other.start()
    assert report.action == "blocked" and report.offer == 1
    assert report.refused[0][0] == 2 and "authenticity check" in report.refused[0][1]
    assert "Snapshot 1 is intact" in other.status().text()
    assert not fresh.exists()  # the older one is offered, never restored behind the user's back
    assert not other.save().saved and remote(s3) == [2, 1]  # and nothing uploaded over the remote
    other.restore(1)  # the user takes the offer
    assert people(fresh) == ["Ada Lovelace"]
    assert other.status().state == "saved"


def test_a_kill_during_an_upload_leaves_the_previous_snapshot_intact(s3, path, tmp_path):
    rep = replicator(path, s3)
    rep.start()
    add_people(path, "Ada Lovelace")
    rep.flush()
    add_people(path, *[f"Person {i}" for i in range(50)])
    script = """
import io, json, sys
from core.replication import Replicator, config_from

class Stall(io.BytesIO):
    armed = False
    def read(self, n=-1):
        if Stall.armed and self.tell() > len(self.getvalue()) // 2:
            print("HALF", flush=True)
            sys.stdin.read()  # blocks until the parent kills this process
        return super().read(min(n if n and n > 0 else 1024, 1024))

rep = Replicator(config_from(json.loads(sys.argv[1])), sys.argv[2], kdf_n_log2=14)
rep._body = Stall
rep.client.meta.events.register("before-send.s3.PutObject", lambda **kw: setattr(Stall, "armed", True))
print(rep.start().action, flush=True)
rep.save()
print("SAVED", flush=True)
"""
    child = subprocess.Popen([sys.executable, "-c", script, json.dumps(storage(s3)), str(path)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "current"
        assert child.stdout.readline().strip() == "HALF"  # the upload is half sent
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        child.stdin.close()
        child.stdout.close()
        child.stderr.close()
    assert remote(s3) == [1]  # no half snapshot 2
    elsewhere = tmp_path / "elsewhere.db"
    assert replicator(elsewhere, s3).start().action == "restored"
    assert people(elsewhere) == ["Ada Lovelace"]
    forget_migrated()
    again = replicator(path, s3)  # the killed copy starts again and saves
    assert again.start().action == "current"
    assert again.flush().generation == 2


def test_two_copies_writing_the_loser_is_told_and_nothing_is_overwritten(s3, path, tmp_path):
    seed = replicator(path, s3)
    seed.start()
    add_people(path, "Ada Lovelace")
    seed.flush()
    a_path, b_path = tmp_path / "a.db", tmp_path / "b.db"
    a, b = replicator(a_path, s3, copy_id="copy-A"), replicator(b_path, s3, copy_id="copy-B")
    assert a.start().action == b.start().action == "restored"
    add_people(a_path, "From A")
    add_people(b_path, "From B")
    assert a.flush().generation == 2
    lost = b.flush()
    assert not lost.saved
    assert "another running copy of Rapport saved snapshot 2 first (copy copy-A at" in lost.message
    assert "that copy won" in lost.message and "Nothing was overwritten" in lost.message
    assert b.status().state == "blocked" and b.status().text() == lost.message
    assert a.status().state == "saved"
    assert remote(s3) == [2, 1]
    check = tmp_path / "check.db"
    replicator(check, s3).start()
    assert people(check) == ["Ada Lovelace", "From A"]
    assert not b.step()  # blocked: the uploader waits for the user
    kept = b.save(force=True)  # the user chooses to keep B's copy: a new snapshot, A's stays
    assert kept.generation == 3 and remote(s3) == [3, 2, 1]


def test_two_copies_racing_past_the_listing_are_stopped_by_the_conditional_put(s3, path, tmp_path):
    a_path, b_path = tmp_path / "a.db", tmp_path / "b.db"
    a, b = replicator(a_path, s3, copy_id="copy-A"), replicator(b_path, s3, copy_id="copy-B")
    a.start()
    b.start()
    add_people(a_path, "From A")
    add_people(b_path, "From B")
    stale = b.list_snapshots()  # B listed the bucket (empty) just before A saved
    assert a.flush().generation == 1
    b.list_snapshots = lambda: stale
    lost = b.flush()
    assert not lost.saved and "saved snapshot 1 first (copy copy-A" in lost.message
    del b.list_snapshots
    check = tmp_path / "check.db"
    replicator(check, s3).start()
    assert people(check) == ["From A"]


def test_an_empty_local_database_never_replaces_a_non_empty_remote(s3, path, tmp_path):
    rep = replicator(path, s3)
    rep.start()
    add_people(path, "Ada Lovelace")
    rep.flush()
    # A fresh copy whose empty database was already created restores instead of uploading.
    fresh = tmp_path / "fresh.db"
    open_db(fresh).conn.close()
    assert replicator(fresh, s3).start().action == "restored"
    assert people(fresh) == ["Ada Lovelace"]
    # Emptying the database is not saved over the remote without the user saying so.
    db = open_db(path)
    with transaction(db):
        db.execute("delete from people")
        db.execute("delete from companies")
    db.conn.close()
    refused = rep.flush()
    assert not refused.saved and "This database is empty" in refused.message
    assert remote(s3) == [1]
    assert rep.save(force=True).generation == 2


def test_data_never_saved_here_and_a_remote_one_are_not_merged_or_replaced(s3, path, tmp_path):
    rep = replicator(path, s3)
    rep.start()
    add_people(path, "Ada Lovelace")
    rep.flush()
    local = tmp_path / "local.db"
    add_people(local, "Only Here")
    other = replicator(local, s3)
    assert other.start().action == "blocked"
    assert people(local) == ["Only Here"] and remote(s3) == [1]
    assert not other.save().saved
    info = other.restore()  # the user chooses the bucket's copy; theirs is kept beside it
    assert info["generation"] == 1 and Path(info["kept"]).exists()
    assert people(local) == ["Ada Lovelace"]
