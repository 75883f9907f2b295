"""The schema's history: Rapport's migrations (append-only, applied in this order) and the SQL that encodes a rule."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from core.vocab import CONVERSATION_CHANNELS, CONVERSATION_NATURES

migrations = Migrations("rapport")


# ---------------------------------------------------------------------------------------
# Migrations: append-only. Never edit or rename one that has shipped; add a new one.
# ---------------------------------------------------------------------------------------


@migrations()
def m001_initial_schema(db: Database) -> None:
    _run_script(db, SCHEMA_V1)


@migrations()
def m002_message_templates(db: Database) -> None:
    # Outreach templates the user can edit; an empty table means "use the shipped defaults".
    _run_script(db, """
    create table templates (
        purpose text primary key,
        subject text not null,
        body text not null,
        updated_at text not null
    )
    """)


@migrations()
def m003_followups_by_person(db: Database) -> None:
    # The target list looks up each shown person's next open follow-up.
    db.execute("create index if not exists followups_person_open on followups (person_id, status, due)")


@migrations()
def m004_indexes_for_goals_and_due(db: Database) -> None:
    # Goals count touches by kind or nature inside a window; Today and Targets look up open
    # follow-ups per person (measured by the benchmark: list_goals 312 -> 138 ms at 30,000 people).
    db.execute("create index if not exists interactions_kind_day on interactions (kind, day)")
    db.execute("create index if not exists interactions_nature_day on interactions (nature, day)")
    db.execute("create index if not exists followups_open_person_due on followups (person_id, due) "
               "where status = 'open'")


SCORE_COLUMNS = ("last_touch_on", "score", "score_status", "score_confidence", "score_reason", "scored_on")
COUNTED_TABLES = ("people", "companies", "interactions", "followups", "important_dates", "stage_changes", "events",
                  "event_people", "goals", "resources", "drafts", "templates", "settings")


@migrations()
def m005_change_counter(db: Database) -> None:
    # Pages cache expensive reads until the data changes. A counter bumped by triggers on every
    # write is exact and costs one read, where summaries over the tables cost 20-100 ms and could
    # miss an edit that changed no sum.
    db.execute("create table change_counter (id integer primary key check (id = 1), value integer not null)")
    db.execute("insert into change_counter (id, value) values (1, 0)")
    for table in COUNTED_TABLES:
        for event in ("insert", "update", "delete"):
            columns = ""
            if table == "people" and event == "update":
                # The stored scores change only with the interactions or the daily refresh's
                # settings write, which count already; the refresh rewrites 30,000 of them.
                columns = " of " + ", ".join(c for c in db.table("people").columns_dict if c not in SCORE_COLUMNS)
            db.execute(f"create trigger {table}_counted_{event} after {event}{columns} on {table} begin "
                       "update change_counter set value = value + 1 where id = 1; end")



@migrations()
def m006_scores_table(db: Database) -> None:
    # The daily refresh rewrites every person's score reason ("last touch 40 days ago" changes each
    # day); rewriting 30,000 wide people rows took 0.5 s of its 1.0-1.4 s. Derived scores move to a
    # narrow table of their own, one row per person kept by triggers (measured: 30,000 reason
    # updates 0.48 s in people, 0.16 s here, commit included).
    db.execute("""create table scores (
        person_id integer primary key references people(id) on delete cascade,
        score integer,
        score_status text not null default 'not_in_touch',
        score_confidence text not null default 'low',
        score_reason text not null default 'Not in touch yet.',
        last_touch_on text,
        scored_on text
    )""")
    db.execute("insert into scores (person_id, score, score_status, score_confidence, score_reason, last_touch_on, "
               "scored_on) select id, score, score_status, score_confidence, score_reason, last_touch_on, scored_on "
               "from people")
    db.execute("create index scores_score on scores (score)")
    # Triggers rather than code paths: every way a person is added (forms, imports, the demo, a merge,
    # the sqlite3 shell) gets a row, and every way one is deleted takes it away.
    db.execute("create trigger people_scored after insert on people begin "
               "insert into scores (person_id) values (new.id); end")
    db.execute("create trigger people_unscored after delete on people begin "
               "delete from scores where person_id = old.id; end")
    db.execute("drop index if exists people_score")
    for column in SCORE_COLUMNS:
        db.execute(f"alter table people drop column {column}")


def evidence_sql(row: str = "") -> str:
    """A touch as the one integer that scoring and insights read (the `evidence` column, m007).

    julian day << 10 | direction << 8 (me 0, them 1, unknown 2, else 3) | kind << 6 (ask 0, give 1,
    neutral 2, else 3) | reply << 4 (unknown 0, yes 1, no 2) | 8 for a conversation (a call, video,
    meeting in person or at an event, or an informational interview) | tag bits: 1 thank-you, 2
    informational interview, 4 tags that are not a JSON list of strings. A day julianday() cannot read
    gives day 0. `row` prefixes the columns ("new." in a trigger). Built-in SQL only, so the triggers run
    in any SQLite, the sqlite3 shell included. The triggers keep the text this returned when they were
    made: a change here needs a migration that remakes them and recomputes the column.
    """
    def c(name: str) -> str:
        return f"{row}{name}"

    channels = ", ".join(f"'{x}'" for x in sorted(CONVERSATION_CHANNELS))
    natures = ", ".join(f"'{x}'" for x in sorted(CONVERSATION_NATURES))
    tags = c("tags")
    return (
        f"((case when length({c('day')}) = 10 then coalesce(cast(julianday({c('day')}) as integer), 0) else 0 end << 10) "
        f"| (case {c('direction')} when 'me' then 0 when 'them' then 256 when 'unknown' then 512 else 768 end) "
        f"| (case {c('kind')} when 'ask' then 0 when 'give' then 64 when 'neutral' then 128 when '' then 128 "
        "else 192 end) "
        f"| (case when {c('responded')} is null then 0 when {c('responded')} then 16 else 32 end) "
        f"| (case when {c('channel')} in ({channels}) or {c('nature')} in ({natures}) then 8 else 0 end) "
        f"| (case {c('nature')} when 'thank_you' then 1 when 'informational_interview' then 2 else 0 end) "
        f"| (case when {tags} is null or {tags} in ('', '[]') then 0 when {tags} = '[\"thank_you\"]' then 1 "
        f"when json_valid({tags}) and json_type({tags}) = 'array' then coalesce((select case when sum(type != 'text') "
        f"then 4 else max(value = 'thank_you') + 2 * max(value = 'informational_interview') end "
        f"from json_each({tags})), 0) else 4 end))"
    )


@migrations()
def m007_interaction_evidence(db: Database) -> None:
    # Scoring everyone read each touch through seven CASE expressions and julianday(): 0.2-0.4 s of
    # the daily refresh at 350,000 touches. The same integer, kept by triggers on every write, is read
    # in a fraction of that (the bare column: 35-50 ms).
    db.execute("alter table interactions add column evidence integer")
    db.execute(f"update interactions set evidence = {evidence_sql()}")
    body = f"begin update interactions set evidence = {evidence_sql('new.')} where id = new.id; end"
    db.execute(f"create trigger interactions_evidence_insert after insert on interactions {body}")
    db.execute("create trigger interactions_evidence_update after update of day, channel, direction, kind, "
               f"nature, responded, tags on interactions {body}")


@migrations()
def m008_followups_by_reason(db: Database) -> None:
    # Today counts the open thank-yous and lists the coming dates on every run; with only a (status,
    # due) index that meant 30,000 open check-ins looked up one by one (44 ms and 13 ms at 30,000
    # people; 3 and 6 ms with this index).
    db.execute("create index if not exists followups_by_reason on followups (reason, status, due)")

@migrations()
def m012_followup_done_by(db: Database) -> None:
    # "Done" records the touch a follow-up stands for (a thank-you, a check-in); the follow-up keeps which
    # one, so every completed follow-up can be traced to the log.
    db.execute("alter table followups add column done_interaction_id integer "
               "references interactions(id) on delete set null")


@migrations()
def m010_contact_alternates(db: Database) -> None:
    # A person can have several emails, phones, titles and links: a merge keeps the second record's as
    # alternates instead of dropping them, and mail import matches people on every address they have.
    db.execute("""create table person_alternates (
        id integer primary key,
        person_id integer not null references people(id) on delete cascade,
        field text not null,
        value text not null,
        source text not null default 'manual',
        created_at text not null
    )""")
    db.execute("create unique index person_alternates_unique on person_alternates "
               "(person_id, field, value collate nocase)")
    db.execute("create index person_alternates_value on person_alternates (field, value collate nocase)")
    for event in ("insert", "update", "delete"):  # pages' caches see these writes too (m005)
        db.execute(f"create trigger person_alternates_counted_{event} after {event} on person_alternates begin "
                   "update change_counter set value = value + 1 where id = 1; end")


@migrations()
def m009_checkin_pause(db: Database) -> None:
    # The guardrail pauses a person's check-ins while their last messages go unanswered (SCORING.md §4.8.4);
    # "Try once more" lifts it from that day until a message sent since goes unanswered too. The day it was
    # lifted is kept beside the person's score.
    db.execute("alter table scores add column checkin_resume_on text")


@migrations()
def m013_people_target(db: Database) -> None:
    # "This person is a target": a flag the Targets page filters on and bulk actions set for hundreds of
    # people at once. The change counter's people trigger (m005) names the columns it watches, so the new
    # column gets a trigger of its own. The last bulk edit is kept (what each row was before, as JSON) so
    # that one undo puts back exactly what it changed.
    db.execute("alter table people add column target integer not null default 0")
    db.execute("create trigger people_target_counted after update of target on people begin "
               "update change_counter set value = value + 1 where id = 1; end")
    db.execute("""create table bulk_edits (
        id integer primary key,
        created_at text not null,
        summary text not null,
        changes text not null,
        undone_at text
    )""")


@migrations()
def m014_opportunities(db: Database) -> None:
    # Issue 18: the roles the user pursues (a pipeline of stages), the people around each one with their
    # role, and each one's timeline (stage changes, interviews, people linked). Deadlines and check-ins
    # are follow-ups (reason 'opportunity', dedupe key 'opportunity:<id>:...'), so Today, the board, the
    # calendar and the .ics export show them with no table of their own.
    _run_script(db, """
    create table opportunities (
        id integer primary key,
        company_id integer references companies(id) on delete set null,
        title text not null,
        link text not null default '',
        source text not null default 'other',
        salary_min integer,
        salary_max integer,
        salary_currency text not null default '',
        notes text not null default '',
        found_on text,
        deadline text,
        stage text not null default 'researching',
        closed_reason text not null default '',
        created_at text not null,
        updated_at text not null
    );
    create index opportunities_stage on opportunities (stage, updated_at);
    create index opportunities_company on opportunities (company_id);
    create table opportunity_people (
        opportunity_id integer not null references opportunities(id) on delete cascade,
        person_id integer not null references people(id) on delete cascade,
        role text not null,
        created_at text not null,
        primary key (opportunity_id, person_id, role)
    );
    create index opportunity_people_person on opportunity_people (person_id);
    create table opportunity_timeline (
        id integer primary key,
        opportunity_id integer not null references opportunities(id) on delete cascade,
        day text not null,
        kind text not null,
        from_stage text not null default '',
        to_stage text not null default '',
        person_id integer references people(id) on delete set null,
        interaction_id integer references interactions(id) on delete set null,
        note text not null default '',
        created_at text not null
    );
    create index opportunity_timeline_opportunity on opportunity_timeline (opportunity_id, day)
    """)
    for table in ("opportunities", "opportunity_people", "opportunity_timeline"):
        for event in ("insert", "update", "delete"):  # pages' caches see these writes too (m005)
            db.execute(f"create trigger {table}_counted_{event} after {event} on {table} begin "
                       "update change_counter set value = value + 1 where id = 1; end")


def _run_script(db: Database, script: str) -> None:
    # executescript() would COMMIT the migration's transaction first; run statement by statement.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


SCHEMA_V1 = """
create table settings (
    key text primary key,
    value text not null
);
create table companies (
    id integer primary key,
    name text not null,
    industry text not null default '',
    website text not null default '',
    culture text not null default '',
    company_values text not null default '',
    hiring_notes text not null default '',
    notes text not null default '',
    checked_website integer not null default 0,
    checked_news integer not null default 0,
    checked_social integer not null default 0,
    archived_at text,
    created_at text not null,
    updated_at text not null
);
create unique index companies_name on companies (name collate nocase);
create table people (
    id integer primary key,
    name text not null,
    title text not null default '',
    company_id integer references companies(id) on delete set null,
    email text not null default '',
    phone text not null default '',
    linkedin_url text not null default '',
    website text not null default '',
    location text not null default '',
    industry text not null default '',
    role text not null default '',
    seniority text not null default '',
    how_met text not null default '',
    met_via text not null default '',
    tags text not null default '[]',
    stage text not null default 'stranger',
    tier text not null default 'network',
    cadence_days integer,
    common_ground text not null default '',
    needs text not null default '',
    details text not null default '',
    notes text not null default '',
    source text not null default 'manual',
    source_uid text not null default '',
    connected_on text,
    archived_at text,
    created_at text not null,
    updated_at text not null,
    last_touch_on text,
    score integer,
    score_status text not null default 'not_in_touch',
    score_confidence text not null default 'low',
    score_reason text not null default 'Not in touch yet.',
    scored_on text
);
create index people_company on people (company_id);
create index people_stage on people (stage);
create index people_score on people (score);
create index people_linkedin on people (linkedin_url) where linkedin_url != '';
create index people_email on people (email collate nocase) where email != '';
create index people_name on people (name collate nocase);
create table stage_changes (
    id integer primary key,
    person_id integer not null references people(id) on delete cascade,
    day text not null,
    from_stage text not null,
    to_stage text not null
);
create index stage_changes_person on stage_changes (person_id);
create index stage_changes_day on stage_changes (day);
create table events (
    id integer primary key,
    name text not null,
    day text not null,
    place text not null default '',
    url text not null default '',
    research text not null default '',
    pitch text not null default '',
    notes text not null default '',
    created_at text not null,
    updated_at text not null
);
create table event_people (
    event_id integer not null references events(id) on delete cascade,
    person_id integer not null references people(id) on delete cascade,
    note text not null default '',
    primary key (event_id, person_id)
);
create index event_people_person on event_people (person_id);
create table interactions (
    id integer primary key,
    person_id integer not null references people(id) on delete cascade,
    day text not null,
    channel text not null,
    direction text not null,
    kind text not null,
    nature text not null default '',
    responded integer,
    tags text not null default '[]',
    minutes integer not null default 0,
    notes text not null default '',
    details text not null default '',
    event_id integer references events(id) on delete set null,
    source text not null default 'manual',
    source_uid text not null default '',
    created_at text not null
);
create index interactions_person_day on interactions (person_id, day);
create index interactions_day on interactions (day);
create unique index interactions_source_uid on interactions (source, source_uid) where source_uid != '';
create table important_dates (
    id integer primary key,
    person_id integer not null references people(id) on delete cascade,
    label text not null,
    month integer not null check (month between 1 and 12),
    day integer not null check (day between 1 and 31),
    year integer,
    note text not null default '',
    yearly integer not null default 1
);
create index important_dates_person on important_dates (person_id);
create table followups (
    id integer primary key,
    person_id integer references people(id) on delete cascade,
    reason text not null,
    due text not null,
    status text not null default 'open',
    title text not null default '',
    dedupe_key text not null,
    interaction_id integer references interactions(id) on delete cascade,
    date_id integer references important_dates(id) on delete cascade,
    event_id integer references events(id) on delete set null,
    anchor_on text,
    snoozes integer not null default 0,
    created_at text not null,
    closed_on text
);
create unique index followups_dedupe on followups (dedupe_key);
create index followups_open_due on followups (status, due);
create index followups_person on followups (person_id);
create table goals (
    id integer primary key,
    title text not null,
    metric text not null,
    target integer not null check (target > 0),
    stage text not null default '',
    interaction_kind text not null default '',
    interaction_nature text not null default '',
    segment_industry text not null default '',
    segment_role text not null default '',
    segment_seniority text not null default '',
    segment_company_id integer references companies(id) on delete set null,
    segment_tag text not null default '',
    priority integer not null default 2,
    start_on text not null,
    due_on text not null,
    revisit_on text,
    status text not null default 'open',
    closed_on text,
    notes text not null default '',
    created_at text not null,
    updated_at text not null
);
create table resources (
    id integer primary key,
    title text not null,
    url text not null default '',
    tags text not null default '[]',
    note text not null default '',
    created_at text not null
);
create table drafts (
    id integer primary key,
    person_id integer references people(id) on delete cascade,
    other_person_id integer references people(id) on delete set null,
    purpose text not null,
    subject text not null default '',
    body text not null default '',
    status text not null default 'draft',
    interaction_id integer references interactions(id) on delete set null,
    created_at text not null,
    updated_at text not null
);
create index drafts_person on drafts (person_id);
"""
