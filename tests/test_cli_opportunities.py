"""`rapport opportunities` and `rapport export csv --what opportunities` (issue 18)."""

from __future__ import annotations

import json

from tests.test_cli import run


def test_opportunities_json_lists_the_demo_pipeline_and_the_csv_export_has_them(tmp_path):
    path = tmp_path / "demo.db"
    assert run(path, "demo", "--today", "2026-11-27").returncode == 0
    result = run(path, "opportunities", "--json")
    assert result.returncode == 0, result.stderr
    found = {o["title"]: o for o in json.loads(result.stdout)}
    assert len(found) == 6
    assert found["Analytics Engineer"]["stage"] == "interviewing"
    assert "(interviewer)" in found["Analytics Engineer"]["people"]
    assert (found["BI Developer"]["stage"], found["BI Developer"]["closed_reason"]) == ("closed", "rejected")
    assert "Analytics Engineer at Northwind Analytics" in run(path, "opportunities").stdout

    out = tmp_path / "opps.csv"
    assert run(path, "export", "csv", str(out), "--what", "opportunities").returncode == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,title,company,stage")


def test_no_opportunities_says_what_to_do(tmp_path):
    result = run(tmp_path / "empty.db", "opportunities")
    assert result.returncode == 0 and "No opportunities yet" in result.stdout
