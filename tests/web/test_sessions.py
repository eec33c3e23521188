"""A signed-in request reads its session and its account with one SQL statement each
(lasercare/practice/clinic/sessions.py), and keeps every rule of Django's sessions and accounts."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.clinic.sessions import StaffBackend

PAGE = "/password/done/"  # a signed-in page that reads nothing else


def signed_in(user: StaffUser) -> Client:
    client = Client()
    client.force_login(user)
    client.get(PAGE)  # the first request writes the session's last-seen time
    return client


def test_a_signed_in_page_reads_the_session_and_the_account_with_one_query_each(clinician: StaffUser) -> None:
    client = signed_in(clinician)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    assert len(captured.captured_queries) == 2, captured.captured_queries


def test_the_account_read_for_a_session_is_the_account_as_the_orm_reads_it(clinician: StaffUser) -> None:
    clinician.refresh_from_db()
    found = StaffBackend().get_user(clinician.pk)
    assert found is not None
    for field in StaffUser._meta.concrete_fields:
        expected, got = getattr(clinician, field.attname), getattr(found, field.attname)
        assert (got, type(got)) == (expected, type(expected)), field.name
    assert not found._state.adding


def test_an_expired_session_signs_nobody_in(clinician: StaffUser) -> None:
    client = signed_in(clinician)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_deactivated_account_is_signed_out(clinician: StaffUser) -> None:
    client = signed_in(clinician)
    StaffUser.objects.filter(pk=clinician.pk).update(is_active=False)
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_session_whose_account_is_gone_signs_nobody_in(clinician: StaffUser) -> None:
    assert StaffBackend().get_user(clinician.pk + 1000) is None


def test_an_unknown_session_key_signs_nobody_in(client: Client, clinician: StaffUser) -> None:
    client.cookies["sessionid"] = "x" * 32
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
