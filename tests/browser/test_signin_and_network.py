"""A saved link survives the password, a cookie keeps the sign-in through a reload, and no request ever
leaves the machine (the network log of a whole journey, from the very first load of a fresh server)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from core.db import open_db
from core.signin import COOKIE_NAME
from tests.browser.conftest import ROOT, _stop, settle, start_server, wait_for_app

PASSWORD = "correct horse battery"
# What Streamlit's legacy pages/ mode lists: the entry script and each file's name (lower case, no leading _).
RAW_NAMES = {"app"} | {f.stem.lstrip("_").replace("_", " ") for f in (ROOT / "pages").glob("*.py")}

# Every link text the sidebar navigation ever shows, recorded from the first byte of the page on.
RECORD_NAV = """
window.__navTexts = new Set();
new MutationObserver(() => {
    for (const a of document.querySelectorAll("[data-testid='stSidebarNav'] a, [data-testid='stSidebarNavLink']")) {
        window.__navTexts.add(a.innerText.trim().split("\\n").pop().trim());  // the label, not the icon's name
    }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def sign_in(page, password: str = PASSWORD) -> None:
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    settle(page)


def person_name(server, pid: int) -> str:
    return open_db(server.db_path).execute("select name from people where id = ?", [pid]).fetchone()[0]


@pytest.mark.parametrize(("path", "heading"), [("/targets", "Targets"), ("/person?id=2", None)])
def test_a_saved_link_shows_the_sign_in_and_opens_after_it_then_a_reload_stays_signed_in(
        page, gated_server, path, heading):
    heading = heading or person_name(gated_server, 2)
    page.goto(gated_server.url + path)
    wait_for_app(page)

    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
    assert "Page not found" not in page.locator("body").inner_text()
    assert page.get_by_role("heading", name=heading).count() == 0

    sign_in(page)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert page.url == gated_server.url + path  # the address and its query, kept through the sign-in
    cookie = [c for c in page.context.cookies() if c["name"] == COOKIE_NAME]
    assert len(cookie) == 1 and cookie[0]["sameSite"] == "Strict" and cookie[0]["expires"] > 0

    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert page.get_by_role("textbox", name="Password").count() == 0


def test_signing_out_clears_the_cookie_and_a_forged_one_is_refused(browser, gated_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(gated_server.url + "/board")
    wait_for_app(page)
    sign_in(page)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    settle(page)
    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
    assert [c for c in context.cookies() if c["name"] == COOKIE_NAME] == []
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
    context.close()

    forged = browser.new_context()
    host = urlsplit(gated_server.url).hostname
    forged.add_cookies([{"name": COOKIE_NAME, "value": "v1.4102444800." + "0" * 64, "domain": host, "path": "/"}])
    page = forged.new_page()
    page.goto(gated_server.url + "/targets")
    wait_for_app(page)
    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
    assert page.get_by_test_id("stSidebarNav").count() == 0
    forged.close()


def test_no_request_leaves_the_machine_and_the_raw_file_list_never_shows(browser, tmp_path):
    server = start_server(tmp_path)  # fresh: its very first run is Streamlit's legacy pages/ run
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.add_init_script(RECORD_NAV)
    page = context.new_page()
    try:
        page.goto(server.url)
        wait_for_app(page)
        expect(page.get_by_text("Welcome to Rapport")).to_be_visible()
        page.get_by_role("button", name="Load the demo data").click()
        settle(page)
        expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
        for title in ("Goals", "Targets", "Companies", "Events", "Follow-ups", "Compose", "Insights", "Your data",
                      "Settings", "Today"):
            page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
            settle(page)
        page.goto(server.url + "/board")
        wait_for_app(page)
        page.get_by_text("Calendar", exact=True).click()
        settle(page)
        page.frame_locator("iframe[title='streamlit_calendar.calendar']").locator(".fc-event-title").first.wait_for()
        page.goto(server.url + "/person?id=2")
        wait_for_app(page)
        page.goto(server.url + "/compose?person=2&purpose=thank_you")
        wait_for_app(page)
        page.wait_for_timeout(1000)  # late fetches: the favicon, fonts first needed by the last page

        nav_texts = set(page.evaluate("() => [...window.__navTexts]"))
        favicon = page.locator("link[rel='shortcut icon']").get_attribute("href")
    finally:
        context.close()
        _stop(server)

    own = urlsplit(server.url).netloc
    assert requests
    elsewhere = sorted({u for u in requests if not u.startswith(("data:", "blob:", "about:"))
                        and urlsplit(u).netloc != own})
    assert elsewhere == []
    assert urlsplit(favicon).netloc in ("", own) and re.search(r"/media/", favicon)
    assert {"Today", "Targets", "Follow-ups", "Settings"} <= nav_texts  # the recorder saw the real navigation
    assert not nav_texts & RAW_NAMES, nav_texts & RAW_NAMES  # and never "app", "board", "ui": the file names
