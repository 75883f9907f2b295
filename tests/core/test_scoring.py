"""The relationship score against SCORING.md §5's worked examples and its rules."""

from datetime import date, timedelta

import pytest

from core.scoring import Touch, band, infer_replies, label, score, score_log

TODAY = date(2026, 11, 27)


def t(age, direction, kind, responded=None, *tags):
    return Touch(TODAY - timedelta(days=age), direction, kind, responded, frozenset(tags))


def ty(age):
    return t(age, "me", "neutral", None, "thank_you")


HEALTHY_MENTOR = [
    t(10, "them", "neutral", True), t(35, "me", "give", True), t(60, "them", "give", True), ty(59),
    t(95, "me", "ask", True), ty(94), t(130, "me", "give", True), t(170, "them", "neutral", True),
    t(210, "me", "give", True), t(250, "me", "ask", True), ty(249), t(300, "them", "neutral", True),
    t(340, "me", "give", True),
]
BRIEF = [ty(40), t(41, "me", "ask", True), t(100, "me", "ask", True), t(160, "me", "give", True),
         t(220, "them", "neutral", True), t(280, "me", "ask", True), ty(279)]
INFO_NO_THANKS = [t(5, "me", "ask", True, "informational_interview"), t(12, "me", "neutral", True)]
TRANSACTIONAL = [t(3, "me", "ask", None), t(310, "me", "ask", True), t(600, "me", "ask", True),
                 t(700, "them", "neutral", True)]
ONE_SIDED = [t(8, "me", "neutral", False), t(22, "me", "neutral", False), t(40, "me", "ask", False),
             t(120, "them", "neutral", True), t(200, "me", "give", True)]


@pytest.mark.parametrize(
    ("touches", "cadence", "low", "high"),
    [
        (HEALTHY_MENTOR, 30, 86, 94),
        (BRIEF, 30, 59, 67),
        ([t(1, "me", "neutral", True)], 90, 86, 94),
        (INFO_NO_THANKS, 90, 65, 73),
        ([*INFO_NO_THANKS, ty(4)], 90, 73, 81),
        (TRANSACTIONAL, 90, 45, 53),
        (ONE_SIDED, 30, 41, 45),
    ],
    ids=["1-healthy-mentor", "2-brief", "3-just-met", "4-info-no-thanks", "4b-thanked", "5-transactional",
         "6-one-sided"],
)
def test_worked_examples_score_within_their_range(touches, cadence, low, high):
    result = score(touches, cadence, TODAY)

    assert low <= result.value <= high


def test_healthy_mentor_is_on_track_with_high_confidence():
    result = score(HEALTHY_MENTOR, 30, TODAY)

    assert (result.status, result.confidence) == ("on_track", "high")


def test_brief_example_explains_overdue_and_the_asks():
    result = score(BRIEF, 30, TODAY)

    assert result.status == "overdue"
    assert result.reason == (
        "Score 63: last touch 40 days ago (cadence 30d, overdue by 10d); "
        "you asked 3× and gave 1× in the last 12 months."
    )


def test_just_met_is_low_confidence_and_shown_with_a_tilde():
    result = score([t(1, "me", "neutral", True)], 90, TODAY)

    assert (result.status, result.confidence, result.display) == ("on_track", "low", "~90")
    assert result.reason.startswith("Score ~90: last touch 1 day ago (cadence 90d, on track)")


def test_missing_thank_you_after_informational_interview_is_named():
    result = score(INFO_NO_THANKS, 90, TODAY)

    assert "thank-you for your informational interview is 3d overdue" in result.reason


def test_a_prompt_thank_you_is_worth_about_eight_points():
    without = score(INFO_NO_THANKS, 90, TODAY).value
    with_thanks = score([*INFO_NO_THANKS, ty(4)], 90, TODAY).value

    assert 6 <= with_thanks - without <= 10


def test_transactional_contact_is_fading_and_says_the_last_touch_was_an_ask():
    result = score(TRANSACTIONAL, 90, TODAY)

    assert result.status == "fading"
    assert "last touch 3 days ago was an ask; last no-ask touch 700d ago" in result.reason


