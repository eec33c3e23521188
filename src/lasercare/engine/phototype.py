"""The patient's Fitzpatrick phototype from what the consultation gathered.

The clinician's assessed type comes first; without it the ten-item questionnaire decides; an ITA measured from a
photo is only ever an estimate. Sources that disagree by more than one type are reported, never averaged.
"""

from __future__ import annotations

from .codes import PHOTOTYPES, phototype_index
from .intake import PhototypeEvidence
from .knowledge_model import PhototypeRules
from .plan import PhototypeAssessment


def questionnaire_type(score: int, rules: PhototypeRules) -> tuple[str, str]:
    """(phototype, label) for a questionnaire total, using the bands of the knowledge base."""
    for band in rules.bands:
        if score <= band.max_score:
            return band.phototype, band.label
    last = rules.bands[-1]
    return last.phototype, last.label


def ita_category(ita_deg: float, rules: PhototypeRules) -> str:
    for category, above in rules.ita_categories:
        if ita_deg > above:
            return category
    return rules.ita_categories[-1][0]


def ita_category_for_planning(ita_deg: float, rules: PhototypeRules) -> tuple[str, str]:
    """The category to plan for, and why when it differs from the measured one: an ITA within the margin above a
    category's lower bound counts as the darker category, since the measurement may be off by that much."""
    measured = ita_category(ita_deg, rules)
    planned = ita_category(ita_deg - rules.ita_margin_deg, rules)
    if planned == measured:
        return planned, ""
    bound = dict(rules.ita_categories)[measured]
    why = (
        f"ITA {ita_deg:.1f}° is within {rules.ita_margin_deg:g}° of the {bound:g}° boundary between "
        f"{measured.replace('_', ' ')} and {planned.replace('_', ' ')}: the measurement error is about that large, "
        f"so the darker category, {planned.replace('_', ' ')}, is planned for."
    )
    return planned, why


def assess_phototype(given: PhototypeEvidence, rules: PhototypeRules) -> PhototypeAssessment:
    score = sum(given.questionnaire) if given.questionnaire is not None else None
    from_questionnaire = questionnaire_type(score, rules) if score is not None else None
    category = ita_category(given.ita_deg, rules) if given.ita_deg is not None else None
    boundary_note = ""
    from_photo = None
    if given.ita_deg is not None:
        planned_category, boundary_note = ita_category_for_planning(given.ita_deg, rules)
        from_photo = rules.ita_estimate[planned_category]

    opinions: list[tuple[str, str]] = []
    if given.fitzpatrick is not None:
        opinions.append(("clinician", given.fitzpatrick))
    if from_questionnaire is not None:
        opinions.append((f"questionnaire (score {score})", from_questionnaire[0]))
    if from_photo is not None:
        opinions.append((f"photo estimate (ITA {given.ita_deg:.0f}°, {category})", from_photo))

    sources: list[str] = []
    notes: list[str] = []
    if given.fitzpatrick is not None:
        fitzpatrick, basis, label = given.fitzpatrick, "clinician", given.fitzpatrick
    elif from_questionnaire is not None:
        fitzpatrick, label = from_questionnaire
        basis = "questionnaire"
        sources += rules.questionnaire_evidence.sources
        notes.append(
            "From the self-reported questionnaire, which misclassifies many patients: confirm at the consultation."
        )
        if label != fitzpatrick:
            notes.append(f"The questionnaire cannot tell the types {label} apart: a clinician confirms which.")
    else:
        assert from_photo is not None  # the intake guarantees at least one source
        fitzpatrick, basis, label = from_photo, "photo", from_photo
        sources += rules.estimate_evidence.sources
        notes.append(
            "An estimate from the photo's ITA: ITA and Fitzpatrick type are not interchangeable, so the "
            "clinician must confirm the type before any booking."
        )
    if category is not None:
        sources += rules.ita_evidence.sources
    if boundary_note:
        notes.append(boundary_note)
        sources += rules.ita_margin_evidence.sources

    disagreement = None
    if len(opinions) > 1:
        indices = [phototype_index(p) for _, p in opinions]
        if max(indices) - min(indices) > 1:
            listed = "; ".join(f"{who}: {PHOTOTYPES[phototype_index(p)]}" for who, p in opinions)
            disagreement = (
                f"The phototype sources differ by more than one type ({listed}). Planned as {fitzpatrick} "
                f"({basis}); confirm the type before treatment, assuming the darker type for pigmentary risk."
            )

    return PhototypeAssessment(
        fitzpatrick=fitzpatrick,
        basis=basis,
        label=label,
        questionnaire_score=score,
        questionnaire_type=from_questionnaire[0] if from_questionnaire else None,
        ita_deg=given.ita_deg,
        ita_category=category,
        photo_estimate=from_photo,
        disagreement=disagreement,
        note=" ".join(notes),
        sources=tuple(dict.fromkeys(sources)),
    )
