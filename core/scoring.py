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

NEUTRAL = 0.5  # a reciprocity component's neutral prior (§4.3): thin evidence shrinks toward it
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
    return (n * raw + k * NEUTRAL) / (n + k)


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
    """Score one relationship from its touches, its cadence and today's date, in the steps of SCORING.md §4.

    The touches' order does not matter here; `responded` is taken as given (see score_log for a raw log).
    """
    if cadence_days is None or cadence_days <= 0:
        raise ValueError("cadence_days must be a positive number of days")
    log = _newest_first(touches, today)
    if log is None:
        return Score(None, "not_in_touch", "low", "Not in touch yet.")  # §4.5.1
    C = float(cadence_days)
    R, d, d_rel = _recency(log, C)
    outgoing = [a for t, a in zip(log.touches, log.ages, strict=True) if t.direction == "me"]
    one_way = bool(outgoing) and not _two_way(log.touches)
    favours, replies = _follow_through(log), _reply_rate(log)
    initiation, initiated_share = _initiation(log)
    # The components with evidence (§4.5.2), in the order of the weights: the sums below add in this order.
    values = {name: v for name, v in (("R", R), ("B", _balance(log)), ("F", favours.value), ("Q", replies.value),
                                      ("I", initiation)) if v is not None}
    total_w, raw_score = _weighted_score(values)
    run, newest_unanswered = _unanswered_run(log)
    capped = run >= PARAMS["guardrail_run"]
    recency = _recency_status(d_rel, C)
    confidence = _confidence(log.ages)
    losses = {k: 100 * PARAMS["weights"][k] * (1 - values[k]) / total_w for k in values if k != "R"}
    value = _capped(raw_score, one_way, capped)
    reason = _explain(log, value=value, confidence=confidence, recency=recency, C=int(C), d=d, d_rel=d_rel,
                      losses=losses, values=values, capped=capped, run=run, one_way=len(outgoing) if one_way else 0,
                      favours=favours, replies=replies, initiated_share=initiated_share)
    return Score(value, _status(recency, capped, one_way, outgoing), confidence, reason,
                 {k: round(v, 4) for k, v in values.items()}, d, d_rel, run, _fading_alert(log, d),
                 newest_unanswered if capped else None)


@dataclass(frozen=True)
class _Touches:
    """One person's touches up to today, newest first, with what the rules read of each (§4.3): its age in
    days, its evidence weight ω = 2^(−age/half-life) and its recency credit (1, or less for an ask of yours
    and for their message you left unanswered)."""

    touches: list[Touch]
    ages: list[int]
    weights: list[float]
    credits: list[float]


def _newest_first(touches: Iterable[Touch], today: date) -> _Touches | None:
    """The touches up to today (None if there are none), newest first with a fixed order among touches of the
    same day, so the result never depends on the order the touches were given in."""
    items = sorted((t for t in touches if t.day <= today), key=_order, reverse=True)
    if not items:
        return None
    ages = [(today - t.day).days for t in items]
    return _Touches(items, ages, [_weight(a) for a in ages],
                    [_credit(t, a) for t, a in zip(items, ages, strict=True)])


def _recency(log: _Touches, C: float) -> tuple[float, int, int | None]:
    """R, the best credited touch on the Hill curve with its half-point at 2C (§4.3); d, the days since the
    last touch; d_rel, the days since the last non-ask touch (None: never): one that earned full credit, or a
    held conversation even when it was an ask (§4.8.3)."""
    R = max(c / (1.0 + (a / (2.0 * C)) ** 2) for c, a in zip(log.credits, log.ages, strict=True))
    full = [a for t, c, a in zip(log.touches, log.credits, log.ages, strict=True) if c >= 1.0 or t.conversation]
    return R, min(log.ages), min(full) if full else None


def _two_way(touches: list[Touch]) -> bool:
    """Two-way evidence (§4.8.2): anything from them, any reply, any conversation."""
    return any(t.direction == "them" or t.responded is True or t.conversation for t in touches)


def _balance(log: _Touches) -> float | None:
    """B, give/ask balance: min(1, 2G/(G+A)) over your ω-weighted gives G and asks A, shrunk (§4.3)."""
    G = sum(w for t, w in zip(log.touches, log.weights, strict=True) if t.direction == "me" and t.kind == "give")
    A = sum(w for t, w in zip(log.touches, log.weights, strict=True) if t.direction == "me" and t.kind == "ask")
    if G + A <= 0:
        return None
    return _shrink(G + A, min(1.0, 2 * G / (G + A)), PARAMS["shrink_k"]["B"])


