"""Property tests: the webhook parsers and signature check accept anything without crashing."""

import json

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from citydesk.intake import telegram, zalo
from citydesk.intake.official import parse_query

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)
message_like = st.fixed_dictionaries(
    {
        "update_id": st.integers(),
        "message": st.dictionaries(
            st.sampled_from(
                ["text", "caption", "chat", "photo", "document", "entities", "from", "message_id", "sticker"]
            ),
            json_values,
            max_size=6,
        ),
    }
)


@given(st.one_of(json_values, message_like))
@hypothesis_settings(max_examples=300, deadline=None)
def test_telegram_parser_only_raises_parse_error(data):
    try:
        result = telegram.parse_update(data)
    except telegram.ParseError:
        return
    assert result is None or isinstance(result, telegram.Incoming)


@given(
    st.one_of(
        json_values,
        st.fixed_dictionaries(
            {
                "event_name": st.sampled_from(sorted(zalo.MESSAGE_EVENTS | zalo.UNSUPPORTED_EVENTS) + ["follow"]),
                "sender": json_values,
                "message": json_values,
            }
        ),
    )
)
@hypothesis_settings(max_examples=300, deadline=None)
def test_zalo_parser_only_raises_parse_error(data):
    try:
        result = zalo.parse_event(data)
    except telegram.ParseError:
        return
    assert result is None or isinstance(result, telegram.Incoming)


@given(st.binary(max_size=200), st.text(max_size=80))
@hypothesis_settings(max_examples=200, deadline=None)
def test_zalo_signature_check_never_crashes(body, header):
    from django.conf import settings

    settings.CITYDESK_ZALO_OA_SECRET_KEY = "k"
    try:
        assert zalo.signature_ok(body, header) in (True, False)
    finally:
        settings.CITYDESK_ZALO_OA_SECRET_KEY = ""


@given(st.text(max_size=200))
@hypothesis_settings(max_examples=300, deadline=None)
def test_official_query_parser_never_crashes(text):
    query = parse_query(text)
    assert query.kind is None or query.key


def test_a_message_id_that_is_not_a_number_is_not_replied_to():
    update = {"update_id": 1, "message": {"message_id": "x", "chat": {"id": 3, "type": "private"}, "text": "a"}}
    assert telegram.parse_update(update).message_id == ""


def test_telegram_update_round_trips_through_json():
    update = {"update_id": 1, "message": {"message_id": 2, "chat": {"id": 3, "type": "private"}, "text": "xin chào"}}
    assert telegram.parse_update(json.loads(json.dumps(update))).text == "xin chào"
