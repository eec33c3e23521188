"""Whether the name typed on a consent is the patient's (lasercare.practice.consent.signer_name): case, accents,
spaces, punctuation and middle names may differ; the first name and the family name may not."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lasercare.practice.consent.signer_name import PatientName, is_patients_name

ZOE = PatientName(given_names="Zoë", family_name="O'Brien-Smith")
MARY = PatientName(given_names="Mary Anne Louise", family_name="García Márquez")
JEAN_LUC = PatientName(given_names="Jean-Luc", family_name="Picard")


@pytest.mark.parametrize(
    "typed", ["Zoë O'Brien-Smith", "ZOE OBRIEN SMITH", "  zoe   o'brien-smith ", "Zoe O Brien Smith"]
)
def test_case_accents_spaces_and_punctuation_do_not_matter(typed: str) -> None:
    assert is_patients_name(typed, ZOE)


@pytest.mark.parametrize(
    "typed",
    [
        "Mary Anne Louise Garcia Marquez",
        "Mary Garcia Marquez",
        "Mary Anne Garcia Marquez",
        "Mary Louise García-Márquez",
        "Mary A. L. Garcia Marquez",
    ],
)
def test_middle_names_may_be_left_out_or_given_as_initials(typed: str) -> None:
    assert is_patients_name(typed, MARY)


@pytest.mark.parametrize(
    "typed",
    [
        "Mary Louise Anne Garcia Marquez",  # the middle names out of order
        "Mary Jane Garcia Marquez",  # a middle name the patient does not have
        "Anne Garcia Marquez",  # a middle name as the first
        "Mary Garcia",  # half the family name
        "Garcia Marquez Mary",  # family name first
        "Mary",
        "",
        "Someone Else",
    ],
)
def test_other_names_do_not_match(typed: str) -> None:
    assert not is_patients_name(typed, MARY)


def test_a_hyphenated_first_name_may_be_typed_with_a_space_or_run_together() -> None:
    assert is_patients_name("Jean Luc Picard", JEAN_LUC)
    assert is_patients_name("Jeanluc Picard", JEAN_LUC)
    assert not is_patients_name("Jean Picard", JEAN_LUC)


def test_a_patient_record_without_a_name_matches_nothing() -> None:
    assert not is_patients_name("Jane Doe", PatientName(given_names=" ", family_name="Doe"))


# Names as people have them: a few words of letters, some accented, some hyphenated.
LETTERS = st.sampled_from("abcdefghijklmnopqrstuvwxyzéèëçñøåäöüíóúàâ")
WORD = st.text(LETTERS, min_size=2, max_size=9).map(str.capitalize)
HYPHENATED = st.lists(WORD, min_size=1, max_size=2).map("-".join)
GIVEN = st.lists(HYPHENATED, min_size=1, max_size=3).map(" ".join)
FAMILY = st.lists(WORD, min_size=1, max_size=2).map(" ".join)


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@st.composite
def variants(draw: st.DrawFn, text: str) -> str:
    """The same name typed otherwise: each letter's case flipped or not, accents dropped or decomposed, extra
    spaces around the words."""
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    flipped = "".join(c.swapcase() if flip else c for c, flip in zip(text, flips, strict=True))
    form = draw(st.sampled_from(["as typed", "no accents", "NFD", "NFC"]))
    shaped = {
        "as typed": flipped,
        "no accents": _without_accents(flipped),
        "NFD": unicodedata.normalize("NFD", flipped),
        "NFC": unicodedata.normalize("NFC", flipped),
    }[form]
    spaces = draw(st.sampled_from([" ", "  ", "\t"]))
    return f"{spaces}{spaces.join(shaped.split())}{spaces}"


@given(GIVEN, FAMILY, st.data())
def test_a_name_always_matches_itself_in_any_case_or_accent_variant(
    given_names: str, family: str, data: st.DataObject
) -> None:
    patient = PatientName(given_names=given_names, family_name=family)
    typed = data.draw(variants(f"{given_names} {family}"))
    assert is_patients_name(typed, patient)


@given(GIVEN, FAMILY, st.data())
def test_a_name_matches_without_its_middle_names(given_names: str, family: str, data: st.DataObject) -> None:
    patient = PatientName(given_names=given_names, family_name=family)
    typed = data.draw(variants(f"{given_names.split()[0]} {family}"))
    assert is_patients_name(typed, patient)


def _compact(text: str) -> str:
    return "".join(c for c in _without_accents(text).casefold() if c.isalnum())


@given(GIVEN, FAMILY, FAMILY)
def test_a_different_family_name_never_matches(given_names: str, family: str, other: str) -> None:
    # "Different": not the family name, nor its last part (then the typed words before it could be its first part).
    assume(not _compact(family).endswith(_compact(other)))
    assert not is_patients_name(f"{given_names} {other}", PatientName(given_names=given_names, family_name=family))
