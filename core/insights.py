"""Insights: the transactional-networking self-audit (SCORING.md §4.7), neglect signs, charts and victories.

Every sign is phrased as a next action naming a person where possible, never as a judgment. The
audit's metrics are pure functions of a list of touches (audit_log), so they are tested on small
hand-built logs; audit() loads the log from the database and calls it.
"""

from __future__ import annotations

import itertools
import json
import string
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlite_utils import Database

from core.bulk_scoring import CONVERSATION, JULIAN_OFFSET, SHIFT_DAY, SHIFT_PERSON, THANKS, fetch_evidence, values_on
from core.db import data_version, evidence_sql, rows, scalar
from core.people import stage_counts
from core.relationships import cadence_for
from core.scoring import BANDS, band
from core.settings import get_budget_minutes, get_cadences
from core.vocab import CHANNEL_LABELS, CHANNELS, STAGES

WINDOW = 90  # rolling window of the audit, in days
MIN_INITIATED = 5  # the audit is shown only from this many touches you started
THANK_YOU_DAYS = 2
RECIPROCATE_DAYS = 14
GHOST_DAYS = 90
COVERAGE_DAYS = 180
EVIDENCE_HALF_LIFE = 180.0

SIGNS = {
    "only_when_needed": "You only reach out to people when you need a job or a favor.",
    "own_needs": "Your conversations are primarily focused on your needs and aspirations.",
    "no_follow_up": "You rarely follow up with people after you've gotten what you wanted.",
    "no_value": "You don't offer anything of value to your connections.",
}
CHANNEL_GROUPS = {
    "email": "written", "linkedin": "written", "social": "written", "text": "written", "other": "written",
    "phone": "voice", "video": "voice", "in_person": "in person", "event": "in person",
}
TIER_ORDER = {"active": 0, "core": 1, "network": 2, "acquaintance": 3, "archived": 4}


def _is_thank_you(t: dict) -> bool:
    return t["nature"] == "thank_you" or "thank_you" in t["tags"]


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _level(value: float | None, amber: float, red: float, higher_is_worse: bool = True) -> str:
    if value is None:
        return "ok"
    if higher_is_worse:
        return "red" if value > red else "amber" if value > amber else "ok"
    return "red" if value < red else "amber" if value < amber else "ok"


def _worst(*levels: str) -> str:
    order = ("ok", "amber", "red")
    return max(levels, key=order.index)


def _day_text(d: date) -> str:
    return f"{d.day} {d.strftime('%b')}"


# --- The audit ---------------------------------------------------------------------------------


