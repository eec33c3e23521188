from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "lasercare.practice.clinic"
    label = "clinic"
    verbose_name = "Practice configuration"
