"""The composer page with AppTest: drafts, live checks, mail link, mark sent, drafts, templates, interviews."""

from datetime import timedelta

from core import composer
from core.db import open_db, rows, scalar
from core.interactions import log_interaction
from core.people import add_person
from tests.helpers import open_page, plain, shown_items

HOSTILE = "<b>x</b> <script>alert(1)</script>"


def add_met_yesterday(path, today, name="Ana Reyes"):
    """A person with a video call yesterday: their thank-you is open on the board."""
    db = open_db(path)
    pid = add_person(db, name=name, company="Northwind", email="ana+jobs@example.org",
                     common_ground="Both ran the Berlin half-marathon")
    log_interaction(db, pid, day=today - timedelta(days=1), channel="video", details="Loves dbt", today=today)
    return pid


def test_the_empty_composer_says_to_add_someone_first(app):
    at = open_page(app, "compose")

    assert at.title[0].value == "Compose"
    assert "Add someone to your targets first" in plain(at.info[0].value)


def test_with_the_demo_a_link_preselects_the_person_and_purpose(app, demo_path, today):
    at = open_page(app, "compose", person=3, purpose="thank_you")

    expected = composer.draft(open_db(demo_path), 3, "thank_you", today)
    assert at.selectbox(key="compose_person").value == 3
    assert at.selectbox(key="compose_purpose").value == "thank_you"
    assert at.text_input(key="compose_subject").value == expected["subject"]
    assert at.text_area(key="compose_body").value == expected["body"]
    assert any("Personal detail → Gratitude" in plain(c) for c in shown_items(at))


def test_every_purpose_renders_on_the_demo(app, demo_path):
    at = open_page(app, "compose", person=3)

    for purpose in composer.PURPOSES:
        at.selectbox(key="compose_purpose").select(purpose).run()
        assert not at.exception, purpose
    at.selectbox(key="compose_purpose").select("double_intro").run()  # not necessarily the last purpose any more
    at.selectbox(key="compose_other").select(5).run()
    assert at.text_input(key="compose_subject").value.startswith("Would you like an introduction to")


def test_findings_update_as_the_message_is_edited(app, db_path, today):
    pid = add_met_yesterday(db_path, today)
    at = open_page(app, "compose", person=pid, purpose="check_in")

    at.text_input(key="compose_subject").input("Hello")
    at.text_area(key="compose_body").input("Hello, I hope all is well.").run()

    texts = plain(" ".join(w.value for w in at.warning))
    assert "No call to action" in texts
    assert "Nothing in it is about Ana in particular" in texts
    at.text_area(key="compose_body").input("Hi Ana, how was the Berlin half-marathon? Coffee soon?").run()
    assert at.warning == [] or all("call to action" not in w.value for w in at.warning)
    assert "Ready to send" in at.success[0].value


def test_the_mail_link_is_rfc_6068_encoded(app, db_path, today):
    pid = add_met_yesterday(db_path, today)
    at = open_page(app, "compose", person=pid, purpose="thank_you")

    link = at.get("link_button")[0].proto
    subject = at.text_input(key="compose_subject").value
    body = at.text_area(key="compose_body").value
    assert link.url == composer.mailto("ana+jobs@example.org", subject, body)
    assert link.url.startswith("mailto:ana%2Bjobs@example.org?subject=Thank%20you%2C%20Ana")
    assert "+" not in link.url


def test_marking_a_thank_you_sent_logs_it_and_closes_the_follow_up(app, db_path, today):
    pid = add_met_yesterday(db_path, today)
    db = open_db(db_path)
    assert scalar(db, "select count(*) from followups where reason = 'thank_you' and status = 'open'") == 1
    at = open_page(app, "compose", person=pid, purpose="thank_you")

    at.button(key="compose_send").click().run()

    assert not at.exception
    assert "Logged: thank-you to Ana Reyes" in plain(at.success[0].value)
    assert rows(db, "select nature, kind, direction from interactions order by id desc limit 1") == [
        {"nature": "thank_you", "kind": "neutral", "direction": "me"}]
    assert scalar(db, "select count(*) from followups where reason = 'thank_you' and status = 'open'") == 0
    board = open_page(app, "board")
    assert not any("Thank Ana Reyes" in m.value for m in board.markdown)


def test_an_empty_message_shows_an_error_and_logs_nothing(app, db_path, today):
    pid = add_met_yesterday(db_path, today)
    at = open_page(app, "compose", person=pid, purpose="thank_you")
    before = scalar(open_db(db_path), "select count(*) from interactions")

    at.text_area(key="compose_body").input("   ").run()
    at.button(key="compose_send").click().run()

    assert "The message is empty" in plain(at.error[0].value)
    assert scalar(open_db(db_path), "select count(*) from interactions") == before


