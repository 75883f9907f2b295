"""The outreach composer: drafts per purpose, checks, templates, mailto links, drafts and sending."""

from datetime import timedelta
from urllib.parse import unquote, urlencode

import pytest

from core import composer as c
from core.db import rows, scalar
from core.errors import NotFound, ValidationError
from core.events import add_event
from core.interactions import log_interaction
from core.people import add_date, add_person
from core.settings import add_resource, save_profile
from tests.helpers import due_board

REFERENCE = (
    "mailto:ines%2Bjobs@example.org?subject=Coffee%20chat%3F%20%28re%3A%20Data%20Eng%20%40%20Northwind%29"
    "&body=Hi%20Ines%2C%0D%0A%0D%0AThanks%20for%20the%20intro%20%26%20advice%20%E2%80%94%2015%20min%20next"
    "%20week%3F%0D%0A%0D%0ABest%2C%0D%0ATom%C3%A1s"
)


@pytest.fixture
def ana(db, today):
    """Ana, a data lead at Northwind, with common ground, needs, details and a video call 1 day ago."""
    save_profile(db, name="Pat Seeker", pitch="I turn messy data into decisions.",
                 value_proposition="I help teams ship trustworthy dashboards.", signature="Pat\npat.example.com")
    add_resource(db, title="The dbt guide", url="https://docs.getdbt.com/guides", tags="data,analytics")
    add_resource(db, title="Climate jobs", url="https://climatebase.org", tags="climate")
    pid = add_person(db, name="Ana Reyes", company="Northwind", title="Head of Data", industry="data",
                     role="data", tags="mentor", common_ground="Both ran the Berlin half-marathon",
                     needs="Hiring two analysts this quarter", email="ana+work@example.org")
    log_interaction(db, pid, day=today - timedelta(days=1), channel="video", direction="me", nature="meeting",
                    details="Recommended The Mom Test", today=today)
    return pid


@pytest.fixture
def bo(db):
    """Bo, about whom Rapport knows only a name."""
    return add_person(db, name="Bo")


# --- Drafts per purpose ---------------------------------------------------------------------------


@pytest.mark.parametrize("purpose", list(c.PURPOSES))
def test_every_purpose_drafts_its_structure_personalised_from_the_persons_data(db, today, ana, bo, purpose):
    other = bo if purpose == "double_intro" else None

    d = c.draft(db, ana, purpose, today, other_person_id=other)

    assert [p["part"] for p in d["parts"]] == list(c.PURPOSES[purpose]["structure"])
    assert d["parts"][0]["text"] == "Hi Ana,"
    assert d["body"] == "\n\n".join(p["text"] for p in d["parts"])
    assert "Pat" in d["parts"][-1]["text"]
    assert d["subject"]
    assert d["to"] == "ana+work@example.org"
    assert "{" not in d["body"]
    assert c.words(d["body"]) <= c.PURPOSES[purpose]["max_words"]


def test_an_introduction_has_a_hook_purpose_value_and_call_to_action(db, today, ana):
    parts = {p["part"]: p["text"] for p in c.draft(db, ana, "introduction", today)["parts"]}

    assert parts["hook"] == ("I came across your work as Head of Data at Northwind and noticed that we both ran the "
                             "Berlin half-marathon.")
    assert "data" in parts["purpose"]
    assert parts["value"] == "A little about me: I turn messy data into decisions. I help teams ship trustworthy dashboards."
    assert parts["call_to_action"].endswith("?") or "?" in parts["call_to_action"]


