"""Drafts about an opportunity: a referral ask checked against the relationship first, and the interview
thank-you. The opportunity's role and link fill the {job_title} and {job_link} gaps that draft() leaves."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from core.composer.checks import gaps_in
from core.composer.drafts import draft
from core.composer.purposes import PLACEHOLDERS
from core.opportunities import get_opportunity, referral_check


def opportunity_draft(db: Database, person_id: int, purpose: str, today: date,
                      opportunity_id: int | None = None) -> dict:
    """draft() for this person and purpose, with the opportunity's role title and posting link written in
    (left as gaps without an opportunity, or when it has no link)."""
    written = draft(db, person_id, purpose, today)
    if opportunity_id is None:
        return written
    opp = get_opportunity(db, opportunity_id)
    values = {PLACEHOLDERS["job_title"]: opp["title"], PLACEHOLDERS["job_link"]: opp["link"]}
    for gap, value in values.items():
        if not value:
            continue
        written["subject"] = written["subject"].replace(gap, value)
        written["body"] = written["body"].replace(gap, value)
        for part in written["parts"]:
            part["text"] = part["text"].replace(gap, value)
    if not opp["link"]:  # no link known: the sentence reads as well without the brackets
        for key in ("body",):
            written[key] = written[key].replace(f" ({PLACEHOLDERS['job_link']})", "")
        for part in written["parts"]:
            part["text"] = part["text"].replace(f" ({PLACEHOLDERS['job_link']})", "")
    written["gaps"] = gaps_in(written["subject"] + "\n" + written["body"])
    written["suggestions"] = [s for s in written.get("suggestions", [])
                              if s["gap"] in written["subject"] + "\n" + written["body"]]
    written["opportunity_id"] = opportunity_id
    return written


def referral_ask(db: Database, person_id: int, today: date, opportunity_id: int | None = None) -> dict:
    """A referral ask, the relational way: {"check", "ask", "give_first", "redirected"}.

    check is core.opportunities.referral_check. When the relationship is one-way, cold, or the last three
    touches were asks, redirected is True and give_first holds a give-first draft (a resource to share)
    to send instead, for now; the ask is still written (never blocked), and check["warmer"] names people at
    the same company with a better relationship to ask instead.
    """
    check = referral_check(db, person_id, today, opportunity_id)
    ask = opportunity_draft(db, person_id, "referral_ask", today, opportunity_id)
    give_first = None if check["ok"] else draft(db, person_id, check["give_first_purpose"], today)
    return {"check": check, "ask": ask, "give_first": give_first, "redirected": not check["ok"]}
