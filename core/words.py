"""Counting words: "1 row", "2 rows", "1 person", "3,000 people". The one plural helper pages and core use."""

from __future__ import annotations

IRREGULAR = {"person": "people", "selected person": "selected people", "company": "companies",
             "reply": "replies", "this": "these", "was": "were", "is": "are"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """n and the word, singular for exactly one (and minus one), plural otherwise; thousands get commas.

    `many` gives the plural where adding "s" is wrong and IRREGULAR does not know it."""
    return f"{n:,} {plural_word(n, word, many)}"


def plural_word(n: int, word: str, many: str | None = None) -> str:
    """Just the word for n of it: plural_word(1, "row") is "row", plural_word(2, "row") is "rows"."""
    if abs(n) == 1:
        return word
    if many is not None:
        return many
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"
