"""One day number outside the database (core.days): SQL's, the packed evidence column's and Python's agree."""

from datetime import date, timedelta

import pytest

from core import days
from core.bulk_scoring import evidence_days, fetch_evidence
from core.insights.log import DAY_NUMBER

# Leap days and their neighbours (1900 and 2100 are not leap years, 2000 is), the turn of years, the first
# and the last day SQLite reads.
EDGES = [date(1, 1, 1), date(1, 1, 2), date(1582, 10, 4), date(1582, 10, 15), date(1900, 2, 28), date(1900, 3, 1),
         date(2000, 2, 28), date(2000, 2, 29), date(2000, 3, 1), date(2024, 2, 29), date(2100, 2, 28),
         date(2100, 3, 1), date(9999, 12, 31)]
# Every day of three years around a leap year, and of the years around the app's own dates.
SPAN = [date(1999, 1, 1) + timedelta(days=n) for n in range(3 * 366)] + \
       [date(2024, 1, 1) + timedelta(days=n) for n in range(5 * 366)]


def test_the_sql_day_number_is_the_ordinal(db):
    got = [row[0] for row in db.execute(
        f"select {days.DAY_NUMBER_SQL.format('value')} from json_each(?)",
        ["[" + ",".join(f'"{d.isoformat()}"' for d in EDGES + SPAN) + "]"]).fetchall()]

    assert got == [d.toordinal() for d in EDGES + SPAN]
    assert got == [days.number(d) for d in EDGES + SPAN]


def test_insights_read_the_same_sql_day_number():
    assert DAY_NUMBER == days.DAY_NUMBER_SQL


@pytest.mark.parametrize("day", [date(1, 1, 1), date(2000, 2, 29), date(2026, 11, 27), date(9999, 12, 31)])
def test_a_number_is_its_day(day):
    assert days.from_number(days.number(day)) == day


def test_the_packed_evidence_day_read_through_days_is_the_touchs_day(db):
    db.table("people").insert({"id": 1, "name": "A", "created_at": "x", "updated_at": "x"})
    # The packed column holds a julian day in 22 bits: days up to the year 6771 (9999-12-31 would not fit).
    logged = [d for d in EDGES if d.year < 6771] + SPAN[::37]
    db.table("interactions").insert_all([
        {"person_id": 1, "day": d.isoformat(), "channel": "email", "direction": "me", "kind": "give",
         "created_at": "x"} for d in logged])

    for packed in (fetch_evidence(db), fetch_evidence(db, [1])):
        assert [days.from_number(n) for n in evidence_days(packed).tolist()] == logged


def test_a_day_sqlite_cannot_read_stays_recognisable_as_0(db):
    db.table("people").insert({"id": 1, "name": "A", "created_at": "x", "updated_at": "x"})
    db.table("interactions").insert_all([
        {"person_id": 1, "day": day, "channel": "email", "direction": "me", "kind": "give", "created_at": "x"}
        for day in ("2026-13-45", "someday", "2026-11-27")])

    assert evidence_days(fetch_evidence(db)).tolist() == [0, 0, date(2026, 11, 27).toordinal()]
    assert days.from_julian(0) == 0
