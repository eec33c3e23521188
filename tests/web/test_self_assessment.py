"""The public self-assessment: the engine decides the result, nothing is stored before consent, and a consented
request reaches the front desk, audited."""

from __future__ import annotations

import html
import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from lasercare.practice.audit.models import AuditAction, AuditEntry
from lasercare.practice.clinic.models import Practice
from lasercare.practice.selfassessment.models import ConsultationRequest, RequestStatus
from tests.web.self_assessment_helpers import CONTACT, answers


def result_url(practice: Practice) -> str:
    return f"/self-assessment/{practice.public_id}/result/"


def request_url(practice: Practice) -> str:
    return f"/self-assessment/{practice.public_id}/request/"


def result_of(client: Client, practice: Practice, **changes: Any) -> str:
    response = client.post(result_url(practice), answers(**changes))
    assert response.status_code == 200, response.content.decode()[:2000]
    return html.unescape(response.content.decode())


def section(page: str, heading_id: str) -> str:
    """The text of the section whose heading has this id, up to the next section."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def test_the_form_asks_the_ten_fitzpatrick_questions(client: Client, practice: Practice) -> None:
    page = client.get(f"/self-assessment/{practice.public_id}/").content.decode()
    for number in range(1, 11):
        assert f'name="q{number}"' in page
    assert "Eye colour" in page
    assert "not a diagnosis" in page


def test_the_only_practice_is_chosen_for_the_person(client: Client, practice: Practice) -> None:
    response = client.get("/self-assessment/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/self-assessment/{practice.public_id}/"


def test_several_practices_are_listed_to_choose_from(
    client: Client, practice: Practice, other_practice: Practice
) -> None:
    page = client.get("/self-assessment/").content.decode()
    assert f"/self-assessment/{practice.public_id}/" in page
    assert f"/self-assessment/{other_practice.public_id}/" in page


def test_an_unknown_practice_is_not_found(client: Client, db: None) -> None:
    assert client.get("/self-assessment/5e5e5e5e-5e5e-4e5e-8e5e-5e5e5e5e5e5e/").status_code == 404


def test_the_result_shows_the_phototype_the_engine_derives_from_the_answers(client: Client, practice: Practice) -> None:
    page = result_of(client, practice)
    assert "type II (questionnaire score 16 of 40)" in page


def test_the_result_lists_what_could_suit_and_what_is_unlikely(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, max_downtime_days="3")
    could = section(page, "could-heading")
    unlikely = section(page, "unlikely-heading")
    assert "Intense pulsed light" in could
    assert "Q-switched pigment laser (532 nm)" in unlikely
    assert "may be longer than the 3 days you said you could take" in unlikely


def test_pregnancy_means_treatment_waits(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, pregnancy="pregnant")
    screening = section(page, "screening-heading")
    assert "Pregnancy or breastfeeding" in screening
    assert "treatment waits" in screening
    assert 'id="could-heading"' not in page


def test_breastfeeding_means_treatment_waits_too(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, pregnancy="breastfeeding")
    assert "treatment waits" in section(page, "screening-heading")


def test_recent_isotretinoin_rules_out_full_resurfacing_only(client: Client, practice: Practice) -> None:
    stopped = (timezone.localdate() - timedelta(days=60)).isoformat()
    page = result_of(client, practice, concerns=["wrinkles"], isotretinoin="past", isotretinoin_stopped_on=stopped)
    assert "Isotretinoin tablets now or in the last 6 months" in section(page, "screening-heading")
    unlikely = section(page, "unlikely-heading")
    assert "Full CO2 laser resurfacing" in unlikely
    assert "Fractional CO2 laser" in section(page, "could-heading")


def test_isotretinoin_long_ago_raises_nothing(client: Client, practice: Practice) -> None:
    stopped = (timezone.localdate() - timedelta(days=800)).isoformat()
    page = result_of(client, practice, concerns=["wrinkles"], isotretinoin="past", isotretinoin_stopped_on=stopped)
    assert 'id="screening-heading"' not in page
    assert "Full CO2 laser resurfacing" in section(page, "could-heading")


def test_isotretinoin_taken_now_is_screened(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, concerns=["wrinkles"], isotretinoin="now")
    assert "Isotretinoin tablets now or in the last 6 months" in section(page, "screening-heading")


def test_cold_sores_are_raised_for_the_consultation(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, cold_sores="yes")
    assert "Cold sores in the past" in section(page, "screening-heading")
    assert "Tell the clinician about this: Cold sores in the past" in section(page, "discuss-heading")


def test_keloids_make_resurfacing_a_matter_for_the_clinician(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, keloids="yes", concerns=["acne_scars"])
    assert "Keloids or raised scars in the past" in section(page, "screening-heading")
    could = section(page, "could-heading")
    assert "Caution" in could
    assert "Keloids or raised scars in the past</strong>. The clinician must first judge" in could


def caution_of(page: str, treatment: str) -> str:
    """The caution box on a treatment's card ('' when the card has none)."""
    found = re.search(
        rf'<div class="caution" role="note" aria-label="Caution for {re.escape(treatment)}">(.*?)</div>', page, re.S
    )
    return found.group(1) if found else ""


