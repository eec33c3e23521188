"""Session charts (signed, then corrected only by addenda), adverse events and outcomes."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

_SETTING = {"max_digits": 10, "decimal_places": 3, "null": True, "blank": True, "validators": [MinValueValidator(0)]}


class Cooling(models.TextChoices):
    NONE = "none", "None"
    CONTACT = "contact", "Contact cooling"
    CRYOGEN = "cryogen", "Cryogen spray"
    AIR = "air", "Forced cold air"
    ICE = "ice", "Ice or cold pack"


class ChartStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class SessionChart(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="charts")
    plan = models.ForeignKey("consultations.TreatmentPlan", on_delete=models.PROTECT, related_name="charts")
    consent = models.ForeignKey("consent.Consent", on_delete=models.PROTECT, related_name="charts")
    booking = models.OneToOneField(
        "scheduling.Booking", on_delete=models.PROTECT, null=True, blank=True, related_name="chart"
    )
    session_number = models.PositiveSmallIntegerField()
    performed_at = models.DateTimeField()
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey("clinic.Device", on_delete=models.PROTECT, related_name="charts")
    wavelength_nm = models.PositiveIntegerField()
    fluence_j_cm2 = models.DecimalField(**_SETTING)  # type: ignore[arg-type]
    energy_mj = models.DecimalField(**_SETTING)  # type: ignore[arg-type]
    pulse_ms = models.DecimalField(**_SETTING)  # type: ignore[arg-type]
    spot_mm = models.DecimalField(**_SETTING)  # type: ignore[arg-type]
    density_percent = models.DecimalField(**_SETTING)  # type: ignore[arg-type]
    passes = models.DecimalField(**_SETTING)  # type: ignore[arg-type]
    cooling = models.CharField(max_length=10, choices=Cooling.choices, default=Cooling.NONE)
    anaesthetic = models.CharField(max_length=200, blank=True)
    eyewear = models.CharField(max_length=200)
    test_spot_result = models.TextField(blank=True)
    endpoint = models.CharField("immediate clinical endpoint", max_length=300, blank=True)
    treated_areas = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    # The warnings shown when the chart was saved (outside the device's limits or clinic policy), kept with it.
    warnings = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=ChartStatus.choices, default=ChartStatus.DRAFT)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "session_number"], name="chart_session_once_per_plan"),
        ]
        indexes = [
            # The form starts from this patient's last session on the same device.
            models.Index(fields=["patient", "device", "-performed_at"], name="chart_patient_device"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and SessionChart.objects.filter(pk=self.pk, status=ChartStatus.SIGNED).exists():
            raise ValueError("a signed chart never changes: correct it with an addendum")
        super().save(*args, **kwargs)


class ChartAddendum(models.Model):
    chart = models.ForeignKey(SessionChart, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "chart addenda"


class AdverseEventKind(models.TextChoices):
    HYPERPIGMENTATION = "hyperpigmentation", "Post-inflammatory hyperpigmentation"
    HYPOPIGMENTATION = "hypopigmentation", "Hypopigmentation"
    PROLONGED_ERYTHEMA = "prolonged_erythema", "Prolonged erythema"
    BLISTERING = "blistering", "Blistering"
    BURN = "burn", "Burn"
    CRUSTING = "crusting", "Crusting"
    PURPURA = "purpura", "Purpura"
    INFECTION = "infection", "Bacterial or fungal infection"
    HSV = "hsv", "Herpes simplex reactivation"
    ACNEIFORM = "acneiform", "Acneiform eruption or milia"
    SCARRING = "scarring", "Scarring"
    EYE_INJURY = "eye_injury", "Eye injury"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class AdverseEvent(models.Model):
    """Something that went wrong after a session. Until a clinician reviews it, it flags the plan."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="adverse_events")
    plan = models.ForeignKey("consultations.TreatmentPlan", on_delete=models.PROTECT, related_name="adverse_events")
    chart = models.ForeignKey(
        SessionChart, on_delete=models.PROTECT, null=True, blank=True, related_name="adverse_events"
    )
    kind = models.CharField(max_length=20, choices=AdverseEventKind.choices)
    description = models.CharField(max_length=300, blank=True)  # what "other" was, or detail
    severity = models.CharField(max_length=10, choices=Severity.choices)
    onset_on = models.DateField()
    treatment = models.TextField(blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["practice", "reviewed_at", "recorded_at"], name="adverse_event_review"),
            models.Index(fields=["plan", "reviewed_at"], name="adverse_event_plan"),
        ]


_GAIS = [MinValueValidator(1), MaxValueValidator(5)]


class Outcome(models.Model):
    """An assessment after a session: GAIS from both sides, satisfaction, and the concern's own scales."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="outcomes")
    plan = models.ForeignKey("consultations.TreatmentPlan", on_delete=models.PROTECT, related_name="outcomes")
    assessed_on = models.DateField()
    after_session = models.PositiveSmallIntegerField(null=True, blank=True)
    gais_clinician = models.PositiveSmallIntegerField(null=True, blank=True, validators=_GAIS)
    gais_patient = models.PositiveSmallIntegerField(null=True, blank=True, validators=_GAIS)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True, validators=_GAIS)
    glogau = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    wrinkle_class = models.PositiveSmallIntegerField(
        "Fitzpatrick wrinkle class", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    goodman_baron = models.PositiveSmallIntegerField(
        "Goodman & Baron grade", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    mmasi = models.DecimalField(
        "mMASI",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["plan", "assessed_on"], name="outcome_plan_day")]
