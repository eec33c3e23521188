"""The password policy for patients' portal accounts: the one staff passwords follow (AUTH_PASSWORD_VALIDATORS).

Django's similarity validator reads a user's `username`, `first_name`, `last_name` and `email`. A portal account is
not a Django user and keeps the patient's name on the patient record, so this gives the validator those four
under the names it reads. A password like the patient's e-mail address or name is then refused, as for staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.contrib.auth import password_validation
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lasercare.practice.portal.models import PatientAccount


@dataclass(frozen=True)
class _Field:
    verbose_name: str | Promise


class _Fields:
    """What the validator's message calls each attribute ("too similar to the e-mail address")."""

    names: ClassVar[dict[str, str | Promise]] = {
        "username": _("e-mail address"),
        "email": _("e-mail address"),
        "first_name": _("name"),
        "last_name": _("name"),
    }

    def get_field(self, name: str) -> _Field:
        if name not in self.names:
            raise FieldDoesNotExist(name)
        return _Field(self.names[name])


@dataclass(frozen=True)
class PasswordOwner:
    _meta: ClassVar[_Fields] = _Fields()

    username: str
    first_name: str
    last_name: str
    email: str


def password_owner(account: PatientAccount) -> PasswordOwner:
    patient = account.patient
    return PasswordOwner(account.email, patient.given_names, patient.family_name, account.email)


def password_problems(account: PatientAccount, password: str) -> list[str]:
    """What is wrong with this new password for this account: nothing when it may be used."""
    try:
        password_validation.validate_password(password, user=password_owner(account))  # type: ignore[arg-type]
    except ValidationError as error:
        return list(error.messages)
    return []
