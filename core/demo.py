"""A believable demo: a job seeker three months in, deterministic, and scalable for benchmarks."""

from __future__ import annotations

import bisect
import contextlib
import itertools
import json
import random
from datetime import date, timedelta

from sqlite_utils import Database

from core.db import now_iso, placeholders, transaction
from core.errors import ValidationError
from core.events import add_event, add_person_met
from core.goals import add_goal
from core.interactions import record_touches
from core.opportunities.demo import BELIEVABLE, seed_pipeline
from core.relationships import daily_refresh
from core.settings import add_resource, save_budget_minutes, save_profile
from core.vocab import CHANNEL_MINUTES, CONVERSATION_CHANNELS, NATURES

COMPANIES = [
    ("Northwind Analytics", "data"), ("Contoso", "software"), ("Fabrikam", "manufacturing"),
    ("Globex", "fintech"), ("Initech", "software"), ("Umbrella Health", "healthcare"),
    ("Wayne Fintech", "fintech"), ("Stark Labs", "climate tech"),
]
FIRST = ["Ines", "Tomás", "Ana", "Kwame", "Mei", "Priya", "Lukas", "Sofia", "Omar", "Hannah", "Diego", "Aiko",
         "Fatima", "Jonas", "Chloé", "Ravi", "Elena", "Samuel", "Nadia", "Björn", "Leila", "Marco", "Yuki", "Zoe",
         "Ibrahim", "Clara", "Tariq", "Greta", "Ngozi", "Pedro", "Sun", "Maya", "Felix", "Amara", "Noah", "Lena"]
LAST = ["Okafor-Lindqvist", "Reyes", "Novak", "Mensah", "Chen", "Raman", "Weber", "Rossi", "Haddad", "Fischer",
        "García", "Tanaka", "Khan", "Berg", "Dubois", "Iyer", "Petrova", "Adeyemi", "Costa", "Larsen", "Moreau",
        "Sato", "Nakamura", "Osei", "Silva", "Kowalski", "Yilmaz", "Andersson", "Park", "O'Brien"]
ROLES = [("Marketing Manager", "marketing", "manager"), ("Data Engineer", "engineering", "mid"),
         ("Head of Data", "data", "director"), ("Recruiter", "recruiting", "mid"),
         ("Product Manager", "product", "senior"), ("VP Engineering", "engineering", "vp"),
         ("Talent Partner", "recruiting", "senior"), ("Analytics Lead", "data", "lead"),
         ("Growth Marketer", "marketing", "mid"), ("Founder", "leadership", "founder")]
COMMON = ["Both studied in Lisbon", "Both ran the Berlin half-marathon", "Same bootcamp cohort (2019)",
          "Both volunteer at Code Club", "Both moved from consulting into tech", "Love the same data podcast"]
NEEDS = ["Hiring two analysts this quarter", "Looking for speakers for their meetup",
         "Wants an intro to someone in climate tech", "Preparing a conference talk on dbt",
         "Their team is migrating to a new BI tool"]
DETAILS = ["Daughter just started school", "Training for a triathlon in June", "Recommended 'The Mom Test'",
           "Prefers calls before 10am", "Just came back from Japan", "Is learning Portuguese"]
TAGS = ["warm-intro", "hiring", "mentor", "alumni", "recruiter", "speaker", "climate", "data"]


def generate_demo(db: Database, today: date, *, people: int = 40, touches_per_person: float = 3.5,
                  span_days: int = 90, seed: int = 7, opportunities: int | None = None) -> dict:
    """Fill an empty database with a deterministic demo; returns counts of what it made.

    The default is a job seeker three months in: about 40 targets across 8 companies and 150
    interactions, goals, an event and birthdays, and a pipeline of six opportunities (one interviewing).
    Larger `people` values build benchmark data; `opportunities` sets how many roles (default six).
    """
    if db.table("people").count:
        raise ValidationError("The demo only loads into an empty database; start a new file to try it.")
    # A bigger page cache for the duration: the interaction indexes are updated out of order.
    cache_size = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute("PRAGMA cache_size = -65536")
    try:
        return _generate(db, today, people, touches_per_person, span_days, seed, opportunities)
    finally:
        db.execute(f"PRAGMA cache_size = {int(cache_size)}")  # a pragma takes no parameters: an int only


