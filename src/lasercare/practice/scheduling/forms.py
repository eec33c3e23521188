"""The booking forms: a day, a quarter-hour start, a duration, and the practice's practitioners, rooms and devices."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lasercare.practice.clinic import plausible
from lasercare.practice.clinic.models import Device, Room, StaffUser
from lasercare.practice.scheduling.models import SLOT_MINUTES
from lasercare.practice.scheduling.services import DEFAULT_MINUTES, PRACTITIONER_ROLES

_DATE = forms.DateInput(attrs={"type": "date"})
# The day's quarter hours a session may start at: 07:00 to 20:45, the opening hours of most clinics.
START_TIMES = [
    (f"{hour:02d}:{minute:02d}", f"{hour:02d}:{minute:02d}")
    for hour in range(7, 21)
    for minute in range(0, 60, SLOT_MINUTES)
]
DURATIONS = [(m, f"{m} minutes") for m in range(SLOT_MINUTES, 4 * 60 + 1, SLOT_MINUTES)]


class PractitionerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.role_label})"


class DeviceChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        # The clinic's own name for the machine; its model and modality are clinical detail (docs/security.md).
        return str(obj.name)


def practitioners(practice_id: int) -> QuerySet[StaffUser]:
    return StaffUser.objects.filter(practice_id=practice_id, role__in=PRACTITIONER_ROLES, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


class _When(forms.Form):
    day = forms.DateField(label=_("Day"), widget=_DATE)
    start = forms.ChoiceField(label=_("Start time"), choices=START_TIMES)
    minutes = forms.TypedChoiceField(
        label=_("Duration"),
        choices=DURATIONS,
        coerce=int,
        initial=DEFAULT_MINUTES,
        help_text=_("45 minutes unless you change it: the practice's policy, not a clinical figure."),
    )
    early_reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason for booking earlier than the plan allows (clinicians only)"),
        help_text=_("Only needed to book before the minimum interval or a waiting period. Shown on the booking."),
    )
    outside_hours_note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Note for booking outside opening or working hours (clinicians only)"),
        help_text=_(
            "Only needed to book when the clinic is closed or the practitioner is not working. Shown on the booking."
        ),
    )

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        try:
            plausible.booking_day(day, timezone.localdate())
        except plausible.Implausible as error:
            raise forms.ValidationError(str(error)) from None
        return day

    def starts_at(self) -> datetime:
        """The start as an aware time in the practice's time zone."""
        hours, minutes = (int(part) for part in self.cleaned_data["start"].split(":"))
        naive = datetime.combine(self.cleaned_data["day"], time(hours, minutes))
        return timezone.make_aware(naive)


class BookingForm(_When):
    session_number = forms.TypedChoiceField(label=_("Session"), coerce=int, choices=[])
    practitioner = PractitionerChoice(queryset=StaffUser.objects.none(), label=_("Practitioner"))
    room = forms.ModelChoiceField(queryset=Room.objects.none(), label=_("Room"))
    device = DeviceChoice(queryset=Device.objects.none(), label=_("Device"))

    field_order = [
        "session_number",
        "day",
        "start",
        "minutes",
        "practitioner",
        "room",
        "device",
        "early_reason",
        "outside_hours_note",
    ]

    def __init__(self, *args: Any, practice_id: int, modality: str, sessions: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session_number"].choices = [(n, f"Session {n}") for n in sessions]  # type: ignore[attr-defined]
        self.fields["practitioner"].queryset = practitioners(practice_id)  # type: ignore[attr-defined]
        self.fields["room"].queryset = Room.objects.filter(practice_id=practice_id, active=True).order_by("name")  # type: ignore[attr-defined]
        # Only the lasers that deliver the accepted treatment.
        self.fields["device"].queryset = Device.objects.filter(  # type: ignore[attr-defined]
            practice_id=practice_id, active=True, modality=modality
        ).order_by("name")


class RescheduleForm(BookingForm):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason for rescheduling"),
        help_text=_("Required. Kept with the cancelled booking."),
    )

    field_order = [
        "day",
        "start",
        "minutes",
        "practitioner",
        "room",
        "device",
        "reason",
        "early_reason",
        "outside_hours_note",
    ]

    def __init__(self, *args: Any, practice_id: int, modality: str, **kwargs: Any) -> None:
        # The booking page holds this form and the cancel form, each with a reason: ids of their own, so that each
        # label names its own field.
        kwargs.setdefault("auto_id", "reschedule_%s")
        super().__init__(*args, practice_id=practice_id, modality=modality, sessions=[], **kwargs)
        del self.fields["session_number"]

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for rescheduling."))
        return reason


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason for cancelling"),
        help_text=_("Required. Kept with the booking."),
        error_messages={"required": _("Give the reason for cancelling.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "cancel_%s")
        super().__init__(*args, **kwargs)

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for cancelling."))
        return reason