def test_three_unanswered_messages_cap_the_score_at_45():
    result = score(ONE_SIDED, 30, TODAY)

    assert result.value == 45
    assert result.unanswered_run == 3
    assert "your last 3 messages went unanswered — pause and offer value" in result.reason


def test_one_sided_raw_score_would_be_78_without_the_guardrail():
    answered = [*ONE_SIDED[:2], t(40, "me", "ask", True), *ONE_SIDED[3:]]

    assert score(ONE_SIDED[:2] + ONE_SIDED[3:], 30, TODAY).unanswered_run == 2
    assert score(answered, 30, TODAY).value != 45


def test_no_touches_gives_no_score():
    result = score([], 30, TODAY)

    assert (result.value, result.status, result.display) == (None, "not_in_touch", "—")


def test_touches_in_the_future_are_ignored():
    result = score([t(-5, "me", "neutral", True)], 30, TODAY)

    assert result.value is None


def test_only_asks_ever_is_dormant():
    result = score([t(3, "me", "ask", True)], 30, TODAY)

    assert result.status == "dormant"


def test_more_than_three_years_of_silence_is_dormant_even_on_a_long_cadence():
    result = score([t(1100, "me", "neutral", True)], 180, TODAY)

    assert result.status == "dormant"


@pytest.mark.parametrize(("age", "status"), [(20, "on_track"), (25, "due_soon"), (45, "overdue"),
                                             (100, "fading"), (300, "dormant")])
def test_status_follows_the_ratio_of_silence_to_cadence(age, status):
    assert score([t(age, "them", "neutral", True)], 30, TODAY).status == status


def test_recency_halves_at_twice_the_cadence():
    result = score([t(60, "me", "neutral", None)], 30, TODAY)

    assert result.components["R"] == pytest.approx(0.5)


def test_an_unanswered_message_from_them_earns_little_recency_after_two_days():
    fresh = score([t(1, "them", "neutral", False)], 30, TODAY).components["R"]
    stale = score([t(3, "them", "neutral", False)], 30, TODAY).components["R"]

    assert fresh > 0.99
    assert stale == pytest.approx(0.3 / (1 + (3 / 60) ** 2), abs=1e-4)


def test_cadence_must_be_positive():
    with pytest.raises(ValueError, match="cadence_days"):
        score([t(1, "me", "give")], 0, TODAY)


@pytest.mark.parametrize(("value", "name"), [(95, "thriving"), (80, "thriving"), (79, "warm"), (60, "warm"),
                                             (45, "cooling"), (25, "cold"), (5, "dormant"), (None, "none")])
def test_bands(value, name):
    assert band(value) == name


@pytest.mark.parametrize("timeline", [HEALTHY_MENTOR, BRIEF, TRANSACTIONAL, ONE_SIDED],
                         ids=["mentor", "brief", "transactional", "one-sided"])
def test_the_order_touches_are_given_in_changes_nothing(timeline):
    import random

    shuffled = list(timeline)
    random.Random(3).shuffle(shuffled)

    assert score(shuffled, 30, TODAY) == score(list(reversed(timeline)), 30, TODAY)


def test_a_thank_you_the_same_day_as_the_help_counts_in_full():
    same_day = [t(10, "them", "give", True), ty(10)]

    assert score(same_day, 30, TODAY).components["F"] == pytest.approx((0.962 * 1 + 0.5) / (0.962 + 1), abs=1e-3)


def test_a_non_ask_touch_within_a_week_earns_half_thanks():
    late = [t(20, "them", "give", True), t(15, "me", "neutral", True)]
    never = [t(20, "them", "give", True), t(5, "me", "neutral", True)]

    assert score(late, 30, TODAY).components["F"] > score(never, 30, TODAY).components["F"]


# --- SCORING.md §4.8: replies read from the log, one-way ties, conversations, the guardrail, thin evidence ---


def talk(age, direction, kind, responded=None, *tags):
    """A held conversation (a call, a meeting, an informational interview)."""
    return Touch(TODAY - timedelta(days=age), direction, kind, responded, frozenset(tags), True)


