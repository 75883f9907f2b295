"""Scores for thousands of people at once: the same result as core.scoring.score(), computed with numpy.

score() walks one person's touches in Python; at LinkedIn's cap (30,000 people, 300,000 touches)
that takes seconds. Here every touch of every person is one element of a few numpy arrays, sorted
by person and then exactly as score() sorts touches (newest first, ties broken the same way). Each
weighted sum is taken with np.bincount, which adds in array order, so the floats are the very ones
score()'s left-to-right sum() produces (on Python 3.11; 3.12's compensated sum() may differ in the
last bit). Values that score() gets from pow() (evidence weights, the Hill curve) are computed by
score()'s own Python expressions, once per distinct input. The result is the same value, status,
confidence and reason sentence, and a test holds the two to that on random logs. Replies are inferred
first, as core.scoring.score_log() does (SCORING.md §4.8.1): the arrays come in log order (interaction id
order) within each person, and the inference runs on them before anything is sorted.

Rare cases that would need the full tag set or odd data (a direction or kind outside the vocabulary,
tags that are not a JSON list, two unthanked favours tied at the top of the list) are scored by
score() itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import compress

import numpy as np
from sqlite_utils import Database

from core import days as day_numbers
from core import scoring
from core.db import chunks, evidence_sql, placeholders
from core.scoring import NEUTRAL, PARAMS, RECENCY_STEPS, STATUS_CODES, WORST_CODES, Touch, reason_sentences
from core.vocab import is_conversation

DIRECTIONS = {"me": 0, "them": 1, "unknown": 2}  # score() sorts these names: me < them < unknown
KINDS = {"ask": 0, "give": 1, "neutral": 2}  # ask < give < neutral
ODD = 3  # a direction or kind score() would treat by its name: leave that person to score()
THANKS, INFO, ODD_TAGS = 1, 2, 4  # tag bits: thank_you, informational_interview, unreadable tags
CONVERSATION = 8
NO_TOUCH = (None, "not_in_touch", "low", "Not in touch yet.", None)
SHIFT_PERSON, SHIFT_DAY = 32, 10  # the packed evidence: person << 32 | the evidence column (its day << 10)


def fetch_evidence(db: Database, person_ids: Sequence[int] | None = None) -> np.ndarray:
    """Every touch (of these people, or of everyone) as one packed integer, read in a single pass.

    person_id << 32 | the touch's `evidence` column (see core.db.evidence_sql; computed here should a
    row lack it), whose day evidence_days() reads. Joining the integers into one text that numpy parses
    spares a Python object per row.
    In id order, so each person's touches come in the order they were logged (reply inference needs it).
    """
    code = f"(person_id << {SHIFT_PERSON}) | coalesce(evidence, {evidence_sql()})"
    sql = f"select group_concat(code) from (select {code} as code from interactions"
    if person_ids is None:
        # A scan of the table itself (never an index) reads it in rowid order, which is id order; an ORDER BY
        # here would cost a co-routine (76 -> 97 ms at 350,000 touches) for the same rows.
        return _parse(db.execute(sql + " not indexed)").fetchone()[0])
    # A subquery with ORDER BY is not flattened into the aggregate: group_concat reads it in that order.
    ids = list(person_ids)
    parts = [_parse(db.execute(f"{sql} where person_id in ({placeholders(chunk)}) order by id)",
                               chunk).fetchone()[0])
             for chunk in chunks(ids)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def evidence_days(packed: np.ndarray) -> np.ndarray:
    """The day of each packed touch (fetch_evidence) as its number (core.days: the ordinal); 0 for a day
    SQLite could not read. The one place the column's julian day is read."""
    return day_numbers.from_julian((packed >> SHIFT_DAY) & ((1 << (SHIFT_PERSON - SHIFT_DAY)) - 1))


def _parse(joined: str | None) -> np.ndarray:
    if not joined:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",")


