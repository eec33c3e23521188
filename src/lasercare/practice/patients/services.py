"""Finding and keeping patient records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import overload

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
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


class NameMatches:
    """The patients whose family-first or given-first name key begins with a name, in family-name order.

    Read as two index range scans merged here, not as one query with an OR: ordered by family name, an OR left both
    databases to either walk the whole practice in name order testing each row (PostgreSQL took 35 ms to find
    'pa', whose family names sit far down the alphabet) or fetch and sort every match (14,000 for one letter). The
    family branch comes in order from its index; the given branch (whose family names are anywhere) is either
    sorted from the index on (practice, given key, family key, id) or, for a short prefix, found by walking the
    family index, whose entries carry the given key; neither reads the table. The page's 25 rows are then read by
    primary key.
    """

    def __init__(self, patients: QuerySet[Patient], name: str) -> None:
        self.patients = patients
        self.family = patients.filter(_prefix("family_first_key", name))
        # Given-name matches whose family name also matches are in the family branch already.
        self.given = patients.filter(_prefix("given_first_key", name)).exclude(_prefix("family_first_key", name))
        self._keys: list[tuple[str, int]] = []
        self._fetched = 0  # _keys is right up to here (or whole when _complete)
        self._complete = False

    def _first(self, count: int) -> list[tuple[str, int]]:
        """The (family key, id) of the first `count` matches in order, from both branches' indexes."""
        if not self._complete and count > self._fetched:
            ordered = ("family_first_key", "pk")
            family = list(self.family.order_by(*ordered).values_list(*ordered)[:count])
            given = list(self.given.order_by(*ordered).values_list(*ordered)[:count])
            # The first `count` of the merged list are right: each branch gave at least its first `count`.
            self._keys = sorted(family + given)
            self._fetched = count
            self._complete = len(family) < count and len(given) < count
        return self._keys[:count]

    def count(self) -> int:
        return self.family.count() + self.given.count()

    def count_upto(self, limit: int) -> int:
        """The number of matches, or limit + 1 when there are more than `limit`. The keys read are kept, so the
        page that follows costs one query by primary key."""
        return len(self._first(limit + 1))

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Patient]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, index: int) -> Patient: ...
    @overload
    def __getitem__(self, index: slice) -> list[Patient]: ...
    def __getitem__(self, index: int | slice) -> Patient | list[Patient]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        keys = self._first(stop)[start:stop]
        found = self.patients.in_bulk([pk for _, pk in keys])
        return [found[pk] for _, pk in keys]


def search_patients(practice_id: int, query: PatientQuery) -> QuerySet[Patient] | NameMatches:
    patients = Patient.objects.filter(practice_id=practice_id)
    if query.birth_date is not None:
        return patients.filter(date_of_birth=query.birth_date).order_by("family_first_key", "pk")
    if query.phone_digits:
        return patients.filter(_prefix("phone_key", phone_tail(query.phone_digits))).order_by("family_first_key", "pk")
    if query.name:
        return NameMatches(patients, query.name)
    return patients.order_by("family_first_key", "pk")


@transaction.atomic
def save_patient(request: HttpRequest | None, patient: Patient) -> Patient:
    """A new or changed patient record and its audit entry, committed together.

    Saved apart, a crash between the two commits kept a patient no audit entry accounted for (an outside probe
    found one after `kill -9` during a burst of new patients)."""
    creating = patient._state.adding
    patient.save()
    action = AuditAction.CREATE if creating else AuditAction.UPDATE
    record(request, action, "patient", patient.public_id, patient_ref=patient.public_id)
    return patient
