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

The fuzzy matching (fuzzy_names.py, with rapidfuzz) is imported only when a word misses the exact index: a plan
whose medicines are all known never pays for it (the cold-start budget of docs/cli.md).
"""

from __future__ import annotations

from .knowledge_model import Lexicon, Medicine
from .values import Value

# Apostrophes vanish ("john's" is "johns"); every other ASCII mark separates words; the micro sign is a u.
_FOLD = str.maketrans(
    dict.fromkeys("'’`´ʼ", "")
    | dict.fromkeys('!"#$%&()*+,-./:;<=>?@[\\]^_{|}~\t\n\r\x0b\x0c', " ")
    | {"μ": "u", "µ": "u", "ß": "ss"}
)

# Words shorter than this are never matched fuzzily ("asa", "doxy"): see fuzzy_names.py for the method.
MIN_FUZZY_LENGTH = 5


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
        import unicodedata  # only for accents and other non-ASCII letters: most names have none

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


# Where an exact form was found among the words: (start, end exclusive, medicine). A plain tuple, not a value
# class: one more class was a tenth of a millisecond of every cold start.
Span = tuple[int, int, str]


def _exact(words: list[str], lexicon: Lexicon) -> list[Span]:
    """The written forms found among the words, the longest first."""
    spans: list[Span] = []
    i = 0
    while i < len(words):
        for size in range(min(lexicon.longest, len(words) - i), 0, -1):
            medicine = lexicon.written_forms.get(" ".join(words[i : i + size]))
            if medicine is not None:
                spans.append((i, i + size, medicine))
                i += size
                break
        else:
            i += 1
    return spans


def _leftover_runs(words: list[str], spans: list[Span], lexicon: Lexicon) -> list[tuple[int, int]]:
    """Runs of words no exact form used and that hold a word which may be a name (not a number, dose, frequency,
    route or filler word), as (start, end). Such words inside a run stay: "direct oral anticoagulant"."""
    used = [False] * len(words)
    for first, end, _ in spans:
        for j in range(first, end):
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


def _classes(medicine: Medicine, route: str) -> tuple[str, ...]:
    return medicine.topical_classes if route == "topical" else medicine.classes


def read_medicine(text: str, lexicon: Lexicon) -> MedicineReading:
    """What `text` names: the medicines recognised, those it probably names, their classes for its route."""
    words = normalise(text).split()
    if not words:
        return UNKNOWN
    spans = _exact(words, lexicon)
    recognised = list(dict.fromkeys(medicine for _, _, medicine in spans))
    suggested: list[str] = []
    uncertain_words: list[str] = []
    runs = _leftover_runs(words, spans, lexicon)
    if runs:
        from .fuzzy_names import misspelt

        for match in misspelt(words, spans, runs, lexicon):
            if match.certain:
                recognised.extend(m for m in match.medicines if m not in recognised)
            else:
                suggested.extend(m for m in match.medicines if m not in suggested and m not in recognised)
                uncertain_words.append(match.words)
            if match.replaces is not None and match.replaces in recognised:
                recognised.remove(match.replaces)
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
