"""Issue 18's journey in Chromium: add an opportunity, link a recruiter and an insider, ask the insider for a
referral and be redirected to a give-first draft, log an interview, and see the 24-hour thank-you on Today and
the board."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from core import interactions, people
from core.db import open_db
from tests.browser.conftest import TODAY, _stop, settle, start_server, wait_for_app


@pytest.fixture
def globex_server(tmp_path):
    """A server on a database with three people at Globex: a recruiter, a one-way insider and a warm friend."""
    today = date.fromisoformat(TODAY)
    db = open_db(tmp_path / "rapport.db")
    people.add_person(db, name="Rita Recruiter", company="Globex", today=today)
    insider = people.add_person(db, name="Ian Insider", company="Globex", today=today)
    warm = people.add_person(db, name="Wanda Warm", company="Globex", today=today)
    interactions.log_interaction(db, insider, day=today - timedelta(days=30), channel="email", responded=False,
                                 today=today)
    for k in range(3):
        interactions.log_interaction(db, warm, day=today - timedelta(days=10 * k + 5), channel="video",
                                     direction="them", nature="conversation", today=today)
    db.conn.close()
    server = start_server(tmp_path)
    yield server
    _stop(server)


def choose(page, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox or multiselect by its label."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    if not box.count():
        box = page.get_by_test_id("stMultiSelect").filter(has_text=label)
    box.first.click()
    page.keyboard.type(option)  # narrows a long or virtualised list to the one option
    page.get_by_role("option", name=option, exact=True).first.click()
    page.keyboard.press("Escape")  # a multiselect stays open after a pick
    settle(page)


def link(page, name: str, role: str) -> None:
    if not page.get_by_label("Find someone on your list").is_visible():
        page.get_by_text("Link a person").first.click()
    page.get_by_label("Find someone on your list").fill(name)
    page.get_by_label("Find someone on your list").press("Enter")
    settle(page)
    choose(page, "Their role", role)
    page.get_by_role("button", name="Link", exact=True).click()
    settle(page)
    expect(page.get_by_test_id("stAlertContentSuccess").get_by_text(f"Linked {name} as {role.lower()}")).to_be_visible()


def test_opportunity_journey_referral_give_first_and_interview_thank_yous(page, globex_server):
    page.goto(globex_server.url + "/opportunities")
    wait_for_app(page)
    expect(page.get_by_text("No opportunities yet")).to_be_visible()

    page.get_by_text("Add an opportunity").first.click()
    page.get_by_label("Role title (required)").fill("Analytics Engineer")
    page.get_by_label("Company (required)").fill("Globex")
    page.get_by_role("button", name="Add opportunity").click()
    settle(page)
    expect(page.get_by_role("heading", name="Analytics Engineer at Globex")).to_be_visible()

    link(page, "Rita Recruiter", "Recruiter")
    link(page, "Ian Insider", "Insider who advised")

    # A referral ask to a one-way relationship: Rapport offers a give-first draft and a warmer path.
    choose(page, "Who to ask", "Ian Insider")
    page.get_by_role("button", name="Draft the referral ask").click()
    settle(page)
    expect(page.get_by_text("Give first:")).to_be_visible()
    expect(page.get_by_label("Give-first message")).not_to_be_empty()
    expect(page.get_by_text("A warmer path")).to_be_visible()

    # The interview: Rita interviewed; her thank-you is due within 24 hours, on Today and the board.
    choose(page, "Interviewers", "Rita Recruiter")
    page.get_by_role("button", name="Log interview").click()
    settle(page)
    expect(page.get_by_test_id("stAlertContentSuccess").get_by_text("due within 24 hours")).to_be_visible()

    thank = "Thank Rita Recruiter for the Analytics Engineer interview"
    page.goto(globex_server.url + "/")
    wait_for_app(page)
    expect(page.get_by_text(thank).first).to_be_visible()
    page.goto(globex_server.url + "/board")
    wait_for_app(page)
    expect(page.get_by_text(thank).first).to_be_visible()
