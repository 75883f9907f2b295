"""The outreach composer: drafts in the article's structure, checks as you type, mailto links, drafts.

Drafts are built from what Rapport knows (the person, the last conversation, the user's profile, a
matching resource). Where something is missing the draft keeps a clearly marked gap such as
"[something you have in common]" instead of inventing it, and check() points it out.

Where each job lives: purposes (the kinds of message and their structure), templates, facts (what Rapport
knows about the person), drafts (writing one, and the saved drafts), checks (as you type), mail (mailto
links), interviews (informational interviews).
"""

from core.composer.checks import FIRST_PERSON, SECOND_PERSON, check, check_context, gaps_in, self_focus, words
from core.composer.drafts import (
    discard_draft,
    draft,
    followup_interaction,
    get_draft,
    list_drafts,
    mark_sent,
    save_draft,
)
from core.composer.facts import gather_facts, match_resource
from core.composer.interviews import (
    INTERVIEW_CHANNELS,
    QUESTION_BANK,
    interview_questions,
    log_info_interview,
    question_sheet,
)
from core.composer.mail import MAILTO_MAX, mail_link, mailto
from core.composer.purposes import (
    ASK_PURPOSES,
    CHANNEL_PHRASES,
    DEFAULT_TEMPLATES,
    GAPS,
    PART_LABELS,
    PLACEHOLDERS,
    PURPOSES,
    TWO_PEOPLE,
    needs_second_person,
    purpose_label,
)
from core.composer.templates import (
    default_template,
    fill,
    get_template,
    reset_template,
    save_template,
    template_problems,
    validate_template,
)

__all__ = [
    "ASK_PURPOSES",
    "CHANNEL_PHRASES",
    "DEFAULT_TEMPLATES",
    "FIRST_PERSON",
    "GAPS",
    "INTERVIEW_CHANNELS",
    "MAILTO_MAX",
    "PART_LABELS",
    "PLACEHOLDERS",
    "PURPOSES",
    "QUESTION_BANK",
    "SECOND_PERSON",
    "TWO_PEOPLE",
    "check",
    "check_context",
    "default_template",
    "discard_draft",
    "draft",
    "fill",
    "followup_interaction",
    "gaps_in",
    "gather_facts",
    "get_draft",
    "get_template",
    "interview_questions",
    "list_drafts",
    "log_info_interview",
    "mail_link",
    "mailto",
    "mark_sent",
    "match_resource",
    "needs_second_person",
    "purpose_label",
    "question_sheet",
    "reset_template",
    "save_draft",
    "save_template",
    "self_focus",
    "template_problems",
    "validate_template",
    "words",
]
