"""The outreach composer: a personal draft in the article's structure, checked as you type, then sent."""

from __future__ import annotations

import streamlit as st

from core import composer, people, relationships
from core.errors import UserError
from core.vocab import CHANNEL_LABELS, CHANNELS
from pages._ui import attempt, esc, start_page

MAX_OPTIONS = 2000  # above this many people the picker searches instead of listing everyone
SHOWN = 50  # the matches a search lists; how many more there are is said below the box
KEYS_TO_RESET = ("compose_loaded_for", "compose_draft_id")

db, day = start_page("Compose", "Write a short, personal message in the article's structure: Rapport drafts it "
                     "from what you know about the person and checks it as you edit.")

# Changes asked for by the previous run (loading a draft, swapping the two people of an introduction)
# are applied here, before the widgets they concern exist.
for key, value in st.session_state.pop("compose_pending", {}).items():
    st.session_state[key] = value


def pending(**values) -> None:
    st.session_state["compose_pending"] = values


def apply_query_params() -> None:
    """Preselect the person, purpose and follow-up given in the link (once per distinct link)."""
    qp = (st.query_params.get("person"), st.query_params.get("purpose"), st.query_params.get("followup"))
    if qp == st.session_state.get("compose_qp") or not any(qp):
        return
    st.session_state["compose_qp"] = qp
    person, purpose, followup = qp
    if person:
        try:
            found = people.get_person(db, int(person)) if person.isdigit() else None
        except UserError:
            found = None
        if found and not found["archived_at"]:
            st.session_state["compose_person"] = found["id"]
        else:
            st.warning("The person in that link is not on your list (any more): pick someone below.")
    if purpose in composer.PURPOSES:
        st.session_state["compose_purpose"] = purpose
    st.session_state["compose_followup"] = int(followup) if followup and followup.isdigit() else None
    for key in KEYS_TO_RESET:
        st.session_state.pop(key, None)


def person_options() -> tuple[list[int], dict[int, str]]:
    """The "To" picker's people: everyone while there are few (the box filters as you type); with a query,
    everyone whose name, company or email matches, searched in full and the first SHOWN listed."""
    total = people.count_people(db)  # counting first: listing 30,000 names cost 300 ms a run
    query = st.text_input("Find a person", key="compose_find", placeholder="Part of a name, company or email",
                          help="Searches everyone on your list; press Enter to search.") if total else ""
    if query.strip():
        found, matched = people.find_people(db, query, limit=SHOWN)
        labels = {r["id"]: r["name"] + (f" — {r['company']}" if r["company"] else "") for r in found}
        if matched > len(found):
            st.caption(f"{matched - len(found):,} more match: type more of the name, company or email.")
        elif not found:
            st.caption("No one matches that: try part of the name, the company or the email.")
    elif total <= MAX_OPTIONS:
        choices = people.person_choices(db)
        labels = dict(choices)
    else:
        labels = {}
        st.caption(f"Type part of a name, company or email above to find anyone of your {total:,} people.")
    current = st.session_state.get("compose_person")
    if current and current not in labels:
        try:
            p = people.get_person(db, current)
            labels = {current: p["name"] + (f" — {p['company']}" if p["company"] else ""), **labels}
        except UserError:
            pass
    return list(labels), labels


def send(pid: int, purpose: str, subject: str, body: str, channel: str) -> None:
    draft_id = st.session_state.get("compose_draft_id")
    if draft_id is not None:
        composer.save_draft(db, pid, purpose, subject, body, st.session_state.get("compose_other"), draft_id)
        composer.mark_sent(db, draft_id, day, channel, st.session_state.get("compose_followup"))
    else:
        composer.mark_sent(db, (pid, purpose, subject, body), day, channel, st.session_state.get("compose_followup"))
    for key in KEYS_TO_RESET:
        st.session_state.pop(key, None)
    st.session_state["compose_followup"] = None
    # Sent is sent: no fresh draft to the same person waiting to be logged a second time.
    pending(compose_person=None, compose_other=None)


def save(pid: int, purpose: str, subject: str, body: str, other: int | None) -> None:
    st.session_state["compose_draft_id"] = composer.save_draft(
        db, pid, purpose, subject, body, other, st.session_state.get("compose_draft_id"))


def discard(draft_id: int) -> None:
    composer.discard_draft(db, draft_id)
    if st.session_state.get("compose_draft_id") == draft_id:
        for key in KEYS_TO_RESET:
            st.session_state.pop(key, None)


