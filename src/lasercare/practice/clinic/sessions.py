"""The two reads every signed-in request makes, its session and its account, each as one plain SQL statement.

Django builds both through the ORM: a `.get()` is compiled anew on every call, and the two compilations were half
of the CPU a signed-in page costs before its own work (4.3 ms of a plan page's 7.8 ms in-process: 2.9M of the
5.8M instructions of the smallest page, docs/performance.md). The statements below are the same queries, written
once; everything around them is Django's (the session's encoding and expiry, the account's check that it is
active, the session's password hash in django.contrib.auth.get_user).

Settings: SESSION_ENGINE = "lasercare.practice.clinic.sessions", AUTHENTICATION_BACKENDS = [StaffBackend].
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    """Django's database sessions (django_session), the session read with one prepared statement."""

    def load(self) -> dict[str, Any]:
        using = router.db_for_read(self.model)
        connection = connections[using]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's: a missing or expired session starts a new one when saved
            return {}
        decoded: dict[str, Any] = self.decode(row[0])
        return decoded


class StaffBackend(ModelBackend):
    """Django's ModelBackend, the account of a session read with a statement written once."""

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        quote = connections[router.db_for_read(model)].ops.quote_name
        key = model._meta.pk.column
        assert key is not None  # a primary key is a column
        statement = f"SELECT * FROM {quote(model._meta.db_table)} WHERE {quote(key)} = %s"
        # raw() maps the columns to the fields and converts their values as a query would.
        found = list(model._default_manager.raw(statement, [user_id]))
        if not found:
            return None
        return found[0] if self.user_can_authenticate(found[0]) else None
