"""Consultation and plan pages. Each view checks access, calls a service, and renders; the rules live in
services.py and the engine."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import BooleanField, IntegerField, Prefetch, QuerySet, UUIDField
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lasercare.engine import IntakeError
from lasercare.engine.medicines import read_medicine
from lasercare.practice import labels
from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.charting.models import AdverseEvent
from lasercare.practice.clinic.access import in_practice, practice_id, requires, staff_user
from lasercare.practice.clinic.policy import knowledge_for
from lasercare.practice.clinic.roles import Action
from lasercare.practice.consultations import safety_services, services
from lasercare.practice.consultations.forms import DecisionForm, IntakeForm, OverrideForm, SafetyAnswerForm
from lasercare.practice.consultations.models import (
    Consultation,
    OverrideKind,
    PlanFlag,
    PlanOverride,
    PlanStatus,
    TreatmentPlan,
)
from lasercare.practice.patients.models import Patient
from lasercare.practice.photos.services import ita_estimate, recorded_phototype
from lasercare.web import compiled_reads


def _latest_intake(patient: Patient) -> dict[str, Any] | None:
    latest = Consultation.objects.filter(patient=patient).order_by("-held_on", "-created_at").first()
    return latest.intake if latest is not None else None


@requires(Action.RECORD_CONSULTATION)
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_new(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    assert user.practice is not None
    patient = in_practice(request, Patient.objects.select_related("practice"), public_id)
    today = timezone.localdate()
    if request.method == "POST":
        form = IntakeForm(request.POST, patient=patient, practice=user.practice)
        if form.is_valid() and form.intake is not None:
            data = form.cleaned_data
            try:
                plan = services.record_consultation(
                    request,
                    user,
                    patient,
                    held_on=data["held_on"],
                    intake=form.intake,
                    notes=data.get("notes") or "",
                    follow_up_on=data.get("follow_up_on"),
                    location=data.get("location"),
                )
            except IntakeError as error:  # the form checked the intake; a race with a policy change remains
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Consultation recorded. The engine's plan is below, awaiting review."))
                return redirect("plan", public_id=plan.public_id)
        status = 400
    else:
        previous = _latest_intake(patient)
        initial = IntakeForm.initial_from(previous, today) if previous else {"held_on": today}
        form = IntakeForm(initial=initial, patient=patient, practice=user.practice)
        status = 200
    record(
        request,
        AuditAction.VIEW,
        "patient",
        patient.public_id,
        patient_ref=patient.public_id,
        detail="new consultation",
    )
    return render(
        request, "consultations/new.html", {"form": form, "patient": patient, **_preview(form, patient)}, status=status
    )


def _preview(form: IntakeForm, patient: Patient) -> dict[str, Any]:
    """What the side panel shows: questionnaire score, each medication as recognised, the engine's plan."""
    if not form.is_bound:
        return {"preview": None}
    form.is_valid()
    knowledge = knowledge_for(patient.practice)
    medications = []
    for name_field, _stopped in form.medication_rows():
        name = (form.data.get(name_field.html_name) or "").strip()
        if not name:
            continue
        reading = read_medicine(name, knowledge.lexicon)
        medications.append(
            {
                "name": name,
                "field": name_field.id_for_label,
                "status": reading.status,
                "recognised_as": " + ".join(reading.recognised),
                "suggestion": " or ".join(reading.suggested),
                # A single suggestion can replace what was typed; "A or B" is for the clinician to choose.
                "replacement": reading.suggested[0] if len(reading.suggested) == 1 and not reading.recognised else "",
                "classes": [knowledge.medication_classes[c].label for c in reading.classes],
                "route": reading.route,
            }
        )
    allergies = []
    for line in form.allergy_lines():
        reading = read_medicine(line, knowledge.lexicon)
        allergies.append(
            {
                "name": line,
                "status": reading.status,
                "recognised_as": " + ".join(reading.recognised),
                "suggestion": " or ".join(reading.suggested),
                "classes": [knowledge.allergy_classes[c].label for c in reading.allergy_classes],
            }
        )
    preview = None
    findings: list[dict[str, Any]] = []
    marked: dict[str, list[dict[str, Any]]] = {}
    if form.intake is not None:
        preview = services.preview(patient, form.intake, form.cleaned_data["held_on"])
        if preview.plan is not None:
            findings = _most_severe_first(preview.plan["findings"])
            marked = _findings_by_option(preview.plan)
    return {
        "preview": preview,
        "findings": findings,
        "marked": marked,
        "score": form.questionnaire_score(),
        "medications": medications,
        "allergies": allergies,
        "labels": labels,
    }


