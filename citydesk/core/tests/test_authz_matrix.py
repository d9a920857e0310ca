"""The authorisation matrix: every URL of citydesk's screens, for every role, gives the answer written in
`authz_matrix.md` (next to this file).

Which URLs: every pattern of the URL resolver whose view is citydesk's own code, every Wagtail admin
screen of citydesk's snippets (`wagtailsnippets_<app>_<model>`, `wagtailsnippetchoosers_<app>_<model>`
for the apps in CITYDESK_APPS) and Wagtail's user and group admin. A pattern with no row in the table
fails the test, which names it.

Adding a URL: add one row to the table in `authz_matrix.md`:

    | url name | method | path | anonymous | contributor | ... | superuser |

- url name: the pattern's name as `reverse()` takes it (with its namespace);
- method: GET, or POST (sent with an empty body; use it for actions that only take POST);
- path: the concrete path, with `{placeholders}` for ids filled from the demo-like rows below
  (`PARAMS` lists them: `{claim}`, `{profile}`, `{user}`, ...); the test checks that the path
  resolves to the url name;
- one answer per role: 200, 400, 403, 404, 405, `login` (redirect to the admin's log-in), `denied`
  (Wagtail's "no permission" redirect to the admin's home), `302` (any other redirect).

Several rows may share a url name (e.g. the same screen for a row in and out of a unit admin's units).
Every request runs in a savepoint that is rolled back, so a row never changes what the next one sees.

To fill in the answers of new rows, run once with CITYDESK_AUTHZ_RECORD=1: the test writes the observed
answers into the table and fails. Read every changed cell in the diff before committing it: the table is
the specification, not a snapshot.
"""

import os
import re
from datetime import date
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from citydesk.conftest import make_user
from citydesk.core import roles

