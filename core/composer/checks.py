"""The checks as you type: length, self-focus, gaps left, a call to action, the facts used."""

from __future__ import annotations

import re
from datetime import date

from sqlite_utils import Database

from core.composer.facts import gather_facts
from core.composer.purposes import ASK_PURPOSES, GAPS, PURPOSES, _check_purpose
from core.db import one
from core.relationships import cadence_for
from core.settings import get_cadences
from core.vocab import THANK_YOU_DAYS
from core.words import plural

# --- Checks ------------------------------------------------------------------------------------

FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll", "im"})
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "you're", "you've", "you'd", "you'll"})
_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)?", re.IGNORECASE)
_PLACEHOLDER_LEFT = re.compile(r"\{[a-z_]+\}")
_CTA = re.compile(
    r"\b(would you|could you|can we|could we|shall we|are you free|are you open|let me know|let's|"
    r"how about|happy to (?:meet|chat|call|jump)|free for|open to)\b", re.IGNORECASE)
_ASK_WORDS = re.compile(
    r"\b(refer me|referral|a reference|put in a good word|open roles?|job openings?|any openings|"
    r"pass (?:on )?my (?:cv|resume|résumé)|introduce me|hiring manager|forward my)\b", re.IGNORECASE)
_STOP = frozenset({"both", "with", "that", "this", "from", "have", "their", "they", "about", "just", "into",
                   "same", "were", "went", "your", "what", "when", "the", "and", "for"})


def words(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))


def self_focus(text: str) -> tuple[int, int]:
    """Count first-person (I, me, my, I'm…) and second-person (you, your…) words."""
    first = second = 0
    for token in _TOKEN.findall(text or ""):
        t = token.lower().replace("’", "'")
        if t in FIRST_PERSON:
            first += 1
        elif t in SECOND_PERSON:
            second += 1
    return first, second


def gaps_in(text: str) -> list[str]:
    """The bracketed gaps and {placeholders} still in a text, in order, without repeats."""
    found = [g for g in GAPS if g in text]
    found.sort(key=text.index)
    found += _PLACEHOLDER_LEFT.findall(text)
    return list(dict.fromkeys(found))


def _plain_words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", text.lower()))


def _mentions(body: str, fact: str) -> bool:
    """True when the body mentions a fact: the whole of a short one, or two of a long one's key words."""
    fact = (fact or "").strip()
    if not fact:
        return False
    low = body.lower()
    if fact.lower() in low:
        return True
    key = {w for w in _plain_words(fact) if len(w) >= 4 and w not in _STOP}
    if not key:
        return False
    present = key & _plain_words(body)
    return len(present) >= min(2, len(key))


def check(subject: str, body: str, purpose: str, context: dict) -> list[dict]:
    """Findings about a draft as it stands: [{code, level, message}], each message saying why.

    context comes from check_context(): the person's facts, gives/asks so far, last touch, cadence, today.
    """
    purpose = _check_purpose(purpose)
    spec = PURPOSES[purpose]
    subject = subject or ""
    body = body or ""
    first = context.get("first_name") or "them"
    findings: list[dict] = []

    def add(code: str, message: str, level: str = "warning") -> None:
        findings.append({"code": code, "level": level, "message": message})

    if not subject.strip():
        add("no_subject", "Add a subject line: a message without one looks like spam and is easy to skip.")
    left = gaps_in(subject + "\n" + body)
    if left:
        add("gaps", "Fill in the gaps before sending: " + ", ".join(left[:6]) + (
            " …" if len(left) > 6 else "") + ". Rapport leaves them rather than invent something.")
    if not body.strip():
        add("empty", "Write the message first.")
        return findings
    if spec["cta"] and "?" not in body and not _CTA.search(body):
        add("no_cta", "No call to action: end with a question or a specific next step (a 15-minute call next "
                      "week, a coffee) so it is easy to say yes.")
    facts = [context.get(k, "") for k in ("company", "role", "common_ground", "detail", "needs", "event_name",
                                          "news")]
    if any(facts):
        personal = any(_mentions(subject + "\n" + body, f) for f in facts)
    else:
        personal = _mentions(body, context.get("first_name", "")) or _mentions(body, context.get("name", ""))
    if not personal:
        add("not_personal", f"Nothing in it is about {first} in particular: mention their work, what you have "
                            "in common or something they told you, so it can't be mistaken for a mass message.")
    mine, yours = self_focus(body)
    if mine >= 4 and mine > 1.5 * max(yours, 1):
        add("self_focus", f"Mostly about yourself: {mine} I/me/my against {yours} you/your. Turn a sentence "
                          f"towards {first}: their work, their goals, what you can do for them.")
    n = words(body)
    if n > spec["max_words"]:
        add("too_long", f"Long for a {spec['label'].lower()}: {n} words; aim for under {spec['max_words']}. "
                        "Busy people answer short messages.")
    is_ask = purpose in ASK_PURPOSES or bool(_ASK_WORDS.search(body))
    if is_ask:
        gives = context.get("gives", 0)
        days = context.get("days_since_touch")
        cadence = context.get("cadence")
        if gives == 0:
            add("give_first", f"Give something first: you have never given {first} anything (a resource, an "
                              "introduction, congratulations), and this message asks for something.")
        elif days is None or (cadence and days > cadence):
            since = "you have not been in touch" if days is None else f"your last touch was {days} days ago"
            add("give_first", f"Give something first: {since} (cadence {cadence} days), and reconnecting with "
                              "an ask feels transactional. Open with something for them.")
    if purpose in ("thank_you", "event_followup") and context.get("conversation_day"):
        met = date.fromisoformat(context["conversation_day"])
        late = (context["today"] - met).days - THANK_YOU_DAYS
        if late > 0:
            add("late_thank_you", f"The 48-hour window closed {plural(late, 'day')} ago. Send it "
                                  "anyway: a late thank-you is far better than none.", level="info")
    return findings


def check_context(db: Database, person_id: int, purpose: str, today: date,
                  other_person_id: int | None = None, interaction_id: int | None = None) -> dict:
    """What check() needs to know about the person: facts, gives and asks so far, last touch, cadence."""
    facts = gather_facts(db, person_id, purpose, today, other_person_id, interaction_id)
    person = one(db, "select tier, cadence_days, archived_at from people where id = ?", [person_id])
    stats = one(db, "select sum(direction = 'me' and kind = 'give') as gives, "
                    "sum(direction = 'me' and kind = 'ask') as asks, count(*) as touches, max(day) as last "
                    "from interactions where person_id = ?", [person_id])
    last = stats["last"]
    return {
        **{k: val for k, val in facts.items() if not k.startswith("_")},
        "gives": stats["gives"] or 0, "asks": stats["asks"] or 0, "touches": stats["touches"] or 0,
        "last_touch": last, "days_since_touch": (today - date.fromisoformat(last)).days if last else None,
        "cadence": cadence_for(person, get_cadences(db)), "conversation_day": facts["_conversation_day"],
        "today": today,
    }
