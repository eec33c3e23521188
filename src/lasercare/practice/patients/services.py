"""Finding and keeping patient records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from lasercare.practice.clinic.models import Practice
from lasercare.practice.patients.models import Patient
from lasercare.practice.patients.names import name_key, phone_tail

# A key range instead of LIKE: both SQLite and PostgreSQL answer a range on an indexed column from the index,
# whatever the collation, so a prefix search stays fast on 100,000 patients.
_AFTER_EVERYTHING = "\U0010ffff"


@dataclass(frozen=True)
class PatientQuery:
    """What a search box held, read as a date of birth, a phone number or a name."""

    text: str
    birth_date: date | None
    phone_digits: str
    name: str

    @property
    def is_empty(self) -> bool:
        return not (self.birth_date or self.phone_digits or self.name)


def read_query(text: str) -> PatientQuery:
    text = text.strip()[:100]
    birth_date = _birth_date(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    looks_like_phone = birth_date is None and len(digits) >= 4 and not any(ch.isalpha() for ch in text)
    return PatientQuery(
        text=text,
        birth_date=birth_date,
        # A local number's leading zero (or an international 00) is not part of the recorded number's ending.
        phone_digits=digits.lstrip("0") if looks_like_phone else "",
        name="" if birth_date or looks_like_phone else name_key(text),
    )


def _birth_date(text: str) -> date | None:
    """Dates as typed at a desk: 1974-03-21, 21/03/1974, 21.03.1974."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for separator in ("/", ".", "-"):
        parts = text.split(separator)
        if len(parts) == 3 and all(part.isdigit() for part in parts) and len(parts[2]) == 4:
            try:
                return date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                return None
    return None


def _prefix(field: str, prefix: str) -> Q:
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + _AFTER_EVERYTHING})


def search_patients(practice: Practice, query: PatientQuery) -> QuerySet[Patient]:
    patients = Patient.objects.filter(practice=practice)
    if query.birth_date is not None:
        return patients.filter(date_of_birth=query.birth_date).order_by("family_first_key", "pk")
    if query.phone_digits:
        return patients.filter(_prefix("phone_key", phone_tail(query.phone_digits))).order_by("family_first_key", "pk")
    if query.name:
        matches = patients.filter(_prefix("family_first_key", query.name) | _prefix("given_first_key", query.name))
        return matches.order_by("family_first_key", "pk")
    return patients.order_by("family_first_key", "pk")
