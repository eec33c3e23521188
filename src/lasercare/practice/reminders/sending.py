"""Sending the reminders that are due: the dispatcher, and sending one e-mail exactly once.

`dispatch_due(now)` claims each due reminder (one UPDATE that only one dispatcher can win) and queues the
`send_reminder` job for it (tasks.py): in-process in the embedded default, on RQ workers in production. A claim
holds for CLAIM_MINUTES; a job lost with its worker is picked up again after that.

`send(reminder_id)` locks the reminder's row, sends only if it is still pending, and marks it sent in the same
transaction: two jobs for one reminder (two dispatchers, a retried job) send one e-mail. Should the process die
between the mail server's acceptance and the commit, the reminder is sent again later: at least once, never twice
in any run that completes. A failed send is tried again after RETRY_MINUTES, doubled each time, and after
MAX_ATTEMPTS it is marked failed for the staff to see.
"""

from __future__ import annotations

import functools
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lasercare.documents.care_dates import DatedStep
from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.contact import contact_for
from lasercare.practice.clinic.models import Location
from lasercare.practice.reminders.models import Reminder, ReminderKind, ReminderStatus
from lasercare.practice.reminders.planning import care_steps
from lasercare.practice.reminders.preferences import preference_for, token_digest
from lasercare.practice.scheduling.models import ACTIVE_STATUSES
from lasercare.practice.selfassessment.knowledge_text import care_text
from lasercare.web.dates import show_date
from lasercare.web.languages import language_of
from lasercare.web.public import public_link

MAX_ATTEMPTS = 5
RETRY_MINUTES = 5  # then 10, 20, 40: a mail server that is down for a restart or an hour is waited out
CLAIM_MINUTES = 10
BATCH = 200


