"""A person's page: their score and why, the timeline, dates, follow-ups, and logging a touch in seconds."""

from __future__ import annotations

import calendar

import streamlit as st

from core import contacts, followups, insights, interactions, people, relationships
from core.errors import NotFound
from core.scoring import STATUS_LABELS
from core.vocab import (
    CHANNEL_LABELS,
    CHANNELS,
    DATE_LABELS,
    DIRECTIONS,
    HOW_MET,
    KINDS,
    NATURE_LABELS,
    NATURES,
    SENIORITIES,
    STAGES,
    TIERS,
    takes_reply_mark,
)
from core.words import plural
from pages._ui import (
    attempt,
    confirmed,
    esc,
    followup_actions,
    get_db,
    header,
    open_person,
    score_label,
    show_flash,
    today,
)

PURPOSES = {
    "introduction": "Introduce myself", "info_interview": "Ask for an informational interview",
    "thank_you": "Say thank you", "check_in": "Check in", "congratulations": "Congratulate them",
    "share_resource": "Share a resource", "event_followup": "Follow up after an event",
    "double_intro": "Introduce them to someone",
}
QUICK_TOUCHES = {  # button label -> (channel, who started it)
    "Met today": ("in_person", "unknown"),
    "Emailed": ("email", "me"),
    "Called": ("phone", "me"),
}
KIND_LABELS = {"give": "Give (I offered something)", "ask": "Ask (I asked for something)", "neutral": "Neutral"}
DIRECTION_LABELS = {"me": "I did", "them": "They did", "unknown": "Not sure"}
REPLIED = {"unknown": None, "yes": True, "no": False}
REPLY_WORDS = {"them": {True: "you replied", False: "you didn't reply"}}  # by who wrote; else THEIR_REPLY
THEIR_REPLY = {True: "they replied", False: "no reply"}
REPLY_MARKS = {  # by who wrote: the buttons that say whether the other side answered
    "me": {"They replied": True, "No reply": False, "Not sure": None},
    "them": {"I replied": True, "I didn't reply": False, "Not sure": None},
}
DATE_LABEL_NAMES = {"birthday": "Birthday", "work_anniversary": "Work anniversary", "success": "A success",
                    "other": "Other"}


def _blank(value: str) -> str:
    return value.replace("_", " ") if value else "—"


db = get_db()


def load_person() -> dict | None:
    raw = st.query_params.get("id", "")
    try:
        return people.get_person(db, int(raw))
    except (ValueError, NotFound):
        return None


person = load_person()
if person is None:
    header("Person", "One person's relationship with you: score, timeline, dates and what to do next.")
    st.error("There is no such person: the link is missing its id, or they were merged or deleted.",
             icon=":material/person_off:")
    st.page_link("pages/targets.py", label="Back to Targets", icon=":material/groups:")
    st.stop()

pid = person["id"]
where = " at ".join(x for x in (person["title"], person["company"]) if x)
header(esc(person["name"]), esc(where) if where else "One person's relationship with you.")
show_flash()
if person["archived_at"]:
    st.warning("Archived: hidden from your lists and no reminders. Bring them back under **More**.",
               icon=":material/archive:")
st.page_link("pages/targets.py", label="All targets", icon=":material/arrow_back:")


def quick_log() -> None:
    st.subheader("Log a touch")
    kind = st.radio("It was a", KINDS, index=KINDS.index("neutral"), horizontal=True, key="person_kind",
                    format_func=KIND_LABELS.get)
    cols = st.columns(len(QUICK_TOUCHES))
    for col, (label, (channel, direction)) in zip(cols, QUICK_TOUCHES.items(), strict=True):
        if col.button(label, key=f"person_quick_{channel}", width="stretch"):
            attempt(lambda channel=channel, direction=direction: interactions.log_interaction(
                db, pid, day=today(), channel=channel, direction=direction, kind=kind, today=today()),
                f"Logged: {label.lower()} ({kind}).")
    with st.expander("With more detail: date, what it was, reply, notes", icon=":material/edit_note:"):
        natures = ["", *(n for n, k in NATURES.items() if k == kind)]
        with st.form("person_log", clear_on_submit=True):
            c1, c2 = st.columns(2)
            channel = c1.selectbox("How", CHANNELS, format_func=CHANNEL_LABELS.get, key="person_log_channel")
            day = c2.date_input("When", value=today(), max_value=today(), key="person_log_day")
            nature = c1.selectbox("What it was (optional)", natures, key="person_log_nature",
                                  format_func=lambda n: NATURE_LABELS.get(n, "—"))
            direction = c2.selectbox("Who started it", DIRECTIONS, format_func=DIRECTION_LABELS.get,
                                     key="person_log_direction")
            replied = c1.selectbox("Did they reply?", list(REPLIED), key="person_log_replied")
            notes = st.text_area("Notes", key="person_log_notes", height=68)
            details = st.text_area("Details to remember (their news, plans, family…)", key="person_log_details",
                                   height=68)
            submitted = st.form_submit_button("Log it", type="primary")
        if submitted:
            attempt(lambda: interactions.log_interaction(
                db, pid, day=day, channel=channel, direction=direction, kind=kind, nature=nature,
                responded=REPLIED[replied], notes=notes, details=details, today=today()), "Logged the touch.")