_SEVERITY_ORDER = {"absolute": 0, "relative": 1, "precaution": 2}


def _most_severe_first(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per finding for the side panel: a finding graded per modality group shows its gravest grade, with
    the treatments that grade is for (an absolute finding for full resurfacing only must not read as one for all)."""
    gravest: dict[str, dict[str, Any]] = {}
    for finding in findings:
        known = gravest.get(finding["code"])
        if known is None or _SEVERITY_ORDER[finding["severity"]] < _SEVERITY_ORDER[known["severity"]]:
            gravest[finding["code"]] = {**finding, "applies_to": list(finding.get("applies_to") or [])}
        elif known["severity"] == finding["severity"]:
            known["applies_to"] += [m for m in finding.get("applies_to") or [] if m not in known["applies_to"]]
    return sorted(gravest.values(), key=lambda f: _SEVERITY_ORDER[f["severity"]])


def _findings_by_option(plan: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Per option, the findings that apply to it, gravest first: shown beside the option in the side panel."""
    marked: dict[str, list[dict[str, Any]]] = {}
    for finding in sorted(plan["findings"], key=lambda f: _SEVERITY_ORDER[f["severity"]]):
        applies = finding.get("applies_to") or ["all"]
        for option in plan.get("options", []):
            if "all" in applies or option["modality"] in applies:
                shown = marked.setdefault(option["modality"], [])
                if all(f["code"] != finding["code"] for f in shown):
                    shown.append(finding)
    return marked


@requires(Action.RECORD_CONSULTATION)
@require_POST
def consultation_preview(request: HttpRequest, public_id: str) -> HttpResponse:
    """The side panel, refreshed by HTMX as the form is filled in. Stores nothing."""
    user = staff_user(request)
    assert user.practice is not None
    patient = in_practice(request, Patient.objects.select_related("practice"), public_id)
    form = IntakeForm(request.POST, patient=patient, practice=user.practice)
    context = {"form": form, "patient": patient, **_preview(form, patient)}
    record(
        request, AuditAction.VIEW, "patient", patient.public_id, patient_ref=patient.public_id, detail="plan preview"
    )
    return render(request, "consultations/_preview.html", context)


@requires(Action.VIEW_CLINICAL)
def consultation_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    consultation = in_practice(
        request, Consultation.objects.select_related("patient", "seen_by", "location", "history"), public_id
    )
    plans = consultation.plans.order_by("-created_at")
    photos = list(consultation.photos.order_by("taken_at", "pk"))
    record(
        request, AuditAction.VIEW, "consultation", consultation.public_id, patient_ref=consultation.patient.public_id
    )
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "patient": consultation.patient,
            "plans": plans,
            "labels": labels,
            "photos": photos,
            "ita": ita_estimate(recorded_phototype(consultation), photos),
        },
    )


def _plan(request: HttpRequest, public_id: str) -> TreatmentPlan:
    # What the plan pages show, and no more: the consultation's intake (a JSON document as large as the plan's)
    # loads only when a re-plan reads it.
    return in_practice(
        request,
        TreatmentPlan.objects.select_related("patient", "consultation", "proposed_by", "decided_by")
        .defer("consultation__intake")
        .prefetch_related(Prefetch("overrides", queryset=PlanOverride.objects.select_related("by"))),
        public_id,
    )


