"""The calendar's periods: which days a day or week view shows and where its previous and next links go. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    view: str  # "day" or "week"
    first: date
    days: int

    @property
    def last(self) -> date:
        return self.first + timedelta(days=self.days - 1)

    @property
    def after(self) -> date:
        """The first day after the period (the end of its time range, excluded)."""
        return self.first + timedelta(days=self.days)

    @property
    def previous(self) -> date:
        return self.first - timedelta(days=self.days)

    @property
    def next(self) -> date:
        return self.after

    def each_day(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]


def period(view: str, day: date) -> Period:
    """The day itself, or the week (Monday to Sunday) that holds it; anything but "day" is a week."""
    if view == "day":
        return Period("day", day, 1)
    return Period("week", day - timedelta(days=day.weekday()), 7)


def read_day(text: str | None, today: date) -> date:
    """The `date` parameter, or today when it is missing or not a date (a bookmark typed wrong is not an error)."""
    if not text:
        return today
    try:
        found = date.fromisoformat(text)
    except ValueError:
        return today
    # Within a century of today: the calendar's time range must stay a valid datetime.
    return found if abs((found - today).days) < 36500 else today
