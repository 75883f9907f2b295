"""Running an import: plan_import for bytes, import_stream for a file on disk, each choosing the planner."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlite_utils import Database

from core.db import transaction
from core.errors import ValidationError
from core.importers.apply import _finish, _indexes_rebuilt_if_bulk, _write_people
from core.importers.files import MAX_BYTES, STREAM_ZIP_BYTES, ZIP_TOTAL_BYTES, _records, _zip_members, open_file
from core.importers.linkedin import _plan_connections, _plan_invitations, _plan_messages
from core.importers.mapped_csv import _plan_csv
from core.importers.matching import _fingerprint, _Index
from core.importers.plan import KINDS, ImportPlan
from core.importers.vcard import _own_vcard_uids, _plan_vcards
from core.roles import get_role_map

STREAM_CHUNK = 5_000  # a streamed import writes its people this many at a time (one transaction in all)


def plan_import(db: Database, kind: str, data: bytes, today: date, options: dict | None = None) -> ImportPlan:
    """Read a file and work out what importing it would do, writing nothing (the Data page's preview).

    kind: linkedin (Connections.csv, or LinkedIn's export .zip), messages (messages.csv), invitations
    (Invitations.csv), vcard or csv.
    options: "messages" and "invitations" (bytes of messages.csv and Invitations.csv to import with
    Connections.csv), "owner_url" (your own LinkedIn URL, to tell sent from received), "mapping"
    ({column header: field}, for csv), "tier".
    Each file is at most MAX_BYTES (checked before it is read); a zip's entries are inflated as they
    are read, the first of each name only, each capped at MAX_BYTES. For files of any size, see
    import_stream (the command line).
    """
    options = dict(options or {})
    _check_kind(kind)
    for what, value in (("file", data), ("messages.csv", options.get("messages")),
                        ("Invitations.csv", options.get("invitations"))):
        if value is None and what != "file":
            continue
        if not isinstance(value, bytes | bytearray):
            raise ValidationError(f"The {what} could not be read.")
        if len(value) > MAX_BYTES:
            raise ValidationError(f"The {what} is {len(value) / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MB.")
    inputs = {"main": io.BytesIO(bytes(data))}
    for key in ("messages", "invitations"):
        if options.get(key):
            inputs[key] = io.BytesIO(bytes(options[key]))
    plan = ImportPlan(kind=kind, fingerprint=_fingerprint(db))
    _plan(db, plan, kind, _unzipped(kind, inputs, MAX_BYTES, ZIP_TOTAL_BYTES), today, options,
          vcard_limit=MAX_BYTES)
    return plan


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(f"Unknown import kind {kind!r}; use one of: {', '.join(KINDS)}.")


def _unzipped(kind: str, inputs: dict, each: int, total: int) -> dict:
    """LinkedIn's export .zip given as the file: its Connections.csv, messages.csv and Invitations.csv."""
    main = inputs["main"]
    if kind not in ("linkedin", "messages", "invitations"):
        return inputs
    head = main.read(4)
    main.seek(0)
    if head != b"PK\x03\x04":
        return inputs
    files = _zip_members(main, each, total)
    wanted = {"linkedin": ("connections", "Connections.csv"), "messages": ("messages", "messages.csv"),
              "invitations": ("invitations", "Invitations.csv")}[kind]
    if wanted[0] not in files:
        raise ValidationError(f"The zip holds no {wanted[1]}; is it LinkedIn's data export?")
    out = {**inputs, "main": files[wanted[0]]}
    if kind == "linkedin":
        for key in ("messages", "invitations"):
            if key not in out and key in files:
                out[key] = files[key]
    return out


def _plan(db: Database, plan: ImportPlan, kind: str, inputs: dict, today: date, options: dict, *,
          flush: Callable[[bool], None] | None = None, vcard_limit: int) -> None:
    """Plan every file of an import. With flush (a streamed import, inside its transaction), people are
    written as they are planned, and messages and invitations are then matched against the database."""
    source = {"linkedin": "linkedin", "messages": "linkedin", "invitations": "linkedin", "vcard": "vcard",
              "csv": "csv"}[kind]
    index = _Index(db, source)
    if kind == "linkedin":
        options = {**options, "role_map": options.get("role_map") or get_role_map(db)}
        _plan_connections(plan, index, _records(inputs["main"], "Connections.csv"), options, flush)
        if flush and (inputs.get("messages") or inputs.get("invitations")):
            flush(True)
            index = _Index(db, source)  # the people just written, matched as stored ones
        if inputs.get("messages"):
            _plan_messages(db, plan, index, _records(inputs["messages"], "messages.csv"), today, options)
        if inputs.get("invitations"):
            _plan_invitations(db, plan, index, _records(inputs["invitations"], "Invitations.csv"), today)
    elif kind == "messages":
        _plan_messages(db, plan, index, _records(inputs["main"], "messages.csv"), today, options)
    elif kind == "invitations":
        _plan_invitations(db, plan, index, _records(inputs["main"], "Invitations.csv"), today)
    elif kind == "vcard":
        _own_vcard_uids(db, index)
        data = inputs["main"].read(vcard_limit + 1)
        if len(data) > vcard_limit:
            raise ValidationError(f"The vCard file is over {vcard_limit // 2**20:,} MB; the limit is "
                                  f"{vcard_limit // 2**20:,} MB.")
        _plan_vcards(plan, index, data, options, flush)
    else:
        _plan_csv(plan, index, _records(inputs["main"], "CSV file"), options, flush)
    if flush:
        flush(True)


class _DryRun(Exception):  # a signal, not an error: roll the streamed import back
    pass


def import_stream(db: Database, kind: str, path, today: date, options: dict | None = None, *,
                  dry_run: bool = False, progress: Callable[[dict], None] | None = None) -> tuple[ImportPlan, dict]:
    """Import files of any size from disk, streaming, in bounded memory (the command line).

    path (and options "messages" / "invitations") are file paths. The file is read record by record and
    people are written STREAM_CHUNK at a time, all inside ONE transaction: a bad row further down, an
    error or a kill leaves the database exactly as it was. progress(summary) is called after each chunk
    is written (still uncommitted). dry_run does it all and rolls it back. Returns the plan (its add and
    update lists hold only the last chunk; its summary counts everything) and the report.
    """
    options = dict(options or {})
    _check_kind(kind)
    plan = ImportPlan(kind=kind)
    report: dict = {}
    with contextlib.ExitStack() as files:
        inputs = {"main": files.enter_context(open_file(path, "file"))}
        for key, what in (("messages", "messages.csv"), ("invitations", "Invitations.csv")):
            if options.get(key):
                inputs[key] = files.enter_context(open_file(options.pop(key), what))
        inputs = _unzipped(kind, inputs, STREAM_ZIP_BYTES, STREAM_ZIP_BYTES)
        stamp = datetime.now(UTC).isoformat()
        try:
            big = os.fstat(inputs["main"].fileno()).st_size if kind != "vcard" else 0
        except (OSError, AttributeError):  # a zip entry has no file of its own
            big = 0
        try:
            with transaction(db):
                state = {"companies": 0}

                def flush(final: bool) -> None:
                    if not final and len(plan.add) + len(plan.update) < STREAM_CHUNK:
                        return
                    if not plan.add and not plan.update:
                        return
                    new_ids = _write_people(db, plan, stamp, state)
                    plan.flushed_add += len(plan.add)
                    plan.flushed_update += len(plan.update)
                    plan.first_ids += new_ids[:1000 - len(plan.first_ids)]
                    plan.add.clear()
                    plan.update.clear()
                    if progress:
                        progress(plan.summary())

                with _indexes_rebuilt_if_bulk(db, "people", big // 100):
                    _plan(db, plan, kind, inputs, today, options, flush=flush, vcard_limit=STREAM_ZIP_BYTES)
                report = _finish(db, plan, [], today, stamp, state["companies"])
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    return plan, report
