"""The charting pages' URLs (included at the site's root by lasercare.site.urls)."""

from django.urls import URLPattern, path

from lasercare.practice.charting import views

urlpatterns: list[URLPattern] = [
    path("plans/<uuid:public_id>/charts/", views.plan_charts, name="plan_charts"),
    path("plans/<uuid:public_id>/charts/new/", views.chart_new, name="chart_new"),
    path("plans/<uuid:public_id>/charts/check/", views.chart_check, name="chart_check"),
    path("charts/<uuid:public_id>/", views.chart_detail, name="chart"),
    path("charts/<uuid:public_id>/edit/", views.chart_edit, name="chart_edit"),
    path("charts/<uuid:public_id>/sign/", views.chart_sign, name="chart_sign"),
    path("charts/<uuid:public_id>/addendum/", views.chart_addendum, name="chart_addendum"),
    path("plans/<uuid:public_id>/adverse-events/new/", views.adverse_event_new, name="adverse_event_new"),
    path("adverse-events/<uuid:public_id>/", views.adverse_event_detail, name="adverse_event"),
    path("adverse-events/<uuid:public_id>/review/", views.adverse_event_review, name="adverse_event_review"),
    path("adverse-events/<uuid:public_id>/resolve/", views.adverse_event_resolve, name="adverse_event_resolve"),
    path("plans/<uuid:public_id>/outcomes/new/", views.outcome_new, name="outcome_new"),
    path("outcomes/<uuid:public_id>/", views.outcome_detail, name="outcome"),
]
