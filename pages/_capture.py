"""The Data page's "Mail and calendar" section: export files become touches, previewed first, privately."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core import settings
from core.capture import plan as capture
from core.capture.calendar import read_file as read_calendar_file
from core.words import plural
from pages._ui import attempt, esc, is_hosted, plan_headline

MAIL_TYPES = ["mbox", "eml", "zip", "mbx"]
HELP = {
    "mail": "Gmail: Google Takeout → Mail (an .mbox, or a .zip holding it). Apple Mail: Mailbox → Export Mailbox. "
            "Thunderbird: a local folder's file. Outlook and most clients: save messages as .eml (a folder or a "
            ".zip of them). Only messages with people on your list become touches; newsletters, mailing lists and "
            "automated mail are skipped; message bodies are never read.",
    "calendar": "Google Calendar: Settings → Import & export → Export. Outlook: File → Save Calendar. Apple "
                "Calendar: File → Export. Each meeting with someone on your list becomes a conversation on its date "
                "(video, in person or a call); cancelled and declined events, and events with only you, are skipped.",
}


def _upload_limit() -> int:
    return int(st.get_option("server.maxUploadSize") or 200)


def _make_plan(db, day, kind: str, uploads, path: str, mine: list[str] | None, keep: bool,
               bar) -> capture.CapturePlan:
    def progress(done: int, total: int) -> None:
        share = min(done, total) / total if total else 1.0
        bar.progress(share, text=f"Reading… {min(done, total) / 2**20:,.0f} of {total / 2**20:,.0f} MB")

    if kind == "mail":
        source = path.strip() if path.strip() else [(u.name, u.getvalue()) for u in uploads]
        return capture.plan_mail(db, source, day, my_addresses=mine, keep_subjects=keep, progress=progress)
    if path.strip():
        file = Path(path.strip()).expanduser()  # refused with a sentence unless a readable regular file
        data, name = read_calendar_file(file), file.name
    else:
        data, name = uploads[0].getvalue(), uploads[0].name
    return capture.plan_calendar(db, data, day, my_addresses=mine, keep_subjects=keep, name=name)


def _show(plan: capture.CapturePlan) -> None:
    s = plan.summary()
    plan_headline(plan.describe(), {"Touches to log": s["touches"], "People": s["people"], "Skipped": s["skipped"],
                                    "Imported before": s["already"]})
    st.caption("Your addresses: " + esc(", ".join(plan.my_addresses) or "none (type them above)"))
    if plan.touches:
        st.caption("Matched to whom (most touches first)")
        st.dataframe(plan.matched(50), hide_index=True, width="stretch", key="capture_matched")
        st.caption(f"The touches (the newest {min(len(plan.touches), 50):,} of {len(plan.touches):,})")
        st.dataframe(plan.preview(50), hide_index=True, width="stretch", key="capture_touches")
    if plan.skipped:
        st.caption("Skipped, and why")
        st.dataframe(plan.skipped_rows(), hide_index=True, width="stretch", key="capture_skipped")


def _talk(db, day, plan: capture.CapturePlan) -> None:
    if not plan.talk:
        return
    st.caption("People you talk to who are not on your list: tick the ones to add, then their messages are "
               "imported with the rest.")
    chosen = []
    for i, t in enumerate(plan.talk):
        if st.checkbox(esc(f"{t['name']} <{t['email']}> · {t['count']:,}"), key=f"capture_talk_{i}"):
            chosen.append(t)
    if st.button(f"Add {len(chosen)} and preview again" if chosen else "Add the ticked people",
                 key="capture_add", disabled=not chosen, icon=":material/person_add:"):
        added = attempt(lambda: capture.add_correspondents(db, chosen, day), rerun=False)
        if added is not None:
            for i in range(len(plan.talk)):
                st.session_state.pop(f"capture_talk_{i}", None)
            st.session_state["capture_redo"] = True  # preview again: their messages now count
            st.session_state["_flash"] = f"Added {plural(len(added), 'person')}."
            st.rerun()


def capture_section(db, day) -> None:
    """Uploaders for mail (.mbox, .eml, .zip) and calendars (.ics), a local path when not hosted, a
    preview (added, matched to whom, skipped and why, people you talk to), then one confirm."""
    st.subheader("Mail and calendar")
    st.caption("Fill the log from the files your mail and calendar programs export: no account, no password, "
               "nothing leaves this computer. Importing the same file again adds nothing.")
    kind = st.radio("What are you importing?", ["mail", "calendar"], horizontal=True, key="capture_kind",
                    format_func={"mail": "Mail (.mbox, .eml)", "calendar": "Calendar (.ics)"}.get)
    st.caption(HELP[kind])
    saved = settings.get_my_addresses(db)
    mine_text = st.text_input("Your email addresses (commas between them)", value=", ".join(saved),
                              key="capture_me", help="Mail from these is from you. Left empty, Rapport uses your "
                              "profile's address and the mailbox's most frequent sender.")
    keep = st.checkbox("Keep each subject (event title) as the touch's note", key="capture_subjects",
                       help="Off: only the date, the person and the channel are stored. Bodies are never read.")
    if kind == "mail":
        uploads = st.file_uploader("Mail files", type=MAIL_TYPES, accept_multiple_files=True, key="capture_upload",
                                   max_upload_size=_upload_limit())
    else:
        one = st.file_uploader("Calendar file", type=["ics"], key="capture_upload_ics",
                               max_upload_size=_upload_limit())
        uploads = [one] if one is not None else []
    path = ""
    if not is_hosted():
        path = st.text_input("…or the path of a file on this computer (any size)", key="capture_path",
                             placeholder="~/Downloads/Takeout/Mail/All mail Including Spam and Trash.mbox")
    key = (kind, tuple((u.name, u.size) for u in uploads), path.strip(), mine_text, keep)

    if not uploads and not path.strip():
        st.session_state["capture_plan"] = None
        st.caption("Pick a file: nothing is written until you have seen the preview and confirmed it.")
        return
    preview = st.button("Preview", key="capture_preview", icon=":material/preview:")
    if st.session_state.pop("capture_redo", False) or preview:
        bar = st.progress(0.0, text="Reading…")
        mine = settings.split_addresses(mine_text) or None  # none typed: the saved ones, else a guess
        plan = attempt(lambda: _make_plan(db, day, kind, uploads, path, mine, keep, bar), rerun=False)
        bar.empty()
        st.session_state["capture_plan"] = (key, plan) if plan else None
    stored = st.session_state.get("capture_plan")
    if not stored or stored[0] != key:
        return
    plan = stored[1]
    _show(plan)
    _talk(db, day, plan)
    if st.button("Confirm the import", type="primary", key="capture_confirm", icon=":material/check:",
                 disabled=not plan.touches and not plan.answered):
        report = attempt(lambda: capture.apply_capture(db, plan, day), rerun=False)
        if report:
            st.session_state["capture_plan"] = None
            st.session_state["_flash"] = report["message"]
            st.rerun()
