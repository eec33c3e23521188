"""Recognising a medication as people write it: "Doxycycline 100 mg" is doxycycline.

Names are compared after lower-casing and folding punctuation; a multi-word name ("st john's wort",
"mycophenolate mofetil") is found anywhere in the text, the longest match first, so "warfarin sodium 5 mg at
night" is warfarin.
"""

from __future__ import annotations

from collections.abc import Mapping

# Apostrophes vanish ("john's" is "johns"); every other ASCII mark separates words.
_FOLD = str.maketrans(dict.fromkeys("'’`´", "") | dict.fromkeys('!"#$%&()*+,-./:;<=>?@[\\]^_{|}~\t\n\r\x0b\x0c', " "))


def normalise_name(text: str) -> str:
    """The comparable form of a medication name: lower-case words and numbers, punctuation folded.

    Doses, forms and frequencies need no removing: `recognise` looks for known names among the words, so
    "doxycycline 100 mg twice daily" still finds "doxycycline".
    """
    words = text.lower().translate(_FOLD).split()
    # "st." and "saint" are the same word in a plant's name.
    return " ".join("st" if w == "saint" else w for w in words)


def recognise(text: str, names: Mapping[str, frozenset[str]], longest: int) -> tuple[str, frozenset[str]] | None:
    """The first (longest) known name in `text` and its classes, or None when no name is known.

    Several medicines in one entry ("aspirin and clopidogrel") give the union of their classes.
    """
    words = normalise_name(text).split()
    found: list[str] = []
    classes: set[str] = set()
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            candidate = " ".join(words[i : i + size])
            hit = names.get(candidate)
            if hit is not None:
                found.append(candidate)
                classes |= hit
                i += size
                break
        else:
            i += 1
    if not found:
        return None
    return " + ".join(found), frozenset(classes)
