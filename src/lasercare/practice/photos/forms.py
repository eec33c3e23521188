"""The photo pages' forms. What a photo must be (size, format, consent) is checked by the services; a refusal is
shown next to the file field, and the rest of the form keeps what was chosen."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lasercare.practice.photos.models import PhotoScope, PhotoView

ACCEPTED = "image/jpeg,image/png,image/tiff,image/heic,image/heif,.jpg,.jpeg,.png,.tif,.tiff,.heic,.heif"


class UploadForm(forms.Form):
    view = forms.ChoiceField(
        label=_("View"),
        choices=PhotoView.choices,
        initial=PhotoView.FRONTAL,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the view: frontal, left oblique or right oblique.")},
    )
    taken_at = forms.DateTimeField(
        label=_("Taken at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Give the day and time the photo was taken.")},
    )
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
        help_text=_("JPEG, HEIC, PNG or TIFF from the clinic's camera, with the colour chart in the frame."),
        error_messages={
            "required": _("Choose the photo file to upload."),
            "empty": _("The file is empty (0 bytes): choose the photo again."),
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial.setdefault("taken_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean_taken_at(self) -> object:
        taken_at = self.cleaned_data["taken_at"]
        if taken_at > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("A photo cannot be taken in the future."))
        return taken_at


class PhotoConsentForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("The patient agrees to photos for"),
        choices=PhotoScope.choices,
        initial=PhotoScope.CLINICAL,
        widget=forms.RadioSelect,
    )
    confirmed = forms.BooleanField(
        label=_("The patient has been told why the photos are taken, who sees them, and that they may withdraw."),
        error_messages={"required": _("Confirm that the patient was told and agreed.")},
    )


class CompareForm(forms.Form):
    other = forms.UUIDField(label=_("Compare with"))
