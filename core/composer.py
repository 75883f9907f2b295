"""The outreach composer: drafts in the article's structure, checks as you type, mailto links, drafts.

Drafts are built from what Rapport knows (the person, the last conversation, the user's profile, a
matching resource). Where something is missing the draft keeps a clearly marked gap such as
"[something you have in common]" instead of inventing it, and check() points it out.
"""

from __future__ import annotations

import re
import string
from datetime import date, timedelta
from urllib.parse import quote

from sqlite_utils import Database

from core import validation as v
from core.db import now_iso, one, rows, transaction
from core.errors import NotFound, ValidationError
from core.followups import needs_thank_you
from core.interactions import complete_followup, log_interaction
from core.people import get_person
from core.relationships import cadence_for
from core.settings import get_cadences, get_profile, list_resources
from core.vocab import CHANNELS, NATURES, THANK_YOU_DAYS

# --- Purposes ------------------------------------------------------------------------------------

# purpose -> label, the nature "Mark sent" logs, the word limit, whether it needs a call to action,
# and the parts of its structure (the article's anatomy of that message).
PURPOSES: dict[str, dict] = {
    "introduction": {
        "label": "Introduction (to someone new)", "nature": "", "max_words": 150, "cta": True,
        "structure": ("greeting", "hook", "purpose", "value", "call_to_action", "sign_off"),
    },
    "info_interview": {
        # The request is an ask for advice; the interview itself is logged after it happens
        # (log_info_interview), so sending the request doesn't schedule a thank-you for a meeting.
        "label": "Informational-interview request", "nature": "advice", "max_words": 175, "cta": True,
        "structure": ("greeting", "hook", "purpose", "value", "call_to_action", "sign_off"),
    },
    "thank_you": {
        "label": "Thank-you", "nature": "thank_you", "max_words": 200, "cta": False,
        "structure": ("greeting", "personal_detail", "gratitude", "renewed_interest", "offer", "sign_off"),
    },
    "check_in": {
        "label": "Check-in", "nature": "check_in", "max_words": 150, "cta": True,
        "structure": ("greeting", "hook", "offer", "call_to_action", "sign_off"),
    },
    "congratulations": {
        "label": "Congratulations", "nature": "congratulated", "max_words": 120, "cta": False,
        "structure": ("greeting", "news", "personal_detail", "warm_close", "sign_off"),
    },
    "share_resource": {
        "label": "Share a resource", "nature": "shared_resource", "max_words": 120, "cta": False,
        "structure": ("greeting", "hook", "offer", "warm_close", "sign_off"),
    },
    "event_followup": {
        "label": "Event follow-up", "nature": "thank_you", "max_words": 150, "cta": True,
        "structure": ("greeting", "personal_detail", "offer", "value", "call_to_action", "sign_off"),
    },
    "double_intro": {
        "label": "Double opt-in introduction", "nature": "introduction", "max_words": 175, "cta": True,
        "structure": ("greeting", "purpose", "why_them", "call_to_action", "sign_off"),
    },
}
PART_LABELS = {
    "greeting": "Greeting", "hook": "Hook", "purpose": "Purpose", "value": "Your value proposition",
    "call_to_action": "Call to action", "sign_off": "Sign-off", "personal_detail": "Personal detail",
    "gratitude": "Gratitude", "renewed_interest": "Renewed interest", "offer": "Something offered",
    "news": "Their news", "warm_close": "Warm close", "why_them": "Why these two",
}
ASK_PURPOSES = frozenset(p for p, spec in PURPOSES.items() if NATURES.get(spec["nature"]) == "ask")

