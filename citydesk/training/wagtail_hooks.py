"""Training in the admin: "Đào tạo của tôi" for everyone, the manager's page and the case library."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from citydesk.core.menus import PermissionMenuItem

from . import views


@hooks.register("register_admin_urls")
def register_training_urls():
    return [
        path("training/", views.home, name="training_home"),
        path("training/courses/<int:pk>/", views.course, name="training_course"),
        path("training/courses/<int:pk>/start/<slug:kind>/", views.exercise_start, name="training_exercise_start"),
        path("training/courses/<int:pk>/exercises/<int:exercise_id>/", views.exercise, name="training_exercise"),
        path("training/lessons/<int:pk>/", views.lesson, name="training_lesson"),
        path("training/attempts/<int:pk>/", views.attempt, name="training_attempt"),
        path("training/certificates/<int:pk>/", views.certificate, name="training_certificate"),
        path("training/manage/", views.manage, name="training_manage"),
        path("training/people/<int:pk>/", views.trainee, name="training_trainee"),
        path("training/cases/", views.case_list, name="training_cases"),
        path("training/cases/<int:pk>/", views.case_detail, name="training_case"),
        path("training/cases/from-claim/<int:claim_id>/", views.case_from_claim, name="training_case_from_claim"),
    ]


@hooks.register("register_admin_menu_item")
def register_training_menu():
    items = [
        PermissionMenuItem(_("My training"), reverse("training_home"), icon_name="user", order=10),
        PermissionMenuItem(_("Case library"), reverse("training_cases"), icon_name="doc-full", order=20),
        PermissionMenuItem(
            _("Assign and follow"),
            reverse("training_manage"),
            icon_name="tasks",
            order=30,
            permission="training.manage_training",
        ),
    ]
    return SubmenuMenuItem(_("Training"), Menu(items=items), icon_name="pick", order=130)
