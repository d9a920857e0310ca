"""Who may manage which staff account: the rules behind the user admin, and its services.

A user grants only the roles it holds the right to grant (`roles.GRANTABLE_BY`; superusers grant every
role and superuser status), never edits a user with more rights than itself, and never types another
user's password: the user gets a link to set it.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from citydesk.core import roles, scoping
from citydesk.core.models import ContributorProfile, Unit


def grantable_groups(actor) -> QuerySet[Group]:
    """The role groups `actor` may give to (or take from) other users."""
    if actor.is_superuser:
        return Group.objects.all()
    held = actor.groups.values_list("name", flat=True)
    names = {name for role in held for name in roles.GRANTABLE_BY.get(role, ())}
    return Group.objects.filter(name__in=names)


def can_manage_user(actor, user) -> bool:
    """Whether `actor` may edit, deactivate or send a password link to `user`.

    Superusers manage everyone. Anyone else with `auth.change_user` manages only other people of its
    units whose every role it could have granted itself: never itself, a superuser, or a user holding
    a role or a permission it may not grant.
    """
    if actor.is_superuser:
        return True
    if not actor.has_perm("auth.change_user") or user.pk == actor.pk or user.is_superuser:
        return False
    if user.user_permissions.exists() or not scoping.in_scope(actor, user):
        return False
    grantable = set(grantable_groups(actor).values_list("pk", flat=True))
    return set(user.groups.values_list("pk", flat=True)) <= grantable


def check_grants(*, actor, groups, is_superuser: bool) -> None:
    """Refuse a change of roles that `actor` may not make (the forms offer only allowed ones)."""
    if is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser may make someone a superuser."))
    allowed = set(grantable_groups(actor).values_list("pk", flat=True))
    if not {group.pk for group in groups} <= allowed:
        raise PermissionDenied(_("You may not grant this role."))


def is_contributor_only(user) -> bool:
    """Whether `user` is a plain contributor account: no role beyond Contributor and Expert reviewer."""
    if user.is_superuser or user.user_permissions.exists():
        return False
    return not user.groups.exclude(name__in=roles.CONTRIBUTOR_ONLY).exists()


def send_password_link(*, actor, user, request=None) -> None:
    """E-mail `user` a one-time link to set its own password (Wagtail's reset screen)."""
    if actor.pk != user.pk and not can_manage_user(actor, user):
        raise PermissionDenied(_("You may not manage this user."))
    if not user.email:
        raise ValidationError(_("This user has no e-mail address; add one first."))
    context = {
        "email": user.email,
        "domain": request.get_host() if request else "",
        "site_name": "",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if request and request.is_secure() else "http",
    }
    PasswordResetForm().send_mail(
        "wagtailadmin/account/password_reset/email_subject.txt",
        "wagtailadmin/account/password_reset/email.txt",
        context,
        None,
        user.email,
    )


@transaction.atomic
def user_created(*, actor, user, unit: Unit | None, request=None) -> None:
    """Finish an account `actor` just created: its contributor profile in `unit`, and, when `actor` may not
    set passwords, an unusable password and a link for the new user to choose one."""
    if unit is not None:
        if not scoping.managed_units(actor).filter(pk=unit.pk).exists():
            raise PermissionDenied(_("You may not add people to this unit."))
        name = " ".join(part for part in (user.last_name, user.first_name) if part) or user.get_username()
        ContributorProfile.objects.create(user=user, name=name, unit=unit)
    if not actor.is_superuser:
        user.set_unusable_password()
        get_user_model().objects.filter(pk=user.pk).update(password=user.password)
        send_password_link(actor=actor, user=user, request=request)
