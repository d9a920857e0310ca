"""Publishing purges the affected URLs from a real Varnish (Debian's) started on 127.0.0.1 by the test."""

import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from citydesk.core.processes import free_port
from citydesk.newsroom.models import ArticlePage

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"

VCL = """vcl 4.1;
backend default { .host = "127.0.0.1"; .port = "%(backend_port)d"; }
acl purgers { "127.0.0.1"; }
sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) { return (synth(405, "Not allowed")); }
        return (purge);
    }
}
"""


@pytest.fixture
def varnish(live_server):
    if not os.path.exists(VARNISHD):
        if os.environ.get("CITYDESK_REQUIRE_VARNISH") == "1":
            pytest.fail("varnishd not found; install Debian's varnish package")
        pytest.skip("Varnish is not installed (apt-get install varnish); CI requires it")
    backend_port = int(live_server.url.rsplit(":", 1)[1])
    port = free_port()
    # Not under pytest's tmp_path: its parents are private to this user, and varnishd reads the VCL and
    # its work folder as its own unprivileged users.
    folder = Path(tempfile.mkdtemp(prefix="citydesk-varnish-"))
    folder.chmod(0o755)
    vcl = folder / "default.vcl"
    vcl.write_text(VCL % {"backend_port": backend_port})
    vcl.chmod(0o644)
    log = (folder / "varnishd.log").open("wb")
    process = subprocess.Popen(
        [VARNISHD, "-F", "-a", f"127.0.0.1:{port}", "-f", str(vcl), "-n", str(folder / "work"), "-s", "malloc,32m"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(_request(url, "/"), timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"varnishd did not start: {(folder / 'varnishd.log').read_text()[-2000:]}")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()
    shutil.rmtree(folder, ignore_errors=True)


def _request(base: str, path: str) -> urllib.request.Request:
    # The public host name, as the CDN would forward it: Wagtail purges by the Site's host.
    return urllib.request.Request(base + path, headers={"Host": "localhost"})


def fetch(base: str, path: str) -> tuple[str, bool]:
    """The page through Varnish, and whether Varnish answered from its cache (Age > 0 or two xids)."""
    with urllib.request.urlopen(_request(base, path), timeout=10) as response:
        from_cache = len(response.headers.get("X-Varnish", "").split()) == 2
        return response.read().decode(), from_cache


def test_publishing_purges_the_article_and_its_listings_from_varnish(varnish, settings, transactional_db, make_article):
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": varnish}
    }
    article = make_article(title="Lịch cắt điện tuần này", publish=True)
    path = article.url
    fetch(varnish, path)
    fetch(varnish, "/")
    html, from_cache = fetch(varnish, path)
    assert from_cache and "Lịch cắt điện tuần này" in html
    assert fetch(varnish, "/")[1]

    article = ArticlePage.objects.get(pk=article.pk)
    article.title = "Lịch cắt điện tuần này (đã cập nhật)"
    article.save_revision().publish()  # a real commit: the purge runs after it

    html, from_cache = fetch(varnish, path)
    assert not from_cache and "(đã cập nhật)" in html
    home, from_cache = fetch(varnish, "/")
    assert not from_cache and "(đã cập nhật)" in home


def test_unpublishing_purges_the_page_from_varnish(varnish, settings, transactional_db, make_article):
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": varnish}
    }
    article = make_article(title="Thông báo sẽ được gỡ", publish=True)
    path = article.url
    fetch(varnish, path)
    assert fetch(varnish, path)[1]
    ArticlePage.objects.get(pk=article.pk).unpublish()
    with pytest.raises(urllib.error.HTTPError) as gone:
        fetch(varnish, path)
    assert gone.value.code == 404


def test_moving_purges_the_old_address_from_varnish(varnish, settings, transactional_db, make_article, home):
    from citydesk.newsroom.models import TopicPage

    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": varnish}
    }
    other = TopicPage(title="Thời tiết", slug="thoi-tiet", show_in_menus=True)
    home.add_child(instance=other)
    other.save_revision().publish()
    article = make_article(title="Triều cường chiều nay", publish=True)
    old_path = article.url
    fetch(varnish, old_path)
    assert fetch(varnish, old_path)[1]
    ArticlePage.objects.get(pk=article.pk).move(TopicPage.objects.get(pk=other.pk), pos="last-child")
    with pytest.raises(urllib.error.HTTPError) as gone:
        fetch(varnish, old_path)
    assert gone.value.code == 404
    new_path = ArticlePage.objects.get(pk=article.pk).url
    assert new_path.startswith("/thoi-tiet/")
    assert "Triều cường chiều nay" in fetch(varnish, new_path)[0]
