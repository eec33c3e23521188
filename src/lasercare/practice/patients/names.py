"""Search keys for patients: names without case or accents, phone numbers as digits read backwards."""

from __future__ import annotations

import unicodedata


def name_key(text: str) -> str:
    """'  Zoë  O'Brien-Smith ' -> 'zoe obrien smith': what a receptionist types should find what was recorded."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        if char.isalnum():
            kept.append(char)
        elif char in " -\t":
            kept.append(" ")
    return " ".join("".join(kept).split())


def phone_tail(text: str) -> str:
    """The digits of a phone number, last first, so '...900123' is found by its ending whatever the prefix.

    People type a local number ('07700 900123') for one recorded with its country code ('+44 7700 900123'); the
    endings agree where the beginnings do not.
    """
    return "".join(ch for ch in text if ch.isdigit())[::-1]
