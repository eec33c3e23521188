"""One public address: every link in an e-mail is made from LASERCARE_SITE_URL, and `lasercare serve` warns when it
is unset while the server listens elsewhere."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.patients.models import Patient
from lasercare.practice.portal.models import PatientAccount
from lasercare.serve_cli import public_address_warning
from lasercare.web.public import public_link


def test_an_invitation_links_to_the_public_address_not_the_host_it_was_sent_from(
    settings: SettingsWrapper, client: Client, staff: dict[Role, StaffUser], patient: Patient
) -> None:
    settings.LASERCARE_SITE_URL = "https://care.example.org/"
    patient.email = "jane@example.org"
    patient.save()
    client.force_login(staff[Role.FRONT_DESK])
    client.post(reverse("portal_invite", args=[patient.public_id]))
    links = re.findall(r"https?://\S+", str(mail.outbox[-1].body))
    assert links and all(link.startswith("https://care.example.org/portal/invitation/") for link in links)


def test_a_sign_in_link_comes_from_the_public_address(
    settings: SettingsWrapper, client: Client, staff: dict[Role, StaffUser], patient: Patient
) -> None:
    settings.LASERCARE_SITE_URL = "https://care.example.org"
    PatientAccount.objects.create(
        practice=patient.practice, patient=patient, email="jane@example.org", activated_at=timezone.now()
    )
    Client().post(reverse("portal_send_link"), {"link-email": "jane@example.org"})
    assert re.search(r"https://care\.example\.org/portal/sign-in/\S+/", str(mail.outbox[-1].body))


def test_unset_the_public_address_is_the_local_default(settings: SettingsWrapper) -> None:
    settings.LASERCARE_SITE_URL = ""
    assert public_link("/portal/") == "http://127.0.0.1:8000/portal/"


def test_serve_warns_when_the_public_address_is_unset_and_it_listens_elsewhere() -> None:
    warning = public_address_warning("0.0.0.0:8080", "")
    assert "LASERCARE_SITE_URL" in warning and "0.0.0.0:8080" in warning


def test_serve_says_nothing_when_the_public_address_is_set() -> None:
    assert public_address_warning("0.0.0.0:8080", "https://clinic.example.org") == ""


def test_serve_says_nothing_when_it_listens_where_the_default_points() -> None:
    assert public_address_warning("127.0.0.1:8000", "") == ""
