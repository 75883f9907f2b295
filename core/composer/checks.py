"""The checks as you type: length, self-focus, gaps left, a call to action, the facts used."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Draft:
    """A draft as the checks read it: its text, its purpose's spec, and what check_context() knows."""

    subject: str
    body: str
    purpose: str
    spec: dict
    context: dict

    @property
    def first(self) -> str:
        return self.context.get("first_name") or "them"


def _finding(code: str, message: str, level: str = "warning") -> dict:
    return {"code": code, "level": level, "message": message}


def _no_subject(d: _Draft) -> dict | None:
    if d.subject.strip():
        return None
    return _finding("no_subject", "Add a subject line: a message without one looks like spam and is easy to skip.")


def _gaps(d: _Draft) -> dict | None:
    left = gaps_in(d.subject + "\n" + d.body)
    if not left:
        return None
    return _finding("gaps", "Fill in the gaps before sending: " + ", ".join(left[:6]) + (
        " …" if len(left) > 6 else "") + ". Rapport leaves them rather than invent something.")


def _no_cta(d: _Draft) -> dict | None:
    if not d.spec["cta"] or "?" in d.body or _CTA.search(d.body):
        return None
    return _finding("no_cta", "No call to action: end with a question or a specific next step (a 15-minute call "
                              "next week, a coffee) so it is easy to say yes.")


def _not_personal(d: _Draft) -> dict | None:
    facts = [d.context.get(k, "") for k in ("company", "role", "common_ground", "detail", "needs", "event_name",
                                            "news")]
    if any(facts):
        personal = any(_mentions(d.subject + "\n" + d.body, f) for f in facts)
    else:
        personal = _mentions(d.body, d.context.get("first_name", "")) or _mentions(d.body, d.context.get("name", ""))
    if personal:
        return None
    return _finding("not_personal", f"Nothing in it is about {d.first} in particular: mention their work, what you "
                                    "have in common or something they told you, so it can't be mistaken for a mass "
                                    "message.")


def _self_focus(d: _Draft) -> dict | None:
    mine, yours = self_focus(d.body)
    if not (mine >= 4 and mine > 1.5 * max(yours, 1)):
        return None
    return _finding("self_focus", f"Mostly about yourself: {mine} I/me/my against {yours} you/your. Turn a sentence "
                                  f"towards {d.first}: their work, their goals, what you can do for them.")


def _too_long(d: _Draft) -> dict | None:
    n, limit = words(d.body), d.spec["max_words"]
    if n <= limit:
        return None
    return _finding("too_long", f"Long for a {d.spec['label'].lower()}: {n} words; aim for under {limit}. "
                                "Busy people answer short messages.")


def _give_first(d: _Draft) -> dict | None:
    """An ask (by purpose or by its words) to someone never given anything, or not in touch within the cadence."""
    if d.purpose not in ASK_PURPOSES and not _ASK_WORDS.search(d.body):
        return None
    days, cadence = d.context.get("days_since_touch"), d.context.get("cadence")
    if d.context.get("gives", 0) == 0:
        return _finding("give_first", f"Give something first: you have never given {d.first} anything (a resource, "
                                      "an introduction, congratulations), and this message asks for something.")
    if days is None or (cadence and days > cadence):
        since = "you have not been in touch" if days is None else f"your last touch was {days} days ago"
        return _finding("give_first", f"Give something first: {since} (cadence {cadence} days), and reconnecting "
                                      "with an ask feels transactional. Open with something for them.")
    return None


def _late_thank_you(d: _Draft) -> dict | None:
    if d.purpose not in ("thank_you", "event_followup") or not d.context.get("conversation_day"):
        return None
    met = date.fromisoformat(d.context["conversation_day"])
    late = (d.context["today"] - met).days - THANK_YOU_DAYS
    if late <= 0:
        return None
    return _finding("late_thank_you", f"The 48-hour window closed {plural(late, 'day')} ago. Send it "
                                      "anyway: a late thank-you is far better than none.", level="info")


# The checks in the order their findings are listed: the first two read any draft, the rest need a body.
_ON_ANY_DRAFT = (_no_subject, _gaps)
_ON_THE_BODY = (_no_cta, _not_personal, _self_focus, _too_long, _give_first, _late_thank_you)


def check(subject: str, body: str, purpose: str, context: dict) -> list[dict]:
    """Findings about a draft as it stands: [{code, level, message}], each message saying why.

    context comes from check_context(): the person's facts, gives/asks so far, last touch, cadence, today.
    """
    purpose = _check_purpose(purpose)
    d = _Draft(subject or "", body or "", purpose, PURPOSES[purpose], context)
    findings = [f for rule in _ON_ANY_DRAFT if (f := rule(d))]
    if not d.body.strip():
        return [*findings, _finding("empty", "Write the message first.")]
    return findings + [f for rule in _ON_THE_BODY if (f := rule(d))]


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
