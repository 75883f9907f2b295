"""Opportunities: the roles you pursue as a pipeline (columns) or a filtered list, and each one's own page
(query param id) with its timeline, its people, who you know there, and what to do next."""

from __future__ import annotations

import streamlit as st

from core import opportunities as opps
from core import people
from core.composer.referrals import opportunity_draft, referral_ask
from core.db import data_version
from core.opportunities import tracker_csv
from core.vocab import CHANNEL_LABELS, INTERVIEW_CHANNELS
from core.words import plural
from pages._ui import (
    PERSON_PAGE,
    attempt,
    back_and_link,
    back_to_list,
    confirmed,
    esc,
    get_db,
    header,
    list_or_item,
    score_label,
    show_flash,
    today,
)

PAGE = "pages/opportunities.py"
PER_STAGE = 12  # cards per column; the list view has them all
WHO_SHOWN = 10  # people shown in each list of who you know there

db = get_db()
day = today()


@st.cache_data(max_entries=4, show_spinner=False)
def board(version: str) -> dict:
    return opps.pipeline(get_db(), per_stage=PER_STAGE)


@st.cache_data(max_entries=16, show_spinner=False)
def known_there(version: str, company_id: int | None) -> dict:
    """Who do I know at the company (the first WHO_SHOWN of each list, and how many in all)."""
    found = opps.who_do_i_know(get_db(), company_id)
    return {"direct": found["direct"][:WHO_SHOWN], "second": found["second"][:WHO_SHOWN],
            "direct_total": len(found["direct"])}


@st.cache_data(max_entries=16, show_spinner=False)
def listing(version: str, search: str, stages: tuple[str, ...], source: str) -> tuple[list[dict], int]:
    return opps.list_opportunities(get_db(), search=search, stages=stages, source=source)


def open_opportunity(opportunity_id: int) -> None:
    st.query_params.clear()
    st.query_params["id"] = str(opportunity_id)
    st.rerun()


def name_of(o: dict) -> str:
    return f"{o['title']} at {o['company']}" if o["company"] else o["title"]


# --- The pipeline and the list ------------------------------------------------------------------------


def add_form() -> None:
    with st.expander("Add an opportunity", icon=":material/add:"), st.form("opps_add"):
        c1, c2 = st.columns(2)
        title = c1.text_input("Role title (required)", key="opps_add_title")
        company = c2.text_input("Company (required)", key="opps_add_company")
        link = c1.text_input("Link to the posting", key="opps_add_link")
        source = c2.selectbox("Where it came from", list(opps.SOURCES), format_func=opps.SOURCES.get,
                              key="opps_add_source")
        stage = c1.selectbox("Stage", opps.OPEN_STAGES, format_func=opps.STAGE_LABELS.get, key="opps_add_stage")
        deadline = c2.date_input("Deadline (optional)", value=None, key="opps_add_deadline")
        s1, s2, s3 = st.columns(3)
        low = s1.number_input("Lowest salary", min_value=0, value=None, step=1000, key="opps_add_low")
        high = s2.number_input("Highest salary", min_value=0, value=None, step=1000, key="opps_add_high")
        currency = s3.text_input("Currency", key="opps_add_currency", placeholder="EUR")
        notes = st.text_area("Notes", key="opps_add_notes", height=68)
        if st.form_submit_button("Add opportunity", type="primary"):
            new_id = attempt(lambda: opps.add_opportunity(
                db, today=day, stage=stage, title=title, company=company, link=link, source=source,
                deadline=deadline, salary_min=low, salary_max=high, salary_currency=currency, notes=notes),
                rerun=False)
            if new_id:
                st.session_state["_flash"] = f"Added {esc(title.strip())}. Now link the people around it."
                open_opportunity(new_id)


def show_pipeline(found: dict) -> None:
    columns = st.columns(len(opps.STAGES))
    for col, stage in zip(columns, opps.STAGES, strict=True):
        column = found[stage]
        col.markdown(f"**{opps.STAGE_LABELS[stage]}** · {column['total']:,}")
        for o in column["items"]:
            detail = ""
            if stage == "closed" and o["closed_reason"]:
                detail = f" · {opps.CLOSED_REASONS.get(o['closed_reason'], '')}"
            elif o["deadline"] and stage in opps.BEFORE_APPLYING:
                detail = f" · deadline {o['deadline']}"
            col.page_link(PAGE, label=esc(name_of(o)) + detail, query_params={"id": str(o["id"])},
                          icon=":material/work:")
        if column["total"] > len(column["items"]):
            col.caption(f"… and {column['total'] - len(column['items']):,} more: see the list view.")