def test_a_cold_sore_now_makes_every_treatment_wait(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, cold_sore_now="yes")
    screening = section(page, "screening-heading")
    # The knowledge base's finding for an active herpes lesion, in its patient voice.
    assert "A skin infection or open wound where you would be treated" in screening
    assert "an active cold sore" in screening
    assert "treatment waits" in screening
    assert "This is about: all treatments." in screening
    assert "laser and light treatment would have to wait for now" in page


def test_a_cold_sore_now_counts_as_getting_cold_sores(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, cold_sores="no", cold_sore_now="yes")
    assert "Cold sores in the past" in section(page, "screening-heading")


def test_the_cold_sore_question_must_be_answered(client: Client, practice: Practice) -> None:
    response = client.post(result_url(practice), {**answers(), "cold_sore_now": ""})
    assert "Do you have a cold sore right now?" in response.content.decode()
    assert "Answer this question." in response.content.decode()
    assert 'id="could-heading"' not in response.content.decode()


def test_isotretinoin_now_puts_a_caution_on_fractional_resurfacing(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, concerns=["acne_scars"], isotretinoin="now")
    caution = caution_of(page, "Fractional CO2 laser")
    assert "Isotretinoin tablets now or in the last 6 months" in caution
    assert "Talk over the leaflet's advice with your clinician before you choose." in caution
    assert "This treatment waits" in caution_of(page, "Full CO2 laser resurfacing")


def test_a_treatment_no_answer_bears_on_has_no_caution(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, concerns=["acne_scars"], isotretinoin="now")
    assert caution_of(page, "Fractional CO2 laser") != ""
    assert 'class="caution"' not in result_of(client, practice, concerns=["acne_scars"])


def test_a_finding_names_the_treatments_it_is_about(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, concerns=["acne_scars"], isotretinoin="now")
    assert "This is about: Full CO2 laser resurfacing" in section(page, "screening-heading")


def test_aciclovir_cream_is_not_read_as_a_medicine_that_makes_skin_react_to_light(
    client: Client, practice: Practice
) -> None:
    # Aciclovir has no light-sensitising class in the knowledge base (medicines/antivirals.toml, checked against
    # the photosensitiser reviews of Blakely 2019 and Kim 2018).
    page = result_of(client, practice, medications="aciclovir cream")
    assert "makes skin react more to light" not in page
    assert "were not recognised" not in page


def test_a_photosensitising_medicine_is_recognised(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, medications="Doxycycline 100 mg")
    assert "A medicine or supplement that makes skin react more to light" in section(page, "screening-heading")


def test_an_unrecognised_medicine_is_named_for_checking(client: Client, practice: Practice) -> None:
    page = result_of(client, practice, medications="Zorblax 5 mg")
    assert "were not recognised and need checking: Zorblax 5 mg" in section(page, "discuss-heading")


def test_no_screening_answer_raises_no_screening_section(client: Client, practice: Practice) -> None:
    assert 'id="screening-heading"' not in result_of(client, practice)


def test_the_result_says_what_to_expect_from_the_engines_protocol(client: Client, practice: Practice) -> None:
    expect = section(result_of(client, practice), "expect-heading")
    assert "Stay out of the sun, and do not use sunbeds or fake tan on the area, for 4 weeks before treatment" in expect
    assert "Call the practice if you get blisters" in expect


