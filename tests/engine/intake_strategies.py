"""Hypothesis strategies for consultation intakes that satisfy contracts/intake.schema.json."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from lasercare.engine.codes import (
    AREAS,
    CONCERNS,
    CONDITIONS,
    PHOTOTYPES,
    PROCEDURE_KINDS,
    SEVERITY_SCALES,
    SEXES,
)

ON = date(2026, 12, 1)

# Names the lexicon knows in every risk class, a few it does not, and the ways people write doses.
MEDICATION_NAMES = [
    "isotretinoin",
    "Roaccutane 20 mg",
    "acitretin",
    "tretinoin 0.05% cream",
    "adapalene",
    "doxycycline 100 mg",
    "minocycline",
    "ciprofloxacin 500mg",
    "Bactrim",
    "hydrochlorothiazide",
    "amiodarone",
    "St. John's Wort",
    "warfarin",
    "apixaban 5 mg bd",
    "aspirin 75mg",
    "clopidogrel",
    "methotrexate 15 mg weekly",
    "prednisone",
    "auranofin",
    "sodium aurothiomalate",
    "metformin",
    "levothyroxine",
    "vitamin D",
    "zzz-unknown-pill",
    # misspelt, foreign and topical forms: recognised, uncertain or read by route
    "Acutane 40mg",
    "Roacutane",
    "isotretinoin 0.05% gel",
    "Doxycyclin 100",
    "Eliquis 5 mg",
    "Johanniskraut",
    "fish oil",
    "ibuprofen 400 mg",
]

# Allergies as patients write them: the numbing creams, latex, adhesives, antiseptics, antivirals, and others.
ALLERGIES = [
    "lidocaine (hives)",
    "EMLA",
    "latex",
    "sticking plaster",
    "chlorhexidine",
    "valaciclovir",
    "penicillin",
    "nuts",
]


def _day_before(on: date, most_days: int = 3000) -> st.SearchStrategy[str]:
    return st.integers(0, most_days).map(lambda d: (on - timedelta(days=d)).isoformat())


def concern() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"code": st.sampled_from(CONCERNS)},
        optional={
            "severity": st.integers(1, 3),
            "scale": st.sampled_from(SEVERITY_SCALES),
            "areas": st.lists(st.sampled_from(AREAS), max_size=4, unique=True),
        },
    )


def phototype() -> st.SearchStrategy[dict[str, Any]]:
    parts = st.fixed_dictionaries(
        {},
        optional={
            "fitzpatrick": st.sampled_from(PHOTOTYPES),
            "questionnaire": st.lists(st.integers(0, 4), min_size=10, max_size=10),
            "ita_deg": st.floats(-90, 90, allow_nan=False),
        },
    )
    return parts.filter(bool)


def medication(on: date) -> st.SearchStrategy[dict[str, Any]]:
    current = st.fixed_dictionaries({"name": st.sampled_from(MEDICATION_NAMES)}, optional={"current": st.just(True)})
    stopped = st.fixed_dictionaries(
        {"name": st.sampled_from(MEDICATION_NAMES), "current": st.just(False)},
        optional={"stopped_on": _day_before(on, 800)},
    )
    return current | stopped


def procedure(on: date) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"kind": st.sampled_from(PROCEDURE_KINDS), "on": _day_before(on, 200)},
        optional={"areas": st.lists(st.sampled_from(AREAS), max_size=2)},
    )


def intake(on: date = ON) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "patient": st.fixed_dictionaries(
                {"age": st.integers(0, 120)},
                optional={
                    "sex": st.sampled_from(SEXES),
                    "pregnant": st.booleans(),
                    "breastfeeding": st.booleans(),
                },
            ),
            "phototype": phototype(),
            "concerns": st.lists(concern(), min_size=1, max_size=5),
        },
        optional={
            "goals": st.fixed_dictionaries(
                {},
                optional={
                    "max_downtime_days": st.integers(0, 30),
                    "max_sessions": st.integers(1, 10),
                    "budget": st.floats(0, 20000, allow_nan=False),
                    "currency": st.sampled_from(["EUR", "USD", "GBP"]),
                    "ready_by": st.integers(-30, 400).map(lambda d: (on + timedelta(days=d)).isoformat()),
                },
            ),
            "history": st.fixed_dictionaries(
                {},
                optional={
                    "medications": st.lists(medication(on), max_size=4),
                    "conditions": st.lists(st.sampled_from(CONDITIONS), max_size=4, unique=True),
                    "last_sun_exposure_on": _day_before(on, 120),
                    "procedures": st.lists(procedure(on), max_size=3),
                    "allergies": st.lists(st.sampled_from(ALLERGIES), max_size=3),
                },
            ),
        },
    )