def show_list_view() -> None:
    f1, f2, f3 = st.columns([2, 2, 1])
    search = f1.text_input("Search", placeholder="Role, company or notes", key="opps_search")
    stages = f2.multiselect("Stages", opps.STAGES, format_func=opps.STAGE_LABELS.get, key="opps_stages")
    source = f3.selectbox("Source", ["", *opps.SOURCES], format_func=lambda s: opps.SOURCES.get(s, "Any"),
                          key="opps_source")
    found, total = listing(data_version(db), search, tuple(stages), source)
    if not found:
        st.info("No opportunity matches these filters: clear the search or pick other stages.",
                icon=":material/search_off:")
        return
    st.caption(f"{total:,} opportunities" + (f", the {len(found):,} most recently changed shown" if total > len(found)
                                             else "") + " · select a row to open one")
    data = [{"Role": o["title"], "Company": o["company"], "Stage": opps.STAGE_LABELS[o["stage"]],
             "Why closed": opps.CLOSED_REASONS.get(o["closed_reason"], ""), "Source": opps.SOURCES.get(o["source"], ""),
             "Salary": opps.salary_text(o), "Deadline": o["deadline"] or "", "People": o["people"],
             "Found": o["found_on"] or ""} for o in found]
    event = st.dataframe(data, on_select="rerun", selection_mode="single-row", key="opps_table", hide_index=True,
                         width="stretch")
    if event.selection.rows:
        open_opportunity(found[event.selection.rows[0]]["id"])


def import_section() -> None:
    with st.expander("Import from a job tracker (Huntr, Teal or any CSV)", icon=":material/upload_file:"):
        upload = st.file_uploader("The tracker's CSV export", type=["csv"], key="opps_import_file")
        if upload is None:
            st.caption("Export your jobs as CSV from Huntr or Teal (or any spreadsheet) and choose it here. You "
                       "will see what would be imported, and confirm, before anything is saved.")
            return
        data = upload.getvalue()
        table = attempt(lambda: tracker_csv.read_table(data), rerun=False)
        if table is None:
            return
        headers = table[0]
        guessed = tracker_csv.guess_mapping(headers)
        st.caption("Which field each column holds (recognised columns are filled in; check them):")
        mapping = {}
        fields = list(tracker_csv.FIELDS)
        cols = st.columns(3)
        for i, h in enumerate(headers):
            mapping[h] = cols[i % 3].selectbox(esc(h) or f"Column {i + 1}", fields, index=fields.index(guessed[h]),
                                               format_func=tracker_csv.FIELDS.get,
                                               key=f"opps_map_{upload.file_id}_{i}")  # a new file, new choices
        plan = attempt(lambda: tracker_csv.preview(db, data, day, mapping), rerun=False)
        if plan is None:
            return
        st.markdown(f"Looks like a **{plan['format']}** export: **{plan['new']:,}** new, {plan['already']:,} "
                    "already on your list.")
        for problem in plan["problems"][:10]:
            st.error(esc(problem), icon=":material/error:")
        if plan["rows"]:
            st.dataframe([{"Role": r["title"], "Company": r["company"], "Stage": opps.STAGE_LABELS[r["stage"]],
                           "Source": opps.SOURCES[r["source"]]} for r in plan["rows"][:200]],
                         hide_index=True, key="opps_import_preview")
        if plan["new"] and not plan["problems"] and st.button(
                f"Import {plural(plan['new'], 'opportunity')}", type="primary", key="opps_import_go"):
            attempt(lambda: tracker_csv.import_rows(db, data, day, mapping),
                    f"Imported {plural(plan['new'], 'opportunity')}.")


def show_index() -> None:
    header("Opportunities", "The roles you pursue, and the people around each one: a referral, the recruiter, the "
                            "interviewers you thank the same day.")
    show_flash()
    add_form()
    found = board(data_version(db))
    view = st.radio("View", ["Pipeline", "List"], horizontal=True, key="opps_view", label_visibility="collapsed")
    if not any(column["total"] for column in found.values()):
        st.info("No opportunities yet. Add the first role you want above (a title and a company are enough), or "
                "import your job tracker's CSV below.", icon=":material/work:")
    elif view == "Pipeline":
        show_pipeline(found)
    else:
        show_list_view()
    import_section()


