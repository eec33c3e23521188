"""Laser-safety pages: the practice's devices with what they call for, a device's laser-controlled-area sign (PDF),
and the laser safety officer's override of a chart's eyewear check. Views check access and call the services."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from lasercare.documents.handout import render_pdf
from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.charting.models import SessionChart
from lasercare.practice.clinic.access import in_practice, practice_id, requires, staff_user
from lasercare.practice.clinic.models import Device
from lasercare.practice.clinic.roles import Action
from lasercare.practice.safety import services
from lasercare.practice.safety.models import Eyewear


@requires(Action.VIEW_DASHBOARD)
def laser_safety(request: HttpRequest) -> HttpResponse:
    """The practice's devices, eyewear and laser safety officers."""
    practice = practice_id(request)
    devices = list(Device.objects.filter(practice_id=practice).order_by("-active", "name"))
    eyewear = list(Eyewear.objects.filter(practice_id=practice).prefetch_related("ratings").order_by("-active", "name"))
    context = {
        "devices": [(device, services.recorded(device)) for device in devices],
        "eyewear": eyewear,
        "officers": services.officers(practice),
    }
    return render(request, "safety/laser_safety.html", context)


@requires(Action.VIEW_DASHBOARD)
def device_safety(request: HttpRequest, public_id: str) -> HttpResponse:
    device = in_practice(request, Device.objects.all(), public_id)
    return render(request, "safety/device.html", services.device_sheet(device))


@requires(Action.VIEW_DASHBOARD)
def device_sign(request: HttpRequest, public_id: str) -> HttpResponse:
    """The device's laser-controlled-area sign, to print and put on the treatment room's door."""
    device = in_practice(request, Device.objects.all(), public_id)
    record(request, AuditAction.PRINT, "device", device.public_id, detail="laser-controlled-area sign")
    context = {**services.device_sheet(device), "printed_on": timezone.localdate()}
    response = HttpResponse(render_pdf(render_to_string("safety/sign.html", context)), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="laser-controlled-area.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@requires(Action.CHART_SESSION)
@require_POST
def eyewear_override(request: HttpRequest, public_id: str) -> HttpResponse:
    """A laser safety officer lets a draft chart be signed although its eyewear falls short, with the reason."""
    chart = in_practice(request, SessionChart.objects.select_related("patient", "device"), public_id)
    try:
        services.record_override(request, staff_user(request), chart, request.POST.get("reason", ""))
    except services.SafetyRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Override recorded: the chart can now be signed.")
    return redirect("chart", public_id=chart.public_id)
