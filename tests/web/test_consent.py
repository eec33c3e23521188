"""Consent: templates per modality family, the document generated from the accepted plan, signing in the clinic,
withdrawal, and the consent that covers a session."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consent import services
from lasercare.practice.consent.defaults import default_wordings
from lasercare.practice.consent.document import document_sha256
from lasercare.practice.consent.models import Consent, ConsentStatus, ConsentTemplate
from lasercare.practice.consent.services import ConsentRefused, IdentityConfirmation, Signer
from lasercare.practice.consultations.models import OverrideKind, TreatmentPlan
from lasercare.practice.consultations.services import decide_plan, override_plan, propose_plan, record_consultation
from tests.web.conftest import CONSULTATION_DAY, basic_intake, make_patient, make_staff

SIGNATURE = "M10 10 L40 30 L80 20 M100 50 L150 60"
PHOTO_ID = IdentityConfirmation(method="photo_id")
# What the witness ticks and chooses on the signing page.
WITNESSED = {"signing_for": "self", "identity_confirmed": "on", "identity_check": "photo_id"}
SignIn = Callable[[StaffUser], Client]


@pytest.fixture
def admin(staff: dict[Role, StaffUser]) -> StaffUser:
    return staff[Role.PRACTICE_ADMIN]


@pytest.fixture
def nurse(staff: dict[Role, StaffUser]) -> StaffUser:
    return staff[Role.NURSE]


@pytest.fixture
def templates(practice: Practice, admin: StaffUser) -> dict[str, ConsentTemplate]:
    """Version 1 of every family, from lasercare's default wording."""
    return {
        family: services.save_template_version(None, admin, practice, family, wording.title, wording.body)
        for family, wording in default_wordings().items()
    }


@pytest.fixture
def accepted(plan: TreatmentPlan, clinician: StaffUser) -> TreatmentPlan:
    return decide_plan(None, clinician, plan, accepted=True)


@pytest.fixture
def draft(accepted: TreatmentPlan, clinician: StaffUser, templates: dict[str, ConsentTemplate]) -> Consent:
    return services.prepare_consent(None, clinician, accepted)


@pytest.fixture
def signed(draft: Consent, nurse: StaffUser) -> Consent:
    return services.sign_consent(
        None, nurse, draft, signer=Signer("Jane Doe"), signature_svg=SIGNATURE, identity=PHOTO_ID
    )


def choose(plan: TreatmentPlan, clinician: StaffUser, modality: str) -> TreatmentPlan:
    override_plan(None, clinician, plan, kind=OverrideKind.CHOICE, modality=modality, reason="Patient prefers it")
    return decide_plan(None, clinician, plan, accepted=True)


# The generated document


def test_the_document_names_the_chosen_treatment_and_the_courses_sessions(draft: Consent) -> None:
    treatment = draft.document["treatment"]
    assert (draft.modality, treatment["modality"], treatment["family"]) == ("ipl", "ipl", "broadband_light")
    assert treatment["name"] == "Intense pulsed light (IPL, not a laser)"  # the patient voice of its name
    assert draft.sessions == treatment["sessions"] == draft.plan.document["course"]["sessions"] == 4
    assert treatment["interval_weeks"] == {"min": 3, "max": 4}
    assert treatment["downtime_days"] == {"min": 0, "max": 1}
    assert draft.document["patient"]["name"] == "Jane Doe"


def test_a_clinicians_choice_of_another_option_is_consented_to_with_that_options_most_sessions(
    plan: TreatmentPlan, clinician: StaffUser, templates: dict[str, ConsentTemplate]
) -> None:
    consent = services.prepare_consent(None, clinician, choose(plan, clinician, "nafl_1550"))
    assert consent.modality == consent.document["treatment"]["modality"] == "nafl_1550"
    assert consent.sessions == 6  # the option's sessions.max: the engine's course was of IPL
    assert consent.template == templates["nonablative_fractional"]


