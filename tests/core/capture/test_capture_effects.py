"""After importing a realistic mailbox, the scores, Today and Insights reflect it (SCORING.md §4.8)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import insights
from core import today as today_view
from core.capture.plan import apply_capture, plan_mail
from core.people import add_person
from core.settings import save_profile
from tests.core.capture.support import ME

TODAY = date(2026, 11, 27)  # a Friday


def message(n: int, ago: int, sender: str, to: list[str], subject: str, reply_to: int | None = None,
            extra: str = "") -> str:
    day = TODAY - timedelta(days=ago)
    head = [f"From 18{n:017d}@xxx {day:%a %b %d} 09:{n % 60:02d}:00 +0000 {day:%Y}",
            "X-Gmail-Labels: " + ("Sent" if sender == ME else "Inbox"), f"Date: {day:%a, %d %b %Y} 09:{n % 60:02d}:00 +0000",
            f"From: {sender}", f"To: {', '.join(to)}", f"Message-ID: <msg{n}@mail.example>", f"Subject: {subject}"]
    if reply_to is not None:
        head += [f"In-Reply-To: <msg{reply_to}@mail.example>", f"References: <msg{reply_to}@mail.example>"]
    if extra:
        head.append(extra)
    return "\n".join(head) + "\n\nThe body, which Rapport never reads.\n\n"


@pytest.fixture
def mailbox(tmp_path):
    ana, bob, chloe, dan = "ana@lopez.example", "bob@smith.example", "chloe@dupont.example", "dan@okafor.example"
    found = [
        # Ana: a real back-and-forth, every message of yours answered in the thread.
        message(1, 40, ME, [ana], "Coffee?"), message(2, 38, ana, [ME], "Re: Coffee?", 1),
        message(3, 20, ME, [ana], "Re: Coffee?", 2), message(4, 19, ana, [ME], "Re: Coffee?", 3),
        message(5, 4, ME, [ana], "That article"), message(6, 3, ana, [ME], "Re: That article", 5),
        # Dan: three messages from you, no answer.
        message(7, 30, ME, [dan], "Quick question"), message(8, 20, ME, [dan], "Following up"),
        message(9, 10, ME, [dan], "One more try"),
        # Bob wrote twice; you never answered.
        message(10, 30, bob, [ME], "Hello from Bob"), message(11, 12, bob, [ME], "Still keen to talk"),
        # Chloé: a cold email two days ago.
        message(12, 2, ME, [chloe], "Introduction"),
        # Newsletters and automated mail: none of it counts.
        *[message(20 + i, i, "news@shop.example", [ME], "Deals", extra="List-Unsubscribe: <mailto:u@shop.example>")
          for i in range(10)],
        message(40, 1, "no-reply@jobs.example", [ME], "Jobs for you"),
    ]
    path = tmp_path / "All mail Including Spam and Trash.mbox"
    path.write_text("".join(found))
    return path


@pytest.fixture
def team(db):
    save_profile(db, email=ME)
    return {key: add_person(db, name=name, email=email, tier="core") for key, name, email in [
        ("ana", "Ana Lopez", "ana@lopez.example"), ("bob", "Bob Smith", "bob@smith.example"),
        ("chloe", "Chloé Dupont", "chloe@dupont.example"), ("dan", "Dan Okafor", "dan@okafor.example")]}


def scores(db) -> dict[int, tuple]:
    return {r[0]: r[1:] for r in db.execute("select person_id, score, score_status, score_reason from scores")}


def test_scores_today_and_insights_follow_the_imported_mail(db, team, mailbox):
    before_week = today_view.week_activity(db, TODAY)["touches"]
    before_audit = insights.audit(db, TODAY)
    plan = plan_mail(db, mailbox, TODAY)
    assert plan.skipped == {"newsletter": 10, "no-reply sender": 1}
    apply_capture(db, plan, TODAY)
    s = scores(db)
    # Ana answered in the threads: explicit replies, two-way, not capped.
    answered = db.execute("select responded from interactions where person_id = ? and direction = 'me'",
                          [team["ana"]]).fetchall()
    assert answered == [(1,), (1,), (1,)]
    assert s[team["ana"]][1] not in ("one_way", "unanswered", "awaiting_reply") and s[team["ana"]][0] > 45
    # Dan never answered three messages: the guardrail caps him (unanswered ×3, inferred after 7 days).
    assert s[team["dan"]][1] == "unanswered" and s[team["dan"]][0] <= 45
    assert "unanswered ×3" in s[team["dan"]][2]
    # Chloé's cold email is two days old: awaiting a reply, capped at 40.
    assert s[team["chloe"]][1] == "awaiting_reply" and s[team["chloe"]][0] <= 40
    # Bob wrote twice and heard nothing back: the reason says so.
    assert "you haven't replied to their last 2 messages" in s[team["bob"]][2]
    # Today: this week's touches (Monday 23 Nov on) are the emails of the last days.
    assert today_view.week_activity(db, TODAY)["touches"] == before_week + 3
    # Insights: the audit now sees the messages you started.
    after = insights.audit(db, TODAY)
    assert after["initiated"] > before_audit.get("initiated", 0)
    assert after["initiated"] == db.execute(
        "select count(*) from interactions where direction = 'me' and day >= ?",
        [(TODAY - timedelta(days=after["window"] - 1)).isoformat()]).fetchone()[0]
    # The stages moved: Ana and Bob wrote to you (conversed), Dan and Chloé only heard from you (contacted).
    stages = dict(db.execute("select id, stage from people").fetchall())
    assert [stages[team[k]] for k in ("ana", "bob", "chloe", "dan")] == ["conversed", "conversed", "contacted",
                                                                         "contacted"]
