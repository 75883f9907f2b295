"""Message templates per purpose: the defaults, the user's own, and filling one in."""

from __future__ import annotations

import re
import string

from sqlite_utils import Database

from core import validation as v
from core.composer.purposes import DEFAULT_TEMPLATES, PLACEHOLDERS, _check_purpose
from core.db import now_iso, one
from core.errors import ValidationError

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
