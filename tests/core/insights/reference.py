"""The readable reference implementations the bulk insights are held to (importable as
tests.core.insights.reference).

The audit, neglect and victories written plainly over lists of touches read in full from the database,
one rule after another: core.insights computes the same from compact columns, and the tests in this
folder assert that both give equal results.
"""

import itertools
import json
from collections import Counter, defaultdict
from datetime import date, timedelta

from core import insights as ins
from core.db import rows
from core.relationships import cadence_for
from core.settings import get_cadences
from core.vocab import CHANNEL_LABELS, CONVERSATION_CHANNELS, CONVERSATION_NATURES, STAGES, THANK_YOU_DAYS

# --- The touches, read in full --------------------------------------------------------------------


TOUCH_COLUMNS = "id, person_id, day, direction, kind, nature, tags, responded, channel, minutes"


def is_thank_you(t: dict) -> bool:
    return t["nature"] == "thank_you" or "thank_you" in t["tags"]


def reference_touch_rows(db, since: date) -> list[dict]:
    """Full history of every person touched since `since` (older touches matter for gaps and ghosting)."""
    found = rows(db, f"select {TOUCH_COLUMNS} from interactions where person_id in "
                     "(select distinct person_id from interactions where day >= ?) order by day, id", [since.isoformat()])
    for r in found:
        r["day"] = date.fromisoformat(r["day"])
        r["tags"] = set(json.loads(r["tags"])) if r["tags"] and r["tags"] != "[]" else set()
        r["responded"] = None if r["responded"] is None else bool(r["responded"])
    return found


# --- The audit: the relational ratio and the four warning signs -----------------------------------


