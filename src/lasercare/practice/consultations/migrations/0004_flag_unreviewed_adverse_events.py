"""Adverse events recorded before plans carried flags still await their review: each raises its flag now, on the
patient's current open plan (or, when the patient has none, on the event's own plan), as record_adverse_event does
from now on."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

OPEN_STATUSES = ("draft", "proposed", "accepted")


def raise_flags(apps: Any, schema_editor: Any) -> None:
    AdverseEvent = apps.get_model("charting", "AdverseEvent")
    PlanFlag = apps.get_model("consultations", "PlanFlag")
    TreatmentPlan = apps.get_model("consultations", "TreatmentPlan")
    for event in AdverseEvent.objects.filter(reviewed_at__isnull=True).order_by("pk").iterator():
        current = (
            TreatmentPlan.objects.filter(patient_id=event.patient_id, status__in=OPEN_STATUSES)
            .order_by("-created_at", "-pk")
            .first()
        )
        kind = dict(AdverseEvent._meta.get_field("kind").flatchoices).get(event.kind, event.kind)
        PlanFlag.objects.get_or_create(
            plan_id=current.pk if current is not None else event.plan_id,
            source="adverse_event",
            reference=str(event.public_id),
            defaults={
                "event_on": event.onset_on,
                "summary": f"{kind}, {event.severity}"[:100],
                "raised_at": timezone.now(),
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_safety_answers_and_flags"),
        ("charting", "0002_initial"),
    ]

    operations = [migrations.RunPython(raise_flags, migrations.RunPython.noop)]