pytestmark = pytest.mark.django_db
MATRIX = Path(__file__).with_name("authz_matrix.md")
ROLES = [
    "anonymous",
    "contributor",
    "expert reviewer",
    "editor",
    "desk verifier",
    "desk lead",
    "moderator",
    "unit admin",
    "superuser",
]
# The demo's log-in for each role (load_demo); the expert reviewer is made here (the demo's is also a contributor).
DEMO_USERS = {
    "contributor": "congtacvien",
    "expert reviewer": "chuyengiathamdinh",
    "editor": "bientap",
    "desk verifier": "kiemchung",
    "desk lead": "truongnhom",
    "moderator": "dieuphoi",
    "unit admin": "quantridonvi",
    "superuser": "quantri",
}
CITYDESK_APPS = {"core", "newsroom", "desk", "intake", "channels", "scorecards", "network", "community"}
WAGTAIL_NAMESPACES = {"wagtailusers_users", "wagtailusers_groups"}
HEADER = ["url name", "method", "path", *ROLES]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def covered_patterns() -> dict[str, str]:
    """url name -> route of every pattern the matrix must cover."""

    def walk(resolver, prefix="", namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = ":".join(part for part in (namespace, pattern.name or "") if part) or route
                yield name, route, pattern.callback

    found = {}
    for name, route, callback in walk(get_resolver()):
        module = getattr(callback, "__module__", "") or ""
        namespace = name.split(":", 1)[0] if ":" in name else ""
        snippet = re.fullmatch(r"wagtailsnippet(?:s|choosers)_([a-z]+)_\w+", namespace)
        if (
            module.startswith("citydesk.")
            or namespace in WAGTAIL_NAMESPACES
            or (snippet and snippet.group(1) in CITYDESK_APPS)
        ):
            found.setdefault(name, route)
    return found


def read_matrix() -> list[dict]:
    rows = []
    for line in MATRIX.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or cells[0] in ("url name", "") or set(cells[0]) <= {"-", ":"}:
            continue
        assert len(cells) == len(HEADER), f"authz_matrix.md: {len(cells)} cells instead of {len(HEADER)} in {line!r}"
        rows.append(dict(zip(HEADER, cells, strict=True)))
    return rows


def write_matrix(rows: list[dict]) -> None:
    text = MATRIX.read_text(encoding="utf-8")
    head = text[: text.index("| url name")]
    widths = [max(len(header), *(len(row[header]) for row in rows)) for header in HEADER]

    def line(cells):
        return "| " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + " |"

    table = [line(HEADER), "|" + "|".join("-" * (width + 2) for width in widths) + "|"]
    table += [line([row[header] for header in HEADER]) for row in rows]
    MATRIX.write_text(head + "\n".join(table) + "\n", encoding="utf-8")


def demo_params() -> dict:
    """The demo, plus the few rows it lacks, and the ids the table's {placeholders} stand for."""
    from citydesk.api import services as api_services
    from citydesk.channels.models import ChannelAccount, Delivery
    from citydesk.community import services as community
    from citydesk.community.models import Appeal, Comment, Story, WeeklyDigest
    from citydesk.core.models import ContributorProfile, Unit
    from citydesk.desk.models import Claim, ClarificationPage, Report, SlaTarget
    from citydesk.intake.models import FeedSource, OfficialAccount
    from citydesk.network import services as network
    from citydesk.network.models import Assignment, Notification, Pitch
    from citydesk.newsroom.models import ArticlePage
    from citydesk.scorecards import metrics
    from citydesk.scorecards.models import ReachEntry, Target
    from citydesk.training.models import Attempt, Case, Completion, CoursePage, Exercise, LessonPage

    call_command("load_demo", stdout=StringIO())
    User = get_user_model()
    office, cdc, tourism = (Unit.objects.get(short_name=name) for name in ("TTTT", "CDC", "SDL"))
    make_user("chuyengiathamdinh", roles.EXPERT_REVIEWER, unit=cdc)
    superuser = User.objects.get(username="quantri")
    account = ChannelAccount.objects.create(name="Telegram TTTT", kind="telegram", target="@tttt", unit=office)
    other_account = ChannelAccount.objects.create(name="Telegram SDL", kind="telegram", target="@sdl", unit=tourism)
    metric = Target._meta.get_field("metric").choices[0][0]
    report = Report.objects.order_by("pk").first()
    report.image.save("bang-chung.png", ContentFile(PNG), save=True)
    _invitation, invitation_token = network.invitation_create(
        invited_by=superuser, email="moi@demo.example.vn", name="Người Mới", unit=office
    )
    comment = Comment.objects.order_by("pk").first()
    basic_course = CoursePage.objects.order_by("pk").first()
    return {
        "claim": Claim.objects.order_by("pk").first().pk,
        "report": report.pk,
        "assignment": Assignment.objects.filter(contributor__user__username="congtacvien").first().pk,
        "pitch": Pitch.objects.order_by("pk").first().pk,
        "notification": Notification.objects.filter(recipient__username="bientap").first().pk,
        "unit": office.pk,
        "unit_other": cdc.pk,
        "profile": ContributorProfile.objects.get(user__username="congtacvien").pk,
        "profile_other": ContributorProfile.objects.get(user__username="chuyengia").pk,
        "user": User.objects.get(username="congtacvien").pk,
        "user_staff": User.objects.get(username="kiemchung").pk,
        "user_other": User.objects.get(username="chuyengia").pk,
        "user_super": superuser.pk,
        "group": roles_group(roles.CONTRIBUTOR),
        "official_account": OfficialAccount.objects.order_by("pk").first().pk,
        "feed": FeedSource.objects.create(name="Báo địa phương", url="https://bao.example.vn/rss").pk,
        "channel_account": account.pk,
        "channel_account_other": other_account.pk,
        "target": Target.objects.create(unit=office, year=2026, metric=metric, value=10).pk,
        "target_other": Target.objects.create(unit=tourism, year=2026, metric=metric, value=5).pk,
        "reach": ReachEntry.objects.create(account=account, date=timezone.localdate(), reach=120).pk,
        "reach_other": ReachEntry.objects.create(account=other_account, date=timezone.localdate(), reach=80).pk,
        "story": Story.objects.order_by("pk").first().pk,
        "comment": comment.pk,
        "appeal": Appeal.objects.order_by("pk").first().pk,
        "digest": WeeklyDigest.objects.create(week_start=date(2000, 1, 3)).pk,  # an unsent draft (the demo has weeks)
        "delivery": Delivery.objects.order_by("pk").first().pk,
        "page": ArticlePage.objects.live().order_by("pk").first().pk,
        "metric": next(iter(metrics.BY_KEY)),
        "invitation_token": invitation_token,
        "sign_in_token": community.request_sign_in(email="ban-doc@demo.example.vn", display_name="Bạn đọc"),
        "slatarget": SlaTarget.objects.get_or_create(category="scam", defaults={"first_response_hours": 8})[0].pk,
        "clarification_page": ClarificationPage.objects.live().order_by("pk").first().pk,
        "api_key": api_services.partner_key_create(
            actor=superuser, name="Tổng đài", unit=office, scopes=["reports:file"], contact_email="a@demo.example.vn"
        )[0].pk,
        "course": basic_course.pk,
        "lesson": LessonPage.objects.child_of(basic_course).order_by("path").first().pk,
        "exercise": Exercise.objects.filter(is_public=False).order_by("pk").first().pk,
        # Answers of the contributor (TTTT, a unit the demo's unit admin administers) and of the expert (CDC).
        "attempt": Attempt.objects.filter(user__username="congtacvien").order_by("pk").first().pk,
        "attempt_other": Attempt.objects.filter(user__username="chuyengia").order_by("pk").first().pk,
        "completion_other": Completion.objects.get(user__username="chuyengia").pk,
        "case": Case.objects.order_by("pk").first().pk,
        "api_key_other": api_services.partner_key_create(
            actor=superuser, name="Báo bạn", unit=tourism, scopes=["reports:file"], contact_email="b@demo.example.vn"
        )[0].pk,
    }


def roles_group(name: str) -> int:
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name).pk


