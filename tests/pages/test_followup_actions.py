"""Done, Other (another channel, or skip) on Today, the board and a person's page: a button that says
something happened records it; skip says it records nothing. Replies marked on the timeline."""

from datetime import date, timedelta

from core import followups, people
from core.db import open_db, rows
from core.interactions import log_interaction
from tests.helpers import open_page, plain, shown_text

TODAY = date(2026, 11, 27)


def _met_yesterday(db_path):
    db = open_db(db_path)
    leila = people.add_person(db, name="Leila <b>Haddad</b>", tier="core", today=TODAY)
    log_interaction(db, leila, day=TODAY - timedelta(days=1), channel="video", today=TODAY)
    [thanks] = [f for f in followups.for_person(db, leila, TODAY) if f["reason"] == "thank_you"]
    return db, leila, thanks["id"]


def _log(db, person_id):
    return rows(db, "select channel, direction, nature from interactions where person_id = ? order by id",
                [person_id])


def test_done_on_today_logs_the_thank_you_and_says_so(app, db_path):
    db, leila, fid = _met_yesterday(db_path)
    at = open_page(app, "today")

    at.button(key=f"today_thanks_done_{fid}").click().run()

    assert not at.exception
    assert _log(db, leila)[-1] == {"channel": "email", "direction": "me", "nature": "thank_you"}
    assert at.success[0].value == "Logged a thank-you to Leila \\<b\\>Haddad\\</b\\> by email today."
    assert followups.get_followup(db, fid, TODAY)["status"] == "done"


def test_done_by_another_channel_from_the_board(app, db_path):
    db, leila, fid = _met_yesterday(db_path)
    at = open_page(app, "board")

    at.selectbox(key=f"board_via_{fid}").set_value("phone").run()
    at.button(key=f"board_donevia_{fid}").click().run()

    assert not at.exception
    assert _log(db, leila)[-1] == {"channel": "phone", "direction": "me", "nature": "thank_you"}
    assert "by phone call today" in at.success[0].value


def test_skip_on_a_persons_page_closes_it_and_logs_nothing(app, db_path):
    db, leila, fid = _met_yesterday(db_path)
    at = open_page(app, "person", id=leila)

    at.button(key=f"person_fu_skip_{fid}").click().run()

    assert not at.exception
    assert len(_log(db, leila)) == 1
    assert followups.get_followup(db, fid, TODAY)["status"] == "skipped"
    assert at.success[0].value.startswith("Skipped, nothing logged")


def test_a_reply_is_marked_on_the_timeline_and_can_be_unmarked(app, db_path):
    db = open_db(db_path)
    ana = people.add_person(db, name="Ana Reyes", today=TODAY)
    sent = log_interaction(db, ana, day=TODAY - timedelta(days=3), channel="email", today=TODAY)
    met = log_interaction(db, ana, day=TODAY - timedelta(days=1), channel="phone", today=TODAY)
    at = open_page(app, "person", id=ana)
    # A call is two-way by nature: nothing to mark there.
    assert [b.key for b in at.button if b.key.startswith("person_int_reply_")] == [
        f"person_int_reply_{sent}_True", f"person_int_reply_{sent}_False", f"person_int_reply_{sent}_None"]
    assert met

    at.button(key=f"person_int_reply_{sent}_True").click().run()

    assert not at.exception
    assert rows(db, "select responded from interactions where id = ?", [sent]) == [{"responded": 1}]
    assert "they replied" in shown_text(at)
    at.button(key=f"person_int_reply_{sent}_None").click().run()
    assert rows(db, "select responded from interactions where id = ?", [sent]) == [{"responded": None}]


def test_after_mark_sent_the_composer_offers_no_second_draft_to_the_same_person(app, db_path):
    db = open_db(db_path)
    ana = people.add_person(db, name="Ana Reyes", email="ana@example.org", today=TODAY)
    at = open_page(app, "compose", person=ana, purpose="check_in")
    assert at.selectbox(key="compose_person").value == ana

    at.button(key="compose_send").click().run()

    assert not at.exception
    assert plain(at.success[0].value).startswith("Logged: check-in to Ana Reyes")
    assert at.selectbox(key="compose_person").value is None
    assert len(_log(db, ana)) == 1
