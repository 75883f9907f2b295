"""The Companies page: the list, adding one, a company's research and who you know there, merging."""

from __future__ import annotations

from core import people
from core.db import open_db
from tests.helpers import open_page, shown_text


def test_an_empty_list_says_what_to_do(app):
    at = open_page(app, "companies")

    assert "No companies yet" in at.info[0].value


def test_the_demo_companies_are_listed_with_people_and_best_score(app, demo_path):
    expected = people.list_companies(open_db(demo_path))
    at = open_page(app, "companies")

    table = at.dataframe[0].value
    assert list(table["Company"]) == [c["name"] for c in expected]
    assert list(table["People you know"]) == [c["people"] for c in expected]


def test_adding_a_company_opens_its_page(app, db_path):
    at = open_page(app, "companies")

    at.text_input(key="companies_add_name").input("Northwind")
    at.text_input(key="companies_add_industry").input("data")
    at.button(key="FormSubmitter:companies_add-Add company").click().run()

    [c] = people.list_companies(open_db(db_path))
    assert (c["name"], c["industry"]) == ("Northwind", "data")
    assert at.title[0].value == "Northwind"


def test_an_empty_or_duplicate_company_name_is_refused(app, db_path):
    people.add_company(open_db(db_path), name="Globex")
    at = open_page(app, "companies")

    at.button(key="FormSubmitter:companies_add-Add company").click().run()
    assert at.error[0].value == "Company name can't be empty."

    at.text_input(key="companies_add_name").input("globex")
    at.button(key="FormSubmitter:companies_add-Add company").click().run()
    assert "already on your list" in at.error[0].value
    assert len(people.list_companies(open_db(db_path))) == 1


def test_selecting_a_row_opens_the_company(app, demo_path):
    first = people.list_companies(open_db(demo_path))[0]
    at = open_page(app, "companies")

    at.session_state["companies_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()

    assert at.title[0].value.replace("\\", "") == first["name"]


def test_a_company_page_shows_who_i_know_there_with_their_state(app, db_path):
    db = open_db(db_path)
    people.add_person(db, name="Ana Reyes", title="Head of Data", company="Northwind")
    people.add_person(db, name="Mei Chen", company="Northwind")
    cid = people.list_companies(db)[0]["id"]
    at = open_page(app, "companies", id=cid)

    assert [link.label for link in at.get("page_link")] == ["Ana Reyes", "Mei Chen"]
    assert "stage **stranger**" in shown_text(at)
    assert "Not in touch yet" in shown_text(at)


def test_the_research_checklist_and_fields_are_saved(app, db_path):
    cid = people.add_company(open_db(db_path), name="Northwind")
    at = open_page(app, "companies", id=cid)

    at.checkbox(key="companies_checked_news").check()
    at.button(key="FormSubmitter:companies_checklist-Save checklist").click().run()
    at.text_area(key="companies_edit_culture").input("Remote-first, writes a lot")
    at.text_area(key="companies_edit_hiring_notes").input("Two analyst roles open")
    at.text_input(key="companies_edit_website").input("northwind.example")
    at.button(key="FormSubmitter:companies_edit-Save changes").click().run()

    c = people.get_company(open_db(db_path), cid)
    assert (c["checked_news"], c["checked_website"], c["culture"], c["hiring_notes"], c["website"]) == \
        (1, 0, "Remote-first, writes a lot", "Two analyst roles open", "https://northwind.example")


def test_a_bad_website_is_refused(app, db_path):
    cid = people.add_company(open_db(db_path), name="Northwind")
    at = open_page(app, "companies", id=cid)

    at.text_input(key="companies_edit_website").input("javascript:alert(1)")
    at.button(key="FormSubmitter:companies_edit-Save changes").click().run()

    assert "https://" in at.error[0].value
    assert people.get_company(open_db(db_path), cid)["website"] == ""


def test_merging_two_companies_moves_their_people(app, db_path):
    db = open_db(db_path)
    keep = people.add_company(db, name="Northwind Analytics")
    drop = people.add_company(db, name="Northwind", culture="Friendly")
    pid = people.add_person(db, name="Ana", company_id=drop)
    at = open_page(app, "companies", id=keep)

    at.selectbox(key="companies_merge_other").set_value(drop)
    at.button(key="companies_merge_go").click().run()
    assert "Tick the box" in at.error[0].value

    at.checkbox(key="companies_merge_sure").check()
    at.button(key="companies_merge_go").click().run()

    assert [c["name"] for c in people.list_companies(db)] == ["Northwind Analytics"]
    assert people.get_person(db, pid)["company"] == "Northwind Analytics"
    assert people.get_company(db, keep)["culture"] == "Friendly"


def test_an_unknown_company_id_says_so_and_goes_back(app, db_path):
    at = open_page(app, "companies", id=42)

    assert "There is no such company" in at.error[0].value
    at.button(key="companies_back").click().run()
    assert at.title[0].value == "Companies"


def test_html_in_company_text_is_shown_literally(app, db_path):
    db = open_db(db_path)
    evil = "<b>bold</b> <script>x</script>"
    cid = people.add_company(db, name=evil, industry=evil, culture=evil)
    people.add_person(db, name=evil, title=evil, company_id=cid)
    at = open_page(app, "companies")

    assert list(at.dataframe[0].value["Company"]) == [evil]
    at = open_page(at, "companies", id=cid)
    shown = [e.value for kind in ("markdown", "caption", "title") for e in getattr(at, kind) if "bold" in e.value]
    shown += [link.label for link in at.get("page_link")]
    assert len(shown) >= 4
    assert all("<b>" not in s and "\\<b\\>" in s for s in shown)
    assert not any(m.proto.allow_html for m in at.markdown)
