from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from citydesk.core.images import clean_image


class TipForm(forms.Form):
    """Ask the office whether something is true. Only text, link or image is needed; contact is optional."""

    text = forms.CharField(
        label=_("What did you read or hear?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Paste the message or describe it in your own words."),
    )
    url = forms.URLField(label=_("Link (if any)"), required=False, max_length=1000, assume_scheme="https")
    image = forms.FileField(
        label=_("Photo or screenshot (if any)"),
        required=False,
        help_text=_(
            "JPEG, PNG, WebP, GIF or HEIC, at most 10 MB. We remove the photo's hidden data (location, device)."
        ),
    )
    email = forms.EmailField(
        label=_("Your e-mail, if you want the answer (optional)"),
        required=False,
        max_length=200,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the office keeps my e-mail address only to send me the answer; it is erased after 30 days."
        ),
        required=False,
    )
    # Honeypot: hidden from people by CSS; bots fill every field.
    website = forms.CharField(label=_("Leave this empty"), required=False)

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        if upload.size > settings.CITYDESK_TIP_MAX_IMAGE_BYTES:
            raise ValidationError(_("The image is too large (at most %(mb)d MB).") % {"mb": 10})
        return clean_image(upload.read())

    def clean(self):
        data = super().clean()
        if not (data.get("text", "").strip() or data.get("url") or data.get("image")) and not self.errors:
            raise ValidationError(_("Write the message, paste a link or attach a photo."))
        if data.get("email") and not data.get("consent"):
            self.add_error("consent", _("Tick this box so that we may write to you, or leave the e-mail empty."))
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))
