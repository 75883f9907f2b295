"""Imports: LinkedIn connections and messages in every era, vCards from Apple and Google, any CSV."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from core.db import get_setting, open_db, rows, scalar
from core.errors import ValidationError
from core.importers import (
    MAX_BYTES,
    apply_import,
    csv_headers,
    linkedin_key,
    parse_loose_date,
    parse_sent_at,
    parse_vcard_birthday,
    plan_import,
    suggest_mapping,
)
from core.people import add_date, add_person, update_person
from core.settings import save_profile
from tests.helpers import import_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TODAY = date(2026, 11, 27)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def people(db) -> list[dict]:
    return rows(db, "select p.name, p.title, coalesce(c.name, '') as company, p.email, p.linkedin_url, "
                    "p.connected_on, p.source, p.tier, p.stage from people p "
                    "left join companies c on c.id = p.company_id order by p.id")


# --- LinkedIn Connections.csv ------------------------------------------------------------------


INES = {"name": "Ines Okafor-Lindqvist", "title": "Director of People Ops", "company": "Northwind Analytics, Inc.",
        "email": "", "linkedin_url": "https://www.linkedin.com/in/ines-okafor-example", "connected_on": "2026-02-08",
        "source": "linkedin", "tier": "acquaintance", "stage": "stranger"}
TOMAS = {"name": "Tomás Reyes", "title": "Engineer, Platform", "company": "Contoso", "email": "tomas.reyes@example.org",
         "linkedin_url": "https://www.linkedin.com/in/tomas-reyes-example", "connected_on": "2019-11-14",
         "source": "linkedin", "tier": "acquaintance", "stage": "stranger"}


@pytest.mark.parametrize("name", ["Connections.csv", "Connections_no_preamble.csv", "Connections_bom_crlf.csv"])
def test_the_formats_fixture_imports_two_people_and_skips_the_hidden_profile(db, name):
    report = import_file(db, "linkedin", fixture(name), TODAY)
    assert (report["added"], report["updated"], report["skipped"]) == (2, 0, 1)
    assert people(db) == [INES, TOMAS]


def test_the_hidden_profile_row_is_skipped_with_its_line_and_reason(db):
    plan = plan_import(db, "linkedin", fixture("Connections.csv"), TODAY)
    assert plan.skip == [{"line": 7, "name": "", "reason": "hidden profile (no name, only a date)"}]


@pytest.mark.parametrize("name", ["Connections_2020.csv", "Connections_2022.csv"])
def test_exports_without_a_url_column_import_by_header_name(db, name):
    import_file(db, "linkedin", fixture(name), TODAY)
    assert people(db) == [{**INES, "linkedin_url": ""}, {**TOMAS, "linkedin_url": ""}]


def test_an_excel_resave_with_short_dates_and_credentials_in_the_last_name_imports(db):
    import_file(db, "linkedin", fixture("Connections_excel.csv"), TODAY)
    found = people(db)
    assert [p["connected_on"] for p in found] == ["2026-02-08", "2021-04-04", "2022-12-01"]
    assert found[2]["name"] == "Jordan Smith, PhD"
    assert found[2]["company"] == '=HYPERLINK("http://evil.example")'  # kept as text; neutralised on export


def test_the_connection_date_is_kept_but_is_not_an_interaction(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    assert db.table("interactions").count == 0
    assert scalar(db, "select count(*) from scores where score is not null") == 0


def test_companies_are_created_once_and_linked(db):
    add_person(db, name="Someone", company="contoso")
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    assert [r["name"] for r in rows(db, "select name from companies order by id")] == [
        "contoso", "Northwind Analytics, Inc."]


@pytest.mark.parametrize("value,expected", [
    ("08 Feb 2026", date(2026, 2, 8)), ("8 Feb 2026", date(2026, 2, 8)), ("4-Apr-21", date(2021, 4, 4)),
    ("04-Apr-2021", date(2021, 4, 4)), ("2026-02-08", date(2026, 2, 8)), ("2/8/2026", date(2026, 2, 8)),
    ("12 Sept 2024", date(2024, 9, 12)), ("", None), ("soon", None), ("31 Feb 2026", None),
])
def test_connected_on_dates_parse_in_every_shape_exports_use(value, expected):
    assert parse_loose_date(value) == expected


def test_an_unreadable_connection_date_keeps_the_person_with_a_warning(db):
    data = b"First Name,Last Name,Connected On\nAna,Novak,someday\n"
    plan = plan_import(db, "linkedin", data, TODAY)
    assert len(plan.add) == 1 and plan.add[0]["person"]["connected_on"] is None
    assert plan.warnings == [{"line": 2, "name": "Ana Novak",
                              "message": "Connected On 'someday' is not a date; it was left out."}]


def test_reimporting_the_same_export_adds_no_one(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    plan = plan_import(db, "linkedin", fixture("Connections_bom_crlf.csv"), TODAY)
    assert plan.summary()["added"] == 0 and plan.summary()["updated"] == 0
    assert [s["reason"] for s in plan.skip] == ["already on your list, nothing new"] * 2 + [
        "hidden profile (no name, only a date)"]
    apply_import(db, plan, TODAY)
    assert db.table("people").count == 2


def test_urls_match_whatever_their_case_slash_or_encoding():
    assert linkedin_key("https://www.linkedin.com/in/Jos%C3%A9-X/") == linkedin_key("http://linkedin.com/in/josé-x")
    assert linkedin_key("https://example.org/in/x") == ""


def test_a_newer_export_fills_empty_fields_but_never_overwrites_what_the_user_typed(db):
    import_file(db, "linkedin", fixture("Connections_2020.csv"), TODAY)  # no URLs yet
    ines = scalar(db, "select id from people where name like 'Ines%'")
    update_person(db, ines, title="Chief People Officer (my note)", today=TODAY)
    newer = fixture("Connections.csv").replace(b"Director of People Ops", b"VP People")
    plan = plan_import(db, "linkedin", newer, TODAY)
    assert [(u["name"], sorted(u["changes"])) for u in plan.update] == [
        ("Ines Okafor-Lindqvist", ["linkedin_url", "source_uid"]), ("Tomás Reyes", ["linkedin_url", "source_uid"])]
    apply_import(db, plan, TODAY)
    assert rows(db, "select title, linkedin_url from people where id = ?", [ines]) == [
        {"title": "Chief People Officer (my note)", "linkedin_url": INES["linkedin_url"]}]


def test_a_job_change_updates_title_and_company_of_people_the_user_has_not_edited(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    moved = fixture("Connections.csv").replace(b"Contoso,\"Engineer, Platform\"", b"Fabrikam,Staff Engineer")
    plan = plan_import(db, "linkedin", moved, TODAY)
    assert [(u["name"], u["changes"], u["company"]) for u in plan.update] == [
        ("Tomás Reyes", {"title": "Staff Engineer"}, "Fabrikam")]
    apply_import(db, plan, TODAY)
    assert people(db)[1] | {} == {**TOMAS, "title": "Staff Engineer", "company": "Fabrikam"}


def test_a_job_change_leaves_an_edited_person_alone(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    tomas = scalar(db, "select id from people where name like 'Tom%'")
    update_person(db, tomas, notes="Met at the Contoso alumni drinks", today=TODAY)
    moved = fixture("Connections.csv").replace(b"Contoso,\"Engineer, Platform\"", b"Fabrikam,Staff Engineer")
    plan = plan_import(db, "linkedin", moved, TODAY)
    assert plan.update == []
    assert people(db)[1]["company"] == "Contoso"


def test_matching_falls_back_to_email_then_name_and_company(db):
    by_email = add_person(db, name="T. Reyes", email="TOMAS.REYES@example.org")
    by_name = add_person(db, name="Ines Okafor-Lindqvist", company="Northwind Analytics, Inc.")
    plan = plan_import(db, "linkedin", fixture("Connections.csv"), TODAY)
    assert sorted(u["person_id"] for u in plan.update) == sorted([by_email, by_name])
    assert plan.add == []


def test_the_same_person_twice_in_one_file_is_added_once(db):
    data = fixture("Connections_no_preamble.csv") + \
        b"Ines,Okafor-Lindqvist,https://www.linkedin.com/in/ines-okafor-example/,,,,01 Jan 2026\n"
    plan = plan_import(db, "linkedin", data, TODAY)
    assert len(plan.add) == 2
    assert plan.skip[-1] == {"line": 5, "name": "Ines Okafor-Lindqvist", "reason": "same person as line 2"}


def test_linkedin_export_zip_imports_connections_and_messages_together(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("Connections.csv", fixture("Connections.csv"))
        z.writestr("messages.csv", fixture("messages.csv"))
    report = import_file(db, "linkedin", buffer.getvalue(), TODAY)
    assert (report["added"], report["interactions"]) == (2, 2)


def test_a_plan_made_before_the_data_changed_is_refused(db):
    plan = plan_import(db, "linkedin", fixture("Connections.csv"), TODAY)
    add_person(db, name="Someone new")
    with pytest.raises(ValidationError, match="changed since this preview"):
        apply_import(db, plan, TODAY)
    assert db.table("people").count == 1


def test_planning_writes_nothing(db):
    plan_import(db, "linkedin", fixture("Connections.csv"), TODAY, {"messages": fixture("messages.csv")})
    assert db.table("people").count == db.table("companies").count == db.table("interactions").count == 0


# --- LinkedIn messages.csv -----------------------------------------------------------------------


def test_messages_become_interactions_with_direction_and_reply(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    report = import_file(db, "messages", fixture("messages.csv"), TODAY)
    assert report["interactions"] == 2
    assert rows(db, "select p.name, i.day, i.channel, i.direction, i.kind, i.responded, i.source "
                    "from interactions i join people p on p.id = i.person_id order by i.day") == [
        {"name": "Ines Okafor-Lindqvist", "day": "2026-02-20", "channel": "linkedin", "direction": "me",
         "kind": "neutral", "responded": 1, "source": "linkedin_messages"},
        {"name": "Ines Okafor-Lindqvist", "day": "2026-02-21", "channel": "linkedin", "direction": "them",
         "kind": "neutral", "responded": None, "source": "linkedin_messages"},
    ]


def test_messages_give_the_score_real_evidence_and_move_the_person_up_the_ladder(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY, {"messages": fixture("messages.csv")})
    ines = rows(db, "select stage, score, last_touch_on from people join scores on person_id = id "
                    "where name like 'Ines%'")[0]
    assert ines["stage"] == "conversed" and ines["score"] is not None and ines["last_touch_on"] == "2026-02-21"
    assert rows(db, "select from_stage, to_stage, day from stage_changes") == [
        {"from_stage": "stranger", "to_stage": "conversed", "day": "2026-02-20"}]


def test_reimporting_messages_does_not_duplicate_them(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    import_file(db, "messages", fixture("messages.csv"), TODAY)
    plan = plan_import(db, "messages", fixture("messages.csv"), TODAY)
    assert plan.interactions == []
    assert db.table("interactions").count == 2


def test_the_owner_comes_from_the_profile_when_set(db):
    save_profile(db, linkedin_url="https://www.linkedin.com/in/pat-seeker-example")
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    plan = plan_import(db, "messages", fixture("messages.csv"), TODAY)
    assert plan.owner_url == "in/pat-seeker-example"


def test_messages_from_people_not_on_the_list_are_skipped_with_a_reason(db):
    plan = plan_import(db, "messages", fixture("messages.csv"), TODAY,
                       {"owner_url": "https://www.linkedin.com/in/pat-seeker-example"})
    assert plan.interactions == []
    assert plan.skip[0]["reason"].startswith("no one on your list has this LinkedIn profile")


def test_an_unanswered_message_older_than_a_week_counts_as_not_replied_and_drafts_are_ignored(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    data = (b'"CONVERSATION ID","FROM","SENDER PROFILE URL","TO","RECIPIENT PROFILE URLS","DATE","CONTENT",'
            b'"FOLDER","IS MESSAGE DRAFT"\n'
            b'"c9","Pat","https://www.linkedin.com/in/pat-seeker-example","Tom\xc3\xa1s Reyes",'
            b'"https://www.linkedin.com/in/tomas-reyes-example","2026-06-01 08:00:00 UTC","Coffee?\nSoon?","INBOX",'
            b'"No"\n'
            b'"c9","Pat","https://www.linkedin.com/in/pat-seeker-example","Tom\xc3\xa1s Reyes",'
            b'"https://www.linkedin.com/in/tomas-reyes-example","2026-06-09 08:00:00 UTC","draft","INBOX","Yes"\n')
    plan = plan_import(db, "messages", data, TODAY, {"owner_url": "https://linkedin.com/in/pat-seeker-example"})
    assert [(i["record"]["direction"], i["record"]["responded"], i["record"]["notes"]) for i in plan.interactions] \
        == [("me", 0, "Coffee?\nSoon?")]


def test_a_messages_file_with_a_bad_date_names_the_line(db):
    data = fixture("messages.csv").replace(b"2026-02-21 17:40:55 UTC", b"yesterday")
    with pytest.raises(ValidationError, match=r"Line 3 of messages.csv: DATE 'yesterday'"):
        plan_import(db, "messages", data, TODAY)


# --- vCard ----------------------------------------------------------------------------------------


def test_an_apple_vcard_imports_with_its_quirks(db):
    import_file(db, "vcard", fixture("apple.vcf"), TODAY)
    ada = rows(db, "select p.name, p.email, p.linkedin_url, p.website, p.notes, p.tags, c.name as company, "
                   "p.source from people p left join companies c on c.id = p.company_id")[0]
    assert ada == {"name": "Ada Lovelace", "email": "ada@example.com",
                   "linkedin_url": "https://www.linkedin.com/in/ada-example", "website": "",
                   "notes": "Met at PyCon, wants intro to Grace.\nFollow up in March.",
                   "tags": '["fintech", "mentors"]', "company": "Analytical Engines", "source": "vcard"}
    assert rows(db, "select label, month, day, year, yearly from important_dates") == [
        {"label": "birthday", "month": 12, "day": 10, "year": None, "yearly": 1}]


def test_a_google_vcard_drops_my_contacts_and_reads_a_grouped_org(db):
    import_file(db, "vcard", fixture("google.vcf"), TODAY)
    assert rows(db, "select p.name, p.tags, c.name as company from people p join companies c on c.id = p.company_id") \
        == [{"name": "John Doe", "tags": "[]", "company": "Alpine Ski Resort"}]


def test_vcard_4_with_folded_lines_uid_and_month_day_birthdays(db):
    import_file(db, "vcard", fixture("contacts_v4.vcf"), TODAY)
    zoe = rows(db, "select name, phone, website, linkedin_url, notes, tags, source_uid from people where id = 1")[0]
    assert zoe["phone"] == "+49 30 12345678"
    assert zoe["website"] == "https://zoe.example.org/portfolio"
    assert zoe["linkedin_url"] == "https://www.linkedin.com/in/zoe-ms-example"
    assert zoe["notes"].endswith("how we met at the Berlin data meetup and she wants an intro to someone in climate tech.")
    assert zoe["tags"] == '["climate", "starred"]'
    assert zoe["source_uid"] == "urn:uuid:4f1c2a9e-0000-4000-8000-00000000abcd"
    assert rows(db, "select person_id, month, day, year from important_dates order by person_id") == [
        {"person_id": 1, "month": 4, "day": 7, "year": None}, {"person_id": 2, "month": 12, "day": 9, "year": None},
        {"person_id": 3, "month": 4, "day": 7, "year": 1985}]


def test_reimporting_vcards_matches_on_uid_and_only_fills_blanks(db):
    import_file(db, "vcard", fixture("contacts_v4.vcf"), TODAY)
    update_person(db, 1, name="Zoë M-S", today=TODAY)
    plan = plan_import(db, "vcard", fixture("contacts_v4.vcf"), TODAY)
    assert plan.add == [] and plan.update == []
    assert db.table("important_dates").count == 3


@pytest.mark.parametrize("value,params,expected", [
    ("1988-04-12", {}, (4, 12, 1988)), ("19850407", {}, (4, 7, 1985)), ("--1209", {}, (12, 9, None)),
    ("--04-07", {}, (4, 7, None)), ("1604-12-10", {"X-APPLE-OMIT-YEAR": ["1604"]}, (12, 10, None)),
    ("--0229", {}, (2, 29, None)), ("2001-02-29", {}, None), ("someday", {}, None),
])
def test_vcard_birthdays_with_and_without_a_year(value, params, expected):
    assert parse_vcard_birthday(value, params) == expected


# --- Any CSV --------------------------------------------------------------------------------------


def test_the_mapping_is_guessed_from_the_headers():
    assert suggest_mapping(["Full Name", "E-mail Address", "Organization", "Job Title", "Mobile", "Shoe size"]) == {
        "Full Name": "name", "E-mail Address": "email", "Organization": "company", "Job Title": "title",
        "Mobile": "phone", "Shoe size": ""}


def test_a_csv_imports_with_the_mapping_the_user_confirmed(db):
    data = b"Who,Where,Mail,Labels,Born\nAna Novak,Globex,ana@example.org,\"mentor;Data\",1990-05-01\n"
    assert csv_headers(data) == ["Who", "Where", "Mail", "Labels", "Born"]
    mapping = {"Who": "name", "Where": "company", "Mail": "email", "Labels": "tags", "Born": "birthday"}
    report = import_file(db, "csv", data, TODAY, {"mapping": mapping})
    assert report["added"] == 1
    assert rows(db, "select name, email, tags, source, tier from people") == [
        {"name": "Ana Novak", "email": "ana@example.org", "tags": '["data", "mentor"]', "source": "csv",
         "tier": "network"}]
    assert rows(db, "select month, day, year from important_dates") == [{"month": 5, "day": 1, "year": 1990}]


def test_first_and_last_name_columns_make_the_name_and_a_bad_email_is_left_out_with_a_warning(db):
    data = b"First,Last,Email\nAna,Novak,not-an-email\n"
    plan = plan_import(db, "csv", data, TODAY)
    assert plan.add[0]["person"]["name"] == "Ana Novak" and plan.add[0]["person"]["email"] == ""
    assert plan.warnings[0]["line"] == 2 and "Email" in plan.warnings[0]["message"]


@pytest.mark.parametrize("mapping,message", [
    ({"Email": "email"}, "every person needs a name"),
    ({"Name": "name", "Email": "name"}, "Two columns are mapped to Full name"),
    ({"Nope": "name"}, "doesn't have: 'Nope'"),
    ({"Name": "shoe_size"}, "Unknown field 'shoe_size'"),
])
def test_a_wrong_mapping_is_a_clear_error(db, mapping, message):
    with pytest.raises(ValidationError, match=message):
        plan_import(db, "csv", b"Name,Email\nAna,a@example.org\n", TODAY, {"mapping": mapping})


# --- Bad files: a clear message, nothing changed -------------------------------------------------------


BAD_FILES = [
    ("linkedin", b"", "is empty"),
    ("linkedin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("linkedin", b"PK\x03\x04 not really a zip", "zip archive is damaged"),
    ("csv", b"PK\x03\x04\x14\x00", "zip archive or a spreadsheet"),
    ("linkedin", "First Name,Last Name\nJosé,Ruiz\n".encode("latin-1"), "Line 2 of the Connections.csv is not UTF-8"),
    ("linkedin", b"First Name,Last Name\n\"Ana,Novak\n", "broken quoting in the record starting on line 2"),
    ("linkedin", b"Name,Email\nAna,a@example.org\n", "No header row found in the first 20 lines"),
    ("messages", b"First Name,Last Name\n", "No header row found"),
    ("vcard", b"FN:Ada\n", "not a vCard file"),
    ("vcard", b"BEGIN:VCARD\nVERSION:3.0\nFN:Ada\n", "can't be read"),
    ("csv", b"\n\n", "is empty"),
    ("linkedin", b"a" * (MAX_BYTES + 1), "the limit is 20 MB"),
]


@pytest.mark.parametrize("kind,data,message", BAD_FILES)
def test_a_bad_file_is_a_clear_error(db, kind, data, message):
    with pytest.raises(ValidationError, match=message):
        plan_import(db, kind, data, TODAY)


def _digest(path: Path) -> str:
    return hashlib.sha256(b"".join(Path(f"{path}{s}").read_bytes() if Path(f"{path}{s}").exists() else b""
                                   for s in ("", "-wal"))).hexdigest()


def test_every_kind_of_bad_file_leaves_the_database_file_byte_for_byte_unchanged(tmp_path):
    path = tmp_path / "r.db"
    db = open_db(path)
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    add_date(db, 1, label="birthday", month=1, day=2)
    db.execute("pragma wal_checkpoint(TRUNCATE)")
    before = _digest(path)
    for kind, data, _ in BAD_FILES:
        with pytest.raises(ValidationError):
            import_file(db, kind, data, TODAY)
    assert _digest(path) == before
    assert get_setting(db, "import_stamps") and db.table("people").count == 2


def test_an_unknown_kind_is_refused(db):
    with pytest.raises(ValidationError, match="Unknown import kind"):
        plan_import(db, "xlsx", b"x", TODAY)


# --- LinkedIn Invitations.csv (connection requests) ------------------------------------------------


def invitations(db) -> list[dict]:
    return rows(db, "select p.name, i.day, i.channel, i.direction, i.kind, i.nature, i.responded, i.notes, "
                    "i.source from interactions i join people p on p.id = i.person_id order by i.day, i.id")


TOMAS_REQUEST = {"name": "Tomás Reyes", "day": "2026-02-03", "channel": "linkedin", "direction": "me",
                 "kind": "neutral", "nature": "connection_request", "responded": None, "notes": "Hi Tomás, fellow Contoso alum here",
                 "source": "linkedin"}
INES_REQUEST = {"name": "Ines Okafor-Lindqvist", "day": "2026-01-15", "channel": "linkedin", "direction": "them",
                "kind": "neutral", "nature": "connection_request", "responded": None, "notes": "", "source": "linkedin"}


def test_the_formats_fixture_invitation_becomes_one_outgoing_linkedin_touch(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    plan = plan_import(db, "invitations", fixture("Invitations.csv"), TODAY)
    assert plan.describe() == "This import will add 0 people, update 0, skip 0 rows, log 1 connection request."
    report = apply_import(db, plan, TODAY)
    assert report["message"] == "Imported: 0 added, 0 updated, 0 skipped, 1 connection request logged."
    assert invitations(db) == [TOMAS_REQUEST]


@pytest.mark.parametrize("name", ["Invitations_2022.csv", "Invitations_bom_crlf.csv"])
def test_both_header_eras_with_or_without_bom_and_crlf_log_incoming_and_outgoing_requests(db, name):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    report = import_file(db, "invitations", fixture(name), TODAY)
    assert report["invitations"] == 2
    assert invitations(db) == [INES_REQUEST, TOMAS_REQUEST]


def test_the_old_era_matches_by_name_because_it_has_no_profile_urls(db):
    import_file(db, "linkedin", fixture("Connections_2020.csv"), TODAY)  # no URLs stored either
    plan = plan_import(db, "invitations", fixture("Invitations_2022.csv"), TODAY)
    assert [i["name"] for i in plan.interactions] == ["Tomás Reyes", "Ines Okafor-Lindqvist"]


def test_reimporting_the_same_invitations_adds_nothing_even_from_the_other_header_era(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    import_file(db, "invitations", fixture("Invitations_bom_crlf.csv"), TODAY)
    for name in ("Invitations_bom_crlf.csv", "Invitations.csv", "Invitations_2022.csv"):
        plan = plan_import(db, "invitations", fixture(name), TODAY)
        assert plan.interactions == []
        assert "connection request already imported" in [s["reason"] for s in plan.skip]
        apply_import(db, plan, TODAY)
    assert db.table("interactions").count == 2


def test_a_request_with_someone_not_on_the_list_is_skipped_with_a_reason(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    plan = plan_import(db, "invitations", fixture("Invitations_bom_crlf.csv"), TODAY)
    assert plan.skip[0] == {"line": 4, "name": "Jordan Nobody", "reason": "connection request: no one on your list "
                            "has this LinkedIn profile (import Connections.csv first)"}
    old = plan_import(db, "invitations", fixture("Invitations_2022.csv"), TODAY)
    assert old.skip[-1] == {"line": 4, "name": "Jordan Nobody", "reason": "connection request: no one on your list "
                            "has this name (import Connections.csv first)"}


def test_bad_dates_and_unknown_directions_are_skipped_with_their_line_and_reason(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    plan = plan_import(db, "invitations", fixture("Invitations_bom_crlf.csv"), TODAY)
    assert plan.skip[1:] == [
        {"line": 5, "name": "Tomás Reyes",
         "reason": "connection request with Sent At 'someday': not a date like 9/25/26, 8:52 AM"},
        {"line": 6, "name": "Tomás Reyes",
         "reason": "connection request with Direction 'SIDEWAYS': neither INCOMING nor OUTGOING"}]
    assert len(plan.interactions) == 2  # the good rows of the same file still come in


def test_a_request_dated_after_today_is_skipped(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    data = fixture("Invitations.csv").replace(b"2/3/26, 9:05 AM", b"12/3/26, 9:05 AM")
    plan = plan_import(db, "invitations", data, TODAY)
    assert plan.interactions == [] and plan.skip[0]["reason"] == "connection request dated after today"


@pytest.mark.parametrize("value,expected", [
    ("9/25/26, 8:52 AM", datetime(2026, 9, 25, 8, 52)), ("9/25/26, 12:05 AM", datetime(2026, 9, 25, 0, 5)),
    ("9/25/26, 12:05 PM", datetime(2026, 9, 25, 12, 5)), ("9/25/26, 1:05 pm", datetime(2026, 9, 25, 13, 5)),
    ("9/25/26, 8:52\u202fAM", datetime(2026, 9, 25, 8, 52)), ("09/25/2026", datetime(2026, 9, 25)),
    ("2026-09-25 08:52:00", datetime(2026, 9, 25, 8, 52)), ("25/9/26, 8:52 AM", None), ("9/25/26, 13:52 PM", None),
    ("someday", None), ("", None),
])
def test_sent_at_parses_as_linkedin_writes_it(value, expected):
    assert parse_sent_at(value) == expected


def test_a_namesake_with_a_different_profile_is_not_matched_by_name(db):
    add_person(db, name="Tomás Reyes", linkedin_url="https://www.linkedin.com/in/another-tomas")
    plan = plan_import(db, "invitations", fixture("Invitations.csv"), TODAY)
    assert plan.interactions == []
    assert plan.skip[0]["reason"].startswith("connection request: no one on your list has this LinkedIn profile")


def test_two_people_with_the_requests_name_are_not_guessed_between(db):
    add_person(db, name="Tomás Reyes", company="Contoso")
    add_person(db, name="Tomás Reyes", company="Fabrikam")
    plan = plan_import(db, "invitations", fixture("Invitations_2022.csv"), TODAY)
    assert plan.skip[0]["reason"] == ("connection request: more than one person on your list has this name; "
                                      "add their LinkedIn URL to tell them apart")


def test_invitations_move_scores_and_check_ins_as_messages_do(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    assert scalar(db, "select count(*) from scores where score is not null") == 0
    import_file(db, "invitations", fixture("Invitations.csv"), TODAY)
    tomas = rows(db, "select p.id, p.stage, s.score, s.last_touch_on from people p join scores s on s.person_id = p.id "
                     "where p.name = 'Tomás Reyes'")[0]
    assert tomas["score"] is not None and tomas["last_touch_on"] == "2026-02-03" and tomas["stage"] == "contacted"
    assert rows(db, "select reason, due from followups where person_id = ? and status = 'open'",
                [tomas["id"]]) == [{"reason": "check_in", "due": "2026-08-02"}]  # acquaintance cadence: 180 days


def _database_dump(db) -> list[str]:
    return list(db.conn.iterdump())


@pytest.mark.parametrize("data,message", [
    (b"First Name,Last Name,URL\nAna,Novak,\n", "No header row found in the first 20 lines of the Invitations.csv"),
    (b"CONVERSATION ID,FROM,TO,DATE,CONTENT\nc1,Ana,Pat,2026-01-01 10:00:00 UTC,hi\n",
     "expected columns like From, To, Sent At, Message, Direction"),
    (b"From,To,Sent At,Direction\n\"Pat,Ana\n", "broken quoting"),
])
def test_a_file_that_is_not_invitations_is_refused_and_changes_nothing(db, data, message):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    before = _database_dump(db)
    with pytest.raises(ValidationError, match=message):
        import_file(db, "invitations", data, TODAY)
    with pytest.raises(ValidationError, match=message):
        import_file(db, "linkedin", fixture("Connections.csv"), TODAY, {"invitations": data})
    assert _database_dump(db) == before


def test_linkedin_export_zip_imports_connections_with_their_invitations(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("Basic_LinkedInDataExport_11-27-2026/Connections.csv", fixture("Connections.csv"))
        z.writestr("Basic_LinkedInDataExport_11-27-2026/messages.csv", fixture("messages.csv"))
        z.writestr("Basic_LinkedInDataExport_11-27-2026/Invitations.csv", fixture("Invitations_bom_crlf.csv"))
    plan = plan_import(db, "linkedin", buffer.getvalue(), TODAY)
    assert plan.describe() == ("This import will add 2 people, update 0, skip 4 rows, "
                               "log 2 LinkedIn message exchanges, log 2 connection requests.")
    assert [(r["name"], r["touch"]) for r in plan.preview_interactions()] == [
        ("Ines Okafor-Lindqvist", "LinkedIn messages you sent"), ("Ines Okafor-Lindqvist", "LinkedIn messages they sent"),
        ("Tomás Reyes", "connection request you sent"), ("Ines Okafor-Lindqvist", "connection request they sent")]
    report = apply_import(db, plan, TODAY)
    assert report["message"] == ("Imported: 2 added, 0 updated, 4 skipped, 2 message exchanges logged, "
                                 "2 connection requests logged.")
    assert [r for r in invitations(db) if r["source"] == "linkedin"] == [INES_REQUEST, TOMAS_REQUEST]
    again = buffer.getvalue()
    assert plan_import(db, "linkedin", again, TODAY).interactions == []


def test_the_invitations_kind_reads_its_file_from_the_zip_and_says_when_it_is_missing(db):
    import_file(db, "linkedin", fixture("Connections.csv"), TODAY)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("Invitations.csv", fixture("Invitations.csv"))
    assert import_file(db, "invitations", buffer.getvalue(), TODAY)["invitations"] == 1
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("Connections.csv", fixture("Connections.csv"))
    with pytest.raises(ValidationError, match=r"The zip holds no Invitations\.csv"):
        plan_import(db, "invitations", empty.getvalue(), TODAY)


def test_an_import_preview_says_skip_1_row(db, today):
    plan = plan_import(db, "linkedin", (FIXTURES / "Connections.csv").read_bytes(), today)
    assert "skip 1 row," in plan.describe() or plan.describe().endswith("skip 1 row.")
