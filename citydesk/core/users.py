"""The user admin with citydesk's rules (core/accounts.py): scoped lists, limited grants, no passwords typed
for others. Installed through `core.apps.CitydeskUsersConfig.user_viewset`, Wagtail's documented way to customise it."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.bulk_actions import AssignRoleBulkAction, DeleteBulkAction, SetActiveStateBulkAction

from citydesk.core import accounts, scoping
from citydesk.core.models import Unit
from citydesk.core.viewsets import scope_object_urls

User = wagtail_users.User


class StaffUserFormMixin:
    """Offers only the roles the signed-in user may grant; superuser status and passwords only to superusers."""

    def __init__(self, *args, for_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        self.fields["groups"].queryset = accounts.grantable_groups(for_user)
        if not for_user.is_superuser:
            self.fields.pop("password1", None)
            self.fields.pop("password2", None)
            if "is_superuser" in self.fields:
                # Shown greyed out; a disabled field ignores whatever is posted.
                self.fields["is_superuser"].disabled = True

    def clean(self):
        cleaned = super().clean()
        self.cleaned_data.setdefault("password1", "")
        groups = cleaned.get("groups")
        if groups is not None:
            try:
                accounts.check_grants(
                    actor=self.for_user, groups=groups, is_superuser=bool(cleaned.get("is_superuser"))
                )
            except PermissionDenied as error:
                raise ValidationError(str(error)) from error
        return cleaned


class StaffUserCreationForm(StaffUserFormMixin, UserCreationForm):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=gettext_lazy("The new person gets a contributor profile in this unit."),
    )

    def __init__(self, *args, for_user, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["unit"].queryset = scoping.managed_units(for_user)
        # People without a unit would fall outside every unit admin's reach, so only superusers leave it out.
        self.fields["unit"].required = not for_user.is_superuser


class StaffUserEditForm(StaffUserFormMixin, UserEditForm):
    pass


def _may_open(user, row) -> None:
    if not accounts.can_manage_user(user, row):
        raise PermissionDenied


class IndexView(wagtail_users.IndexView):
    def get_base_queryset(self):
        return scoping.visible(self.request.user, super().get_base_queryset())


class CreateView(wagtail_users.CreateView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}

    def save_instance(self):
        user = super().save_instance()
        accounts.user_created(
            actor=self.request.user, user=user, unit=self.form.cleaned_data.get("unit"), request=self.request
        )
        return user


class EditView(wagtail_users.EditView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_send_password_link"] = not self.editing_self
        return context


def password_link(request, pk):
    """Confirm (GET) and send (POST) a link for the user to set their own password."""
    user = get_object_or_404(scoping.visible(request.user, User._default_manager.all()), pk=pk)
    _may_open(request.user, user)
    if request.method == "POST":
        try:
            accounts.send_password_link(actor=request.user, user=user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("A link to set a password was sent to %(email)s.") % {"email": user.email})
        return redirect("wagtailusers_users:edit", user.pk)
    return TemplateResponse(request, "core/admin/password_link.html", {"user_to_reset": user})


class UserViewSet(wagtail_users.UserViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    copy_view_enabled = False  # a copy would carry roles and data of someone else's account
    create_template_name = "core/admin/user_create.html"
    edit_template_name = "core/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return StaffUserEditForm if for_update else StaffUserCreationForm

    def get_urlpatterns(self):
        urlpatterns = super().get_urlpatterns() + [path("password-link/<int:pk>/", password_link, name="password_link")]
        # Every screen about one user: only users of one's units, and edits only of those one may manage.
        return scope_object_urls(urlpatterns, User, may_open=_may_open)


class ScopedUserBulkActionMixin:
    """Bulk actions apply only to users the signed-in user may manage."""

    def check_perm(self, obj):
        return super().check_perm(obj) and accounts.can_manage_user(self.request.user, obj)


class CitydeskAssignRoleBulkAction(ScopedUserBulkActionMixin, AssignRoleBulkAction):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["role"].queryset = accounts.grantable_groups(self.request.user)
        return form

    def get_execution_context(self):
        role = self.cleaned_form.cleaned_data["role"]
        accounts.check_grants(actor=self.request.user, groups=[role], is_superuser=False)
        return super().get_execution_context()


class CitydeskDeleteBulkAction(ScopedUserBulkActionMixin, DeleteBulkAction):
    pass


class CitydeskSetActiveStateBulkAction(ScopedUserBulkActionMixin, SetActiveStateBulkAction):
    pass


USER_BULK_ACTIONS = [CitydeskAssignRoleBulkAction, CitydeskDeleteBulkAction, CitydeskSetActiveStateBulkAction]
