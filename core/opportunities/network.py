"""Who can help with an opportunity: the people at its company, the people who know someone there, and
whether a referral ask to someone is a relational one (SCORING.md statuses, §4.7's asks in a row)."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from core.db import chunks, one, placeholders, rows
from core.errors import NotFound
from core.insights.audit import ASKS_IN_A_ROW, asks_in_a_row
from core.opportunities.pipeline import get_opportunity

# Statuses where an ask lands on a relationship that is one-way or has gone cold: give first.
COLD_STATUSES = frozenset({"one_way", "awaiting_reply", "unanswered", "fading", "dormant", "not_in_touch"})
COLD_WORDS = {"one_way": "one-way so far: no reply yet", "awaiting_reply": "waiting on a reply",
              "unanswered": "going unanswered", "fading": "fading", "dormant": "dormant",
              "not_in_touch": "not started: you have not been in touch yet"}
SECOND_STEP_MAX = 25

_PERSON = ("select p.id, p.name, p.title, p.stage, p.company_id, coalesce(c.name, '') as company, s.score, "
           "s.score_status, s.score_confidence, s.score_reason from people p left join scores s on s.person_id = p.id "
           "left join companies c on c.id = p.company_id ")


def _ranked(found: list[dict]) -> list[dict]:
    return sorted(found, key=lambda p: (p["score"] is None, -(p["score"] or 0), p["name"].casefold()))


def _direct(db: Database, company_id: int) -> list[dict]:
    """The active people whose company it is, unranked."""
    return rows(db, _PERSON + "where p.company_id = ? and p.archived_at is null", [company_id])


def who_do_i_know(db: Database, company_id: int | None) -> dict:
    """Who do I know at this company? {"direct": [...], "second": [...]}, each ranked by relationship score.

    direct: active people whose company it is. second: active people elsewhere who know someone there,
    each with `via`, a sentence saying how: they used to work there (a past company kept among their
    alternates, core.contacts), they share a past employer with someone there, or an introduction is on
    record (someone there was met via them, or you introduced them to each other).
    """
    if company_id is None:
        return {"direct": [], "second": []}
    company = one(db, "select id, name from companies where id = ?", [company_id])
    if not company:
        raise NotFound("That company does not exist (any more).")
    direct = _direct(db, company_id)
    inside = {p["id"]: p for p in direct}
    via: dict[int, str] = {}

    def add(person_id: int, sentence: str) -> None:
        if person_id not in inside and person_id not in via and len(via) < SECOND_STEP_MAX * 4:
            via[person_id] = sentence

    # 1. They used to work there.
    for (pid,) in db.execute("select a.person_id from person_alternates a join people p on p.id = a.person_id "
                             "where a.field = 'company' and a.value = ? collate nocase and p.archived_at is null "
                             "and (p.company_id is null or p.company_id != ?) limit 200", [company["name"], company_id]):
        add(pid, f"Used to work at {company['name']}")
    # 2. A past employer in common with someone there.
    ids = list(inside)
    past: list[tuple[int, str]] = []
    for chunk in chunks(ids):
        past += db.execute(f"select person_id, value from person_alternates where field = 'company' and person_id in "
                           f"({placeholders(chunk)}) and value != ? collate nocase",
                           [*chunk, company["name"]]).fetchall()
    for insider_id, employer in past[:200]:
        for (pid,) in db.execute(
                "select p.id from people p join companies c on c.id = p.company_id where c.name = ? collate nocase "
                "and p.archived_at is null union select a.person_id from person_alternates a join people p on "
                "p.id = a.person_id where a.field = 'company' and a.value = ? collate nocase and "
                "p.archived_at is null limit 50", [employer, employer]):
            add(pid, f"Worked at {employer}, like {inside[insider_id]['name']} (at {company['name']} now)")
    # 3. An introduction on record: someone there was met via them, or you introduced them to each other.
    if ids:
        for chunk in chunks(ids):
            marks = placeholders(chunk)
            for pid, insider_id in db.execute(
                    f"select o.id, p.id from people p join people o on o.name = p.met_via collate nocase "
                    f"where p.id in ({marks}) and p.met_via != '' and o.archived_at is null", chunk):
                add(pid, f"Introduced you to {inside[insider_id]['name']}")
            for a, b in db.execute(
                    f"select person_id, other_person_id from drafts where purpose = 'double_intro' and "
                    f"status = 'sent' and (person_id in ({marks}) or other_person_id in ({marks}))", [*chunk, *chunk]):
                outsider, insider_id = (b, a) if a in inside else (a, b)
                if outsider is not None and insider_id in inside:
                    add(outsider, f"You introduced them to {inside[insider_id]['name']}")
    second = []
    found_ids = list(via)
    for chunk in chunks(found_ids):
        second += rows(db, _PERSON + f"where p.id in ({placeholders(chunk)}) and p.archived_at is null",
                       list(chunk))
    for p in second:
        p["via"] = via[p["id"]]
    return {"direct": _ranked(direct), "second": _ranked(second)[:SECOND_STEP_MAX]}


def referral_check(db: Database, person_id: int, today: date, opportunity_id: int | None = None) -> dict:
    """Before asking someone for a referral: is this relationship ready for an ask?

    Returns {"ok", "person", "reasons": [sentences], "asks_in_a_row", "warmer": [people at the same company
    (the opportunity's, else theirs) with a better score and a warm status], "give_first_purpose"}. Not ok
    when the relationship is one-way, cold (fading, dormant, not in touch, unanswered) or the last three
    touches you started were asks. Never a block: the caller offers a give-first draft and the warmer path.
    """
    person = one(db, _PERSON + "where p.id = ?", [person_id])
    if not person:
        raise NotFound("That person does not exist (any more); pick someone from your list.")
    reasons = []
    status = person["score_status"] or "not_in_touch"
    if status in COLD_STATUSES:
        reasons.append(f"Your relationship with {person['name']} is {COLD_WORDS[status]}"
                       + (f" ({person['score_reason'].rstrip('.')})." if person["score_reason"] else "."))
    run = asks_in_a_row(db, person_id)
    if run >= ASKS_IN_A_ROW:
        reasons.append(f"Your last {run} messages to {person['name']} were all asks.")
    company_id = None
    if opportunity_id is not None:
        company_id = get_opportunity(db, opportunity_id)["company_id"]
    if company_id is None:
        company_id = person["company_id"]
    warmer = []
    if company_id is not None:
        mine = person["score"] if person["score"] is not None else -1
        warmer = [p for p in _ranked(_direct(db, company_id))
                  if p["id"] != person_id and p["score"] is not None and p["score"] > mine
                  and (p["score_status"] or "") not in COLD_STATUSES][:3]
    return {"ok": not reasons, "person": person, "reasons": reasons, "asks_in_a_row": run, "warmer": warmer,
            "give_first_purpose": "share_resource"}
