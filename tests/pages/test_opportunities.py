"""The Opportunities page: the pipeline and the list (empty, filled, hostile), and one opportunity's page with its
people, who you know there, the referral ask that redirects to give first, and logging an interview."""

from __future__ import annotations

from datetime import timedelta

from core import followups, opportunities, people
from core.db import open_db
from tests.helpers import open_page, plain, shown_text, warm_and_cold_at_globex

HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(1))"


def test_the_empty_pipeline_says_what_to_do(app):
    at = open_page(app, "opportunities")
    assert "No opportunities yet" in at.info[0].value
    assert "import your job tracker" in at.info[0].value


def test_adding_an_opportunity_opens_its_page(app, db_path):
    at = open_page(app, "opportunities")
    at.text_input(key="opps_add_title").input("Analytics Engineer")
    at.text_input(key="opps_add_company").input("Globex")
    at.button(key="FormSubmitter:opps_add-Add opportunity").click().run()

    [o] = opportunities.list_opportunities(open_db(db_path))[0]
    assert (o["title"], o["company"], o["stage"]) == ("Analytics Engineer", "Globex", "researching")
    assert plain(at.title[0].value) == "Analytics Engineer at Globex"
    assert "No one linked yet" in shown_text(at)


def test_an_empty_title_is_refused_and_nothing_is_added(app, db_path):
    at = open_page(app, "opportunities")
    at.text_input(key="opps_add_company").input("Globex")
    at.button(key="FormSubmitter:opps_add-Add opportunity").click().run()
    assert "Role title" in at.error[0].value
    assert opportunities.list_opportunities(open_db(db_path))[1] == 0


def test_the_pipeline_shows_columns_and_the_list_filters(app, db_path, today):
    db = open_db(db_path)
    a = opportunities.add_opportunity(db, today=today, title="Data Engineer", company="Globex")
    opportunities.add_opportunity(db, today=today, title="Analyst", company="Initech", source="referral")
    opportunities.move_stage(db, a, "applied", today)
    at = open_page(app, "opportunities")
    text = shown_text(at)
    assert "**Applied** · 1" in text and "**Researching** · 1" in text
    assert {plain(p.label) for p in at.get("page_link")} >= {"Data Engineer at Globex", "Analyst at Initech"}

    at.radio(key="opps_view").set_value("List").run()
    at.selectbox(key="opps_source").set_value("referral").run()
    assert list(at.dataframe[0].value["Role"]) == ["Analyst"]
    at.text_input(key="opps_search").input("nothing like this").run()
    assert "No opportunity matches" in at.info[0].value


def test_hostile_text_is_shown_literally(app, db_path, today):
    db = open_db(db_path)
    oid = opportunities.add_opportunity(db, today=today, title=HOSTILE, company=HOSTILE, notes=HOSTILE)
    pid = people.add_person(db, name=HOSTILE, company=HOSTILE)
    opportunities.link_person(db, oid, pid, "insider", today)
    at = open_page(app, "opportunities")
    assert any(plain(p.label) == f"{HOSTILE} at {HOSTILE}" for p in at.get("page_link"))
    at = open_page(app, "opportunities", id=oid)
    assert plain(at.title[0].value) == f"{HOSTILE} at {HOSTILE}"
    assert HOSTILE in plain(shown_text(at))
    assert not at.exception
    assert all("<script>" not in m.value for m in at.markdown)  # escaped: shown, never run


def test_an_unknown_id_says_so(app):
    at = open_page(app, "opportunities", id=999)
    assert "no such opportunity" in at.error[0].value
    at = open_page(app, "opportunities", id="abc")
    assert "no such opportunity" in at.error[0].value


def test_an_opportunity_page_links_people_and_shows_who_i_know(app, db_path, today):
    db = open_db(db_path)
    oid, _warm, _cold = warm_and_cold_at_globex(db, today)
    at = open_page(app, "opportunities", id=oid)
    assert "Who do I know at Globex?" in shown_text(at)
    assert [plain(p.label) for p in at.get("page_link") if plain(p.label) in ("Wanda Warm", "Carl Cold")][:2] == [
        "Wanda Warm", "Carl Cold"]  # warmest first

    at.text_input(key="opps_link_search").input("Carl").run()
    at.selectbox(key="opps_link_role").set_value("recruiter").run()
    at.button(key="opps_link_go").click().run()
    assert [(p["name"], p["role"]) for p in opportunities.people_of(db, oid)] == [("Carl Cold", "recruiter")]
    assert "Linked Carl Cold as recruiter" in plain(shown_text(at))


