"""Hostile and oversized files fail quickly, in bounded memory, with a clear sentence; big honest files
stream. Peak memory is read from a subprocess (resource.getrusage RUSAGE_CHILDREN), never timed."""

import csv
import io
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from core.db import memory_db
from core.errors import ValidationError
from core.importers import MAX_BYTES, plan_import

TODAY = date(2026, 11, 27)
ROOT = Path(__file__).resolve().parents[3]
HEADER = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"

PEAK = """
import resource, subprocess, sys
r = subprocess.run([sys.executable, *sys.argv[1:]], capture_output=True, text=True)
print(r.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
print(r.stdout.replace("\\n", " | "))
print(r.stderr.replace("\\n", " | "))
"""
PLAN = """
import sys
from datetime import date
from core.db import memory_db
from core.errors import ValidationError
from core.importers import plan_import
try:
    plan_import(memory_db(), "linkedin", open(sys.argv[1], "rb").read(), date(2026, 11, 27))
except ValidationError as e:
    print("refused:", e)
"""


def peak(*args: str) -> tuple[int, int, str, str]:
    """Run python with args in a child; (exit code, its peak RSS in MB, stdout, stderr)."""
    out = subprocess.run([sys.executable, "-c", PEAK, *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=600, check=True).stdout.split("\n")
    return int(out[0]), int(out[1]), out[2], out[3]


def bomb(path: Path, inflated: int, claimed: int | None = None, entries: int = 1) -> Path:
    """A zip of Connections.csv entries that inflate to `inflated` bytes each, optionally claiming a smaller size."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for _ in range(entries):
            info = zipfile.ZipInfo("Connections.csv")
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w") as entry:
                entry.write(HEADER)
                block = b"Ana,Novak,,,,,08 Feb 2026\n" * 40_000
                written = len(HEADER)
                while written < inflated:
                    entry.write(block[:inflated - written])
                    written += len(block)
    if claimed is not None:  # patch the central directory's uncompressed size, as a hostile zip does
        data = bytearray(path.read_bytes())
        cd = data.rindex(b"PK\x01\x02")
        data[cd + 24:cd + 28] = claimed.to_bytes(4, "little")
        path.write_bytes(bytes(data))
    return path


def test_a_zip_whose_entry_claims_1_kb_but_inflates_to_1_gb_fails_under_200_mb(tmp_path):
    path = bomb(tmp_path / "bomb.zip", 2**30, claimed=1024)
    assert path.stat().st_size < 3 * 2**20
    code, mb, out, err = peak("-c", PLAN, str(path))
    assert code == 0, err
    assert "refused:" in out and "zip bomb" in out
    assert mb < 200, f"peak {mb} MB"


def test_a_zip_entry_honestly_over_the_limit_is_refused_before_it_is_inflated(tmp_path):
    path = bomb(tmp_path / "big.zip", MAX_BYTES + 1000)
    with pytest.raises(ValidationError, match="over 20 MB"):
        plan_import(memory_db(), "linkedin", path.read_bytes(), TODAY)


def test_900_entries_named_connections_csv_inflate_only_the_first(tmp_path, monkeypatch):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(900):
            z.writestr(f"dir{i}/Connections.csv", HEADER + f"Ana{i},Novak,,,,,08 Feb 2026\n".encode())
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: (opened.append(name),
                                                                              real_open(self, name, *a, **k))[1])
    plan = plan_import(memory_db(), "linkedin", path.read_bytes(), TODAY)
    assert [a["person"]["name"] for a in plan.add] == ["Ana0 Novak"]
    assert len(opened) == 1


def test_a_10_mb_field_is_a_field_too_long_not_broken_quoting():
    data = HEADER + b'Ana,"' + b"x" * 10_000_000 + b'",,,,,08 Feb 2026\n'
    with pytest.raises(ValidationError, match=r"field that is too long .* line 2"):
        plan_import(memory_db(), "linkedin", data, TODAY)


def test_the_page_limit_is_checked_before_a_file_is_read():
    with pytest.raises(ValidationError, match="limit is 20 MB"):
        plan_import(memory_db(), "linkedin", HEADER, TODAY, {"messages": b"a" * (MAX_BYTES + 1)})


def messages_csv(path: Path, megabytes: int) -> Path:
    """A heavy user's messages.csv: long messages with real newlines, over `megabytes` MB."""
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
                    "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER"])
        body = ("Thanks for the chat, here is the long version of what I said.\n" * 30)
        i = 0
        while f.tell() < megabytes * 2**20:
            w.writerow([f"c{i % 3000}", "", f"Person {i % 3000}", f"https://www.linkedin.com/in/p-{i % 3000}",
                        "Pat Seeker", "https://www.linkedin.com/in/pat-seeker-example",
                        f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d} 10:00:00 UTC", "", body, "INBOX"])
            i += 1
    return path


def test_the_command_line_streams_a_messages_csv_over_the_page_limit(tmp_path):
    connections = io.StringIO()
    w = csv.writer(connections, lineterminator="\n")
    w.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
    for i in range(3000):
        w.writerow([f"Person {i}", "", f"https://www.linkedin.com/in/p-{i}", "", "Co", "Eng", "08 Feb 2024"])
    (tmp_path / "Connections.csv").write_text(connections.getvalue())
    messages = messages_csv(tmp_path / "messages.csv", 24)
    assert messages.stat().st_size > MAX_BYTES

    code, mb, out, err = peak("-m", "core", "--db", str(tmp_path / "r.db"), "import", "linkedin",
                              str(tmp_path / "Connections.csv"), "--messages", str(messages),
                              "--owner-url", "https://www.linkedin.com/in/pat-seeker-example")
    assert code == 0, err
    assert "Imported: 3,000 added" in out and "message exchanges logged" in out
    assert mb < 250, f"peak {mb} MB"


def test_a_streamed_import_of_200000_connections_stays_in_bounded_memory(tmp_path):
    source = tmp_path / "Connections.csv"
    with source.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for i in range(200_000):
            w.writerow([f"First{i}", f"Last{i}", f"https://www.linkedin.com/in/person-{i}", "", f"Company {i % 900}",
                        "Engineer, Platform", "08 Feb 2026"])
    code, mb, out, err = peak("-m", "core", "--db", str(tmp_path / "r.db"), "import", "linkedin", str(source))
    assert code == 0, err
    assert "Imported: 200,000 added" in out
    assert mb < 200, f"peak {mb} MB"  # reading the whole file at once takes about 330 MB
