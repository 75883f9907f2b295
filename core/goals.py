"""Specific networking goals whose progress is computed from the data, never typed in."""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from core import validation as v
from core.db import now_iso, one, placeholders, rows, scalar, transaction
from core.errors import NotFound, ValidationError
from core.vocab import KINDS, NATURE_LABELS, NATURES, STAGES

METRICS = {
    "people_at_stage": "people in the segment who reach a stage between the start and due dates",
    "interactions": "touches in the segment between the start and due dates",
}
PRIORITIES = {1: "High", 2: "Medium", 3: "Low"}
SEGMENT_FIELDS = ("segment_industry", "segment_role", "segment_seniority", "segment_tag")


def _clean(db: Database, fields: dict, today: date) -> dict:
    out: dict = {}
    out["title"] = v.text(fields.get("title"), "Goal", required=True)
    out["metric"] = v.choice(fields.get("metric"), "What to count", METRICS)
    out["target"] = v.integer(fields.get("target"), "Target number", minimum=1, maximum=100_000)
    out |= _clean_counted(out["metric"], fields)
    for key in SEGMENT_FIELDS:
        out[key] = v.text(fields.get(key, ""), key.replace("segment_", "Segment ").capitalize())
    out["segment_tag"] = out["segment_tag"].lower()
    company = fields.get("segment_company_id")
    if company not in (None, ""):
        company = v.integer(company, "Company")
        if not db.table("companies").count_where("id = ?", [company]):
            raise NotFound("That company does not exist.")
    out["segment_company_id"] = company or None
    out["priority"] = v.integer(fields.get("priority", 2), "Priority", minimum=1, maximum=3)
    out["start_on"] = v.parse_date(fields.get("start_on") or today, "Start date").isoformat()
    due = v.parse_date(fields.get("due_on"), "Due date")
    if due.isoformat() < out["start_on"]:
        raise ValidationError("The due date must come after the start date.")
    out["due_on"] = due.isoformat()
    revisit = v.parse_date(fields.get("revisit_on"), "Revisit date", required=False)
    out["revisit_on"] = revisit.isoformat() if revisit else None
    out["notes"] = v.long_text(fields.get("notes", ""), "Notes")
    return out


def _clean_counted(metric: str, fields: dict) -> dict:
    """What a metric counts: a stage for people, an optional kind and nature for touches, never both."""
    stage = v.choice(fields.get("stage", ""), "Stage", STAGES, required=False)
    kind = v.choice(fields.get("interaction_kind", ""), "Kind of touch", KINDS, required=False)
    nature = v.choice(fields.get("interaction_nature", ""), "Nature of touch", NATURES, required=False)
    if metric == "people_at_stage":
        if not stage:
            raise ValidationError(f"A goal that counts people needs the stage they reach: one of "
                                  f"{', '.join(STAGES)}.")
        if kind or nature:
            raise ValidationError("A goal that counts people at a stage counts no touches: leave the kind and "
                                  "nature of touch blank, or count touches instead.")
    else:
        if stage:
            raise ValidationError("A goal that counts touches has no stage: leave the stage blank, or count "
                                  "people at a stage instead.")
        # log_interaction refuses a nature with another kind, so such a goal could never count anything
        if kind and nature and NATURES[nature] != kind:
            raise ValidationError(f"{NATURE_LABELS[nature]} counts as {NATURES[nature]!r}, not {kind!r}: "
                                  "choose that kind of touch or leave the kind blank.")
    return {"stage": stage, "interaction_kind": kind, "interaction_nature": nature}


def add_goal(db: Database, *, today: date, **fields) -> int:
    """Add a goal: a segment, a number and a date ('5 marketing managers in tech, conversed, by 31 March')."""
    record = _clean(db, fields, today)
    stamp = now_iso()
    record.update(status="open", created_at=stamp, updated_at=stamp)
    return db.table("goals").insert(record).last_pk


# The fields each metric counts by; switching metric clears the other's (see update_goal).
COUNTED_BY = {"people_at_stage": ("stage",), "interactions": ("interaction_kind", "interaction_nature")}