def test_a_thank_you_has_the_detail_gratitude_renewed_interest_and_an_offer(db, today, ana):
    d = c.draft(db, ana, "thank_you", today)
    parts = {p["part"]: p["text"] for p in d["parts"]}

    # What they told you is not pasted in: a gap, and the note beside the message to put in your own words.
    assert parts["personal_detail"] == ("I really enjoyed our video call yesterday, especially hearing about "
                                        "[a detail from your conversation].")
    assert d["suggestions"] == [{"placeholder": "detail", "gap": "[a detail from your conversation]",
                                 "label": "A detail from your conversation", "text": "Recommended The Mom Test"}]
    assert parts["gratitude"].startswith("Thank you")
    assert "Northwind" in parts["renewed_interest"]
    assert "The dbt guide (https://docs.getdbt.com/guides)" in parts["offer"]
    assert "hiring two analysts this quarter" in parts["offer"]


def test_the_resource_offered_matches_the_persons_interests(db, today, ana):
    climate = add_person(db, name="Kai", industry="climate tech")

    assert c.draft(db, climate, "share_resource", today)["facts"]["resource_title"] == "Climate jobs"
    assert c.draft(db, ana, "share_resource", today)["facts"]["resource_title"] == "The dbt guide"


def test_missing_data_leaves_clearly_marked_gaps_instead_of_inventing(db, today, bo):
    d = c.draft(db, bo, "introduction", today)

    assert "[something you have in common]" in d["body"]
    assert "[their company]" in d["subject"]
    assert "[your elevator pitch]" in d["body"]
    assert d["gaps"][:2] == ["[their company]", "[their role]"]


def test_a_double_intro_asks_each_side_before_introducing(db, today, ana, bo):
    to_ana = c.draft(db, ana, "double_intro", today, other_person_id=bo)
    to_bo = c.draft(db, bo, "double_intro", today, other_person_id=ana)

    assert to_ana["subject"] == "Would you like an introduction to Bo?"
    assert to_bo["subject"] == "Would you like an introduction to Ana Reyes?"
    assert "Head of Data at Northwind" in to_bo["body"]
    assert "Would you like me to make the introduction?" in to_ana["body"]


def test_a_double_intro_needs_two_different_people(db, today, ana):
    with pytest.raises(ValidationError, match="second person"):
        c.draft(db, ana, "double_intro", today)
    with pytest.raises(ValidationError, match="two different"):
        c.draft(db, ana, "double_intro", today, other_person_id=ana)


def test_only_a_purpose_about_two_people_needs_the_second_one(db, today, ana):
    assert [p for p in c.PURPOSES if c.needs_second_person(p)] == ["double_intro"]
    for purpose in c.PURPOSES:
        if c.needs_second_person(purpose):
            with pytest.raises(ValidationError, match="second person"):
                c.draft(db, ana, purpose, today)
        else:
            assert c.draft(db, ana, purpose, today)["subject"]


def test_congratulations_uses_a_success_near_today_and_event_followup_the_event(db, today, ana):
    add_date(db, ana, label="success", month=today.month, day=today.day, note="Promoted to VP Data")
    event = add_event(db, name="Data Meetup", day=today - timedelta(days=1))
    log_interaction(db, ana, day=today - timedelta(days=1), channel="event", event_id=event, today=today)

    assert "I just saw the news: congratulations on your promotion to VP Data!" in c.draft(
        db, ana, "congratulations", today)["body"]
    assert c.draft(db, ana, "event_followup", today)["subject"] == "Great to meet you at Data Meetup"


def test_an_unknown_purpose_or_person_is_a_clear_error(db, today, ana):
    with pytest.raises(ValidationError, match="Purpose must be one of"):
        c.draft(db, ana, "spam", today)
    with pytest.raises(NotFound):
        c.draft(db, 999, "thank_you", today)


# --- Templates --------------------------------------------------------------------------------------


def test_an_edited_template_is_used_and_reset_restores_the_default(db, today, ana):
    c.save_template(db, "check_in", "Hello {first_name}", "Hi {first_name}, how is {company}? {signature}")

    assert c.draft(db, ana, "check_in", today)["body"] == "Hi Ana, how is Northwind? Pat\npat.example.com"
    assert c.get_template(db, "check_in")["custom"] is True
    c.reset_template(db, "check_in")
    assert c.get_template(db, "check_in") == c.default_template("check_in")


