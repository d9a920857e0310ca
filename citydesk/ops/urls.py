from django.urls import path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="ops_healthz"),
    path("readyz", views.readyz, name="ops_readyz"),
    path("metrics", views.metrics_view, name="ops_metrics"),
]
