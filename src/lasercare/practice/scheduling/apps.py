from django.apps import AppConfig
from django.db.models.signals import post_save


class SchedulingConfig(AppConfig):
    name = "lasercare.practice.scheduling"
    label = "scheduling"

    def ready(self) -> None:
        # The "Ready to book" rows follow every save of a plan or a booking, whoever saves it (ready.py says why).
        from lasercare.practice.consultations.models import TreatmentPlan
        from lasercare.practice.scheduling import ready
        from lasercare.practice.scheduling.models import Booking

        post_save.connect(ready.plan_saved, sender=TreatmentPlan, dispatch_uid="ready_to_book_plan")
        post_save.connect(ready.booking_saved, sender=Booking, dispatch_uid="ready_to_book_booking")
