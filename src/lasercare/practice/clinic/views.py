"""Signing in and out, and the dashboard."""

from __future__ import annotations

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
from lasercare.practice.clinic.roles import Action
from lasercare.practice.consultations.models import Consultation, PlanStatus, TreatmentPlan


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


_PATIENT_LINK = ("patient__public_id", "patient__family_name", "patient__given_names")
_STAFF_NAME = ("seen_by__username", "seen_by__first_name", "seen_by__last_name")


@requires(Action.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    practice = practice_id(request)
    today = timezone.localdate()
    # The lists show names, dates and links, so only those columns are read: not the intakes and plan documents
    # (some 30 KB of JSON each), nor the rest of each patient and account.
    todays = (
        Consultation.objects.filter(practice_id=practice, held_on=today)
        .select_related("patient", "seen_by")
        .only("patient", "seen_by", *_PATIENT_LINK, *_STAFF_NAME)
        .order_by("created_at")[:50]
    )
    context: dict[str, Any] = {"today": today, "todays": todays}
    if user.may(Action.VIEW_CLINICAL):
        context["awaiting"] = (
            TreatmentPlan.objects.filter(practice_id=practice, status=PlanStatus.DRAFT)
            .select_related("patient", "consultation__seen_by")
            .only(
                "public_id",
                "patient",
                "consultation__held_on",
                "consultation__seen_by",
                *_PATIENT_LINK,
                *(f"consultation__{name}" for name in _STAFF_NAME),
            )
            .order_by("created_at")[:50]
        )
        context["awaiting_count"] = TreatmentPlan.objects.filter(practice_id=practice, status=PlanStatus.DRAFT).count()
    context["follow_ups"] = (
        Consultation.objects.filter(
            practice_id=practice,
            follow_up_on__gte=today - timedelta(days=30),
            follow_up_on__lte=today + timedelta(days=7),
        )
        .select_related("patient")
        .only("follow_up_on", "patient", *_PATIENT_LINK)
        .order_by("follow_up_on", "pk")[:50]
    )
    record(request, AuditAction.LIST, "dashboard", detail=f"{len(todays)} today")
    return render(request, "clinic/dashboard.html", context)


def password_change_view() -> Any:
    return auth_views.PasswordChangeView.as_view(template_name="registration/password_change_form.html")