# Placeholders a template may use, with the gap shown when Rapport doesn't know the value.
PLACEHOLDERS: dict[str, str] = {
    "first_name": "[first name]",
    "name": "[their name]",
    "company": "[their company]",
    "role": "[their role]",
    "field": "[their field]",
    "common_ground": "[something you have in common]",
    "needs": "[what they are working on]",
    "last_conversation": "[when you last spoke]",
    "detail": "[a detail from your conversation]",
    "news": "[their news]",
    "event_name": "[the event]",
    "my_name": "[your name]",
    "pitch": "[your elevator pitch]",
    "value_proposition": "[what you can offer]",
    "website": "[your website]",
    "resource_title": "[a resource worth sharing]",
    "resource_url": "[link]",
    "signature": "[your name]",
    "other_name": "[the other person]",
    "other_first_name": "[the other person]",
    "other_role": "[their role]",
    "other_company": "[their company]",
    "other_needs": "[what they are working on]",
}
GAPS = frozenset(PLACEHOLDERS.values())

# The shipped templates: one paragraph per part of the purpose's structure.
DEFAULT_TEMPLATES: dict[str, dict] = {
    "introduction": {
        "subject": "A quick question about your work at {company}",
        "parts": [
            "Hi {first_name},",
            ("I came across your work as {role} at {company} and noticed we have something in common: "
            "{common_ground}."),
            "I'm reaching out because I'm learning more about {field}, and your perspective would mean a lot.",
            "A little about me: {pitch}",
            ("Would you be open to a 15-minute call in the next couple of weeks? Happy to fit around your "
            "schedule."),
            "Best,\n{signature}",
        ],
    },
    "info_interview": {
        "subject": "20 minutes to learn about your path at {company}?",
        "parts": [
            "Hi {first_name},",
            "We have something in common ({common_ground}), and your path to {role} at {company} caught my eye.",
            ("I'm exploring {field} and would value hearing how you got where you are, what the culture at "
            "{company} is like, and which skills your team values most."),
            "A little about me: {pitch}",
            ("Would you have 20 minutes for a call or a coffee in the next few weeks? I'll keep to time and come "
            "with specific questions."),
            "Thank you,\n{signature}",
        ],
    },
    "thank_you": {
        "subject": "Thank you, {first_name}",
        "parts": [
            "Hi {first_name},",
            "I really enjoyed {last_conversation}, and I've made a note of what you shared: {detail}.",
            "Thank you for your time and for being so generous with your insights.",
            "It made me even more interested in {field} and in the work you're doing at {company}.",
            ("In return, you might like this: {resource_title} ({resource_url}). And if I can ever help with "
            "{needs}, just say the word."),
            "With thanks,\n{signature}",
        ],
    },
    "check_in": {
        "subject": "How are things at {company}, {first_name}?",
        "parts": [
            "Hi {first_name},",
            "You came to mind today. Last time ({last_conversation}) you mentioned {detail}: how is that going?",
            "I came across something you might find useful: {resource_title} ({resource_url}).",
            ("Would you like to catch up over a quick call in the next few weeks? No agenda, just to hear "
            "how you are."),
            "Best,\n{signature}",
        ],
    },
    "congratulations": {
        "subject": "Congratulations, {first_name}!",
        "parts": [
            "Hi {first_name},",
            "I just saw the news ({news}): congratulations!",
            "It's great to see your work at {company} recognised; it's well deserved.",
            "I hope you get a moment to celebrate. Cheering you on from here!",
            "Warmly,\n{signature}",
        ],
    },
    "share_resource": {
        "subject": "Thought of you: {resource_title}",
        "parts": [
            "Hi {first_name},",
            "I came across this and thought of you, given what you're working on ({needs}).",
            "{resource_title}: {resource_url}",
            "No need to reply; I hope it's useful. Good luck with everything at {company}!",
            "Best,\n{signature}",
        ],
    },
    "event_followup": {
        "subject": "Great to meet you at {event_name}",
        "parts": [
            "Hi {first_name},",
            "It was great to meet you at {event_name}, and I enjoyed our chat ({detail}).",
            "You mentioned {needs}; this might help: {resource_title} ({resource_url}).",
            "In case it's useful, a little about me: {pitch}",
            "Would you be up for a coffee in the coming weeks to continue the conversation?",
            "Best,\n{signature}",
        ],
    },
    "double_intro": {
        "subject": "Would you like an introduction to {other_name}?",
        "parts": [
            "Hi {first_name},",
            "I'd like to introduce you to {other_name}, {other_role} at {other_company}.",
            ("Why I thought of you two: on your side, {needs}; on {other_first_name}'s, {other_needs}. "
            "I think you'd both get something out of a conversation."),
            ("Would you like me to make the introduction? No pressure at all: if now isn't a good time, just say "
            "so and I won't make it."),
            "Best,\n{signature}",
        ],
    },
}

