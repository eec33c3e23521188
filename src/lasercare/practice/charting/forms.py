"""The charting forms. They check what is typed and explain it; the services check what the records allow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lasercare.practice.charting.models import AdverseEventKind, Cooling, SessionChart, Severity
from lasercare.practice.charting.scales import Scale
from lasercare.practice.charting.services import CLOCK_SLACK
from lasercare.practice.charting.settings_check import number
from lasercare.practice.clinic import plausible
from lasercare.practice.clinic.models import SETTINGS

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _not_future(value: date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))


def _in_records(value: date | None) -> None:
    """Within the practice's records (two years back, clinic/plausible.py): year 1 is a typing slip."""
    if value is not None and value < timezone.localdate() - timedelta(days=plausible.BOOKING_BEHIND_DAYS):
        raise forms.ValidationError(_("This date is more than two years ago (practice policy)."))


class ChartForm(forms.Form):
    device = forms.UUIDField(widget=forms.HiddenInput)
    performed_at = forms.DateTimeField(
        label=_("Session performed at"), widget=_DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    wavelength_nm = forms.IntegerField(label=_("Wavelength (nm)"), min_value=1, max_value=20000)
    cooling = forms.ChoiceField(label=_("Cooling"), choices=Cooling.choices)
    anaesthetic = forms.CharField(
        label=_("Anaesthetic used"), required=False, max_length=200, help_text=_("Product and time applied, or none")
    )
    eyewear = forms.CharField(
        label=_("Eyewear used (in words)"),
        required=False,
        max_length=200,
        help_text=_("Filled in from the eyewear chosen below when the practice's eyewear is on record"),
    )
    eyewear_patient = forms.ChoiceField(label=_("Eyewear the patient wears"), required=False)
    eyewear_operator = forms.ChoiceField(label=_("Eyewear the operator wears"), required=False)
    eyewear_others = forms.MultipleChoiceField(
        label=_("Eyewear of everyone else present"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One item for each other person in the room"),
    )
    test_spot_result = forms.CharField(
        label=_("Test-spot result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    endpoint = forms.CharField(label=_("Immediate clinical endpoint"), required=False, max_length=300)
    treated_areas = forms.CharField(label=_("Treated areas"), max_length=300)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, eyewear_choices: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The practice's eyewear in use (lasercare.practice.safety): checked against the device before signing.
        for name in ("eyewear_patient", "eyewear_operator"):
            self.fields[name].choices = [("", "—"), *eyewear_choices]  # type: ignore[attr-defined]
        self.fields["eyewear_others"].choices = list(eyewear_choices)  # type: ignore[attr-defined]
        for name, label, unit in SETTINGS:
            self.fields[name] = forms.DecimalField(
                label=f"{label} ({unit})" if unit else label,
                required=False,
                min_value=0,
                max_digits=10,
                decimal_places=3,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )

    def setting_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label, _unit in SETTINGS]

    def clean_performed_at(self) -> Any:
        value = self.cleaned_data["performed_at"]
        if value is not None and value > timezone.now() + CLOCK_SLACK:
            raise forms.ValidationError(_("A session is charted once it has taken place: this time is still to come."))
        if value is not None:
            try:
                plausible.chart_time(value, timezone.now(), None)
            except plausible.Implausible as error:
                raise forms.ValidationError(str(error)) from None
        return value

    def clean(self) -> dict[str, Any]:
        # A draft may be saved with settings still missing; signing is refused until the treatment's required
        # settings are recorded (required_settings.toml).
        data = super().clean() or {}
        picked = [data.get("eyewear_patient"), data.get("eyewear_operator"), *(data.get("eyewear_others") or [])]
        picked = [value for value in picked if value]
        if len(picked) != len(set(picked)):
            self.add_error("eyewear_others", _("Each person wears their own eyewear: one item is chosen twice."))
        if not picked and not data.get("eyewear") and "eyewear" not in self.errors:
            self.add_error("eyewear_patient", _("Record the eyewear the patient and the operator wore."))
        return data

    @staticmethod
    def initial_from(chart: SessionChart | None, *, whole: bool = False) -> dict[str, Any]:
        """The previous session's settings and how they were delivered; what the session itself was (test spot,
        endpoint, notes) is asked anew. `whole`: all of it, to edit a draft."""
        if chart is None:
            return {}
        initial: dict[str, Any] = {name: plain(getattr(chart, name)) for name, _label, _unit in SETTINGS}
        carried = ["wavelength_nm", "cooling", "anaesthetic", "eyewear", "treated_areas"]
        if whole:
            carried += ["test_spot_result", "endpoint", "notes"]
        for name in carried:
            initial[name] = getattr(chart, name)
        return initial


def plain(value: Decimal | None) -> Decimal | None:
    """17.5, not the database's 17.500, in the form."""
    return None if value is None else Decimal(number(value))


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("Addendum"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("What is corrected or added, and why. Shown under the signed chart with your name."),
    )


class AdverseEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *AdverseEventKind.choices])
    description = forms.CharField(
        label=_("Description"), required=False, max_length=300, help_text=_("Required when the type is Other")
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, widget=forms.RadioSelect)
    onset_on = forms.DateField(label=_("Onset"), widget=_DATE, validators=[_not_future, _in_records])
    treatment = forms.CharField(label=_("Treatment given"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    chart = forms.ChoiceField(label=_("After session"), required=False)

    def __init__(self, *args: Any, charts: Sequence[SessionChart], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.charts = {str(chart.public_id): chart for chart in charts}
        self.fields["chart"].choices = [  # type: ignore[attr-defined]
            ("", _("not tied to one session")),
            *(
                (key, f"Session {chart.session_number}, {timezone.localtime(chart.performed_at):%d %b %Y}")
                for key, chart in self.charts.items()
            ),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == AdverseEventKind.OTHER and not (data.get("description") or "").strip():
            self.add_error("description", _("Describe the event when its type is Other."))
        chart = self.charts.get(data.get("chart") or "")
        data["chart"] = chart
        if chart is not None and data.get("onset_on") and data["onset_on"] < timezone.localdate(chart.performed_at):
            self.add_error("onset_on", _("The onset is before the session chosen."))
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Required: what you decided for the plan (continue, adjust settings, pause, stop)."),
    )


class ResolveForm(forms.Form):
    resolved_on = forms.DateField(label=_("Resolved on"), widget=_DATE, validators=[_not_future, _in_records])
    resolution = forms.CharField(label=_("How it resolved"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class OutcomeForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=_DATE, validators=[_not_future, _in_records])
    after_session = forms.TypedChoiceField(label=_("After session"), required=False, coerce=int, empty_value=None)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, scales: Sequence[Scale], sessions: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scales = tuple(scales)
        self.fields["after_session"].choices = [  # type: ignore[attr-defined]
            ("", _("not after a particular session")),
            *((str(n), f"Session {n}") for n in sessions),
        ]
        for scale in self.scales:
            help_text = f"{scale.source} ({scale.evidence_label})"
            field: forms.Field
            if scale.levels:
                field = forms.TypedChoiceField(
                    label=scale.name,
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[("", "—"), *((str(level.value), level.text) for level in scale.levels)],
                    help_text=help_text,
                )
            else:
                field = forms.DecimalField(
                    label=f"{scale.name} ({scale.minimum}-{scale.maximum})",
                    required=False,
                    min_value=scale.minimum,
                    max_value=scale.maximum,
                    max_digits=4,
                    decimal_places=1,
                    help_text=f"{scale.note} {help_text}",
                    widget=forms.NumberInput(attrs={"step": "0.1"}),
                )
            self.fields[scale.field] = field

    def scale_fields(self) -> list[forms.BoundField]:
        return [self[scale.field] for scale in self.scales]

    def scores(self) -> dict[str, Any]:
        return {scale.field: self.cleaned_data.get(scale.field) for scale in self.scales}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and all(data.get(scale.field) is None for scale in self.scales):
            self.add_error(None, _("Record at least one score."))
        return data
