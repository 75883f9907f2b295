"""The self-audit: the four warning signs of transactional networking and the relational ratio, in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
from sqlite_utils import Database

from core.db import chunks
from core.insights.log import (
    ASK,
    COVERAGE_DAYS,
    DAY_NUMBER,
    GIVE,
    ME,
    NEUTRAL,
    SPAN,
    THEM,
    WINDOW,
    Log,
    _log_for,
    _names,
    _people_arrays,
    _within,
)
from core.insights.words import _day_text, _level, _pct, _worst
from core.scoring import PARAMS
from core.vocab import THANK_YOU_DAYS

MIN_INITIATED = 5  # the audit is shown only from this many touches you started
RECIPROCATE_DAYS = 14
GHOST_DAYS = 90
EVIDENCE_HALF_LIFE = PARAMS["evidence_half_life"]  # the score's own (SCORING.md 4.2)

SIGNS = {
    "only_when_needed": "You only reach out to people when you need a job or a favor.",
    "own_needs": "Your conversations are primarily focused on your needs and aspirations.",
    "no_follow_up": "You rarely follow up with people after you've gotten what you wanted.",
    "no_value": "You don't offer anything of value to your connections.",
}


# --- The audit ---------------------------------------------------------------------------------


def _not_ready(initiated: int, window: int) -> dict:
    return {"ready": False, "initiated": initiated, "needed": MIN_INITIATED - initiated, "window": window}


def _audit_result(f: dict, window: int, name: Callable[[int], str], first_uncovered: Callable[[], int | None]) -> dict:
    """The audit's signs, levels and next actions from its facts (reference_audit_log in the tests says what each is)."""
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


def _audit_facts(db: Database, today: date, window: int, log: Log | None = None):
    """What the reference audit works out from everyone's whole history, read from the database in bulk.

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
    for chunk in chunks(need):
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
    for chunk in chunks(pids):
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

    # Asks against gives, weighted by age, summed in the log's order as the reference does.
    weight = {d: 2.0 ** (-(t0 - d) / EVIDENCE_HALF_LIFE) for d in set(day[asks | gives].tolist())}
    f["a_w"] = sum(weight[d] for d in np.sort(day[asks]).tolist())
    f["g_w"] = sum(weight[d] for d in np.sort(day[gives]).tolist())

    def keys(mask: np.ndarray) -> np.ndarray:
        return np.sort(pid[mask] * SPAN + day[mask])

    def latest(mask: np.ndarray) -> tuple[int, date] | None:
        """The touch with the latest day, the first in the log among those: the reference's max()."""
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
        """The uncovered key contact you asked most, then spoke with last, then by name (the reference's sort)."""
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
        for chunk in chunks(away):
            for p, d in db.execute(f"select person_id, {DAY_NUMBER.format('max(day)')} from interactions "
                                   f"where person_id in ({','.join('?' * len(chunk))}) group by person_id", chunk):
                if d >= since:  # the reference reads the history of people touched since then
                    last_day[p] = d
        best = max(last_day.get(p, 1) for p in tied)
        tied = [p for p in tied if last_day.get(p, 1) == best]
        names.update(_names(db, tied))
        return min(tied, key=lambda p: (name(p), tied.index(p)))

    return f, name, first_uncovered


def audit(db: Database, today: date, window: int = WINDOW, log: Log | None = None) -> dict:
    """The self-audit over the last `window` days: the reference's result, computed in bulk from the database."""
    facts = _audit_facts(db, today, window, log)
    if isinstance(facts, dict):
        return facts
    f, name, first_uncovered = facts
    return _audit_result(f, window, name, first_uncovered)


def asks_in_a_row(db: Database, person_id: int, look_back: int = 10) -> int:
    """How many of your latest touches with this person, newest first, were asks (up to `look_back`).

    SCORING.md §4.7's per-contact flag is three or more: you only reach out to them when you need
    something. Only touches you started count; theirs neither break nor extend the run.
    """
    kinds = [k for (k,) in db.execute(
        "select kind from interactions where person_id = ? and direction = 'me' order by day desc, id desc limit ?",
        [person_id, look_back])]
    return next((i for i, k in enumerate(kinds) if k != "ask"), len(kinds))
