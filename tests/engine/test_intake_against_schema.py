"""The hand-written intake validator agrees with contracts/intake.schema.json.

Every document the schema rejects, `read_intake` rejects with an IntakeError naming a field; documents the
schema accepts either plan or are rejected for a reason the schema cannot express (an impossible or future
date). Nothing else is ever raised.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lasercare.engine import IntakeError, Knowledge, make_plan, read_intake
from tests.conftest import contract
from tests.engine.intake_strategies import ON, intake

SCHEMA = contract("intake.schema.json")
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated_intake(draw: st.DrawFn) -> dict[str, Any]:
    """A valid intake with one value somewhere replaced, or one key removed."""
    doc = copy.deepcopy(draw(intake()))
    path = draw(st.sampled_from(_paths(doc)[1:]))
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(JSON_VALUES)
    return doc


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=mutated_intake())
def test_what_the_schema_rejects_read_intake_rejects(doc: dict[str, Any], knowledge: Knowledge) -> None:
    schema_errors = list(VALIDATOR.iter_errors(doc))
    try:
        parsed = read_intake(doc, ON)
    except IntakeError as error:
        field = error.field
    else:
        assert not schema_errors, f"accepted an intake the schema rejects: {schema_errors[0].message}"
        make_plan(parsed, ON, knowledge)
        return
    assert field, "an IntakeError always names a field"


@st.composite
def intake_with_an_unknown_key(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A valid intake with one key the schema does not know added to one of its objects, and that key's path."""
    doc = copy.deepcopy(draw(intake()))
    objects = [path for path in _paths(doc) if isinstance(_at(doc, path), dict)]
    path = draw(st.sampled_from(objects))
    key = draw(st.sampled_from(["note", "dose", "extra", "Name", "comment", "conditions_"]))
    target = _at(doc, path)
    if key in target:
        key = f"{key}_x"
    target[key] = draw(JSON_VALUES)
    written = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in (*path, key))
    return doc, written.lstrip(".")


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@settings(max_examples=500, deadline=None)
@given(case=intake_with_an_unknown_key())
def test_an_unknown_key_anywhere_is_refused_by_the_schema_and_by_read_intake_naming_its_path(
    case: tuple[dict[str, Any], str],
) -> None:
    doc, path = case
    assert list(VALIDATOR.iter_errors(doc)), "the shared schema refuses unknown keys at every level"
    with pytest.raises(IntakeError) as refused:
        read_intake(doc, ON)
    assert refused.value.field == path