_STAFF_NAME = ("username", "first_name", "last_name")
# The plan pages read the plan whole and, of its patient, consultation and staff, only what they name: the whole
# rows of four related tables made a query of 100 columns whose compiling took half of the plan's loading.
_SHOWN = (
    *(field.name for field in TreatmentPlan._meta.concrete_fields),
    *(f"patient__{name}" for name in ("public_id", "family_name", "given_names", "date_of_birth")),
    "consultation__public_id",
    "consultation__held_on",
    *(f"proposed_by__{name}" for name in _STAFF_NAME),
    *(f"decided_by__{name}" for name in _STAFF_NAME),
)


# Written as SQL: the same test through Exists(PlanOverride.objects.filter(...)) cost as much to compile as the
# query it saves. The plan's table is the query's first, named by its own name.
_HAS_OVERRIDES = RawSQL(
    f"EXISTS (SELECT 1 FROM {PlanOverride._meta.db_table} AS o WHERE o.plan_id = {TreatmentPlan._meta.db_table}.id)",
    (),
    output_field=BooleanField(),
)
# The same for the plan's flags (an adverse event awaiting review): most plans have none, and then no query reads them.
_HAS_FLAGS = RawSQL(
    f"EXISTS (SELECT 1 FROM {PlanFlag._meta.db_table} AS f WHERE f.plan_id = {TreatmentPlan._meta.db_table}.id)",
    (),
    output_field=BooleanField(),
)
# How many adverse events await a clinician's review: they flag an accepted plan until reviewed.
_FLAGGED = RawSQL(
    f"(SELECT COUNT(*) FROM {AdverseEvent._meta.db_table} AS a "
    f"WHERE a.plan_id = {TreatmentPlan._meta.db_table}.id AND a.reviewed_at IS NULL)",
    (),
    output_field=IntegerField(),
)
# The plan that superseded this one, for the link to it (more than half of a practice's plans are superseded).
_SUCCESSOR = RawSQL(
    f"(SELECT s.public_id FROM {TreatmentPlan._meta.db_table} AS s "
    f"WHERE s.supersedes_id = {TreatmentPlan._meta.db_table}.id LIMIT 1)",
    (),
    output_field=UUIDField(),
)


def _plan_to_show(request: HttpRequest, public_id: str) -> tuple[TreatmentPlan, list[PlanOverride]]:
    """`_plan` for the pages that only show it (an action reads more of the related records), with its overrides.

    Most plans have none (2% of the benchmark practice's have one): the plan's query says whether there are any, and
    only then are they read. Reading them for every plan, through prefetch_related, was an eighth of the page's CPU.
    """
    plan = compiled_reads.one(
        "plan page",
        _plan_shown,
        (
            compiled_reads.Argument(_PLAN_PRACTICE, practice_id(request)),
            compiled_reads.Argument(_PLAN_PUBLIC_ID, public_id),
        ),
    )
    if plan is None:  # another practice's plan is simply not found, as in_practice says
        raise Http404
    return plan, services.overrides_of(plan) if plan.has_overrides else []  # type: ignore[attr-defined]


# The plan page's statement, with its four related records and two tests, is compiled once per process
# (web/compiled_reads.py): compiling it cost about 1 ms of the page's 7 (bench/page_cost.py plan --profile).
_PLAN_PRACTICE = TreatmentPlan._meta.get_field("practice")
_PLAN_PUBLIC_ID = TreatmentPlan._meta.get_field("public_id")


def _plan_shown(practice: int, public_id: UUID | str) -> QuerySet[TreatmentPlan]:
    return (
        TreatmentPlan.objects.filter(practice_id=practice, public_id=public_id)
        .select_related("patient", "consultation", "proposed_by", "decided_by")
        .only(*_SHOWN)
        .annotate(has_overrides=_HAS_OVERRIDES, has_flags=_HAS_FLAGS, successor=_SUCCESSOR, flagged=_FLAGGED)
    )