CHANNEL_PHRASES = {
    "email": "our emails", "phone": "our call", "video": "our video call", "in_person": "meeting you",
    "linkedin": "our LinkedIn exchange", "social": "our chat online", "text": "our messages",
    "event": "meeting you at the event", "other": "our conversation",
}


def purpose_label(purpose: str) -> str:
    return PURPOSES[purpose]["label"] if purpose in PURPOSES else purpose


def _check_purpose(purpose: str) -> str:
    return v.choice(purpose, "Purpose", PURPOSES)


# --- Templates -----------------------------------------------------------------------------------


def default_template(purpose: str) -> dict:
    purpose = _check_purpose(purpose)
    spec = DEFAULT_TEMPLATES[purpose]
    return {"purpose": purpose, "subject": spec["subject"], "body": "\n\n".join(spec["parts"]),
            "custom": False, "updated_at": None}


def get_template(db: Database, purpose: str) -> dict:
    """The user's template for a purpose, else the shipped default (custom tells which)."""
    purpose = _check_purpose(purpose)
    stored = one(db, "select * from templates where purpose = ?", [purpose])
    if not stored:
        return default_template(purpose)
    return {"purpose": purpose, "subject": stored["subject"], "body": stored["body"], "custom": True,
            "updated_at": stored["updated_at"]}


def template_problems(text: str) -> list[str]:
    """What is wrong with a template's placeholders (empty when it is fine)."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return ["a brace is not closed or opened: write {first_name}, and {{ or }} for a literal brace"]
    problems = []
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name == "" or name.isdigit():
            problems.append("empty {} is not a placeholder: put a name inside, like {first_name}")
        elif name not in PLACEHOLDERS:
            problems.append(f"{{{name}}} is not a placeholder Rapport knows")
        elif spec or conversion:
            problems.append(f"{{{name}}} can't have a format: write it as {{{name.split('!')[0]}}}")
    return list(dict.fromkeys(problems))


def validate_template(subject: str, body: str) -> tuple[str, str]:
    """Return the cleaned subject and body, or raise a ValidationError naming each problem."""
    subject = v.text(subject, "Subject", required=True)
    body = v.long_text(body, "Message", required=True)
    problems = [f"subject: {p}" for p in template_problems(subject)] + [
        f"message: {p}" for p in template_problems(body)]
    if problems:
        known = ", ".join("{" + k + "}" for k in PLACEHOLDERS)
        raise ValidationError("The template has problems: " + "; ".join(problems) + f". Placeholders: {known}.")
    return subject, body


def save_template(db: Database, purpose: str, subject: str, body: str) -> None:
    """Store the user's own template for a purpose (checked first; nothing stored if it has problems)."""
    purpose = _check_purpose(purpose)
    subject, body = validate_template(subject, body)
    db.execute(
        "insert into templates (purpose, subject, body, updated_at) values (?, ?, ?, ?) "
        "on conflict(purpose) do update set subject = excluded.subject, body = excluded.body, "
        "updated_at = excluded.updated_at", [purpose, subject, body, now_iso()])


def reset_template(db: Database, purpose: str) -> None:
    """Go back to the shipped template for a purpose."""
    purpose = _check_purpose(purpose)
    db.execute("delete from templates where purpose = ?", [purpose])


