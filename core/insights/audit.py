"""The self-audit: the four warning signs of transactional networking and the relational ratio, in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import numpy as np
from sqlite_utils import Database

from core.db import chunks, placeholders
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
    _people_arrays,
    _within,
)
from core.insights.words import _day_text, _level, _pct, _worst
from core.people import names as names_of
from core.scoring import PARAMS
from core.vocab import THANK_YOU_DAYS

MIN_INITIATED = 5  # the audit is shown only from this many touches you started
RECIPROCATE_DAYS = 14
GHOST_DAYS = 90
EVIDENCE_HALF_LIFE = PARAMS["evidence_half_life"]  # the score's own (SCORING.md 4.2)
ASKS_IN_A_ROW = 3  # §4.7: this many asks in a row and you only reach out when you need something

SIGNS = {
    "only_when_needed": "You only reach out to people when you need a job or a favor.",
    "own_needs": "Your conversations are primarily focused on your needs and aspirations.",
    "no_follow_up": "You rarely follow up with people after you've gotten what you wanted.",
    "no_value": "You don't offer anything of value to your connections.",
}


# --- The audit's result from its facts: the headline, then one step per sign ---------------------

Name = Callable[[int], str]
Action = tuple[str, int | None]  # a sign's next action and the person it names (None: nobody)


def _not_ready(initiated: int, window: int) -> dict:
    return {"ready": False, "initiated": initiated, "needed": MIN_INITIATED - initiated, "window": window}


def _amber_if(flag: bool) -> str:
    return "amber" if flag else "ok"


def _share_before_asking(person_id: int, name: Name) -> Action:
    return f"Share something useful with {name(person_id)} before your next ask.", person_id


def _sign(key: str, level: str, summary: str, action: Action, name: Name, metrics: dict) -> dict:
    """One sign as the page shows it; `summary` comes without its full stop."""
    text, person_id = action
    return {"key": key, "sign": SIGNS[key], "level": level, "summary": summary + ".", "action": text,
            "person_id": person_id, "metrics": metrics, "person_name": name(person_id) if person_id else ""}


def _audit_result(f: dict, window: int, name: Name, first_uncovered: Callable[[], int | None]) -> dict:
    """The audit's signs, levels and next actions from its facts (reference_audit_log in the tests says what each is)."""
    per_contact = sorted(f["per_contact"], key=lambda p: (-p["last_ask"].toordinal(), p["name"], p["person_id"]))
    signs = [_only_when_needed(f, per_contact, name), _own_needs(f, name), _no_follow_up(f, name),
             _no_value(f, name, first_uncovered)]
    return {"ready": True, "initiated": f["initiated"], "needed": 0, "window": window,
            "headline": _headline(f, window, name), "signs": signs, "per_contact": per_contact}


def _headline(f: dict, window: int, name: Name) -> dict:
    """(your gives + neutral check-ins) : your asks."""
    n_asks, n_gives, n_neutral, most_asked = f["asks"], f["gives"], f["neutral"], f["most_asked"]
    ratio = (n_gives + n_neutral) / n_asks if n_asks else None
    level = "ok" if ratio is None or ratio >= 2 else "amber" if ratio >= 1 else "red"
    if ratio is None:
        text = f"{n_gives + n_neutral} : 0 (no asks in the last {window} days)"
    else:
        text = f"{ratio:.1f} : 1"
    if level != "ok" and most_asked:
        action = _share_before_asking(most_asked, name)[0]
    else:
        action = "Keep giving and checking in at least twice for every ask."
    return {"ratio": ratio, "text": text, "level": level, "gives": n_gives, "neutral": n_neutral, "asks": n_asks,
            "target": 2.0, "action": action}


def _only_when_needed(f: dict, per_contact: list[dict], name: Name) -> dict:
    """1. Only reaching out when you need a favor: your share of asks, cold reconnections, asks-only runs."""
    initiated, n_asks, reconnects, cold = f["initiated"], f["asks"], f["reconnects"], f["cold"]
    ask_share = n_asks / initiated
    cold_rate = cold / reconnects if reconnects else None
    cold_flag = cold_rate is not None and reconnects >= 3 and cold_rate > 0.5
    level = _worst(_level(ask_share, 0.5, 0.7), _amber_if(cold_flag), _amber_if(bool(per_contact)))
    if per_contact:
        action = ((f"Before your next ask to {per_contact[0]['name']}, check in or share something useful: "
                   f"your last {ASKS_IN_A_ROW} messages to them were asks."), per_contact[0]["person_id"])
    elif level != "ok" and f["most_asked"]:
        action = _share_before_asking(f["most_asked"], name)
    else:
        action = ("Keep reaching out when you don't need anything: that is what makes asking easy.", None)
    summary = f"{n_asks} of the {initiated} messages you started were asks ({_pct(ask_share)})"
    if reconnects:
        summary += f"; {cold} of {reconnects} reconnections opened with an ask"
    return _sign("only_when_needed", level, summary, action, name,
                 {"ask_share": ask_share, "asks": n_asks, "initiated": initiated, "reconnects": reconnects,
                  "cold_asks": cold, "cold_ask_rate": cold_rate, "only_asks": [p["person_id"] for p in per_contact]})


