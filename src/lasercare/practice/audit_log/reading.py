"""Reading the audit log: a practice's entries through the reader's filters, and the filtered entries as CSV.

The CSV holds what the page shows (references: opaque ids and record kinds, never patient data) and is written as it
is read, so a log of millions of entries streams in constant memory. Exporting is itself an audit entry, written
before the first line leaves.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from lasercare.practice.audit.models import AuditAction, AuditEntry, RecordKind
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.models import StaffUser

PAGE_SIZE = 50
EXPORT_CHUNK = 2_000  # rows fetched per round trip while streaming
COLUMNS = ("When", "Who", "Action", "Record kind", "Record id", "Patient id", "From address", "Detail")
# A spreadsheet reads a cell that begins with one of these as a formula (CSV injection): such a cell is written
# with a leading apostrophe, which spreadsheets show as text and do not display.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ACTION_LABELS = dict(AuditAction.choices)
KIND_LABELS = dict(RecordKind.choices)


@dataclass(frozen=True)
class LogFilter:
    """What the reader asked for; every field optional. `patient_ref`: the patient's public id."""

    actor: StaffUser | None = None
    action: str = ""
    record_type: str = ""
    patient_ref: str = ""
    since: date | None = None
    until: date | None = None

    def describe(self) -> str:
        """For the audit entry of a reading or an export: the filters by code and opaque id, never a name."""
        parts = []
        if self.actor is not None:
            parts.append(f"person {self.actor.public_id}")
        if self.action:
            parts.append(f"action {self.action}")
        if self.record_type:
            parts.append(f"kind {self.record_type}")
        if self.patient_ref:
            parts.append("one patient")
        if self.since:
            parts.append(f"from {self.since.isoformat()}")
        if self.until:
            parts.append(f"to {self.until.isoformat()}")
        return ", ".join(parts) or "no filter"


def entries(practice_id: int, chosen: LogFilter) -> QuerySet[AuditEntry]:
    """The practice's entries that match, newest first. Each filter narrows an indexed query on (practice, at) or
    (practice, patient, at)."""
    found = AuditEntry.objects.filter(practice_id=practice_id)
    if chosen.actor is not None:
        found = found.filter(actor_id=chosen.actor.pk)
    if chosen.action:
        found = found.filter(action=chosen.action)
    if chosen.record_type:
        found = found.filter(record_type=chosen.record_type)
    if chosen.patient_ref:
        found = found.filter(patient_ref=chosen.patient_ref)
    zone = timezone.get_current_timezone()
    if chosen.since:
        found = found.filter(at__gte=datetime.combine(chosen.since, time.min, zone))
    if chosen.until:
        found = found.filter(at__lte=datetime.combine(chosen.until, time.max, zone))
    return found.order_by("-at", "-pk")


def record_reading(request: HttpRequest, chosen: LogFilter, page_number: int, shown: int) -> None:
    record(
        request,
        AuditAction.LIST,
        RecordKind.AUDIT_LOG,
        patient_ref=chosen.patient_ref,
        detail=f"page {page_number}, {shown} shown; {chosen.describe()}",
    )


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Line:
    """csv.writer's file: hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(rows: Iterable[AuditEntry]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for entry in rows:
        yield writer.writerow(
            [
                safe_cell(value)
                for value in (
                    timezone.localtime(entry.at).isoformat(timespec="seconds"),
                    entry.actor_label,
                    ACTION_LABELS.get(entry.action, entry.action),
                    KIND_LABELS.get(entry.record_type, entry.record_type),
                    entry.record_id,
                    entry.patient_ref,
                    entry.address or "",
                    entry.detail,
                )
            ]
        )


@transaction.atomic
def export(request: HttpRequest, practice_id: int, chosen: LogFilter) -> Iterator[str]:
    """The matching entries as CSV lines, to stream. The export's own entry is written first (so it is logged even
    if the download is broken off) and is not part of the file it describes."""
    found = entries(practice_id, chosen)
    newest = found.values_list("pk", flat=True).first()
    record(
        request,
        AuditAction.EXPORT,
        RecordKind.AUDIT_LOG,
        patient_ref=chosen.patient_ref,
        detail=f"CSV export; {chosen.describe()}",
    )
    if newest is None:
        return csv_lines([])
    rows = found.filter(pk__lte=newest).only(
        "at", "actor_label", "action", "record_type", "record_id", "patient_ref", "address", "detail"
    )
    return csv_lines(rows.iterator(chunk_size=EXPORT_CHUNK))