def show_findings(findings: list[dict]) -> None:
    if not findings:
        st.success("Ready to send: personal, short, and with a clear next step.", icon=":material/check_circle:")
    for f in findings:
        if f["level"] == "info":
            st.info(esc(f["message"]), icon=":material/schedule:")
        else:
            st.warning(esc(f["message"]), icon=":material/lightbulb:")


def show_suggestions(suggestions: list[dict], text: str) -> None:
    """Your notes for the gaps still in the message, beside it: never pasted in, so nothing private goes
    out unless you write it in yourself (as plain text: a note is never rendered as markdown or HTML)."""
    waiting = [s for s in suggestions if s["gap"] in text]
    if not waiting:
        return
    st.markdown("**From your notes**")
    st.caption("Kept out of the draft: write the gap in your own words, if you want to mention it.")
    for s in waiting:
        st.caption(esc(f"{s['label']}:"))
        st.code(s["text"], language=None, wrap_lines=True)


def pick_people(ids: list[int], labels: dict[int, str]) -> tuple[int | None, str, int | None]:
    """The "To" and "Purpose" pickers, and "Introduce them to" for a purpose about two people."""
    c1, c2 = st.columns(2)
    if st.session_state.get("compose_person") not in ids:
        st.session_state.pop("compose_person", None)
    pid = c1.selectbox("To", ids, format_func=lambda i: labels.get(i, str(i)), key="compose_person",
                       index=None, placeholder="Pick a person")
    purpose = c2.selectbox("Purpose", list(composer.PURPOSES), format_func=composer.purpose_label,
                           key="compose_purpose")
    other = None
    if composer.needs_second_person(purpose):
        others = [i for i in ids if i != pid]
        if st.session_state.get("compose_other") not in others:
            st.session_state.pop("compose_other", None)
        other = st.selectbox("Introduce them to", others, format_func=lambda i: labels.get(i, str(i)),
                             key="compose_other", index=None, placeholder="Pick the second person")
    return pid, purpose, other


def ready_to_draft(pid: int | None, purpose: str, other: int | None) -> bool:
    """Say who is still to pick, if anyone; warn when check-ins to this person are paused."""
    if pid is None:
        st.info("Pick the person you are writing to: the draft uses what you know about them.",
                icon=":material/person_search:")
        return False
    if composer.needs_second_person(purpose) and other is None:
        st.info("A double opt-in introduction asks each person first. Pick the second person.",
                icon=":material/group_add:")
        return False
    pause = relationships.checkin_pause(db, pid, day)  # SCORING.md §4.8.4
    if pause:
        st.warning(f"{pause['notice']}. Share something useful rather than ask again.",
                   icon=":material/pause_circle:")
    return True


def load_template(pid: int, purpose: str, other: int | None) -> tuple[dict, dict]:
    """The draft for this choice (put in the editor once per choice, so edits survive reruns) and the checks'
    context."""
    followup = st.session_state.get("compose_followup")
    interaction_id = composer.followup_interaction(db, followup) if followup else None
    template = composer.draft(db, pid, purpose, day, other, interaction_id)
    want = (pid, purpose, other, followup)
    if st.session_state.get("compose_loaded_for") != want:
        st.session_state["compose_subject"] = template["subject"]
        st.session_state["compose_body"] = template["body"]
        st.session_state["compose_loaded_for"] = want
        st.session_state["compose_draft_id"] = None
    context = composer.check_context(db, pid, purpose, day, other, interaction_id)
    return template, context


def side_panel(pid: int, purpose: str, other: int | None, labels: dict[int, str], template: dict,
               findings: list[dict], text: str) -> None:
    """Beside the message: the checks, your notes for its gaps, its structure, and the introduction's swap."""
    st.markdown("**Checks**")
    show_findings(findings)
    show_suggestions(template["suggestions"], text)
    if template["parts"]:
        st.markdown("**Structure**")
        st.caption(" → ".join(p["label"] for p in template["parts"]))
    if composer.needs_second_person(purpose):
        st.caption(esc(f"Double opt-in: after {labels.get(pid, 'them')} says yes, write the same to "
                       f"{labels.get(other, 'the other person')}."))
        if st.button("Write to the other person", key="compose_swap", icon=":material/swap_horiz:"):
            pending(compose_person=other, compose_other=pid)
            st.rerun()