def _plan_context(plan: TreatmentPlan, overrides: list[PlanOverride]) -> dict[str, Any]:
    """What the plan page and its print view show, the safety questions before booking with their state included."""
    document = plan.document
    bibliography = {entry["id"]: (number, entry) for number, entry in enumerate(document.get("bibliography", []), 1)}
    options = services.effective_options(plan, overrides)
    return {
        "plan": plan,
        "patient": plan.patient,
        "doc": document,
        "options": options,
        "modality_names": {o["modality"]: o["name"] for o in options},
        "chosen": services.chosen_modality(plan),
        "bibliography": bibliography,
        "labels": labels,
        "overrides": overrides,
        # Only a superseded plan has a successor (services._new_plan links it as it supersedes it).
        "superseded_by": _successor(plan),
        "protocol_parts": [
            ("preparation", _("Preparation")),
            ("day_of", _("Day of treatment")),
            ("aftercare", _("Aftercare")),
        ],
        # The plan page's own query says whether the plan has flags; a plan read otherwise is asked.
        "safety": safety_services.states(plan, has_flags=getattr(plan, "has_flags", None)),
    }


def _successor(plan: TreatmentPlan) -> UUID | None:
    """The id of the plan that superseded this one: from the plan page's own statement, or asked."""
    if plan.status != PlanStatus.SUPERSEDED:
        return None
    if hasattr(plan, "successor"):
        return plan.successor  # type: ignore[no-any-return]
    return TreatmentPlan.objects.filter(supersedes=plan).values_list("public_id", flat=True).first()


def _answer_forms(
    plan: TreatmentPlan, states: list[safety_services.QuestionState], posted: SafetyAnswerForm | None = None
) -> dict[str, SafetyAnswerForm]:
    """A form for each open question a note answers (an adverse event is answered by its review), by key; the one
    posted keeps what was written and its errors."""
    forms = {}
    for number, state in enumerate(states, 1):
        if not state.is_open or state.question.kind == "adverse_event":
            continue
        key = state.question.key
        if posted is not None and posted.data.get("key") == key:
            forms[key] = posted
        else:
            forms[key] = SafetyAnswerForm(initial={"key": key}, auto_id=f"safety-{number}-%s")
    return forms


@requires(Action.VIEW_CLINICAL)
def plan_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    plan, overrides = _plan_to_show(request, public_id)
    context = _plan_context(plan, overrides)
    if user.may(Action.OVERRIDE_PLAN) and plan.status in (PlanStatus.DRAFT, PlanStatus.PROPOSED):
        context["override_form"] = OverrideForm(options=plan.document.get("options", []))
        context["decision_form"] = DecisionForm()
    if plan.status == PlanStatus.ACCEPTED:
        # An adverse event flags the plan until a clinician reviews it; only an accepted plan has sessions.
        context["flagged"] = plan.flagged  # type: ignore[attr-defined]  # _plan_shown counts them
    if user.may(Action.ANSWER_SAFETY_QUESTION) and plan.is_open:
        context["answer_forms"] = _answer_forms(plan, context["safety"])
    record(request, AuditAction.VIEW, "plan", plan.public_id, patient_ref=plan.patient.public_id)
    return render(request, "consultations/plan.html", context)


@requires(Action.VIEW_CLINICAL)
def plan_print(request: HttpRequest, public_id: str) -> HttpResponse:
    plan, overrides = _plan_to_show(request, public_id)
    record(request, AuditAction.PRINT, "plan", plan.public_id, patient_ref=plan.patient.public_id)
    return render(request, "consultations/plan_print.html", _plan_context(plan, overrides))


