"""Shared Streamlit helpers for the pages: the database, today's date, errors and safe text.

Pages import this module; it is not a page (app.py's st.navigation never lists it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from core import followups, interactions
from core.db import open_db
from core.errors import NotFound, UserError
from core.scoring import STATUS_LABELS, label
from core.vocab import CHANNEL_LABELS, CHANNELS

ROOT = Path(__file__).resolve().parents[1]


def _leave_legacy_pages_mode() -> None:
    """Make sure app.py, with its password gate, runs before any page.

    Until some session has called st.navigation, Streamlit's legacy pages/ discovery serves each
    file in pages/ directly, without app.py: on a fresh server the very first visit to /targets would
    bypass the gate. Every page imports this module first, so the first such run lands here: switch
    Streamlit to st.navigation mode for good and rerun, which runs app.py for the same URL.

    That first legacy run also sends the raw list of files in pages/ to the browser's sidebar, which
    showed for a moment on a fresh server: .streamlit/config.toml sets client.showSidebarNavigation =
    false so it is never drawn, and this turns the option back on (for the whole process, before
    app.py's own st.navigation and before the rerun's session message) so that the real navigation is.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if st.get_option("client.showSidebarNavigation") is False:
        st.set_option("client.showSidebarNavigation", True)
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_legacy_pages_mode()
PERSON_PAGE = "pages/person.py"


def secret(key: str, default: Any = None) -> Any:
    """A value from st.secrets, or default when there is no secrets file or no such key."""
    try:
        return st.secrets[key]
    except (KeyError, FileNotFoundError):
        return default


def db_path() -> str | None:
    """Where the database is: $RAPPORT_DB, else the db_path secret, else None (core's default, data/rapport.db)."""
    return os.environ.get("RAPPORT_DB") or secret("db_path") or None


def get_db():
    """Open the database for this run (db_path()).

    A connection per run, never cached: Streamlit runs each rerun in a new thread.
    """
    return open_db(db_path())


