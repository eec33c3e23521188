"""Patient pages: the list and search, the record, and its timeline."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_http_methods

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.charting.models import AdverseEvent, Outcome, SessionChart
from lasercare.practice.clinic.access import in_practice, practice_id, requires, staff_user
from lasercare.practice.clinic.roles import Action
from lasercare.practice.clinic.translation_review import language_shown
from lasercare.practice.consent.models import Consent
from lasercare.practice.consultations import safety_services
from lasercare.practice.consultations.models import Consultation, PlanOverride, PlanStatus, TreatmentPlan
from lasercare.practice.patients.course import booking_courses, courses
from lasercare.practice.patients.forms import PatientForm, PatientSearchForm
from lasercare.practice.patients.models import Patient
from lasercare.practice.patients.services import NameMatches, read_query, save_patient, search_patients
from lasercare.practice.patients.timeline import timeline
from lasercare.practice.photos.models import SkinPhoto
from lasercare.practice.portal.models import SideEffectReport
from lasercare.practice.scheduling.models import Booking, BookingStatus, ReadyToBook

PAGE_SIZE = 25
COUNT_AHEAD = 10  # pages counted past the one shown


class CountedAhead(Paginator[Patient]):
    """Counts the matches only as far as COUNT_AHEAD pages past the page asked for.

    Counting all 100,000 patients of a practice, or the 14,000 whose names begin with one letter, cost more than
    finding the 25 shown; "more than 1,025" says as much to a receptionist, and the next pages stay reachable.
    """

    def __init__(self, object_list: QuerySet[Patient] | NameMatches, per_page: int, number: int) -> None:
        super().__init__(object_list, per_page)
        self.matches = object_list
        # A page number typed into the address may be absurd: the limit stays within SQL's 64-bit integers.
        self.count_limit = (min(max(1, number), 10**9) + COUNT_AHEAD) * per_page

    @cached_property
    def count(self) -> int:
        if isinstance(self.matches, NameMatches):
            return self.matches.count_upto(self.count_limit)
        return self.matches[: self.count_limit + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.count_limit


@requires(Action.VIEW_PATIENT_LIST)
@require_http_methods(["GET", "HEAD", "POST"])
def patient_list(request: HttpRequest) -> HttpResponse:
    """The list, or search results. A search is POSTed: names and dates of birth never go into a URL."""
    practice = practice_id(request)  # the id only: the practice's own row is not needed
    if request.method == "POST":
        form = PatientSearchForm(request.POST)
        page_number: int = 1
        query = read_query("")
        if form.is_valid():
            query = read_query(form.cleaned_data["q"])
            page_number = form.cleaned_data["page"] or 1
    else:
        form = PatientSearchForm()
        query = read_query("")
        page_number = _page_number(request.GET.get("page"))
    page = CountedAhead(search_patients(practice, query), PAGE_SIZE, page_number).get_page(page_number)
    action = AuditAction.LIST if query.is_empty else AuditAction.SEARCH
    record(request, action, "patient", detail=f"page {page.number}, {len(page.object_list)} shown")
    context = {"form": form, "page": page, "query": query}
    template = "patients/_results.html" if request.headers.get("HX-Request") else "patients/list.html"
    return render(request, template, context)


def _page_number(text: str | None) -> int:
    try:
        return max(1, int(text or 1))
    except ValueError:
        return 1


@requires(Action.EDIT_PATIENT)
@require_http_methods(["GET", "HEAD", "POST"])
def patient_new(request: HttpRequest) -> HttpResponse:
    practice = practice_id(request)
    form = PatientForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        patient: Patient = form.save(commit=False)
        patient.practice_id = practice
        save_patient(request, patient)
        return redirect("patient", public_id=patient.public_id)
    return render(request, "patients/edit.html", {"form": form, "patient": None}, status=400 if form.errors else 200)


@requires(Action.EDIT_PATIENT)
@require_http_methods(["GET", "HEAD", "POST"])
def patient_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = in_practice(request, Patient.objects.all(), public_id)
    form = PatientForm(request.POST if request.method == "POST" else None, instance=patient)
    if request.method == "POST" and form.is_valid():
        save_patient(request, form.save(commit=False))
        return redirect("patient", public_id=patient.public_id)
    if request.method == "GET":
        record(request, AuditAction.VIEW, "patient", patient.public_id, patient_ref=patient.public_id)
    return render(request, "patients/edit.html", {"form": form, "patient": patient}, status=400 if form.errors else 200)


@requires(Action.VIEW_PATIENT_LIST)
def patient_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    # The portal account rides along in the same query: the page shows whether the patient has one.
    patient = in_practice(request, Patient.objects.select_related("portal_account"), public_id)
    context: dict[str, Any] = {"patient": patient, **language_shown(patient.practice_id, patient.preferred_language)}
    if user.may(Action.INVITE_TO_PORTAL):
        context["portal_account"] = getattr(patient, "portal_account", None)
    if user.may(Action.VIEW_CLINICAL):
        consultations = Consultation.objects.filter(patient=patient).select_related("seen_by", "location")
        plans = list(
            TreatmentPlan.objects.filter(patient=patient).prefetch_related(
                Prefetch("overrides", queryset=PlanOverride.objects.select_related("by"))
            )
        )
        bookings = list(
            Booking.objects.filter(patient=patient).select_related("practitioner", "room").order_by("starts_at")
        )
        consents = list(Consent.objects.filter(patient=patient).select_related("withdrawal"))
        charts = list(SessionChart.objects.filter(patient=patient).select_related("performed_by", "device"))
        events = list(AdverseEvent.objects.filter(patient=patient))
        outcomes = list(Outcome.objects.filter(patient=patient))
        reports = list(SideEffectReport.objects.filter(patient=patient))
        photos = list(SkinPhoto.objects.filter(patient=patient))
        # The safety questions that hold each course. Its adverse-event flags are counted from the events read above,
        # not read again: a flag is open exactly as long as its event awaits review, and every open flag of the
        # patient is on their open plan (raised there, carried to each new one); an accepted plan is that plan.
        accepted = [p for p in plans if p.status == PlanStatus.ACCEPTED]
        awaiting = sum(1 for e in events if e.reviewed_at is None)
        holds = safety_services.open_counts(accepted, flags=dict.fromkeys((p.pk for p in accepted), awaiting))
        context["courses"] = courses(plans, bookings, charts, consents, events, timezone.now(), holds)
        context["events"] = timeline(
            list(consultations),
            plans,
            consents=consents,
            bookings=bookings,
            charts=charts,
            events=events,
            outcomes=outcomes,
            reports=reports,
            photos=photos,
        )
        context["to_book"] = {row.plan_id: row for row in ReadyToBook.objects.filter(patient=patient)}
        record(
            request, AuditAction.VIEW, "patient", patient.public_id, patient_ref=patient.public_id, detail="timeline"
        )
    elif user.may(Action.VIEW_SCHEDULE):
        _add_appointments(context, patient)
        record(
            request,
            AuditAction.VIEW,
            "patient",
            patient.public_id,
            patient_ref=patient.public_id,
            detail="contact, appointments",
        )
    else:
        record(request, AuditAction.VIEW, "patient", patient.public_id, patient_ref=patient.public_id, detail="contact")
    return render(request, "patients/detail.html", context)


def _add_appointments(context: dict[str, Any], patient: Patient) -> None:
    """The courses and appointments without clinical detail, for the front desk and the practice admin: no plan
    document, consultation, chart or treatment is read (docs/security.md, "What each role sees")."""
    now = timezone.now()
    bookings = list(
        Booking.objects.filter(patient=patient).select_related("practitioner", "room", "device").order_by("starts_at")
    )
    plans = list(
        TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.ACCEPTED)
        .order_by("-created_at", "-pk")
        .values_list("pk", "public_id")
    )
    ready = list(ReadyToBook.objects.filter(patient=patient))
    context["booking_courses"] = booking_courses(plans, bookings, ready, now)
    context["upcoming"] = [b for b in bookings if b.status == BookingStatus.BOOKED and b.starts_at >= now]
    context["past"] = [b for b in reversed(bookings) if not (b.status == BookingStatus.BOOKED and b.starts_at >= now)]
