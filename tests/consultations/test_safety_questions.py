"""The safety questions that hold a course's booking, as safety_questions.py reads them from a plan document: pure,
no database."""

from __future__ import annotations

from datetime import date
from typing import Any

from lasercare.practice.consultations import safety_questions as sq


def medication(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "recognised_as": None, "classes": [], "current": True, **fields}


KELOIDS = {
    "code": "keloid_history",
    "name": "History of keloids or hypertrophic scarring",
    "severity": "relative",
    "applies_to": ["co2_full", "co2_fractional", "erbium_full", "erbium_fractional"],
    "because": "history of keloids",
    "adjustments": ["Test spot first.", "Lower fluence and density."],
}
KELOIDS_PRECAUTION = {**KELOIDS, "severity": "precaution", "applies_to": ["nafl_1550", "ipl"], "adjustments": []}
VITILIGO = {
    "code": "vitiligo",
    "name": "Vitiligo or psoriasis (Koebnerising disease)",
    "severity": "relative",
    "applies_to": ["all"],
    "because": "history of vitiligo",
    "adjustments": ["Test spot first.", "Lower fluence."],
}


def document(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "phototype": {"fitzpatrick": "III", "basis": "clinician", "label": "III"},
        "medications": [medication("tretinoin 0.025% cream", recognised_as="tretinoin", classes=["topical_retinoid"])],
        "findings": [],
    }
    doc.update(changes)
    return doc


def keys(questions: tuple[sq.SafetyQuestion, ...]) -> list[str]:
    return [q.key for q in questions]


def test_a_plan_with_nothing_uncertain_asks_nothing() -> None:
    assert sq.safety_questions(document(), "ipl") == ()


def test_an_unknown_medicine_is_asked_about_naming_it() -> None:
    (question,) = sq.safety_questions(document(medications=[medication("Acutane 40mg")]), "ipl")
    assert question.kind == sq.MEDICATION
    assert "“Acutane 40mg”" in question.text
    assert question.task == "confirm the medicine “Acutane 40mg”"
    assert question.who_may_answer == "clinician"


def test_an_uncertain_medicine_names_its_suggestion() -> None:
    entry = medication("Acutaine 40", status="uncertain", suggestion="isotretinoin", classes=["oral_retinoid"])
    (question,) = sq.safety_questions(document(medications=[entry]), "ipl")
    assert "not recognised with certainty (possibly isotretinoin)" in question.text
    assert question.task == "confirm the medicine “Acutaine 40” (possibly isotretinoin)"


def test_a_recognised_medicine_is_not_asked_about_with_or_without_a_status() -> None:
    old = medication("doxycycline", recognised_as="doxycycline")
    new = medication("doxycycline", recognised_as="doxycycline", status="recognised")
    assert sq.safety_questions(document(medications=[old, new]), "ipl") == ()


def test_a_plan_stored_before_statuses_reads_no_recognised_as_as_unknown() -> None:
    (question,) = sq.safety_questions(document(medications=[medication("Mystery pill")]), "ipl")
    assert question.kind == sq.MEDICATION


def test_a_phototype_from_a_photo_alone_is_asked_about() -> None:
    photo = {"fitzpatrick": "III", "basis": "photo", "label": "III", "ita_deg": 30.0}
    (question,) = sq.safety_questions(document(phototype=photo), "ipl")
    assert question.kind == sq.PHOTOTYPE
    assert question.task == "confirm the phototype, which rests on a photo estimate alone"


def test_a_phototype_from_the_clinician_or_the_questionnaire_is_not_asked_about() -> None:
    for basis in ("clinician", "questionnaire"):
        assert sq.safety_questions(document(phototype={"fitzpatrick": "II", "basis": basis}), "ipl") == ()


def test_a_relative_finding_is_asked_about_only_for_the_treatments_it_applies_to() -> None:
    doc = document(findings=[KELOIDS, KELOIDS_PRECAUTION])
    assert keys(sq.safety_questions(doc, "co2_fractional")) == ["finding:keloid_history"]
    assert sq.safety_questions(doc, "nafl_1550") == ()  # a precaution there, not a relative contraindication


def test_a_relative_finding_for_all_treatments_is_asked_about_naming_it_and_its_adjustments() -> None:
    (question,) = sq.safety_questions(document(findings=[VITILIGO]), "ipl")
    assert question.task == "sign off “Vitiligo or psoriasis (Koebnerising disease)” (relative)"
    assert "Test spot first. Lower fluence." in question.text


def test_one_question_per_finding_code() -> None:
    twice = [VITILIGO, {**VITILIGO, "because": "history of psoriasis"}]
    assert keys(sq.safety_questions(document(findings=twice), "ipl")) == ["finding:vitiligo"]


def test_without_a_chosen_treatment_no_finding_applies() -> None:
    assert sq.safety_questions(document(findings=[VITILIGO]), None) == ()


