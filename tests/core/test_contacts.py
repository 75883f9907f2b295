"""Alternate contact values (core.contacts) and merging two people without losing anything."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import contacts, events, exporters, followups, people
from core.db import data_version, forget_migrated, kept_copies, memory_db, open_db
from core.errors import NotFound, ValidationError
from core.interactions import log_interaction
from tests.helpers import import_file

TODAY = date(2026, 11, 27)


def alternates(db, pid) -> list[tuple[str, str, str]]:
    return [(a["field"], a["value"], a["source"]) for a in contacts.list_alternates(db, pid)]


def every_value(db, pid) -> dict[str, list[str]]:
    """A person's primary and alternate values, field by field."""
    primary = contacts.primary_values(db, pid)
    out = {f: [primary[f]] if primary[f] else [] for f in contacts.ALTERNATE_FIELDS}
    for a in contacts.list_alternates(db, pid):
        out[a["field"]].append(a["value"])
    return out


def open_reasons(db, pid) -> list[str]:
    return sorted(f["reason"] for f in followups.for_person(db, pid, TODAY))


# --- Merge keeps every contact value ------------------------------------------------------------------


def test_merge_keeps_the_second_records_email_phone_title_company_and_links_as_alternates(db):
    keep = people.add_person(db, name="Leila Haddad", email="leila@new.example", phone="+44 20 7946 0001",
                             title="CTO", company="Acme", website="leila.example")
    drop = people.add_person(db, name="Leila H.", email="leila@old.example", phone="+44 20 7946 0999",
                             title="VP Engineering", company="Globex", linkedin_url="linkedin.com/in/leila",
                             website="https://www.leila.example/", location="Leeds")

    moved = people.merge_people(db, keep, drop, today=TODAY)

    merged = people.get_person(db, keep)
    # Keep's values stay primary; empty fields are filled from drop.
    assert (merged["name"], merged["email"], merged["phone"], merged["title"], merged["company"]) == \
        ("Leila Haddad", "leila@new.example", "+44 20 7946 0001", "CTO", "Acme")
    assert (merged["linkedin_url"], merged["location"]) == ("https://linkedin.com/in/leila", "Leeds")
    # Every value of drop that differs is kept, in the page's order; the same website written differently is not.
    assert alternates(db, keep) == [
        ("email", "leila@old.example", "merge"), ("phone", "+44 20 7946 0999", "merge"),
        ("title", "VP Engineering", "merge"), ("company", "Globex", "merge"), ("name", "Leila H.", "merge")]
    assert moved["alternates"] == 5
    assert moved["filled"] == ["linkedin_url", "location"]


def test_merge_brings_the_second_records_own_alternates_without_duplicates(db):
    keep = people.add_person(db, name="Ana", email="ana@a.example")
    drop = people.add_person(db, name="Ana", email="ANA@a.example", phone="")
    contacts.add_alternate(db, drop, "email", "ana@b.example")
    contacts.add_alternate(db, drop, "phone", "+1 555 0100")
    contacts.add_alternate(db, keep, "email", "Ana@B.example")

    people.merge_people(db, keep, drop, today=TODAY)

    merged = people.get_person(db, keep)
    assert merged["email"] == "ana@a.example"
    assert merged["phone"] == "+1 555 0100"  # an alternate fills an empty field
    assert alternates(db, keep) == [("email", "Ana@B.example", "manual")]


VALUE = {
    "email": st.sampled_from(["", "a@x.example", "A@X.example", "b@x.example", "c@y.example"]),
    "phone": st.sampled_from(["", "+44 20 1", "+44201", "+1 555 0100", "020 7946 0000"]),
    "title": st.sampled_from(["", "CTO", "cto", "Head of Data", "VP Engineering"]),
    "company": st.sampled_from(["", "Acme", "acme", "Globex"]),
    "linkedin_url": st.sampled_from(["", "https://linkedin.com/in/a", "https://www.linkedin.com/in/a/",
                                     "https://linkedin.com/in/b"]),
    "website": st.sampled_from(["", "https://a.example", "https://b.example"]),
    "location": st.sampled_from(["", "Leeds", "Berlin"]),
}
PERSON = st.fixed_dictionaries({"name": st.sampled_from(["Ana", "Ana Silva", "ana"]), **VALUE})
EXTRA = st.lists(st.tuples(st.sampled_from(["email", "phone", "title", "website"]),
                           st.sampled_from(["d@z.example", "a@x.example", "+49 30 2", "CFO", "https://d.example"])),
                 max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=PERSON, second=PERSON, first_extra=EXTRA, second_extra=EXTRA)
