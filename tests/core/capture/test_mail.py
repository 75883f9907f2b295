"""Mail exports become email touches: the Takeout-style mbox and the .eml folder in tests/fixtures/capture."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.capture import mail
from core.capture.plan import apply_capture, guess_my_addresses, plan_mail
from core.errors import ValidationError
from core.settings import get_my_addresses, save_my_addresses
from tests.core.capture.support import FIXTURES, ME, touches

MBOX = FIXTURES / "takeout.mbox"
EML = FIXTURES / "eml"


def test_the_stream_reader_reads_headers_only_and_decodes_rfc2047():
    found = list(mail.read_messages(MBOX))
    assert len(found) == 11
    first = found[0]
    assert first.subject == "Café next week?"
    assert first.recipients == [("ana@lopez.example", "Lopez, Ana"), ("bob@smith.example", "Bob Smith")]
    assert found[2].recipients == [("chloe@dupont.example", "Chloé Dupont")]
    assert found[2].subject == "Merci pour l'échange"  # ISO-8859-1 quoted-printable
    # The body line "Subject: …" after the blank line is never taken for a header.
    assert all("body" not in m.subject for m in found)


def test_a_missing_date_falls_back_to_received_then_to_the_from_line(tmp_path):
    nodate = next(m for m in mail.read_messages(MBOX) if m.message_id == "<CAM3-nodate@mail.gmail.example>")
    assert nodate.day == date(2026, 10, 15)
    bare = tmp_path / "bare.mbox"
    bare.write_bytes(b"From 1@xxx Fri Feb 04 17:10:22 +0000 2022\nFrom: a@b.example\nTo: c@d.example\n\nhi\n")
    assert next(mail.read_messages(bare)).day == date(2022, 2, 4)


@pytest.mark.parametrize(("headers", "reason"), [
    ("List-Id: <x.lists.example>", "mailing list"),
    ("List-Unsubscribe: <mailto:u@x.example>", "newsletter"),
    ("Auto-Submitted: auto-replied", "automated message"),
    ("Precedence: bulk", "bulk mail"),
    ("Auto-Submitted: no", ""),
])
def test_bulk_and_automated_mail_is_recognised_by_its_headers(headers, reason):
    raw = f"From: Bob <bob@smith.example>\nTo: {ME}\nDate: Mon, 2 Nov 2026 10:00:00 +0000\n{headers}\n".encode()
    assert mail.parse_headers(raw).bulk == reason


@pytest.mark.parametrize("sender", ["no-reply@x.example", "noreply@x.example", "notifications@github.example",
                                    "mailer-daemon@x.example", "bounces+123@x.example"])
def test_no_reply_senders_are_automated(sender):
    assert mail.parse_headers(f"From: {sender}\n".encode()).bulk == "no-reply sender"


def test_the_takeout_mbox_becomes_touches_matched_on_every_address(db, people, today):
    plan = plan_mail(db, MBOX, today)
    assert plan.my_addresses == [ME]
    assert plan.skipped == {"nobody on your list": 2, "mailing list": 1, "the same message twice in the file": 1,
                            "no-reply sender": 1, "newsletter": 1}
    assert plan.talk == [{"email": "zoe@martin.example", "name": "Zoë Martin", "count": 2}]
    apply_capture(db, plan, today)
    got = [(t["name"], t["day"], t["direction"], t["responded"], t["notes"]) for t in touches(db)]
    assert got == [
        ("Chloé Dupont", "2026-10-15", "me", None, ""),
        ("Ana Lopez", "2026-11-01", "me", 1, ""),  # Ana answered from her work address (In-Reply-To)
        ("Bob Smith", "2026-11-01", "me", None, ""),  # Bob was in Cc and didn't
        ("Ana Lopez", "2026-11-02", "them", None, ""),
        ("Dan Okafor", "2026-11-20", "me", None, ""),
        ("Bob Smith", "2026-11-22", "them", None, ""),  # Ana and Zoe in Cc of Bob's message: his touch only
    ]
    assert {t["channel"] for t in touches(db)} == {"email"}
    assert {t["source"] for t in touches(db)} == {"mail"}
    assert get_my_addresses(db) == [ME]


def test_subjects_are_kept_only_when_asked_and_bodies_never(db, people, today):
    apply_capture(db, plan_mail(db, MBOX, today, keep_subjects=True), today)
    notes = {t["notes"] for t in touches(db)}
    assert "Café next week?" in notes and "Re: Café next week?" in notes
    stored = "\n".join(str(v) for row in db.execute("select * from interactions") for v in row)
    assert "Thursday works" not in stored and "shall we meet" not in stored


def test_importing_the_same_mailbox_again_adds_nothing(db, people, today):
    apply_capture(db, plan_mail(db, MBOX, today), today)
    before = touches(db)
    again = plan_mail(db, MBOX, today)
    assert again.touches == [] and again.already == 6
    assert apply_capture(db, again, today)["added"] == 0
    assert touches(db) == before


def test_a_reply_in_a_later_export_marks_the_message_it_answers(db, people, today, tmp_path):
    text = MBOX.read_bytes()
    cut = text.index(b"From 1815000000000000002@xxx")
    first = tmp_path / "first.mbox"
    first.write_bytes(text[:cut])
    apply_capture(db, plan_mail(db, first, today), today)
    assert [t["responded"] for t in touches(db) if t["name"] == "Ana Lopez"] == [None]
    later = plan_mail(db, MBOX, today)
    assert len(later.answered) == 1
    apply_capture(db, later, today)
    assert [t["responded"] for t in touches(db) if t["name"] == "Ana Lopez"] == [1, None]


def test_an_eml_folder_with_crlf_and_references_threads(db, people, today):
    plan = plan_mail(db, EML, today)
    apply_capture(db, plan, today)
    got = [(t["name"], t["day"], t["direction"], t["responded"]) for t in touches(db)]
    assert got == [("Bob Smith", "2026-11-16", "me", 1), ("Bob Smith", "2026-11-17", "them", None),
                   ("Dan Okafor", "2026-11-18", "them", None)]


def test_a_zip_of_eml_files_and_uploaded_files_read_like_the_folder(db, people, today):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for f in sorted(EML.iterdir()):
            z.writestr(f"saved/{f.name}", f.read_bytes())
    from_zip = plan_mail(db, [("mail.zip", buffer.getvalue())], today)
    from_folder = plan_mail(db, EML, today)
    assert [(t.uid, t.responded) for t in from_zip.touches] == [(t.uid, t.responded) for t in from_folder.touches]


def test_the_own_addresses_are_guessed_then_saved(db, today):
    assert guess_my_addresses(db, MBOX) == ([ME], True)  # the most frequent sender, and Gmail's Delivered-To
    save_my_addresses(db, "Me@Gmail.example; me@work.example")
    assert get_my_addresses(db) == [ME, "me@work.example"]
    assert guess_my_addresses(db, MBOX) == ([ME, "me@work.example"], False)
    with pytest.raises(ValidationError, match="doesn't look like an email address"):
        save_my_addresses(db, "me at home")


@pytest.mark.parametrize(("content", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    (b"just some words\nnot mail at all\n", "doesn't look like mail"),
    (b"PK\x03\x04broken", "not a readable zip"),
])
def test_a_file_that_is_not_mail_changes_nothing_and_says_why(db, people, today, tmp_path, content, message):
    bad = tmp_path / "bad.mbox"
    bad.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        plan_mail(db, bad, today)
    assert touches(db) == []


def test_a_missing_path_is_a_clear_error(db, today, tmp_path):
    with pytest.raises(ValidationError, match="No such file"):
        plan_mail(db, tmp_path / "typo.mbox", today)
    assert not (tmp_path / "typo.mbox").exists()  # unlike mailbox.mbox, nothing is created


def test_memory_stays_bounded_by_one_header_block_not_the_file(tmp_path):
    big = tmp_path / "big.mbox"
    body = b"x" * 1000 + b"\n"
    with open(big, "wb") as f:
        for i in range(200):
            f.write(f"From {i}@xxx Mon Nov 02 10:00:00 +0000 2026\nFrom: a{i}@b.example\nTo: {ME}\n"
                    f"Message-ID: <{i}@b.example>\n\n".encode())
            f.write(body * 200 + b"\n")  # 200 kB of body each: 40 MB in all
    tracemalloc.start()
    count = sum(1 for _ in mail.read_messages(big))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 200
    assert peak < 8 * 2**20, peak  # a few read blocks, whatever the file's 40 MB


def test_a_header_block_without_an_end_is_capped(tmp_path):
    huge = tmp_path / "huge.eml"
    huge.write_bytes(b"From: a@b.example\n" + b"X-Junk: " + b"y" * 100 + b"\n" * 0 + b"X-More: z\n" * 200_000)
    msg = next(mail.read_messages(huge))
    assert msg.sender == "a@b.example"


def test_a_file_without_line_ends_is_read_in_bounded_pieces(tmp_path):
    flat = tmp_path / "flat.mbox"
    with open(flat, "wb") as f:
        f.write(b"From 1@xxx Mon Nov 02 10:00:00 +0000 2026\nFrom: a@b.example\n\n")
        f.write(b"y" * (30 * 2**20))  # a 30 MB body on one line
    tracemalloc.start()
    found = list(mail.read_messages(flat))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [m.sender for m in found] == ["a@b.example"]
    assert peak < 8 * 2**20, peak


def test_a_preview_gone_stale_changes_nothing(db, people, today):
    from core.errors import NotFound

    plan = plan_mail(db, MBOX, today)
    db.execute("delete from people where id = ?", [people["dan"]])
    with pytest.raises(NotFound):
        apply_capture(db, plan, today)
    assert touches(db) == []
    assert get_my_addresses(db) == [ME]  # the profile's, not a half-saved list


def _reference_mbox(data: bytes) -> list[tuple[bytes, bytes]]:
    """The line-by-line reading the block reader must agree with."""
    out, header, from_line, in_header, prev_blank = [], [], None, False, True
    for line in io.BytesIO(data):
        blank = line in (b"\n", b"\r\n")
        if prev_blank and line.startswith(b"From ") and mail.SEPARATOR.match(line):
            if from_line is not None:
                out.append((from_line, b"".join(header)))
            from_line, header, in_header = line.rstrip(), [], True
        elif in_header:
            if blank:
                in_header = False
            else:
                header.append(line)
        prev_blank = blank
    if from_line is not None:
        out.append((from_line, b"".join(header)))
    return out


_PIECES = [b"From 1@xxx Mon Nov 02 10:00:00 +0000 2026\n", b"From - Sat Jan 03 01:05:34 1996\r\n",
           b"From: a@b.example\n", b"To: c@d.example\r\n", b"\n", b"\r\n", b"From the desk of Ana\n",
           b">From the past\n", b"body text\n", b"x" * 40 + b"\n", b"From 2@xxx Tue Nov 03 11:00:00 +0000 2026\n"]


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.sampled_from(_PIECES), max_size=40), block=st.integers(1, 64))
def test_the_block_reader_splits_messages_as_a_line_reader_would(parts, block):
    data = b"From 0@xxx Sun Nov 01 09:00:00 +0000 2026\n" + b"".join(parts)
    original = mail.READ_CHUNK
    mail.READ_CHUNK = block  # tiny blocks: every separator and blank line falls across a block's edge
    try:
        found = list(mail.iter_mbox(io.BufferedReader(io.BytesIO(data))))
    finally:
        mail.READ_CHUNK = original
    assert found == _reference_mbox(data)


def test_one_message_to_one_person_is_counted_in_the_singular(db, people, today, tmp_path):
    one = tmp_path / "one.mbox"
    one.write_bytes(b"From 1@xxx Mon Nov 02 10:00:00 +0000 2026\nFrom: " + ME.encode() + b"\nTo: bob@smith.example\n"
                    b"Date: Mon, 2 Nov 2026 10:00:00 +0000\nMessage-ID: <one@x.example>\n\nhi\n")
    plan = plan_mail(db, one, today)
    assert plan.describe() == "Read 1 message: this import will log 1 email with 1 person on your list, and skip 0."
    assert apply_capture(db, plan, today)["message"] == "Logged 1 email with 1 person."


def test_a_reply_in_a_later_export_says_one_earlier_message_was_answered(db, people, today, tmp_path):
    text = MBOX.read_bytes()
    first = tmp_path / "first.mbox"
    first.write_bytes(text[:text.index(b"From 1815000000000000002@xxx")])
    apply_capture(db, plan_mail(db, first, today), today)
    report = apply_capture(db, plan_mail(db, MBOX, today), today)
    assert report["answered"] == 1
    assert report["message"].endswith("; 1 earlier message marked as answered.")
