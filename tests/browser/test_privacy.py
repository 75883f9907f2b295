"""Journey 7: with a password in secrets, nothing but the password prompt shows until it is entered."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import settle, wait_for_app

DEMO_NAMES = ("Jordan Blake", "Ama Owusu", "Pat Seeker")


@pytest.mark.parametrize("path", ["/", "/targets", "/person?id=1", "/board", "/data", "/settings", "/insights"])
def test_no_page_shows_data_before_the_password(page, gated_server, path):
    page.goto(gated_server.url + path)
    wait_for_app(page)

    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
    body = page.locator("body").inner_text()
    assert not any(name in body for name in DEMO_NAMES)
    assert "people ·" not in body
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert page.title() == "Rapport"


def test_the_right_password_opens_the_app_and_a_wrong_one_does_not(page, gated_server):
    page.goto(gated_server.url)
    wait_for_app(page)

    page.get_by_role("textbox", name="Password").fill("guess")
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    expect(page.get_by_text("That password is not right.")).to_be_visible()
    assert page.get_by_test_id("stSidebarNav").count() == 0

    page.get_by_role("textbox", name="Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    expect(page.get_by_text("42 people")).to_be_visible()


@pytest.mark.parametrize("path", ["/targets", "/person?id=1"])
def test_the_first_visit_to_a_fresh_server_cannot_skip_the_gate(page, tmp_path, path):
    # Streamlit's legacy pages/ discovery serves page files directly until some session has called
    # st.navigation; a fresh server whose first visitor types a page URL must still ask for the password.
    from tests.browser.conftest import _stop, start_server

    server = start_server(tmp_path, secrets='password = "pw"\n', demo=True)
    try:
        page.goto(server.url + path)
        wait_for_app(page)

        expect(page.get_by_role("textbox", name="Password")).to_be_visible()
        body = page.locator("body").inner_text()
        assert not any(name in body for name in DEMO_NAMES)
        assert "_ui" not in body and "Targets" not in body
    finally:
        _stop(server)
