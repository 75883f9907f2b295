"""Keeping connections warm: people met and never followed up, and the variety of channels."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np
from sqlite_utils import Database

from core.bulk_scoring import CONVERSATION, THANKS
from core.db import rows
from core.insights.audit import MIN_INITIATED
from core.insights.log import (
    _ASCII_LOWER,
    CHANNEL_GROUPS,
    DAY_NUMBER,
    TIER_ORDER,
    UNKNOWN_CHANNEL,
    WINDOW,
    Log,
    _log_for,
)
from core.people import names as names_of
from core.vocab import CHANNEL_LABELS, CHANNELS, CONVERSATION_CHANNELS, THANK_YOU_DAYS

# --- Neglect -----------------------------------------------------------------------------------


def neglect(db: Database, today: date, limit: int = 10, log: Log | None = None) -> dict:
    """The article's neglect signs: people met and never followed up, past their cadence, channel variety."""
    log = _log_for(db, today, today - timedelta(days=WINDOW - 1), log)
    met, met_count = _never_followed_up(db, log, today, limit)
    # Most important tier first, then the longest overdue, then by name; counted and bounded in SQL.
    tier_rank = "case p.tier " + " ".join(f"when '{t}' then {i}" for t, i in TIER_ORDER.items()) + " else 5 end"
    overdue = rows(db, (
        "select p.id as person_id, p.name, p.tier, f.due, count(*) over () as total "
        "from followups f not indexed join people p on p.id = f.person_id "  # a scan beats 10k+ index lookups
        "where f.reason = 'check_in' and f.status = 'open' and f.due < ? and p.archived_at is null "
        f"order by {tier_rank}, f.due, p.name limit ?"), [today.isoformat(), limit])
    overdue_count = overdue[0]["total"] if overdue else 0
    for o in overdue:
        o["days_overdue"] = (today - date.fromisoformat(o["due"])).days
        del o["total"]

    by_channel, writer = _channels(db, log, today)
    total = sum(by_channel.values())
    groups = Counter()
    for ch, n in by_channel.items():
        groups[CHANNEL_GROUPS.get(ch, "written")] += n
    top, top_n = (by_channel.most_common(1)[0] if by_channel else ("", 0))
    top_share = top_n / total if total else None
    variety_flag = total >= MIN_INITIATED and (top_share > 0.7 or len(groups) < 2)
    if variety_flag and writer:
        action = (f"Try a call or a coffee with {writer[1]}: so far it has all been in writing. The article: "
                  "vary email, phone, social and in person.")
    elif variety_flag:
        action = "Vary how you reach people: mix email with a call, a comment on social, or a coffee."
    else:
        action = ""
    return {
        "never_followed_up": met, "never_followed_up_count": met_count,
        "past_cadence": overdue, "past_cadence_count": overdue_count,
        "channels": [{"channel": ch, "label": CHANNEL_LABELS.get(ch, ch), "touches": n}
                     for ch, n in by_channel.most_common()],
        "channel_groups": dict(groups), "top_channel": top, "top_share": top_share, "variety_flag": variety_flag,
        "variety_action": action, "variety_person_id": writer[0] if variety_flag and writer else None,
    }


def _never_followed_up(db: Database, log: Log, today: date, limit: int) -> tuple[list[dict], int]:
    """People whose last conversation (a call, meeting, informational interview or event) was two days
    ago or more, with nothing from you since: no later touch and no thank-you that day. The most
    recent first, then by name; with how many there are in all."""
    pid, day, bits = log.all_pid, log.all_day, log.all_bits
    talked = ((bits & CONVERSATION) > 0) & (day > 0)
    people, at = np.unique(pid[talked], return_inverse=True)
    met_on = np.zeros(len(people), dtype=np.int64)
    np.maximum.at(met_on, at, day[talked])
    events = np.array(db.execute(
        f"select ep.person_id, coalesce(max({DAY_NUMBER.format('e.day')}), 0) from event_people ep join events e "
        "on e.id = ep.event_id group by ep.person_id").fetchall(), dtype=np.int64).reshape(-1, 2)
    if len(events):
        people, at = np.unique(np.r_[people, events[:, 0]], return_inverse=True)
        merged = np.zeros(len(people), dtype=np.int64)
        np.maximum.at(merged, at, np.r_[met_on, events[:, 1]])
        met_on = merged
    # Your touches after the meeting, or a thank-you on its day, count as following up.
    where = np.clip(np.searchsorted(people, pid), 0, max(len(people) - 1, 0))
    known = (people[where] == pid) if len(people) else np.zeros(len(pid), dtype=bool)
    since = np.where(known, met_on[where] if len(people) else 0, 0)
    me = ((bits >> 8) & 3) == 0
    followed = np.unique(pid[known & me & ((day > since) | ((day == since) & ((bits & THANKS) > 0)))])
    archived = np.array([r[0] for r in db.execute("select id from people where archived_at is not null")],
                        dtype=np.int64)
    left = (met_on <= (today - timedelta(days=THANK_YOU_DAYS)).toordinal()) & ~np.isin(people, followed) \
        & ~np.isin(people, archived)
    people, met_on = people[left], met_on[left]
    if not len(people) or limit <= 0:
        return [], len(people)
    # The latest first; everyone tied with the last one shown is named, then sorted by name as SQL's NOCASE.
    floor = np.sort(met_on)[::-1][min(limit, len(met_on)) - 1]
    shown = np.flatnonzero(met_on >= floor)
    names = names_of(db, people[shown])
    found = sorted(((int(met_on[i]), names.get(int(people[i]), ""), int(people[i])) for i in shown),
                   key=lambda r: (-r[0], r[1].translate(_ASCII_LOWER), r[2]))[:limit]
    return [{"person_id": p, "name": n, "met_on": date.fromordinal(d).isoformat(), "days_ago": today.toordinal() - d}
            for d, n, p in found], len(people)


