from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "lasercare.practice.safety"
    label = "safety"
    verbose_name = "Laser safety"
