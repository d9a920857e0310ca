"""Outgoing webhooks against a local receiver: signed, retried after a 500, switched off, never private."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from citydesk.api import services, webhooks
from citydesk.api.models import WebhookDelivery, WebhookEndpoint
from citydesk.desk import services as desk

from .conftest import bearer


class Receiver:
    """A partner's endpoint on 127.0.0.1 that answers with the next status in `answers` (then 200)."""

    def __init__(self, answers=()):
        self.answers, self.received = list(answers), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(outer.answers.pop(0) if outer.answers else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    made = []

    def make(answers=()):
        found = Receiver(answers)
        settings.CITYDESK_FETCH_ALLOW_LOOPBACK_PORTS = [found.port]
        made.append(found)
        return found

    yield make
    for found in made:
        found.close()


def test_publishing_sends_a_signed_event_that_verifies(
    client, receiver, make_key, proposed_claim, lead, django_capture_on_commit_callbacks
):
    hook = receiver()
    _key, value = make_key()
    created = client.post(
        "/api/v1/webhooks/",
        {"url": hook.url, "events": ["clarification.published"]},
        content_type="application/json",
        **bearer(value),
    ).json()
    with django_capture_on_commit_callbacks(execute=True):  # tests run jobs inline
        desk.verdict_approve(claim=proposed_claim, approver=lead)
    [(headers, body)] = hook.received
    timestamp = headers["X-Citydesk-Timestamp"]
    expected = hmac.new(created["secret"].encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Citydesk-Signature"], "sha256=" + expected)
    event = json.loads(body)
    assert event["event"] == "clarification.published"
    assert event["data"]["claim"] == proposed_claim.statement
    assert WebhookDelivery.objects.get().status == "sent"


def test_a_500_is_retried_with_backoff(receiver, make_key, proposed_claim, lead, django_capture_on_commit_callbacks):
    hook = receiver(answers=[500])
    key, _value = make_key()
    services.webhook_register(key=key, url=hook.url, events=["clarification.published"])
    with django_capture_on_commit_callbacks(execute=True):
        desk.verdict_approve(claim=proposed_claim, approver=lead)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.last_status_code == 500
    assert delivery.next_attempt_at > timezone.now()
    assert webhooks.deliver_due() == 0  # not due yet
    assert webhooks.deliver_due(now=delivery.next_attempt_at + timedelta(seconds=1)) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2 and len(hook.received) == 2


def test_an_endpoint_failing_too_often_is_switched_off_and_its_owner_told(
    receiver, make_key, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.CITYDESK_WEBHOOK_MAX_FAILURES = 3
    hook = receiver(answers=[500] * 10)
    key, _value = make_key()
    endpoint, _secret = services.webhook_register(key=key, url=hook.url, events=["clarification.published"])
    for number in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.event_enqueue(event="clarification.published", data={"n": number})
    endpoint.refresh_from_db()
    assert endpoint.is_active is False and endpoint.consecutive_failures == 3
    assert len(hook.received) == 3  # the fourth event found the endpoint switched off
    [mail] = mailoutbox
    assert mail.to == [key.contact_email] and hook.url in mail.subject


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/hook", "http://10.0.0.5/hook", "http://169.254.169.254/latest", "http://localhost/x"]
)
def test_private_addresses_are_refused_at_registration(client, make_key, url):
    _key, value = make_key()
    response = client.post(
        "/api/v1/webhooks/",
        {"url": url, "events": ["clarification.published"]},
        content_type="application/json",
        **bearer(value),
    )
    assert response.status_code == 400
    assert not WebhookEndpoint.objects.exists()


def test_nothing_is_sent_to_a_name_that_resolves_to_a_private_address(
    make_key, django_capture_on_commit_callbacks, monkeypatch
):
    import socket

    key, _value = make_key()
    # Registered while it looked public; at sending time the name resolves to a private address.
    private = [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("10.0.0.5", 80))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: private)
    _endpoint, _secret = services.webhook_register(
        key=key, url="http://localtest.me/hook", events=["clarification.published"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhooks.event_enqueue(event="clarification.published", data={})
    delivery.refresh_from_db()
    assert delivery.status == "gave_up" and delivery.last_error == "blocked"
