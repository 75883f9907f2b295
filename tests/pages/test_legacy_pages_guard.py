"""The guard in pages/_ui.py (ARCHITECTURE.md, deliberate oddities): a page served by Streamlit's legacy pages/
discovery switches the server to st.navigation and reruns, so app.py and its sign-in gate always run first."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from pages import _ui


def test_a_page_served_in_legacy_pages_mode_leaves_it_for_good_and_reruns_through_app_py(monkeypatch):
    reruns = []
    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)
    monkeypatch.setattr(st, "rerun", lambda: reruns.append("rerun"))

    _ui._leave_legacy_pages_mode()

    assert PagesManager.uses_pages_directory is False
    assert reruns == ["rerun"]


def test_once_st_navigation_is_in_charge_the_guard_does_nothing(monkeypatch):
    reruns = []
    monkeypatch.setattr(PagesManager, "uses_pages_directory", False)
    monkeypatch.setattr(st, "rerun", lambda: reruns.append("rerun"))

    _ui._leave_legacy_pages_mode()

    assert PagesManager.uses_pages_directory is False
    assert reruns == []
