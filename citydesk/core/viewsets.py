"""Admin viewsets whose rows belong to units: unit admins list, open and save only their units' rows."""

from functools import wraps

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import URLPattern
from wagtail.admin.views import generic

from citydesk.core import scoping
from citydesk.core.models import Unit


def scope_object_urls(urlpatterns, model, may_open=None, may_enter=None):
    """Wrap every URL of `urlpatterns` that names a row (`pk`) so that a row outside the user's units is a
    404, whatever the screen (edit, delete, copy, history, usage, ...); `may_open(user, row)` can refuse
    more, and `may_enter(user)` refuses whole screens (both raise PermissionDenied)."""

    def guard(view):
        @wraps(view)
        def scoped(request, *args, **kwargs):
            if may_enter is not None:
                may_enter(request.user)
            if "pk" in kwargs:
                rows = scoping.visible(request.user, model._default_manager.filter(pk=unquote(str(kwargs["pk"]))))
                row = rows.first()
                if row is None:
                    raise Http404
                if may_open is not None:
                    may_open(request.user, row)
            return view(request, *args, **kwargs)

        return scoped

    return [
        URLPattern(pattern.pattern, guard(pattern.callback), pattern.default_args, pattern.name)
        if isinstance(pattern, URLPattern)
        else pattern
        for pattern in urlpatterns
    ]


class UnitFieldMixin:
    """The form's choices of units and of unit-scoped rows (a reach entry's account) offer only the user's
    units' rows; a unit admin must then choose a unit, so nothing it creates falls outside its units."""

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        if scoping.is_scoped(self.request.user):
            for field in form.fields.values():
                queryset = getattr(field, "queryset", None)
                if queryset is not None and queryset.model._meta.label_lower in scoping.UNIT_LOOKUPS:
                    field.queryset = scoping.visible(self.request.user, queryset)
                    field.required = field.required or queryset.model is Unit
        return form


ACTIONS = ("add", "change", "delete", "view")


def _may_use(model):
    def may_enter(user):
        if not any(user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}") for action in ACTIONS):
            raise PermissionDenied

    return may_enter


class UnitScopedViewSetMixin:
    """For a SnippetViewSet of a model listed in `scoping.UNIT_LOOKUPS`.

    Its chooser (the pop-up that picks a row for a form) is for users with a permission on the model,
    unless `chooser_open_to_all` (units and contributors, which every writer picks in an article)."""

    chooser_open_to_all = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model, may_enter = self.model, None if self.chooser_open_to_all else _may_use(self.model)

        class ScopedChooserViewSet(self.chooser_viewset_class):
            def get_urlpatterns(self):
                return scope_object_urls(super().get_urlpatterns(), model, may_enter=may_enter)

        self.chooser_viewset_class = ScopedChooserViewSet

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if queryset is None:
            queryset = self.model._default_manager.all()
        return scoping.visible(request.user, queryset)

    def get_urlpatterns(self):
        return scope_object_urls(super().get_urlpatterns(), self.model)

    def construct_view(self, view_class, **kwargs):
        if issubclass(view_class, (generic.CreateView, generic.EditView)):
            view_class = type(view_class.__name__, (UnitFieldMixin, view_class), {})
        return super().construct_view(view_class, **kwargs)