def update_goal(db: Database, goal_id: int, *, today: date, **fields) -> None:
    """Change any of a goal's fields, what it counts included, validated as for a new goal.

    Fields not passed keep their value, except the other metric's (a stage once the goal counts
    touches, a kind and nature once it counts people), which are cleared so a goal never carries
    both; passing them explicitly is refused. A title written by default_title follows the new
    numbers unless a new title is passed. On a ValidationError nothing is changed.
    """
    current = get_goal(db, goal_id)
    metric = fields.get("metric", current["metric"])
    stale = {key: "" for other, keys in COUNTED_BY.items() if other != metric and metric in COUNTED_BY
             for key in keys}
    merged = {**current, **stale, **fields}
    record = _clean(db, merged, today)
    if fields.get("title", current["title"]) == current["title"] and current["title"] == _auto_title(current):
        record["title"] = _auto_title(record) or record["title"]
    record["updated_at"] = now_iso()
    db.table("goals").update(goal_id, record)


def _auto_title(goal: dict) -> str | None:
    """The title default_title would give this goal, or None when its fields can't make one."""
    try:
        return default_title(goal)
    except ValidationError:
        return None


def get_goal(db: Database, goal_id: int) -> dict:
    found = one(db, "select * from goals where id = ?", [goal_id])
    if not found:
        raise NotFound("That goal no longer exists.")
    return found


def close_goal(db: Database, goal_id: int, today: date) -> None:
    get_goal(db, goal_id)
    db.execute("update goals set status = 'closed', closed_on = ?, updated_at = ? where id = ?",
               [today.isoformat(), now_iso(), goal_id])


def reopen_goal(db: Database, goal_id: int) -> None:
    get_goal(db, goal_id)
    db.execute("update goals set status = 'open', closed_on = null, updated_at = ? where id = ?",
               [now_iso(), goal_id])


def delete_goal(db: Database, goal_id: int) -> None:
    get_goal(db, goal_id)
    db.execute("delete from goals where id = ?", [goal_id])


def set_revisit(db: Database, goal_id: int, revisit_on: object) -> None:
    get_goal(db, goal_id)
    day = v.parse_date(revisit_on, "Revisit date", required=False)
    db.execute("update goals set revisit_on = ? where id = ?", [day.isoformat() if day else None, goal_id])


# A goal's filters: (goal field, the condition it adds when set, with one ? for the field's value).
SEGMENT_EXACT = (("segment_company_id", "p.company_id = ?"),
                 ("segment_tag", "exists (select 1 from json_each(p.tags) where value = ?)"))
TOUCH_EXACT = (("interaction_kind", "i.kind = ?"), ("interaction_nature", "i.nature = ?"))


def _add_exact(goal: dict, filters: tuple[tuple[str, str], ...], where: list[str], params: list) -> None:
    """Add the condition of each filter whose field the goal sets, with the field's value."""
    for key, condition in filters:
        if goal[key]:
            where.append(condition)
            params.append(goal[key])


def _segment_sql(goal: dict) -> tuple[list[str], list]:
    where, params = ["p.archived_at is null"], []
    for key, column in (("segment_industry", "p.industry"), ("segment_role", "p.role"),
                        ("segment_seniority", "p.seniority")):
        if goal[key]:
            where.append(f"{column} like ?")
            params.append(f"%{goal[key]}%")
    _add_exact(goal, SEGMENT_EXACT, where, params)
    return where, params


SCORE = "(select score from scores where person_id = p.id)"  # the counts themselves need no join