def open_followups() -> None:
    st.subheader("Open follow-ups")
    items = interactions.with_default_channels(db, followups.for_person(db, pid, today()))
    if not items:
        st.caption("Nothing scheduled. Log a touch and the next check-in follows from their tier.")
        return
    for f in items:
        left = f["days_left"]
        when = ("today" if left == 0 else f"{plural(-left, 'day')} overdue" if left < 0
                else f"in {plural(left, 'day')}")
        st.markdown(f"**{esc(f['title'])}** · {esc(f['reason_label'])} · due {f['due']} ({when})")
        followup_actions(db, f, today(), "person_fu")


def touch_line(i: dict) -> str:
    """A touch in one line: day, channel, kind, what it was, the reply, who started it, the event."""
    bits = [f"**{i['day']}**", CHANNEL_LABELS.get(i["channel"], i["channel"]), i["kind"]]
    if i["nature"]:
        bits.append(NATURE_LABELS.get(i["nature"], i["nature"]))
    if i["responded"] is not None:
        bits.append(REPLY_WORDS.get(i["direction"], THEIR_REPLY)[bool(i["responded"])])
    if i["direction"] != "unknown":
        bits.append(f"started by {'me' if i['direction'] == 'me' else 'them'}")
    if i["event_name"]:
        bits.append(f"at {esc(i['event_name'])}")
    return " · ".join(bits)


def reply_marks(i: dict, column) -> None:
    """Say whether the other side answered a touch that takes the mark (Rapport's own guess gives way to it)."""
    if not takes_reply_mark(i["direction"], i["channel"], i["nature"]):
        return
    with column.popover(":material/reply:", help="Did they reply? Rapport works it out from the log; "
                                                 "your mark always wins"):
        for label, value in REPLY_MARKS[i["direction"]].items():
            if st.button(label, key=f"person_int_reply_{i['id']}_{value}", disabled=i["responded"] is value):
                attempt(lambda i=i, value=value: interactions.update_interaction(
                    db, i["id"], responded=value, today=today()), f"Marked: {label.lower()}.")


def touch_row(i: dict) -> None:
    """One touch of the timeline: what it was and its notes, its reply marks, and deleting it."""
    c1, c2, c3 = st.columns([6, 1, 1])
    with c1:
        st.markdown(touch_line(i))
        if i["notes"]:
            st.caption(esc(i["notes"]))
        if i["details"]:
            st.caption("To remember: " + esc(i["details"]))
    reply_marks(i, c2)
    with c3.popover(":material/delete:", help="Delete this touch"):
        st.caption("Remove this touch? Its thank-you reminder goes too.")
        if st.button("Delete it", key=f"person_int_del_{i['id']}", type="primary"):
            attempt(lambda: interactions.delete_interaction(db, i["id"], today()), "Deleted the touch.")


def timeline() -> None:
    st.subheader("Timeline")
    show_all = st.session_state.get("person_timeline_all", False)
    items = interactions.timeline(db, pid, limit=500 if show_all else 20)
    if not items:
        st.caption("No touches logged yet. Use the buttons above the next time you meet, write or call.")
        return
    for i in items:
        touch_row(i)
    if len(items) == 20 and not show_all:
        st.toggle("Show the whole timeline", key="person_timeline_all")


def score_box() -> None:
    st.subheader("Relationship")
    status = "" if person["score"] is None else \
        " · " + esc(STATUS_LABELS.get(person["score_status"], person["score_status"]))
    st.markdown(f"**{score_label(person['score'], person['score_confidence'], person['score_status'])}**{status}")
    st.caption(esc(person["score_reason"]))
    unanswered_notice()
    asks = insights.asks_in_a_row(db, pid)
    if asks >= 3:
        st.warning(f"Your last {asks} messages to {esc(person['name'])} were all asks. Before the next one, "
                   "check in or share something useful.", icon=":material/volunteer_activism:")
        if st.button("Share something with them", key="person_share_first", icon=":material/edit_note:"):
            st.switch_page("pages/compose.py", query_params={"person": str(pid), "purpose": "share_resource"})
    last = person["last_touch_on"] or "never"
    st.markdown(f"Stage **{person['stage']}** · tier **{person['tier']}** · last touch {last}")
    if person["tags"]:
        st.markdown("Tags: " + ", ".join(f"`{t.replace('`', '')}`" for t in person["tags"]))