def editor(pid: int, purpose: str, other: int | None, labels: dict[int, str], template: dict,
           context: dict) -> tuple[str, str]:
    """The subject and message as edited, with the checks beside them; returns (subject, body)."""
    left, right = st.columns([3, 2])
    with left:
        subject = st.text_input("Subject", key="compose_subject")
        body = st.text_area("Message", key="compose_body", height=380,
                            help="Edit freely: the checks on the right update as you type (Ctrl+Enter applies).")
        st.caption(f"{composer.words(body)} words · aim for under {composer.PURPOSES[purpose]['max_words']}")
    with right:
        side_panel(pid, purpose, other, labels, template, composer.check(subject, body, purpose, context),
                   subject + "\n" + body)
    with st.expander("Copy the message", icon=":material/content_copy:"):
        st.code(f"{subject}\n\n{body}", language=None, wrap_lines=True)
    return subject, body


def draft_buttons(column, draft_id: int | None) -> None:
    """Discard a saved draft, or (unsaved) start over from the template."""
    if draft_id is not None:
        if column.button("Discard draft", key="compose_discard", icon=":material/delete:", width="stretch"):
            attempt(lambda: discard(draft_id), "Draft discarded.")
    elif column.button("Start over", key="compose_reset", icon=":material/restart_alt:", width="stretch",
                       help="Throw away your edits and draft again from the template."):
        st.session_state.pop("compose_loaded_for", None)
        st.rerun()


def send_bar(pid: int, purpose: str, other: int | None, labels: dict[int, str], template: dict, subject: str,
             body: str) -> None:
    """How it was sent and Mark sent, Save draft, Open in mail app, and Discard or Start over."""
    url, why = composer.mail_link(template["to"], subject, body)
    a, b, c, d, e = st.columns([2, 2, 2, 2, 2], vertical_alignment="bottom")
    channel = a.selectbox("Sent by", CHANNELS, format_func=CHANNEL_LABELS.get, key="compose_channel")
    if b.button("Mark sent", key="compose_send", type="primary", icon=":material/send:", width="stretch"):
        name = labels.get(pid, "them")
        attempt(lambda: send(pid, purpose, subject, body, channel),
                esc(f"Logged: {composer.purpose_label(purpose).lower()} to {name}. The follow-up board is updated."))
    if c.button("Save draft", key="compose_save", icon=":material/save:", width="stretch"):
        attempt(lambda: save(pid, purpose, subject, body, other), "Draft saved: find it under Saved drafts.")
    if url:
        d.link_button("Open in mail app", url, icon=":material/mail:", width="stretch")
    draft_buttons(e, st.session_state.get("compose_draft_id"))
    if why:
        st.caption(why)
    if not template["to"]:
        st.caption("No email address on file for this person: add it in your mail app, or on their page.")


def write_tab(ids: list[int], labels: dict[int, str]) -> None:
    pid, purpose, other = pick_people(ids, labels)
    if not ready_to_draft(pid, purpose, other):
        return
    template, context = load_template(pid, purpose, other)
    subject, body = editor(pid, purpose, other, labels, template, context)
    send_bar(pid, purpose, other, labels, template, subject, body)


def drafts_tab(drafts: list[dict]) -> None:
    if not drafts:
        st.info("No saved drafts. Write a message and press **Save draft** to finish it later.",
                icon=":material/drafts:")
        return
    for d in drafts:
        with st.container(border=True):
            who = d["person"] + (f" and {d['other_person']}" if d["other_person"] else "")
            st.markdown(f"**{esc(who)}** · {esc(d['purpose_label'])}")
            st.caption(esc(d["subject"] or "(no subject)") + f" · saved {esc(d['updated_at'][:10])}")
            c1, c2 = st.columns(2)
            if c1.button("Open", key=f"compose_open_{d['id']}", icon=":material/edit:"):
                pending(compose_person=d["person_id"], compose_purpose=d["purpose"], compose_other=d["other_person_id"],
                        compose_subject=d["subject"], compose_body=d["body"], compose_followup=None,
                        compose_loaded_for=(d["person_id"], d["purpose"], d["other_person_id"], None),
                        compose_draft_id=d["id"])
                st.session_state["_flash"] = "Draft opened: it is in the Write tab."
                st.rerun()
            if c2.button("Discard", key=f"compose_drop_{d['id']}", icon=":material/delete:"):
                attempt(lambda draft_id=d["id"]: discard(draft_id), "Draft discarded.")


