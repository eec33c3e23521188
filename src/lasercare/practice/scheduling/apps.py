from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "lasercare.practice.scheduling"
    label = "scheduling"
