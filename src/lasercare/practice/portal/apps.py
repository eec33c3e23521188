from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lasercare.practice.portal"
    label = "portal"
    verbose_name = "Patient portal"
