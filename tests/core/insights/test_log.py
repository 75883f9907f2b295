"""The shared read of the log (core.insights.log): its fingerprint follows every change."""

from core import insights as ins
from core.interactions import log_interaction
from core.people import add_person


def test_the_fingerprint_changes_when_the_log_changes(db, today):
    pid = add_person(db, name="Ana")
    before = ins.log_fingerprint(db)
    iid = log_interaction(db, pid, day=today, channel="email", today=today)
    after = ins.log_fingerprint(db)

    from core.interactions import update_interaction

    update_interaction(db, iid, responded=True, today=today)

    assert len({before, after, ins.log_fingerprint(db)}) == 3
