from django.urls import path

from . import views

urlpatterns = [
    path("huy-dang-ky/<str:token>/", views.unsubscribe, name="mailing_unsubscribe"),
]
