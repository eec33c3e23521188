"""The audit log page, for practice admins: filter by person, action, record kind, patient and day."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lasercare.practice.audit.models import AuditAction, AuditEntry
from lasercare.practice.clinic.access import practice_id, requires
from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.clinic.roles import Action


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        queryset=StaffUser.objects.none(), required=False, label=_("Person"), to_field_name="public_id"
    )
    action = forms.ChoiceField(choices=[("", _("any")), *AuditAction.choices], required=False, label=_("Action"))
    record_type = forms.ChoiceField(
        required=False,
        label=_("Record"),
        choices=[
            ("", _("any")),
            *((k, k) for k in ("patient", "consultation", "plan", "account", "dashboard", "page")),
        ],
    )
    patient = forms.UUIDField(required=False, label=_("Patient id"), help_text=_("The id shown on the patient's page"))
    since = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))


@requires(Action.VIEW_AUDIT_LOG)
def audit_log(request: HttpRequest) -> HttpResponse:
    practice = practice_id(request)
    form = AuditFilterForm(request.GET or None)
    form.fields["actor"].queryset = StaffUser.objects.filter(practice_id=practice).order_by("username")  # type: ignore[attr-defined]
    entries = AuditEntry.objects.filter(practice_id=practice).select_related("actor")
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor=data["actor"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["record_type"]:
            entries = entries.filter(record_type=data["record_type"])
        if data["patient"]:
            entries = entries.filter(patient_ref=str(data["patient"]))
        zone = timezone.get_current_timezone()
        if data["since"]:
            entries = entries.filter(at__gte=datetime.combine(data["since"], time.min, zone))
        if data["until"]:
            entries = entries.filter(at__lte=datetime.combine(data["until"], time.max, zone))
    page = Paginator(entries.order_by("-at", "-pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()})