def _channels(db: Database, log: Log, today: date) -> tuple[Counter, tuple[int, str] | None]:
    """Your messages in the window by channel (the most used first, ties to what came first in the log),
    and (id, name) of the person you wrote to most with no call or meeting (ties: by name, then who
    was written to first)."""
    since = (today - timedelta(days=WINDOW - 1)).toordinal()
    mine = (((log.bits >> 8) & 3) == 0) & (log.day >= since) & (log.day <= today.toordinal())
    channel, pid = log.channel[mine], log.pid[mine]
    if (channel == UNKNOWN_CHANNEL).any():
        return _channels_by_name(db, today)
    first = log.day[mine] * 4294967296 + log.id[mine]  # the log's order: day, then id
    counts = np.bincount(channel, minlength=len(CHANNELS))
    starts = np.full(len(CHANNELS), np.iinfo(np.int64).max)
    np.minimum.at(starts, channel, first)
    by_channel = Counter({CHANNELS[c]: int(counts[c]) for c in sorted(np.flatnonzero(counts).tolist(),
                                                                       key=lambda c: (-counts[c], starts[c]))})
    spoken = np.isin(channel, [CHANNELS.index(c) for c in CONVERSATION_CHANNELS])
    people, at = np.unique(pid, return_inverse=True)
    written = np.bincount(at, weights=(~spoken).astype(np.float64), minlength=len(people)).astype(np.int64)
    voiced = np.bincount(at, weights=spoken.astype(np.float64), minlength=len(people)).astype(np.int64)
    earliest = np.full(len(people), np.iinfo(np.int64).max)
    np.minimum.at(earliest, at, first)
    candidates = np.flatnonzero((written >= 2) & (voiced == 0))
    if not len(candidates):
        return by_channel, None
    top = candidates[written[candidates] == written[candidates].max()]
    names = names_of(db, people[top])
    best = min(top.tolist(), key=lambda i: (names.get(int(people[i]), ""), int(earliest[i])))
    return by_channel, (int(people[best]), names.get(int(people[best]), ""))


def _channels_by_name(db: Database, today: date) -> tuple[Counter, tuple[int, str] | None]:
    """_channels read in SQL, for a log with channels outside the vocabulary."""
    since = today - timedelta(days=WINDOW - 1)
    window = "from interactions not indexed where direction = 'me' and day between ? and ?"
    span = [since.isoformat(), today.isoformat()]
    first = f"min(({DAY_NUMBER.format('day')}) * 4294967296 + id)"
    spoken = ",".join(f"'{c}'" for c in sorted(CONVERSATION_CHANNELS))
    found = db.execute(
        f"with w as materialized (select person_id, channel, count(*) as n, {first} as first {window} "
        "group by person_id, channel) "
        "select 'channel', channel, sum(n), min(first) from w group by channel union all "
        "select * from (select 'writer', p.name, w.person_id, 0 from (select person_id, min(first) as first, "
        f"sum(iif(channel in ({spoken}), 0, n)) as written, sum(iif(channel in ({spoken}), n, 0)) as spoken "
        "from w group by person_id) w join people p on p.id = w.person_id where w.written >= 2 and w.spoken = 0 "
        "order by w.written desc, p.name, w.first limit 1)", span).fetchall()
    by_channel = Counter({ch: n for _, ch, n, _ in sorted((r for r in found if r[0] == "channel"),
                                                          key=lambda r: (-r[2], r[3]))})
    return by_channel, next(((r[2], r[1]) for r in found if r[0] == "writer"), None)
