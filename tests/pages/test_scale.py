"""Working with thousands of people: bulk edits on Targets with undo, and the composer's "To" search."""

from __future__ import annotations

import pytest

from core import people
from core.db import open_db
from core.demo import connections_csv
from tests.helpers import import_file, open_page, shown_text


@pytest.fixture
def network(db_path, today):
    """2,100 imported connections: more than the composer lists without a search."""
    db = open_db(db_path)
    import_file(db, "linkedin", connections_csv(2100), today)
    return db


def test_bulk_edit_every_person_that_matches_the_filters_then_undo(app, network, today):
    product = people.matching_ids(network, role="product", today=today)
    assert len(product) > 100
    at = open_page(app, "targets")
    at.selectbox(key="targets_role").select("product").run()
    at.toggle(key="targets_bulk_mode").set_value(True).run()
    at.radio(key="targets_bulk_scope").set_value("all").run()
    at.selectbox(key="targets_bulk_action").select("tier").run()
    at.selectbox(key="targets_bulk_tier").select("core").run()
    at.button(key="targets_bulk_apply").click().run()
    assert not at.exception and not at.error
    assert f"{len(product):,} people" in shown_text(at)
    assert {p["tier"] for p in people.list_people(network, role="product", limit=5000, today=today)[0]} == {"core"}
    at.button(key="targets_bulk_undo").click().run()
    assert "Undone" in shown_text(at)
    assert {p["tier"] for p in people.list_people(network, role="product", limit=5000, today=today)[0]} == {
        "acquaintance"}


def test_bulk_edit_selected_rows_marks_targets_and_the_target_filter_finds_them(app, network, today):
    at = open_page(app, "targets")
    at.selectbox(key="targets_sort").select("name").run()
    at.toggle(key="targets_bulk_mode").set_value(True).run()
    at.session_state["targets_bulk_table"] = {"selection": {"rows": [0, 1, 2], "columns": [], "cells": []}}
    at.run()
    at.button(key="targets_bulk_apply").click().run()
    assert not at.exception and not at.error
    assert "3 people marked as targets" in shown_text(at)
    at.selectbox(key="targets_target").select("yes").run()
    assert "3 people · showing 1-3" in shown_text(at)
    assert list(at.dataframe[0].value["Target"]) == ["yes"] * 3


def test_rows_ticked_on_one_page_are_not_applied_to_the_same_positions_on_the_next(app, network, today):
    at = open_page(app, "targets")
    at.selectbox(key="targets_sort").select("name").run()
    at.toggle(key="targets_bulk_mode").set_value(True).run()
    at.session_state["targets_bulk_table"] = {"selection": {"rows": [0, 3], "columns": [], "cells": []}}
    at.run()
    assert at.button(key="targets_bulk_apply").label == "Apply to 2 people"

    at.number_input(key="targets_page").set_value(2).run()

    assert at.button(key="targets_bulk_apply").label == "Apply to 0 people"
    assert at.button(key="targets_bulk_apply").disabled


def test_a_bad_bulk_value_is_refused_with_a_sentence(app, network, today):
    at = open_page(app, "targets")
    at.toggle(key="targets_bulk_mode").set_value(True).run()
    at.radio(key="targets_bulk_scope").set_value("all").run()
    at.selectbox(key="targets_bulk_action").select("industry").run()
    at.text_input(key="targets_bulk_industry").input("x" * 301).run()
    at.button(key="targets_bulk_apply").click().run()
    assert "Industry is too long" in at.error[0].value
    assert not people.filter_options(network)["industries"]


def test_the_composer_finds_anyone_of_thousands_by_name_company_or_email(app, network):
    zaras = network.execute("select count(*) from people where name like 'Zara %'").fetchone()[0]
    assert zaras > 50
    at = open_page(app, "compose")
    at.text_input(key="compose_find").input("Zara").run()
    options = at.selectbox(key="compose_person").options
    assert len(options) == 50 and all(o.startswith("Zara") for o in options)
    assert f"{zaras - 50:,} more match: type more" in shown_text(at)
    last = network.execute("select name, email from people where name like 'Zara %' and email != '' "
                           "order by id desc limit 1").fetchone()
    at.text_input(key="compose_find").input(last[1]).run()
    assert [o.split(" — ")[0] for o in at.selectbox(key="compose_person").options] == [last[0]]
    at_company = network.execute("select count(*) from people p join companies c on c.id = p.company_id "
                                 "where c.name = 'Company 59'").fetchone()[0]
    at.text_input(key="compose_find").input("company 59").run()
    options = at.selectbox(key="compose_person").options
    assert len(options) == min(at_company, 50) and all(o.endswith("— Company 59") for o in options)