def audit_log(touches: list[dict], people: dict[int, dict], today: date, window: int = WINDOW) -> dict:
    """The four warning signs and the relational ratio, from a log of touches.

    touches: dicts with person_id, day (date), direction, kind, nature, tags (set), responded, id (order).
    people: person_id -> {name, tier, cadence (days or None), archived (bool)}.
    Returns {ready, initiated, needed, headline, signs: [...], per_contact: [...]}.
    This is the readable definition, for small logs; audit() computes the same facts in bulk.
    """
    log = sorted(touches, key=lambda t: (t["day"], t.get("id", 0)))
    by_person: dict[int, list[dict]] = defaultdict(list)
    for t in log:
        by_person[t["person_id"]].append(t)
    start = today - timedelta(days=window - 1)
    win = [t for t in log if start <= t["day"] <= today]
    mine = [t for t in win if t["direction"] == "me"]
    if len(mine) < MIN_INITIATED:
        return _not_ready(len(mine), window)

    def name(pid: int) -> str:
        return people.get(pid, {}).get("name", "someone")

    asks = [t for t in mine if t["kind"] == "ask"]
    gives = [t for t in mine if t["kind"] == "give"]
    asks_by_person = Counter(t["person_id"] for t in asks)
    f = {"initiated": len(mine), "asks": len(asks), "gives": len(gives),
         "neutral": sum(t["kind"] == "neutral" and not _is_thank_you(t) for t in mine),
         "most_asked": _most_taken(asks_by_person, Counter(t["person_id"] for t in gives))}

    reconnects = cold = 0
    for pid, history in by_person.items():
        cadence = people.get(pid, {}).get("cadence") or 90
        for prev, t in itertools.pairwise(history):
            if t["direction"] != "me" or not (start <= t["day"] <= today):
                continue
            if (t["day"] - prev["day"]).days > cadence:
                reconnects += 1
                cold += t["kind"] == "ask"
    per_contact = []
    for pid, history in by_person.items():
        last3 = [t for t in history if t["direction"] == "me"][-3:]
        if len(last3) == 3 and all(t["kind"] == "ask" for t in last3) and last3[-1]["day"] >= start:
            per_contact.append({"person_id": pid, "name": name(pid), "last_ask": last3[-1]["day"]})
    f.update(reconnects=reconnects, cold=cold, per_contact=per_contact)

    def omega(t: dict) -> float:
        return 2.0 ** (-(today - t["day"]).days / EVIDENCE_HALF_LIFE)

    their_asks = [t for t in win if t["direction"] == "them" and t["kind"] == "ask"]
    answered, unanswered, decided = 0, [], 0
    for t in their_asks:
        if any(u["direction"] == "me" and u["kind"] == "give"
               and t["day"] <= u["day"] <= t["day"] + timedelta(days=RECIPROCATE_DAYS)
               for u in by_person[t["person_id"]]):
            answered += 1
            decided += 1
        else:
            unanswered.append(t)
            decided += (today - t["day"]).days >= RECIPROCATE_DAYS  # younger ones are still open
    last = max(unanswered, key=lambda u: u["day"]) if unanswered else None
    f.update(a_w=sum(omega(t) for t in asks), g_w=sum(omega(t) for t in gives), their_asks=len(their_asks),
             answered=answered, decided=decided, unanswered=last and (last["person_id"], last["day"]))

    def is_help(t: dict) -> bool:
        return (t["direction"] == "them" and t["kind"] == "give") or (
            t["direction"] == "me" and t["kind"] == "ask" and t["responded"] is True)

    def thanked(e: dict) -> bool:
        return any(u is not e and u["direction"] == "me" and _is_thank_you(u)
                   and e["day"] <= u["day"] <= e["day"] + timedelta(days=THANK_YOU_DAYS)
                   for u in by_person[e["person_id"]])

    help_events = [t for t in win if is_help(t) and (today - t["day"]).days >= THANK_YOU_DAYS]
    on_time = [e for e in help_events if thanked(e)]
    ghost_start, ghost_end = today - timedelta(days=2 * window - 1), start
    old_help = [t for t in log if is_help(t) and ghost_start <= t["day"] < ghost_end]
    ghosted = []
    for e in old_help:
        followed = any(u is not e and u["direction"] == "me" and u["kind"] != "ask"
                       and e["day"] <= u["day"] <= e["day"] + timedelta(days=GHOST_DAYS)
                       and (u["day"] > e["day"] or _is_thank_you(u)) for u in by_person[e["person_id"]])
        if not followed:
            ghosted.append(e)
    thanked_ids = {id(e) for e in on_time}
    unthanked = sorted((e for e in help_events if id(e) not in thanked_ids), key=lambda e: e["day"], reverse=True)
    last_ghost = max(ghosted, key=lambda g: g["day"]) if ghosted else None
    f.update(help_events=len(help_events), on_time=len(on_time),
             unthanked=unthanked and (unthanked[0]["person_id"], unthanked[0]["day"]),
             old_help=len(old_help), ghosted=len(ghosted),
             last_ghosted=last_ghost and (last_ghost["person_id"], last_ghost["day"]))

    cover_start = today - timedelta(days=COVERAGE_DAYS - 1)
    key_people = [pid for pid, p in people.items() if p.get("tier") in ("core", "active") and not p.get("archived")]
    given = {t["person_id"] for t in log if t["direction"] == "me" and t["kind"] == "give"
             and cover_start <= t["day"] <= today}
    f.update(key_people=len(key_people), covered=sum(pid in given for pid in key_people))

    def first_uncovered() -> int | None:
        uncovered = [pid for pid in key_people if pid not in given]
        last_touch = {pid: h[-1]["day"] for pid, h in by_person.items()}
        uncovered.sort(key=lambda pid: (-asks_by_person.get(pid, 0), -(last_touch.get(pid, date.min).toordinal()),
                                        name(pid)))
        return uncovered[0] if uncovered else None

    return _audit_result(f, window, name, first_uncovered)


def _not_ready(initiated: int, window: int) -> dict:
    return {"ready": False, "initiated": initiated, "needed": MIN_INITIATED - initiated, "window": window}