@requires(Action.ANSWER_SAFETY_QUESTION)
@require_POST
def plan_answer_safety(request: HttpRequest, public_id: str) -> HttpResponse:
    """A clinician answers one of the plan's safety questions with a note; back on the plan with the note required
    (and the question's form keeping what was written) when it is missing."""
    user = staff_user(request)
    plan = _plan(request, public_id)
    form = SafetyAnswerForm(request.POST, auto_id="safety-answer-%s")
    if form.is_valid():
        try:
            safety_services.answer_question(
                request, user, plan, key=form.cleaned_data["key"], note=form.cleaned_data["note"]
            )
        except safety_services.SafetyAnswerRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Answer recorded with your note; it is shown on the plan.")
            return redirect(f"{reverse('plan', kwargs={'public_id': plan.public_id})}#before-booking")
    shown, overrides = _plan_to_show(request, public_id)
    context = _plan_context(shown, overrides)
    context["answer_forms"] = _answer_forms(shown, context["safety"], form)
    context["answer_error"] = form.non_field_errors() or form.errors.get("key")
    if user.may(Action.OVERRIDE_PLAN) and shown.status in (PlanStatus.DRAFT, PlanStatus.PROPOSED):
        context["override_form"] = OverrideForm(options=shown.document.get("options", []))
        context["decision_form"] = DecisionForm()
    if shown.status == PlanStatus.ACCEPTED:
        context["flagged"] = AdverseEvent.objects.filter(plan=shown, reviewed_at__isnull=True).count()
    record(request, AuditAction.VIEW, "plan", shown.public_id, patient_ref=shown.patient.public_id)
    return render(request, "consultations/plan.html", context, status=400)


@requires(Action.OVERRIDE_PLAN)
@require_POST
def plan_override(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    plan = _plan(request, public_id)
    form = OverrideForm(request.POST, options=plan.document.get("options", []))
    if form.is_valid():
        try:
            services.override_plan(
                request,
                user,
                plan,
                kind=OverrideKind(form.cleaned_data["kind"]),
                modality=form.cleaned_data["modality"],
                suitability=form.cleaned_data.get("suitability") or "",
                reason=form.cleaned_data["reason"],
            )
        except services.PlanActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Override recorded with its reason."))
            return redirect("plan", public_id=plan.public_id)
    plan = _plan(request, public_id)
    context = {**_plan_context(plan, list(plan.overrides.all())), "override_form": form}
    context["decision_form"] = DecisionForm()
    context["answer_forms"] = _answer_forms(plan, context["safety"])
    return render(request, "consultations/plan.html", context, status=400)


def _plan_action(request: HttpRequest, public_id: str, act: Any, done: str) -> HttpResponse:
    user = staff_user(request)
    plan = _plan(request, public_id)
    try:
        result = act(user, plan)
    except services.PlanActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("plan", public_id=plan.public_id)
    messages.success(request, done)
    return redirect("plan", public_id=result.public_id)


@requires(Action.ACCEPT_PLAN)
@require_POST
def plan_propose(request: HttpRequest, public_id: str) -> HttpResponse:
    return _plan_action(
        request, public_id, lambda u, p: services.propose_plan(request, u, p), _("Plan signed off and proposed.")
    )


def _decide(request: HttpRequest, public_id: str, *, accepted: bool) -> HttpResponse:
    note = DecisionForm(request.POST)
    text = note.cleaned_data["note"] if note.is_valid() else ""
    return _plan_action(
        request,
        public_id,
        lambda u, p: services.decide_plan(request, u, p, accepted=accepted, note=text),
        _("Plan accepted.") if accepted else _("Plan declined."),
    )


@requires(Action.ACCEPT_PLAN)
@require_POST
def plan_accept(request: HttpRequest, public_id: str) -> HttpResponse:
    return _decide(request, public_id, accepted=True)


@requires(Action.ACCEPT_PLAN)
@require_POST
def plan_decline(request: HttpRequest, public_id: str) -> HttpResponse:
    return _decide(request, public_id, accepted=False)


@requires(Action.ACCEPT_PLAN)
@require_POST
def plan_replan(request: HttpRequest, public_id: str) -> HttpResponse:
    return _plan_action(
        request,
        public_id,
        lambda u, p: services.replan(request, u, p),
        _("Planned again with the current knowledge and clinic policy; the earlier plan is superseded."),
    )