def score_people(db: Database, today: date, person_ids: Sequence[int], cadences: Sequence[int],
                 everyone: bool = False) -> tuple[list[tuple], list[int]]:
    """Score these people from the database; cadences[i] is person_ids[i]'s cadence in days.

    Returns the results in the same order, and the positions that score() must handle instead
    (their entries in the results are None). everyone=True reads the whole interactions table in
    one pass instead of looking the people up.
    """
    idx, day, *codes = _evidence(db, person_ids, everyone)
    results, fallback = score_arrays(idx, day_numbers.number(today) - day, *codes, cadences)
    return results, [int(i) for i in np.flatnonzero(fallback)]


def values_on(db: Database, days: Sequence[date], person_ids: Sequence[int], cadences: Sequence[int],
              everyone: bool = False) -> dict[date, list[int | None]]:
    """Each person's score value as it stood on each of these days (later touches ignored).

    The same as score_log(touches, cadences[i], day).value for every person and day, with the log read
    once: for charts of how relationships moved over time. None where someone had no touch yet.
    """
    idx, day, *codes = _evidence(db, person_ids, everyone)
    out: dict[date, list[int | None]] = {}
    for when in days:
        values, fallback = score_arrays(idx, day_numbers.number(when) - day, *codes, cadences, reasons=False)
        hard = np.flatnonzero(fallback).tolist()
        if hard:
            touches = touches_of(db, [person_ids[i] for i in hard])
            for i in hard:
                values[i] = scoring.score_log(touches.get(person_ids[i], []), cadences[i], when).value
        out[when] = values
    return out


def touches_of(db: Database, person_ids: Sequence[int]) -> dict[int, list[Touch]]:
    """These people's touches as score_log() takes them, by person, each in log order (interaction id)."""
    touches: dict[int, list[Touch]] = {}
    ids = list(person_ids)
    for chunk in chunks(ids):
        cur = db.execute(
            "select person_id, day, channel, direction, kind, nature, responded, tags from interactions "
            f"where person_id in ({placeholders(chunk)}) order by id", chunk)
        for pid, day, channel, direction, kind, nature, responded, tags in cur:
            tagset = frozenset(json.loads(tags)) if tags and tags != "[]" else frozenset()
            if nature:
                tagset = tagset | {nature}
            touches.setdefault(pid, []).append(
                Touch(date.fromisoformat(day), direction, kind or "neutral",
                      None if responded is None else bool(responded), tagset, is_conversation(channel, nature)))
    return touches


def _evidence(db: Database, person_ids: Sequence[int], everyone: bool) -> tuple[np.ndarray, ...]:
    """The touches of these people as arrays: person position, day number (core.days), direction, kind, reply,
    tags."""
    ids = np.asarray(person_ids, dtype=np.int64)
    packed = fetch_evidence(db, None if everyone else person_ids)
    pid = packed >> SHIFT_PERSON
    top = max(int(ids.max()) if len(ids) else 0, int(pid.max()) if len(pid) else 0)
    if len(ids) and int(ids.min()) >= 0 and (len(pid) == 0 or int(pid.min()) >= 0) and top <= 4 * len(ids) + 100_000:
        # Ids are dense: a table from id to position is one lookup per touch (2 ms where sorting and
        # searching took 19 ms at 30,000 people). The first position of an id given twice wins, as below.
        where = np.full(top + 1, -1, dtype=np.int64)
        where[ids[::-1]] = np.arange(len(ids) - 1, -1, -1, dtype=np.int64)
        idx = where[pid]
        known = idx >= 0
        if not known.all():
            packed, idx = packed[known], idx[known]
    else:
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        where = np.searchsorted(sorted_ids, pid)
        where = np.minimum(where, max(len(ids) - 1, 0))
        known = (sorted_ids[where] == pid) if len(ids) else np.zeros(len(pid), dtype=bool)
        packed, idx = packed[known], order[where[known]]
    day = evidence_days(packed)
    tags = packed & 15  # THANKS | INFO | ODD_TAGS | CONVERSATION
    tags[day == 0] |= ODD_TAGS  # a day SQLite could not read: score() will say what is wrong
    return idx, day, (packed >> 8) & 3, (packed >> 6) & 3, (packed >> 4) & 3, tags


