"""Targets: the filterable list of people, adding a person, and merging duplicates."""

from __future__ import annotations

import math

import streamlit as st

from core import people, people_bulk
from core.db import data_version
from core.scoring import BANDS, STATUS_LABELS
from core.vocab import HOW_MET, SENIORITIES, STAGES, TIERS
from core.words import plural
from pages._ui import attempt, esc, get_db, header, open_person, score_label, show_flash, today

PAGE_SIZE = 50
DUE_LABELS = {"": "Any time", "overdue": "Overdue", "week": "Due this week", "none": "Nothing scheduled"}
SORT_LABELS = {"score": "Score, best first", "score_low": "Score, lowest first", "due": "Next follow-up due",
               "name": "Name", "recent": "Last touch, newest first", "stage": "Stage, highest first"}
BAND_LABELS = {"thriving": "Thriving (80+)", "warm": "Warm (60-79)", "cooling": "Cooling (40-59)",
               "cold": "Cold (20-39)", "dormant": "Dormant (under 20)", "none": "Not in touch yet"}


def forget_selection_if_rows_changed(key: str, ids: list[int]) -> None:
    """A keyed table keeps its selected row positions when its rows change (another page, other filters, an edit
    that reorders them): Streamlit keys it by its key alone. Clear the selection then, so that a ticked position
    never lands on someone else."""
    shown = f"{key}_ids"
    if st.session_state.get(shown, ids) != ids:
        st.session_state.pop(key, None)
    st.session_state[shown] = ids


def _any(value: str) -> str:
    return value.replace("_", " ") if value else "Any"


db = get_db()
header("Targets", "The people you are building relationships with: filter, sort, and open one to see "
                  "the whole story.")
show_flash()


def add_person_form(expanded: bool) -> None:
    with st.expander("Add a person", icon=":material/person_add:", expanded=expanded), \
            st.form("targets_add", clear_on_submit=False):
        c1, c2 = st.columns(2)
        name = c1.text_input("Name (required)", key="targets_add_name")
        title = c2.text_input("Title", key="targets_add_title")
        company = c1.text_input("Company (created if new)", key="targets_add_company")
        email = c2.text_input("Email", key="targets_add_email")
        linkedin = c1.text_input("LinkedIn URL", key="targets_add_linkedin")
        industry = c2.text_input("Industry", key="targets_add_industry")
        role = c1.text_input("Role", placeholder="e.g. marketing, engineering", key="targets_add_role")
        seniority = c2.selectbox("Seniority", ("", *SENIORITIES), format_func=_any, key="targets_add_seniority")
        how_met = c1.selectbox("How we met", ("", *HOW_MET), format_func=_any, key="targets_add_how_met")
        tier = c2.selectbox("Tier", TIERS[:-1], index=TIERS.index("network"), key="targets_add_tier",
                            help="How often to check in: active every 2 weeks, core monthly, network quarterly.")
        tags = st.text_input("Tags (comma-separated)", key="targets_add_tags")
        common = st.text_area("Common ground", key="targets_add_common", height=68)
        needs = st.text_area("Their needs and goals", key="targets_add_needs", height=68)
        details = st.text_area("Details to remember", key="targets_add_details", height=68)
        submitted = st.form_submit_button("Add person", type="primary")
    if submitted:
        new_id = attempt(lambda: people.add_person(
            db, name=name, title=title, company=company, email=email, linkedin_url=linkedin,
            industry=industry, role=role, seniority=seniority, how_met=how_met, tier=tier, tags=tags,
            common_ground=common, needs=needs, details=details, today=today()), rerun=False)
        if new_id:
            st.session_state["_flash"] = f"Added {esc(name.strip())}."
            open_person(new_id)


@st.cache_data(max_entries=8, show_spinner=False)
def filter_options(version: str) -> dict[str, list]:
    """The filters' choices, read again only when people or companies change (version)."""
    return people.filter_options(get_db())