@pytest.mark.parametrize(("body", "problem"), [
    ("Hi {frist_name}", "{frist_name} is not a placeholder"),
    ("Hi {}", "empty {}"),
    ("Hi {0}", "empty {}"),
    ("Hi {first_name", "brace is not closed"),
    ("Hi {first_name!r}", "can't have a format"),
    ("Hi {first_name.__class__}", "is not a placeholder"),
])
def test_a_template_with_bad_placeholders_is_refused_and_nothing_is_stored(db, body, problem):
    with pytest.raises(ValidationError, match="The template has problems") as e:
        c.save_template(db, "thank_you", "Thanks", body)

    assert problem in str(e.value)
    assert scalar(db, "select count(*) from templates") == 0


def test_literal_braces_are_allowed_in_a_template(db, today, bo):
    c.save_template(db, "check_in", "Hi", "Code: {{x}} for {first_name}")

    assert c.draft(db, bo, "check_in", today)["body"] == "Code: {x} for Bo"


def test_fill_leaves_unknown_placeholders_visible():
    assert c.fill("Hi {first_name} {mystery}", {"first_name": "Ana"}) == "Hi Ana {mystery}"


# --- Checks ---------------------------------------------------------------------------------------


def ctx(db, today, pid, purpose="introduction"):
    return c.check_context(db, pid, purpose, today)


def codes(findings):
    return [f["code"] for f in findings]


def test_the_default_drafts_of_a_well_known_person_pass_every_check(db, today, ana):
    for purpose in ("introduction", "thank_you", "share_resource", "congratulations"):
        d = c.draft(db, ana, purpose, today)
        if purpose == "congratulations":
            d["body"] = d["body"].replace("[their news]", "your promotion")
        # the gap left for what they told you, written in the user's own words
        d["body"] = d["body"].replace("[a detail from your conversation]", "the book you recommended")
        assert c.check(d["subject"], d["body"], purpose, ctx(db, today, ana, purpose)) == [], purpose


def test_a_missing_subject_is_found(db, today, ana):
    found = c.check("  ", "Hi Ana, how is Northwind? Coffee next week?", "check_in", ctx(db, today, ana))

    assert codes(found) == ["no_subject"]
    assert "spam" in found[0]["message"]


def test_no_call_to_action_is_found_unless_there_is_a_question_or_a_proposal(db, today, ana):
    context = ctx(db, today, ana)

    assert "no_cta" in codes(c.check("Hi", "Hi Ana, I hope Northwind is well.", "check_in", context))
    assert "no_cta" not in codes(c.check("Hi", "Hi Ana, is Northwind well?", "check_in", context))
    assert "no_cta" not in codes(c.check("Hi", "Hi Ana, let me know if Northwind has a minute.", "check_in",
                                         context))
    assert "no_cta" not in codes(c.check("Hi", "Hi Ana, Northwind link: x.", "share_resource", context))


def test_nothing_personal_is_found_when_no_fact_about_them_appears(db, today, ana):
    context = ctx(db, today, ana)

    found = c.check("Hello", "Hello, would you like to chat?", "check_in", context)
    assert codes(found) == ["not_personal"]
    assert "about Ana in particular" in found[0]["message"]
    assert c.check("Hello", "Hello, how did the Berlin marathon go? Chat soon?", "check_in", context) == []


def test_for_someone_rapport_knows_little_about_their_name_is_enough(db, today, bo):
    assert "not_personal" not in codes(c.check("Hi", "Hi Bo, coffee?", "check_in", ctx(db, today, bo)))
    assert "not_personal" in codes(c.check("Hi", "Hi there, coffee?", "check_in", ctx(db, today, bo)))


