"""The reminders' URLs (included at the site's root by lasercare.site.urls)."""

from django.urls import URLPattern, path

from lasercare.practice.reminders import views

urlpatterns: list[URLPattern] = [
    path("patients/<uuid:public_id>/reminders/", views.patient_reminders, name="patient_reminders"),
    path("reminders/unsubscribe/<str:token>/", views.reminder_unsubscribe, name="reminder_unsubscribe"),
    path("calendar/patient/<str:token>.ics", views.patient_calendar_feed, name="patient_calendar_feed"),
]
