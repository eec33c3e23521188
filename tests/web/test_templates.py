"""The template language of the app's pages (lasercare.site.jinja): it keeps the meanings Django's templates had."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import dateformat, translation


def render(source: str, **context: object) -> str:
    return str(engines["jinja2"].from_string(source).render(context))


def test_a_name_left_out_of_the_context_counts_as_none() -> None:
    # A page hides a section from a role by leaving its data out; a missing name must not show it.
    assert render("{% if events is not none %}timeline{% endif %}") == ""
    assert render("{% if events is not none %}timeline{% endif %}", events=[]) == "timeline"


def test_a_value_missing_at_any_depth_shows_as_nothing() -> None:
    # An option's cost may carry a per-session figure and no total: `o.cost.total.min` must not break the page.
    assert render("[{{ cost.total.min }}]", cost={"min": 90}) == "[]"
    assert render("{{ cost.total.min|default(cost.min, true) }}", cost={"min": 90}) == "90"


def test_a_dict_key_is_found_before_a_method_of_the_same_name() -> None:
    assert render("{{ d.items }}", d={"items": 3}) == "3"
    assert render("{% for k, v in d.items() %}{{ k }}={{ v }}{% endfor %}", d={"a": 1}) == "a=1"


def test_values_are_escaped() -> None:
    assert render("{{ name }}", name="<script>") == "&lt;script&gt;"


@pytest.mark.parametrize("month", range(1, 13))
def test_day_month_year_is_djangos_j_m_y(month: int) -> None:
    day = date(2026, month, 9)
    assert render('{{ day|date("j M Y") }}', day=day) == dateformat.format(day, "j M Y")


def test_day_month_year_follows_the_active_language() -> None:
    with translation.override("de"):
        assert render('{{ day|date("j M Y") }}', day=date(2026, 3, 9)) == "9 Mär 2026"
    assert render('{{ day|date("j M Y") }}', day=date(2026, 3, 9)) == "9 Mar 2026"


def test_a_time_shows_in_the_practice_time_zone() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    at = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert render('{{ at|date("j M Y, H:i") }}', at=at) == "1 Jul 2026, 00:30"


def test_a_missing_date_shows_nothing() -> None:
    assert render('{{ day|date("j M Y") }}', day=None) == ""


def test_citations_are_numbered_in_order_and_link_to_the_sources() -> None:
    bibliography: dict[str, tuple[int, dict[str, str]]] = {"b": (2, {}), "a": (1, {}), "c": (3, {})}
    shown = render("{{ cite(ids, bibliography) }}", ids=["c", "a", "unknown"], bibliography=bibliography)
    assert shown == '[<a href="#src-a">1</a>, <a href="#src-c">3</a>]'


def test_a_plan_without_known_sources_cites_nothing() -> None:
    assert render("{{ cite(ids, bibliography) }}", ids=["x"], bibliography={}) == ""


def test_a_link_by_public_id_is_the_path_django_reverses() -> None:
    public_id = uuid.uuid4()
    assert render("{{ url('patient', id) }}", id=public_id) == reverse("patient", args=[public_id])
    assert render("{{ url('plan', id) }}", id=public_id) == reverse("plan", args=[public_id])


def test_a_link_by_public_id_keeps_the_script_prefix() -> None:
    # Served under a sub-path (SCRIPT_NAME), the cached route must not hand out the other prefix's paths.
    public_id = uuid.uuid4()
    render("{{ url('patient', id) }}", id=public_id)
    set_script_prefix("/clinic/")
    try:
        assert render("{{ url('patient', id) }}", id=public_id) == f"/clinic/patients/{public_id}/"
    finally:
        set_script_prefix("/")


def test_a_route_without_an_id_still_refuses_one() -> None:
    with pytest.raises(NoReverseMatch):
        render("{{ url('patients', id) }}", id=uuid.uuid4())
