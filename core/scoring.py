"""The relationship score (SCORING.md §4): recency against cadence plus reciprocity, explained.

Pure: no database, no clock. Every parameter lives in PARAMS so it can be tuned in one place.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from core.vocab import REPLY_WINDOW_DAYS, THANK_YOU_DAYS

PARAMS = {
    "weights": {"R": 0.50, "B": 0.20, "F": 0.15, "Q": 0.10, "I": 0.05},
    "shrink_k": {"B": 2.0, "Q": 2.0, "I": 4.0, "F": 1.0},
    "evidence_half_life": 180.0,
    "ask_credit": 0.6,
    "unanswered_inbound_credit": 0.3,
    "inbound_reply_window": 2,  # days an inbound message keeps full credit while unanswered
    "reply_window": REPLY_WINDOW_DAYS,
    "thank_you_full": THANK_YOU_DAYS,
    "thank_you_half": 7,
    "initiation_full_share": 0.3,
    "guardrail_run": 3,
    "guardrail_cap": 45,
    "one_way_cap": 40,  # §4.8.2: nobody has answered yet
    "dormant_ratio": 8.0,
    "dormant_days": 1095,
    "fading_gap_multiple": 3.0,
}

STATUSES = ("not_in_touch", "on_track", "due_soon", "overdue", "fading", "dormant", "awaiting_reply", "one_way",
            "unanswered")
STATUS_LABELS = {
    "not_in_touch": "not in touch yet",
    "on_track": "on track",
    "due_soon": "due soon",
    "overdue": "overdue",
    "fading": "fading",
    "dormant": "dormant, a reconnect candidate",
    "awaiting_reply": "awaiting a reply",
    "one_way": "no reply yet",
    "unanswered": "unanswered: pause and offer value",
}


@dataclass(frozen=True)
class Touch:
    """One interaction as the score sees it.

    direction: who started it (me, them, unknown); kind: give, ask or neutral;
    responded: whether the other side replied (None when unknown); tags: e.g. thank_you;
    conversation: a held conversation (a call, a meeting, an informational interview: core.vocab.is_conversation)
    rather than a message (SCORING.md §4.8.1).
    """

    day: date
    direction: str
    kind: str
    responded: bool | None = None
    tags: frozenset[str] = frozenset()
    conversation: bool = False


@dataclass(frozen=True)
class Score:
    value: int | None
    status: str
    confidence: str
    reason: str
    components: dict[str, float] = field(default_factory=dict)
    days_since: int | None = None
    days_since_real: int | None = None
    unanswered_run: int = 0
    fading_alert: bool = False
    # Days since the newest message counted in the unanswered run (None when there is no run).
    newest_unanswered: int | None = None

    @property
    def display(self) -> str:
        """The value as shown: '~62' at low confidence, '—' with no touches."""
        if self.value is None:
            return "—"
        return f"~{self.value}" if self.confidence == "low" else str(self.value)


def label(value: int | None, status: str | None, confidence: str | None) -> str:
    """The word shown beside a score: "new" while the evidence is thin (low confidence, §4.8.5), never a band
    word then; otherwise its band (thriving ... dormant). "not in touch yet" when there is no score."""
    if value is None or status == "not_in_touch":
        return STATUS_LABELS["not_in_touch"]
    if confidence == "low":
        return "new"
    return band(value)


def band(value: int | None) -> str:
    """The band a score falls in: thriving, warm, cooling, cold, dormant (or none)."""
    if value is None:
        return "none"
    if value >= 80:
        return "thriving"
    if value >= 60:
        return "warm"
    if value >= 40:
        return "cooling"
    if value >= 20:
        return "cold"
    return "dormant"


BANDS = ("thriving", "warm", "cooling", "cold", "dormant", "none")


def _weight(age: int) -> float:
    return 2.0 ** (-age / PARAMS["evidence_half_life"])


def _shrink(n: float, raw: float, k: float) -> float:
    return (n * raw + k * 0.5) / (n + k)


def _credit(t: Touch, age: int) -> float:
    if t.direction == "me" and t.kind == "ask":
        return PARAMS["ask_credit"]
    if t.direction == "them" and t.responded is False and age > PARAMS["inbound_reply_window"]:
        return PARAMS["unanswered_inbound_credit"]
    return 1.0


def _order(t: Touch) -> tuple:
    return (t.day, t.direction, t.kind, t.responded is True, t.responded is False, tuple(sorted(t.tags)))


def _is_thank_you(t: Touch) -> bool:
    return "thank_you" in t.tags


def infer_replies(touches: Iterable[Touch], today: date) -> list[Touch]:
    """The touches with each unknown reply read from the log itself (SCORING.md §4.8.1).

    `touches` are one person's touches in LOG ORDER (the order they were logged: interaction id order),
    which decides what "later the same day" means. A `responded` set explicitly is kept as it is.
    Otherwise, for touches up to today (later ones are left alone, and answer nothing):
    - a conversation (Touch.conversation) is two-way by nature: True;
    - a message of yours (from you, not a conversation, not a give) is answered (True) when a touch from
      them follows it: later the same day, or on any of the REPLY_WINDOW_DAYS days after; with none, it is
      unanswered (False) once it is REPLY_WINDOW_DAYS days old, and pending (None) before that;
    - a message from them is answered the same way by any touch from you;
    - a give or a thank-you from you (neither asks for an answer), or a touch of unknown direction, stays
      unknown.
    Returns a new list in the same order; the input is not changed.
    """
    log = list(touches)
    window = PARAMS["reply_window"]
    theirs: list[tuple[date, int]] = []
    mine: list[tuple[date, int]] = []
    for i, t in enumerate(log):
        if t.day <= today:
            if t.direction == "them":
                theirs.append((t.day, i))
            elif t.direction == "me":
                mine.append((t.day, i))
    theirs.sort()
    mine.sort()
    out = []
    for i, t in enumerate(log):
        if t.responded is not None or t.day > today:
            out.append(t)
            continue
        if t.conversation:
            responded = True
        else:
            if t.direction == "me" and t.kind != "give" and not _is_thank_you(t):
                answers = theirs
            elif t.direction == "them":
                answers = mine
            else:
                out.append(t)
                continue
            j = bisect_right(answers, (t.day, i))  # the first touch from the other side after this one
            if j < len(answers) and (answers[j][0] - t.day).days <= window:
                responded = True
            elif (today - t.day).days >= window:
                responded = False
            else:
                out.append(t)  # still inside its reply window
                continue
        out.append(Touch(t.day, t.direction, t.kind, responded, t.tags, t.conversation))
    return out


def score_log(touches: Iterable[Touch], cadence_days: int, today: date) -> Score:
    """Score one relationship from its log as stored: replies inferred first (§4.8.1), then score().

    `touches` in log order (interaction id order). Every caller that scores a person's log uses this.
    """
    return score(infer_replies(touches, today), cadence_days, today)


def score(touches: Iterable[Touch], cadence_days: int, today: date) -> Score:
    """Score one relationship from its touches, its cadence and today's date.

    The touches' order does not matter here; `responded` is taken as given (see score_log for a raw log).
    """
    if cadence_days is None or cadence_days <= 0:
        raise ValueError("cadence_days must be a positive number of days")
    C = float(cadence_days)
    # Newest first, with a fixed order among touches of the same day, so the result never
    # depends on the order the touches were given in.
    items = sorted((t for t in touches if t.day <= today), key=_order, reverse=True)
    if not items:
        return Score(None, "not_in_touch", "low", "Not in touch yet.")

    ages = [(today - t.day).days for t in items]
    omegas = [_weight(a) for a in ages]
    credits = [_credit(t, a) for t, a in zip(items, ages, strict=True)]

    # R: recency against cadence, on the Hill curve with its half-point at 2C.
    R = max(c / (1.0 + (a / (2.0 * C)) ** 2) for c, a in zip(credits, ages, strict=True))
    d = min(ages)
    # A held conversation is a non-ask touch for the status even when it was an ask (§4.8.3).
    full = [a for t, c, a in zip(items, credits, ages, strict=True) if c >= 1.0 or t.conversation]
    d_rel = min(full) if full else None

    # Two-way evidence (§4.8.2): anything from them, any reply, any conversation.
    outgoing = [a for t, a in zip(items, ages, strict=True) if t.direction == "me"]
    two_way = any(t.direction == "them" or t.responded is True or t.conversation for t in items)
    one_way = bool(outgoing) and not two_way

    comps: dict[str, tuple[float, float]] = {}  # name -> (n, v)

    # B: give/ask balance over your own gives and asks.
    G = sum(w for t, w in zip(items, omegas, strict=True) if t.direction == "me" and t.kind == "give")
    A = sum(w for t, w in zip(items, omegas, strict=True) if t.direction == "me" and t.kind == "ask")
    if G + A > 0:
        comps["B"] = (G + A, _shrink(G + A, min(1.0, 2 * G / (G + A)), PARAMS["shrink_k"]["B"]))

    # F: thank-you follow-through after help you received.
    f_num = f_den = 0.0
    unthanked: list[tuple[Touch, int]] = []
    thanked_48h = help_events = 0
    for i, (t, a) in enumerate(zip(items, ages, strict=True)):
        is_help = (t.direction == "them" and t.kind == "give") or (
            t.direction == "me" and t.kind == "ask" and t.responded is True
        )
        if not is_help or a < PARAMS["thank_you_full"]:
            continue
        # Your other touches from the help's day to 7 days after: a thank-you within 2 days earns
        # full credit; a later thank-you or any non-ask touch within 7 days earns half.
        credit = 0.0
        for j, (other, oa) in enumerate(zip(items, ages, strict=True)):
            gap = a - oa
            if j == i or other.direction != "me" or gap < 0 or gap > PARAMS["thank_you_half"]:
                continue
            if _is_thank_you(other) and gap <= PARAMS["thank_you_full"]:
                credit = 1.0
                break
            if _is_thank_you(other) or other.kind != "ask":
                credit = 0.5
        w = omegas[i]
        f_num += w * credit
        f_den += w
        help_events += 1
        thanked_48h += credit == 1.0
        if credit == 0.0:
            unthanked.append((t, a))
    if f_den > 0:
        comps["F"] = (f_den, _shrink(f_den, f_num / f_den, PARAMS["shrink_k"]["F"]))

    # Q: reply rate, both directions, excluding your gives and unknown outcomes.
    q_num = q_den = 0.0
    q_yes = q_all = 0
    for t, a, w in zip(items, ages, omegas, strict=True):
        if t.direction == "me" and t.kind == "give":
            continue
        if t.responded is True or (t.responded is False and a >= PARAMS["reply_window"]):
            q_den += w
            q_all += 1
            if t.responded:
                q_num += w
                q_yes += 1
    if q_den > 0:
        comps["Q"] = (q_den, _shrink(q_den, q_num / q_den, PARAMS["shrink_k"]["Q"]))

    # I: initiation share; full credit once the other side starts 30% of threads.
    mine = sum(w for t, w in zip(items, omegas, strict=True) if t.direction == "me")
    theirs = sum(w for t, w in zip(items, omegas, strict=True) if t.direction == "them")
    if mine + theirs > 0:
        s = theirs / (mine + theirs)
        raw = min(1.0, min(s, 1 - s) / PARAMS["initiation_full_share"])
        comps["I"] = (mine + theirs, _shrink(mine + theirs, raw, PARAMS["shrink_k"]["I"]))

    weights = PARAMS["weights"]
    values = {"R": R, **{k: v for k, (_, v) in comps.items()}}
    total_w = sum(weights[k] for k in values)
    raw_score = round(100 * sum(weights[k] * v for k, v in values.items()) / total_w)

    # Guardrail: a run of your own unanswered messages caps the score.
    run = 0
    newest_unanswered = None
    for t, a in zip(items, ages, strict=True):
        if t.direction == "me" and (t.kind == "give" or _is_thank_you(t)):
            continue  # neither a give nor a thank-you asks for an answer
        if t.direction != "me":
            break
        if a < PARAMS["reply_window"] and t.responded is not True:
            continue  # still inside its reply window
        if t.responded is False:
            run += 1
            if newest_unanswered is None:
                newest_unanswered = a
        else:
            break
    capped = run >= PARAMS["guardrail_run"]
    value = min(raw_score, PARAMS["one_way_cap"]) if one_way else raw_score
    value = min(value, PARAMS["guardrail_cap"]) if capped else value

    # Recency status from the last non-ask touch (one that earned full credit, or a conversation).
    if d_rel is None:
        recency = "dormant"
    else:
        r = d_rel / C
        if r > PARAMS["dormant_ratio"] or d_rel > PARAMS["dormant_days"]:
            recency = "dormant"
        elif r > 2:
            recency = "fading"
        elif r > 1:
            recency = "overdue"
        elif r > 0.75:
            recency = "due_soon"
        else:
            recency = "on_track"
    if capped:
        status = "unanswered"
    elif one_way:
        status = "awaiting_reply" if min(outgoing) < PARAMS["reply_window"] else "one_way"
    else:
        status = recency

    recent = sum(1 for a in ages if a <= 365)
    confidence = "low" if recent < 3 else "medium" if recent < 6 else "high"

    # Secondary alert: silence much longer than this tie's own rhythm.
    days_sorted = sorted({t.day for t in items})
    gaps = [(b - a).days for a, b in itertools.pairwise(days_sorted)]
    fading_alert = len(gaps) >= 3 and d > PARAMS["fading_gap_multiple"] * median(gaps)

    losses = {k: 100 * weights[k] * (1 - values[k]) / total_w for k in values if k != "R"}
    reason = _explain(
        items=items, ages=ages, value=value, confidence=confidence, status=recency, C=int(C), d=d,
        d_rel=d_rel, losses=losses, capped=capped, run=run, unthanked=unthanked,
        thanked_48h=thanked_48h, help_events=help_events, q_yes=q_yes, q_all=q_all,
        initiated_share=(mine / (mine + theirs)) if mine + theirs else None,
        one_way=len(outgoing) if one_way else 0,
    )
    components = {k: round(v, 4) for k, v in values.items()}
    return Score(value, status, confidence, reason, components, d, d_rel, run, fading_alert,
                 newest_unanswered if capped else None)


def messages_from_you(n: int) -> str:
    """The one-way clause (§4.8.2): "1 message from you, no reply yet"."""
    return f"{n} message{'' if n == 1 else 's'} from you, no reply yet"


def unanswered_clause(run: int) -> str:
    """The guardrail's clause (§4.4, §4.8.4)."""
    return f"unanswered ×{run}: your last {run} messages went unanswered — pause and offer value"