def progress(db: Database, goal: dict, with_people: bool = True) -> dict:
    """Compute a goal's progress: {current, target, fraction, people} (people who count toward it).

    Only what happened from the goal's start (start_on: the day it was created, or the start the
    user chose) to its due date counts: touches logged on those days, or people who moved up to the
    stage on those days. Someone already at the stage when the goal began does not count.
    """
    where, params = _segment_sql(goal)
    if goal["metric"] == "people_at_stage":
        reached = STAGES[STAGES.index(goal["stage"]):]
        marks = placeholders(reached)
        # Who is at the stage now and moved up into it between the start and due dates (the ladder's
        # history; every way a stage rises records its move, so someone already there does not count).
        where.append(f"p.stage in ({marks})")
        # Read from the moves in the window (by day), not per person: 4-19 ms at 30,000 people where
        # an exists() per person took 33-58 ms and the count without the window 18-34 ms.
        where.append("p.id in (select s.person_id from stage_changes s where s.day between ? and ? "
                     f"and s.to_stage in ({marks}) and s.from_stage not in ({marks}))")
        params += [*reached, goal["start_on"], goal["due_on"], *reached, *reached]
        base = f"from people p where {' and '.join(where)}"
        if with_people:  # one pass: the count rides along with the first 100 names
            people = rows(db, f"select p.id, p.name, p.stage, {SCORE} as score, count(*) over () as counted {base} "
                              "order by p.name limit 100", params)
            current = people[0]["counted"] if people else 0
        else:
            current, people = scalar(db, f"select count(*) {base}", params), []
    else:
        where += ["i.day between ? and ?"]
        params += [goal["start_on"], goal["due_on"]]
        _add_exact(goal, TOUCH_EXACT, where, params)
        base = f"from interactions i join people p on p.id = i.person_id where {' and '.join(where)}"
        if with_people:
            people = rows(db, f"select p.id, p.name, p.stage, {SCORE} as score, count(*) as touches, "
                              f"sum(count(*)) over () as counted {base} group by p.id order by p.name limit 100",
                          params)
            current = people[0]["counted"] if people else 0
        else:
            current, people = scalar(db, f"select count(*) {base}", params), []
    for person in people:
        del person["counted"]
    target = goal["target"]
    return {"current": current, "target": target, "fraction": min(1.0, current / target), "people": people,
            "met": current >= target}


def describe(goal: dict) -> str:
    """The goal in one line: '5 people (role: marketing manager, industry: tech) at conversed by 2027-03-31'."""
    segment = [f"{k.replace('segment_', '')}: {goal[k]}" for k in SEGMENT_FIELDS if goal[k]]
    seg = f" ({', '.join(segment)})" if segment else ""
    if goal["metric"] == "people_at_stage":
        what = f"{goal['target']} people{seg} at '{goal['stage']}' or beyond"
    else:
        kind = NATURES_LABEL.get(goal["interaction_nature"]) or (
            f"{goal['interaction_kind']}s" if goal["interaction_kind"] else "touches")
        what = f"{goal['target']} {kind}{seg}"
    return f"{what} by {goal['due_on']}"


NATURES_LABEL = {"informational_interview": "informational interviews", "referral": "referral requests",
                 "introduction": "introductions made", "shared_resource": "resources shared",
                 "thank_you": "thank-yous", "meeting": "meetings", "check_in": "check-ins"}


def counting_from(goal: dict) -> str:
    """'counting from 27 November 2026': the day the goal's progress starts counting (its start_on)."""
    return f"counting from {day_text(goal['start_on'])}"


def list_goals(db: Database, today: date, status: str = "open") -> list[dict]:
    """Goals by priority then due date, each with its progress and whether it needs revisiting."""
    goals = rows(db, "select * from goals where status = ? order by priority, due_on, id", [status])
    for g in goals:
        g["progress"] = progress(db, g)
        g["summary"] = describe(g)
        g["days_left"] = (date.fromisoformat(g["due_on"]) - today).days
        g["revisit_due"] = bool(g["revisit_on"] and g["revisit_on"] <= today.isoformat())
    return goals


def goals_to_revisit(db: Database, today: date) -> list[dict]:
    """Open goals whose revisit date has come, or whose due date has passed."""
    return [g for g in list_goals(db, today) if g["revisit_due"] or g["days_left"] < 0]


def mark_revisited(db: Database, goal_id: int, next_revisit: object) -> None:
    with transaction(db):
        set_revisit(db, goal_id, next_revisit)


# --- Making a goal specific: presets, a title from the numbers, and who counts ------------------

PRESETS = {
    "meet": "Meet N <role>s in <industry> who reach a stage by a date",
    "info_interviews": "Hold N informational interviews by a date",
    "give": "Give N times this month",
    "custom": "Something else (choose what to count)",
}
REVISIT_DAYS = 14  # "revisited" pushes the next look two weeks out


