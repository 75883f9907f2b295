"""Files as real programs export them (vCard 2.1/3.0/4.0 warts, LinkedIn 2018 and URL-less eras, Google
and Thunderbird contact CSVs) import, card by card and row by row."""

from datetime import date
from pathlib import Path

import pytest

from core.db import rows
from core.importers import plan_import
from tests.helpers import import_file

TODAY = date(2026, 11, 27)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def people(db) -> dict[str, dict]:
    return {r["name"]: r for r in rows(db, "select p.*, coalesce(c.name, '') as company from people p "
                                           "left join companies c on c.id = p.company_id")}


def alternates(db, name: str) -> list[tuple[str, str]]:
    return [(r["field"], r["value"]) for r in rows(
        db, "select a.field, a.value from person_alternates a join people p on p.id = a.person_id "
            "where p.name = ? order by a.id", [name])]


# --- vCard -------------------------------------------------------------------------------------------


def test_an_android_21_card_decodes_quoted_printable_with_soft_breaks_and_keeps_the_other_email(db):
    import_file(db, "vcard", fixture("android_21.vcf"), TODAY)
    found = people(db)
    j = found["Jürgen Müller"]
    assert j["company"] == "Straßenbau München GmbH"
    assert j["notes"] == ("Kennengelernt auf der Messe in München, möchte eine Vorstellung bei der "
                          "Stadtwerke-Gruppe.\nNachfassen im März.")
    assert j["email"] == "juergen@example.de"  # the PREF one, though listed second
    assert j["phone"] == "+49 89 1234 5678"  # the PREF one; never the fax
    assert alternates(db, "Jürgen Müller") == [("email", "juergen.home@example.de"), ("phone", "+49 170 1234567")]
    assert found["Ada Okoye"]["phone"] == "+234 803 555 0101"


def test_an_outlook_2003_card_in_windows_1252_keeps_its_extension_and_never_takes_the_fax(db):
    import_file(db, "vcard", fixture("outlook_2003.vcf"), TODAY)
    rene = people(db)["René Dubois"]
    assert rene["company"] == "Société Générale Conseil" and rene["title"] == "Responsable des achats"
    assert rene["phone"] == "+33 1 42 68 53 00 ext. 214"
    assert rene["notes"] == "Rencontré au salon VivaTech. Intéressé par une mission à Lyon."
    assert rene["email"] == "rene.dubois@example.fr"


def test_cr_cr_lf_endings_read_and_one_broken_card_is_skipped_with_its_line_the_rest_imported(db):
    plan = plan_import(db, "vcard", fixture("iphone_crcrlf.vcf"), TODAY)
    assert [a["person"]["name"] for a in plan.add] == ["Yuki Tanaka", "Marta Silva"]
    assert len(plan.skip) == 1 and plan.skip[0]["line"] == 12
    assert "line 16 is not a property" in plan.skip[0]["reason"]
    import_file(db, "vcard", fixture("iphone_crcrlf.vcf"), TODAY)
    yuki = people(db)["Yuki Tanaka"]
    assert yuki["email"] == "yuki.t@example.com"  # 3.0 type=pref
    assert yuki["phone"] == "+81 90 1234 5678"
    assert yuki["tags"] == '["mentors", "tokyo, japan"]'  # CATEGORIES unescaped: one tag, not two


def test_a_lotus_notes_card_with_two_profiles_and_a_4_0_card_with_pref_1_and_a_tel_uri_extension(db):
    import_file(db, "vcard", fixture("lotus_notes.vcf"), TODAY)
    found = people(db)
    assert found["Siobhan Brennan"]["company"] == "Harbour Freight Ltd."
    assert found["Siobhan Brennan"]["tags"] == '["dublin, ireland", "logistics"]'
    omar = found["Omar Haddad"]
    assert omar["email"] == "omar@example.org" and omar["phone"] == "+1-555-555-0142 ext. 207"
    assert alternates(db, "Omar Haddad") == [("email", "omar.work@example.org")]


