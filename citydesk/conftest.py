"""Fixtures shared by every app's tests: real database rows made through the services, and a browser."""

import os
import shutil

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import translation
from wagtail.models import Collection, Locale, Page, Site

from citydesk.core import roles
from citydesk.core.models import ContributorProfile, Unit
from citydesk.core.processes import scratch_folders
from citydesk.newsroom import services
from citydesk.newsroom.models import HomePage, TopicPage
from citydesk.newsroom.workflow import ensure_review_workflow


def ensure_site_structure() -> None:
    """Recreate what the migrations put in the database, after a transactional test flushed it."""
    Locale.objects.get_or_create(language_code="vi")
    if not Page.objects.filter(depth=1).exists():
        root = Page.add_root(title="Root", slug="root")
        home = HomePage(title="Trang chủ", slug="trang-chu")
        root.add_child(instance=home)
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    roles.ensure_roles(apps)
    ensure_review_workflow(apps)


@pytest.fixture(autouse=True)
def _default_language():
    # Requests served by the test client leave their language active in this thread.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _logged_in_clients_are_verified(request, monkeypatch):
    """`client.force_login(user)` / `client.login(...)` make a session that has passed the second step
    too (a confirmed authenticator app for the user, as after staffauth's set-up), so tests of other
    features need no codes. Tests of the second step itself log in over HTTP, or opt out with
    `@pytest.mark.real_second_factor`."""
    if request.node.get_closest_marker("real_second_factor"):
        return
    from django.test import Client

    original = Client._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        verify_session(self, user)

    monkeypatch.setattr(Client, "_login", _login)


def verify_session(client, user) -> None:
    """Mark the client's session as having passed the second step with the user's app."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _fresh_claim_matcher():
    # The in-process matcher follows claim ids; a rolled-back test database hands the same ids out again.
    from citydesk.desk.matcher import matcher

    matcher.reset()


@pytest.fixture(autouse=True)
def _site_structure(request):
    # Django flushes the database after each transactional (live-server) test; data migrations don't rerun.
    if "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        ensure_site_structure()


@pytest.fixture
def latest_migrations_after(transactional_db):
    """For tests that migrate an app back: that also unapplies every app depending on it (the API's
    tables), so the whole schema goes back to the latest migrations for the tests that follow."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def make_user(username: str, *group_names: str, unit: Unit | None = None):
    """A user in the given role groups, with a contributor profile when a unit is given."""
    user = get_user_model().objects.create_user(username=username, password="pw-" + username, email=f"{username}@x.vn")
    user.groups.set(Group.objects.filter(name__in=group_names))
    if unit is not None:
        ContributorProfile.objects.create(user=user, name=username.title(), unit=unit)
    return user


@pytest.fixture
def unit(db):
    return Unit.objects.create(name="Trung tâm Kiểm soát bệnh tật", short_name="CDC", kind=Unit.Kind.DEPARTMENT)


@pytest.fixture
def verifier(unit):
    return make_user("kiemchung", roles.DESK_VERIFIER, unit=unit)


@pytest.fixture
def lead(db):
    return make_user("truongnhom", roles.DESK_LEAD)


@pytest.fixture
def contributor_user(unit):
    return make_user("congtacvien", roles.CONTRIBUTOR, unit=unit)


@pytest.fixture
def expert_user(unit):
    return make_user("chuyengia", roles.EXPERT_REVIEWER, unit=unit)


@pytest.fixture
def editor_user(unit):
    return make_user("bientap", roles.EDITOR)


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def topic(home):
    topic = TopicPage(title="Sức khỏe", slug="suc-khoe", show_in_menus=True)
    home.add_child(instance=topic)
    topic.save_revision().publish()
    return topic


@pytest.fixture
def make_article(topic, unit, contributor_user):
    """Create an article draft (published when publish=True) by the contributor."""

    def make(title="Phòng chống sốt xuất huyết", lead="Diệt lăng quăng mỗi tuần.", paragraphs=None, publish=False):
        article = services.article_create(
            topic=topic,
            title=title,
            lead=lead,
            paragraphs=paragraphs or ["Muỗi vằn đẻ trứng ở nơi nước đọng."],
            unit=unit,
            contributors=[contributor_user.contributor_profile],
            owner=contributor_user,
        )
        if publish:
            services.article_publish(article=article, user=None)
            article.refresh_from_db()
        return article

    return make


class ProcessDatabase:
    """A migrated database that separate processes (workers, servers) share, outside pytest's own test
    database: a SQLite file, or on PostgreSQL (DATABASE_URL set) a database on the same server.
    `reset()` puts the freshly migrated copy back."""

    def __init__(self, folder, name: str, extra_env: dict | None = None):
        import subprocess
        import sys

        self.folder, self.name = folder, name
        base_url = os.environ.get("DATABASE_URL", "")
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
            **scratch_folders(folder),
            **(extra_env or {}),
        }
        if base_url:
            self.server_url = base_url.rsplit("/", 1)[0]
            self._admin(f'DROP DATABASE IF EXISTS "{name}_template" WITH (FORCE)', f'CREATE DATABASE "{name}_template"')
            self.env["DATABASE_URL"] = f"{self.server_url}/{name}_template"
        else:
            self.server_url = ""
            self.env["CITYDESK_SQLITE_PATH"] = str(folder / f"{name}.sqlite3")
        migrated = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=settings.BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
        )
        assert migrated.returncode == 0, migrated.stderr[-2000:]
        if base_url:
            self.env["DATABASE_URL"] = f"{self.server_url}/{name}"
        else:
            self.template = folder / f"{name}.template"
            self.template.write_bytes((folder / f"{name}.sqlite3").read_bytes())

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def reset(self) -> None:
        if self.server_url:
            self._admin(
                f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
                f'CREATE DATABASE "{self.name}" TEMPLATE "{self.name}_template"',
            )
        else:
            (self.folder / f"{self.name}.sqlite3").write_bytes(self.template.read_bytes())


# Browser tests: Debian's Chromium driven by Playwright; no browser is downloaded.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CITYDESK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium); CI requires it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def totp_now(key: bytes | str, *, ahead: int = 0) -> str:
    """The code an authenticator app shows for this secret (base32 text, or the raw key), `ahead`
    30-second steps from now (RFC 6238, 6 digits; django-otp accepts one step either side)."""
    import base64
    import time

    from django_otp.oath import TOTP

    if isinstance(key, str):
        key = base64.b32decode(key + "=" * (-len(key) % 8))
    generator = TOTP(key, step=30, t0=0, digits=6, drift=0)
    generator.time = time.time() + 30 * ahead
    return f"{generator.token():06d}"


def log_in(browser, base_url: str, username: str, password: str):
    """A fresh browser session logged into the admin as username, through the second step when the
    user's role needs it: the set-up page's secret goes into "the app" (totp_now), its code back."""
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/admin/2fa/setup/" in page.url:
        page.fill("input[name=code]", totp_now(page.inner_text("#totp-secret").strip()))
        page.click("main form button[type=submit]")
        page.click("#recovery-codes ~ p a.button")
    elif "/admin/2fa/verify/" in page.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # The app set up earlier in this test: the next step's code (this step's may be used already).
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("input[name=code]", totp_now(device.bin_key, ahead=1))
        page.click("main form button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return page
