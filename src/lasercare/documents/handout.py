"""The patient's personalised handout: their plan in plain words, as HTML and then as a PDF.

Three steps, each testable on its own:

- `handout_context` turns the stored plan document (a dict), the chosen treatment and the course's booked days into
  what the handout says. No Django here. Every clinical figure (sessions, intervals, downtime, risks with their
  rates, preparation days, aftercare days) comes from the plan document, in its patient voice (the plain-language
  texts of the knowledge base, engine/patient_voice.py); the handout only counts dates from the first session: the
  booked day when session 1 is booked, else the plan's schedule.
- `handout_html` renders it with the handout's own Jinja2 environment (templates in this package's jinja2/ folder),
  print CSS included (A4, DejaVu fonts, the practice's name and page numbers in the margins).
- `render_pdf` lays the HTML out with WeasyPrint. WeasyPrint loads Pango when imported, so it is imported there,
  and it fetches nothing: the handout has no external resources and a link in a source is only a link.

`handout_for_plan` gathers the plan's patient, practice and bookings from the database for the first step.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from lasercare.engine.knowledge_base import load_knowledge
from lasercare.engine.patient_voice import glossary_for, patient_document
from lasercare.engine.serialize import patient_bibliography
from lasercare.practice.consent.document import EVIDENCE_WORDS, course_sessions, findings_for
from lasercare.practice.scheduling import rules
from lasercare.practice.scheduling.session_dates import SessionDate, session_dates
from lasercare.practice.selfassessment.knowledge_text import filled_text, kb, step_templates
from lasercare.web.dates import show_date

if TYPE_CHECKING:
    from lasercare.practice.clinic.contact import Contact
    from lasercare.practice.consultations.models import TreatmentPlan


# What a plan's status means for the person reading its handout; an accepted plan needs no words.
STATUS_WORDS = {
    "draft": gettext_lazy("This plan is a draft: your clinician has not yet reviewed it with you."),
    "proposed": gettext_lazy(
        "This plan is proposed: it becomes your treatment once you and your clinician agree to it."
    ),
    "declined": gettext_lazy("This plan was declined: it is not a treatment you are having."),
    "superseded": gettext_lazy(
        "This plan has been replaced by a newer one: ask the practice for your current handout."
    ),
}


def day_words(day: date) -> str:
    """ "Fri 4 Dec 2026" ("vie 4 dic 2026"): a date no reader mistakes, whatever their country's order of day and
    month. The names of days and months are the reader's language's."""
    return show_date(day, "D j M Y")


def _span(value: Mapping[str, Any] | None, unit: str) -> str:
    """ "3 to 4 weeks", "1 day": a range of the plan document in the reader's language (`unit`: "week" or "day")."""
    if not value:
        return ""
    low, high = int(value["min"]), int(value["max"])
    if unit == "week":
        if low == high:
            return ngettext("%(num)d week", "%(num)d weeks", low) % {"num": low}
        return gettext("%(low)d to %(high)d weeks") % {"low": low, "high": high}
    if low == high:
        return ngettext("%(num)d day", "%(num)d days", low) % {"num": low}
    return gettext("%(low)d to %(high)d days") % {"low": low, "high": high}


def _step_text(step: Mapping[str, Any]) -> str:
    """A step's patient text in the reader's language: the knowledge base's translation of its template, filled
    with the plan's own values (knowledge_text.filled_text)."""
    return filled_text(str(step["text"]), step_templates().get(str(step.get("id", "")), ""))