def reference_audit_log(touches: list[dict], people: dict[int, dict], today: date, window: int = ins.WINDOW) -> dict:
    """The four warning signs and the relational ratio, from a log of touches.

    touches: dicts with person_id, day (date), direction, kind, nature, tags (set), responded, id (order).
    people: person_id -> {name, tier, cadence (days or None), archived (bool)}.
    Returns {ready, initiated, needed, headline, signs: [...], per_contact: [...]}.
    """
    log = sorted(touches, key=lambda t: (t["day"], t.get("id", 0)))
    by_person: dict[int, list[dict]] = defaultdict(list)
    for t in log:
        by_person[t["person_id"]].append(t)
    start = today - timedelta(days=window - 1)
    win = [t for t in log if start <= t["day"] <= today]
    mine = [t for t in win if t["direction"] == "me"]
    initiated = len(mine)
    if initiated < ins.MIN_INITIATED:
        return {"ready": False, "initiated": initiated, "needed": ins.MIN_INITIATED - initiated, "window": window}

    def name(pid: int) -> str:
        return people.get(pid, {}).get("name", "someone")

    asks = [t for t in mine if t["kind"] == "ask"]
    gives = [t for t in mine if t["kind"] == "give"]
    neutral = [t for t in mine if t["kind"] == "neutral" and not is_thank_you(t)]

    # Headline: (your gives + neutral check-ins) : your asks.
    ratio = (len(gives) + len(neutral)) / len(asks) if asks else None
    ratio_level = "ok" if ratio is None or ratio >= 2 else "amber" if ratio >= 1 else "red"
    asks_by_person = Counter(t["person_id"] for t in asks)
    gives_by_person = Counter(t["person_id"] for t in gives)
    most_asked = reference_most_taken(asks_by_person, gives_by_person)
    if ratio is None:
        ratio_text = f"{len(gives) + len(neutral)} : 0 (no asks in the last {window} days)"
    else:
        ratio_text = f"{ratio:.1f} : 1"
    headline = {"ratio": ratio, "text": ratio_text, "level": ratio_level, "gives": len(gives),
                "neutral": len(neutral), "asks": len(asks), "target": 2.0,
                "action": (f"Share something useful with {name(most_asked)} before your next ask."
                           if ratio_level != "ok" and most_asked else
                           "Keep giving and checking in at least twice for every ask.")}

    # 1. Only reaching out when you need a favor.
    ask_share = len(asks) / initiated
    reconnects = cold = 0
    for pid, history in by_person.items():
        cadence = people.get(pid, {}).get("cadence") or 90
        for prev, t in itertools.pairwise(history):
            if t["direction"] != "me" or not (start <= t["day"] <= today):
                continue
            if (t["day"] - prev["day"]).days > cadence:
                reconnects += 1
                cold += t["kind"] == "ask"
    cold_rate = cold / reconnects if reconnects else None
    per_contact = []
    for pid, history in by_person.items():
        last3 = [t for t in history if t["direction"] == "me"][-3:]
        if len(last3) == 3 and all(t["kind"] == "ask" for t in last3) and last3[-1]["day"] >= start:
            per_contact.append({"person_id": pid, "name": name(pid), "last_ask": last3[-1]["day"]})
    per_contact.sort(key=lambda p: (-p["last_ask"].toordinal(), p["name"], p["person_id"]))  # ties by name
    cold_flag = cold_rate is not None and reconnects >= 3 and cold_rate > 0.5
    level1 = ins._worst(ins._level(ask_share, 0.5, 0.7), "amber" if cold_flag else "ok",
                    "amber" if per_contact else "ok")
    if per_contact:
        action1 = (f"Before your next ask to {per_contact[0]['name']}, check in or share something useful: "
                   "your last 3 messages to them were asks.")
        target1 = per_contact[0]["person_id"]
    elif level1 != "ok" and most_asked:
        action1, target1 = f"Share something useful with {name(most_asked)} before your next ask.", most_asked
    else:
        action1, target1 = "Keep reaching out when you don't need anything: that is what makes asking easy.", None
    summary1 = f"{len(asks)} of the {initiated} messages you started were asks ({ins._pct(ask_share)})"
    if reconnects:
        summary1 += f"; {cold} of {reconnects} reconnections opened with an ask"
    sign1 = {"key": "only_when_needed", "sign": ins.SIGNS["only_when_needed"], "level": level1,
             "summary": summary1 + ".", "action": action1, "person_id": target1,
             "metrics": {"ask_share": ask_share, "asks": len(asks), "initiated": initiated,
                         "reconnects": reconnects, "cold_asks": cold, "cold_ask_rate": cold_rate,
                         "only_asks": [p["person_id"] for p in per_contact]}}

    # 2. Conversations focused on your needs: A/G, weighted by age; their asks you answered with a give.
    def omega(t: dict) -> float:
        return 2.0 ** (-(today - t["day"]).days / ins.EVIDENCE_HALF_LIFE)

    a_w = sum(omega(t) for t in asks)
    g_w = sum(omega(t) for t in gives)
    ag = a_w / g_w if g_w else (float("inf") if a_w else None)
    their_asks = [t for t in win if t["direction"] == "them" and t["kind"] == "ask"]
    answered, unanswered, decided = 0, [], 0
    for t in their_asks:
        if any(u["direction"] == "me" and u["kind"] == "give"
               and t["day"] <= u["day"] <= t["day"] + timedelta(days=ins.RECIPROCATE_DAYS)
               for u in by_person[t["person_id"]]):
            answered += 1
            decided += 1
        else:
            unanswered.append(t)
            decided += (today - t["day"]).days >= ins.RECIPROCATE_DAYS  # younger ones are still open
    recip_rate = answered / decided if decided else None
    recip_flag = recip_rate is not None and decided >= 2 and recip_rate < 0.5
    level2 = ins._worst(ins._level(ag, 1, 2), "amber" if recip_flag else "ok")
    if unanswered:
        t = max(unanswered, key=lambda u: u["day"])
        action2 = f"{name(t['person_id'])} asked you for something on {ins._day_text(t['day'])}: see how you can help."
        target2 = t["person_id"]
    elif level2 != "ok" and most_asked:
        action2 = f"Offer {name(most_asked)} something (an introduction, an article) before asking again."
        target2 = most_asked
    else:
        action2, target2 = "Keep asking about their work and goals as much as you talk about yours.", None
    ag_text = "no gives yet" if ag == float("inf") else "no asks" if ag is None else f"{ag:.1f} asks per give"
    summary2 = f"Asks against gives: {ag_text} ({len(asks)} asks, {len(gives)} gives)"
    if their_asks:
        summary2 += f"; you answered {answered} of their {len(their_asks)} asks with a give"
    sign2 = {"key": "own_needs", "sign": ins.SIGNS["own_needs"], "level": level2, "summary": summary2 + ".",
             "action": action2, "person_id": target2,
             "metrics": {"ask_give_ratio": ag, "their_asks": len(their_asks), "reciprocated": answered,
                         "reciprocated_rate": recip_rate}}

    # 3. Rarely following up after you got what you wanted.
    def is_help(t: dict) -> bool:
        return (t["direction"] == "them" and t["kind"] == "give") or (
            t["direction"] == "me" and t["kind"] == "ask" and t["responded"] is True)

    def thanked(e: dict) -> bool:
        return any(u is not e and u["direction"] == "me" and is_thank_you(u)
                   and e["day"] <= u["day"] <= e["day"] + timedelta(days=THANK_YOU_DAYS)
                   for u in by_person[e["person_id"]])

    help_events = [t for t in win if is_help(t) and (today - t["day"]).days >= THANK_YOU_DAYS]
    on_time = [e for e in help_events if thanked(e)]
    ty_rate = len(on_time) / len(help_events) if help_events else None
    ghost_start, ghost_end = today - timedelta(days=2 * window - 1), start
    old_help = [t for t in log if is_help(t) and ghost_start <= t["day"] < ghost_end]
    ghosted = []
    for e in old_help:
        followed = any(u is not e and u["direction"] == "me" and u["kind"] != "ask"
                       and e["day"] <= u["day"] <= e["day"] + timedelta(days=ins.GHOST_DAYS)
                       and (u["day"] > e["day"] or is_thank_you(u)) for u in by_person[e["person_id"]])
        if not followed:
            ghosted.append(e)
    ghost_rate = len(ghosted) / len(old_help) if old_help else None
    ghost_flag = ghost_rate is not None and len(old_help) >= 2 and ghost_rate > 0.3
    level3 = ins._worst(ins._level(ty_rate, 0.8, 0.5, higher_is_worse=False), "amber" if ghost_flag else "ok")
    thanked_ids = {id(e) for e in on_time}
    unthanked = sorted((e for e in help_events if id(e) not in thanked_ids), key=lambda e: e["day"], reverse=True)
    if unthanked:
        e = unthanked[0]
        action3 = (f"Thank {name(e['person_id'])} for their help on {ins._day_text(e['day'])}: "
                   "a late thank-you still counts.")
        target3 = e["person_id"]
    elif ghost_flag:
        e = max(ghosted, key=lambda g: g["day"])
        action3 = f"Get back in touch with {name(e['person_id'])} and tell them how their help turned out."
        target3 = e["person_id"]
    else:
        action3, target3 = "Keep thanking people within 48 hours: it doubles the chance they help again.", None
    summary3 = (f"{len(on_time)} of {len(help_events)} favors thanked within 48 hours" if help_events
                else "No favors to thank in this window")
    if old_help:
        summary3 += f"; {len(ghosted)} of {len(old_help)} older favors were followed by silence"
    sign3 = {"key": "no_follow_up", "sign": ins.SIGNS["no_follow_up"], "level": level3, "summary": summary3 + ".",
             "action": action3, "person_id": target3,
             "metrics": {"help_events": len(help_events), "thanked_on_time": len(on_time), "thank_you_rate": ty_rate,
                         "older_help_events": len(old_help), "ghosted": len(ghosted), "ghosting_rate": ghost_rate}}

    # 4. Not offering value: give share, and give coverage of Core + Active contacts over 180 days.
    give_share = len(gives) / initiated
    cover_start = today - timedelta(days=ins.COVERAGE_DAYS - 1)
    key_people = [pid for pid, p in people.items() if p.get("tier") in ("core", "active") and not p.get("archived")]
    given = {t["person_id"] for t in log if t["direction"] == "me" and t["kind"] == "give"
             and cover_start <= t["day"] <= today}
    covered = [pid for pid in key_people if pid in given]
    coverage = len(covered) / len(key_people) if key_people else None
    cover_flag = coverage is not None and coverage < 0.5
    level4 = ins._worst(ins._level(give_share, 0.25, 0.10, higher_is_worse=False), "amber" if cover_flag else "ok")
    uncovered = [pid for pid in key_people if pid not in given]
    last_touch = {pid: h[-1]["day"] for pid, h in by_person.items()}
    uncovered.sort(key=lambda pid: (-asks_by_person.get(pid, 0), -(last_touch.get(pid, date.min).toordinal()),
                                    name(pid)))
    if level4 != "ok" and uncovered:
        action4, target4 = f"Share something useful with {name(uncovered[0])} before your next ask.", uncovered[0]
    elif level4 != "ok" and most_asked:
        action4, target4 = f"Share something useful with {name(most_asked)} before your next ask.", most_asked
    else:
        action4, target4 = "Keep sharing articles, introductions and congratulations.", None
    summary4 = f"{len(gives)} of the {initiated} messages you started gave something ({ins._pct(give_share)})"
    if key_people:
        summary4 += (f"; {len(covered)} of your {len(key_people)} core and active contacts received a give in "
                     f"the last {ins.COVERAGE_DAYS} days")
    sign4 = {"key": "no_value", "sign": ins.SIGNS["no_value"], "level": level4, "summary": summary4 + ".",
             "action": action4, "person_id": target4,
             "metrics": {"give_share": give_share, "gives": len(gives), "key_contacts": len(key_people),
                         "covered": len(covered), "coverage": coverage}}

    for s in (sign1, sign2, sign3, sign4):
        s["person_name"] = name(s["person_id"]) if s["person_id"] else ""
    return {"ready": True, "initiated": initiated, "needed": 0, "window": window, "headline": headline,
            "signs": [sign1, sign2, sign3, sign4], "per_contact": per_contact}