def test_a_referral_ask_to_a_cold_relationship_redirects_to_a_give_first_draft(app, db_path, today):
    db = open_db(db_path)
    oid, _warm, cold = warm_and_cold_at_globex(db, today)
    at = open_page(app, "opportunities", id=oid)
    at.selectbox(key="opps_ref_person").set_value(cold).run()
    at.button(key="opps_ref_go").click().run()

    assert "Give first" in at.warning[0].value
    assert at.text_area(key="opps_give_body").value
    assert "A warmer path" in shown_text(at)
    assert "referring me" in at.text_area(key="opps_ask_body").value  # the ask is there, behind the give


def test_logging_an_interview_schedules_thank_yous_within_24_hours(app, db_path, today):
    db = open_db(db_path)
    oid, warm, cold = warm_and_cold_at_globex(db, today)
    opportunities.link_person(db, oid, warm, "interviewer", today)
    opportunities.link_person(db, oid, cold, "interviewer", today)
    at = open_page(app, "opportunities", id=oid)
    at.selectbox(key="opps_iv_channel").set_value("video")
    at.button(key="FormSubmitter:opps_interview-Log interview").click().run()

    assert "2 thank-yous due within 24 hours" in at.success[0].value
    thanks = followups.thank_you_window(db, today)
    assert {t["person_id"] for t in thanks} == {warm, cold}
    assert all(t["due"] <= (today + timedelta(days=1)).isoformat() for t in thanks)  # within 24 hours (or sooner)
    assert opportunities.get_opportunity(db, oid)["stage"] == "interviewing"
    assert "Interview with Wanda Warm" in plain(shown_text(at))


def test_insights_show_where_opportunities_came_from_and_data_exports_them(app, demo_path):
    at = open_page(app, "insights")
    assert "Opportunities: where they came from, and how far each got" in shown_text(at)
    sources = at.dataframe[-1].value
    assert set(sources["Source"]) == {"Referral", "A recruiter reached out", "A lead from my network", "Applied cold"}
    at.switch_page("pages/data.py").run()
    assert any(b.label == "Opportunities (CSV)" for b in at.get("download_button"))


def test_the_demo_pipeline_shows_the_interviewing_role(app, demo_path):
    at = open_page(app, "opportunities")
    assert "**Interviewing** · 1" in shown_text(at)
    at = open_page(app, "opportunities", id=1)
    assert plain(at.title[0].value) == "Analytics Engineer at Northwind Analytics"
    assert "Thank" in plain(shown_text(at))  # the interviewers' thank-yous are coming up


def test_an_opportunity_page_shows_its_header_coming_up_timeline_and_a_thank_you_draft(app, db_path, today):
    db = open_db(db_path)
    oid = opportunities.add_opportunity(db, today=today, title="Data Engineer", company="Globex",
                                        link="https://globex.example.com/j/1", salary_min=70000, salary_max=80000,
                                        salary_currency="EUR", deadline=today + timedelta(days=9),
                                        notes="Team of five")
    recruiter = people.add_person(db, name="Rita Recruiter", company="Globex")
    opportunities.link_person(db, oid, recruiter, "recruiter", today)
    opportunities.move_stage(db, oid, "applied", today, note="Sent the CV")
    at = open_page(app, "opportunities", id=oid)

    assert plain(at.title[0].value) == "Data Engineer at Globex"
    assert at.caption[0].value == "Applied · Other · 70,000–80,000 EUR · deadline " + (
        today + timedelta(days=9)).isoformat()
    assert [b.proto.url for b in at.get("link_button")] == ["https://globex.example.com/j/1"]
    text = plain(shown_text(at))
    assert "Team of five" in text
    due = opportunities.followups_of(db, oid)
    assert due and all(f"{f['due']} · {plain(f['title'])}" in text for f in due)  # the check-in a week after applying
    assert f"{today.isoformat()} · Moved from Researching to Applied · Sent the CV" in text
    assert f"{today.isoformat()} · Added at Researching" in text
    assert not any(e.label == "Interview thank-you draft" for e in at.expander)  # no interviewer linked yet

    opportunities.link_person(db, oid, recruiter, "interviewer", today)
    at = open_page(app, "opportunities", id=oid)
    assert "Rita" in at.text_area(key="opps_thanks_body").value


def test_the_interview_thank_you_follows_the_interviewer_picked(app, db_path, today):
    db = open_db(db_path)
    oid = opportunities.add_opportunity(db, today=today, title="Data Engineer", company="Globex")
    ines, omar = (people.add_person(db, name=name, company="Globex") for name in ("Ines Interviewer", "Omar Other"))
    for pid in (ines, omar):
        opportunities.link_person(db, oid, pid, "interviewer", today)
    at = open_page(app, "opportunities", id=oid)
    assert "Ines" in at.text_area(key="opps_thanks_body").value

    at.selectbox(key="opps_thanks_person").set_value(omar).run()

    body = at.text_area(key="opps_thanks_body").value
    assert "Omar" in body and "Ines" not in body
