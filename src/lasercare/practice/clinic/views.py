"""Signing in and out, and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import client_address, record
from lasercare.practice.clinic import throttle
from lasercare.practice.clinic.access import practice_id, requires, staff_user
from lasercare.practice.clinic.models import display_name
from lasercare.practice.clinic.roles import Action
from lasercare.practice.consultations.models import Consultation, PlanStatus, TreatmentPlan
from lasercare.site.jinja import days_month_year
from lasercare.site.routes import paths_of


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        address = client_address(self.request)
        if throttle.is_locked(username, address):
            raise forms.ValidationError(
                _("Too many failed log-ins. Wait %(minutes)s minutes, or ask a practice admin to help.")
                % {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
                code="locked",
            )
        try:
            data = super().clean()
        except forms.ValidationError:
            throttle.note_failure(username, address)
            record(self.request, AuditAction.LOGIN_FAILED, "account", detail="wrong username or password")
            raise
        throttle.clear_failures(username)
        return data


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


@receiver(user_logged_in)
def _audit_login(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    request.session["last_seen"] = int(timezone.now().timestamp())
    record(request, AuditAction.LOGIN, "account", user.public_id, actor=user)


@receiver(user_logged_out)
def _audit_logout(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(request, AuditAction.LOGOUT, "account", user.public_id, actor=user)


@dataclass(frozen=True)
class Line:
    """One line of a dashboard list: the patient's name, the link (to the patient or the plan), a day, who saw them."""

    href: str
    name: str
    day_shown: str = ""
    seen_by: str = ""
    overdue: bool = False


LIST_LINES = 50  # the lines a dashboard list shows; the page says when there are more
_PATIENT = ("patient__public_id", "patient__family_name", "patient__given_names")


@requires(Action.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    practice = practice_id(request)
    today = timezone.localdate()
    # The lists show names, days and links: read as plain rows of those columns, not as models (150 rows of
    # consultations, plans, patients and accounts cost 10 ms to build), and never the intakes and plan documents
    # (some 30 KB of JSON each).
    seen_by = ("seen_by__username", "seen_by__first_name", "seen_by__last_name")
    todays = list(
        Consultation.objects.filter(practice_id=practice, held_on=today)
        .order_by("created_at")
        .values_list(*_PATIENT, *seen_by)[: LIST_LINES + 1]
    )
    awaiting = []
    if user.may(Action.VIEW_CLINICAL):
        awaiting = list(
            TreatmentPlan.objects.filter(practice_id=practice, status=PlanStatus.DRAFT)
            .order_by("created_at")
            .values_list(*_PATIENT, "consultation__held_on", "public_id", *(f"consultation__{f}" for f in seen_by))[
                :LIST_LINES
            ]
        )
    follow_ups = list(
        Consultation.objects.filter(
            practice_id=practice,
            follow_up_on__gte=today - timedelta(days=30),
            follow_up_on__lte=today + timedelta(days=7),
        )
        .order_by("follow_up_on", "pk")
        .values_list(*_PATIENT, "follow_up_on")[: LIST_LINES + 1]
    )
    patient_path, plan_path, shown = paths_of("patient"), paths_of("plan"), days_month_year()
    context: dict[str, Any] = {
        "today": today,
        "todays": [
            Line(patient_path(public_id), f"{family}, {given}", seen_by=display_name(*by))
            for public_id, family, given, *by in todays[:LIST_LINES]
        ],
        "follow_ups": [
            Line(patient_path(public_id), f"{family}, {given}", shown(day), overdue=day < today)
            for public_id, family, given, day in follow_ups[:LIST_LINES]
        ],
        # A list that goes on says so: a busy day must not look shorter than it is. (The plans awaiting sign-off
        # carry their count.)
        "more_todays": len(todays) > LIST_LINES,
        "more_follow_ups": len(follow_ups) > LIST_LINES,
        "list_lines": LIST_LINES,
    }
    if user.may(Action.VIEW_CLINICAL):
        context["awaiting"] = [
            Line(plan_path(plan_id), f"{family}, {given}", shown(day), seen_by=display_name(*by))
            for _, family, given, day, plan_id, *by in awaiting
        ]
        context["awaiting_count"] = TreatmentPlan.objects.filter(practice_id=practice, status=PlanStatus.DRAFT).count()
    record(request, AuditAction.LIST, "dashboard", detail=f"{len(todays)} today")
    return render(request, "clinic/dashboard.html", context)
