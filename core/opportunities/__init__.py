"""Opportunities (issue 18): the roles the user pursues, tied to the people who can help.

Where each job lives: pipeline (stages, fields, people linked with a role, interviews, the follow-ups each
stage schedules, reading), network (who do I know at the company and who knows someone there; the check
before a referral ask), tracker_csv (importing Huntr's, Teal's or any mapped CSV), insights (where the
opportunities came from and how far each source got), export (CSV).
"""

from core.opportunities.export import EXPORT_COLUMNS, export_rows, opportunities_csv
from core.opportunities.insights import SOURCE_STEPS, referral_asks_to_cold, source_funnel
from core.opportunities.network import COLD_STATUSES, referral_check, who_do_i_know
from core.opportunities.pipeline import (
    BEFORE_APPLYING,
    CHECK_IN_DAYS,
    CLOSED_REASONS,
    INTERVIEW_THANKS_DAYS,
    OPEN_STAGES,
    ROLES,
    SOURCES,
    STAGE_LABELS,
    STAGES,
    add_opportunity,
    close_opportunity,
    delete_opportunity,
    followups_of,
    get_opportunity,
    link_person,
    list_opportunities,
    log_interview,
    move_stage,
    opportunities_of,
    parse_salary,
    people_of,
    pipeline,
    salary_text,
    timeline,
    unlink_person,
    upcoming_deadlines,
    update_opportunity,
)

__all__ = [
    "BEFORE_APPLYING", "CHECK_IN_DAYS", "CLOSED_REASONS", "COLD_STATUSES", "EXPORT_COLUMNS", "INTERVIEW_THANKS_DAYS",
    "OPEN_STAGES", "ROLES", "SOURCES", "SOURCE_STEPS", "STAGES", "STAGE_LABELS", "add_opportunity",
    "close_opportunity", "delete_opportunity", "export_rows", "followups_of", "get_opportunity", "link_person",
    "list_opportunities", "log_interview", "move_stage", "opportunities_csv", "opportunities_of", "parse_salary",
    "people_of", "pipeline", "referral_asks_to_cold", "referral_check", "salary_text", "source_funnel", "timeline",
    "unlink_person", "upcoming_deadlines", "update_opportunity", "who_do_i_know",
]
