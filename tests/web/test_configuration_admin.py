"""The configuration admin: practice admins only, their own practice only, and a clinic policy the engine accepts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from lasercare.practice.clinic.models import PolicySetting, Practice, PriceListItem, StaffUser
from lasercare.practice.clinic.roles import Role
from tests.web.conftest import make_staff

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as HttpResponse

SignIn = Callable[[StaffUser], Client]


def test_a_practice_admin_opens_the_configuration(signed_in: SignIn, staff: dict[Role, StaffUser]) -> None:
    page = signed_in(staff[Role.PRACTICE_ADMIN]).get("/admin/")
    assert page.status_code == 200
    text = page.content.decode()
    for section in ("Locations", "Staff members", "Policy settings", "Price list items"):
        assert section in text
    assert "Patient" not in text  # clinical records are not configuration


def test_a_clinician_cannot_open_the_configuration(signed_in: SignIn, clinician: StaffUser) -> None:
    response = signed_in(clinician).get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


def test_a_practice_admin_sees_only_their_own_practices_staff(
    signed_in: SignIn, staff: dict[Role, StaffUser], other_practice: Practice
) -> None:
    stranger = make_staff(other_practice, Role.CLINICIAN, username="stranger")
    client = signed_in(staff[Role.PRACTICE_ADMIN])
    listing = client.get("/admin/clinic/staffuser/").content.decode()
    assert staff[Role.NURSE].username in listing
    assert "stranger" not in listing
    assert client.get(f"/admin/clinic/staffuser/{stranger.pk}/change/").status_code == 302  # not found: redirected


def test_a_policy_value_the_engine_refuses_is_not_saved(signed_in: SignIn, staff: dict[Role, StaffUser]) -> None:
    response = signed_in(staff[Role.PRACTICE_ADMIN]).post(
        "/admin/clinic/policysetting/add/", {"key": "tan_wait_days", "value": "true"}
    )
    assert response.status_code == 200
    assert "tan_wait_days: must be a valid int" in response.content.decode()
    assert not PolicySetting.objects.exists()


def test_a_policy_value_that_is_not_a_value_at_all_is_explained(
    signed_in: SignIn, staff: dict[Role, StaffUser]
) -> None:
    response = signed_in(staff[Role.PRACTICE_ADMIN]).post(
        "/admin/clinic/policysetting/add/", {"key": "tan_wait_days", "value": "six weeks"}
    )
    assert "not a valid value" in response.content.decode()
    assert not PolicySetting.objects.exists()


def test_a_valid_policy_value_is_saved_for_the_admins_practice(
    signed_in: SignIn, staff: dict[Role, StaffUser], practice: Practice
) -> None:
    response = signed_in(staff[Role.PRACTICE_ADMIN]).post(
        "/admin/clinic/policysetting/add/", {"key": "tan_wait_days", "value": "42"}
    )
    assert response.status_code == 302
    assert PolicySetting.objects.get().practice == practice


def test_a_price_in_a_currency_that_is_not_a_code_is_refused(signed_in: SignIn, staff: dict[Role, StaffUser]) -> None:
    response = signed_in(staff[Role.PRACTICE_ADMIN]).post(
        "/admin/clinic/pricelistitem/add/",
        {"modality": "ipl", "per_session": "250", "currency": "gbp"},
    )
    assert response.status_code == 200
    assert "three-letter ISO 4217 code" in response.content.decode()
    assert not PriceListItem.objects.exists()


def _add_staff(client: Client, password: str, **person: str) -> HttpResponse:
    return client.post(
        "/admin/clinic/staffuser/add/",
        {
            "username": "newnurse",
            "first_name": "Ada",
            "last_name": "Obi",
            "email": "ada.obi@riverside.example",
            "role": "nurse",
            "professional_title": "",
            "password": password,
            **person,
        },
    )


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("a", "This password is too short"),
        ("password1234", "This password is too common"),
        ("938475610293847", "This password is entirely numeric"),
        ("ada.obi@riverside", "The password is too similar to the email address"),
    ],
)
def test_the_admins_add_staff_form_refuses_a_password_the_policy_refuses(
    signed_in: SignIn, staff: dict[Role, StaffUser], password: str, problem: str
) -> None:
    response = _add_staff(signed_in(staff[Role.PRACTICE_ADMIN]), password)
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert not StaffUser.objects.filter(username="newnurse").exists()


def test_staff_added_by_a_practice_admin_join_their_practice_with_an_argon2_password(
    signed_in: SignIn, staff: dict[Role, StaffUser], practice: Practice
) -> None:
    response = signed_in(staff[Role.PRACTICE_ADMIN]).post(
        "/admin/clinic/staffuser/add/",
        {
            "username": "newnurse",
            "first_name": "Ada",
            "last_name": "Obi",
            "email": "",
            "role": "nurse",
            "professional_title": "",
            "password": "a long enough passphrase 42",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = StaffUser.objects.get(username="newnurse")
    assert user.practice == practice
    assert user.password.startswith("argon2")
    assert not user.is_staff  # only practice admins reach the configuration
