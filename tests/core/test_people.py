"""People and companies: add, edit, archive, filter, merge, and important dates."""

import json
from datetime import date

import pytest

from core import people
from core.db import now_iso
from core.errors import NotFound, ValidationError
from core.followups import for_person
from core.interactions import log_interaction

TODAY = date(2026, 11, 27)


def counts(db):
    return {t: db.table(t).count for t in ("people", "companies", "interactions", "followups", "important_dates")}


def test_add_person_creates_their_company_once(db):
    a = people.add_person(db, name="Ines Okafor", company="Northwind", title="Director")
    b = people.add_person(db, name="Tomás Reyes", company="northwind")

    assert people.get_person(db, a)["company"] == "Northwind"
    assert people.get_person(db, b)["company_id"] == people.get_person(db, a)["company_id"]
    assert db.table("companies").count == 1


def test_names_reads_the_people_asked_for_across_in_list_chunks_archived_ones_too(db):
    a = people.add_person(db, name="Ines Okafor")
    b = people.add_person(db, name="Tomás Reyes")
    people.archive_person(db, b, today=TODAY)
    missing = range(a + b + 1, a + b + 1200)  # more ids than one "in (...)" list holds

    assert people.names(db, [b, *missing, a, a]) == {a: "Ines Okafor", b: "Tomás Reyes"}
    assert people.names(db, []) == {}


