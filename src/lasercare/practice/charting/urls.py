"""The charting pages' URLs (included at the site's root by lasercare.site.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
