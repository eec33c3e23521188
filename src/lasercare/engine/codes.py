"""The stable codes of ../shared/contracts/vocabulary.md, and the orders the engine relies on.

A code never changes meaning; labels for people live in the knowledge base.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: see values.py
    from typing import Final


PHOTOTYPES: Final = ("I", "II", "III", "IV", "V", "VI")

CONCERNS: Final = (
    "fine_lines",
    "wrinkles",
    "acne_scars",
    "scars",
    "sun_spots",
    "melasma",
    "pih",
    "uneven_tone",
    "texture",
    "pores",
    "redness",
    "vessels",
    "laxity",
)

SEVERITY_SCALES: Final = ("glogau", "fitzpatrick_wrinkle", "goodman_baron", "mmasi", "clinician")

AREAS: Final = (
    "face",
    "forehead",
    "periorbital",
    "perioral",
    "cheeks",
    "nose",
    "chin",
    "neck",
    "chest",
    "hands",
    "arms",
    "back",
    "legs",
)

SEXES: Final = ("female", "male", "other", "unknown")

CONDITIONS: Final = (
    "hsv",
    "keloids",
    "vitiligo",
    "psoriasis",
    "lupus",
    "porphyria",
    "diabetes_uncontrolled",
    "immunosuppressed",
    "photosensitive_epilepsy",
    "active_infection",
    "pih_history",
    "radiation_to_area",
    "bleeding_disorder",
)

PROCEDURE_KINDS: Final = (
    "chemical_peel",
    "microneedling",
    "filler",
    "neurotoxin",
    "laser",
    "surgery",
    "waxing",
    "radiation",
)

MODALITIES: Final = (
    "co2_full",
    "co2_fractional",
    "erbium_full",
    "erbium_fractional",
    "nafl_1550",
    "nafl_1927",
    "ipl",
    "pdl",
    "kpt_532",
    "qs_532",
    "pico_532",
    "qs_1064",
    "pico_755",
    "pico_1064",
    "lp_1064",
)

FINDINGS: Final = (
    "pregnancy",
    "isotretinoin_recent",
    "active_infection",
    "hsv_history",
    "keloid_history",
    "photosensitizing_drug",
    "recent_tan",
    "gold_therapy",
    "vitiligo",
    "immunosuppression",
    "anticoagulant",
    "impaired_healing",
    "photosensitive_disorder",
    "light_triggered_seizures",
    "recent_procedure",
    "unrealistic_expectations",
    "melasma_risk",
    "pih_risk",
    "unknown_medication",
    "uncertain_medication",
    "anaesthetic_allergy",
    "allergy",
)

# Most severe first: the order in which findings are listed.
FINDING_SEVERITIES: Final = ("absolute", "relative", "precaution")

# Best first: options are ordered by this, and a cap can only move an option down it.
SUITABILITIES: Final = ("recommended", "acceptable", "not_advised", "contraindicated")

EVIDENCE_LEVELS: Final = ("S", "W", "P")
EVIDENCE_LABELS: Final = {
    "S": "established (primary, review or society source)",
    "W": "weaker source (clinic or patient page, textbook mirror, second-hand summary)",
    "P": "practice-policy default (no published source; the clinic may change it)",
}

MODALITY_FAMILIES: Final = (
    "ablative_full",
    "ablative_fractional",
    "nonablative_fractional",
    "vascular",
    "pigment",
    "broadband_light",
    "nonablative_rejuvenation",
)


def suitability_rank(suitability: str) -> int:
    return SUITABILITIES.index(suitability)


def phototype_index(phototype: str) -> int:
    """0 for type I up to 5 for type VI."""
    return PHOTOTYPES.index(phototype)
