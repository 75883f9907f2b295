"""The Data page: import with a preview and a confirm, CSV mapping, downloads, restore, the schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.backup import backup_bytes
from core.db import kept_copies, open_db, rows
from core.people import add_person
from tests.helpers import open_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def upload(at, key: str, name: str, data: bytes, mime: str = "text/csv"):
    at.file_uploader(key=key).set_value((name, data, mime))
    return at.run()


def table(at, column: str):
    """The first dataframe with this column (AppTest doesn't expose a dataframe's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def names(path) -> list[str]:
    return [r["name"] for r in rows(open_db(path), "select name from people order by id")]


def test_an_empty_database_renders_and_says_what_to_do(app):
    at = open_page(app, "data")
    assert at.title[0].value == "Your data"
    assert at.info[0].value.startswith("Pick a file: nothing is written until you have seen the preview")
    assert {b.key for b in at.download_button} >= {"data_export_people", "data_export_interactions",
                                                   "data_export_vcard", "data_export_ics", "data_backup"}


def test_demo_data_renders_with_the_schema_and_the_file(app, demo_path):
    at = open_page(app, "data")
    assert not at.exception
    assert any(str(demo_path) in t.value for t in at.text)
    schema = table(at, "table")
    assert "people" in list(schema["table"])


def test_a_linkedin_upload_previews_then_imports_on_confirm(app, db_path):
    at = open_page(app, "data")
    upload(at, "data_upload", "Connections.csv", fixture("Connections.csv"))
    upload(at, "data_messages", "messages.csv", fixture("messages.csv"))
    at.button(key="data_preview").click().run()
    assert not at.exception
    assert any("add 2 people, update 0, skip 1 row, log 2 LinkedIn message exchanges" in m.value
               for m in at.markdown)
    preview = table(at, "action")
    assert list(preview["action"]) == ["add", "add", "skip"]
    assert [(m.label, m.value) for m in at.metric] == [
        ("To add", "2"), ("To update", "0"), ("Skipped", "1"), ("Touches to log", "2")]
    assert at.metric[3].help.startswith("LinkedIn message exchanges")
    assert "hidden profile (no name, only a date)" in list(preview["detail"])
    assert names(db_path) == []  # nothing written by the preview
    at.button(key="data_confirm").click().run()
    assert names(db_path) == ["Ines Okafor-Lindqvist", "Tomás Reyes"]
    assert at.success[0].value == "Imported: 2 added, 0 updated, 1 skipped, 2 message exchanges logged."
    assert open_db(db_path).table("interactions").count == 2


def test_a_bad_file_shows_an_error_and_writes_nothing(app, db_path):
    at = open_page(app, "data")
    upload(at, "data_upload", "Connections.csv", "First Name,Last Name\nJosé,Ruiz\n".encode("latin-1"))
    at.button(key="data_preview").click().run()
    assert "Line 2 of the Connections.csv is not UTF-8" in at.error[0].value
    assert not [b for b in at.button if b.key == "data_confirm"]
    assert names(db_path) == []


def test_a_csv_import_uses_the_mapping_the_user_adjusts(app, db_path):
    at = open_page(app, "data")
    at.selectbox(key="data_kind").set_value("csv").run()
    upload(at, "data_upload", "people.csv", b"Who,Org,Mail\nAna Novak,Globex,ana@example.org\n")
    assert at.selectbox(key="data_map_2").value == "email"
    assert at.selectbox(key="data_map_0").value == ""  # "Who" is not a header we recognise
    at.selectbox(key="data_map_0").set_value("name")
    at.selectbox(key="data_map_1").set_value("company").run()
    at.button(key="data_preview").click().run()
    at.button(key="data_confirm").click().run()
    assert not at.exception
    assert rows(open_db(db_path), "select p.name, p.email, c.name as company from people p "
                                  "join companies c on c.id = p.company_id") == [
        {"name": "Ana Novak", "email": "ana@example.org", "company": "Globex"}]


def test_another_csv_gets_its_own_column_guesses_not_the_last_files_choices(app, db_path):
    at = open_page(app, "data")
    at.selectbox(key="data_kind").set_value("csv").run()
    upload(at, "data_upload", "people.csv", b"Who,Org,Mail\nAna Novak,Globex,ana@example.org\n")
    at.selectbox(key="data_map_0").set_value("name").run()

    upload(at, "data_upload", "other.csv", b"Email,Name\nbo@example.org,Bo Lee\n")

    assert [at.selectbox(key=f"data_map_{i}").value for i in (0, 1)] == ["email", "name"]


def test_a_mapping_without_a_name_is_an_error(app, db_path):
    at = open_page(app, "data")
    at.selectbox(key="data_kind").set_value("csv").run()
    upload(at, "data_upload", "people.csv", b"Who,Mail\nAna,ana@example.org\n")
    at.button(key="data_preview").click().run()
    assert "every person needs a name" in at.error[0].value
    assert names(db_path) == []


def test_a_hostile_name_shows_literally_in_the_preview(app, db_path):
    at = open_page(app, "data")
    upload(at, "data_upload", "Connections.csv",
           b"First Name,Last Name,Company\n<script>alert(1)</script>,<b>x</b>,**Bold** [link](http://e.x)\n")
    at.button(key="data_preview").click().run()
    preview = table(at, "action")
    assert list(preview["name"]) == ["<script>alert(1)</script> <b>x</b>"]
    assert list(preview["company"]) == ["**Bold** [link](http://e.x)"]
    at.button(key="data_confirm").click().run()
    assert names(db_path) == ["<script>alert(1)</script> <b>x</b>"]


def test_a_stale_preview_is_refused_after_the_data_changed(app, db_path):
    at = open_page(app, "data")
    upload(at, "data_upload", "Connections.csv", fixture("Connections.csv"))
    at.button(key="data_preview").click().run()
    add_person(open_db(db_path), name="Added elsewhere")
    at.button(key="data_confirm").click().run()
    assert "changed since this preview" in at.error[0].value
    assert names(db_path) == ["Added elsewhere"]


def test_restore_needs_the_confirmation_then_replaces_the_data(app, db_path, tmp_path):
    db = open_db(db_path)
    add_person(db, name="In the backup")
    saved = backup_bytes(db)
    add_person(db, name="Only in the current data")
    at = open_page(app, "data")
    # In a form, a staged upload is committed by the form's submit button (as in the browser).
    at.file_uploader(key="data_restore_file").set_value(("backup.db", saved, "application/octet-stream"))
    at.button(key="data_restore").click().run()
    assert at.error[0].value == "Tick the box to confirm: a restore replaces your current data."
    assert names(db_path) == ["In the backup", "Only in the current data"]
    at.checkbox(key="data_restore_sure").check()
    at.button(key="data_restore").click().run()
    assert not at.exception
    assert names(db_path) == ["In the backup"]
    assert at.success[0].value == "Restored a backup with 1 people."
    assert len(kept_copies(db_path)) == 1


def test_restoring_a_file_that_is_not_a_backup_is_refused(app, db_path):
    add_person(open_db(db_path), name="Still here")
    at = open_page(app, "data")
    at.file_uploader(key="data_restore_file").set_value(("backup.db", fixture("apple.vcf"), "text/vcard"))
    at.checkbox(key="data_restore_sure").check()
    at.button(key="data_restore").click().run()
    assert "not a SQLite database" in at.error[0].value
    assert names(db_path) == ["Still here"]


@pytest.mark.parametrize("hosted", [True, False])
def test_hosted_copies_warn_about_the_wiped_disk_and_offer_the_backup_first(app, monkeypatch, hosted):
    monkeypatch.setenv("RAPPORT_HOSTED", "1" if hosted else "0")
    at = open_page(app, "data")
    warned = [w.value for w in at.warning if "disk is wiped whenever the app restarts" in w.value]
    assert bool(warned) is hosted
    assert (at.download_button[0].key == "data_backup") is hosted


def test_restore_without_a_file_says_to_choose_one(app, db_path):
    at = open_page(app, "data")
    at.checkbox(key="data_restore_sure").check()
    at.button(key="data_restore").click().run()
    assert at.error[0].value == "Choose the backup file to restore first."


def test_connections_with_invitations_preview_the_connection_requests_then_log_them(app, db_path):
    at = open_page(app, "data")
    upload(at, "data_upload", "Connections.csv", fixture("Connections.csv"))
    upload(at, "data_invitations", "Invitations.csv", fixture("Invitations_bom_crlf.csv"))
    at.button(key="data_preview").click().run()
    assert not at.exception
    assert any("add 2 people, update 0, skip 4 rows, log 2 connection requests" in m.value for m in at.markdown)
    touches = table(at, "touch")
    assert list(touches["name"]) == ["Tomás Reyes", "Ines Okafor-Lindqvist"]
    assert list(touches["touch"]) == ["connection request you sent", "connection request they sent"]
    assert list(touches["notes"]) == ["Hi Tomás, fellow Contoso alum here", ""]
    assert any("connection request with Direction" in c.value for c in at.caption)
    assert open_db(db_path).table("interactions").count == 0  # nothing written by the preview
    at.button(key="data_confirm").click().run()
    assert at.success[0].value == "Imported: 2 added, 0 updated, 4 skipped, 2 connection requests logged."
    assert rows(open_db(db_path), "select p.name, i.day, i.direction, i.source from interactions i "
                                  "join people p on p.id = i.person_id order by i.day") == [
        {"name": "Ines Okafor-Lindqvist", "day": "2026-01-15", "direction": "them", "source": "linkedin"},
        {"name": "Tomás Reyes", "day": "2026-02-03", "direction": "me", "source": "linkedin"}]


def test_invitations_on_their_own_log_touches_for_people_already_on_the_list(app, db_path):
    at = open_page(app, "data")
    upload(at, "data_upload", "Connections.csv", fixture("Connections.csv"))
    at.button(key="data_preview").click().run()
    at.button(key="data_confirm").click().run()
    at.selectbox(key="data_kind").set_value("invitations").run()
    assert any("connection request you sent or received" in c.value for c in at.caption)
    upload(at, "data_upload", "Invitations.csv", fixture("Invitations.csv"))
    at.button(key="data_preview").click().run()
    at.button(key="data_confirm").click().run()
    assert not at.exception
    assert at.success[0].value == "Imported: 0 added, 0 updated, 0 skipped, 1 connection request logged."
    assert open_db(db_path).table("interactions").count == 1


def test_a_file_that_is_not_invitations_shows_an_error_and_writes_nothing(app, db_path):
    at = open_page(app, "data")
    upload(at, "data_upload", "Connections.csv", fixture("Connections.csv"))
    upload(at, "data_invitations", "Invitations.csv", fixture("messages.csv"))
    at.button(key="data_preview").click().run()
    assert "No header row found in the first 20 lines of the Invitations.csv" in at.error[0].value
    assert not [b for b in at.button if b.key == "data_confirm"]
    assert names(db_path) == []


def test_a_hostile_name_and_message_in_a_connection_request_show_literally(app, db_path):
    at = open_page(app, "data")
    upload(at, "data_upload", "Connections.csv",
           b"First Name,Last Name,URL\n<script>alert(1)</script>,<b>x</b>,https://www.linkedin.com/in/evil-example\n")
    upload(at, "data_invitations", "Invitations.csv",
           b'From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n'
           b'<script>alert(1)</script> <b>x</b>,Pat,"2/3/26, 9:05 AM",**hi** <img src=x onerror=alert(1)>,INCOMING,'
           b'https://www.linkedin.com/in/evil-example,https://www.linkedin.com/in/pat-example\n')
    at.button(key="data_preview").click().run()
    touches = table(at, "touch")
    assert list(touches["name"]) == ["<script>alert(1)</script> <b>x</b>"]
    assert list(touches["notes"]) == ["**hi** <img src=x onerror=alert(1)>"]
    at.button(key="data_confirm").click().run()
    assert rows(open_db(db_path), "select notes from interactions") == [{"notes": "**hi** <img src=x onerror=alert(1)>"}]


def test_the_import_result_is_shown_in_the_import_section_with_what_changed(app, db_path):
    at = open_page(app, "data")
    at.file_uploader(key="data_upload").set_value(
        ("Connections.csv", (FIXTURES / "Connections.csv").read_bytes(), "text/csv"))
    at.run()
    at.button(key="data_preview").click().run()
    at.button(key="data_confirm").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Added"], metrics["Skipped"]) == ("2", "1")
    assert at.success[0].value == "Imported: 2 added, 0 updated, 1 skipped."
    # In the import section, after its controls (where the preview and Confirm were), not above the page.
    order = [getattr(e, "key", None) or getattr(e, "value", None) for e in at.main
             if type(e).__name__ in ("Button", "Success", "Subheader")]
    assert order.index("data_preview") < order.index("Imported: 2 added, 0 updated, 1 skipped."), order
