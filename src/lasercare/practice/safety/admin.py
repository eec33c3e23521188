"""The admin for laser safety: the eyewear inventory with its ratings, the practice's laser safety officers, and
each device's laser output (inlines on the device, in lasercare.practice.clinic.admin). Practice-scoped as the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.http import HttpRequest

from lasercare.practice.clinic.admin import PracticeScoped
from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.safety.inlines import ConfiguredByPracticeAdmin
from lasercare.practice.safety.models import Eyewear, EyewearRating, LaserSafetyOfficer


class EyewearRatingInline(ConfiguredByPracticeAdmin, admin.TabularInline[EyewearRating, Any]):
    model = EyewearRating
    extra = 1


@admin.register(Eyewear)
class EyewearAdmin(PracticeScoped):
    list_display = ("name", "wearer", "serial_number", "active")
    list_filter = ("active", "wearer")
    inlines = [EyewearRatingInline]


class OfficerForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = LaserSafetyOfficer
        fields = ["staff", "appointed_on"]


@admin.register(LaserSafetyOfficer)
class LaserSafetyOfficerAdmin(PracticeScoped):
    form = OfficerForm
    practice_field = "staff__practice"
    list_display = ("staff", "appointed_on")

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        admin.ModelAdmin.save_model(self, request, obj, form, change)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "staff" and not request.user.is_superuser:
            user = request.user
            assert isinstance(user, StaffUser)
            kwargs["queryset"] = StaffUser.objects.filter(practice=user.practice, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return rows
        user = request.user
        assert isinstance(user, StaffUser)
        return rows.filter(staff__practice=user.practice)