def test_an_adverse_event_awaiting_review_is_asked_about_with_its_day() -> None:
    flag = sq.EventFlag("3f2a", date(2026, 12, 3), "Prolonged erythema, mild")
    (question,) = sq.safety_questions(document(), "ipl", [flag])
    assert question.kind == sq.ADVERSE_EVENT
    assert question.task == "review the adverse event of 3 Dec 2026"


def test_questions_come_medicines_first_then_phototype_findings_and_events() -> None:
    doc = document(
        medications=[medication("Acutane 40mg")],
        phototype={"fitzpatrick": "III", "basis": "photo", "ita_deg": 30.0},
        findings=[VITILIGO],
    )
    flag = sq.EventFlag("3f2a", date(2026, 12, 3), "Burn, mild")
    kinds = [q.kind for q in sq.safety_questions(doc, "ipl", [flag])]
    assert kinds == [sq.MEDICATION, sq.PHOTOTYPE, sq.FINDING, sq.ADVERSE_EVENT]


def test_the_fingerprint_is_the_same_for_the_same_document() -> None:
    doc = document(medications=[medication("Acutane 40mg", stopped_on="2026-10-01")], findings=[VITILIGO])
    assert sq.safety_questions(doc, "ipl") == sq.safety_questions(dict(doc), "ipl")


def test_a_changed_stop_date_changes_the_medicines_fingerprint_not_its_key() -> None:
    before = sq.safety_questions(document(medications=[medication("Acutane 40mg", stopped_on="2026-10-01")]), "ipl")
    after = sq.safety_questions(document(medications=[medication("Acutane 40mg", stopped_on="2026-11-01")]), "ipl")
    assert keys(before) == keys(after)
    assert before[0].fingerprint != after[0].fingerprint


def test_a_changed_reason_changes_the_findings_fingerprint_not_its_key() -> None:
    before = sq.safety_questions(document(findings=[VITILIGO]), "ipl")
    after = sq.safety_questions(document(findings=[{**VITILIGO, "because": "history of psoriasis"}]), "ipl")
    assert keys(before) == keys(after)
    assert before[0].fingerprint != after[0].fingerprint


def test_a_changed_ita_changes_the_phototypes_fingerprint() -> None:
    photo = {"fitzpatrick": "III", "basis": "photo", "ita_deg": 30.0}
    before = sq.safety_questions(document(phototype=photo), "ipl")
    after = sq.safety_questions(document(phototype={**photo, "ita_deg": 29.0}), "ipl")
    assert before[0].fingerprint != after[0].fingerprint


def test_what_the_answer_does_not_answer_leaves_the_fingerprint_alone() -> None:
    photo = {"fitzpatrick": "III", "basis": "photo", "ita_deg": 30.0, "note": "An estimate."}
    before = sq.safety_questions(document(phototype=photo, findings=[VITILIGO]), "ipl")
    after = sq.safety_questions(
        document(phototype={**photo, "note": "Reworded."}, findings=[{**VITILIGO, "rationale": "Reworded."}]), "ipl"
    )
    assert before == after


def test_the_same_medicine_written_twice_asks_twice() -> None:
    twice = [medication("Acutane 40mg"), medication("acutane  40MG", current=False)]
    assert keys(sq.safety_questions(document(medications=twice), "ipl")) == [
        "medication:acutane 40mg",
        "medication:acutane 40mg#2",
    ]


def test_the_audit_reference_names_no_medicine() -> None:
    (question,) = sq.safety_questions(document(medications=[medication("Acutane 40mg")]), "ipl")
    assert "acutane" not in question.ref.lower()
    assert len(question.ref) == 12


def test_the_hold_names_each_task_and_the_clinicians() -> None:
    doc = document(medications=[medication("Acutane 40mg")], findings=[VITILIGO])
    text = sq.hold_text(sq.safety_questions(doc, "ipl"), ["Dr A", "Dr B"])
    assert text == (
        "This course cannot be booked yet. A clinician must first: confirm the medicine “Acutane 40mg”; "
        "sign off “Vitiligo or psoriasis (Koebnerising disease)” (relative). Clinicians of this practice: Dr A, Dr B."
    )


def test_nothing_open_holds_nothing() -> None:
    assert sq.hold_text((), ["Dr A"]) == ""


def test_a_practice_without_clinicians_is_told_to_ask_its_admin() -> None:
    (question,) = sq.safety_questions(document(medications=[medication("Acutane 40mg")]), "ipl")
    assert "ask the practice admin" in sq.hold_text((question,), [])


def test_a_very_long_medicine_name_still_has_a_short_key() -> None:
    (question,) = sq.safety_questions(document(medications=[medication("x" * 5000)]), "ipl")
    assert len(question.key) <= 300
