"""Roles from LinkedIn's Position, the editable mapping, and a company's industry reaching its people."""

from __future__ import annotations

import pytest

from core import people
from core.errors import ValidationError
from core.roles import DEFAULT_ROLE_MAP, format_role_map, get_role_map, role_for_title, save_role_map
from tests.helpers import import_file

CONNECTIONS = ("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
               "Ada,Lovelace,https://www.linkedin.com/in/ada,,Acme,Senior Product Manager,01 Jan 2025\n"
               "Rita,Hire,https://www.linkedin.com/in/rita,,Acme,Talent Acquisition Partner,01 Jan 2025\n"
               "Sam,Code,https://www.linkedin.com/in/sam,,Acme,Software Engineer,01 Jan 2025\n"
               "Cora,Dinate,https://www.linkedin.com/in/cora,,Acme,Coordinator,01 Jan 2025\n"
               "Kim,Kept,https://www.linkedin.com/in/kim,,Acme,Recruiter,01 Jan 2025\n")


@pytest.mark.parametrize(("title", "role"), [
    ("Senior Product Manager", "product"), ("Recruiter", "recruiting"), ("Talent Acquisition Lead", "recruiting"),
    ("Software Engineer", "engineering"), ("Engineering Manager", "engineering"),
    ("Product Marketing Manager", "marketing"), ("Coordinator", ""), ("", "")])
def test_role_for_title(title, role):
    assert role_for_title(title) == role


def test_linkedin_import_derives_the_role_where_it_is_empty(db, today):
    kim = people.add_person(db, name="Kim Kept", linkedin_url="https://www.linkedin.com/in/kim", role="hiring manager",
                            today=today)
    import_file(db, "linkedin", CONNECTIONS.encode(), today)
    roles = dict(db.execute("select name, role from people").fetchall())
    assert roles == {"Ada Lovelace": "product", "Rita Hire": "recruiting", "Sam Code": "engineering",
                     "Cora Dinate": "", "Kim Kept": "hiring manager"}
    assert people.get_person(db, kim)["role"] == "hiring manager"


def test_the_mapping_is_editable_and_used_by_the_import(db, today):
    save_role_map(db, "# mine\ncoordinator = operations\nproduct manager = pm\n")
    assert get_role_map(db) == [("coordinator", "operations"), ("product manager", "pm")]
    import_file(db, "linkedin", CONNECTIONS.encode(), today)
    roles = dict(db.execute("select name, role from people").fetchall())
    assert roles["Cora Dinate"] == "operations" and roles["Ada Lovelace"] == "pm" and roles["Sam Code"] == ""
    save_role_map(db, "")
    assert get_role_map(db) == list(DEFAULT_ROLE_MAP)


def test_a_bad_mapping_is_refused_and_changes_nothing(db):
    save_role_map(db, "recruiter = recruiting")
    with pytest.raises(ValidationError, match="Line 2"):
        save_role_map(db, "engineer = engineering\njust words\n")
    assert get_role_map(db) == [("recruiter", "recruiting")]
    assert format_role_map(get_role_map(db)) == "recruiter = recruiting"


def test_an_industry_set_on_a_company_applies_to_its_people_without_one(db, today):
    a = people.add_person(db, name="A", company="Acme", today=today)
    b = people.add_person(db, name="B", company="Acme", industry="Health", today=today)
    c = people.add_person(db, name="C", company="Other", today=today)
    cid = people.get_person(db, a)["company_id"]
    assert people.update_company(db, cid, industry="Fintech") == 1
    assert [people.get_person(db, p)["industry"] for p in (a, b, c)] == ["Fintech", "Health", ""]
    assert people.update_company(db, cid, notes="nothing about industry") == 0