def _generate(db: Database, today: date, people: int, touches_per_person: float, span_days: int, seed: int,
              opportunities: int | None = None) -> dict:
    """The demo's data in one transaction. Every draw comes from `rng` in this order (the same seed makes
    the same data, which the benchmark's databases rely on): companies, people, touches, birthdays."""
    rng = random.Random(seed)
    thanks_rng = random.Random(seed + 1)
    stamp = now_iso()
    with transaction(db):
        _save_profile(db)
        company_rows = _company_rows(rng, people, stamp)
        _insert(db, "companies", company_rows)
        person_rows = _person_rows(rng, people, company_rows, stamp)
        touches = _TouchLog(rng, thanks_rng, today, span_days, stamp)
        stage_rows = _draw_touches(rng, touches, person_rows, touches_per_person, span_days, today)
        _insert(db, "people", person_rows)
        _record(db, touches.rows, stage_rows, today)
        date_rows = _date_rows(rng, people, today)
        _insert(db, "important_dates", date_rows)
        _add_event(db, today)
        _add_goals(db, today)
        _add_resources(db)
        roles = seed_pipeline(db, today, len(BELIEVABLE) if opportunities is None else opportunities)
        daily_refresh(db, today, force=True)
    return {"people": people + 2, "companies": len(company_rows), "interactions": len(touches.rows) + 2,
            "dates": len(date_rows), "opportunities": roles}


def _save_profile(db: Database) -> None:
    save_profile(db, name="Pat Seeker", email="pat.seeker@example.com",
                 pitch="Data analyst moving into analytics engineering: I turn messy data into decisions.",
                 value_proposition="I can help teams ship trustworthy dashboards fast, and I love "
                                   "connecting people across the data community.",
                 signature="Pat Seeker\nAnalytics engineer · pat.example.com",
                 website="https://pat.example.com", linkedin_url="https://www.linkedin.com/in/pat-seeker-example")
    save_budget_minutes(db, 180)