def unanswered_notice() -> None:
    """SCORING.md §4.8.4: the guardrail fired; check-ins pause until they answer or you try once more."""
    pause = relationships.checkin_pause(db, pid, today())
    if not pause:
        return
    if not pause["paused"]:
        st.info(f"{pause['notice']}. Check-ins are back on: you chose to try once more.", icon=":material/replay:")
        return
    st.warning(f"{pause['notice']}. Check-ins are paused until they answer.", icon=":material/pause_circle:")
    if st.button("Try once more", key="person_try_once_more", icon=":material/replay:",
                 help="Schedule check-ins again, until a message you send from today also goes unanswered"):
        attempt(lambda: relationships.try_once_more(db, pid, today()), "Check-ins are back on for one more try.")


def contact_box() -> None:
    """Their email, phone and profile, and every other value they have (a merge keeps the other record's)."""
    main = [person[k] for k in ("email", "phone", "linkedin_url") if person[k]]
    alternates = contacts.list_alternates(db, pid)
    if main:
        st.markdown(" · ".join(esc(x) for x in main))
    if alternates:
        st.caption("Also: " + ", ".join(
            esc(a["value"]) + ("" if a["field"] in ("email", "phone") else f" ({esc(a['label'].lower())})")
            for a in alternates))
    label = f"Other contact details ({len(alternates)})" if alternates else "Add another email, phone or title"
    with st.expander(label, icon=":material/contact_mail:"):
        for a in alternates:
            c1, c2, c3 = st.columns([4, 1, 1])
            c1.markdown(f"{esc(a['label'])}: {esc(a['value'])}")
            if c2.button(":material/star:", key=f"person_alt_primary_{a['id']}",
                         help=f"Make this their {a['label'].lower()} (the current one is kept here)"):
                attempt(lambda a=a: people.make_primary(db, a["id"]),
                        f"{esc(a['value'])} is now their {esc(a['label'].lower())}.")
            if c3.button(":material/close:", key=f"person_alt_del_{a['id']}", help="Remove this one"):
                attempt(lambda a=a: contacts.remove_alternate(db, a["id"]), f"Removed {esc(a['value'])}.")
        with st.form("person_alt_add", clear_on_submit=True):
            c1, c2 = st.columns([1, 2])
            field = c1.selectbox("Kind", list(contacts.ALTERNATE_FIELDS), format_func=contacts.ALTERNATE_FIELDS.get,
                                 key="person_alt_field")
            value = c2.text_input("Value", key="person_alt_value")
            if st.form_submit_button("Add"):
                attempt(lambda: contacts.add_alternate(db, pid, field, value), "Added it.")


def remember_box() -> None:
    for title, text in (("Common ground", person["common_ground"]), ("Their needs and goals", person["needs"])):
        st.markdown(f"**{title}**")
        st.markdown(esc(text) if text else "_Nothing yet: add it under Edit._")
    st.markdown("**Details to remember**")
    noted = interactions.details_to_remember(db, pid)
    if person["details"]:
        st.markdown(esc(person["details"]))
    for d in noted[:10]:
        st.markdown(f"{d['day']}: {esc(d['details'])}")
    if not person["details"] and not noted:
        st.markdown("_Nothing yet: note details when you log a touch._")


def dates_box() -> None:
    st.markdown("**Important dates**")
    for d in people.list_dates(db, pid):
        when = f"{d['day']} {calendar.month_name[d['month']]}" + (f" {d['year']}" if d["year"] else "")
        c1, c2 = st.columns([4, 1])
        note = f" · {esc(d['note'])}" if d["note"] else ""
        c1.markdown(f"{DATE_LABEL_NAMES.get(d['label'], d['label'])}: {when}{note}"
                    + ("" if d["yearly"] else " (once)"))
        if c2.button(":material/close:", key=f"person_date_del_{d['id']}", help="Remove this date"):
            attempt(lambda d=d: people.delete_date(db, d["id"]), "Removed the date.")
    with st.expander("Add a date", icon=":material/cake:"), st.form("person_date", clear_on_submit=True):
        label = st.selectbox("Kind", DATE_LABELS, format_func=DATE_LABEL_NAMES.get, key="person_date_label")
        c1, c2, c3 = st.columns(3)
        month = c1.selectbox("Month", range(1, 13), format_func=lambda m: calendar.month_name[m],
                             key="person_date_month")
        day = c2.number_input("Day", min_value=1, max_value=31, value=1, step=1, key="person_date_day")
        year = c3.text_input("Year (optional)", key="person_date_year")
        note = st.text_input("Note", key="person_date_note")
        yearly = st.checkbox("Comes back every year", value=True, key="person_date_yearly")
        if st.form_submit_button("Add date"):
            attempt(lambda: people.add_date(db, pid, label=label, month=month, day=int(day), year=year.strip(),
                                            note=note, yearly=yearly, today=today()), "Added the date.")


