"""The portal's URLs (the patient's, under /portal/) and the practice's pages about it."""

from django.urls import URLPattern, path

from lasercare.practice.clinic import views as clinic
from lasercare.practice.portal import booking_views, staff_views, views

urlpatterns: list[URLPattern] = [
    path("portal/", views.home, name="portal_home"),
    path("portal/sign-in/", views.sign_in_page, name="portal_sign_in"),
    path("portal/sign-in/link/", views.send_link, name="portal_send_link"),
    path("portal/sign-in/<str:token>/", views.sign_in_link, name="portal_sign_in_link"),
    path("portal/invitation/<str:token>/", views.invitation, name="portal_invitation"),
    path("portal/sign-out/", views.sign_out_page, name="portal_sign_out"),
    path("portal/password/", views.password, name="portal_password"),
    path("portal/plans/<uuid:public_id>/", views.plan_page, name="portal_plan"),
    path("portal/plans/<uuid:public_id>/handout.pdf", views.handout, name="portal_handout"),
    path("portal/consents/<uuid:public_id>/", views.consent_page, name="portal_consent"),
    path("portal/consents/<uuid:public_id>/question/", views.consent_question, name="portal_consent_question"),
    path("portal/preparation/", views.preparation, name="portal_preparation"),
    path("portal/appointments/", views.appointments, name="portal_appointments"),
    path("portal/appointments/<uuid:public_id>/change/", views.change_appointment, name="portal_change"),
    path("portal/appointments/<uuid:public_id>/move/", booking_views.move, name="portal_move"),
    path("portal/appointments/<uuid:public_id>/cancel/", booking_views.cancel, name="portal_cancel"),
    path("portal/plans/<uuid:public_id>/book/", booking_views.book, name="portal_book"),
    path("portal/aftercare/", views.aftercare, name="portal_aftercare"),
    path("portal/side-effects/", views.report, name="portal_report"),
    path("portal/photos/", views.photos, name="portal_photos"),
    path("portal/calendar/", views.calendar, name="portal_calendar"),
    path("portal/calendar/appointments.ics", views.calendar_file, name="portal_calendar_file"),
    path("portal/reminders/", views.reminders, name="portal_reminders"),
    path("portal/photos/<uuid:public_id>/image.jpg", views.photo_image, {"variant": "photo"}, name="portal_photo"),
    path(
        "portal/photos/<uuid:public_id>/overlay.png",
        views.photo_image,
        {"variant": "overlay"},
        name="portal_photo_overlay",
    ),
    # The practice's side
    path("patients/<uuid:public_id>/portal/invite/", staff_views.invite, name="portal_invite"),
    path("patients/<uuid:public_id>/portal/close/", staff_views.close, name="portal_close"),
    path("change-requests/", clinic.change_requests, name="change_requests"),
    path("change-requests/<uuid:public_id>/", staff_views.change_request, name="change_request"),
    path(
        "change-requests/<uuid:public_id>/handled/", staff_views.change_request_handled, name="change_request_handled"
    ),
    path("side-effect-reports/", clinic.side_effect_reports, name="side_effect_reports"),
    path("side-effect-reports/<uuid:public_id>/", staff_views.side_effect_report, name="side_effect_report"),
    path(
        "side-effect-reports/<uuid:public_id>/reviewed/", staff_views.side_effect_reviewed, name="side_effect_reviewed"
    ),
]