def _company_rows(rng: random.Random, people: int, stamp: str) -> list[dict]:
    """The eight named companies, or one per 25 people when that is more (ids from 1, in order)."""
    rows = []
    for i in range(max(len(COMPANIES), people // 25)):
        name, industry = COMPANIES[i] if i < len(COMPANIES) else (f"Company {i:05d}", rng.choice(
            [c[1] for c in COMPANIES]))
        rows.append({"id": i + 1, "name": name, "industry": industry,
                     "website": f"https://{name.lower().replace(' ', '')}.example.com",
                     "culture": "Remote-first, writes things down" if i % 2 else "",
                     "checked_website": int(i % 3 == 0), "created_at": stamp, "updated_at": stamp})
    return rows


def _person_rows(rng: random.Random, people: int, company_rows: list[dict], stamp: str) -> list[dict]:
    """`people` strangers (ids from 1); up to 100 people all work at the eight named companies."""
    company_ids = [c["id"] for c in company_rows]
    rows = []
    for pid in range(1, people + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        title, role, seniority = rng.choice(ROLES)
        cid = company_ids[:8][rng.randrange(8)] if people <= 100 or rng.random() < 0.3 else rng.choice(
            company_ids)
        tier = rng.choices(["active", "core", "network", "acquaintance"], [2, 2, 5, 3])[0]
        slug = f"{first}-{last}-{pid}".lower().replace(" ", "-").replace("'", "")
        rows.append({
            "id": pid, "name": f"{first} {last}", "title": title, "company_id": cid,
            "industry": company_rows[cid - 1]["industry"],
            "role": role, "seniority": seniority, "tier": tier, "stage": "stranger",
            "how_met": rng.choice(["linkedin", "event", "referral", "cold", "colleague"]),
            "linkedin_url": f"https://www.linkedin.com/in/{slug}-example",
            "email": f"{slug}@example.org" if rng.random() < 0.6 else "",
            "tags": json.dumps(sorted(rng.sample(TAGS, rng.randint(0, 2)))),
            "common_ground": rng.choice(COMMON) if rng.random() < 0.6 else "",
            "needs": rng.choice(NEEDS) if rng.random() < 0.4 else "",
            "details": rng.choice(DETAILS) if rng.random() < 0.5 else "",
            "source": "demo", "created_at": stamp, "updated_at": stamp,
        })
    return rows


def _draw_touches(rng: random.Random, touches: _TouchLog, person_rows: list[dict], touches_per_person: float,
                  span_days: int, today: date) -> list[tuple[str, str, int]]:
    """Each person's touches into `touches`; returns the stage moves the user made by hand as
    (stage, day, person_id)."""
    stage_rows = []
    for person in person_rows:
        n = max(0, round(rng.expovariate(1 / touches_per_person))) if touches_per_person else 0
        if n == 0:
            continue
        days = sorted(rng.randint(0, span_days) for _ in range(n))
        pid = person["id"]
        conversed = touches.add_person(pid, days)
        if conversed and n >= 4:
            # Closer than the log alone shows: the user moved them up the ladder by hand.
            closer = rng.choice(["conversed", "connected", "connected", "ally"])
            if closer != "conversed":  # on the day of their fourth touch
                stage_rows.append((closer, (today - timedelta(days=days[-4])).isoformat(), pid))
    return stage_rows


# What rng.choices(population, weights)[0] does, without its per-call setup: the same draw.
# Thank-yous mostly follow help (see _TouchLog), so few are drawn at random.
NATURE_WEIGHTS = [6, 3, 3, 4, 2, 2, 4, 3, 1, 8, 8, 5]  # in NATURES order
TOUCH_CHANNELS = ["email", "linkedin", "video", "phone", "in_person", "text"]
CHANNEL_WEIGHTS = [5, 4, 3, 2, 2, 1]


class _TouchLog:
    """The demo's touches as tuples in INTERACTION_COLUMNS order, drawn person by person.

    Tuples, for one executemany: at 300,000 rows, per-row dicts through insert_all took most of a minute.
    """

    def __init__(self, rng: random.Random, thanks_rng: random.Random, today: date, span_days: int, stamp: str):
        self.rng, self.thanks_rng, self.stamp = rng, thanks_rng, stamp
        self.rows: list[tuple] = []
        self.day_text = [(today - timedelta(days=ago)).isoformat() for ago in range(span_days + 1)]
        self.natures = list(NATURES)
        self.nature_cum = list(itertools.accumulate(NATURE_WEIGHTS))
        self.channel_cum = list(itertools.accumulate(CHANNEL_WEIGHTS))

    def add_person(self, pid: int, days: list[int]) -> bool:
        """Append one person's touches on `days` (days ago, sorted), oldest first, each maybe followed by a
        thank-you. True when one of them was a conversation (a reply or a spoken channel)."""
        # Locals, not attributes or globals, in the loop that runs once per touch.
        rows, day_text, stamp = self.rows, self.day_text, self.stamp
        natures, nature_cum, channels, channel_cum = self.natures, self.nature_cum, TOUCH_CHANNELS, self.channel_cum
        random_, randint = self.rng.random, self.rng.randint
        thanks_random, thanks_randint = self.thanks_rng.random, self.thanks_rng.randint
        spoken = CONVERSATION_CHANNELS
        nature_total, channel_total = nature_cum[-1] + 0.0, channel_cum[-1] + 0.0
        conversed = False
        for k, ago in enumerate(reversed(days)):
            nature = natures[bisect.bisect(nature_cum, random_() * nature_total, 0, len(natures) - 1)]
            channel = channels[bisect.bisect(channel_cum, random_() * channel_total, 0, len(channels) - 1)]
            direction = "me" if k == 0 or random_() < 0.7 else "them"
            kind = NATURES[nature]
            responded = None if nature == "thank_you" else (random_() < 0.75)
            rows.append((
                pid, day_text[ago], channel, direction, kind, nature, None if responded is None else int(responded),
                '["thank_you"]' if nature == "thank_you" else "[]",
                CHANNEL_MINUTES[channel], "", "", None, "demo", "", stamp))
            # A believable job seeker mostly thanks people for their help, mostly on time.
            helped = (direction == "me" and kind == "ask" and responded) or (direction == "them" and kind == "give")
            later = -1
            if helped and random_() < 0.8:
                later = ago - (randint(0, 2) if random_() < 0.85 else randint(3, 6))
            elif channel in spoken and thanks_random() < 0.85:
                # ... and thanks people after a conversation (a second stream: the first stays as it was).
                later = ago - thanks_randint(0, 1)
            if later >= 0:
                rows.append((pid, day_text[later], "email", "me", "neutral", "thank_you", None, '["thank_you"]',
                             CHANNEL_MINUTES["email"], "", "", None, "demo", "", stamp))
            if responded or channel in spoken:
                conversed = True
        return conversed


def _record(db: Database, interactions: list[tuple], stage_rows: list[tuple[str, str, int]], today: date) -> None:
    """The touches through the one write path, like every other touch: it moves people up the ladder and
    schedules the thank-yous of the last two weeks' conversations. Then the stages moved by hand."""
    with _indexes_rebuilt(db, "interactions", bulk=len(interactions) >= 10_000):
        record_touches(db, [dict(zip(INTERACTION_COLUMNS, t, strict=True)) for t in interactions], today=today,
                       refresh=False)
    db.conn.executemany("insert into stage_changes (person_id, day, from_stage, to_stage) "
                        "select id, ?, stage, ? from people where id = ?", [(d, st, p) for st, d, p in stage_rows])
    db.conn.executemany("update people set stage = ? where id = ?", [(st, p) for st, _, p in stage_rows])


def _date_rows(rng: random.Random, people: int, today: date) -> list[dict]:
    """Birthdays: one inside the next two weeks, one on 29 February, the rest spread over the year; and a
    work anniversary."""
    rows = []
    for pid in range(1, people + 1, 4):
        when = today + timedelta(days=rng.randint(0, 364))
        rows.append({"person_id": pid, "label": "birthday", "month": when.month, "day": when.day,
                     "year": rng.choice([None, 1985, 1990, 1993]), "note": "", "yearly": 1})
    soon = today + timedelta(days=5)
    rows.append({"person_id": 2, "label": "birthday", "month": soon.month, "day": soon.day,
                 "year": 1991, "note": "", "yearly": 1})
    rows.append({"person_id": 3, "label": "birthday", "month": 2, "day": 29, "year": 1992, "note": "",
                 "yearly": 1})
    work = today + timedelta(days=9)
    rows.append({"person_id": 5, "label": "work_anniversary", "month": work.month, "day": work.day,
                 "year": today.year - 3, "note": "3 years at the company", "yearly": 1})
    return rows


def _add_event(db: Database, today: date) -> None:
    """Yesterday's meetup and the two people met there."""
    event_id = add_event(db, name="Data Community Meetup: Analytics Engineering", day=today - timedelta(days=1),
                         place="Impact Hub", url="https://www.meetup.com/data-community-example/",
                         research="Speaker: Mei Chen (Head of Data, Northwind). Attendees: dbt users.",
                         pitch="I help teams ship trustworthy dashboards fast.")
    add_person_met(db, event_id, today=today, name="Jordan Blake", title="Analytics Lead", company="Globex",
                   note="Talked about dbt tests", details="Is hiring a junior analytics engineer in Q1")
    add_person_met(db, event_id, today=today, name="Ama Owusu", title="Data Engineer", company="Contoso",
                   note="Runs the local Python meetup")


def _add_goals(db: Database, today: date) -> None:
    add_goal(db, today=today, title="Meet 5 data leaders in fintech", metric="people_at_stage", target=5,
             stage="conversed", segment_industry="fintech", priority=1, due_on=today + timedelta(days=60),
             revisit_on=today + timedelta(days=14))
    add_goal(db, today=today, title="Hold 4 informational interviews this quarter", metric="interactions",
             target=4, interaction_nature="informational_interview", priority=1,
             start_on=today - timedelta(days=60), due_on=today + timedelta(days=30))
    add_goal(db, today=today, title="Give before asking: 10 gives this month", metric="interactions",
             target=10, interaction_kind="give", priority=2, start_on=today - timedelta(days=20),
             due_on=today + timedelta(days=10), revisit_on=today)


def _add_resources(db: Database) -> None:
    for title, url, tags in [
        ("The dbt Analytics Engineering Guide", "https://docs.getdbt.com/guides", "data,analytics"),
        ("Hiring without whiteboards (list of companies)", "https://github.com/poteto/hiring-without-whiteboards",
         "hiring,recruiter"),
        ("Climate tech job board", "https://climatebase.org", "climate"),
        ("The Mom Test (book)", "https://www.momtestbook.com", "product,founder"),
    ]:
        add_resource(db, title=title, url=url, tags=tags)


INTERACTION_COLUMNS = ("person_id", "day", "channel", "direction", "kind", "nature", "responded", "tags", "minutes",
                       "notes", "details", "event_id", "source", "source_uid", "created_at")


@contextlib.contextmanager
def _indexes_rebuilt(db: Database, table: str, bulk: bool):
    """For a bulk load into an empty table, build its indexes once afterwards instead of row by row.

    Inside the demo's transaction, so a failure rolls the indexes back with everything else.
    """
    indexes = db.execute("select name, sql from sqlite_master where type = 'index' and tbl_name = ? "
                         "and sql is not null", [table]).fetchall() if bulk else []
    for name, _ in indexes:
        db.execute(f'drop index "{name}"')
    yield
    for _, sql in indexes:
        db.execute(sql)


def _insert(db: Database, table: str, records: list, columns: tuple[str, ...] | None = None) -> None:
    """Insert many rows with one executemany: dicts (all with the same keys) or tuples in `columns` order."""
    if not records:
        return
    if columns is None:
        columns = tuple(records[0])
        records = [tuple(r[c] for c in columns) for r in records]
    db.conn.executemany(f"insert into {table} ({', '.join(columns)}) values ({placeholders(columns)})",
                        records)


CONNECTION_FIRST = [*FIRST, "Zara"]
POSITIONS = [title for title, _, _ in ROLES] + ["Software Engineer", "Talent Acquisition Partner",
                                               "Senior Product Manager", "Account Executive", "Coordinator"]


def connections_csv(count: int, seed: int = 16) -> bytes:
    """A LinkedIn Connections.csv of `count` people, as LinkedIn writes it (its notes lines first), with no
    industry or role: what a new user with a real network imports. Deterministic for a seed; names repeat
    ("Zara" is one first name in 37), each profile URL is unique."""
    rnd = random.Random(seed)
    companies = [name for name, _ in COMPANIES] + [f"Company {i}" for i in range(60)]
    lines = ["Notes:", ('"When exporting your connection data, you may notice that some of the email addresses '
                        'are missing."'), "", "First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    start = date(2015, 1, 1)
    for i in range(count):
        first, last = CONNECTION_FIRST[i % len(CONNECTION_FIRST)], rnd.choice(LAST)
        slug = f"{first}-{last}-{i}".lower().replace("'", "").replace(" ", "-")
        email = f"{slug}@example.com" if i % 5 == 0 else ""
        day = start + timedelta(days=rnd.randrange(3650))
        row = [first, last, f"https://www.linkedin.com/in/{slug}", email, rnd.choice(companies),
               rnd.choice(POSITIONS), day.strftime("%d %b %Y")]
        lines.append(",".join(f'"{c}"' if "," in c else c for c in row))
    return ("\n".join(lines) + "\n").encode("utf-8")
