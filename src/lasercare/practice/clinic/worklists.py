"""The practice's worklists: today's patients, today's sessions, plans awaiting a clinician's sign-off, adverse
events awaiting a clinician's review, follow-ups due, accepted plans ready to book.

The dashboard shows the head of each list; each list has a page of its own with all of it, page by page. Both read
the same queries, so the dashboard's head is always the first lines of the full list.

The lists show names, days and links: they read plain rows of those columns, not models (150 rows of
consultations, plans, patients and accounts cost 10 ms to build as models), and never the intakes and plan
documents (some 30 KB of JSON each).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from lasercare.practice.charting.models import AdverseEvent, Severity
from lasercare.practice.clinic.models import display_name
from lasercare.practice.clinic.roles import Action
from lasercare.practice.consultations.models import Consultation, PlanStatus, TreatmentPlan
from lasercare.practice.scheduling.models import Booking, BookingStatus, ReadyToBook
from lasercare.practice.scheduling.ready import weekday_text
from lasercare.practice.scheduling.rules import day_text
from lasercare.site.routes import paths_of
from lasercare.web import compiled_reads
from lasercare.web.dates import days_month_year

FOLLOW_UP_OVERDUE_DAYS = 30  # an overdue follow-up stays on the list this long (practice policy, not clinical)
FOLLOW_UP_AHEAD_DAYS = 7  # and one due soon appears this many days ahead

_PATIENT = ("patient__public_id", "patient__family_name", "patient__given_names")
_SEEN_BY = ("seen_by__username", "seen_by__first_name", "seen_by__last_name")


@dataclass(frozen=True)
class Line:
    """One line of a list: the patient's name, the link (to the patient or the plan), a day, who saw them."""

    href: str
    name: str
    day_shown: str = ""
    seen_by: str = ""
    overdue: bool = False
    urgent: bool = False  # a side effect the practice lists as urgent: first on the list, and said so
    detail: str = ""  # what else the line says ("session 2 of 4")


@dataclass(frozen=True)
class Worklist:
    """One list: its page's route and title, who may see it, which records in which order, the columns a line
    shows, and how a row of them becomes a Line."""

    route: str
    title: str
    action: Action
    empty: str
    records: Callable[[int, date], QuerySet[Any]]
    columns: tuple[str, ...]
    lines: Callable[[Sequence[tuple[Any, ...]], date], list[Line]]
    # What a page is cut by: a unique column that the list's index holds, so that the keys are read from the index
    # alone (PostgreSQL's indexes do not hold the primary key the way SQLite's do).
    key: str = "pk"

    def rows(self, practice: int, today: date) -> QuerySet[Any, tuple[Any, ...]]:
        return self.records(practice, today).values_list(*self.columns)

    def count(self, practice: int, today: date) -> int:
        """How many records the list holds (a page's heading says so)."""
        key = ("count", self.route, practice, today, timezone.get_current_timezone_name())
        # COUNT(*), not of the primary key: PostgreSQL then counts from the list's index alone, which does not hold
        # the key (5.5 ms for 3,044 plans awaiting sign-off, against 0.5 from the index).
        found = compiled_reads.rows(
            key,
            lambda: (
                self.records(practice, today).order_by().values("practice_id").annotate(n=Count("*")).values_list("n")
            ),
        )
        return int(found[0][0]) if found else 0

    def page_rows(self, practice: int, today: date, offset: int, size: int) -> list[tuple[Any, ...]]:
        """The rows of one page: its keys are cut from the list's index alone, and only they are joined with the
        patients and staff. Cutting the joined rows made PostgreSQL join all 3,000 plans of a backlog for its last
        page (26 ms; docs/performance.md), and a subquery of the keys made it scan them all again (0.5-0.7 ms, and
        1.3-2.5 ms of planning). Both statements are compiled once per process: the keys' by page, the rows' by the
        keys they join."""
        zone = timezone.get_current_timezone_name()
        keys = [
            row[0]
            for row in compiled_reads.rows(
                ("keys", self.route, practice, today, offset, size, zone),
                lambda: self.records(practice, today).values_list(self.key)[offset : offset + size],
            )
        ]
        return compiled_reads.rows(
            ("page", self.route, practice, today, tuple(keys), zone),
            lambda: self.rows(practice, today).filter(**{f"{self.key}__in": keys}),
        )


def _todays_records(practice: int, today: date) -> QuerySet[Consultation]:
    return Consultation.objects.filter(practice_id=practice, held_on=today).order_by("created_at", "pk")


def _todays_lines(rows: Sequence[tuple[Any, ...]], today: date) -> list[Line]:
    patient_path = paths_of("patient")
    return [
        Line(patient_path(public_id), f"{family}, {given}", seen_by=display_name(*by))
        for public_id, family, given, *by in rows
    ]


def _awaiting_records(practice: int, today: date) -> QuerySet[TreatmentPlan]:
    return TreatmentPlan.objects.filter(practice_id=practice, status=PlanStatus.DRAFT).order_by(
        "created_at", "public_id"
    )


