"""The scheduling pages' URLs (included at the site's root by lasercare.site.urls)."""

from django.urls import URLPattern, path

from lasercare.practice.scheduling import views

urlpatterns: list[URLPattern] = [
    path("plans/<uuid:public_id>/course/", views.plan_course, name="plan_course"),
    path("plans/<uuid:public_id>/course/book/", views.plan_course_book, name="plan_course_book"),
    path("bookings/<uuid:public_id>/", views.booking_detail, name="booking"),
    path("bookings/<uuid:public_id>/reschedule/", views.booking_reschedule, name="booking_reschedule"),
    path("bookings/<uuid:public_id>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<uuid:public_id>/no-show/", views.booking_no_show, name="booking_no_show"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/day-sheet/", views.calendar_day_sheet, name="calendar_day_sheet"),
    path("calendar/feed/", views.calendar_feed_manage, name="calendar_feed_manage"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
