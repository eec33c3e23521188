"""Consent pages: the practice's templates, a plan's consents, and the consent itself (read, signed, printed,
withdrawn). Each view checks access, calls a service and renders; the rules live in services.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.access import in_practice, practice_id, requires, staff_user
from lasercare.practice.clinic.roles import Action
from lasercare.practice.consent import language, services
from lasercare.practice.consent.defaults import LABEL, default_wordings
from lasercare.practice.consent.forms import ClinicSignForm, TemplateForm, WithdrawForm
from lasercare.practice.consent.models import FAMILIES, Consent, ConsentStatus, ConsentTemplate
from lasercare.practice.consent.signature import HEIGHT, WIDTH
from lasercare.practice.consultations.models import PlanStatus, TreatmentPlan
from lasercare.web.languages import language_of

FAMILY_NAMES = dict(FAMILIES)


@requires(Action.MANAGE_CONSENT_TEMPLATES)
@require_safe
def consent_templates(request: HttpRequest) -> HttpResponse:
    latest: dict[str, ConsentTemplate] = {}
    for template in ConsentTemplate.objects.filter(practice_id=practice_id(request)).order_by("family", "version"):
        latest[template.family] = template
    families = [(code, name, latest.get(code)) for code, name in FAMILIES]
    record(request, AuditAction.LIST, "consent_template", detail=f"{len(latest)} families with a template")
    return render(request, "consent/templates.html", {"families": families})


@requires(Action.MANAGE_CONSENT_TEMPLATES)
@require_http_methods(["GET", "HEAD", "POST"])
def consent_template_new(request: HttpRequest, family: str) -> HttpResponse:
    if family not in FAMILY_NAMES:
        raise Http404
    user = staff_user(request)
    assert user.practice is not None
    versions = list(
        ConsentTemplate.objects.filter(practice=user.practice, family=family)
        .select_related("created_by")
        .order_by("-version")
    )
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                template = services.save_template_version(
                    request, user, user.practice, family, form.cleaned_data["title"], form.cleaned_data["body"]
                )
            except services.ConsentRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request,
                    _("Version %(version)s of the %(family)s consent saved. Consents prepared from now on use it.")
                    % {"version": template.version, "family": FAMILY_NAMES[family]},
                )
                return redirect("consent_templates")
        status = 400
    else:
        default = default_wordings().get(family)
        if versions:
            initial = {"title": versions[0].title, "body": versions[0].body}
        elif default is not None:
            initial = {"title": default.title, "body": default.body}
        else:
            initial = {}
        form = TemplateForm(initial=initial)
        status = 200
    record(request, AuditAction.VIEW, "consent_template", detail=f"{family}: {len(versions)} versions")
    return render(
        request,
        "consent/template_new.html",
        {
            "form": form,
            "family": family,
            "family_name": FAMILY_NAMES[family],
            "versions": versions,
            "from_default": not versions,
            "default_label": LABEL,
        },
        status=status,
    )


def _plan(request: HttpRequest, public_id: str) -> TreatmentPlan:
    # The plan's 30 KB document is read only when a consent is prepared from it (the service reads it again).
    return in_practice(
        request,
        TreatmentPlan.objects.select_related("patient").only(
            "public_id",
            "practice_id",
            "status",
            "patient__public_id",
            "patient__given_names",
            "patient__family_name",
            "patient__date_of_birth",
        ),
        public_id,
    )


@requires(Action.PREPARE_CONSENT)
@require_POST
def plan_consent_prepare(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    plan = _plan(request, public_id)
    try:
        consent = services.prepare_consent(request, user, plan)
    except services.ConsentRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("plan_consent", public_id=plan.public_id)
    messages.success(request, _("Consent prepared. Hand the device to the patient to read and sign it."))
    return redirect("consent", public_id=consent.public_id)


@requires(Action.VIEW_CLINICAL)
@require_safe
def plan_consent(request: HttpRequest, public_id: str) -> HttpResponse:
    plan = _plan(request, public_id)
    consents = list(
        Consent.objects.filter(plan=plan)
        .select_related("prepared_by", "witness", "template", "withdrawal")
        .defer("signature_svg")
        .order_by("-prepared_at")
    )
    record(request, AuditAction.VIEW, "plan", plan.public_id, patient_ref=plan.patient.public_id, detail="consents")
    return render(
        request,
        "consent/plan_consents.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "consents": consents,
            "accepted": plan.status == PlanStatus.ACCEPTED,
            "family_names": FAMILY_NAMES,
        },
    )


def _consent(request: HttpRequest, public_id: str) -> Consent:
    return in_practice(
        request,
        Consent.objects.select_related("patient", "plan", "prepared_by", "witness", "withdrawal__recorded_by").defer(
            "plan__document"
        ),
        public_id,
    )


def _consent_context(consent: Consent) -> dict[str, Any]:
    return {
        "consent": consent,
        "doc": consent.document,
        "document_html": language.document_html(consent),
        "language_notice": language.language_notice(consent),
        "consent_language": language.presented_language(consent),
        "patient_language": language_of(consent.patient),
        "signed_language": language.signed_language_name(consent),
        "withdrawal": getattr(consent, "withdrawal", None),
        "pad_width": WIDTH,
        "pad_height": HEIGHT,
    }


def _render_consent(
    request: HttpRequest,
    consent: Consent,
    *,
    sign_form: ClinicSignForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = staff_user(request)
    context = _consent_context(consent)
    if consent.status == ConsentStatus.DRAFT:
        # The page handed to the patient: the document and the form, nothing else of the record.
        context["form"] = sign_form or ClinicSignForm()
        context["may_sign"] = user.may(Action.PREPARE_CONSENT)
        context["witness"] = user
        return render(request, "consent/sign.html", context, status=status)
    if user.may(Action.PREPARE_CONSENT) and context["withdrawal"] is None:
        context["withdraw_form"] = withdraw_form or WithdrawForm()
    return render(request, "consent/signed.html", context, status=status)


@requires(Action.VIEW_CLINICAL)
@require_safe
def consent_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    consent = _consent(request, public_id)
    record(request, AuditAction.VIEW, "consent", consent.public_id, patient_ref=consent.patient.public_id)
    return _render_consent(request, consent)


@requires(Action.PREPARE_CONSENT)
@require_POST
def consent_sign(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    consent = _consent(request, public_id)
    if consent.status != ConsentStatus.DRAFT:
        messages.error(request, _("This consent is signed already and never changes: prepare a new one for a change."))
        return redirect("consent", public_id=consent.public_id)
    form = ClinicSignForm(request.POST)
    if form.is_valid():
        try:
            services.sign_consent(
                request,
                user,
                consent,
                signer=form.signer(),
                signature_svg=form.cleaned_data["signature"],
                identity=form.identity(),
            )
        except services.ConsentRefused as refusal:
            for field, message in refusal.problems:
                form.add_error(field, message)
        else:
            messages.success(request, _("Consent signed and witnessed. Please hand the device back to the staff."))
            return redirect("consent", public_id=consent.public_id)
    record(request, AuditAction.VIEW, "consent", consent.public_id, patient_ref=consent.patient.public_id)
    return _render_consent(request, consent, sign_form=form, status=400)


@requires(Action.PREPARE_CONSENT)
@require_POST
def consent_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    user = staff_user(request)
    consent = _consent(request, public_id)
    if consent.status != ConsentStatus.SIGNED or consent.withdrawn:
        messages.error(
            request,
            _("Only a signed consent that stands can be withdrawn; this one is %(state)s.")
            % {"state": _("withdrawn already") if consent.withdrawn else _("not signed")},
        )
        return redirect("consent", public_id=consent.public_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_consent(request, user, consent, form.cleaned_data["reason"])
        except services.ConsentRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Withdrawal recorded: no further session is charted under this consent."))
            return redirect("consent", public_id=consent.public_id)
    record(request, AuditAction.VIEW, "consent", consent.public_id, patient_ref=consent.patient.public_id)
    return _render_consent(request, consent, withdraw_form=form, status=400)


@requires(Action.VIEW_CLINICAL)
@require_safe
def consent_print(request: HttpRequest, public_id: str) -> HttpResponse:
    consent = _consent(request, public_id)
    record(request, AuditAction.PRINT, "consent", consent.public_id, patient_ref=consent.patient.public_id)
    return render(request, "consent/print.html", _consent_context(consent))