def _audit_result(f: dict, window: int, name: Callable[[int], str], first_uncovered: Callable[[], int | None]) -> dict:
    """The audit's signs, levels and next actions from its facts (see audit_log for what each fact is)."""
    initiated, n_asks, n_gives, n_neutral, most_asked = (f["initiated"], f["asks"], f["gives"], f["neutral"],
                                                          f["most_asked"])
    # Headline: (your gives + neutral check-ins) : your asks.
    ratio = (n_gives + n_neutral) / n_asks if n_asks else None
    ratio_level = "ok" if ratio is None or ratio >= 2 else "amber" if ratio >= 1 else "red"
    if ratio is None:
        ratio_text = f"{n_gives + n_neutral} : 0 (no asks in the last {window} days)"
    else:
        ratio_text = f"{ratio:.1f} : 1"
    headline = {"ratio": ratio, "text": ratio_text, "level": ratio_level, "gives": n_gives,
                "neutral": n_neutral, "asks": n_asks, "target": 2.0,
                "action": (f"Share something useful with {name(most_asked)} before your next ask."
                           if ratio_level != "ok" and most_asked else
                           "Keep giving and checking in at least twice for every ask.")}

    # 1. Only reaching out when you need a favor.
    ask_share = n_asks / initiated
    reconnects, cold = f["reconnects"], f["cold"]
    cold_rate = cold / reconnects if reconnects else None
    per_contact = sorted(f["per_contact"], key=lambda p: (-p["last_ask"].toordinal(), p["name"], p["person_id"]))
    cold_flag = cold_rate is not None and reconnects >= 3 and cold_rate > 0.5
    level1 = _worst(_level(ask_share, 0.5, 0.7), "amber" if cold_flag else "ok",
                    "amber" if per_contact else "ok")
    if per_contact:
        action1 = (f"Before your next ask to {per_contact[0]['name']}, check in or share something useful: "
                   "your last 3 messages to them were asks.")
        target1 = per_contact[0]["person_id"]
    elif level1 != "ok" and most_asked:
        action1, target1 = f"Share something useful with {name(most_asked)} before your next ask.", most_asked
    else:
        action1, target1 = "Keep reaching out when you don't need anything: that is what makes asking easy.", None
    summary1 = f"{n_asks} of the {initiated} messages you started were asks ({_pct(ask_share)})"
    if reconnects:
        summary1 += f"; {cold} of {reconnects} reconnections opened with an ask"
    sign1 = {"key": "only_when_needed", "sign": SIGNS["only_when_needed"], "level": level1,
             "summary": summary1 + ".", "action": action1, "person_id": target1,
             "metrics": {"ask_share": ask_share, "asks": n_asks, "initiated": initiated,
                         "reconnects": reconnects, "cold_asks": cold, "cold_ask_rate": cold_rate,
                         "only_asks": [p["person_id"] for p in per_contact]}}

    # 2. Conversations focused on your needs: A/G, weighted by age; their asks you answered with a give.
    a_w, g_w = f["a_w"], f["g_w"]
    ag = a_w / g_w if g_w else (float("inf") if a_w else None)
    their_asks, answered, decided = f["their_asks"], f["answered"], f["decided"]
    recip_rate = answered / decided if decided else None
    recip_flag = recip_rate is not None and decided >= 2 and recip_rate < 0.5
    level2 = _worst(_level(ag, 1, 2), "amber" if recip_flag else "ok")
    if f["unanswered"]:
        pid, day = f["unanswered"]
        action2 = f"{name(pid)} asked you for something on {_day_text(day)}: see how you can help."
        target2 = pid
    elif level2 != "ok" and most_asked:
        action2 = f"Offer {name(most_asked)} something (an introduction, an article) before asking again."
        target2 = most_asked
    else:
        action2, target2 = "Keep asking about their work and goals as much as you talk about yours.", None
    ag_text = "no gives yet" if ag == float("inf") else "no asks" if ag is None else f"{ag:.1f} asks per give"
    summary2 = f"Asks against gives: {ag_text} ({n_asks} asks, {n_gives} gives)"
    if their_asks:
        summary2 += f"; you answered {answered} of their {their_asks} asks with a give"
    sign2 = {"key": "own_needs", "sign": SIGNS["own_needs"], "level": level2, "summary": summary2 + ".",
             "action": action2, "person_id": target2,
             "metrics": {"ask_give_ratio": ag, "their_asks": their_asks, "reciprocated": answered,
                         "reciprocated_rate": recip_rate}}

    # 3. Rarely following up after you got what you wanted.
    help_events, on_time, old_help, ghosted = f["help_events"], f["on_time"], f["old_help"], f["ghosted"]
    ty_rate = on_time / help_events if help_events else None
    ghost_rate = ghosted / old_help if old_help else None
    ghost_flag = ghost_rate is not None and old_help >= 2 and ghost_rate > 0.3
    level3 = _worst(_level(ty_rate, 0.8, 0.5, higher_is_worse=False), "amber" if ghost_flag else "ok")
    if f["unthanked"]:
        pid, day = f["unthanked"]
        action3 = f"Thank {name(pid)} for their help on {_day_text(day)}: a late thank-you still counts."
        target3 = pid
    elif ghost_flag:
        pid = f["last_ghosted"][0]
        action3 = f"Get back in touch with {name(pid)} and tell them how their help turned out."
        target3 = pid
    else:
        action3, target3 = "Keep thanking people within 48 hours: it doubles the chance they help again.", None
    summary3 = (f"{on_time} of {help_events} favors thanked within 48 hours" if help_events
                else "No favors to thank in this window")
    if old_help:
        summary3 += f"; {ghosted} of {old_help} older favors were followed by silence"
    sign3 = {"key": "no_follow_up", "sign": SIGNS["no_follow_up"], "level": level3, "summary": summary3 + ".",
             "action": action3, "person_id": target3,
             "metrics": {"help_events": help_events, "thanked_on_time": on_time, "thank_you_rate": ty_rate,
                         "older_help_events": old_help, "ghosted": ghosted, "ghosting_rate": ghost_rate}}

    # 4. Not offering value: give share, and give coverage of Core + Active contacts over 180 days.
    give_share = n_gives / initiated
    key_people, covered = f["key_people"], f["covered"]
    coverage = covered / key_people if key_people else None
    cover_flag = coverage is not None and coverage < 0.5
    level4 = _worst(_level(give_share, 0.25, 0.10, higher_is_worse=False), "amber" if cover_flag else "ok")
    first = first_uncovered() if level4 != "ok" else None
    if level4 != "ok" and first:
        action4, target4 = f"Share something useful with {name(first)} before your next ask.", first
    elif level4 != "ok" and most_asked:
        action4, target4 = f"Share something useful with {name(most_asked)} before your next ask.", most_asked
    else:
        action4, target4 = "Keep sharing articles, introductions and congratulations.", None
    summary4 = f"{n_gives} of the {initiated} messages you started gave something ({_pct(give_share)})"
    if key_people:
        summary4 += (f"; {covered} of your {key_people} core and active contacts received a give in "
                     f"the last {COVERAGE_DAYS} days")
    sign4 = {"key": "no_value", "sign": SIGNS["no_value"], "level": level4, "summary": summary4 + ".",
             "action": action4, "person_id": target4,
             "metrics": {"give_share": give_share, "gives": n_gives, "key_contacts": key_people,
                         "covered": covered, "coverage": coverage}}

    for s in (sign1, sign2, sign3, sign4):
        s["person_name"] = name(s["person_id"]) if s["person_id"] else ""
    return {"ready": True, "initiated": initiated, "needed": 0, "window": window, "headline": headline,
            "signs": [sign1, sign2, sign3, sign4], "per_contact": per_contact}


