"""The codec is the edge: every frame becomes one typed message or one ProtocolError."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_desktop.protocol.codec import (
    MAX_MESSAGE_BYTES,
    ProtocolError,
    decode_client,
    decode_server,
    encode,
    negotiate,
)
from agent_desktop.protocol.messages import (
    AcceptOffer,
    ClientMessage,
    CreateWork,
    Error,
    Hello,
    Login,
    OfferAdded,
    SendMessage,
)
from agent_desktop.protocol.model import Customer, Notification, Offer, TemplateField, WorkItem
from agent_desktop.protocol.vocabulary import (
    Channel,
    ErrorCode,
    NotificationKind,
    OfferId,
    QueueId,
    SessionId,
    UserId,
    WorkId,
)


def _offer() -> Offer:
    return Offer(
        offer_id=OfferId("O1"),
        work=WorkItem(
            work_id=WorkId("W1001"),
            channel=Channel.CHAT,
            queue=QueueId("chat"),
            customer=Customer(name="Ana Lima"),
        ),
        agent=UserId("alice"),
        notification=Notification(
            kind=NotificationKind.ALERT,
            title="Incoming chat",
            fields=[TemplateField(label="Customer", value="Ana Lima")],
            accept_label="Accept",
            reject_label="Reject",
            wait_time_s=120,
            show_timeout=True,
        ),
        offered_at=100.0,
        expires_at=220.0,
    )


def test_client_messages_round_trip() -> None:
    messages: list[ClientMessage] = [
        Hello(id="1", versions=[1]),
        Login(id="2", user="alice", password="demo"),
        AcceptOffer(id="3", offer_id=OfferId("O1")),
        SendMessage(id="4", session_id=SessionId("S1"), text="hello", client_msg_id="m1"),
        CreateWork(id="5", channel=Channel.SMS, queue=QueueId("sms"), phone="+1 555 0100"),
    ]
    for message in messages:
        assert decode_client(encode(message)) == message


def test_server_event_round_trips_with_its_nested_values() -> None:
    event = OfferAdded(offer=_offer())
    decoded = decode_server(encode(event))
    assert decoded == event
    assert isinstance(decoded, OfferAdded)
    assert decoded.offer.rejectable


def test_the_type_tag_is_on_the_wire() -> None:
    assert json.loads(encode(Hello(id="1", versions=[1])))["type"] == "hello"


@pytest.mark.parametrize(
    ("frame", "request_id", "fragment"),
    [
        (b"{nope", None, "not JSON"),
        (b"[1, 2]", None, "Expected `object`"),
        (b'{"type": "fly", "id": "7"}', "7", "Invalid value 'fly'"),
        (b'{"type": "accept_offer", "id": "8", "offer_id": 3}', "8", "$.offer_id"),
        (b'{"type": "accept_offer", "id": "9"}', "9", "missing required field `offer_id`"),
        (b'{"type": "accept_offer", "id": "9", "offer_id": "O1", "x": 1}', "9", "unknown field"),
        (b'{"type": "hello", "versions": [1]}', None, "`id`"),
        (
            b'{"type": "send_message", "id": "a", "session_id": "S1", "text": "",'
            b' "client_msg_id": "m"}',
            "a",
            "length",
        ),
        (b'{"type": "set_presence", "id": "b", "presence": "sleeping"}', "b", "presence"),
    ],
)
def test_bad_frames_are_refused_with_a_clear_reason(
    frame: bytes, request_id: str | None, fragment: str
) -> None:
    with pytest.raises(ProtocolError) as refused:
        decode_client(frame)
    assert refused.value.code is ErrorCode.INVALID_MESSAGE
    assert refused.value.re == request_id
    assert fragment in refused.value.message


def test_an_oversized_frame_is_refused_before_it_is_parsed() -> None:
    text = "x" * MAX_MESSAGE_BYTES
    frame = encode(SendMessage(id="1", session_id=SessionId("S1"), text="y", client_msg_id="m"))
    big = frame.replace(b'"y"', json.dumps(text).encode())
    with pytest.raises(ProtocolError) as refused:
        decode_client(big)
    assert refused.value.code is ErrorCode.MESSAGE_TOO_LARGE


def test_a_bad_server_frame_is_a_protocol_error_on_the_client_too() -> None:
    with pytest.raises(ProtocolError):
        decode_server(b'{"type": "offer_added", "offer": {}}')


def test_an_error_without_a_request_id_encodes_null() -> None:
    error = Error(re=None, code=ErrorCode.INVALID_MESSAGE, message="not JSON")
    assert json.loads(encode(error))["re"] is None


def test_version_negotiation_picks_the_highest_common_version() -> None:
    assert negotiate([1]) == 1
    assert negotiate([1, 2, 3]) == 1
    assert negotiate([2, 3]) is None


@given(st.binary(max_size=512))
def test_arbitrary_bytes_never_escape_as_anything_but_a_protocol_error(frame: bytes) -> None:
    codes: list[ErrorCode] = []
    try:
        decode_client(frame)
    except ProtocolError as refused:
        codes.append(refused.code)
    assert set(codes) <= {ErrorCode.INVALID_MESSAGE, ErrorCode.MESSAGE_TOO_LARGE}
