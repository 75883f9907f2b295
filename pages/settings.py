"""Settings: your profile (the composer signs with it), the weekly time budget, cadences and resources to share."""

from __future__ import annotations

import streamlit as st

from core import roles, settings
from core.vocab import DEFAULT_CADENCE
from core.words import plural
from pages._ui import attempt, esc, start_page

LONG_FIELDS = {"pitch", "value_proposition", "signature"}
HELP = {
    "pitch": "Who you are and what you are looking for, in two sentences. Used by the composer and on event pages.",
    "value_proposition": "What you can offer others, in a sentence: the composer puts it after your pitch in "
                         "introductions, interview requests and event follow-ups.",
    "signature": "How your messages end (your name when empty).",
    "website": "Signs every draft, under your signature.",
}
TIER_HELP = {
    "active": "People you are working with right now (a referral in progress, a mentor).",
    "core": "Your closest professional relationships.",
    "network": "Everyone you want to keep warm; the default tier.",
    "acquaintance": "People you met once and want to keep in view.",
}

db, day = start_page("Settings", "About you and how you want to network: the composer uses your profile, Today "
                     "measures your week against your budget, and check-ins follow the cadence of each tier.")


def profile_form() -> None:
    st.subheader("Your profile")
    profile = settings.get_profile(db)
    if not profile["name"]:
        st.info("Start with your name and your elevator pitch: every message the composer drafts uses them.",
                icon=":material/badge:")
    with st.form("settings_profile"):
        values = {}
        for field, label in settings.PROFILE_FIELDS.items():
            if field in LONG_FIELDS:
                values[field] = st.text_area(label, value=profile[field], key=f"settings_{field}",
                                             help=HELP.get(field), height=100)
            else:
                values[field] = st.text_input(label, value=profile[field], key=f"settings_{field}",
                                              help=HELP.get(field))
        submitted = st.form_submit_button("Save the profile", type="primary", key="settings_profile_save")
    if submitted and attempt(lambda: settings.save_profile(db, **values), rerun=False):
        for field in settings.PROFILE_FIELDS:  # show what was stored (a link gains its https://)
            st.session_state.pop(f"settings_{field}", None)
        st.session_state["_flash"] = "Profile saved."
        st.rerun()


def budget_form() -> None:
    st.subheader("Weekly networking time")
    minutes = settings.get_budget_minutes(db)
    st.caption(f"Now {settings.describe_budget(minutes)} a week. Today shows this week's touches and minutes "
               "against it; a little every week beats a burst once a month.")
    in_hours = minutes % 30 == 0  # 150 minutes shows as 2.5 hours, 100 as 100 minutes
    with st.form("settings_budget"):
        amount_col, unit_col = st.columns([2, 1])
        amount = amount_col.number_input("Time per week", min_value=0.0, max_value=2400.0,
                                         value=minutes / 60 if in_hours else float(minutes), step=0.5, format="%g",
                                         key="settings_budget_amount")
        unit = unit_col.radio("Unit", list(settings.BUDGET_UNITS), index=0 if in_hours else 1,
                              key="settings_budget_unit", horizontal=True)
        submitted = st.form_submit_button("Save the budget", key="settings_budget_save")
    if submitted:
        saved = attempt(lambda: settings.save_budget(db, amount, unit), rerun=False)
        if saved:
            st.session_state.pop("settings_budget_amount", None)
            st.session_state.pop("settings_budget_unit", None)
            st.session_state["_flash"] = f"Weekly budget saved: {settings.describe_budget(saved)}."
            st.rerun()


def cadence_form() -> None:
    st.subheader("Check-in cadence per tier")
    st.caption("Days between check-ins. A person's own cadence, set on their page, wins over their tier's.")
    cadences = settings.get_cadences(db)
    with st.form("settings_cadences"):
        values = {}
        for column, tier in zip(st.columns(2) + st.columns(2), DEFAULT_CADENCE, strict=True):
            values[tier] = column.number_input(tier.capitalize(), min_value=1, max_value=3650, step=1,
                                               value=cadences[tier], key=f"settings_cadence_{tier}",
                                               help=TIER_HELP[tier])
        submitted = st.form_submit_button("Save the cadences", key="settings_cadences_save")
    if submitted:
        with st.spinner("Moving everyone's next check-in…"):  # rescoring 30,000 people takes about 1.5 s
            attempt(lambda: settings.apply_cadences(db, values, day),
                    "Cadences saved; everyone's next check-in now follows them.")