@dataclass(frozen=True)
class _FollowThrough:
    """F and the facts the reason sentence may state about it."""

    value: float | None
    unthanked: list[tuple[Touch, int]]  # favours with no credit at all, newest first, with their ages
    thanked_48h: int
    help_events: int


def _follow_through(log: _Touches) -> _FollowThrough:
    """F, thank-you follow-through: the ω-weighted mean credit over the help you received (a give from them,
    or an ask of yours that they answered), shrunk (§4.3). Help younger than the full window is pending."""
    f_num = f_den = 0.0
    unthanked: list[tuple[Touch, int]] = []
    thanked_48h = help_events = 0
    for i, (t, a) in enumerate(zip(log.touches, log.ages, strict=True)):
        if not _is_help(t) or a < PARAMS["thank_you_full"]:
            continue
        credit = _thanks_credit(log, i)
        w = log.weights[i]
        f_num += w * credit
        f_den += w
        help_events += 1
        thanked_48h += credit == 1.0
        if credit == 0.0:
            unthanked.append((t, a))
    value = _shrink(f_den, f_num / f_den, PARAMS["shrink_k"]["F"]) if f_den > 0 else None
    return _FollowThrough(value, unthanked, thanked_48h, help_events)


def _is_help(t: Touch) -> bool:
    return (t.direction == "them" and t.kind == "give") or (t.direction == "me" and t.kind == "ask"
                                                            and t.responded is True)


def _thanks_credit(log: _Touches, i: int) -> float:
    """The credit for the help at position i, from your other touches from its day to 7 days after: a thank-you
    within 2 days earns 1; a later thank-you, or any non-ask touch within 7 days, earns 0.5; else 0."""
    a = log.ages[i]
    credit = 0.0
    for j, (other, oa) in enumerate(zip(log.touches, log.ages, strict=True)):
        gap = a - oa
        if j == i or other.direction != "me" or gap < 0 or gap > PARAMS["thank_you_half"]:
            continue
        if _is_thank_you(other) and gap <= PARAMS["thank_you_full"]:
            return 1.0
        if _is_thank_you(other) or other.kind != "ask":
            credit = 0.5
    return credit


@dataclass(frozen=True)
class _ReplyRate:
    """Q and the counts the reason sentence may state about it."""

    value: float | None
    replied: int  # messages answered
    counted: int  # messages whose outcome is known


def _reply_rate(log: _Touches) -> _ReplyRate:
    """Q, the ω-weighted share of messages answered, both ways, shrunk (§4.3): your gives (they expect no
    answer) and unknown outcomes are left out; an unanswered message counts once its reply window has passed."""
    q_num = q_den = 0.0
    q_yes = q_all = 0
    for t, a, w in zip(log.touches, log.ages, log.weights, strict=True):
        if t.direction == "me" and t.kind == "give":
            continue
        if t.responded is True or (t.responded is False and a >= PARAMS["reply_window"]):
            q_den += w
            q_all += 1
            if t.responded:
                q_num += w
                q_yes += 1
    value = _shrink(q_den, q_num / q_den, PARAMS["shrink_k"]["Q"]) if q_den > 0 else None
    return _ReplyRate(value, q_yes, q_all)


def _initiation(log: _Touches) -> tuple[float | None, float | None]:
    """I, initiation share: full credit once the other side starts 30% of threads, shrunk (§4.3); and the
    ω-weighted share you started. Touches of unknown direction are left out. (None, None) without any."""
    mine = sum(w for t, w in zip(log.touches, log.weights, strict=True) if t.direction == "me")
    theirs = sum(w for t, w in zip(log.touches, log.weights, strict=True) if t.direction == "them")
    if mine + theirs <= 0:
        return None, None
    s = theirs / (mine + theirs)
    raw = min(1.0, min(s, 1 - s) / PARAMS["initiation_full_share"])
    return _shrink(mine + theirs, raw, PARAMS["shrink_k"]["I"]), mine / (mine + theirs)


