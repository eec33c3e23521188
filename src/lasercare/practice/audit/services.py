"""Writing to the audit log. Views and services call `record` for every read and write of patient data."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Field
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
    practice_id: int | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. `detail` must not hold patient data (say "3 results", not the name searched).

    The actor is the signed-in staff member. Where there is none (a patient in the portal, a member of the public,
    a background job), the caller names the practice and labels the actor by role and opaque id, never by name:
    "patient portal 3f2a…", "self-assessment", "reminders"."""
    user = actor
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user  # type: ignore[assignment,unused-ignore]
    entry = AuditEntry(
        at=timezone.now(),
        practice_id=user.practice_id if user is not None else practice_id,
        actor=user,
        actor_label=user.display_name if user is not None else actor_label,
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        patient_ref=str(patient_ref),
        address=client_address(request),
        detail=detail[:300],
    )
    _append(entry)
    return entry


def _append(entry: AuditEntry) -> None:
    """INSERT the entry with a statement written once. Every request appends one, and Model.save() compiled the
    INSERT anew each time: 0.33M instructions more per request (docs/performance.md). The values still go through
    each field's own preparation for the database (dates, addresses)."""
    using = router.db_for_write(AuditEntry)
    connection = connections[using]
    fields = _written_fields()
    quote = connection.ops.quote_name
    statement = (
        f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields])
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False
    entry._state.db = using


@functools.cache
def _written_fields() -> tuple[Field[Any, Any], ...]:
    return tuple(field for field in AuditEntry._meta.concrete_fields if not field.primary_key)
