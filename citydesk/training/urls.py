from django.urls import path

from . import views

# Public pages, under i18n_patterns (Vietnamese at the root, English under /en/).
public_urlpatterns = [
    path("kiem-tra-ky-nang/", views.public_quiz, name="training_public_quiz"),
]
