"""The Data page's "Mail and calendar" section: upload or a local path, preview, people you talk to, confirm."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.contacts import add_alternate
from core.db import open_db
from core.people import add_person
from core.settings import save_profile
from tests.helpers import open_page, plain, shown_text

CAPTURE = Path(__file__).resolve().parents[1] / "fixtures" / "capture"


@pytest.fixture
def listed(db_path):
    db = open_db(db_path)
    save_profile(db, email="me@gmail.example")
    ana = add_person(db, name="Ana Lopez", email="ana@lopez.example")
    add_alternate(db, ana, "email", "ana.lopez@work.example")
    for name, email in [("Bob Smith", "bob@smith.example"), ("Chloé Dupont", "chloe@dupont.example"),
                        ("Dan Okafor", "dan@okafor.example")]:
        add_person(db, name=name, email=email)
    return db_path


def count(path, where: str = "1") -> int:
    return open_db(path).execute(f"select count(*) from interactions where {where}").fetchone()[0]


def upload_mail(at, *names: str):
    at.file_uploader(key="capture_upload").set_value(
        [(n, (CAPTURE / n).read_bytes(), "application/mbox") for n in names])
    return at.run()


def table_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_section_offers_mail_calendar_and_a_local_path(app, listed):
    at = open_page(app, "data")
    assert "Mail and calendar" in [s.value for s in at.subheader]
    assert at.radio(key="capture_kind").options == ["Mail (.mbox, .eml)", "Calendar (.ics)"]
    assert at.text_input(key="capture_me").value == "me@gmail.example"  # pre-filled from the profile
    assert at.text_input(key="capture_path") is not None


def test_no_local_path_when_hosted(app, listed, monkeypatch):
    monkeypatch.setenv("RAPPORT_HOSTED", "1")
    at = open_page(app, "data")
    assert "capture_path" not in [t.key for t in at.text_input]
    assert at.file_uploader(key="capture_upload").accept_multiple_files  # uploads still work


def test_a_mailbox_previews_then_imports_on_confirm(app, listed):
    at = open_page(app, "data")
    upload_mail(at, "takeout.mbox")
    at.button(key="capture_preview").click().run()
    assert not at.exception, [e.value for e in at.exception]
    text = shown_text(at)
    assert "log 6 emails with 4 people on your list" in text.replace("\\", "")
    touches = table_with(at, "address")
    assert set(touches["with"]) == {"Ana Lopez", "Bob Smith", "Chloé Dupont", "Dan Okafor"}
    skipped = table_with(at, "reason")
    assert set(skipped["reason"]) == {"nobody on your list", "mailing list", "newsletter", "no-reply sender",
                                      "the same message twice in the file"}
    assert count(listed) == 0  # nothing written before the confirm
    at.button(key="capture_confirm").click().run()
    assert count(listed, "source = 'mail'") == 6
    assert "Logged 6 emails with 4 people." in [s.value for s in at.success]


def test_people_you_talk_to_are_added_in_one_click_and_their_mail_counts(app, listed):
    at = open_page(app, "data")
    upload_mail(at, "takeout.mbox")
    at.button(key="capture_preview").click().run()
    assert plain(at.checkbox(key="capture_talk_0").label) == "Zoë Martin <zoe@martin.example> · 2"
    at.checkbox(key="capture_talk_0").check().run()
    at.button(key="capture_add").click().run()
    assert not at.exception
    assert open_db(listed).execute("select name from people where email = 'zoe@martin.example'").fetchall() == [
        ("Zoë Martin",)]
    assert "log 8 emails with 5 people" in shown_text(at).replace("\\", "")
    at.button(key="capture_confirm").click().run()
    assert count(listed) == 8


def test_a_calendar_upload_logs_meetings(app, listed):
    at = open_page(app, "data")
    at.radio(key="capture_kind").set_value("calendar").run()
    at.file_uploader(key="capture_upload_ics").set_value(
        ("google.ics", (CAPTURE / "google.ics").read_bytes(), "text/calendar"))
    at.run()
    at.button(key="capture_preview").click().run()
    assert "log 8 meetings with 3 people" in shown_text(at).replace("\\", "")
    at.button(key="capture_confirm").click().run()
    assert count(listed, "source = 'calendar'") == 8


def test_a_local_path_reads_a_file_on_this_computer(app, listed):
    at = open_page(app, "data")
    at.text_input(key="capture_path").input(str(CAPTURE / "eml")).run()
    at.button(key="capture_preview").click().run()
    assert "log 3 emails with 2 people" in shown_text(at).replace("\\", "")


def test_a_calendar_path_that_is_a_folder_or_missing_is_refused_with_a_sentence(app, listed, tmp_path):
    at = open_page(app, "data")
    at.radio(key="capture_kind").set_value("calendar").run()
    for path, says in ((tmp_path, "is a folder, not a file"), (tmp_path / "gone.ics", "No such file")):
        at.text_input(key="capture_path").input(str(path)).run()
        at.button(key="capture_preview").click().run()
        assert not at.exception and any(says in e.value for e in at.error), [e.value for e in at.error]


def test_a_file_that_is_not_mail_shows_why_and_writes_nothing(app, listed):
    at = open_page(app, "data")
    at.file_uploader(key="capture_upload").set_value([("notes.eml", b"just words\n", "message/rfc822")])
    at.run()
    at.button(key="capture_preview").click().run()
    assert any("doesn't look like mail" in e.value for e in at.error)
    assert "capture_confirm" not in [b.key for b in at.button]
    assert count(listed) == 0


def test_a_bad_own_address_is_refused(app, listed):
    at = open_page(app, "data")
    at.text_input(key="capture_me").input("me at home").run()
    upload_mail(at, "takeout.mbox")
    at.button(key="capture_preview").click().run()
    assert any("doesn't look like an email address" in e.value for e in at.error)


def test_a_google_contacts_csv_is_mapped_for_you(app, listed):
    at = open_page(app, "data")
    at.selectbox(key="data_kind").set_value("csv").run()
    at.file_uploader(key="data_upload").set_value(
        ("contacts.csv", (CAPTURE / "google_contacts.csv").read_bytes(), "text/csv"))
    at.run()
    assert any("Recognised a Google Contacts CSV" in c.value for c in at.caption)
    selects = {s.label: s.value for s in at.selectbox if (s.key or "").startswith("data_map_")}
    assert selects["Organization Title"] == "title" and selects["E-mail 2 - Value"] == "other_email"
