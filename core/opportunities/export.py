"""Opportunities out: rows for the CSV export and the command line's JSON."""

from __future__ import annotations

from sqlite_utils import Database

from core.db import rows

EXPORT_COLUMNS = ("id", "title", "company", "stage", "closed_reason", "source", "link", "salary_min", "salary_max",
                  "salary_currency", "found_on", "deadline", "people", "notes", "created_at", "updated_at")


def export_rows(db: Database) -> list[dict]:
    """Every opportunity, oldest first, with its people as 'Name (role); ...'."""
    found = rows(db, "select o.*, coalesce(c.name, '') as company from opportunities o left join companies c "
                     "on c.id = o.company_id order by o.id")
    linked: dict[int, list[str]] = {}
    for oid, name, role in db.execute("select op.opportunity_id, p.name, op.role from opportunity_people op join "
                                      "people p on p.id = op.person_id order by op.opportunity_id, p.name, op.role"):
        linked.setdefault(oid, []).append(f"{name} ({role.replace('_', ' ')})")
    for r in found:
        r["people"] = "; ".join(linked.get(r["id"], []))
    return [{c: r[c] for c in EXPORT_COLUMNS} for r in found]


def opportunities_csv(db: Database) -> bytes:
    """Every opportunity as CSV, like the other exports (UTF-8 with a BOM, formulas neutralised)."""
    from core.exporters import _csv_bytes

    return _csv_bytes(EXPORT_COLUMNS, export_rows(db))
