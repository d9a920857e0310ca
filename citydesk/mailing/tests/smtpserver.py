"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd): STARTTLS or TLS from the first byte with a
certificate made here, AUTH LOGIN/PLAIN with one user, every accepted message recorded."""

import ssl
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from citydesk.core.processes import free_port
from citydesk.core.tests.certificates import self_signed_certificate

USER, PASSWORD = "citydesk@mail.danang.gov.vn", "mat-khau-smtp-0123"


@dataclass
class Received:
    login: str
    mail_from: str
    rcpt_tos: list[str]
    message: Message


class Recorder:
    def __init__(self):
        self.received: list[Received] = []

    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else ""
        self.received.append(
            Received(login, envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.original_content))
        )
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


class LocalSMTP:
    """security: "starttls" (plain, then STARTTLS required before AUTH) or "ssl" (TLS from the start)."""

    def __init__(self, folder: Path, security: str):
        self.cert, key = self_signed_certificate(folder, prefix="smtp-")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)
        self.recorder = Recorder()
        self.port = free_port()
        options = {"authenticator": _authenticator, "auth_require_tls": True}
        if security == "ssl":
            # The whole connection is TLS; aiosmtpd counts only STARTTLS as "TLS" for auth_require_tls.
            options["auth_require_tls"] = False
            self.controller = Controller(
                self.recorder, hostname="127.0.0.1", port=self.port, ssl_context=context, **options
            )
        else:
            self.controller = Controller(
                self.recorder,
                hostname="127.0.0.1",
                port=self.port,
                tls_context=context,
                require_starttls=True,
                **options,
            )

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *args):
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.recorder.received