def test_the_document_holds_the_findings_that_apply_to_the_chosen_treatment_only(
    plan: TreatmentPlan, clinician: StaffUser, templates: dict[str, ConsentTemplate]
) -> None:
    consent = services.prepare_consent(None, clinician, choose(plan, clinician, "erbium_fractional"))
    findings = consent.document["findings"]
    assert [f["code"] for f in findings] == ["hsv_history"]
    assert findings[0]["name"] == "Cold sores in the past"
    assert findings[0]["severity_words"] == "extra care is taken"
    assert "Everyone having a treatment that removes skin takes an antiviral medicine" in findings[0]["rationale"]
    assert findings[0]["adjustments"][0].startswith("Your clinician prescribes an antiviral medicine")
    assert "prophylaxis" not in json.dumps(findings)


def test_the_document_lists_every_risk_of_the_treatment_with_its_rate_and_evidence_in_words(draft: Consent) -> None:
    option = next(o for o in draft.plan.document["options"] if o["modality"] == "ipl")
    risks = draft.document["risks"]
    # The patient voice of each risk: a plain name, how often in words, how long it lasts and what to do.
    assert [(r["effect"], r["rate"], r["lasts"], r["what_to_do"]) for r in risks] == [
        (r["patient"]["name"], r["patient"]["how_often"], r["patient"]["lasts"], r["patient"]["what_to_do"])
        for r in option["risks"]
    ]
    assert len(risks) == 5
    assert risks[0]["effect"] == "Redness"
    assert "About 9 in 10" in risks[0]["rate"]
    assert all(r["evidence_words"] == "known from published studies" for r in risks if r["evidence"] == "S")
    assert "%" not in json.dumps(risks)


def test_the_alternatives_are_the_other_suitable_options_and_no_treatment(draft: Consent) -> None:
    suitable = [
        o["patient_name"]
        for o in draft.plan.document["options"]
        if o["modality"] != "ipl" and o["suitability"] in ("recommended", "acceptable")
    ]
    names = [a["name"] for a in draft.document["alternatives"]]
    assert names == [*suitable, "No treatment"]
    assert len(names) > 5


def test_the_document_carries_the_templates_wording_and_version_and_its_own_hash(
    draft: Consent, templates: dict[str, ConsentTemplate]
) -> None:
    template = templates["broadband_light"]
    assert draft.document["template"] == {
        "family": "broadband_light",
        "version": 1,
        "title": template.title,
        "body": template.body,
    }
    assert len(draft.document_sha256) == 64
    assert document_sha256(Consent.objects.get(pk=draft.pk).document) == draft.document_sha256


def test_the_document_page_shows_treatment_sessions_findings_risks_and_alternatives(
    draft: Consent, signed_in: SignIn, nurse: StaffUser
) -> None:
    text = signed_in(nurse).get(f"/consents/{draft.public_id}/").content.decode()
    assert "Intense pulsed light (IPL, not a laser)" in text
    assert "Number of sessions covered by this consent: <strong>4</strong>" in text
    assert "Cold sores in the past" in text
    assert "About 9 in 10 of these test areas turned red." in text
    assert "87% of test exposures" not in text
    assert "<dt>IPL</dt>" in text  # the glossary explains the terms the document uses
    assert "No treatment" in text
    assert "lasercare" in text


# Preparing


@pytest.mark.parametrize("status", ["draft", "proposed", "declined"])
def test_a_consent_is_prepared_only_from_an_accepted_plan(
    plan: TreatmentPlan, clinician: StaffUser, templates: dict[str, ConsentTemplate], status: str
) -> None:
    if status == "proposed":
        plan = propose_plan(None, clinician, plan)
    elif status == "declined":
        plan = decide_plan(None, clinician, plan, accepted=False)
    with pytest.raises(ConsentRefused, match="prepared from an accepted plan"):
        services.prepare_consent(None, clinician, plan)
    assert not Consent.objects.exists()


