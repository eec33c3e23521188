from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from lasercare.documents.views import plan_handout
from lasercare.practice.audit_log.views import audit_log, audit_log_export
from lasercare.practice.clinic import views as clinic
from lasercare.practice.consultations import views as consultations
from lasercare.practice.patients import views as patients
from lasercare.site.views import front_door, health

admin.site.site_header = "lasercare: practice configuration"
admin.site.site_title = "lasercare configuration"
admin.site.index_title = "Practice configuration"

urlpatterns = [
    # The front door: a logged-in member of staff has their dashboard there (front_door says why).
    path("", front_door, name="dashboard"),
    path("", front_door, name="front_door"),
    path("today/", clinic.todays_patients, name="todays_patients"),
    path("follow-ups/", clinic.follow_ups_due, name="follow_ups_due"),
    path("plans/awaiting/", clinic.awaiting_sign_off, name="awaiting_sign_off"),
    path("sessions/today/", clinic.todays_sessions, name="todays_sessions"),
    path("sessions/ready-to-book/", clinic.ready_to_book, name="ready_to_book"),
    path("adverse-events/awaiting-review/", clinic.adverse_events_to_review, name="adverse_events_to_review"),
    path("translations/", clinic.translation_reviews, name="translation_reviews"),
    path("login/", clinic.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Templates of their own: django.contrib.admin's registration/password_change_*.html would shadow ours.
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="account/password_change.html"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="account/password_change_done.html"),
        name="password_change_done",
    ),
    path("patients/", patients.patient_list, name="patients"),
    path("patients/new/", patients.patient_new, name="patient_new"),
    path("patients/<uuid:public_id>/", patients.patient_detail, name="patient"),
    path("patients/<uuid:public_id>/edit/", patients.patient_edit, name="patient_edit"),
    path("patients/<uuid:public_id>/consultations/new/", consultations.consultation_new, name="consultation_new"),
    path(
        "patients/<uuid:public_id>/consultations/preview/",
        consultations.consultation_preview,
        name="consultation_preview",
    ),
    path("consultations/<uuid:public_id>/", consultations.consultation_detail, name="consultation"),
    path("plans/<uuid:public_id>/", consultations.plan_detail, name="plan"),
    path("plans/<uuid:public_id>/print/", consultations.plan_print, name="plan_print"),
    path("plans/<uuid:public_id>/handout.pdf", plan_handout, name="plan_handout"),
    path("plans/<uuid:public_id>/override/", consultations.plan_override, name="plan_override"),
    path("plans/<uuid:public_id>/propose/", consultations.plan_propose, name="plan_propose"),
    path("plans/<uuid:public_id>/accept/", consultations.plan_accept, name="plan_accept"),
    path("plans/<uuid:public_id>/decline/", consultations.plan_decline, name="plan_decline"),
    path("plans/<uuid:public_id>/replan/", consultations.plan_replan, name="plan_replan"),
    path("plans/<uuid:public_id>/safety/answer/", consultations.plan_answer_safety, name="plan_answer_safety"),
    path("", include("lasercare.practice.scheduling.urls")),
    path("", include("lasercare.practice.consent.urls")),
    path("", include("lasercare.practice.charting.urls")),
    path("", include("lasercare.practice.portal.urls")),
    # The language switch of the patient and public pages: Django's view, which keeps the choice in a cookie.
    path("language/", set_language, name="set_language"),
    path("", include("lasercare.practice.photos.urls")),
    path("", include("lasercare.practice.selfassessment.urls")),
    path("", include("lasercare.practice.reminders.urls")),
    path("", include("lasercare.practice.safety.urls")),
    path("audit/", audit_log, name="audit_log"),
    path("audit/export.csv", audit_log_export, name="audit_log_export"),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
]

handler400 = "lasercare.site.views.bad_request"
handler403 = "lasercare.site.views.forbidden"
handler404 = "lasercare.site.views.not_found"
handler500 = "lasercare.site.views.server_error"
