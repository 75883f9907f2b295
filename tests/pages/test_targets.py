"""The Targets page: the filterable list, adding a person, merging duplicates."""

from __future__ import annotations

from core import people
from core.db import open_db
from tests.helpers import open_page, shown_text


def test_an_empty_list_says_how_to_get_people_in(app):
    at = open_page(app, "targets")

    assert "No one on your list yet" in at.info[0].value
    assert not at.dataframe


def test_the_demo_list_renders_with_scores_and_reasons(app, demo_path):
    at = open_page(app, "targets")

    table = at.dataframe[0].value
    total = people.list_people(open_db(demo_path), limit=0)[1]
    assert len(table) == min(total, 50)
    assert {"Name", "Company", "Stage", "Score", "Status", "Why"} <= set(table.columns)
    assert f"{total:,} people" in shown_text(at)


def test_adding_a_person_stores_them_with_a_new_company_and_opens_their_page(app, db_path):
    at = open_page(app, "targets")

    at.text_input(key="targets_add_name").input("Ana Reyes")
    at.text_input(key="targets_add_title").input("Head of Data")
    at.text_input(key="targets_add_company").input("Northwind")
    at.text_input(key="targets_add_tags").input("Data, Lisbon")
    at.text_area(key="targets_add_needs").input("Hiring two analysts")
    at.button(key="FormSubmitter:targets_add-Add person").click().run()

    db = open_db(db_path)
    found, total = people.list_people(db)
    assert total == 1
    ana = people.get_person(db, found[0]["id"])
    assert (ana["name"], ana["title"], ana["company"], ana["tags"], ana["needs"]) == \
        ("Ana Reyes", "Head of Data", "Northwind", ["data", "lisbon"], "Hiring two analysts")
    assert at.title[0].value == "Ana Reyes"


def test_an_empty_name_shows_a_clear_error_and_writes_nothing(app, db_path):
    at = open_page(app, "targets")

    at.text_input(key="targets_add_name").input("   ")
    at.text_input(key="targets_add_company").input("Globex")
    at.button(key="FormSubmitter:targets_add-Add person").click().run()

    assert at.error[0].value == "Name can't be empty."
    db = open_db(db_path)
    assert people.list_people(db, include_archived=True)[1] == 0
    assert people.list_companies(db) == []


def test_a_bad_email_is_refused(app, db_path):
    at = open_page(app, "targets")

    at.text_input(key="targets_add_name").input("Ana")
    at.text_input(key="targets_add_email").input("not-an-email")
    at.button(key="FormSubmitter:targets_add-Add person").click().run()

    assert "doesn't look like an email" in at.error[0].value
    assert people.list_people(open_db(db_path))[1] == 0


def test_filters_narrow_the_list(app, demo_path):
    db = open_db(demo_path)
    stage = "conversed"
    expected = people.list_people(db, stage=stage, limit=500)[0]
    at = open_page(app, "targets")

    at.selectbox(key="targets_stage").select(stage).run()

    table = at.dataframe[0].value
    assert list(table["Name"]) == [p["name"] for p in expected][:50]
    assert set(table["Stage"]) == {stage}


def test_a_search_that_matches_no_one_says_so(app, demo_path):
    at = open_page(app, "targets")

    at.text_input(key="targets_search").input("zzzz-nobody").run()

    assert not at.dataframe
    assert "No one matches these filters" in at.info[0].value


def test_selecting_a_row_opens_that_persons_page(app, demo_path):
    first = people.list_people(open_db(demo_path), limit=1)[0][0]
    at = open_page(app, "targets")

    at.session_state["targets_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()

    assert not at.exception
    assert at.title[0].value.replace("\\", "") == first["name"]


def test_the_list_pages_through_many_people(app, db_path):
    db = open_db(db_path)
    for n in range(120):
        people.add_person(db, name=f"Person {n:03d}")
    at = open_page(app, "targets")

    at.selectbox(key="targets_sort").select("name").run()
    at.number_input(key="targets_page").set_value(3).run()

    table = at.dataframe[0].value
    assert list(table["Name"]) == [f"Person {n:03d}" for n in range(100, 120)]
    assert "120 people · showing 101-120" in shown_text(at)


def test_merging_suggested_duplicates_keeps_one_record(app, db_path):
    db = open_db(db_path)
    keep = people.add_person(db, name="Mei Chen", email="mei@example.com")
    drop = people.add_person(db, name="Mei Chen", title="Data Engineer")
    at = open_page(app, "targets")

    at.button(key="targets_find_dupes").click().run()
    at.button(key=f"targets_merge_pair_{keep}_{drop}").click().run()

    assert people.list_people(db)[1] == 1
    kept = people.get_person(db, keep)
    assert (kept["email"], kept["title"]) == ("mei@example.com", "Data Engineer")
    assert "Merged" in at.success[0].value


def test_merging_by_hand_needs_a_confirmation(app, db_path):
    db = open_db(db_path)
    keep = people.add_person(db, name="Kwame Mensah")
    drop = people.add_person(db, name="K. Mensah", company="Globex")
    at = open_page(app, "targets")

    at.text_input(key="targets_merge_a_q").input("K. Mensah").run()
    at.text_input(key="targets_merge_b_q").input("Kwame").run()
    at.button(key="targets_merge_go").click().run()

    assert "Tick the box" in at.error[0].value
    assert people.list_people(db)[1] == 2

    at.checkbox(key="targets_merge_sure").check()
    at.button(key="targets_merge_go").click().run()

    assert people.list_people(db)[1] == 1
    assert people.get_person(db, keep)["company"] == "Globex"
    assert not any(p["id"] == drop for p in people.list_people(db, include_archived=True)[0])


def test_html_in_a_name_is_shown_literally(app, db_path):
    db = open_db(db_path)
    name = "<b>bold</b> <script>x</script>"
    people.add_person(db, name=name, company="<i>Acme</i>")
    people.add_person(db, name=name)
    at = open_page(app, "targets")

    assert list(at.dataframe[0].value["Name"]) == [name, name]
    at.button(key="targets_find_dupes").click().run()

    shown = [m.value for m in at.markdown if "bold" in m.value]
    assert shown and all("<b>" not in m and "\\<b\\>" in m for m in shown)
    assert not any(m.proto.allow_html for m in at.markdown)
