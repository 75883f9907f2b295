"""Re-import adds nothing: an export imported twice, or two overlapping exports, give the database one gives."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.capture.plan import apply_capture, plan_mail
from core.db import memory_db
from core.people import add_person
from tests.core.capture.support import ME

TODAY = date(2026, 11, 27)
PEOPLE = ["ana@lopez.example", "bob@smith.example", "chloe@dupont.example"]
STRANGER = "zoe@martin.example"

# One message: (days before today, sender index: -1 me, else PEOPLE/STRANGER, recipient indexes, answers an
# earlier message?, list mail?)
message = st.tuples(st.integers(0, 60), st.integers(-1, 3), st.lists(st.integers(0, 3), min_size=1, max_size=3),
                    st.booleans(), st.booleans())


def address(i: int) -> str:
    return ME if i == -1 else [*PEOPLE, STRANGER][i]


def mbox(messages: list[tuple]) -> bytes:
    """An mbox of the messages, in the order given; message i's id is <m{i}@x>."""
    out = []
    for i, (uid, ago, sender, to, parent, bulk) in enumerate(messages):
        day = TODAY - timedelta(days=ago)
        stamp = f"{day:%a, %d %b %Y} 10:{i % 60:02d}:00 +0000"
        recipients = [ME] if sender != -1 else [address(r) for r in to]
        lines = [f"From {uid}@xxx {day:%a %b %d} 10:00:00 +0000 {day:%Y}", f"From: {address(sender)}",
                 f"To: {', '.join(recipients)}", f"Date: {stamp}", f"Message-ID: <m{uid}@x>", "Subject: hello"]
        if parent is not None:
            lines.append(f"In-Reply-To: <m{parent}@x>")
        if bulk:
            lines.append("List-Id: <list.x>")
        out.append("\n".join(lines) + "\n\nbody\n\n")
    return "".join(out).encode()


def ordered(raw: list[tuple]) -> list[tuple]:
    """Oldest first (an export is a window of time); a reply points at an earlier message."""
    raw = sorted(raw, key=lambda m: -m[0])
    found = []
    for uid, (ago, sender, to, answers, bulk) in enumerate(raw):
        parent = uid - 1 if answers and uid else None
        found.append((uid, ago, sender, to, parent, bulk))
    return found


def state(db) -> dict:
    return {
        "touches": db.execute("select person_id, day, channel, direction, kind, responded, source, source_uid "
                              "from interactions order by source_uid").fetchall(),
        "people": db.execute("select p.id, p.stage, s.score, s.score_status, s.score_reason, s.last_touch_on "
                             "from people p left join scores s on s.person_id = p.id order by p.id").fetchall(),
        # Where each person ended on the ladder. (stage_changes, the journal of moves, is left out: two imports
        # can move someone stranger → contacted → conversed where one import moves them straight up.)
        "reached": db.execute("select person_id, to_stage from stage_changes s where id = (select max(id) from "
                              "stage_changes where person_id = s.person_id) order by 1").fetchall(),
        # Follow-ups as they stand. A check-in an earlier part opened and the guardrail then closed (three
        # messages unanswered by the second part) stays as skipped history, like the stage journal: left out.
        "followups": db.execute("select person_id, reason, due, status from followups where not (reason = "
                                "'check_in' and status = 'skipped') order by 1, 2, 3").fetchall(),
    }


def fresh():
    db = memory_db()
    for i, email in enumerate(PEOPLE):
        add_person(db, name=f"Person {i}", email=email)
    return db


def load(db, data: bytes, tmp) -> None:
    path = tmp / "export.mbox"
    path.write_bytes(data)
    apply_capture(db, plan_mail(db, path, TODAY, my_addresses=[ME]), TODAY)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.lists(message, min_size=1, max_size=14), cut=st.data())
def test_two_overlapping_exports_give_the_same_database_as_one(tmp_path, raw, cut):
    messages = ordered(raw)
    start = cut.draw(st.integers(0, len(messages)), label="second export starts")
    end = cut.draw(st.integers(start, len(messages)), label="first export ends")
    whole = fresh()
    load(whole, mbox(messages), tmp_path)
    expected = state(whole)
    load(whole, mbox(messages), tmp_path)  # the same file again
    assert state(whole) == expected
    parts = fresh()
    load(parts, mbox(messages[:end]), tmp_path)
    load(parts, mbox(messages[start:]), tmp_path)
    assert state(parts) == expected


def test_a_check_in_the_first_part_opened_and_the_guardrail_closed_is_history_not_a_difference(tmp_path):
    # Three messages to Ana a week ago, unanswered, then four from Bob today. One export never opens a check-in
    # with Ana (the guardrail pauses it at once); a first part holding one message opens one, and the second
    # part's three unanswered messages close it as skipped.
    messages = ordered([(0, 1, [0], False, False)] * 4 + [(7, -1, [0], False, False)] * 3)
    whole, parts = fresh(), fresh()
    load(whole, mbox(messages), tmp_path)
    load(parts, mbox(messages[:1]), tmp_path)
    load(parts, mbox(messages), tmp_path)

    assert state(parts) == state(whole)
    assert parts.execute("select status from followups where person_id = 1").fetchall() == [("skipped",)]
