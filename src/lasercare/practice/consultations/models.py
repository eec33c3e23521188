"""Consultations (the intake as the engine reads it), medical history by consultation, plans and overrides."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models


class Consultation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="consultations")
    location = models.ForeignKey("clinic.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    held_on = models.DateField()
    seen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The intake document (contracts/intake.schema.json), exactly as the engine validated it.
    intake = models.JSONField()
    notes = models.TextField(blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["patient", "-held_on"], name="consultation_patient_day"),
            # A day's consultations in the order they were recorded, with what the dashboard shows of them: the
            # first 50 of a busy day are read in order, without sorting the day or reading its rows.
            models.Index(
                fields=["practice", "held_on", "created_at", "patient", "seen_by"], name="consultation_day_order"
            ),
            # Follow-ups due, in the dashboard's order (day, then record) and with the patient: read in order.
            models.Index(fields=["practice", "follow_up_on", "id", "patient"], name="consultation_follow_up_order"),
        ]


class MedicalHistory(models.Model):
    """The medical history as recorded at one consultation: one version per consultation, never edited."""

    consultation = models.OneToOneField(Consultation, on_delete=models.PROTECT, related_name="history")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="history_versions")
    version = models.PositiveIntegerField()
    document = models.JSONField()  # the intake's "history" object
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient", "version"], name="history_version_unique")]
        verbose_name_plural = "medical histories"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft: awaiting a clinician"
    PROPOSED = "proposed", "Proposed to the patient"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    SUPERSEDED = "superseded", "Superseded"


OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.PROPOSED, PlanStatus.ACCEPTED)


class TreatmentPlan(models.Model):
    """The engine's plan, kept whole with the knowledge it was made with. A re-plan supersedes, never overwrites."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="plans")
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="plans")
    # The plan document (contracts/plan.schema.json) as the engine made it. It is the last column of the table
    # (migration 0001): SQLite reads any column after a 30 KB value by walking its overflow pages. A field added
    # later lands after it, so read such a field through an index where a page reads it for many plans.
    document = models.JSONField()
    knowledge_version = models.CharField(max_length=80)
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    chosen_modality = models.CharField(max_length=40, blank=True)  # set when a clinician chose another option
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            # Covers the dashboard's plans awaiting sign-off: their patients and consultations are found
            # without reading the plans' rows, each holding a 30 KB document.
            models.Index(
                fields=["practice", "status", "created_at", "patient", "consultation", "public_id"],
                name="plan_practice_status",
            ),
            models.Index(fields=["patient", "-created_at"], name="plan_patient_created"),
        ]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def engine_choice(self) -> str | None:
        """The first option the engine found suitable (recommended or acceptable), if any."""
        for option in self.document.get("options", []):
            if option["suitability"] in ("recommended", "acceptable"):
                return str(option["modality"])
        return None


class OverrideKind(models.TextChoices):
    SUITABILITY = "suitability", "Changed an option's suitability"
    CHOICE = "choice", "Chose a different option"


SUITABILITIES = [
    ("recommended", "Recommended"),
    ("acceptable", "Acceptable"),
    ("not_advised", "Not advised"),
    ("contraindicated", "Contraindicated"),
]


class PlanOverride(models.Model):
    """A clinician's change to the engine's plan, always with a reason; shown on the plan, never hidden."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="overrides")
    kind = models.CharField(max_length=12, choices=OverrideKind.choices)
    modality = models.CharField(max_length=40)
    engine_suitability = models.CharField(max_length=20, choices=SUITABILITIES)
    suitability = models.CharField(max_length=20, choices=SUITABILITIES, blank=True)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.reason.strip():
            raise ValueError("an override needs a reason")
        super().save(*args, **kwargs)


class SafetyKind(models.TextChoices):
    MEDICATION = "medication", "A medicine not recognised with certainty"
    PHOTOTYPE = "phototype", "A phototype from a photo estimate alone"
    FINDING = "finding", "A relative contraindication"
    ADVERSE_EVENT = "adverse_event", "An adverse event awaiting review"


class SafetyAnswer(models.Model):
    """A clinician's answer to one of the plan's safety questions (safety_questions.py), with the note that
    documents it. It answers the question with its key and fingerprint only: a re-plan that changes what was
    answered asks again, and an answer carried to a newer plan is a new row that names the one it came from."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="safety_answers")
    key = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=SafetyKind.choices)
    fingerprint = models.CharField(max_length=64)
    note = models.TextField()
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField()
    carried_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="carried_to")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key", "fingerprint"], name="safety_answer_once"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.note.strip():
            raise ValueError("a safety answer needs its note")
        super().save(*args, **kwargs)


class FlagSource(models.TextChoices):
    ADVERSE_EVENT = "adverse_event", "Adverse event"


class PlanFlag(models.Model):
    """Something recorded after the plan that holds its booking until a clinician clears it: an adverse event until
    its review. It lives here, below charting and scheduling, so that charting raises and clears it and the booking
    services read it without scheduling importing charting. A flag belongs to the patient's current plan: a new
    plan gets a copy of every flag still open."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="flags")
    source = models.CharField(max_length=20, choices=FlagSource.choices)
    reference = models.CharField(max_length=64)  # the public id of the record that raised it
    event_on = models.DateField()  # the day of what happened, as the refusal names it
    summary = models.CharField(max_length=100)  # what it was ("Prolonged erythema, mild")
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["event_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "source", "reference"], name="plan_flag_once"),
        ]
        indexes = [models.Index(fields=["reference"], name="plan_flag_reference")]
