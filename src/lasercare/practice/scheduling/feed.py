"""A practitioner's bookings as an iCalendar feed, for the calendar app on their phone.

The feed is fetched without a log-in and copied into calendar services outside the practice, so its events carry
no patient identifier: "Session 2 of 4 · Room 1" and a link to the booking, which needs a log-in to open.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.scheduling.models import Booking, BookingStatus
from lasercare.site.routes import paths_of

REACH = timedelta(days=366)  # a year back and a year ahead


def summary(booking: Booking) -> str:
    parts = []
    if booking.session_number:
        parts.append(
            f"Session {booking.session_number} of {booking.course_sessions}"
            if booking.course_sessions
            else f"Session {booking.session_number}"
        )
    else:
        parts.append("Booking")
    if booking.room is not None:
        parts.append(booking.room.name)
    text = " · ".join(parts)
    if booking.status == BookingStatus.NO_SHOW:
        text += " (did not attend)"
    return text


def ics(practitioner: StaffUser, site: str) -> bytes:
    """The feed's body. `site` is the app's address ending in "/", for the links to the bookings."""
    now = timezone.now()
    bookings = (
        Booking.objects.filter(practitioner=practitioner, starts_at__gte=now - REACH, starts_at__lt=now + REACH)
        .select_related("room", "device")
        .only(
            "public_id",
            "starts_at",
            "ends_at",
            "status",
            "session_number",
            "course_sessions",
            "booked_at",
            "ended_at",
            "room__name",
            "device__name",
        )
        .order_by("starts_at")
    )
    link = paths_of("booking")
    calendar = Calendar()
    calendar.add("prodid", "-//lasercare//practice bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "lasercare bookings")
    for booking in bookings:
        event = Event()
        event.add("uid", str(booking.public_id))
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", booking.starts_at.astimezone(UTC))
        event.add("dtend", booking.ends_at.astimezone(UTC))
        event.add("summary", summary(booking))
        if booking.room is not None:
            event.add("location", booking.room.name)
        url = site.rstrip("/") + link(booking.public_id)
        device = f"Device: {booking.device.name}. " if booking.device is not None else ""
        event.add("description", f"{device}Open the booking in lasercare (log-in needed): {url}")
        event.add("url", url)
        event.add("status", "CANCELLED" if booking.status == BookingStatus.CANCELLED else "CONFIRMED")
        event.add("last-modified", (booking.ended_at or booking.booked_at).astimezone(UTC))
        calendar.add_component(event)
    return bytes(calendar.to_ical())
