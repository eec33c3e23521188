"""What the front desk and the practice admin read: the calendars, bookings and courses of the demo practice, and
a practitioner's calendar feed, never name a treatment (docs/security.md, "What each role sees").

The access matrix checks who may open which page; this checks what the page says to those who may."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from lasercare.engine import load_knowledge
from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.demo import create_demo_practice
from lasercare.practice.scheduling import services
from lasercare.practice.scheduling.models import Booking

NON_CLINICAL = [Role.FRONT_DESK, Role.PRACTICE_ADMIN]


def treatment_names() -> set[str]:
    """Every way the knowledge base names a treatment, as staff and patients read it, with its short forms."""
    names: set[str] = set()
    for modality in load_knowledge().modalities.values():
        for name in (modality.name, modality.patient_name):
            if name:
                names |= {name, name.split(" (")[0], name.split(",")[0]}
    return {name for name in names if len(name) > 3}


@pytest.fixture
def demo(db: None) -> None:
    create_demo_practice(patients=3, seed=7)


def _pages(booking: Booking) -> dict[str, str]:
    assert booking.plan is not None
    return {
        "calendar (day)": reverse("calendar"),
        "calendar (week)": reverse("calendar") + "?view=week",
        "whole clinic by room": reverse("calendar") + "?by=room",
        "a practitioner's week": reverse("calendar") + f"?practitioner={booking.practitioner.public_id}",
        "a device's week": reverse("calendar") + f"?device={booking.device.public_id}" if booking.device else "",
        "day sheet": reverse("calendar_day_sheet") + f"?date={booking.starts_at.date()}",
        "booking": reverse("booking", args=[booking.public_id]),
        "course": reverse("plan_course", args=[booking.plan.public_id]),
    }


def _visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("role", NON_CLINICAL, ids=lambda role: role.value)
def test_the_calendars_bookings_and_courses_name_no_treatment(demo: None, role: Role) -> None:
    user = StaffUser.objects.filter(role=role).first()
    assert user is not None
    client = Client()
    client.force_login(user)
    names = treatment_names()
    read = 0
    for booking in Booking.objects.select_related("plan", "practitioner", "device")[:5]:
        for label, path in _pages(booking).items():
            if not path:
                continue
            response = client.get(path)
            if response.status_code == 403:
                continue
            assert response.status_code == 200, (label, path)
            read += 1
            text = _visible(response.content.decode())
            assert [name for name in names if name in text] == [], f"{label} names a treatment to {role.label}"
    assert read >= 10


def test_a_practitioners_calendar_feed_names_no_treatment(demo: None) -> None:
    practitioner = Booking.objects.select_related("practitioner").first()
    assert practitioner is not None
    token = services.new_feed_token(None, practitioner.practitioner)
    feed = Client().get(reverse("calendar_feed", args=[token])).content.decode()
    assert "BEGIN:VEVENT" in feed
    assert [name for name in treatment_names() if name in feed] == []