def test_a_merge_keeps_every_contact_value_of_both_records(first, second, first_extra, second_extra):
    db = memory_db()
    ids = []
    for fields, extra in ((first, first_extra), (second, second_extra)):
        pid = people.add_person(db, **fields)
        for field, value in extra:
            try:
                contacts.add_alternate(db, pid, field, value)
            except ValidationError:
                pass  # not a value of that field, or one they already have
        ids.append(pid)
    before = [every_value(db, pid) for pid in ids]
    keep_primary = contacts.primary_values(db, ids[0])

    people.merge_people(db, ids[0], ids[1], today=TODAY)

    after = every_value(db, ids[0])
    for values in before:
        for field, found in values.items():
            for value in found:
                assert any(contacts.same_value(field, value, kept) for kept in after[field]), (field, value)
    for field, kept in after.items():
        assert len({contacts.comparable(field, x) for x in kept}) == len(kept), (field, kept)  # no value twice
        if keep_primary[field]:
            assert kept[0] == keep_primary[field]  # the kept record's primary stays primary


def test_merge_keeps_both_notes_of_an_event_both_records_were_at_and_the_earlier_connection(db):
    keep = people.add_person(db, name="Kwame Mensah")
    drop = people.add_person(db, name="K. Mensah")
    db.execute("update people set connected_on = '2024-05-01' where id = ?", [keep])
    db.execute("update people set connected_on = '2021-02-03' where id = ?", [drop])
    event = events.add_event(db, name="Data meetup", day="2026-11-20")
    events.add_person_met(db, event, person_id=keep, note="Talked about dbt", today=TODAY)
    events.add_person_met(db, event, person_id=drop, note="Has a dog called Rex", today=TODAY)

    people.merge_people(db, keep, drop, today=TODAY)

    assert [p["note"] for p in events.people_met(db, event)] == ["Talked about dbt\n\nHas a dog called Rex"]
    assert people.get_person(db, keep)["connected_on"] == "2021-02-03"


def test_merge_moves_rows_of_any_other_table_that_points_at_people(db):
    db.execute("create table mail_owners (id integer primary key, "
               "person_id integer references people(id) on delete cascade, address text)")
    keep = people.add_person(db, name="Ana")
    drop = people.add_person(db, name="Ana S.")
    db.execute("insert into mail_owners (person_id, address) values (?, 'ana@old.example')", [drop])

    people.merge_people(db, keep, drop, today=TODAY)

    assert db.execute("select person_id, address from mail_owners").fetchall() == [(keep, "ana@old.example")]


# --- Merge leaves one open follow-up per reason -------------------------------------------------------


def test_merge_leaves_one_thank_you_the_earliest_due_and_one_check_in(db):
    keep = people.add_person(db, name="Leila Haddad")
    drop = people.add_person(db, name="Leila")
    log_interaction(db, keep, day="2026-11-26", channel="video", today=TODAY)
    log_interaction(db, drop, day="2026-11-25", channel="phone", today=TODAY)
    assert open_reasons(db, keep) == open_reasons(db, drop) == ["check_in", "thank_you"]

    moved = people.merge_people(db, keep, drop, today=TODAY)

    open_items = followups.for_person(db, keep, TODAY)
    assert sorted((f["reason"], f["due"], f["title"]) for f in open_items) == [
        ("check_in", "2027-02-24", "Check in with Leila Haddad"), ("thank_you", "2026-11-27", "Thank Leila Haddad")]
    skipped = db.execute("select reason, due, status, closed_on from followups where person_id = ? "
                         "and status != 'open'", [keep]).fetchall()
    assert skipped == [("thank_you", "2026-11-28", "skipped", TODAY.isoformat())]
    assert moved["followups_merged"] == 1


def test_merge_leaves_one_event_follow_up_for_two_records_met_at_events(db):
    keep = people.add_person(db, name="Ana")
    drop = people.add_person(db, name="Ana R.")
    first = events.add_event(db, name="Meetup", day="2026-11-25")
    second = events.add_event(db, name="Conference", day="2026-11-26")
    events.add_person_met(db, first, person_id=drop, today=TODAY)
    events.add_person_met(db, second, person_id=keep, today=TODAY)

    people.merge_people(db, keep, drop, today=TODAY)

    dues = [(f["reason"], f["due"]) for f in followups.for_person(db, keep, TODAY) if f["reason"] != "check_in"]
    assert dues == [("event_followup", "2026-11-26")]


