"""Issue 18, finding 5: citydesk behind a real reverse proxy. Debian's nginx terminates TLS in front of
two waitress processes started as `manage.py serve` starts them, with production settings.

Before the fix waitress dropped X-Forwarded-Proto (an HTTPS request was redirected to HTTPS again,
forever) and every citizen had the proxy's address (one tip limit for the whole city); each process
counted in its own memory.
"""

import datetime
import os
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

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TIP_FORM = "/hoi-dap-kiem-chung/"

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream citydesk {{ {upstreams} }}
    server {{
        listen 127.0.0.1:{https_port} ssl;
        listen 127.0.0.1:{http_port};
        server_name localhost;
        ssl_certificate {tmp}/cert.pem;
        ssl_certificate_key {tmp}/key.pem;
        location / {{
            proxy_pass http://citydesk;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def nginx_binary():
    if not os.path.exists(NGINX):
        if os.environ.get("CITYDESK_REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
            pytest.fail(f"nginx not found at {NGINX}; install Debian's nginx package")
        pytest.skip("nginx is not installed (apt-get install nginx); CI requires it")
    return NGINX


def self_signed_certificate(folder: Path) -> Path:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "cert.pem"


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
    env = {
        **database.env,
        "DJANGO_SETTINGS_MODULE": "citydesk.core.tests.proxy_settings",
        "CITYDESK_SECRET_KEY": secrets.token_urlsafe(60),
        "CITYDESK_ALLOWED_HOSTS": "localhost",
        "CITYDESK_TRUSTED_PROXY": "127.0.0.1",
        "CITYDESK_TRUSTED_PROXY_COUNT": "1",
        "CITYDESK_TIP_RATE_LIMIT": "3",
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
        certificate = self_signed_certificate(tmp_path)
        https_port, http_port = free_port(), free_port()
        upstreams = " ".join(f"server 127.0.0.1:{port};" for port in web_ports)
        conf = NGINX_CONF.format(tmp=tmp_path, upstreams=upstreams, https_port=https_port, http_port=http_port)
        (tmp_path / "nginx.conf").write_text(conf)
        log = tmp_path / "nginx.out"
        nginx = subprocess.Popen(
            [nginx_binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(nginx)
        wait_for_port(https_port, nginx, log)
        yield {"https": f"https://localhost:{https_port}", "http": f"http://localhost:{http_port}", "ca": certificate}
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
