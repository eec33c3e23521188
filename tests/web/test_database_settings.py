"""How the app connects to PostgreSQL: the queries it repeats are prepared once per connection."""

from __future__ import annotations

import pytest
from django.db import connection

from lasercare.practice.patients.models import Patient
from lasercare.site import settings as site_settings


def test_postgresql_prepares_the_queries_it_repeats(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://clinic@db.example:5432/lasercare")
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    options = site_settings._databases()["default"]["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": 5}


def test_behind_a_transaction_pooler_prepared_statements_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://clinic@db.example:5432/lasercare")
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    assert site_settings._databases()["default"].get("OPTIONS", {}) == {}


@pytest.mark.django_db
def test_a_query_run_again_on_a_connection_is_planned_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(6):
        list(Patient.objects.filter(practice_id=1, family_first_key__gte="m")[:5])
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("family_first_key" in statement for statement in prepared)
