"""Goals: specific networking goals (a segment, a number, a date), their computed progress and who counts."""

from __future__ import annotations

import streamlit as st

from core import goals
from core.vocab import KINDS, NATURE_LABELS, STAGES
from core.words import plural
from pages._ui import attempt, esc, get_db, header, show_flash, today

db = get_db()
day = today()

header("Goals", "Make each goal specific: who, how many, by when. Progress is counted from what you log, "
       "never typed in.")
show_flash()

open_goals = goals.list_goals(db, day, "open")
closed_goals = goals.list_goals(db, day, "closed")
PRIORITY_OPTIONS = list(goals.PRIORITIES)
METRIC_OPTIONS = list(goals.METRICS)
NATURE_OPTIONS = ["", *NATURE_LABELS]
KIND_OPTIONS = ["", *KINDS]
COUNTING_HELP = ("Progress counts only what happens from this day to the due date: touches logged on those "
                 "days, people who reach the stage on those days. It starts on the day you add the goal.")


def segment_fields(prefix: str, values: dict, *, role: bool = True) -> dict:
    """Inputs for the segment: who counts toward the goal (blank means anyone)."""
    out = {}
    first, second = st.columns(2)
    if role:
        out["segment_role"] = first.text_input("Role", value=values.get("segment_role", ""),
                                               key=f"{prefix}_role", placeholder="marketing manager")
    out["segment_industry"] = second.text_input("Industry", value=values.get("segment_industry", ""),
                                                key=f"{prefix}_industry", placeholder="tech")
    return out


def metric_picker(prefix: str, current: str) -> str:
    """What the goal counts. It sits outside the form so the form shows only that metric's inputs."""
    return st.selectbox("What to count", METRIC_OPTIONS, index=METRIC_OPTIONS.index(current),
                        format_func=goals.METRICS.get, key=f"{prefix}_metric",
                        help="People who reached a stage, or touches you logged between the two dates.")


def counted_fields(prefix: str, metric: str, values: dict) -> dict:
    """Inputs for what the metric counts: the stage people reach, or the kind and nature of the touches."""
    if metric == "people_at_stage":
        stage = st.selectbox("Who reach at least", STAGES, index=STAGES.index(values.get("stage") or "conversed"),
                             key=f"{prefix}_stage")
        return {"stage": stage, "interaction_kind": "", "interaction_nature": ""}
    one, two = st.columns(2)
    kind = one.selectbox("Kind of touch", KIND_OPTIONS, index=KIND_OPTIONS.index(values.get("interaction_kind") or ""),
                         key=f"{prefix}_kind", format_func=lambda k: k or "any")
    nature = two.selectbox("Nature of touch", NATURE_OPTIONS,
                           index=NATURE_OPTIONS.index(values.get("interaction_nature") or ""),
                           key=f"{prefix}_nature", format_func=lambda n: NATURE_LABELS.get(n, "any"))
    return {"stage": "", "interaction_kind": kind, "interaction_nature": nature}


