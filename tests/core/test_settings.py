"""Settings: the weekly budget in hours or minutes, and cadences that move everyone's check-ins."""

import re
from datetime import date

import pytest

from core import followups, people, settings
from core.errors import ValidationError
from core.interactions import log_interaction

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("amount", "unit", "minutes"),
    [(3, "hours", 180), (2.5, "hours", 150), ("1.25", "hours", 75), (90, "minutes", 90), (45.0, "minutes", 45)],
)
def test_the_budget_is_given_in_hours_or_minutes(amount, unit, minutes):
    assert settings.budget_minutes(amount, unit) == minutes


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [(None, "hours", "Weekly networking time is required."),
     ("lots", "hours", "Weekly networking time must be a number, not 'lots'."),
     ("nan", "hours", "Weekly networking time must be a number."),
     (3, "days", "Unit must be one of: hours, minutes")],
)
def test_a_budget_that_is_not_a_number_is_a_clear_error(amount, unit, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        settings.budget_minutes(amount, unit)


def test_save_budget_stores_minutes(db):
    assert settings.save_budget(db, 2.5, "hours") == 150
    assert settings.get_budget_minutes(db) == 150


def test_a_budget_under_a_quarter_hour_is_refused_and_the_old_one_kept(db):
    settings.save_budget(db, 2, "hours")

    with pytest.raises(ValidationError, match="at least 15"):
        settings.save_budget(db, 10, "minutes")

    assert settings.get_budget_minutes(db) == 120


@pytest.mark.parametrize(("minutes", "text"), [(180, "3 h"), (150, "2 h 30 min"), (45, "45 min"), (60, "1 h")])
def test_describe_budget(minutes, text):
    assert settings.describe_budget(minutes) == text


def test_new_cadences_move_the_next_check_in_of_everyone_on_that_tier(db):
    pid = people.add_person(db, name="Ana", tier="network")
    log_interaction(db, pid, day="2026-11-01", channel="email", today=TODAY)
    assert followups.for_person(db, pid, TODAY)[0]["due"] == "2027-01-30"  # 90 days

    settings.apply_cadences(db, {"network": 30}, TODAY)

    assert settings.get_cadences(db)["network"] == 30
    assert followups.for_person(db, pid, TODAY)[0]["due"] == "2026-12-01"


def test_an_invalid_cadence_changes_nothing(db):
    pid = people.add_person(db, name="Ana", tier="core")
    log_interaction(db, pid, day="2026-11-01", channel="email", today=TODAY)
    before = followups.for_person(db, pid, TODAY)

    with pytest.raises(ValidationError, match="Cadence for core must be at least 1"):
        settings.apply_cadences(db, {"active": 7, "core": 0}, TODAY)

    assert settings.get_cadences(db) == {"active": 14, "core": 30, "network": 90, "acquaintance": 180}
    assert followups.for_person(db, pid, TODAY) == before


def test_addresses_typed_in_one_box_split_on_commas_semicolons_spaces_and_new_lines():
    assert settings.split_addresses("me@a.org, me@b.org;me@c.org\nme@d.org  me@e.org") == [
        "me@a.org", "me@b.org", "me@c.org", "me@d.org", "me@e.org"]
    assert settings.split_addresses("  ") == []
