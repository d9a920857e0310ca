"""/healthz (the process answers), /readyz (everything it needs answers; details to staff or the token)
and /metrics (Prometheus; token or allowed addresses). None of them is cached or needs a session."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from . import access, health, metrics


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    ready, details = health.readiness()
    body = {"status": "ok" if ready else "not ready"}
    if access.may_see_health_details(request):
        body["checks"] = details
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
@require_GET
def metrics_view(request):
    if not access.may_scrape_metrics(request):
        return JsonResponse({"error": "forbidden"}, status=403)
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