def reference_most_taken(asks: Counter, gives: Counter) -> int | None:
    """The person you asked most without giving back (asks minus gives), if any."""
    ranked = sorted(asks, key=lambda pid: (-(asks[pid] - gives.get(pid, 0)), -asks[pid], pid))
    return ranked[0] if ranked else None


def reference_people(db) -> dict[int, dict]:
    cadences = get_cadences(db)
    return {p["id"]: {"name": p["name"], "tier": p["tier"], "archived": bool(p["archived_at"]),
                      "cadence": cadence_for(p, cadences)}
            for p in rows(db, "select id, name, tier, cadence_days, archived_at from people")}


# --- Neglect and victories ------------------------------------------------------------------------


def reference_neglect(db, today: date, limit: int = 10) -> dict:
    """The article's neglect signs: people met and never followed up, past their cadence, channel variety."""
    conv = ",".join(f"'{c}'" for c in sorted(CONVERSATION_CHANNELS))
    natures = ",".join(f"'{n}'" for n in sorted(CONVERSATION_NATURES))
    met = rows(db, (
        "with met as (select person_id, max(day) as met_on from ("
        f"  select person_id, day from interactions where channel in ({conv}) or nature in ({natures})"
        "   union all select ep.person_id, e.day from event_people ep join events e on e.id = ep.event_id"
        ") group by person_id) "
        "select p.id as person_id, p.name, m.met_on, count(*) over () as total "
        "from met m join people p on p.id = m.person_id "
        "where p.archived_at is null and m.met_on <= ? and not exists (select 1 from interactions i "
        "  where i.person_id = m.person_id and i.direction = 'me' and (i.day > m.met_on or (i.day = m.met_on "
        "  and (i.nature = 'thank_you' or i.tags like '%thank_you%')))) "
        "order by m.met_on desc, p.name collate nocase limit ?"),
        [(today - timedelta(days=THANK_YOU_DAYS)).isoformat(), limit])
    met_count = met[0]["total"] if met else 0
    for m in met:
        m["days_ago"] = (today - date.fromisoformat(m["met_on"])).days
        del m["total"]
    # Most important tier first, then the longest overdue, then by name; counted and bounded in SQL.
    tier_rank = "case p.tier " + " ".join(f"when '{t}' then {i}" for t, i in ins.TIER_ORDER.items()) + " else 5 end"
    overdue = rows(db, (
        "select p.id as person_id, p.name, p.tier, f.due, count(*) over () as total "
        "from followups f join people p on p.id = f.person_id "
        "where f.reason = 'check_in' and f.status = 'open' and f.due < ? and p.archived_at is null "
        f"order by {tier_rank}, f.due, p.name limit ?"), [today.isoformat(), limit])
    overdue_count = overdue[0]["total"] if overdue else 0
    for o in overdue:
        o["days_overdue"] = (today - date.fromisoformat(o["due"])).days
        del o["total"]

    since = today - timedelta(days=ins.WINDOW - 1)
    by_channel = Counter()
    per_person: dict[int, Counter] = defaultdict(Counter)
    for r in rows(db, "select i.person_id, i.channel, p.name from interactions i join people p on p.id = i.person_id "
                      "where i.direction = 'me' and i.day between ? and ?", [since.isoformat(), today.isoformat()]):
        by_channel[r["channel"]] += 1
        per_person[(r["person_id"], r["name"])][ins.CHANNEL_GROUPS.get(r["channel"], "written")] += 1
    total = sum(by_channel.values())
    groups = Counter()
    for ch, n in by_channel.items():
        groups[ins.CHANNEL_GROUPS.get(ch, "written")] += n
    top, top_n = (by_channel.most_common(1)[0] if by_channel else ("", 0))
    top_share = top_n / total if total else None
    variety_flag = total >= ins.MIN_INITIATED and (top_share > 0.7 or len(groups) < 2)
    written_only = sorted(((pid, nm) for (pid, nm), c in per_person.items()
                           if c["written"] >= 2 and not c["voice"] and not c["in person"]),
                          key=lambda x: (-per_person[x]["written"], x[1]))
    if variety_flag and written_only:
        action = (f"Try a call or a coffee with {written_only[0][1]}: so far it has all been in writing. The article: "
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
        "variety_action": action, "variety_person_id": written_only[0][0] if variety_flag and written_only else None,
    }


