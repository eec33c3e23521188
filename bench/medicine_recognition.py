"""Medicine recognition: recall per class and false matches, as printed figures (docs/clinical-knowledge.md).

    .venv/bin/python bench/medicine_recognition.py [--missed 20]

Prints, on the lexicon of this checkout:
1. the lexicon's size by class;
2. recall per class on the generated set (every written form of every risk medicine with one edit, two letters
   swapped, a dose after it, in capitals, and each brand against its generic) and by kind of variant, with the
   share read with certainty (the rest raise uncertain_medication and are read as the medicine they resemble);
3. recall on the held-apart spellings of risk medicines (tests/engine/data/risk_spellings.toml), those in the
   lexicon as written and those only the fuzzy matcher can find;
4. everyday medicines recognised with no risk class;
5. false matches: ordinary words and unlisted non-risk medicines read as a risk medicine (and as any medicine);
6. the time to read a name that misses the exact index (the fuzzy path).
The tests (tests/engine/test_medicine_recognition.py) pin floors under these figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.engine.recognition_sets import (
    RecallReport,
    Tally,
    everyday_results,
    generated_variants,
    measure_false_matches,
    measure_recall,
    ordinary_words,
    risk_spellings,
    unlisted_medicines,
)

from lasercare.engine import load_knowledge
from lasercare.engine.medicines import read_medicine


def _row(key: str, tally: Tally) -> str:
    share = f"{tally.recall:7.1%} read   {tally.certain_share:7.1%} certain"
    return f"  {key:<22} {tally.read:>5}/{tally.total:<5} {share}"


def _table(title: str, report: RecallReport, by: str) -> None:
    print(title)
    rows = report.by_class if by == "class" else report.by_kind
    for key, tally in sorted(rows.items()):
        print(_row(key, tally))
    print(_row("all", report.overall))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--missed", type=int, default=15, help="how many misses and false matches to list")
    args = parser.parse_args()
    knowledge = load_knowledge()
    lexicon = knowledge.lexicon

    print(f"Lexicon: {len(lexicon.medicines)} medicines under {len(lexicon.written_forms)} written forms")
    unclassed = sum(1 for m in lexicon.medicines.values() if not m.classes)
    print(f"  no laser-relevant class: {unclassed}")
    for code in knowledge.medication_classes:
        members = [m for m in lexicon.medicines.values() if code in m.classes or code in m.topical_classes]
        forms = sum(1 for name in lexicon.written_forms.values() if name in {m.name for m in members})
        print(f"  {code:<22} {len(members):>4} medicines {forms:>5} written forms")
    for code in knowledge.allergy_classes:
        members = [m for m in lexicon.medicines.values() if m.allergy_class == code]
        print(f"  allergy {code:<14} {len(members):>4} substances")
    print()

    variants = generated_variants(knowledge)
    generated = measure_recall(knowledge, variants)
    _table(f"Generated set ({len(variants)} variants): recall by class", generated, "class")
    _table("Generated set: recall by kind of variant", generated, "kind")
    for written, expected, shown in generated.missed[: args.missed]:
        print(f"    missed: {written!r} ({expected}) read as {shown}")
    print()

    held = measure_recall(knowledge, risk_spellings())
    _table("Held-apart spellings of risk medicines", held, "kind")
    for written, expected, shown in held.missed[: args.missed]:
        print(f"    missed: {written!r} ({expected}) read as {shown}")
    print()

    everyday = everyday_results(knowledge)
    total = sum(everyday.values())
    print(
        f"Everyday medicines: {everyday['no_class']}/{total} recognised with no risk class "
        f"({everyday['unknown']} unknown, {everyday['risk']} read with a risk class)"
    )
    print()

    for title, words in (("Ordinary words", ordinary_words()), ("Unlisted non-risk medicines", unlisted_medicines())):
        report = measure_false_matches(knowledge, words)
        print(
            f"{title}: {len(report.risk)}/{report.total} read as a risk medicine ({report.risk_rate:.1%}); "
            f"{len(report.any_reading)} as any medicine ({report.any_rate:.1%})"
        )
        for word, shown in report.risk[: args.missed]:
            print(f"    false risk match: {word!r} read as {shown}")
    print()

    misses = ordinary_words()[:200]
    started = time.perf_counter()
    for word in misses:
        read_medicine(word, lexicon)
    per_name = (time.perf_counter() - started) / len(misses)
    exact = list(lexicon.written_forms)[:200]
    started = time.perf_counter()
    for form in exact:
        read_medicine(form, lexicon)
    per_exact = (time.perf_counter() - started) / len(exact)
    print(f"Reading a name: {per_exact * 1e6:.0f} µs in the exact index, {per_name * 1e6:.0f} µs when it misses it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
