"""The availability rows as the configuration admin edits them, each on its owner's page: opening hours and
closures on the location's, working hours, absences and qualifications on the staff member's, times out of
service on the room's and the device's (clinic/availability.py says what each means).

Bad input is refused with a message naming the problem: hours that run backwards or overlap on one weekday, an
absence, closure or outage wholly in the past or further ahead than bookings go.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from itertools import pairwise
from typing import Any

from django import forms
from django.contrib import admin
from django.utils import timezone

from lasercare.engine import load_knowledge
from lasercare.practice.clinic import plausible
from lasercare.practice.clinic.availability import (
    Absence,
    Closure,
    DeviceOutage,
    OpeningHours,
    Qualification,
    RoomOutage,
    Weekday,
    WorkingHours,
)
from lasercare.practice.clinic.models import Location
from lasercare.practice.safety.inlines import ConfiguredByPracticeAdmin

_TIME = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")
_DATE = forms.DateInput(attrs={"type": "date"})


def _rows(formset: forms.BaseInlineFormSet) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    """The rows kept after this save: valid, not deleted, not left empty."""
    return [
        form.cleaned_data
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
    ]


class _WeeklyForm(forms.ModelForm):  # type: ignore[type-arg]
    start_field = "opens"
    end_field = "closes"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get(self.start_field), data.get(self.end_field)
        if start is not None and end is not None and end <= start:
            self.add_error(self.end_field, f"Ends at {end:%H:%M}, before it starts at {start:%H:%M}: check the times.")
        return data


class _WeeklyFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    start_field = "opens"
    end_field = "closes"
    by = ("weekday",)

    def clean(self) -> None:
        super().clean()
        days: dict[tuple[Any, ...], list[tuple[Any, Any]]] = defaultdict(list)
        for row in _rows(self):
            start, end = row.get(self.start_field), row.get(self.end_field)
            if start is None or end is None or end <= start:
                continue
            days[tuple(row.get(key) for key in self.by)].append((start, end))
        problems = []
        names = dict(Weekday.choices)
        for key, spans in days.items():
            spans.sort()
            for (s1, e1), (s2, e2) in pairwise(spans):
                if s2 < e1:
                    problems.append(
                        f"{names.get(key[0], key[0])}: {s1:%H:%M}-{e1:%H:%M} and {s2:%H:%M}-{e2:%H:%M} overlap. "
                        "Give each time once (two ranges on a day are fine when they do not overlap)."
                    )
        if problems:
            raise forms.ValidationError(problems)


class OpeningHoursForm(_WeeklyForm):
    class Meta:
        model = OpeningHours
        fields = ("weekday", "opens", "closes")
        widgets = {"opens": _TIME, "closes": _TIME}


class OpeningHoursInline(ConfiguredByPracticeAdmin, admin.TabularInline[OpeningHours, Any]):
    model = OpeningHours
    form = OpeningHoursForm
    formset = _WeeklyFormSet
    extra = 0


class WorkingHoursForm(_WeeklyForm):
    start_field = "starts"
    end_field = "ends"

    class Meta:
        model = WorkingHours
        fields = ("weekday", "starts", "ends", "location")
        widgets = {"starts": _TIME, "ends": _TIME}


class WorkingHoursFormSet(_WeeklyFormSet):
    start_field = "starts"
    end_field = "ends"
    # A practitioner is at one place at a time: hours overlap whichever location they name.
    by = ("weekday",)


class WorkingHoursInline(ConfiguredByPracticeAdmin, admin.TabularInline[WorkingHours, Any]):
    model = WorkingHours
    form = WorkingHoursForm
    formset = WorkingHoursFormSet
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "location" and not request.user.is_superuser:
            kwargs["queryset"] = Location.objects.filter(practice_id=request.user.practice_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _check_span(form: forms.ModelForm, start_field: str, end_field: str) -> None:  # type: ignore[type-arg]
    """A time range: forwards, not wholly past when new, and within the range bookings may be made."""
    data = form.cleaned_data
    start, end = data.get(start_field), data.get(end_field)
    if start is None or end is None:
        return
    if end <= start:
        form.add_error(end_field, "It ends before it starts: check the dates and times.")
        return
    now = timezone.now()
    is_day = not hasattr(end, "hour")
    today = timezone.localdate(now)
    if form.instance.pk is None and (end < today if is_day else end <= now):
        form.add_error(end_field, "This is wholly in the past: only a time to come changes bookings.")
    ahead = today + timedelta(days=plausible.BOOKING_AHEAD_DAYS)
    if (start if is_day else timezone.localdate(start)) > ahead:
        form.add_error(start_field, "This starts more than two years ahead, beyond the days bookings can be made.")


class AbsenceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Absence
        fields = ("starts_at", "ends_at", "reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_span(self, "starts_at", "ends_at")
        return data


class AbsenceInline(ConfiguredByPracticeAdmin, admin.TabularInline[Absence, Any]):
    model = Absence
    form = AbsenceForm
    extra = 0


class QualificationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Qualification
        fields = ("modality",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        modalities = load_knowledge().modalities
        self.fields["modality"] = forms.ChoiceField(
            choices=[(code, m.name) for code, m in sorted(modalities.items())], label="Treatment"
        )


class QualificationInline(ConfiguredByPracticeAdmin, admin.TabularInline[Qualification, Any]):
    model = Qualification
    form = QualificationForm
    extra = 0
    verbose_name = "qualified for"
    verbose_name_plural = "qualified for (once any practitioner has one, only those listed are booked for it)"


class ClosureForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Closure
        fields = ("first_day", "last_day", "reason")
        widgets = {"first_day": _DATE, "last_day": _DATE}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_span_days(self)
        return data


def _check_span_days(form: forms.ModelForm) -> None:  # type: ignore[type-arg]
    data = form.cleaned_data
    first, last = data.get("first_day"), data.get("last_day")
    if first is None or last is None:
        return
    if last < first:
        form.add_error("last_day", "The last day is before the first: check the dates.")
        return
    today = timezone.localdate()
    if form.instance.pk is None and last < today:
        form.add_error("last_day", "This is wholly in the past: only a closure to come changes bookings.")
    if first > today + timedelta(days=plausible.BOOKING_AHEAD_DAYS):
        form.add_error("first_day", "This starts more than two years ahead, beyond the days bookings can be made.")


class ClosureInline(ConfiguredByPracticeAdmin, admin.TabularInline[Closure, Any]):
    model = Closure
    form = ClosureForm
    extra = 0
    verbose_name = "closure or holiday"
    verbose_name_plural = "closures and holidays"


class RoomOutageForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RoomOutage
        fields = ("starts_at", "ends_at", "reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_span(self, "starts_at", "ends_at")
        return data


class RoomOutageInline(ConfiguredByPracticeAdmin, admin.TabularInline[RoomOutage, Any]):
    model = RoomOutage
    form = RoomOutageForm
    extra = 0


class DeviceOutageForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DeviceOutage
        fields = ("starts_at", "ends_at", "reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_span(self, "starts_at", "ends_at")
        return data


class DeviceOutageInline(ConfiguredByPracticeAdmin, admin.TabularInline[DeviceOutage, Any]):
    model = DeviceOutage
    form = DeviceOutageForm
    extra = 0


EDIT_ONLY: tuple[type, ...] = (
    OpeningHoursInline,
    ClosureInline,
    WorkingHoursInline,
    AbsenceInline,
    QualificationInline,
    RoomOutageInline,
    DeviceOutageInline,
)