def _infer_replies(idx: np.ndarray, age: np.ndarray, dirc: np.ndarray, kindc: np.ndarray, respc: np.ndarray,
                   conv: np.ndarray, keep: np.ndarray, fallback: np.ndarray, thanks: np.ndarray) -> np.ndarray:
    """core.scoring.infer_replies() on arrays: the reply codes with each unknown one inferred from the log.

    Each person's touches are in log order in the arrays. A touch's time is (person, day, position in the
    arrays), packed in one integer and sorted once; a message is answered when the other side's next touch
    is at most reply_window days later. People whose keys would not fit in 64 bits are left to score() (`fallback`)."""
    window = PARAMS["reply_window"]
    unknown = keep & (respc == 0)
    if not unknown.any():
        return respc
    resp = respc.copy()
    resp[unknown & conv] = 1
    me, them = dirc == 0, dirc == 1
    # Messages: not a conversation, nor a give or a thank-you of yours (neither asks for an answer).
    waiting = unknown & ~conv & ((me & (kindc != 1) & ~thanks) | them)
    if not waiting.any():
        return resp
    n = len(idx)
    top = int(age.max()) + 1  # some touch is kept, so the newest day is the same as among the kept ones
    slot = n + 1  # positions within a day
    days = top + window + 2  # a person's days, with room past the last one so no window reaches the next person
    if (int(idx.max()) + 1) * days * slot * 4 >= 1 << 62:
        fallback[idx[waiting]] = True
        return resp
    # Two low bits ride along through the sort: 2 for a message waiting for its answer, 1 for theirs.
    # In place over every touch (quicker than picking the kept ones first); the others sort last, cut off.
    key = idx * days
    key += top
    key -= age
    key *= slot
    key += np.arange(n, dtype=np.int64)
    key <<= 2
    key |= waiting * 2
    key |= them
    kept = keep & (me | them)
    key[~kept] = np.int64(1 << 62)
    key.sort()
    key = key[:int(np.count_nonzero(kept))]
    sorted_them = key & 1
    # The sorted touches run in stretches from one side: the next touch from the other side after any
    # touch is the first of the next stretch (perhaps another person's, which the window check rejects).
    starts = np.flatnonzero(sorted_them[1:] != sorted_them[:-1]) + 1
    asks = np.flatnonzero(key & 2)
    nxt = np.searchsorted(starts, asks, "right")
    found = nxt < len(starts)
    answer = np.full(len(asks), -1, dtype=np.int64)
    answer[found] = key[starts[nxt[found]]]
    stamp = key[asks] >> 2
    until = (stamp // slot + window + 1) * slot * 4  # the first key past the reply window
    p = stamp % slot
    resp[p] = np.where((answer >= 0) & (answer < until), 1, np.where(age[p] >= window, 2, 0))
    return resp


def _first(idx: np.ndarray, values: np.ndarray, n: int, fill: int) -> np.ndarray:
    """Per person, the value of their first element (idx sorted ascending); fill where they have none."""
    out = np.full(n, fill, dtype=np.int64)
    if len(idx):
        start = np.ones(len(idx), dtype=bool)
        start[1:] = idx[1:] != idx[:-1]
        out[idx[start]] = values[start]
    return out


def _count(idx: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(idx[mask], minlength=n)


def _sum(idx: np.ndarray, weights: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    # bincount adds each person's weights in array order: the same floats as score()'s sum(). The
    # masked-out ones add 0.0, which changes no sum (and is quicker than selecting the others).
    return np.bincount(idx, weights=weights * mask, minlength=n)


@lru_cache(maxsize=8)
def _weights_table(half_life: float, size: int) -> np.ndarray:
    return np.array([scoring._weight(a) for a in range(size)], dtype=np.float64)


def _weights(age: np.ndarray) -> np.ndarray:
    top = int(age.max()) + 1 if len(age) else 1
    size = max(1024, 1 << (top - 1).bit_length())  # a few sizes, so the table is cached
    return _weights_table(PARAMS["evidence_half_life"], size)[age]


def _hill(credit: float, ages: np.ndarray, cadences: np.ndarray) -> np.ndarray:
    """credit / (1 + (age / 2C)^2), evaluated by Python's own arithmetic once per distinct (age, C)."""
    if not len(ages):
        return np.zeros(0)
    top = int(cadences.max()) + 1
    combos, inverse = np.unique(ages * top + cadences, return_inverse=True)
    values = [credit / (1.0 + (a / (2.0 * float(c))) ** 2) for a, c in zip(
        (combos // top).tolist(), (combos % top).tolist(), strict=True)]
    return np.array(values, dtype=np.float64)[inverse]


def _shrink(n: np.ndarray, raw: np.ndarray, k: float) -> np.ndarray:
    return (n * raw + k * NEUTRAL) / (n + k)


def score_arrays(idx: np.ndarray, age: np.ndarray, dirc: np.ndarray, kindc: np.ndarray, respc: np.ndarray,
                 tags: np.ndarray, cadences: Sequence[int], reasons: bool = True) -> tuple[list, np.ndarray]:
    """Score people from one array per touch attribute, in score()'s steps (SCORING.md §4), for everyone at once.

    :param idx: the person each touch belongs to, as a position in `cadences`
    :param age: days from the touch to today (touches in the future are ignored, as score() does)
    :param dirc: direction code (DIRECTIONS, or 3); kindc: kind code (KINDS, or 3)
    :param respc: 0 unknown, 1 replied, 2 no reply (as logged: replies are inferred here, as score_log() does)
    :param tags: THANKS | INFO | ODD_TAGS | CONVERSATION bits
    Each person's touches must come in log order (their relative order in the arrays); people may interleave.
    Returns one (value, status, confidence, reason, days_since) per person (None for the people
    that score() must handle) and a boolean array marking those people. reasons=False returns
    only each value (None for no touch yet), which skips the sentences.
    """
    C_int, fallback = _cadence_column(cadences)
    keep = age >= 0
    odd = keep & ((dirc == ODD) | (kindc == ODD) | ((tags & ODD_TAGS) != 0))
    fallback[idx[odd]] = True
    C_int = np.where(fallback, 1, C_int)
    respc = _infer_replies(idx, age, dirc, kindc, respc, (tags & CONVERSATION) != 0, keep, fallback,
                           (tags & THANKS) != 0)
    t = _newest_first(idx, age, dirc, kindc, respc, tags, keep, len(cadences))
    with np.errstate(divide="ignore", invalid="ignore"):
        R, d_rel = _recency(t, C_int)
        favours = _follow_through(t, fallback)
        replies = _reply_rate(t)
        initiation, started = _initiation(t)
        raw_score, worst, below = _weighted_score(R, (_balance(t), favours.component, replies.component, initiation))
        recency = _recency_status(d_rel, C_int.astype(np.float64))
    outgoing = _count(t.idx, t.me, t.P)
    one_way = (outgoing > 0) & (_count(t.idx, t.them | t.r_yes | t.conv, t.P) == 0)
    run = _unanswered_run(t)
    capped = run >= PARAMS["guardrail_run"]
    value = _capped(raw_score, one_way, capped)
    d = _first(t.idx, t.age, t.P, -1)
    has = d >= 0
    if not reasons:
        return [None if v < 0 else v for v in np.where(has & ~fallback, value, -1).astype(np.int64).tolist()], \
            fallback
    status = _status(recency, capped, one_way, _first(t.idx[t.me], t.age[t.me], t.P, -1))
    columns = [a.tolist() for a in (
        np.where(fallback, 2, has * 1), np.where(has, value, 0).astype(np.int64),
        CONFIDENCE_NAMES[_confidence(t)], d, d_rel, STATUS_NAMES[status], recency, C_int, _last_ask(t), capped, run,
        np.where(one_way, outgoing, 0), favours.pending_age, favours.pending_what, *_asks_and_gives(t),
        worst, below, favours.thanked_48h, favours.help_events, replies.replied, replies.counted, _ignored(t),
        np.where(initiation.present, started, 0).astype(np.int64))]
    return _results(columns), fallback


def _cadence_column(cadences: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The cadences as whole days, and the people left to score(): a cadence that is not a positive whole
    number of days (score() says what is wrong with it)."""
    C_int = np.asarray(cadences) if len(cadences) else np.zeros(0, dtype=np.int64)
    if C_int.dtype.kind != "i":
        C_int = np.array([c if isinstance(c, int) else -1 for c in cadences], dtype=np.int64)
    C_int = C_int.astype(np.int64)
    return C_int, C_int <= 0


@dataclass(frozen=True)
class _Touches:
    """Every touch up to today, sorted by person and then as score() sorts one person's touches (newest first,
    ties broken the same way), with the masks the rules read. P people, N touches; `pos` is each touch's
    position in this order, `key` its sort key (without the tags), `w` its evidence weight."""

    P: int
    N: int
    top_age: int
    idx: np.ndarray
    age: np.ndarray
    pos: np.ndarray
    key: np.ndarray
    w: np.ndarray
    dirc: np.ndarray
    me: np.ndarray
    them: np.ndarray
    ask: np.ndarray
    give: np.ndarray
    r_yes: np.ndarray
    r_no: np.ndarray
    thanks: np.ndarray
    info: np.ndarray
    conv: np.ndarray


def _newest_first(idx: np.ndarray, age: np.ndarray, dirc: np.ndarray, kindc: np.ndarray, respc: np.ndarray,
                  tags: np.ndarray, keep: np.ndarray, P: int) -> _Touches:
    """The kept touches in score()'s order: newest first, then direction, kind, replied, not replied (each
    descending). Everything goes into one integer per touch, sorted once and taken apart again:
    ((person, age, 12 * direction + 4 * kind + reply), tags), the first part being score()'s order."""
    top_age = int(age.max()) + 1 if len(age) else 1
    resp_rank = np.array([2, 0, 1, 2], dtype=np.int64)[respc]
    sub = (2 - np.minimum(dirc, 2)) * 12 + (2 - np.minimum(kindc, 2)) * 4 + resp_rank
    packed = ((((idx * top_age + age) * 36 + sub) << 4) | tags)[keep]
    packed.sort()
    tags = packed & 15
    key = packed >> 4
    sub = key % 36
    idx, age = np.divmod(key // 36, top_age)
    dirc = 2 - sub // 12
    kindc = 2 - (sub % 12) // 4
    return _Touches(
        P=P, N=len(idx), top_age=top_age, idx=idx, age=age, pos=np.arange(len(idx), dtype=np.int64), key=key,
        w=_weights(age), dirc=dirc, me=dirc == 0, them=dirc == 1, ask=kindc == 0, give=kindc == 1,
        r_yes=sub % 4 == 0, r_no=sub % 4 == 1, thanks=(tags & THANKS) != 0, info=(tags & INFO) != 0,
        conv=(tags & CONVERSATION) != 0)


def _recency(t: _Touches, C_int: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R, the best credited touch on the Hill curve (the newest of each credit is the best of it); and d_rel,
    the age of the last non-ask touch (-1: none), a held conversation counting as one (§4.8.3)."""
    c_ask = t.me & t.ask
    c_inbound = t.them & t.r_no & (t.age > PARAMS["inbound_reply_window"])
    c_full = ~(c_ask | c_inbound)
    R = np.full(t.P, -np.inf)
    for mask, credit in ((c_full, 1.0), (c_ask, PARAMS["ask_credit"]),
                         (c_inbound, PARAMS["unanswered_inbound_credit"])):
        best_age = _first(t.idx[mask], t.age[mask], t.P, -1)
        present = best_age >= 0
        R[present] = np.maximum(R[present], _hill(credit, best_age[present], C_int[present]))
    non_ask = c_full | t.conv
    return R, _first(t.idx[non_ask], t.age[non_ask], t.P, -1)


@dataclass(frozen=True)
class _Component:
    """A reciprocity component for everyone: whether each person has evidence for it, and its shrunk value."""

    present: np.ndarray
    value: np.ndarray


def _balance(t: _Touches) -> _Component:
    """B: give/ask balance."""
    G = _sum(t.idx, t.w, t.me & t.give, t.P)
    A = _sum(t.idx, t.w, t.me & t.ask, t.P)
    GA = G + A
    return _Component(GA > 0, _shrink(GA, np.minimum(1.0, 2 * G / GA), PARAMS["shrink_k"]["B"]))


@dataclass(frozen=True)
class _FollowThrough:
    """F, and the facts the reason sentence may state about it, per person."""

    component: _Component
    thanked_48h: np.ndarray
    help_events: np.ndarray
    pending_age: np.ndarray  # the newest favour still waiting for its thank-you (-1: none)
    pending_what: np.ndarray  # what it was, as an index of scoring.PENDING_WHAT


def _follow_through(t: _Touches, fallback: np.ndarray) -> _FollowThrough:
    """F: thank-you follow-through, counting your own touches in the days after each favour."""
    helped = (((t.them & t.give) | (t.me & t.ask & t.r_yes)) & (t.age >= PARAMS["thank_you_full"]))
    h_idx, h_age, h_w = t.idx[helped], t.age[helped], t.w[helped]
    credit = _thanks_credit(t, helped, h_idx, h_age)
    every = np.ones(len(h_idx), dtype=bool)
    f_num = np.bincount(h_idx, weights=h_w * credit, minlength=t.P)
    f_den = _sum(h_idx, h_w, every, t.P)
    component = _Component(f_den > 0, _shrink(f_den, f_num / f_den, PARAMS["shrink_k"]["F"]))
    return _FollowThrough(component, _count(h_idx, credit == 1.0, t.P), _count(h_idx, every, t.P),
                          *_pending_thank_you(t, helped, h_idx, h_age, credit, fallback))


def _thanks_credit(t: _Touches, helped: np.ndarray, h_idx: np.ndarray, h_age: np.ndarray) -> np.ndarray:
    """Each favour's credit (`helped` marks them; h_idx and h_age are theirs): 1 for a thank-you of yours within
    2 days of it, 0.5 for a later one or any non-ask touch of yours within 7 days, else 0; counted by searching
    your touches' (person, age) keys."""
    full_days, half_days = PARAMS["thank_you_full"], PARAMS["thank_you_half"]
    stride = t.top_age + half_days + 1
    here = t.idx * stride + t.age
    h_here = here[helped]
    thank_keys = here[t.me & t.thanks]
    half_keys = here[t.me & (t.thanks | ~t.ask)]
    lo = h_idx * stride + np.maximum(h_age - half_days, 0)
    n_full = np.searchsorted(thank_keys, h_here, "right") - np.searchsorted(thank_keys, h_here - full_days, "left")
    n_half = np.searchsorted(half_keys, h_here, "right") - np.searchsorted(half_keys, lo, "left")
    self_thanks = (t.me & t.thanks)[helped]  # an ask that is itself tagged as a thank-you
    n_full = n_full - self_thanks
    n_half = n_half - self_thanks
    return np.where(n_full > 0, 1.0, np.where(n_half > 0, 0.5, 0.0))


def _pending_thank_you(t: _Touches, helped: np.ndarray, h_idx: np.ndarray, h_age: np.ndarray, credit: np.ndarray,
                       fallback: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The newest favour still waiting for its thank-you, for the reason sentence: its age (-1: none) and what
    it was (0 their answer, 1 their help, 2 your informational interview: scoring.PENDING_WHAT)."""
    pend = (credit == 0.0) & (h_age <= PARAMS["thank_you_half"])
    p_idx, p_key = h_idx[pend], t.key[helped][pend]
    p_info = t.info[helped][pend].astype(np.int64)
    top_key = _first(p_idx, p_key, t.P, -1)
    top_info = _first(p_idx, p_info, t.P, 0)
    # Two favours tied in score()'s order except for their tags: let score() pick.
    tied = (p_key == top_key[p_idx]) & (p_info != top_info[p_idx])
    fallback[p_idx[tied]] = True
    pending_age = _first(p_idx, h_age[pend], t.P, -1)
    return pending_age, np.where(top_info == 1, 2, (_first(p_idx, t.dirc[helped][pend], t.P, 0) == 1) * 1)


@dataclass(frozen=True)
class _ReplyRate:
    """Q, and the counts the reason sentence may state about it, per person."""

    component: _Component
    replied: np.ndarray
    counted: np.ndarray


def _reply_rate(t: _Touches) -> _ReplyRate:
    """Q: reply rate, both ways, without your gives and unknown outcomes."""
    qual = ~(t.me & t.give) & (t.r_yes | (t.r_no & (t.age >= PARAMS["reply_window"])))
    q_den = _sum(t.idx, t.w, qual, t.P)
    q_num = _sum(t.idx, t.w, qual & t.r_yes, t.P)
    return _ReplyRate(_Component(q_den > 0, _shrink(q_den, q_num / q_den, PARAMS["shrink_k"]["Q"])),
                      _count(t.idx, qual & t.r_yes, t.P), _count(t.idx, qual, t.P))


def _initiation(t: _Touches) -> tuple[_Component, np.ndarray]:
    """I: initiation share; and the share of conversations you started, in percent."""
    mine = _sum(t.idx, t.w, t.me, t.P)
    theirs = _sum(t.idx, t.w, t.them, t.P)
    MT = mine + theirs
    s = theirs / MT
    raw = np.minimum(1.0, np.minimum(s, 1 - s) / PARAMS["initiation_full_share"])
    return _Component(MT > 0, _shrink(MT, raw, PARAMS["shrink_k"]["I"])), np.rint(100 * (mine / MT))


def _weighted_score(R: np.ndarray, components: tuple[_Component, ...]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The raw score, renormalised over the components present (B, F, Q, I in this order, as score() adds
    them); the component that costs the most points (-1: none) and whether it is below its neutral prior."""
    weights = PARAMS["weights"]
    names = WORST_CODES
    mask = sum(c.present * (1 << i) for i, c in enumerate(components))
    total_w = _total_weights()
    acc = weights["R"] * R
    for c, name in zip(components, names, strict=True):
        acc = np.where(c.present, acc + weights[name] * c.value, acc)
    tw = total_w[mask]
    raw_score = np.rint(100 * acc / tw)
    losses = np.stack([np.where(c.present, (100 * weights[name]) * (1 - c.value) / tw, -np.inf)
                       for c, name in zip(components, names, strict=True)], axis=1)
    worst = np.where(mask > 0, np.argmax(losses, axis=1), -1)
    values = np.stack([c.value for c in components], axis=1)
    below = (worst >= 0) & (values[np.arange(len(R)), np.maximum(worst, 0)] < NEUTRAL)
    return raw_score, worst, below


def _recency_status(d_rel: np.ndarray, C: np.ndarray) -> np.ndarray:
    """score()'s recency status (scoring.RECENCY_STEPS, dormant first) as an index of STATUS_CODES."""
    ratio = d_rel / C
    dormant = (d_rel < 0) | (ratio > PARAMS["dormant_ratio"]) | (d_rel > PARAMS["dormant_days"])
    return np.select([dormant, *(ratio > limit for limit, _ in RECENCY_STEPS)],
                     [STATUS_CODES.index(s) for s in ("dormant", *(s for _, s in RECENCY_STEPS))],
                     STATUS_CODES.index("on_track"))


def _unanswered_run(t: _Touches) -> np.ndarray:
    """The guardrail's run: your unanswered messages, newest first, until something breaks the run."""
    own = t.me & ~t.give & ~t.thanks  # neither a give nor a thank-you asks for an answer
    waiting = own & (t.age < PARAMS["reply_window"]) & ~t.r_yes
    counted = own & ~waiting & t.r_no
    breaks = ~t.me | (own & ~waiting & ~t.r_no)
    first_break = _first(t.idx[breaks], t.pos[breaks], t.P, t.N)
    return _count(t.idx, counted & (t.pos < first_break[t.idx]), t.P)


def _capped(raw_score: np.ndarray, one_way: np.ndarray, capped: np.ndarray) -> np.ndarray:
    value = np.where(one_way, np.minimum(raw_score, PARAMS["one_way_cap"]), raw_score)
    return np.where(capped, np.minimum(value, PARAMS["guardrail_cap"]), value)


def _status(recency: np.ndarray, capped: np.ndarray, one_way: np.ndarray, newest_out: np.ndarray) -> np.ndarray:
    """The status shown, as an index of STATUS_CODES: the guardrail's, one-way's, else the recency status."""
    one_way_status = np.where(newest_out < PARAMS["reply_window"], STATUS_CODES.index("awaiting_reply"),
                              STATUS_CODES.index("one_way"))
    return np.where(capped, STATUS_CODES.index("unanswered"), np.where(one_way, one_way_status, recency))


def _confidence(t: _Touches) -> np.ndarray:
    """An index of CONFIDENCES, by the touches of the last 365 days."""
    recent = _count(t.idx, t.age <= 365, t.P)
    return np.where(recent < 3, 0, np.where(recent < 6, 1, 2))


def _asks_and_gives(t: _Touches) -> tuple[np.ndarray, np.ndarray]:
    year_me = t.me & (t.age <= 365)
    return _count(t.idx, year_me & t.ask, t.P), _count(t.idx, year_me & t.give, t.P)


def _last_ask(t: _Touches) -> np.ndarray:
    """The age of each person's newest ask of yours (-1: none)."""
    c_ask = t.me & t.ask
    return _first(t.idx[c_ask], t.age[c_ask], t.P, -1)


def _ignored(t: _Touches) -> np.ndarray:
    """Of their newest touches (before anything else), how many you left unanswered."""
    first_not_them = _first(t.idx[~t.them], t.pos[~t.them], t.P, t.N)
    return _count(t.idx, t.them & t.r_no & (t.pos < first_not_them[t.idx]), t.P)


CONFIDENCES = ("low", "medium", "high")
CONFIDENCE_NAMES = np.array(CONFIDENCES, dtype=object)  # the words for the codes, for a whole column at once
STATUS_NAMES = np.array(STATUS_CODES, dtype=object)


def _results(columns: list[list]) -> list[tuple | None]:
    """Each person's (value, status, confidence, reason, days_since); scoring.reason_sentences() writes the
    reasons from the columns as they are (all but case and status), as it does for score()."""
    cases, statuses = columns[0], columns[5]
    scored = [c == 1 for c in cases]  # 2: left to score(); 0: no touch yet
    reasons = iter(reason_sentences(compress(zip(*columns[1:5], *columns[6:], strict=True), scored)))
    return [(value, status, conf, next(reasons), d) if case == 1 else None if case else NO_TOUCH
            for case, value, conf, d, status in zip(cases, columns[1], columns[2], columns[3], statuses, strict=True)]


def _total_weights() -> np.ndarray:
    """score()'s total weight for each set of reciprocity components present (bit i: B, F, Q, I), by its own sums."""
    return _total_weights_for(tuple(sorted(PARAMS["weights"].items())))


@lru_cache(maxsize=4)
def _total_weights_for(weight_items: tuple) -> np.ndarray:
    weights = dict(weight_items)
    names = ("B", "F", "Q", "I")
    total_w = np.zeros(16)
    for mask in range(16):
        total_w[mask] = sum(weights[k] for k in ["R", *(n for i, n in enumerate(names) if mask >> i & 1)])
    return total_w