def _most_taken(asks: Counter, gives: Counter) -> int | None:
    """The person you asked most without giving back (asks minus gives), if any."""
    ranked = sorted(asks, key=lambda pid: (-(asks[pid] - gives.get(pid, 0)), -asks[pid], pid))
    return ranked[0] if ranked else None


# --- The audit in bulk: the same facts from compact columns, with numpy ----------------------------

DAY_NUMBER = "cast(julianday({}) - 1721424.5 as integer)"  # date.toordinal() of a day column
# The audit's touch code (Log.touch_code): direction in bits 0-1 (ME, THEM, else 0), kind in bits 2-3
# (ASK, GIVE, NEUTRAL, else 0), 16 for a thank-you, 32 when they replied.
ME, THEM = 1, 2
ASK, GIVE, NEUTRAL = 1, 2, 3
VICTORY_WEEKS = 26  # the budget streaks look this far back
SPAN = 1 << 22  # more than any day number: person_id * SPAN + day orders touches by person, then day


def _int_columns(db: Database, columns: list[str], source: str, params: list) -> np.ndarray:
    """Integer columns of a query as an array with one row per result row.

    SQLite joins them into one string that numpy parses: tens of times faster than Python rows.
    `source` is the rest of the select after the columns (from, where, order by).
    """
    row = " || ',' || ".join(f"({c})" for c in columns)
    text = scalar(db, f"select group_concat(x, ',') from (select {row} as x {source})", params)
    if not text:
        return np.empty((0, len(columns)), dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",").reshape(-1, len(columns))


def _within(keys: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """How many of the sorted `keys` fall in each [lo, hi]."""
    return np.searchsorted(keys, hi, side="right") - np.searchsorted(keys, lo, side="left")


def _people_arrays(db: Database) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, cadence or 90, core or active and not archived) of everyone, by id; cadence as cadence_for."""
    cadences = get_cadences(db)
    by_tier = " ".join(f"when '{tier}' then {int(days)}" for tier, days in cadences.items())
    archived = "((archived_at is not null and archived_at != '') or tier = 'archived')"
    cadence = (f"case when {archived} then 90 when cadence_days then cadence_days "
               f"else coalesce(nullif(case coalesce(nullif(tier, ''), 'network') {by_tier} end, 0), 90) end")
    key = "tier in ('core', 'active') and not (archived_at is not null and archived_at != '')"
    found = _int_columns(db, ["id", cadence, key], "from people order by id", [])
    return found[:, 0], found[:, 1], found[:, 2].astype(bool)


def _names(db: Database, ids) -> dict[int, str]:
    ids = sorted({int(i) for i in ids})
    out: dict[int, str] = {}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        out.update(db.execute(f"select id, name from people where id in ({','.join('?' * len(chunk))})",
                              chunk).fetchall())
    return out


UNKNOWN_CHANNEL = 15  # a channel outside the vocabulary (a hand edit): read by name instead
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # SQLite's NOCASE


@dataclass(frozen=True)
class Log:
    """The log as integer arrays, read once for the audit, the neglect signs and the victories.

    Every touch as (person, day, bits) from the evidence column (see core.db.evidence_sql): enough for
    "met and never followed up" over all time. The touches since `since` also with their minutes and
    channel, sorted by person, day, id; `id` holds their rank in id order (all that orderings need).
    Days are date.toordinal() numbers (0: unreadable).
    """
    today: date
    since: date
    all_pid: np.ndarray
    all_day: np.ndarray
    all_bits: np.ndarray
    id: np.ndarray
    pid: np.ndarray
    day: np.ndarray
    bits: np.ndarray
    minutes: np.ndarray
    channel: np.ndarray

    def touch_code(self) -> np.ndarray:
        """The window's touches as TOUCH_CODE packs them: direction, kind, thank-you, reply."""
        bits = self.bits
        direction = (bits >> 8) & 3  # evidence: me 0, them 1, unknown 2, other 3
        kind = (bits >> 6) & 3  # ask 0, give 1, neutral 2, other 3
        return (np.where(direction == 0, ME, np.where(direction == 1, THEM, 0))
                + 4 * np.where(kind == 3, 0, kind + 1) + 16 * (bits & THANKS)
                + 32 * (((bits >> 4) & 3) == 1))


def log_start(today: date) -> date:
    """The first day the audit (its windows and give coverage) and the victories (26 weeks) read."""
    first_week = today - timedelta(days=today.weekday()) - timedelta(weeks=VICTORY_WEEKS - 1)
    return min(today - timedelta(days=max(2 * WINDOW, COVERAGE_DAYS) - 1), first_week,
               today - timedelta(days=WINDOW - 1))


def read_log(db: Database, today: date, since: date | None = None) -> Log:
    """Two reads of compact integers (about 0.2 s at 350,000 touches) that the insights share."""
    since = since or log_start(today)
    channel = ("case channel " + " ".join(f"when '{c}' then {i}" for i, c in enumerate(CHANNELS))
               + f" else {UNKNOWN_CHANNEL} end")
    found = _int_columns(db, ["id", f"(person_id << {SHIFT_PERSON}) | coalesce(evidence, {evidence_sql()})",
                              f"(minutes << 4) | ({channel})"],
                         "from interactions not indexed where day >= ?", [since.isoformat()])
    packed, extra = found[:, 1], found[:, 2]
    pid, day = packed >> SHIFT_PERSON, _ordinal(packed)
    order = np.lexsort((found[:, 0], day, pid))
    everything = fetch_evidence(db)
    return Log(today=today, since=since, all_pid=everything >> SHIFT_PERSON, all_day=_ordinal(everything),
               all_bits=everything & 1023, id=found[order, 0], pid=pid[order], day=day[order],
               bits=packed[order] & 1023, minutes=extra[order] >> 4, channel=extra[order] & 15)


