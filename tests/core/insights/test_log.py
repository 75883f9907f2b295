"""The shared read of the log: core.db.data_version, the insights page's cache key, follows every change to it."""

from core.db import data_version
from core.interactions import log_interaction
from core.people import add_person


def test_the_fingerprint_changes_when_the_log_changes(db, today):
    pid = add_person(db, name="Ana")
    before = data_version(db)
    iid = log_interaction(db, pid, day=today, channel="email", today=today)
    after = data_version(db)

    from core.interactions import update_interaction

    update_interaction(db, iid, responded=True, today=today)

    assert len({before, after, data_version(db)}) == 3