def test_nothing_is_stored_or_put_in_a_session_before_consent(client: Client, practice: Practice) -> None:
    requests, audit, sessions = ConsultationRequest.objects.count(), AuditEntry.objects.count(), Session.objects.count()
    client.get(f"/self-assessment/{practice.public_id}/")
    result_of(client, practice, cold_sores="yes", medications="warfarin")
    client.post(request_url(practice), {**answers(), **CONTACT, "consent": ""})
    assert ConsultationRequest.objects.count() == requests
    assert AuditEntry.objects.count() == audit
    assert Session.objects.count() == sessions
    assert "sessionid" not in client.cookies


def test_the_answers_travel_in_the_form_not_the_address(client: Client, practice: Practice) -> None:
    response = client.post(result_url(practice), answers(medications="warfarin"))
    page = response.content.decode()
    assert 'type="hidden" name="medications" value="warfarin"' in page
    assert 'action="/self-assessment/' in page
    assert "warfarin" not in response.request["PATH_INFO"]
    assert response.headers["Cache-Control"].startswith("max-age=0") or "no-store" in response.headers["Cache-Control"]
    assert "no-store" in response.headers["Cache-Control"]


def test_the_result_page_is_post_only(client: Client, practice: Practice) -> None:
    assert client.get(result_url(practice)).status_code == 405


def test_a_request_with_consent_is_stored_with_answers_and_result(client: Client, practice: Practice) -> None:
    response = client.post(request_url(practice), {**answers(cold_sores="yes"), **CONTACT})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/self-assessment/{practice.public_id}/sent/"
    stored = ConsultationRequest.objects.get()
    assert stored.practice == practice
    assert stored.name == "Morwenna Tregarthen"
    assert stored.phone == "+44 7700 900777"
    assert stored.answers["cold_sores"] == "yes"
    assert stored.answers["q1"] == 1
    assert stored.result["phototype"] == "II"
    assert "hsv_history" in stored.result["findings"]
    assert "ipl" in stored.result["could_suit"]
    assert stored.consent_version
    assert stored.status == RequestStatus.NEW


def test_a_stored_request_is_audited_as_the_self_assessment(client: Client, practice: Practice) -> None:
    client.post(request_url(practice), {**answers(), **CONTACT})
    stored = ConsultationRequest.objects.get()
    entry = AuditEntry.objects.get(record_type="consultation_request")
    assert entry.action == AuditAction.CREATE
    assert entry.record_id == str(stored.public_id)
    assert entry.practice_id == practice.pk
    assert entry.actor is None
    assert entry.actor_label == "self-assessment"
    assert "Morwenna" not in entry.detail


def test_the_request_is_validated_again_from_the_carried_answers(client: Client, practice: Practice) -> None:
    tampered = {**answers(), **CONTACT, "q3": "9"}
    response = client.post(request_url(practice), tampered)
    assert response.status_code == 400
    assert ConsultationRequest.objects.count() == 0
    assert "Some answers need a look" in response.content.decode()