def _weighted_score(values: dict[str, float]) -> tuple[float, int]:
    """Σw over the components present, and round(100·Σw·v/Σw): the weights renormalised to them (§4.3)."""
    weights = PARAMS["weights"]
    total_w = sum(weights[k] for k in values)
    return total_w, round(100 * sum(weights[k] * v for k, v in values.items()) / total_w)


def _unanswered_run(log: _Touches) -> tuple[int, int | None]:
    """The guardrail's run (§4.8.4): your messages that went unanswered, newest first, until anything else
    (a touch from them, a message of yours answered); your gives and thank-yous, which ask for no answer, and
    messages still inside their reply window are stepped over. Also the age of the newest one in the run."""
    run = 0
    newest_unanswered = None
    for t, a in zip(log.touches, log.ages, strict=True):
        if t.direction == "me" and (t.kind == "give" or _is_thank_you(t)):
            continue
        if t.direction != "me":
            break
        if a < PARAMS["reply_window"] and t.responded is not True:
            continue
        if t.responded is not False:
            break
        run += 1
        if newest_unanswered is None:
            newest_unanswered = a
    return run, newest_unanswered


def _capped(raw_score: int, one_way: bool, capped: bool) -> int:
    """The score under its caps: one-way (§4.8.2), then the guardrail (§4.8.4)."""
    value = min(raw_score, PARAMS["one_way_cap"]) if one_way else raw_score
    return min(value, PARAMS["guardrail_cap"]) if capped else value


# The recency status by r = d_rel / C (§4.4), the first limit r exceeds; on track under all of them. Dormant
# (r > dormant_ratio, d_rel > dormant_days, or no non-ask touch ever) comes first.
RECENCY_STEPS = ((2, "fading"), (1, "overdue"), (0.75, "due_soon"))


def _recency_status(d_rel: int | None, C: float) -> str:
    if d_rel is None:
        return "dormant"
    r = d_rel / C
    if r > PARAMS["dormant_ratio"] or d_rel > PARAMS["dormant_days"]:
        return "dormant"
    for limit, status in RECENCY_STEPS:
        if r > limit:
            return status
    return "on_track"


def _status(recency: str, capped: bool, one_way: bool, outgoing: list[int]) -> str:
    """The status shown: the guardrail's (§4.8.4), else one-way's while nobody has answered, awaiting a reply
    while the newest message is inside its window (§4.8.2), else the recency status."""
    if capped:
        return "unanswered"
    if one_way:
        return "awaiting_reply" if min(outgoing) < PARAMS["reply_window"] else "one_way"
    return recency


def _confidence(ages: list[int]) -> str:
    """By the touches of the last 365 days (§4.5.5): low under 3, medium under 6, else high."""
    recent = sum(1 for a in ages if a <= 365)
    return "low" if recent < 3 else "medium" if recent < 6 else "high"


def _fading_alert(log: _Touches, d: int) -> bool:
    """The secondary alert (§4.5.7): silence much longer than this tie's own rhythm (needs 3 gaps)."""
    days_sorted = sorted({t.day for t in log.touches})
    gaps = [(b - a).days for a, b in itertools.pairwise(days_sorted)]
    return len(gaps) >= 3 and d > PARAMS["fading_gap_multiple"] * median(gaps)


def messages_from_you(n: int) -> str:
    """The one-way clause (§4.8.2): "1 message from you, no reply yet"."""
    return f"{n} message{'' if n == 1 else 's'} from you, no reply yet"


def unanswered_clause(run: int) -> str:
    """The guardrail's clause (§4.4, §4.8.4)."""
    return f"unanswered ×{run}: your last {run} messages went unanswered — pause and offer value"


def _explain(log: _Touches, *, value: int, confidence: str, recency: str, C: int, d: int, d_rel: int | None,
             losses: dict[str, float], values: dict[str, float], capped: bool, run: int, one_way: int, favours: _FollowThrough,
             replies: _ReplyRate, initiated_share: float | None) -> str:
    """The reason sentence (§4.6): the facts it states, worked out from the log, as the row that
    reason_sentences() writes. `one_way` is the number of your messages when the tie is one-way, else 0."""
    pending_age, pending_what = (-1, 0) if capped or one_way else _pending_thank_you(favours.unthanked)
    asks, gives = _asks_and_gives(log)
    worst = max(losses, key=losses.get) if losses else None
    ignored = _ignored(log.touches) if worst == "Q" else 0
    started = round(100 * initiated_share) if worst == "I" else 0
    return reason_sentences([(
        value, confidence, d, -1 if d_rel is None else d_rel, STATUS_CODES.index(recency), C,
        d if _last_was_ask(log, d) else -1, capped, run, one_way, pending_age, pending_what, asks, gives,
        -1 if worst is None else WORST_CODES.index(worst), worst is not None and values[worst] < NEUTRAL,
        favours.thanked_48h, favours.help_events, replies.replied, replies.counted, ignored, started)])[0]


