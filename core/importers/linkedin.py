"""LinkedIn's exports: Connections.csv, messages.csv and Invitations.csv, in every era."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from core.db import get_setting, now_iso
from core.errors import ValidationError
from core.importers.dates import parse_loose_date, parse_sent_at
from core.importers.files import _find_header
from core.importers.matching import (
    _add_or_update,
    _Index,
    _NameIndex,
    _norm,
    _person_fields,
    _plain_fields,
    _unique_name,
    linkedin_key,
)
from core.importers.plan import INVITATION_SOURCE, ImportPlan
from core.roles import role_for_title
from core.vocab import CHANNEL_MINUTES, REPLY_WINDOW_DAYS

NOTE_CHARS = 1000  # how much of a LinkedIn message is kept in the interaction's notes

LINKEDIN_COLUMNS = {
    "first name": "first_name", "last name": "last_name", "url": "linkedin_url", "email address": "email",
    "company": "company", "position": "title", "connected on": "connected_on",
}
MESSAGE_COLUMNS = ("conversation id", "from", "sender profile url", "date")
MESSAGE_COLUMNS_2018 = ("from", "to", "date", "content", "direction")  # 2018: From,To,Date,Subject,Content,Direction,Folder
OWNER_2018 = "\x00me"  # the sender of an OUTGOING message in a 2018 messages.csv
# Invitations.csv: From,To,Sent At,Message,Direction[,inviterProfileUrl,inviteeProfileUrl] (URLs since late 2023).
INVITATION_COLUMNS = ("from", "to", "sent at", "direction")
INVITATION_DIRECTIONS = {"outgoing": "me", "incoming": "them"}


def _plan_connections(plan: ImportPlan, index: _Index, records: Iterable, options: dict,
                      flush: Callable[[bool], None] | None = None) -> None:
    _, columns, rest = _find_header(records, ("first name", "last name"), "Connections.csv",
                                    "First Name, Last Name, URL, Email Address, Company, Position, Connected On")
    wanted = {field: columns[col] for col, field in LINKEDIN_COLUMNS.items() if col in columns}
    seen: dict = {}
    defaults = {"tier": options.get("tier") or "acquaintance", "how_met": "linkedin"}
    # LinkedIn's Position gives a role where a person has none (core.roles; the mapping is in the settings).
    role_map = options.get("role_map")
    roles: dict[str, str] = {}
    for line, record in rest:
        if flush:
            flush(False)
        raw = {f: (record[i].strip() if i < len(record) else "") for f, i in wanted.items()}
        if not any(raw.values()):
            continue  # a blank line (LinkedIn ends the file with one)
        name = " ".join(p for p in (raw.get("first_name", ""), raw.get("last_name", "")) if p)
        if not name:
            plan.skip.append({"line": line, "name": "", "reason": "hidden profile (no name, only a date)"})
            continue
        connected = parse_loose_date(raw.get("connected_on", ""))
        if raw.get("connected_on") and connected is None:
            plan.warnings.append({"line": line, "name": name, "message":
                                  f"Connected On {raw['connected_on'][:30]!r} is not a date; it was left out."})
        url = raw.get("linkedin_url", "")
        row = {"name": name, "title": raw.get("title", ""), "company": raw.get("company", ""),
               "email": raw.get("email", ""), "linkedin_url": url}
        fields = _plain_fields(row) or _person_fields(row, line, plan)
        if fields is None:
            continue
        role = roles.get(fields.get("title", ""))
        if role is None:
            role = roles[fields.get("title", "")] = role_for_title(fields.get("title", ""), role_map)
        if role:
            fields["role"] = role  # fills only an empty role: a matched person's own role is kept
        key = linkedin_key(fields.get("linkedin_url", ""))
        _add_or_update(plan, index, line, fields, source="linkedin", uid=key, url_key=key,
                       connected_on=connected, seen=seen, defaults=defaults, job_change=True)


# --- LinkedIn messages ----------------------------------------------------------------------------


def _cells(columns: dict[str, int]):
    """A reader of one named cell of a row (stripped; empty where the row is short or lacks the column)."""
    def cell(record: list[str], name: str) -> str:
        i = columns.get(name)
        return record[i].strip() if i is not None and i < len(record) else ""
    return cell


def _message_date(raw: str, line: int) -> datetime:
    """DATE as LinkedIn writes it: 2025-01-01 10:00:00 UTC; 2018 exports: 1/8/18, 6:14 PM."""
    try:
        return datetime.strptime(raw.replace(" UTC", "").strip()[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        when = parse_sent_at(raw)
        if when is None:
            raise ValidationError(f"Line {line} of messages.csv: DATE {raw[:30]!r} is not a date like "
                                  "2025-01-01 10:00:00 UTC.") from None
        return when


def _plan_messages(db: Database, plan: ImportPlan, index: _Index, records: Iterable, today: date,
                   options: dict) -> None:
    """messages.csv, both eras: one LinkedIn touch per conversation, person, direction and day."""
    layout, columns, rest = _find_header(
        records, (MESSAGE_COLUMNS, MESSAGE_COLUMNS_2018), "messages.csv",
        "CONVERSATION ID, FROM, SENDER PROFILE URL, TO, RECIPIENT PROFILE URLS, DATE, CONTENT "
        "(or, in 2018 exports, From, To, Date, Subject, Content, Direction)")
    old = layout == 1  # 2018: no conversation ids, no profile URLs; Direction says who sent it
    messages = _read_messages(plan, rest, _cells(columns), old)
    if not messages:
        return
    planned_urls = {linkedin_key(a["person"].get("linkedin_url", "")): i for i, a in enumerate(plan.add)}
    planned_urls.pop("", None)
    owner = OWNER_2018 if old else _message_owner(db, plan, options, messages, index, planned_urls)
    groups = _message_groups(plan, index, messages, owner, planned_urls, today)
    _log_message_groups(db, plan, index, groups)


def _read_messages(plan: ImportPlan, rest: Iterable, cell: Callable[[list[str], str], str], old: bool) -> list[dict]:
    """Every message that is neither a draft nor spam. A DATE that is not a date stops the import; a 2018
    message whose Direction can't be read is skipped with why."""
    read = _message_2018 if old else _message
    messages = []
    for line, record in rest:
        if not any(c.strip() for c in record):
            continue
        if cell(record, "is message draft").lower() in ("yes", "true") or cell(record, "folder").upper() == "SPAM":
            continue
        when = _message_date(cell(record, "date"), line)
        content = cell(record, "content")[:NOTE_CHARS + 1]  # only the start is kept: a big file stays small
        message = read(plan, cell, line, record, when, content)
        if message is not None:
            messages.append(message)
    return messages


