"""The consent pages' URLs (included at the site's root by lasercare.site.urls)."""

from django.urls import URLPattern, path

from lasercare.practice.consent import views

urlpatterns: list[URLPattern] = [
    path("consent/templates/", views.consent_templates, name="consent_templates"),
    path("consent/templates/<str:family>/new/", views.consent_template_new, name="consent_template_new"),
    path("plans/<uuid:public_id>/consent/", views.plan_consent, name="plan_consent"),
    path("plans/<uuid:public_id>/consent/prepare/", views.plan_consent_prepare, name="plan_consent_prepare"),
    path("consents/<uuid:public_id>/", views.consent_detail, name="consent"),
    path("consents/<uuid:public_id>/sign/", views.consent_sign, name="consent_sign"),
    path("consents/<uuid:public_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("consents/<uuid:public_id>/print/", views.consent_print, name="consent_print"),
]
