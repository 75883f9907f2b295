"""Today: the thank-yous to send, what is due, the dates coming, goals to revisit, the week so far, and wins."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core import goals
from core import today as daily
from core.demo import generate_demo
from core.settings import describe_budget, profile_prompt_due, save_first_run_profile, skip_profile_prompt
from core.words import plural
from pages._ui import attempt, esc, followup_actions, person_link, start_page

SHOWN = 10  # rows per section: Today is a short list, the board holds the rest

db, day = start_page("Today", "What to do today to keep your network warm: thank people, follow up, mark the "
                     "dates, and notice what went well.")


def first_run() -> None:
    st.subheader("Welcome to Rapport")
    st.markdown("Nobody is in your network here yet. Start with one of these; each takes a click.")
    demo, linkedin, goal, person = st.columns(4)
    with demo.container(border=True):
        st.markdown("**Look around first**")
        st.caption("Fill the app with a made-up job search, three months in. Start a new file for your own data.")
        if st.button("Load the demo data", key="today_demo", type="primary", icon=":material/science:"):
            attempt(lambda: generate_demo(db, day), "The demo is loaded: this is what a job search three "
                                                    "months in looks like.")
    with linkedin.container(border=True):
        st.markdown("**Bring your network**")
        st.caption("Import LinkedIn's Connections.csv (or a vCard or CSV file) on Your data.")
        if st.button("Import LinkedIn connections", key="today_import", icon=":material/upload:"):
            st.switch_page("pages/data.py")
    with goal.container(border=True):
        st.markdown("**Know what you want**")
        existing = goals.list_goals(db, day)
        if existing:
            st.caption(f"✓ {plural(len(existing), 'goal')} set. Next, the people who can "
                       "help you reach it.")
        else:
            st.caption("A specific goal: a segment, a number and a date, like 5 marketing managers in tech by "
                       "March.")
        if st.button("Add another goal" if existing else "Add a goal", key="today_goal", icon=":material/flag:"):
            st.switch_page("pages/goals.py")
    with person.container(border=True):
        st.markdown("**Start with one person**")
        st.caption("Someone you met, or someone you want to meet.")
        if st.button("Add a person", key="today_person", icon=":material/person_add:"):
            st.switch_page("pages/targets.py")
    if profile_prompt_due(db):
        profile_panel()


def profile_panel() -> None:
    """Who is writing: the drafts sign with the name and introduce the user with the rest (Settings has all)."""
    with st.container(border=True):
        st.markdown("**About you**")
        st.caption("The messages Rapport drafts sign with your name and introduce you with your pitch, what you "
                   "can offer and your website. Only the name is needed now; Settings has the rest.")
        with st.form("today_profile"):
            name = st.text_input("Your name", key="today_profile_name")
            # Examples in the help, not as placeholders: grey text in a box looks filled in when it is not.
            pitch = st.text_area("Elevator pitch", key="today_profile_pitch", height=68,
                                 help="Who you are and what you look for, e.g. \"Data analyst moving into analytics "
                                      "engineering.\"")
            offer = st.text_area("What you can offer others (value proposition)", key="today_profile_offer",
                                 height=68, help="E.g. \"I can help teams ship dashboards people trust.\"")
            website = st.text_input("Your website", key="today_profile_website",
                                    help="A portfolio or personal page; it signs every draft.")
            save, skip = st.columns(2)
            saved = save.form_submit_button("Save", type="primary", icon=":material/check:")
            skipped = skip.form_submit_button("Skip for now")
    if saved:
        attempt(lambda: save_first_run_profile(db, name, pitch, offer, website),
                f"Saved: your drafts now sign with {esc(name.strip())}.")
    elif skipped:
        attempt(lambda: skip_profile_prompt(db), "Skipped: your profile is in Settings whenever you want it.")


def when(item: dict) -> str:
    left = item["days_left"]
    if left < 0:
        return f"{plural(-left, 'day')} overdue"
    if left == 0:
        return "due today"
    if left == 1:
        return "due tomorrow"
    return f"in {plural(left, 'day')} ({item['due']})"


def actions(item: dict, section: str, done_label: str = "Done") -> None:
    """The row of actions for one follow-up: done, snooze, compose, open the person."""
    row = followup_actions(db, item, day, f"today_{section}", done_label=done_label)
    if item["person_id"]:
        with row:
            person_link(item["person_id"], item["person"] or "Open person")


def followup_rows(items: list[dict], section: str, empty: str, describe, done_label: str = "Done",
                  total: int | None = None) -> None:
    if not items:
        st.caption(empty)
        return
    for item in items[:SHOWN]:
        with st.container(border=True):
            st.markdown(f"**{esc(item['title'])}**")
            st.caption(esc(describe(item)))
            actions(item, section, done_label)
    hidden = (len(items) if total is None else total) - len(items[:SHOWN])
    if hidden > 0:
        st.page_link("pages/board.py", label=f"{hidden:,} more on the follow-up board", icon=":material/checklist:")


def thank_you_text(item: dict) -> str:
    hours = item.get("window_left_hours")
    parts = [item["reason_label"], when(item)]
    if hours:
        parts.append(f"{hours} hours left in the 48-hour window")
    elif hours == 0:
        parts.append("the 48-hour window has passed, but late thanks beat none")
    return " · ".join(parts)


def due_text(item: dict) -> str:
    bits = [item["reason_label"], when(item)]
    if item["company"]:
        bits.append(item["company"])
    if item.get("score_reason") and item["reason"] == "check_in":
        bits.append(item["score_reason"])
    return " · ".join(bits)


def week_panel() -> None:
    week = daily.week_activity(db, day)
    st.subheader("This week")
    touches, minutes = st.columns(2)
    touches.metric("Touches", week["touches"], help="Everything logged since Monday.")
    minutes.metric("Time", describe_budget(week["minutes"]), help="Minutes logged since Monday.")
    budget = describe_budget(week["budget"])
    label = (f"Your {budget} budget is met: well done. Anything more is a bonus." if week["met"] else
             f"{describe_budget(week['left'])} of your {budget} budget left ({plural(week['days_left'], 'day')} to go).")
    st.progress(week["fraction"], text=label)
    st.caption("Change the weekly budget on Settings.")


def section(title: str, items: list[dict], empty: str) -> list[dict]:
    """A panel's heading, with the caption saying why it is empty when it is; returns its items."""
    st.subheader(title)
    if not items:
        st.caption(empty)
    return items


