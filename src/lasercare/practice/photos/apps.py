from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "lasercare.practice.photos"
    label = "photos"