def test_preparing_without_a_template_for_the_family_is_refused_naming_the_family(
    accepted: TreatmentPlan, clinician: StaffUser
) -> None:
    with pytest.raises(ConsentRefused, match="no consent template for Intense pulsed light yet"):
        services.prepare_consent(None, clinician, accepted)


def test_another_practices_template_is_not_used(
    accepted: TreatmentPlan, clinician: StaffUser, other_practice: Practice
) -> None:
    elsewhere = make_staff(other_practice, Role.PRACTICE_ADMIN)
    services.save_template_version(None, elsewhere, other_practice, "broadband_light", "Theirs", "Their words")
    with pytest.raises(ConsentRefused, match="no consent template"):
        services.prepare_consent(None, clinician, accepted)


def test_preparing_again_replaces_the_draft(draft: Consent, clinician: StaffUser) -> None:
    again = services.prepare_consent(None, clinician, draft.plan)
    assert list(Consent.objects.values_list("pk", flat=True)) == [again.pk]


def test_preparing_again_never_touches_a_signed_consent(signed: Consent, clinician: StaffUser) -> None:
    again = services.prepare_consent(None, clinician, signed.plan)
    kept = Consent.objects.get(pk=signed.pk)
    assert (kept.status, kept.signed_name, kept.document_sha256) == ("signed", "Jane Doe", signed.document_sha256)
    assert again.status == ConsentStatus.DRAFT


def test_a_new_template_version_does_not_change_consents_already_prepared(
    draft: Consent, admin: StaffUser, practice: Practice, clinician: StaffUser
) -> None:
    newer = services.save_template_version(None, admin, practice, "broadband_light", "Revised", "Revised words")
    kept = Consent.objects.get(pk=draft.pk)
    assert kept.document == draft.document
    assert kept.template.version == 1
    assert kept.document["template"]["body"] != "Revised words"
    later = services.prepare_consent(None, clinician, draft.plan)
    assert (later.template, later.document["template"]["body"]) == (newer, "Revised words")


# Templates


def test_template_versions_count_up_per_family_within_the_practice(
    practice: Practice, admin: StaffUser, other_practice: Practice
) -> None:
    first = services.save_template_version(None, admin, practice, "pigment", "A", "a")
    second = services.save_template_version(None, admin, practice, "pigment", "B", "b")
    other_family = services.save_template_version(None, admin, practice, "vascular", "C", "c")
    elsewhere = make_staff(other_practice, Role.PRACTICE_ADMIN)
    other_practice_first = services.save_template_version(None, elsewhere, other_practice, "pigment", "D", "d")
    assert [t.version for t in (first, second, other_family, other_practice_first)] == [1, 2, 1, 1]


def test_a_template_is_never_edited(practice: Practice, admin: StaffUser) -> None:
    template = services.save_template_version(None, admin, practice, "pigment", "A", "a")
    template.body = "changed"
    with pytest.raises(ValueError, match="never edited"):
        template.save()


@pytest.mark.parametrize(
    ("family", "title", "body", "says"),
    [
        ("lasers", "A", "a", "not one of the modality families"),
        ("pigment", " ", "a", "title"),
        ("pigment", "A", "", "wording"),
    ],
)
def test_a_template_needs_a_known_family_a_title_and_wording(
    practice: Practice, admin: StaffUser, family: str, title: str, body: str, says: str
) -> None:
    with pytest.raises(ConsentRefused, match=says):
        services.save_template_version(None, admin, practice, family, title, body)


# Signing


def test_signing_stores_the_typed_name_the_signature_the_witness_and_the_time(
    signed: Consent, nurse: StaffUser
) -> None:
    kept = Consent.objects.get(pk=signed.pk)
    assert kept.status == ConsentStatus.SIGNED
    assert kept.signed_name == "Jane Doe"
    assert kept.signature_svg == "M10 10L40 30L80 20M100 50L150 60"
    assert kept.witness == nurse
    assert kept.signed_at is not None and kept.signed_at >= kept.prepared_at


