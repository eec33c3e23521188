"""Labels for people beside the stable codes of contracts/vocabulary.md (the codes never change; these may)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CONCERNS = {
    "fine_lines": _("Fine lines"),
    "wrinkles": _("Wrinkles (moderate to deep)"),
    "acne_scars": _("Acne scars"),
    "scars": _("Other scars (surgical, traumatic)"),
    "sun_spots": _("Sun spots (lentigines)"),
    "melasma": _("Melasma"),
    "pih": _("Post-inflammatory hyperpigmentation"),
    "uneven_tone": _("Uneven tone"),
    "texture": _("Rough texture"),
    "pores": _("Enlarged pores"),
    "redness": _("Redness (diffuse, rosacea-type)"),
    "vessels": _("Visible small vessels"),
    "laxity": _("Laxity"),
}
# The concerns as a patient reads them on the handout, the portal and the public pages (the patient voice:
# docs/clinical-knowledge.md); the staff's pages keep CONCERNS.
PATIENT_CONCERNS = {
    **CONCERNS,
    "wrinkles": _("Deeper wrinkles"),
    "scars": _("Other scars (from surgery or an injury)"),
    "sun_spots": _("Sun spots"),
    "pih": _("Dark marks left after spots, rashes or injuries"),
    "redness": _("Redness (such as rosacea)"),
    "laxity": _("Loose or sagging skin"),
}
SEVERITIES = {1: _("1 mild"), 2: _("2 moderate"), 3: _("3 severe")}
SCALES = {
    "glogau": _("Glogau"),
    "fitzpatrick_wrinkle": _("Fitzpatrick wrinkle"),
    "goodman_baron": _("Goodman & Baron"),
    "mmasi": _("mMASI"),
    "clinician": _("Clinician's judgement"),
}
AREAS = {
    "face": _("Whole face"),
    "forehead": _("Forehead"),
    "periorbital": _("Around the eyes"),
    "perioral": _("Around the mouth"),
    "cheeks": _("Cheeks"),
    "nose": _("Nose"),
    "chin": _("Chin"),
    "neck": _("Neck"),
    "chest": _("Chest"),
    "hands": _("Hands"),
    "arms": _("Arms"),
    "back": _("Back"),
    "legs": _("Legs"),
}
CONDITIONS = {
    "hsv": _("Cold sores (herpes simplex)"),
    "keloids": _("Keloid or hypertrophic scarring"),
    "vitiligo": _("Vitiligo"),
    "psoriasis": _("Psoriasis"),
    "lupus": _("Lupus"),
    "porphyria": _("Porphyria"),
    "diabetes_uncontrolled": _("Uncontrolled diabetes"),
    "immunosuppressed": _("Immunosuppressed"),
    "photosensitive_epilepsy": _("Photosensitive epilepsy"),
    "active_infection": _("Active skin infection in the area"),
    "pih_history": _("Past hyperpigmentation after injury or treatment"),
    "radiation_to_area": _("Radiation therapy to the area"),
    "bleeding_disorder": _("Bleeding disorder"),
}
PROCEDURES = {
    "chemical_peel": _("Chemical peel"),
    "microneedling": _("Microneedling"),
    "filler": _("Filler"),
    "neurotoxin": _("Neurotoxin (e.g. botulinum toxin)"),
    "laser": _("Laser or light treatment"),
    "surgery": _("Surgery"),
    "waxing": _("Waxing"),
    "radiation": _("Radiation therapy"),
}
SUITABILITY = {
    "recommended": _("Recommended"),
    "acceptable": _("Acceptable"),
    "not_advised": _("Not advised"),
    "contraindicated": _("Contraindicated"),
}
FINDING_SEVERITY = {
    "absolute": _("Absolute contraindication"),
    "relative": _("Relative contraindication"),
    "precaution": _("Precaution"),
}
EVIDENCE = {"S": _("established"), "W": _("weaker source"), "P": _("practice-policy default")}