def _message(plan: ImportPlan, cell: Callable, line: int, record: list[str], when: datetime, content: str) -> dict:
    """A message of an export with profile URLs: its sender and recipients by profile key."""
    recipients = [u.strip() for u in cell(record, "recipient profile urls").split(",") if u.strip()]
    return {"line": line, "conv": cell(record, "conversation id"), "when": when,
            "from": cell(record, "from"), "sender": linkedin_key(cell(record, "sender profile url")),
            "to": cell(record, "to"), "recipients": [linkedin_key(u) for u in recipients], "content": content}


def _message_2018(plan: ImportPlan, cell: Callable, line: int, record: list[str], when: datetime,
                  content: str) -> dict | None:
    """A message of a 2018 export: the other side by name, one conversation per name; None (skipped, with
    why) when its Direction is neither INCOMING nor OUTGOING."""
    direction = INVITATION_DIRECTIONS.get(cell(record, "direction").lower())
    if direction is None:
        plan.skip.append({"line": line, "name": cell(record, "from")[:60], "reason":
                          f"Direction {cell(record, 'direction')[:20]!r} is neither INCOMING nor OUTGOING"})
        return None
    other = _norm(cell(record, "to") if direction == "me" else cell(record, "from"))
    return {"line": line, "conv": f"2018|{other}", "when": when, "from": cell(record, "from"),
            "sender": OWNER_2018 if direction == "me" else f"name:{other}",
            "to": cell(record, "to"), "recipients": [], "content": content, "name_only": other}