def _month_end(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def preset_defaults(preset: str, today: date) -> dict:
    """What a preset fixes (what to count) and suggests (dates), for the new-goal form."""
    preset = v.choice(preset, "Kind of goal", PRESETS)
    base = {"metric": "people_at_stage", "stage": "conversed", "interaction_kind": "", "interaction_nature": "",
            "start_on": today, "due_on": today + timedelta(days=90), "revisit_on": today + timedelta(days=REVISIT_DAYS)}
    if preset == "info_interviews":
        base.update(metric="interactions", stage="", interaction_nature="informational_interview",
                    due_on=today + timedelta(days=60))
    elif preset == "give":
        base.update(metric="interactions", stage="", interaction_kind="give",
                    start_on=today.replace(day=1), due_on=_month_end(today), revisit_on=today + timedelta(days=7))
    return base


def _plural(word: str) -> str:
    word = word.strip()
    if not word or word.endswith("s"):
        return word
    return word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"


def day_text(value: object) -> str:
    """'27 November 2026', as goals write a day."""
    day = v.parse_date(value, "Due date")
    return f"{day.day} {day:%B %Y}"


def default_title(fields: dict) -> str:
    """Name a goal from its number, segment and date: "Meet 5 marketing managers in tech who reach 'conversed'
    by 31 March 2027"."""
    target = v.integer(fields.get("target"), "Target number", minimum=1)
    due = day_text(fields.get("due_on"))
    if fields.get("metric") == "people_at_stage":
        who = _plural(str(fields.get("segment_role") or "")) or "people"
        where = f" in {fields['segment_industry'].strip()}" if str(fields.get("segment_industry") or "").strip() else ""
        return f"Meet {target} {who}{where} who reach '{fields.get('stage') or 'conversed'}' by {due}"
    nature = fields.get("interaction_nature") or ""
    if nature == "informational_interview":
        return f"Hold {target} informational interviews by {due}"
    if fields.get("interaction_kind") == "give" and not nature:
        return f"Give {target} times by {due}"
    what = NATURES_LABEL.get(nature) or (f"{fields['interaction_kind']}s" if fields.get("interaction_kind")
                                         else "touches")
    return f"{target} {what} by {due}"


def create_goal(db: Database, *, today: date, **fields) -> int:
    """Add a goal from the form: a number and a due date are required first, and a blank title is
    written from them (see default_title)."""
    if fields.get("target") in (None, ""):
        raise ValidationError("A goal needs a number: how many people or touches, by the due date?")
    if fields.get("due_on") in (None, ""):
        raise ValidationError("A goal needs a due date: by when do you want to get there?")
    if not str(fields.get("title") or "").strip():
        fields["title"] = default_title(fields)
    return add_goal(db, today=today, **fields)


def goal_people(db: Database, goal: dict, limit: int = 100) -> dict:
    """The people who count toward a goal, each with their company, and the companies they are at.

    Returns {people: [{id, name, company, stage, score, touches?}], companies: [{name, people}]}.
    """
    computed = goal.get("progress")
    if not computed or (computed["current"] and not computed["people"]):  # counted without its people
        computed = progress(db, goal)
    people = [dict(p) for p in computed["people"][:limit]]
    ids = [p["id"] for p in people]
    companies_of: dict[int, str] = {}
    if ids:
        for r in rows(db, "select p.id, coalesce(c.name, '') as company from people p left join companies c "
                          f"on c.id = p.company_id where p.id in ({placeholders(ids)})", ids):
            companies_of[r["id"]] = r["company"]
    tally: dict[str, int] = {}
    for p in people:
        p["company"] = companies_of.get(p["id"], "")
        if p["company"]:
            tally[p["company"]] = tally.get(p["company"], 0) + 1
    companies = [{"name": name, "people": n} for name, n in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {"people": people, "companies": companies}


def revisit_due(db: Database, today: date) -> list[dict]:
    """The goals Today brings back: open ones whose revisit date has come or whose due date has passed.

    The same goals as goals_to_revisit, but only those are counted, without their people lists, so
    Today stays fast when the other goals cover 30,000 contacts.
    """
    d = today.isoformat()
    found = rows(db, "select * from goals where status = 'open' and ((revisit_on is not null and revisit_on <= ?) "
                     "or due_on < ?) order by priority, due_on, id", [d, d])
    for g in found:
        g["progress"] = progress(db, g, with_people=False)
        g["summary"] = describe(g)
        g["days_left"] = (date.fromisoformat(g["due_on"]) - today).days
        g["revisit_due"] = bool(g["revisit_on"] and g["revisit_on"] <= d)
    return found