def goal_card(g: dict) -> None:
    """A goal due a look: its progress, why it is here, and marking it revisited."""
    with st.container(border=True):
        st.markdown(f"**{esc(g['title'])}**")
        p = g["progress"]
        st.progress(p["fraction"], text=f"{p['current']} of {p['target']}")
        why = f"past its due date ({g['due_on']})" if g["days_left"] < 0 else f"revisit date {g['revisit_on']}"
        st.caption(esc(f"{g['summary']} · {why}"))
        row = st.container(horizontal=True)
        if row.button("Revisited: next look in 2 weeks", key=f"today_goal_revisited_{g['id']}",
                      icon=":material/event_repeat:"):
            attempt(lambda gid=g["id"]: goals.mark_revisited(db, gid, day + timedelta(days=goals.REVISIT_DAYS)),
                    f"Goal revisited: {esc(g['title'])}.")
        row.page_link("pages/goals.py", label="Edit on Goals", icon=":material/flag:")


def goals_panel() -> None:
    for g in section("Goals to revisit", goals.revisit_due(db, day),
                     "No goal needs a look today. Set a revisit date on Goals and it comes back here.")[:SHOWN]:
        goal_card(g)


VICTORY_ICONS = {"conversation": "💬", "stage": "⬆️", "give": "🎁", "thanks": "🙏"}


def victories_panel() -> None:
    for w in section("Small victories this week", daily.victories(db, day),
                     "None yet this week. One message to someone you have not spoken to in a while is a win."):
        st.markdown(f"{VICTORY_ICONS[w['kind']]} {esc(w['text'])} · {esc(w['day'])}")


if daily.is_first_run(db):
    first_run()
    st.stop()

lists = daily.follow_up_lists(db, day, SHOWN)  # the board's Overdue and Today totals, counted alike

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(f"Thank-yous to send ({lists['thanks_total']:,})")
    followup_rows(lists["thanks"], "thanks", "No thank-you is waiting. Log a conversation and its thank-you appears "
                  "here, due within 48 hours.", thank_you_text, done_label="Sent", total=lists["thanks_total"])
    st.subheader(f"Overdue ({lists['overdue']:,}) and due today ({lists['due_today']:,})")
    n_thanks = lists["due_thanks"]
    if n_thanks:
        st.caption(f"{n_thanks:,} of these {'is a thank-you' if n_thanks == 1 else 'are thank-yous'}, listed above.")
    followup_rows(lists["due"], "due", f"Nothing {'else ' if n_thanks else ''}overdue or due today. The week ahead "
                  "is on the follow-up board.", due_text, total=lists["due_others"])
    st.subheader(f"Dates in the next two weeks ({len(lists['dates'])})")
    followup_rows(lists["dates"], "dates", "No birthdays, anniversaries or successes in the next two weeks. Add "
                  "dates on a person's page.", due_text)
with right:
    week_panel()
    goals_panel()
    victories_panel()
