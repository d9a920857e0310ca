"""The unsubscribe page: GET asks to confirm (mail scanners open links), POST unsubscribes. Mail
programs' one-click unsubscribe (RFC 8058) POSTs to the same address without a session or CSRF token:
the signed token in the address is the authorisation."""

from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    found = services.read_token(token)
    if found is None:
        return TemplateResponse(request, "mailing/unsubscribe.html", {"invalid": True}, status=400)
    list_id, address = found
    if request.method == "POST":
        services.unsubscribe(list_id=list_id, address=address)
        return TemplateResponse(request, "mailing/unsubscribe.html", {"done": True})
    return TemplateResponse(request, "mailing/unsubscribe.html", {"confirm": True})
