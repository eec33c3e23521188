"""The audit log's filters and its patient search. Each bad value gets its own message next to its field; a filter
that cannot be read never shows the whole log instead."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from lasercare.practice.audit.models import AuditAction, RecordKind
from lasercare.practice.audit_log.reading import LogFilter
from lasercare.practice.clinic import plausible
from lasercare.practice.clinic.models import StaffUser

BAD_DAY = "Give the day as a date, such as 2026-03-01."


class StaffChoice(forms.ModelChoiceField[StaffUser]):
    def label_from_instance(self, obj: StaffUser) -> str:
        return obj.display_name

    def to_python(self, value: Any) -> StaffUser | None:
        try:
            return super().to_python(value)
        except ValidationError as error:
            # Not an id at all ("abc"): the same words as an id of nobody here, not a UUID field's own.
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from error


def kind_choices() -> list[tuple[str, str]]:
    """Every record kind the log's entries carry (RecordKind), by its label."""
    return sorted(RecordKind.choices, key=lambda choice: choice[1].casefold())


class AuditFilterForm(forms.Form):
    actor = StaffChoice(
        queryset=StaffUser.objects.none(),
        required=False,
        label="Staff member",
        empty_label="anyone",
        to_field_name="public_id",
        error_messages={"invalid_choice": "That is not one of this practice's staff: choose from the list."},
    )
    action = forms.ChoiceField(
        choices=[("", "any"), *AuditAction.choices],
        required=False,
        label="Action",
        error_messages={"invalid_choice": "That is not one of the actions: choose from the list."},
    )
    record_type = forms.ChoiceField(
        choices=[("", "any"), *kind_choices()],
        required=False,
        label="Record kind",
        error_messages={"invalid_choice": "That is not one of the record kinds: choose from the list."},
    )
    # Set by the patient search below the filters: the patient's public id, never a name, goes into the address.
    patient = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "The patient chosen could not be read: search for the patient again."},
    )
    since = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": BAD_DAY},
    )
    until = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": BAD_DAY},
    )

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["actor"]
        assert isinstance(field, StaffChoice)
        field.queryset = StaffUser.objects.filter(practice_id=practice_id).order_by("username")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        for name in ("since", "until"):
            day = data.get(name)
            if day is None:
                continue
            try:
                plausible.audit_day(day, today)
            except plausible.Implausible as refusal:
                self.add_error(name, str(refusal))
        since, until = data.get("since"), data.get("until")
        if since and until and since > until and not self.has_error("since") and not self.has_error("until"):
            self.add_error(
                "until",
                f"The range runs backwards: “To” ({plausible.day_text(until)}) is before “From” "
                f"({plausible.day_text(since)}).",
            )
        return data

    def chosen(self) -> LogFilter:
        data = self.cleaned_data
        return LogFilter(
            actor=data.get("actor"),
            action=data.get("action") or "",
            record_type=data.get("record_type") or "",
            patient_ref=str(data["patient"]) if data.get("patient") else "",
            since=data.get("since"),
            until=data.get("until"),
        )


class PatientSearchForm(forms.Form):
    """POSTed, so the name typed never reaches an address, a browser's history or a server's access log."""

    name = forms.CharField(
        label="Find a patient",
        max_length=100,
        help_text="Name, date of birth or phone number",
        error_messages={"required": "Type the patient's name, date of birth or phone number to search."},
    )
