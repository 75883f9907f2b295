"""Replication in the app: restore before any page runs, the sidebar's status, Save now, a wrong passphrase."""

from __future__ import annotations

import re
import socket
import threading
from datetime import date
from pathlib import Path

import pytest
import streamlit as st

from core.db import forget_migrated, open_db
from core.people import add_person
from core.replication import Replicator
from tests import s3_fixtures
from tests.helpers import open_page, plain, shown_text
from tests.s3_fixtures import config, storage

s3_server, s3 = s3_fixtures.s3_server, s3_fixtures.s3  # moto on 127.0.0.1, reset per test
DAY = date(2026, 11, 27)
APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts its own replicator (once per process in the app); their threads are stopped after."""
    st.cache_resource.clear()
    yield
    from pages import _replication

    _replication._start.clear()
    st.cache_resource.clear()
    assert not [t for t in threading.enumerate() if t.name == "rapport-replication"]  # on_release stopped them


def remote(endpoint) -> list[int]:
    return [s.generation for s in Replicator(config(endpoint), "/nonexistent/x.db", kdf_n_log2=14).list_snapshots()]


def add(path: Path, name: str) -> None:
    db = open_db(path)
    add_person(db, name=name, today=DAY)
    db.conn.close()


def sidebar(at) -> str:
    return "\n".join(plain(e.value) for e in [*at.sidebar.caption, *at.sidebar.warning])


def frame(endpoint, **extra):
    """A new session on the default page (AppTest shows the sidebar of a run that did not switch pages)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["storage"] = storage(endpoint, delay=3600, **extra)  # the background uploader stays out of the way
    at.run()
    assert not at.exception
    return at


def test_without_a_storage_section_nothing_changes_and_no_network_call_is_made(app, db_path, monkeypatch):
    calls = []
    real_connect = socket.socket.connect

    def connect(self, address):
        calls.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: calls.append(a) or pytest.fail("network"))
    at = open_page(app, "data")
    assert calls == []
    assert not [b for b in at.button if b.key == "data_save_now"]
    assert "Saved" not in sidebar(at) and "bucket" not in shown_text(at)
    assert db_path.exists() and not Path(f"{db_path}.replica.json").exists()


def test_save_now_uploads_and_the_sidebar_says_when(app, db_path, s3):
    add(db_path, "Ada Lovelace")
    assert "Not saved to the bucket yet: changes waiting" in sidebar(frame(s3))
    app.secrets["storage"] = storage(s3, delay=3600)
    at = open_page(app, "data")
    assert remote(s3) == []
    at.button(key="data_save_now").click().run()
    assert not at.exception
    assert plain(at.success[0].value).startswith("Saved snapshot 1 to rapport-test/me/rapport (")
    assert remote(s3) == [1]
    shown = sidebar(frame(s3))
    # "Saved 2 s ago", with " · changes waiting" should the new session's own first run have written anything.
    assert re.search(r"^Saved \d+ (s|min) ago( · changes waiting)?$", shown, re.MULTILINE), shown
    at.button(key="data_save_now").click().run()
    assert plain(at.info[0].value) == "Nothing changed since snapshot 1."
    assert remote(s3) == [1]


def test_a_restart_on_a_wiped_disk_shows_every_person_before_any_page_runs(app, db_path, s3):
    add(db_path, "Ada Lovelace")
    add(db_path, "Grace Hopper")
    app.secrets["storage"] = storage(s3, delay=3600)
    at = open_page(app, "data")
    at.button(key="data_save_now").click().run()
    for suffix in ("", "-wal", "-shm", ".replica.json"):  # the restart wipes the disk
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    st.cache_resource.clear()
    forget_migrated()
    again = frame(s3)
    assert "2 people" in sidebar(again)
    assert "Loaded snapshot 1 from the bucket" in sidebar(again)


def test_a_wrong_passphrase_is_a_clear_error_on_the_sign_in_page_never_an_empty_app(app, db_path, s3, tmp_path):
    seeded = tmp_path / "seed.db"
    add(seeded, "Ada Lovelace")
    seed = Replicator(config(s3), seeded, kdf_n_log2=14)
    seed.start()
    assert seed.save().saved
    app.secrets["password"] = "let me in"
    app.secrets["storage"] = storage(s3, passphrase="not the right passphrase")
    app.run()
    assert not app.exception
    assert "does not open the snapshots in rapport-test/me/rapport" in plain(app.error[0].value)
    assert app.title[0].value == "Rapport"
    assert not app.text_input  # no way into an empty app
    assert not db_path.exists()  # and no empty database was made
    assert remote(s3) == [1]


def test_a_refused_newest_snapshot_is_shown_and_the_older_one_can_be_loaded(app, db_path, s3, tmp_path):
    seeded = tmp_path / "seed.db"
    add(seeded, "Ada Lovelace")
    seed = Replicator(config(s3), seeded, kdf_n_log2=14)
    seed.start()
    seed.save()
    add(seeded, "Grace Hopper")
    seed.save()
    client = seed.client
    key = seed._key(2)
    blob = client.get_object(Bucket=seed.config.bucket, Key=key)["Body"].read()
    client.put_object(Bucket=seed.config.bucket, Key=key, Body=blob[:-10])  # cut short
    assert "The newest snapshot in rapport-test/me/rapport was refused" in sidebar(frame(s3))
    app.secrets["storage"] = storage(s3, delay=3600)
    at = open_page(app, "data")
    at.button(key="data_repl_restore").click().run()
    assert not at.exception
    assert "Loaded snapshot 1 (1 people)" in plain(at.success[0].value)
    assert "1 person" in sidebar(frame(s3))