def outcome(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        location = urlsplit(response["Location"]).path
        if location.startswith(reverse("wagtailadmin_login")):
            return "login"
        if location == reverse("wagtailadmin_home"):
            return "denied"
        return "302"
    return str(response.status_code)


def request(client: Client, method: str, path: str):
    # Each request in a savepoint rolled back afterwards: rows stay as the demo left them.
    with transaction.atomic():
        response = client.generic(method, path, b"", content_type="application/x-www-form-urlencoded")
        transaction.set_rollback(True)
    return response


def test_every_url_answers_every_role_as_the_matrix_says(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"
    rows = read_matrix()
    listed = {row["url name"] for row in rows}
    missing = {name: route for name, route in covered_patterns().items() if name not in listed}
    assert not missing, "URL patterns without a row in authz_matrix.md (see the test's docstring):\n" + "\n".join(
        f"  {name}  ({route})" for name, route in sorted(missing.items())
    )

    params = demo_params()
    User = get_user_model()
    problems, record = [], os.environ.get("CITYDESK_AUTHZ_RECORD") == "1"
    paths = {}
    for row in rows:
        try:
            paths[id(row)] = path = row["path"].format(**params)
        except KeyError as error:
            pytest.fail(f"authz_matrix.md: unknown placeholder {error} in {row['path']}")
        resolved = resolve(urlsplit(path).path).view_name
        assert resolved == row["url name"], f"authz_matrix.md: {path} is {resolved}, not {row['url name']}"

    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(User.objects.get(username=DEMO_USERS[role]))
        for row in rows:
            got = outcome(request(client, row["method"], paths[id(row)]))
            if got != row[role]:
                problems.append(f"  {row['method']} {row['path']} as {role}: expected {row[role]}, got {got}")
                row[role] = got
    if record and problems:
        write_matrix(rows)
    assert not problems, f"{len(problems)} answers differ from authz_matrix.md:\n" + "\n".join(problems)


def test_the_matrix_covers_citydesk_screens_and_only_those():
    found = covered_patterns()
    assert {
        "desk_inbox",
        "contributor",
        "intake_zalo_webhook",
        "wagtailusers_users:password_link",
        "wagtailusers_groups:edit",
        "wagtailsnippets_channels_channelaccount:edit",
        "wagtailsnippetchoosers_core_unit:choose",
    } <= set(found)
    assert not any(name.startswith(("wagtailadmin_pages", "wagtailimages", "wagtailsnippets:")) for name in found)
    assert "wagtailusers_users:copy" not in found  # switched off: a copy would carry someone else's roles
    rows = read_matrix()
    assert {row["url name"] for row in rows} <= set(found), "rows for URLs that no longer exist"
