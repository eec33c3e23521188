"""Fixtures for the web app's tests: two practices, one member of staff per role in each, and patients.

Staff get unusable passwords and sign in with `force_login` (Argon2 is deliberately slow); the log-in tests set
real passwords. The database is real: SQLite by default, PostgreSQL when DATABASE_URL says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import translation

from lasercare.practice.clinic.models import Location, Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations import services
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.patients.models import Patient

CONSULTATION_DAY = date(2026, 11, 26)


def basic_intake(**changes: Any) -> dict[str, Any]:
    intake: dict[str, Any] = {
        "patient": {"age": 52, "sex": "female"},
        "phototype": {"fitzpatrick": "III"},
        "concerns": [{"code": "sun_spots", "severity": 2}, {"code": "fine_lines", "severity": 1}],
        # The last sun exposure is months before every consultation day of the suite: the sun avoidance asked
        # before treatment is done already, so the retinoid pause is what holds the first session back.
        "history": {
            "medications": [{"name": "tretinoin 0.025% cream"}],
            "conditions": ["hsv"],
            "last_sun_exposure_on": "2020-06-01",
        },
    }
    intake.update(changes)
    return intake


def make_staff(practice: Practice, role: Role, username: str | None = None) -> StaffUser:
    user = StaffUser(
        username=username or f"{role.value}-{practice.pk}",
        first_name=role.label.split()[0],
        last_name=f"of {practice.name}",
        practice=practice,
        role=role,
        is_staff=role == Role.PRACTICE_ADMIN,
    )
    user.set_unusable_password()
    user.save()
    return user


def make_patient(practice: Practice, **fields: Any) -> Patient:
    values: dict[str, Any] = {
        "given_names": "Jane",
        "family_name": "Doe",
        "date_of_birth": date(1974, 3, 21),
        "sex": "female",
        "phone": "+44 7700 900123",
    }
    values.update(fields)
    return Patient.objects.create(practice=practice, **values)


def refuse_audit_entries(when: str) -> None:
    """Has the database refuse the audit entries matching `when` (SQL on NEW), as a crash between a change and its
    entry would lose the entry. Made inside the test's transaction, the trigger goes with its rollback."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_audit_entry() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'the audit entry is refused'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_audit_entry BEFORE INSERT ON audit_auditentry FOR EACH ROW "
                f"WHEN ({when}) EXECUTE FUNCTION refuse_audit_entry()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_audit_entry BEFORE INSERT ON audit_auditentry WHEN ({when}) "
                "BEGIN SELECT RAISE(ABORT, 'the audit entry is refused'); END"
            )


@pytest.fixture
def practice(db: None) -> Practice:
    practice = Practice.objects.create(name="Riverside Skin Clinic", currency="GBP")
    Location.objects.create(practice=practice, name="Riverside")
    return practice


@pytest.fixture
def other_practice(db: None) -> Practice:
    return Practice.objects.create(name="Elsewhere Dermatology", currency="EUR")


@pytest.fixture
def staff(practice: Practice) -> dict[Role, StaffUser]:
    return {role: make_staff(practice, role) for role in Role}


@pytest.fixture
def clinician(staff: dict[Role, StaffUser]) -> StaffUser:
    return staff[Role.CLINICIAN]


@pytest.fixture
def patient(practice: Practice) -> Patient:
    return make_patient(practice)


@pytest.fixture
def plan(patient: Patient, clinician: StaffUser) -> TreatmentPlan:
    return services.record_consultation(None, clinician, patient, held_on=CONSULTATION_DAY, intake=basic_intake())


@pytest.fixture
def signed_in(client: Client) -> Callable[[StaffUser], Client]:
    def sign_in(user: StaffUser) -> Client:
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def english_between_tests() -> Iterator[None]:
    """Django's LocaleMiddleware activates a request's language for the thread and leaves it active: a test client's
    request in Spanish must not make the next test, which renders outside any request, read Spanish."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


from tests.web.photo_helpers import photo_storage  # noqa: E402,F401 - the photo tests' storage fixture
