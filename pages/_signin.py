"""The password sign-in's cookie: read it once per session, write it after a sign-in, clear it on sign-out.

Streamlit has no cookie setter (st.context.cookies is read-only and frozen at the session's first request),
so a tiny in-page component sets `document.cookie`; the next load's st.context.cookies carries it. The
token itself is made and checked by core.signin. Pages never import this module; app.py does.
"""

from __future__ import annotations

import time

import streamlit as st

from core import signin
from core.errors import ValidationError
from pages._ui import secret

_PENDING = "_signin_cookie"  # the value to write on this run: a token, or "" to clear the cookie

_set_cookie = st.components.v2.component("rapport_session_cookie", js="""
export default function ({ data }) {
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${data.name}=${data.value}; path=/; max-age=${data.max_age}; SameSite=Strict${secure}`;
}
""")


def lifetime() -> int:
    """Seconds a sign-in lasts (secrets: stay_signed_in_days, default 7; 0 = never remembered)."""
    try:
        return signin.stay_signed_in_seconds(secret("stay_signed_in_days"))
    except ValidationError as e:
        st.warning(f"{e} Until it is fixed, every load asks for the password.", icon=":material/warning:")
        return 0


def _key() -> bytes:
    return signin.signing_key(str(secret("password")), secret("cookie_secret"))


def request_cookie() -> str | None:
    """The sign-in cookie this browser sent when the session started (None when there is none)."""
    return st.context.cookies.get(signin.COOKIE_NAME)


def remembered() -> bool:
    """True when the browser holds an unexpired token signed with the current password's key."""
    seconds = lifetime()
    token = request_cookie()
    return bool(seconds and token) and signin.token_valid(_key(), token, time.time(), max_seconds=seconds)


def remember() -> None:
    """After a right password: write a fresh token on the next run (nothing when remembering is off)."""
    seconds = lifetime()
    if seconds:
        st.session_state[_PENDING] = signin.make_token(_key(), time.time(), seconds)


def forget() -> None:
    """On sign-out: clear the cookie on the next run."""
    st.session_state[_PENDING] = ""


def write_pending() -> None:
    """Set (or clear) the cookie in the browser if a sign-in or sign-out asked for it on this session."""
    value = st.session_state.pop(_PENDING, None)
    if value is None:
        return
    _set_cookie(data={"name": signin.COOKIE_NAME, "value": value, "max_age": lifetime() if value else 0},
                key="signin_cookie_writer", height=0)
