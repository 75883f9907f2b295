"""Turning what Rapport knows into words a person would write, or into a marked gap and a suggestion.

Notes are shorthand ("Both studied in Lisbon", "Hiring two analysts this quarter", "Daughter just started
school; training for a marathon"). Pasted into a sentence as they are, they read like a database. So:

- A private note is never pasted in: the details to remember (what someone told you about their life) and
  the other person's needs in an introduction (which would go to a third party). The draft keeps its
  marked gap, and the note is offered beside the message as a suggestion, for the user to put in their
  own words if they want to.
- Any other note is used only when it fits its slot as a clause: a short single phrase of the shape the
  sentence needs (an -ing phrase after "you're" or "help with"; a verb phrase after "we both"; a noun
  phrase after "congratulations on"), with no sentence punctuation and no he/she/they/I that would need
  rewording. Otherwise: the gap and the suggestion.
- The user's own profile text (pitch, value proposition) is theirs to use: it goes in as whole sentences.
"""

from __future__ import annotations

import re

from core.composer.purposes import PLACEHOLDERS

# Notes never pasted into a draft; shown beside it instead.
PRIVATE = frozenset({"detail", "other_needs"})
# Notes used as a clause when they fit: placeholder -> the shape its slot needs.
SHAPES = {"needs": "ing", "common_ground": "we_both", "news": "on"}
NOTES = PRIVATE | set(SHAPES)

MAX_CLAUSE_WORDS = 12
# Letters (any script), digits, spaces and in-word hyphens, apostrophes, ampersands, slashes, plus signs:
# anything else (. , ; : ! ? brackets, quotes, newlines, markup) means it is more than one plain phrase.
_PLAIN = re.compile(r"[^\W_]+(?:['’&/+-][^\W_]+)*(?: [^\W_]+(?:['’&/+-][^\W_]+)*)*")
_PRONOUNS = frozenset({
    "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "you", "your", "yours", "he", "him", "his",
    "she", "her", "hers", "they", "them", "their", "theirs", "himself", "herself", "themselves", "both",
})
_NOT_GERUNDS = frozenset({
    "anything", "bring", "ceiling", "cling", "darling", "during", "evening", "everything", "fling", "king",
    "morning", "nothing", "pudding", "ring", "sibling", "sing", "something", "spring", "sting", "string",
    "swing", "thing", "wedding", "wing",
})
_VERBS = frozenset({
    "love", "like", "know", "follow", "support", "read", "play", "run", "ran", "live", "work", "volunteer",
    "speak", "enjoy", "grew", "went", "met", "came", "left", "share", "have", "had", "did", "took", "teach",
    "taught", "coach", "mentor", "swim", "cycle", "climb", "write", "wrote", "use", "go", "come",
    "spoke", "studied", "worked", "moved", "started", "joined", "attended",
})
_NEWS_STARTS = {"promoted to": "your promotion to", "promoted": "your promotion", "new": "your new"}


def _plain(text: str) -> str | None:
    """The note as one plain phrase (trimmed, a final full stop dropped), or None when it is more than that."""
    text = " ".join(str(text or "").split())
    text = text[:-1] if text.endswith(".") and not text.endswith("..") else text
    if not text or len(text.split()) > MAX_CLAUSE_WORDS or not _PLAIN.fullmatch(text):
        return None
    return text


def _lower_first(text: str) -> str:
    first, _, rest = text.partition(" ")
    if len(first) > 1 and first[0].isupper() and first[1:].islower():  # "Hiring" -> "hiring"; "SQL", "iOS" stay
        first = first.lower()
    return f"{first} {rest}" if rest else first


def _no_pronouns(words: list[str]) -> bool:
    return not any(w.lower().replace("’", "'").split("'")[0] in _PRONOUNS for w in words)


def _ing(plain: str, words: list[str]) -> str | None:
    """ "Hiring two analysts this quarter" -> "hiring two analysts this quarter": a gerund first, no pronoun."""
    first = words[0].lower()
    if not (first.endswith("ing") and len(first) >= 5 and first.isalpha() and first not in _NOT_GERUNDS):
        return None
    return _lower_first(plain) if _no_pronouns(words) else None


