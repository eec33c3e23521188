"""Reading a medicine (or an allergy) as people write it: "Roacutane 20 mg", "Doxycyclin 100", "isotretinoin 0.05%
gel", "St John's wart".

1. The text is normalised: accents folded, lower case, punctuation a space ("Isotrétinoïne" is "isotretinoine").
2. Every written form the lexicon knows (generic, synonyms in other languages, brands, common misspellings) is
   looked up exactly, the longest first, so "warfarin sodium 5 mg at night" is warfarin and "aspirin and
   clopidogrel" is both.
3. Only words left over after that, once doses, frequencies, routes and filler are dropped, are matched fuzzily
   (rapidfuzz, optimal string alignment distance: one typo or two swapped letters is one edit). A close match
   is *near-certain* (recognised) when it is one edit in a long name, or two in a very long one, starts with the
   same letter, and no other medicine is as close; any other match within the limits below is *uncertain*: the
   plan raises `uncertain_medication` and reads it as the medicine it resembles (the riskier reading) until a
   clinician confirms it. Words shorter than five letters are never matched fuzzily, so "asa" or "doxy" is only
   ever itself.
4. The route matters: a topical form (gel, cream, a strength in per cent) takes the medicine's topical classes.

rapidfuzz is imported only when a word misses the exact index: a plan whose medicines are all known never pays
for it (the cold-start budget of docs/cli.md).
"""

from __future__ import annotations

import unicodedata

from .knowledge_model import Lexicon, Medicine
from .values import Value

# Apostrophes vanish ("john's" is "johns"); every other ASCII mark separates words; the micro sign is a u.
_FOLD = str.maketrans(
    dict.fromkeys("'’`´ʼ", "")
    | dict.fromkeys('!"#$%&()*+,-./:;<=>?@[\\]^_{|}~\t\n\r\x0b\x0c', " ")
    | {"μ": "u", "µ": "u", "ß": "ss"}
)

# lasercare's matching method, not clinical facts: how far a misspelling may be from a name (optimal string
# alignment distance, by the length of the words written), and when a match is near-certain. The figures these
# limits give on the test sets are printed by bench/medicine_recognition.py and pinned by
# tests/engine/test_medicine_recognition.py.
MIN_FUZZY_LENGTH = 5


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


class MedicineReading(Value):
    """What one written medicine (or allergy) was read as."""

    status: str  # recognised, uncertain, unknown
    recognised: tuple[str, ...]  # medicines recognised with certainty (generic names)
    suggested: tuple[str, ...]  # medicines the uncertain words probably are
    classes: tuple[str, ...]  # the risk classes of both, for the route written
    allergy_classes: tuple[str, ...]
    route: str  # topical, systemic, unspecified
    uncertain_words: str = ""  # the words read uncertainly, as normalised


UNKNOWN = MedicineReading("unknown", (), (), (), (), "unspecified")


def normalise(text: str) -> str:
    """The comparable form of a written medicine: accents folded, lower-case words and numbers, marks removed."""
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    words = text.lower().translate(_FOLD).split()
    # "st." and "saint" are the same word in a plant's name.
    return " ".join("st" if w == "saint" else w for w in words)


def _route(words: list[str], text: str, lexicon: Lexicon) -> str:
    if any(w in lexicon.systemic_words for w in words):
        return "systemic"
    if any(w in lexicon.topical_words for w in words) or "%" in text:
        return "topical"
    return "unspecified"


class _Span(Value):
    start: int
    end: int  # exclusive
    medicine: str


def _exact(words: list[str], lexicon: Lexicon) -> list[_Span]:
    """The written forms found among the words, the longest first."""
    spans: list[_Span] = []
    i = 0
    while i < len(words):
        for size in range(min(lexicon.longest, len(words) - i), 0, -1):
            medicine = lexicon.written_forms.get(" ".join(words[i : i + size]))
            if medicine is not None:
                spans.append(_Span(i, i + size, medicine))
                i += size
                break
        else:
            i += 1
    return spans


def _leftover_runs(words: list[str], spans: list[_Span], lexicon: Lexicon) -> list[tuple[int, int]]:
    """Runs of words no exact form used and that hold a word which may be a name (not a number, dose, frequency,
    route or filler word), as (start, end). Such words inside a run stay: "direct oral anticoagulant"."""
    used = [False] * len(words)
    for span in spans:
        for j in range(span.start, span.end):
            used[j] = True
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, word in enumerate([*words, "0"]):
        breaks = i == len(words) or used[i] or word[0].isdigit()
        if breaks:
            if start is not None and any(w not in lexicon.not_names for w in words[start:i]):
                runs.append((start, i))
            start = None
        elif start is None:
            start = i
    return runs