def _explain(*, items, ages, value, confidence, status, C, d, d_rel, losses, capped, run, unthanked,
             thanked_48h, help_events, q_yes, q_all, initiated_share, one_way) -> str:
    """The facts the reason sentence states, worked out from the log; reason_sentences() writes it."""
    last_day_ask = any(t.direction == "me" and t.kind == "ask" for t, a in zip(items, ages, strict=True) if a == d)
    pending = None
    if not capped and not one_way:
        # A thank-you that is overdue right now is the most actionable thing to say.
        waiting = [(t, a) for t, a in unthanked if a <= PARAMS["thank_you_half"]]
        if waiting:
            t, a = waiting[0]
            pending = (PENDING_WHAT.index("your informational interview") if "informational_interview" in t.tags
                       else PENDING_WHAT.index("their help" if t.direction == "them" else "their answer"), a)
    year = [(t, a) for t, a in zip(items, ages, strict=True) if a <= 365 and t.direction == "me"]
    asks = sum(1 for t, _ in year if t.kind == "ask")
    gives = sum(1 for t, _ in year if t.kind == "give")
    worst = max(losses, key=losses.get) if losses else None
    ignored = 0
    if worst == "Q":
        for t in items:
            if t.direction != "them":
                break
            ignored += t.responded is False
    started = round(100 * initiated_share) if worst == "I" else 0
    return reason_sentences([(
        value, confidence, d, -1 if d_rel is None else d_rel, STATUS_CODES.index(status), C, d if last_day_ask else -1,
        capped, run, one_way, -1 if pending is None else pending[1], 0 if pending is None else pending[0], asks,
        gives, -1 if worst is None else WORST_CODES.index(worst),
        worst is not None and values_below_neutral(losses, worst), thanked_48h, help_events, q_yes, q_all, ignored,
        started)])[0]


