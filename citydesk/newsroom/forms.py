from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    """The public site's search box."""

    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        strip=True,
        error_messages={
            "required": _("Type a word or phrase to search for."),
            "max_length": _("The search phrase is too long (at most %(limit_value)d characters)."),
        },
    )


class CorrectionForm(forms.Form):
    what_changed = forms.CharField(
        label=_("What changed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), strip=True
    )
    reason = forms.CharField(label=_("Why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), strip=True)
    send_to_channels = forms.BooleanField(
        label=_("Also send “Correction: …” to the channels that carried the article"), required=False
    )