# --- One opportunity -------------------------------------------------------------------------------


def person_line(p: dict, extra: str = "") -> None:
    st.page_link(PERSON_PAGE, label=esc(p["name"]), query_params={"id": str(p["id"])}, icon=":material/person:")
    bits = [esc(p.get("title") or ""), score_label(p["score"], p.get("score_confidence"), p["score_status"]), extra]
    st.caption(" · ".join(b for b in bits if b))


def people_section(opp: dict, linked: list[dict]) -> None:
    oid = opp["id"]
    st.subheader("People around it")
    if not linked:
        st.caption("No one linked yet. Link the recruiter, a referrer, the hiring manager or an insider below: "
                   "Rapport then reminds you to check in a week after you apply.")
    for i, p in enumerate(linked):
        c1, c2 = st.columns([5, 1])
        with c1:
            person_line(p, f"**{opps.ROLES[p['role']]}**")
        if c2.button("Unlink", key=f"opps_unlink_{i}", icon=":material/link_off:"):
            attempt(lambda p=p: opps.unlink_person(db, oid, p["id"], p["role"], day),
                    f"Unlinked {esc(p['name'])}.")
    with st.expander("Link a person", icon=":material/person_add:",
                     expanded=bool(st.session_state.get("opps_link_search"))):  # stays open while you search
        query = st.text_input("Find someone on your list", key="opps_link_search", placeholder="Name, company or email")
        found, total = people.find_people(db, query, limit=20) if query.strip() else ([], 0)
        if query.strip() and not found:
            st.caption("No one matches: add them on Targets first.")
        if found:
            choice = st.selectbox("Person", [p["id"] for p in found], key="opps_link_person",
                                  format_func=lambda pid: next(f"{p['name']} ({p['company']})" if p["company"]
                                                               else p["name"] for p in found if p["id"] == pid))
            role = st.selectbox("Their role", list(opps.ROLES), format_func=opps.ROLES.get, key="opps_link_role")
            if total > len(found):
                st.caption(f"{total - len(found):,} more match: type more of the name.")
            if st.button("Link", key="opps_link_go", type="primary"):
                name = next(p["name"] for p in found if p["id"] == choice)
                attempt(lambda: opps.link_person(db, oid, choice, role, day),
                        f"Linked {esc(name)} as {opps.ROLES[role].lower()}.")


def who_section(opp: dict) -> list[dict]:
    st.subheader(f"Who do I know at {esc(opp['company'])}?" if opp["company"] else "Who do I know there?")
    known = known_there(data_version(db), opp["company_id"])
    if not known["direct"]:
        st.caption("No one on your list works there yet. Find someone on LinkedIn and add them on Targets, or ask "
                   "one of the people below for an introduction.")
    for p in known["direct"]:
        person_line(p)
    if known["direct_total"] > len(known["direct"]):
        st.caption(f"The {len(known['direct'])} warmest of {known['direct_total']:,}: the company's page lists "
                   "everyone.")
    if known["second"]:
        st.markdown("**People who know someone there**")
        for p in known["second"]:
            person_line(p, esc(p["via"]))
    return known["direct"]


def referral_section(opp: dict, linked: list[dict], direct: list[dict]) -> None:
    st.subheader("Ask for a referral")
    choices = {p["id"]: p["name"] for p in [*linked, *direct]}
    if not choices:
        st.caption("Link someone (or add someone who works there) to ask them for a referral.")
        return
    who = st.selectbox("Who to ask", list(choices), format_func=choices.get, key="opps_ref_person")
    if st.button("Draft the referral ask", key="opps_ref_go", icon=":material/edit_note:"):
        st.session_state["opps_ref_for"] = (opp["id"], who)
    if st.session_state.get("opps_ref_for") != (opp["id"], who):
        return
    result = attempt(lambda: referral_ask(db, who, day, opp["id"]), rerun=False)
    if result is None:
        return
    check = result["check"]
    if result["redirected"]:
        st.warning("Give first: " + " ".join(esc(r) for r in check["reasons"]) + " An ask now is likely to go "
                   "unanswered. Here is a draft that offers something first; ask later, once they have replied.",
                   icon=":material/volunteer_activism:")
        give = result["give_first"]
        st.text_input("Subject", value=give["subject"], key="opps_give_subject")
        st.text_area("Give-first message", value=give["body"], height=220, key="opps_give_body")
        if check["warmer"]:
            st.markdown("**A warmer path**: people at the same company you are closer to")
            for p in check["warmer"]:
                person_line(p)
        with st.expander("Write the ask anyway"):
            st.text_area("Referral ask", value=result["ask"]["body"], height=260, key="opps_ask_body")
    else:
        st.success(f"Your relationship with {esc(check['person']['name'])} can carry an ask.",
                   icon=":material/handshake:")
        st.text_input("Subject", value=result["ask"]["subject"], key="opps_ask_subject")
        st.text_area("Referral ask", value=result["ask"]["body"], height=260, key="opps_ask_body")
    st.page_link("pages/compose.py", label="Open in Compose to send it and log it",
                 query_params={"person": str(who), "purpose": "share_resource" if result["redirected"]
                               else "referral_ask"}, icon=":material/send:")


