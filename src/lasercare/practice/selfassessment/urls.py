"""The public pages' and the front desk's request pages' URLs (included at the site's root by lasercare.site.urls).

A practice is named by its opaque public id; answers never appear in a URL (the self-assessment is POSTed)."""

from django.urls import URLPattern, path

from lasercare.practice.selfassessment import views

urlpatterns: list[URLPattern] = [
    path("learn/", views.learn_index, name="learn"),
    path("learn/treatments/<slug:modality>/", views.learn_treatment, name="learn_treatment"),
    path("learn/<slug:topic>/", views.learn_topic, name="learn_topic"),
    path("self-assessment/", views.self_assessment_start, name="self_assessment_start"),
    path("self-assessment/<uuid:practice>/", views.self_assessment, name="self_assessment"),
    path("self-assessment/<uuid:practice>/result/", views.self_assessment_result, name="self_assessment_result"),
    path("self-assessment/<uuid:practice>/request/", views.consultation_request_send, name="consultation_request_send"),
    path("self-assessment/<uuid:practice>/sent/", views.consultation_request_sent, name="consultation_request_sent"),
    path("consultation-requests/", views.consultation_requests, name="consultation_requests"),
    path("consultation-requests/<uuid:public_id>/", views.consultation_request_detail, name="consultation_request"),
    path(
        "consultation-requests/<uuid:public_id>/status/",
        views.consultation_request_status,
        name="consultation_request_status",
    ),
]
