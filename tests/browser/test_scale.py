"""A real network in Chromium: 3,000 imported LinkedIn connections, edited 500 at a time and found from the
composer; an import's result shown where the user clicked Confirm."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from core.db import open_db
from core.demo import connections_csv
from tests.browser.conftest import ROOT, TODAY, Server, _stop, settle, start_server, wait_for_app
from tests.helpers import import_file

FIXTURES = ROOT / "tests" / "fixtures"
BULK_COMPANY = "Bulkco Payments"


def three_thousand() -> bytes:
    """connections_csv(3000) with every sixth person at one company: 500 people a filter finds."""
    lines = connections_csv(3000).decode().split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("First Name,"))
    for n, i in enumerate(range(header + 1, len(lines))):
        cells = lines[i].split(",")
        if n % 6 == 0 and len(cells) == 7:
            cells[4] = BULK_COMPANY
            lines[i] = ",".join(cells)
    return "\n".join(lines).encode()


@pytest.fixture(scope="module")
def network_server(tmp_path_factory) -> Iterator[Server]:
    from datetime import date

    folder = tmp_path_factory.mktemp("network")
    report = import_file(open_db(folder / "rapport.db"), "linkedin", three_thousand(), date.fromisoformat(TODAY))
    assert report["added"] == 3000
    server = start_server(folder)
    yield server
    _stop(server)


def count(server: Server, sql: str) -> int:
    return open_db(server.db_path).execute(sql).fetchone()[0]


def choose(page, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox by its label."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).first.click()
    settle(page)


def test_bulk_edit_500_of_3000_imported_people_in_one_action_and_undo_it(page, network_server):
    server = network_server
    assert count(server, f"select count(*) from people p join companies c on c.id = p.company_id "
                         f"where c.name = '{BULK_COMPANY}'") == 500
    page.goto(server.url + "/targets")
    wait_for_app(page)
    page.get_by_role("textbox", name="Search").fill("Bulkco")
    page.get_by_role("textbox", name="Search").press("Enter")
    settle(page)
    expect(page.get_by_text(re.compile(r"^500 people · showing 1-50"))).to_be_visible()
    page.get_by_text("Edit several").click()
    settle(page)
    page.get_by_text("Everyone that matches the filters (500)").click()
    settle(page)
    choose(page, "Change", "Set the industry")
    page.get_by_role("textbox", name="New industry").fill("Fintech")
    page.get_by_role("textbox", name="New industry").press("Enter")
    settle(page)
    page.get_by_role("button", name="Apply to 500 people").click()
    settle(page)
    expect(page.get_by_text("500 people industry set to 'Fintech'.").first).to_be_visible()
    assert count(server, "select count(*) from people where industry = 'Fintech'") == 500
    assert count(server, "select count(*) from people where industry != ''") == 500

    page.get_by_role("button", name="Undo").click()
    settle(page)
    expect(page.get_by_text(re.compile(r"Undone: 500 people industry set")).first).to_be_visible()
    assert count(server, "select count(*) from people where industry != ''") == 0


@pytest.mark.parametrize("position", ["first", "middle", "last"])
def test_find_any_of_3000_people_from_the_composer(page, network_server, position):
    server = network_server
    offset = {"first": 0, "middle": 1499, "last": 2999}[position]
    name, company, email = open_db(server.db_path).execute(
        "select p.name, c.name, p.email from people p join companies c on c.id = p.company_id "
        "order by p.id limit 1 offset ?", [offset]).fetchone()
    page.goto(server.url + "/compose")
    wait_for_app(page)
    box = page.get_by_role("textbox", name="Find a person")
    box.fill(email or name)
    box.press("Enter")
    settle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="To").first.click()
    expect(page.get_by_role("option", name=f"{name} — {company}").first).to_be_visible()


def test_the_composer_says_how_many_more_match(page, network_server):
    zaras = count(network_server, "select count(*) from people where name like 'Zara %'")
    assert zaras > 50
    page.goto(network_server.url + "/compose")
    wait_for_app(page)
    box = page.get_by_role("textbox", name="Find a person")
    box.fill("Zara")
    box.press("Enter")
    settle(page)
    expect(page.get_by_text(f"{zaras - 50:,} more match: type more of the name, company or email.")).to_be_visible()


def test_the_import_result_is_in_view_after_confirm(page, network_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(network_server.url + "/data")
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(str(FIXTURES / "Connections.csv"))
    settle(page)
    page.get_by_role("button", name="Preview the import").click()
    settle(page)
    confirm = page.get_by_role("button", name="Confirm the import")
    confirm.scroll_into_view_if_needed()
    confirm.click()
    settle(page)
    result = page.get_by_text(re.compile(r"^Imported: 2 added"))
    expect(result).to_be_visible()
    expect(result).to_be_in_viewport()
    expect(page.get_by_test_id("stMetric").filter(has_text="Added").first).to_be_in_viewport()
