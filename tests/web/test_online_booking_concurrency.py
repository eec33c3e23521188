"""A patient booking online and the front desk booking another patient on the same practitioner, room and device at
the same instant: exactly one booking is kept, whichever commits first. Each side is its own client on its own
database connection, released together by a barrier, so they race for real on PostgreSQL."""

from __future__ import annotations

import os
import re
import threading
from datetime import datetime

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.scheduling.models import Booking
from tests.web.portal_helpers import PatientWithCourse, jane, john, portal_client

__all__ = ["jane", "john"]

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="concurrent connections race for real on PostgreSQL (SQLite's writers queue one by one)",
)


@pytest.mark.django_db(transaction=True)
def test_the_portal_and_the_front_desk_booking_the_same_time_keep_one_booking(
    jane: PatientWithCourse, john: PatientWithCourse, staff: dict[Role, StaffUser]
) -> None:
    assert connection.vendor == "postgresql"
    practice = jane.patient.practice
    practice.online_booking = True
    practice.online_notice_hours = 0
    practice.save()
    patient = portal_client(jane.account)
    offered = re.findall(
        r'name="time" value="([^"]+)"', patient.get(f"/portal/plans/{jane.plan.public_id}/book/").content.decode()
    )
    chosen = offered[0]
    start, practitioner, room, device = chosen.split("/")
    at = timezone.make_aware(datetime.fromisoformat(start))
    desk = Client()
    desk.force_login(staff[Role.FRONT_DESK])
    desk_data = {
        "session_number": 2,
        "day": at.date().isoformat(),
        "start": at.strftime("%H:%M"),
        "minutes": 45,
        "practitioner": practitioner,
        "room": room,
        "device": device,
    }
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}
    pages: dict[str, str] = {}

    def attempt(side: str) -> None:
        try:
            barrier.wait()
            if side == "portal":
                answer = patient.post(f"/portal/plans/{jane.plan.public_id}/book/", {"time": chosen})
            else:
                answer = desk.post(f"/plans/{john.plan.public_id}/course/book/", desk_data)
            statuses[side] = answer.status_code
            pages[side] = answer.content.decode()
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(side,)) for side in ("portal", "desk")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses.values()) == [302, 400], statuses
    # The loser lost to the other's booking of that time, not for a reason of its own.
    if statuses["desk"] == 400:
        assert "already booked" in pages["desk"]
    else:
        assert "That time cannot be booked any more" in pages["portal"]
    kept = Booking.objects.filter(plan__in=[jane.plan, john.plan], session_number=2)
    assert kept.count() == 1
