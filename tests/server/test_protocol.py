"""server/protocol.py: parsing and serializing, cited against PROTOCOL.md."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.errors import InvalidFrame, InvalidJSON, ProtocolError, TooLarge, UnknownType
from server.protocol import (
    MAX_CONTENT_CHARS,
    MAX_FRAME_BYTES,
    ChatMessage,
    Error,
    Hello,
    HistoryPage,
    HistoryRequest,
    Post,
    Presence,
    Typing,
    TypingNotice,
    Welcome,
    check_name,
    parse_client_frame,
    parse_server_frame,
    room_from_path,
)


@pytest.mark.parametrize(
    ("path", "room"),
    [
        ("/", "lobby"),
        ("/r/team", "team"),
        ("/r/a.b_c-9", "a.b_c-9"),
        ("/r/team?x=1", "team"),
        ("/r/" + "x" * 64, "x" * 64),
        ("/r/" + "x" * 65, None),
        ("/r/", None),
        ("/r/a/b", None),
        ("/r/sp ace", None),
        ("/rooms/team", None),
        ("/healthz", None),
    ],
)
def test_room_from_path(path: str, room: str | None) -> None:
    # PROTOCOL.md, Transport: one room per URL path.
    assert room_from_path(path) == room


def test_hello_all_fields() -> None:
    frame = parse_client_frame(
        '{"type":"hello","name":"alice","password":"pw","since":7,"token":"t","client":"x/1"}'
    )
    assert frame == Hello(name="alice", password="pw", since=7, token="t", client="x/1")


def test_hello_without_fields_is_a_guest_hello() -> None:
    assert parse_client_frame('{"type":"hello"}') == Hello()


def test_message_and_unknown_fields_ignored() -> None:
    frame = parse_client_frame(
        '{"type":"message","content":"hi","id":"c1","from":"mallory","seq":9}'
    )
    # PROTOCOL.md: unknown extra fields are ignored, never relayed.
    assert frame == Post(content="hi", id="c1")


def test_typing_and_history() -> None:
    assert parse_client_frame('{"type":"typing"}') == Typing()
    assert parse_client_frame('{"type":"history","before":10,"limit":200}') == HistoryRequest(
        before=10, limit=200
    )
    assert parse_client_frame('{"type":"history"}') == HistoryRequest(before=None, limit=50)


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        (
            "{",
            InvalidJSON,
            "invalid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        ("NaN", InvalidJSON, "invalid JSON: NaN is not valid JSON"),
        ("[1]", InvalidFrame, "a frame must be a JSON object, got array"),
        ('"hi"', InvalidFrame, "a frame must be a JSON object, got string"),
        ("{}", InvalidFrame, "frame has no 'type' field"),
        ('{"type":5}', InvalidFrame, "'type' must be a string, got number"),
        ('{"type":"shout"}', UnknownType, 'unknown frame type "shout"'),
        ('{"type":"message"}', InvalidFrame, "message.content is required"),
        (
            '{"type":"message","content":""}',
            InvalidFrame,
            "message.content must be at least 1 character(s)",
        ),
        (
            '{"type":"message","content":5}',
            InvalidFrame,
            "message.content must be a string, got number",
        ),
        (
            '{"type":"message","content":"x","id":7}',
            InvalidFrame,
            "message.id must be a string, got number",
        ),
        (
            '{"type":"message","content":"x","id":"' + "i" * 65 + '"}',
            InvalidFrame,
            "message.id is 65 characters, the limit is 64",
        ),
        (
            '{"type":"hello","name":"' + "n" * 33 + '"}',
            InvalidFrame,
            "hello.name is 33 characters, the limit is 32",
        ),
        ('{"type":"hello","name":""}', InvalidFrame, "hello.name must be at least 1 character(s)"),
        (
            '{"type":"hello","name":" bob"}',
            InvalidFrame,
            "hello.name must not start or end with white space",
        ),
        (
            '{"type":"hello","name":"a\\u0007b"}',
            InvalidFrame,
            "hello.name must not contain control characters",
        ),
        ('{"type":"hello","since":-1}', InvalidFrame, "hello.since must be >= 0, got -1"),
        (
            '{"type":"hello","since":true}',
            InvalidFrame,
            "hello.since must be an integer, got boolean",
        ),
        (
            '{"type":"history","before":3,"limit":0}',
            InvalidFrame,
            "history.limit must be 1-200, got 0",
        ),
        (
            '{"type":"history","before":3,"limit":201}',
            InvalidFrame,
            "history.limit must be 1-200, got 201",
        ),
        (
            '{"type":"history","before":"3"}',
            InvalidFrame,
            "history.before must be an integer, got string",
        ),
        (
            '{"type":"message","content":"\\ud800"}',
            InvalidFrame,
            "message.content holds a lone surrogate (invalid Unicode)",
        ),
    ],
)
def test_bad_client_frames(text: str, error: type[ProtocolError], message: str) -> None:
    with pytest.raises(error) as info:
        parse_client_frame(text)
    assert str(info.value) == message
    assert type(info.value) is error


def test_error_carries_ref_and_type() -> None:
    # PROTOCOL.md, error: ref is the offending frame's id when it had one.
    with pytest.raises(InvalidFrame) as info:
        parse_client_frame('{"type":"message","content":7,"id":"c-42"}')
    assert info.value.ref == "c-42"
    assert info.value.frame_type == "message"
    assert info.value.code == "invalid_frame"


def test_content_limit_counts_code_points() -> None:
    # 16,384 astral characters: 4 UTF-8 bytes each, still within the limit.
    ok = parse_client_frame(json.dumps({"type": "message", "content": "😀" * MAX_CONTENT_CHARS}))
    assert isinstance(ok, Post)
    assert len(ok.content) == MAX_CONTENT_CHARS
    with pytest.raises(TooLarge) as info:
        parse_client_frame(
            json.dumps({"type": "message", "content": "x" * (MAX_CONTENT_CHARS + 1)})
        )
    assert str(info.value) == "message.content is 16385 characters, the limit is 16384"
    assert info.value.code == "too_large"


def test_longest_valid_message_fits_the_frame_limit_even_fully_escaped() -> None:
    # PROTOCOL.md, Size: 256 KiB is enough for the longest valid message with
    # every character escaped (json.dumps with ensure_ascii escapes as \\uXXXX;
    # astral characters become surrogate pairs, 12 bytes each).
    longest = json.dumps({"type": "message", "content": "😀" * MAX_CONTENT_CHARS, "id": "i" * 64})
    assert len(longest.encode()) <= MAX_FRAME_BYTES
    assert isinstance(parse_client_frame(longest), Post)


def test_deep_nesting_is_invalid_json_not_a_crash() -> None:
    with pytest.raises(InvalidJSON) as info:
        parse_client_frame("[" * 100_000 + "]" * 100_000)
    assert str(info.value) == "invalid JSON: nested too deeply"


def test_bytes_must_be_utf8() -> None:
    with pytest.raises(InvalidJSON) as info:
        parse_client_frame(b'{"type":"typing","x":"\xff"}')
    assert str(info.value) == "frame is not valid UTF-8: invalid start byte at byte 22"


@pytest.mark.parametrize(
    "frame",
    [
        Hello(name="alice", since=3, token="tok", client="roomcast/0.1"),
        Post(content="hello <b>world</b> ✓", id="c1"),
        Typing(),
        HistoryRequest(before=5, limit=20),
    ],
)
def test_client_round_trip(frame: Hello | Post | Typing | HistoryRequest) -> None:
    assert parse_client_frame(frame.serialize()) == frame


SERVER_FRAMES = [
    Welcome(
        room="lobby",
        you="alice",
        token="t",
        members=("alice", "bob"),
        seq=3,
        replay=1,
        truncated=False,
        server="roomcast/0.1.0",
        epoch="0123abcd",
        reset=True,
    ),
    ChatMessage(seq=1, ts="2026-01-01T00:00:00.000Z", sender="alice", content="hi", id="c1"),
    HistoryPage(
        messages=(
            ChatMessage(seq=1, ts="2026-01-01T00:00:00.000Z", sender="a", content="x", id="i"),
        ),
        complete=True,
    ),
    Presence(event="join", name="bob", count=2),
    TypingNotice(sender="bob"),
    Error(code="rate_limited", message="slow down", ref="c9"),
]


@pytest.mark.parametrize("frame", SERVER_FRAMES, ids=lambda f: f.type)
def test_server_round_trip(frame: object) -> None:
    text = frame.serialize()  # type: ignore[attr-defined]
    assert parse_server_frame(text) == frame


def test_server_message_shape() -> None:
    # PROTOCOL.md, Server → client: message has seq, ts, from, content, id.
    frame = ChatMessage(seq=1, ts="2026-01-01T00:00:00.000Z", sender="alice", content="hi", id="c1")
    assert json.loads(frame.serialize()) == {
        "type": "message",
        "seq": 1,
        "ts": "2026-01-01T00:00:00.000Z",
        "from": "alice",
        "content": "hi",
        "id": "c1",
    }


def test_foreign_frames_are_protocol_errors() -> None:
    with pytest.raises(UnknownType):
        parse_server_frame('{"type":"chat","text":"hi"}')
    with pytest.raises(InvalidFrame):
        parse_server_frame('{"msg":"hi"}')


def test_check_name() -> None:
    assert check_name("alice") is None
    assert check_name("Zoë 2") is None
    assert check_name("x" * 33) == "name must be 1-32 characters, got 33"


# PROPERTY: for any text, parsing returns a frame or raises only ProtocolError.

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)
frame_like = st.fixed_dictionaries(
    {"type": st.sampled_from(["hello", "message", "typing", "history", "welcome", "x", ""])},
    optional={
        "name": json_values,
        "content": json_values,
        "id": json_values,
        "since": json_values,
        "before": json_values,
        "limit": json_values,
        "password": json_values,
        "token": json_values,
    },
)


@given(st.text())
def test_any_text_parses_or_raises_protocol_error(text: str) -> None:
    for parse in (parse_client_frame, parse_server_frame):
        try:
            frame = parse(text)
        except ProtocolError:
            continue
        assert frame.type in (
            "hello",
            "message",
            "typing",
            "history",
            "welcome",
            "presence",
            "error",
        )


@given(frame_like)
def test_any_frame_like_object_parses_or_raises_protocol_error(obj: dict[str, object]) -> None:
    text = json.dumps(obj)
    try:
        frame = parse_client_frame(text)
    except ProtocolError as exc:
        assert exc.code in ("invalid_frame", "unknown_type", "too_large", "invalid_json")
        return
    # Whatever parsed serializes again, and the result parses to the same frame.
    assert parse_client_frame(frame.serialize()) == frame


@given(st.binary())
def test_any_bytes_parse_or_raise_protocol_error(data: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        parse_client_frame(data)
