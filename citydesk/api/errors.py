"""One error shape for every 4xx: {"error": {"code", "message" (Vietnamese), "message_en"}}.

Field errors of invalid input are added as "fields" ({field: [messages]}, in the request's language).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response

MESSAGES = {
    "bad_credentials": _("The API key or token is not valid."),
    "credentials_expired": _("The API key or token has expired or was revoked."),
    "not_authenticated": _("This operation needs an API key or a staff token."),
    "permission_denied": _("Your key or token may not do this."),
    "not_found": _("Not found."),
    "method_not_allowed": _("This method is not allowed here."),
    "not_acceptable": _("The API answers only in JSON."),
    "unsupported_media_type": _("Send JSON (or multipart form data where an image is accepted)."),
    "parse_error": _("The request body could not be read."),
    "invalid": _("The request has invalid fields."),
    "throttled": _("Too many requests. Please wait a minute."),
    "too_large": _("The request is too large."),
}


class ApiError(exceptions.APIException):
    """An error with its own code and bilingual message (a lazy translation)."""

    def __init__(self, code: str, message, *, params: dict | None = None, status_code: int = 400):
        self.status_code = status_code
        self.error_code = code
        self.message, self.params = message, params
        super().__init__(detail=str(message), code=code)


def _both(message, params: dict | None = None) -> tuple[str, str]:
    texts = []
    for language in ("vi", "en"):
        with translation.override(language):
            texts.append(str(message) % params if params else str(message))
    return texts[0], texts[1]


def body(code: str, message, fields: dict | None = None, params: dict | None = None) -> dict:
    vi, en = _both(message, params)
    error = {"code": code, "message": vi, "message_en": en}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _code_of(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.AuthenticationFailed):
        codes = exc.get_codes()
        return codes if isinstance(codes, str) and codes in MESSAGES else "bad_credentials"
    return {
        exceptions.NotAuthenticated: "not_authenticated",
        exceptions.PermissionDenied: "permission_denied",
        exceptions.NotFound: "not_found",
        exceptions.MethodNotAllowed: "method_not_allowed",
        exceptions.NotAcceptable: "not_acceptable",
        exceptions.UnsupportedMediaType: "unsupported_media_type",
        exceptions.ParseError: "parse_error",
        exceptions.Throttled: "throttled",
        exceptions.ValidationError: "invalid",
    }.get(type(exc), "invalid")


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER for the API."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = ApiError("permission_denied", exc.args[0] if exc.args else MESSAGES["permission_denied"], status_code=403)
    elif isinstance(exc, DjangoValidationError):
        exc = ApiError("invalid", " ".join(exc.messages))
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, ApiError):
        data = body(exc.error_code, exc.message, params=exc.params)
    else:
        code = _code_of(exc)
        fields = exc.detail if isinstance(exc, exceptions.ValidationError) else None
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        data = body(code, MESSAGES[code], fields)
    return Response(data, status=exc.status_code, headers=headers)


def not_found(request, *args, **kwargs):
    """Unknown addresses under /api/: the same JSON error, not the site's HTML 404 page."""
    return JsonResponse(body("not_found", MESSAGES["not_found"]), status=404)