def test_a_check_in_the_dropped_record_marked_done_still_counts_when_keep_has_none(db):
    keep = people.add_person(db, name="Ana")
    drop = people.add_person(db, name="Ana R.")
    log_interaction(db, drop, day="2026-09-01", channel="email", today=date(2026, 9, 1))
    (check_in,) = [f for f in followups.for_person(db, drop, TODAY) if f["reason"] == "check_in"]
    db.execute("update followups set status = 'done', closed_on = '2026-11-20' where id = ?", [check_in["id"]])

    people.merge_people(db, keep, drop, today=TODAY)

    rows = db.execute("select person_id, status, anchor_on, dedupe_key from followups where reason = 'check_in'"
                      ).fetchall()
    assert rows == [(keep, "open", "2026-11-20", f"check_in:{keep}")]


# --- Merge folds duplicate dates ----------------------------------------------------------------------


def test_merge_folds_dates_with_the_same_label_and_day_and_keeps_each_years_reminder_once(db):
    keep = people.add_person(db, name="Ana")
    drop = people.add_person(db, name="Ana R.")
    people.add_date(db, keep, label="birthday", month=12, day=5)
    people.add_date(db, drop, label="birthday", month=12, day=5, year=1990, note="likes jazz")
    people.add_date(db, drop, label="work_anniversary", month=12, day=5)
    followups.schedule_date_reminders(db, TODAY)
    (drop_birthday,) = [f for f in followups.for_person(db, drop, TODAY) if f["title"].endswith("(36)")]
    followups.skip(db, drop_birthday["id"], TODAY)  # already dealt with on the other record

    moved = people.merge_people(db, keep, drop, today=TODAY)

    dates = [(d["label"], d["month"], d["day"], d["year"], d["note"]) for d in people.list_dates(db, keep)]
    assert sorted(dates, key=str) == [("birthday", 12, 5, 1990, "likes jazz"), ("work_anniversary", 12, 5, None, "")]
    assert moved["dates_merged"] == 1
    reminders = db.execute("select d.label, f.status from followups f join important_dates d on d.id = f.date_id "
                           "where f.person_id = ? order by d.label", [keep]).fetchall()
    assert reminders == [("birthday", "skipped"), ("work_anniversary", "open")]


# --- Alternates: add, remove, make primary ------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "not-an-email", "doesn't look like an email"),
    ("phone", "call me maybe", "doesn't look like a phone number"),
    ("phone", "12", "doesn't look like a phone number"),
    ("linkedin_url", "javascript:alert(1)", "must be a web address"),
    ("website", "", "can't be empty"),
    ("seniority", "emperor", "must be one of"),
    ("shoe_size", "42", "Unknown kind of contact detail"),
    ("email", "ANA@A.example", "already their email"),
    ("phone", "+44 (20) 7946-0000", "already listed"),
])
def test_a_bad_or_known_alternate_is_refused_with_a_sentence_and_changes_nothing(db, field, value, message):
    pid = people.add_person(db, name="Ana", email="ana@a.example")
    contacts.add_alternate(db, pid, "phone", "+44 20 7946 0000")

    with pytest.raises(ValidationError, match=message):
        contacts.add_alternate(db, pid, field, value)

    assert alternates(db, pid) == [("phone", "+44 20 7946 0000", "manual")]


def test_alternates_are_added_normalised_and_removed(db):
    pid = people.add_person(db, name="Ana", email="ana@a.example")

    link = contacts.add_alternate(db, pid, "linkedin_url", " linkedin.com/in/ana-old ")
    contacts.add_alternate(db, pid, "email", "ana@old.example")
    removed = contacts.remove_alternate(db, link)

    assert removed["value"] == "https://linkedin.com/in/ana-old"
    assert alternates(db, pid) == [("email", "ana@old.example", "manual")]
    with pytest.raises(NotFound):
        contacts.remove_alternate(db, link)
    with pytest.raises(NotFound):
        contacts.add_alternate(db, 999, "email", "x@y.example")


def test_making_an_alternate_primary_swaps_it_with_the_primary(db):
    pid = people.add_person(db, name="Ana", email="ana@new.example", company="Acme")
    email = contacts.add_alternate(db, pid, "email", "ana@old.example")
    company = contacts.add_alternate(db, pid, "company", "Globex")
    phone = contacts.add_alternate(db, pid, "phone", "+1 555 0100")

    for alt in (email, company, phone):
        people.make_primary(db, alt)

    person = people.get_person(db, pid)
    assert (person["email"], person["company"], person["phone"]) == ("ana@old.example", "Globex", "+1 555 0100")
    assert alternates(db, pid) == [("email", "ana@new.example", "primary"), ("company", "Acme", "primary")]
    with pytest.raises(NotFound):
        people.make_primary(db, email)


def test_alternates_go_with_their_person_and_count_as_a_change(db):
    pid = people.add_person(db, name="Ana")
    before = data_version(db)
    contacts.add_alternate(db, pid, "email", "ana@old.example")
    assert data_version(db) != before  # pages' caches see it

    db.execute("delete from people where id = ?", [pid])

    assert db.table("person_alternates").count == 0


