"""Charting pages: session charts, adverse events, outcomes, and a plan's record of them. Each view checks access,
calls a service and renders; what the records allow lives in services.py."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.charting import required_settings, services
from lasercare.practice.charting.forms import (
    AddendumForm,
    AdverseEventForm,
    ChartForm,
    OutcomeForm,
    ResolveForm,
    ReviewForm,
)
from lasercare.practice.charting.models import AdverseEvent, ChartAddendum, ChartStatus, Outcome, SessionChart
from lasercare.practice.charting.scales import by_field, relevant
from lasercare.practice.charting.settings_check import NO_DEVICE_LIMITS, number
from lasercare.practice.clinic.access import in_practice, requires, staff_user
from lasercare.practice.clinic.models import SETTINGS, Device
from lasercare.practice.clinic.policy import knowledge_for
from lasercare.practice.clinic.roles import Action
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.consultations.services import chosen_modality
from lasercare.practice.safety import services as safety


def _plan(request: HttpRequest, public_id: str) -> TreatmentPlan:
    return in_practice(request, TreatmentPlan.objects.select_related("patient", "practice"), public_id)


def _chart(request: HttpRequest, public_id: str) -> SessionChart:
    return in_practice(
        request,
        SessionChart.objects.select_related("plan", "patient", "device", "performed_by", "signed_by", "booking"),
        public_id,
    )


def _device(plan: TreatmentPlan, public_id: object) -> Device | None:
    """One of the devices the plan's treatment may be charted on, by its opaque id; None if it is not one."""
    try:
        wanted = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return next((device for device in services.devices_for(plan) if device.public_id == wanted), None)


def _eyewear_suggestion(plan: TreatmentPlan) -> str:
    """The eyewear the knowledge names for the chosen treatment (rated for its wavelengths)."""
    modality = knowledge_for(plan.practice).modalities.get(chosen_modality(plan) or "")
    return modality.eyewear_text if modality is not None else ""


def _form_context(
    plan: TreatmentPlan, device: Device, form: ChartForm, check: services.Check, chart: SessionChart | None
) -> dict[str, Any]:
    return {
        "plan": plan,
        "patient": plan.patient,
        "device": device,
        "form": form,
        "check": check,
        "chart": chart,
        "settings": SETTINGS,
        "units": {name: unit for name, _label, unit in SETTINGS},
        "number": number,
        "session_number": chart.session_number if chart is not None else services.next_session_number(plan),
        "phototype": services.phototype_of(plan),
        "eyewear_gate": _eyewear_gate(plan, device, form),
    }