def _own_needs(f: dict, name: Name) -> dict:
    """2. Conversations focused on your needs: A/G, weighted by age; their asks you answered with a give."""
    a_w, g_w, their_asks, answered, decided = f["a_w"], f["g_w"], f["their_asks"], f["answered"], f["decided"]
    ag = a_w / g_w if g_w else (float("inf") if a_w else None)
    recip_rate = answered / decided if decided else None
    recip_flag = recip_rate is not None and decided >= 2 and recip_rate < 0.5
    level = _worst(_level(ag, 1, 2), _amber_if(recip_flag))
    if f["unanswered"]:
        pid, day = f["unanswered"]
        action = (f"{name(pid)} asked you for something on {_day_text(day)}: see how you can help.", pid)
    elif level != "ok" and f["most_asked"]:
        most_asked = f["most_asked"]
        action = (f"Offer {name(most_asked)} something (an introduction, an article) before asking again.",
                  most_asked)
    else:
        action = ("Keep asking about their work and goals as much as you talk about yours.", None)
    ag_text = "no gives yet" if ag == float("inf") else "no asks" if ag is None else f"{ag:.1f} asks per give"
    summary = f"Asks against gives: {ag_text} ({f['asks']} asks, {f['gives']} gives)"
    if their_asks:
        summary += f"; you answered {answered} of their {their_asks} asks with a give"
    return _sign("own_needs", level, summary, action, name,
                 {"ask_give_ratio": ag, "their_asks": their_asks, "reciprocated": answered,
                  "reciprocated_rate": recip_rate})


def _no_follow_up(f: dict, name: Name) -> dict:
    """3. Rarely following up after you got what you wanted: thank-yous on time, favors followed by silence."""
    help_events, on_time, old_help, ghosted = f["help_events"], f["on_time"], f["old_help"], f["ghosted"]
    ty_rate = on_time / help_events if help_events else None
    ghost_rate = ghosted / old_help if old_help else None
    ghost_flag = ghost_rate is not None and old_help >= 2 and ghost_rate > 0.3
    level = _worst(_level(ty_rate, 0.8, 0.5, higher_is_worse=False), _amber_if(ghost_flag))
    if f["unthanked"]:
        pid, day = f["unthanked"]
        action = (f"Thank {name(pid)} for their help on {_day_text(day)}: a late thank-you still counts.", pid)
    elif ghost_flag:
        pid = f["last_ghosted"][0]
        action = (f"Get back in touch with {name(pid)} and tell them how their help turned out.", pid)
    else:
        action = ("Keep thanking people within 48 hours: it doubles the chance they help again.", None)
    summary = (f"{on_time} of {help_events} favors thanked within 48 hours" if help_events
               else "No favors to thank in this window")
    if old_help:
        summary += f"; {ghosted} of {old_help} older favors were followed by silence"
    return _sign("no_follow_up", level, summary, action, name,
                 {"help_events": help_events, "thanked_on_time": on_time, "thank_you_rate": ty_rate,
                  "older_help_events": old_help, "ghosted": ghosted, "ghosting_rate": ghost_rate})


def _no_value(f: dict, name: Name, first_uncovered: Callable[[], int | None]) -> dict:
    """4. Not offering value: give share, and give coverage of Core + Active contacts over 180 days."""
    initiated, n_gives, key_people, covered = f["initiated"], f["gives"], f["key_people"], f["covered"]
    give_share = n_gives / initiated
    coverage = covered / key_people if key_people else None
    cover_flag = coverage is not None and coverage < 0.5
    level = _worst(_level(give_share, 0.25, 0.10, higher_is_worse=False), _amber_if(cover_flag))
    # Not ok: the uncovered key contact to give to first, else the one you asked most.
    target = (first_uncovered() or f["most_asked"]) if level != "ok" else None
    if target:
        action = _share_before_asking(target, name)
    else:
        action = ("Keep sharing articles, introductions and congratulations.", None)
    summary = f"{n_gives} of the {initiated} messages you started gave something ({_pct(give_share)})"
    if key_people:
        summary += (f"; {covered} of your {key_people} core and active contacts received a give in "
                    f"the last {COVERAGE_DAYS} days")
    return _sign("no_value", level, summary, action, name,
                 {"give_share": give_share, "gives": n_gives, "key_contacts": key_people, "covered": covered,
                  "coverage": coverage})


