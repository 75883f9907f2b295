"""Helpers shared by the capture tests (importable as tests.core.capture.support)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "capture"
ME = "me@gmail.example"


def touches(db, source: str | None = None) -> list[dict]:
    """Every touch as (who, day, channel, direction, responded, notes, source, source_uid), in a stable order."""
    where = "where i.source = ?" if source else ""
    cur = db.execute(f"select p.name, i.day, i.channel, i.direction, i.responded, i.notes, i.source, i.source_uid "
                     f"from interactions i join people p on p.id = i.person_id {where} "
                     f"order by i.day, p.name, i.source_uid", [source] if source else [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
