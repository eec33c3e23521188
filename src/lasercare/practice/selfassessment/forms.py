"""The self-assessment's questions and the consultation request, as forms.

The answers are never stored or put in a URL before the person consents: the result page carries them as hidden
fields of the request form (`AssessmentForm.hidden_fields_of`), and the request is validated again from them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lasercare.practice import labels
from lasercare.practice.clinic import plausible
from lasercare.practice.consultations.questionnaire import questions
from lasercare.practice.selfassessment.knowledge_text import kb
from lasercare.practice.selfassessment.models import ContactBy

MAX_MEDICATIONS = 12
_DATE = forms.DateInput(attrs={"type": "date"})

SEX = [("", _("Prefer not to say")), ("female", _("Female")), ("male", _("Male")), ("other", _("Other"))]
PREGNANCY = [("no", _("No")), ("pregnant", _("I am pregnant")), ("breastfeeding", _("I am breastfeeding"))]
ISOTRETINOIN = [
    ("never", _("No, never")),
    ("now", _("Yes, I take it now")),
    ("past", _("Yes, in the past")),
]
YES_NO = [("no", _("No")), ("yes", _("Yes"))]
DOWNTIME = [
    ("", _("No limit")),
    ("0", _("None: back to my usual day the day after")),
    ("3", _("Up to 3 days")),
    ("7", _("Up to a week")),
    ("14", _("Up to two weeks")),
]
# Cold sores and keloids are asked as questions of their own; the other conditions are a checklist.
_ASKED_ALONE = ("hsv", "keloids")


class AssessmentForm(forms.Form):
    """Every question of the self-assessment. Field names are the keys of the stored answers."""

    age = forms.IntegerField(
        label=_("Your age"),
        min_value=18,
        max_value=120,
        error_messages={
            "min_value": _("This self-assessment is for adults (18 or over). Please contact the practice directly."),
            "required": _("Give your age in years."),
        },
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX, required=False)
    concerns = forms.MultipleChoiceField(
        label=_("What would you like to improve?"),
        choices=list(labels.CONCERNS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one thing you would like to improve.")},
    )
    max_downtime_days = forms.TypedChoiceField(
        label=_("How long could your skin look treated (red, swollen or peeling) after a session?"),
        choices=DOWNTIME,
        required=False,
        coerce=int,
        empty_value=None,
    )
    max_sessions = forms.IntegerField(
        label=_("Most sessions you would want (leave empty if it does not matter)"),
        min_value=1,
        # The longest course any treatment in the knowledge has: more means "it does not matter".
        max_value=plausible.most_sessions(),
        required=False,
    )
    budget = forms.DecimalField(
        label=_("Your budget for the whole course (leave empty if you would rather not say)"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        required=False,
    )
    ready_by = forms.DateField(
        label=_("An event you would like to be ready for (leave empty if none)"), required=False, widget=_DATE
    )
    pregnancy = forms.ChoiceField(
        label=_("Are you pregnant or breastfeeding?"),
        choices=PREGNANCY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer this question.")},
    )
    isotretinoin = forms.ChoiceField(
        label=_("Have you ever taken isotretinoin tablets (for acne, for example Roaccutane or Accutane)?"),
        choices=ISOTRETINOIN,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer this question.")},
    )
    isotretinoin_stopped_on = forms.DateField(
        label=_("If in the past: roughly when did you take the last tablet?"), required=False, widget=_DATE
    )
    cold_sores = forms.ChoiceField(
        label=_("Do you get cold sores (herpes simplex)?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer this question.")},
    )
    # A cold sore now is an active herpes lesion: the knowledge base's `active_infection` finding (treatment waits
    # until it has healed), asked in words a person uses about their lip.
    cold_sore_now = forms.ChoiceField(
        label=_("Do you have a cold sore right now?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer this question.")},
    )
    keloids = forms.ChoiceField(
        label=_("Have you ever had keloids or raised, thickened scars?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer this question.")},
    )
    conditions = forms.MultipleChoiceField(
        label=_("Do any of these apply to you?"),
        choices=[(code, label) for code, label in labels.CONDITIONS.items() if code not in _ASKED_ALONE],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    medications = forms.CharField(
        label=_("Medicines, tablets, creams and supplements you use now (one per line)"),
        help_text=_("Names as on the packet are fine. Leave empty if none."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )
    last_sun_exposure_on = forms.DateField(
        label=_("When did you last have a tan, a sunburn or use self-tanner? (leave empty if you do not know)"),
        required=False,
        widget=_DATE,
    )

    def __init__(self, *args: Any, currency: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if currency:
            self.fields["budget"].label = _("Your budget for the whole course, in %(currency)s (optional)") % {
                "currency": currency
            }
        # The Fitzpatrick questionnaire, as the consultation form asks it (consultations/questionnaire.py).
        for question in questions():
            self.fields[f"q{question.number}"] = forms.TypedChoiceField(
                label=kb(question.text),
                choices=[(str(score), kb(answer)) for score, answer in enumerate(question.answers)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer this question: your skin type needs all ten answers.")},
            )

    def skin_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The questionnaire's fields by section, in order."""
        sections: dict[str, list[forms.BoundField]] = {}
        for question in questions():
            sections.setdefault(kb(question.section), []).append(self[f"q{question.number}"])
        return list(sections.items())

    def clean_medications(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("medications", "").splitlines() if line.strip()]
        if len(lines) > MAX_MEDICATIONS:
            raise forms.ValidationError(
                _("List at most %(n)s medicines here; bring the rest to the consultation.") % {"n": MAX_MEDICATIONS}
            )
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError(_("Put each medicine on its own line."))
        return lines

    def clean_ready_by(self) -> date | None:
        day: date | None = self.cleaned_data.get("ready_by")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(_("Give a date in the future, or leave this empty."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        stopped = data.get("isotretinoin_stopped_on")
        if data.get("isotretinoin") == "past" and stopped is None and "isotretinoin_stopped_on" not in self.errors:
            self.add_error("isotretinoin_stopped_on", _("Give the date of the last tablet, even roughly."))
        if stopped is not None and stopped > today:
            self.add_error("isotretinoin_stopped_on", _("This date is in the future."))
        tanned = data.get("last_sun_exposure_on")
        if tanned is not None and tanned > today:
            self.add_error("last_sun_exposure_on", _("This date is in the future."))
        return data

    def answers(self) -> dict[str, Any]:
        """The cleaned answers as JSON values (what a consented request stores)."""
        found: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value is None or value == "" or value == []:
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif name == "budget":
                value = str(value)
            found[name] = value
        return found

    def hidden_fields_of(self) -> list[tuple[str, str]]:
        """The answers as (name, value) pairs for hidden inputs: the form carries them, nothing stores them."""
        pairs: list[tuple[str, str]] = []
        for name in self.fields:
            value = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name, "")]
            pairs.extend((name, str(item)) for item in value if item not in (None, ""))
        return pairs


