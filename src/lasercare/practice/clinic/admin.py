"""The Django admin, for practice configuration only: locations, rooms, devices, staff, price list and clinic
policy (with the setting ranges it allows by phototype).

Clinical records are not here (the clinicians' workspace is the app itself). A practice admin sees and edits
only their own practice; a superuser (who runs the installation) sees every practice.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import password_validation
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest

from lasercare.engine import load_knowledge
from lasercare.practice.clinic import admin_availability as availability
from lasercare.practice.clinic.models import (
    SETTINGS,
    Device,
    Location,
    PhototypeSettingRange,
    PolicySetting,
    Practice,
    PriceListItem,
    Room,
    StaffUser,
)
from lasercare.practice.clinic.policy import check_policy, parse_policy_value
from lasercare.practice.clinic.roles import Action
from lasercare.practice.safety.inlines import DeviceBeamInline, IplBandInline

admin.site.unregister(Group)


def _is_practice_admin(request: HttpRequest) -> bool:
    user = request.user
    return isinstance(user, StaffUser) and user.may(Action.CONFIGURE_PRACTICE)


class PracticeScoped(admin.ModelAdmin[Any]):
    """Rows of the admin's own practice only; new rows belong to it."""

    practice_field = "practice"
    # The availability rows are added once their owner exists: the add page stays as it was.
    edit_only_inlines: tuple[type, ...] = availability.EDIT_ONLY

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        inlines = super().get_inlines(request, obj)
        return inlines if obj is not None else [i for i in inlines if i not in self.edit_only_inlines]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser) or _is_practice_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission
    has_delete_permission = has_view_permission

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(**{f"{self.practice_field}_id": request.user.practice_id})  # type: ignore[union-attr]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if request.user.is_superuser else (self.practice_field,)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            setattr(obj, f"{self.practice_field}_id", request.user.practice_id)  # type: ignore[union-attr]
        super().save_model(request, obj, form, change)


@admin.register(Practice)
class PracticeAdmin(PracticeScoped):
    list_display = ("name", "currency")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = Practice.objects.all()
        return rows if request.user.is_superuser else rows.filter(pk=getattr(request.user, "practice_id", None) or 0)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Location)
class LocationAdmin(PracticeScoped):
    list_display = ("name", "phone")
    inlines = [availability.OpeningHoursInline, availability.ClosureInline]


class StaffCreationForm(forms.ModelForm):  # type: ignore[type-arg]
    password = forms.CharField(
        widget=forms.PasswordInput, help_text="At least 12 characters. The person changes it after the first log-in."
    )

    class Meta:
        model = StaffUser
        fields = ("username", "first_name", "last_name", "email", "role", "professional_title")

    def clean(self) -> dict[str, Any]:
        # As Django's UserCreationForm: the validators see the new person's name and e-mail, so every form that
        # sets a staff password follows AUTH_PASSWORD_VALIDATORS (this one accepted "a").
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            person = StaffUser(
                **{key: cleaned.get(key, "") for key in ("username", "first_name", "last_name", "email")}
            )
            try:
                password_validation.validate_password(password, person)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned

    def save(self, commit: bool = True) -> StaffUser:
        user: StaffUser = super().save(commit=False)
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


