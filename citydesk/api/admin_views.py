"""Partner API keys in the Wagtail admin: unit admins list, make (the key shown once) and revoke them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import services
from .models import PartnerKey, PartnerScope


class PartnerKeyForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=None)
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=PartnerScope.choices, widget=forms.CheckboxSelectMultiple
    )
    contact_email = forms.EmailField(label=_("contact e-mail"))
    rate_limit = forms.IntegerField(label=_("requests per minute"), min_value=1, max_value=10000, initial=60)
    expires_at = forms.DateTimeField(
        label=_("expires"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = services.units_managed_by(user)


def _require(request):
    if not (request.user.is_superuser or request.user.has_perm("api.view_partnerkey")):
        raise PermissionDenied


def key_list(request):
    _require(request)
    keys = PartnerKey.objects.filter(unit__in=services.units_managed_by(request.user)).select_related("unit")
    return render(
        request, "api/admin/keys.html", {"keys": keys, "can_add": request.user.has_perm("api.add_partnerkey")}
    )


def key_new(request):
    _require(request)
    if not request.user.has_perm("api.add_partnerkey"):
        raise PermissionDenied
    form = PartnerKeyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        key, value = services.partner_key_create(actor=request.user, **form.cleaned_data)
        # Shown once, in this answer only: only its hash is stored.
        return render(request, "api/admin/key_created.html", {"key": key, "value": value})
    return render(request, "api/admin/key_new.html", {"form": form})


@require_POST
def key_revoke(request, pk: int):
    _require(request)
    key = get_object_or_404(PartnerKey, pk=pk, unit__in=services.units_managed_by(request.user))
    if not request.user.has_perm("api.change_partnerkey"):
        raise PermissionDenied
    services.partner_key_revoke(key=key, actor=request.user)
    messages.success(request, _("The key was revoked."))
    return redirect("api_keys")