class RequestForm(forms.Form):
    """Who to contact, how and when, and the person's consent to store the request with their answers."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    contact_by = forms.ChoiceField(
        label=_("How should the practice contact you?"),
        choices=[(ContactBy.PHONE, _("By phone")), (ContactBy.EMAIL, _("By email"))],
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email address"), required=False)
    preferred_times = forms.CharField(
        label=_("When is it best to reach you? (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: weekday mornings, or after 5 pm."),
    )
    message = forms.CharField(
        label=_("Anything you would like the practice to know (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the practice stores my contact details, my answers and this result to contact me about a "
            "consultation."
        ),
        error_messages={"required": _("Tick this box to send the request: without it nothing is stored.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_by"].error_messages["required"] = _("Choose how the practice should contact you.")
        self.fields["name"].error_messages["required"] = _("Give your name.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        how = data.get("contact_by")
        if how == ContactBy.PHONE and not (data.get("phone") or "").strip() and "phone" not in self.errors:
            self.add_error("phone", _("Give a phone number to be called on."))
        if how == ContactBy.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Give an email address to be written to."))
        phone = (data.get("phone") or "").strip()
        if phone and sum(ch.isdigit() for ch in phone) < 6:
            self.add_error("phone", _("This does not look like a phone number."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="New status", choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from lasercare.practice.selfassessment.models import RequestStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = RequestStatus.choices  # type: ignore[attr-defined]
