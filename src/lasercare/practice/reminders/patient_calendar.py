"""The patient's own calendar: their appointments and their preparation days, as an iCalendar file to download
(the portal) and as a private feed address their calendar app subscribes to.

A calendar file is copied to calendar services outside the practice (Google, Apple, Microsoft), so it says no more
than the patient needs to see on their phone: "Appointment at <practice>", where and how long, and each preparation
step on its day with an alarm ("Pause retinol ..." on 3 Dec). No treatment name, no finding. A cancelled session
leaves the feed; a moved one leaves it and its new booking comes in.

The feed's address carries a secret: only its SHA-256 is stored, issuing a new one revokes the previous one
(rotation), and the access log blanks it (site/access_log.py).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Alarm, Calendar, Event

from lasercare.documents.care_dates import DatedStep
from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.models import Location, StaffUser
from lasercare.practice.patients.models import Patient
from lasercare.practice.reminders.models import PatientCalendarFeed, ReminderKind
from lasercare.practice.reminders.planning import care_steps, send_hour
from lasercare.practice.reminders.preferences import token_digest
from lasercare.practice.reminders.sending import long_date
from lasercare.practice.scheduling.models import ACTIVE_STATUSES, Booking
from lasercare.practice.selfassessment.knowledge_text import care_text
from lasercare.web.languages import language_of

REACH = timedelta(days=366)  # a year back; every booking ahead


def _first_sentence(text: str, limit: int = 90) -> str:
    sentence = text.split(". ", 1)[0].rstrip(".")
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def _where(booking: Booking, fallback: Location | None) -> str:
    location = booking.room.location if booking.room is not None and booking.room.location_id else fallback
    if location is None:
        return ""
    return ", ".join(part for part in (location.name, location.address.replace("\n", ", ")) if part)


def _when(booking: Booking) -> str:
    starts = timezone.localtime(booking.starts_at)
    return f"{long_date(starts.date())}, {starts:%H:%M}"


def patient_calendar(patient: Patient) -> bytes:
    """The patient's calendar as an .ics file: active bookings from a year back, with their preparation days."""
    now = timezone.now()
    bookings = list(
        Booking.objects.filter(patient=patient, status__in=ACTIVE_STATUSES, starts_at__gte=now - REACH)
        .select_related("practice", "plan", "room__location")
        .order_by("starts_at")
    )
    fallback = Location.objects.filter(practice_id=patient.practice_id).order_by("pk").first()
    calendar = Calendar()
    calendar.add("prodid", "-//lasercare//patient calendar//EN")
    calendar.add("version", "2.0")
    with translation.override(language_of(patient)):
        calendar.add("x-wr-calname", gettext("My appointments"))
        for booking in bookings:
            _add_appointment(calendar, booking, _where(booking, fallback), now)
            for (kind, day), steps in sorted(care_steps(booking).items()):
                if kind == ReminderKind.AFTERCARE:
                    _add_lasting_aftercare(calendar, booking, steps, now)
                    continue
                for number, step in enumerate(steps, start=1):
                    text = care_text(step.text)
                    event = Event()
                    event.add("uid", f"{booking.public_id}-preparation-{day.isoformat()}-{number}@lasercare")
                    event.add("dtstamp", now.astimezone(UTC))
                    event.add("dtstart", day)
                    event.add("dtend", day + timedelta(days=1))
                    event.add("summary", gettext("Preparation: %(step)s") % {"step": _first_sentence(text)})
                    event.add(
                        "description",
                        gettext("For your appointment on %(day)s: %(step)s") % {"day": _when(booking), "step": text},
                    )
                    event.add("transp", "TRANSPARENT")
                    alarm = Alarm()
                    alarm.add("action", "DISPLAY")
                    alarm.add("description", _first_sentence(text))
                    # In the morning of the step's day (an all-day event starts at midnight).
                    alarm.add("trigger", timedelta(hours=send_hour()))
                    event.add_component(alarm)
                    calendar.add_component(event)
    return bytes(calendar.to_ical())


def _add_lasting_aftercare(calendar: Calendar, booking: Booking, steps: list[DatedStep], now: datetime) -> None:
    """The aftercare steps that last days ("for 7 days") as one event over all of them, so the phone shows the
    step on every day it applies; the one-day steps come by e-mail and on the portal's aftercare page."""
    for number, step in enumerate(steps, start=1):
        if not step.lasts_days:
            continue
        event = Event()
        event.add("uid", f"{booking.public_id}-aftercare-{step.on.isoformat()}-{number}@lasercare")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", step.on)
        event.add("dtend", step.until + timedelta(days=1))  # the day after the last: DTEND of a whole day is exclusive
        event.add(
            "summary",
            gettext("Aftercare until %(day)s: %(step)s")
            % {"day": long_date(step.until), "step": _first_sentence(step.text)},
        )
        event.add(
            "description",
            gettext("After your appointment on %(day)s: %(step)s") % {"day": _when(booking), "step": step.text},
        )
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)


def _add_appointment(calendar: Calendar, booking: Booking, where: str, now: datetime) -> None:
    event = Event()
    event.add("uid", f"{booking.public_id}@lasercare")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", booking.starts_at.astimezone(UTC))
    event.add("dtend", booking.ends_at.astimezone(UTC))
    event.add("summary", gettext("Appointment at %(practice)s") % {"practice": booking.practice.name})
    if where:
        event.add("location", where)
    event.add("status", "CONFIRMED")
    event.add("last-modified", booking.booked_at.astimezone(UTC))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", gettext("Appointment tomorrow at %(practice)s") % {"practice": booking.practice.name})
    alarm.add("trigger", timedelta(days=-1))
    event.add_component(alarm)
    calendar.add_component(event)


def _audit(
    request: HttpRequest | None, patient: Patient, detail: str, actor: StaffUser | None, actor_label: str
) -> None:
    record(
        request,
        AuditAction.UPDATE,
        "patient_calendar_feed",
        patient.public_id,
        patient_ref=patient.public_id,
        actor=actor,
        practice_id=patient.practice_id,
        actor_label=actor_label,
        detail=detail,
    )


@transaction.atomic
def issue_feed(
    request: HttpRequest | None, patient: Patient, *, actor: StaffUser | None = None, actor_label: str = ""
) -> str:
    """A new feed secret for the patient, to be shown once; any previous address stops working (rotation)."""
    PatientCalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    PatientCalendarFeed.objects.create(patient=patient, token_sha256=token_digest(token))
    _audit(request, patient, "new calendar feed address", actor, actor_label)
    return token


rotate_feed = issue_feed


@transaction.atomic
def revoke_feed(
    request: HttpRequest | None, patient: Patient, *, actor: StaffUser | None = None, actor_label: str = ""
) -> bool:
    revoked = PatientCalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        _audit(request, patient, "calendar feed revoked", actor, actor_label)
    return bool(revoked)


def feed_patient(token: str) -> Patient | None:
    """The patient whose feed this secret opens, while it is not revoked."""
    feed = (
        PatientCalendarFeed.objects.filter(token_sha256=token_digest(token), revoked_at__isnull=True)
        .select_related("patient")
        .first()
    )
    return feed.patient if feed is not None else None
