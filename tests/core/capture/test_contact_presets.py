"""Google Contacts and Outlook CSVs are recognised by their headers and imported without a mapping."""

from __future__ import annotations

import pytest

from core import importers
from core.capture import contact_presets
from tests.core.capture.support import FIXTURES


def headers(name: str) -> list[str]:
    return importers.csv_headers((FIXTURES / name).read_bytes())


def imported(db, today, name: str) -> list[tuple]:
    data = (FIXTURES / name).read_bytes()
    plan = importers.plan_import(db, "csv", data, today, {"mapping": contact_presets.preset_mapping(
        importers.csv_headers(data))})
    importers.apply_import(db, plan, today)
    return db.execute("select name, title, email, phone, website, linkedin_url, location, role, tags, notes, "
                      "(select name from companies c where c.id = company_id) from people order by id").fetchall()


def alternates(db) -> list[tuple]:
    return db.execute("select field, value from person_alternates order by id").fetchall()


@pytest.mark.parametrize(("name", "label"), [("google_contacts.csv", "Google Contacts CSV"),
                                              ("outlook_contacts.csv", "Outlook CSV")])
def test_each_export_is_recognised_by_its_headers(name, label):
    assert contact_presets.label(headers(name)) == label


def test_other_csvs_are_left_to_the_generic_mapping():
    assert contact_presets.recognise(["Name", "Email", "Company"]) is None
    assert contact_presets.preset_mapping(["First Name", "Last Name", "Email"]) is None


def test_google_contacts_import_with_every_address_and_their_labels(db, today):
    rows = imported(db, today, "google_contacts.csv")
    assert rows[0] == ("Ana Lopez", "Head of Product", "ana@lopez.example", "+44 7700 900123", "",
                       "https://www.linkedin.com/in/ana-lopez", "London", "Product", '["mentors"]',
                       "Met at ProductCamp", "Acme Robotics")
    assert rows[1][:3] == ("Zoë Martin", "Designer", "zoe@martin.example")
    assert len(rows) == 2  # the row with no name is skipped
    assert alternates(db) == [("email", "ana.l@home.example"), ("email", "ana.old@home.example")]


def test_outlook_job_title_is_the_title_not_mr_or_dr(db, today):
    guessed = importers.suggest_mapping(headers("outlook_contacts.csv"))
    assert guessed["Title"] == "title"  # what a guess from the headers alone would do
    rows = imported(db, today, "outlook_contacts.csv")
    assert [(r[0], r[1], r[10]) for r in rows] == [("Bob Smith", "Engineering Manager", "Initech"),
                                                   ("Dan Okafor", "Data Scientist", "Umbrella")]
    assert rows[0][3] == "+1 917 555 0199" and rows[0][8] == '["engineering", "referrals"]'
    assert alternates(db) == [("email", "b.smith@corp.example"), ("phone", "+1 212 555 0100")]


def test_the_old_google_export_uses_the_full_name():
    old = ["Name", "Given Name", "Additional Name", "Family Name", "Group Membership", "E-mail 1 - Type",
           "E-mail 1 - Value", "Organization 1 - Name", "Organization 1 - Title"]
    mapping = contact_presets.preset_mapping(old)
    assert {h: f for h, f in mapping.items() if f} == {
        "Name": "name", "Group Membership": "tags", "E-mail 1 - Value": "email",
        "Organization 1 - Name": "company", "Organization 1 - Title": "title"}


def test_the_default_mapping_is_a_known_exports_own_else_the_guess_from_the_headers(db, today):
    outlook = headers("outlook_contacts.csv")
    assert importers.default_mapping(outlook) == contact_presets.preset_mapping(outlook)
    assert importers.default_mapping(outlook)["Title"] == ""  # Mr/Ms, not the job
    plain = ["Full Name", "E-mail Address", "Job Title"]
    assert importers.default_mapping(plain) == importers.suggest_mapping(plain)
    # With no mapping given, the importer takes the default: Outlook's Job Title is the title.
    plan = importers.plan_import(db, "csv", (FIXTURES / "outlook_contacts.csv").read_bytes(), today)
    importers.apply_import(db, plan, today)
    assert db.execute("select title from people where name = 'Bob Smith'").fetchone()[0] == "Engineering Manager"