# --- The audit's facts, read in bulk: one step per fact ------------------------------------------


class _Names:
    """People's names, read when first needed and kept ("someone" for an id that is not there)."""

    def __init__(self, db: Database):
        self.db = db
        self.known: dict[int, str] = {}

    def load(self, ids) -> None:
        self.known.update(names_of(self.db, ids))

    def __call__(self, person_id: int) -> str:
        if person_id not in self.known:
            self.load([person_id])
        return self.known.get(person_id, "someone")


@dataclass(frozen=True)
class _Touches:
    """The touches since the cutoff as columns, sorted by person, then (day, id), with masks over them."""

    pid: np.ndarray
    day: np.ndarray
    kind: np.ndarray  # ASK, GIVE, NEUTRAL or 0
    key: np.ndarray  # pid * SPAN + day: by person, then day
    order: np.ndarray  # the log's order (day, id), for "the first of the latest"
    me: np.ndarray
    them: np.ndarray
    ask: np.ndarray
    give: np.ndarray
    thank: np.ndarray
    responded: np.ndarray
    win: np.ndarray  # in the audit's window
    mine: np.ndarray  # in the window and started by you

    def keys(self, mask: np.ndarray) -> np.ndarray:
        return np.sort(self.key[mask])

    def latest(self, mask: np.ndarray) -> tuple[int, date] | None:
        """The touch with the latest day, the first in the log among those: the reference's max()."""
        order = self.order[mask[self.order]]
        if not len(order):
            return None
        i = order[int(np.argmax(self.day[order]))]
        return int(self.pid[i]), date.fromordinal(int(self.day[i]))


def _touches(log: Log, cutoff: date, s0: int, t0: int) -> _Touches:
    """The log's touches from the cutoff, their touch codes unpacked; the window is s0..t0 (day numbers)."""
    keep = log.day >= cutoff.toordinal()
    found = np.column_stack([log.id[keep], log.pid[keep], log.day[keep], log.touch_code()[keep]]
                            ).reshape(-1, 4)  # by person, then (day, id)
    pid, day, code = found[:, 1], found[:, 2], found[:, 3]
    me, kind = (code & 3) == ME, (code >> 2) & 3
    win = (day >= s0) & (day <= t0)
    return _Touches(pid=pid, day=day, kind=kind, key=pid * SPAN + day, order=np.lexsort((found[:, 0], day)),
                    me=me, them=(code & 3) == THEM, ask=kind == ASK, give=kind == GIVE,
                    thank=(code >> 4 & 1).astype(bool), responded=(code >> 5 & 1).astype(bool),
                    win=win, mine=win & me)


def _lookup(ids: np.ndarray, values: np.ndarray, wanted: np.ndarray, missing: int) -> np.ndarray:
    """values[i] where ids[i] is each wanted id (ids sorted and unique), else `missing`."""
    if not len(ids):
        return np.full_like(wanted, missing)
    at = np.clip(np.searchsorted(ids, wanted), 0, len(ids) - 1)
    return np.where(ids[at] == wanted, values[at], missing)


def _last_days(db: Database, person_ids: list[int], before: date | None = None) -> dict[int, int]:
    """Each person's last day in the whole log (a day number), or their last before `before`."""
    out: dict[int, int] = {}
    earlier = "and day < ? " if before else ""
    for chunk in chunks(person_ids):
        params = [*chunk, before.isoformat()] if before else chunk
        out.update(db.execute(f"select person_id, {DAY_NUMBER.format('max(day)')} from interactions "
                              f"where person_id in ({placeholders(chunk)}) {earlier}group by person_id",
                              params).fetchall())
    return out