def test_a_message_mostly_about_the_sender_is_found_with_its_counts(db, today, ana):
    body = "Hi Ana at Northwind. I am job hunting. My CV is great, I'm sure. I want a role. Can you help me?"

    found = c.check("Me", body, "check_in", ctx(db, today, ana))

    assert codes(found) == ["self_focus"]
    assert "5 I/me/my against 1 you/your" in found[0]["message"]
    assert c.self_focus("I’m here; you and your team, you're great") == (1, 3)


def test_a_message_too_long_for_its_purpose_is_found(db, today, ana):
    body = "Hi Ana at Northwind, coffee? " + "word " * 150

    found = c.check("Hi", body, "introduction", ctx(db, today, ana))

    assert codes(found) == ["too_long"]
    assert "155 words; aim for under 150" in found[0]["message"]
    assert "too_long" not in codes(c.check("Hi", body, "thank_you", ctx(db, today, ana, "thank_you")))


def test_an_ask_to_someone_never_given_to_says_give_something_first(db, today, ana):
    d = c.draft(db, ana, "info_interview", today)

    found = c.check(d["subject"], d["body"], "info_interview", ctx(db, today, ana, "info_interview"))

    assert codes(found) == ["give_first"]
    assert "never given Ana anything" in found[0]["message"]


def test_an_ask_after_a_give_within_the_cadence_is_fine(db, today, ana):
    log_interaction(db, ana, day=today, channel="email", nature="shared_resource", today=today)
    d = c.draft(db, ana, "info_interview", today)

    assert c.check(d["subject"], d["body"], "info_interview", ctx(db, today, ana, "info_interview")) == []


def test_an_ask_to_someone_not_spoken_to_within_the_cadence_says_give_something_first(db, today):
    pid = add_person(db, name="Lee", company="Globex", tier="active")
    log_interaction(db, pid, day=today - timedelta(days=40), channel="email", nature="shared_resource",
                    today=today)

    found = c.check("Hi", "Hi Lee at Globex, could you refer me for the open role?", "check_in",
                    ctx(db, today, pid))

    assert codes(found) == ["give_first"]
    assert "your last touch was 40 days ago (cadence 14 days)" in found[0]["message"]


def test_a_thank_you_after_its_48_hour_window_is_flagged_kindly(db, today):
    pid = add_person(db, name="Mo", company="Initech")
    log_interaction(db, pid, day=today - timedelta(days=5), channel="phone", today=today)
    d = c.draft(db, pid, "thank_you", today)

    found = c.check(d["subject"], d["body"], "thank_you", ctx(db, today, pid, "thank_you"))

    late = [f for f in found if f["code"] == "late_thank_you"]
    assert late[0]["message"].startswith("The 48-hour window closed 3 days ago")
    assert late[0]["level"] == "info"


def test_a_thank_you_inside_its_window_is_not_late(db, today, ana):
    assert "late_thank_you" not in codes(
        c.check("Thanks", "Thanks Ana, Northwind!", "thank_you", ctx(db, today, ana, "thank_you")))


def test_an_empty_message_is_checked_only_for_its_subject_and_gaps(db, today, ana):
    context = ctx(db, today, ana, "referral_ask")

    assert codes(c.check("", "  ", "referral_ask", context)) == ["no_subject", "empty"]
    assert codes(c.check("About {company}", "", "referral_ask", context)) == ["gaps", "empty"]


def test_findings_come_in_one_order_whatever_fires(db, today):
    order = ["no_subject", "gaps", "no_cta", "not_personal", "self_focus", "too_long", "give_first",
             "late_thank_you"]
    pid = add_person(db, name="Mo", company="Initech")
    log_interaction(db, pid, day=today - timedelta(days=5), channel="phone", today=today)
    me = " ".join(["I want my next role and I think I am ready."] * 20)
    for purpose, body in (("thank_you", me), ("introduction", me + " Refer me. [their company]"),
                          ("referral_ask", "Refer me.")):
        found = codes(c.check("", body, purpose, ctx(db, today, pid, purpose)))
        assert len(found) >= 3, (purpose, found)
        assert found == sorted(found, key=order.index), (purpose, found)