def test_a_signed_consent_cannot_be_signed_again(signed: Consent, clinician: StaffUser) -> None:
    with pytest.raises(ConsentRefused, match="signed already and never changes"):
        services.sign_consent(
            None, clinician, signed, signer=Signer("Someone Else"), signature_svg=SIGNATURE, identity=PHOTO_ID
        )
    assert Consent.objects.get(pk=signed.pk).signed_name == "Jane Doe"


def test_a_signed_consent_cannot_be_saved_with_a_change(signed: Consent) -> None:
    kept = Consent.objects.get(pk=signed.pk)
    kept.sessions = 9
    with pytest.raises(ValueError, match="never changes"):
        kept.save()


def test_signing_refuses_a_document_changed_since_it_was_prepared(draft: Consent, nurse: StaffUser) -> None:
    document = {**draft.document, "risks": []}
    Consent.objects.filter(pk=draft.pk).update(document=document)
    with pytest.raises(ConsentRefused, match="changed since it was prepared"):
        services.sign_consent(None, nurse, draft, signer=Signer("Jane Doe"), signature_svg=SIGNATURE, identity=PHOTO_ID)


def test_signing_needs_a_typed_name(draft: Consent, nurse: StaffUser) -> None:
    with pytest.raises(ConsentRefused, match="Type your full name"):
        services.sign_consent(None, nurse, draft, signer=Signer("  "), signature_svg=SIGNATURE, identity=PHOTO_ID)


@pytest.mark.parametrize("signature", ["", "M10 10 L40 40 C1 1 2 2 3 3", "M10 10"])
def test_signing_needs_a_drawn_signature_of_path_data(draft: Consent, nurse: StaffUser, signature: str) -> None:
    with pytest.raises(ConsentRefused, match="signature"):
        services.sign_consent(None, nurse, draft, signer=Signer("Jane Doe"), signature_svg=signature, identity=PHOTO_ID)
    assert Consent.objects.get(pk=draft.pk).status == ConsentStatus.DRAFT


def test_front_desk_cannot_witness_a_signature(draft: Consent, staff: dict[Role, StaffUser]) -> None:
    with pytest.raises(ConsentRefused, match="clinician or nurse"):
        services.sign_consent(
            None, staff[Role.FRONT_DESK], draft, signer=Signer("Jane Doe"), signature_svg=SIGNATURE, identity=PHOTO_ID
        )


# The consent that covers a session


def test_a_signed_consent_covers_its_treatments_sessions_up_to_its_count(signed: Consent) -> None:
    assert [services.covering_consent(signed.plan, n, "ipl") for n in (1, 4)] == [signed, signed]


def test_a_signed_consent_does_not_cover_a_session_beyond_its_count(signed: Consent) -> None:
    assert services.covering_consent(signed.plan, 5, "ipl") is None


def test_a_signed_consent_does_not_cover_another_treatment(signed: Consent) -> None:
    assert services.covering_consent(signed.plan, 1, "nafl_1550") is None


def test_a_consent_awaiting_signature_covers_nothing(draft: Consent) -> None:
    assert services.covering_consent(draft.plan, 1, "ipl") is None


def test_a_withdrawn_consent_covers_nothing(signed: Consent, nurse: StaffUser) -> None:
    services.withdraw_consent(None, nurse, signed, "Changed her mind")
    assert services.covering_consent(signed.plan, 1, "ipl") is None


# Withdrawal


def test_withdrawing_needs_a_reason(signed: Consent, nurse: StaffUser) -> None:
    with pytest.raises(ConsentRefused, match="reason"):
        services.withdraw_consent(None, nurse, signed, "  ")


def test_a_consent_awaiting_signature_cannot_be_withdrawn(draft: Consent, nurse: StaffUser) -> None:
    with pytest.raises(ConsentRefused, match="Only a signed consent"):
        services.withdraw_consent(None, nurse, draft, "No")


