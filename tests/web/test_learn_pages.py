"""The information pages are drawn from the knowledge base: its treatments, figures, evidence and sources."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from lasercare.engine import Knowledge

pytestmark = pytest.mark.django_db


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_index_lists_every_treatment_in_the_knowledge_base(client: Client, knowledge: Knowledge) -> None:
    text = page(client, "/learn/")
    for code, modality in knowledge.modalities.items():
        assert f"/learn/treatments/{code}/" in text
        assert modality.patient_name in text


def test_a_treatment_page_shows_the_knowledge_figures_with_evidence_in_words(
    client: Client, knowledge: Knowledge
) -> None:
    co2 = knowledge.modalities["co2_full"]
    text = page(client, "/learn/treatments/co2_full/")
    assert co2.patient_name in text
    assert co2.patient_about in text
    assert f"{co2.downtime_days.range.min:g} to {co2.downtime_days.range.max:g}" in text
    risk = co2.side_effects[0]
    assert risk.patient is not None
    assert f"{risk.patient.name}: {risk.patient.how_often}" in text
    assert risk.rate not in text  # the clinician's figures stay on the clinician's pages
    assert "Words used on this page" in text
    assert "evidence: established in published studies" in text
    assert "evidence: from a weaker source" in text


def test_a_treatment_page_lists_its_sources_that_patients_may_see(client: Client, knowledge: Knowledge) -> None:
    text = page(client, "/learn/treatments/co2_full/")
    cited = [s for effect in knowledge.modalities["co2_full"].side_effects for s in effect.evidence.sources]
    assert any(knowledge.sources[s].for_patients for s in cited)
    assert any(not knowledge.sources[s].for_patients for s in cited)
    for source_id in cited:
        source = knowledge.sources[source_id]
        assert (source.citation in text) is source.for_patients, source_id


def test_a_learn_page_lists_no_source_a_patient_may_not_see(knowledge: Knowledge) -> None:
    from lasercare.practice.selfassessment import learn

    evidence = knowledge.modalities["co2_full"].side_effects[0].evidence
    first = knowledge.sources[evidence.sources[0]]
    mirrored = knowledge._replace(sources={**knowledge.sources, first.id: first._replace(status="mirror")})
    cited = [learn.Cited("a statement", "established", (first.id, "lasercare-practice-policy"))]
    numbers, listed = learn.sources_of(cited, mirrored)
    assert first.id not in numbers
    assert [entry["id"] for entry in listed] == ["lasercare-practice-policy"]
    assert numbers == {"lasercare-practice-policy": 1}


def test_the_preparation_page_shows_the_protocol_steps_with_the_policy_filled_in(client: Client) -> None:
    text = page(client, "/learn/preparation/")
    assert "Stay out of the sun, and do not use sunbeds or fake tan on the area, for 4 weeks before treatment" in text
    assert "{" not in text.split("<main", 1)[1]
    assert "for people with: Cold sores in the past" in text


def test_the_day_and_aftercare_pages_show_their_phases(client: Client) -> None:
    assert "Come with clean skin" in page(client, "/learn/the-day/")
    assert "Call the practice if you get blisters" in page(client, "/learn/aftercare/")


def test_the_sessions_page_gives_each_treatments_course(client: Client, knowledge: Knowledge) -> None:
    text = page(client, "/learn/sessions/")
    nafl = knowledge.modalities["nafl_1550"]
    assert nafl.patient_name in text
    assert f"{nafl.sessions.range.min:g} to {nafl.sessions.range.max:g}" in text


def test_the_side_effects_page_gives_the_rates_the_sources_report(client: Client, knowledge: Knowledge) -> None:
    text = page(client, "/learn/side-effects/")
    for modality in knowledge.modalities.values():
        for risk in modality.side_effects:
            assert risk.patient is not None
            assert risk.patient.how_often in text


def test_general_information_is_labelled_as_such(client: Client) -> None:
    assert "(general information)" in page(client, "/learn/treatments/")


def test_an_unknown_topic_or_treatment_is_not_found(client: Client) -> None:
    assert client.get("/learn/horoscopes/").status_code == 404
    assert client.get("/learn/treatments/tattoo_gun/").status_code == 404