def _message_owner(db: Database, plan: ImportPlan, options: dict, messages: list[dict], index: _Index,
                   planned_urls: dict[str, int]) -> str:
    """The export's owner (kept on the plan): the owner_url option, else the profile's LinkedIn URL, else a guess."""
    owner = linkedin_key(options.get("owner_url") or "") or linkedin_key(
        (get_setting(db, "profile", {}) or {}).get("linkedin_url", ""))
    if not owner:
        owner = _guess_owner(messages, index, planned_urls)
    plan.owner_url = owner
    return owner


def _message_groups(plan: ImportPlan, index: _Index, messages: list[dict], owner: str,
                    planned_urls: dict[str, int], today: date) -> dict[tuple, dict]:
    """The messages with people on the list, by (conversation, person, direction, day); a message with
    someone not on the list, or dated after today, is skipped with why."""
    names = _NameIndex(plan, index)
    by_conv: dict[str, list[dict]] = defaultdict(list)
    for m in messages:
        by_conv[m["conv"]].append(m)
    groups: dict[tuple, dict] = {}
    for conv, items in by_conv.items():
        items.sort(key=lambda m: m["when"])
        for i, m in enumerate(items):
            mine = m["sender"] == owner
            others = _message_others(m, mine, owner)
            for other in others:
                name = m["to"] if mine else m["from"]
                # Without profile URLs on the list (Connections.csv of 2018-2023), a unique name will do.
                fallback = m["to"] if mine and len(others) == 1 else (m["from"] if not mine else "")
                ref, reason = _message_ref(other, index, planned_urls, names, fallback)
                if ref is None:
                    plan.skip.append({"line": m["line"], "name": name[:60], "reason": reason})
                    continue
                if m["when"].date() > today:
                    plan.skip.append({"line": m["line"], "name": name[:60], "reason": "dated after today"})
                    continue
                replied = _replied(items, i, mine, other, owner, today)
                _add_to_group(groups, (conv, ref, "me" if mine else "them", m["when"].date()), m, other, replied)
    return groups


def _message_others(m: dict, mine: bool, owner: str) -> list:
    """Who a message was with besides the owner: profile keys, or ("name", normalised name) where the
    export (2018) or the message (no recipient URLs) names them only."""
    if "name_only" in m:
        return [("name", m["name_only"])]
    if mine and not m["recipients"]:
        return [("name", _norm(n)) for n in m["to"].split(",") if n.strip()]
    return [u for u in m["recipients"] if u and u != owner] if mine else [m["sender"]]


def _add_to_group(groups: dict[tuple, dict], key: tuple, m: dict, other, replied: bool | None) -> None:
    """Message m joins its group (key: conversation, ref, direction, day): the first message's line, every
    message's content; the group was answered if any of its messages was."""
    group = groups.get(key)
    if group is None:
        groups[key] = {"line": m["line"], "ref": key[1], "conv": key[0], "other": other,
                       "direction": key[2], "day": key[3], "contents": [m["content"]], "responded": replied}
    else:
        group["contents"].append(m["content"])
        if replied:
            group["responded"] = True


def _log_message_groups(db: Database, plan: ImportPlan, index: _Index, groups: dict[tuple, dict]) -> None:
    """A touch per group; a group imported before is not logged again, only its reply filled in if it was open."""
    existing = {r[0]: (r[1], r[2]) for r in db.execute(
        "select source_uid, id, responded from interactions where source = 'linkedin_messages'")}
    stamp = now_iso()
    for (conv, _, direction, day), g in groups.items():
        other = g["other"] if isinstance(g["other"], str) else g["other"][1]
        uid = hashlib.sha1(f"{conv}|{other}|{direction}|{day.isoformat()}".encode()).hexdigest()[:32]
        responded = None if g["responded"] is None else int(g["responded"])
        if uid in existing:
            stored_id, stored_responded = existing[uid]
            if stored_responded is None and responded is not None:
                plan.interaction_updates.append((responded, stored_id))
            continue
        notes = _note(g["contents"][0])
        if len(g["contents"]) > 1:
            notes += f"\n(+{len(g['contents']) - 1} more messages that day)"
        _plan_touch(plan, index, g["line"], g["ref"], day, direction, nature="", responded=responded, notes=notes,
                    source="linkedin_messages", uid=uid, stamp=stamp)