def actions_section(opp: dict, linked: list[dict]) -> None:
    oid = opp["id"]
    st.subheader("Move it along")
    if opp["stage"] != "closed":
        c1, c2 = st.columns(2)
        with c1:
            others = [s for s in opps.OPEN_STAGES if s != opp["stage"]]
            to = st.selectbox("Move to", others, format_func=opps.STAGE_LABELS.get, key="opps_move_to",
                              index=min(len(others) - 1, max(0, opps.STAGES.index(opp["stage"]))))
            if st.button("Move", key="opps_move_go", icon=":material/arrow_forward:"):
                done = attempt(lambda: opps.move_stage(db, oid, to, day), rerun=False)
                if done is not None:
                    more = (f" A check-in with the recruiter or referrer is due in {opps.CHECK_IN_DAYS} days."
                            if done["checkins"] else "")
                    st.session_state["_flash"] = f"Moved to {opps.STAGE_LABELS[to].lower()}.{more}"
                    st.rerun()
        with c2:
            why = st.selectbox("Close it because", list(opps.CLOSED_REASONS), format_func=opps.CLOSED_REASONS.get,
                               key="opps_close_why")
            if st.button("Close", key="opps_close_go", icon=":material/archive:"):
                attempt(lambda: opps.close_opportunity(db, oid, why, day), "Closed.")
        with st.form("opps_interview"):
            st.markdown("**Log an interview**: each interviewer gets a thank-you due within 24 hours")
            i1, i2 = st.columns(2)
            when = i1.date_input("When", value=day, max_value=day, key="opps_iv_day")
            channel = i2.selectbox("How", INTERVIEW_CHANNELS, format_func=CHANNEL_LABELS.get, key="opps_iv_channel")
            pool = {p["id"]: p["name"] for p in linked}
            chosen = st.multiselect("Interviewers (link a new one above first)", list(pool), format_func=pool.get,
                                    default=[p["id"] for p in linked if p["role"] == "interviewer"],
                                    key="opps_iv_people")
            notes = st.text_area("Notes", key="opps_iv_notes", height=68)
            if st.form_submit_button("Log interview", type="primary"):
                done = attempt(lambda: opps.log_interview(db, oid, day=when, channel=channel, today=day,
                                                          person_ids=chosen, notes=notes), rerun=False)
                if done is not None:
                    st.session_state["_flash"] = (f"Interview logged. {plural(len(done['thank_yous']), 'thank-you')} "
                                                  "due within 24 hours: see Today.")
                    st.rerun()
    else:
        st.caption(f"Closed: {esc(opps.CLOSED_REASONS.get(opp['closed_reason'], ''))}. Move it to a stage to "
                   "reopen it.")
        to = st.selectbox("Reopen at", opps.OPEN_STAGES, format_func=opps.STAGE_LABELS.get, key="opps_move_to")
        if st.button("Reopen", key="opps_move_go"):
            attempt(lambda: opps.move_stage(db, oid, to, day), "Reopened.")


