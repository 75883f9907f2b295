"""The rules core.vocab defines once: here, which touches take a "did they reply?" mark."""

from __future__ import annotations

import pytest

from core.vocab import CONVERSATION_CHANNELS, INTERVIEW_CHANNELS, is_conversation, takes_reply_mark


@pytest.mark.parametrize(("direction", "channel", "nature", "takes"), [
    ("me", "email", "", True),  # a message I sent: did they answer?
    ("them", "linkedin", "advice", True),  # a message they sent: did I?
    ("unknown", "email", "", False),  # no one to say it of
    ("me", "phone", "", False),  # a call is two-way by nature
    ("them", "email", "meeting", False),  # a meeting arranged by email is still a conversation
])
def test_a_touch_takes_a_reply_mark_when_its_author_is_known_and_it_was_not_a_conversation(direction, channel,
                                                                                             nature, takes):
    assert takes_reply_mark(direction, channel, nature) is takes



def test_an_interview_is_held_on_a_conversation_channel_other_than_an_event():
    assert set(INTERVIEW_CHANNELS) == CONVERSATION_CHANNELS - {"event"}
    assert all(is_conversation(channel, "") for channel in INTERVIEW_CHANNELS)
