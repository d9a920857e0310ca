"""Retention: old mail files, used or expired sign-in links, invitations long expired and expired
sessions are deleted by the scheduler; what is still needed stays."""

import os
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from citydesk.community.models import Member, SignInLink
from citydesk.community.services import purge_sign_in_links
from citydesk.core.retention import purge_mail_files
from citydesk.core.secrets import one_time_token
from citydesk.network.models import Invitation
from citydesk.network.services import purge_expired_invitations

DAY = timedelta(days=1)


def mail_file(folder, name: str, age: timedelta):
    path = folder / name
    path.write_text("To: nguoi.bao.tin@example.vn\n\nhttps://thanhpho.example/cong-dong/vao/abc/\n")
    when = (timezone.now() - age).timestamp()
    os.utime(path, (when, when))
    return path


@pytest.mark.django_db
def test_mail_files_older_than_the_setting_are_deleted_and_nothing_else(tmp_path, settings):
    settings.EMAIL_FILE_PATH, settings.CITYDESK_MAIL_FILE_DAYS = str(tmp_path), 7
    old = mail_file(tmp_path, "20261120-080000-1.log", 8 * DAY)
    recent = mail_file(tmp_path, "20261130-080000-2.log", 1 * DAY)
    other = mail_file(tmp_path, "notes.txt", 30 * DAY)  # not a mail file: not ours to delete

    call_command("run_scheduler", "--once")
    assert not old.exists() and recent.exists() and other.exists()
    assert purge_mail_files(now=timezone.now() + 7 * DAY) == 1  # a week later the recent one goes too
    assert not recent.exists() and other.exists()


def test_no_mail_folder_is_nothing_to_purge(tmp_path, settings):
    settings.EMAIL_FILE_PATH = str(tmp_path / "absent")
    assert purge_mail_files() == 0


def link(member, *, expires_in: timedelta, used: bool = False) -> SignInLink:
    now = timezone.now()
    return SignInLink.objects.create(
        member=member, token_hash=one_time_token()[1], expires_at=now + expires_in, used_at=now if used else None
    )


def invitation(unit, email: str, *, expired_for: timedelta, accepted: bool = False) -> Invitation:
    now = timezone.now()
    return Invitation.objects.create(
        email=email,
        name="Nguyễn Văn An",
        unit=unit,
        token_hash=one_time_token()[1],
        expires_at=now - expired_for,
        accepted_at=now - expired_for - DAY if accepted else None,
    )


@pytest.mark.django_db
def test_the_scheduler_purges_dead_links_old_invitations_and_expired_sessions(unit, settings, tmp_path):
    settings.EMAIL_FILE_PATH, settings.CITYDESK_EXPIRED_INVITATION_DAYS = str(tmp_path), 30
    member = Member.objects.create(email="ban.doc@example.vn", display_name="Hoa Sen")
    live = link(member, expires_in=timedelta(minutes=20))
    link(member, expires_in=timedelta(minutes=20), used=True)
    link(member, expires_in=-timedelta(minutes=1))
    pending = invitation(unit, "moi@example.vn", expired_for=-3 * DAY)
    recently_expired = invitation(unit, "vua-het-han@example.vn", expired_for=2 * DAY)
    invitation(unit, "het-han-lau@example.vn", expired_for=31 * DAY)
    accepted = invitation(unit, "da-nhan@example.vn", expired_for=90 * DAY, accepted=True)
    Session.objects.create(session_key="a" * 32, session_data="x", expire_date=timezone.now() - DAY)
    Session.objects.create(session_key="b" * 32, session_data="x", expire_date=timezone.now() + DAY)

    call_command("run_scheduler", "--once")

    assert list(SignInLink.objects.all()) == [live]
    assert set(Invitation.objects.all()) == {pending, recently_expired, accepted}
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]

    # Time travel: an hour later the live link has expired, a month later so has the invitation.
    assert purge_sign_in_links(now=timezone.now() + timedelta(hours=1)) == 1
    assert purge_expired_invitations(now=timezone.now() + 29 * DAY) == 1  # expired 2 days ago + 29 > 30
    assert set(Invitation.objects.all()) == {pending, accepted}