def test_gaps_and_placeholders_left_in_are_found(db, today, bo):
    d = c.draft(db, bo, "introduction", today)

    found = c.check(d["subject"], d["body"] + " {company}", "introduction", ctx(db, today, bo))

    gaps = next(f for f in found if f["code"] == "gaps")
    assert "[their company]" in gaps["message"]
    assert "{company}" in c.gaps_in(d["body"] + " {company}")


# --- mailto -----------------------------------------------------------------------------------------


def test_mailto_reproduces_the_reference_exactly():
    url = c.mailto("ines+jobs@example.org", "Coffee chat? (re: Data Eng @ Northwind)",
                   "Hi Ines,\n\nThanks for the intro & advice — 15 min next week?\n\nBest,\nTomás")

    assert url == REFERENCE
    assert len(url) == 246


def test_a_mailto_link_cannot_gain_headers_or_recipients():
    url = c.mailto("ana@example.org?bcc=attacker@example.com", "Hi&bcc=attacker@example.com\r\nCc: x@y",
                 "Body&to=attacker@example.com")

    query = url.split("?", 1)[1]
    assert [part.split("=", 1)[0] for part in query.split("&")] == ["subject", "body"]
    assert url.count("?") == 1
    assert "%0D%0A" not in query.split("&")[0]


def test_mailto_never_writes_a_plus_for_a_space_and_round_trips():
    body = "Zoë & José?\r\nLine two = 100% #1\rThree"
    url = c.mailto("a+b@example.org", "a b+c", body)

    assert "+" not in url
    assert "subject=a%20b%2Bc" in url
    assert url.startswith("mailto:a%2Bb@example.org?subject=")
    assert unquote(url.split("&body=")[1]) == "Zoë & José?\r\nLine two = 100% #1\r\nThree"
    assert urlencode({"subject": "a b"}) == "subject=a+b"  # form encoding: wrong for mailto


def test_a_long_body_is_too_long_for_a_mail_link_so_copy_instead():
    url, why = c.mail_link("x@example.org", "Hi", "word " * 500)

    assert url is None
    assert "copy it instead" in why
    assert c.mail_link("x@example.org", "Hi", "short") == (c.mailto("x@example.org", "Hi", "short"), "")


# --- Drafts and sending ------------------------------------------------------------------------


def test_drafts_persist_until_discarded(db, ana):
    first = c.save_draft(db, ana, "check_in", "Hi", "Body")
    c.save_draft(db, ana, "check_in", "Hi again", "Body 2", draft_id=first)

    assert [(d["subject"], d["person"], d["purpose_label"]) for d in c.list_drafts(db)] == [
        ("Hi again", "Ana Reyes", "Check-in")]
    c.discard_draft(db, first)
    assert c.list_drafts(db) == []


def test_an_empty_draft_or_an_unknown_person_is_refused(db, ana):
    with pytest.raises(ValidationError, match="nothing to save"):
        c.save_draft(db, ana, "check_in", " ", "")
    with pytest.raises(NotFound):
        c.save_draft(db, 999, "check_in", "Hi", "x")
    assert scalar(db, "select count(*) from drafts") == 0


def test_marking_a_thank_you_sent_logs_it_and_closes_the_thank_you_follow_up(db, today, ana):
    assert [i["title"] for i in due_board(db, today)["week"]] == ["Thank Ana Reyes"]
    draft_id = c.save_draft(db, ana, "thank_you", "Thank you", "Thanks Ana!")

    interaction_id = c.mark_sent(db, draft_id, today)

    logged = rows(db, "select kind, nature, direction, channel, tags, notes from interactions where id = ?",
                  [interaction_id])[0]
    assert logged == {"kind": "neutral", "nature": "thank_you", "direction": "me", "channel": "email",
                      "tags": '["thank_you"]', "notes": "Thank-you: Thank you\n\nThanks Ana!"}
    assert "Thank Ana Reyes" not in [i["title"] for col in due_board(db, today).values() for i in col]
    assert c.list_drafts(db) == []
    assert scalar(db, "select status from drafts where id = ?", [draft_id]) == "sent"
    with pytest.raises(ValidationError, match="already sent"):
        c.mark_sent(db, draft_id, today)