def _note(text: str) -> str:
    """The start of a message kept in a touch's notes (NOTE_CHARS), with an ellipsis where it was cut."""
    return text[:NOTE_CHARS] + ("…" if len(text) > NOTE_CHARS else "")


def _plan_touch(plan: ImportPlan, index: _Index, line: int, ref: tuple, day: date, direction: str, *, nature: str,
                responded: int | None, notes: str, source: str, uid: str, stamp: str) -> None:
    """A LinkedIn touch for the plan to log (the write path decides the stage it proves)."""
    plan.interactions.append({"line": line, "ref": ref, "name": _ref_name(plan, index, ref), "record": {
        "day": day.isoformat(), "channel": "linkedin", "direction": direction, "kind": "neutral",
        "nature": nature, "responded": responded, "tags": "[]", "minutes": CHANNEL_MINUTES["linkedin"],
        "notes": notes, "details": "", "source": source, "source_uid": uid, "created_at": stamp}})


def _guess_owner(messages: list[dict], index: _Index, planned: dict[str, int]) -> str:
    """The export's owner: in the most conversations, not one of their own contacts, most messages."""
    conversations: dict[str, set] = defaultdict(set)
    count: Counter = Counter()
    for m in messages:
        for u in [m["sender"], *m["recipients"]]:
            if u:
                conversations[u].add(m["conv"])
                count[u] += 1
    if not count:
        return ""
    return max(count, key=lambda u: (len(conversations[u]), u not in index.by_url and u not in planned, count[u]))


NO_PROFILE = "no one on your list has this LinkedIn profile (import Connections.csv first)"


def _message_ref(other, index: _Index, planned: dict[str, int], names: _NameIndex,
                 name: str = "") -> tuple[tuple | None, str]:
    """The person a message is with, or None and why not: by profile URL, else by a unique name."""
    if isinstance(other, tuple):  # an old export without recipient URLs: match a unique name
        return _unique_name(names.find(other[1], False), other[1],
                            "no one on your list has this name (import Connections.csv first)")
    if other in index.by_url:
        return ("id", index.by_url[other]), ""
    if other in planned:
        return ("new", planned[other]), ""
    if name.strip():
        return _unique_name(names.find(name, True), name, NO_PROFILE)
    return None, NO_PROFILE


def _replied(items: list[dict], i: int, mine: bool, other, owner: str, today: date) -> bool | None:
    """Did the other side answer message i within REPLY_WINDOW_DAYS? None while the window is still open,
    and None for an unanswered message that was itself an answer (the exchange just ended there)."""
    m = items[i]

    def from_other_side(msg: dict) -> bool:
        if mine:
            return msg["sender"] == other or (isinstance(other, tuple) and msg["sender"] != owner)
        return msg["sender"] == owner

    # A message that itself answers the other side closes the exchange: it is never "ignored".
    answering = False
    for earlier in reversed(items[:i]):
        if m["when"] - earlier["when"] > timedelta(days=REPLY_WINDOW_DAYS):
            break
        if from_other_side(earlier):
            answering = True
            break
    limit = m["when"] + timedelta(days=REPLY_WINDOW_DAYS)
    for later in items[i + 1:]:
        if later["when"] > limit:
            break
        if from_other_side(later):
            return True
    if answering or (today - m["when"].date()).days < REPLY_WINDOW_DAYS:
        return None
    return False


def _ref_name(plan: ImportPlan, index: _Index, ref: tuple) -> str:
    """The name of the person a planned interaction is for, as the list will hold it."""
    kind, value = ref
    return index.people[value]["name"] if kind == "id" else plan.add[value]["person"]["name"]