def _awaiting_lines(rows: Sequence[tuple[Any, ...]], today: date) -> list[Line]:
    plan_path, shown = paths_of("plan"), days_month_year()
    return [
        Line(plan_path(plan_id), f"{family}, {given}", shown(day), seen_by=display_name(*by))
        for plan_id, family, given, day, *by in rows
    ]


def _follow_up_records(practice: int, today: date) -> QuerySet[Consultation]:
    return Consultation.objects.filter(
        practice_id=practice,
        follow_up_on__gte=today - timedelta(days=FOLLOW_UP_OVERDUE_DAYS),
        follow_up_on__lte=today + timedelta(days=FOLLOW_UP_AHEAD_DAYS),
    ).order_by("follow_up_on", "pk")


def _follow_up_lines(rows: Sequence[tuple[Any, ...]], today: date) -> list[Line]:
    patient_path, shown = paths_of("patient"), days_month_year()
    return [
        Line(patient_path(public_id), f"{family}, {given}", shown(day), overdue=day < today)
        for public_id, family, given, day in rows
    ]


def _todays_session_records(practice: int, today: date) -> QuerySet[Booking]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(today, time(0), zone)
    return Booking.objects.filter(
        practice_id=practice,
        starts_at__gte=start,
        starts_at__lt=start + timedelta(days=1),
        status__in=(BookingStatus.BOOKED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW),
    ).order_by("starts_at", "pk")


def _todays_session_lines(rows: Sequence[tuple[Any, ...]], today: date) -> list[Line]:
    if not rows:
        return []
    booking_path = paths_of("booking")
    return [
        Line(
            booking_path(public_id),
            f"{family}, {given}",
            timezone.localtime(starts_at).strftime("%H:%M"),
            seen_by=display_name(*by),
            overdue=status == BookingStatus.NO_SHOW,
        )
        for public_id, family, given, starts_at, status, *by in rows
    ]


def _adverse_event_records(practice: int, today: date) -> QuerySet[AdverseEvent]:
    return AdverseEvent.objects.filter(practice_id=practice, reviewed_at__isnull=True).order_by("recorded_at", "pk")


def _adverse_event_lines(rows: Sequence[tuple[Any, ...]], today: date) -> list[Line]:
    if not rows:
        return []
    event_path, shown = paths_of("adverse_event"), days_month_year()
    return [
        Line(event_path(public_id), f"{family}, {given}", shown(onset), seen_by=Severity(severity).label)
        for public_id, family, given, onset, severity in rows
    ]


def _change_request_records(practice: int, today: date) -> QuerySet[Any]:
    from lasercare.practice.portal.models import ChangeRequest, RequestStatus

    return ChangeRequest.objects.filter(practice_id=practice, status=RequestStatus.OPEN).order_by("created_at", "pk")


# How a change request's line begins ("move the appointment of 4 Jan", "booked online: the appointment of 4 Jan").
_CHANGE_WORDS = {
    "cancel": "cancel",
    "question": "question",
    "booked": "booked online:",
    "moved": "moved online:",
    "cancelled": "cancelled online:",
}


def _change_request_lines(rows: Sequence[tuple[Any, ...]], today: date) -> list[Line]:
    if not rows:
        return []
    change_path, shown = paths_of("change_request"), days_month_year()
    # A question about a consent has no appointment: its day is the day it was asked.
    return [
        Line(
            change_path(public_id),
            f"{family}, {given}",
            shown(timezone.localtime(starts_at or created_at).date()),
            seen_by=_CHANGE_WORDS.get(wish, "move"),
        )
        for public_id, family, given, starts_at, wish, created_at in rows
    ]


def _side_effect_records(practice: int, today: date) -> QuerySet[Any]:
    from lasercare.practice.portal.models import RequestStatus, SideEffectReport

    # Urgent first, then the longest waiting.
    return SideEffectReport.objects.filter(practice_id=practice, status=RequestStatus.OPEN).order_by(
        "-urgent", "created_at", "pk"
    )


def _side_effect_lines(rows: Sequence[tuple[Any, ...]], today: date) -> list[Line]:
    if not rows:
        return []
    report_path, shown = paths_of("side_effect_report"), days_month_year()
    return [
        Line(
            report_path(public_id),
            f"{family}, {given}",
            shown(started_on),
            seen_by="urgent" if urgent else "",
            urgent=bool(urgent),
        )
        for public_id, family, given, started_on, urgent in rows
    ]


def _earliest_words(earliest_on: date, today: date) -> str:
    if earliest_on > today:
        return f"not before {weekday_text(earliest_on)}"
    return "open from today" if earliest_on == today else f"open since {day_text(earliest_on)}"


