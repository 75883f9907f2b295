"""Opportunities: stages, people linked with a role, the follow-ups each stage schedules, the
referral-ask check, who do I know here, the tracker import, the insights and the export."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import followups, interactions, opportunities, people
from core.contacts import add_alternate
from core.db import rows, scalar
from core.errors import NotFound, ValidationError
from core.opportunities import tracker_csv


def _person(db, name, company="Globex", today=None, **fields):
    return people.add_person(db, name=name, company=company, today=today, **fields)


def _opp(db, today, **fields):
    return opportunities.add_opportunity(db, today=today, **{"title": "Analytics Engineer", "company": "Globex",
                                                              **fields})


def _open_followups(db):
    return rows(db, "select person_id, reason, due, title, dedupe_key from followups where status = 'open' "
                    "order by due, id")


# --- Stages ------------------------------------------------------------------------------------


def test_an_opportunity_starts_researching_and_moves_through_stages_with_a_timeline(db, today):
    oid = _opp(db, today, link="globex.example.com/jobs/1", salary_min=70000, salary_max=80000,
               salary_currency="EUR")
    opp = opportunities.get_opportunity(db, oid)
    assert (opp["stage"], opp["company"], opp["link"]) == ("researching", "Globex", "https://globex.example.com/jobs/1")
    assert opportunities.salary_text(opp) == "70,000–80,000 EUR"

    opportunities.move_stage(db, oid, "networking", today)
    opportunities.move_stage(db, oid, "applied", today + timedelta(days=1))
    opportunities.close_opportunity(db, oid, "rejected", today + timedelta(days=2))

    steps = [(t["from_stage"], t["to_stage"]) for t in reversed(opportunities.timeline(db, oid)) if t["kind"] == "stage"]
    assert steps == [("", "researching"), ("researching", "networking"), ("networking", "applied"),
                     ("applied", "closed")]
    closed = opportunities.get_opportunity(db, oid)
    assert (closed["stage"], closed["closed_reason"]) == ("closed", "rejected")
    opportunities.move_stage(db, oid, "interviewing", today)  # reopening clears why it closed
    assert opportunities.get_opportunity(db, oid)["closed_reason"] == ""


@pytest.mark.parametrize("fields, message", [
    ({"title": "  "}, "Role title"),
    ({"company": ""}, "Company"),
    ({"link": "javascript:alert(1)"}, "Link"),
    ({"source": "carrier pigeon"}, "Where it came from"),
    ({"salary_min": 90000, "salary_max": 80000}, "lowest salary is above"),
    ({"salary_min": -5}, "Lowest salary"),
    ({"found_on": "2999-01-01"}, "future"),
    ({"deadline": "next friday"}, "Deadline"),
])
def test_a_bad_field_is_refused_and_nothing_is_written(db, today, fields, message):
    with pytest.raises(ValidationError, match=message):
        _opp(db, today, **fields)
    assert scalar(db, "select count(*) from opportunities") == 0
    assert scalar(db, "select count(*) from companies") == 0


def test_closing_needs_a_reason_and_a_stage_must_be_real(db, today):
    oid = _opp(db, today)
    with pytest.raises(ValidationError, match="say why"):
        opportunities.move_stage(db, oid, "closed", today)
    with pytest.raises(ValidationError, match="Why it closed"):
        opportunities.close_opportunity(db, oid, "bored", today)
    with pytest.raises(ValidationError, match="Stage"):
        opportunities.move_stage(db, oid, "hired", today)
    with pytest.raises(ValidationError, match="already at researching"):
        opportunities.move_stage(db, oid, "researching", today)
    with pytest.raises(NotFound):
        opportunities.move_stage(db, oid + 1, "applied", today)
    assert len(opportunities.timeline(db, oid)) == 1


# --- People ------------------------------------------------------------------------------------


def test_people_are_linked_with_a_role_and_unlinked(db, today):
    oid = _opp(db, today)
    ana, ben = _person(db, "Ana Reyes"), _person(db, "Ben Novak", company="Initech")
    assert opportunities.link_person(db, oid, ana, "recruiter", today)
    assert opportunities.link_person(db, oid, ana, "interviewer", today)  # one person, two roles
    assert not opportunities.link_person(db, oid, ana, "recruiter", today)  # the same link twice: no change
    opportunities.link_person(db, oid, ben, "insider", today)
    assert {(p["name"], p["role"]) for p in opportunities.people_of(db, oid)} == {
        ("Ana Reyes", "recruiter"), ("Ana Reyes", "interviewer"), ("Ben Novak", "insider")}
    assert [o["role"] for o in opportunities.opportunities_of(db, ben)] == ["insider"]

    opportunities.unlink_person(db, oid, ana, "interviewer", today)
    assert {(p["name"], p["role"]) for p in opportunities.people_of(db, oid)} == {
        ("Ana Reyes", "recruiter"), ("Ben Novak", "insider")}
    with pytest.raises(ValidationError, match="Their role"):
        opportunities.link_person(db, oid, ben, "best friend", today)
    with pytest.raises(NotFound):
        opportunities.link_person(db, oid, ben + 99, "insider", today)
    with pytest.raises(NotFound):
        opportunities.unlink_person(db, oid, ben, "recruiter", today)


# --- Follow-ups each stage schedules --------------------------------------------------------------


def test_applied_schedules_a_check_in_with_the_recruiter_and_referrer_a_week_later(db, today):
    oid = _opp(db, today)
    rec, ref, ins = _person(db, "Ana Recruiter"), _person(db, "Ben Referrer"), _person(db, "Cleo Insider")
    opportunities.link_person(db, oid, rec, "recruiter", today)
    opportunities.link_person(db, oid, ref, "referrer", today)
    opportunities.link_person(db, oid, ins, "insider", today)
    assert not [f for f in _open_followups(db) if f["reason"] == "opportunity"]

    made = opportunities.move_stage(db, oid, "applied", today)

    checkins = [f for f in _open_followups(db) if f["reason"] == "opportunity"]
    assert len(made["checkins"]) == 2
    assert {f["person_id"] for f in checkins} == {rec, ref}
    assert {f["due"] for f in checkins} == {(today + timedelta(days=7)).isoformat()}
    assert "Check in with Ana Recruiter about your Analytics Engineer application" in next(f for f in checkins
                                                                    if f["person_id"] == rec)["title"]
    # Moving away and back again does not schedule them twice; a recruiter linked later gets one.
    opportunities.move_stage(db, oid, "referred", today)
    opportunities.move_stage(db, oid, "applied", today)
    late = _person(db, "Dee Late")
    opportunities.link_person(db, oid, late, "recruiter", today)
    assert len([f for f in _open_followups(db) if f["reason"] == "opportunity"]) == 3
    # Done on one records a check-in touch with that person (the one write path).
    [fid] = [f["id"] for f in followups.for_person(db, rec, today) if f["reason"] == "opportunity"]
    touch = interactions.complete_followup(db, fid, today)
    assert rows(db, "select nature, person_id from interactions where id = ?", [touch]) == [
        {"nature": "check_in", "person_id": rec}]


def test_a_deadline_is_a_follow_up_until_applied_and_reaches_the_calendar_and_ics(db, today):
    from core import exporters

    deadline = today + timedelta(days=5)
    oid = _opp(db, today, deadline=deadline)
    [f] = _open_followups(db)
    assert (f["person_id"], f["reason"], f["due"]) == (None, "opportunity", deadline.isoformat())
    assert f["title"] == "Deadline: apply for Analytics Engineer at Globex"
    assert [d["id"] for d in opportunities.upcoming_deadlines(db, today)] == [oid]
    assert any(i["title"] == f["title"] for i in followups.calendar_feed(db, today))
    assert b"Deadline: apply for Analytics Engineer at Globex" in exporters.calendar_ics(db, today)

    opportunities.update_opportunity(db, oid, today=today, deadline=today + timedelta(days=9))
    assert [f["due"] for f in _open_followups(db)] == [(today + timedelta(days=9)).isoformat()]
    opportunities.move_stage(db, oid, "applied", today)
    assert _open_followups(db) == []
    assert opportunities.upcoming_deadlines(db, today) == []
    assert scalar(db, "select status from followups where reason = 'opportunity'") == "done"


def test_a_deadline_due_today_is_on_today(db, today):
    _opp(db, today, deadline=today)
    now = followups.due_now(db, today)
    assert now["today"] == 1
    assert [i["title"] for i in now["items"]] == ["Deadline: apply for Analytics Engineer at Globex"]


def test_an_interview_records_touches_and_a_thank_you_to_each_interviewer_within_24_hours(db, today):
    oid = _opp(db, today)
    ana, ben = _person(db, "Ana Reyes"), _person(db, "Ben Novak")
    opportunities.link_person(db, oid, ana, "interviewer", today)
    opportunities.move_stage(db, oid, "applied", today)
    day = today - timedelta(days=1)

    done = opportunities.log_interview(db, oid, day=day, channel="video", today=today, person_ids=[ana, ben])

    logged = rows(db, "select id, person_id, channel, nature, tags from interactions order by person_id")
    assert [(r["person_id"], r["channel"], r["nature"]) for r in logged] == [(ana, "video", "meeting"),
                                                                           (ben, "video", "meeting")]
    assert all('"interview"' in r["tags"] for r in logged)
    thanks = [f for f in _open_followups(db) if f["reason"] == "thank_you"]
    assert {f["person_id"] for f in thanks} == {ana, ben}
    assert {f["due"] for f in thanks} == {(day + timedelta(days=1)).isoformat()}  # within 24 hours
    assert len(done["thank_yous"]) == 2
    assert {f["person_id"] for f in followups.thank_you_window(db, today)} == {ana, ben}
    assert opportunities.get_opportunity(db, oid)["stage"] == "interviewing"
    assert {p["role"] for p in opportunities.people_of(db, oid) if p["id"] == ben} == {"interviewer"}
    assert people.get_person(db, ana)["stage"] == "conversed"  # the ladder moved, as for any conversation
    assert {f["person_id"] for f in opportunities.followups_of(db, oid) if f["reason"] == "thank_you"} == {ana, ben}


@pytest.mark.parametrize("kwargs, message", [
    ({"channel": "email"}, "call, a video call or a meeting"),
    ({"day": "2999-01-01"}, "future"),
    ({"person_ids": []}, "Who interviewed you"),
])
def test_a_bad_interview_is_refused_and_logs_nothing(db, today, kwargs, message):
    oid = _opp(db, today)
    ana = _person(db, "Ana Reyes")
    with pytest.raises(ValidationError, match=message):
        opportunities.log_interview(db, oid, **{"day": today, "channel": "video", "today": today,
                                                "person_ids": [ana], **kwargs})
    assert scalar(db, "select count(*) from interactions") == 0
    assert opportunities.get_opportunity(db, oid)["stage"] == "researching"


def test_closing_closes_its_follow_ups_and_deleting_removes_them(db, today):
    oid = _opp(db, today, deadline=today + timedelta(days=3))
    other = _opp(db, today, title="Data Engineer", deadline=today + timedelta(days=4))
    opportunities.close_opportunity(db, oid, "went_quiet", today)
    assert [f["title"] for f in _open_followups(db)] == ["Deadline: apply for Data Engineer at Globex"]
    opportunities.delete_opportunity(db, other)
    assert _open_followups(db) == []
    assert scalar(db, "select count(*) from opportunity_timeline where opportunity_id = ?", [other]) == 0


def test_a_new_opportunity_given_a_deleted_ones_id_still_schedules_its_check_ins(db, today):
    recruiter = _person(db, "Rita Recruiter")
    oid = _opp(db, today)
    opportunities.link_person(db, oid, recruiter, "recruiter", today)
    opportunities.move_stage(db, oid, "applied", today)
    opportunities.close_opportunity(db, oid, "went_quiet", today)  # its check-in is closed, not deleted
    opportunities.delete_opportunity(db, oid)

    again = _opp(db, today, title="Data Engineer")
    assert again == oid  # SQLite reuses the newest deleted id
    opportunities.link_person(db, again, recruiter, "recruiter", today)
    made = opportunities.move_stage(db, again, "applied", today)

    assert made["checkins"] and [f["title"] for f in opportunities.followups_of(db, again)] == [
        "Check in with Rita Recruiter about your Data Engineer application"]


# --- Who do I know here, and the referral-ask check --------------------------------------------------


def _warm(db, person_id, today, n=3):
    for k in range(n):
        interactions.log_interaction(db, person_id, day=today - timedelta(days=10 * k + 2), channel="video",
                                     direction="them", nature="conversation", today=today)


def test_who_do_i_know_ranks_people_there_and_finds_the_second_step(db, today):
    oid = _opp(db, today)
    company_id = opportunities.get_opportunity(db, oid)["company_id"]
    warm, cold = _person(db, "Wanda Warm"), _person(db, "Carl Cold")
    _warm(db, warm, today)
    alumna = _person(db, "Olga Alumna", company="Initech")
    add_alternate(db, alumna, "company", "Globex")
    colleague = _person(db, "Pete Past", company="Fabrikam")  # Wanda used to work at Fabrikam too
    add_alternate(db, warm, "company", "Fabrikam")
    intro = _person(db, "Ivan Intro", company="Contoso")
    people.update_person(db, cold, met_via="Ivan Intro", today=today)
    stranger = _person(db, "Sam Stranger", company="Umbrella")

    found = opportunities.who_do_i_know(db, company_id)

    assert [p["id"] for p in found["direct"]] == [warm, cold]  # warmest first
    second = {p["id"]: p["via"] for p in found["second"]}
    assert second[alumna] == "Used to work at Globex"
    assert second[colleague] == "Worked at Fabrikam, like Wanda Warm (at Globex now)"
    assert second[intro] == "Introduced you to Carl Cold"
    assert stranger not in second and warm not in second
    assert opportunities.who_do_i_know(db, None) == {"direct": [], "second": []}


def test_a_referral_ask_to_a_cold_or_one_way_relationship_is_flagged_with_a_warmer_path(db, today):
    oid = _opp(db, today)
    warm, cold = _person(db, "Wanda Warm"), _person(db, "Carl Cold")
    _warm(db, warm, today)
    interactions.log_interaction(db, cold, day=today - timedelta(days=20), channel="email", kind="neutral",
                                 responded=False, today=today)

    check = opportunities.referral_check(db, cold, today, oid)

    assert not check["ok"]
    assert "Carl Cold is one-way so far" in check["reasons"][0]
    assert [p["id"] for p in check["warmer"]] == [warm]
    assert check["give_first_purpose"] == "share_resource"
    ok = opportunities.referral_check(db, warm, today, oid)
    assert ok["ok"] and ok["reasons"] == [] and ok["warmer"] == []


def test_three_asks_in_a_row_are_flagged_even_when_the_relationship_is_warm(db, today):
    oid = _opp(db, today)
    warm = _person(db, "Wanda Warm")
    _warm(db, warm, today)
    for k, nature in enumerate(("advice", "job_lead", "referral")):
        interactions.log_interaction(db, warm, day=today - timedelta(days=k), channel="email", nature=nature,
                                     responded=True, today=today)
    check = opportunities.referral_check(db, warm, today, oid)
    assert not check["ok"]
    assert check["asks_in_a_row"] == 3
    assert "last 3 messages to Wanda Warm were all asks" in " ".join(check["reasons"])


# --- Insights --------------------------------------------------------------------------------------


def test_source_funnel_counts_how_far_each_source_got(db, today):
    a = _opp(db, today, source="referral")
    b = _opp(db, today, title="B", source="referral")
    c = _opp(db, today, title="C", source="cold_application")
    opportunities.move_stage(db, a, "applied", today)
    opportunities.move_stage(db, a, "interviewing", today)
    opportunities.move_stage(db, a, "offer", today)
    opportunities.close_opportunity(db, a, "hired", today)
    opportunities.move_stage(db, b, "applied", today)
    opportunities.close_opportunity(db, c, "rejected", today)

    funnel = {f["source"]: f for f in opportunities.source_funnel(db)}
    assert {k: funnel["referral"][k] for k in ("total", "applied", "interviewing", "offer", "hired")} == {
        "total": 2, "applied": 2, "interviewing": 1, "offer": 1, "hired": 1}
    assert (funnel["cold_application"]["total"], funnel["cold_application"]["applied"]) == (1, 0)
    assert [f["source"] for f in opportunities.source_funnel(db)] == ["referral", "cold_application"]


def test_referral_asks_to_one_way_or_cold_relationships_are_counted(db, today):
    warm, stranger, lapsed = _person(db, "Wanda"), _person(db, "Stan"), _person(db, "Lara")
    _warm(db, warm, today)
    interactions.log_interaction(db, lapsed, day=today - timedelta(days=400), channel="phone", today=today)
    for pid in (warm, stranger, lapsed):
        interactions.log_interaction(db, pid, day=today, channel="email", nature="referral", today=today)
    found = opportunities.referral_asks_to_cold(db, today)
    assert (found["asks"], found["cold"]) == (3, 2)
    assert {p["id"]: p["why"].split(":")[0] for p in found["people"]} == {stranger: "one-way", lapsed: "cold"}


# --- Import and export --------------------------------------------------------------------------------

HUNTR = (b"Company,Job Title,URL,List,Salary,Date Added,Deadline,Notes\r\n"
         b"Globex,Data Engineer,https://globex.example.com/j/1,Applied,\"$120,000 - $150,000\",2026-11-01,,hi\r\n"
         b"Initech,Analyst,,Wishlist,70k-80k EUR,11/20/2026,2026-12-10,\r\n"
         b"Contoso,PM,,Rejected,,,,\r\n")


def test_a_huntr_csv_is_previewed_then_imported_all_at_once(db, today):
    plan = tracker_csv.preview(db, HUNTR, today)
    assert plan["format"] == "Huntr"
    assert plan["mapping"]["Job Title"] == "title" and plan["mapping"]["List"] == "stage"
    assert (plan["new"], plan["already"], plan["problems"]) == (3, 0, [])
    assert scalar(db, "select count(*) from opportunities") == 0  # a preview writes nothing

    result = tracker_csv.import_rows(db, HUNTR, today)

    assert result["new"] == 3
    found = {o["title"]: o for o in opportunities.list_opportunities(db)[0]}
    assert (found["Data Engineer"]["stage"], found["Data Engineer"]["salary_min"],
            found["Data Engineer"]["salary_max"], found["Data Engineer"]["salary_currency"]) == (
        "applied", 120000, 150000, "USD")
    assert (found["Analyst"]["found_on"], found["Analyst"]["deadline"], found["Analyst"]["salary_min"]) == (
        "2026-11-20", "2026-12-10", 70000)
    assert (found["PM"]["stage"], found["PM"]["closed_reason"]) == ("closed", "rejected")
    again = tracker_csv.preview(db, HUNTR, today)
    assert (again["new"], again["already"]) == (0, 3)  # the same export twice adds nothing


def test_a_teal_csv_and_a_mapped_csv_are_recognised(db, today):
    teal = b"Job Position,Company,Job Link,Status,Min Salary,Max Salary,Date Saved,Excitement\nDS,Globex,,Bookmarked,1,2,,3\n"
    assert tracker_csv.preview(db, teal, today)["format"] == "Teal"
    odd = b"Role name,Org,Where\nWriter,Acme,cold_application\n"
    with pytest.raises(ValidationError, match="role title and the company"):
        tracker_csv.preview(db, odd, today)
    plan = tracker_csv.preview(db, odd, today, {"Role name": "title", "Org": "company", "Where": "source"})
    assert plan["rows"][0]["source"] == "cold_application"


def test_one_bad_row_imports_nothing(db, today):
    bad = HUNTR + b"Umbrella,,,Applied,,,,\r\n" + b"Stark,Dev,,Applied,,not a date,,\r\n"
    plan = tracker_csv.preview(db, bad, today)
    assert plan["problems"] == ["Line 5: Role title can't be empty.", ("Line 6: Date found 'not a date' is not a date "
                                                                   "(use YYYY-MM-DD).")]
    with pytest.raises(ValidationError, match="Nothing was imported: Line 5"):
        tracker_csv.import_rows(db, bad, today)
    assert scalar(db, "select count(*) from opportunities") == 0
    for junk, message in ((b"\xff\xfe\x00bad", "not UTF-8"), (b"", "empty")):
        with pytest.raises(ValidationError, match=message):
            tracker_csv.preview(db, junk, today)



def test_a_tracker_preview_counts_a_row_twice_in_the_file_once_and_reads_short_lines(db, today):
    data = (b"Company,Job Title,URL,List\r\n"
            b"Globex,Data Engineer,https://globex.example.com/j/1,Applied\r\n"
            b"GLOBEX,data engineer,https://globex.example.com/j/1,Interview\r\n"  # the same role, other case
            b"Globex,Data Engineer,https://globex.example.com/j/2,Applied\r\n"  # another posting: another role
            b"Initech,Analyst\r\n")  # a short line: no link, no stage
    plan = tracker_csv.preview(db, data, today)
    assert (plan["new"], plan["already"], plan["problems"]) == (3, 1, [])
    assert [(r["line"], r["company"], r.get("link", ""), r["stage"]) for r in plan["rows"]] == [
        (2, "Globex", "https://globex.example.com/j/1", "applied"),
        (4, "Globex", "https://globex.example.com/j/2", "applied"),
        (5, "Initech", "", "researching")]


def test_tracker_preview_rows_hold_what_the_import_stores(db, today):
    data = (b"Company,Job Title,URL,Date Added,Notes\r\n"
            b"Globex,Data Engineer,  globex.example.com/j/1 ,11/20/2026,  hi  \r\n"
            b"Initech,Analyst,,,\r\n")
    rows = tracker_csv.preview(db, data, today)["rows"]
    assert [(r.get("link"), r["found_on"], r["notes"]) for r in rows] == [
        ("https://globex.example.com/j/1", "2026-11-20", "hi"), (None, today.isoformat(), "")]
    tracker_csv.import_rows(db, data, today)
    stored = {o["title"]: o for o in opportunities.list_opportunities(db)[0]}
    assert {k: stored["Data Engineer"][k] for k in ("link", "found_on", "notes")} == {
        k: rows[0][k] for k in ("link", "found_on", "notes")}
    assert tracker_csv.preview(db, data, today)["already"] == 2


def test_a_tracker_mapping_names_known_fields_once_each(db, today):
    data = b"A,B,C\nData Engineer,Globex,x\n"
    for mapping, message in (
            ({"A": "title", "B": "company", "C": "salry"}, "There is no field called salry."),
            ({"A": "title", "B": "company", "C": "title"}, "Two columns are mapped to Role title: pick one."),
            ({"A": "title", "B": "", "C": ""}, "Say which column holds the company.")):
        with pytest.raises(ValidationError) as caught:
            tracker_csv.preview(db, data, today, mapping)
        assert str(caught.value) == message


def test_the_csv_export_lists_opportunities_with_their_people_and_neutralises_formulas(db, today):
    oid = _opp(db, today, title="=HYPERLINK(\"x\")", notes="@SUM(1)")
    ana = _person(db, "Ana Reyes")
    opportunities.link_person(db, oid, ana, "hiring_manager", today)
    data = opportunities.opportunities_csv(db).decode("utf-8-sig")
    assert data.splitlines()[0].startswith("id,title,company,stage")
    assert "'=HYPERLINK" in data and "'@SUM(1)" in data and "Ana Reyes (hiring manager)" in data


def test_parse_salary_reads_what_trackers_write():
    assert opportunities.parse_salary("$120,000 - $150,000") == (120000, 150000, "USD")
    assert opportunities.parse_salary("70k-80k EUR") == (70000, 80000, "EUR")
    assert opportunities.parse_salary("£55000") == (55000, 55000, "GBP")
    assert opportunities.parse_salary("") == (None, None, "")
    assert opportunities.parse_salary("competitive") == (None, None, "")


def test_an_opportunity_is_pinned_to_today_not_the_clock(db):
    day = date(2020, 1, 1)
    oid = opportunities.add_opportunity(db, today=day, title="Role", company="Acme")
    assert opportunities.get_opportunity(db, oid)["found_on"] == "2020-01-01"


def test_the_demo_has_a_believable_pipeline(demo_db, today):
    board = opportunities.pipeline(demo_db)
    assert {s: board[s]["total"] for s in opportunities.STAGES} == {
        "researching": 1, "networking": 1, "referred": 1, "applied": 1, "interviewing": 1, "offer": 0, "closed": 1}
    [interviewing] = board["interviewing"]["items"]
    interviewers = {p["id"] for p in opportunities.people_of(demo_db, interviewing["id"]) if p["role"] == "interviewer"}
    thanks = {f["person_id"]: f["due"] for f in followups.thank_you_window(demo_db, today)}
    assert len(interviewers) == 2 and all(thanks[p] <= today.isoformat() for p in interviewers)
    assert [d["title"] for d in opportunities.upcoming_deadlines(demo_db, today)] == ["Data Engineer",
                                                                                      "Analytics Lead"]
    assert {f["source"] for f in opportunities.source_funnel(demo_db)} == {"referral", "recruiter", "network",
                                                                            "cold_application"}
