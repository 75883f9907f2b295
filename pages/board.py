"""The follow-up board: what is due (overdue, today, this week, later), a calendar of it, and the stage ladder."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from core import followups, interactions, people
from core.db import data_version
from core.errors import NotFound
from core.today import stage_moves
from core.vocab import STAGES
from core.words import plural
from pages._calendar import followup_calendar, legend
from pages._ui import attempt, esc, followup_actions, get_db, header, open_person, person_link, show_flash, today

COLUMNS = {"overdue": "Overdue", "today": "Today", "week": "This week", "later": "Later"}
VIEWS = ["Board", "Calendar", "Stage ladder"]
PAGE_SIZE = 10  # cards per column before "show more": hundreds of buttons slow every rerun
MAX_CARDS = 50  # a column never renders more; the rest wait behind its count
LADDER_NAMES = 15

db = get_db()
day = today()

header("Follow-ups", "Everything you promised yourself to do, by when: mark it done, snooze it, or write the "
       "message now. Nothing here is lost when you look away.")
show_flash()


def due_text(days_left: int) -> str:
    if days_left < 0:
        return f"{plural(-days_left, 'day')} overdue"
    if days_left == 0:
        return "due today"
    return f"due in {plural(days_left, 'day')}"


def card(item: dict) -> None:
    with st.container(border=True):
        st.markdown(f"**{esc(item['title'])}**")
        bits = [item["reason_label"], due_text(item["days_left"])]
        if item.get("window_left_hours") is not None and item["days_left"] >= 0:
            bits.append(f"{item['window_left_hours']} h left in the 48-hour window")
        if item["company"]:
            bits.append(item["company"])
        st.caption(esc(" · ".join(bits)))
        if item["person_id"]:
            person_link(item["person_id"], item["person"] or "Open person")
        followup_actions(db, item, day, "board", button_type="tertiary")


def board_view() -> None:
    columns = followups.board_columns(db, day, limit=MAX_CARDS)
    if not any(c["total"] for c in columns.values()):
        st.info("Nothing is due. Log a conversation on a person's page (its thank-you lands here), "
                "add people to your targets, or add a reminder below.", icon=":material/task_alt:")
        return
    for column, key in zip(st.columns(4), COLUMNS, strict=True):
        items, total = interactions.with_default_channels(db, columns[key]["items"]), columns[key]["total"]
        with column:
            st.subheader(f"{COLUMNS[key]} ({total:,})")
            shown_key = f"board_shown_{key}"
            shown = st.session_state.get(shown_key, PAGE_SIZE)
            if not items:
                st.caption("Nothing here.")
            for item in items[:shown]:
                card(item)
            if len(items) > shown:
                if st.button(f"Show {min(PAGE_SIZE, len(items) - shown)} more", key=f"board_more_{key}"):
                    st.session_state[shown_key] = shown + PAGE_SIZE
                    st.rerun()
            elif total > len(items[:shown]):
                st.caption(f"{total - len(items[:shown]):,} more: clear these first, or snooze what can wait.")


@st.cache_data(max_entries=4, show_spinner=False)
def calendar_items(version: str, day_iso: str) -> list[dict]:
    """The calendar's follow-ups, read again only when something is written (version) or the day turns:
    at 30,000 people the feed is up to 1,000 rows, which every rerun of this view would otherwise read."""
    return followups.calendar_feed(get_db(), date.fromisoformat(day_iso))


def calendar_view() -> None:
    items = calendar_items(data_version(db), day.isoformat())
    st.caption("Every open follow-up and date, overdue ones in red. Click one to open its person; click a day "
               "to add a reminder for it.")
    legend()
    click = followup_calendar(items, day, key="board_calendar")
    if not items:
        st.info("Nothing is scheduled yet. Follow-ups appear here as you log conversations and add dates.",
                icon=":material/calendar_month:")
    if click and click.followup_id is not None:
        try:
            item = followups.get_followup(db, click.followup_id, day)
        except NotFound as e:
            st.error(str(e))
            return
        if item["person_id"]:
            open_person(item["person_id"])
        st.info(f"{esc(item['title'])}: a reminder about no one in particular.")
    elif click and click.day is not None:
        st.session_state["board_reminder_due"] = click.day
        st.session_state["board_reminder_open"] = True


def ladder_view() -> None:
    counts = people.stage_counts(db)
    if not sum(counts.values()):
        st.info("Nobody on the ladder yet. Add people on **Targets** or import your LinkedIn connections on "
                "**Your data**; each one starts as a stranger.", icon=":material/stairs:")
        if st.button("Add people", key="board_add_people"):
            st.switch_page("pages/targets.py")
        return
    st.caption("Strangers become connections one touch at a time: reaching out makes them *contacted*, a real "
               "conversation *conversed*; connected and ally are yours to set on their page.")
    ladder = people.stage_ladder(db, limit_per_stage=LADDER_NAMES)
    for column, stage in zip(st.columns(len(STAGES)), STAGES, strict=True):
        with column:
            st.metric(stage.capitalize(), f"{counts[stage]:,}")
            for person in ladder[stage]:
                person_link(person["id"], person["name"])
            if counts[stage] > len(ladder[stage]):
                st.caption(f"and {counts[stage] - len(ladder[stage]):,} more on Targets (filter by stage).")
    moves = stage_moves(db, day - timedelta(days=30), limit=20)
    st.subheader("Moved up in the last 30 days")
    if not moves:
        st.caption("No one moved up this month yet. A message or a conversation is all it takes.")
    for move in moves:
        st.markdown(esc(f"{move['day']}: {move['name']} went from {move['from_stage']} to {move['to_stage']}"))


def reminder_form() -> None:
    with st.expander("Add a reminder", icon=":material/add_alert:",
                     expanded=st.session_state.get("board_reminder_open", False)):
        search = st.text_input("Find the person (optional)", key="board_reminder_search",
                               placeholder="Type part of a name to narrow the list")
        found, total = followups.reminder_people(db, search, limit=100)
        options = {0: "Nobody in particular"} | {
            p["id"]: f"{p['name']} — {p['company']}" if p["company"] else p["name"] for p in found}
        if total > len(found):
            st.caption(f"Showing {len(found)} of {total:,} people; type more of the name to find someone else.")
        st.session_state.setdefault("board_reminder_due", day + timedelta(days=1))
        with st.form("board_reminder"):
            who = st.selectbox("About", list(options), format_func=options.get, key="board_reminder_person")
            due = st.date_input("Due", key="board_reminder_due", format="YYYY-MM-DD")
            title = st.text_input("Reminder", key="board_reminder_title",
                                  placeholder="Send Ana the article on dbt tests")
            submitted = st.form_submit_button("Add the reminder", key="board_reminder_add")
        if submitted and attempt(lambda: followups.add_reminder(db, who or None, due, title), rerun=False):
            for key in ("board_reminder_title", "board_reminder_due", "board_reminder_open"):
                st.session_state.pop(key, None)
            st.session_state["_flash"] = f"Reminder added for {due:%a %d %b}."
            st.rerun()


view = st.radio("View", VIEWS, horizontal=True, key="board_view", label_visibility="collapsed")
if view == "Board":
    board_view()
elif view == "Calendar":
    calendar_view()
else:
    ladder_view()
st.divider()
reminder_form()