def _pending_thank_you(unthanked: list[tuple[Touch, int]]) -> tuple[int, int]:
    """The newest help whose thank-you is overdue right now (the most actionable thing to say), as its age
    and what it was (an index of PENDING_WHAT); (-1, 0) when there is none."""
    waiting = [(t, a) for t, a in unthanked if a <= PARAMS["thank_you_half"]]
    if not waiting:
        return -1, 0
    t, a = waiting[0]
    if "informational_interview" in t.tags:
        return a, PENDING_WHAT.index("your informational interview")
    return a, PENDING_WHAT.index("their help" if t.direction == "them" else "their answer")


def _asks_and_gives(log: _Touches) -> tuple[int, int]:
    """How many asks and gives of yours in the last 12 months (plain counts, for clause B)."""
    year = [t for t, a in zip(log.touches, log.ages, strict=True) if a <= 365 and t.direction == "me"]
    return sum(1 for t in year if t.kind == "ask"), sum(1 for t in year if t.kind == "give")


def _ignored(touches: list[Touch]) -> int:
    """Of their newest touches (before anything else, newest first), how many you left unanswered."""
    ignored = 0
    for t in touches:
        if t.direction != "them":
            break
        ignored += t.responded is False
    return ignored


def _last_was_ask(log: _Touches, d: int) -> bool:
    """Whether an ask of yours is among the newest touches (those d days old)."""
    return any(t.direction == "me" and t.kind == "ask" for t, a in zip(log.touches, log.ages, strict=True) if a == d)


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
    conversations you started, in percent. One loop, the common parts of a sentence cached, and calls only
    for the less common clauses: at 30,000 people this is most of the bulk scorer's Python time.
    """
    out: list[str] = []
    append = out.append
    full_days = PARAMS["thank_you_full"]
    overdue = STATUS_CODES.index("overdue")
    details: dict[tuple[int, int], str] = {}
    whens: dict[int, str] = {}
    for (value, conf, d, d_rel, recency, C, last_ask, capped, run, one_way, pending_age, pending_what, asks, gives,
         worst, below, thanked_48h, help_events, q_yes, q_all, ignored, started) in rows:
        when = whens.get(d)
        if when is None:
            when = whens[d] = "today" if d == 0 else f"{_days(d)} ago"
        if last_ask == d:
            when += _newest_was_an_ask(d, d_rel)
        if recency == overdue:
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
            tail += _below_neutral_clause(worst, asks, gives, thanked_48h, help_events, q_yes, q_all, ignored, started)
        elif asks or gives:
            tail += f"; you gave {gives}× and asked {asks}× in the last 12 months"
        append(f"Score {shown}: last touch {when} ({detail}){tail}.")
    return out


def _newest_was_an_ask(d: int, d_rel: int) -> str:
    """What follows "last touch N days ago" when that touch was an ask of yours (§4.6)."""
    if d_rel < 0:
        return " was an ask; no touch yet that wasn't an ask"
    return "" if d_rel == d else f" was an ask; last no-ask touch {d_rel}d ago"


def _below_neutral_clause(worst: int, asks: int, gives: int, thanked_48h: int, help_events: int, q_yes: int,
                          q_all: int, ignored: int, started: int) -> str:
    """The clause for the reciprocity component that costs the most (§4.6), when it is below its neutral prior."""
    name = WORST_CODES[worst]
    if name == "B":
        return f"; you asked {asks}× and gave {gives}× in the last 12 months"
    if name == "F":
        return f"; {thanked_48h}/{help_events} favors thanked within 48h"
    if name == "Q":
        if ignored >= 2:
            return f"; you haven't replied to their last {ignored} messages"
        return f"; they replied to {q_yes}/{q_all}"
    return f"; you started {started}% of conversations"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"
