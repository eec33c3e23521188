"""A statement compiled once per process answers exactly what Django's own query would, with fresh rows each time."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from django.db import connection
from django.db.models import Field, QuerySet
from django.test.utils import CaptureQueriesContext

from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.patients.models import Patient
from lasercare.web import compiled_reads
from tests.web.conftest import make_patient


def _patients(practice: Practice) -> QuerySet[Any, tuple[Any, ...]]:
    return (
        Patient.objects.filter(practice=practice)
        .order_by("family_name", "pk")
        .values_list("public_id", "family_name", "date_of_birth")
    )


def test_the_rows_are_those_django_returns_with_its_own_types(practice: Practice) -> None:
    make_patient(practice, family_name="Adams", date_of_birth=date(1980, 5, 17))
    query = _patients(practice)
    assert compiled_reads.rows(("test", "patients", practice.pk), lambda: query) == list(query)


def test_a_kept_statement_reads_the_rows_as_they_are_now(practice: Practice) -> None:
    key = ("test", "fresh", practice.pk)
    make_patient(practice, family_name="Adams")
    assert [r[1] for r in compiled_reads.rows(key, lambda: _patients(practice))] == ["Adams"]
    make_patient(practice, family_name="Brown")
    assert [r[1] for r in compiled_reads.rows(key, lambda: _patients(practice))] == ["Adams", "Brown"]


def test_the_query_is_built_only_the_first_time_its_key_is_asked_for(practice: Practice) -> None:
    built: list[int] = []

    def build() -> QuerySet[Any, tuple[Any, ...]]:
        built.append(1)
        return _patients(practice)

    key = ("test", "built once", practice.pk)
    for _ in range(3):
        compiled_reads.rows(key, build)
    assert len(built) == 1


def test_each_key_keeps_its_own_arguments(practice: Practice, other_practice: Practice) -> None:
    make_patient(practice, family_name="Adams")
    make_patient(other_practice, family_name="Other")
    mine = compiled_reads.rows(("test", "by practice", practice.pk), lambda: _patients(practice))
    theirs = compiled_reads.rows(("test", "by practice", other_practice.pk), lambda: _patients(other_practice))
    assert [r[1] for r in mine] == ["Adams"] and [r[1] for r in theirs] == ["Other"]


def test_an_empty_in_list_answers_no_rows_without_asking_the_database(practice: Practice) -> None:
    with CaptureQueriesContext(connection) as queries:
        found = compiled_reads.rows(("test", "none"), lambda: StaffUser.objects.filter(pk__in=[]).values_list("pk"))
    assert found == [] and len(queries) == 0


def _patient_by(practice: int, public_id: UUID | str) -> QuerySet[Patient]:
    return Patient.objects.filter(practice_id=practice, public_id=public_id).select_related("practice")


_BY: tuple[Field[Any, Any], ...] = (Patient._meta.get_field("practice"), Patient._meta.get_field("public_id"))


def _one(practice: int, public_id: UUID | str) -> Patient | None:
    arguments = tuple(
        compiled_reads.Argument(field, value) for field, value in zip(_BY, (practice, public_id), strict=True)
    )
    return compiled_reads.one(("test", "one patient"), _patient_by, arguments)


def test_one_finds_each_call_s_own_record_with_its_related_record(practice: Practice) -> None:
    adams = make_patient(practice, family_name="Adams")
    brown = make_patient(practice, family_name="Brown")
    found = [_one(practice.pk, p.public_id) for p in (adams, brown)]
    assert [p.family_name if p else None for p in found] == ["Adams", "Brown"]
    with CaptureQueriesContext(connection) as queries:
        assert found[0] is not None and found[0].practice.name == practice.name
    assert len(queries) == 0  # the practice came with the patient (select_related)


def test_one_finds_nothing_in_another_practice(practice: Practice, other_practice: Practice) -> None:
    adams = make_patient(practice, family_name="Adams")
    assert _one(other_practice.pk, adams.public_id) is None
    assert _one(practice.pk, str(adams.public_id)) is not None  # as a URL gives it


def test_one_refuses_a_statement_its_arguments_are_not_in(practice: Practice) -> None:
    with pytest.raises(ValueError, match="is not one parameter"):
        compiled_reads.one(
            ("test", "not an argument"),
            lambda practice, public_id: Patient.objects.filter(practice_id=practice),
            tuple(
                compiled_reads.Argument(field, value) for field, value in zip(_BY, (practice.pk, uuid4()), strict=True)
            ),
        )
