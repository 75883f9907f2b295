"""Exports: CSV with BOM and no formulas, vCard 3.0 that round-trips, iCalendar that calendars accept."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from core import exporters
from core.db import memory_db, rows
from core.exporters import (
    calendar_ics,
    database_uid,
    fold,
    interactions_csv,
    neutralize,
    people_csv,
    person_uid,
    person_vcard,
    vcard_escape,
    vcards,
)
from core.followups import add_reminder
from core.importers import plan_import
from core.interactions import log_interaction
from core.people import add_date, add_person
from core.people_bulk import bulk_update
from tests.helpers import import_file

TODAY = date(2026, 11, 27)
STAMP = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def read_csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
    ("-2+3", "'-2+3"), ("@cmd", "'@cmd"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("Tomás", "Tomás"), (-5, -5), ("", ""),
])
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(value, expected):
    assert neutralize(value) == expected


def test_people_csv_has_a_bom_accents_and_no_formulas(db):
    add_person(db, name="Tomás Reyes", company="=HYPERLINK(\"http://evil.example\")", title="+SUM(A1:A9)",
               tags=["alumni", "data"])
    found = read_csv(people_csv(db))
    assert [(r["name"], r["company"], r["title"], r["tags"]) for r in found] == [
        ("Tomás Reyes", "'=HYPERLINK(\"http://evil.example\")", "'+SUM(A1:A9)", "alumni, data")]


def test_interactions_csv_lists_every_touch_with_its_person(db):
    pid = add_person(db, name="Ana Novak", company="Globex")
    log_interaction(db, pid, day="2026-11-20", channel="email", nature="shared_resource", notes="@ana the dbt post",
                    today=TODAY)
    found = read_csv(interactions_csv(db))
    assert [(r["day"], r["person"], r["company"], r["kind"], r["nature"], r["notes"]) for r in found] == [
        ("2026-11-20", "Ana Novak", "Globex", "give", "shared_resource", "'@ana the dbt post")]


def test_the_csv_export_imports_back_as_the_same_people(db):
    add_person(db, name="Tomás Reyes", company="Contoso", title="-Platform-", email="t@example.org", tags=["x"])
    other = memory_db()
    import_file(other, "csv", people_csv(db), TODAY)
    cols = "select p.name, p.title, p.email, p.tags, coalesce(c.name, '') as co from people p " \
           "left join companies c on c.id = p.company_id"
    assert rows(other, cols) == rows(db, cols)


# --- vCard -------------------------------------------------------------------------------------------


def test_escaping_keeps_a_note_from_adding_a_property():
    assert vcard_escape("a,b;c\\d\r\nEND:VCARD\rBEGIN:VCARD\nx\x00") == "a\\,b\\;c\\\\d\\nEND:VCARD\\nBEGIN:VCARD\\nx"


def test_folding_is_at_75_octets_and_never_splits_a_utf8_character():
    line = "NOTE:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert fold("short") == "short"


def test_a_person_becomes_the_expected_vcard():
    person = {"name": "Ines Okafor-Lindqvist", "company": "Northwind Analytics, Inc.",
              "title": "Director of People Ops", "email": "ines@example.org", "phone": "",
              "linkedin_url": "https://www.linkedin.com/in/ines-okafor-example", "website": "",
              "tags": '["target: northwind", "warm"]',
              "notes": "Met at Women in Data meetup; intro via Tomás.\nAsked for referral to Data Eng role."}
    card = person_vcard(person, {"month": 4, "day": 12, "year": 1988},
                        "urn:uuid:4f1c2a9e-0000-4000-8000-000000000001")
    assert card == (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Rapport//Rapport contacts//EN\r\n"
        "UID:urn:uuid:4f1c2a9e-0000-4000-8000-000000000001\r\nFN:Ines Okafor-Lindqvist\r\n"
        "N:Okafor-Lindqvist;Ines;;;\r\nORG:Northwind Analytics\\, Inc.\r\nTITLE:Director of People Ops\r\n"
        "EMAIL;TYPE=INTERNET:ines@example.org\r\nURL:https://www.linkedin.com/in/ines-okafor-example\r\n"
        "BDAY:1988-04-12\r\nCATEGORIES:target: northwind,warm\r\n"
        "NOTE:Met at Women in Data meetup\\; intro via Tomás.\\nAsked for referral to\r\n"
        "  Data Eng role.\r\nEND:VCARD\r\n")


def test_uids_are_stable_per_database_and_differ_between_databases(db):
    first = database_uid(db)
    assert database_uid(db) == first
    assert person_uid(first, 1) == person_uid(first, 1) != person_uid(first, 2)
    assert person_uid(database_uid(memory_db()), 1) != person_uid(first, 1)
    assert person_uid(first, 1).startswith("urn:uuid:")


def test_a_vcard_export_imports_back_as_the_same_people(demo_db):
    pid = add_person(demo_db, name="Zoë <b>x</b> Müller", company="A; B, C", notes="line one\nEND:VCARD\n\\n",
                     email="zoe@example.org", phone="+49 30 1", website="zoe.example.org", tags=["a", "b"])
    add_date(demo_db, pid, label="birthday", month=2, day=29)
    data = vcards(demo_db)
    assert data.count(b"BEGIN:VCARD") == demo_db.table("people").count_where("archived_at is null")
    other = memory_db()
    report = import_file(other, "vcard", data, TODAY)
    assert report["added"] == report["added"] and report["skipped"] == 0
    cols = ("select p.name, p.title, p.email, p.phone, p.linkedin_url, p.website, p.notes, p.tags, "
            "coalesce(c.name, '') as company from people p left join companies c on c.id = p.company_id "
            "where p.archived_at is null order by p.name, p.email")
    assert rows(other, cols) == rows(demo_db, cols)
    bdays = "select p.name, d.month, d.day, d.year from important_dates d join people p on p.id = d.person_id " \
            "where d.label = 'birthday' order by p.name"
    assert rows(other, bdays) == rows(demo_db, bdays)


def test_reimporting_our_own_vcards_updates_nobody_and_adds_nobody(demo_db):
    plan = plan_import(demo_db, "vcard", vcards(demo_db), TODAY)
    assert plan.add == [] and plan.update == []


# --- iCalendar ---------------------------------------------------------------------------------------


def test_the_calendar_parses_and_every_event_has_uid_dtstamp_and_an_alarm(demo_db):
    data = calendar_ics(demo_db, TODAY, STAMP)
    assert b"\r\n" in data and b"METHOD:PUBLISH" in data
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert events
    for e in events:
        assert e.get("UID") and e.get("DTSTAMP")
        assert e.decoded("DTEND") - e.decoded("DTSTART") == date(2000, 1, 2) - date(2000, 1, 1)
        alarms = list(e.walk("VALARM"))
        assert [str(a["ACTION"]) for a in alarms] == ["DISPLAY"]


def test_uids_are_stable_across_exports(demo_db):
    uids = [str(e["UID"]) for e in Calendar.from_ical(calendar_ics(demo_db, TODAY, STAMP)).walk("VEVENT")]
    again = [str(e["UID"]) for e in Calendar.from_ical(calendar_ics(demo_db, TODAY)).walk("VEVENT")]
    assert uids == again and len(set(uids)) == len(uids)


def test_a_follow_up_becomes_an_all_day_event(db):
    pid = add_person(db, name="Ines Okafor-Lindqvist", company="Northwind")
    fid = add_reminder(db, pid, "2026-03-10", "Follow up: Ines Okafor-Lindqvist")
    cal = Calendar.from_ical(calendar_ics(db, TODAY, STAMP))
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Follow up: Ines Okafor-Lindqvist (Northwind)"
    assert event.decoded("DTSTART") == date(2026, 3, 10) and event.decoded("DTEND") == date(2026, 3, 11)
    assert str(event["UID"]) == f"followup-{fid}.{database_uid(db)}@rapport.local"
    assert event.decoded("DTSTAMP") == STAMP


def test_birthdays_repeat_yearly_and_29_february_falls_on_the_last_day_of_february(db):
    a = add_person(db, name="Leap Person")
    add_date(db, a, label="birthday", month=2, day=29)
    b = add_person(db, name="Ines")
    add_date(db, b, label="birthday", month=4, day=12, year=1988)
    data = calendar_ics(db, TODAY, STAMP).decode()
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(data).walk("VEVENT")}
    leap = events["Leap Person's birthday"]
    assert dict(leap["RRULE"]) == {"FREQ": ["YEARLY"], "BYMONTH": [2], "BYMONTHDAY": [-1]}
    assert leap.decoded("DTSTART") == date(2000, 2, 29)
    from dateutil.rrule import rrulestr

    rule = rrulestr(leap["RRULE"].to_ical().decode(), dtstart=datetime(2024, 1, 1))
    assert [d.date() for d in rule[:3]] == [date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28)]
    assert events["Ines's birthday"].decoded("DTSTART") == date(1988, 4, 12)
    assert events["Ines's birthday"]["RRULE"].to_ical() == b"FREQ=YEARLY"


def test_user_text_in_the_calendar_cannot_add_properties(db):
    pid = add_person(db, name="Evil\r\nEND:VEVENT\r\nBEGIN:VEVENT")
    add_reminder(db, pid, "2026-12-01", "x\nATTACH:http://evil")
    data = calendar_ics(db, TODAY, STAMP)
    assert b"\r\nATTACH" not in data and b"\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\n" not in data.split(b"BEGIN:VEVENT", 1)[1]
    assert len(list(Calendar.from_ical(data).walk("VEVENT"))) == 1


def test_people_csv_says_who_is_a_target(db):
    ana = add_person(db, name="Ana Reyes", today=TODAY)
    add_person(db, name="Ben Osei", today=TODAY)
    bulk_update(db, [ana], {"target": True}, TODAY)
    assert [(r["name"], r["target"]) for r in read_csv(people_csv(db))] == [("Ana Reyes", "1"), ("Ben Osei", "0")]


# --- What a user typed cannot inject: formulas, vCard and calendar properties, mail headers ----------


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://evil\",\"x\")", "+SUM(A1:A9)", "-2+3", "@cmd", "\t=1",
                                   "\r=1"])
def test_csv_exports_neutralise_formulas_wherever_they_hide(db, value):
    add_person(db, name=value, company=value.strip() or "x", notes=value)

    text = exporters.people_csv(db).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]

    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells if c)


def test_a_newline_in_a_note_cannot_add_a_vcard_property(db):
    add_person(db, name="Eve\nEMAIL:attacker@example.com", notes="hi\r\nTEL:+1 555 0000\nEND:VCARD\nBEGIN:VCARD")

    card = exporters.vcards(db).decode()
    lines = card.replace("\r\n ", "").split("\r\n")

    assert not any(line.startswith(("EMAIL:attacker", "TEL:")) for line in lines)
    assert [line for line in lines if line in ("BEGIN:VCARD", "END:VCARD")] == ["BEGIN:VCARD", "END:VCARD"]


def test_a_newline_in_a_reminder_cannot_add_an_ics_property(db):
    pid = add_person(db, name="Eve\nATTENDEE:mailto:attacker@example.com")
    add_reminder(db, pid, "2026-12-01", "Call\r\nRRULE:FREQ=SECONDLY\nEND:VEVENT")
    add_date(db, pid, label="birthday", month=12, day=3)

    ics = exporters.calendar_ics(db, TODAY).decode()
    lines = ics.replace("\r\n ", "").split("\r\n")

    assert not any(line.startswith(("ATTENDEE", "RRULE:FREQ=SECONDLY")) for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2


@pytest.mark.parametrize("value,expected", [
    ("+44 20 7946 0000", "+44 20 7946 0000"),
    ("+1 (555) 010-0100", "+1 (555) 010-0100"),
    ("+1 555 0100 ext. 23", "+1 555 0100 ext. 23"),
    ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
    ("+1+2", "'+1+2"),
    ("+44 20 7946 0000=HYPERLINK(1)", "'+44 20 7946 0000=HYPERLINK(1)"),
    ("-44 20 7946 0000", "'-44 20 7946 0000"),
    ("=1", "'=1"),
])
def test_csv_export_leaves_plain_phone_numbers_alone_and_neutralises_the_rest(value, expected):
    from core.exporters import neutralize

    assert neutralize(value) == expected


def test_a_value_starting_with_a_tab_imports_back_without_the_formula_guard(db):
    pid = add_person(db, name="Tomás Reyes", email="t@example.org")
    db.execute("update people set title = ? where id = ?", ["\t=Lead", pid])  # older data, typed before trimming
    assert "'\t=Lead" in people_csv(db).decode("utf-8-sig")
    other = memory_db()
    import_file(other, "csv", people_csv(db), TODAY)
    assert rows(other, "select title from people") == [{"title": "=Lead"}]  # trimmed as any input, no "'"