def test_example_a_a_cold_email_today_awaits_a_reply_and_is_capped():
    result = score_log([t(0, "me", "neutral")], 90, TODAY)

    assert result.value <= 40
    assert result.status == "awaiting_reply"


def test_example_b_a_cold_email_and_silence_is_one_way():
    result = score_log([t(10, "me", "neutral")], 90, TODAY)

    assert result.value <= 40
    assert result.status == "one_way"
    assert "1 message from you, no reply yet" in result.reason


THREE_CHECK_INS = [t(90, "me", "give", True), t(60, "them", "neutral", True), t(24, "me", "neutral"),
                   t(16, "me", "neutral"), t(8, "me", "neutral")]  # in the order they were logged


def test_example_c_three_unanswered_check_ins_fire_the_guardrail():
    result = score_log(THREE_CHECK_INS, 30, TODAY)

    assert result.value <= 45
    assert (result.status, result.unanswered_run) == ("unanswered", 3)
    assert "unanswered ×3" in result.reason and "pause and offer value" in result.reason


def test_example_d_an_informational_interview_six_days_ago_is_not_dormant():
    result = score_log([talk(6, "me", "ask", None, "informational_interview")], 90, TODAY)

    assert result.status != "dormant"
    assert "thank-you for your informational interview is 4d overdue" in result.reason


def test_example_e_a_chat_at_a_meetup_is_high_but_new():
    result = score_log([talk(1, "me", "neutral")], 90, TODAY)

    assert 86 <= result.value <= 100
    assert result.confidence == "low"
    assert label(result.value, result.status, result.confidence) == "new"


def test_example_f_their_unanswered_messages_keep_it_two_way_and_are_named():
    result = score_log([t(30, "them", "neutral"), t(12, "them", "neutral")], 30, TODAY)

    assert result.status not in ("one_way", "awaiting_reply", "unanswered")
    assert "you haven't replied to their last 2 messages" in result.reason
    assert "was an ask" not in result.reason  # their messages were not asks


def test_example_4_as_a_held_conversation_stays_in_range_and_drops_the_was_an_ask_clause():
    # §5 example 4's first row is a meeting: §4.8.3 makes it the last non-ask touch (d_rel 5 instead of 12),
    # which changes the status sentence, not the score (its recency credit stays 0.6).
    as_logged = [talk(5, "me", "ask", True, "informational_interview"), t(12, "me", "neutral", True)]

    result = score(as_logged, 90, TODAY)

    assert 65 <= result.value <= 73
    assert result.value == score(INFO_NO_THANKS, 90, TODAY).value
    assert result.days_since_real == 5
    assert "was an ask" not in result.reason


def test_one_way_counts_every_message_from_you():
    result = score_log([t(30, "me", "neutral"), t(20, "me", "give"), t(9, "me", "neutral")], 90, TODAY)

    assert result.status == "one_way"
    assert "3 messages from you, no reply yet" in result.reason


def test_an_unknown_direction_touch_alone_is_not_one_way():
    # A LinkedIn connection date is neither outgoing nor two-way (§4.8.2).
    result = score_log([t(10, "unknown", "neutral")], 90, TODAY)

    assert result.status == "on_track"
    assert result.value > 40


def test_a_conversation_counts_as_a_non_ask_touch_for_the_dormant_rule_but_keeps_ask_credit():
    result = score([talk(6, "me", "ask", True)], 90, TODAY)

    assert result.status == "on_track"
    assert result.components["R"] == pytest.approx(0.6 / (1 + (6 / 180) ** 2), abs=1e-4)


def test_the_guardrail_wins_over_one_way():
    result = score_log([t(30, "me", "neutral"), t(20, "me", "neutral"), t(10, "me", "neutral")], 90, TODAY)

    assert result.status == "unanswered"
    assert result.value <= 40
    assert result.newest_unanswered == 10


# infer_replies: the log read in the order it was logged.


def replies(log, today=TODAY):
    return [x.responded for x in infer_replies(log, today)]