class _Visible(dict):
    """format_map mapping that leaves unknown placeholders visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, values: dict[str, str]) -> str:
    """Fill a template's placeholders; unknown ones stay visible as {name}."""
    unsafe = [p for p in template_problems(template) if "is not a placeholder Rapport knows" not in p]
    if unsafe or re.search(r"\{[^{}]*[.\[][^{}]*\}", template.replace("{{", "").replace("}}", "")):
        return template  # malformed: show it as typed rather than fail or evaluate attribute lookups
    return template.format_map(_Visible(values))


# --- What Rapport knows about the person -------------------------------------------------------


def _clean_fact(value: object) -> str:
    return str(value or "").strip().rstrip(".").strip()


def _mid(value: object) -> str:
    """A fact to use mid-sentence: 'Hiring two analysts.' -> 'hiring two analysts'."""
    text = _clean_fact(value)
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower() and " " in text:
        return text[0].lower() + text[1:]
    return text


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
    facts["_email"] = person["email"]
    facts["_resource_id"] = resource["id"] if resource else None
    facts["_conversation_day"] = convo["day"] if convo else None
    return facts


def _values(facts: dict) -> dict[str, str]:
    return {k: (facts.get(k) or gap) for k, gap in PLACEHOLDERS.items()}


def draft(db: Database, person_id: int, purpose: str, today: date, other_person_id: int | None = None,
          interaction_id: int | None = None) -> dict:
    """A draft for this person and purpose: {subject, body, parts, gaps, to, template}.

    parts lists the structure's paragraphs ({part, label, text}) when the shipped template is used;
    gaps lists the bracketed placeholders left for the user to fill.
    """
    purpose = _check_purpose(purpose)
    if purpose == "double_intro" and other_person_id is None:
        raise ValidationError("Pick the second person for the introduction.")
    facts = gather_facts(db, person_id, purpose, today, other_person_id, interaction_id)
    values = _values(facts)
    template = get_template(db, purpose)
    subject = fill(template["subject"], values).replace("\n", " ").strip()
    body = fill(template["body"], values)
    paragraphs = [fill(p, values) for p in DEFAULT_TEMPLATES[purpose]["parts"]]
    structure = PURPOSES[purpose]["structure"]
    if template["custom"]:
        split = [p for p in body.split("\n\n") if p.strip()]
        parts = [{"part": name, "label": PART_LABELS[name], "text": text}
                 for name, text in zip(structure, split, strict=False)] if len(split) == len(structure) else []
    else:
        parts = [{"part": name, "label": PART_LABELS[name], "text": text}
                 for name, text in zip(structure, paragraphs, strict=True)]
    return {
        "purpose": purpose, "subject": subject, "body": body, "parts": parts,
        "gaps": gaps_in(subject + "\n" + body), "to": facts["_email"], "template": "custom" if template[
            "custom"] else "default",
        "facts": {k: val for k, val in facts.items() if not k.startswith("_")},
    }


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
            add("late_thank_you", f"The 48-hour window closed {late} day{'s' if late != 1 else ''} ago. Send it "
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


# --- mailto ------------------------------------------------------------------------------------

MAILTO_MAX = 2000  # Outlook's MAPI limit is 2083; some clients cut far earlier (formats.md §3e)


def mailto(to: str, subject: str, body: str) -> str:
    """A mailto: URL per RFC 6068: %20 for spaces, %0D%0A line breaks, To in the path, never '+'."""
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    subject = (subject or "").replace("\r", " ").replace("\n", " ")
    return f"mailto:{quote((to or '').strip(), safe='@')}?subject={quote(subject, safe='')}" \
           f"&body={quote(body, safe='')}"


def mail_link(to: str, subject: str, body: str) -> tuple[str | None, str]:
    """The mailto URL when it is short enough for mail clients, else None and why to copy instead."""
    url = mailto(to, subject, body)
    if len(url) > MAILTO_MAX:
        return None, (f"This message is too long for a mail link ({len(url):,} characters encoded; mail apps "
                      f"cut links after about {MAILTO_MAX:,}): copy it instead.")
    return url, ""


# --- Drafts ------------------------------------------------------------------------------------


def _require_person(db: Database, person_id: int) -> dict:
    found = one(db, "select id, name from people where id = ?", [person_id])
    if not found:
        raise NotFound("That person does not exist (any more); pick someone from your list.")
    return found


def save_draft(db: Database, person_id: int, purpose: str, subject: str, body: str,
               other_person_id: int | None = None, draft_id: int | None = None) -> int:
    """Keep a draft until it is sent or discarded; with draft_id, update that draft. Returns its id."""
    purpose = _check_purpose(purpose)
    _require_person(db, person_id)
    if other_person_id is not None:
        _require_person(db, other_person_id)
    record = {"person_id": person_id, "other_person_id": other_person_id, "purpose": purpose,
              "subject": v.text(subject, "Subject"), "body": v.long_text(body, "Message"),
              "updated_at": now_iso()}
    if not record["subject"] and not record["body"]:
        raise ValidationError("There is nothing to save yet: write a subject or a message.")
    if draft_id is not None:
        existing = one(db, "select status from drafts where id = ?", [draft_id])
        if not existing or existing["status"] != "draft":
            raise NotFound("That draft was sent or discarded; save this as a new draft.")
        db.table("drafts").update(draft_id, record)
        return draft_id
    record["created_at"] = record["updated_at"]
    return db.table("drafts").insert(record).last_pk


def get_draft(db: Database, draft_id: int) -> dict:
    found = one(db, "select * from drafts where id = ?", [draft_id])
    if not found:
        raise NotFound("That draft no longer exists.")
    return found


def list_drafts(db: Database, limit: int = 100) -> list[dict]:
    """Unsent drafts, newest first, with the person's name."""
    found = rows(db, (
        "select d.id, d.person_id, d.other_person_id, d.purpose, d.subject, d.body, d.updated_at, "
        "p.name as person, coalesce(o.name, '') as other_person from drafts d join people p on p.id = d.person_id "
        "left join people o on o.id = d.other_person_id where d.status = 'draft' "
        "order by d.updated_at desc, d.id desc limit ?"), [limit])
    for r in found:
        r["purpose_label"] = purpose_label(r["purpose"])
    return found


def discard_draft(db: Database, draft_id: int) -> None:
    """Throw a draft away."""
    get_draft(db, draft_id)
    db.execute("delete from drafts where id = ?", [draft_id])


def mark_sent(db: Database, sent: int | tuple, today: date, channel: str = "email",
              followup_id: int | None = None) -> int:
    """Log a message as sent and close its draft; returns the interaction id.

    sent is a draft id, or (person_id, purpose, subject, body). The interaction's nature follows the
    purpose (a thank-you closes the open thank-you follow-up; a congratulation is a give), and the
    follow-up engine reschedules the next check-in. followup_id: the reminder this message answers.
    """
    channel = v.choice(channel, "Channel", CHANNELS)
    draft_id = None
    if isinstance(sent, int):
        found = get_draft(db, sent)
        if found["status"] != "draft":
            raise ValidationError("That draft was already sent.")
        draft_id = sent
        person_id, purpose, subject, body = found["person_id"], found["purpose"], found["subject"], found["body"]
    else:
        person_id, purpose, subject, body = sent
    purpose = _check_purpose(purpose)
    _require_person(db, person_id)
    subject = v.text(subject, "Subject")
    body = v.long_text(body, "Message")
    if not body:
        raise ValidationError("The message is empty: write it before marking it sent.")
    notes = f"{purpose_label(purpose)}: {subject}\n\n{body}" if subject else f"{purpose_label(purpose)}\n\n{body}"
    if one(db, "select id from interactions where person_id = ? and day = ? and direction = 'me' and notes = ?",
           [person_id, today.isoformat(), notes]):
        raise ValidationError("You already marked this message sent today: it is in their history once.")
    tags = ["info_interview_request"] if purpose == "info_interview" else []
    with transaction(db):
        interaction_id = log_interaction(db, person_id, day=today, channel=channel, direction="me",
                                         nature=PURPOSES[purpose]["nature"], notes=notes, tags=tags, today=today)
        if draft_id is not None:
            db.execute("update drafts set status = 'sent', interaction_id = ?, updated_at = ? where id = ?",
                       [interaction_id, now_iso(), draft_id])
        if followup_id is not None:
            row = one(db, "select status, person_id from followups where id = ?", [followup_id])
            if row and row["status"] == "open" and row["person_id"] == person_id:
                complete_followup(db, followup_id, today, interaction_id=interaction_id)
    return interaction_id


# --- Informational interviews -------------------------------------------------------------------

QUESTION_BANK: dict[str, list[str]] = {
    "Career path": [
        "How did you get from where you started to your role at {company}?",
        "What was the most useful move you made early in your career?",
        "If you were starting out in {field} today, what would you do differently?",
    ],
    "The work itself": [
        "What does a typical week look like for you?",
        "What do you enjoy most about your work?",
        "What is the hardest part of the job that people outside don't see?",
    ],
    "Culture": [
        "How would you describe the culture at {company}?",
        "How does your team make decisions and share what it learns?",
        "What kind of people thrive at {company}, and who struggles?",
    ],
    "Skills they value": [
        "Which skills does your team value most in a new hire?",
        "What separates a good {role} from a great one?",
        "Which skills do you wish you had learned sooner?",
    ],
    "The hiring process": [
        "How does hiring usually work for roles like yours?",
        "What makes an application stand out to your team?",
        "Where do roles at {company} get announced first?",
    ],
    "Advice": [
        "What advice would you give someone trying to move into {field}?",
        "What resources, communities or events would you recommend?",
        "Is there anyone else you think I should talk to?",
    ],
    "Giving back": [
        "What are you working on right now that I might be able to help with?",
    ],
}
INTERVIEW_CHANNELS = ("video", "phone", "in_person")


def interview_questions(facts: dict | None = None) -> dict[str, list[str]]:
    """The question bank, personalised with the person's company, role and field where known."""
    facts = facts or {}
    values = {"company": facts.get("company") or "your company", "role": facts.get("role") or "person in your role",
              "field": facts.get("field") or "this field"}
    return {topic: [q.format_map(_Visible(values)) for q in qs] for topic, qs in QUESTION_BANK.items()}


def question_sheet(name: str, questions: list[str]) -> str:
    """The picked questions as a short numbered list to take into the meeting."""
    lines = [f"Questions for {name}"] if name else ["Questions"]
    lines += [f"{i}. {q}" for i, q in enumerate(questions, 1)]
    return "\n".join(lines)


def log_info_interview(db: Database, person_id: int, *, day: object, channel: str, today: date,
                       notes: str = "", details: str = "", minutes: int | None = None) -> dict:
    """Log an informational interview that happened, with its details to remember.

    It is an ask that they answered (so the thank-you counts towards follow-through), it moves the
    person to 'conversed', and the follow-up engine schedules the thank-you (due within 48 hours).
    Returns {interaction_id, thank_you_due}.
    """
    channel = v.choice(channel, "How you met", INTERVIEW_CHANNELS)
    _require_person(db, person_id)
    with transaction(db):
        interaction_id = log_interaction(db, person_id, day=day, channel=channel, direction="me",
                                         nature="informational_interview", responded=True, notes=notes,
                                         details=details, minutes=minutes, today=today)
    due = one(db, "select due from followups where interaction_id = ? and status = 'open'", [interaction_id])
    return {"interaction_id": interaction_id, "thank_you_due": date.fromisoformat(due["due"]) if due else None}


def followup_interaction(db: Database, followup_id: int) -> int | None:
    """The conversation a follow-up (a thank-you) is about, so its draft mentions the right one."""
    found = one(db, "select interaction_id from followups where id = ?", [followup_id])
    return found["interaction_id"] if found else None


def thank_you_deadline(conversation_day: date) -> date:
    return conversation_day + timedelta(days=THANK_YOU_DAYS)
