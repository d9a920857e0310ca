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