def new_goal() -> None:
    preset = st.radio("Kind of goal", list(goals.PRESETS), format_func=goals.PRESETS.get, key="goals_preset")
    d = goals.preset_defaults(preset, day)
    p = f"goals_new_{preset}"
    metric = metric_picker(p, d["metric"]) if preset == "custom" else d["metric"]
    with st.form("goals_new"):
        fields: dict = {"metric": d["metric"], "stage": d["stage"], "interaction_kind": d["interaction_kind"],
                        "interaction_nature": d["interaction_nature"], "start_on": d["start_on"]}
        # Empty until the user types: a grey example number looked filled in, and the first save then failed.
        fields["target"] = st.number_input("How many (required)", min_value=1, max_value=100_000, value=None,
                                           step=1, key=f"{p}_target", placeholder="Type a number")
        if preset == "meet":
            fields |= segment_fields(p, {})
            fields["stage"] = st.selectbox("Who reach at least", STAGES, index=STAGES.index("conversed"),
                                           key=f"{p}_stage")
        elif preset == "info_interviews":
            fields |= segment_fields(p, {}, role=False)
        elif preset == "custom":
            fields["metric"] = metric
            fields |= counted_fields(p, metric, d)
            fields |= segment_fields(p, {})
            fields["segment_tag"] = st.text_input("Tag", key=f"{p}_tag", placeholder="alumni")
        dates = st.columns(3)
        fields["start_on"] = dates[0].date_input("Counting from", value=d["start_on"], key=f"{p}_start",
                                                 format="YYYY-MM-DD", help=COUNTING_HELP)
        fields["due_on"] = dates[1].date_input("By", value=d["due_on"], key=f"{p}_due", format="YYYY-MM-DD")
        fields["revisit_on"] = dates[2].date_input("Look at it again on", value=d["revisit_on"],
                                                   key=f"{p}_revisit", format="YYYY-MM-DD",
                                                   help="On this day the goal comes back onto Today.")
        fields["priority"] = st.radio("Priority", PRIORITY_OPTIONS, index=1, format_func=goals.PRIORITIES.get,
                                      horizontal=True, key=f"{p}_priority")
        fields["title"] = st.text_input("Name it (optional)", key=f"{p}_title",
                                        help="Left blank, the goal is named from its number, segment and date.")
        fields["notes"] = st.text_area("Why this goal (optional)", key=f"{p}_notes", height=80)
        submitted = st.form_submit_button("Add the goal", type="primary", key="goals_new_add")
    if submitted:
        start = fields["start_on"] or day
        attempt(lambda: goals.create_goal(db, today=day, **fields),
                f"Goal added. Its progress counts what you log from {goals.day_text(start)}.")


def edit_form(g: dict) -> None:
    p = f"goals_editing_{g['id']}"
    metric = metric_picker(p, g["metric"])
    if metric != g["metric"]:
        st.caption("Saving switches what this goal counts; what it counted before is cleared.")
    with st.form(p):
        fields: dict = {}
        fields["title"] = st.text_input("Goal", value=g["title"], key=f"{p}_title")
        one, two = st.columns(2)
        fields["target"] = one.number_input("How many", min_value=1, max_value=100_000, value=g["target"], step=1,
                                            key=f"{p}_target")
        fields["priority"] = two.selectbox("Priority", PRIORITY_OPTIONS, index=PRIORITY_OPTIONS.index(g["priority"]),
                                           format_func=goals.PRIORITIES.get, key=f"{p}_priority")
        fields["metric"] = metric
        fields |= counted_fields(p, metric, g)
        fields |= segment_fields(p, g)
        dates = st.columns(3)
        fields["start_on"] = dates[0].date_input("Counting from", value=g["start_on"], key=f"{p}_start",
                                                 format="YYYY-MM-DD", help=COUNTING_HELP)
        fields["due_on"] = dates[1].date_input("By", value=g["due_on"], key=f"{p}_due", format="YYYY-MM-DD")
        fields["revisit_on"] = dates[2].date_input("Look at it again on", value=g["revisit_on"],
                                                   key=f"{p}_revisit", format="YYYY-MM-DD")
        fields["notes"] = st.text_area("Notes", value=g["notes"], key=f"{p}_notes", height=80)
        save, cancel = st.columns(2)
        saved = save.form_submit_button("Save the goal", type="primary", key=f"{p}_save")
        cancelled = cancel.form_submit_button("Cancel", key=f"{p}_cancel")
    if cancelled:
        st.session_state.pop("goals_editing", None)
        st.rerun()
    # update_goal returns None; `or True` tells success (True) from a shown error (None)
    if saved and attempt(lambda: goals.update_goal(db, g["id"], today=day, **fields) or True, rerun=False):
        st.session_state.pop("goals_editing", None)
        st.session_state["_flash"] = f"Saved: {esc(goals.get_goal(db, g['id'])['title'])}."  # a written title may follow
        st.rerun()


