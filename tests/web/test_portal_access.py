"""Getting into the portal: the practice's invitation, a password, an e-mailed link; and getting out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import DatabaseError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.patients.models import Patient
from lasercare.practice.portal.models import PatientAccount, PortalToken
from lasercare.practice.portal.services import PortalRefused, change_password
from tests.web.conftest import make_patient, refuse_audit_entries
from tests.web.portal_helpers import PatientWithCourse, jane, portal_client

__all__ = ["jane"]

PASSWORD = "copper kettle on a quiet hill"


def _invite(client: Client, by: StaffUser, patient: Patient) -> str:
    """The practice invites the patient; returns the link of the e-mail sent."""
    client.force_login(by)
    response = client.post(reverse("portal_invite", args=[patient.public_id]))
    assert response.status_code == 302
    client.logout()
    found = re.search(r"https?://\S+/portal/invitation/\S+/", str(mail.outbox[-1].body))
    assert found is not None
    return found.group(0)


def test_an_invitation_is_emailed_to_the_patient_with_a_single_use_link(
    client: Client, staff: dict[Role, StaffUser], patient: Patient
) -> None:
    patient.email = "jane@example.org"
    patient.save()
    link = _invite(client, staff[Role.FRONT_DESK], patient)
    assert mail.outbox[-1].to == ["jane@example.org"]
    assert "Riverside Skin Clinic" in mail.outbox[-1].subject
    assert patient.family_name not in mail.outbox[-1].body
    response = client.post(link, {"password": PASSWORD, "repeat": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal_home")
    assert client.get(reverse("portal_home")).status_code == 200
    account = PatientAccount.objects.get(patient=patient)
    assert account.activated and account.check_password(PASSWORD)
    assert Client().get(link).status_code == 410  # used once: no more


def test_an_invitation_expires(client: Client, staff: dict[Role, StaffUser], patient: Patient) -> None:
    patient.email = "jane@example.org"
    patient.save()
    link = _invite(client, staff[Role.NURSE], patient)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.post(link, {"password": PASSWORD, "repeat": PASSWORD})
    assert response.status_code == 410
    assert not PatientAccount.objects.get(patient=patient).activated


def test_a_new_invitation_makes_the_earlier_one_useless(
    client: Client, staff: dict[Role, StaffUser], patient: Patient
) -> None:
    patient.email = "jane@example.org"
    patient.save()
    first = _invite(client, staff[Role.FRONT_DESK], patient)
    second = _invite(client, staff[Role.FRONT_DESK], patient)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_inviting_a_patient_without_an_email_address_says_so(
    client: Client, staff: dict[Role, StaffUser], patient: Patient
) -> None:
    client.force_login(staff[Role.FRONT_DESK])
    response = client.post(reverse("portal_invite", args=[patient.public_id]), follow=True)
    assert "e-mail address first: the invitation is sent there" in response.content.decode()
    assert not mail.outbox


def test_two_patients_cannot_share_one_portal_address(
    client: Client, staff: dict[Role, StaffUser], jane: PatientWithCourse
) -> None:
    other = make_patient(jane.patient.practice, given_names="Mary", email=jane.account.email)
    client.force_login(staff[Role.FRONT_DESK])
    response = client.post(reverse("portal_invite", args=[other.public_id]), follow=True)
    assert "each patient needs their own address" in response.content.decode()
    assert not PatientAccount.objects.filter(patient=other).exists()


def test_a_weak_password_is_refused_with_the_reason_and_the_link_still_works(
    client: Client, staff: dict[Role, StaffUser], patient: Patient
) -> None:
    patient.email = "jane@example.org"
    patient.save()
    link = _invite(client, staff[Role.FRONT_DESK], patient)
    response = client.post(link, {"password": "12345678", "repeat": "12345678"})
    assert response.status_code == 400
    assert "too common" in response.content.decode() or "too short" in response.content.decode()
    assert client.get(link).status_code == 200


def test_a_password_like_the_patients_email_address_is_refused_at_the_invitation(
    client: Client, staff: dict[Role, StaffUser], patient: Patient
) -> None:
    patient.email = "jane.harrow@example.org"
    patient.save()
    link = _invite(client, staff[Role.FRONT_DESK], patient)
    response = client.post(link, {"password": "jane.harrow@example", "repeat": "jane.harrow@example"})
    assert response.status_code == 400
    assert "too similar to the e-mail address" in response.content.decode()
    assert not PatientAccount.objects.get(patient=patient).activated


def test_a_new_password_like_the_patients_email_address_is_refused(jane: PatientWithCourse) -> None:
    _with_password(jane.account)
    client = portal_client(jane.account)
    like = jane.account.email.upper() + "!"
    response = client.post(reverse("portal_password"), {"current": PASSWORD, "password": like, "repeat": like})
    assert response.status_code == 400
    assert "too similar to the e-mail address" in response.content.decode()
    jane.account.refresh_from_db()
    assert jane.account.check_password(PASSWORD)


def test_the_service_refuses_a_weak_password_whatever_calls_it(jane: PatientWithCourse) -> None:
    _with_password(jane.account)
    with pytest.raises(PortalRefused, match="too short"):
        change_password(RequestFactory().post("/portal/password/"), jane.account, PASSWORD, "short")
    jane.account.refresh_from_db()
    assert jane.account.check_password(PASSWORD)


def _with_password(account: PatientAccount) -> None:
    account.set_password(PASSWORD)
    account.save()


def test_a_patient_signs_in_with_email_and_password(jane: PatientWithCourse) -> None:
    _with_password(jane.account)
    client = Client()
    response = client.post(reverse("portal_sign_in"), {"email": "Jane@Example.org ", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("portal_home")).status_code == 200
    assert AuditEntry.objects.filter(action="login", record_type="portal_account").exists()


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(jane: PatientWithCourse) -> None:
    _with_password(jane.account)
    response = Client().post(reverse("portal_sign_in"), {"email": jane.account.email, "password": "not it"})
    assert response.status_code == 400
    assert "do not match an account" in response.content.decode()


def test_repeated_failures_lock_the_account_for_a_while(jane: PatientWithCourse, settings: object) -> None:
    _with_password(jane.account)
    client = Client()
    for _ in range(5):
        client.post(reverse("portal_sign_in"), {"email": jane.account.email, "password": "guess"})
    response = client.post(reverse("portal_sign_in"), {"email": jane.account.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Too many attempts" in response.content.decode()


def test_an_emailed_link_signs_the_patient_in_once(jane: PatientWithCourse) -> None:
    client = Client()
    response = client.post(reverse("portal_send_link"), {"link-email": jane.account.email})
    assert response.status_code == 200
    link = re.search(r"https?://\S+/portal/sign-in/\S+/", str(mail.outbox[-1].body))
    assert link is not None
    assert client.get(link.group(0)).status_code == 200  # a mail scanner opening it uses nothing up
    assert client.post(link.group(0)).status_code == 302
    assert client.get(reverse("portal_home")).status_code == 200
    again = Client().post(link.group(0))
    assert again.status_code == 302 and again["Location"] == reverse("portal_sign_in")


def test_a_sign_in_link_is_kept_only_together_with_its_audit_entry(jane: PatientWithCourse) -> None:
    refuse_audit_entries("NEW.record_type = 'portal_sign_in_link'")
    with pytest.raises(DatabaseError, match="the audit entry is refused"):
        Client().post(reverse("portal_send_link"), {"link-email": jane.account.email})
    assert not PortalToken.objects.filter(account=jane.account, purpose=PortalToken.Purpose.SIGN_IN).exists()


def test_asking_a_link_for_an_unknown_address_looks_the_same_and_sends_nothing(jane: PatientWithCourse) -> None:
    def page(email: str) -> str:
        content = Client().post(reverse("portal_send_link"), {"link-email": email}).content.decode()
        # Each response masks its token anew: in the header for HTMX and in the language switch's form.
        content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)
        return re.sub(r'"X-CSRFToken": "[^"]+"', "", content)

    assert page(jane.account.email) == page("nobody@example.org")
    assert len(mail.outbox) == 1


def test_a_sign_in_link_expires(jane: PatientWithCourse) -> None:
    Client().post(reverse("portal_send_link"), {"link-email": jane.account.email})
    link = re.search(r"https?://\S+/portal/sign-in/\S+/", str(mail.outbox[-1].body))
    assert link is not None
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = Client().post(link.group(0))
    assert response["Location"] == reverse("portal_sign_in")


def test_closing_access_ends_the_patients_session(
    client: Client, staff: dict[Role, StaffUser], jane: PatientWithCourse
) -> None:
    patient_browser = portal_client(jane.account)
    client.force_login(staff[Role.FRONT_DESK])
    client.post(reverse("portal_close", args=[jane.patient.public_id]))
    assert patient_browser.get(reverse("portal_home")).status_code == 302


def test_a_new_password_ends_the_accounts_other_sessions(jane: PatientWithCourse) -> None:
    _with_password(jane.account)
    elsewhere = portal_client(jane.account)
    here = portal_client(jane.account)
    response = here.post(
        reverse("portal_password"),
        {"current": PASSWORD, "password": "a brand new long phrase", "repeat": "a brand new long phrase"},
    )
    assert response.status_code == 302
    assert here.get(reverse("portal_home")).status_code == 200
    assert elsewhere.get(reverse("portal_home")).status_code == 302


def test_an_idle_session_is_signed_out(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert client.get(reverse("portal_home")).status_code == 302


def test_signing_out_ends_the_session(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    client.post(reverse("portal_sign_out"))
    assert client.get(reverse("portal_home")).status_code == 302


def test_portal_pages_are_not_kept_in_the_browsers_cache(jane: PatientWithCourse) -> None:
    response = portal_client(jane.account).get(reverse("portal_home"))
    assert response["Cache-Control"] == "no-store"
