"""A role from a job title: the small, editable mapping the LinkedIn import uses where a person has no role.

The mapping is a list of (words, role): a title containing `words` as whole words (case-insensitive) gets
that role, and a trailing * matches the start of a word ("engineer*" finds "Software Engineering Lead"); the first rule that fits wins, so the specific ones come
first ("product marketing" before "product"). It is kept in the settings and edited on the Settings page
as lines of `words = role`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sqlite_utils import Database

from core import validation as v
from core.db import get_setting, set_setting
from core.errors import ValidationError

SETTING = "role_map"
MAX_RULES = 300
DEFAULT_ROLE_MAP: tuple[tuple[str, str], ...] = (
    ("talent acquisition", "recruiting"), ("recruit*", "recruiting"), ("sourcer", "recruiting"),
    ("head of talent", "recruiting"), ("talent partner", "recruiting"), ("people partner", "people"), ("hr", "people"), ("human resources", "people"),
    ("product marketing", "marketing"), ("product design", "design"),
    ("product manager", "product"), ("product owner", "product"), ("head of product", "product"),
    ("product lead", "product"), ("vp product", "product"), ("chief product", "product"),
    ("data scien*", "data"), ("data analyst", "data"), ("data engineer", "data"), ("machine learning", "data"), ("head of data", "data"),
    ("analytics*", "data"),
    ("software", "engineering"), ("engineer*", "engineering"), ("developer", "engineering"),
    ("cto", "engineering"), ("devops", "engineering"), ("architect", "engineering"),
    ("designer", "design"), ("ux", "design"), ("ui", "design"),
    ("marketing", "marketing"), ("growth", "marketing"), ("brand", "marketing"), ("content", "marketing"),
    ("account executive", "sales"), ("sales", "sales"), ("business development", "sales"),
    ("customer success", "customer success"), ("support", "customer success"),
    ("finance", "finance"), ("accountant", "finance"), ("cfo", "finance"), ("controller", "finance"),
    ("operations", "operations"), ("coo", "operations"), ("project manager", "operations"),
    ("founder", "founder"), ("ceo", "founder"),
    ("consultant", "consulting"), ("consulting", "consulting"), ("lawyer", "legal"), ("counsel", "legal"), ("legal", "legal"),
    ("teacher", "education"), ("professor", "education"), ("lecturer", "education"),
)


def get_role_map(db: Database) -> list[tuple[str, str]]:
    """The mapping in use: the user's, else the shipped one."""
    stored = get_setting(db, SETTING, None)
    return [tuple(r) for r in stored] if stored else list(DEFAULT_ROLE_MAP)


def parse_role_map(text: str) -> list[tuple[str, str]]:
    """Lines of `words = role` (blank lines and lines starting with # are left out) as rules, checked."""
    text = v.long_text(text, "Roles from titles")
    rules: list[tuple[str, str]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        words, sep, role = line.partition("=")
        if not sep or not words.strip() or not role.strip():
            raise ValidationError(f"Line {n} of the roles from titles should read 'words in a title = role', "
                                  f"like 'talent acquisition = recruiting'; it reads {line.strip()[:60]!r}.")
        rules.append((v.text(words, f"Line {n}'s words", max_len=80).lower(),
                      v.text(role, f"Line {n}'s role", max_len=80)))
    if len(rules) > MAX_RULES:
        raise ValidationError(f"Keep the roles from titles to {MAX_RULES} lines at most.")
    return rules


def format_role_map(rules: list[tuple[str, str]]) -> str:
    return "\n".join(f"{words} = {role}" for words, role in rules)


def save_role_map(db: Database, text: str) -> list[tuple[str, str]]:
    """Validate and store the mapping given as lines of text; an empty text goes back to the shipped one."""
    rules = parse_role_map(text)
    set_setting(db, SETTING, [list(r) for r in rules] if rules else None)
    return rules or list(DEFAULT_ROLE_MAP)


@lru_cache(maxsize=16)
def _compiled(rules: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern, str]]:
    return [(re.compile(r"(?<![a-z0-9])" + re.escape(words.rstrip("*").strip())
                        + ("" if words.endswith("*") else r"(?![a-z0-9])"), re.IGNORECASE), role)
            for words, role in rules]


def role_for_title(title: str, rules: list[tuple[str, str]] | tuple | None = None) -> str:
    """The role the first fitting rule gives this title ('' when none fits)."""
    if not title:
        return ""
    for pattern, role in _compiled(tuple(tuple(r) for r in (rules if rules is not None else DEFAULT_ROLE_MAP))):
        if pattern.search(title):
            return role
    return ""
