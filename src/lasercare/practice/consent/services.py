"""Consent: generating it from an accepted plan, signing it, withdrawing it, and finding the one that covers a
session.

Each operation checks what the records' state allows, runs in one transaction and writes its audit entry, so a
view only calls it and shows the result. A refusal is a ConsentRefused whose message the user reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.roles import Action
from lasercare.practice.consent.document import (
    DocumentError,
    TemplateText,
    build_document,
    document_sha256,
)
from lasercare.practice.consent.language import presented_language
from lasercare.practice.consent.models import (
    FAMILIES,
    Consent,
    ConsentStatus,
    ConsentTemplate,
    ConsentWithdrawal,
    IdentityCheck,
    Relationship,
)
from lasercare.practice.consent.signature import SignatureError, read_signature
from lasercare.practice.consent.signer_name import PatientName, is_patients_name
from lasercare.practice.consultations.models import PlanStatus, TreatmentPlan
from lasercare.practice.consultations.services import chosen_modality, effective_options

FAMILY_NAMES = dict(FAMILIES)
MAX_NAME = 200
MAX_TITLE = 200
MAX_BODY = 20_000
MAX_REASON = 2_000
MAX_RELATIONSHIP = 200


class ConsentRefused(Exception):  # noqa: N818 - a refusal the user reads, not a fault
    """The records' state (or what was given) does not allow this; the message says why. `field` names the form
    field the refusal is about, so the page puts it there (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        # Every refusal of one attempt, so a form shows them all at once rather than one per try.
        self.problems: list[tuple[str | None, str]] = [(field, message)]

    @classmethod
    def of(cls, problems: list[ConsentRefused]) -> ConsentRefused:
        refusal = problems[0]
        refusal.problems = [p for problem in problems for p in problem.problems]
        return refusal


@dataclass(frozen=True)
class Signer:
    """Who signs: the patient, or a representative signing on the patient's behalf, whose own name is the typed name
    and who says how they are related to the patient."""

    typed_name: str
    representative: bool = False
    relationship: str = ""
    relationship_other: str = ""


@dataclass(frozen=True)
class IdentityConfirmation:
    """The witness confirmed the identity of the person signing, and how."""

    method: str
    other: str = ""


def covering_consent(plan: TreatmentPlan, session_number: int, modality: str) -> Consent | None:
    """The signed, not withdrawn consent of this plan that covers this session of this treatment, if any.
    No session may be charted without one."""
    return (
        Consent.objects.filter(
            plan=plan,
            status=ConsentStatus.SIGNED,
            modality=modality,
            sessions__gte=session_number,
            withdrawal__isnull=True,
        )
        .order_by("-signed_at")
        .first()
    )


def latest_template(practice: Practice | int, family: str) -> ConsentTemplate | None:
    return ConsentTemplate.objects.filter(practice=practice, family=family).order_by("-version").first()


@transaction.atomic
def save_template_version(
    request: HttpRequest | None, user: StaffUser, practice: Practice, family: str, title: str, body: str
) -> ConsentTemplate:
    """The family's next version: a template is never edited, so consents prepared from an earlier version keep
    the wording they were prepared with."""
    if family not in FAMILY_NAMES:
        raise ConsentRefused("That is not one of the modality families.")
    # Browsers send a textarea's line breaks as CRLF; the document splits paragraphs on blank lines.
    title, body = title.strip(), body.replace("\r\n", "\n").strip()
    if not title:
        raise ConsentRefused("Give the consent a title.")
    if not body:
        raise ConsentRefused("Write the consent's wording: it is what the patient reads above the plan's details.")
    if len(title) > MAX_TITLE or len(body) > MAX_BODY:
        raise ConsentRefused(f"Keep the title under {MAX_TITLE} characters and the wording under {MAX_BODY}.")
    # Two admins saving at once must not both take the same number: the practice's row serialises them.
    Practice.objects.select_for_update().filter(pk=practice.pk).first()
    latest = ConsentTemplate.objects.filter(practice=practice, family=family).aggregate(v=Max("version"))["v"]
    template = ConsentTemplate.objects.create(
        practice=practice, family=family, version=(latest or 0) + 1, title=title, body=body, created_by=user
    )
    record(
        request,
        AuditAction.CREATE,
        "consent_template",
        template.pk,
        actor=user,
        # The audit log is read by people: the family by its name, not its code.
        detail=f"{dict(FAMILIES).get(family, family)} version {template.version}",
    )
    return template


@transaction.atomic
def prepare_consent(request: HttpRequest | None, user: StaffUser, plan: TreatmentPlan) -> Consent:
    """The consent document of the accepted plan's chosen treatment, awaiting signature. It replaces a draft
    prepared earlier for the plan; a signed consent is never touched."""
    plan = TreatmentPlan.objects.select_for_update().select_related("patient").get(pk=plan.pk)
    if plan.practice_id != user.practice_id:
        raise ConsentRefused("This plan is not one of your practice's.")
    if plan.status != PlanStatus.ACCEPTED:
        raise ConsentRefused(
            f"A consent is prepared from an accepted plan; this plan is “{plan.get_status_display()}”."
        )
    chosen = chosen_modality(plan)
    options = effective_options(plan)
    option = next((o for o in options if o["modality"] == chosen), None)
    if chosen is None or option is None:
        raise ConsentRefused("The accepted plan names no treatment: a consent cannot be prepared from it.")
    family = option.get("family", "")
    template = latest_template(plan.practice_id, family)
    if template is None:
        raise ConsentRefused(
            f"This practice has no consent template for {FAMILY_NAMES.get(family, family or 'this treatment')} "
            "yet: a practice admin writes one under Consent templates."
        )
    try:
        document = build_document(
            plan.document,
            options,
            chosen,
            patient_name=plan.patient.full_name,
            prepared_on=timezone.localdate(),
            template=TemplateText(family=family, version=template.version, title=template.title, body=template.body),
        )
    except DocumentError as error:
        raise ConsentRefused(str(error)) from None
    replaced = Consent.objects.filter(plan=plan, status=ConsentStatus.DRAFT).delete()[0]
    consent = Consent.objects.create(
        practice_id=plan.practice_id,
        patient=plan.patient,
        plan=plan,
        template=template,
        modality=chosen,
        sessions=document["treatment"]["sessions"],
        document=document,
        document_sha256=document_sha256(document),
        prepared_by=user,
    )
    record(
        request,
        AuditAction.CREATE,
        "consent",
        consent.public_id,
        patient_ref=plan.patient.public_id,
        actor=user,
        detail=f"prepared; replaced {replaced} draft" if replaced else "prepared",
    )
    return consent


@transaction.atomic
def sign_consent(
    request: HttpRequest | None,
    witness: StaffUser,
    consent: Consent,
    *,
    signer: Signer,
    signature_svg: str,
    identity: IdentityConfirmation | None,
) -> Consent:
    """The patient, or their representative, signs in the clinic, witnessed by the signed-in member of staff, who
    confirms the identity of the person signing. Once signed, never changed."""
    consent = Consent.objects.select_for_update().select_related("patient").get(pk=consent.pk)
    if consent.practice_id != witness.practice_id or not witness.may(Action.PREPARE_CONSENT):
        raise ConsentRefused("Only a clinician or nurse of this practice may witness a consent.")
    _refuse_if_signed(consent)
    problems = [*_signer_problems(consent, signer), *_identity_problems(identity)]
    try:
        _sign(consent, signer.typed_name, signature_svg)
    except ConsentRefused as refusal:
        problems.insert(0, refusal)
    if problems:
        raise ConsentRefused.of(problems)
    assert identity is not None
    consent.witness = witness
    consent.representative_relationship = signer.relationship if signer.representative else ""
    consent.representative_relationship_other = (
        signer.relationship_other.strip() if signer.relationship == Relationship.OTHER else ""
    )
    consent.identity_check = identity.method
    consent.identity_check_other = identity.other.strip() if identity.method == IdentityCheck.OTHER else ""
    consent.save(
        update_fields=[
            "status",
            "signed_name",
            "signature_svg",
            "signed_at",
            "signed_language",
            "witness",
            "representative_relationship",
            "representative_relationship_other",
            "identity_check",
            "identity_check_other",
        ]
    )
    # Who signed, as a role, and how the witness knew them: the list's words only, never a name or free text.
    with override("en"):  # the log is read by the practice in one language, whatever the patient read
        who = (
            f"by a representative ({Relationship(consent.representative_relationship).label})"
            if consent.by_representative
            else "by the patient"
        )
        how = str(IdentityCheck(consent.identity_check).label)
    record(
        request,
        AuditAction.UPDATE,
        "consent",
        consent.public_id,
        patient_ref=consent.patient.public_id,
        actor=witness,
        detail=f"signed {who}; identity confirmed by the witness: {how}",
    )
    return consent


def _patient_name(consent: Consent) -> PatientName:
    return PatientName(given_names=consent.patient.given_names, family_name=consent.patient.family_name)


def _signer_problems(consent: Consent, signer: Signer) -> list[ConsentRefused]:
    """The patient signs with their own name; anyone else signs as a representative and says as what."""
    if not signer.representative:
        if signer.typed_name.strip() and not is_patients_name(signer.typed_name, _patient_name(consent)):
            return [
                ConsentRefused(
                    _(
                        "The name typed is not the patient's name (%(name)s). If you sign on the patient's behalf, "
                        "choose “On behalf of the patient” and say how you are related to them."
                    )
                    % {"name": consent.patient.full_name},
                    field="typed_name",
                )
            ]
        return []
    if signer.relationship not in Relationship.values:
        return [ConsentRefused(_("Choose how you are related to the patient from the list."), field="relationship")]
    other = signer.relationship_other.strip()
    if signer.relationship == Relationship.OTHER and not other:
        return [
            ConsentRefused(
                _("Say how you are related to the patient, as you chose “other”."), field="relationship_other"
            )
        ]
    if signer.relationship == Relationship.OTHER and len(other) > MAX_RELATIONSHIP:
        return [
            ConsentRefused(
                _("Keep the relationship under %(limit)d characters.") % {"limit": MAX_RELATIONSHIP},
                field="relationship_other",
            )
        ]
    return []


def _identity_problems(identity: IdentityConfirmation | None) -> list[ConsentRefused]:
    if identity is None:
        return [
            ConsentRefused(
                "As the witness, confirm the identity of the person signing, and say how.", field="identity_confirmed"
            )
        ]
    if identity.method not in IdentityCheck.values:
        return [ConsentRefused("Say how you confirmed the identity of the person signing.", field="identity_check")]
    other = identity.other.strip()
    if identity.method == IdentityCheck.OTHER and not other:
        return [
            ConsentRefused(
                "Say how you confirmed the identity of the person signing, as you chose “other”.",
                field="identity_check_other",
            )
        ]
    if identity.method == IdentityCheck.OTHER and len(other) > MAX_RELATIONSHIP:
        return [
            ConsentRefused(
                f"Keep how you confirmed the identity under {MAX_RELATIONSHIP} characters.",
                field="identity_check_other",
            )
        ]
    return []


def _refuse_if_signed(consent: Consent) -> None:
    if consent.status == ConsentStatus.SIGNED:
        raise ConsentRefused(_("This consent is signed already and never changes: prepare a new one for a change."))


@transaction.atomic
def sign_consent_in_portal(
    request: HttpRequest | None, patient_id: int, consent: Consent, *, typed_name: str, signature_svg: str
) -> Consent:
    """The patient signs at home, in the portal, signed in to their own account: the same document, the same
    checks, no witness. `patient_id` is the signed-in patient's: nobody signs another patient's consent, and the
    typed name must be the patient's: a representative signs at the practice, where a witness confirms who they
    are."""
    consent = Consent.objects.select_for_update().select_related("patient").get(pk=consent.pk)
    if consent.patient_id != patient_id:
        raise ConsentRefused(_("This consent is not yours to sign."))
    _refuse_if_signed(consent)
    if typed_name.strip() and not is_patients_name(typed_name, _patient_name(consent)):
        raise ConsentRefused(
            _(
                "Type your own full name, as the practice has it: %(name)s. If you sign for someone else, "
                "please sign at the practice. A member of staff must see who signs."
            )
            % {"name": consent.patient.full_name},
            field="typed_name",
        )
    _sign(consent, typed_name, signature_svg)
    consent.signed_in_portal = True
    consent.save(
        update_fields=["status", "signed_name", "signature_svg", "signed_at", "signed_language", "signed_in_portal"]
    )
    record(
        request,
        AuditAction.UPDATE,
        "consent",
        consent.public_id,
        patient_ref=consent.patient.public_id,
        practice_id=consent.practice_id,
        actor_label="patient portal",
        detail="signed in the portal",
    )
    return consent


def _sign(consent: Consent, typed_name: str, signature_svg: str) -> None:
    """Checks what is signed and fills in the signature; the caller saves it with its own witness or channel."""
    _refuse_if_signed(consent)
    typed_name = " ".join(typed_name.split())
    if not typed_name:
        raise ConsentRefused(_("Type your full name as well as signing."), field="typed_name")
    if len(typed_name) > MAX_NAME:
        raise ConsentRefused(
            _("Keep the typed name under %(limit)d characters.") % {"limit": MAX_NAME}, field="typed_name"
        )
    try:
        signature = read_signature(signature_svg)
    except SignatureError as error:
        raise ConsentRefused(str(error)) from None
    if document_sha256(consent.document) != consent.document_sha256:
        # The stored document is not the one prepared: nobody may sign something other than what was generated.
        raise ConsentRefused(
            _("This consent's document has changed since it was prepared: a new one must be prepared.")
        )
    # The language it was shown in, decided before the status changes (a signed consent is shown as signed).
    consent.signed_language = presented_language(consent)
    consent.status = ConsentStatus.SIGNED
    consent.signed_name = typed_name
    consent.signature_svg = signature.path_data
    consent.signed_at = timezone.now()


@transaction.atomic
def withdraw_consent(request: HttpRequest | None, user: StaffUser, consent: Consent, reason: str) -> ConsentWithdrawal:
    """The patient withdraws a signed consent: no further session is charted under it."""
    consent = Consent.objects.select_for_update().select_related("patient").get(pk=consent.pk)
    if consent.practice_id != user.practice_id:
        raise ConsentRefused("This consent is not one of your practice's.")
    if consent.status != ConsentStatus.SIGNED:
        raise ConsentRefused("Only a signed consent can be withdrawn; one awaiting signature is simply not signed.")
    if ConsentWithdrawal.objects.filter(consent=consent).exists():
        raise ConsentRefused("This consent was withdrawn already.")
    reason = reason.strip()
    if not reason:
        raise ConsentRefused("Give the reason for the withdrawal, in the patient's words where possible.")
    if len(reason) > MAX_REASON:
        raise ConsentRefused(f"Keep the reason under {MAX_REASON} characters.")
    withdrawal = ConsentWithdrawal.objects.create(consent=consent, reason=reason, recorded_by=user)
    record(
        request,
        AuditAction.UPDATE,
        "consent",
        consent.public_id,
        patient_ref=consent.patient.public_id,
        actor=user,
        detail="withdrawn",
    )
    return withdrawal