def test_a_consent_is_withdrawn_once(signed: Consent, nurse: StaffUser) -> None:
    services.withdraw_consent(None, nurse, signed, "Changed her mind")
    with pytest.raises(ConsentRefused, match="withdrawn already"):
        services.withdraw_consent(None, nurse, signed, "Again")


def test_withdrawal_leaves_the_signed_document_as_it_was(signed: Consent, nurse: StaffUser) -> None:
    services.withdraw_consent(None, nurse, signed, "Changed her mind")
    kept = Consent.objects.get(pk=signed.pk)
    assert (kept.status, kept.document_sha256, kept.withdrawn) == ("signed", signed.document_sha256, True)


# Template pages


def test_an_admin_sees_every_family_with_its_latest_version_or_none_yet(
    signed_in: SignIn, admin: StaffUser, practice: Practice
) -> None:
    services.save_template_version(None, admin, practice, "pigment", "Pigment consent", "a")
    services.save_template_version(None, admin, practice, "pigment", "Pigment consent, revised", "b")
    text = signed_in(admin).get("/consent/templates/").content.decode()
    assert "Version 2: “Pigment consent, revised”" in text
    assert text.count("none yet") == 6
    assert "/consent/templates/vascular/new/" in text


def test_the_first_version_starts_from_the_default_wording_labelled_for_review(
    signed_in: SignIn, admin: StaffUser
) -> None:
    text = signed_in(admin).get("/consent/templates/pigment/new/").content.decode()
    assert "lasercare&#39;s default wording: the practice should have it reviewed" in text
    assert default_wordings()["pigment"].title in text


def test_the_next_version_starts_from_the_latest_and_lists_the_earlier_ones(
    signed_in: SignIn, admin: StaffUser, practice: Practice
) -> None:
    services.save_template_version(None, admin, practice, "pigment", "Ours", "Our first words")
    services.save_template_version(None, admin, practice, "pigment", "Ours again", "Our second words")
    text = signed_in(admin).get("/consent/templates/pigment/new/").content.decode()
    assert 'value="Ours again"' in text
    assert "Save as version 3" in text
    assert "Version 1: “Ours”" in text and "Our first words" in text


def test_saving_a_version_from_the_page(signed_in: SignIn, admin: StaffUser, practice: Practice) -> None:
    response = signed_in(admin).post("/consent/templates/vascular/new/", {"title": "Vascular", "body": "Words"})
    assert response.status_code == 302
    template = ConsentTemplate.objects.get(practice=practice, family="vascular")
    assert (template.version, template.title, template.body, template.created_by) == (1, "Vascular", "Words", admin)


def test_a_template_without_wording_is_refused_with_the_title_kept(signed_in: SignIn, admin: StaffUser) -> None:
    response = signed_in(admin).post("/consent/templates/vascular/new/", {"title": "Kept title", "body": ""})
    assert response.status_code == 400
    assert 'value="Kept title"' in response.content.decode()
    assert not ConsentTemplate.objects.exists()


def test_an_unknown_family_is_not_found(signed_in: SignIn, admin: StaffUser) -> None:
    assert signed_in(admin).get("/consent/templates/lasers/new/").status_code == 404


def test_clinicians_do_not_manage_templates(signed_in: SignIn, clinician: StaffUser) -> None:
    client = signed_in(clinician)
    assert client.get("/consent/templates/").status_code == 403
    assert client.post("/consent/templates/pigment/new/", {"title": "T", "body": "B"}).status_code == 403
    assert not ConsentTemplate.objects.exists()


# Plan and consent pages


