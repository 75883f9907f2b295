"""The composer's opportunity purposes: a referral ask checked against the relationship (a give-first draft and
a warmer path instead of a block), and the interview thank-you with the role written in."""

from __future__ import annotations

from core import opportunities, people
from core.composer import ASK_PURPOSES, PURPOSES, draft
from core.composer.referrals import opportunity_draft, referral_ask
from tests.helpers import warm_and_cold_at_globex


def test_the_two_purposes_exist_and_a_referral_ask_is_an_ask():
    assert PURPOSES["referral_ask"]["label"] == "Ask for a referral"
    assert PURPOSES["interview_thank_you"]["nature"] == "thank_you"
    assert "referral_ask" in ASK_PURPOSES and "interview_thank_you" not in ASK_PURPOSES


def test_a_referral_ask_to_a_one_way_relationship_is_redirected_to_give_first(db, today):
    oid, _, cold = warm_and_cold_at_globex(db, today, link="https://globex.example.com/jobs/7")

    result = referral_ask(db, cold, today, oid)

    assert result["redirected"]
    assert result["give_first"]["purpose"] == "share_resource"
    assert [p["name"] for p in result["check"]["warmer"]] == ["Wanda Warm"]
    # Never blocked: the ask is still written, with the role and the link in it.
    assert "Analytics Engineer role at Globex (https://globex.example.com/jobs/7)" in result["ask"]["body"]
    assert "[the role]" not in result["ask"]["body"] + result["ask"]["subject"]


def test_a_referral_ask_to_a_warm_relationship_goes_straight_to_the_ask(db, today):
    oid, warm, _ = warm_and_cold_at_globex(db, today, link="https://globex.example.com/jobs/7")
    result = referral_ask(db, warm, today, oid)
    assert not result["redirected"] and result["give_first"] is None
    assert result["ask"]["subject"] == "The Analytics Engineer role at Globex"


def test_the_interview_thank_you_names_the_role_and_without_an_opportunity_keeps_a_gap(db, today):
    oid, warm, _ = warm_and_cold_at_globex(db, today, link="https://globex.example.com/jobs/7")
    written = opportunity_draft(db, warm, "interview_thank_you", today, oid)
    assert "about the Analytics Engineer role" in written["body"]
    bare = draft(db, warm, "interview_thank_you", today)
    assert "[the role]" in bare["gaps"]


def test_an_opportunity_without_a_link_leaves_no_empty_brackets(db, today):
    oid = opportunities.add_opportunity(db, today=today, title="Data Lead", company="Initech")
    pid = people.add_person(db, name="Ana", company="Initech")
    written = opportunity_draft(db, pid, "referral_ask", today, oid)
    assert "[link to the posting]" not in written["body"] and "Data Lead role at Initech, and" in written["body"]
