"""The audit log: every read and write of patient data is recorded, filterable by practice admins, append-only;
and patient data stays out of the audit details, the application logs and the URLs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from lasercare.practice.audit.models import AuditAction, AuditEntry
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations.models import OverrideKind, TreatmentPlan
from lasercare.practice.patients.models import Patient
from tests.web.conftest import make_patient, refuse_audit_entries

SignIn = Callable[[StaffUser], Client]
ADDRESS = "203.0.113.7"
FAMILY_NAME = "Quennell-Markby"
GIVEN_NAMES = "Ottoline"
BORN = date(1969, 7, 14)
PHONE = "+44 7700 900555"
# Every way the pages or a person might write this patient's identifying details.
PHI = (FAMILY_NAME, "Quennell", GIVEN_NAMES, "1969-07-14", "14/07/1969", "14.07.1969", "14 Jul 1969", "900555")


@pytest.fixture
def patient(practice: Practice) -> Patient:
    return make_patient(practice, family_name=FAMILY_NAME, given_names=GIVEN_NAMES, date_of_birth=BORN, phone=PHONE)


def patient_fields(**changes: str) -> dict[str, str]:
    fields = {
        "given_names": GIVEN_NAMES,
        "family_name": FAMILY_NAME,
        "date_of_birth": BORN.isoformat(),
        "sex": "female",
        "phone": PHONE,
        "email": "",
        "address": "",
        "preferred_language": "en",
    }
    fields.update(changes)
    return fields


def intake_fields(**changes: str) -> dict[str, str]:
    fields = {
        "held_on": "2026-11-26",
        "fitzpatrick": "III",
        "concern_sun_spots": "on",
        "severity_sun_spots": "2",
        "med_name_0": "tretinoin 0.025% cream",
        "notes": "Discussed sun protection.",
    }
    fields.update(changes)
    return fields


@dataclass(frozen=True)
class Page:
    """A request as a clinician, and the entry it must leave: action, record kind, and whose record it is."""

    method: str
    url: str  # {patient}, {consultation}, {plan}: filled with the records' public ids
    action: AuditAction
    record_type: str
    record: str = ""  # which record's id the entry names
    data: dict[str, str] = field(default_factory=dict)


PAGES = {
    "dashboard": Page("GET", "/", AuditAction.LIST, "dashboard"),
    "today's patients": Page("GET", "/today/", AuditAction.LIST, "todays_patients"),
    "follow-ups due": Page("GET", "/follow-ups/", AuditAction.LIST, "follow_ups_due"),
    "plans awaiting sign-off": Page("GET", "/plans/awaiting/", AuditAction.LIST, "awaiting_sign_off"),
    "patient list": Page("GET", "/patients/", AuditAction.LIST, "patient"),
    "patient search": Page("POST", "/patients/", AuditAction.SEARCH, "patient", data={"q": "Quennell"}),
    "patient page": Page("GET", "/patients/{patient}/", AuditAction.VIEW, "patient", "patient"),
    "patient edit form": Page("GET", "/patients/{patient}/edit/", AuditAction.VIEW, "patient", "patient"),
    "patient edit": Page(
        "POST", "/patients/{patient}/edit/", AuditAction.UPDATE, "patient", "patient", patient_fields(email="o@x.org")
    ),
    "new patient": Page("POST", "/patients/new/", AuditAction.CREATE, "patient", "new patient", patient_fields()),
    "consultation form": Page("GET", "/patients/{patient}/consultations/new/", AuditAction.VIEW, "patient", "patient"),
    "consultation preview": Page(
        "POST", "/patients/{patient}/consultations/preview/", AuditAction.VIEW, "patient", "patient", intake_fields()
    ),
    "new consultation": Page(
        "POST", "/patients/{patient}/consultations/new/", AuditAction.CREATE, "consultation", "new", intake_fields()
    ),
    "new consultation's plan": Page(
        "POST", "/patients/{patient}/consultations/new/", AuditAction.CREATE, "plan", "new", intake_fields()
    ),
    "consultation page": Page(
        "GET", "/consultations/{consultation}/", AuditAction.VIEW, "consultation", "consultation"
    ),
    "plan page": Page("GET", "/plans/{plan}/", AuditAction.VIEW, "plan", "plan"),
    "plan print": Page("GET", "/plans/{plan}/print/", AuditAction.PRINT, "plan", "plan"),
    "plan handout": Page("GET", "/plans/{plan}/handout.pdf", AuditAction.PRINT, "plan", "plan"),
    "plan override": Page(
        "POST",
        "/plans/{plan}/override/",
        AuditAction.OVERRIDE,
        "plan",
        "plan",
        {"kind": OverrideKind.CHOICE, "modality": "{second option}", "reason": "Fewer visits"},
    ),
    "plan propose": Page("POST", "/plans/{plan}/propose/", AuditAction.UPDATE, "plan", "plan"),
    "plan accept": Page("POST", "/plans/{plan}/accept/", AuditAction.ACCEPT, "plan", "plan"),
    "plan decline": Page("POST", "/plans/{plan}/decline/", AuditAction.DECLINE, "plan", "plan"),
    "plan again (old)": Page("POST", "/plans/{plan}/replan/", AuditAction.SUPERSEDE, "plan", "plan"),
    "plan again (new)": Page("POST", "/plans/{plan}/replan/", AuditAction.CREATE, "plan", "new"),
}


def _fill(text: str, plan: TreatmentPlan) -> str:
    return (
        text.replace("{patient}", str(plan.patient.public_id))
        .replace("{consultation}", str(plan.consultation.public_id))
        .replace("{plan}", str(plan.public_id))
        .replace("{second option}", plan.document["options"][1]["modality"])
    )


@pytest.mark.parametrize("name", PAGES)
def test_page_writes_an_audit_entry_with_actor_action_record_patient_and_address(
    name: str, signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    page = PAGES[name]
    client = signed_in(clinician)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    data = {key: _fill(value, plan) for key, value in page.data.items()}
    response = _send(client, page.method, _fill(page.url, plan), data)
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    entries = list(AuditEntry.objects.filter(pk__gt=last, action=page.action, record_type=page.record_type))
    assert len(entries) == 1, [(e.action, e.record_type, e.detail) for e in entries]
    entry = entries[0]
    assert entry.actor == clinician
    assert entry.actor_label == clinician.display_name
    assert entry.practice_id == clinician.practice_id
    assert entry.address == ADDRESS
    assert entry.at is not None
    patient = plan.patient
    if page.record == "new patient":
        patient = Patient.objects.get(public_id=entry.record_id)
        assert patient.pk != plan.patient.pk
    if page.record:
        assert entry.patient_ref == str(patient.public_id)
    expected_id = {
        "patient": str(plan.patient.public_id),
        "consultation": str(plan.consultation.public_id),
        "plan": str(plan.public_id),
    }.get(page.record)
    if expected_id is not None:
        assert entry.record_id == expected_id
    elif page.record == "new":
        assert entry.record_id not in ("", str(plan.public_id), str(plan.consultation.public_id))


def _send(client: Client, method: str, url: str, data: dict[str, str]) -> Any:
    if method == "POST":
        return client.post(url, data, REMOTE_ADDR=ADDRESS)
    return client.get(url, REMOTE_ADDR=ADDRESS)


@pytest.mark.parametrize("editing", [False, True], ids=["new patient", "edited patient"])
def test_a_patient_is_kept_only_together_with_its_audit_entry(
    signed_in: Callable[[StaffUser], Client], clinician: StaffUser, patient: Patient, editing: bool
) -> None:
    refuse_audit_entries("NEW.record_type = 'patient' AND NEW.action IN ('create', 'update')")
    form = {"given_names": "Nova", "family_name": "Saved", "date_of_birth": "1980-02-03", "sex": "female"}
    form |= {"phone": "", "email": "", "address": "", "preferred_language": "en"}
    path = f"/patients/{patient.public_id}/edit/" if editing else "/patients/new/"
    with pytest.raises(DatabaseError, match="the audit entry is refused"):
        signed_in(clinician).post(path, form)
    assert not Patient.objects.filter(family_name="Saved").exists()


def test_a_refused_page_is_audited_as_denied(
    signed_in: SignIn, staff: dict[Role, StaffUser], plan: TreatmentPlan
) -> None:
    front_desk = staff[Role.FRONT_DESK]
    signed_in(front_desk).get(f"/plans/{plan.public_id}/", REMOTE_ADDR=ADDRESS)
    entry = AuditEntry.objects.get(action=AuditAction.DENIED)
    assert (entry.actor, entry.address, entry.record_type) == (front_desk, ADDRESS, "page")
    assert "view_clinical" in entry.detail


def test_a_log_in_and_a_failed_log_in_are_audited(client: Client, practice: Practice) -> None:
    user = StaffUser.objects.create_user("ines", password="a long enough password", practice=practice)
    client.post("/login/", {"username": "ines", "password": "wrong"}, REMOTE_ADDR=ADDRESS)
    client.post("/login/", {"username": "ines", "password": "a long enough password"}, REMOTE_ADDR=ADDRESS)
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (failed.actor, failed.address) == (None, ADDRESS)
    assert "ines" not in failed.detail
    login = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert (login.actor, login.address, login.record_id) == (user, ADDRESS, str(user.public_id))


# The log page.


def _entry(
    practice: Practice, actor: StaffUser, action: AuditAction, patient_ref: str, at: datetime, detail: str
) -> None:
    AuditEntry.objects.create(
        at=at,
        practice=practice,
        actor=actor,
        actor_label=actor.display_name,
        action=action,
        record_type="patient",
        record_id=patient_ref,
        patient_ref=patient_ref,
        address=ADDRESS,
        detail=detail,
    )


@pytest.fixture
def log_entries(practice: Practice, staff: dict[Role, StaffUser], patient: Patient) -> dict[str, str]:
    """Four entries told apart by their detail text, and the patient ids they name."""
    london = ZoneInfo("Europe/London")
    other_patient = make_patient(practice, family_name="Other")
    ids = {"patient": str(patient.public_id), "other": str(other_patient.public_id)}
    clinician, nurse = staff[Role.CLINICIAN], staff[Role.NURSE]
    _entry(practice, clinician, AuditAction.VIEW, ids["patient"], datetime(2026, 1, 10, 9, tzinfo=london), "entry-one")
    _entry(practice, nurse, AuditAction.VIEW, ids["other"], datetime(2026, 2, 10, 9, tzinfo=london), "entry-two")
    _entry(
        practice, clinician, AuditAction.UPDATE, ids["other"], datetime(2026, 2, 11, 23, tzinfo=london), "entry-three"
    )
    _entry(practice, nurse, AuditAction.PRINT, ids["patient"], datetime(2026, 3, 1, 0, 30, tzinfo=london), "entry-four")
    return ids


def _shown(client: Client, query: str) -> set[str]:
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 200
    text = response.content.decode()
    return {name for name in ("entry-one", "entry-two", "entry-three", "entry-four") if name in text}


def test_the_log_page_filters_by_person(
    signed_in: SignIn, staff: dict[Role, StaffUser], log_entries: dict[str, str]
) -> None:
    client = signed_in(staff[Role.PRACTICE_ADMIN])
    assert _shown(client, f"actor={staff[Role.NURSE].public_id}") == {"entry-two", "entry-four"}


def test_the_log_page_filters_by_action(
    signed_in: SignIn, staff: dict[Role, StaffUser], log_entries: dict[str, str]
) -> None:
    client = signed_in(staff[Role.PRACTICE_ADMIN])
    assert _shown(client, "action=view") == {"entry-one", "entry-two"}


def test_the_log_page_filters_by_patient(
    signed_in: SignIn, staff: dict[Role, StaffUser], log_entries: dict[str, str]
) -> None:
    client = signed_in(staff[Role.PRACTICE_ADMIN])
    assert _shown(client, f"patient={log_entries['other']}") == {"entry-two", "entry-three"}


def test_the_log_page_filters_by_date_in_the_practice_time_zone(
    signed_in: SignIn, staff: dict[Role, StaffUser], log_entries: dict[str, str]
) -> None:
    client = signed_in(staff[Role.PRACTICE_ADMIN])
    assert _shown(client, "since=2026-02-01&until=2026-02-11") == {"entry-two", "entry-three"}
    assert _shown(client, "since=2026-03-01") == {"entry-four"}


def test_the_log_page_combines_filters(
    signed_in: SignIn, staff: dict[Role, StaffUser], log_entries: dict[str, str]
) -> None:
    client = signed_in(staff[Role.PRACTICE_ADMIN])
    query = f"actor={staff[Role.CLINICIAN].public_id}&patient={log_entries['patient']}&action=view"
    assert _shown(client, query) == {"entry-one"}


def test_the_log_page_shows_only_the_admins_practice(
    signed_in: SignIn, staff: dict[Role, StaffUser], other_practice: Practice, log_entries: dict[str, str]
) -> None:
    stranger = StaffUser.objects.create(username="stranger", practice=other_practice, role=Role.CLINICIAN)
    _entry(
        other_practice,
        stranger,
        AuditAction.VIEW,
        "x",
        datetime(2026, 1, 10, tzinfo=ZoneInfo("UTC")),
        "entry-elsewhere",
    )
    text = signed_in(staff[Role.PRACTICE_ADMIN]).get("/audit/").content.decode()
    assert "entry-one" in text
    assert "entry-elsewhere" not in text


# Append-only, in the model and in the database.


@pytest.fixture
def entry(practice: Practice, clinician: StaffUser, patient: Patient) -> AuditEntry:
    _entry(
        practice,
        clinician,
        AuditAction.VIEW,
        str(patient.public_id),
        datetime(2026, 1, 10, tzinfo=ZoneInfo("UTC")),
        "kept",
    )
    return AuditEntry.objects.get(detail="kept")


def test_record_returns_the_entry_as_the_database_keeps_it(clinician: StaffUser, patient: Patient) -> None:
    written = record(
        None, AuditAction.VIEW, "patient", patient.public_id, patient_ref=patient.public_id, actor=clinician
    )
    kept = AuditEntry.objects.get(pk=written.pk)
    for column in AuditEntry._meta.concrete_fields:
        assert getattr(written, column.attname) == getattr(kept, column.attname), column.name
    assert kept.actor == clinician and kept.practice_id == clinician.practice_id and kept.address is None


def test_an_entry_cannot_be_saved_again(entry: AuditEntry) -> None:
    entry.detail = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).detail == "kept"


def test_an_entry_cannot_be_deleted(entry: AuditEntry) -> None:
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_queryset_update_is_refused(entry: AuditEntry) -> None:
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="changed")
    assert AuditEntry.objects.get(pk=entry.pk).detail == "kept"


def test_a_queryset_delete_is_refused(entry: AuditEntry) -> None:
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_bulk_update_is_refused(entry: AuditEntry) -> None:
    entry.detail = "changed"
    with pytest.raises(PermissionError):
        AuditEntry.objects.bulk_update([entry], ["detail"])


def test_the_database_refuses_an_sql_update(entry: AuditEntry) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET detail = 'changed' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).detail == "kept"


def test_the_database_refuses_an_sql_delete(entry: AuditEntry) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_database_still_takes_new_entries(entry: AuditEntry, practice: Practice) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditentry (at, practice_id, actor_label, action, record_type, record_id, patient_ref, "
            "detail) VALUES (%s, %s, '', 'view', 'patient', '', '', 'inserted')",
            [datetime(2026, 1, 11, tzinfo=ZoneInfo("UTC")), practice.pk],
        )
    assert AuditEntry.objects.filter(detail="inserted").count() == 1


# Patient data stays out of the audit details, the logs and the URLs.


def _walk(client: Client, plan: TreatmentPlan) -> list[Any]:
    """Every page a clinician uses for one patient, searches by name, date of birth and phone included."""
    patient = plan.patient
    responses = [
        client.get("/"),
        client.get("/patients/"),
        *(client.post("/patients/", {"q": q}) for q in (FAMILY_NAME, "14/07/1969", "1969-07-14", "07700 900555")),
        client.get(f"/patients/{patient.public_id}/"),
        client.get(f"/patients/{patient.public_id}/edit/"),
        client.post(f"/patients/{patient.public_id}/edit/", patient_fields(date_of_birth="2999-01-01")),
        client.get(f"/patients/{patient.public_id}/consultations/new/"),
        client.post(f"/patients/{patient.public_id}/consultations/preview/", intake_fields()),
        client.post(f"/patients/{patient.public_id}/consultations/new/", intake_fields(fitzpatrick="IX")),
        client.post(f"/patients/{patient.public_id}/consultations/new/", intake_fields()),
        client.get(f"/consultations/{plan.consultation.public_id}/"),
        client.get(f"/plans/{plan.public_id}/"),
        client.get(f"/plans/{plan.public_id}/print/"),
    ]
    for response in responses:
        assert response.status_code in (200, 302, 400)
    return responses


def test_a_search_by_surname_date_of_birth_or_phone_leaves_none_of_them_in_the_audit_log(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    client = signed_in(clinician)
    for q in (FAMILY_NAME, "14/07/1969", "+44 7700 900555"):
        assert client.post("/patients/", {"q": q}).status_code == 200
    searches = AuditEntry.objects.filter(action=AuditAction.SEARCH)
    assert searches.count() == 3
    for entry in searches:
        assert not any(text in f"{entry.detail} {entry.record_id}" for text in PHI), entry.detail


def test_no_audit_entry_holds_patient_data_after_a_day_of_work(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    _walk(signed_in(clinician), plan)
    for entry in AuditEntry.objects.all():
        text = f"{entry.detail} {entry.record_id} {entry.patient_ref} {entry.record_type}"
        assert not any(phi in text for phi in PHI), text


def test_the_application_logs_hold_no_patient_data(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    _walk(signed_in(clinician), plan)
    assert caplog.records, "the walk logs at least the refused form posts"
    for entry in caplog.records:
        text = f"{entry.getMessage()} {entry.exc_text or ''}"
        assert not any(phi in text for phi in PHI), text


class _Addresses(HTMLParser):
    """Every address in a page: links, form actions, sources and the HTMX request attributes."""

    ATTRIBUTES = frozenset({"href", "action", "src", "formaction", "hx-get", "hx-post", "hx-put", "hx-delete"})

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in self.ATTRIBUTES and value]


def test_no_link_or_form_address_holds_a_patients_name_birth_date_or_phone(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan, practice: Practice
) -> None:
    for number in range(30):  # enough namesakes for the search results to have pages
        make_patient(practice, family_name=FAMILY_NAME, given_names=f"Namesake {number}", date_of_birth=BORN)
    addresses: list[str] = []
    for response in _walk(signed_in(clinician), plan):
        if response.status_code == 302:
            addresses.append(response.headers["Location"])
            continue
        parser = _Addresses()
        parser.feed(response.content.decode())
        addresses += parser.found
    assert any("/patients/" in address for address in addresses)
    leaked = [address for address in addresses if any(phi.lower() in address.lower() for phi in PHI)]
    assert leaked == []
