"""The composer shows the notes it kept out of the draft beside the message, as plain text, while their gap
is still there."""

from datetime import timedelta

from core.db import open_db
from core.interactions import log_interaction
from core.people import add_person
from tests.helpers import open_page

NOTE = "Daughter just started school; training for the <b>Lisbon</b> marathon"


def met_yesterday(path, today) -> int:
    db = open_db(path)
    pid = add_person(db, name="Ana Reyes", company="Northwind", email="ana@example.org")
    log_interaction(db, pid, day=today - timedelta(days=1), channel="video", details=NOTE, today=today)
    return pid


def test_a_private_note_is_beside_the_thank_you_not_in_it(app, db_path, today):
    pid = met_yesterday(db_path, today)

    at = open_page(app, "compose", person=pid, purpose="thank_you")

    body = at.text_area(key="compose_body").value
    assert "Lisbon" not in body and "[a detail from your conversation]" in body
    assert [c.value for c in at.code if "Lisbon" in c.value] == [NOTE]  # as written, in a plain-text block
    assert any("A detail from your conversation" in c.value for c in at.caption)


def test_once_the_gap_is_written_the_suggestion_goes(app, db_path, today):
    pid = met_yesterday(db_path, today)
    at = open_page(app, "compose", person=pid, purpose="thank_you")
    body = at.text_area(key="compose_body").value

    at.text_area(key="compose_body").input(body.replace("[a detail from your conversation]", "your marathon plans"))
    at.run()

    assert not [c for c in at.code if c.value == NOTE]
    assert not any("From your notes" in m.value for m in at.markdown)