STATUS_CODES = ("on_track", "due_soon", "overdue", "fading", "dormant", "awaiting_reply", "one_way", "unanswered")
WORST_CODES = ("B", "F", "Q", "I")  # the reciprocity component that costs the most, as a code
PENDING_WHAT = ("their answer", "their help", "your informational interview")


def reason_sentences(rows: Iterable[tuple]) -> list[str]:
    """The sentence under each score, written here only: score() passes one row, the bulk scorer everyone's.

    A row is codes, not objects, in the bulk scorer's column order, so it passes its columns as they are:
    (value, confidence, d, d_rel, recency, cadence, last_ask, capped, run, one_way, pending_age, pending_what,
    asks, gives, worst, below, thanked_48h, help_events, q_yes, q_all, ignored, started). d_rel is -1 when no
    touch was not an ask; recency an index of STATUS_CODES; last_ask the age of the newest ask (-1: none);
    pending_age -1 when no thank-you is waiting, else its age, and pending_what an index of PENDING_WHAT;
    worst -1 or an index of WORST_CODES, below when it is under its neutral prior; started the share of
    conversations you started, in percent. One loop with no call per person: at 30,000 people this is most
    of the bulk scorer's Python time.
    """
    out: list[str] = []
    append = out.append
    full_days = PARAMS["thank_you_full"]
    details: dict[tuple[int, int], str] = {}
    whens: dict[int, str] = {}
    for (value, conf, d, d_rel, recency, C, last_ask, capped, run, one_way, pending_age, pending_what, asks, gives,
         worst, below, thanked_48h, help_events, q_yes, q_all, ignored, started) in rows:
        when = whens.get(d)
        if when is None:
            when = whens[d] = "today" if d == 0 else f"{_days(d)} ago"
        if d_rel < 0:
            if last_ask == d:
                when += " was an ask; no touch yet that wasn't an ask"
        elif d_rel != d and last_ask == d:
            when += f" was an ask; last no-ask touch {d_rel}d ago"
        if recency == 2:
            detail = f"cadence {C}d, overdue by {d_rel - C}d"
        else:
            detail = details.get((C, recency))
            if detail is None:
                detail = details[C, recency] = f"cadence {C}d, {STATUS_LABELS[STATUS_CODES[recency]]}"
        shown = f"~{value}" if conf == "low" else value
        if capped or one_way:
            clause = unanswered_clause(run) if capped else messages_from_you(one_way)
            append(f"Score {shown}: last touch {when} ({detail}); {clause}.")
            continue
        tail = ""
        if pending_age >= 0:
            tail = f"; thank-you for {PENDING_WHAT[pending_what]} is {pending_age - full_days}d overdue"
        if worst < 0:
            pass
        elif below:
            if worst == 0:
                tail += f"; you asked {asks}× and gave {gives}× in the last 12 months"
            elif worst == 1:
                tail += f"; {thanked_48h}/{help_events} favors thanked within 48h"
            elif worst == 2:
                tail += (f"; you haven't replied to their last {ignored} messages" if ignored >= 2
                         else f"; they replied to {q_yes}/{q_all}")
            else:
                tail += f"; you started {started}% of conversations"
        elif asks or gives:
            tail += f"; you gave {gives}× and asked {asks}× in the last 12 months"
        append(f"Score {shown}: last touch {when} ({detail}){tail}.")
    return out


def values_below_neutral(losses: dict[str, float], worst: str) -> bool:
    """True when the worst reciprocity component is below its neutral prior (v < 0.5)."""
    w = PARAMS["weights"][worst]
    total = sum(PARAMS["weights"][k] for k in losses) + PARAMS["weights"]["R"]
    return losses[worst] > 100 * w * 0.5 / total


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"