def filters() -> dict:
    options = filter_options(data_version(db))
    company_names = dict(options["companies"])
    search = st.text_input("Search", placeholder="Name, title, company or email", key="targets_search")
    c = st.columns(4)
    chosen = {
        "search": search,
        "industry": c[0].selectbox("Industry", ["", *options["industries"]], format_func=_any,
                                   key="targets_industry"),
        "company_id": c[1].selectbox("Company", [None, *company_names], key="targets_company",
                                     format_func=lambda cid: "Any" if cid is None else company_names[cid]),
        "role": c[2].selectbox("Role", ["", *options["roles"]], format_func=_any, key="targets_role"),
        "seniority": c[3].selectbox("Seniority", ["", *options["seniorities"]], format_func=_any,
                                    key="targets_seniority"),
    }
    c = st.columns(4)
    chosen["stage"] = c[0].selectbox("Stage", ["", *STAGES], format_func=_any, key="targets_stage")
    chosen["tag"] = c[1].selectbox("Tag", ["", *options["tags"]], format_func=_any, key="targets_tag")
    chosen["band"] = c[2].selectbox("Score band", ["", *BANDS], key="targets_band",
                                    format_func=lambda b: BAND_LABELS[b] if b else "Any")
    chosen["due"] = c[3].selectbox("Follow-up", list(DUE_LABELS), format_func=DUE_LABELS.get, key="targets_due")
    c = st.columns([2, 1, 1])
    chosen["sort"] = c[0].selectbox("Sort by", list(SORT_LABELS), format_func=SORT_LABELS.get, key="targets_sort")
    chosen["target"] = c[1].selectbox("Target", list(people.TARGET_FILTERS), format_func=people.TARGET_FILTERS.get,
                                      key="targets_target", help="People you marked as targets (see Edit several)")
    chosen["include_archived"] = c[2].checkbox("Show archived", key="targets_archived")
    return chosen


def table(chosen: dict) -> None:
    page_no = int(st.session_state.get("targets_page", 1))
    found, total = people.list_people(db, **chosen, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE,
                                      today=today())
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page_no > pages:  # the filters shrank the list: go back to its last page
        st.session_state["targets_page"] = pages
        st.rerun()
    if not total:
        st.info("No one matches these filters. Clear a filter or search for part of a name.",
                icon=":material/filter_alt_off:")
        return
    first = (page_no - 1) * PAGE_SIZE + 1
    several = st.toggle("Edit several", key="targets_bulk_mode",
                        help="Select rows (or everyone that matches the filters) and change them in one action")
    st.caption(f"{plural(total, 'person')} · showing {first:,}-{first + len(found) - 1:,} · "
               + ("tick the rows to change, or choose everyone that matches below" if several
                  else "select a row to open that person"))
    data = [{
        "Name": p["name"], "Company": p["company"], "Title": p["title"], "Target": "yes" if p["target"] else "",
        "Industry": p["industry"], "Role": p["role"], "Tier": p["tier"], "Stage": p["stage"],
        "Score": score_label(p["score"], p["score_confidence"], p["score_status"]),
        "Status": STATUS_LABELS.get(p["score_status"], p["score_status"]),
        "Next follow-up": p["next_due"] or "", "Why": p["score_reason"],
        "Archived": "yes" if p["archived_at"] else "",
    } for p in found]
    if not chosen["include_archived"]:
        for row in data:
            del row["Archived"]
    table_key = "targets_bulk_table" if several else "targets_table"
    forget_selection_if_rows_changed(table_key, [p["id"] for p in found])
    event = st.dataframe(data, on_select="rerun", selection_mode="multi-row" if several else "single-row",
                         key=table_key, hide_index=True, width="stretch",
                         column_config={"Why": st.column_config.TextColumn(width="large")})
    selected = [found[i]["id"] for i in event.selection.rows if i < len(found)]
    if selected and not several:
        open_person(selected[0])
    if pages > 1:
        st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="targets_page")
    if several:
        bulk_section(chosen, selected, total)


BULK_ACTIONS = {
    "target": "Mark as targets", "not_target": "Mark as not targets", "industry": "Set the industry",
    "role": "Set the role", "tier": "Set the tier", "stage": "Set the stage", "tags_add": "Add tags",
    "tags_remove": "Remove tags", "archive": "Archive",
}


def bulk_change(action: str) -> dict | None:
    """The value input for a bulk action; returns the change for core.people_bulk (validated there)."""
    if action == "target":
        return {"target": True}
    if action == "not_target":
        return {"target": False}
    if action == "archive":
        return {"archived": True}
    if action in ("industry", "role"):
        value = st.text_input(BULK_ACTIONS[action].replace("Set the", "New"), key=f"targets_bulk_{action}",
                              help="Leave it empty to clear it")
        return {action: value}
    if action == "tier":
        return {"tier": st.selectbox("New tier", TIERS[:-1], key="targets_bulk_tier")}
    if action == "stage":
        return {"stage": st.selectbox("New stage", STAGES, key="targets_bulk_stage",
                                      format_func=lambda s: s.replace("_", " "))}
    return {action: st.text_input("Tags (comma-separated)", key=f"targets_bulk_{action}")}


