"""The consultation form: it mirrors contracts/intake.schema.json and builds the intake the engine reads.

The engine is the one judge of an intake: `IntakeForm.clean` hands it the document and puts the engine's
message beside the field it names, so the form and `lasercare plan` can never disagree.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lasercare.engine import IntakeError, read_intake
from lasercare.practice import labels
from lasercare.practice.clinic import plausible
from lasercare.practice.clinic.models import Location, Practice
from lasercare.practice.consultations.models import SUITABILITIES, OverrideKind
from lasercare.practice.consultations.questionnaire import questions
from lasercare.practice.patients.models import Patient

MEDICATION_ROWS = 6
PROCEDURE_ROWS = 3
_DATE = forms.DateInput(attrs={"type": "date"})


def _blank(choices: dict[Any, Any], blank: str = "—") -> list[tuple[Any, Any]]:
    return [("", blank), *choices.items()]


class IntakeForm(forms.Form):
    held_on = forms.DateField(label=_("Consultation day"), widget=_DATE)
    location = forms.ModelChoiceField(queryset=Location.objects.none(), required=False, label=_("Location"))
    pregnant = forms.BooleanField(required=False, label=_("Pregnant"))
    breastfeeding = forms.BooleanField(required=False, label=_("Breastfeeding"))

    fitzpatrick = forms.ChoiceField(
        required=False,
        label=_("Phototype assessed by the clinician"),
        choices=[("", _("not assessed")), *((t, t) for t in ("I", "II", "III", "IV", "V", "VI"))],
    )
    ita_deg = forms.FloatField(
        required=False,
        label=_("ITA° from a calibrated photo"),
        min_value=-90,
        max_value=90,
        help_text=_("Individual Typology Angle, −90 to 90"),
    )

    conditions = forms.MultipleChoiceField(
        required=False,
        label=_("Conditions"),
        choices=list(labels.CONDITIONS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    last_sun_exposure_on = forms.DateField(required=False, label=_("Last tan, sunburn or self-tanner"), widget=_DATE)
    allergies = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Allergies"),
        help_text=_(
            "One per line, as the patient names them, with the reaction if known (lidocaine: hives). Numbing "
            "creams, latex, plasters, antiseptics and antivirals change the day of treatment."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    max_downtime_days = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=plausible.MOST_DOWNTIME_DAYS,
        label=_("Most downtime acceptable (days)"),
        help_text=_("0 to 365 days (practice policy)."),
    )
    max_sessions = forms.IntegerField(required=False, min_value=1, label=_("Most sessions acceptable"))
    # Nine digits: a course's budget in any currency fits; a 400-digit number is a slip, refused with the range.
    budget = forms.DecimalField(required=False, min_value=0, max_digits=9, decimal_places=2, label=_("Budget"))
    currency = forms.RegexField(
        regex=r"^[A-Z]{3}$",
        required=False,
        max_length=3,
        label=_("Currency"),
        error_messages={"invalid": _("Use a three-letter code such as EUR.")},
    )
    ready_by = forms.DateField(required=False, label=_("An event to be ready for"), widget=_DATE)

    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Clinical notes"))
    follow_up_on = forms.DateField(required=False, label=_("Follow up on"), widget=_DATE)

    def __init__(self, *args: Any, patient: Patient, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.intake: dict[str, Any] | None = None
        self.fields["location"].queryset = Location.objects.filter(practice=practice)  # type: ignore[attr-defined]
        for question in questions():
            self.fields[f"q{question.number}"] = forms.TypedChoiceField(
                required=False,
                coerce=int,
                empty_value=None,
                label=f"{question.number}. {question.text}",
                choices=[
                    ("", "—"),
                    *((str(score), f"{score}: {answer}") for score, answer in enumerate(question.answers)),
                ],
            )
        for code, label in labels.CONCERNS.items():
            self.fields[f"concern_{code}"] = forms.BooleanField(required=False, label=label)
            # The visible labels repeat on every row; screen readers hear which concern each one belongs to.
            self.fields[f"severity_{code}"] = forms.TypedChoiceField(
                required=False,
                coerce=int,
                empty_value=None,
                label=_("Severity"),
                choices=_blank(labels.SEVERITIES),
                widget=forms.Select(attrs={"aria-label": _("Severity of %(concern)s") % {"concern": label}}),
            )
            self.fields[f"scale_{code}"] = forms.ChoiceField(
                required=False,
                label=_("Scale"),
                choices=_blank(labels.SCALES),
                widget=forms.Select(attrs={"aria-label": _("Scale for %(concern)s") % {"concern": label}}),
            )
            self.fields[f"areas_{code}"] = forms.MultipleChoiceField(
                required=False,
                label=_("Areas"),
                choices=list(labels.AREAS.items()),
                widget=forms.SelectMultiple(
                    attrs={"size": 4, "aria-label": _("Areas of %(concern)s") % {"concern": label}}
                ),
            )
        for row in range(MEDICATION_ROWS):
            self.fields[f"med_name_{row}"] = forms.CharField(
                required=False,
                max_length=200,
                label=_("Medication %(n)s") % {"n": row + 1},
                widget=forms.TextInput(attrs={"autocomplete": "off", "class": "med-name"}),
            )
            self.fields[f"med_stopped_{row}"] = forms.DateField(
                required=False, label=_("Medication %(n)s stopped on") % {"n": row + 1}, widget=_DATE
            )
        for row in range(PROCEDURE_ROWS):
            self.fields[f"proc_kind_{row}"] = forms.ChoiceField(
                required=False, label=_("Procedure %(n)s") % {"n": row + 1}, choices=_blank(labels.PROCEDURES)
            )
            self.fields[f"proc_on_{row}"] = forms.DateField(
                required=False, label=_("Procedure %(n)s on") % {"n": row + 1}, widget=_DATE
            )

    # Field groups for the template.
    def questionnaire_fields(self) -> list[forms.BoundField]:
        return [self[f"q{q.number}"] for q in questions()]

    def concern_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (code, self[f"concern_{code}"], self[f"severity_{code}"], self[f"scale_{code}"], self[f"areas_{code}"])
            for code in labels.CONCERNS
        ]

    def medication_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"med_name_{r}"], self[f"med_stopped_{r}"]) for r in range(MEDICATION_ROWS)]

    def procedure_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"proc_kind_{r}"], self[f"proc_on_{r}"]) for r in range(PROCEDURE_ROWS)]

    def allergy_lines(self) -> list[str]:
        """The allergies as typed, one per line (blank lines dropped), from the bound data."""
        text = self.data.get(self.add_prefix("allergies"), "") if self.is_bound else ""
        return [line.strip() for line in str(text).splitlines() if line.strip()]

    def questionnaire_score(self) -> int | None:
        """The total when all ten questions are answered (shown as the clinician fills them in)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        answers = [data.get(f"q{q.number}") for q in questions()]
        return sum(answers) if all(a is not None for a in answers) else None  # type: ignore[arg-type]

    def _check_days(self, data: dict[str, Any]) -> None:
        """The history's days on or after the patient's birth; the event ahead within five years."""
        history = ["last_sun_exposure_on", *(f"med_stopped_{r}" for r in range(MEDICATION_ROWS))]
        history += [f"proc_on_{r}" for r in range(PROCEDURE_ROWS)]
        today = timezone.localdate()
        for name in [*history, "ready_by"]:
            day = data.get(name)
            if day is None:
                continue
            try:
                if name == "ready_by":
                    plausible.event_day(day, data.get("held_on") or today, today)
                else:
                    plausible.in_lifetime(day, self.patient.date_of_birth)
            except plausible.Implausible as error:
                self.add_error(name, str(error))

    def clean_held_on(self) -> date:
        held_on: date = self.cleaned_data["held_on"]
        try:
            plausible.consultation_day(held_on, timezone.localdate())
        except plausible.Implausible as error:
            raise forms.ValidationError(str(error)) from None
        return held_on

    def clean_follow_up_on(self) -> date | None:
        value: date | None = self.cleaned_data.get("follow_up_on")
        if value is not None:
            try:
                plausible.follow_up_day(value, timezone.localdate(), self.cleaned_data.get("held_on"))
            except plausible.Implausible as error:
                raise forms.ValidationError(str(error)) from None
        return value

    def clean_max_sessions(self) -> int | None:
        value: int | None = self.cleaned_data.get("max_sessions")
        if value is not None:
            try:
                plausible.sessions_limit(value)
            except plausible.Implausible as error:
                raise forms.ValidationError(str(error)) from None
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The intake refuses keys it does not know at every level; so does its form: a field the page never had
        # (a stale page, a hand-made request) is refused, named, rather than silently dropped.
        unknown = sorted(set(self.data) - set(self.fields) - {"csrfmiddlewaretoken"})
        if unknown:
            self.add_error(
                None,
                _("The form sent fields it does not have (%(keys)s): nothing was saved. Reload the page and try again.")
                % {"keys": ", ".join(unknown[:5])},
            )
        self._check_days(data)
        if self.errors:
            return data
        document, where = self._intake(data)
        try:
            read_intake(document, data["held_on"])
        except IntakeError as error:
            target = where(error.field)
            self.add_error(target, error.problem if target else str(error))
            return data
        self.intake = document
        return data

    def _intake(self, data: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        """The intake document, and a function from an engine field path to the form field it came from."""
        held_on: date = data["held_on"]
        patient: dict[str, Any] = {"age": self.patient.age_on(held_on), "sex": self.patient.sex}
        if data.get("pregnant"):
            patient["pregnant"] = True
        if data.get("breastfeeding"):
            patient["breastfeeding"] = True
        phototype: dict[str, Any] = {}
        if data.get("fitzpatrick"):
            phototype["fitzpatrick"] = data["fitzpatrick"]
        answers = [data.get(f"q{q.number}") for q in questions()]
        answered = [a for a in answers if a is not None]
        if answered and len(answered) < len(answers):
            first_missing = next(i for i, a in enumerate(answers, start=1) if a is None)
            self.add_error(f"q{first_missing}", _("Answer all ten questions, or none."))
        elif answered:
            phototype["questionnaire"] = answers
        if data.get("ita_deg") is not None:
            phototype["ita_deg"] = data["ita_deg"]

        concerns: list[dict[str, Any]] = []
        concern_fields: list[str] = []
        for code in labels.CONCERNS:
            if not data.get(f"concern_{code}"):
                continue
            concern: dict[str, Any] = {"code": code}
            if data.get(f"severity_{code}") is not None:
                concern["severity"] = data[f"severity_{code}"]
            if data.get(f"scale_{code}"):
                concern["scale"] = data[f"scale_{code}"]
            if data.get(f"areas_{code}"):
                concern["areas"] = list(data[f"areas_{code}"])
            concerns.append(concern)
            concern_fields.append(code)

        goals: dict[str, Any] = {}
        for key in ("max_downtime_days", "max_sessions"):
            if data.get(key) is not None:
                goals[key] = data[key]
        if data.get("budget") is not None:
            goals["budget"] = float(data["budget"])
            goals["currency"] = data.get("currency") or self.patient.practice.currency
        if data.get("ready_by"):
            goals["ready_by"] = data["ready_by"].isoformat()

        medications: list[dict[str, Any]] = []
        medication_rows: list[int] = []
        for row in range(MEDICATION_ROWS):
            name = (data.get(f"med_name_{row}") or "").strip()
            stopped = data.get(f"med_stopped_{row}")
            if not name:
                if stopped:
                    self.add_error(f"med_name_{row}", _("Name the medication that was stopped."))
                continue
            medication: dict[str, Any] = {"name": name}
            if stopped:
                medication["current"] = False
                medication["stopped_on"] = stopped.isoformat()
            medications.append(medication)
            medication_rows.append(row)
        procedures: list[dict[str, Any]] = []
        procedure_rows: list[int] = []
        for row in range(PROCEDURE_ROWS):
            kind, on = data.get(f"proc_kind_{row}"), data.get(f"proc_on_{row}")
            if not kind and not on:
                continue
            if not kind or not on:
                self.add_error(
                    f"proc_kind_{row}" if not kind else f"proc_on_{row}", _("Give both the procedure and its date.")
                )
                continue
            procedures.append({"kind": kind, "on": on.isoformat()})
            procedure_rows.append(row)
        history: dict[str, Any] = {}
        if medications:
            history["medications"] = medications
        if data.get("conditions"):
            history["conditions"] = list(data["conditions"])
        if data.get("last_sun_exposure_on"):
            history["last_sun_exposure_on"] = data["last_sun_exposure_on"].isoformat()
        if procedures:
            history["procedures"] = procedures
        allergies = [line.strip() for line in (data.get("allergies") or "").splitlines() if line.strip()]
        if allergies:
            history["allergies"] = allergies

        document: dict[str, Any] = {"patient": patient, "phototype": phototype, "concerns": concerns}
        if goals:
            document["goals"] = goals
        if history:
            document["history"] = history

        def where(field: str) -> str | None:
            index = re.search(r"\[(\d+)\]", field)
            number = int(index.group(1)) if index else None
            if field.startswith("phototype.questionnaire"):
                return "q1"
            if field.startswith("phototype.ita_deg"):
                return "ita_deg"
            if field.startswith("phototype"):
                return "fitzpatrick"
            if field.startswith("concerns"):
                if number is not None and number < len(concern_fields):
                    return f"concern_{concern_fields[number]}"
                return None
            if field.startswith("history.medications") and number is not None:
                suffix = "stopped" if "stopped_on" in field else "name"
                return f"med_{suffix}_{medication_rows[number]}"
            if field.startswith("history.procedures") and number is not None:
                return (
                    f"proc_on_{procedure_rows[number]}"
                    if field.endswith(".on")
                    else f"proc_kind_{procedure_rows[number]}"
                )
            if field.startswith("history.last_sun_exposure_on"):
                return "last_sun_exposure_on"
            if field.startswith("history.allergies"):
                return "allergies"
            if field.startswith("goals."):
                return field.split(".", 1)[1] if field.split(".", 1)[1] in self.fields else "budget"
            if field.startswith("patient.age"):
                return None  # from the date of birth: shown above the form
            return None

        return document, where

    @classmethod
    def initial_from(cls, intake: dict[str, Any], today: date) -> dict[str, Any]:
        """Initial values from an earlier intake: history, phototype and concerns carry over to be checked;
        goals, pregnancy and dates are asked again."""
        initial: dict[str, Any] = {"held_on": today}
        history = intake.get("history", {})
        for row, medication in enumerate(history.get("medications", [])[:MEDICATION_ROWS]):
            initial[f"med_name_{row}"] = medication["name"]
            if medication.get("stopped_on"):
                initial[f"med_stopped_{row}"] = medication["stopped_on"]
        initial["conditions"] = list(history.get("conditions", []))
        if history.get("allergies"):
            initial["allergies"] = "\n".join(history["allergies"])
        phototype = intake.get("phototype", {})
        if phototype.get("fitzpatrick"):
            initial["fitzpatrick"] = phototype["fitzpatrick"]
        for concern in intake.get("concerns", []):
            code = concern["code"]
            initial[f"concern_{code}"] = True
            initial[f"severity_{code}"] = concern.get("severity")
            initial[f"scale_{code}"] = concern.get("scale", "")
            initial[f"areas_{code}"] = concern.get("areas", [])
        return initial


class OverrideForm(forms.Form):
    kind = forms.ChoiceField(choices=OverrideKind.choices, label=_("Override"), widget=forms.RadioSelect)
    modality = forms.ChoiceField(choices=[], label=_("Option"))
    suitability = forms.ChoiceField(
        required=False, choices=[("", "—"), *SUITABILITIES], label=_("New suitability (when changing it)")
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Reason"),
        help_text=_("Required. Shown on the plan with your name."),
        max_length=2000,
    )

    def __init__(self, *args: Any, options: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modality"].choices = [(o["modality"], o["name"]) for o in options]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == OverrideKind.SUITABILITY and not data.get("suitability"):
            self.add_error("suitability", _("Choose the suitability this option should have."))
        if "reason" in data and not data["reason"].strip():
            self.add_error("reason", _("Give the reason for the override."))
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(required=False, max_length=500, label=_("Note (optional)"))


class SafetyAnswerForm(forms.Form):
    """A clinician's answer to one safety question of the plan: the question's key and the note that documents it.
    One form per open question on the plan page, each with ids of its own (`auto_id`)."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=300)
    note = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Your note (required)",
        help_text="What you confirmed and how: it is shown on the plan, its print view and in the audit trail.",
        error_messages={"required": "Write the note that documents the answer: it is shown on the plan."},
    )
