"""`read_intake(doc, on)`: a valid intake becomes frozen values; an invalid one raises IntakeError naming the field.

The field path is part of the contract (`lasercare plan` shows it, `--jsonl` returns it as `field`), so every
test of an invalid intake checks the exact path, such as ``concerns[1].code``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lasercare.engine import Intake, IntakeError, read_intake

ON = date(2026, 12, 1)


def intake(**parts: Any) -> dict[str, Any]:
    """The smallest valid intake, with `parts` replacing or adding top-level sections."""
    document: dict[str, Any] = {
        "patient": {"age": 40},
        "phototype": {"fitzpatrick": "II"},
        "concerns": [{"code": "sun_spots"}],
    }
    document.update(parts)
    return document


def without(key: str) -> dict[str, Any]:
    document = intake()
    del document[key]
    return document


def rejected_field(document: object) -> str:
    """The field named by the IntakeError that `document` raises."""
    with pytest.raises(IntakeError) as caught:
        read_intake(document, ON)
    return caught.value.field


# --- valid intakes -----------------------------------------------------------------------------------------


def test_a_minimal_intake_is_accepted_with_the_schema_defaults() -> None:
    result = read_intake(intake(), ON)
    assert isinstance(result, Intake)
    assert result.patient.age == 40
    assert result.patient.sex == "unknown"
    assert result.patient.pregnant is False
    assert result.patient.breastfeeding is False
    assert result.phototype.fitzpatrick == "II"
    assert [(c.code, c.severity, c.areas) for c in result.concerns] == [("sun_spots", 2, ())]
    assert result.history.medications == ()
    assert result.goals.max_sessions is None


def test_an_intake_using_every_field_is_accepted() -> None:
    document = intake(
        patient={"age": 52, "sex": "female", "pregnant": False, "breastfeeding": False},
        phototype={"fitzpatrick": "III", "questionnaire": [2, 1, 1, 2, 1, 2, 1, 2, 1, 2], "ita_deg": 35.5},
        concerns=[{"code": "fine_lines", "severity": 3, "scale": "glogau", "areas": ["periorbital"]}],
        goals={"max_downtime_days": 7, "max_sessions": 5, "budget": 1500, "currency": "EUR", "ready_by": "2027-06-01"},
        history={
            "medications": [{"name": "tretinoin 0.025% cream"}, {"name": "isotretinoin", "stopped_on": "2025-01-10"}],
            "conditions": ["hsv"],
            "last_sun_exposure_on": "2026-08-15",
            "procedures": [{"kind": "filler", "on": "2026-10-01", "areas": ["cheeks"]}],
        },
    )
    result = read_intake(document, ON)
    assert result.phototype.questionnaire == (2, 1, 1, 2, 1, 2, 1, 2, 1, 2)
    assert result.goals.ready_by == date(2027, 6, 1)
    assert result.goals.currency == "EUR"
    assert result.history.conditions == frozenset({"hsv"})
    assert result.history.last_sun_exposure_on == date(2026, 8, 15)
    assert result.history.procedures[0].on == date(2026, 10, 1)


def test_a_phototype_given_only_as_the_questionnaire_is_accepted() -> None:
    result = read_intake(intake(phototype={"questionnaire": [0] * 10}), ON)
    assert result.phototype.questionnaire == (0,) * 10
    assert result.phototype.fitzpatrick is None


def test_a_phototype_given_only_as_an_ita_angle_is_accepted() -> None:
    result = read_intake(intake(phototype={"ita_deg": -12}), ON)
    assert result.phototype.ita_deg == -12.0


@pytest.mark.parametrize(
    ("document", "read", "expected"),
    [
        (intake(patient={"age": 40.0}), lambda i: i.patient.age, 40),
        (intake(concerns=[{"code": "wrinkles", "severity": 3.0}]), lambda i: i.concerns[0].severity, 3),
        (intake(phototype={"questionnaire": [2.0] * 10}), lambda i: i.phototype.questionnaire[0], 2),
        (intake(goals={"max_sessions": 4.0}), lambda i: i.goals.max_sessions, 4),
    ],
    ids=["patient.age", "concerns.severity", "phototype.questionnaire", "goals.max_sessions"],
)
def test_an_integer_valued_float_is_accepted_as_an_integer(
    document: dict[str, Any], read: Callable[[Intake], object], expected: int
) -> None:
    value = read(read_intake(document, ON))
    assert value == expected
    assert type(value) is int


def test_a_concern_listed_twice_is_one_concern_at_its_worst_severity_with_the_areas_of_both() -> None:
    document = intake(
        concerns=[
            {"code": "sun_spots", "severity": 1, "areas": ["cheeks", "nose"]},
            {"code": "wrinkles"},
            {"code": "sun_spots", "severity": 3, "areas": ["nose", "hands"]},
        ]
    )
    concerns = read_intake(document, ON).concerns
    assert [c.code for c in concerns] == ["sun_spots", "wrinkles"]
    assert concerns[0].severity == 3
    assert concerns[0].areas == ("cheeks", "nose", "hands")


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (intake(clinic_reference="C-123"), "clinic_reference"),
        (intake(patient={"age": 40, "name": "Ann"}), "patient.name"),
        (intake(phototype={"fitzpatrick": "II", "assessed_by": "Dr A"}), "phototype.assessed_by"),
        (intake(concerns=[{"code": "sun_spots", "note": "left cheek"}]), "concerns[0].note"),
        (intake(goals={"budget": 900, "deadline": "2027-01-01"}), "goals.deadline"),
        (intake(history={"smoker": True}), "history.smoker"),
        (intake(history={"medications": [{"name": "doxycycline", "dose": "100 mg"}]}), "history.medications[0].dose"),
        (
            intake(history={"procedures": [{"kind": "filler", "on": "2026-10-01", "by": "x"}]}),
            "history.procedures[0].by",
        ),
    ],
)
def test_an_unknown_key_is_refused_at_every_level_naming_its_path(document: dict[str, Any], field: str) -> None:
    assert rejected_field(document) == field


def test_a_misplaced_medication_list_is_refused_saying_where_it_belongs() -> None:
    """A top-level "medications" once dropped warfarin silently; now the intake is refused."""
    with pytest.raises(IntakeError) as caught:
        read_intake(intake(medications=[{"name": "warfarin"}]), ON)
    assert caught.value.field == "medications"
    assert "history.medications" in caught.value.problem


def test_allergies_are_read_as_written_and_blank_ones_refused() -> None:
    result = read_intake(intake(history={"allergies": [" lidocaine (hives) ", "latex"]}), ON)
    assert result.history.allergies == ("lidocaine (hives)", "latex")
    assert rejected_field(intake(history={"allergies": ["latex", " "]})) == "history.allergies[1]"
    assert rejected_field(intake(history={"allergies": "latex"})) == "history.allergies"


def test_a_history_date_on_the_consultation_day_itself_is_accepted() -> None:
    document = intake(
        history={
            "last_sun_exposure_on": "2026-12-01",
            "procedures": [{"kind": "waxing", "on": "2026-12-01"}],
            "medications": [{"name": "doxycycline", "stopped_on": "2026-12-01"}],
        }
    )
    result = read_intake(document, ON)
    assert result.history.last_sun_exposure_on == ON


def test_a_medication_with_a_stop_date_is_not_current() -> None:
    result = read_intake(intake(history={"medications": [{"name": "isotretinoin", "stopped_on": "2026-06-01"}]}), ON)
    assert result.history.medications[0].current is False
    assert result.history.medications[0].stopped_on == date(2026, 6, 1)


def test_a_ready_by_date_after_the_consultation_is_accepted() -> None:
    assert read_intake(intake(goals={"ready_by": "2027-05-20"}), ON).goals.ready_by == date(2027, 5, 20)


# --- the error names the field -----------------------------------------------------------------------------


def test_the_error_message_starts_with_the_field_path() -> None:
    with pytest.raises(IntakeError) as caught:
        read_intake(intake(concerns=[{"code": "sun_spots"}, {"code": "freckles"}]), ON)
    assert str(caught.value).startswith("concerns[1].code: ")
    assert "'freckles'" in str(caught.value)


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (intake(concerns=[{"code": "sun_spots"}, {"code": "freckles"}]), "concerns[1].code"),
        (intake(patient={"age": 40, "sex": "f"}), "patient.sex"),
        (intake(phototype={"fitzpatrick": "VII"}), "phototype.fitzpatrick"),
        (intake(phototype={"fitzpatrick": 2}), "phototype.fitzpatrick"),
        (intake(concerns=[{"code": "wrinkles", "scale": "likert"}]), "concerns[0].scale"),
        (intake(concerns=[{"code": "wrinkles", "areas": ["face", "ears"]}]), "concerns[0].areas[1]"),
        (intake(history={"conditions": ["hsv", "cold_sores"]}), "history.conditions[1]"),
        (intake(history={"procedures": [{"kind": "botox", "on": "2026-01-01"}]}), "history.procedures[0].kind"),
    ],
    ids=["concern", "sex", "fitzpatrick", "fitzpatrick-number", "scale", "area", "condition", "procedure-kind"],
)
def test_an_unknown_code_names_its_field(document: dict[str, Any], field: str) -> None:
    assert rejected_field(document) == field


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (intake(patient={"age": "40"}), "patient.age"),
        (intake(patient={"age": True}), "patient.age"),
        (intake(patient={"age": 3.5}), "patient.age"),
        (intake(patient={"age": None}), "patient.age"),
        (intake(patient={"age": 40, "pregnant": "no"}), "patient.pregnant"),
        (intake(patient={"age": 40, "breastfeeding": 0}), "patient.breastfeeding"),
        (intake(phototype={"questionnaire": [1, 1, 1, "2", 1, 1, 1, 1, 1, 1]}), "phototype.questionnaire[3]"),
        (intake(phototype={"questionnaire": "2111212121"}), "phototype.questionnaire"),
        (intake(phototype={"ita_deg": "35"}), "phototype.ita_deg"),
        (intake(phototype={"ita_deg": False}), "phototype.ita_deg"),
        (intake(concerns=[{"code": "wrinkles", "severity": 2.5}]), "concerns[0].severity"),
        (intake(concerns=[{"code": "wrinkles", "areas": "face"}]), "concerns[0].areas"),
        (intake(concerns=["wrinkles"]), "concerns[0]"),
        (intake(concerns={"code": "wrinkles"}), "concerns"),
        (intake(patient=40), "patient"),
        (intake(phototype=None), "phototype"),
        (intake(goals=[]), "goals"),
        (intake(goals={"budget": "1000"}), "goals.budget"),
        (intake(goals={"max_sessions": True}), "goals.max_sessions"),
        (intake(history=[]), "history"),
        (intake(history={"medications": "tretinoin"}), "history.medications"),
        (intake(history={"medications": [{"name": 5}]}), "history.medications[0].name"),
        (intake(history={"medications": [{"name": "x", "current": "yes"}]}), "history.medications[0].current"),
        (intake(history={"procedures": [{"kind": "laser", "on": "2026-01-01", "areas": [1]}]}),
         "history.procedures[0].areas[0]"),
    ],
    ids=[
        "age-string", "age-boolean", "age-fraction", "age-null", "pregnant-string", "breastfeeding-number",
        "questionnaire-answer-string", "questionnaire-string", "ita-string", "ita-boolean", "severity-fraction",
        "areas-string", "concern-string", "concerns-object", "patient-number", "phototype-null", "goals-list",
        "budget-string", "max-sessions-boolean", "history-list", "medications-string", "medication-name-number",
        "current-string", "procedure-area-number",
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_names_its_field(document: dict[str, Any], field: str) -> None:
    assert rejected_field(document) == field


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (intake(patient={"age": -1}), "patient.age"),
        (intake(patient={"age": 121}), "patient.age"),
        (intake(concerns=[{"code": "wrinkles", "severity": 0}]), "concerns[0].severity"),
        (intake(concerns=[{"code": "wrinkles"}, {"code": "pores", "severity": 4}]), "concerns[1].severity"),
        (intake(phototype={"questionnaire": [1, 1, 1, 5, 1, 1, 1, 1, 1, 1]}), "phototype.questionnaire[3]"),
        (intake(phototype={"questionnaire": [1, 1, 1, 1, 1, 1, 1, 1, 1, -1]}), "phototype.questionnaire[9]"),
        (intake(phototype={"ita_deg": 90.5}), "phototype.ita_deg"),
        (intake(phototype={"ita_deg": -91}), "phototype.ita_deg"),
        (intake(phototype={"ita_deg": float("nan")}), "phototype.ita_deg"),
        (intake(goals={"max_downtime_days": -1}), "goals.max_downtime_days"),
        (intake(goals={"max_sessions": 0}), "goals.max_sessions"),
        (intake(goals={"budget": -0.01}), "goals.budget"),
        (intake(goals={"budget": float("inf")}), "goals.budget"),
    ],
    ids=[
        "age-negative", "age-over-120", "severity-0", "severity-4", "answer-5", "answer-negative", "ita-over-90",
        "ita-under-minus-90", "ita-nan", "downtime-negative", "sessions-0", "budget-negative", "budget-infinite",
    ],
)  # fmt: skip
def test_a_number_out_of_range_names_its_field(document: dict[str, Any], field: str) -> None:
    assert rejected_field(document) == field


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (without("patient"), "patient"),
        (without("phototype"), "phototype"),
        (without("concerns"), "concerns"),
        (intake(patient={"sex": "female"}), "patient.age"),
        (intake(concerns=[{"code": "wrinkles"}, {"severity": 2}]), "concerns[1].code"),
        (intake(history={"medications": [{"current": True}]}), "history.medications[0].name"),
        (intake(history={"procedures": [{"on": "2026-01-01"}]}), "history.procedures[0].kind"),
        (intake(history={"procedures": [{"kind": "laser"}]}), "history.procedures[0].on"),
    ],
    ids=["patient", "phototype", "concerns", "age", "concern-code", "medication-name", "procedure-kind",
         "procedure-on"],
)  # fmt: skip
def test_a_missing_required_field_is_named(document: dict[str, Any], field: str) -> None:
    assert rejected_field(document) == field


def test_an_intake_that_is_not_an_object_is_rejected() -> None:
    with pytest.raises(IntakeError, match="must be an object"):
        read_intake([intake()], ON)


def test_an_empty_concern_list_is_rejected() -> None:
    assert rejected_field(intake(concerns=[])) == "concerns"


def test_an_empty_phototype_object_is_rejected() -> None:
    assert rejected_field(intake(phototype={})) == "phototype"


def test_a_phototype_with_none_of_its_three_parts_is_rejected() -> None:
    assert rejected_field(intake(phototype={})) == "phototype"


@pytest.mark.parametrize("count", [9, 11, 0])
def test_a_questionnaire_without_exactly_ten_answers_is_rejected(count: int) -> None:
    assert rejected_field(intake(phototype={"questionnaire": [1] * count})) == "phototype.questionnaire"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (intake(history={"last_sun_exposure_on": "2026-02-30"}), "history.last_sun_exposure_on"),
        (intake(history={"last_sun_exposure_on": "next week"}), "history.last_sun_exposure_on"),
        (intake(history={"last_sun_exposure_on": "2026-11-1"}), "history.last_sun_exposure_on"),
        (intake(history={"last_sun_exposure_on": "01/11/2026"}), "history.last_sun_exposure_on"),
        (intake(history={"last_sun_exposure_on": 20261101}), "history.last_sun_exposure_on"),
        (intake(goals={"ready_by": "2027-13-01"}), "goals.ready_by"),
        (intake(history={"procedures": [{"kind": "laser", "on": "2026-04-31"}]}), "history.procedures[0].on"),
        (intake(history={"medications": [{"name": "x", "stopped_on": "yesterday"}]}),
         "history.medications[0].stopped_on"),
    ],
    ids=["feb-30", "words", "unpadded", "day-first", "number", "month-13", "april-31", "stopped-words"],
)  # fmt: skip
def test_an_impossible_or_malformed_date_names_its_field(document: dict[str, Any], field: str) -> None:
    assert rejected_field(document) == field


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (intake(history={"last_sun_exposure_on": "2026-12-02"}), "history.last_sun_exposure_on"),
        (intake(history={"procedures": [{"kind": "filler", "on": "2027-01-15"}]}), "history.procedures[0].on"),
        (intake(history={"medications": [{"name": "tretinoin"}, {"name": "doxycycline", "stopped_on": "2026-12-24"}]}),
         "history.medications[1].stopped_on"),
    ],
    ids=["last-sun-exposure", "procedure", "stopped-on"],
)  # fmt: skip
def test_a_history_date_after_the_consultation_day_names_its_field(document: dict[str, Any], field: str) -> None:
    with pytest.raises(IntakeError, match="after the consultation day 2026-12-01") as caught:
        read_intake(document, ON)
    assert caught.value.field == field


def test_a_stop_date_for_a_medication_marked_current_is_rejected() -> None:
    document = intake(history={"medications": [{"name": "isotretinoin", "current": True, "stopped_on": "2026-06-01"}]})
    assert rejected_field(document) == "history.medications[0].stopped_on"


@pytest.mark.parametrize("currency", ["eur", "EURO", "E1R", 978, ""])
def test_a_currency_that_is_not_three_capital_letters_is_rejected(currency: object) -> None:
    assert rejected_field(intake(goals={"currency": currency})) == "goals.currency"


def test_a_currency_with_a_trailing_newline_is_rejected() -> None:
    assert rejected_field(intake(goals={"currency": "EUR\n"})) == "goals.currency"


def test_an_integer_too_large_for_a_number_field_names_its_field() -> None:
    assert rejected_field(intake(goals={"budget": 10**400})) == "goals.budget"
