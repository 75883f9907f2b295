"""The kinds of message (purposes), their parts, placeholders and word limits: the article's anatomy."""

from __future__ import annotations

from core import validation as v
from core.vocab import NATURES

# --- Purposes ------------------------------------------------------------------------------------

# The asking shape: who you are, why you write, what you offer, and an easy next step.
_ASKING = ("greeting", "hook", "purpose", "value", "call_to_action", "sign_off")


def _purpose(label: str, nature: str, max_words: int, cta: bool, structure: tuple[str, ...]) -> dict:
    """One kind of message: its label, the nature "Mark sent" logs, the word limit, whether it needs a call
    to action, and the parts of its structure (the article's anatomy of that message)."""
    return {"label": label, "nature": nature, "max_words": max_words, "cta": cta, "structure": structure}


PURPOSES: dict[str, dict] = {
    "introduction": _purpose("Introduction (to someone new)", "", 150, True, _ASKING),
    # The request is an ask for advice; the interview itself is logged after it happens
    # (log_info_interview), so sending the request doesn't schedule a thank-you for a meeting.
    "info_interview": _purpose("Informational-interview request", "advice", 175, True, _ASKING),
    "thank_you": _purpose("Thank-you", "thank_you", 200, False, (
        "greeting", "personal_detail", "gratitude", "renewed_interest", "offer", "sign_off")),
    "check_in": _purpose("Check-in", "check_in", 150, True, (
        "greeting", "hook", "offer", "call_to_action", "sign_off")),
    "congratulations": _purpose("Congratulations", "congratulated", 120, False, (
        "greeting", "news", "personal_detail", "warm_close", "sign_off")),
    "share_resource": _purpose("Share a resource", "shared_resource", 120, False, (
        "greeting", "hook", "offer", "warm_close", "sign_off")),
    "event_followup": _purpose("Event follow-up", "thank_you", 150, True, (
        "greeting", "personal_detail", "offer", "value", "call_to_action", "sign_off")),
    "double_intro": _purpose("Double opt-in introduction", "introduction", 175, True, (
        "greeting", "purpose", "why_them", "call_to_action", "sign_off")),
    # Opportunities (issue 18): core.composer.referrals fills {job_title} and {job_link} from the opportunity
    # and checks the relationship before a referral ask.
    "referral_ask": _purpose("Ask for a referral", "referral", 175, True, _ASKING),
    "interview_thank_you": _purpose("Interview thank-you", "thank_you", 175, False, (
        "greeting", "gratitude", "personal_detail", "renewed_interest", "sign_off")),
}
# Purposes written about two people (a double opt-in introduction): they need the second one picked.
TWO_PEOPLE = frozenset({"double_intro"})
PART_LABELS = {
    "greeting": "Greeting", "hook": "Hook", "purpose": "Purpose", "value": "Your value proposition",
    "call_to_action": "Call to action", "sign_off": "Sign-off", "personal_detail": "Personal detail",
    "gratitude": "Gratitude", "renewed_interest": "Renewed interest", "offer": "Something offered",
    "news": "Their news", "warm_close": "Warm close", "why_them": "Why these two",
}
ASK_PURPOSES = frozenset(p for p, spec in PURPOSES.items() if NATURES.get(spec["nature"]) == "ask")

# Placeholders a template may use, with the gap shown when Rapport doesn't know the value.
PLACEHOLDERS: dict[str, str] = {
    "first_name": "[first name]",
    "name": "[their name]",
    "company": "[their company]",
    "role": "[their role]",
    "field": "[their field]",
    "common_ground": "[something you have in common]",
    "needs": "[what they are working on]",
    "last_conversation": "[when you last spoke]",
    "detail": "[a detail from your conversation]",
    "news": "[their news]",
    "event_name": "[the event]",
    "my_name": "[your name]",
    "pitch": "[your elevator pitch]",
    "value_proposition": "[what you can offer]",
    "website": "[your website]",
    "resource_title": "[a resource worth sharing]",
    "resource_url": "[link]",
    "signature": "[your name]",
    "other_name": "[the other person]",
    "other_first_name": "[the other person]",
    "other_role": "[their role]",
    "other_company": "[their company]",
    "other_needs": "[what the other person is working on]",
    "job_title": "[the role]",
    "job_link": "[link to the posting]",
}
GAPS = frozenset(PLACEHOLDERS.values())

