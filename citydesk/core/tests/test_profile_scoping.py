"""Contributor profiles and unit-scoped rows over HTTP (issue 18, finding 2 and the unit scoping)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from citydesk.channels.models import ChannelAccount
from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.core.models import ContributorProfile, Unit
from citydesk.scorecards.models import Target

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def other_unit(db):
    return Unit.objects.create(name="Sở Du lịch", short_name="SDL", kind=Unit.Kind.DEPARTMENT)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("quantri", "quantri@x.vn", "pw-quantri")


@pytest.fixture
def unit_admin(unit):
    admin = make_user("quantridonvi", roles.UNIT_ADMIN)
    unit.administrators.add(admin)
    return admin


def profile_data(profile, **changes) -> dict:
    data = {
        "name": profile.name,
        "title": profile.title,
        "unit": profile.unit_id,
        "expertise": "",
        "languages": profile.languages,
        "availability": profile.availability,
        "availability_note": "",
        "bio": profile.bio,
        "is_active": "on" if profile.is_active else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value not in ("", None)}


def _edit_profile(client, profile, **changes):
    url = reverse("wagtailsnippets_core_contributorprofile:edit", args=[profile.pk])
    return client.post(url, profile_data(profile, **changes))


def test_editor_cannot_link_a_profile_to_the_superuser_and_lock_them_out(client, unit, editor_user, superuser):
    profile = ContributorProfile.objects.create(name="Người mới", unit=unit)
    client.force_login(editor_user)
    _edit_profile(client, profile, user=superuser.pk)
    profile.refresh_from_db()
    assert profile.user is None
    client.post(reverse("network_contributor_active", args=[profile.pk]), {"active": "0"})
    superuser.refresh_from_db()
    assert superuser.is_active
    client.logout()
    assert client.login(username="quantri", password="pw-quantri")


def test_deactivating_a_profile_linked_to_staff_keeps_their_log_in(client, unit, editor_user):
    # A superuser linked a desk lead's account to a profile (e.g. they also write); an editor retires the
    # profile: no new work for it, but the desk lead keeps their log-in.
    lead = make_user("truongnhom", roles.DESK_LEAD, unit=unit)
    client.force_login(editor_user)
    client.post(reverse("network_contributor_active", args=[lead.contributor_profile.pk]), {"active": "0"})
    lead.refresh_from_db()
    lead.contributor_profile.refresh_from_db()
    assert not lead.contributor_profile.is_active
    assert lead.is_active


def test_deactivating_a_contributor_disables_their_log_in(client, editor_user, contributor_user):
    client.force_login(editor_user)
    client.post(reverse("network_contributor_active", args=[contributor_user.contributor_profile.pk]), {"active": "0"})
    contributor_user.refresh_from_db()
    assert not contributor_user.is_active


def test_superuser_links_a_profile_to_an_account(client, unit, superuser, editor_user):
    profile = ContributorProfile.objects.create(name="Biên tập", unit=unit)
    client.force_login(superuser)
    response = _edit_profile(client, profile, user=editor_user.pk)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.user == editor_user


def test_unit_admin_cannot_deactivate_another_units_contributor(client, unit_admin, other_unit):
    stranger = make_user("nguoingoai", roles.CONTRIBUTOR, unit=other_unit)
    client.force_login(unit_admin)
    client.post(reverse("network_contributor_active", args=[stranger.contributor_profile.pk]), {"active": "0"})
    stranger.refresh_from_db()
    assert stranger.is_active
    assert stranger.contributor_profile.is_active


def test_unit_admin_manages_only_its_units_profiles(client, unit, unit_admin, other_unit):
    mine = ContributorProfile.objects.create(name="Của tôi", unit=unit)
    theirs = ContributorProfile.objects.create(name="Của người khác", unit=other_unit)
    client.force_login(unit_admin)
    listing = client.get(reverse("wagtailsnippets_core_contributorprofile:list")).content.decode()
    assert "Của tôi" in listing and "Của người khác" not in listing
    assert client.get(reverse("wagtailsnippets_core_contributorprofile:edit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("wagtailsnippets_core_contributorprofile:edit", args=[mine.pk])).status_code == 200
    # Moving one's own unit's profile to another unit is refused (the form offers only its units).
    response = _edit_profile(client, mine, unit=other_unit.pk)
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.unit == unit


def test_unit_admin_cannot_bulk_delete_another_units_profile(client, unit_admin, other_unit):
    theirs = ContributorProfile.objects.create(name="Của người khác", unit=other_unit)
    client.force_login(unit_admin)
    url = reverse("wagtail_bulk_action", args=["core", "contributorprofile", "delete"]) + f"?id={theirs.pk}"
    client.post(url)
    assert ContributorProfile.objects.filter(pk=theirs.pk).exists()


def test_unit_admin_manages_only_its_units_channel_accounts(client, unit, unit_admin, other_unit):
    mine = ChannelAccount.objects.create(name="Zalo CDC", kind="telegram", target="@cdc", unit=unit)
    theirs = ChannelAccount.objects.create(name="Zalo SDL", kind="telegram", target="@sdl", unit=other_unit)
    office = ChannelAccount.objects.create(name="Trang thành phố", kind="telegram", target="@city")
    client.force_login(unit_admin)
    listing = client.get(reverse("wagtailsnippets_channels_channelaccount:list")).content.decode()
    assert "Zalo CDC" in listing
    assert "Zalo SDL" not in listing and "Trang thành phố" not in listing
    for account in (theirs, office):
        for name in ("edit", "delete", "copy", "history"):
            url = reverse(f"wagtailsnippets_channels_channelaccount:{name}", args=[account.pk])
            assert client.get(url).status_code == 404, name
    assert client.get(reverse("wagtailsnippets_channels_channelaccount:edit", args=[mine.pk])).status_code == 200


def test_unit_admin_sets_targets_only_for_its_units(client, unit, unit_admin, other_unit):
    client.force_login(unit_admin)
    url = reverse("wagtailsnippets_scorecards_target:add")
    data = {"year": 2026, "metric": Target._meta.get_field("metric").choices[0][0], "value": 10}
    assert client.post(url, {**data, "unit": other_unit.pk}).status_code == 200
    assert not Target.objects.filter(unit=other_unit).exists()
    assert client.post(url, {**data, "unit": unit.pk}).status_code == 302
    assert Target.objects.filter(unit=unit).exists()


def test_editors_still_see_every_units_profiles(client, unit, editor_user, other_unit):
    ContributorProfile.objects.create(name="Của người khác", unit=other_unit)
    client.force_login(editor_user)
    assert "Của người khác" in client.get(reverse("wagtailsnippets_core_contributorprofile:list")).content.decode()