def _ready_to_book_records(practice: int, today: date) -> QuerySet[ReadyToBook]:
    # Rows kept by scheduling/ready.py: no plan document is read, whatever the number of accepted plans.
    return ReadyToBook.objects.filter(practice_id=practice).order_by("earliest_on", "plan_id")


def _ready_to_book_lines(rows: Sequence[tuple[Any, ...]], today: date) -> list[Line]:
    if not rows:
        return []
    course_path = paths_of("plan_course")
    # Straight to the booking form of the session to book; no treatment is named, so the front desk may read it.
    return [
        Line(
            f"{course_path(plan_id)}?session={session}#book",
            f"{family}, {given}",
            _earliest_words(earliest_on, today),
            detail=f"session {session} of {sessions}",
        )
        for plan_id, family, given, earliest_on, session, sessions in rows
    ]


TODAYS_PATIENTS = Worklist(
    route="todays_patients",
    title="Today's patients",
    action=Action.VIEW_DASHBOARD,
    empty="No consultations recorded today yet.",
    records=_todays_records,
    columns=(*_PATIENT, *_SEEN_BY),
    lines=_todays_lines,
)
AWAITING_SIGN_OFF = Worklist(
    route="awaiting_sign_off",
    title="Plans awaiting a clinician's sign-off",
    action=Action.VIEW_CLINICAL,
    empty="Nothing waiting.",
    records=_awaiting_records,
    columns=("public_id", *_PATIENT[1:], "consultation__held_on", *(f"consultation__{f}" for f in _SEEN_BY)),
    key="public_id",  # in plan_practice_status, after the order's created_at
    lines=_awaiting_lines,
)
TODAYS_SESSIONS = Worklist(
    route="todays_sessions",
    title="Today's sessions",
    action=Action.VIEW_SCHEDULE,
    empty="No sessions booked today.",
    records=_todays_session_records,
    columns=(
        "public_id",
        *_PATIENT[1:],
        "starts_at",
        "status",
        "practitioner__username",
        "practitioner__first_name",
        "practitioner__last_name",
    ),
    key="public_id",
    lines=_todays_session_lines,
)
ADVERSE_EVENTS = Worklist(
    route="adverse_events_to_review",
    title="Adverse events awaiting a clinician's review",
    action=Action.VIEW_CLINICAL,
    empty="No adverse event awaits review.",
    records=_adverse_event_records,
    columns=("public_id", *_PATIENT[1:], "onset_on", "severity"),
    key="public_id",
    lines=_adverse_event_lines,
)
CHANGE_REQUESTS = Worklist(
    route="change_requests",
    title="Appointment change requests and questions from the portal",
    action=Action.BOOK_SESSIONS,
    empty="No change request or question waiting.",
    records=_change_request_records,
    columns=("public_id", *_PATIENT[1:], "booking__starts_at", "wish", "created_at"),
    key="public_id",
    lines=_change_request_lines,
)
SIDE_EFFECT_REPORTS = Worklist(
    route="side_effect_reports",
    title="Side effects reported by patients",
    action=Action.VIEW_CLINICAL,
    empty="No side-effect report waiting.",
    records=_side_effect_records,
    columns=("public_id", *_PATIENT[1:], "started_on", "urgent"),
    key="public_id",
    lines=_side_effect_lines,
)
READY_TO_BOOK = Worklist(
    route="ready_to_book",
    title="Ready to book",
    action=Action.BOOK_SESSIONS,
    empty="Every accepted plan's sessions are booked.",
    records=_ready_to_book_records,
    columns=("plan__public_id", *_PATIENT[1:], "earliest_on", "session", "sessions"),
    key="plan",  # the primary key, in ready_practice_earliest after the order's earliest_on
    lines=_ready_to_book_lines,
)
FOLLOW_UPS_DUE = Worklist(
    route="follow_ups_due",
    title="Follow-ups due",
    action=Action.VIEW_DASHBOARD,
    empty="No follow-ups due this week.",
    records=_follow_up_records,
    columns=(*_PATIENT, "follow_up_on"),
    lines=_follow_up_lines,
)


def head(worklist: Worklist, practice: int, today: date, lines: int) -> tuple[list[Line], bool]:
    """The first `lines` of a list, and whether it goes on (one row more is read to know). The dashboard asks for
    every list's head on each visit with the same arguments all day: the statement is compiled once per process
    (web/compiled_reads.py)."""
    key = ("head", worklist.route, practice, today, lines, timezone.get_current_timezone_name())
    rows = compiled_reads.rows(key, lambda: worklist.rows(practice, today)[: lines + 1])
    return worklist.lines(rows[:lines], today), len(rows) > lines


def count_up_to(worklist: Worklist, practice: int, today: date, most: int) -> int:
    """How many records the list holds, counted up to `most` + 1 (from the keys, on the list's index)."""
    key = ("count up to", worklist.route, practice, today, most, timezone.get_current_timezone_name())
    return len(
        compiled_reads.rows(key, lambda: worklist.records(practice, today).values_list(worklist.key)[: most + 1])
    )
