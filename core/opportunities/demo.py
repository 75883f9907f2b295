"""The demo's pipeline: a handful of believable opportunities with their people (one interviewing, with
yesterday's interview and its thank-yous), then, for benchmarks, as many more as asked for."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlite_utils import Database

from core.db import now_iso, rows
from core.opportunities.pipeline import (
    OPEN_STAGES,
    SOURCES,
    add_opportunity,
    close_opportunity,
    link_person,
    log_interview,
    move_stage,
)

# (title, company, source, stages it went through (with days ago), [(role, nth person at the company)], deadline in)
BELIEVABLE = [
    ("Analytics Engineer", "Northwind Analytics", "referral", [("referred", 20), ("applied", 14)],
     [("referrer", 0), ("interviewer", 1), ("interviewer", 2), ("hiring_manager", 2)], None),
    ("Senior Data Analyst", "Globex", "recruiter", [("applied", 3)], [("recruiter", 0), ("insider", 1)], None),
    ("Data Engineer", "Contoso", "network", [("networking", 9)], [("insider", 0)], 6),
    ("Analytics Lead", "Stark Labs", "cold_application", [], [], 12),
    ("BI Developer", "Initech", "cold_application", [("applied", 40)], [], None),
    ("Data Platform Engineer", "Wayne Fintech", "referral", [("networking", 15), ("referred", 5)], [("referrer", 0)],
     None),
]


def seed_pipeline(db: Database, today: date, count: int, seed: int = 18) -> int:
    """Add `count` opportunities (the believable ones first); returns how many. Runs inside the demo's
    transaction: the believable ones through the core API, the rest as plain rows for benchmark sizes."""
    made = 0
    for title, company, source, moves, links, deadline in BELIEVABLE[:count]:
        oid = add_opportunity(db, today=today - timedelta(days=30), title=title, company=company, source=source,
                              link=f"https://jobs.example.com/{company.lower().replace(' ', '-')}/{made + 1}",
                              deadline=today + timedelta(days=deadline) if deadline else None,
                              notes="Found on the company's careers page." if source == "cold_application" else "")
        staff = [r["id"] for r in rows(db, "select p.id from people p join companies c on c.id = p.company_id "
                                           "where c.name = ? order by p.id limit 3", [company])]
        for role, nth in links:
            if nth < len(staff):
                link_person(db, oid, staff[nth], role, today - timedelta(days=25))
        for stage, ago in moves:
            move_stage(db, oid, stage, today - timedelta(days=ago))
        if title == "BI Developer":
            close_opportunity(db, oid, "rejected", today - timedelta(days=20))
        if title == "Analytics Engineer" and len(staff) >= 3:
            log_interview(db, oid, day=today - timedelta(days=1), channel="video", today=today,
                          person_ids=staff[1:3], notes="Talked through the dbt project and the team's on-call.")
        made += 1
    extra = count - made
    if extra > 0:
        made += _bulk(db, today, extra, seed)
    return made


def _bulk(db: Database, today: date, count: int, seed: int) -> int:
    rng = random.Random(seed)
    companies = [c for (c,) in db.execute("select id from companies order by id")]
    max_person = db.execute("select max(id) from people").fetchone()[0] or 0
    start = db.execute("select coalesce(max(id), 0) from opportunities").fetchone()[0]
    stamp = now_iso()
    stages = [*OPEN_STAGES, "closed"]
    opp_rows, links, steps = [], [], []
    for k in range(count):
        oid = start + k + 1
        stage = rng.choices(stages, [4, 3, 1, 4, 2, 1, 5])[0]
        found = today - timedelta(days=rng.randint(0, 200))
        reason = rng.choice(["rejected", "went_quiet", "declined", "hired"]) if stage == "closed" else ""
        opp_rows.append((oid, rng.choice(companies), f"Role {oid:05d}", rng.choice(list(SOURCES)), found.isoformat(),
                         stage, reason, stamp, (found + timedelta(days=rng.randint(0, 30))).isoformat()))
        steps.append((oid, found.isoformat(), "stage", "", stage, stamp))
        for role in rng.sample(["recruiter", "referrer", "insider", "interviewer"], rng.randint(0, 2)):
            if max_person:
                links.append((oid, rng.randint(1, max_person), role, stamp))
    db.conn.executemany("insert into opportunities (id, company_id, title, source, found_on, stage, closed_reason, "
                        "created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", opp_rows)
    db.conn.executemany("insert or ignore into opportunity_people (opportunity_id, person_id, role, created_at) "
                        "values (?, ?, ?, ?)", links)
    db.conn.executemany("insert into opportunity_timeline (opportunity_id, day, kind, from_stage, to_stage, "
                        "created_at) values (?, ?, ?, ?, ?, ?)", steps)
    return count
