"""Two bookings of the same practitioner, room and device submitted at the same instant: exactly one is kept.

Each thread is a separate client with its own database connection, released by a barrier together, so the
requests race for real on PostgreSQL; the unique slots decide, not the application's checks.
"""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.scheduling.models import Booking, BookingSlot
from tests.web.booking_helpers import Setup, accepted_plan, setup
from tests.web.conftest import make_patient, make_staff

__all__ = ["setup"]
THREADS = 8

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="concurrent connections race for real on PostgreSQL (SQLite's writers queue one by one)",
)


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_the_same_resources_book_exactly_once(setup: Setup, practice: Practice) -> None:
    assert connection.vendor == "postgresql"
    plans: list[TreatmentPlan] = [
        accepted_plan(make_patient(practice, family_name=f"Racer{n}"), setup.clinician, setup.plan.consultation.held_on)
        for n in range(THREADS)
    ]
    clerks: list[StaffUser] = [make_staff(practice, Role.FRONT_DESK, username=f"desk-{n}") for n in range(THREADS)]
    clients = []
    for clerk in clerks:
        client = Client()
        client.force_login(clerk)
        clients.append(client)
    day = setup.day(1) + timedelta(days=7)
    data = {
        "session_number": 1,
        "day": str(day),
        "start": "10:00",
        "minutes": 60,
        "practitioner": setup.clinician.pk,
        "room": setup.room.pk,
        "device": setup.device.pk,
    }
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    pages: list[str] = []
    lock = threading.Lock()

    def attempt(client: Client, plan: TreatmentPlan) -> None:
        try:
            barrier.wait()
            response = client.post(f"/plans/{plan.public_id}/course/book/", data)
            with lock:
                statuses.append(response.status_code)
                pages.append(response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(c, p)) for c, p in zip(clients, plans, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [302] + [400] * (THREADS - 1)
    refusals = [page for page, status in zip(pages, statuses, strict=True) if status == 400]
    assert all("is already booked 10:00-11:00" in page for page in refusals)
    assert Booking.objects.filter(plan__in=plans).count() == 1
    # The winner's hour: four quarter hours for each of its patient, practitioner, room and device.
    assert BookingSlot.objects.count() == 4 * 4
