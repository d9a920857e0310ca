"""Issue 18, finding 5: citydesk behind a real reverse proxy. Debian's nginx terminates TLS in front of
two waitress processes started as `manage.py serve` starts them, with production settings.

Before the fix waitress dropped X-Forwarded-Proto (an HTTPS request was redirected to HTTPS again,
forever) and every citizen had the proxy's address (one tip limit for the whole city); each process
counted in its own memory.
"""

import io
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.test import override_settings
from requests.adapters import HTTPAdapter

from citydesk.conftest import ProcessDatabase
from citydesk.core.management.commands.serve import web_command
from citydesk.core.processes import ROOT, free_port
from citydesk.core.tests.certificates import self_signed_certificate

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TIP_FORM = "/hoi-dap-kiem-chung/"

# deploy/nginx/citydesk.conf inside the smallest nginx.conf that runs as an ordinary user.
NGINX_CONF = """
{user}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    {site}
}}
"""
SITE = ROOT / "deploy" / "nginx" / "citydesk.conf"


def site_config(tmp: Path, upstreams: str, https_port: int, http_port: int) -> str:
    """The deployed site file with this test's ports, certificate, folders and host name."""
    text = SITE.read_text()
    for old, new in {
        "server 127.0.0.1:8000;": upstreams,
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "citydesk.example.vn": "localhost",
        "/etc/ssl/citydesk/fullchain.pem": str(tmp / "cert.pem"),
        "/etc/ssl/citydesk/privkey.pem": str(tmp / "key.pem"),
        "/srv/citydesk/var/": f"{tmp}/var/",
        "/var/www/letsencrypt": str(tmp / "acme"),
    }.items():
        assert old in text, f"{old!r} is no longer in {SITE}: update this test with it"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def nginx_binary():
    if not os.path.exists(NGINX):
        if os.environ.get("CITYDESK_REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
            pytest.fail(f"nginx not found at {NGINX}; install Debian's nginx package")
        pytest.skip("nginx is not installed (apt-get install nginx); CI requires it")
    return NGINX


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}: {log.read_text()[-3000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"nothing listens on {port}: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def proxied_citydesk(nginx_binary, tmp_path_factory):
    """nginx on 127.0.0.1 (HTTPS and plain HTTP) in front of two waitress processes sharing a database;
    one set-up for the module (each test uses its own client addresses)."""
    tmp_path = tmp_path_factory.mktemp("proxy")
    database = ProcessDatabase(tmp_path, "proxy")
    database.reset()  # on PostgreSQL the migrated copy is a template until then
    env = {
        **database.env,
        "DJANGO_SETTINGS_MODULE": "citydesk.core.tests.proxy_settings",
        "CITYDESK_SECRET_KEY": secrets.token_urlsafe(60),
        "CITYDESK_ALLOWED_HOSTS": "localhost",
        "CITYDESK_TRUSTED_PROXY": "127.0.0.1",
        "CITYDESK_TRUSTED_PROXY_COUNT": "1",
        "CITYDESK_TIP_RATE_LIMIT": "3",
        "CITYDESK_MATCHING": "0",
        # The folders deploy/nginx/citydesk.conf serves (its /srv/citydesk/var/, moved here).
        "CITYDESK_STATIC_ROOT": str(tmp_path / "var" / "static"),
        "CITYDESK_MEDIA_ROOT": str(tmp_path / "var" / "media"),
        "CITYDESK_SERVE_MEDIA": "0",
        "CITYDESK_ACCESS_LOG_CLIENT_IP": "1",
    }
    processes = []
    try:
        web_ports = [free_port(), free_port()]
        for number, port in enumerate(web_ports):
            log = tmp_path / f"waitress-{number}.log"
            # What the operator sets; web_command (manage.py serve) reads it.
            with override_settings(CITYDESK_TRUSTED_PROXY="127.0.0.1", CITYDESK_TRUSTED_PROXY_COUNT=1):
                command = web_command(f"127.0.0.1:{port}", 4)
            assert "--trusted-proxy=127.0.0.1" in command
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
            processes.append(process)
            wait_for_port(port, process, log)
        certificate, _key = self_signed_certificate(tmp_path)
        https_port, http_port = free_port(), free_port()
        upstreams = " ".join(f"server 127.0.0.1:{port};" for port in web_ports)
        site = site_config(tmp_path, upstreams, https_port, http_port)
        # Started as root (CI), nginx's worker would drop to "nobody" and could not buffer large bodies in
        # the test's private temporary folder; a deployment runs it as the distribution sets it up.
        user = "user root root;" if os.geteuid() == 0 else ""
        conf = NGINX_CONF.format(tmp=tmp_path, site=site, user=user)
        (tmp_path / "nginx.conf").write_text(conf)
        log = tmp_path / "nginx.out"
        nginx = subprocess.Popen(
            [nginx_binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(nginx)
        wait_for_port(https_port, nginx, log)
        yield {
            "https": f"https://localhost:{https_port}",
            "http": f"http://localhost:{http_port}",
            "ca": certificate,
            "folder": tmp_path,
        }
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


class FromAddress(HTTPAdapter):
    """Connect from a given loopback address (127.0.0.2, 127.0.0.3, …): another citizen for nginx."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def citizen(site: dict, address: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no HTTP proxy or CA bundle from the environment: straight to nginx
    session.verify = str(site["ca"])
    for scheme in ("https://", "http://"):
        session.mount(scheme, FromAddress(address))
    return session


def send_tip(session: requests.Session, site: dict, **headers) -> int:
    """The tip form as a browser sends it (CSRF cookie and token, Referer), with an empty text: the
    rate limit counts it before the form is checked (400), and answers 429 once over the limit."""
    url = site["https"] + TIP_FORM
    form = session.get(url, timeout=30)
    assert form.status_code == 200
    token = form.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = session.post(
        url, data={"csrfmiddlewaretoken": token, "text": ""}, headers={"Referer": url, **headers}, timeout=30
    )
    return response.status_code


def test_https_through_the_proxy_is_served_not_redirected_again(proxied_citydesk):
    site = proxied_citydesk
    browser = citizen(site, "127.0.0.2")
    response = browser.get(site["https"] + TIP_FORM, allow_redirects=False, timeout=30)
    assert response.status_code == 200  # before: 301 to the same https address, again and again
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "Secure" in response.headers["Set-Cookie"]  # the CSRF cookie: the request was seen as HTTPS
    plain = browser.get(site["http"] + TIP_FORM, allow_redirects=False, timeout=30)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")


def test_citizens_behind_the_proxy_have_their_own_tip_limit_in_every_process(proxied_citydesk):
    site = proxied_citydesk
    first, second = citizen(site, "127.0.0.2"), citizen(site, "127.0.0.3")
    # nginx sends the requests to both web processes in turn; the count is shared.
    assert [send_tip(first, site) for _ in range(3)] == [400, 400, 400]
    assert send_tip(first, site) == 429
    assert send_tip(second, site) == 400  # another address, its own limit (before: the proxy's, shared)


def test_a_forged_forwarded_for_does_not_escape_the_limit(proxied_citydesk):
    site = proxied_citydesk
    forger = citizen(site, "127.0.0.4")
    for _ in range(3):
        send_tip(forger, site)
    for forged in ("203.0.113.9", "127.0.0.5", "203.0.113.9, 127.0.0.5"):
        assert send_tip(forger, site, **{"X-Forwarded-For": forged}) == 429


def noise_png(size: int) -> bytes:
    """A valid PNG of random pixels (it does not compress) of about size bytes."""
    from PIL import Image

    side = int((size / 3) ** 0.5)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def test_a_photo_at_the_tip_form_size_limit_passes_nginx_and_is_stored(proxied_citydesk):
    site = proxied_citydesk
    browser = citizen(site, "127.0.0.6")
    url = site["https"] + TIP_FORM
    photo = noise_png(10 * 1024 * 1024 - 64 * 1024)
    assert 10 * 1024 * 1024 - 128 * 1024 < len(photo) <= 10 * 1024 * 1024  # CITYDESK_TIP_MAX_IMAGE_BYTES
    token = browser.get(url, timeout=30).text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = browser.post(
        url,
        data={"csrfmiddlewaretoken": token, "text": "Ảnh chụp cầu Thuận Phước bị nứt, có thật không?"},
        files={"image": ("cau.png", photo, "image/png")},
        headers={"Referer": url},
        timeout=120,
    )
    assert response.status_code == 200, response.text[:500]
    assert 'name="csrfmiddlewaretoken"' not in response.text  # the thank-you page, not the form again
    too_large = browser.post(
        url, data={"csrfmiddlewaretoken": token}, files={"image": ("x.png", b"0" * (12 * 1024 * 1024))}, timeout=120
    )
    assert too_large.status_code == 413
    assert "nginx" in too_large.text  # refused at the door, never read by a web process


def test_static_and_media_files_are_served_by_nginx(proxied_citydesk):
    site = proxied_citydesk
    static = site["folder"] / "var" / "static" / "citydesk"
    static.mkdir(parents=True, exist_ok=True)
    (static / "site.0123abcd.css").write_text("body { color: #123; }")
    media = site["folder"] / "var" / "media" / "original_images"
    media.mkdir(parents=True, exist_ok=True)
    (media / "cau-rong.jpg").write_bytes(b"\xff\xd8 jpeg")
    browser = citizen(site, "127.0.0.2")
    css = browser.get(site["https"] + "/static/citydesk/site.0123abcd.css", timeout=30)
    assert css.status_code == 200 and css.text == "body { color: #123; }"
    assert css.headers["Content-Type"] == "text/css"
    assert "max-age=2592000" in css.headers["Cache-Control"] and "X-Request-ID" not in css.headers  # not Django
    image = browser.get(site["https"] + "/media/original_images/cau-rong.jpg", timeout=30)
    assert image.status_code == 200 and image.content == b"\xff\xd8 jpeg"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert browser.get(site["https"] + "/media/../private/x", timeout=30).status_code in {400, 404}


def test_the_access_log_names_the_client_nginx_saw_not_a_forged_one(proxied_citydesk):
    site = proxied_citydesk
    browser = citizen(site, "127.0.0.7")
    response = browser.get(
        site["https"] + "/healthz?token=do-not-log-me", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=30
    )
    assert response.status_code == 200
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, carried through
    logs = "".join(path.read_text() for path in site["folder"].glob("waitress-*.log"))
    [line] = [line for line in logs.splitlines() if request_id in line]
    assert line.endswith(" 127.0.0.7") and "GET /healthz 200" in line
    assert "203.0.113.9" not in line and "do-not-log-me" not in logs
