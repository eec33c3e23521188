"""Who signed a consent: the patient with their own name, or a representative who says how they are related to the
patient; the witness confirms the identity of whoever signs. The reported fault: "Someone Else" was accepted as the
typed name on another patient's consent."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consent import services
from lasercare.practice.consent.defaults import default_wordings
from lasercare.practice.consent.models import Consent, ConsentStatus
from lasercare.practice.consent.services import ConsentRefused, IdentityConfirmation, Signer
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.consultations.services import decide_plan
from tests.web.portal_helpers import PatientWithCourse, jane, portal_client

__all__ = ["jane"]

SIGNATURE = "M10 10 L40 30 L80 20 M100 50 L150 60"
SignIn = Callable[[StaffUser], Client]
WITNESSED = {"identity_confirmed": "on", "identity_check": "photo_id"}
BY_THE_PATIENT = {"signing_for": "self", "signature": SIGNATURE, **WITNESSED}
BY_A_PARENT = {"signing_for": "representative", "relationship": "parent", "signature": SIGNATURE, **WITNESSED}


@pytest.fixture
def nurse(staff: dict[Role, StaffUser]) -> StaffUser:
    return staff[Role.NURSE]


@pytest.fixture
def draft(practice: Practice, staff: dict[Role, StaffUser], plan: TreatmentPlan, clinician: StaffUser) -> Consent:
    admin = staff[Role.PRACTICE_ADMIN]
    for family, wording in default_wordings().items():
        services.save_template_version(None, admin, practice, family, wording.title, wording.body)
    return services.prepare_consent(None, clinician, decide_plan(None, clinician, plan, accepted=True))


def _sign(client: Client, consent: Consent, **fields: str) -> tuple[int, str]:
    response = client.post(f"/consents/{consent.public_id}/sign/", fields)
    return response.status_code, html.unescape(response.content.decode())


def _kept(consent: Consent) -> Consent:
    return Consent.objects.get(pk=consent.pk)


# The patient's own name


def test_another_name_typed_as_the_patients_is_refused_and_nothing_is_signed(
    signed_in: SignIn, nurse: StaffUser, draft: Consent
) -> None:
    status, text = _sign(signed_in(nurse), draft, typed_name="Someone Else", **BY_THE_PATIENT)
    assert status == 400
    assert "The name typed is not the patient's name (Jane Doe)" in text
    assert "On behalf of the patient" in text
    assert 'value="Someone Else"' in text  # what was typed stays
    kept = _kept(draft)
    assert (kept.status, kept.signed_name, kept.witness) == (ConsentStatus.DRAFT, "", None)
    assert not AuditEntry.objects.filter(record_id=str(draft.public_id), action="update").exists()


def test_the_refusal_of_a_name_stands_next_to_the_name_field(
    signed_in: SignIn, nurse: StaffUser, draft: Consent
) -> None:
    _, text = _sign(signed_in(nurse), draft, typed_name="Someone Else", **BY_THE_PATIENT)
    name_field = text[text.index('for="id_typed_name"') :]
    assert "not the patient" in name_field[: name_field.index("<input")]


@pytest.mark.parametrize("typed", ["JANE DOE", "  jane   doé ", "Jane Doe-", "jane d.o.e"])
def test_the_patients_name_in_any_case_accent_or_spacing_signs(
    signed_in: SignIn, nurse: StaffUser, draft: Consent, typed: str
) -> None:
    status, _ = _sign(signed_in(nurse), draft, typed_name=typed, **BY_THE_PATIENT)
    assert status == 302
    kept = _kept(draft)
    assert kept.status == ConsentStatus.SIGNED
    assert not kept.by_representative


def test_the_patient_may_leave_out_a_middle_name(signed_in: SignIn, nurse: StaffUser, draft: Consent) -> None:
    draft.patient.given_names = "Jane Marie"
    draft.patient.save()
    assert _sign(signed_in(nurse), draft, typed_name="Jane Doe", **BY_THE_PATIENT)[0] == 302


# A representative


def test_a_representative_signs_with_their_name_and_relationship_and_the_consent_says_so(
    signed_in: SignIn, nurse: StaffUser, draft: Consent, clinician: StaffUser
) -> None:
    status, _ = _sign(signed_in(nurse), draft, typed_name="John Doe", **BY_A_PARENT)
    assert status == 302
    kept = _kept(draft)
    assert (kept.status, kept.signed_name, kept.representative_relationship) == ("signed", "John Doe", "parent")
    client = signed_in(clinician)
    shown = 'Signed by</dt><dd class="consent-signer">John Doe, parent, on behalf of Jane Doe</dd>'
    assert shown in client.get(f"/consents/{draft.public_id}/").content.decode()
    assert shown in client.get(f"/consents/{draft.public_id}/print/").content.decode()
    listed = html.unescape(client.get(f"/plans/{draft.plan.public_id}/consent/").content.decode())
    assert "by John Doe (parent) on the patient's behalf" in listed


def test_a_representative_must_say_how_they_are_related(signed_in: SignIn, nurse: StaffUser, draft: Consent) -> None:
    fields = {**BY_A_PARENT, "relationship": ""}
    status, text = _sign(signed_in(nurse), draft, typed_name="John Doe", **fields)
    assert status == 400
    assert "Choose how you are related to the patient from the list." in text
    assert _kept(draft).status == ConsentStatus.DRAFT


def test_a_relationship_not_on_the_list_is_refused_in_plain_words(
    signed_in: SignIn, nurse: StaffUser, draft: Consent
) -> None:
    status, text = _sign(signed_in(nurse), draft, typed_name="John Doe", **{**BY_A_PARENT, "relationship": "uncle"})
    assert status == 400
    assert "Choose how you are related to the patient from the list." in text
    assert _kept(draft).status == ConsentStatus.DRAFT


def test_an_other_relationship_needs_its_description_and_shows_it(
    signed_in: SignIn, nurse: StaffUser, draft: Consent, clinician: StaffUser
) -> None:
    client = signed_in(nurse)
    fields = {**BY_A_PARENT, "relationship": "other"}
    status, text = _sign(client, draft, typed_name="Ruth Doe", **fields)
    assert status == 400
    assert "Say how you are related to the patient, as you chose “other”." in text
    status, _ = _sign(client, draft, typed_name="Ruth Doe", relationship_other="foster carer", **fields)
    assert status == 302
    page = signed_in(clinician).get(f"/consents/{draft.public_id}/").content.decode()
    assert "Ruth Doe, foster carer, on behalf of Jane Doe" in page


def test_the_patient_signing_leaves_no_relationship_behind(signed_in: SignIn, nurse: StaffUser, draft: Consent) -> None:
    # A relationship chosen and then the choice turned back to "I am the patient": the patient signed.
    _sign(signed_in(nurse), draft, typed_name="Jane Doe", relationship="parent", **BY_THE_PATIENT)
    kept = _kept(draft)
    assert (kept.status, kept.representative_relationship) == (ConsentStatus.SIGNED, "")


# The witness confirms who signed


def test_signing_without_the_witness_confirming_identity_is_refused(
    signed_in: SignIn, nurse: StaffUser, draft: Consent
) -> None:
    status, text = _sign(signed_in(nurse), draft, typed_name="Jane Doe", signing_for="self", signature=SIGNATURE)
    assert status == 400
    assert "As the witness, confirm the identity of the person signing, and say how." in text
    assert _kept(draft).status == ConsentStatus.DRAFT


def test_the_witness_says_how_identity_was_confirmed(signed_in: SignIn, nurse: StaffUser, draft: Consent) -> None:
    fields = {**BY_THE_PATIENT, "identity_check": ""}
    status, text = _sign(signed_in(nurse), draft, typed_name="Jane Doe", **fields)
    assert status == 400
    assert "Say how you confirmed the identity of the person signing." in text
    fields = {**BY_THE_PATIENT, "identity_check": "other"}
    status, text = _sign(signed_in(nurse), draft, typed_name="Jane Doe", **fields)
    assert status == 400
    assert "as you chose “other”" in text
    assert _kept(draft).status == ConsentStatus.DRAFT


def test_the_identity_check_is_recorded_shown_and_audited(
    signed_in: SignIn, nurse: StaffUser, draft: Consent, clinician: StaffUser
) -> None:
    fields = {**BY_A_PARENT, "identity_check": "known"}
    _sign(signed_in(nurse), draft, typed_name="John Doe", **fields)
    kept = _kept(draft)
    assert (kept.identity_check, kept.witness) == ("known", nurse)
    page = signed_in(clinician).get(f"/consents/{draft.public_id}/").content.decode()
    assert "Identity of the person signing confirmed by the witness: known to the practice" in page
    entry = AuditEntry.objects.get(record_id=str(draft.public_id), action="update")
    assert (
        entry.detail == "signed by a representative (parent); identity confirmed by the witness: known to the practice"
    )
    assert "John" not in entry.detail and entry.actor == nurse


def test_every_problem_of_one_attempt_is_shown_at_once(signed_in: SignIn, nurse: StaffUser, draft: Consent) -> None:
    status, text = _sign(
        signed_in(nurse), draft, typed_name="John Doe", signing_for="representative", relationship="", signature=""
    )
    assert status == 400
    for says in (
        "The drawn signature is missing",
        "Choose how you are related to the patient from the list.",
        "As the witness, confirm the identity of the person signing",
    ):
        assert says in text


def test_the_service_refuses_a_representative_without_a_relationship(draft: Consent, nurse: StaffUser) -> None:
    with pytest.raises(ConsentRefused, match="related to the patient"):
        services.sign_consent(
            None,
            nurse,
            draft,
            signer=Signer("John Doe", representative=True),
            signature_svg=SIGNATURE,
            identity=IdentityConfirmation("photo_id"),
        )
    assert _kept(draft).status == ConsentStatus.DRAFT


def test_the_signing_page_offers_the_relationships_labelled_as_the_practices_list(
    signed_in: SignIn, nurse: StaffUser, draft: Consent
) -> None:
    text = html.unescape(signed_in(nurse).get(f"/consents/{draft.public_id}/").content.decode())
    for label in (
        "parent",
        "legal guardian",
        "attorney under a lasting power of attorney",
        "court-appointed deputy",
        "other",
        "I confirmed the identity of the person signing",
        "photo ID seen",
        "known to the practice",
    ):
        assert label in text
    assert "The practice's list of people who may sign for a patient" in text


# The portal: the patient's own account, no witness


def test_in_the_portal_only_the_patients_own_name_signs(jane: PatientWithCourse) -> None:
    url = reverse("portal_consent", args=[jane.consent.public_id])
    response = portal_client(jane.account).post(url, {"typed_name": "Mary Doe", "signature": SIGNATURE})
    text = response.content.decode()
    assert response.status_code == 400
    assert "If you sign for someone else, please sign at the practice." in text
    jane.consent.refresh_from_db()
    assert jane.consent.status == ConsentStatus.DRAFT


def test_the_portal_shows_a_consent_signed_by_a_representative(
    jane: PatientWithCourse, staff: dict[Role, StaffUser]
) -> None:
    services.sign_consent(
        None,
        staff[Role.NURSE],
        jane.consent,
        signer=Signer("John Doe", representative=True, relationship="legal_guardian"),
        signature_svg=SIGNATURE,
        identity=IdentityConfirmation("photo_id"),
    )
    page = portal_client(jane.account).get(reverse("portal_consent", args=[jane.consent.public_id])).content.decode()
    assert "Signed by John Doe, legal guardian, on behalf of Jane Doe, on " in page


def test_a_spanish_speaking_patient_reads_the_portals_refusal_in_spanish(jane: PatientWithCourse) -> None:
    jane.patient.preferred_language = "es"
    jane.patient.save()
    url = reverse("portal_consent", args=[jane.consent.public_id])
    response = portal_client(jane.account).post(url, {"typed_name": "Mary Doe", "signature": SIGNATURE})
    assert "Si firma por otra persona, firme en la clínica." in html.unescape(response.content.decode())
