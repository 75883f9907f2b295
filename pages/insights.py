"""Insights: the article's warning signs measured from your own log, as next actions; neglect, charts, victories."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from core import insights
from core.db import data_version
from core.scoring import BANDS
from core.vocab import STAGES
from core.words import plural
from pages._ui import esc, get_db, header, person_link, today

LEVEL_ICONS = {"ok": ":material/check_circle:", "amber": ":material/error:", "red": ":material/report:"}
LEVEL_WORDS = {"ok": "On track", "amber": "Worth a look", "red": "Needs attention"}
BAND_COLORS = ["#2e7d32", "#9ccc65", "#ffa726", "#42a5f5", "#bdbdbd"]

db = get_db()
day = today()

header("Insights", "Your own habits, measured from your log: the next thing to do for each warning sign from the "
       "article, who is slipping away, and what went well.")


@st.cache_data(max_entries=8, show_spinner="Reading your log…")
def compute(fingerprint: str, day_iso: str) -> dict:
    """The audit, neglect signs and victories; recomputed only when the log changes (one shared read of
    compact integer columns, see core/insights/log.py). Reads only its arguments: the cache key is the whole input."""
    return insights.overview(get_db(), date.fromisoformat(day_iso))


@st.cache_data(max_entries=8, show_spinner="Drawing the charts…")
def compute_charts(fingerprint: str, day_iso: str) -> dict:
    """The charts over time: asked for with a toggle, since scoring everyone at seven month ends costs
    a second or two at 30,000 people; then kept until the log changes."""
    cdb = get_db()
    day = date.fromisoformat(day_iso)
    return {
        "bands": insights.bands_over_time(cdb, day),
        "gives_asks": insights.gives_asks_by_month(cdb, day),
        "weeks": insights.weekly_touches(cdb, day),
        "funnel": insights.stage_funnel(cdb),
    }


def audit_section(audit: dict) -> None:
    st.subheader("Relational, not transactional")
    if not audit["ready"]:
        started = audit["initiated"]
        st.info(f"The self-audit starts once you have started {plural(insights.MIN_INITIATED, 'conversation')} in "
                f"the last {plural(audit['window'], 'day')}: you have started {started:,}, "
                f"{audit['needed']:,} more to go. Log every touch, including check-ins and things you shared, so "
                "the picture is fair.", icon=":material/hourglass_top:")
        st.progress(min(started / insights.MIN_INITIATED, 1.0),
                    text=f"{started:,} of {insights.MIN_INITIATED} conversations you started")
        st.markdown("**What it will measure:** how many of your messages give (an article, an introduction, a "
                    "thank-you) or simply check in, against how many ask, aiming for 2 : 1; and the article's "
                    "four warning signs:")
        for sign in insights.SIGNS.values():
            st.markdown(f"- *{esc(sign)}*")
        return
    head = audit["headline"]
    c1, c2 = st.columns([1, 3])
    c1.metric("Relational ratio", head["text"], help="(What you gave + check-ins) : what you asked for, in the "
              f"last {audit['window']} days. The target is 2 : 1 or better.")
    with c2:
        st.caption(f"{plural(head['gives'], 'give')} and {plural(head['neutral'], 'check-in')} against "
                   f"{plural(head['asks'], 'ask')} in the last {plural(audit['window'], 'day')}; the target is at "
                   "least 2 : 1.")
        st.markdown(f"**Next:** {esc(head['action'])}")
    for sign in audit["signs"]:
        with st.container(border=True):
            st.markdown(f"{LEVEL_ICONS[sign['level']]} **{LEVEL_WORDS[sign['level']]}** · "
                        f"*{esc(sign['sign'])}*")
            st.caption(esc(sign["summary"]))
            st.markdown(f"**Next:** {esc(sign['action'])}")
            if sign["person_id"]:
                person_link(sign["person_id"], sign["person_name"])  # person_link escapes the name


def victories_section(won: dict) -> None:
    st.subheader("Small victories")
    if not won["messages"]:
        st.caption("Your first victories will show here: a week within your time budget, someone moving up "
                   "the ladder, a thank-you sent within 48 hours.")
    for message in won["messages"]:
        st.success(esc(message), icon=":material/celebration:")


def more(count: int, shown: list) -> None:
    """'+N more' under a list that shows the first few of count."""
    if count > len(shown):
        st.caption(f"+{count - len(shown):,} more")


def neglect_section(found: dict) -> None:
    st.subheader("Keeping connections warm")
    c1, c2, c3 = st.columns(3)
    with c1:
        st.markdown(f"**Met, never followed up** ({found['never_followed_up_count']})")
        if not found["never_followed_up"]:
            st.caption("Everyone you met heard from you afterwards.")
        for m in found["never_followed_up"]:
            person_link(m["person_id"], f"{m['name']} · met {plural(m['days_ago'], 'day')} ago")
        more(found["never_followed_up_count"], found["never_followed_up"])
    with c2:
        st.markdown(f"**Past their check-in cadence** ({found['past_cadence_count']})")
        if not found["past_cadence"]:
            st.caption("Nobody is overdue for a check-in.")
        for o in sorted(found["past_cadence"], key=lambda o: (-o["days_overdue"], o["name"].lower())):
            person_link(o["person_id"], f"{o['name']} · {plural(o['days_overdue'], 'day')} overdue")
        more(found["past_cadence_count"], found["past_cadence"])
    with c3:
        st.markdown("**How you reach people** (last 90 days)")
        if not found["channels"]:
            st.caption("No messages of yours in the last 90 days.")
        else:
            frame = pd.DataFrame(found["channels"]).rename(columns={"label": "Channel", "touches": "Touches"})
            st.bar_chart(frame, x="Channel", y="Touches", horizontal=True, height=220)
        if found["variety_action"]:
            st.markdown(f"**Next:** {esc(found['variety_action'])}")


def charts_section(data: dict) -> None:
    st.subheader("Over time")
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**Relationships by band** (at each month end)")
        bands = pd.DataFrame(data["bands"])
        if bands.empty or not bands["people"].sum():
            st.caption("Bands appear once you have logged touches.")
        else:
            order = [b for b in BANDS if b != "none"]
            chart = alt.Chart(bands).mark_bar().encode(
                x=alt.X("month:N", title=None), y=alt.Y("people:Q", title="People"),
                color=alt.Color("band:N", sort=order, scale=alt.Scale(domain=order, range=BAND_COLORS)),
                order=alt.Order("band_rank:Q"), tooltip=["month", "band", "people"],
            ).transform_calculate(band_rank=f"indexof({order!r}, datum.band)")
            st.altair_chart(chart, width="stretch")
    with c2:
        st.markdown("**Gives against asks** (per month)")
        frame = pd.DataFrame(data["gives_asks"])
        chart = alt.Chart(frame).mark_bar().encode(
            x=alt.X("month:N", title=None), xOffset="kind:N", y=alt.Y("touches:Q", title="Messages"),
            color=alt.Color("kind:N", scale=alt.Scale(domain=["give", "ask"], range=["#2e7d32", "#ef6c00"])),
            tooltip=["month", "kind", "touches"])
        st.altair_chart(chart, width="stretch")
    c3, c4 = st.columns(2)
    with c3:
        st.markdown("**Time spent per week** against your budget")
        weeks = pd.DataFrame(data["weeks"])
        bars = alt.Chart(weeks).mark_bar().encode(
            x=alt.X("week:N", title="Week of"), y=alt.Y("minutes:Q", title="Minutes"),
            color=alt.condition("datum.met", alt.value("#2e7d32"), alt.value("#90a4ae")),
            tooltip=["week", "touches", "minutes", "budget"])
        rule = alt.Chart(weeks).mark_rule(color="#ef6c00", strokeDash=[4, 4]).encode(y="mean(budget):Q")
        st.altair_chart(bars + rule, width="stretch")
    with c4:
        st.markdown("**The ladder as a funnel** (people who reached each stage)")
        funnel = pd.DataFrame(data["funnel"])
        chart = alt.Chart(funnel).mark_bar().encode(
            y=alt.Y("stage:N", sort=list(STAGES), title=None), x=alt.X("reached:Q", title="People"),
            tooltip=["stage", "people", "reached"])
        st.altair_chart(chart, width="stretch")


if not insights.has_log(db):
    st.info("Nothing to measure yet. Log your first touches on a person's page (a check-in, an article you "
            "shared, a thank-you): the warning signs, charts and victories appear as your log grows.",
            icon=":material/insights:")
    st.page_link("pages/targets.py", label="Go to your targets", icon=":material/groups:")
else:
    fingerprint = data_version(db)
    data = compute(fingerprint, day.isoformat())
    audit_section(data["audit"])
    victories_section(data["victories"])
    neglect_section(data["neglect"])
    if st.toggle("Show the charts over time", key="insights_charts",
                 help="Relationships by band at each month end, gives against asks, time per week and the "
                      "ladder as a funnel. Scoring everyone as they stood at each month end takes a moment "
                      "with many people, so they wait until you ask."):
        charts_section(compute_charts(fingerprint, day.isoformat()))


@st.cache_data(max_entries=8, show_spinner=False)
def compute_opportunities(fingerprint: str, day_iso: str) -> dict:
    """The sources' funnel and the referral asks to cold relationships, kept until anything changes."""
    cdb = get_db()
    return {"funnel": insights.source_funnel(cdb),
            "asks": insights.referral_asks_to_cold(cdb, date.fromisoformat(day_iso))}


def opportunities_section() -> None:
    """Where your opportunities came from and how far each source got; referral asks to cold relationships."""
    found = compute_opportunities(data_version(db), day.isoformat())
    funnel, asks = found["funnel"], found["asks"]
    if not funnel:
        return
    st.subheader("Opportunities: where they came from, and how far each got")
    st.dataframe([{"Source": f["label"], "Opportunities": f["total"], "Applied": f["applied"],
                   "Interviewing": f["interviewing"], "Offer": f["offer"], "Hired": f["hired"]} for f in funnel],
                 hide_index=True, key="insights_sources")
    if asks["asks"]:
        st.caption(f"{plural(asks['cold'], 'referral ask')} of {asks['asks']} went to a one-way or cold "
                   "relationship. Give first, or ask someone warmer at the same company.")
        for p in asks["people"][:5]:
            person_link(p["id"], p["name"])
            st.caption(f"{p['day']}: {esc(p['why'])}")


opportunities_section()