def bulk_section(chosen: dict, selected: list[int], total: int) -> None:
    """One change for the selected rows or everyone matching the filters, and an undo for the last one."""
    with st.container(border=True):
        st.markdown("**Change several people at once**")
        scopes = {"rows": f"The selected rows ({len(selected):,})",
                  "all": f"Everyone that matches the filters ({total:,})"}
        scope = st.radio("Who", list(scopes), format_func=scopes.get, key="targets_bulk_scope", horizontal=True)
        c1, c2 = st.columns([1, 2])
        action = c1.selectbox("Change", list(BULK_ACTIONS), format_func=BULK_ACTIONS.get, key="targets_bulk_action")
        with c2:
            change = bulk_change(action)
        count = len(selected) if scope == "rows" else total
        if st.button(f"Apply to {plural(count, 'person')}", type="primary", key="targets_bulk_apply",
                     icon=":material/done_all:", disabled=not count):
            ids = selected if scope == "rows" else people.matching_ids(db, today=today(), **chosen)
            done = attempt(lambda: (people_bulk.bulk_update(db, ids, change, today()),), rerun=False)
            if done and done[0]:
                st.session_state["_flash"] = esc(people_bulk.last_bulk(db)["summary"]) + " Undo is below."
                st.rerun()
            elif done:
                st.info("Nothing to change: that is already true of everyone chosen.", icon=":material/info:")
        last = people_bulk.last_bulk(db)
        if last:
            c1, c2 = st.columns([4, 1])
            c1.caption(f"Last bulk edit: {esc(last['summary'])}")
            if c2.button("Undo", key="targets_bulk_undo", icon=":material/undo:"):
                attempt(lambda: people_bulk.undo_bulk(db, last["token"], today()),
                        esc(f"Undone: {last['summary']}"))


def pick_person(label: str, key: str, exclude: int | None = None) -> int | None:
    """A search box and a short list of matches: fast with tens of thousands of people."""
    query = st.text_input(label, placeholder="Type part of a name", key=f"{key}_q")
    if not query.strip():
        return None
    found, total = people.list_people(db, search=query, sort="name", limit=20, include_archived=True)
    found = [p for p in found if p["id"] != exclude]
    if not found:
        st.caption("No one matches that.")
        return None
    labels = {p["id"]: f"{p['name']} — {p['company']} (#{p['id']})" if p["company"] else
              f"{p['name']} (#{p['id']})" for p in found}
    return st.selectbox("Matches" + (" (first 20)" if total > 20 else ""), list(labels),
                        format_func=labels.get, key=f"{key}_pick")


def merge_section() -> None:
    with st.expander("Merge duplicates", icon=":material/merge:"):
        st.caption("Two records for the same person? Merging keeps every interaction, date, follow-up and "
                   "event of both, fills empty fields and keeps the higher stage.")
        if st.button("Look for likely duplicates", key="targets_find_dupes"):
            st.session_state["targets_dupes"] = people.duplicate_pairs(db)
        dupes = st.session_state.get("targets_dupes")
        if dupes is not None:
            if not dupes:
                st.success("No likely duplicates found.")
            for pair in dupes:
                c1, c2 = st.columns([4, 1])
                c1.markdown(f"**{esc(pair['drop_name'])}** (#{pair['drop_id']}) into "
                            f"**{esc(pair['keep_name'])}** (#{pair['keep_id']}) · {esc(pair['why'])}")
                if c2.button("Merge", key=f"targets_merge_pair_{pair['keep_id']}_{pair['drop_id']}"):
                    st.session_state.pop("targets_dupes", None)
                    attempt(lambda pair=pair: people.merge_people(db, pair["keep_id"], pair["drop_id"], today()),
                            f"Merged {esc(pair['drop_name'])} into {esc(pair['keep_name'])}.")
        st.divider()
        st.markdown("**Merge by hand**")
        c1, c2 = st.columns(2)
        with c1:
            drop_id = pick_person("Merge this person…", "targets_merge_a")
        with c2:
            keep_id = pick_person("…into this one (kept)", "targets_merge_b", exclude=drop_id)
        sure = st.checkbox("Yes, merge them: the first record goes away", key="targets_merge_sure")
        if st.button("Merge", key="targets_merge_go", disabled=not (drop_id and keep_id)):
            if not sure:
                st.error("Tick the box to confirm the merge first.")
            else:
                attempt(lambda: people.merge_people(db, keep_id, drop_id, today()), "Merged the two records.")


everyone_total = people.list_people(db, limit=0, include_archived=True)[1]
if not everyone_total:
    st.info("No one on your list yet. Add a person below, import your LinkedIn connections on "
            "**Your data**, or load the demo data from **Today**.", icon=":material/group_add:")
    c1, c2 = st.columns(2)
    c1.page_link("pages/data.py", label="Import LinkedIn connections", icon=":material/upload:")
    c2.page_link("pages/today.py", label="Load the demo on Today", icon=":material/today:")
    add_person_form(expanded=True)
else:
    add_person_form(expanded=False)
    table(filters())
    merge_section()
