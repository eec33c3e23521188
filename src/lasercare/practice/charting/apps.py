from django.apps import AppConfig


class ChartingConfig(AppConfig):
    name = "lasercare.practice.charting"
    label = "charting"
