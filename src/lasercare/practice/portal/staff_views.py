"""The practice's side of the portal: inviting a patient or closing their access, and handling what patients send
(appointment change requests, side-effect reports)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.access import in_practice, requires, staff_user
from lasercare.practice.clinic.roles import Action
from lasercare.practice.patients.models import Patient
from lasercare.practice.portal import services
from lasercare.practice.portal.forms import StaffNoteForm
from lasercare.practice.portal.models import ChangeRequest, PatientAccount, SideEffectReport
from lasercare.practice.portal.side_effects import symptoms


@requires(Action.INVITE_TO_PORTAL)
@require_POST
def invite(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = in_practice(request, Patient.objects.select_related("practice"), public_id)
    try:
        account = services.invite(request, staff_user(request), patient)
    except services.PortalRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Invitation sent to %(address)s. The link works once, for %(days)d days.")
            % {"address": services.masked_email(account.email), "days": settings.PORTAL_INVITATION_DAYS},
        )
    return redirect("patient", public_id=patient.public_id)


@requires(Action.INVITE_TO_PORTAL)
@require_POST
def close(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = in_practice(request, Patient.objects.all(), public_id)
    account = PatientAccount.objects.filter(patient=patient, is_active=True).first()
    if account is not None:
        services.close_access(request, staff_user(request), account)
        messages.success(request, _("Portal access closed. A new invitation would open it again."))
    return redirect("patient", public_id=patient.public_id)


@requires(Action.BOOK_SESSIONS)
@require_safe
def change_request(request: HttpRequest, public_id: str) -> HttpResponse:
    change = in_practice(
        request,
        ChangeRequest.objects.select_related("patient", "booking__practitioner", "consent", "handled_by"),
        public_id,
    )
    record(request, AuditAction.VIEW, "change_request", change.public_id, patient_ref=change.patient.public_id)
    return render(request, "portal/staff/change_request.html", {"change": change, "form": StaffNoteForm()})


@requires(Action.BOOK_SESSIONS)
@require_POST
def change_request_handled(request: HttpRequest, public_id: str) -> HttpResponse:
    change = in_practice(request, ChangeRequest.objects.select_related("patient"), public_id)
    form = StaffNoteForm(request.POST)
    staff = staff_user(request)
    if form.is_valid() and services.mark_change_handled(request, staff, change, form.cleaned_data["note"]):
        messages.success(request, _("Marked as handled."))
    return redirect("change_requests")


@requires(Action.VIEW_CLINICAL)
@require_safe
def side_effect_report(request: HttpRequest, public_id: str) -> HttpResponse:
    report = in_practice(
        request, SideEffectReport.objects.select_related("patient", "booking", "plan", "reviewed_by"), public_id
    )
    record(request, AuditAction.VIEW, "side_effect_report", report.public_id, patient_ref=report.patient.public_id)
    table = symptoms()
    context = {
        "report": report,
        "symptoms": [table[code] for code in report.symptoms if code in table],
        "form": StaffNoteForm(),
        "may_review": staff_user(request).may(Action.RECORD_ADVERSE_EVENT),
    }
    return render(request, "portal/staff/side_effect_report.html", context)


@requires(Action.RECORD_ADVERSE_EVENT)
@require_POST
def side_effect_reviewed(request: HttpRequest, public_id: str) -> HttpResponse:
    report = in_practice(request, SideEffectReport.objects.select_related("patient"), public_id)
    form = StaffNoteForm(request.POST)
    staff = staff_user(request)
    if form.is_valid() and services.mark_report_reviewed(request, staff, report, form.cleaned_data["note"]):
        messages.success(request, _("Marked as reviewed."))
    return redirect("side_effect_reports")
