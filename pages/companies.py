"""Companies: where your targets work, what you know about each, and who you know there."""

from __future__ import annotations

import streamlit as st

from core import people
from core.db import data_version
from core.scoring import STATUS_LABELS
from core.words import plural
from pages._ui import (
    attempt,
    back_and_link,
    confirmed,
    esc,
    get_db,
    header,
    list_or_item,
    open_person,
    person_link,
    relationship_bits,
    score_label,
    show_flash,
)

CHECKLIST = {"checked_website": "Read their website", "checked_news": "Read recent news about them",
             "checked_social": "Looked at their social media"}

SHOWN = 20  # people listed with their state on a company's page; the rest are in a table below

db = get_db()


@st.cache_data(max_entries=16, show_spinner=False)
def companies_list(version: str, search: str) -> list[dict]:
    """list_companies, recomputed only when people or companies change (version) or the search does."""
    return people.list_companies(get_db(), search=search)


def show_list() -> None:
    header("Companies", "The companies where your targets work: what you have researched, and how warm your "
                        "best relationship there is.")
    show_flash()
    with st.expander("Add a company", icon=":material/add_business:"), st.form("companies_add"):
        c1, c2 = st.columns(2)
        name = c1.text_input("Company name (required)", key="companies_add_name")
        industry = c2.text_input("Industry", key="companies_add_industry")
        website = c1.text_input("Website", key="companies_add_website")
        notes = st.text_area("Notes", key="companies_add_notes", height=68)
        if st.form_submit_button("Add company", type="primary"):
            new_id = attempt(lambda: people.add_company(db, name=name, industry=industry, website=website,
                                                        notes=notes), rerun=False)
            if new_id:
                st.session_state["_flash"] = f"Added {esc(name.strip())}."
                st.query_params["id"] = str(new_id)
                st.rerun()
    search = st.text_input("Search", placeholder="Company name or industry", key="companies_search")
    found = companies_list(data_version(db), search)
    if not found:
        if search.strip():
            st.info("No company matches that search.", icon=":material/search_off:")
        else:
            st.info("No companies yet. Add one above, or add a person with their company on **Targets**; "
                    "importing LinkedIn connections on **Your data** brings their companies too.",
                    icon=":material/apartment:")
            st.page_link("pages/targets.py", label="Go to Targets", icon=":material/groups:")
        return
    st.caption(f"{len(found):,} companies · select a row to open one")
    data = [{
        "Company": c["name"], "Industry": c["industry"], "People you know": c["people"],
        "Conversed with": c["conversed"] or 0,
        "Best relationship": score_label(c["best_score"]) if c["people"] else "",
        "Research done": f"{c['research_done']}/3",
    } for c in found]
    event = st.dataframe(data, on_select="rerun", selection_mode="single-row", key="companies_table",
                         hide_index=True, width="stretch")
    if event.selection.rows:
        st.query_params["id"] = str(found[event.selection.rows[0]]["id"])
        st.rerun()


def everyone(known: list[dict]) -> None:
    """Everyone you know at a big company, warmest first, as one table: select a row to open the person."""
    st.caption(f"The {SHOWN} warmest of {len(known):,} people above; everyone is in this table (select a row "
               "to open the person).")
    data = [{"Name": p["name"], "Title": p["title"], "Stage": p["stage"],
             "Score": score_label(p["score"], p.get("score_confidence"), p["score_status"]),
             "Status": STATUS_LABELS.get(p["score_status"], p["score_status"] or ""),
             "Last touch": p["last_touch_on"] or ""} for p in known]
    event = st.dataframe(data, on_select="rerun", selection_mode="single-row", key="companies_people_table",
                         hide_index=True, width="stretch", height=420)
    if event.selection.rows:
        open_person(known[event.selection.rows[0]]["id"])


def who_i_know(cid: int) -> None:
    """The people you know at the company, warmest first, with where each relationship stands."""
    st.subheader("Who do I know here?")
    known = people.company_people(db, cid)
    if not known:
        st.caption("No one yet. Add a person with this company on Targets, or meet someone from here at "
                   "an event.")
    for p in known[:SHOWN]:
        person_link(p["id"], p["name"])
        bits = [esc(p["title"]), f"stage **{p['stage']}**", *relationship_bits(p), esc(p["score_reason"])]
        st.caption(" · ".join(b for b in bits if b))
    if len(known) > SHOWN:
        everyone(known)


def research(company: dict) -> None:
    """The research checklist, and what you know about the company (its long fields)."""
    st.subheader("Research checklist")
    with st.form("companies_checklist"):
        checks = {key: st.checkbox(label, value=bool(company[key]), key=f"companies_{key}")
                  for key, label in CHECKLIST.items()}
        if st.form_submit_button("Save checklist"):
            attempt(lambda: people.update_company(db, company["id"], **checks), "Checklist saved.")
    for key, (label, kind) in people.COMPANY_FIELDS.items():
        if kind == "long":
            st.markdown(f"**{label}**")
            st.markdown(esc(company[key]) if company[key] else "_Nothing yet._")


def edit_company(company: dict) -> None:
    with st.expander("Edit the company", icon=":material/edit:"), st.form("companies_edit"):
        values = {}
        for key, (label, kind) in people.COMPANY_FIELDS.items():
            if kind == "long":
                values[key] = st.text_area(label, value=company[key], key=f"companies_edit_{key}", height=80)
            else:
                values[key] = st.text_input(label, value=company[key], key=f"companies_edit_{key}")
        if st.form_submit_button("Save changes", type="primary"):
            changed = attempt(lambda: people.update_company(db, company["id"], **values), rerun=False)
            if changed is not None:
                st.session_state["_flash"] = "Saved." + (
                    f" Its industry now applies to {plural(changed, 'person')} who had none." if changed else "")
                st.rerun()


def merge_company(company: dict) -> None:
    """Merge a duplicate into this company (its people move here), after a confirmation."""
    cid = company["id"]
    with st.expander("Merge with a duplicate company", icon=":material/merge:"):
        others = {i: name for i, name in people.company_choices(db) if i != cid}
        if not others:
            st.caption("There is no other company to merge with.")
            return
        other = st.selectbox("The duplicate (it goes; its people move here)", list(others),
                             format_func=others.get, key="companies_merge_other")
        if confirmed("Merge into this one", "companies_merge_go", "Yes, they are the same company: merge them",
                     "companies_merge_sure", "Tick the box to confirm the merge first."):
            attempt(lambda: people.merge_companies(db, cid, other),
                    f"Merged {esc(others[other])} into {esc(company['name'])}.")


def show_company(company: dict) -> None:
    header(esc(company["name"]), esc(company["industry"]) or "A company on your list: research it, and see "
                                                            "who you know there.")
    show_flash()
    back_and_link("All companies", "companies_back", "Open their website", company["website"])
    left, right = st.columns([3, 2], gap="large")
    with left:
        who_i_know(company["id"])
    with right:
        research(company)
    edit_company(company)
    merge_company(company)


list_or_item(lambda cid: people.get_company(db, cid), show_list, show_company,
             header_text=("Companies", "The companies where your targets work."),
             missing=("There is no such company: it may have been merged or the link is wrong.",
                      ":material/domain_disabled:"),
             back=("All companies", "companies_back"))