def edit_form() -> None:
    with st.expander("Edit their details", icon=":material/edit:"), st.form("person_edit"):
        values: dict = {}
        c1, c2 = st.columns(2)
        for n, (key, (label, kind)) in enumerate(people.PERSON_FIELDS.items()):
            col = c1 if n % 2 == 0 else c2
            current = person[key] or ""
            if kind == "long":
                continue
            if kind == "seniority":
                opts = ("", *SENIORITIES)
                values[key] = col.selectbox(label, opts, index=opts.index(current) if current in opts else 0,
                                            format_func=_blank, key=f"person_edit_{key}")
            elif kind == "how_met":
                opts = ("", *HOW_MET)
                values[key] = col.selectbox(label, opts, index=opts.index(current) if current in opts else 0,
                                            format_func=_blank, key=f"person_edit_{key}")
            elif kind == "tier":
                values[key] = col.selectbox(label, TIERS, index=TIERS.index(current) if current in TIERS else 2,
                                            key=f"person_edit_{key}")
            else:
                values[key] = col.text_input(label, value=current, key=f"person_edit_{key}")
        company = c1.text_input("Company (created if new)", value=person["company"], key="person_edit_company")
        values["stage"] = c2.selectbox("Stage", STAGES, index=STAGES.index(person["stage"]),
                                       key="person_edit_stage")
        values["tags"] = c1.text_input("Tags (comma-separated)", value=", ".join(person["tags"]),
                                       key="person_edit_tags")
        values["cadence_days"] = c2.text_input(
            "Check in every N days (blank: the tier's default)",
            value="" if person["cadence_days"] is None else str(person["cadence_days"]), key="person_edit_cadence")
        for key, (label, kind) in people.PERSON_FIELDS.items():
            if kind == "long":
                values[key] = st.text_area(label, value=person[key] or "", key=f"person_edit_{key}", height=80)
        if st.form_submit_button("Save changes", type="primary"):
            attempt(lambda: people.update_person(db, pid, today=today(), company=company, **values), "Saved.")


def more_actions() -> None:
    with st.expander("More: write to them, archive, merge", icon=":material/more_horiz:"):
        c1, c2 = st.columns([3, 1])
        purpose = c1.selectbox("Write a message to", list(PURPOSES), format_func=PURPOSES.get,
                               key="person_compose_purpose")
        c2.write("")
        if c2.button("Compose", key="person_compose", icon=":material/edit_note:"):
            st.switch_page("pages/compose.py", query_params={"person": str(pid), "purpose": purpose})
        st.divider()
        if person["archived_at"]:
            if st.button("Bring back from the archive", key="person_unarchive"):
                attempt(lambda: people.archive_person(db, pid, archived=False, today=today()), "Back on your list.")
        elif st.button("Archive", key="person_archive", help="Hide from lists and stop reminders; nothing is deleted."):
            attempt(lambda: people.archive_person(db, pid, today=today()), "Archived.")
        st.divider()
        st.markdown("**Merge with a duplicate**")
        query = st.text_input("Find the other record", placeholder="Type part of a name", key="person_merge_q")
        if not query.strip():
            return
        found, _ = people.list_people(db, search=query, sort="name", limit=20, include_archived=True)
        found = [p for p in found if p["id"] != pid]
        if not found:
            st.caption("No one else matches that.")
            return
        labels = {p["id"]: f"{p['name']} — {p['company']} (#{p['id']})" if p["company"] else
                  f"{p['name']} (#{p['id']})" for p in found}
        other = st.selectbox("The other record", list(labels), format_func=labels.get, key="person_merge_other")
        keep_this = st.radio("Keep", ["this", "other"], horizontal=True, key="person_merge_keep",
                             format_func=lambda k: "this record" if k == "this" else "the other record")
        if confirmed("Merge", "person_merge_go", "Yes, they are the same person: merge them", "person_merge_sure",
                     "Tick the box to confirm the merge first."):
            keep, drop = (pid, other) if keep_this == "this" else (other, pid)
            if attempt(lambda: people.merge_people(db, keep, drop, today()), rerun=False) is not None:
                st.session_state["_flash"] = "Merged the two records."
                if keep == pid:
                    st.rerun()
                open_person(keep)


left, right = st.columns([3, 2], gap="large")
with left:
    quick_log()
    open_followups()
    timeline()
with right:
    score_box()
    contact_box()
    remember_box()
    dates_box()
edit_form()
more_actions()
