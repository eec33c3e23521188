"""The staff's download of a plan's handout. The patient portal will offer the same document to the patient."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from lasercare.documents import handout
from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.access import in_practice, requires
from lasercare.practice.clinic.roles import Action
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.web.languages import language_of


@requires(Action.VIEW_CLINICAL)
@require_safe
def plan_handout(request: HttpRequest, public_id: str) -> HttpResponse:
    plan = in_practice(request, TreatmentPlan.objects.select_related("patient", "practice"), public_id)
    record(request, AuditAction.PRINT, "plan", plan.public_id, patient_ref=plan.patient.public_id, detail="handout")
    # In the patient's language: the handout is theirs, whoever prints it.
    with translation.override(language_of(plan.patient)):
        context = handout.handout_for_plan(plan, prepared_on=timezone.localdate())
        html = handout.handout_html(context)
    response = HttpResponse(handout.render_pdf(html), content_type="application/pdf")
    # No patient's name in the file's name: browsers keep downloads' names in their history.
    response["Content-Disposition"] = 'attachment; filename="handout.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
