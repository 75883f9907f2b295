"""From a mail or calendar export to touches: a preview first (added, matched to whom, skipped and why,
people you talk to), then one transaction through the single write path, core.interactions.record_touches.

Only touches with someone on the list are kept; a message's body is never read and its subject is kept
as the touch's note only when the user asks. Every touch carries its source ("mail" or "calendar") and a
source_uid that is the same in every export of the same message or meeting, so importing a file twice,
or two overlapping exports, adds nothing the second time.

source_uid: mail "<message-id> address" (plus " re <parent-id>" when it answers a message, so a reply
imported later can still mark what it answers); calendar "UID occurrence-start address".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from core import settings
from core import validation as v
from core.capture import calendar as ical
from core.capture.mail import Message, Source, is_noreply, read_messages
from core.contacts import people_by_email
from core.db import chunks, get_setting, placeholders, transaction
from core.errors import ValidationError
from core.followups import THANK_YOU_LOOKBACK
from core.interactions import EARLIEST, mark_answered, record_touches
from core.people import names as names_of
from core.relationships import refresh_people
from core.vocab import THANK_YOU_DAYS
from core.words import plural

MAIL, CALENDAR = "mail", "calendar"
TALK_LIMIT = 20  # "people you talk to" offered in the preview
GUESS_SAMPLE = 2000  # messages read to guess the user's own address when none is saved
APPLY_CHUNK = 5000  # touches handed to record_touches at a time (all in one transaction)
EXAMPLES = 3  # examples kept per skip reason
NOTE_CHARS = 300  # the longest subject kept as a note
CHANNEL_WORDS = {"email": "email", "video": "video call", "in_person": "meeting in person", "phone": "call"}


@dataclass(slots=True)
class Touch:
    """One touch the import will record (compact: a Takeout holds hundreds of thousands)."""

    uid: str
    person_id: int
    address: str
    day: str
    direction: str
    channel: str
    notes: str
    responded: bool | None = None


@dataclass
class CapturePlan:
    """What a mail or calendar import will do; built by plan_mail / plan_calendar, written by apply_capture."""

    kind: str  # mail or calendar
    my_addresses: list[str]
    touches: list[Touch] = field(default_factory=list)  # new touches only
    skipped: Counter = field(default_factory=Counter)  # reason -> how many messages or events
    examples: dict[str, list[str]] = field(default_factory=dict)  # reason -> a few "day · address"
    already: int = 0  # touches this file holds that were imported before
    scanned: int = 0  # messages or occurrences read
    answered: list[int] = field(default_factory=list)  # touches already recorded that a reply here answers
    talk: list[dict] = field(default_factory=list)  # people you talk to who are not on the list
    names: dict[int, str] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        return {"scanned": self.scanned, "touches": len(self.touches), "people": len({t.person_id for t in
                                                                                     self.touches}),
                "replies": sum(1 for t in self.touches if t.responded) + len(self.answered),
                "skipped": sum(self.skipped.values()), "already": self.already}

    def describe(self) -> str:
        """One sentence: what confirming will do."""
        s = self.summary()
        what = "email" if self.kind == MAIL else "meeting"
        read = "message" if self.kind == MAIL else "event"
        text = (f"Read {plural(s['scanned'], read)}: this import will log {plural(s['touches'], what)} with "
                f"{plural(s['people'], 'person')} on your list")
        if s["replies"]:
            text += f" ({s['replies']:,} answered, from the threads)" if self.kind == MAIL else ""
        text += f", and skip {s['skipped']:,}"
        if self.skipped:
            text += " (" + ", ".join(f"{n:,} {r}" for r, n in self.skipped.most_common(3)) + ")"
        if self.already:
            text += f"; {self.already:,} were imported before and are left as they are"
        return text + "."

    def preview(self, limit: int = 50) -> list[dict]:
        """The first touches, newest first, as plain rows for a table."""
        out = []
        for t in sorted(self.touches, key=lambda t: t.day, reverse=True)[:limit]:
            who = "you" if t.direction == "me" else "they"
            verb = "sent" if self.kind == MAIL else "organised"
            out.append({"day": t.day, "with": self.names.get(t.person_id, ""), "address": t.address,
                        "touch": f"{CHANNEL_WORDS.get(t.channel, t.channel)} {who} {verb}",
                        "answered": {True: "yes", False: "no", None: ""}[t.responded], "note": t.notes})
        return out

    def matched(self, limit: int = 50) -> list[dict]:
        """Who the touches are with, most touches first: [{name, touches}]."""
        counts = Counter(t.person_id for t in self.touches)
        return [{"name": self.names.get(pid, ""), "touches": n} for pid, n in counts.most_common(limit)]

    def skipped_rows(self) -> list[dict]:
        return [{"reason": r, "count": n, "examples": "; ".join(self.examples.get(r, []))}
                for r, n in self.skipped.most_common()]


def _skip(plan: CapturePlan, reason: str, example: str) -> None:
    plan.skipped[reason] += 1
    kept = plan.examples.setdefault(reason, [])
    if len(kept) < EXAMPLES:
        kept.append(example)


def _clean_addresses(addresses) -> list[str]:
    out = []
    for a in addresses or []:
        a = (a or "").strip().lower()
        if a and a not in out:
            out.append(v.email(a, "Your address").lower())
    return out


def guess_my_addresses(db: Database, source: Source | None = None) -> tuple[list[str], bool]:
    """The user's own addresses and whether they are a guess: the saved list; else the profile's email,
    plus the most frequent sender of the mailbox's first messages when the profile's address never sends
    there (Takeout: 'All mail' holds your sent mail too) and the address Gmail delivered them to."""
    if get_setting(db, "my_addresses", None):
        return settings.get_my_addresses(db), False
    guess = settings.get_my_addresses(db)  # the profile's email, if any
    if source is not None:
        senders, delivered = Counter(), Counter()
        for i, msg in enumerate(read_messages(source)):
            if i >= GUESS_SAMPLE:
                break
            if not msg.bulk and msg.sender:
                senders[msg.sender] += 1
            if msg.delivered_to:
                delivered[msg.delivered_to] += 1
        if senders and not any(a in senders for a in guess):
            guess.append(senders.most_common(1)[0][0])
        if delivered and delivered.most_common(1)[0][0] not in guess:
            guess.append(delivered.most_common(1)[0][0])
    return guess, True


def _existing(db: Database, source: str, person_ids: set[int]) -> list[tuple]:
    """(id, person_id, direction, source_uid, responded) of the touches this source recorded for these people."""
    found: list[tuple] = []
    for chunk in chunks(sorted(person_ids)):
        found += db.execute(f"select id, person_id, direction, source_uid, responded from interactions "
                            f"where source = ? and person_id in ({placeholders(chunk)})",
                            [source, *chunk]).fetchall()
    return found


def _talk(counts: Counter, names: dict[str, str], me: set[str]) -> list[dict]:
    return [{"email": a, "name": names.get(a) or name_from_address(a), "count": n}
            for a, n in counts.most_common(TALK_LIMIT + len(me)) if a not in me][:TALK_LIMIT]


def name_from_address(addr: str) -> str:
    """A readable name from an address when the mail gave none: 'ana.lopez@x.com' → 'Ana Lopez'."""
    local = re.sub(r"\+.*$", "", addr.partition("@")[0])
    words = [w for w in re.split(r"[._\-]+", local) if w and not w.isdigit()]
    return " ".join(w.capitalize() for w in words) or addr


def _finish(db: Database, plan: CapturePlan, found: list[Touch], source: str) -> None:
    """Drop the touches recorded before, mark replies from the threads (in this file and the ones before),
    name everyone matched."""
    people = {t.person_id for t in found}
    existing = _existing(db, source, people)
    known = {uid for _, _, _, uid, _ in existing}
    plan.touches = [t for t in found if t.uid not in known]
    plan.already = len(found) - len(plan.touches)
    if source == MAIL:
        plan.answered = _mark_replies(plan.touches, existing)
    plan.names = names_of(db, people)


def _mark_replies(touches: list[Touch], existing: list[tuple]) -> list[int]:
    """Mark the new touches a reply (in this file or an earlier one) answers as answered; return the ids of the
    touches recorded before that a reply here answers and that are not marked yet."""
    # message id -> [(person, direction, new touch | recorded id, recorded responded)]
    by_id: dict[str, list[tuple]] = {}
    answers: list[tuple[str, int, str]] = []  # (parent id, person, direction of the answer)
    for t in touches:
        msgid, parent = _uid_parts(t.uid)
        by_id.setdefault(msgid, []).append((t.person_id, t.direction, t, None))
        if parent:
            answers.append((parent, t.person_id, t.direction))
    for row_id, pid, direction, uid, responded in existing:
        msgid, parent = _uid_parts(uid)
        by_id.setdefault(msgid, []).append((pid, direction, row_id, responded))
        if parent:
            answers.append((parent, pid, direction))
    answered: set[int] = set()
    for parent, pid, direction in answers:
        for target_pid, target_dir, target, responded in by_id.get(parent, ()):
            if target_pid != pid or target_dir == direction:
                continue
            if isinstance(target, Touch):
                target.responded = True
            elif responded is None:
                answered.add(target)
    return sorted(answered)


def _uid_parts(uid: str) -> tuple[str, str]:
    parts = uid.split(" ")
    return parts[0], parts[3] if len(parts) >= 4 and parts[2] == "re" else ""


@dataclass
class _Scan:
    """What reading one export gathers: the touches with people on the list, the skips (in the plan), and the
    people you talk to who are not on the list."""

    plan: CapturePlan
    me: set[str]
    index: dict[str, int]  # address -> person on the list
    keep_subjects: bool
    found: list[Touch] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # message ids or occurrence keys already planned
    talk: Counter = field(default_factory=Counter)  # unlisted address -> messages or meetings
    talk_names: dict[str, str] = field(default_factory=dict)  # unlisted address -> the first name given

    def skip(self, reason: str, example: str) -> None:
        _skip(self.plan, reason, example)

    def split(self, others: Iterable[tuple[str, str]]) -> tuple[dict[int, str], list[tuple[str, str]]]:
        """The people on the list among these (address, name) pairs, each with the smallest of their addresses
        here, and the pairs of those who are not on it, in their order."""
        index = self.index
        listed: dict[int, str] = {}
        unlisted = []
        for a, name in others:
            pid = index.get(a)
            if pid is None:
                unlisted.append((a, name))
            elif pid not in listed or a < listed[pid]:
                listed[pid] = a
        return listed, unlisted

    def count_talk(self, unlisted: list[tuple[str, str]]) -> None:
        """Count the people you talk to who are not on the list (no-reply senders aside), keeping a name."""
        for a, name in unlisted:
            if not is_noreply(a):
                self.talk[a] += 1
                if name and not self.talk_names.get(a):
                    self.talk_names[a] = name

    def add(self, key: str, listed: dict[int, str], day: date, direction: str, channel: str, subject: str,
            uid_tail: str = "") -> None:
        """Plan a touch with each person listed; `key` (a message id, an occurrence key) is now planned."""
        self.seen.add(key)
        note = subject[:NOTE_CHARS] if self.keep_subjects else ""
        iso = day.isoformat()
        for pid, a in sorted(listed.items()):
            self.found.append(Touch(f"{key} {a}{uid_tail}", pid, a, iso, direction, channel, note))

    def finish(self, db: Database, source: str) -> CapturePlan:
        self.plan.talk = _talk(self.talk, self.talk_names, self.me)
        _finish(db, self.plan, self.found, source)
        return self.plan


def _message_skip_reason(msg: Message, today: date) -> str:
    """Why a message is no touch whoever it is with ('' when it may be one): bulk mail, or no usable date."""
    if msg.bulk:
        return msg.bulk
    if msg.day is None:
        return "no date"
    if msg.day > today:
        return "dated in the future"
    if msg.day < EARLIEST:
        return "dated before 1900"
    return ""


def _plan_message(scan: _Scan, msg: Message, today: date) -> None:
    """One message: a touch with each person on the list it is between you and, or one skip with its reason."""
    example = f"{msg.day or 'no date'} · {msg.sender or 'no sender'}"
    reason = _message_skip_reason(msg, today)
    if reason:
        scan.skip(reason, example)
        return
    me = scan.me
    if msg.sender in me:
        direction = "me"
        others = [(a, n) for a, n in msg.recipients if a not in me]
        if not others:
            scan.skip("sent to yourself only", example)
            return
        example = f"{msg.day} · to {others[0][0]}"
    elif msg.sender:
        direction, others = "them", [(msg.sender, msg.sender_name)]
    else:
        scan.skip("no sender", example)
        return
    listed, unlisted = scan.split(others)
    if listed and msg.message_id in scan.seen:
        scan.skip("the same message twice in the file", example)
        return
    scan.count_talk(unlisted)
    if not listed:
        scan.skip("nobody on your list", example)
        return
    scan.add(msg.message_id, listed, msg.day, direction, "email", msg.subject,
             f" re {msg.parent}" if msg.parent else "")


def plan_mail(db: Database, source: Source, today: date, *, my_addresses: list[str] | None = None,
              keep_subjects: bool = False, progress: Callable[[int, int], None] | None = None) -> CapturePlan:
    """Read a mail export (see core.capture.mail.read_messages) and plan its touches; writes nothing.

    my_addresses: the user's own addresses (None: the saved ones, else a guess). A message from one of
    them is a touch from you with each person on the list it went to (To, Cc, Bcc); a message from
    someone on the list is a touch from them. Raises ValidationError for a file that is not mail.
    """
    me = set(_clean_addresses(my_addresses if my_addresses is not None else guess_my_addresses(db, source)[0]))
    scan = _Scan(CapturePlan(kind=MAIL, my_addresses=sorted(me)), me, people_by_email(db), keep_subjects)
    for msg in read_messages(source, progress):
        scan.plan.scanned += 1
        _plan_message(scan, msg, today)
    return scan.finish(db, MAIL)


def _meeting_others(occ: ical.Occurrence, me: set[str]) -> dict[str, str]:
    """Who a meeting was with besides you: {address: name}, the organiser first, attendees who declined left out."""
    others: dict[str, str] = {}
    if occ.organizer and occ.organizer not in me:
        others[occ.organizer] = ""
    for a, status, cn in occ.attendees:
        if a in me or status == "DECLINED":
            others.pop(a, None)
        else:
            others[a] = cn or others.get(a, "")
    return others


def _plan_occurrence(scan: _Scan, occ: ical.Occurrence) -> None:
    """One occurrence: a conversation with each person on the list who took part, or one skip with its reason."""
    me = scan.me
    example = f"{occ.day} · {occ.summary[:40] if scan.keep_subjects else occ.organizer or 'no organiser'}"
    if occ.cancelled:
        scan.skip("cancelled", example)
        return
    if any(a in me and status == "DECLINED" for a, status, _ in occ.attendees):
        scan.skip("you declined", example)
        return
    others = _meeting_others(occ, me)
    if not others:
        scan.skip("no one but you", example)
        return
    if occ.day < EARLIEST:
        scan.skip("dated before 1900", example)
        return
    listed, unlisted = scan.split(others.items())
    scan.count_talk(unlisted)
    if not listed:
        scan.skip("nobody on your list", example)
        return
    if occ.key in scan.seen:
        scan.skip("the same event twice in the file", example)
        return
    direction = "them" if occ.organizer and occ.organizer not in me else "me"
    scan.add(occ.key, listed, occ.day, direction, occ.channel, occ.summary)


def plan_calendar(db: Database, data: bytes, today: date, *, my_addresses: list[str] | None = None,
                  keep_subjects: bool = False, name: str = "calendar file") -> CapturePlan:
    """Read an .ics export and plan a conversation for each occurrence, up to today, with someone on the
    list: video when it carries a meeting link, in person when it has a location, else a call. Cancelled
    events, events you declined and events with no one but you are skipped; so are attendees who declined.
    Writes nothing; raises ValidationError for a file that is not a calendar."""
    cal = ical.load(data, name)
    given = my_addresses if my_addresses is not None else settings.get_my_addresses(db)
    me = set(_clean_addresses(given)) | ({ical.calendar_owner(cal)} - {""})
    scan = _Scan(CapturePlan(kind=CALENDAR, my_addresses=sorted(me)), me, people_by_email(db), keep_subjects)
    for occ in ical.occurrences(cal, today):
        scan.plan.scanned += 1
        _plan_occurrence(scan, occ)
    return scan.finish(db, CALENDAR)


def _record(t: Touch, source: str) -> dict:
    return {"person_id": t.person_id, "day": t.day, "channel": t.channel, "direction": t.direction,
            "nature": "meeting" if source == CALENDAR else "", "responded": t.responded, "notes": t.notes,
            "source": source, "source_uid": t.uid}


def apply_capture(db: Database, plan: CapturePlan, today: date, *, save_addresses: bool = True) -> dict:
    """Write a plan in one transaction through record_touches; all of it or nothing. A meeting imported
    from a calendar gets its thank-you only when it is within THANK_YOU_DAYS of today (an older one is
    history). Replies found in this file mark the touches they answer, recorded before, as answered.
    save_addresses: remember the addresses used as the user's own. Returns {added, answered, message}."""
    source = plan.kind
    # A meeting older than THANK_YOU_DAYS is history: no thank-you to write now.
    lookback = THANK_YOU_DAYS if source == CALENDAR else THANK_YOU_LOOKBACK
    added = 0
    touched: set[int] = set()
    with transaction(db):
        for chunk in chunks(plan.touches, APPLY_CHUNK):
            ids = record_touches(db, [_record(t, source) for t in chunk], today=today, refresh=False,
                                 thank_you_lookback=lookback)
            added += sum(n is not None for n in ids)
            touched.update(t.person_id for t, n in zip(chunk, ids, strict=True) if n is not None)
        marked = mark_answered(db, plan.answered)
        touched.update(marked)
        answered = marked.total()
        if save_addresses and plan.my_addresses and source == MAIL:
            settings.save_my_addresses(db, plan.my_addresses)
        if touched:
            refresh_people(db, today, sorted(touched))
    what = "email" if source == MAIL else "meeting"
    message = f"Logged {plural(added, what)} with {plural(len({t.person_id for t in plan.touches}), 'person')}"
    if answered:
        message += f"; {plural(answered, 'earlier message')} marked as answered"
    return {"added": added, "answered": answered, "people": len(touched), "message": message + "."}


def add_correspondents(db: Database, picks: list[dict], today: date) -> list[int]:
    """Put people you talk to on the list in one go: picks are {email, name} (a name made from the
    address when blank). Someone already on the list (by any of their addresses) is left alone.
    Returns the new people's ids; all of them or none."""
    from core.people import add_person

    added: list[int] = []
    with transaction(db):
        for pick in picks:
            addr = v.email(pick.get("email"), "Email").lower()
            if not addr:
                raise ValidationError("Each person to add needs an email address.")
            if people_by_email(db, [addr]):
                continue
            name = (pick.get("name") or "").strip() or name_from_address(addr)
            added.append(add_person(db, name=name, email=addr, source=MAIL, how_met="other", today=today))
    return added