def _is_verb(word: str) -> bool:
    verb = word.lower()
    return verb in _VERBS or (verb.endswith("ed") and len(verb) >= 5 and verb.isalpha())


def _we_both(plain: str, words: list[str]) -> str | None:
    """ "Both studied in Lisbon" -> "we both studied in Lisbon": a leading we/both dropped, then a verb first."""
    lowered = [w.lower() for w in words]
    for prefix in (["we", "both"], ["both"], ["we"]):
        if lowered[:len(prefix)] == prefix:
            words = words[len(prefix):]
            break
    if not words or not _no_pronouns(words) or not _is_verb(words[0]):
        return None
    return "we both " + _lower_first(" ".join(words))


def _on(plain: str, words: list[str]) -> str | None:
    """ "Promoted to VP Data" -> "your promotion to VP Data"; "a new role" as it is; else an -ing phrase."""
    lowered = plain.lower()
    for start, phrase in _NEWS_STARTS.items():
        rest = words[len(start.split()):]
        if lowered.startswith(start + " ") and _no_pronouns(rest):
            return f"{phrase} {' '.join(rest)}"
    if words[0].lower() == "your" and _no_pronouns(words[1:]):  # Rapport's own: "your 3-year work anniversary"
        return _lower_first(plain)
    if words[0].lower() in ("a", "an", "the") and len(words) > 1 and _no_pronouns(words):
        return _lower_first(plain)
    return _ing(plain, words)


# clause shape -> how a plain phrase is fitted to it (None when it does not fit)
_SHAPERS = {"ing": _ing, "we_both": _we_both, "on": _on}


def as_clause(text: str, shape: str) -> str | None:
    """The note shaped for its slot, or None when it does not fit as written.

    ing: "Hiring two analysts this quarter" -> "hiring two analysts this quarter" (you're … / help with …).
    we_both: "Both studied in Lisbon" -> "we both studied in Lisbon" (I noticed that …).
    on: "Promoted to VP Data" -> "your promotion to VP Data"; "a new role" (congratulations on …).
    """
    plain = _plain(text)
    if plain is None:
        return None
    if shape not in _SHAPERS:
        raise ValueError(f"Unknown clause shape: {shape}")
    return _SHAPERS[shape](plain, plain.split())


def sentence(text: str) -> str:
    """The user's own text as whole sentences: trimmed, one line, a capital first and a full stop last."""
    text = " ".join(str(text or "").split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def note_text(text: object) -> str:
    """A note as shown beside the message: as written, on one line, trimmed."""
    return " ".join(str(text or "").split())


def gap_label(gap: str) -> str:
    """'[a detail from your conversation]' -> 'A detail from your conversation'."""
    inner = gap.strip("[]")
    return inner[:1].upper() + inner[1:]


def _bare(url: str) -> str:
    return re.sub(r"^(https?://)?(www\.)?", "", url.strip().lower(), flags=re.IGNORECASE).rstrip("/")


def draft_values(facts: dict) -> tuple[dict[str, str], list[dict]]:
    """The values a template is filled with, and the suggestions for the gaps left where a note was held back.

    A suggestion is {placeholder, gap, label, text}: the gap as it appears in the draft and the note to
    write in its place, in the user's own words.
    """
    notes = facts.get("_notes") or {}
    values: dict[str, str] = {}
    suggestions: list[dict] = []
    for key, gap in PLACEHOLDERS.items():
        value = facts.get(key) or ""
        if key in NOTES and value:
            clause = None if key in PRIVATE else as_clause(value, SHAPES[key])
            if clause is None:
                other = facts.get("other_first_name")
                label = f"What {other} is working on" if key == "other_needs" and other else gap_label(gap)
                suggestions.append({"placeholder": key, "gap": gap, "label": label,
                                    "text": note_text(notes.get(key) or value)})
            value = clause or ""
        elif key in ("pitch", "value_proposition"):
            value = sentence(value)
        elif key == "signature" and value:
            website = (facts.get("website") or "").strip()
            if website and _bare(website) not in _bare(value):  # a signature that already has it keeps one
                value = f"{value}\n{website}"
        values[key] = value or gap
    return values, suggestions
