"""A device's laser output, edited on the device's admin page (lasercare.practice.clinic.admin.DeviceAdmin)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from lasercare.practice.safety.models import DeviceBeam, IplBand


class DeviceBeamInline(admin.StackedInline[DeviceBeam, Any]):
    model = DeviceBeam
    extra = 0


class IplBandInline(admin.TabularInline[IplBand, Any]):
    model = IplBand
    extra = 0
