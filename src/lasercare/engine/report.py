"""The plan as text for people: sections, tables and the sources listed, as `lasercare plan` prints it."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from datetime import timedelta

from .codes import EVIDENCE_LABELS
from .plan import ProtocolStepPlan, TreatmentPlan

_WIDTH = 100
# What the printed plan says after a source that was not confirmed at its publisher (Source.status).
_STATUS_FLAGS = {
    "confirmed": "",
    "mirror": " (seen only as a copy on another site)",
    "unconfirmed": " (citation details not confirmed)",
}


def _wrap(text: str, indent: str = "    ") -> list[str]:
    return textwrap.wrap(text, width=_WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    rows = [list(r) for r in rows]
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = ["  " + line.rstrip(), "  " + "  ".join("-" * w for w in widths)]
    out += ["  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def render_plan(plan: TreatmentPlan) -> str:
    numbers = {source.id: n for n, source in enumerate(plan.sources, start=1)}

    def cite(ids: Iterable[str]) -> str:
        return "".join(f"[{numbers[i]}]" for i in ids if i in numbers)

    out: list[str] = [
        f"lasercare treatment plan, consultation of {plan.consultation_on.isoformat()}",
        f"knowledge {plan.knowledge_version}, clinic policy {plan.policy_version}",
        "Evidence marks: S established, W weaker source, P practice-policy default.",
        "",
        "PHOTOTYPE",
    ]
    p = plan.phototype
    out.append(
        f"  Fitzpatrick {p.label} (from the {p.basis})"
        + (f", questionnaire score {p.questionnaire_score}" if p.questionnaire_score is not None else "")
        + (f", ITA {p.ita_deg:.0f}° ({p.ita_category})" if p.ita_deg is not None else "")
    )
    if p.note:
        out += _wrap(p.note + " " + cite(p.sources))
    if p.disagreement:
        out += _wrap("DISAGREEMENT: " + p.disagreement)

    if plan.medications:
        out += ["", "MEDICATIONS"]
        for m in plan.medications:
            status = "now" if m.current else (f"stopped {m.stopped_on.isoformat()}" if m.stopped_on else "in the past")
            if m.matched:
                out.append(f"  {m.name} ({status}): recognised as {m.matched} -> {', '.join(m.classes)}")
            else:
                out.append(f"  {m.name} ({status}): NOT RECOGNISED, the clinician must review it")

    out += ["", "FINDINGS"]
    if not plan.findings:
        out.append("  None: no contraindication or precaution was found.")
    for f in plan.findings:
        applies = "all modalities" if f.applies_to == ("all",) else ", ".join(f.applies_to)
        out.append(f"  [{f.severity}] {f.code}: {f.name} (evidence {f.evidence}; applies to {applies})")
        out += _wrap(f"Because: {f.because}.")
        out += _wrap(f"Why: {f.rationale} {cite(f.sources)}")
        for adjustment in f.adjustments:
            out += _wrap(f"- {adjustment}", "      ")
        if f.wait_until:
            out += _wrap(f"Wait until {f.wait_until.isoformat()} before treating.")

    out += ["", "ELIGIBLE: " + ("yes" if plan.eligible else "NO, no treatment can be planned safely now")]
    for reason in plan.why_not_eligible:
        out += _wrap(reason)

    if plan.options:
        out += ["", "OPTIONS, best first"]
        out += _table(
            ("#", "modality", "suitability", "treats", "sessions", "interval wk", "downtime d"),
            (
                (
                    str(n),
                    o.modality,
                    o.suitability.replace("_", " "),
                    ", ".join(c.replace("_", " ") for c in o.concerns),
                    str(o.sessions),
                    str(o.interval_weeks),
                    str(o.downtime_days),
                )
                for n, o in enumerate(plan.options, start=1)
            ),
        )
        out.append("")
        for n, o in enumerate(plan.options, start=1):
            out += _wrap(f"{n}. {o.name} ({o.suitability.replace('_', ' ')}): {o.rationale} {cite(o.sources)}", "  ")
            if o.cost is not None:
                out += _wrap(f"Cost estimate: {o.cost.min:,.0f}-{o.cost.max:,.0f} {o.cost.currency}.")

    chosen = plan.chosen
    if plan.course is not None and chosen is not None:
        out += ["", f"COURSE: {chosen.name}"]
        out += _wrap(plan.course.summary, "  ")
        for hold in plan.course.held_back_by:
            out += _wrap(f"Held back until {hold.until.isoformat()} by {hold.reason}.")
        out += [f"  Session {s.session}: not before {s.earliest_on.isoformat()}" for s in plan.schedule]

        def steps(title: str, items: Sequence[ProtocolStepPlan]) -> None:
            out.extend(["", title])
            for s in items:
                when = ""
                if s.on is not None and s.days_before is not None:
                    days = "1 day" if s.days_before == 1 else f"{s.days_before} days"
                    ideal = plan.schedule[0].earliest_on - timedelta(days=s.days_before) if plan.schedule else s.on
                    if ideal < s.on:
                        when = f"from today, {s.on.isoformat()} (ideally {days} before the first session): "
                    else:
                        when = f"{s.on.isoformat()} ({days} before): "
                elif s.for_days is not None and s.days_after is not None:
                    when = f"days {s.days_after} to {s.last_day_after} after: "
                elif s.days_after is not None:
                    when = f"day {s.days_after} after: " if s.days_after else "right after: "
                out.extend(_wrap(f"- {when}{s.text} [{s.evidence}] {cite(s.sources)}", "  "))

        steps("PREPARATION", plan.protocol.preparation)
        steps("DAY OF TREATMENT", plan.protocol.day_of)
        steps("AFTERCARE", plan.protocol.aftercare)
        out += ["", f"RISKS OF {chosen.modality}, with published rates"]
        for r in chosen.risks:
            out += _wrap(f"- {r.effect}: {r.rate} [{r.evidence.level}] {cite(r.evidence.sources)}", "  ")

    if plan.notes:
        out += ["", "NOTES"]
        for note in plan.notes:
            out += _wrap(f"- {note}", "  ")

    out += ["", "SOURCES"]
    for source in plan.sources:
        flag = _STATUS_FLAGS.get(source.status, f" ({source.status})")
        out += _wrap(f"[{numbers[source.id]}] {source.citation} {source.link}{flag}", "  ")
    out += ["", "Evidence levels: " + "; ".join(f"{k} = {v}" for k, v in EVIDENCE_LABELS.items())]
    return "\n".join(out) + "\n"
