"""The main journeys, as a person does them with mouse and keyboard, in Chromium against streamlit run."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from core.db import open_db
from core.people import add_person
from tests.browser.conftest import ROOT, _stop, settle, start_server, wait_for_app

FIXTURES = ROOT / "tests" / "fixtures"


def sidebar_count(page) -> str:
    return page.get_by_test_id("stSidebar").get_by_text(re.compile(r"^[\d,]+ people")).inner_text()


def nav(page, label: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=label).click()
    settle(page)


def click_button(page, name: str, exact: bool = True) -> None:
    page.get_by_role("button", name=name, exact=exact).first.click()
    settle(page)


@pytest.fixture
def fresh_empty(tmp_path):
    server = start_server(tmp_path)
    yield server
    _stop(server)


@pytest.fixture
def fresh_demo(tmp_path):
    server = start_server(tmp_path, demo=True)
    yield server
    _stop(server)


def test_1_first_run_says_what_to_do_and_loads_the_demo(page, fresh_empty):
    page.goto(fresh_empty.url)
    wait_for_app(page)

    expect(page.get_by_text("Welcome to Rapport")).to_be_visible()
    expect(page.get_by_role("button", name="Import LinkedIn connections")).to_be_visible()
    expect(page.get_by_role("button", name="Add a goal")).to_be_visible()
    click_button(page, "Load the demo data")

    expect(page.get_by_text(re.compile(r"Thank-yous to send"))).to_be_visible()
    expect(page.get_by_text("Follow up with Jordan Blake after the event")).to_be_visible()
    assert sidebar_count(page).startswith("42 people")


def add_person_through_the_form(page, url: str, name: str, email: str, company: str) -> None:
    page.goto(url + "/targets")
    wait_for_app(page)
    page.get_by_text("Add a person").first.click()
    page.get_by_label("Name (required)").fill(name)
    page.get_by_label("Company (created if new)").fill(company)
    page.get_by_label("Email").fill(email)
    click_button(page, "Add person")


def open_first_row(page) -> None:
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()  # the filters above it can push it below the fold
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the row-selection cell of the first row
    settle(page)


def test_2_to_4_add_find_meet_thank_and_the_board_and_score_follow(page, demo_server):
    name = "Zoë Journey"
    add_person_through_the_form(page, demo_server.url, name, "zoe+jobs@example.org", "Initech")
    expect(page.get_by_role("heading", name=name)).to_be_visible()

    # 2: find them in Targets by filtering, open their page.
    nav(page, "Targets")
    page.get_by_role("textbox", name="Search").fill("Zoë")
    page.get_by_role("textbox", name="Search").press("Enter")
    settle(page)
    expect(page.get_by_text(re.compile(r"^1 (person|people)"))).to_be_visible()
    open_first_row(page)
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_text("not in touch yet").first).to_be_visible()

    # 3: log a meeting; a thank-you is due within 48 hours, on the board and in the calendar.
    click_button(page, "Met today")
    expect(page.get_by_text(f"Thank {name}").first).to_be_visible()
    score_before = page.get_by_text(re.compile(r"^Score ~?\d+: ")).first.inner_text()
    nav(page, "Follow-ups")
    expect(page.get_by_text(f"Thank {name}")).to_be_visible()
    expect(page.get_by_text(re.compile(r"48 h(ours)? left in the 48-hour window")).first).to_be_visible()
    page.get_by_text("Calendar", exact=True).click()
    settle(page)
    frame = page.frame_locator("iframe[title='streamlit_calendar.calendar']")
    expect(frame.locator(".fc-event-title", has_text=f"Thank {name}").first).to_be_visible(timeout=20_000)

    # 4: compose the thank-you from the board, check the mail link, mark it sent.
    page.get_by_text("Board", exact=True).click()
    settle(page)
    card = page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_text(f"Thank {name}")).filter(
        has=page.get_by_role("button", name="Compose")).last
    card.get_by_role("button", name="Compose").click()
    settle(page)
    expect(page.get_by_role("heading", name="Compose")).to_be_visible()
    link = page.get_by_role("link", name="Open in mail app")
    href = link.get_attribute("href")
    assert href.startswith("mailto:zoe%2Bjobs@example.org?subject=")
    query = href.split("?", 1)[1]
    assert "+" not in query and " " not in query
    assert "%20" in query and "%0D%0A" in query
    assert unquote(query.split("&body=", 1)[1]).startswith("Hi Zoë,\r\n")
    click_button(page, "Mark sent")

    nav(page, "Follow-ups")
    expect(page.get_by_text(f"Thank {name}")).to_have_count(0)
    page.goto(demo_server.url + "/targets")
    wait_for_app(page)
    page.get_by_role("textbox", name="Search").fill("Zoë")
    page.get_by_role("textbox", name="Search").press("Enter")
    settle(page)
    open_first_row(page)
    score_after = page.get_by_text(re.compile(r"^Score ~?\d+: ")).first.inner_text()
    assert score_after != score_before


def test_5_import_linkedin_connections_and_a_broken_file_adds_nobody(page, fresh_empty, tmp_path):
    page.goto(fresh_empty.url + "/data")
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(str(FIXTURES / "Connections.csv"))
    settle(page)
    click_button(page, "Preview the import")
    expect(page.get_by_text(re.compile(r"add 2 people"))).to_be_visible()
    click_button(page, "Confirm the import")
    expect(page.get_by_text(re.compile(r"Imported: 2 added"))).to_be_visible()
    assert sidebar_count(page).startswith("2 people")

    broken = tmp_path / "Connections.csv"
    broken.write_bytes(b"\x00\x01\x02PK\x03\x04 not a csv \xff\xfe" * 20)
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(str(broken))
    settle(page)
    click_button(page, "Preview the import")
    expect(page.get_by_test_id("stAlertContentError").first).to_be_visible()
    assert sidebar_count(page).startswith("2 people")
    assert open_db(fresh_empty.db_path).table("people").count == 2


def test_6_download_a_backup_and_restore_it(page, fresh_demo, tmp_path):
    page.goto(fresh_demo.url + "/data")
    wait_for_app(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download a full backup (.db)").first.click()
    saved = tmp_path / "backup.db"
    info.value.save_as(saved)
    assert saved.read_bytes()[:16] == b"SQLite format 3\x00"

    add_person_through_the_form(page, fresh_demo.url, "Added After Backup", "", "")
    assert sidebar_count(page).startswith("43 people")

    page.goto(fresh_demo.url + "/data")
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").last.set_input_files(str(saved))
    page.get_by_text("Yes, replace my current data with this backup").click()
    click_button(page, "Restore")
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_be_visible()
    page.reload()
    wait_for_app(page)
    assert sidebar_count(page).startswith("42 people")


HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">'
HOSTILE_NOTE = "<script>window.__pwned2=1</script>"


@pytest.mark.parametrize("path", ["/targets", "/person?id={pid}", "/board", "/compose?person={pid}&purpose=check_in",
                                  "/"])
def test_8_hostile_text_is_shown_literally_and_creates_no_element(page, demo_server, path):
    db = open_db(demo_server.db_path)
    found = db.execute("select id from people where name = ?", [HOSTILE_NAME]).fetchone()
    if found:
        pid = found[0]
    else:
        from core.interactions import log_interaction
        from core.relationships import refresh_people

        pid = add_person(db, name=HOSTILE_NAME, company=HOSTILE_NOTE, notes=HOSTILE_NOTE, details=HOSTILE_NOTE,
                         email="eve@example.org")
        import datetime

        log_interaction(db, pid, day=datetime.date(2026, 11, 27), channel="video", notes=HOSTILE_NOTE,
                        today=datetime.date(2026, 11, 27))
        refresh_people(db, datetime.date(2026, 11, 27), [pid])

    page.goto(demo_server.url + path.format(pid=pid))
    wait_for_app(page)
    page.wait_for_timeout(500)

    if path.startswith("/compose"):  # the name sits in the draft, a text area
        assert page.get_by_role("textbox", name="Message").first.input_value().startswith("Hi <img,")
    elif path != "/targets":  # the table draws on a canvas: no DOM text to find there
        expect(page.get_by_text(HOSTILE_NAME).filter(visible=True).first).to_be_visible()
    for frame in page.frames:
        assert frame.locator("img[src='x']").count() == 0
        assert frame.locator("[onerror]").count() == 0
        scripts = frame.eval_on_selector_all("script", "els => els.map(e => e.textContent)")
        assert not any("__pwned" in s for s in scripts)
    assert page.evaluate("() => [window.__pwned, window.__pwned2]") == [None, None]


def test_two_sessions_adding_at_the_same_time_both_keep_their_changes(browser, demo_server):
    pages = []
    for who in ("Session One", "Session Two"):
        context = browser.new_context()
        p = context.new_page()
        p.goto(demo_server.url + "/targets")
        wait_for_app(p)
        p.get_by_text("Add a person").first.click()
        p.get_by_label("Name (required)").fill(f"{who} Person")
        pages.append(p)

    for p in pages:  # both submit before either has finished
        p.get_by_role("button", name="Add person").click(no_wait_after=True)
    for p, who in zip(pages, ("Session One", "Session Two"), strict=True):
        # Wait for what the write shows (the new person's own page), not for a fixed time: on a busy
        # machine the rerun may not even have started after a few hundred milliseconds.
        expect(p.get_by_role("heading", name=f"{who} Person")).to_be_visible(timeout=60_000)
        settle(p)

    names = {r[0] for r in open_db(demo_server.db_path).execute("select name from people")}
    assert {"Session One Person", "Session Two Person"} <= names
    for p in pages:
        p.context.close()


def test_one_truth_a_thank_you_marked_sent_on_today_is_in_the_log_the_victories_and_the_score(page, fresh_empty):
    name = "Leila Truth"
    add_person_through_the_form(page, fresh_empty.url, name, "leila@example.org", "Globex")
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    click_button(page, "Met today")
    expect(page.get_by_text(f"Thank {name}", exact=True)).to_have_count(1)  # an open follow-up on their page

    # Today: the thank-you is due; "Sent" records it, and Today says what it logged.
    nav(page, "Today")
    expect(page.get_by_text(f"Thank {name}").first).to_be_visible()
    click_button(page, "Sent")
    expect(page.get_by_text(f"Logged a thank-you to {name} by email today.")).to_be_visible()
    expect(page.get_by_text(f"You thanked {name} within 48 hours")).to_be_visible()

    # The person's timeline holds the thank-you, and no thank-you is left to do.
    db = open_db(fresh_empty.db_path)
    [pid] = [r[0] for r in db.execute("select id from people where name = ?", [name])]
    page.goto(f"{fresh_empty.url}/person?id={pid}")
    wait_for_app(page)
    expect(page.get_by_text("Thanked them").first).to_be_visible()
    expect(page.get_by_text("Open follow-ups")).to_be_visible()
    expect(page.get_by_text(f"Thank {name}", exact=True)).to_have_count(0)
    natures = [r[0] for r in db.execute("select nature from interactions where person_id = ? order by id", [pid])]
    assert natures == ["", "thank_you"]
