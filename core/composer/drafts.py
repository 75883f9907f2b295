"""Writing a draft from the facts, keeping drafts, and marking one sent (which logs the touch)."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from core import validation as v
from core.composer.checks import gaps_in
from core.composer.facts import gather_facts
from core.composer.phrasing import draft_values
from core.composer.purposes import (
    DEFAULT_TEMPLATES,
    PART_LABELS,
    PURPOSES,
    _check_purpose,
    needs_second_person,
    purpose_label,
)
from core.composer.templates import fill, get_template
from core.db import now_iso, one, rows, transaction
from core.errors import NotFound, ValidationError
from core.interactions import complete_followup, log_interaction
from core.vocab import CHANNELS


def draft(db: Database, person_id: int, purpose: str, today: date, other_person_id: int | None = None,
          interaction_id: int | None = None) -> dict:
    """A draft for this person and purpose: {subject, body, parts, gaps, suggestions, to, template}.

    parts lists the structure's paragraphs ({part, label, text}) when the shipped template is used;
    gaps lists the bracketed placeholders left for the user to fill; suggestions ({placeholder, gap,
    label, text}) holds each note that was kept out of the message (private, or not a clause that fits),
    to show beside it: notes are never pasted in where they would not read as a person's sentence.
    """
    purpose = _check_purpose(purpose)
    if needs_second_person(purpose) and other_person_id is None:
        raise ValidationError("Pick the second person for the introduction.")
    facts = gather_facts(db, person_id, purpose, today, other_person_id, interaction_id)
    values, suggestions = draft_values(facts)
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
    text = subject + "\n" + body
    return {
        "purpose": purpose, "subject": subject, "body": body, "parts": parts,
        "gaps": gaps_in(text), "suggestions": [s for s in suggestions if s["gap"] in text],
        "to": facts["_email"], "template": "custom" if template["custom"] else "default",
        "facts": {k: val for k, val in facts.items() if not k.startswith("_")},
    }


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


def followup_interaction(db: Database, followup_id: int) -> int | None:
    """The conversation a follow-up (a thank-you) is about, so its draft mentions the right one."""
    found = one(db, "select interaction_id from followups where id = ?", [followup_id])
    return found["interaction_id"] if found else None