def interview_tab(pid: int | None, labels: dict[int, str]) -> None:
    if pid is None:
        st.info("Pick the person you are meeting in the Write tab first.", icon=":material/person_search:")
        return
    name = labels.get(pid, "them")
    st.markdown(f"**Before the meeting with {esc(name)}**: pick a few open-ended questions.")
    facts = composer.check_context(db, pid, "info_interview", day)
    bank = composer.interview_questions(facts)
    picked = []
    cols = st.columns(2)
    for i, (topic, questions) in enumerate(bank.items()):
        with cols[i % 2]:
            picked += st.multiselect(topic, questions, key=f"compose_q_{i}_{pid}")
    if picked:
        st.code(composer.question_sheet(name, picked), language=None, wrap_lines=True)
    st.markdown("**After the meeting**: note what to remember. Rapport schedules the thank-you (due within 48 hours).")
    with st.form("compose_interview", clear_on_submit=True):
        c1, c2 = st.columns(2)
        when = c1.date_input("When", value=day, max_value=day, key="compose_iv_day")
        channel = c2.selectbox("How", composer.INTERVIEW_CHANNELS, format_func=CHANNEL_LABELS.get,
                               key="compose_iv_channel")
        notes = st.text_area("Notes: what you learned", key="compose_iv_notes")
        details = st.text_area("Details to remember (the thank-you will mention them)", key="compose_iv_details")
        if st.form_submit_button("Log the interview", type="primary"):
            result = attempt(lambda: composer.log_info_interview(db, pid, day=when, channel=channel, today=day,
                                                                 notes=notes, details=details), rerun=False)
            if result:
                due = result["thank_you_due"]
                st.session_state["_flash"] = esc(f"Logged your informational interview with {name}.") + (
                    f" Thank-you due by {due:%a %d %b}: it is drafted for you now." if due else "")
                pending(compose_purpose="thank_you", compose_loaded_for=None)
                st.rerun()


def templates_tab() -> None:
    st.caption("Your own wording for each purpose. Placeholders are filled from the person and your profile; "
               "what Rapport doesn't know shows as a gap in brackets.")
    purpose = st.selectbox("Template for", list(composer.PURPOSES), format_func=composer.purpose_label,
                           key="compose_tpl_purpose")
    tpl = composer.get_template(db, purpose)
    version = st.session_state.get("compose_tpl_version", 0)
    st.caption("Your own version." if tpl["custom"] else "The default that ships with Rapport.")
    with st.form(f"compose_tpl_form_{purpose}"):
        subject = st.text_input("Subject", value=tpl["subject"], key=f"compose_tpl_subject_{purpose}_{version}")
        body = st.text_area("Message", value=tpl["body"], height=300, key=f"compose_tpl_body_{purpose}_{version}")
        if st.form_submit_button("Save template", type="primary"):
            try:
                composer.save_template(db, purpose, subject, body)
            except UserError as e:
                st.error(esc(str(e)), icon=":material/error:")
            else:
                st.session_state["compose_tpl_version"] = version + 1
                st.session_state["_flash"] = "Template saved: new drafts use it."
                st.session_state.pop("compose_loaded_for", None)
                st.rerun()
    if tpl["custom"] and st.button("Reset to the default", key="compose_tpl_reset", icon=":material/restart_alt:"):
        st.session_state["compose_tpl_version"] = version + 1
        st.session_state.pop("compose_loaded_for", None)
        attempt(lambda: composer.reset_template(db, purpose), "Template reset to the default.")
    st.markdown("**Placeholders**")
    st.code("  ".join("{" + k + "}" for k in composer.PLACEHOLDERS), language=None, wrap_lines=True)


apply_query_params()
ids, labels = person_options()
if not ids and not st.session_state.get("compose_find"):
    st.info("Add someone to your targets first: the composer drafts from what you know about them.",
            icon=":material/person_add:")
    st.page_link("pages/targets.py", label="Go to Targets", icon=":material/groups:")
else:
    drafts = composer.list_drafts(db)
    write, saved, interview, templates = st.tabs(
        ["Write", f"Saved drafts ({len(drafts)})", "Informational interview", "Templates"])
    with write:
        write_tab(ids, labels)
    with saved:
        drafts_tab(drafts)
    with interview:
        interview_tab(st.session_state.get("compose_person"), labels)
    with templates:
        templates_tab()