def test_an_explicit_reply_mark_always_wins():
    log = [t(20, "me", "neutral", False), t(19, "them", "neutral", False), t(18, "me", "ask", True)]

    assert replies(log) == [False, False, True]


def test_a_reply_the_same_day_counts_only_when_logged_after_the_message():
    mine, theirs = t(10, "me", "neutral"), t(10, "them", "neutral")

    mine_first, theirs_first = replies([mine, theirs]), replies([theirs, mine])

    assert (mine_first[0], mine_first[1]) == (True, False)  # their reply answers yours; nothing of yours follows
    assert (theirs_first[1], theirs_first[0]) == (False, True)  # their note came first: yours answers it


@pytest.mark.parametrize(("gap", "expected"), [(7, True), (8, False)])
def test_an_answer_counts_up_to_seven_days_later(gap, expected):
    log = [t(20, "me", "neutral"), t(20 - gap, "them", "neutral")]

    assert replies(log)[0] is expected


@pytest.mark.parametrize(("age", "expected"), [(0, None), (6, None), (7, False), (30, False)])
def test_a_message_is_pending_for_seven_days_then_unanswered(age, expected):
    assert replies([t(age, "me", "ask")]) == [expected]


def test_an_answer_after_today_is_not_seen():
    log = [t(10, "me", "neutral"), t(5, "them", "neutral")]

    assert replies(log, TODAY - timedelta(days=7)) == [None, None]
    assert replies(log, TODAY - timedelta(days=3)) == [True, None]  # theirs is 2 days old: yours may follow


def test_their_message_is_answered_by_anything_from_you_within_the_window():
    log = [t(20, "them", "ask"), t(15, "me", "give"), t(12, "them", "neutral"), t(9, "them", "neutral")]

    assert replies(log) == [True, None, False, False]  # a give of yours expects no reply


def test_a_conversation_is_two_way_and_an_unknown_direction_stays_unknown():
    log = [talk(30, "me", "ask"), talk(30, "them", "neutral"), t(30, "unknown", "neutral")]

    assert replies(log) == [True, True, None]


def test_infer_replies_keeps_everything_else_and_is_idempotent():
    log = [t(20, "me", "neutral", None, "thank_you"), t(19, "them", "give"), talk(2, "me", "ask")]

    once = infer_replies(log, TODAY)

    assert [(x.day, x.direction, x.kind, x.tags, x.conversation) for x in once] == [
        (x.day, x.direction, x.kind, x.tags, x.conversation) for x in log]
    assert infer_replies(once, TODAY) == once
    assert [x.responded for x in log] == [None, None, None]  # the input is not changed


def test_a_touch_built_positionally_is_a_message():
    assert Touch(TODAY, "me", "ask", None, frozenset()).conversation is False


@pytest.mark.parametrize(("value", "status", "confidence", "word"), [
    (95, "on_track", "low", "new"), (95, "on_track", "medium", "thriving"), (40, "one_way", "low", "new"),
    (52, "overdue", "high", "cooling"), (None, "not_in_touch", "low", "not in touch yet"),
])
def test_the_label_is_new_while_the_evidence_is_thin(value, status, confidence, word):
    assert label(value, status, confidence) == word


def test_a_thank_you_asks_for_no_answer_so_it_is_never_unanswered():
    today = date(2026, 11, 27)
    thanks = [Touch(today - timedelta(days=age), "me", "neutral", None, frozenset({"thank_you"}))
              for age in (30, 20, 10)]
    assert [t.responded for t in infer_replies(thanks, today)] == [None, None, None]
    # Three thank-yous after their help are follow-through, not pestering: no guardrail.
    helped = [Touch(today - timedelta(days=31), "them", "give", True), *thanks]
    assert score_log(helped, 30, today).status != "unanswered"


def test_a_component_exactly_at_its_neutral_prior_is_not_called_below_it():
    log = [t(0, "me", "give", True), t(0, "me", "ask", True), t(0, "me", "ask", True), t(0, "me", "ask", True)]

    s = score(log, 30, TODAY)

    assert s.components["B"] == 0.5
    assert "you gave 1× and asked 3×" in s.reason  # the neutral wording, not "you asked 3× and gave 1×"