def dispatch_due(now: datetime | None = None, *, limit: int = BATCH) -> int:
    """Queue a send job for each reminder due at `now`; the number queued."""
    from lasercare.practice.reminders.tasks import send_reminder

    now = now or timezone.now()
    due = list(
        Reminder.objects.filter(status=ReminderStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", "next_attempt_at")[:limit]
    )
    queued = 0
    for pk, seen in due:
        # The claim: only the dispatcher whose UPDATE still finds the time it read moves it on and queues the job.
        claimed = Reminder.objects.filter(pk=pk, status=ReminderStatus.PENDING, next_attempt_at=seen).update(
            next_attempt_at=now + timedelta(minutes=CLAIM_MINUTES)
        )
        if claimed:
            transaction.on_commit(functools.partial(send_reminder.enqueue, pk))
            queued += 1
    return queued


def _too_late(reminder: Reminder, now: datetime) -> bool:
    """A reminder is for its day: after that day (or, for the appointment, once the session has begun) it is not
    sent, for the reason planning.py gives."""
    if reminder.kind == ReminderKind.APPOINTMENT:
        return now >= reminder.booking.starts_at
    return timezone.localdate(now) > timezone.localdate(reminder.due_at)


def _close(reminder: Reminder, status: ReminderStatus, note: str) -> str:
    reminder.status = status
    reminder.note = note
    reminder.save(update_fields=["status", "note"])
    return str(status)


def send(reminder_id: int, now: datetime | None = None) -> str:
    """Send one reminder if it is still to be sent; what became of it ("sent", "skipped", "pending" after a failed
    attempt, ...)."""
    now = now or timezone.now()
    with transaction.atomic():
        # Wait for the row, never skip it: a losing dispatcher's claim UPDATE holds the row's lock for a moment
        # while PostgreSQL rechecks it, and skipping then left the winner's reminder unsent until the claim ran
        # out. A second job for the same reminder waits out the first and finds it no longer pending.
        reminder = (
            Reminder.objects.select_for_update(of=("self",))
            .select_related("patient", "practice", "booking", "booking__plan", "booking__room__location")
            .filter(pk=reminder_id, status=ReminderStatus.PENDING)
            .first()
        )
        if reminder is None:
            return "not pending"
        booking = reminder.booking
        if booking.status not in ACTIVE_STATUSES:
            return _close(reminder, ReminderStatus.CANCELLED, "the session was cancelled")
        if _too_late(reminder, now):
            return _close(reminder, ReminderStatus.SKIPPED, "its day passed before it could be sent")
        preference = preference_for(reminder.patient)
        if preference.opted_out_at is not None:
            return _close(reminder, ReminderStatus.SKIPPED, "the patient opted out of reminders")
        if not preference.wants(reminder.kind):
            return _close(reminder, ReminderStatus.SKIPPED, "the patient does not want this kind of reminder")
        if not reminder.patient.email:
            return _close(reminder, ReminderStatus.SKIPPED, "the patient has no e-mail address")
        token = secrets.token_urlsafe(32)
        message = compose(reminder, token)
        if message is None:
            return _close(reminder, ReminderStatus.SKIPPED, "the plan has no step for that day any more")
        reminder.attempts += 1
        try:
            message.send(fail_silently=False)
        except Exception as error:
            return _failed(reminder, error, now)
        reminder.status = ReminderStatus.SENT
        reminder.sent_at = now
        reminder.last_error = ""
        reminder.unsubscribe_sha256 = token_digest(token)
        reminder.save(update_fields=["status", "sent_at", "attempts", "last_error", "unsubscribe_sha256"])
        record(
            None,
            AuditAction.CREATE,
            "reminder",
            reminder.public_id,
            patient_ref=reminder.patient.public_id,
            practice_id=reminder.practice_id,
            actor_label="reminders",
            detail=f"{reminder.kind} e-mail sent",
        )
        return "sent"


def _failed(reminder: Reminder, error: Exception, now: datetime) -> str:
    # The error's kind and SMTP code only: a server's message can quote the recipient's address.
    code = getattr(error, "smtp_code", None)
    reminder.last_error = f"{type(error).__name__}" + (f" (SMTP {code})" if code else "")
    if reminder.attempts >= MAX_ATTEMPTS:
        reminder.status = ReminderStatus.FAILED
        reminder.note = f"gave up after {reminder.attempts} attempts"
    else:
        reminder.next_attempt_at = now + timedelta(minutes=RETRY_MINUTES * 2 ** (reminder.attempts - 1))
    reminder.save(update_fields=["status", "note", "attempts", "last_error", "next_attempt_at"])
    return str(reminder.status)


def long_date(day: date) -> str:
    """ "Thursday 3 December 2026" ("jueves 3 de diciembre de 2026"), in the reader's language."""
    return show_date(day, "l j F Y")


def _place(reminder: Reminder) -> dict[str, str]:
    room = reminder.booking.room
    location = room.location if room is not None and room.location_id else None
    if location is None:
        location = Location.objects.filter(practice_id=reminder.practice_id).order_by("pk").first()
    if location is None:
        return {"name": "", "address": "", "phone": ""}
    return {"name": location.name, "address": location.address, "phone": location.phone}


def _step_words(step: DatedStep) -> str:
    """A step as the e-mail lists it: one that lasts days ("for 7 days") comes on its first day and says its last,
    so the e-mail covers every day it applies."""
    if step.lasts_days:
        return gettext("Until %(day)s: %(step)s") % {"day": long_date(step.until), "step": care_text(step.text)}
    return care_text(step.text)


def context_for(reminder: Reminder, token: str) -> dict[str, Any] | None:
    """What the e-mail says. Nothing of the patient's record beyond the session's time and place and the steps of
    care for the day: no name, no treatment, no finding."""
    booking = reminder.booking
    starts = timezone.localtime(booking.starts_at)
    steps: list[str] = []
    day = starts.date()
    if reminder.kind != ReminderKind.APPOINTMENT:
        day = date.fromisoformat(reminder.step_key.split(" ", 1)[1])
        steps = [_step_words(step) for step in care_steps(booking).get((ReminderKind(reminder.kind), day), [])]
        if not steps:
            return None
    return {
        "kind": str(reminder.kind),
        "practice_name": reminder.practice.name,
        "place": _place(reminder),
        "contact": contact_for(reminder.practice),
        "session_day": long_date(starts.date()),
        "session_time": f"{starts:%H:%M}",
        "day": long_date(day),
        "is_session_day": day == starts.date(),
        "steps": steps,
        "portal_url": public_link(reverse("portal_home")),
        "unsubscribe_url": public_link(reverse("reminder_unsubscribe", kwargs={"token": token})),
    }


def subject_for(kind: str, context: dict[str, Any]) -> str:
    if kind == ReminderKind.PREPARATION:
        return gettext("Preparing for your appointment on %(day)s") % {"day": context["session_day"]}
    if kind == ReminderKind.AFTERCARE:
        return gettext("Aftercare after your appointment on %(day)s") % {"day": context["session_day"]}
    return gettext("Your appointment on %(day)s at %(time)s") % {
        "day": context["session_day"],
        "time": context["session_time"],
    }


def compose(reminder: Reminder, token: str) -> EmailMessage | None:
    """The e-mail, in the patient's language."""
    with translation.override(language_of(reminder.patient)):
        context = context_for(reminder, token)
        if context is None:
            return None
        body = render_to_string("reminders/email/reminder.txt", context)
        subject = subject_for(reminder.kind, context)
    return EmailMessage(
        subject=f"{subject} · {reminder.practice.name}",
        body=body,
        to=[reminder.patient.email],
        headers={"List-Unsubscribe": f"<{context['unsubscribe_url']}>"},
    )
