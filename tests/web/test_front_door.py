"""The way in: `/` is the practice's front door (patients to the information, the self-assessment and the portal;
staff to their log-in), the portal's sign-in carries the clinic's name, and a patient's error pages are the
portal's own."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse

from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.site.views import forbidden
from tests.web.portal_helpers import PatientWithCourse, jane, portal_client

__all__ = ["jane"]


def test_the_front_door_leads_patients_to_learn_self_assessment_and_the_portal(practice: Practice) -> None:
    page = Client().get("/").content.decode()
    for route in ("learn", "self_assessment_start", "portal_sign_in"):
        assert f'href="{reverse(route)}"' in page


def test_the_front_door_leads_staff_to_their_log_in(practice: Practice) -> None:
    assert f'href="{reverse("login")}"' in Client().get("/").content.decode()


def test_the_front_door_names_the_practice_and_its_number(practice: Practice) -> None:
    practice.phone = "+44 20 7946 0000"
    practice.save()
    page = Client().get("/").content.decode()
    assert "Welcome to Riverside Skin Clinic" in page and 'href="tel:+442079460000"' in page


def test_the_front_door_of_several_practices_lists_them(practice: Practice, other_practice: Practice) -> None:
    page = Client().get("/").content.decode()
    assert "Riverside Skin Clinic" in page and "Elsewhere Dermatology" in page


def test_a_logged_in_member_of_staff_still_finds_the_dashboard_at_the_old_address(
    client: Client, clinician: StaffUser
) -> None:
    client.force_login(clinician)
    response = client.get("/")
    assert response.status_code == 200 and "Dashboard" in response.content.decode()
    assert reverse("dashboard") == "/"


def test_the_portal_sign_in_page_carries_the_clinics_name(practice: Practice) -> None:
    page = Client().get(reverse("portal_sign_in")).content.decode()
    assert "Riverside Skin Clinic" in page and "lasercare" not in page.split("<title>")[1].split("</title>")[0]


def test_a_patients_missing_page_is_the_portals_own(jane: PatientWithCourse) -> None:
    response = portal_client(jane.account).get("/portal/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert f'href="{reverse("portal_home")}"' in page and "Back to your patient portal" in page
    assert "another practice" not in page and "dashboard" not in page.lower()


def test_another_patients_record_is_not_found_in_the_portals_words(jane: PatientWithCourse) -> None:
    response = portal_client(jane.account).get(
        reverse("portal_consent", args=["0" * 8 + "-0000-4000-8000-" + "0" * 12])
    )
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_a_refusal_in_the_portal_is_the_portals_own(practice: Practice) -> None:
    request = RequestFactory().get("/portal/photos/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    page = forbidden(request).content.decode()
    assert "This page is not open to you" in page and f'href="{reverse("portal_home")}"' in page
    assert "Your role does not allow" not in page


def test_a_staff_missing_page_stays_the_staffs(client: Client, clinician: StaffUser) -> None:
    client.force_login(clinician)
    assert "Back to the dashboard" in client.get("/patients/no-such-page/").content.decode()