def _ordinal(packed: np.ndarray) -> np.ndarray:
    julian = (packed >> SHIFT_DAY) & ((1 << (SHIFT_PERSON - SHIFT_DAY)) - 1)
    return np.where(julian > 0, julian - JULIAN_OFFSET, 0)


def _log_for(db: Database, today: date, since: date, log: Log | None) -> Log:
    if log is not None and log.today == today and log.since <= since:
        return log
    return read_log(db, today, min(since, log_start(today)))


def overview(db: Database, today: date) -> dict:
    """The audit, the neglect signs and the victories from one read of the log."""
    log = read_log(db, today)
    return {"audit": audit(db, today, log=log), "neglect": neglect(db, today, log=log),
            "victories": victories(db, today, log=log)}


def _audit_facts(db: Database, today: date, window: int, log: Log | None = None):
    """What audit_log works out from everyone's whole history, read from the database in bulk.

    It reads the touches since the cutoff (the window, the older window for ghosting, the 180 days of
    give coverage) as integer columns and, before the cutoff, only each person's last day (the gap
    before a reconnection; when you last spoke) and the last messages you sent someone whose recent
    ones were all asks. Returns (facts, name, first_uncovered) for _audit_result, or the not-ready result.
    """
    t0, s0 = today.toordinal(), (today - timedelta(days=window - 1)).toordinal()
    cutoff = today - timedelta(days=max(2 * window, COVERAGE_DAYS) - 1)
    since = (today - timedelta(days=2 * window + COVERAGE_DAYS)).toordinal()
    log = _log_for(db, today, cutoff, log)
    keep = log.day >= cutoff.toordinal()
    found = np.column_stack([log.id[keep], log.pid[keep], log.day[keep], log.touch_code()[keep]]
                            ).reshape(-1, 4)  # by person, then (day, id)
    pid, day, code = found[:, 1], found[:, 2], found[:, 3]
    me, them = (code & 3) == ME, (code & 3) == THEM
    kind, thank, responded = (code >> 2) & 3, (code >> 4 & 1).astype(bool), (code >> 5 & 1).astype(bool)
    ask, give = kind == ASK, kind == GIVE
    win = (day >= s0) & (day <= t0)
    mine = win & me
    initiated = int(mine.sum())
    if initiated < MIN_INITIATED:
        return _not_ready(initiated, window)
    log = np.lexsort((found[:, 0], day))  # the log's order, for "the first of the latest"
    names: dict[int, str] = {}

    def name(p: int) -> str:
        if p not in names:
            names.update(_names(db, [p]))
        return names.get(p, "someone")

    asks, gives = mine & ask, mine & give
    ask_ids, ask_n = np.unique(pid[asks], return_counts=True)
    give_ids, give_n = np.unique(pid[gives], return_counts=True)
    at = np.clip(np.searchsorted(give_ids, ask_ids), 0, max(len(give_ids) - 1, 0))
    given_back = np.where(give_ids[at] == ask_ids, give_n[at], 0) if len(give_ids) else np.zeros_like(ask_n)
    ranked = np.lexsort((ask_ids, -ask_n, -(ask_n - given_back)))
    f = {"initiated": initiated, "asks": int(asks.sum()), "gives": int(gives.sum()),
         "neutral": int((mine & (kind == NEUTRAL) & ~thank).sum()),
         "most_asked": int(ask_ids[ranked[0]]) if len(ranked) else None}

    # Reconnections: the gap to the touch before, which for someone's first touch here is before the cutoff.
    first = np.r_[True, pid[1:] != pid[:-1]] if len(pid) else np.zeros(0, dtype=bool)
    prev = np.r_[0, day[:-1]] if len(day) else day
    need = np.unique(pid[mine & first]).tolist()
    older: dict[int, int] = {}
    for chunk in (need[i:i + 500] for i in range(0, len(need), 500)):
        older.update(db.execute(
            f"select person_id, {DAY_NUMBER.format('max(day)')} from interactions "
            f"where person_id in ({','.join('?' * len(chunk))}) and day < ? group by person_id",
            [*chunk, cutoff.isoformat()]).fetchall())
    heads = np.flatnonzero(first)
    prev[heads] = [older.get(p, 0) for p in pid[heads].tolist()]
    ids, cadence, key = _people_arrays(db)
    at = np.clip(np.searchsorted(ids, pid), 0, max(len(ids) - 1, 0))
    cad = np.where(ids[at] == pid, cadence[at], 90) if len(ids) else np.full_like(pid, 90)
    reconnect = mine & (prev > 0) & (day - prev > cad)
    f.update(reconnects=int(reconnect.sum()), cold=int((reconnect & ask).sum()))

    # Your last three messages to each person: all asks, the last one in the window.
    m = np.flatnonzero(me)
    mp, mk, md = pid[m], kind[m], day[m]
    last = np.r_[mp[1:] != mp[:-1], True] if len(mp) else np.zeros(0, dtype=bool)
    starts = np.searchsorted(mp, mp)  # the first of each person's messages
    per_contact, short = [], {}
    for i in np.flatnonzero(last & (mk == ASK) & (md >= s0)).tolist():
        count = i - int(starts[i]) + 1
        run = mk[max(i - 2, int(starts[i])):i + 1]
        if (run == ASK).all():
            if count >= 3:
                per_contact.append((int(mp[i]), int(md[i])))
            else:
                short[int(mp[i])] = (3 - count, int(md[i]))
    pids = list(short)
    for chunk in (pids[i:i + 500] for i in range(0, len(pids), 500)):
        earlier: dict[int, list[str]] = defaultdict(list)
        for p, k in db.execute(
                "select person_id, kind from (select person_id, kind, day, id, row_number() over (partition by "
                "person_id order by day desc, id desc) as rn from interactions where direction = 'me' and day < ? "
                f"and person_id in ({','.join('?' * len(chunk))})) where rn <= 3 order by person_id, rn",
                [cutoff.isoformat(), *chunk]):
            earlier[p].append(k)
        for p in chunk:
            wanted, last_day = short[p]
            kinds = earlier[p][:wanted]
            if len(kinds) == wanted and all(k == "ask" for k in kinds):
                per_contact.append((p, last_day))
    names.update(_names(db, [p for p, _ in per_contact]))
    f["per_contact"] = [{"person_id": p, "name": name(p), "last_ask": date.fromordinal(d)} for p, d in per_contact]

    # Asks against gives, weighted by age, summed in the log's order as audit_log does.
    weight = {d: 2.0 ** (-(t0 - d) / EVIDENCE_HALF_LIFE) for d in set(day[asks | gives].tolist())}
    f["a_w"] = sum(weight[d] for d in np.sort(day[asks]).tolist())
    f["g_w"] = sum(weight[d] for d in np.sort(day[gives]).tolist())

    def keys(mask: np.ndarray) -> np.ndarray:
        return np.sort(pid[mask] * SPAN + day[mask])

    def latest(mask: np.ndarray) -> tuple[int, date] | None:
        """The touch with the latest day, the first in the log among those: audit_log's max()."""
        order = log[mask[log]]
        if not len(order):
            return None
        i = order[int(np.argmax(day[order]))]
        return int(pid[i]), date.fromordinal(int(day[i]))

    key_of = pid * SPAN + day
    their_asks = win & them & ask
    answered = their_asks & (_within(keys(me & give), key_of, key_of + RECIPROCATE_DAYS) > 0)
    unanswered = their_asks & ~answered
    f.update(their_asks=int(their_asks.sum()), answered=int(answered.sum()),
             decided=int(answered.sum() + (unanswered & (t0 - day >= RECIPROCATE_DAYS)).sum()),
             unanswered=latest(unanswered))

    helped = (them & give) | (me & ask & responded)
    events = helped & win & (t0 - day >= THANK_YOU_DAYS)
    thanks = _within(keys(me & thank), key_of, key_of + THANK_YOU_DAYS) - (me & thank)  # not the favor itself
    on_time = events & (thanks > 0)
    old = helped & (day >= (today - timedelta(days=2 * window - 1)).toordinal()) & (day < s0)
    followed = (_within(keys(me & ~ask), key_of + 1, key_of + GHOST_DAYS) > 0) | (
        _within(keys(me & ~ask & thank), key_of, key_of) > 0)
    ghosted = old & ~followed
    f.update(help_events=int(events.sum()), on_time=int(on_time.sum()), unthanked=latest(events & ~on_time),
             old_help=int(old.sum()), ghosted=int(ghosted.sum()), last_ghosted=latest(ghosted))

    given = np.unique(pid[me & give & (day >= (today - timedelta(days=COVERAGE_DAYS - 1)).toordinal())
                          & (day <= t0)])
    covered = np.isin(ids[key], given)
    f.update(key_people=int(key.sum()), covered=int(covered.sum()))

    def first_uncovered() -> int | None:
        """The uncovered key contact you asked most, then spoke with last, then by name (audit_log's sort)."""
        uncovered = ids[key][~covered]
        if not len(uncovered):
            return None
        at = np.clip(np.searchsorted(ask_ids, uncovered), 0, max(len(ask_ids) - 1, 0))
        n = np.where(ask_ids[at] == uncovered, ask_n[at], 0) if len(ask_ids) else np.zeros_like(uncovered)
        tied = uncovered[n == n.max()].tolist()
        last_day: dict[int, int] = {}
        here = np.isin(pid, tied)
        for p, d in zip(pid[here].tolist(), day[here].tolist(), strict=True):
            last_day[p] = d  # sorted by day within each person: the last one wins
        away = [p for p in tied if p not in last_day]
        for chunk in (away[i:i + 500] for i in range(0, len(away), 500)):
            for p, d in db.execute(f"select person_id, {DAY_NUMBER.format('max(day)')} from interactions "
                                   f"where person_id in ({','.join('?' * len(chunk))}) group by person_id", chunk):
                if d >= since:  # audit_log reads the history of people touched since then
                    last_day[p] = d
        best = max(last_day.get(p, 1) for p in tied)
        tied = [p for p in tied if last_day.get(p, 1) == best]
        names.update(_names(db, tied))
        return min(tied, key=lambda p: (name(p), tied.index(p)))

    return f, name, first_uncovered


