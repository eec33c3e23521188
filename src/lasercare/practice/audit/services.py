"""Writing to the audit log. Views and services call `record` for every read and write of patient data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from lasercare.practice.audit.models import AuditAction, AuditEntry

if TYPE_CHECKING:
    from lasercare.practice.clinic.models import StaffUser


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    header = settings.AUDIT_CLIENT_ADDRESS_HEADER
    if header:
        forwarded = request.META.get(header, "")
        if forwarded:
            # The proxy appends the address it saw last; that is the one it vouches for.
            return str(forwarded.split(",")[-1].strip()) or None
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


def record(
    request: HttpRequest | None,
    action: AuditAction,
    record_type: str,
    record_id: object = "",
    *,
    patient_ref: object = "",
    detail: str = "",
    actor: StaffUser | None = None,
) -> AuditEntry:
    """Append one entry. `detail` must not hold patient data (say "3 results", not the name searched)."""
    user = actor
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user  # type: ignore[assignment,unused-ignore]
    return AuditEntry.objects.create(
        at=timezone.now(),
        practice_id=user.practice_id if user is not None else None,
        actor=user,
        actor_label=user.display_name if user is not None else "",
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        patient_ref=str(patient_ref),
        address=client_address(request),
        detail=detail[:300],
    )
