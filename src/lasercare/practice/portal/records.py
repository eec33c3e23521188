"""What the signed-in patient reads, gathered from their own records only.

Every query here starts from the account's patient: a page asking for a plan, consent or appointment by its opaque
id finds it only among that patient's own (another patient's id is simply not found, as another practice's record is
not for staff).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.utils import timezone

from lasercare.documents.care_dates import DatedStep, aftercare_for, preparation_for, protocol_for
from lasercare.engine.patient_voice import patient_document
from lasercare.practice.consent.models import Consent
from lasercare.practice.consultations.models import PlanStatus, TreatmentPlan
from lasercare.practice.consultations.services import chosen_modality
from lasercare.practice.photos.models import AnalysisStatus, SkinPhoto
from lasercare.practice.portal.models import (
    ASKED_WISHES,
    ChangeRequest,
    ChecklistTick,
    PatientAccount,
    RequestStatus,
)
from lasercare.practice.scheduling import rules as scheduling_rules
from lasercare.practice.scheduling.models import ACTIVE_STATUSES, Booking, BookingStatus
from lasercare.practice.scheduling.session_dates import session_dates

# Plans a patient sees: those a clinician has put to them. A draft has not been reviewed with them yet.
SHOWN_PLAN_STATUSES = (PlanStatus.PROPOSED, PlanStatus.ACCEPTED)
# How long after a session its aftercare stays on the aftercare page.
AFTERCARE_DAYS_SHOWN = 60


def plans(account: PatientAccount) -> list[TreatmentPlan]:
    return list(
        TreatmentPlan.objects.filter(patient_id=account.patient_id, status__in=SHOWN_PLAN_STATUSES)
        .select_related("practice", "patient")
        .order_by("-created_at")
    )


def plan(account: PatientAccount, public_id: UUID | str) -> TreatmentPlan:
    return get_object_or_404(
        TreatmentPlan.objects.select_related("practice", "patient"),
        patient_id=account.patient_id,
        status__in=SHOWN_PLAN_STATUSES,
        public_id=public_id,
    )


def consents(account: PatientAccount) -> list[Consent]:
    return list(
        Consent.objects.filter(patient_id=account.patient_id)
        .select_related("plan", "withdrawal")
        .defer("document", "plan__document")
        .order_by("-prepared_at")
    )


def consent(account: PatientAccount, public_id: UUID | str) -> Consent:
    return get_object_or_404(
        Consent.objects.select_related("patient"), patient_id=account.patient_id, public_id=public_id
    )


def appointments(account: PatientAccount) -> list[Booking]:
    return list(
        Booking.objects.filter(patient_id=account.patient_id, status__in=ACTIVE_STATUSES)
        .select_related("practice", "room")
        .order_by("starts_at")
    )


def appointment(account: PatientAccount, public_id: UUID | str) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("practice"), patient_id=account.patient_id, public_id=public_id
    )


def photo(account: PatientAccount, public_id: UUID | str) -> SkinPhoto:
    """One of the patient's analysed photos (the portal shows only those, as photos_for_patient lists them)."""
    return get_object_or_404(SkinPhoto, patient_id=account.patient_id, public_id=public_id, status=AnalysisStatus.DONE)


def open_change_requests(account: PatientAccount) -> dict[int, ChangeRequest]:
    """Open requests by booking id (a question about a consent names no booking)."""
    return {
        change.booking_id: change
        for change in ChangeRequest.objects.filter(
            patient_id=account.patient_id, status=RequestStatus.OPEN, booking__isnull=False, wish__in=ASKED_WISHES
        )
        if change.booking_id is not None
    }


def question_waiting(account: PatientAccount, consent: Consent) -> bool:
    """Whether the patient asked about this consent and the practice has not yet marked the question handled."""
    return ChangeRequest.objects.filter(
        patient_id=account.patient_id, consent=consent, status=RequestStatus.OPEN
    ).exists()


