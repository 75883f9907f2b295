"""The fixed vocabularies of Rapport: stages, tiers, channels, natures of a touch, and labels."""

# The relationship ladder, lowest first; position is the rank.
STAGES = ("stranger", "contacted", "conversed", "connected", "ally")

# Tiers and their default check-in cadence in days (SCORING.md 4.2); archived has none.
TIERS = ("active", "core", "network", "acquaintance", "archived")
DEFAULT_CADENCE = {"active": 14, "core": 30, "network": 90, "acquaintance": 180}

CHANNELS = ("email", "phone", "video", "in_person", "linkedin", "social", "text", "event", "other")
CHANNEL_LABELS = {
    "email": "Email",
    "phone": "Phone call",
    "video": "Video call",
    "in_person": "In person",
    "linkedin": "LinkedIn",
    "social": "Other social",
    "text": "Text message",
    "event": "At an event",
    "other": "Other",
}
# Minutes a touch usually takes, counted against the weekly networking-time budget.
CHANNEL_MINUTES = {
    "email": 15, "phone": 30, "video": 30, "in_person": 60, "linkedin": 10,
    "social": 5, "text": 5, "event": 90, "other": 15,
}
# Channels where the two of you actually talked: these need a thank-you.
CONVERSATION_CHANNELS = frozenset({"phone", "video", "in_person", "event"})

DIRECTIONS = ("me", "them", "unknown")
KINDS = ("give", "ask", "neutral")

# The nature of a touch and the kind it implies. A thank-you is neutral with the tag
# thank_you (SCORING.md 4.1): expected follow-through, not a gift.
NATURES = {
    "shared_resource": "give",
    "introduction": "give",
    "congratulated": "give",
    "offered_help": "give",
    "referral": "ask",
    "job_lead": "ask",
    "advice": "ask",
    "informational_interview": "ask",
    "thank_you": "neutral",
    "check_in": "neutral",
    "conversation": "neutral",
    "meeting": "neutral",
    "connection_request": "neutral",
}
NATURE_LABELS = {
    "shared_resource": "Shared a resource",
    "introduction": "Made an introduction",
    "congratulated": "Congratulated them",
    "offered_help": "Offered help",
    "referral": "Asked for a referral",
    "job_lead": "Asked about a job lead",
    "advice": "Asked for advice",
    "informational_interview": "Informational interview",
    "thank_you": "Thanked them",
    "check_in": "Check-in",
    "conversation": "Conversation",
    "meeting": "Meeting",
    "connection_request": "Connection request",
}
# Natures that are a conversation in themselves, whatever the channel.
CONVERSATION_NATURES = frozenset({"informational_interview", "meeting"})
# The channels of an interview (informational or for a job): a call, a video call or a meeting in person, in the
# order a form offers them; the conversation channels without "event".
INTERVIEW_CHANNELS = ("video", "phone", "in_person")
# Channels where a touch is a written message, which the other side may or may not answer.
WRITTEN_CHANNELS = frozenset({"email", "linkedin", "text", "social"})

# The rules every part of Rapport reads from here, so each is defined once (SCORING.md 4.2, 4.8).
THANK_YOU_DAYS = 2  # the article: a thank-you within 24-48 hours
REPLY_WINDOW_DAYS = 7  # a message unanswered this long is "no reply"


def is_conversation(channel: str | None, nature: str | None) -> bool:
    """Whether a touch was a held conversation (a call, video, meeting in person or at an event, or
    an informational interview or meeting on any channel): two-way by nature, and worth a thank-you."""
    return channel in CONVERSATION_CHANNELS or nature in CONVERSATION_NATURES


def takes_reply_mark(direction: str | None, channel: str | None, nature: str | None) -> bool:
    """Whether the user can say if a touch was answered: one with a known author (me or them) that was not a
    held conversation (a conversation is its own answer)."""
    return direction in ("me", "them") and not is_conversation(channel, nature)

HOW_MET = ("event", "referral", "linkedin", "cold", "colleague", "other")
SENIORITIES = ("intern", "entry", "mid", "senior", "lead", "manager", "director", "vp", "c_level", "founder")
DATE_LABELS = ("birthday", "work_anniversary", "success", "other")

FOLLOWUP_REASONS = {
    "thank_you": "Thank-you",
    "event_followup": "Event follow-up",
    "check_in": "Check-in",
    "date": "Important date",
    "custom": "Reminder",
    "opportunity": "Opportunity",  # a role's deadline, or the check-in a week after applying (core.opportunities)
}