def test_the_plan_consent_page_prepares_a_consent_and_opens_it_for_signing(
    signed_in: SignIn, nurse: StaffUser, accepted: TreatmentPlan, templates: dict[str, ConsentTemplate]
) -> None:
    client = signed_in(nurse)
    assert "Prepare a consent to sign" in client.get(f"/plans/{accepted.public_id}/consent/").content.decode()
    response = client.post(f"/plans/{accepted.public_id}/consent/prepare/")
    consent = Consent.objects.get(plan=accepted)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/consents/{consent.public_id}/"


def test_preparing_from_a_plan_not_accepted_says_why(
    signed_in: SignIn, nurse: StaffUser, plan: TreatmentPlan, templates: dict[str, ConsentTemplate]
) -> None:
    client = signed_in(nurse)
    response = client.post(f"/plans/{plan.public_id}/consent/prepare/", follow=True)
    says = "A consent is prepared from an accepted plan; this plan is “Draft: awaiting a clinician”."
    assert says in response.content.decode()
    assert not Consent.objects.exists()


def test_preparing_without_a_template_says_which_family_needs_one(
    signed_in: SignIn, nurse: StaffUser, accepted: TreatmentPlan
) -> None:
    response = signed_in(nurse).post(f"/plans/{accepted.public_id}/consent/prepare/", follow=True)
    assert "no consent template for Intense pulsed light yet" in response.content.decode()


def test_the_plan_consent_page_lists_signed_draft_and_withdrawn_consents(
    signed_in: SignIn, nurse: StaffUser, signed: Consent, clinician: StaffUser
) -> None:
    services.withdraw_consent(None, nurse, signed, "Changed her mind")
    services.prepare_consent(None, clinician, signed.plan)
    text = signed_in(nurse).get(f"/plans/{signed.plan.public_id}/consent/").content.decode()
    assert "Withdrawn" in text and "Awaiting signature" in text
    assert text.count("/consents/") == 2


def test_the_signing_page_shows_the_document_and_the_form_and_nothing_else_of_the_record(
    signed_in: SignIn, nurse: StaffUser, draft: Consent
) -> None:
    text = signed_in(nurse).get(f"/consents/{draft.public_id}/").content.decode()
    assert "<canvas" in text and "data-signature-clear" in text
    assert "consent-signature.js" in text
    assert "A drawn signature is needed" in text  # in <noscript>
    assert "or ask the staff for a paper consent form." in text
    assert f"Witness: <strong>{nurse.display_name}</strong>" in text
    patient = draft.patient
    assert patient.phone not in text
    assert "1974" not in text  # the date of birth
    assert "/patients/" not in text and "/plans/" not in text
    assert 'aria-label="Main"' not in text  # no navigation to the rest of the app


def test_signing_through_the_page(signed_in: SignIn, nurse: StaffUser, draft: Consent) -> None:
    client = signed_in(nurse)
    response = client.post(
        f"/consents/{draft.public_id}/sign/", {"typed_name": " Jane   Doe ", "signature": SIGNATURE, **WITNESSED}
    )
    assert response.status_code == 302
    kept = Consent.objects.get(pk=draft.pk)
    assert (kept.status, kept.signed_name, kept.witness) == ("signed", "Jane Doe", nurse)


