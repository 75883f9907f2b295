"""Rapport: the frame. Page config, the password gate, navigation and the shared sidebar."""

import hmac
from pathlib import Path

import streamlit as st

from core.db import DatabaseRefused, data_version
from core.ratelimit import SIGN_IN, wait_message
from pages import _replication, _signin
from pages._ui import get_db, is_hosted, secret, today

# A local file, not ":material/handshake:": that one makes the browser fetch an SVG from fonts.gstatic.com.
st.set_page_config(page_title="Rapport", page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
                   layout="wide")
# With [storage] in secrets: load the newest snapshot from the bucket before any page runs (once per process),
# then save after writes; a wrong passphrase stops here with its reason. Without it: nothing, no network.
replica = _replication.gate()

PAGES = {
    "Plan": [
        ("pages/today.py", "Today", ":material/today:", {"default": True}),
        ("pages/goals.py", "Goals", ":material/flag:", {}),
    ],
    "People": [
        ("pages/targets.py", "Targets", ":material/groups:", {}),
        ("pages/companies.py", "Companies", ":material/apartment:", {}),
        ("pages/events.py", "Events", ":material/event:", {}),
        ("pages/person.py", "Person", ":material/person:", {"visibility": "hidden"}),
    ],
    "Act": [
        ("pages/board.py", "Follow-ups", ":material/checklist:", {}),
        ("pages/compose.py", "Compose", ":material/edit_note:", {}),
        ("pages/opportunities.py", "Opportunities", ":material/work:", {}),
    ],
    "Review": [
        ("pages/insights.py", "Insights", ":material/insights:", {}),
    ],
    "Data": [
        ("pages/data.py", "Your data", ":material/database:", {}),
        ("pages/settings.py", "Settings", ":material/settings:", {}),
    ],
}


def auth_mode() -> str | None:
    """'oidc' when an [auth] section is in secrets (st.login), 'password' when a password is, else None."""
    if secret("auth"):
        return "oidc"
    if secret("password"):
        return "password"
    return None


def signed_in() -> bool:
    """True when no sign-in is configured, or this session has signed in."""
    mode = auth_mode()
    if mode is None:
        return True
    if mode == "oidc":
        return bool(st.user.get("is_logged_in"))
    if "authed" not in st.session_state:  # once per session: a valid sign-in cookie from an earlier load
        st.session_state["authed"] = _signin.remembered()
    return bool(st.session_state["authed"])


def sign_in_page() -> None:
    st.title("Rapport")
    if auth_mode() == "oidc":
        st.caption("This copy of Rapport is private. Sign in with your account to continue.")
        st.button("Sign in", key="signin_oidc", on_click=st.login)
        return
    st.caption("This copy of Rapport is private. Enter its password to continue.")
    with st.form("signin"):
        typed = st.text_input("Password", type="password", key="signin_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        # One bucket of tries for the whole server process, not per session: a new session gets no fresh
        # tries. While it is empty nothing is compared, so a guess then tells the guesser nothing.
        wait = SIGN_IN.acquire()
        if wait:
            st.error(wait_message(wait), icon=":material/timer:")
            return
        if hmac.compare_digest(typed.encode(), str(secret("password")).encode()):
            SIGN_IN.refund()  # only wrong guesses use the tries up
            st.session_state["authed"] = True
            _signin.remember()
            st.rerun()  # the same URL and query: the page that was asked for now runs
        st.error("That password is not right.")


if not signed_in():
    # Always call st.navigation, even here: otherwise Streamlit's legacy pages/ discovery would
    # serve every page file at its own URL to anyone who typed it. Every page's address is listed, each
    # running the sign-in (never the page): a saved link such as /person?id=2 shows the sign-in, not
    # "Page not found", and keeps its address and query, so the rerun after the password opens that page.
    _signin.write_pending()
    st.navigation([st.Page(sign_in_page, title="Sign in", icon=":material/lock:", default=True)]
                  + [st.Page(sign_in_page, title="Sign in", icon=":material/lock:", url_path=Path(path).stem,
                             visibility="hidden") for pages in PAGES.values() for path, *_ in pages],
                  position="hidden").run()
    st.stop()

page = st.navigation({section: [st.Page(path, title=title, icon=icon, **extra) for path, title, icon, extra in pages]
                      for section, pages in PAGES.items()})

try:
    db = get_db()
except DatabaseRefused as e:  # the start-up check: a file that is not exactly Rapport's is left untouched
    st.error(str(e), icon=":material/gpp_bad:")
    st.stop()
from core.people import totals
from core.relationships import daily_refresh

daily_refresh(db, today())


@st.cache_data(max_entries=4, show_spinner=False)
def sidebar_totals(version: str) -> dict[str, int]:
    """The sidebar's counts, on every run of every page: read again only after a write (15-20 ms at
    30,000 people otherwise)."""
    return totals(get_db())


with st.sidebar:
    counts = sidebar_totals(data_version(db))
    n, touches = counts["people"], counts["interactions"]
    st.caption(f"{n:,} {'person' if n == 1 else 'people'} · {touches:,} interaction{'' if touches == 1 else 's'}")
    if replica:
        _replication.sidebar_status(replica)
    elif is_hosted():
        st.warning("Hosted copy: the disk is wiped on restart. Download a backup from **Your data**.",
                   icon=":material/cloud_off:")
    if auth_mode() == "oidc":
        st.button("Sign out", key="signout", on_click=st.logout)
    elif auth_mode() == "password":
        _signin.write_pending()
        if st.button("Sign out", key="signout"):
            st.session_state.clear()
            st.session_state["authed"] = False  # not read from the cookie again: it is cleared below
            _signin.forget()
            st.rerun()

page.run()
