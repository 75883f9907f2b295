"""Exports cannot inject: formulas in CSV cells, properties in vCards and calendars, headers in mail links."""

import csv
import io
from datetime import date

import pytest

from core import exporters
from core.composer import mailto
from core.followups import add_reminder
from core.people import add_date, add_person

TODAY = date(2026, 11, 27)


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


def test_a_mailto_link_cannot_gain_headers_or_recipients():
    url = mailto("ana@example.org?bcc=attacker@example.com", "Hi&bcc=attacker@example.com\r\nCc: x@y",
                 "Body&to=attacker@example.com")

    query = url.split("?", 1)[1]
    assert [part.split("=", 1)[0] for part in query.split("&")] == ["subject", "body"]
    assert url.count("?") == 1
    assert "%0D%0A" not in query.split("&")[0]
