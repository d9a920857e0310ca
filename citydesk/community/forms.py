"""Forms of the community space; the services clean and check again."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from citydesk.core.images import clean_image

from .models import ModerationCategory

MAX_PHOTO = 10 * 1024 * 1024


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail"))
    display_name = forms.CharField(
        label=_("Name shown to other readers"), max_length=60, required=False, help_text=_("Only the first time")
    )


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    text = forms.CharField(
        label=_("Your story"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    place = forms.CharField(label=_("Place"), max_length=150, required=False)
    photo = forms.FileField(label=_("Photo (at most 10 MB)"), required=False)
    consent = forms.BooleanField(label=_("I agree that the office publishes my story and photo with my display name"))

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        if upload.size > MAX_PHOTO:
            raise ValidationError(_("The photo is too large (at most 10 MB)."))
        return clean_image(upload.read())


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FlagForm(forms.Form):
    category = forms.ChoiceField(label=_("Why"), choices=ModerationCategory.choices)


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why the decision should change"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("approve", "reject", "hide", "escalate", "feature")])
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *ModerationCategory.choices], required=False)
    public_reason = forms.CharField(label=_("Reason shown to the author"), max_length=500, required=False)


class AvatarForm(forms.Form):
    avatar = forms.FileField(label=_("Avatar (optional, at most 10 MB)"))

    def clean_avatar(self):
        upload = self.cleaned_data["avatar"]
        if upload.size > MAX_PHOTO:
            raise ValidationError(_("The photo is too large (at most 10 MB)."))
        return clean_image(upload.read())
