"""The photo pages' URLs (included at the site's root by lasercare.site.urls)."""

from django.urls import URLPattern, path

from lasercare.practice.photos import views

urlpatterns: list[URLPattern] = [
    path("patients/<uuid:public_id>/photo-consent/", views.photo_consent, name="photo_consent"),
    path("photo-consents/<uuid:public_id>/withdraw/", views.photo_consent_withdraw, name="photo_consent_withdraw"),
    path("consultations/<uuid:public_id>/photos/", views.consultation_photo_new, name="consultation_photo_new"),
    path("bookings/<uuid:public_id>/photos/", views.booking_photo_new, name="booking_photo_new"),
    path("photos/<uuid:public_id>/", views.photo_detail, name="photo"),
    path("photos/<uuid:public_id>/image.jpg", views.photo_image, name="photo_image"),
    path("photos/<uuid:public_id>/overlay.png", views.photo_overlay, name="photo_overlay"),
    path("photos/<uuid:public_id>/analyse/", views.photo_analyse, name="photo_analyse"),
    path("photos/<uuid:public_id>/compare/", views.photo_compare, name="photo_compare"),
]