@admin.register(StaffUser)
class StaffAdmin(PracticeScoped, UserAdmin[StaffUser]):
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    inlines = [availability.WorkingHoursInline, availability.AbsenceInline, availability.QualificationInline]
    add_form = StaffCreationForm
    add_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email", "role", "professional_title", "password")}),
    )
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "professional_title")}),
        ("Role", {"fields": ("role", "is_active")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser and obj is not None:
            fieldsets = (*fieldsets, ("Installation", {"fields": ("practice", "is_staff", "is_superuser")}))
        return fieldsets

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Practice admins reach the admin; other roles never do.
        obj.is_staff = obj.role == "practice_admin" or obj.is_superuser
        super().save_model(request, obj, form, change)


class PolicySettingForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PolicySetting
        fields = ("key", "value")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = load_knowledge().policy.values
        self.fields["key"] = forms.ChoiceField(
            choices=[
                (key, f"{key}: {value.label} (default {value.value!r})") for key, value in sorted(defaults.items())
            ],
            label="Policy value",
        )

    practice: Practice | None = None  # set by the admin for the practice being configured

    def clean_value(self) -> str:
        text: str = self.cleaned_data["value"]
        try:
            parse_policy_value(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        practice = self.practice or getattr(self.instance, "practice", None)
        if practice is None or "key" not in data or "value" not in data:
            return data
        # The engine judges the practice's whole policy as it would be after this change.
        others = [s for s in PolicySetting.objects.filter(practice=practice) if s.key != data["key"]]
        candidate = PolicySetting(practice=practice, key=data["key"], value=data["value"])
        problems = check_policy(practice, [*others, candidate], list(PriceListItem.objects.filter(practice=practice)))
        if problems:
            raise forms.ValidationError(list(problems))
        return data


@admin.register(PolicySetting)
class PolicySettingAdmin(PracticeScoped):
    form = PolicySettingForm
    list_display = ("key", "value", "changed_at")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        practice = getattr(request.user, "practice", None)
        if obj is not None:
            practice = obj.practice
        return type("PracticePolicySettingForm", (form,), {"practice": practice})


@admin.register(PriceListItem)
class PriceListItemAdmin(PracticeScoped):
    list_display = ("modality", "per_session", "currency")

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "modality":
            modalities = load_knowledge().modalities
            return forms.ChoiceField(
                choices=[(code, m.name) for code, m in sorted(modalities.items())], label="Treatment"
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def _modality_field() -> forms.ChoiceField:
    modalities = load_knowledge().modalities
    return forms.ChoiceField(choices=[(code, m.name) for code, m in sorted(modalities.items())], label="Treatment")


@admin.register(Room)
class RoomAdmin(PracticeScoped):
    list_display = ("name", "location", "active")
    inlines = [availability.RoomOutageInline]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "location" and not request.user.is_superuser:
            kwargs["queryset"] = Location.objects.filter(practice_id=request.user.practice_id)  # type: ignore[union-attr,misc]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _check_ranges(data: dict[str, Any], pairs: list[tuple[str, str, str]]) -> None:
    problems = {}
    for low, high, label in pairs:
        if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
            problems[high] = f"The largest {label} is below the smallest."
    if problems:
        raise forms.ValidationError(problems)


class DeviceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Device
        fields = "__all__"

    def clean_wavelengths_nm(self) -> str:
        text: str = self.cleaned_data["wavelengths_nm"]
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not parts or not all(part.isdigit() and 100 <= int(part) <= 20000 for part in parts):
            raise forms.ValidationError("Give the wavelengths in nm as whole numbers separated by commas: 755, 1064")
        return ", ".join(parts)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_ranges(data, [(f"{name}_min", f"{name}_max", label.lower()) for name, label, _ in SETTINGS])
        return data


@admin.register(Device)
class DeviceAdmin(PracticeScoped):
    form = DeviceForm
    # Its laser output (for lasercare.practice.safety), and the times it is out of service.
    inlines = [DeviceBeamInline, IplBandInline, availability.DeviceOutageInline]
    list_display = ("name", "model", "modality", "wavelengths_nm", "serial_number", "active", "limits_on_record")
    readonly_fields = ("limits_on_record",)
    fieldsets = (
        (None, {"fields": ("name", "manufacturer", "model", "serial_number", "modality", "wavelengths_nm", "active")}),
        (
            "Limits from the manufacturer's manual (leave empty where it gives none)",
            {
                "fields": (
                    "limits_on_record",
                    "limits_source",
                    *(f"{name}_{end}" for name, _, _ in SETTINGS for end in ("min", "max")),
                )
            },
        ),
    )

    @admin.display(description="Limits on record")
    def limits_on_record(self, device: Device) -> str:
        # Without limits a chart's settings are checked against nothing: the warning is where the admin types them.
        if device.pk is not None and device.has_limits:
            return f"Yes ({device.limits_source})" if device.limits_source else "Yes"
        return "None on record: charts on this device are not checked against its limits"

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        device = self.get_object(request, object_id)
        if device is not None and not device.has_limits and request.method == "GET":
            messages.warning(
                request,
                "This device has no limits on record: charts on it are not checked. Type in the limits from the "
                "manufacturer's manual.",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return ((None, {"fields": ("practice",)}), *self.fieldsets)
        return self.fieldsets

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "modality":
            return _modality_field()
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class SettingRangeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PhototypeSettingRange
        fields = "__all__"

    def clean_phototypes(self) -> str:
        types = [part.strip().upper() for part in self.cleaned_data["phototypes"].split(",") if part.strip()]
        if not types or any(t not in ("I", "II", "III", "IV", "V", "VI") for t in types):
            raise forms.ValidationError("Give Fitzpatrick types I to VI separated by commas, e.g. IV, V, VI")
        return ", ".join(types)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("minimum") is None and data.get("maximum") is None:
            raise forms.ValidationError("Give a minimum, a maximum or both.")
        _check_ranges(data, [("minimum", "maximum", "value")])
        return data


@admin.register(PhototypeSettingRange)
class PhototypeSettingRangeAdmin(PracticeScoped):
    form = SettingRangeForm
    list_display = ("modality", "phototypes", "setting", "minimum", "maximum")

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "modality":
            return _modality_field()
        return super().formfield_for_dbfield(db_field, request, **kwargs)
