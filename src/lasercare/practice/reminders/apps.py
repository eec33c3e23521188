from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "lasercare.practice.reminders"
    label = "reminders"
