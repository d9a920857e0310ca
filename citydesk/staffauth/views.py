"""Two-factor screens in the Wagtail admin (thin: services do the work) and the lockout page."""

from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import CodeForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else reverse("wagtailadmin_home")


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = BytesIO()
    image.save(out)
    return out.getvalue().decode()


@never_cache
def overview(request):
    """Status of one's second factor: set up or not, recovery codes left, a new set of codes."""
    return render(
        request,
        "staffauth/overview.html",
        {
            "has_app": services.has_second_factor(user=request.user),
            "required": services.second_factor_required(user=request.user),
            "codes_left": services.remaining_recovery_codes(user=request.user),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request):
    """Show a new secret (QR code, otpauth URI, the secret itself); a code from the app confirms it."""
    device = services.pending_app_device(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_app_device(request=request, token=form.cleaned_data["code"])
        if codes is not None:
            context = {"codes": codes, "continue_url": _next(request)}
            return render(request, "staffauth/recovery_codes.html", context)
        form.add_error("code", _("This code is not right. Check the time on your phone and try the newest code."))
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    context = {"form": form, "uri": device.config_url, "secret": secret, "qr": _qr_svg(device.config_url)}
    context["next_url"] = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "staffauth/setup.html", context, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """The step after the password: a code from the app or a recovery code."""
    if not services.has_second_factor(user=request.user):
        return redirect("staffauth_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify(request=request, token=form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", _("This code is not right, or it was already used. Wait for a new code and try again."))
    context = {"form": form, "next_url": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "staffauth/verify.html", context, status=400 if form.errors else 200)


@require_POST
def recovery_codes(request):
    """A new set of recovery codes (the old ones stop working); only in a verified session."""
    if not request.user.is_verified():
        return redirect("staffauth_verify")
    codes = services.new_recovery_codes(user=request.user)
    messages.success(request, _("New recovery codes were made; the old ones no longer work."))
    context = {"codes": codes, "continue_url": reverse("staffauth_overview")}
    return render(request, "staffauth/recovery_codes.html", context)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a username from one address failed too often (HTTP 429)."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return TemplateResponse(request, "staffauth/locked_out.html", {"minutes": minutes}, status=429).render()
