"""The overview (core.insights.overview): one read of the log serves the audit, neglect and victories."""

from datetime import timedelta

from core import insights as ins
from tests.core.insights.reference import reference_neglect, reference_victories


def test_one_read_of_the_log_serves_all_three_and_a_stale_or_short_one_is_read_again(demo_db, today):
    together = ins.overview(demo_db, today)
    assert together["victories"] == reference_victories(demo_db, today)
    assert together["neglect"] == reference_neglect(demo_db, today)
    assert together["audit"]["ready"] is True

    yesterday = ins.read_log(demo_db, today - timedelta(days=1))
    short = ins.read_log(demo_db, today, since=today - timedelta(days=10))
    assert ins.audit(demo_db, today, log=yesterday) == together["audit"]
    assert ins.neglect(demo_db, today, log=short) == together["neglect"]
    assert ins.victories(demo_db, today, log=short) == together["victories"]