@pytest.mark.parametrize(
    ("signature", "says"),
    [
        ("", "The drawn signature is missing"),
        ('M10 10 L40 40"/><script>alert(1)</script>', "The drawn signature could not be read"),
        ("M10 10 L20 20 Q30 30 40 40", "The drawn signature could not be read"),
    ],
)
def test_a_malformed_or_empty_signature_is_refused_with_the_form_kept(
    signed_in: SignIn, nurse: StaffUser, draft: Consent, signature: str, says: str
) -> None:
    response = signed_in(nurse).post(
        f"/consents/{draft.public_id}/sign/", {"typed_name": "Jane Kept-Name", "signature": signature, **WITNESSED}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert says in text
    assert 'value="Jane Kept-Name"' in text
    assert "<script>alert" not in text
    assert Consent.objects.get(pk=draft.pk).status == ConsentStatus.DRAFT


def test_a_missing_typed_name_is_refused_in_plain_words(signed_in: SignIn, nurse: StaffUser, draft: Consent) -> None:
    response = signed_in(nurse).post(
        f"/consents/{draft.public_id}/sign/", {"typed_name": "", "signature": SIGNATURE, **WITNESSED}
    )
    assert response.status_code == 400
    assert "Type your full name as well as signing." in response.content.decode()


def test_the_signed_consent_shows_the_signature_drawn_as_svg_with_name_time_witness_version_and_hash(
    signed_in: SignIn, clinician: StaffUser, signed: Consent, nurse: StaffUser
) -> None:
    text = signed_in(clinician).get(f"/consents/{signed.public_id}/").content.decode()
    assert '<path d="M10 10L40 30L80 20M100 50L150 60"' in text
    assert "Jane Doe" in text
    assert nurse.display_name in text
    assert "version 1" in text
    assert signed.document_sha256 in text
    assert "<canvas" not in text
    assert "Withdraw this consent" in text


def test_a_signed_consent_posted_to_again_says_it_never_changes(
    signed_in: SignIn, nurse: StaffUser, signed: Consent
) -> None:
    response = signed_in(nurse).post(
        f"/consents/{signed.public_id}/sign/", {"typed_name": "Other", "signature": SIGNATURE, **WITNESSED}, follow=True
    )
    assert "signed already and never changes" in response.content.decode()
    assert Consent.objects.get(pk=signed.pk).signed_name == "Jane Doe"


def test_the_print_view_shows_the_signed_document(signed_in: SignIn, nurse: StaffUser, signed: Consent) -> None:
    response = signed_in(nurse).get(f"/consents/{signed.public_id}/print/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "print.css" in text and "<svg" in text and signed.document_sha256 in text


def test_withdrawing_through_the_page(signed_in: SignIn, nurse: StaffUser, signed: Consent) -> None:
    client = signed_in(nurse)
    assert client.post(f"/consents/{signed.public_id}/withdraw/", {"reason": ""}).status_code == 400
    response = client.post(f"/consents/{signed.public_id}/withdraw/", {"reason": "Moving away"}, follow=True)
    text = response.content.decode()
    assert "no further session is charted under this consent" in text
    assert "Moving away" in text
    assert services.covering_consent(signed.plan, 1, "ipl") is None


# Roles and practices


def test_front_desk_cannot_prepare_or_sign(signed_in: SignIn, staff: dict[Role, StaffUser], draft: Consent) -> None:
    client = signed_in(staff[Role.FRONT_DESK])
    assert client.post(f"/plans/{draft.plan.public_id}/consent/prepare/").status_code == 403
    signing = client.post(
        f"/consents/{draft.public_id}/sign/", {"typed_name": "Jane Doe", "signature": SIGNATURE, **WITNESSED}
    )
    assert signing.status_code == 403
    assert client.get(f"/consents/{draft.public_id}/").status_code == 403
    assert Consent.objects.get(pk=draft.pk).status == ConsentStatus.DRAFT


def test_another_practices_consent_is_not_found(signed_in: SignIn, other_practice: Practice, draft: Consent) -> None:
    client = signed_in(make_staff(other_practice, Role.CLINICIAN))
    for path in ("", "print/"):
        assert client.get(f"/consents/{draft.public_id}/{path}").status_code == 404
    signing = client.post(
        f"/consents/{draft.public_id}/sign/", {"typed_name": "X", "signature": SIGNATURE, **WITNESSED}
    )
    assert signing.status_code == 404
    assert client.post(f"/plans/{draft.plan.public_id}/consent/prepare/").status_code == 404
    assert Consent.objects.get(pk=draft.pk).status == ConsentStatus.DRAFT


def test_another_practices_plan_cannot_be_consented_to_through_the_service(
    other_practice: Practice, accepted: TreatmentPlan, templates: dict[str, ConsentTemplate]
) -> None:
    with pytest.raises(ConsentRefused, match="not one of your practice"):
        services.prepare_consent(None, make_staff(other_practice, Role.CLINICIAN), accepted)


# Audit


def _audit(consent: Consent) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(record_type="consent", record_id=str(consent.public_id))
        .order_by("pk")
        .values_list("action", "detail")
    )


def test_preparing_signing_withdrawing_viewing_and_printing_are_audited_with_the_patient(
    signed_in: SignIn, nurse: StaffUser, accepted: TreatmentPlan, templates: dict[str, ConsentTemplate]
) -> None:
    client = signed_in(nurse)
    client.post(f"/plans/{accepted.public_id}/consent/prepare/")
    consent = Consent.objects.get(plan=accepted)
    client.get(f"/consents/{consent.public_id}/")
    client.post(f"/consents/{consent.public_id}/sign/", {"typed_name": "Jane Doe", "signature": SIGNATURE, **WITNESSED})
    client.get(f"/consents/{consent.public_id}/print/")
    client.post(f"/consents/{consent.public_id}/withdraw/", {"reason": "Changed her mind"})
    assert _audit(consent) == [
        ("create", "prepared"),
        ("view", ""),
        ("update", "signed by the patient; identity confirmed by the witness: photo ID seen"),
        ("print", ""),
        ("update", "withdrawn"),
    ]
    entries = AuditEntry.objects.filter(record_type="consent")
    assert {e.patient_ref for e in entries} == {str(accepted.patient.public_id)}
    assert all(e.actor == nurse for e in entries)
    assert not any("Jane" in e.detail or "Changed" in e.detail for e in entries)


def test_template_pages_and_saves_are_audited(signed_in: SignIn, admin: StaffUser) -> None:
    client = signed_in(admin)
    client.get("/consent/templates/")
    client.post("/consent/templates/pigment/new/", {"title": "T", "body": "B"})
    actions = list(
        AuditEntry.objects.filter(record_type="consent_template").order_by("pk").values_list("action", "detail")
    )
    assert actions == [("list", "0 families with a template"), ("create", "Pigment laser version 1")]


def test_a_second_patients_plan_is_consented_to_separately(
    practice: Practice, clinician: StaffUser, signed: Consent, templates: dict[str, ConsentTemplate]
) -> None:
    other = make_patient(practice, given_names="John", family_name="Roe")
    plan = record_consultation(None, clinician, other, held_on=CONSULTATION_DAY, intake=basic_intake())
    plan = decide_plan(None, clinician, plan, accepted=True)
    consent = services.prepare_consent(None, clinician, plan)
    assert consent.document["patient"]["name"] == "John Roe"
    assert services.covering_consent(plan, 1, "ipl") is None
    assert Consent.objects.get(pk=signed.pk).status == ConsentStatus.SIGNED


# Query counts


def _queries(client: Client, url: str) -> int:
    client.get("/health/")  # the session's last-seen write happens once
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_plan_consent_page_costs_the_same_for_1_and_5_consents(
    signed_in: SignIn, nurse: StaffUser, signed: Consent, clinician: StaffUser
) -> None:
    client = signed_in(nurse)
    url = f"/plans/{signed.plan.public_id}/consent/"
    one = _queries(client, url)
    for _ in range(4):
        kept = services.prepare_consent(None, clinician, signed.plan)
        services.sign_consent(None, nurse, kept, signer=Signer("Jane Doe"), signature_svg=SIGNATURE, identity=PHOTO_ID)
    assert _queries(client, url) == one


def test_the_template_list_costs_the_same_however_many_versions(
    signed_in: SignIn, admin: StaffUser, practice: Practice, templates: dict[str, ConsentTemplate]
) -> None:
    client = signed_in(admin)
    before = _queries(client, "/consent/templates/")
    for family in templates:
        services.save_template_version(None, admin, practice, family, "Again", "Again")
    assert _queries(client, "/consent/templates/") == before