def test_a_new_person_is_a_stranger_on_the_network_tier(db):
    pid = people.add_person(db, name="Ana")

    person = people.get_person(db, pid)
    assert (person["stage"], person["tier"], person["score"], person["tags"]) == ("stranger", "network", None, [])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   "}, "Name can't be empty."),
        ({"name": "A\x00B"}, "Name contains a NUL character"),
        ({"name": "x" * 301}, "Name is too long"),
        ({"name": "Ana", "email": "not-an-email"}, "Email doesn't look like an email address"),
        ({"name": "Ana", "linkedin_url": "javascript:alert(1)"}, "must be a web address"),
        ({"name": "Ana", "tier": "bestie"}, "Tier must be one of"),
        ({"name": "Ana", "cadence_days": 0}, "Check-in cadence must be at least 1"),
        ({"name": "Ana", "shoe_size": 42}, "Unknown fields: shoe_size"),
    ],
)
def test_bad_person_input_is_refused_and_nothing_is_written(db, fields, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        people.add_person(db, **fields)

    assert counts(db)["people"] == 0


def test_any_unicode_and_markup_is_stored_literally(db):
    name = "<img src=x onerror=alert(1)> 'Robert'); DROP TABLE people;-- مرحبا 🎉"

    note = "<script>alert(1)</script>" + "n" * 99_000

    pid = people.add_person(db, name=name, notes=note)

    assert people.get_person(db, pid)["name"] == name
    assert people.get_person(db, pid)["notes"] == note


def test_tags_are_normalised_to_a_sorted_unique_lower_case_list(db):
    pid = people.add_person(db, name="Ana", tags="Mentor, fintech ,mentor,,")

    assert people.get_person(db, pid)["tags"] == ["fintech", "mentor"]


def test_update_person_records_a_stage_change(db):
    pid = people.add_person(db, name="Ana")

    people.update_person(db, pid, stage="conversed", title="CTO", today=TODAY)

    person = people.get_person(db, pid)
    assert (person["stage"], person["title"]) == ("conversed", "CTO")
    assert db.execute("select day, from_stage, to_stage from stage_changes").fetchall() == [
        ("2026-11-27", "stranger", "conversed")]


def test_update_of_a_missing_person_is_not_found(db):
    with pytest.raises(NotFound):
        people.update_person(db, 42, title="x")


def test_archiving_hides_a_person_and_closes_their_reminders(db):
    pid = people.add_person(db, name="Ana")
    log_interaction(db, pid, day=TODAY, channel="video", today=TODAY)
    assert for_person(db, pid, TODAY)

    people.archive_person(db, pid)

    assert people.list_people(db, today=TODAY)[1] == 0
    assert people.list_people(db, include_archived=True, today=TODAY)[1] == 1
    assert for_person(db, pid, TODAY) == []


def test_list_people_filters_by_segment_tag_and_stage(db):
    people.add_person(db, name="Ana", industry="Fintech", role="marketing", tags="mentor", stage="conversed")
    people.add_person(db, name="Ben", industry="Fintech", role="engineering")
    people.add_person(db, name="Cy", industry="Health", role="marketing", tags="mentor")

    def names(**f):
        return [r["name"] for r in people.list_people(db, sort="name", today=TODAY, **f)[0]]

    assert names(industry="fintech") == ["Ana", "Ben"]
    assert names(role="marketing", tag="mentor") == ["Ana", "Cy"]
    assert names(stage="conversed") == ["Ana"]
    assert names(search="be") == ["Ben"]
    assert names(band="none") == ["Ana", "Ben", "Cy"]


def test_list_people_paginates_and_reports_the_total(db):
    for i in range(25):
        people.add_person(db, name=f"Person {i:02d}")

    page, total = people.list_people(db, sort="name", limit=10, offset=20, today=TODAY)

    assert total == 25
    assert [r["name"] for r in page] == [f"Person {i:02d}" for i in range(20, 25)]


def test_list_people_sorts_by_score_and_by_due_date(db):
    a = people.add_person(db, name="Ana", tier="active")
    b = people.add_person(db, name="Ben", tier="active")
    log_interaction(db, a, day="2026-10-01", channel="email", today=TODAY)
    log_interaction(db, b, day="2026-11-20", channel="email", today=TODAY)

    by_score = [r["name"] for r in people.list_people(db, sort="score", today=TODAY)[0]]
    by_due = [r["name"] for r in people.list_people(db, sort="due", today=TODAY)[0]]
    overdue = [r["name"] for r in people.list_people(db, due="overdue", today=TODAY)[0]]

    assert by_score == ["Ben", "Ana"]
    assert by_due == ["Ana", "Ben"]
    assert overdue == ["Ana"]


def test_unknown_sort_or_band_is_a_clear_error(db):
    with pytest.raises(ValidationError, match="Unknown sort"):
        people.list_people(db, sort="shoe")
    with pytest.raises(ValidationError, match="Unknown band"):
        people.list_people(db, band="lukewarm")


def test_merge_moves_everything_and_loses_nothing(db):
    keep = people.add_person(db, name="Ines Okafor", email="", tags="mentor", notes="Kept note")
    drop = people.add_person(db, name="Ines O.", email="ines@example.org", company="Northwind", tags="fintech",
                             notes="Other note", stage="conversed")
    log_interaction(db, keep, day="2026-11-01", channel="email", today=TODAY)
    log_interaction(db, drop, day="2026-11-26", channel="video", today=TODAY)
    people.add_date(db, drop, label="birthday", month=3, day=4)

    moved = people.merge_people(db, keep, drop, today=TODAY)

    merged = people.get_person(db, keep)
    assert db.table("people").count == 1
    assert (merged["email"], merged["company"], merged["stage"]) == ("ines@example.org", "Northwind", "conversed")
    assert merged["tags"] == ["fintech", "mentor"]
    assert merged["notes"] == "Kept note\n\nOther note"
    assert db.execute("select count(*) from interactions where person_id = ?", [keep]).fetchone()[0] == 2
    assert db.execute("select count(*) from important_dates where person_id = ?", [keep]).fetchone()[0] == 1
    assert moved["interactions.person_id"] == 1
    reasons = sorted(f["reason"] for f in for_person(db, keep, TODAY))
    assert reasons == ["check_in", "thank_you"]  # one check-in, not two
    assert merged["last_touch_on"] == "2026-11-26"


def test_merge_with_oneself_or_a_missing_person_changes_nothing(db):
    pid = people.add_person(db, name="Ana")

    with pytest.raises(ValidationError):
        people.merge_people(db, pid, pid)
    with pytest.raises(NotFound):
        people.merge_people(db, pid, 99)
    assert counts(db)["people"] == 1


def test_duplicate_pairs_pairs_same_linkedin_email_or_name(db):
    a = people.add_person(db, name="Ana Silva", linkedin_url="https://www.linkedin.com/in/ana")
    b = people.add_person(db, name="A. Silva", linkedin_url="https://www.linkedin.com/in/ana")
    people.add_person(db, name="Ben", email="b@example.org")
    people.add_person(db, name="Benjamin", email="B@example.org")

    pairs = {(p["keep_id"], p["drop_id"], p["why"]) for p in people.duplicate_pairs(db)}

    assert (a, b, "same LinkedIn profile") in pairs
    assert any(why == "same email" for *_, why in pairs)


def test_companies_are_unique_by_name_and_merge_moves_people(db):
    keep = people.add_company(db, name="Northwind", industry="data")
    drop = people.add_company(db, name="Northwind Analytics", website="https://northwind.example.com")
    pid = people.add_person(db, name="Ana", company_id=drop)
    with pytest.raises(ValidationError, match="already on your list"):
        people.add_company(db, name="northwind")

    people.merge_companies(db, keep, drop)

    assert people.get_person(db, pid)["company_id"] == keep
    assert people.get_company(db, keep)["website"] == "https://northwind.example.com"
    assert [c["name"] for c in people.list_companies(db)] == ["Northwind"]


def test_company_research_checklist_and_who_do_i_know(db):
    cid = people.add_company(db, name="Globex")
    people.add_person(db, name="Ana", company_id=cid)

    people.update_company(db, cid, checked_news=True, culture="Writes things down")

    company = people.get_company(db, cid)
    assert (company["checked_news"], company["checked_website"], company["culture"]) == (1, 0, "Writes things down")
    assert [p["name"] for p in people.company_people(db, cid)] == ["Ana"]
    assert people.list_companies(db)[0]["research_done"] == 1


def test_important_dates_validate_the_day_of_the_month(db):
    pid = people.add_person(db, name="Ana")

    people.add_date(db, pid, label="birthday", month=2, day=29)
    with pytest.raises(ValidationError, match="31 is not a day of month 4"):
        people.add_date(db, pid, label="birthday", month=4, day=31)
    with pytest.raises(ValidationError, match="one-off date needs its year"):
        people.add_date(db, pid, label="success", month=4, day=3, yearly=False)

    assert [(d["month"], d["day"]) for d in people.list_dates(db, pid)] == [(2, 29)]


def test_stage_ladder_counts_people_on_each_rung(db):
    people.add_person(db, name="Ana", stage="ally")
    people.add_person(db, name="Ben")

    assert people.stage_counts(db) == {"stranger": 1, "contacted": 0, "conversed": 0, "connected": 0, "ally": 1}
    assert [p["name"] for p in people.stage_ladder(db)["ally"]] == ["Ana"]


def test_filter_options_list_what_is_in_the_data(db):
    people.add_person(db, name="Ana", industry="Fintech", tags="b,a", company="Globex")

    options = people.filter_options(db)

    assert options["industries"] == ["Fintech"]
    assert options["tags"] == ["a", "b"]
    assert [name for _, name in options["companies"]] == ["Globex"]
    assert json.loads(db.execute("select tags from people").fetchone()[0]) == ["a", "b"]


def test_merging_keeps_a_copy_of_the_database_first(tmp_path):
    from core.db import kept_copies, open_db

    path = tmp_path / "r.db"
    fdb = open_db(path)
    keep = people.add_person(fdb, name="Ana")
    drop = people.add_person(fdb, name="Ana S.")

    people.merge_people(fdb, keep, drop, today=TODAY)

    (copy,) = kept_copies(path)
    assert copy.name.startswith("r.before-merge.")
    assert open_db(copy).table("people").count == 2


def test_totals_count_active_people_and_every_interaction(db):
    ana = people.add_person(db, name="Ana")
    ben = people.add_person(db, name="Ben")
    log_interaction(db, ben, day=TODAY, channel="email", today=TODAY)
    people.archive_person(db, ana, today=TODAY)

    assert people.totals(db) == {"people": 1, "interactions": 1}


# --- Likely duplicates (people.duplicate_pairs): found by grouping, fast enough for 30,000 people ---


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


def test_merge_renames_the_name_in_reminder_titles_not_the_words_that_contain_it(db):
    keep = people.add_person(db, name="Ann Lee")
    drop = people.add_person(db, name="Ann")
    people.add_date(db, drop, label="other", month=11, day=28, note="Annual review")

    people.merge_people(db, keep, drop, today=TODAY)

    titles = [f["title"] for f in for_person(db, keep, TODAY) if f["reason"] == "date"]
    assert titles == ["Ann Lee: Annual review"]
