"""Labels for people beside the stable codes of contracts/vocabulary.md (the codes never change; these may)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from lasercare.engine.knowledge_model import Knowledge

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

# ---------------------------------------------------------------------------------------------------------------
# The knowledge base's codes in the staff's words. Stored plan documents and the engine's sentences carry codes
# (a modality, a finding, a condition, a medicine class); a page never shows one: it shows them through these.
# ---------------------------------------------------------------------------------------------------------------


@functools.cache
def _knowledge() -> Knowledge:
    from lasercare.engine import load_knowledge

    return load_knowledge()


def modality_name(code: str) -> str:
    """A treatment's name from the knowledge base ("Fractional ablative CO2 laser (10,600 nm)")."""
    modality = _knowledge().modalities.get(code)
    return modality.name if modality is not None else code.replace("_", " ")


def modality_names(codes: Iterable[str]) -> str:
    """Several treatments' names, or "all treatments" for the engine's "all"."""
    codes = list(codes)
    if not codes or "all" in codes:
        return str(_("all treatments"))
    return "; ".join(modality_name(code) for code in codes)


def finding_name(code: str) -> str:
    finding = _knowledge().findings.get(code)
    return finding.name if finding is not None else code.replace("_", " ")


def medicine_class(code: str) -> str:
    """A medicine class's label ("Tetracyclines ..."), risk class or allergy class."""
    knowledge = _knowledge()
    found = knowledge.medication_classes.get(code) or knowledge.allergy_classes.get(code)
    return found.label if found is not None else code.replace("_", " ")


def medicine_classes(codes: Iterable[str]) -> str:
    return "; ".join(medicine_class(code) for code in codes)


def _code_words() -> dict[str, str]:
    return _kept()[1]


def _kept() -> tuple[Knowledge, dict[str, str], dict[str, str]]:
    """The words for codes and the sentences already put in words, for the knowledge base and language in use."""
    knowledge, language = _knowledge(), translation.get_language() or ""
    kept = _WORDS.get((id(knowledge), language))
    if kept is None or kept[0] is not knowledge:
        kept = (knowledge, _code_words_for(knowledge), {})
        _WORDS[(id(knowledge), language)] = kept
    return kept


# Once per knowledge base and language, not per sentence: the plan page puts some 50 sentences through in_words, and
# building this anew each time translated every label of it again (bench/page_cost.py plan --instructions).
_WORDS: dict[tuple[int, str], tuple[Knowledge, dict[str, str], dict[str, str]]] = {}


def _code_words_for(knowledge: Knowledge) -> dict[str, str]:
    words: dict[str, str] = {}
    words.update({code: str(label).lower() for code, label in CONCERNS.items()})
    words.update({code: str(label).lower() for code, label in CONDITIONS.items()})
    words.update({code: m.name for code, m in knowledge.modalities.items()})
    words.update({code: f.name for code, f in knowledge.findings.items()})
    return words


# The engine's sentences that name codes: "history of hsv, keloids", "concern: pih", "Ranked below kpt_532",
# "melasma_risk (relative): ...", "Contraindicated: pregnancy (absolute)".
_LISTS = re.compile(r"\b(history of|concerns?:) ([a-z0-9_]+(?:, [a-z0-9_]+)*)")
_ONE = re.compile(
    r"\b(Ranked below) ([a-z0-9_]+)\b|\b([a-z][a-z0-9]*(?:_[a-z0-9]+)*) \((absolute|relative|precaution)\)"
)
_ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_CODE = re.compile(r"(?<![\w/.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")


def in_words(text: str) -> str:
    """An engine sentence (a rationale, what raised a finding, what holds a session back) with every code of the
    knowledge base it names in words. Works on stored plans too: their documents keep the codes."""
    if not text:
        return text
    # The engine's sentences repeat from plan to plan (the same rationale for every patient it fits): each is put
    # in words once per language and knowledge base. Four regular expressions per sentence were a twentieth of the
    # plan page's time (bench/page_cost.py plan --profile).
    said = _kept()[2]
    found = said.get(text)
    if found is None:
        found = _in_words(text)
        if len(said) >= _SAID_MOST:
            said.clear()
        said[text] = found
    return found


_SAID_MOST = 20_000  # sentences kept per language and knowledge base


def _in_words(text: str) -> str:
    words = _code_words()

    def listed(match: re.Match[str]) -> str:
        named = ", ".join(words.get(code, code) for code in match.group(2).split(", "))
        return f"{match.group(1)} {named}"

    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return f"{match.group(1)} {words.get(match.group(2), match.group(2))}"
        return f"{words.get(match.group(3), match.group(3))} ({match.group(4)})"

    from lasercare.web.dates import iso_day

    text = _ONE.sub(one, _LISTS.sub(listed, text))
    text = _ISO_DAY.sub(lambda m: iso_day(m.group(0)), text)
    return _CODE.sub(lambda m: words.get(m.group(0), m.group(0)), text)