def reference_victories(db, today: date) -> dict:
    """Small victories worth celebrating: budget streaks, people who moved up, thank-yous on time."""
    current, best = ins.streaks(ins.weekly_touches(db, today, weeks=26))
    since = today - timedelta(days=29)
    rank = {s: i for i, s in enumerate(STAGES)}
    moved = [m for m in rows(db, (
        "select s.person_id, p.name, s.day, s.from_stage, s.to_stage from stage_changes s "
        "join people p on p.id = s.person_id where s.day >= ? and p.archived_at is null "
        "order by s.day desc, s.id desc"), [since.isoformat()])
        if rank.get(m["to_stage"], 0) > rank.get(m["from_stage"], 0) and m["to_stage"] != "contacted"]
    start = today - timedelta(days=ins.WINDOW - 1)
    log = reference_touch_rows(db, start)  # what counts is in the window, and thanks come after what they thank for
    by_person: dict[int, list[dict]] = defaultdict(list)
    for t in log:
        by_person[t["person_id"]].append(t)
    conversations = on_time = 0
    for t in log:
        if not (start <= t["day"] <= today) or is_thank_you(t):
            continue
        if t["channel"] in CONVERSATION_CHANNELS or t["nature"] in CONVERSATION_NATURES:
            conversations += 1
            on_time += any(u["direction"] == "me" and is_thank_you(u)
                           and t["day"] <= u["day"] <= t["day"] + timedelta(days=THANK_YOU_DAYS)
                           for u in by_person[t["person_id"]])
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
                        f"{ins.WINDOW} days.")
    return {"streak": current, "best_streak": best, "moved_up": moved, "thank_yous_on_time": on_time,
            "conversations": conversations, "messages": messages}