@pytest.mark.parametrize(("purpose", "kind", "nature"), [
    ("introduction", "neutral", ""),
    ("info_interview", "ask", "advice"),
    ("share_resource", "give", "shared_resource"),
    ("congratulations", "give", "congratulated"),
    ("double_intro", "give", "introduction"),
    ("check_in", "neutral", "check_in"),
    ("event_followup", "neutral", "thank_you"),
])
def test_each_purpose_is_logged_with_the_right_kind(db, today, bo, purpose, kind, nature):
    iid = c.mark_sent(db, (bo, purpose, "Hi", "Hi Bo"), today, channel="linkedin")

    assert rows(db, "select kind, nature, channel from interactions where id = ?", [iid]) == [
        {"kind": kind, "nature": nature, "channel": "linkedin"}]


def test_sending_an_info_interview_request_does_not_schedule_a_thank_you(db, today, bo):
    c.mark_sent(db, (bo, "info_interview", "Hi", "Hi Bo, 20 minutes?"), today)

    assert scalar(db, "select count(*) from followups where reason = 'thank_you'") == 0


def test_mark_sent_completes_the_reminder_it_answers(db, today, bo):
    from core.followups import add_reminder

    fid = add_reminder(db, bo, today, "Congratulate Bo")
    c.mark_sent(db, (bo, "congratulations", "Congrats", "Well done Bo"), today, followup_id=fid)

    assert scalar(db, "select status from followups where id = ?", [fid]) == "done"


def test_an_empty_message_is_not_marked_sent(db, today, bo):
    with pytest.raises(ValidationError, match="empty"):
        c.mark_sent(db, (bo, "check_in", "Hi", "  "), today)
    assert scalar(db, "select count(*) from interactions") == 0


# --- Informational interviews ---------------------------------------------------------------


def test_the_question_bank_covers_the_articles_topics_and_is_personalised():
    bank = c.interview_questions({"company": "Northwind", "role": "Head of Data", "field": "data"})

    assert {"Career path", "Culture", "Skills they value", "The hiring process", "Advice"} <= set(bank)
    assert "How would you describe the culture at Northwind?" in bank["Culture"]
    assert "your company" in c.interview_questions()["Culture"][0]
    assert c.question_sheet("Ana", ["A?", "B?"]) == "Questions for Ana\n1. A?\n2. B?"


def test_logging_an_interview_stores_the_details_and_schedules_the_thank_you(db, today, bo):
    result = c.log_info_interview(db, bo, day=today - timedelta(days=1), channel="video", today=today,
                                  notes="Great chat", details="Has a dog called Miso")

    assert result["thank_you_due"] == today + timedelta(days=1)
    assert rows(db, "select nature, kind, responded, details from interactions") == [
        {"nature": "informational_interview", "kind": "ask", "responded": 1, "details": "Has a dog called Miso"}]
    thanks = c.draft(db, bo, "thank_you", today)
    assert "Miso" not in thanks["body"]  # private: offered beside the message, never pasted in
    assert [s["text"] for s in thanks["suggestions"]] == ["Has a dog called Miso"]


def test_an_interview_by_email_is_refused(db, today, bo):
    with pytest.raises(ValidationError, match="How you met must be one of"):
        c.log_info_interview(db, bo, day=today, channel="email", today=today)
    assert scalar(db, "select count(*) from interactions") == 0