def audit(db: Database, today: date, window: int = WINDOW, log: Log | None = None) -> dict:
    """The self-audit over the last `window` days: audit_log's result, computed in bulk from the database."""
    facts = _audit_facts(db, today, window, log)
    if isinstance(facts, dict):
        return facts
    f, name, first_uncovered = facts
    return _audit_result(f, window, name, first_uncovered)


TOUCH_COLUMNS = "id, person_id, day, direction, kind, nature, tags, responded, channel, minutes"


def _as_touches(found: list[dict]) -> list[dict]:
    for r in found:
        r["day"] = date.fromisoformat(r["day"])
        r["tags"] = set(json.loads(r["tags"])) if r["tags"] and r["tags"] != "[]" else set()
        r["responded"] = None if r["responded"] is None else bool(r["responded"])
    return found


def _touch_rows(db: Database, since: date) -> list[dict]:
    """Full history of every person touched since `since` (older touches matter for gaps and ghosting)."""
    return _as_touches(rows(db, (
        f"select {TOUCH_COLUMNS} from interactions "
        "where person_id in (select distinct person_id from interactions where day >= ?) order by day, id"),
        [since.isoformat()]))



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
    names = _names(db, people[shown])
    found = sorted(((int(met_on[i]), names.get(int(people[i]), ""), int(people[i])) for i in shown),
                   key=lambda r: (-r[0], r[1].translate(_ASCII_LOWER), r[2]))[:limit]
    return [{"person_id": p, "name": n, "met_on": date.fromordinal(d).isoformat(), "days_ago": today.toordinal() - d}
            for d, n, p in found], len(people)