class _Match(Value):
    medicines: tuple[str, ...]
    certain: bool
    words: str


def _same_start(form: str, written: str) -> bool:
    """People rarely misspell the first letter of a short name ("finger" is not ginger) except by dropping it or
    swapping it with the second; a long name may differ anywhere."""
    if len(written) >= 8 or form[0] == written[0]:
        return True
    return len(form) > 1 and len(written) > 1 and (written[0] == form[1] or written[1] == form[0])


def _closest(written: str, lexicon: Lexicon) -> _Match | None:
    limit = _distance_limit(len(written))
    if not limit:
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

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
    closest = [form for form, distance in hits if distance == best]
    medicines = tuple(dict.fromkeys(lexicon.written_forms[form] for form in closest))
    # Near-certain only when nothing else comes within one more edit: "doris" is as close to two names as to one.
    rivals = {lexicon.written_forms[form] for form, distance in hits if distance <= best + 1}
    certain = len(rivals) == 1 and _near_certain(best, closest[0], written)
    return _Match(medicines, certain, written)


def _fuzzy(words: list[str], start: int, end: int, lexicon: Lexicon) -> list[_Match]:
    """Misspelt names among words[start:end], the longest window of words first; a window holds at least one word
    that may be a name and never starts with one that may not."""
    matches: list[_Match] = []
    i = start
    while i < end:
        if words[i] in lexicon.not_names:
            i += 1
            continue
        for size in range(min(lexicon.longest, end - i), 0, -1):
            match = _closest(" ".join(words[i : i + size]), lexicon)
            if match is not None:
                matches.append(match)
                i += size
                break
        else:
            i += 1
    return matches


def _extended(words: list[str], span: _Span, run_end: int, lexicon: Lexicon) -> _Match | None:
    """A longer name that begins with an exact one and ends misspelt: "candesartan htcz" is the combination with
    hydrochlorothiazide, not candesartan alone."""
    for end in range(run_end, span.end, -1):
        match = _closest(" ".join(words[span.start : end]), lexicon)
        if match is not None and span.medicine not in match.medicines:
            return match
    return None


def _classes(medicine: Medicine, route: str) -> tuple[str, ...]:
    return medicine.topical_classes if route == "topical" else medicine.classes


def read_medicine(text: str, lexicon: Lexicon) -> MedicineReading:
    """What `text` names: the medicines recognised, those it probably names, their classes for its route."""
    words = normalise(text).split()
    if not words:
        return UNKNOWN
    spans = _exact(words, lexicon)
    recognised = list(dict.fromkeys(span.medicine for span in spans))
    matches: list[_Match] = []
    for start, end in _leftover_runs(words, spans, lexicon):
        before = next((span for span in spans if span.end == start), None)
        longer = _extended(words, before, end, lexicon) if before is not None else None
        if longer is not None and before is not None:
            if sum(span.medicine == before.medicine for span in spans) == 1:
                recognised.remove(before.medicine)
            matches.append(longer)
            continue
        matches.extend(_fuzzy(words, start, end, lexicon))
    suggested: list[str] = []
    uncertain_words: list[str] = []
    for match in matches:
        if match.certain:
            recognised.extend(m for m in match.medicines if m not in recognised)
        else:
            suggested.extend(m for m in match.medicines if m not in suggested and m not in recognised)
            uncertain_words.append(match.words)
    if not recognised and not suggested:
        return UNKNOWN
    route = _route(words, text, lexicon)
    classes: dict[str, None] = {}
    allergy: dict[str, None] = {}
    for name in (*recognised, *suggested):
        medicine = lexicon.medicines[name]
        classes.update(dict.fromkeys(_classes(medicine, route)))
        if medicine.allergy_class is not None:
            allergy[medicine.allergy_class] = None
    return MedicineReading(
        status="uncertain" if suggested else "recognised",
        recognised=tuple(recognised),
        suggested=tuple(suggested),
        classes=tuple(sorted(classes)),
        allergy_classes=tuple(sorted(allergy)),
        route=route,
        uncertain_words=" ".join(uncertain_words),
    )