def _days(count: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


class _Citations:
    """Numbers the plan's sources in the order the handout first cites them; only those cited are listed.

    Only the sources a patient may see are numbered and listed (`patient_bibliography`: confirmed at the publisher,
    and no clinic's or manufacturer's page); a statement whose only sources are others carries no number.
    """

    def __init__(self, bibliography: Iterable[Mapping[str, Any]]) -> None:
        self._entries = {str(entry["id"]): entry for entry in patient_bibliography(bibliography)}
        self._numbers: dict[str, int] = {}

    def cite(self, ids: Iterable[str]) -> list[int]:
        numbers = []
        for source in ids:
            if source not in self._entries:
                continue
            number = self._numbers.setdefault(source, len(self._numbers) + 1)
            if number not in numbers:
                numbers.append(number)
        return sorted(numbers)

    def listed(self) -> list[dict[str, Any]]:
        return [
            {
                "number": number,
                "citation": self._entries[source]["citation"],
                "link": self._entries[source].get("link", ""),
            }
            for source, number in self._numbers.items()
        ]


def _session_dates(
    document: Mapping[str, Any],
    modality: str,
    sessions: int,
    booked: Mapping[int, datetime],
    held: Collection[int],
    today: date,
) -> tuple[SessionDate, ...]:
    """Each session held, booked, or not before the earliest day it can now be (scheduling/session_dates.py, as
    the portal dates them)."""
    course = replace(rules.course_of(document, modality), sessions=sessions)
    return session_dates(
        course,
        held={n: at.date() for n, at in booked.items() if n in held},
        booked={n: at.date() for n, at in booked.items() if n not in held},
        today=today,
    )


def _schedule(dates: Iterable[SessionDate], booked: Mapping[int, datetime]) -> list[dict[str, Any]]:
    rows = []
    for entry in dates:
        row: dict[str, Any] = {"session": entry.session, "state": entry.state, "when": ""}
        if entry.state == "booked":
            at = booked[entry.session]
            row["when"] = f"{day_words(at.date())}, {at:%H:%M}"
        elif entry.on is not None:
            row["when"] = day_words(entry.on)
        rows.append(row)
    return rows


def _preparation(
    steps: Iterable[Mapping[str, Any]], first: date | None, consultation_on: date | None, citations: _Citations
) -> list[dict[str, Any]]:
    """The preparation steps with the day each starts: `days_before` counted back from the first session, and
    never before the consultation (as the engine dates them: a step due earlier starts at once)."""
    shown = []
    for step in steps:
        when = ""
        on: date | None = None
        before = step.get("days_before")
        if before is not None and first is not None:
            ideal = first - timedelta(days=int(before))
            on = max(ideal, consultation_on) if consultation_on is not None else ideal
            words = {"day": day_words(on), "days": _days(int(before))}
            if on > ideal:
                when = gettext("From %(day)s (ideally %(days)s before your first session)") % words
            else:
                when = gettext("From %(day)s (%(days)s before your first session)") % words
        elif before is not None:
            when = gettext("%(days)s before your first session") % {"days": _days(int(before))}
        shown.append(
            {
                "when": when,
                "on": on,
                "text": step["text"],
                "id": step.get("id", ""),
                "sources": citations.cite(step.get("sources", [])),
            }
        )
    return shown


def _aftercare(steps: Iterable[Mapping[str, Any]], citations: _Citations) -> list[dict[str, Any]]:
    shown = []
    for step in steps:
        after = step.get("days_after")
        lasts = step.get("for_days")
        if after is None:
            when = ""
        elif lasts and int(lasts) > 1:
            # A step that lasts days ("for 7 days") is on each of them, not on its last only.
            last = int(after) + int(lasts) - 1
            when = gettext("Days %(first)d to %(last)d after each session") % {"first": int(after), "last": last}
        elif not after:
            when = gettext("Right after each session")
        else:
            when = gettext("Day %(day)d after each session") % {"day": after}
        shown.append(
            {
                "when": when,
                "text": step["text"],
                "id": step.get("id", ""),
                "sources": citations.cite(step.get("sources", [])),
            }
        )
    return shown


def _plain(steps: Iterable[Mapping[str, Any]], citations: _Citations) -> list[dict[str, Any]]:
    return [
        {"when": "", "text": s["text"], "id": s.get("id", ""), "sources": citations.cite(s.get("sources", []))}
        for s in steps
    ]


def handout_context(
    document: Mapping[str, Any],
    chosen: str | None,
    *,
    patient_name: str,
    practice_name: str,
    prepared_on: date,
    status: str = "accepted",
    booked: Mapping[int, datetime] | None = None,
    held: Collection[int] = frozenset(),
    today: date | None = None,
    concern_names: Mapping[str, str] | None = None,
    contact: Contact | None = None,
) -> dict[str, Any]:
    """What the handout says. `booked`: the course's active bookings, session number to local start time; `held`:
    those of them already given; `today` (the day it is prepared when not given) dates the sessions not booked.

    The plan's course, schedule and protocol were made for the engine's first suitable option; when the clinician
    chose another, the handout gives that option's published course and risks, and no preparation or aftercare
    written for a different treatment.
    """
    booked = dict(booked or {})
    concern_names = concern_names or {}
    # The patient's words for every clinical text (engine/patient_voice.py): a plan stored before the patient voice
    # takes them from the knowledge base by id.
    document = patient_document(document)
    citations = _Citations(document.get("bibliography", []))
    consultation_on = date.fromisoformat(document["consultation_on"]) if document.get("consultation_on") else None
    context: dict[str, Any] = {
        "practice_name": practice_name,
        # How to reach the practice (lasercare.practice.clinic.contact.Contact): the "Questions or worries" section
        # gives its number, as a link on screen.
        "contact": contact,
        "patient_name": patient_name,
        "prepared_on": day_words(prepared_on),
        "consultation_on": day_words(consultation_on) if consultation_on else "",
        "status_words": str(STATUS_WORDS.get(status, "")),
        "treatment": None,
        "not_eligible": list(document.get("why_not_eligible", [])) if not document.get("eligible", True) else [],
        "notes": list(document.get("notes", [])),
        "glossary": [],
    }
    option = next((o for o in document.get("options", []) if o.get("modality") == chosen), None)
    if option is None:
        context["sources"] = citations.listed()
        return _in_reader_language(context)

    course = document.get("course") or {}
    is_engine_course = course.get("modality") == option["modality"]
    sessions = course_sessions(dict(document), dict(option))
    dates = _session_dates(document, option["modality"], sessions, booked, held, today or prepared_on)
    if not document.get("eligible", True):
        # No course is proposed to a patient the plan finds not eligible: no day is suggested for one.
        dates = tuple(d if d.state != "not_booked" else replace(d, on=None) for d in dates)
    first = dates[0].on if dates else None

    context["treatment"] = {
        "name": option["name"],
        "sources": citations.cite(option.get("sources", [])),
        "treats": [
            {"concern": concern_names.get(c["concern"], c["concern"].replace("_", " ")), "benefit": c["benefit"]}
            for c in option.get("coverage", [])
        ],
        "sessions": sessions,
        "interval": _span(option.get("interval_weeks"), "week"),
        "downtime": _span(option.get("downtime_days"), "day"),
    }
    context["first_session"] = day_words(first) if first else ""
    context["first_session_booked"] = 1 in booked
    context["schedule"] = _schedule(dates, booked)
    context["held_back_by"] = (
        [{"reason": h["reason"], "until": day_words(date.fromisoformat(h["until"]))} for h in course["held_back_by"]]
        # What held the first session back means nothing once it has been given.
        if is_engine_course and course.get("held_back_by") and not (dates and dates[0].state == "held")
        else []
    )
    context["protocol_applies"] = is_engine_course
    protocol = (document.get("protocol") or {}) if is_engine_course else {}
    context["preparation"] = _preparation(protocol.get("preparation", []), first, consultation_on, citations)
    context["day_of"] = _plain(protocol.get("day_of", []), citations)
    context["aftercare"] = _aftercare(protocol.get("aftercare", []), citations)
    context["findings"] = [
        {
            "name": f["name"],
            "adjustments": f["adjustments"],
            "wait_until": day_words(date.fromisoformat(f["wait_until"])) if f.get("wait_until") else "",
        }
        for f in findings_for(dict(document), option["modality"])
    ]
    context["risks"] = [
        {
            "effect": risk["effect"],
            "rate": risk.get("rate", ""),
            "lasts": risk.get("lasts", ""),
            "what_to_do": risk.get("what_to_do", ""),
            "evidence_words": EVIDENCE_WORDS.get(risk.get("evidence", ""), gettext("not stated")),
            "sources": citations.cite(risk.get("sources", [])),
        }
        for risk in option.get("risks", [])
    ]
    context["sources"] = citations.listed()
    context["glossary"] = _glossary(context)
    return _in_reader_language(context)


# How much a treatment does for a concern (the plan's `benefit`), said inside "(%(benefit)s benefit)".
_BENEFIT = {
    "strong": pgettext_lazy("benefit", "strong"),
    "moderate": pgettext_lazy("benefit", "moderate"),
    "modest": pgettext_lazy("benefit", "modest"),
}


def _hold_reason(reason: str) -> str:
    """What holds the first session back (engine/patient_voice.py's words) in the reader's language."""
    if reason.startswith("a waiting period (") and reason.endswith(")"):
        return gettext("a waiting period (%(name)s)") % {"name": kb(reason[len("a waiting period (") : -1])}
    return kb(reason)


def _in_reader_language(context: dict[str, Any]) -> dict[str, Any]:
    """The plan's clinical texts (in English in the plan document) in the reader's language, where the catalogue has
    them: after the glossary, which finds its terms in the English."""
    treatment = context.get("treatment")
    if treatment:
        treatment["name"] = kb(treatment["name"])
        treatment["treats"] = [
            {**t, "benefit": str(_BENEFIT.get(t["benefit"], t["benefit"]))} for t in treatment["treats"]
        ]
    for part in ("preparation", "day_of", "aftercare"):
        context[part] = [{**step, "text": _step_text(step)} for step in context.get(part, [])]
    context["findings"] = [
        {**f, "name": kb(f["name"]), "adjustments": [kb(a) for a in f["adjustments"]]}
        for f in context.get("findings", [])
    ]
    context["risks"] = [
        {**r, **{key: kb(r[key]) for key in ("effect", "rate", "lasts", "what_to_do", "evidence_words")}}
        for r in context.get("risks", [])
    ]
    context["held_back_by"] = [{**h, "reason": _hold_reason(h["reason"])} for h in context.get("held_back_by", [])]
    context["notes"] = [kb(n) for n in context.get("notes", [])]
    context["not_eligible"] = [kb(r) for r in context.get("not_eligible", [])]
    context["glossary"] = [{"term": kb(g["term"]), "means": kb(g["means"])} for g in context.get("glossary", [])]
    return context


def _glossary(context: Mapping[str, Any]) -> list[dict[str, str]]:
    """The glossary's terms (engine/knowledge/glossary.toml) that the handout's own texts use."""
    treatment = context.get("treatment") or {}
    said = [str(treatment.get("name", "")), *context.get("notes", [])]
    for part in ("preparation", "day_of", "aftercare"):
        said += [str(step["text"]) for step in context.get(part, [])]
    said += [t for f in context.get("findings", []) for t in (f["name"], *f["adjustments"])]
    said += [str(r[k]) for r in context.get("risks", []) for k in ("effect", "rate", "lasts", "what_to_do")]
    return [{"term": t.term, "means": t.means} for t in glossary_for(said, load_knowledge().glossary)]


_environment = Environment(
    loader=PackageLoader("lasercare.documents", "jinja2"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)
# The handout is patient-facing text: translated with Django's catalogue, as the portal's pages are.
_environment.install_gettext_callables(  # type: ignore[attr-defined]
    translation.gettext, translation.ngettext, newstyle=True
)


def handout_html(context: Mapping[str, Any]) -> str:
    return _environment.get_template("documents/handout.html").render(**context)


def plan_body_html(context: Mapping[str, Any]) -> Markup:
    """The plan's sections as the handout has them, for a web page (the patient portal's plan page)."""
    return Markup(_environment.get_template("documents/_plan_body.html").render(**context))


def render_pdf(html: str) -> bytes:
    """The handout's HTML laid out as an A4 PDF. No URL is fetched: every protocol is refused."""
    HTML, URLFetcher = _weasyprint()  # noqa: N806 - WeasyPrint's class names
    pdf: bytes = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
    return pdf


def _weasyprint() -> tuple[Any, Any]:
    """WeasyPrint, imported when a PDF is first made (it loads Pango).

    Importing it sets Pillow's process-wide `ImageFile.LOAD_TRUNCATED_IMAGES`, after which Pillow pads a truncated
    photo with grey instead of refusing it: the photo analysis (lasercare.imaging.loading) would then accept a broken
    upload in any server process that had made a handout. The handout draws no image, so the flag is put back."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        from weasyprint import HTML, URLFetcher
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML, URLFetcher


def handout_for_plan(plan: TreatmentPlan, *, prepared_on: date) -> dict[str, Any]:
    """`handout_context` for a stored plan: its patient, practice, chosen treatment and active bookings."""
    from django.utils import timezone

    from lasercare.practice import labels
    from lasercare.practice.clinic.contact import contact_for
    from lasercare.practice.consultations.services import chosen_modality
    from lasercare.practice.scheduling.models import ACTIVE_STATUSES, Booking, BookingStatus

    bookings = (
        Booking.objects.filter(plan=plan, status__in=ACTIVE_STATUSES, session_number__isnull=False)
        .order_by("session_number", "starts_at")
        .values_list("session_number", "starts_at", "status")
    )
    booked: dict[int, datetime] = {}
    held: set[int] = set()
    for session, starts_at, status in bookings:
        if session is not None and session not in booked:
            booked[session] = timezone.localtime(starts_at)
            if status == BookingStatus.COMPLETED:
                held.add(session)
    return handout_context(
        plan.document,
        chosen_modality(plan),
        patient_name=plan.patient.full_name,
        practice_name=plan.practice.name,
        prepared_on=prepared_on,
        status=plan.status,
        booked=booked,
        held=held,
        concern_names={code: str(name) for code, name in labels.PATIENT_CONCERNS.items()},
        contact=contact_for(plan.practice),
    )
