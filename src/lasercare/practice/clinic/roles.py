"""Who may do what: the role x action matrix of docs/security.md, as data.

Views ask `may(user, Action.X)`; the matrix test in tests/web/test_access_matrix.py walks every URL with every
role and checks the answer against this table, so the document, the table and the behaviour cannot drift.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PRACTICE_ADMIN = "practice_admin"
    CLINICIAN = "clinician"
    NURSE = "nurse"
    FRONT_DESK = "front_desk"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.PRACTICE_ADMIN: "Practice admin",
    Role.CLINICIAN: "Clinician",
    Role.NURSE: "Nurse / aesthetician",
    Role.FRONT_DESK: "Front desk",
}


class Action(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_PATIENT_LIST = "view_patient_list"  # names, dates of birth, contact details
    EDIT_PATIENT = "edit_patient"  # demographics and contact
    VIEW_CLINICAL = "view_clinical"  # consultations, history, plans
    RECORD_CONSULTATION = "record_consultation"
    OVERRIDE_PLAN = "override_plan"
    ACCEPT_PLAN = "accept_plan"  # accept or decline for the patient, re-plan
    ANSWER_SAFETY_QUESTION = "answer_safety_question"  # settle a plan's safety question with a note, before booking
    VIEW_AUDIT_LOG = "view_audit_log"
    VIEW_SCHEDULE = "view_schedule"  # the calendars: who is booked when, with which patient
    BOOK_SESSIONS = "book_sessions"  # book, reschedule, cancel, mark a no-show
    BOOK_EARLY = "book_early"  # book before a plan's minimum interval or waiting period, with the reason
    BOOK_OUTSIDE_HOURS = "book_outside_hours"  # book outside opening or working hours, with a note
    PREPARE_CONSENT = "prepare_consent"  # generate a consent from an accepted plan and witness its signing
    MANAGE_CONSENT_TEMPLATES = "manage_consent_templates"
    CHART_SESSION = "chart_session"  # chart and sign a session, add an addendum
    RECORD_ADVERSE_EVENT = "record_adverse_event"
    REVIEW_ADVERSE_EVENT = "review_adverse_event"  # a clinician's review of the plan an adverse event flagged
    RECORD_OUTCOME = "record_outcome"
    INVITE_TO_PORTAL = "invite_to_portal"  # invite a patient to the portal, or close their access
    CONFIGURE_PRACTICE = "configure_practice"  # the admin: locations, staff, price list, clinic policy
    TAKE_PHOTOS = "take_photos"  # upload skin photos, record or withdraw the patient's photo consent
    VIEW_CONSULTATION_REQUESTS = "view_consultation_requests"  # requests sent from the public self-assessment
    MANAGE_REMINDERS = "manage_reminders"  # a patient's e-mail reminders and their preferences
    REVIEW_TRANSLATION = "review_translation"  # record that a language's clinical text is reviewed, for consent


_ALL = frozenset(Role)
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_DASHBOARD: _ALL,
    Action.VIEW_PATIENT_LIST: _ALL,
    Action.EDIT_PATIENT: frozenset({Role.CLINICIAN, Role.NURSE, Role.FRONT_DESK}),
    Action.VIEW_CLINICAL: frozenset({Role.CLINICIAN, Role.NURSE}),
    Action.RECORD_CONSULTATION: frozenset({Role.CLINICIAN, Role.NURSE}),
    Action.OVERRIDE_PLAN: frozenset({Role.CLINICIAN}),
    Action.ACCEPT_PLAN: frozenset({Role.CLINICIAN}),
    Action.ANSWER_SAFETY_QUESTION: frozenset({Role.CLINICIAN}),
    Action.VIEW_AUDIT_LOG: frozenset({Role.PRACTICE_ADMIN}),
    Action.VIEW_SCHEDULE: _ALL,
    Action.BOOK_SESSIONS: frozenset({Role.CLINICIAN, Role.NURSE, Role.FRONT_DESK}),
    Action.BOOK_EARLY: frozenset({Role.CLINICIAN}),
    Action.BOOK_OUTSIDE_HOURS: frozenset({Role.CLINICIAN}),
    Action.PREPARE_CONSENT: frozenset({Role.CLINICIAN, Role.NURSE}),
    Action.MANAGE_CONSENT_TEMPLATES: frozenset({Role.PRACTICE_ADMIN}),
    Action.CHART_SESSION: frozenset({Role.CLINICIAN, Role.NURSE}),
    Action.RECORD_ADVERSE_EVENT: frozenset({Role.CLINICIAN, Role.NURSE}),
    Action.REVIEW_ADVERSE_EVENT: frozenset({Role.CLINICIAN}),
    Action.RECORD_OUTCOME: frozenset({Role.CLINICIAN, Role.NURSE}),
    Action.INVITE_TO_PORTAL: frozenset({Role.CLINICIAN, Role.NURSE, Role.FRONT_DESK}),
    Action.CONFIGURE_PRACTICE: frozenset({Role.PRACTICE_ADMIN}),
    Action.TAKE_PHOTOS: frozenset({Role.CLINICIAN, Role.NURSE}),
    Action.VIEW_CONSULTATION_REQUESTS: frozenset({Role.CLINICIAN, Role.NURSE, Role.FRONT_DESK}),
    Action.MANAGE_REMINDERS: frozenset({Role.CLINICIAN, Role.NURSE, Role.FRONT_DESK}),
    Action.REVIEW_TRANSLATION: frozenset({Role.CLINICIAN}),
}


def role_may(role: Role | str, action: Action) -> bool:
    return role in PERMISSIONS[action]
