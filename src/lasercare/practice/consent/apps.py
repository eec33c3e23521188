from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "lasercare.practice.consent"
    label = "consent"
