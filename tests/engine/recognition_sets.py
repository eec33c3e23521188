"""The test sets of medicine recognition, and the figures measured on them.

Used by tests/engine/test_medicine_recognition.py (which pins floors) and bench/medicine_recognition.py (which
prints the figures). Two kinds of set:

- **Generated** from the lexicon itself, for every risk medicine: each of its written forms (generic, synonyms,
  brands; not the listed misspellings) with one letter deleted, inserted or replaced, with two neighbouring letters
  swapped, with a dose written after it, and in capitals; and every brand checked against its generic. Recall is
  the share read with the medicine's class (recognised, or uncertain and so read as it: the riskier reading).
- **Held apart** in tests/engine/data: spellings of risk medicines as patients and other countries write them
  (some deliberately not in the lexicon), everyday medicines that must be recognised with no risk class, and
  ordinary words and unlisted non-risk medicines that must never be read as a risk medicine.
"""

from __future__ import annotations

import random
import string
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lasercare.engine import Knowledge
from lasercare.engine.medicines import MIN_FUZZY_LENGTH, MedicineReading, normalise, read_medicine

DATA = Path(__file__).resolve().parent / "data"
SEED = 20261207
LETTERS = string.ascii_lowercase
DOSES = ("20 mg", "100mg twice daily", "0.5 mg daily", "5 mg at night")


@dataclass(frozen=True)
class Variant:
    written: str
    expected: str  # the class it must be read with
    how: str  # one_edit, swapped, dose, capitals, brand


def _one_edit(form: str, rng: random.Random) -> str:
    i = rng.randrange(len(form))
    choice = rng.choice(("delete", "insert", "replace"))
    if choice == "delete":
        return form[:i] + form[i + 1 :]
    letter = rng.choice(LETTERS)
    if choice == "insert":
        return form[:i] + letter + form[i:]
    others = [c for c in LETTERS if c != form[i]]
    return form[:i] + rng.choice(others) + form[i + 1 :]


def _swapped(form: str, rng: random.Random) -> str:
    pairs = [i for i in range(len(form) - 1) if form[i] != form[i + 1] and form[i] != " " and form[i + 1] != " "]
    if not pairs:
        return form
    i = rng.choice(pairs)
    return form[:i] + form[i + 1] + form[i] + form[i + 2 :]


def generated_variants(knowledge: Knowledge, seed: int = SEED) -> list[Variant]:
    """One variant of each kind for every written form of every risk medicine (a fixed seed: the same set every
    run). Misspellings the lexicon lists are left out as starting points: they are misspelt already."""
    rng = random.Random(seed)
    lexicon = knowledge.lexicon
    forms_of: dict[str, list[str]] = defaultdict(list)
    for form, name in lexicon.written_forms.items():
        forms_of[name].append(form)
    fuzzy = set(lexicon.fuzzy_forms)
    variants: list[Variant] = []
    for name, medicine in sorted(lexicon.medicines.items()):
        for form in sorted(forms_of[name]):
            # A form that says it is topical ("voltaren emulgel") is read with the topical classes.
            topical = any(word in lexicon.topical_words for word in form.split())
            classes = medicine.topical_classes if topical else medicine.classes
            if not classes:
                continue
            expected = classes[0]
            variants.append(Variant(f"{form} {rng.choice(DOSES)}", expected, "dose"))
            variants.append(Variant(form.upper(), expected, "capitals"))
            if form in fuzzy and len(form) >= MIN_FUZZY_LENGTH + 2:
                variants.append(Variant(_one_edit(form, rng), expected, "one_edit"))
                swapped = _swapped(form, rng)
                if swapped != form:
                    variants.append(Variant(swapped, expected, "swapped"))
            if form != name:
                variants.append(Variant(form, expected, "brand"))
    return variants


@dataclass
class Tally:
    total: int = 0
    read: int = 0  # with the expected class
    certain: int = 0  # with the expected class and recognised with certainty

    @property
    def recall(self) -> float:
        return self.read / self.total if self.total else 1.0

    @property
    def certain_share(self) -> float:
        return self.certain / self.total if self.total else 1.0


@dataclass
class RecallReport:
    by_class: dict[str, Tally] = field(default_factory=dict)
    by_kind: dict[str, Tally] = field(default_factory=dict)
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # written, expected, what it was read as

    def add(self, variant: Variant, reading: MedicineReading) -> None:
        hit = variant.expected in reading.classes
        for table, key in ((self.by_class, variant.expected), (self.by_kind, variant.how)):
            tally = table.setdefault(key, Tally())
            tally.total += 1
            tally.read += hit
            tally.certain += hit and reading.status == "recognised"
        if not hit:
            shown = reading.status + (f" {'/'.join(reading.recognised + reading.suggested)}" if reading.classes else "")
            self.missed.append((variant.written, variant.expected, shown))

    @property
    def overall(self) -> Tally:
        total = Tally()
        for tally in self.by_class.values():
            total.total += tally.total
            total.read += tally.read
            total.certain += tally.certain
        return total


def measure_recall(knowledge: Knowledge, variants: list[Variant]) -> RecallReport:
    report = RecallReport()
    for variant in variants:
        report.add(variant, read_medicine(variant.written, knowledge.lexicon))
    return report


def risk_spellings() -> list[Variant]:
    document = tomllib.loads((DATA / "risk_spellings.toml").read_text(encoding="utf-8"))
    return [
        Variant(s["written"], s["class"], "held_apart" if s.get("in_lexicon", True) else "not_in_lexicon")
        for s in document["spelling"]
    ]


def everyday_spellings() -> list[str]:
    document = tomllib.loads((DATA / "everyday_spellings.toml").read_text(encoding="utf-8"))
    return [s["written"] for s in document["spelling"]]


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def ordinary_words() -> list[str]:
    return _lines("ordinary_words.txt")


def unlisted_medicines() -> list[str]:
    return _lines("unlisted_medicines.txt")


@dataclass
class FalseMatchReport:
    total: int = 0
    risk: list[tuple[str, str]] = field(default_factory=list)  # read with a risk class
    any_reading: list[tuple[str, str]] = field(default_factory=list)  # read as any medicine at all

    @property
    def risk_rate(self) -> float:
        return len(self.risk) / self.total if self.total else 0.0

    @property
    def any_rate(self) -> float:
        return len(self.any_reading) / self.total if self.total else 0.0


def measure_false_matches(knowledge: Knowledge, words: list[str]) -> FalseMatchReport:
    """How many of `words` (none of them a medicine of the lexicon) are read as one, and as a risk medicine."""
    report = FalseMatchReport()
    known = knowledge.lexicon.written_forms
    for word in words:
        if normalise(word) in known:
            continue  # the list holds a name the lexicon does know: not a false match
        report.total += 1
        reading = read_medicine(word, knowledge.lexicon)
        if reading.status == "unknown":
            continue
        shown = f"{reading.status} {'/'.join(reading.recognised + reading.suggested)}"
        report.any_reading.append((word, shown))
        if reading.classes:
            report.risk.append((word, f"{shown} {', '.join(reading.classes)}"))
    return report


def everyday_results(knowledge: Knowledge) -> Counter[str]:
    """Everyday medicines: how many are recognised with no risk class, and how many not ("unknown", "risk")."""
    counts: Counter[str] = Counter()
    for written in everyday_spellings():
        reading = read_medicine(written, knowledge.lexicon)
        if reading.status == "unknown":
            counts["unknown"] += 1
        elif reading.classes:
            counts["risk"] += 1
        else:
            counts["no_class"] += 1
    return counts