SPOKEN = frozenset(c for c, g in CHANNEL_GROUPS.items() if g != "written")


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
    spoken = np.isin(channel, [CHANNELS.index(c) for c in SPOKEN])
    people, at = np.unique(pid, return_inverse=True)
    written = np.bincount(at, weights=(~spoken).astype(np.float64), minlength=len(people)).astype(np.int64)
    voiced = np.bincount(at, weights=spoken.astype(np.float64), minlength=len(people)).astype(np.int64)
    earliest = np.full(len(people), np.iinfo(np.int64).max)
    np.minimum.at(earliest, at, first)
    candidates = np.flatnonzero((written >= 2) & (voiced == 0))
    if not len(candidates):
        return by_channel, None
    top = candidates[written[candidates] == written[candidates].max()]
    names = _names(db, people[top])
    best = min(top.tolist(), key=lambda i: (names.get(int(people[i]), ""), int(earliest[i])))
    return by_channel, (int(people[best]), names.get(int(people[best]), ""))


def _channels_by_name(db: Database, today: date) -> tuple[Counter, tuple[int, str] | None]:
    """_channels read in SQL, for a log with channels outside the vocabulary."""
    since = today - timedelta(days=WINDOW - 1)
    window = "from interactions not indexed where direction = 'me' and day between ? and ?"
    span = [since.isoformat(), today.isoformat()]
    first = f"min(({DAY_NUMBER.format('day')}) * 4294967296 + id)"
    spoken = ",".join(f"'{c}'" for c in sorted(SPOKEN))
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


# --- Charts ------------------------------------------------------------------------------------


def month_ends(today: date, months: int = 6) -> list[date]:
    """The last day of each of the previous `months` months, then today."""
    ends = []
    first = today.replace(day=1)
    for _ in range(months):
        last = first - timedelta(days=1)
        ends.append(last)
        first = last.replace(day=1)
    return [*sorted(ends), today]


def bands_over_time(db: Database, today: date, months: int = 6) -> list[dict]:
    """How many relationships were in each band at each month end (recomputed from the log).

    An approximation: today's tier and cadence are used for the past. Returns rows
    {month: 'YYYY-MM-DD', band, people}; people with no touch yet by that date are left out.
    """
    checkpoints = month_ends(today, months)
    cadences = get_cadences(db)
    people = rows(db, "select id, tier, cadence_days, archived_at from people where archived_at is null")
    ids = [p["id"] for p in people]
    values = values_on(db, checkpoints, ids, [cadence_for(p, cadences) or 180 for p in people],
                       everyone=True) if ids else {cp: [] for cp in checkpoints}
    counts = {cp: Counter(band(v) for v in values[cp] if v is not None) for cp in checkpoints}
    return [{"month": cp.isoformat(), "band": b, "people": counts[cp][b]}
            for cp in checkpoints for b in BANDS if b != "none"]


def _month_keys(today: date, months: int) -> list[str]:
    keys, first = [], today.replace(day=1)
    for _ in range(months):
        keys.append(first.strftime("%Y-%m"))
        first = (first - timedelta(days=1)).replace(day=1)
    return sorted(keys)


def gives_asks_by_month(db: Database, today: date, months: int = 6) -> list[dict]:
    """Your gives and asks per calendar month: rows {month: 'YYYY-MM', kind, touches}."""
    keys = _month_keys(today, months)
    found = {(r["m"], r["kind"]): r["n"] for r in rows(db, (
        "select substr(day, 1, 7) as m, kind, count(*) as n from interactions where direction = 'me' "
        "and kind in ('give', 'ask') and day >= ? and day <= ? group by m, kind"),
        [keys[0] + "-01", today.isoformat()])}
    return [{"month": k, "kind": kind, "touches": found.get((k, kind), 0)} for k in keys for kind in ("give", "ask")]