def step_key(text: str) -> str:
    """A step's identity for ticking it off: its wording (a reworded step is a new step to read)."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ChecklistItem:
    step: DatedStep | None  # None: a step the protocol gives no day for ("before your first session")
    text: str
    key: str
    done: bool
    due: bool  # its day has come


@dataclass
class Checklist:
    plan: TreatmentPlan
    treatment: str
    session: int
    session_on: date
    session_booked: bool
    items: list[ChecklistItem] = field(default_factory=list)


def _course_days(plan: TreatmentPlan, bookings: Sequence[Booking], today: date) -> tuple[dict[int, date], set[int]]:
    """Each session's day: held or booked, else the earliest day it can now be (scheduling/session_dates.py: from
    the sessions before it and today, as the handout dates them); and the sessions held or booked."""
    held: dict[int, date] = {}
    booked: dict[int, date] = {}
    for booking in bookings:
        if booking.plan_id == plan.pk and booking.session_number is not None:
            day = timezone.localtime(booking.starts_at).date()
            (held if booking.status == BookingStatus.COMPLETED else booked).setdefault(booking.session_number, day)
    chosen = chosen_modality(plan)
    try:
        course = scheduling_rules.course_of(plan.document, chosen or "")
    except scheduling_rules.NotBookable:
        return {**booked, **held}, {*booked, *held}
    days = {
        entry.session: entry.on
        for entry in session_dates(course, held=held, booked=booked, today=today)
        if entry.on is not None
    }
    return days, {*booked, *held}


def checklists(account: PatientAccount, today: date | None = None) -> list[Checklist]:
    """For each accepted plan, the preparation for the patient's next session (the first, until it is done), dated
    from that session's day: booked, or the plan's schedule while it is not booked yet."""
    today = today or timezone.localdate()
    bookings = appointments(account)
    ticked = set(ChecklistTick.objects.filter(account=account).values_list("plan_id", "session", "step_key"))
    lists = []
    for shown in plans(account):
        if shown.status != PlanStatus.ACCEPTED:
            continue
        protocol = protocol_for(patient_document(shown.document), chosen_modality(shown))
        days, booked = _course_days(shown, bookings, today)
        upcoming = sorted((number, day) for number, day in days.items() if day >= today)
        if not upcoming or not protocol:
            continue
        session, session_on = upcoming[0]
        consultation_on = shown.document.get("consultation_on")
        not_before = date.fromisoformat(consultation_on) if consultation_on else None
        checklist = Checklist(shown, _treatment_name(shown), session, session_on, session in booked)
        dated = {
            step.text: step
            for step in preparation_for(protocol.get("preparation", []), session, session_on, not_before=not_before)
        }
        for raw in protocol.get("preparation", []):
            text = str(raw["text"])
            key = step_key(text)
            step = dated.get(text)
            checklist.items.append(
                ChecklistItem(step, text, key, (shown.pk, session, key) in ticked, step is None or step.on <= today)
            )
        checklist.items.sort(key=lambda item: item.step.on if item.step else date.min)
        lists.append(checklist)
    return lists


def _treatment_name(shown: TreatmentPlan) -> str:
    """The chosen treatment's name in the patient voice."""
    chosen = chosen_modality(shown)
    options = patient_document({"options": shown.document.get("options", [])})["options"]
    option = next((o for o in options if o.get("modality") == chosen), None)
    return str(option["name"]) if option else ""


@dataclass
class AftercareDay:
    """The steps that start on one day after the session and last to the same day: one day, or days in a row
    ("Days 1 to 7"), so a step that lasts days is read on every one of them."""

    on: date
    day: int  # days after the session
    steps: list[DatedStep]
    until: date | None = None  # the last day, when the steps last days
    last_day: int | None = None

    def includes(self, today: date) -> bool:
        return self.on <= today <= (self.until or self.on)


@dataclass
class SessionAftercare:
    plan: TreatmentPlan
    treatment: str
    session: int
    session_at: datetime
    days: list[AftercareDay]
    general: list[str]  # aftercare with no day of its own: applies after every session
    today_is_day: int | None


def aftercare(account: PatientAccount, today: date | None = None) -> list[SessionAftercare]:
    """Day by day after each session of the last AFTERCARE_DAYS_SHOWN days (and the next one, to read ahead)."""
    today = today or timezone.localdate()
    bookings = appointments(account)
    by_plan = {p.pk: p for p in plans(account) if p.status == PlanStatus.ACCEPTED}
    shown: list[SessionAftercare] = []
    next_added = False
    for booking in bookings:
        treated = by_plan.get(booking.plan_id) if booking.plan_id is not None else None
        if treated is None or booking.session_number is None:
            continue
        session_on = timezone.localtime(booking.starts_at).date()
        if session_on < today - timedelta(days=AFTERCARE_DAYS_SHOWN):
            continue
        if session_on > today:
            if next_added or booking.status != BookingStatus.BOOKED:
                continue
            next_added = True
        protocol = protocol_for(patient_document(treated.document), chosen_modality(treated))
        steps = aftercare_for(protocol.get("aftercare", []), booking.session_number, session_on)
        grouped: dict[tuple[date, date], list[DatedStep]] = {}
        for step in steps:
            grouped.setdefault((step.on, step.until), []).append(step)
        shown.append(
            SessionAftercare(
                treated,
                _treatment_name(treated),
                booking.session_number,
                timezone.localtime(booking.starts_at),
                [
                    AftercareDay(
                        on,
                        (on - session_on).days,
                        grouped[(on, until)],
                        until if until > on else None,
                        (until - session_on).days if until > on else None,
                    )
                    for on, until in sorted(grouped)
                ],
                [str(s["text"]) for s in protocol.get("aftercare", []) if s.get("days_after") is None],
                (today - session_on).days if session_on <= today else None,
            )
        )
    return sorted(shown, key=lambda s: s.session_at, reverse=True)


def plain_plan(treated: TreatmentPlan) -> dict[str, Any]:
    """The plan in plain words, with its risks and sources: what the handout says."""
    from lasercare.documents.handout import handout_for_plan

    return handout_for_plan(treated, prepared_on=timezone.localdate())
