"""The laser-safety pages' URLs (included at the site's root by lasercare.site.urls)."""

from django.urls import URLPattern, path

from lasercare.practice.safety import views

urlpatterns: list[URLPattern] = [
    path("laser-safety/", views.laser_safety, name="laser_safety"),
    path("devices/<uuid:public_id>/laser-safety/", views.device_safety, name="device_safety"),
    path("devices/<uuid:public_id>/laser-safety/sign.pdf", views.device_sign, name="device_sign"),
    path("charts/<uuid:public_id>/eyewear-override/", views.eyewear_override, name="eyewear_override"),
]
