from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "lasercare.practice.consultations"
    label = "consultations"
