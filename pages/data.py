"""Your data: import (with a preview), export, backup and restore, and what the database holds."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from core import backup as backups
from core import exporters, importers
from core.capture import contact_presets
from core.db import db_file as file_of
from core.db import kept_copies
from core.errors import UserError
from core.opportunities import opportunities_csv
from core.words import plural
from pages import _capture, _replication
from pages._ui import attempt, esc, get_db, header, is_hosted, plan_headline, show_flash, today

db = get_db()
day = today()
db_file = file_of(db)  # a page's database is always a file (get_db)
st.session_state.setdefault("data_plan", None)

header("Your data", "Bring your network in from LinkedIn, your address book or any CSV; take it out to your "
       "spreadsheet, contacts and calendar; back it all up as one file.")
show_flash()


def _fresh(fn):
    """A download's contents, built on click in its own thread with its own connection (opened the one
    way every page opens it)."""
    return lambda: fn(get_db())


def backup_button(primary: bool = False) -> None:
    st.download_button("Download a full backup (.db)", data=_fresh(backups.backup_bytes),
                       file_name=backups.backup_filename(), mime="application/x-sqlite3", key="data_backup",
                       type="primary" if primary else "secondary", icon=":material/backup:", on_click="ignore")


def hosted_banner() -> None:
    st.warning("This copy runs on Streamlit Community Cloud, where the disk is wiped whenever the app restarts "
               "or sleeps. Download a backup after every session and restore it below when you come back.",
               icon=":material/cloud_off:")
    backup_button(primary=True)


# --- Import ----------------------------------------------------------------------------------------


def upload_key(kind: str, upload, *extras) -> tuple:
    return (kind, upload.name, upload.size,
            *[(getattr(x, "name", None), getattr(x, "size", None)) for x in extras])


def mapping_editor(data: bytes) -> dict[str, str] | None:
    """One select per CSV column, pre-filled with the guess; returns the mapping the user confirms."""
    try:
        headers = importers.csv_headers(data)
    except UserError as e:
        st.error(str(e), icon=":material/error:")
        return None
    guess = importers.default_mapping(headers)
    fields = list(importers.CSV_FIELDS)
    recognised = contact_presets.label(headers)
    st.caption(f"Recognised a {recognised}: every column is mapped for you; change any that are wrong." if recognised
               else "Which field does each column hold? The guesses come from the headers; change any that are wrong.")
    mapping = {}
    columns = st.columns(3)
    if st.session_state.get("data_map_headers", headers) != headers:  # another file: choices were by position
        for key in [k for k in st.session_state if str(k).startswith("data_map_")]:
            del st.session_state[key]
    st.session_state["data_map_headers"] = headers
    for i, column in enumerate(headers):
        with columns[i % 3]:
            mapping[column] = st.selectbox(
                column or f"(column {i + 1})", fields, index=fields.index(guess.get(column, "")),
                format_func=lambda f: importers.CSV_FIELDS[f], key=f"data_map_{i}")
    return mapping


def make_plan(kind: str, data: bytes, extra: bytes | None, mapping: dict | None,
              invitations: bytes | None = None) -> importers.ImportPlan:
    options: dict = {}
    if extra:
        options["messages"] = extra
    if invitations:
        options["invitations"] = invitations
    if mapping is not None:
        options["mapping"] = mapping
    return importers.plan_import(db, kind, data, day, options)


def show_plan(plan: importers.ImportPlan) -> None:
    s = plan.summary()
    plan_headline(plan.describe(), {"To add": s["added"], "To update": s["updated"], "Skipped": s["skipped"],
                                    "Touches to log": s["interactions"]},
                  {"Touches to log": "LinkedIn message exchanges and connection requests, logged as interactions"})
    if plan.skip:
        reasons = Counter(x["reason"] for x in plan.skip)
        st.caption("Skipped: " + "; ".join(f"{n:,} × {esc(r)}" for r, n in reasons.most_common(5)))
    st.dataframe(plan.preview(50), hide_index=True, width="stretch",
                 column_config={"line": st.column_config.NumberColumn("Line", format="%d")}, key="data_preview_table")
    if plan.interactions:
        st.caption(f"Touches to log (the first {min(len(plan.interactions), 50):,} of {len(plan.interactions):,}); "
                   "each one counts in the person's score and moves their next check-in.")
        st.dataframe(plan.preview_interactions(50), hide_index=True, width="stretch", key="data_preview_touches",
                     column_config={"line": st.column_config.NumberColumn("Line", format="%d")})
    if plan.warnings:
        st.caption(f"{plural(len(plan.warnings), 'row')} will be imported with a field left out (see the warnings above).")


def confirm(plan: importers.ImportPlan) -> None:
    def run():
        report = importers.apply_import(db, plan, day)
        st.session_state["data_plan"] = None
        return report

    if st.button("Confirm the import", type="primary", key="data_confirm", icon=":material/check:"):
        report = attempt(run, rerun=False)
        if report:
            # Shown in the import section, where the preview and this button were, not at the page's top.
            st.session_state["data_import_result"] = {k: report[k] for k in (
                "message", "added", "updated", "skipped", "interactions", "companies")}
            st.rerun()


def import_result() -> None:
    """What the last confirmed import changed, where the user confirmed it."""
    result = st.session_state.get("data_import_result")
    if not result:
        return
    with st.container(border=True, key="data_import_result_box"):
        st.success(result["message"], icon=":material/check_circle:")  # numbers only, no user text
        cols = st.columns(4)
        cols[0].metric("Added", f"{result['added']:,}")
        cols[1].metric("Updated", f"{result['updated']:,}")
        cols[2].metric("Skipped", f"{result['skipped']:,}")
        cols[3].metric("Touches logged", f"{result['interactions']:,}")
        if result["companies"]:
            st.caption(f"{plural(result['companies'], 'new company', 'new companies')} on your list.")
        if result["added"] or result["updated"]:
            st.page_link("pages/targets.py", label="See them on Targets: filter, then Edit several to mark targets",
                         icon=":material/groups:")


def import_section() -> None:
    st.subheader("Import")
    kind = st.selectbox("What are you importing?", importers.KINDS, format_func=importers.KIND_LABELS.get,
                        key="data_kind")
    help_text = {
        "linkedin": "LinkedIn → Settings → Data privacy → Get a copy of your data. Upload the .zip or its "
                    "Connections.csv. Your connections come in as acquaintances; their connection date is kept. "
                    "The .zip's messages.csv and Invitations.csv (connection requests) come in as touches too.",
        "messages": "messages.csv from the same LinkedIn export: each exchange becomes an interaction, so the "
                    "scores see who replied to whom. Import Connections.csv first.",
        "invitations": "Invitations.csv from the same LinkedIn export: each connection request you sent or "
                       "received becomes a LinkedIn touch with its message as the note. Import Connections.csv first.",
        "vcard": "Apple Contacts: select contacts → File → Export → Export vCard. Google Contacts: Export → "
                 "vCard (for iOS Contacts).",
        "csv": "Any spreadsheet saved as CSV (UTF-8). You choose which column holds what.",
    }[kind]
    st.caption(help_text)
    types = {"linkedin": ["csv", "zip"], "messages": ["csv", "zip"], "invitations": ["csv", "zip"],
             "vcard": ["vcf", "vcard"], "csv": ["csv"]}
    upload = st.file_uploader("File to import", type=types[kind], key="data_upload",
                              max_upload_size=importers.MAX_BYTES // 2**20)
    extra = invitations = None
    if kind == "linkedin":
        extra = st.file_uploader("messages.csv too (optional)", type=["csv"], key="data_messages",
                                 max_upload_size=importers.MAX_BYTES // 2**20)
        invitations = st.file_uploader("Invitations.csv too (optional)", type=["csv"], key="data_invitations",
                                       max_upload_size=importers.MAX_BYTES // 2**20)
    if upload is None:
        st.session_state["data_plan"] = None
        import_result()
        st.info("Pick a file: nothing is written until you have seen the preview and confirmed it.",
                icon=":material/upload_file:")
        return
    data = upload.getvalue()
    mapping = mapping_editor(data) if kind == "csv" else None
    if kind == "csv" and mapping is None:
        return
    key = upload_key(kind, upload, extra, invitations)
    if st.button("Preview the import", key="data_preview", icon=":material/preview:"):
        st.session_state.pop("data_import_result", None)
        plan = attempt(lambda: make_plan(kind, data, extra.getvalue() if extra else None, mapping,
                                         invitations.getvalue() if invitations else None), rerun=False)
        st.session_state["data_plan"] = (key, plan) if plan else None
    stored = st.session_state.get("data_plan")
    if stored and stored[0] == key:
        show_plan(stored[1])
        confirm(stored[1])
    else:
        import_result()


# --- Export, backup, restore ------------------------------------------------------------------------


def export_section() -> None:
    st.subheader("Export")
    st.caption("Spreadsheets get UTF-8 CSV (accents intact, formulas neutralised); contacts apps get vCard 3.0; "
               "calendars get your open follow-ups and yearly dates as all-day events (import it again later "
               "and the events update instead of doubling).")
    cols = st.columns(4)
    with cols[0]:
        st.download_button("People (CSV)", data=_fresh(exporters.people_csv), file_name="rapport-people.csv",
                           mime="text/csv", key="data_export_people", icon=":material/table:", on_click="ignore")
    with cols[1]:
        st.download_button("Interactions (CSV)", data=_fresh(exporters.interactions_csv),
                           file_name="rapport-interactions.csv", mime="text/csv", key="data_export_interactions",
                           icon=":material/forum:", on_click="ignore")
    with cols[2]:
        st.download_button("Contacts (vCard)", data=_fresh(exporters.vcards), file_name="rapport-contacts.vcf",
                           mime="text/vcard", key="data_export_vcard", icon=":material/contacts:", on_click="ignore")
    with cols[3]:
        st.download_button("Calendar (.ics)", data=_fresh(lambda d: exporters.calendar_ics(d, day)),
                           file_name="rapport-follow-ups.ics", mime="text/calendar", key="data_export_ics",
                           icon=":material/calendar_month:", on_click="ignore")
    st.download_button("Opportunities (CSV)", data=_fresh(opportunities_csv), file_name="rapport-opportunities.csv",
                       mime="text/csv", key="data_export_opportunities", icon=":material/work:", on_click="ignore")


def restore_section() -> None:
    st.subheader("Restore from a backup")
    st.caption("Replaces everything in this database with the backup's contents. The current database is kept "
               "as a copy beside it (the last five), so a wrong restore can be undone from the command line.")
    with st.form("data_restore_form"):
        upload = st.file_uploader("Rapport backup (.db)", type=["db", "sqlite", "sqlite3"], key="data_restore_file")
        sure = st.checkbox("Yes, replace my current data with this backup", key="data_restore_sure")
        submitted = st.form_submit_button("Restore", key="data_restore", icon=":material/restore:")
    if not submitted:
        return
    if upload is None:
        st.error("Choose the backup file to restore first.", icon=":material/error:")
    elif not sure:
        st.error("Tick the box to confirm: a restore replaces your current data.", icon=":material/error:")
    else:
        data = upload.getvalue()
        result = attempt(lambda: backups.restore_bytes(db_file, data), rerun=False)
        if result:
            st.session_state["_flash"] = f"Restored a backup with {result['people']:,} people."
            st.rerun()


def about_section() -> None:
    st.subheader("The database")
    st.caption("One SQLite file: open it with any SQLite tool (sqlite3, DB Browser, Datasette). "
               "The command line works on the same file: `python -m core --help`.")
    st.text(f"File: {db_file}")
    kept = kept_copies(db_file)
    if kept:
        st.text(f"Copies kept beside it before a restore, a merge or an upgrade: {len(kept)} (latest {kept[0].name})")
    st.dataframe(backups.schema_summary(db), hide_index=True, width="stretch", key="data_schema")


hosted = is_hosted()
replica = _replication.replicator()
if replica:  # saved to the user's bucket: the disk being wiped loses nothing
    _replication.save_section(replica)
    st.divider()
elif hosted:
    hosted_banner()
import_section()
st.divider()
_capture.capture_section(db, day)
st.divider()
export_section()
if replica or not hosted:
    st.caption("A full backup is the whole database as one file; restore it below or open it in any SQLite tool.")
    backup_button()
st.divider()
restore_section()
st.divider()
about_section()
