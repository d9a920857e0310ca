"""Production settings refuse unsafe combinations of the environment and name the variable to set
(`manage.py check`, which `serve` and `migrate` run first), in a separate process as an operator runs it."""

import pytest

from citydesk.core.tests.test_production_settings import PRODUCTION, check


def test_a_safe_production_environment_passes():
    result = check({**PRODUCTION, "CITYDESK_METRICS_TOKEN": "m" * 32, "CITYDESK_METRICS_ALLOWED_IPS": "10.0.0.5"})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("unsafe", "names"),
    [
        (
            {"CITYDESK_EMAIL_USER": "u", "CITYDESK_EMAIL_PASSWORD": "p", "CITYDESK_EMAIL_SECURITY": "none"},
            "CITYDESK_EMAIL_SECURITY",
        ),
        ({"CITYDESK_CACHE_URL": "locmem://"}, "CITYDESK_CACHE_URL"),
        ({"CITYDESK_2FA_REQUIRED": "0"}, "CITYDESK_2FA_REQUIRED"),
        ({"CITYDESK_BASE_URL": "http://thongtin.danang.example"}, "CITYDESK_BASE_URL"),
        ({"CITYDESK_METRICS_TOKEN": "short"}, "CITYDESK_METRICS_TOKEN"),
        ({"CITYDESK_METRICS_ALLOWED_IPS": "0.0.0.0/0"}, "CITYDESK_METRICS_ALLOWED_IPS"),
        (
            {
                "CITYDESK_MEDIA_STORAGE": "s3",
                "CITYDESK_S3_BUCKET": "b",
                "CITYDESK_S3_ENDPOINT_URL": "http://s3.example",
            },
            "CITYDESK_S3_ENDPOINT_URL",
        ),
    ],
)
def test_an_unsafe_combination_is_refused_naming_the_variable(unsafe, names):
    result = check({**PRODUCTION, **unsafe})
    assert result.returncode != 0
    assert f"Set {names}" in result.stderr
