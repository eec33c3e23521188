from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "lasercare.practice.patients"
    label = "patients"