def _audit_facts(db: Database, today: date, window: int, log: Log | None = None):
    """What the reference audit works out from everyone's whole history, read from the database in bulk.

    It reads the touches since the cutoff (the window, the older window for ghosting, the 180 days of
    give coverage) as integer columns and, before the cutoff, only each person's last day (the gap
    before a reconnection; when you last spoke) and the last messages you sent someone whose recent
    ones were all asks. Returns (facts, name, first_uncovered) for _audit_result, or the not-ready result.
    """
    t0, s0 = today.toordinal(), (today - timedelta(days=window - 1)).toordinal()
    cutoff = today - timedelta(days=max(2 * window, COVERAGE_DAYS) - 1)
    t = _touches(_log_for(db, today, cutoff, log), cutoff, s0, t0)
    initiated = int(t.mine.sum())
    if initiated < MIN_INITIATED:
        return _not_ready(initiated, window)
    names = _Names(db)
    ask_ids, ask_n = np.unique(t.pid[t.mine & t.ask], return_counts=True)
    f = {"initiated": initiated, "asks": int((t.mine & t.ask).sum()), "gives": int((t.mine & t.give).sum()),
         "neutral": int((t.mine & (t.kind == NEUTRAL) & ~t.thank).sum()),
         "most_asked": _most_asked(t, ask_ids, ask_n)}
    ids, cadence, key = _people_arrays(db)
    f.update(_reconnections(db, t, cutoff, ids, cadence))
    f["per_contact"] = _asks_only(db, t, s0, cutoff, names)
    f.update(_weighted_asks_and_gives(t, t0))
    f.update(_reciprocity(t, t0))
    f.update(_follow_ups(t, today, window, s0, t0))
    given = np.unique(t.pid[t.me & t.give & (t.day >= (today - timedelta(days=COVERAGE_DAYS - 1)).toordinal())
                            & (t.day <= t0)])
    covered = np.isin(ids[key], given)
    f.update(key_people=int(key.sum()), covered=int(covered.sum()))
    since = (today - timedelta(days=2 * window + COVERAGE_DAYS)).toordinal()
    return f, names, partial(_first_uncovered, db, t, names, ask_ids, ask_n, ids[key][~covered], since)


def _most_asked(t: _Touches, ask_ids: np.ndarray, ask_n: np.ndarray) -> int | None:
    """Whom you asked most beyond what you gave them, then most, then the lowest id."""
    give_ids, give_n = np.unique(t.pid[t.mine & t.give], return_counts=True)
    given_back = _lookup(give_ids, give_n, ask_ids, 0)
    ranked = np.lexsort((ask_ids, -ask_n, -(ask_n - given_back)))
    return int(ask_ids[ranked[0]]) if len(ranked) else None


def _reconnections(db: Database, t: _Touches, cutoff: date, ids: np.ndarray, cadence: np.ndarray) -> dict:
    """Touches you started after a gap longer than the person's cadence, and how many of them were asks.

    The gap is to the touch before, which for someone's first touch here is before the cutoff.
    """
    pid, day = t.pid, t.day
    first = np.r_[True, pid[1:] != pid[:-1]] if len(pid) else np.zeros(0, dtype=bool)
    prev = np.r_[0, day[:-1]] if len(day) else day
    older = _last_days(db, np.unique(pid[t.mine & first]).tolist(), before=cutoff)
    heads = np.flatnonzero(first)
    prev[heads] = [older.get(p, 0) for p in pid[heads].tolist()]
    reconnect = t.mine & (prev > 0) & (day - prev > _lookup(ids, cadence, pid, 90))
    return {"reconnects": int(reconnect.sum()), "cold": int((reconnect & t.ask).sum())}


def _asks_only(db: Database, t: _Touches, s0: int, cutoff: date, names: _Names) -> list[dict]:
    """Everyone whose last three messages from you were all asks, the last one in the window."""
    m = np.flatnonzero(t.me)
    mp, mk, md = t.pid[m], t.kind[m], t.day[m]
    last = np.r_[mp[1:] != mp[:-1], True] if len(mp) else np.zeros(0, dtype=bool)
    starts = np.searchsorted(mp, mp)  # the first of each person's messages
    found, short = [], {}
    for i in np.flatnonzero(last & (mk == ASK) & (md >= s0)).tolist():
        count = i - int(starts[i]) + 1
        run = mk[max(i - ASKS_IN_A_ROW + 1, int(starts[i])):i + 1]
        if (run == ASK).all():
            if count >= ASKS_IN_A_ROW:
                found.append((int(mp[i]), int(md[i])))
            else:
                short[int(mp[i])] = (ASKS_IN_A_ROW - count, int(md[i]))
    found += _asks_before(db, short, cutoff)
    names.load([p for p, _ in found])
    return [{"person_id": p, "name": names(p), "last_ask": date.fromordinal(d)} for p, d in found]


