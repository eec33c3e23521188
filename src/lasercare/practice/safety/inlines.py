"""A device's laser output, edited on the device's admin page (lasercare.practice.clinic.admin.DeviceAdmin), and
the permission rule the laser-safety inlines share with the practice-scoped admin pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.clinic.roles import Action
from lasercare.practice.safety.models import DeviceBeam, IplBand


class ConfiguredByPracticeAdmin(admin.options.InlineModelAdmin[Any, Any]):
    """Rows edited on their parent's page: whoever may change the parent (a practice admin, or a superuser) may
    change them; Django's per-model permissions are not used in lasercare."""

    def _allowed(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_superuser) or (isinstance(user, StaffUser) and user.may(Action.CONFIGURE_PRACTICE))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class DeviceBeamInline(ConfiguredByPracticeAdmin, admin.StackedInline[DeviceBeam, Any]):
    model = DeviceBeam
    extra = 0


class IplBandInline(ConfiguredByPracticeAdmin, admin.TabularInline[IplBand, Any]):
    model = IplBand
    extra = 0
