from django.apps import AppConfig


class SelfAssessmentConfig(AppConfig):
    name = "lasercare.practice.selfassessment"
    label = "selfassessment"