def _plan_invitations(db: Database, plan: ImportPlan, index: _Index, records: Iterable, today: date) -> None:
    """Connection requests with people on the list become LinkedIn touches: me for OUTGOING, them for
    INCOMING. Matched by profile URL (when the export has them), else by a unique name; a request to
    or from someone not on the list, or with an unreadable date or direction, is skipped with why."""
    _, columns, rest = _find_header(records, INVITATION_COLUMNS, "Invitations.csv",
                                    "From, To, Sent At, Message, Direction, inviterProfileUrl, inviteeProfileUrl")
    cell = _cells(columns)

    planned_urls: dict[str, int] = {}
    planned_names: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(plan.add):
        key = linkedin_key(a["person"].get("linkedin_url", ""))
        if key:
            planned_urls.setdefault(key, i)
        planned_names[_norm(a["person"]["name"])].append(i)
    existing = {r[0] for r in db.execute("select source_uid from interactions where source = ? "
                                         "and source_uid != ''", [INVITATION_SOURCE])}
    seen: dict[str, int] = {}
    stamp = now_iso()
    for line, record in rest:
        if not any(c.strip() for c in record):
            continue
        raw_direction = cell(record, "direction")
        direction = INVITATION_DIRECTIONS.get(raw_direction.lower())
        if direction is None:
            plan.skip.append({"line": line, "name": (cell(record, "to") or cell(record, "from"))[:60], "reason":
                              f"connection request with Direction {raw_direction[:20]!r}: "
                              "neither INCOMING nor OUTGOING"})
            continue
        name = cell(record, "to") if direction == "me" else cell(record, "from")
        url = cell(record, "inviteeprofileurl") if direction == "me" else cell(record, "inviterprofileurl")
        raw_when = cell(record, "sent at")
        when = parse_sent_at(raw_when)
        if when is None:
            plan.skip.append({"line": line, "name": name[:60], "reason":
                              f"connection request with Sent At {raw_when[:30]!r}: not a date like 9/25/26, 8:52 AM"})
            continue
        if when.date() > today:
            plan.skip.append({"line": line, "name": name[:60], "reason": "connection request dated after today"})
            continue
        ref, why = _invitation_ref(linkedin_key(url), name, index, planned_urls, planned_names, plan)
        if ref is None:
            plan.skip.append({"line": line, "name": name[:60], "reason": f"connection request: {why}"})
            continue
        # Both header eras carry the names and the minute it was sent: the same request keeps the same id
        # whether or not the export has profile URLs.
        uid = "invitation-" + hashlib.sha1(
            f"{direction}|{_norm(name)}|{when:%Y-%m-%dT%H:%M}".encode()).hexdigest()[:24]
        if uid in existing:
            plan.skip.append({"line": line, "name": name[:60], "reason": "connection request already imported"})
            continue
        if uid in seen:
            plan.skip.append({"line": line, "name": name[:60], "reason": f"same connection request as line {seen[uid]}"})
            continue
        seen[uid] = line
        _plan_touch(plan, index, line, ref, when.date(), direction, nature="connection_request", responded=None,
                    notes=_note(cell(record, "message")), source=INVITATION_SOURCE, uid=uid, stamp=stamp)


def _invitation_ref(url_key: str, name: str, index: _Index, planned_urls: dict[str, int],
                    planned_names: dict[str, list[int]], plan: ImportPlan) -> tuple[tuple | None, str]:
    """(ref, "") for the person a request was with, or (None, why not). A unique name is the fallback,
    but never for someone whose stored profile URL differs from the request's (a namesake)."""
    if url_key in index.by_url:
        return ("id", index.by_url[url_key]), ""
    if url_key in planned_urls:
        return ("new", planned_urls[url_key]), ""
    n = _norm(name)
    if not n:
        return None, "no name or profile URL"
    found = [("id", pid) for pid in index.by_name.get(n, [])
             if not (url_key and linkedin_key(index.people[pid]["linkedin_url"]))]
    found += [("new", i) for i in planned_names.get(n, [])
              if not (url_key and linkedin_key(plan.add[i]["person"].get("linkedin_url", "")))]
    if len(found) == 1:
        return found[0], ""
    if found:
        return None, "more than one person on your list has this name; add their LinkedIn URL to tell them apart"
    if url_key:
        return None, "no one on your list has this LinkedIn profile (import Connections.csv first)"
    return None, "no one on your list has this name (import Connections.csv first)"
