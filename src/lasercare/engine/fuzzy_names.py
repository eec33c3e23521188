"""Misspelt medicine names: the words an exact look-up left over, matched with rapidfuzz.

Imported by medicines.py only when some word misses the exact index, so a plan whose medicines are all written as
the lexicon knows them never loads this module or rapidfuzz (the cold-start budget of docs/cli.md).

lasercare's matching method, not clinical facts: how far a misspelling may be from a name (optimal string
alignment distance: one typo, or two neighbouring letters swapped, is one edit), by the length of the words
written, and when a match is near-certain. The figures these limits give on the test sets are printed by
bench/medicine_recognition.py and pinned by tests/engine/test_medicine_recognition.py.
"""

from __future__ import annotations

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .knowledge_model import Lexicon
from .medicines import MIN_FUZZY_LENGTH, Span
from .values import Value


class Match(Value):
    """Medicines a run of words probably names, whether with near certainty, and the exact one it replaces."""

    medicines: tuple[str, ...]
    certain: bool
    words: str
    replaces: str | None = None  # a shorter exact name the words began with ("candesartan" in "candesartan htcz")


def _distance_limit(length: int) -> int:
    if length < MIN_FUZZY_LENGTH:
        return 0
    if length < 8:
        return 1
    if length < 12:
        return 2
    return 3


def _near_certain(distance: int, form: str, written: str) -> bool:
    """One edit in a name of 7 letters or more, two in one of 14 or more, and the same first letter."""
    return 1 <= distance <= len(form) // 7 and form[0] == written[0]


def _same_start(form: str, written: str) -> bool:
    """People rarely misspell the first letter of a short name ("finger" is not ginger) except by dropping it or
    swapping it with the second; a long name may differ anywhere."""
    if len(written) >= 8 or form[0] == written[0]:
        return True
    return len(form) > 1 and len(written) > 1 and (written[0] == form[1] or written[1] == form[0])


def closest(written: str, lexicon: Lexicon) -> Match | None:
    """The medicines whose written forms are nearest `written`, within the limits; None when none is."""
    limit = _distance_limit(len(written))
    if not limit:
        return None
    hits = [
        (form, distance)
        for form, distance, _ in process.extract(
            written, lexicon.fuzzy_forms, scorer=OSA.distance, score_cutoff=limit, limit=12
        )
        if _same_start(form, written)
    ]
    if not hits:
        return None
    best = min(distance for _, distance in hits)
    nearest = [form for form, distance in hits if distance == best]
    medicines = tuple(dict.fromkeys(lexicon.written_forms[form] for form in nearest))
    # Near-certain only when nothing else comes within one more edit: "doris" is as close to two names as to one.
    rivals = {lexicon.written_forms[form] for form, distance in hits if distance <= best + 1}
    certain = len(rivals) == 1 and _near_certain(best, nearest[0], written)
    return Match(medicines, certain, written)


def _windows(words: list[str], start: int, end: int, lexicon: Lexicon) -> list[Match]:
    """Misspelt names among words[start:end], the longest window of words first; a window holds at least one word
    that may be a name and never starts with one that may not."""
    matches: list[Match] = []
    i = start
    while i < end:
        if words[i] in lexicon.not_names:
            i += 1
            continue
        for size in range(min(lexicon.longest, end - i), 0, -1):
            match = closest(" ".join(words[i : i + size]), lexicon)
            if match is not None:
                matches.append(match)
                i += size
                break
        else:
            i += 1
    return matches


def _extended(words: list[str], span: Span, run_end: int, lexicon: Lexicon) -> Match | None:
    """A longer name that begins with an exact one and ends misspelt: "candesartan htcz" is the combination with
    hydrochlorothiazide, not candesartan alone."""
    start, end, medicine = span
    for last in range(run_end, end, -1):
        match = closest(" ".join(words[start:last]), lexicon)
        if match is not None and medicine not in match.medicines:
            return match
    return None


def _prefixed(words: list[str], start: int, span: Span, lexicon: Lexicon) -> Match | None:
    """A longer name that ends with an exact one and begins misspelt: "13 is retinoic acid" is isotretinoin
    (13-cis-retinoic acid), not the retinoic acid of tretinoin."""
    first, end, medicine = span
    for begin in range(start, first):
        match = closest(" ".join(words[begin:end]), lexicon)
        if match is not None and medicine not in match.medicines:
            return match
    return None


def misspelt(words: list[str], spans: list[Span], runs: list[tuple[int, int]], lexicon: Lexicon) -> list[Match]:
    """What the leftover runs of words probably name. A run right after an exact name is first tried as the end of
    a longer name that begins with it, and one right before as the start of a longer name that ends with it; the
    exact name then gives way when it was found only there."""
    matches: list[Match] = []
    for start, end in runs:
        before = next((span for span in spans if span[1] == start), None)
        after = next((span for span in spans if span[0] == end), None)
        longer = None
        if before is not None:
            longer = _extended(words, before, end, lexicon)
            replaced = before
        if longer is None and after is not None:
            longer = _prefixed(words, start, after, lexicon)
            replaced = after
        if longer is not None:
            once = sum(span[2] == replaced[2] for span in spans) == 1
            matches.append(longer._replace(replaces=replaced[2] if once else None))
            continue
        matches.extend(_windows(words, start, end, lexicon))
    return matches
