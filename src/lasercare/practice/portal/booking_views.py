"""The portal's online booking pages: book the next session from the free times, move or cancel a session. Every
record is looked up among the signed-in patient's own; the service (online_booking.py) checks everything again."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lasercare.practice.portal import online_booking, records
from lasercare.practice.portal.auth import patient_required
from lasercare.practice.portal.services import PortalRefused
from lasercare.practice.portal.views import _account, _page, _viewed
from lasercare.web.dates import show_date


def _when(starts_at: datetime) -> str:
    return show_date(starts_at, "l j F Y, H:i")


@patient_required
@require_http_methods(["GET", "HEAD", "POST"])
def book(request: HttpRequest, public_id: str) -> HttpResponse:
    """Choose a time for the plan's next session."""
    account = _account(request)
    plan = records.plan(account, public_id)
    error = ""
    if request.method == "POST":
        try:
            booking = online_booking.book(request, account, str(plan.public_id), request.POST.get("time", ""))
        except PortalRefused as refusal:
            error = str(refusal)
        else:
            messages.success(
                request,
                _("Booked: %(when)s. The practice has been told. You will get a reminder before it.")
                % {"when": _when(booking.starts_at)},
            )
            return redirect("portal_appointments")
    else:
        _viewed(request, "portal_online_booking", plan.public_id)
    context = {
        "plan": plan,
        "offer": online_booking.offer(account, plan),
        "enabled": online_booking.enabled(account.practice),
        "notice_hours": account.practice.online_notice_hours,
        "error": error,
    }
    return _page(request, "portal/book.html", context, status=400 if error else 200)


@patient_required
@require_POST
def move(request: HttpRequest, public_id: str) -> HttpResponse:
    """Move a session to one of the free times offered on its change page."""
    account = _account(request)
    booking = records.appointment(account, public_id)
    try:
        moved = online_booking.move(request, account, booking, request.POST.get("time", ""))
    except PortalRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("portal_change", booking.public_id)
    messages.success(
        request,
        _("Moved to %(when)s. The practice has been told.") % {"when": _when(moved.starts_at)},
    )
    return redirect("portal_appointments")


@patient_required
@require_POST
def cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    account = _account(request)
    booking = records.appointment(account, public_id)
    try:
        online_booking.cancel(request, account, booking)
    except PortalRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("portal_change", booking.public_id)
    messages.success(request, _("Your appointment is cancelled. The practice has been told."))
    return redirect("portal_appointments")
