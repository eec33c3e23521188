"""The patient list counts matches only a number of pages past the one shown (CountedAhead): a practice's
100,000 patients are not counted on every keystroke of the live search, and every page stays reachable."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.patients import views
from tests.web.conftest import make_patient

SignIn = Callable[[StaffUser], Client]


def test_a_long_list_says_more_than_and_its_next_page_still_opens(
    signed_in: SignIn, practice: Practice, clinician: StaffUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "COUNT_AHEAD", 0)  # count only as far as the page shown
    for n in range(30):
        make_patient(practice, family_name=f"Carter{n:02d}")
    client = signed_in(clinician)
    first = client.post("/patients/", {"q": "carter"}).content.decode()
    assert "more than 25" in first
    assert "Page 1<" in first  # no total page count when the count stopped short
    second = client.post("/patients/", {"q": "carter", "page": "2"}).content.decode()
    assert second.count("Carter") >= 5
    assert "Carter29" in second


def test_a_short_list_gives_the_exact_count(signed_in: SignIn, practice: Practice, clinician: StaffUser) -> None:
    for n in range(3):
        make_patient(practice, family_name=f"Able{n}")
    page = signed_in(clinician).post("/patients/", {"q": "able"}).content.decode()
    assert "Patients matching the search: 3" in page


def test_a_search_by_name_lists_family_and_given_name_matches_in_family_name_order(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    from lasercare.practice.patients.services import read_query, search_patients

    make_patient(practice, family_name="Zed", given_names="Ann")
    make_patient(practice, family_name="Annan", given_names="Kofi")
    make_patient(practice, family_name="Brown", given_names="Anna")
    make_patient(practice, family_name="Annan", given_names="Ann")  # matches both ways: listed once
    make_patient(practice, family_name="Cole", given_names="Bea")
    matches = search_patients(practice.pk, read_query("ann"))
    expected = ["Annan, Ann", "Annan, Kofi", "Brown, Anna", "Zed, Ann"]
    assert [p.sorting_name for p in matches] == expected
    assert [p.sorting_name for p in matches[1:3]] == expected[1:3]
    assert len(matches) == 4
    page = signed_in(clinician).post("/patients/", {"q": "ann"}).content.decode()
    assert "Patients matching the search: 4" in page
    assert [page.index(name) for name in expected] == sorted(page.index(name) for name in expected)