def weekly_touches(db: Database, today: date, weeks: int = 12) -> list[dict]:
    """Touches you started and their minutes per week (Monday first) against the weekly budget."""
    budget = get_budget_minutes(db)
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    out = {s: {"week": s.isoformat(), "touches": 0, "minutes": 0, "budget": budget} for s in starts}
    for r in rows(db, "select day, count(*) as n, sum(minutes) as m from interactions not indexed "
                      "where direction = 'me' and day between ? and ? group by day",  # a scan beats the day index
                  [starts[0].isoformat(), today.isoformat()]):
        d = date.fromisoformat(r["day"])
        week = out[d - timedelta(days=d.weekday())]
        week["touches"] += r["n"]
        week["minutes"] += r["m"] or 0
    for w in out.values():
        w["met"] = w["minutes"] >= budget
    return list(out.values())


def stage_funnel(db: Database) -> list[dict]:
    """The ladder as a funnel: people on each rung and how many reached at least that rung."""
    counts = stage_counts(db)
    out, reached = [], 0
    for stage in reversed(STAGES):
        reached += counts[stage]
        out.append({"stage": stage, "people": counts[stage], "reached": reached})
    return list(reversed(out))


# --- Victories ---------------------------------------------------------------------------------


def streaks(weeks: list[dict]) -> tuple[int, int]:
    """(current, best) runs of weeks meeting the budget; the week in progress only adds, never breaks."""
    met = [w["met"] for w in weeks]
    best = run = 0
    for m in met:
        run = run + 1 if m else 0
        best = max(best, run)
    current = 0
    history = met if met and met[-1] else met[:-1]
    for m in reversed(history):
        if not m:
            break
        current += 1
    return current, best


def victories(db: Database, today: date, log: Log | None = None) -> dict:
    """Small victories worth celebrating: budget streaks, people who moved up, thank-yous on time."""
    since = today - timedelta(days=29)
    rank = {s: i for i, s in enumerate(STAGES)}
    moved = [m for m in rows(db, (
        "select s.person_id, p.name, s.day, s.from_stage, s.to_stage from stage_changes s "
        "join people p on p.id = s.person_id where s.day >= ? and p.archived_at is null "
        "order by s.day desc, s.id desc"), [since.isoformat()])
        if rank.get(m["to_stage"], 0) > rank.get(m["from_stage"], 0) and m["to_stage"] != "contacted"]
    # The last 26 weeks of the log, matched with numpy: the weeks within your budget (as weekly_touches
    # counts them), and the conversations in the window (not thank-yous themselves) that you thanked
    # within 48 hours.
    first_week = today - timedelta(days=today.weekday()) - timedelta(weeks=VICTORY_WEEKS - 1)
    start = today - timedelta(days=WINDOW - 1)
    log = _log_for(db, today, min(start, first_week), log)
    day, minutes, bits = log.day, log.minutes, log.bits
    me, thank, talk = ((bits >> 8) & 3) == 0, (bits & THANKS) > 0, (bits & CONVERSATION) > 0
    mine = me & (day >= first_week.toordinal()) & (day <= today.toordinal())
    spent = np.bincount((day[mine] - first_week.toordinal()) // 7, weights=minutes[mine], minlength=VICTORY_WEEKS)
    current, best = streaks([{"met": bool(m >= get_budget_minutes(db))} for m in spent])
    later = day >= start.toordinal()
    key = log.pid * SPAN + day
    talks = later & talk & ~thank & (day <= today.toordinal())
    thanks = np.sort(key[later & me & thank])
    conversations = int(talks.sum())
    on_time = int((_within(thanks, key[talks], key[talks] + THANK_YOU_DAYS) > 0).sum())
    messages = []
    if current >= 1:
        messages.append(f"{current} week{'s' if current != 1 else ''} in a row within your networking budget.")
    elif best:
        messages.append(f"Your best run: {best} week{'s' if best != 1 else ''} in a row within your budget.")
    if moved:
        names = ", ".join(m["name"] for m in moved[:3])
        more = f" and {len(moved) - 3} more" if len(moved) > 3 else ""
        messages.append(f"{len(moved)} relationship{'s' if len(moved) != 1 else ''} moved up a stage this month: "
                        f"{names}{more}.")
    if on_time:
        messages.append(f"{on_time} of {conversations} conversations thanked within 48 hours in the last "
                        f"{WINDOW} days.")
    return {"streak": current, "best_streak": best, "moved_up": moved, "thank_yous_on_time": on_time,
            "conversations": conversations, "messages": messages}


def asks_in_a_row(db: Database, person_id: int, look_back: int = 10) -> int:
    """How many of your latest touches with this person, newest first, were asks (up to `look_back`).

    SCORING.md §4.7's per-contact flag is three or more: you only reach out to them when you need
    something. Only touches you started count; theirs neither break nor extend the run.
    """
    kinds = [k for (k,) in db.execute(
        "select kind from interactions where person_id = ? and direction = 'me' order by day desc, id desc limit ?",
        [person_id, look_back])]
    return next((i for i, k in enumerate(kinds) if k != "ask"), len(kinds))


def has_log(db: Database) -> bool:
    """True once anything has been logged (the insights page's empty state depends on it)."""
    return bool(db.execute("select 1 from interactions limit 1").fetchone())


def log_fingerprint(db: Database) -> str:
    """A key that changes whenever anything the insights read changes (a cache key for pages)."""
    return data_version(db)
