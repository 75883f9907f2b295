"""Counts read right: core.words.plural is the one way a count is written."""

from core.words import plural


def test_plurals_read_right():
    assert [plural(n, "row") for n in (0, 1, 2, 3000)] == ["0 rows", "1 row", "2 rows", "3,000 rows"]
    assert plural(1, "person") == "1 person" and plural(2, "person") == "2 people"
    assert plural(1, "check-in") == "1 check-in" and plural(1, "day") == "1 day" and plural(1, "event") == "1 event"