def today() -> date:
    """Today's date; RAPPORT_TODAY (YYYY-MM-DD) pins it for tests, screenshots and demos."""
    pinned = os.environ.get("RAPPORT_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()


def is_hosted() -> bool:
    """True on Streamlit Community Cloud, where the disk is wiped on every restart."""
    flag = os.environ.get("RAPPORT_HOSTED") or secret("hosted")
    if flag is not None:
        return str(flag).lower() in ("1", "true", "yes")
    return str(ROOT).startswith("/mount/src")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def esc(value: object) -> str:
    """Escape user text for st.markdown so it shows literally: no links, images, HTML or emphasis."""
    return _MD_SPECIAL.sub(r"\\\1", str(value or "")).replace("\n", "  \n")


def header(title: str, explanation: str) -> None:
    """The page title and its one-line explanation."""
    st.title(title)
    st.caption(explanation)


def start_page(title: str, explanation: str) -> tuple[Any, date]:
    """A page's opening: its database and today's date, then its title, explanation and the last action's
    message. Returns (db, today)."""
    db, day = get_db(), today()
    header(title, explanation)
    show_flash()
    return db, day


def attempt(action: Callable[[], Any], success: str | None = None, rerun: bool = True) -> Any:
    """Run a core action; show a UserError as an error (nothing was changed), else report success.

    Returns the action's result, or None when it failed.
    """
    try:
        result = action()
    except UserError as e:
        st.error(str(e), icon=":material/error:")
        return None
    if success:
        st.session_state["_flash"] = success
    if rerun:
        st.rerun()
    return result


def show_flash() -> None:
    """Show the success message left by the last action (it survives the rerun once)."""
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")


def plan_headline(description: str, counts: dict[str, int], helps: dict[str, str] | None = None) -> None:
    """An import preview's one-line description, then its counts side by side (label -> count, with help)."""
    st.markdown(f"**{esc(description)}**")
    for column, (name, count) in zip(st.columns(len(counts)), counts.items(), strict=True):
        column.metric(name, f"{count:,}", help=(helps or {}).get(name))


def score_label(score: int | None, confidence: str | None = "high", status: str | None = None) -> str:
    """The score as pages show it: "82 · thriving", or "~40 · new" while the evidence is thin (SCORING.md
    §4.8.5: never a band word then). Pass the row's confidence wherever the row has it."""
    if score is None:
        return "not in touch yet"
    shown = f"~{score}" if confidence == "low" else str(score)
    # Words, not coloured emoji: they read the same in a table, a screen reader and any font.
    return f"{shown} · {label(score, status, confidence)}"


def relationship_bits(person: dict) -> list[str]:
    """Where a relationship stands, as caption bits: ["82 · thriving", "Warm"]; none when not in touch yet."""
    if person["score"] is None:
        return []
    return [score_label(person["score"], person.get("score_confidence"), person["score_status"]),
            esc(STATUS_LABELS.get(person["score_status"], person["score_status"]))]


def person_link(person_id: int, name: str, key: str | None = None) -> None:
    """A link to a person's page (the name is shown as plain text)."""
    st.page_link(PERSON_PAGE, label=esc(name), query_params={"id": str(person_id)}, icon=":material/person:")


def open_person(person_id: int) -> None:
    st.switch_page(PERSON_PAGE, query_params={"id": str(person_id)})


def back_to_list() -> None:
    """From one item's page (?id=N) back to the list it belongs to."""
    st.query_params.clear()
    st.rerun()


def back_and_link(back: str, key: str, link: str, url: str | None) -> None:
    """Above one item: the way back to the list and, when it has one, a button to its own web page."""
    c1, c2 = st.columns([1, 4])
    if c1.button(back, icon=":material/arrow_back:", key=key):
        back_to_list()
    if url:
        c2.link_button(link, url, icon=":material/open_in_new:")


def confirmed(button: str, key: str, sure: str, sure_key: str,
              unticked: str = "Tick the box to confirm first.") -> bool:
    """A confirmation box and a button: True when the button is pressed with the box ticked; pressed without
    it, says so (unticked) and is False."""
    ticked = st.checkbox(sure, key=sure_key)
    if not st.button(button, key=key):
        return False
    if not ticked:
        st.error(unticked)
    return ticked


def list_or_item(load: Callable[[int], dict], show_list: Callable[[], None], show_item: Callable[[dict], None],
                 header_text: tuple[str, str], missing: tuple[str, str], back: tuple[str, str]) -> None:
    """A page that lists things and shows one when its link says ?id=N: the list without an id, the item
    load(id) finds, or (a bad or stale id) the header, missing = (message, icon) and back = (label, key)."""
    raw_id = st.query_params.get("id")
    if raw_id is None:
        show_list()
        return
    try:
        shown = load(int(raw_id))
    except (ValueError, NotFound):
        header(*header_text)
        st.error(missing[0], icon=missing[1])
        if st.button(back[0], icon=":material/arrow_back:", key=back[1]):
            back_to_list()
    else:
        show_item(shown)


def followup_actions(db, item: dict, day: date, key: str, done_label: str = "Done",
                     button_type: str = "secondary") -> st.delta_generator.DeltaGenerator:
    """Done, snooze, other ways to close, and compose for one follow-up, in a row that wraps; returns the row.

    Done records the touch the follow-up stands for (a thank-you, a check-in, a congratulation) by the
    channel last used with the person; "Other" offers another channel, or closing it with no message.
    Widget keys are `<key>_done_<id>`, `<key>_snooze_<id>_<days>`, `<key>_via_<id>`, `<key>_donevia_<id>`,
    `<key>_skip_<id>` and `<key>_compose_<id>`.
    """
    fid = item["id"]
    nature = followups.DONE_NATURES.get(item["reason"]) if item.get("person_id") else None
    channel = item["done_channel"] if nature else None  # interactions.with_default_channels, once per list
    row = st.container(horizontal=True)  # wraps in a narrow column instead of clipping the labels
    logged = (f"Logged a {followups.DONE_WORDS[nature]} to {esc(item['person'])} by {CHANNEL_LABELS[channel].lower()} "
              "today." if nature else f"Done: {esc(item['title'])}.")
    if row.button(done_label, key=f"{key}_done_{fid}", icon=":material/check:", type=button_type,
                  help=f"Logs a {followups.DONE_WORDS[nature]} by {CHANNEL_LABELS[channel].lower()}, today" if nature
                  else "Closes this reminder"):
        attempt(lambda: interactions.complete_followup(db, fid, day), logged)
    with row.popover("Snooze", icon=":material/snooze:", type=button_type):
        for label, days in followups.SNOOZES.items():
            if st.button(label, key=f"{key}_snooze_{fid}_{days}"):
                new_due = attempt(lambda days=days: followups.snooze(db, fid, days, day), rerun=False)
                if new_due:
                    st.session_state["_flash"] = f"Snoozed to {new_due:%a %d %b}: {esc(item['title'])}."
                    st.rerun()
    with row.popover("Other", icon=":material/more_horiz:", type=button_type):
        if nature:
            via = st.selectbox("Done by", CHANNELS, index=CHANNELS.index(channel), key=f"{key}_via_{fid}",
                               format_func=CHANNEL_LABELS.get)
            if st.button(f"Done by {CHANNEL_LABELS[via].lower()}", key=f"{key}_donevia_{fid}"):
                attempt(lambda: interactions.complete_followup(db, fid, day, channel=via),
                        f"Logged a {followups.DONE_WORDS[nature]} to {esc(item['person'])} by "
                        f"{CHANNEL_LABELS[via].lower()} today.")
        if st.button("Skip, no message", key=f"{key}_skip_{fid}",
                     help="Closes it and logs nothing: their score and history stay as they are"):
            attempt(lambda: followups.skip(db, fid, day),
                    f"Skipped, nothing logged: {esc(item['title'])}.")
    purpose = followups.compose_purpose(item)
    if purpose and row.button("Compose", key=f"{key}_compose_{fid}", icon=":material/edit:", type=button_type):
        st.switch_page("pages/compose.py", query_params={
            "person": str(item["person_id"]), "purpose": purpose, "followup": str(fid)})
    return row


