"""Events: prepare for one (research, pitch), then add the people you met there in seconds."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core import events, people, settings
from core.words import plural
from pages._ui import (
    attempt,
    back_and_link,
    back_to_list,
    confirmed,
    esc,
    get_db,
    header,
    list_or_item,
    person_link,
    relationship_bits,
    show_flash,
    today,
)

db = get_db()


def log_event_form(expanded: bool) -> None:
    with st.expander("Log an event", icon=":material/event_available:", expanded=expanded), \
            st.form("events_add"):
        c1, c2 = st.columns(2)
        name = c1.text_input("Event name (required)", key="events_add_name")
        day = c2.date_input("Date", value=today(), key="events_add_day")
        place = c1.text_input("Place", key="events_add_place")
        url = c2.text_input("Event page (Meetup, Eventbrite…)", key="events_add_url")
        research = st.text_area("Research: speakers and attendees worth meeting", key="events_add_research",
                                height=80)
        pitch = st.text_area("Your elevator pitch for this event", value=settings.get_profile(db)["pitch"],
                             key="events_add_pitch", height=80,
                             help="Starts from the pitch in Settings; adapt it to this audience.")
        if st.form_submit_button("Log event", type="primary"):
            new_id = attempt(lambda: events.add_event(db, name=name, day=day, place=place, url=url,
                                                      research=research, pitch=pitch), rerun=False)
            if new_id:
                st.session_state["_flash"] = f"Logged {esc(name.strip())}. Add the people you meet there below."
                st.query_params["id"] = str(new_id)
                st.rerun()


def show_list() -> None:
    header("Events", "Meetups, conferences and talks: prepare your research and pitch, then add the people "
                     "you met so each gets a follow-up the next day.")
    show_flash()
    found = events.list_events(db)
    log_event_form(expanded=not found)
    if not found:
        st.info("No events yet. Log the next meetup or conference you will attend, with the people worth "
                "meeting there and the pitch you will use.", icon=":material/event:")
        return
    now = today()
    st.caption(f"{plural(len(found), 'event')} · select a row to open one and add the people you met")
    data = [{"Date": e["day"], "Event": e["name"], "Place": e["place"], "People met": e["people_met"],
             "When": events.timing(e["day"], now)} for e in found]
    event = st.dataframe(data, on_select="rerun", selection_mode="single-row", key="events_table",
                         hide_index=True, width="stretch")
    if event.selection.rows:
        st.query_params["id"] = str(found[event.selection.rows[0]]["id"])
        st.rerun()


def met_added(eid: int, pid: int, name: str) -> None:
    """Say who was added and when the board expects their follow-up (read from the follow-up itself)."""
    st.session_state["_flash"] = esc(f"Added {name}: {events.met_followup_message(db, eid, pid, today())}.")
    st.rerun()


def add_people_met(event: dict) -> None:
    eid = event["id"]
    st.subheader("Add someone you met")
    if events.timing(event["day"], today()) == "coming up":
        st.caption(f"This event is on {event['day']}; add the people you meet once it has happened.")
    with st.form("events_met", clear_on_submit=True):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("Name", key="events_met_name")
        title = c2.text_input("Title", key="events_met_title")
        company = c3.text_input("Company", key="events_met_company")
        note = st.text_input("One note (what you talked about)", key="events_met_note")
        if st.form_submit_button("Add", type="primary", icon=":material/person_add:"):
            added = attempt(lambda: events.add_person_met(db, eid, today=today(), name=name, title=title,
                                                          company=company, note=note), rerun=False)
            if added:
                met_added(eid, added, name.strip())
    with st.expander("…or someone already on your list", icon=":material/person_search:"):
        query = st.text_input("Find them", placeholder="Type part of a name", key="events_existing_q")
        if query.strip():
            found, _ = people.list_people(db, search=query, sort="name", limit=20)
            if not found:
                st.caption("No one matches that.")
                return
            labels = {p["id"]: f"{p['name']} — {p['company']}" if p["company"] else p["name"] for p in found}
            pid = st.selectbox("Who", list(labels), format_func=labels.get, key="events_existing_pick")
            note = st.text_input("One note", key="events_existing_note")
            if st.button("Add them", key="events_existing_add"):
                added = attempt(lambda: events.add_person_met(db, eid, today=today(), person_id=pid, note=note),
                                rerun=False)
                if added:
                    met_added(eid, added, labels[pid])


def correct_person_met(eid: int, person: dict) -> None:
    """Edit the note about someone met here, or take them off the event (after a confirmation)."""
    pid, name = person["id"], person["name"]
    row = st.container(horizontal=True)
    with row.popover("Edit note", icon=":material/edit_note:"), st.form(f"events_note_{pid}"):
        note = st.text_input("Note (what you talked about)", value=person["note"], key=f"events_note_text_{pid}",
                             max_chars=events.MET_NOTE_MAX)
        if st.form_submit_button("Save note", type="primary"):
            attempt(lambda: events.update_met_note(db, eid, pid, note), f"Saved the note about {esc(name)}.")
    # A form, so ticking the box does not rerun the page (a rerun would close the popover mid-confirmation).
    with row.popover("Remove from event", icon=":material/person_remove:"), st.form(f"events_remove_{pid}"):
        st.caption("For someone added here by mistake. They stay on your list with their interactions; "
                   "their follow-up for this event is skipped.")
        sure = st.checkbox("Yes, they were not met at this event", key=f"events_remove_sure_{pid}")
        if st.form_submit_button("Remove", icon=":material/person_remove:"):
            if not sure:
                st.error("Tick the box to confirm first.")
            else:
                attempt(lambda: events.remove_person_met(db, eid, pid, today=today()),
                        f"Removed {esc(name)} from this event; they are still on your list.")


def met_here(eid: int) -> None:
    """Who was met at the event, where each relationship stands now, the note, and the corrections."""
    st.subheader("Who I met, and where each relationship stands now")
    met = events.people_met(db, eid)
    if not met:
        st.caption("No one yet. Add each person right after you talk: a name and one note is enough.")
    for p in met:
        person_link(p["id"], p["name"])
        where = " at ".join(esc(x) for x in (p["title"], p["company"]) if x)
        bits = [where, f"stage **{p['stage']}**", *(relationship_bits(p) or ["not in touch yet"])]
        st.caption(" · ".join(b for b in bits if b))
        if p["note"]:
            st.caption("Note: " + esc(p["note"]))
        correct_person_met(eid, p)


def edit_event(event: dict, when: date) -> None:
    with st.expander("Edit the event", icon=":material/edit:"), st.form("events_edit"):
        c1, c2 = st.columns(2)
        values = {
            "name": c1.text_input("Event name", value=event["name"], key="events_edit_name"),
            "day": c2.date_input("Date", value=when, key="events_edit_day"),
            "place": c1.text_input("Place", value=event["place"], key="events_edit_place"),
            "url": c2.text_input("Event page", value=event["url"], key="events_edit_url"),
            "research": st.text_area("Research", value=event["research"], key="events_edit_research"),
            "pitch": st.text_area("Elevator pitch", value=event["pitch"], key="events_edit_pitch"),
            "notes": st.text_area("Notes", value=event["notes"], key="events_edit_notes"),
        }
        if st.form_submit_button("Save changes", type="primary"):
            attempt(lambda: events.update_event(db, event["id"], **values), "Saved.")


def delete_event(eid: int) -> None:
    """Delete the event after a confirmation; the people met stay on the list."""
    with st.expander("Delete the event", icon=":material/delete:"):
        st.caption("The people you met stay on your list with their interactions; only the event goes.")
        if confirmed("Delete", "events_delete", "Yes, delete this event", "events_delete_sure") and \
                attempt(lambda: events.delete_event(db, eid) or True, rerun=False):
            st.session_state["_flash"] = "Deleted the event."
            back_to_list()


def show_event(event: dict) -> None:
    when = date.fromisoformat(event["day"])
    header(esc(event["name"]), f"{when:%A %d %B %Y}" + (f" · {esc(event['place'])}" if event["place"] else ""))
    show_flash()
    back_and_link("All events", "events_back", "Event page", event["url"])
    left, right = st.columns([3, 2], gap="large")
    with left:
        add_people_met(event)
        met_here(event["id"])
    with right:
        for title, text in (("Research", event["research"]), ("Elevator pitch", event["pitch"]),
                            ("Notes", event["notes"])):
            st.markdown(f"**{title}**")
            st.markdown(esc(text) if text else "_Nothing yet._")
    edit_event(event, when)
    delete_event(event["id"])


list_or_item(lambda eid: events.get_event(db, eid), show_list, show_event,
             header_text=("Events", "Meetups, conferences and talks, and the people you met there."),
             missing=("There is no such event: it may have been deleted or the link is wrong.",
                      ":material/event_busy:"),
             back=("All events", "events_back"))