def roles_form() -> None:
    st.subheader("Roles from job titles")
    st.caption("A LinkedIn import gives people with no role the one their Position suggests: one line per rule, "
               "`words in the title = role`; the first rule that fits wins; a `*` matches the start of a word "
               "(`engineer*` fits Engineering). Empty the box to go back to the shipped rules.")
    with st.form("settings_roles"):
        text = st.text_area("Rules", value=roles.format_role_map(roles.get_role_map(db)), height=200,
                            key="settings_roles_text")
        submitted = st.form_submit_button("Save the rules", key="settings_roles_save")
    if submitted:
        saved = attempt(lambda: roles.save_role_map(db, text), rerun=False)
        if saved is not None:
            st.session_state.pop("settings_roles_text", None)
            st.session_state["_flash"] = (f"Saved {plural(len(saved), 'rule')}; the next LinkedIn import uses them "
                                          "for people with no role.")
            st.rerun()


def resource_fields(prefix: str, current: dict) -> dict:
    return {
        "title": st.text_input("Title", value=current.get("title", ""), key=f"{prefix}_title"),
        "url": st.text_input("Link", value=current.get("url", ""), key=f"{prefix}_url",
                             placeholder="https://"),
        "tags": st.text_input("Tags (comma-separated)", value=", ".join(current.get("tags", [])),
                              key=f"{prefix}_tags", placeholder="data, careers",
                              help="The composer offers a resource to people whose tags or interests match."),
        "note": st.text_area("Why it is worth sharing (optional)", value=current.get("note", ""),
                             key=f"{prefix}_note", height=80),
    }


def resources_section() -> None:
    st.subheader("Resources worth sharing")
    st.caption("Articles, tools and talks you can give: sharing one is the easiest give there is.")
    resources = settings.list_resources(db)
    if resources:
        st.dataframe([{"title": r["title"], "link": r["url"], "tags": ", ".join(r["tags"])} for r in resources],
                     hide_index=True, width="stretch",
                     column_config={"link": st.column_config.LinkColumn("link")})
    else:
        st.info("No resources yet. Add an article or a tool you would happily send to someone.",
                icon=":material/library_books:")
    with st.expander("Add a resource", icon=":material/add:", expanded=not resources):
        with st.form("settings_resource_new", clear_on_submit=False):
            fields = resource_fields("settings_resource_new", {})
            submitted = st.form_submit_button("Add the resource", key="settings_resource_add")
        if submitted:
            added = attempt(lambda: settings.add_resource(db, **fields), rerun=False)
            if added:
                for key in fields:
                    st.session_state.pop(f"settings_resource_new_{key}", None)
                st.session_state["_flash"] = f"Added: {esc(fields['title'])}."
                st.rerun()
    if not resources:
        return
    with st.expander("Edit or delete a resource", icon=":material/edit:"):
        by_id = {r["id"]: r for r in resources}
        rid = st.selectbox("Resource", list(by_id), format_func=lambda i: by_id[i]["title"],
                           key="settings_resource_pick")
        current = by_id[rid]
        prefix = f"settings_resource_{rid}"
        with st.form(prefix):
            fields = resource_fields(prefix, current)
            save, delete = st.columns(2)
            saved = save.form_submit_button("Save the resource", key=f"{prefix}_save")
            deleted = delete.form_submit_button("Delete it", key=f"{prefix}_delete")
        if saved:
            attempt(lambda: settings.update_resource(db, rid, **fields), f"Saved: {esc(fields['title'])}.")
        if deleted:
            attempt(lambda: settings.delete_resource(db, rid), f"Deleted: {esc(current['title'])}.")


profile_col, other_col = st.columns(2, gap="large")
with profile_col:
    profile_form()
with other_col:
    budget_form()
    cadence_form()
    roles_form()
resources_section()
