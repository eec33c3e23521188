"""The reminders' pages: a patient's reminders for the staff, the unsubscribe link's page and the patient's calendar
feed. The last two answer to the secret in their address alone (no log-in), and show nothing of the record."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.access import in_practice, requires, staff_user
from lasercare.practice.clinic.roles import Action
from lasercare.practice.patients.models import Patient
from lasercare.practice.reminders import patient_calendar as calendars
from lasercare.practice.reminders.models import Reminder
from lasercare.practice.reminders.preferences import ReminderPreferenceForm, preference_for, unsubscribe, unsubscribing


@requires(Action.MANAGE_REMINDERS)
@require_http_methods(["GET", "HEAD", "POST"])
def patient_reminders(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The patient's planned, sent and failed reminders, and their preferences (POST changes them)."""
    patient = in_practice(request, Patient.objects.all(), public_id)
    status = 200
    if request.method == "POST":
        form = ReminderPreferenceForm.for_patient(patient, request.POST)
        if form.is_valid():
            form.save(request, patient, actor=staff_user(request))
            messages.success(request, "The reminder preferences are saved.")
            return redirect("patient_reminders", public_id=patient.public_id)
        status = 400
    else:
        form = ReminderPreferenceForm.for_patient(patient)
    reminders = list(
        Reminder.objects.filter(patient=patient).select_related("booking").order_by("-due_at", "kind")[:200]
    )
    record(
        request,
        AuditAction.VIEW,
        "reminder",
        patient_ref=patient.public_id,
        detail=f"patient's reminders, {len(reminders)} shown",
    )
    return render(
        request,
        "reminders/patient_reminders.html",
        {"patient": patient, "form": form, "reminders": reminders, "preference": preference_for(patient)},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def reminder_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every reminder: GET asks to confirm (a mail scanner that follows links opts no one out), POST
    opts the patient out of every reminder."""
    reminder = unsubscribing(token)
    if reminder is None:
        raise Http404
    done = False
    if request.method == "POST":
        unsubscribe(request, token)
        done = True
    return render(
        request,
        "reminders/unsubscribe.html",
        {"practice_name": reminder.practice.name, "done": done, "opted_out": preference_for(reminder.patient)},
    )


@require_safe
def patient_calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The patient's calendar for their calendar app. No log-in: the secret in the address is the credential."""
    patient = calendars.feed_patient(token)
    if patient is None:
        raise Http404
    body = calendars.patient_calendar(patient)
    record(
        None,
        AuditAction.LIST,
        "booking",
        patient_ref=patient.public_id,
        practice_id=patient.practice_id,
        actor_label="patient calendar feed",
        detail="patient calendar feed",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
