"""Consent: generating it from an accepted plan, signing it, withdrawing it, and finding the one that covers a
session."""

from __future__ import annotations

from lasercare.practice.consent.models import Consent, ConsentStatus
from lasercare.practice.consultations.models import TreatmentPlan


def covering_consent(plan: TreatmentPlan, session_number: int, modality: str) -> Consent | None:
    """The signed, not withdrawn consent of this plan that covers this session of this treatment, if any.
    No session may be charted without one."""
    return (
        Consent.objects.filter(
            plan=plan,
            status=ConsentStatus.SIGNED,
            modality=modality,
            sessions__gte=session_number,
            withdrawal__isnull=True,
        )
        .order_by("-signed_at")
        .first()
    )
