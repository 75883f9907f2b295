"""Informational interviews: the questions, a printable sheet, and logging one."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from core import validation as v
from core.composer.drafts import _require_person
from core.composer.templates import _Visible
from core.db import one, transaction
from core.interactions import log_interaction
from core.vocab import INTERVIEW_CHANNELS

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