# --- Finding people by any of their addresses ---------------------------------------------------------


def test_people_by_email_matches_primary_and_alternate_addresses_in_any_case(db):
    ana = people.add_person(db, name="Ana", email="Ana@Example.org")
    ben = people.add_person(db, name="Ben", email="ben@example.org")
    contacts.add_alternate(db, ana, "email", "ana.old@example.org")
    contacts.add_alternate(db, ben, "email", "ana@example.org")  # a shared address: the primary owner wins

    found = contacts.people_by_email(db, ["ANA@example.org", "Ana.Old@Example.org", " ben@example.org ", "",
                                          "nobody@example.org"])

    assert found == {"ana@example.org": ana, "ana.old@example.org": ana, "ben@example.org": ben}
    assert contacts.people_by_email(db) == found
    assert contacts.people_by_email(db, []) == {}


def test_people_by_email_takes_thousands_of_addresses(db):
    ids = [people.add_person(db, name=f"P{i}", email=f"p{i}@example.org") for i in range(1200)]
    contacts.add_alternate(db, ids[-1], "email", "last@example.org")

    found = contacts.people_by_email(db, [f"P{i}@example.org" for i in range(1500)] + ["last@example.org"])

    assert len(found) == 1201
    assert found["p1199@example.org"] == found["last@example.org"] == ids[-1]


def test_an_import_matches_a_person_on_an_alternate_email_or_linkedin_profile(db):
    ana = people.add_person(db, name="Ana Reyes", email="ana@new.example")
    contacts.add_alternate(db, ana, "email", "ana@old.example")
    kofi = people.add_person(db, name="Kofi Boateng")
    contacts.add_alternate(db, kofi, "linkedin_url", "https://www.linkedin.com/in/kofi-b")

    import_file(db, "csv", b"Name,Email,Title\nA. Reyes,ANA@old.example,Data lead\n", TODAY)
    import_file(db, "linkedin", b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                b"Kofi,B.,https://www.linkedin.com/in/kofi-b,,Globex,CTO,01 Mar 2024\n", TODAY)

    assert db.table("people").count == 2
    assert people.get_person(db, ana)["title"] == "Data lead"
    assert people.get_person(db, kofi)["connected_on"] == "2024-03-01"


# --- Exports ------------------------------------------------------------------------------------------


def test_exports_carry_the_other_emails_and_phones(db):
    pid = people.add_person(db, name="Ana Reyes", email="ana@new.example", phone="+1 555 0100")
    contacts.add_alternate(db, pid, "email", "ana@old.example")
    contacts.add_alternate(db, pid, "phone", "+1 555 0199")
    contacts.add_alternate(db, pid, "title", "Data lead")

    card = exporters.vcards(db).decode()
    table = exporters.people_csv(db).decode("utf-8-sig")

    assert [line for line in card.split("\r\n") if line.startswith(("EMAIL", "TEL"))] == [
        "EMAIL;TYPE=INTERNET:ana@new.example", "EMAIL;TYPE=INTERNET:ana@old.example",
        "TEL;TYPE=VOICE:+1 555 0100", "TEL;TYPE=VOICE:+1 555 0199"]
    header, row = table.splitlines()[:2]
    assert header.endswith(",other_emails,other_phones")
    assert row.endswith(",ana@old.example,+1 555 0199")  # a plain phone is not a formula: no quote added


# --- The migration ------------------------------------------------------------------------------------


def test_the_alternates_migration_upgrades_an_existing_file_keeping_its_people(tmp_path):
    path = tmp_path / "old.db"
    db = open_db(path)
    pid = people.add_person(db, name="Ana", email="ana@example.org", company="Acme")
    before = db.execute("select * from people").fetchall()
    # The file as it was before m010: no alternates table, no record of the migration.
    db.execute("drop table person_alternates")
    db.execute("delete from _sqlite_migrations where name = 'm010_contact_alternates'")
    db.conn.commit()
    db.conn.close()
    forget_migrated()

    db = open_db(path)

    assert db.execute("select * from people").fetchall() == before
    assert "m010_contact_alternates" in {r[0] for r in db.execute("select name from _sqlite_migrations")}
    assert any(p.name.startswith("old.before-m010_contact_alternates.") for p in kept_copies(path))
    contacts.add_alternate(db, pid, "email", "ana@old.example")
    with pytest.raises(sqlite3.IntegrityError):  # one value per person and field, whatever its case
        db.execute("insert into person_alternates (person_id, field, value, created_at) "
                   "values (?, 'email', 'ANA@OLD.example', 'x')", [pid])
    assert contacts.people_by_email(db, ["ana@old.example"]) == {"ana@old.example": pid}
