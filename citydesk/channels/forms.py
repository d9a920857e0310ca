from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from citydesk.core.links import is_http_url
from citydesk.core.secrets import SecretUnreadable, masked

from .models import ChannelAccount

SECRET_FIELDS = ("token", "refresh_token", "app_secret")


class ChannelAccountForm(WagtailAdminModelForm):
    """Secrets are write-only: the form never shows them back, an empty field keeps the stored one."""

    token = forms.CharField(
        label=_("Access token"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Page token, OA access token or bot token. Leave empty to keep the stored one."),
    )
    refresh_token = forms.CharField(
        label=_("Refresh token (Zalo)"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    app_secret = forms.CharField(
        label=_("App secret (Zalo)"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            try:
                stored = getattr(self.instance, name, "") if self.instance.pk else ""
            except SecretUnreadable:
                self.fields[name].help_text = _(
                    "The stored value cannot be read with the configured keys: enter it again."
                )
                continue
            if stored:
                self.fields[name].help_text = _("Stored: %(masked)s. Leave empty to keep it.") % {
                    "masked": masked(stored)
                }

    def save(self, commit=True):
        account = super().save(commit=False)
        account.set_secrets(**{name: self.cleaned_data[name] for name in SECRET_FIELDS if self.cleaned_data.get(name)})
        if commit:
            account.save()
            self.save_m2m()
        return account


def _http_only(value: str) -> str:
    if value and not is_http_url(value):  # URLField alone also accepts ftp:// addresses
        raise forms.ValidationError(_("Enter a web address starting with http:// or https://."))
    return value


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    link = forms.URLField(label=_("Link"), max_length=1000, assume_scheme="https")
    image_url = forms.URLField(
        label=_("Image address"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text=_("With an image, Facebook and Telegram get a photo post with the text as its caption."),
    )
    accounts = forms.ModelMultipleChoiceField(
        label=_("Channels"),
        queryset=ChannelAccount.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )

    def clean_link(self):
        return _http_only(self.cleaned_data.get("link"))

    def clean_image_url(self):
        return _http_only(self.cleaned_data.get("image_url"))

    def clean_scheduled_at(self):
        value = self.cleaned_data.get("scheduled_at")
        if value and value < timezone.now() - timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("Choose a time in the future."))
        return value
