"""Bulk edits on the target list, and undoing the last one exactly."""

from __future__ import annotations

import pytest

from core import people
from core.errors import UserError, ValidationError
from core.interactions import record_touches
from core.people_bulk import bulk_update, clean_changes, last_bulk, undo_bulk

SNAPSHOT = ("select id, name, target, industry, role, tier, stage, tags, archived_at, updated_at from people "
            "order by id")


def snapshot(db) -> list[tuple]:
    return [tuple(r) for r in db.execute(SNAPSHOT).fetchall()]


def everything(db) -> dict:
    return {"people": snapshot(db),
            "stages": db.execute("select * from stage_changes order by id").fetchall(),
            "followups": db.execute("select id, person_id, reason, due, status, closed_on from followups "
                                    "order by id").fetchall()}


@pytest.fixture
def crowd(db, today):
    ids = [people.add_person(db, name=f"Person {i:03}", company="Acme" if i % 2 else "Globex", industry="",
                             tags="alumni" if i % 3 == 0 else "", today=today) for i in range(30)]
    record_touches(db, [{"person_id": ids[0], "day": today.isoformat(), "channel": "email", "direction": "me",
                         "nature": "check_in"}], today=today)
    return ids


def test_bulk_update_changes_every_field_for_the_selected_people_only(db, today, crowd):
    chosen = crowd[:10]
    token = bulk_update(db, chosen, {"target": True, "industry": "Fintech", "role": "product", "tier": "core",
                                     "stage": "contacted", "tags_add": "priority, Q1", "tags_remove": ["alumni"]},
                        today)
    assert token
    for pid in chosen:
        p = people.get_person(db, pid)
        assert (p["target"], p["industry"], p["role"], p["tier"], p["stage"]) == (1, "Fintech", "product", "core",
                                                                                 "contacted")
        assert "priority" in p["tags"] and "q1" in p["tags"] and "alumni" not in p["tags"]
    others = people.get_person(db, crowd[10])
    assert (others["target"], others["industry"], others["tier"]) == (0, "", "network")
    assert db.execute("select count(*) from stage_changes where to_stage = 'contacted'").fetchone()[0] == 10
    assert last_bulk(db)["summary"].startswith("10 people marked as targets")


def test_undo_restores_exactly_what_the_bulk_edit_changed(db, today, crowd):
    before = everything(db)
    token = bulk_update(db, crowd[::2], {"tier": "active", "stage": "contacted", "tags_add": "x", "archived": True,
                                         "target": True}, today)
    assert everything(db) != before
    assert db.execute("select count(*) from followups where status = 'skipped'").fetchone()[0] > 0
    message = undo_bulk(db, token, today)
    assert message.startswith("Undone: 15 people")
    assert everything(db) == before
    assert last_bulk(db) is None
    with pytest.raises(ValidationError, match="undone already"):
        undo_bulk(db, token, today)


def test_a_bad_change_is_refused_and_changes_nothing(db, today, crowd):
    before = everything(db)
    for change in ({"tier": "best friends"}, {"stage": "married"}, {"industry": "x" * 500}, {"role": "a\x00b"},
                   {"target": "yes"}, {"colour": "red"}, {}, {"tags_add": "a", "tags_remove": "a"}):
        with pytest.raises(ValidationError):
            bulk_update(db, crowd, change, today)
    with pytest.raises(ValidationError):
        bulk_update(db, [], {"target": True}, today)
    with pytest.raises(UserError, match="no longer exist"):
        bulk_update(db, [*crowd, 99_999], {"target": True}, today)
    assert everything(db) == before
    assert last_bulk(db) is None


def test_undo_refuses_when_someone_was_edited_since_and_only_the_last_edit_undoes(db, today, crowd):
    first = bulk_update(db, crowd[:5], {"industry": "Health"}, today)
    second = bulk_update(db, crowd[:5], {"role": "nurse"}, today)
    with pytest.raises(ValidationError, match="Only the last"):
        undo_bulk(db, first, today)
    people.update_person(db, crowd[2], notes="met at the fair", today=today)
    before = everything(db)
    with pytest.raises(ValidationError, match="changed since"):
        undo_bulk(db, second, today)
    assert everything(db) == before


def test_a_change_already_true_of_everyone_writes_nothing(db, today, crowd):
    bulk_update(db, crowd[:3], {"target": True}, today)
    assert bulk_update(db, crowd[:3], {"target": True}, today) is None


def test_select_all_that_match_the_filters(db, today, crowd):
    ids = people.matching_ids(db, search="Person 00", company_id=None, sort="name", today=today)
    assert ids == crowd[:10]
    bulk_update(db, ids, {"target": True}, today)
    assert people.matching_ids(db, target="yes", today=today) == crowd[:10]
    found, total = people.list_people(db, target="no", today=today)
    assert total == 20 and all(not p["target"] for p in found)


def test_clean_changes_ignores_empty_tags_and_keeps_cleared_text():
    assert clean_changes({"industry": "  ", "tags_add": ""}) == {"industry": ""}


def test_bulk_editing_thousands_is_one_statement_per_shape(db, today):
    from tests.helpers import import_file

    rows = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + "".join(
        f"Ann{i},Lee,https://www.linkedin.com/in/ann{i},,Co{i % 40},Engineer,01 Jan 2025\n" for i in range(3000))
    import_file(db, "linkedin", rows.encode(), today)
    ids = people.matching_ids(db, today=today)[:500]
    before = everything(db)
    token = bulk_update(db, ids, {"target": True, "tier": "core"}, today)
    assert people.matching_ids(db, target="yes", today=today) == ids
    undo_bulk(db, token, today)
    assert everything(db) == before


def test_merge_keeps_the_target_mark(db, today):
    a = people.add_person(db, name="Ada", today=today)
    b = people.add_person(db, name="Ada L", today=today)
    bulk_update(db, [b], {"target": True}, today)
    people.merge_people(db, a, b, today)
    assert people.get_person(db, a)["target"] == 1


def test_filter_options_fold_case_keeping_the_most_used_spelling(db, today):
    for industry in ("fintech", "Fintech", "Fintech", "Health", "health"):
        people.add_person(db, name=f"P {industry}", industry=industry, role="Product Manager", today=today)
    people.add_person(db, name="Q", role="product manager", today=today)
    options = people.filter_options(db)
    assert options["industries"] == ["Fintech", "Health"]  # a tie: the first in sort order
    assert options["roles"] == ["Product Manager"]
    assert people.list_people(db, industry="Fintech", today=today)[1] == 3
