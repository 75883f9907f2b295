"""The one day number outside the database: a date's ordinal (date.toordinal(), 0001-01-01 is 1).

The database keeps days as ISO text. Code that counts days in bulk (numpy columns, SQL aggregates) uses the
ordinal, and only this module knows another encoding exists: the packed `evidence` column (migration m007,
core.migrations.evidence_sql) stores an integer julian day, frozen into its triggers, which
core.bulk_scoring.evidence_days turns into ordinals where the column is unpacked.
"""

from __future__ import annotations

from datetime import date

# date.toordinal() of an ISO day column, in SQL: julianday('0001-01-01') is 1721425.5, the ordinal 1.
DAY_NUMBER_SQL = "cast(julianday({}) - 1721424.5 as integer)"
# The packed evidence column's day (cast(julianday(day) as integer)) minus this is the day's ordinal.
JULIAN_OFFSET = 1721424


def number(day: date) -> int:
    """The day's number: its ordinal."""
    return day.toordinal()


def from_number(n: int) -> date:
    """The date whose number is n."""
    return date.fromordinal(n)


def from_julian(julian):
    """The number of a day stored as the evidence column's julian day, for one int or a numpy array of them.

    0 (a day SQLite could not read) stays 0, so an unreadable day is still recognisable.
    """
    return (julian - JULIAN_OFFSET) * (julian > 0)
