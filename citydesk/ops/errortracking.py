"""Optional error tracking with Sentry (or a compatible server such as GlitchTip), from the environment:
CITYDESK_SENTRY_DSN turns it on. No personal data is sent: send_default_pii off (no cookies, no user,
no client address), no local variables in stack frames, the request's body and query string dropped
(citizens' tips, sign-in tokens), and every header or field named like a secret scrubbed."""

from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

EXTRA_DENYLIST = ["reply_handle", "token_encrypted", "refresh_token", "app_secret", "secret_key", "dsn", "email"]


def _drop_request_content(event, hint):
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "query_string", "cookies", "env"):
            request.pop(key, None)
        url = request.get("url")
        if isinstance(url, str):
            request["url"] = url.split("?", 1)[0]
    return event


def init(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        send_default_pii=False,
        # Local variables hold requests (their repr has the query string), citizens' texts and tokens.
        include_local_variables=False,
        event_scrubber=EventScrubber(
            denylist=[*DEFAULT_DENYLIST, *EXTRA_DENYLIST], pii_denylist=DEFAULT_PII_DENYLIST, recursive=True
        ),
        before_send=_drop_request_content,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration()],
        max_request_body_size="never",
    )