def test_reimporting_a_card_adds_its_other_email_once_to_the_matched_person(db):
    import_file(db, "vcard", fixture("android_21.vcf"), TODAY)
    again = plan_import(db, "vcard", fixture("android_21.vcf"), TODAY)
    assert again.summary()["added"] == 0 and again.summary()["updated"] == 0


# --- LinkedIn ----------------------------------------------------------------------------------------


def test_a_2018_connections_csv_reads_connected_on_with_a_time(db):
    plan = plan_import(db, "linkedin", fixture("Connections_2018.csv"), TODAY)
    assert plan.warnings == []
    assert [a["person"]["connected_on"] for a in plan.add] == ["2018-01-08", "2017-12-20", "2018-03-05"]


def test_the_2018_messages_layout_is_read_by_direction_and_a_unique_name(db):
    plan = plan_import(db, "linkedin", fixture("Connections_2018.csv"), TODAY,
                       {"messages": fixture("Messages_2018.csv")})
    assert [(i["name"], i["record"]["day"], i["record"]["direction"]) for i in plan.interactions] == [
        ("Priya Raman", "2018-01-09", "me"), ("Priya Raman", "2018-01-09", "them")]
    assert plan.interactions[0]["record"]["responded"] == 1
    assert [(s["line"], s["name"]) for s in plan.skip] == [(4, "Jamie Stranger")]


def test_messages_match_a_connections_csv_without_urls_by_a_unique_name_and_say_when_it_is_ambiguous(db):
    import_file(db, "linkedin", fixture("Connections_no_url.csv"), TODAY)
    plan = plan_import(db, "messages", fixture("messages_urls.csv"), TODAY)
    assert [(i["name"], i["record"]["day"]) for i in plan.interactions] == [
        ("Ines Okafor-Lindqvist", "2026-02-20"), ("Ines Okafor-Lindqvist", "2026-02-21"),
        ("Ines Okafor-Lindqvist", "2026-03-02")]
    assert len(plan.skip) == 1 and "2 people on your list are called Sam Lee" in plan.skip[0]["reason"]


# --- Contact CSVs from mail programs ----------------------------------------------------------------


def test_a_google_contacts_csv_splits_values_keeps_other_emails_and_reads_labels(db):
    import_file(db, "csv", fixture("google_contacts.csv"), TODAY)
    found = people(db)
    amara = found["Amara Nwosu"]
    assert amara["email"] == "amara@globex.example" and amara["company"] == "Globex"
    assert amara["tags"] == '["fintech", "starred"]'  # '* myContacts' is everyone: no tag
    assert alternates(db, "Amara Nwosu") == [("email", "amara.nwosu@example.com")]
    tom = found["Tom Becker"]
    assert tom["phone"] == "+49 151 555 0100" and tom["linkedin_url"].endswith("/in/tom-becker-example")
    assert alternates(db, "Tom Becker") == [("phone", "+49 30 555 0100")]


def test_a_thunderbird_csv_takes_the_primary_email_and_keeps_the_secondary(db):
    import_file(db, "csv", fixture("thunderbird.csv"), TODAY)
    hanna = people(db)["Hanna Virtanen"]
    assert hanna["email"] == "hanna.virtanen@example.fi" and hanna["company"] == "Vantaa Systems Oy"
    assert hanna["title"] == "Talent Partner" and hanna["phone"] == "+358 9 555 0101"
    assert alternates(db, "Hanna Virtanen") == [("email", "hanna@home.example")]


@pytest.mark.parametrize("cell,emails", [
    ("a@example.org ::: b@example.org", ["a@example.org", "b@example.org"]),
    ("a@example.org, b@example.org; c@example.org", ["a@example.org", "b@example.org", "c@example.org"]),
])
def test_a_cell_with_several_emails_gives_the_first_as_primary_and_the_rest_as_alternates(db, cell, emails):
    import_file(db, "csv", f'Name,Email\nAna Novak,"{cell}"\n'.encode(), TODAY)
    assert people(db)["Ana Novak"]["email"] == emails[0]
    assert alternates(db, "Ana Novak") == [("email", e) for e in emails[1:]]