def edit_section(opp: dict) -> None:
    oid = opp["id"]
    with st.expander("Edit", icon=":material/edit:"), st.form("opps_edit"):
        c1, c2 = st.columns(2)
        title = c1.text_input("Role title", value=opp["title"], key="opps_edit_title")
        company = c2.text_input("Company", value=opp["company"], key="opps_edit_company")
        link = c1.text_input("Link to the posting", value=opp["link"], key="opps_edit_link")
        sources = list(opps.SOURCES)
        source = c2.selectbox("Where it came from", sources, index=sources.index(opp["source"]) if opp["source"]
                              in sources else len(sources) - 1, format_func=opps.SOURCES.get, key="opps_edit_source")
        deadline = c1.text_input("Deadline (YYYY-MM-DD, empty for none)", value=opp["deadline"] or "",
                                 key="opps_edit_deadline")
        notes = st.text_area("Notes", value=opp["notes"], key="opps_edit_notes", height=80)
        if st.form_submit_button("Save changes", type="primary"):
            attempt(lambda: opps.update_opportunity(db, oid, today=day, title=title, company=company, link=link,
                                                    source=source, deadline=deadline, notes=notes), "Saved.")
    with st.expander("Delete", icon=":material/delete:"):
        if confirmed("Delete", "opps_delete_go", "Yes, delete this opportunity (the people and their log stay)",
                     "opps_delete_sure") and attempt(lambda: opps.delete_opportunity(db, oid) or True, rerun=False):
            st.session_state["_flash"] = "Deleted."
            back_to_list()


def opportunity_header(opp: dict) -> None:
    """Its name, stage, source, salary and deadline; the way back; the posting; the notes."""
    salary = opps.salary_text(opp)
    header(esc(name_of(opp)), f"{opps.STAGE_LABELS[opp['stage']]} · {opps.SOURCES.get(opp['source'], '')}"
           + (f" · {esc(salary)}" if salary else "")
           + (f" · deadline {opp['deadline']}" if opp["deadline"] else ""))
    show_flash()
    back_and_link("All opportunities", "opps_back", "Open the posting", opp["link"])
    if opp["notes"]:
        st.markdown(esc(opp["notes"]))


def coming_up_section(opp: dict) -> None:
    due = opps.followups_of(db, opp["id"])
    st.subheader("Coming up")
    if not due:
        st.caption("Nothing scheduled. A deadline, applying (a check-in a week later) or an interview (a "
                   "thank-you within 24 hours) puts it here and on Today.")
    for f in due:
        st.markdown(f"{f['due']} · {esc(f['title'])}")


def timeline_text(t: dict) -> str:
    """One timeline entry in words: a stage move, an interview, or its note."""
    if t["kind"] == "stage":
        if t["from_stage"]:
            return (f"Moved from {opps.STAGE_LABELS.get(t['from_stage'], t['from_stage'])} to "
                    f"{opps.STAGE_LABELS.get(t['to_stage'], t['to_stage'])}")
        return f"Added at {opps.STAGE_LABELS.get(t['to_stage'], t['to_stage'])}"
    if t["kind"] == "interview":
        return f"Interview with {t['person'] or 'someone'}"
    return t["note"]


def timeline_section(opp: dict) -> None:
    st.subheader("Timeline")
    for t in opps.timeline(db, opp["id"]):
        note = t["note"] if t["kind"] != "person" and t["note"] and t["note"] != "Added" else ""
        st.markdown(f"{t['day']} · {esc(timeline_text(t))}" + (f" · {esc(note)}" if note else ""))


def thank_you_section(opp: dict, linked: list[dict]) -> None:
    """A thank-you draft for an interviewer, when someone linked is one."""
    pool = {p["id"]: p["name"] for p in linked if p["role"] == "interviewer"}
    if not pool:
        return
    with st.expander("Interview thank-you draft", icon=":material/mail:"):
        pid = st.selectbox("To", list(pool), format_func=pool.get, key="opps_thanks_person")
        written = attempt(lambda: opportunity_draft(db, pid, "interview_thank_you", day, opp["id"]), rerun=False)
        if written:
            if st.session_state.get("opps_thanks_for") != (opp["id"], pid):  # a keyed box ignores a new value=
                st.session_state["opps_thanks_body"] = written["body"]
                st.session_state["opps_thanks_for"] = (opp["id"], pid)
            st.text_area("Thank-you", height=220, key="opps_thanks_body")


def show_opportunity(opp: dict) -> None:
    opportunity_header(opp)
    linked = opps.people_of(db, opp["id"])
    left, right = st.columns([3, 2], gap="large")
    with left:
        actions_section(opp, linked)
        coming_up_section(opp)
        timeline_section(opp)
        edit_section(opp)
    with right:
        people_section(opp, linked)
        direct = who_section(opp)
        referral_section(opp, linked, direct)
        thank_you_section(opp, linked)


list_or_item(lambda oid: opps.get_opportunity(db, oid), show_index, show_opportunity,
             ("Opportunities", "The roles you pursue."),
             ("There is no such opportunity: it may have been deleted, or the link is wrong.", ":material/work_off:"),
             ("All opportunities", "opps_back"))