def test_a_saved_draft_is_listed_reopened_sent_and_its_row_marked(app, db_path, today):
    pid = add_met_yesterday(db_path, today)
    at = open_page(app, "compose", person=pid, purpose="check_in")
    at.text_area(key="compose_body").input("Hi Ana, coffee next week? Northwind news?").run()

    at.button(key="compose_save").click().run()

    db = open_db(db_path)
    saved = rows(db, "select id, purpose, body, status from drafts")
    assert saved == [{"id": saved[0]["id"], "purpose": "check_in", "body": "Hi Ana, coffee next week? Northwind news?",
                      "status": "draft"}]
    at.selectbox(key="compose_purpose").select("introduction").run()
    at.button(key=f"compose_open_{saved[0]['id']}").click().run()
    assert at.text_area(key="compose_body").value == "Hi Ana, coffee next week? Northwind news?"
    at.button(key="compose_send").click().run()
    assert scalar(db, "select status from drafts") == "sent"
    assert scalar(db, "select nature from interactions order by id desc limit 1") == "check_in"


def test_a_draft_can_be_discarded(app, db_path, today):
    pid = add_met_yesterday(db_path, today)
    draft_id = composer.save_draft(open_db(db_path), pid, "check_in", "Hi", "Body")
    at = open_page(app, "compose")

    at.button(key=f"compose_drop_{draft_id}").click().run()

    assert scalar(open_db(db_path), "select count(*) from drafts") == 0
    assert "Draft discarded." in plain(at.success[0].value)


def test_a_template_with_an_unknown_placeholder_is_refused(app, db_path, today):
    add_met_yesterday(db_path, today)
    at = open_page(app, "compose")
    at.text_area(key="compose_tpl_body_introduction_0").input("Hi {frist_name}")

    at.button(key="FormSubmitter:compose_tpl_form_introduction-Save template").click().run()

    assert "{frist_name} is not a placeholder" in plain(at.error[0].value)
    assert scalar(open_db(db_path), "select count(*) from templates") == 0


def test_a_saved_template_shapes_the_next_draft(app, db_path, today):
    pid = add_met_yesterday(db_path, today)
    at = open_page(app, "compose")
    at.selectbox(key="compose_tpl_purpose").select("check_in").run()
    at.text_area(key="compose_tpl_body_check_in_0").input("Yo {first_name} at {company}. Call?")

    at.button(key="FormSubmitter:compose_tpl_form_check_in-Save template").click().run()

    assert scalar(open_db(db_path), "select body from templates where purpose = 'check_in'") == (
        "Yo {first_name} at {company}. Call?")
    at.selectbox(key="compose_person").select(pid).run()
    at.selectbox(key="compose_purpose").select("check_in").run()
    assert at.text_area(key="compose_body").value == "Yo Ana at Northwind. Call?"


def test_logging_an_informational_interview_schedules_its_thank_you(app, db_path, today):
    db = open_db(db_path)
    pid = add_person(db, name="Mei Chen", company="Initech")
    at = open_page(app, "compose", person=pid, purpose="info_interview")
    at.text_area(key="compose_iv_details").input("Training for a triathlon")

    at.button(key="FormSubmitter:compose_interview-Log the interview").click().run()

    assert not at.exception
    assert rows(db, "select nature, details from interactions") == [
        {"nature": "informational_interview", "details": "Training for a triathlon"}]
    assert scalar(db, "select due from followups where reason = 'thank_you'") == (today + timedelta(days=2)).isoformat()
    assert at.selectbox(key="compose_purpose").value == "thank_you"
    # what they told you is offered beside the thank-you, not pasted into it
    assert "[a detail from your conversation]" in at.text_area(key="compose_body").value
    assert "Training for a triathlon" in [c.value for c in at.code]


def test_the_question_bank_builds_a_sheet_to_copy(app, db_path, today):
    pid = add_met_yesterday(db_path, today)
    at = open_page(app, "compose", person=pid)

    at.multiselect(key=f"compose_q_2_{pid}").select("How would you describe the culture at Northwind?").run()

    assert any(c.value == "Questions for Ana Reyes — Northwind\n1. How would you describe the culture at Northwind?"
               for c in at.code)


def test_a_hostile_name_is_shown_literally(app, db_path, today):
    pid = add_met_yesterday(db_path, today, name=HOSTILE)
    at = open_page(app, "compose", person=pid, purpose="check_in")
    assert any("Hi <b>x</b>," in c.value for c in at.code)  # the copy block shows the text as typed

    at.text_input(key="compose_subject").input("Hello")
    at.text_area(key="compose_body").input("Hello there.").run()

    assert not any("<b>" in text or "<script>" in text for text in shown_items(at))
    assert any("about \\<b\\>x\\</b\\> in particular" in w.value for w in at.warning)


def test_an_unknown_person_in_the_link_is_explained(app, demo_path):
    at = open_page(app, "compose", person=99999, purpose="thank_you")

    assert "not on your list" in plain(at.warning[0].value)
