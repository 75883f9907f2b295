"""The one wrapper around streamlit-calendar (FullCalendar): events in, a click out.

The package is effectively unmaintained, so nothing else imports it; swap it out here.
Its traps (reference/stack.md §4): always pass key=; leave out the eventsSet callback (it reruns
the page twice on load); use the UTC time zone so a clicked day is the day the user saw; it
does not render inside a non-first st.tabs tab. The component keeps returning its last click on
every rerun, so a click is reported once and then remembered as seen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import streamlit as st
from streamlit_calendar import calendar

from core.vocab import FOLLOWUP_REASONS

# Overdue is the only red: a thank-you not yet due was drawn in an orange-red hardly told apart from it.
COLORS = {
    "thank_you": "#0c8599",
    "event_followup": "#e67700",
    "check_in": "#1971c2",
    "date": "#2f9e44",
    "custom": "#7048e8",
    "opportunity": "#862e9c",
}
OVERDUE_COLOR = "#c92a2a"
# The legend's words are the follow-up reasons' own (core.vocab), so the calendar and the lists say the same.
LEGEND = {"overdue": ("Overdue", OVERDUE_COLOR),
          **{reason: (FOLLOWUP_REASONS[reason], color) for reason, color in COLORS.items()}}


def legend() -> None:
    """What each colour on the calendar means (fixed words and colours: no user text is rendered as HTML)."""
    swatches = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:1rem;white-space:nowrap">'
        f'<span style="width:0.8rem;height:0.8rem;border-radius:2px;background:{color};margin-right:0.35rem">'
        f"</span>{label}</span>" for label, color in LEGEND.values())
    st.html(f'<div data-testid="calendar-legend" style="font-size:0.85rem">{swatches}</div>')


@dataclass(frozen=True)
class Click:
    """What the user clicked: an event (its follow-up id) or a day."""

    followup_id: int | None = None
    day: date | None = None


def to_events(items: list[dict], today: date) -> list[dict]:
    """FullCalendar events for follow-ups: all-day, our follow-up id as the event id.

    Titles are shown by FullCalendar as text, never HTML; no user data goes in `url`.
    """
    events = []
    for item in items:
        overdue = item["due"] < today.isoformat()
        events.append({
            "id": str(item["id"]),
            "title": item["title"],
            "start": item["due"],
            "allDay": True,
            "color": OVERDUE_COLOR if overdue else COLORS.get(item["reason"], COLORS["custom"]),
        })
    return events


def _parse(value: dict) -> Click | None:
    callback = value.get("callback")
    if callback == "eventClick":
        raw = (value.get("eventClick") or {}).get("event", {}).get("id")
        try:
            return Click(followup_id=int(raw))
        except (TypeError, ValueError):
            return None
    if callback == "dateClick":
        raw = str((value.get("dateClick") or {}).get("date") or "")
        try:
            return Click(day=date.fromisoformat(raw[:10]))
        except ValueError:
            return None
    return None


def followup_calendar(items: list[dict], today: date, *, key: str, height: int = 650) -> Click | None:
    """Show follow-ups on a month calendar; return a new click (once), or None."""
    options = {
        "timeZone": "UTC",
        "initialView": "dayGridMonth",
        "initialDate": today.isoformat(),
        "headerToolbar": {"left": "prev,next today", "center": "title", "right": "dayGridMonth,listMonth"},
        "firstDay": 1,
        "height": height,
        "dayMaxEvents": 4,
    }
    value = calendar(events=to_events(items, today), options=options, callbacks=["eventClick", "dateClick"],
                     key=key)
    seen_key = f"{key}_seen"
    if not value:
        st.session_state.pop(seen_key, None)  # a fresh calendar: the next click is new even if it repeats
        return None
    signature = json.dumps(value, sort_keys=True, default=str)
    if st.session_state.get(seen_key) == signature:
        return None
    st.session_state[seen_key] = signature
    return _parse(value)
