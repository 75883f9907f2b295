"""The Insights page's overview: the audit, neglect signs and victories from one shared read."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from core.insights.audit import audit
from core.insights.log import read_log
from core.insights.neglect import neglect
from core.insights.victories import victories


def overview(db: Database, today: date) -> dict:
    """The audit, the neglect signs and the victories from one read of the log."""
    log = read_log(db, today)
    return {"audit": audit(db, today, log=log), "neglect": neglect(db, today, log=log),
            "victories": victories(db, today, log=log)}