def _bound_values(form: ChartForm) -> dict[str, Any]:
    """What the check reads from a form being filled in: each value that is valid so far."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return {name: data.get(name) for name in (*services.SETTING_NAMES, "wavelength_nm")}


@requires(Action.CHART_SESSION)
@require_http_methods(["GET", "HEAD", "POST"])
def chart_new(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    plan = _plan(request, public_id)
    record(request, AuditAction.VIEW, "plan", plan.public_id, patient_ref=plan.patient.public_id, detail="chart new")
    blocker = services.chart_blocker(plan)
    context: dict[str, Any] = {"plan": plan, "patient": plan.patient, "blocker": blocker}
    if blocker is not None:
        # Nothing to fill in: the page says why and offers no form.
        context["draft"] = services.open_draft(plan)
        return render(request, "charting/chart_new.html", context, status=400 if request.method == "POST" else 200)
    previous = services.start_values(plan)
    device = _device(plan, request.POST.get("device") if request.method == "POST" else request.GET.get("device"))
    if device is None:
        # From last time, the device too: the one used then comes first, marked so.
        devices = services.devices_for(plan)
        last = previous.device_id if previous is not None else None
        context["devices"] = sorted(devices, key=lambda device: device.pk != last)
        context["last_device"] = last
        return render(request, "charting/chart_new.html", context, status=400 if request.method == "POST" else 200)
    eyewear = safety.eyewear_choices(plan.practice_id)
    if request.method == "POST":
        form = ChartForm(request.POST, eyewear_choices=eyewear)
        if form.is_valid():
            try:
                chart = services.save_chart(
                    request,
                    user,
                    plan,
                    device=device,
                    values=form.cleaned_data,
                    performed_at=form.cleaned_data["performed_at"],
                )
            except services.ChartingRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _saved_message(chart))
                return redirect("chart", public_id=chart.public_id)
        check = services.check(
            plan, device, _bound_values(form), previous=previous, session_number=services.next_session_number(plan)
        )
        status = 400
    else:
        initial = ChartForm.initial_from(previous)
        if previous is not None:
            initial.update(_worn_last_time(previous, eyewear))
        initial.setdefault("wavelength_nm", device.wavelengths[0] if device.wavelengths else None)
        initial.setdefault("eyewear", _eyewear_suggestion(plan))
        initial.update(
            {"device": device.public_id, "performed_at": timezone.localtime().replace(second=0, microsecond=0)}
        )
        form = ChartForm(initial=initial, eyewear_choices=eyewear)
        check = services.check(
            plan, device, initial, previous=previous, session_number=services.next_session_number(plan)
        )
        status = 200
    context.update(_form_context(plan, device, form, check, None))
    return render(request, "charting/chart_new.html", context, status=status)


def _worn_last_time(previous: SessionChart, choices: list[tuple[str, str]]) -> dict[str, Any]:
    """The eyewear chosen last time, as choices on today's form: only items still in the practice's use."""
    usable = {value for value, _label in choices}
    worn = safety.worn_initial(previous)
    return {
        "eyewear_patient": worn["eyewear_patient"] if worn["eyewear_patient"] in usable else "",
        "eyewear_operator": worn["eyewear_operator"] if worn["eyewear_operator"] in usable else "",
        "eyewear_others": [value for value in worn["eyewear_others"] if value in usable],  # type: ignore[attr-defined]
    }


def _saved_message(chart: SessionChart) -> str:
    warned = len(chart.warnings)
    if warned:
        said = f"Draft saved with {warned} warning{'s' if warned != 1 else ''}: read them before signing."
    else:
        said = "Draft saved. Check it and sign it."
    if not chart.device.has_limits:
        said += " " + NO_DEVICE_LIMITS
    missing = required_settings.missing(chart.device.modality, services.setting_values(chart))
    if missing:
        said += " Before signing, record: " + ", ".join(missing) + "."
    return said


@requires(Action.CHART_SESSION)
@require_POST
def chart_check(request: HttpRequest, public_id: str) -> HttpResponse:
    """The changes and warnings beside the form, refreshed by HTMX as it is filled in. Stores nothing."""
    plan = _plan(request, public_id)
    form = ChartForm(request.POST, eyewear_choices=safety.eyewear_choices(plan.practice_id))
    device = _device(plan, request.POST.get("device"))
    record(request, AuditAction.VIEW, "plan", plan.public_id, patient_ref=plan.patient.public_id, detail="chart check")
    if device is None:
        return render(request, "charting/_check.html", {"check": None})
    chart = None
    editing = request.POST.get("chart")
    if editing:
        try:
            chart = SessionChart.objects.filter(plan=plan, public_id=uuid.UUID(editing)).first()
        except ValueError:
            chart = None
    previous = services.start_values(plan, before=chart)
    number_of = chart.session_number if chart is not None else services.next_session_number(plan)
    check = services.check(plan, device, _bound_values(form), previous=previous, session_number=number_of)
    return render(
        request,
        "charting/_check.html",
        {
            "check": check,
            "number": number,
            "settings": SETTINGS,
            "oob": bool(request.POST.get("oob")),
            "eyewear_gate": _eyewear_gate(plan, device, form),
        },
    )


def _eyewear_gate(plan: TreatmentPlan, device: Device, form: ChartForm) -> Any:
    """The eyewear check for what the form says so far (lasercare.practice.safety), beside the settings check."""
    data = getattr(form, "cleaned_data", {}) if form.is_bound else form.initial
    worn = safety.chosen(
        plan.practice_id,
        data.get("eyewear_patient") or "",
        data.get("eyewear_operator") or "",
        data.get("eyewear_others") or (),
    )
    return safety.preview(device, data.get("wavelength_nm"), worn, plan.practice_id)


@requires(Action.VIEW_CLINICAL)
def chart_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    chart = _chart(request, public_id)
    previous = services.start_values(chart.plan, before=chart)
    check = services.check(chart.plan, chart.device, services.setting_values(chart), previous=previous)
    record(request, AuditAction.VIEW, "chart", chart.public_id, patient_ref=chart.patient.public_id)
    return render(request, "charting/chart.html", _chart_context(user, chart, check))


def _chart_context(user: Any, chart: SessionChart, check: services.Check, **extra: Any) -> dict[str, Any]:
    context = {
        "chart": chart,
        "plan": chart.plan,
        "patient": chart.patient,
        "check": check,
        "settings": SETTINGS,
        "number": number,
        "addenda": list(ChartAddendum.objects.filter(chart=chart).select_related("by")),
        "may_edit": services.may_edit(chart, user),
        "may_add": chart.status == ChartStatus.SIGNED and user.may(Action.CHART_SESSION),
        "events": list(AdverseEvent.objects.filter(chart=chart).order_by("onset_on", "pk")),
        "eyewear_gate": safety.gate(chart),
        "may_override_eyewear": chart.status == ChartStatus.DRAFT and safety.is_officer(user),
    }
    if context["may_add"]:
        context["addendum_form"] = AddendumForm()
    context.update(extra)
    return context


@requires(Action.CHART_SESSION)
@require_http_methods(["GET", "HEAD", "POST"])
def chart_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    chart = _chart(request, public_id)
    plan = _plan(request, str(chart.plan.public_id))
    if not services.may_edit(chart, user):
        messages.error(
            request,
            "This chart is signed: it never changes. Add an addendum to correct it."
            if chart.status == ChartStatus.SIGNED
            else "Only the practitioner who performed the session changes its chart.",
        )
        return redirect("chart", public_id=chart.public_id)
    record(request, AuditAction.VIEW, "chart", chart.public_id, patient_ref=chart.patient.public_id, detail="edit")
    device = chart.device
    if request.method == "POST":
        chosen = _device(plan, request.POST.get("device"))
        device = chosen or device
        form = ChartForm(request.POST, eyewear_choices=safety.eyewear_choices(plan.practice_id))
        if form.is_valid() and chosen is not None:
            try:
                services.save_chart(
                    request,
                    user,
                    plan,
                    device=device,
                    values=form.cleaned_data,
                    performed_at=form.cleaned_data["performed_at"],
                    chart=chart,
                )
            except services.ChartingRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                chart.refresh_from_db()
                messages.success(request, _saved_message(chart))
                return redirect("chart", public_id=chart.public_id)
        elif chosen is None:
            form.add_error(None, "That device no longer delivers this plan's treatment: choose one that does.")
        values = _bound_values(form)
        status = 400
    else:
        initial = ChartForm.initial_from(chart, whole=True)
        initial.update({"device": device.public_id, "performed_at": timezone.localtime(chart.performed_at)})
        initial.update(safety.worn_initial(chart))
        form = ChartForm(initial=initial, eyewear_choices=safety.eyewear_choices(plan.practice_id))
        values = initial
        status = 200
    check = services.check(
        plan,
        device,
        values,
        previous=services.start_values(plan, before=chart),
        session_number=chart.session_number,
    )
    context = {"blocker": None, **_form_context(plan, device, form, check, chart)}
    return render(request, "charting/chart_new.html", context, status=status)


@requires(Action.CHART_SESSION)
@require_POST
def chart_sign(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    chart = _chart(request, public_id)
    try:
        services.sign_chart(request, user, chart)
    except services.ChartingRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Session {chart.session_number} signed.")
    return redirect("chart", public_id=chart.public_id)


@requires(Action.CHART_SESSION)
@require_POST
def chart_addendum(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    chart = _chart(request, public_id)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.add_addendum(request, user, chart, form.cleaned_data["text"])
        except services.ChartingRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("chart", public_id=chart.public_id)
        messages.success(request, "Addendum added.")
        return redirect("chart", public_id=chart.public_id)
    previous = services.start_values(chart.plan, before=chart)
    check = services.check(chart.plan, chart.device, services.setting_values(chart), previous=previous)
    record(request, AuditAction.VIEW, "chart", chart.public_id, patient_ref=chart.patient.public_id)
    context = _chart_context(user, chart, check)
    if context["may_add"]:
        context["addendum_form"] = form
    return render(request, "charting/chart.html", context, status=400)


# -- adverse events ------------------------------------------------------------------------------------------------


def _plan_charts(plan: TreatmentPlan) -> list[SessionChart]:
    return list(SessionChart.objects.filter(plan=plan).order_by("session_number"))


@requires(Action.RECORD_ADVERSE_EVENT)
@require_http_methods(["GET", "HEAD", "POST"])
def adverse_event_new(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    plan = _plan(request, public_id)
    charts = _plan_charts(plan)
    if request.method == "POST":
        form = AdverseEventForm(request.POST, charts=charts)
        if form.is_valid():
            data = form.cleaned_data
            try:
                event = services.record_adverse_event(
                    request,
                    user,
                    plan,
                    kind=data["kind"],
                    severity=data["severity"],
                    onset_on=data["onset_on"],
                    description=data.get("description") or "",
                    treatment=data.get("treatment") or "",
                    chart=data.get("chart"),
                )
            except services.ChartingRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "Adverse event recorded. The plan is flagged for a clinician's review.")
                return redirect("adverse_event", public_id=event.public_id)
        status = 400
    else:
        latest = charts[-1] if charts else None
        form = AdverseEventForm(
            initial={"chart": str(latest.public_id) if latest else "", "onset_on": timezone.localdate()},
            charts=charts,
        )
        status = 200
    record(
        request,
        AuditAction.VIEW,
        "plan",
        plan.public_id,
        patient_ref=plan.patient.public_id,
        detail="adverse event new",
    )
    return render(
        request, "charting/adverse_event_new.html", {"plan": plan, "patient": plan.patient, "form": form}, status=status
    )


def _event(request: HttpRequest, public_id: str) -> AdverseEvent:
    return in_practice(
        request,
        AdverseEvent.objects.select_related("plan", "patient", "chart", "recorded_by", "reviewed_by"),
        public_id,
    )


def _event_page(request: HttpRequest, event: AdverseEvent, *, status: int = 200, **forms: Any) -> HttpResponse:
    user = staff_user(request)
    context: dict[str, Any] = {"event": event, "plan": event.plan, "patient": event.patient}
    if event.reviewed_at is None and user.may(Action.REVIEW_ADVERSE_EVENT):
        context["review_form"] = forms.get("review_form") or ReviewForm()
    if user.may(Action.RECORD_ADVERSE_EVENT):
        context["resolve_form"] = forms.get("resolve_form") or ResolveForm(
            initial={"resolved_on": event.resolved_on or timezone.localdate(), "resolution": event.resolution}
        )
    record(request, AuditAction.VIEW, "adverse_event", event.public_id, patient_ref=event.patient.public_id)
    return render(request, "charting/adverse_event.html", context, status=status)


@requires(Action.VIEW_CLINICAL)
def adverse_event_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return _event_page(request, _event(request, public_id))


@requires(Action.REVIEW_ADVERSE_EVENT)
@require_POST
def adverse_event_review(request: HttpRequest, public_id: str) -> HttpResponse:
    event = _event(request, public_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_adverse_event(request, staff_user(request), event, form.cleaned_data["note"])
        except services.ChartingRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "Review recorded: the event no longer flags the plan.")
        return redirect("adverse_event", public_id=event.public_id)
    return _event_page(request, event, status=400, review_form=form)


@requires(Action.RECORD_ADVERSE_EVENT)
@require_POST
def adverse_event_resolve(request: HttpRequest, public_id: str) -> HttpResponse:
    event = _event(request, public_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.update_resolution(
                request,
                staff_user(request),
                event,
                resolved_on=form.cleaned_data["resolved_on"],
                resolution=form.cleaned_data["resolution"],
            )
        except services.ChartingRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Resolution recorded.")
            return redirect("adverse_event", public_id=event.public_id)
    return _event_page(request, event, status=400, resolve_form=form)


# -- outcomes ------------------------------------------------------------------------------------------------------


def _concerns(plan: TreatmentPlan) -> list[str]:
    intake = plan.consultation.intake
    return [concern["code"] for concern in intake.get("concerns", [])]


@requires(Action.RECORD_OUTCOME)
@require_http_methods(["GET", "HEAD", "POST"])
def outcome_new(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    plan = in_practice(request, TreatmentPlan.objects.select_related("patient", "consultation"), public_id)
    scales = relevant(_concerns(plan))
    sessions = list(
        SessionChart.objects.filter(plan=plan, status=ChartStatus.SIGNED)
        .order_by("session_number")
        .values_list("session_number", flat=True)
    )
    if request.method == "POST":
        form = OutcomeForm(request.POST, scales=scales, sessions=sessions)
        if form.is_valid():
            try:
                outcome = services.record_outcome(
                    request,
                    user,
                    plan,
                    assessed_on=form.cleaned_data["assessed_on"],
                    scores=form.scores(),
                    after_session=form.cleaned_data.get("after_session"),
                    notes=form.cleaned_data.get("notes") or "",
                )
            except services.ChartingRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "Outcome recorded.")
                return redirect("outcome", public_id=outcome.public_id)
        status = 400
    else:
        form = OutcomeForm(
            initial={"assessed_on": timezone.localdate(), "after_session": sessions[-1] if sessions else None},
            scales=scales,
            sessions=sessions,
        )
        status = 200
    record(request, AuditAction.VIEW, "plan", plan.public_id, patient_ref=plan.patient.public_id, detail="outcome new")
    return render(
        request,
        "charting/outcome_new.html",
        {"plan": plan, "patient": plan.patient, "form": form, "scales": scales},
        status=status,
    )


@requires(Action.VIEW_CLINICAL)
def outcome_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    outcome = in_practice(request, Outcome.objects.select_related("plan", "patient", "recorded_by"), public_id)
    record(request, AuditAction.VIEW, "outcome", outcome.public_id, patient_ref=outcome.patient.public_id)
    shown = [(scale, getattr(outcome, scale.field)) for scale in by_field().values()]
    return render(
        request,
        "charting/outcome.html",
        {
            "outcome": outcome,
            "plan": outcome.plan,
            "patient": outcome.patient,
            "scores": [(scale, scale.label_of(value)) for scale, value in shown if value is not None],
        },
    )


# -- a plan's sessions, events and outcomes ------------------------------------------------------------------------


@requires(Action.VIEW_CLINICAL)
def plan_charts(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    # The plan's document (30 KB) is not shown here.
    plan = in_practice(request, TreatmentPlan.objects.select_related("patient").defer("document"), public_id)
    charts = list(
        SessionChart.objects.filter(plan=plan)
        .select_related("device", "performed_by", "signed_by")
        .prefetch_related(Prefetch("addenda", queryset=ChartAddendum.objects.only("pk", "chart_id")))
        .order_by("session_number")
    )
    events = sorted(
        AdverseEvent.objects.filter(plan=plan).select_related("chart", "recorded_by", "reviewed_by"),
        key=lambda event: (event.reviewed_at is not None, event.onset_on, event.pk),
    )
    outcomes = list(Outcome.objects.filter(plan=plan).order_by("assessed_on", "pk"))
    tables = []
    for scale in by_field().values():
        rows = [(outcome, scale.label_of(getattr(outcome, scale.field))) for outcome in outcomes]
        rows = [(outcome, label) for outcome, label in rows if label]
        if rows:
            tables.append((scale, rows))
    record(request, AuditAction.VIEW, "plan", plan.public_id, patient_ref=plan.patient.public_id, detail="charts")
    return render(
        request,
        "charting/plan_charts.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "charts": charts,
            "events": events,
            "flagged": sum(1 for event in events if event.reviewed_at is None),
            "outcomes": outcomes,
            "tables": tables,
            "can_chart": user.may(Action.CHART_SESSION),
            "number": number,
        },
    )