def _asks_before(db: Database, short: dict[int, tuple[int, int]], cutoff: date) -> list[tuple[int, int]]:
    """Of those whose messages since the cutoff are too few asks to tell ({person: (more wanted, last day)}),
    the ones whose messages before it complete the run of three asks, as (person, last day)."""
    found = []
    for chunk in chunks(list(short)):
        earlier: dict[int, list[str]] = defaultdict(list)
        for p, k in db.execute(
                "select person_id, kind from (select person_id, kind, day, id, row_number() over (partition by "
                "person_id order by day desc, id desc) as rn from interactions where direction = 'me' and day < ? "
                f"and person_id in ({placeholders(chunk)})) where rn <= ? order by person_id, rn",
                [cutoff.isoformat(), *chunk, ASKS_IN_A_ROW]):
            earlier[p].append(k)
        for p in chunk:
            wanted, last_day = short[p]
            kinds = earlier[p][:wanted]
            if len(kinds) == wanted and all(k == "ask" for k in kinds):
                found.append((p, last_day))
    return found


def _weighted_asks_and_gives(t: _Touches, t0: int) -> dict:
    """Your asks and gives in the window, weighted by age, summed in the log's order as the reference does."""
    asks, gives = t.mine & t.ask, t.mine & t.give
    weight = {d: 2.0 ** (-(t0 - d) / EVIDENCE_HALF_LIFE) for d in set(t.day[asks | gives].tolist())}
    return {"a_w": sum(weight[d] for d in np.sort(t.day[asks]).tolist()),
            "g_w": sum(weight[d] for d in np.sort(t.day[gives]).tolist())}


def _reciprocity(t: _Touches, t0: int) -> dict:
    """Their asks in the window and how many you answered with a give within RECIPROCATE_DAYS."""
    their_asks = t.win & t.them & t.ask
    answered = their_asks & (_within(t.keys(t.me & t.give), t.key, t.key + RECIPROCATE_DAYS) > 0)
    unanswered = their_asks & ~answered
    return {"their_asks": int(their_asks.sum()), "answered": int(answered.sum()),
            "decided": int(answered.sum() + (unanswered & (t0 - t.day >= RECIPROCATE_DAYS)).sum()),
            "unanswered": t.latest(unanswered)}


def _follow_ups(t: _Touches, today: date, window: int, s0: int, t0: int) -> dict:
    """Favors in the window thanked on time, and favors in the window before followed by silence."""
    helped = (t.them & t.give) | (t.me & t.ask & t.responded)
    events = helped & t.win & (t0 - t.day >= THANK_YOU_DAYS)
    your_thanks = t.me & t.thank
    thanks = _within(t.keys(your_thanks), t.key, t.key + THANK_YOU_DAYS) - your_thanks  # not the favor itself
    on_time = events & (thanks > 0)
    old = helped & (t.day >= (today - timedelta(days=2 * window - 1)).toordinal()) & (t.day < s0)
    followed = (_within(t.keys(t.me & ~t.ask), t.key + 1, t.key + GHOST_DAYS) > 0) | (
        _within(t.keys(t.me & ~t.ask & t.thank), t.key, t.key) > 0)
    ghosted = old & ~followed
    return {"help_events": int(events.sum()), "on_time": int(on_time.sum()), "unthanked": t.latest(events & ~on_time),
            "old_help": int(old.sum()), "ghosted": int(ghosted.sum()), "last_ghosted": t.latest(ghosted)}


def _first_uncovered(db: Database, t: _Touches, names: _Names, ask_ids: np.ndarray, ask_n: np.ndarray,
                     uncovered: np.ndarray, since: int) -> int | None:
    """The uncovered key contact you asked most, then spoke with last, then by name (the reference's sort)."""
    if not len(uncovered):
        return None
    n = _lookup(ask_ids, ask_n, uncovered, 0)
    tied = uncovered[n == n.max()].tolist()
    last_day: dict[int, int] = {}
    here = np.isin(t.pid, tied)
    for p, d in zip(t.pid[here].tolist(), t.day[here].tolist(), strict=True):
        last_day[p] = d  # sorted by day within each person: the last one wins
    away = _last_days(db, [p for p in tied if p not in last_day])
    # The reference reads the history of people touched since `since`.
    last_day.update({p: d for p, d in away.items() if d >= since})
    best = max(last_day.get(p, 1) for p in tied)
    tied = [p for p in tied if last_day.get(p, 1) == best]
    names.load(tied)
    return min(tied, key=lambda p: (names(p), tied.index(p)))


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
