"""Finding a patient by name, date of birth or phone, within the practice only."""

from __future__ import annotations

from datetime import date

import pytest

from lasercare.practice.clinic.models import Practice
from lasercare.practice.patients.models import Patient
from lasercare.practice.patients.services import read_query, search_patients
from tests.web.conftest import make_patient


def found(practice: Practice, text: str) -> list[str]:
    return [p.full_name for p in search_patients(practice.pk, read_query(text))]


@pytest.fixture
def zoe(practice: Practice) -> Patient:
    return make_patient(
        practice,
        given_names="Zoë",
        family_name="O'Brien-Smith",
        date_of_birth=date(1980, 5, 17),
        phone="+44 7700 900456",
    )


def test_a_family_name_prefix_finds_the_patient(practice: Practice, zoe: Patient) -> None:
    assert found(practice, "obri") == ["Zoë O'Brien-Smith"]


def test_given_name_then_family_name_finds_the_patient(practice: Practice, zoe: Patient) -> None:
    assert found(practice, "zoe obrien") == ["Zoë O'Brien-Smith"]


def test_case_and_accents_do_not_matter(practice: Practice, zoe: Patient) -> None:
    assert found(practice, "ZOË") == found(practice, "zoe") == ["Zoë O'Brien-Smith"]


@pytest.mark.parametrize("typed", ["1980-05-17", "17/05/1980", "17.05.1980"])
def test_a_date_of_birth_in_the_usual_forms_finds_the_patient(practice: Practice, zoe: Patient, typed: str) -> None:
    assert found(practice, typed) == ["Zoë O'Brien-Smith"]


def test_a_local_phone_number_finds_one_recorded_with_its_country_code(practice: Practice, zoe: Patient) -> None:
    assert found(practice, "07700 900456") == ["Zoë O'Brien-Smith"]


def test_the_last_digits_of_a_phone_number_find_the_patient(practice: Practice, zoe: Patient) -> None:
    assert found(practice, "900456") == ["Zoë O'Brien-Smith"]


def test_another_practices_patients_are_never_found(practice: Practice, other_practice: Practice, zoe: Patient) -> None:
    make_patient(other_practice, given_names="Zoë", family_name="O'Brien-Smith")
    assert len(found(practice, "zoe")) == 1
    assert [p.practice for p in search_patients(practice.pk, read_query(""))] == [practice]


def test_a_name_that_matches_nobody_finds_nobody(practice: Practice, zoe: Patient) -> None:
    assert found(practice, "smyth") == []


def test_an_impossible_date_is_read_as_nothing_found_not_an_error(practice: Practice, zoe: Patient) -> None:
    assert found(practice, "31/02/1980") == []


def test_changing_a_name_updates_what_finds_the_patient(practice: Practice, zoe: Patient) -> None:
    zoe.family_name = "Ngata"
    zoe.save()
    assert found(practice, "ngata") == ["Zoë Ngata"]
    assert found(practice, "obrien") == []