# The shipped templates: one paragraph per part of the purpose's structure.
DEFAULT_TEMPLATES: dict[str, dict] = {
    "introduction": {
        "subject": "A quick question about your work at {company}",
        "parts": [
            "Hi {first_name},",
            "I came across your work as {role} at {company} and noticed that {common_ground}.",
            "I'm reaching out because I'm learning more about {field}, and your perspective would mean a lot.",
            "A little about me: {pitch} {value_proposition}",
            ("Would you be open to a 15-minute call in the next couple of weeks? Happy to fit around your "
            "schedule."),
            "Best,\n{signature}",
        ],
    },
    "info_interview": {
        "subject": "20 minutes to learn about your path at {company}?",
        "parts": [
            "Hi {first_name},",
            "I noticed that {common_ground}, and your path to {role} at {company} caught my eye.",
            ("I'm exploring {field} and would value hearing how you got where you are, what the culture at "
            "{company} is like, and which skills your team values most."),
            "A little about me: {pitch} {value_proposition}",
            ("Would you have 20 minutes for a call or a coffee in the next few weeks? I'll keep to time and come "
            "with specific questions."),
            "Thank you,\n{signature}",
        ],
    },
    "thank_you": {
        "subject": "Thank you, {first_name}",
        "parts": [
            "Hi {first_name},",
            "I really enjoyed {last_conversation}, especially hearing about {detail}.",
            "Thank you for your time and for being so generous with your insights.",
            "It made me even more interested in {field} and in the work you're doing at {company}.",
            ("In return, you might like this: {resource_title} ({resource_url}). And if I can ever help with "
            "{needs}, just say the word."),
            "With thanks,\n{signature}",
        ],
    },
    "check_in": {
        "subject": "How are things at {company}, {first_name}?",
        "parts": [
            "Hi {first_name},",
            ("You came to mind today: when we last spoke ({last_conversation}), you mentioned {detail}. How is "
            "that going?"),
            "I came across something you might find useful: {resource_title} ({resource_url}).",
            ("Would you like to catch up over a quick call in the next few weeks? No agenda, just to hear "
            "how you are."),
            "Best,\n{signature}",
        ],
    },
    "congratulations": {
        "subject": "Congratulations, {first_name}!",
        "parts": [
            "Hi {first_name},",
            "I just saw the news: congratulations on {news}!",
            "It's great to see your work at {company} recognised; it's well deserved.",
            "I hope you get a moment to celebrate. Cheering you on from here!",
            "Warmly,\n{signature}",
        ],
    },
    "share_resource": {
        "subject": "Thought of you: {resource_title}",
        "parts": [
            "Hi {first_name},",
            "I came across this and thought of you, since you're {needs}.",
            "{resource_title}: {resource_url}",
            "No need to reply; I hope it's useful. Good luck with everything at {company}!",
            "Best,\n{signature}",
        ],
    },
    "event_followup": {
        "subject": "Great to meet you at {event_name}",
        "parts": [
            "Hi {first_name},",
            "It was great to meet you at {event_name}, and I enjoyed our chat about {detail}.",
            "Since you're {needs}, this might help: {resource_title} ({resource_url}).",
            "In case it's useful, a little about me: {pitch} {value_proposition}",
            "Would you be up for a coffee in the coming weeks to continue the conversation?",
            "Best,\n{signature}",
        ],
    },
    "double_intro": {
        "subject": "Would you like an introduction to {other_name}?",
        "parts": [
            "Hi {first_name},",
            "I'd like to introduce you to {other_name}, {other_role} at {other_company}.",
            ("Why I thought of you two: you're {needs}, and {other_first_name} is {other_needs}. "
            "I think you'd both get something out of a conversation."),
            ("Would you like me to make the introduction? No pressure at all: if now isn't a good time, just say "
            "so and I won't make it."),
            "Best,\n{signature}",
        ],
    },
    "referral_ask": {
        "subject": "The {job_title} role at {company}",
        "parts": [
            "Hi {first_name},",
            "I hope all is well since {last_conversation}.",
            ("I'm applying for the {job_title} role at {company} ({job_link}), and I'd value your view as "
             "someone who knows the team."),
            "A little about me: {pitch} {value_proposition}",
            ("If you think I'd be a good fit, would you be comfortable referring me? If not, no problem at all: "
             "any advice on the application would be just as welcome."),
            "Thank you,\n{signature}",
        ],
    },
    "interview_thank_you": {
        "subject": "Thank you for the interview, {first_name}",
        "parts": [
            "Hi {first_name},",
            "Thank you for taking the time to talk with me about the {job_title} role.",
            "I especially enjoyed hearing about {detail}.",
            ("It made me even more excited about joining the team at {company}; if anything else would help, "
             "I'm happy to share it."),
            "With thanks,\n{signature}",
        ],
    },
}

CHANNEL_PHRASES = {
    "email": "our emails", "phone": "our call", "video": "our video call", "in_person": "meeting you",
    "linkedin": "our LinkedIn exchange", "social": "our chat online", "text": "our messages",
    "event": "meeting you at the event", "other": "our conversation",
}


def purpose_label(purpose: str) -> str:
    return PURPOSES[purpose]["label"] if purpose in PURPOSES else purpose


def needs_second_person(purpose: str) -> bool:
    """True for a purpose that is about two people, so a draft needs the second one too."""
    return purpose in TWO_PEOPLE


def _check_purpose(purpose: str) -> str:
    return v.choice(purpose, "Purpose", PURPOSES)
