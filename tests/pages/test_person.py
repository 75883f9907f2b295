"""A person's page: every field, the score, timeline, dates, follow-ups and logging a touch."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import contacts, followups, interactions, people
from core.db import open_db
from tests.helpers import open_page, plain, shown_text


@pytest.fixture
def ana(db_path):
    db = open_db(db_path)
    return people.add_person(db, name="Ana Reyes", title="Head of Data", company="Northwind",
                             common_ground="Both ran the Berlin half", needs="Hiring two analysts",
                             details="Daughter just started school")


@pytest.mark.parametrize("query", [{}, {"id": "abc"}, {"id": "999"}])
def test_a_missing_or_unknown_id_says_so(app, db_path, query):
    at = open_page(app, "person", **query)

    assert "There is no such person" in at.error[0].value


def test_the_page_shows_the_person_with_their_score_and_reason(app, ana):
    at = open_page(app, "person", id=ana)

    assert at.title[0].value == "Ana Reyes"
    text = shown_text(at)
    assert "not in touch yet" in text
    assert "Not in touch yet" in text  # the stored reason
    assert "Both ran the Berlin half" in text
    assert "Hiring two analysts" in text
    assert "Daughter just started school" in text


def test_every_demo_person_page_renders(app, demo_path):
    db = open_db(demo_path)
    found, _ = people.list_people(db, limit=3)
    at = app
    for p in found:
        at = open_page(at, "person", id=p["id"])
        assert at.title[0].value.replace("\\", "") == p["name"]


def test_one_click_logs_a_touch_for_today_with_the_chosen_kind(app, ana, db_path, today):
    at = open_page(app, "person", id=ana)

    at.radio(key="person_kind").set_value("give")
    at.button(key="person_quick_email").click().run()

    items = interactions.timeline(open_db(db_path), ana)
    assert [(i["day"], i["channel"], i["kind"], i["direction"]) for i in items] == \
        [(today.isoformat(), "email", "give", "me")]
    assert "Logged: emailed (give)." in at.success[0].value
    assert people.get_person(open_db(db_path), ana)["stage"] == "contacted"


def test_met_today_moves_them_to_conversed_and_asks_for_a_thank_you(app, ana, db_path, today):
    at = open_page(app, "person", id=ana)

    at.button(key="person_quick_in_person").click().run()

    db = open_db(db_path)
    assert people.get_person(db, ana)["stage"] == "conversed"
    assert "thank_you" in [f["reason"] for f in followups.for_person(db, ana, today)]
    assert "Thank Ana Reyes" in shown_text(at)


def test_the_detailed_form_logs_nature_reply_date_and_details(app, ana, db_path):
    at = open_page(app, "person", id=ana)

    at.radio(key="person_kind").set_value("ask").run()
    assert at.selectbox(key="person_log_nature").options == \
        ["—", "Asked for a referral", "Asked about a job lead", "Asked for advice", "Informational interview"]
    at.selectbox(key="person_log_channel").set_value("video")
    at.date_input(key="person_log_day").set_value(date(2026, 11, 20))
    at.selectbox(key="person_log_nature").set_value("advice")
    at.selectbox(key="person_log_replied").set_value("yes")
    at.selectbox(key="person_log_direction").set_value("them")
    at.text_area(key="person_log_notes").input("Talked about dbt")
    at.text_area(key="person_log_details").input("Moving to Porto in March")
    at.button(key="FormSubmitter:person_log-Log it").click().run()

    [i] = interactions.timeline(open_db(db_path), ana)
    assert (i["day"], i["channel"], i["kind"], i["nature"], i["responded"], i["direction"], i["notes"],
            i["details"]) == ("2026-11-20", "video", "ask", "advice", True, "them", "Talked about dbt",
                              "Moving to Porto in March")
    assert "Moving to Porto in March" in shown_text(at)


def test_deleting_a_touch_removes_it(app, ana, db_path, today):
    iid = interactions.log_interaction(open_db(db_path), ana, day=today, channel="email", today=today)
    at = open_page(app, "person", id=ana)

    at.button(key=f"person_int_del_{iid}").click().run()

    assert interactions.timeline(open_db(db_path), ana) == []


def test_a_message_they_wrote_reads_as_my_reply_and_a_touch_by_no_known_author_takes_no_mark(app, ana, db_path,
                                                                                            today):
    db = open_db(db_path)
    theirs = interactions.log_interaction(db, ana, day=today, channel="email", direction="them", responded=False,
                                          today=today)
    interactions.log_interaction(db, ana, day=today, channel="email", direction="unknown", today=today)
    at = open_page(app, "person", id=ana)

    assert "you didn't reply · started by them" in shown_text(at)
    marks = [b for b in at.button if b.key.startswith("person_int_reply_")]
    assert [(b.key, b.label) for b in marks] == [
        (f"person_int_reply_{theirs}_True", "I replied"), (f"person_int_reply_{theirs}_False", "I didn't reply"),
        (f"person_int_reply_{theirs}_None", "Not sure")]


def test_editing_saves_every_field_including_stage_and_tier(app, ana, db_path):
    at = open_page(app, "person", id=ana)

    at.text_input(key="person_edit_name").input("Ana Reyes-Silva")
    at.text_input(key="person_edit_company").input("Globex")
    at.selectbox(key="person_edit_stage").set_value("connected")
    at.selectbox(key="person_edit_tier").set_value("active")
    at.selectbox(key="person_edit_seniority").set_value("director")
    at.text_input(key="person_edit_tags").input("data, mentor")
    at.text_input(key="person_edit_cadence").input("21")
    at.text_area(key="person_edit_notes").input("Prefers mornings")
    at.button(key="FormSubmitter:person_edit-Save changes").click().run()

    p = people.get_person(open_db(db_path), ana)
    assert (p["name"], p["company"], p["stage"], p["tier"], p["seniority"], p["tags"], p["cadence_days"],
            p["notes"]) == ("Ana Reyes-Silva", "Globex", "connected", "active", "director", ["data", "mentor"], 21,
                            "Prefers mornings")
    assert at.success[0].value == "Saved."


def test_editing_with_an_empty_name_changes_nothing(app, ana, db_path):
    at = open_page(app, "person", id=ana)

    at.text_input(key="person_edit_name").input("")
    at.text_input(key="person_edit_title").input("CTO")
    at.button(key="FormSubmitter:person_edit-Save changes").click().run()

    assert at.error[0].value == "Name can't be empty."
    p = people.get_person(open_db(db_path), ana)
    assert (p["name"], p["title"]) == ("Ana Reyes", "Head of Data")


def test_dates_can_be_added_without_a_year_and_removed(app, ana, db_path):
    at = open_page(app, "person", id=ana)

    at.selectbox(key="person_date_label").set_value("birthday")
    at.selectbox(key="person_date_month").set_value(3)
    at.number_input(key="person_date_day").set_value(14)
    at.button(key="FormSubmitter:person_date-Add date").click().run()

    [d] = people.list_dates(open_db(db_path), ana)
    assert (d["label"], d["month"], d["day"], d["year"]) == ("birthday", 3, 14, None)
    assert "Birthday: 14 March" in shown_text(at)

    at.button(key=f"person_date_del_{d['id']}").click().run()
    assert people.list_dates(open_db(db_path), ana) == []


def test_an_impossible_date_is_refused(app, ana, db_path):
    at = open_page(app, "person", id=ana)

    at.selectbox(key="person_date_month").set_value(2)
    at.number_input(key="person_date_day").set_value(30)
    at.button(key="FormSubmitter:person_date-Add date").click().run()

    assert at.error[0].value == "30 is not a day of month 2."
    assert people.list_dates(open_db(db_path), ana) == []


def test_follow_ups_can_be_done_or_snoozed(app, ana, db_path, today):
    db = open_db(db_path)
    first = followups.add_reminder(db, ana, today, "Send the article")
    second = followups.add_reminder(db, ana, today, "Ask about Porto")
    at = open_page(app, "person", id=ana)

    at.button(key=f"person_fu_done_{first}").click().run()
    at.button(key=f"person_fu_snooze_{second}_7").click().run()

    open_items = {f["id"]: f["due"] for f in followups.for_person(db, ana, today)}
    assert first not in open_items
    assert open_items[second] == "2026-12-04"


def test_archiving_and_bringing_back(app, ana, db_path):
    at = open_page(app, "person", id=ana)

    at.button(key="person_archive").click().run()
    assert people.get_person(open_db(db_path), ana)["archived_at"]
    assert "Archived" in at.warning[0].value

    at.button(key="person_unarchive").click().run()
    assert people.get_person(open_db(db_path), ana)["archived_at"] is None


def test_compose_opens_the_composer_for_this_person(app, ana):
    at = open_page(app, "person", id=ana)

    at.selectbox(key="person_compose_purpose").set_value("info_interview")
    at.button(key="person_compose").click().run()

    assert not at.exception
    assert at.query_params["person"] == str(ana)
    assert at.query_params["purpose"] == "info_interview"


def test_merging_another_record_into_this_one(app, ana, db_path, today):
    db = open_db(db_path)
    dup = people.add_person(db, name="Ana R.", email="ana@example.com")
    interactions.log_interaction(db, dup, day=today, channel="email", notes="From the duplicate", today=today)
    at = open_page(app, "person", id=ana)

    at.text_input(key="person_merge_q").input("Ana R.").run()
    at.checkbox(key="person_merge_sure").check()
    at.button(key="person_merge_go").click().run()

    assert [p["id"] for p in people.list_people(db, include_archived=True)[0]] == [ana]
    assert people.get_person(db, ana)["email"] == "ana@example.com"
    assert [i["notes"] for i in interactions.timeline(db, ana)] == ["From the duplicate"]
    assert at.success[0].value == "Merged the two records."


def test_merge_without_the_confirmation_says_so_and_merges_nothing(app, ana, db_path):
    db = open_db(db_path)
    dup = people.add_person(db, name="Ana R.")
    at = open_page(app, "person", id=ana)

    at.text_input(key="person_merge_q").input("Ana R.").run()
    at.button(key="person_merge_go").click().run()

    assert at.error[0].value == "Tick the box to confirm the merge first."
    assert sorted(p["id"] for p in people.list_people(db, include_archived=True)[0]) == sorted([ana, dup])


def test_html_in_a_persons_text_is_shown_literally(app, db_path, today):
    db = open_db(db_path)
    evil = "<b>bold</b> <script>x</script>"
    pid = people.add_person(db, name=evil, title=evil, common_ground=evil, details=evil)
    interactions.log_interaction(db, pid, day=today, channel="phone", notes=evil, details=evil, today=today)
    people.add_date(db, pid, label="other", month=5, day=1, note=evil)
    at = open_page(app, "person", id=pid)

    assert at.title[0].value == "\\<b\\>bold\\</b\\> \\<script\\>x\\</script\\>"
    shown = [e.value for kind in ("markdown", "caption") for e in getattr(at, kind) if "bold" in e.value]
    assert len(shown) >= 6
    assert all("<b>" not in s and "<script>" not in s for s in shown)
    assert not any(m.proto.allow_html for m in at.markdown)


def test_three_asks_in_a_row_raise_the_per_contact_flag_and_offer_to_share_first(app, ana, db_path, today):
    db = open_db(db_path)
    for age in (30, 20, 10):
        interactions.log_interaction(db, ana, day=date.fromordinal(today.toordinal() - age), channel="email",
                                     nature="advice", today=today)
    at = open_page(app, "person", id=ana)
    # They also went unanswered (SCORING.md §4.8.4), which has a notice of its own beside this one.
    assert "Your last 3 messages to Ana Reyes were all asks. Before the next one, check in or share something " \
        "useful." in [w.value for w in at.warning]

    at.button(key="person_share_first").click().run()
    assert (at.query_params["person"], at.query_params["purpose"]) == (str(ana), "share_resource")

    interactions.log_interaction(db, ana, day=today, channel="email", nature="shared_resource", today=today)
    assert not [w for w in open_page(app, "person", id=ana).warning if "were all asks" in w.value]


# --- Other contact details (alternates) ------------------------------------------------------------------


@pytest.fixture
def merged_ana(ana, db_path, today):
    """Ana, after merging in a duplicate record with another email, phone and title."""
    db = open_db(db_path)
    people.update_person(db, ana, email="ana@new.example")
    dup = people.add_person(db, name="Ana R.", email="ana@old.example", phone="+44 20 7946 0000", title="Data lead")
    people.merge_people(db, ana, dup, today)
    return ana


def test_the_page_shows_the_other_values_a_merge_kept(app, merged_ana):
    at = open_page(app, "person", id=merged_ana)

    text = plain(shown_text(at))
    assert "ana@new.example · +44 20 7946 0000" in text  # the empty phone was filled from the duplicate
    assert "Also: ana@old.example, Data lead (title), Ana R. (name)" in text


def test_an_other_email_can_be_made_primary_and_a_title_removed(app, merged_ana, db_path):
    db = open_db(db_path)
    alts = {a["value"]: a["id"] for a in contacts.list_alternates(db, merged_ana)}
    at = open_page(app, "person", id=merged_ana)

    at.button(key=f"person_alt_primary_{alts['ana@old.example']}").click().run()
    assert people.get_person(db, merged_ana)["email"] == "ana@old.example"
    assert plain(at.success[0].value) == "ana@old.example is now their email."

    at.button(key=f"person_alt_del_{alts['Data lead']}").click().run()
    assert [(a["field"], a["value"]) for a in contacts.list_alternates(db, merged_ana)] == [
        ("email", "ana@new.example"), ("name", "Ana R.")]
    assert "Also: ana@new.example, Ana R. (name)" in plain(shown_text(at))


def test_adding_an_other_value_is_validated(app, ana, db_path):
    at = open_page(app, "person", id=ana)

    at.selectbox(key="person_alt_field").set_value("email")
    at.text_input(key="person_alt_value").input("not an email")
    at.button(key="FormSubmitter:person_alt_add-Add").click().run()
    assert "doesn't look like an email address" in at.error[0].value
    assert contacts.list_alternates(open_db(db_path), ana) == []

    at.selectbox(key="person_alt_field").set_value("phone")
    at.text_input(key="person_alt_value").input("+1 555 0100")
    at.button(key="FormSubmitter:person_alt_add-Add").click().run()
    assert [(a["field"], a["value"]) for a in contacts.list_alternates(open_db(db_path), ana)] == [
        ("phone", "+1 555 0100")]
    assert "Also: +1 555 0100" in plain(shown_text(at))


def test_a_person_due_in_one_day_reads_in_1_day(app, db_path, today):
    db = open_db(db_path)
    pid = people.add_person(db, name="Ada", today=today)
    people.add_date(db, pid, label="birthday", month=(today + timedelta(days=1)).month,
                    day=(today + timedelta(days=1)).day, today=today)
    at = open_page(app, "person", id=pid)
    text = shown_text(at)
    assert "(in 1 day)" in text and "1 days" not in text
