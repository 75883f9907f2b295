"""A stateful property test that the log is the one truth: whatever a user does, in any order, every view
of Rapport agrees with the log and with itself.

Hypothesis drives core through random sequences of what a user does (add people, log touches of every
kind and direction, mark replies, import a LinkedIn messages file, complete, skip and snooze follow-ups,
merge people, add dates, create goals, let days pass) and checks the invariants after every step.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from core import contacts, followups, goals, interactions, people
from core import today as today_page
from core.db import memory_db, rows, scalar
from core.errors import UserError
from core.relationships import daily_refresh, score_person
from core.settings import save_profile
from core.vocab import CHANNELS, DIRECTIONS, NATURES
from tests.helpers import import_file

START = date(2026, 11, 2)
OWNER = "https://www.linkedin.com/in/pat-seeker-example"
CONTACT_FIELDS = ("email", "phone", "title", "linkedin_url")
NAMES = ("Ana", "Ben", "Leila", "Kwame", "Mei", "Omar", "Zoe")
WRITTEN = ("email", "linkedin", "text", "social")
HEADER = ("CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,"
          "CONTENT,FOLDER,ATTACHMENTS")


class OneTruth(RuleBasedStateMachine):
    people = Bundle("people")

    def __init__(self):
        super().__init__()
        self.db = memory_db()
        self.today = START
        self.serial = 0
        self.merged_away: set[int] = set()
        save_profile(self.db, name="Pat Seeker", linkedin_url=OWNER)
        daily_refresh(self.db, self.today, force=True)

    # --- What a user does --------------------------------------------------------------------------

    @initialize(target=people)
    def first_people(self):
        return multiple(*(self.add_person(name, True, True, "core") for name in ("Leila", "Tomas")))

    @rule(target=people, name=st.sampled_from(NAMES), email=st.booleans(), phone=st.booleans(),
          tier=st.sampled_from(["active", "core", "network", "acquaintance"]))
    def add_person(self, name, email, phone, tier):
        self.serial += 1
        n = self.serial
        return people.add_person(
            self.db, name=f"{name} {n}", today=self.today, tier=tier, title=f"Title {n}",
            email=f"{name.lower()}{n}@example.org" if email else "", phone=f"+44 20 7946 {n:04d}" if phone else "",
            linkedin_url=f"https://www.linkedin.com/in/{name.lower()}-{n}")

    @rule(person=people, days_ago=st.integers(0, 40), channel=st.sampled_from(CHANNELS),
          direction=st.sampled_from(DIRECTIONS), nature=st.sampled_from(["", *NATURES]),
          responded=st.sampled_from([None, None, True, False]))
    def log_touch(self, person, days_ago, channel, direction, nature, responded):
        if self._gone(person):
            return
        interactions.log_interaction(self.db, person, day=self.today - timedelta(days=days_ago), channel=channel,
                                     direction=direction, nature=nature, responded=responded, today=self.today)

    @rule(person=people, replied=st.sampled_from([True, False, None]))
    def mark_reply(self, person, replied):
        if self._gone(person):
            return
        written = rows(self.db, "select id from interactions where person_id = ? and channel in "
                                f"({','.join('?' * len(WRITTEN))}) order by id desc limit 1", [person, *WRITTEN])
        if written:
            interactions.update_interaction(self.db, written[0]["id"], responded=replied, today=self.today)
            assert scalar(self.db, "select responded from interactions where id = ?", [written[0]["id"]]) == (
                None if replied is None else int(replied))

    @rule(data=st.data())
    def import_messages(self, data):
        found = rows(self.db, "select name, linkedin_url from people where linkedin_url != '' order by id")
        if not found:
            return
        lines = [HEADER]
        for k in range(data.draw(st.integers(1, 4))):
            other = data.draw(st.sampled_from(found))
            mine = data.draw(st.booleans())
            when = self.today - timedelta(days=data.draw(st.integers(0, 30)))
            sender = ("Pat Seeker", OWNER) if mine else (other["name"], other["linkedin_url"])
            recipient = (other["name"], other["linkedin_url"]) if mine else ("Pat Seeker", OWNER)
            lines.append(f"c{data.draw(st.integers(1, 3))},,{sender[0]},{sender[1]},{recipient[0]},{recipient[1]},"
                         f"{when.isoformat()} 10:0{k}:00 UTC,,Hello,INBOX,")
        import_file(self.db, "messages", ("\n".join(lines) + "\n").encode(), self.today)

    def _open_followups(self):
        return rows(self.db, "select f.id, f.due, f.reason from followups f join people p on p.id = f.person_id "
                             "where f.status = 'open' and p.archived_at is null order by f.id")

    @precondition(lambda self: scalar(self.db, "select count(*) from followups where status = 'open'") > 0)
    @rule(data=st.data(), how=st.sampled_from(["done", "done_by_text", "skip"]))
    def close_followup(self, data, how):
        open_ = self._open_followups()
        if not open_:
            return
        item = data.draw(st.sampled_from(open_))
        before = scalar(self.db, "select count(*) from interactions")
        if how == "skip":
            followups.skip(self.db, item["id"], self.today)
            assert scalar(self.db, "select count(*) from interactions") == before  # a skip records nothing
        else:
            touch = interactions.complete_followup(self.db, item["id"], self.today,
                                                   channel="text" if how == "done_by_text" else None)
            if item["reason"] in followups.DONE_NATURES:
                assert touch is not None and scalar(self.db, "select count(*) from interactions") == before + 1

    @precondition(lambda self: scalar(self.db, "select count(*) from followups where status = 'open'") > 0)
    @rule(data=st.data(), days=st.sampled_from(list(followups.SNOOZES.values())))
    def snooze(self, data, days):
        open_ = self._open_followups()
        if not open_:
            return
        item = data.draw(st.sampled_from(open_))
        new_due = followups.snooze(self.db, item["id"], days, self.today)
        assert new_due.isoformat() > item["due"] and new_due > self.today  # never earlier, always later

    def _gone(self, *ids):
        return any(i in self.merged_away for i in ids)

    @rule(keep=people, drop=people)
    def merge(self, keep, drop):
        if keep == drop or self._gone(keep, drop):
            return
        values = contacts.primary_values(self.db, drop)
        values = {f: values[f] for f in CONTACT_FIELDS if values[f]}
        values.update((a["field"], a["value"]) for a in contacts.list_alternates(self.db, drop)
                      if a["field"] in CONTACT_FIELDS)
        touches = scalar(self.db, "select count(*) from interactions where person_id in (?, ?)", [keep, drop])
        people.merge_people(self.db, keep, drop, today=self.today)
        self.merged_away.add(drop)
        kept = contacts.primary_values(self.db, keep)
        alternates = {(a["field"], a["value"].lower()) for a in contacts.list_alternates(self.db, keep)}
        for field, value in values.items():  # a merge keeps every contact value
            assert contacts.same_value(field, kept[field], value) or (field, value.lower()) in alternates or any(
                f == field and contacts.same_value(field, v, value) for f, v in alternates), (field, value)
        assert scalar(self.db, "select count(*) from interactions where person_id = ?", [keep]) == touches

    @rule(person=people, label=st.sampled_from(["birthday", "work_anniversary", "success"]),
          offset=st.integers(-10, 70))
    def add_date(self, person, label, offset):
        if self._gone(person):
            return
        when = self.today + timedelta(days=offset)
        try:
            people.add_date(self.db, person, label=label, month=when.month, day=when.day, today=self.today)
        except UserError:
            return  # the same date twice

    @rule(kind=st.sampled_from(["give", "ask", "neutral"]), count=st.integers(1, 5))
    def create_goal(self, kind, count):
        goals.add_goal(self.db, today=self.today, title=f"{count} {kind} touches", metric="interactions",
                       target=count, interaction_kind=kind, due_on=self.today + timedelta(days=60))

    @rule(days=st.integers(1, 12))
    def let_days_pass(self, days):
        self.today += timedelta(days=days)
        daily_refresh(self.db, self.today)

    # --- What must always hold ---------------------------------------------------------------------

    @invariant()
    def every_thanked_victory_has_its_thank_you(self):
        for win in today_page.victories(self.db, self.today):
            if win["kind"] == "thanks":
                assert scalar(self.db, "select count(*) from interactions where person_id = ? and day = ? and "
                                       "direction = 'me' and (nature = 'thank_you' or tags like '%thank_you%')",
                              [win["person_id"], win["day"]]), win

    @invariant()
    def every_completed_follow_up_has_its_touch(self):
        for f in rows(self.db, "select f.id, f.person_id, f.reason, f.done_interaction_id, i.person_id as toucher "
                               "from followups f left join interactions i on i.id = f.done_interaction_id "
                               "where f.status = 'done' and f.person_id is not null"):
            if f["reason"] in followups.DONE_NATURES:
                assert f["toucher"] == f["person_id"], f

    @invariant()
    def today_and_the_board_agree_on_what_is_overdue(self):
        board = followups.board_columns(self.db, self.today, limit=10**6)
        now = followups.due_now(self.db, self.today, limit=10**6)
        assert now["overdue"] == board["overdue"]["total"] == len(board["overdue"]["items"])
        assert now["today"] == board["today"]["total"]
        shown = {i["id"] for i in followups.thank_you_window(self.db, self.today)} | {i["id"] for i in now["items"]}
        overdue_on_today = {i for i in shown if followups.get_followup(self.db, i, self.today)["due"]
                            < self.today.isoformat()}
        assert overdue_on_today == {i["id"] for i in board["overdue"]["items"]}

    @invariant()
    def no_person_has_two_open_follow_ups_for_one_reason(self):
        assert rows(self.db, "select person_id, reason, coalesce(date_id, 0) as d, count(*) as n from followups "
                             "where status = 'open' and reason != 'custom' group by 1, 2, 3 having n > 1") == []

    @invariant()
    def the_stored_score_is_the_score_of_the_log(self):
        for person in rows(self.db, "select p.*, s.score, s.score_status, s.score_reason from people p "
                                    "join scores s on s.person_id = p.id"):
            recomputed = score_person(self.db, person, self.today)
            assert (person["score"], person["score_status"], person["score_reason"]) == (
                recomputed.value, recomputed.status, recomputed.reason), person["name"]

    @invariant()
    def goals_count_only_from_their_start(self):
        for goal in goals.list_goals(self.db, self.today):
            expected = scalar(self.db, "select count(*) from interactions where kind = ? and day between ? and ?",
                              [goal["interaction_kind"], goal["start_on"], goal["due_on"]])
            assert goals.progress(self.db, goal, with_people=False)["current"] == expected
            assert goal["start_on"] >= START.isoformat()


OneTruth.TestCase.settings = settings(max_examples=int(os.environ.get("RAPPORT_MACHINE_EXAMPLES", "60")), stateful_step_count=40, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow])
TestOneTruth = OneTruth.TestCase
