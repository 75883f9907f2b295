"""people.duplicate_pairs: likely duplicates found by grouping, fast enough for 30,000 people."""

from __future__ import annotations

from core import people
from core.db import now_iso


def test_no_people_means_no_duplicates(db):
    assert people.duplicate_pairs(db) == []


def test_pairs_are_found_by_linkedin_email_and_name_oldest_record_kept(db):
    a = people.add_person(db, name="Ana Reyes", linkedin_url="https://www.linkedin.com/in/ana")
    b = people.add_person(db, name="Ana R.", linkedin_url="https://www.linkedin.com/in/ana")
    c = people.add_person(db, name="Mei Chen", email="Mei@Example.com")
    d = people.add_person(db, name="M. Chen", email="mei@example.com")
    e = people.add_person(db, name="Kwame Mensah")
    f = people.add_person(db, name="kwame mensah")
    people.add_person(db, name="Someone Else")

    assert people.duplicate_pairs(db) == [
        {"keep_id": a, "keep_name": "Ana Reyes", "drop_id": b, "drop_name": "Ana R.", "why": "same LinkedIn profile"},
        {"keep_id": c, "keep_name": "Mei Chen", "drop_id": d, "drop_name": "M. Chen", "why": "same email"},
        {"keep_id": e, "keep_name": "Kwame Mensah", "drop_id": f, "drop_name": "kwame mensah", "why": "same name"},
    ]


def test_a_pair_matching_on_several_keys_is_listed_once_with_the_strongest_reason(db):
    a = people.add_person(db, name="Ana", email="ana@example.com")
    b = people.add_person(db, name="Ana", email="ana@example.com")

    assert [(p["keep_id"], p["drop_id"], p["why"]) for p in people.duplicate_pairs(db)] == [(a, b, "same email")]


def test_a_group_of_three_folds_into_the_oldest(db):
    ids = [people.add_person(db, name="Sam Lee") for _ in range(3)]

    assert [(p["keep_id"], p["drop_id"]) for p in people.duplicate_pairs(db)] == [(ids[0], ids[1]), (ids[0], ids[2])]


def test_archived_people_and_empty_emails_are_not_duplicates(db):
    people.add_person(db, name="Ana")
    gone = people.add_person(db, name="Ana")
    people.archive_person(db, gone)
    people.add_person(db, name="Bo")
    people.add_person(db, name="Cy")  # both have an empty email and LinkedIn URL

    assert people.duplicate_pairs(db) == []


def test_the_limit_caps_the_pairs(db):
    for n in range(10):
        people.add_person(db, name=f"Twin {n}")
        people.add_person(db, name=f"Twin {n}")

    assert len(people.duplicate_pairs(db, limit=4)) == 4


def test_thirty_thousand_people_yield_only_the_real_duplicate(db):
    stamp = now_iso()
    db.table("people").insert_all(
        [{"name": f"Person {n}", "email": f"p{n}@example.com", "linkedin_url": f"https://linkedin.com/in/p{n}",
          "created_at": stamp, "updated_at": stamp} for n in range(30_000)]
        + [{"name": "Person 7", "email": "", "linkedin_url": "", "created_at": stamp, "updated_at": stamp}])

    found = people.duplicate_pairs(db)

    assert [(p["keep_name"], p["why"]) for p in found] == [("Person 7", "same name")]