def test_a_missing_answer_is_named_and_the_other_answers_are_kept(client: Client, practice: Practice) -> None:
    response = client.post(result_url(practice), answers(q4="", medications="Doxycycline 100 mg"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Answer this question: your skin type needs all ten answers." in page
    assert "Doxycycline 100 mg</textarea>" in page
    assert 'value="45"' in page


def test_no_concern_chosen_is_refused_plainly(client: Client, practice: Practice) -> None:
    response = client.post(result_url(practice), answers(concerns=[]))
    assert response.status_code == 400
    assert "Choose at least one thing you would like to improve." in response.content.decode()


def test_a_child_is_sent_to_the_practice(client: Client, practice: Practice) -> None:
    response = client.post(result_url(practice), answers(age="15"))
    assert response.status_code == 400
    assert "This self-assessment is for adults" in response.content.decode()


def test_isotretinoin_in_the_past_needs_a_date(client: Client, practice: Practice) -> None:
    response = client.post(result_url(practice), answers(isotretinoin="past"))
    assert response.status_code == 400
    assert "Give the date of the last tablet" in response.content.decode()


def test_an_event_in_the_past_is_refused(client: Client, practice: Practice) -> None:
    response = client.post(result_url(practice), answers(ready_by="2020-01-01"))
    assert response.status_code == 400
    assert "Give a date in the future" in response.content.decode()


def test_a_request_without_consent_is_refused_and_keeps_what_was_typed(client: Client, practice: Practice) -> None:
    response = client.post(request_url(practice), {**answers(), **CONTACT, "consent": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tick this box to send the request: without it nothing is stored." in page
    assert 'value="Morwenna Tregarthen"' in page
    assert ConsultationRequest.objects.count() == 0


def test_a_phone_request_needs_a_phone_number(client: Client, practice: Practice) -> None:
    response = client.post(request_url(practice), {**answers(), **CONTACT, "phone": ""})
    assert response.status_code == 400
    assert "Give a phone number to be called on." in response.content.decode()


def test_an_email_request_needs_a_valid_address(client: Client, practice: Practice) -> None:
    response = client.post(request_url(practice), {**answers(), **CONTACT, "contact_by": "email", "email": "nope"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()


@pytest.mark.django_db
def test_requests_from_one_address_are_throttled(client: Client, practice: Practice, settings: Any) -> None:
    settings.SELF_ASSESSMENT_REQUEST_LIMIT = 2
    for _ in range(2):
        assert client.post(request_url(practice), {**answers(), **CONTACT}).status_code == 302
    refused = client.post(request_url(practice), {**answers(), **CONTACT})
    assert refused.status_code == 429
    assert "Too many requests were sent from this connection" in refused.content.decode()
    assert ConsultationRequest.objects.count() == 2


def test_another_address_is_not_throttled_by_the_first(client: Client, practice: Practice, settings: Any) -> None:
    settings.SELF_ASSESSMENT_REQUEST_LIMIT = 1
    assert client.post(request_url(practice), {**answers(), **CONTACT}).status_code == 302
    other = client.post(request_url(practice), {**answers(), **CONTACT}, REMOTE_ADDR="192.0.2.44")
    assert other.status_code == 302


def test_the_request_form_keeps_csrf_protection(practice: Practice) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(request_url(practice), {**answers(), **CONTACT}).status_code == 403
    assert ConsultationRequest.objects.count() == 0


def test_changing_the_answers_fills_the_form_again(client: Client, practice: Practice) -> None:
    page = client.post(f"/self-assessment/{practice.public_id}/", answers(medications="warfarin")).content.decode()
    assert "warfarin</textarea>" in page
    assert re.search(r'value="sun_spots"[^>]*checked', page)
    assert not re.search(r'value="wrinkles"[^>]*checked', page)


def _walk_the_public_pages(client: Client, practice: Practice) -> list[Any]:
    """Every public step with answers and contact details, including refused forms."""
    return [
        client.post(result_url(practice), answers(medications="Zorblax 5 mg", cold_sores="yes")),
        client.post(result_url(practice), answers(q4="", medications="Zorblax 5 mg")),
        client.post(request_url(practice), {**answers(medications="Zorblax 5 mg"), **CONTACT, "consent": ""}),
        client.post(request_url(practice), {**answers(medications="Zorblax 5 mg"), **CONTACT}),
    ]


PERSONAL = ("Zorblax", "Morwenna", "Tregarthen", "900777")


def test_the_application_logs_hold_no_answer_or_contact_detail(
    client: Client, practice: Practice, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    _walk_the_public_pages(client, practice)
    assert caplog.records, "the refused forms are logged (by path)"
    for entry in caplog.records:
        text = f"{entry.getMessage()} {entry.exc_text or ''}"
        assert not any(word in text for word in PERSONAL), text


def test_no_address_holds_an_answer_or_contact_detail(client: Client, practice: Practice) -> None:
    responses = _walk_the_public_pages(client, practice)
    addresses = [r.headers["Location"] for r in responses if r.status_code == 302]
    for response in responses:
        addresses += re.findall(r'(?:href|action)="([^"]*)"', response.content.decode())
    assert any("/self-assessment/" in address for address in addresses)
    assert [a for a in addresses if any(word.lower() in a.lower() for word in PERSONAL)] == []
