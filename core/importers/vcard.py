"""Planning a vCard import: cards become people, with birthdays, alternates and their own UIDs."""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from core import validation as v
from core.db import get_setting
from core.errors import ValidationError
from core.exporters import person_uid
from core.importers import vcard_reader as vc
from core.importers.dates import parse_vcard_birthday
from core.importers.files import SNIFF_BYTES
from core.importers.mapped_csv import SYSTEM_GROUPS
from core.importers.matching import _add_or_update, _alternates, _Index, _person_fields
from core.importers.plan import ImportPlan


def _own_vcard_uids(db: Database, index: _Index) -> None:
    """Cards this database exported carry a UID derived from the person's id: match them back."""
    db_uid = get_setting(db, "database_uid")
    if db_uid:
        for pid in index.people:
            index.by_uid.setdefault(person_uid(db_uid, pid), pid)


def _plan_vcards(plan: ImportPlan, index: _Index, data: bytes, options: dict,
                 flush: Callable[[bool], None] | None = None) -> None:
    """Card by card (core.importers.vcard_reader): a card that can't be read is skipped with its line and why."""
    if not data.strip():
        raise ValidationError("The vCard file is empty.")
    if data[:4] == b"PK\x03\x04":
        raise ValidationError("The vCard file is a zip archive, not a .vcf file: unzip it and try again.")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise ValidationError("The vCard file is a binary file, not text (or UTF-16: export it as UTF-8).")
    if b"BEGIN:VCARD" not in data.upper():
        raise ValidationError("This is not a vCard file: no BEGIN:VCARD line was found.")
    seen: dict = {}
    defaults = {"tier": options.get("tier") or "network", "how_met": ""}
    read = 0
    errors = []
    for card in vc.cards(data):
        if flush:
            flush(False)
        if isinstance(card, tuple):
            errors.append(card)
            plan.skip.append({"line": card[0], "name": "", "reason": f"card can't be read: {card[1]}"})
            continue
        read += 1
        _plan_card(plan, index, card, seen, defaults)
    if not read and errors:
        raise ValidationError(f"The vCard file can't be read: the card on line {errors[0][0]}: {errors[0][1]}.")


def _plan_card(plan: ImportPlan, index: _Index, card: vc.Card, seen: dict, defaults: dict) -> None:
    line = card.line
    name = vc.name(card)
    if not name:
        plan.skip.append({"line": line, "name": "", "reason": "card without a name (FN or N)"})
        return
    linkedin, website = "", ""
    for u in vc.ordered(card.all("URL")):
        url = vc.unescape(u.value).strip()
        if "linkedin.com" in url.lower():
            linkedin = linkedin or url
        else:
            website = website or url
    emails, phones = vc.emails(card), vc.phones(card)
    tags = [t for t in vc.categories(card) if t.lower() not in SYSTEM_GROUPS]
    try:
        tags = v.tags(tags)
    except ValidationError:
        tags = []
    notes = "\n".join(vc.unescape(p.value).replace("\r\n", "\n") for p in card.all("NOTE") if p.value.strip())
    raw = {"name": name, "title": vc.unescape(card.first("TITLE")).strip(), "company": vc.company(card),
           "email": emails[0] if emails else "", "phone": phones[0] if phones else "",
           "linkedin_url": linkedin, "website": website, "notes": notes}
    fields = _person_fields(raw, line, plan)
    if fields is None:
        return
    bday = None
    bdays = card.all("BDAY")
    if bdays:
        value = vc.unescape(bdays[0].value)
        bday = parse_vcard_birthday(value, bdays[0].params)
        if bday is None:
            plan.warnings.append({"line": line, "name": fields["name"],
                                  "message": f"BDAY {value[:20]!r} is not a date; it was left out."})
    uid = vc.unescape(card.first("UID")).strip()[:200]
    alternates = _alternates(plan, line, fields, "email", emails[1:]) + _alternates(plan, line, fields, "phone",
                                                                                  phones[1:])
    _add_or_update(plan, index, line, fields, source="vcard", uid=uid, tags=tags, birthday=bday,
                   seen=seen, defaults=defaults, alternates=alternates)


def _first(contents: dict, key: str) -> str:
    found = contents.get(key)
    if not found:
        return ""
    value = found[0].value
    return " ".join(value) if isinstance(value, list) else str(value)