def who_counts(g: dict) -> None:
    found = goals.goal_people(db, g)
    label = f"Who counts ({g['progress']['current']})"
    with st.expander(label, icon=":material/group:"):
        if not found["people"]:
            st.caption("Nobody yet. Log touches with people in this segment and they appear here.")
            return
        columns = ["name", "company", "stage"] + (["touches"] if g["metric"] == "interactions" else [])
        st.dataframe([{c: person[c] for c in columns} for person in found["people"]], hide_index=True, width="stretch")
        if found["companies"]:
            st.caption(esc("Companies: " + ", ".join(f"{c['name']} ({c['people']})" for c in found["companies"])))


def due_text(g: dict) -> str:
    left = g["days_left"]
    if left < 0:
        return f"{plural(-left, 'day')} past its due date"
    return "due today" if left == 0 else f"{plural(left, 'day')} left"


def open_goal(g: dict) -> None:
    gid = g["id"]
    with st.container(border=True):
        st.markdown(f"**{esc(g['title'])}**")
        bits = [g["summary"], goals.counting_from(g), f"{goals.PRIORITIES[g['priority']]} priority", due_text(g)]
        if g["revisit_on"]:
            bits.append(f"revisit {g['revisit_on']}" + (" (today's list)" if g["revisit_due"] else ""))
        st.caption(esc(" · ".join(bits)))
        prog = g["progress"]
        st.progress(prog["fraction"], text=f"{prog['current']} / {prog['target']}" + (" · reached" if prog["met"]
                                                                                      else ""))
        if g["notes"]:
            st.text(g["notes"])
        row = st.container(horizontal=True)
        if row.button("Edit", key=f"goals_edit_{gid}", icon=":material/edit:"):
            st.session_state["goals_editing"] = gid
            st.rerun()
        if g["priority"] > 1 and row.button("Raise priority", key=f"goals_up_{gid}", icon=":material/arrow_upward:"):
            attempt(lambda: goals.update_goal(db, gid, today=day, priority=g["priority"] - 1),
                    f"{esc(g['title'])} is now {goals.PRIORITIES[g['priority'] - 1].lower()} priority.")
        if g["priority"] < 3 and row.button("Lower priority", key=f"goals_down_{gid}",
                                            icon=":material/arrow_downward:"):
            attempt(lambda: goals.update_goal(db, gid, today=day, priority=g["priority"] + 1),
                    f"{esc(g['title'])} is now {goals.PRIORITIES[g['priority'] + 1].lower()} priority.")
        if row.button("Close", key=f"goals_close_{gid}", icon=":material/done_all:"):
            attempt(lambda: goals.close_goal(db, gid, day), f"Closed: {esc(g['title'])}.")
        if st.session_state.get("goals_editing") == gid:
            edit_form(g)
        who_counts(g)


def closed_goal(g: dict) -> None:
    gid = g["id"]
    with st.container(border=True):
        st.markdown(f"**{esc(g['title'])}**")
        prog = g["progress"]
        st.caption(esc(f"{g['summary']} · {goals.counting_from(g)} · closed {g['closed_on']} at "
                       f"{prog['current']} / {prog['target']}"))
        row = st.container(horizontal=True)
        if row.button("Reopen", key=f"goals_reopen_{gid}", icon=":material/undo:"):
            attempt(lambda: goals.reopen_goal(db, gid), f"Reopened: {esc(g['title'])}.")
        if row.button("Delete", key=f"goals_delete_{gid}", icon=":material/delete:"):
            attempt(lambda: goals.delete_goal(db, gid), f"Deleted: {esc(g['title'])}.")


with st.expander("Add a goal", icon=":material/add:", expanded=not open_goals):
    new_goal()

open_tab, closed_tab = st.tabs([f"Open ({len(open_goals)})", f"Closed ({len(closed_goals)})"])
with open_tab:
    if not open_goals:
        st.info("No open goals. Add one above: a segment, a number and a date, like *meet 5 marketing "
                "managers in tech who reach 'conversed' by 31 March*.", icon=":material/flag:")
    for g in open_goals:
        open_goal(g)
with closed_tab:
    if not closed_goals:
        st.caption("Closed goals stay here with the progress they reached; reopen one any time.")
    for g in closed_goals:
        closed_goal(g)
