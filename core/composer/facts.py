"""What Rapport knows about the person a message is for: conversation, news, a matching resource."""

from __future__ import annotations

import re
from datetime import date

from sqlite_utils import Database

from core import validation as v
from core.composer.phrasing import _lower_first
from core.composer.purposes import CHANNEL_PHRASES
from core.db import one, rows
from core.errors import ValidationError
from core.followups import needs_thank_you
from core.people import get_person
from core.settings import get_profile, list_resources

# --- What Rapport knows about the person -------------------------------------------------------


def _clean_fact(value: object) -> str:
    return str(value or "").strip().rstrip(".").strip()


def _mid(value: object) -> str:
    """A fact to use mid-sentence: 'Hiring two analysts.' -> 'hiring two analysts' (phrasing's rule for a first
    word); a one-word fact stays as it is."""
    text = _clean_fact(value)
    return _lower_first(text) if " " in text else text


def _first_name(name: str) -> str:
    return name.split()[0] if name.strip() else ""


def _day_phrase(day: date, today: date) -> str:
    gap = (today - day).days
    if gap == 0:
        return "today"
    if gap == 1:
        return "yesterday"
    return f"on {day.day} {day.strftime('%B')}"


_WORD = re.compile(r"[a-z0-9][a-z0-9+#.-]*", re.IGNORECASE)


def _words(*texts: str) -> set[str]:
    out: set[str] = set()
    for t in texts:
        out |= {w.lower().strip(".") for w in _WORD.findall(t or "")}
    return out


def match_resource(resources: list[dict], person: dict) -> dict | None:
    """The resource whose tags best match the person's tags, industry, role, title and needs."""
    interests = {t.lower() for t in person.get("tags") or []} | _words(
        person.get("industry", ""), person.get("role", ""), person.get("title", ""), person.get("needs", ""),
        " ".join(person.get("tags") or []))
    best, best_hits = None, 0
    for r in resources:
        hits = sum(1 for tag in r["tags"] if tag.lower() in interests or (_words(tag) and _words(tag) <= interests))
        if hits > best_hits:
            best, best_hits = r, hits
    return best


def _conversation(db: Database, person_id: int, purpose: str, interaction_id: int | None) -> dict | None:
    if interaction_id is not None:
        found = one(db, "select * from interactions where id = ? and person_id = ?", [interaction_id, person_id])
        if found:
            return found
    recent = rows(db, "select * from interactions where person_id = ? order by day desc, id desc limit 50",
                  [person_id])
    if purpose in ("thank_you", "event_followup"):
        for r in recent:
            if needs_thank_you(r["channel"], r["nature"], v.load_tags(r["tags"])) or (
                    r["direction"] == "them" and r["kind"] == "give") or (
                    r["direction"] == "me" and r["kind"] == "ask" and r["responded"]):
                return r
    return recent[0] if recent else None


def _news(db: Database, person_id: int, today: date) -> str:
    for d in rows(db, "select * from important_dates where person_id = ? and label in ('success', "
                      "'work_anniversary') order by id desc", [person_id]):
        for year in (today.year - 1, today.year, today.year + 1):
            try:
                when = date(year, d["month"], d["day"])
            except ValueError:
                continue
            if abs((when - today).days) <= 30:
                if d["label"] == "success":
                    return _clean_fact(d["note"]) or ""
                years = f"{year - d['year']}-year " if d["year"] and year > d["year"] else ""
                return f"your {years}work anniversary"
    return ""


def gather_facts(db: Database, person_id: int, purpose: str, today: date, other_person_id: int | None = None,
                 interaction_id: int | None = None) -> dict:
    """Everything a draft can draw on, as placeholder -> value ('' when unknown)."""
    person = get_person(db, person_id)
    profile = get_profile(db)
    convo = _conversation(db, person_id, purpose, interaction_id)
    detail = ""
    last_conversation = ""
    event_name = ""
    if convo:
        day = date.fromisoformat(convo["day"])
        last_conversation = f"{CHANNEL_PHRASES.get(convo['channel'], 'our conversation')} " \
                            f"{_day_phrase(day, today)}"
        detail = _clean_fact(convo["details"])
        if convo["event_id"]:
            event_name = one(db, "select name from events where id = ?", [convo["event_id"]])["name"]
    if not detail:
        latest = one(db, "select details from interactions where person_id = ? and details != '' "
                         "order by day desc, id desc limit 1", [person_id])
        detail = _clean_fact(latest["details"] if latest else person["details"])
    if not event_name:
        met = one(db, "select e.name from event_people ep join events e on e.id = ep.event_id "
                      "where ep.person_id = ? order by e.day desc limit 1", [person_id])
        event_name = met["name"] if met else ""
    raw_detail = detail
    detail = _mid(detail)
    resource = match_resource(list_resources(db), person)
    facts = {
        "first_name": _first_name(person["name"]),
        "name": person["name"],
        "company": person["company"],
        "role": person["title"] or person["role"],
        "field": person["industry"] or person["role"],
        "common_ground": _clean_fact(person["common_ground"]),
        "needs": _mid(person["needs"]),
        "last_conversation": last_conversation,
        "detail": detail,
        "news": _news(db, person_id, today),
        "event_name": event_name,
        "my_name": profile["name"],
        "pitch": profile["pitch"],
        "value_proposition": profile["value_proposition"],
        "website": profile["website"],
        "resource_title": resource["title"] if resource else "",
        "resource_url": (resource["url"] or resource["title"]) if resource else "",
        "signature": profile["signature"] or profile["name"],
        "other_name": "", "other_first_name": "", "other_role": "", "other_company": "", "other_needs": "",
    }
    if other_person_id is not None:
        if other_person_id == person_id:
            raise ValidationError("An introduction needs two different people.")
        other = get_person(db, other_person_id)
        facts.update(other_name=other["name"], other_first_name=_first_name(other["name"]),
                     other_role=other["title"] or other["role"], other_company=other["company"],
                     other_needs=_mid(other["needs"]))
    # The notes as the user wrote them: the draft shows a held-back note beside the message like this.
    facts["_notes"] = {"detail": raw_detail, "needs": person["needs"], "common_ground": person["common_ground"],
                       "news": facts["news"], "other_needs": other["needs"] if other_person_id is not None else ""}
    facts["_email"] = person["email"]
    facts["_resource_id"] = resource["id"] if resource else None
    facts["_conversation_day"] = convo["day"] if convo else None
    return facts
