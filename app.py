"""Rapport: the frame. Page config, the password gate, navigation and the shared sidebar."""

import hmac
import time

import streamlit as st

from pages._ui import get_db, is_hosted, secret, today

st.set_page_config(page_title="Rapport", page_icon=":material/handshake:", layout="wide")

PAGES = {
    "Plan": [
        st.Page("pages/today.py", title="Today", icon=":material/today:", default=True),
        st.Page("pages/goals.py", title="Goals", icon=":material/flag:"),
    ],
    "People": [
        st.Page("pages/targets.py", title="Targets", icon=":material/groups:"),
        st.Page("pages/companies.py", title="Companies", icon=":material/apartment:"),
        st.Page("pages/events.py", title="Events", icon=":material/event:"),
        st.Page("pages/person.py", title="Person", icon=":material/person:", visibility="hidden"),
    ],
    "Act": [
        st.Page("pages/board.py", title="Follow-ups", icon=":material/checklist:"),
        st.Page("pages/compose.py", title="Compose", icon=":material/edit_note:"),
    ],
    "Review": [
        st.Page("pages/insights.py", title="Insights", icon=":material/insights:"),
    ],
    "Data": [
        st.Page("pages/data.py", title="Your data", icon=":material/database:"),
        st.Page("pages/settings.py", title="Settings", icon=":material/settings:"),
    ],
}


def signed_in() -> bool:
    """True when no password is configured, or the right one was entered in this session."""
    password = secret("password")
    if not password:
        return True
    return bool(st.session_state.get("authed"))


def sign_in_page() -> None:
    st.title("Rapport")
    st.caption("This copy of Rapport is private. Enter its password to continue.")
    with st.form("signin"):
        typed = st.text_input("Password", type="password", key="signin_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        failures = st.session_state.get("signin_failures", 0)
        time.sleep(min(0.5 * 2**failures, 8) if failures else 0)  # repeated wrong guesses slow down
        if hmac.compare_digest(typed.encode(), str(secret("password")).encode()):
            st.session_state["authed"] = True
            st.session_state.pop("signin_failures", None)
            st.rerun()
        st.session_state["signin_failures"] = failures + 1
        st.error("That password is not right.")


if not signed_in():
    # Always call st.navigation, even here: otherwise Streamlit's legacy pages/ discovery would
    # serve every page file at its own URL to anyone who typed it.
    st.navigation([st.Page(sign_in_page, title="Sign in", icon=":material/lock:")], position="hidden").run()
    st.stop()

page = st.navigation(PAGES)

db = get_db()
from core.relationships import daily_refresh  # noqa: E402

daily_refresh(db, today())

with st.sidebar:
    people = db.table("people").count
    st.caption(f"{people:,} people · {db.table('interactions').count:,} interactions")
    if is_hosted():
        st.warning("Hosted copy: the disk is wiped on restart. Download a backup from **Your data**.",
                   icon=":material/cloud_off:")
    if secret("password") and st.button("Sign out", key="signout"):
        st.session_state.clear()
        st.rerun()

page.run()
