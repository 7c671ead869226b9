"""server/protocol.py: parsing and serializing, cited against PROTOCOL.md."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roomcast.server.errors import InvalidFrame, InvalidJSON, ProtocolError, TooLarge, UnknownType
from roomcast.server.names import MAX_NAME_CHARS, display_name, name_key
from roomcast.server.protocol import (
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
    plain_post,
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
            "hello.name must not contain control characters (U+0007)",
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


# PROTOCOL.md, Names: one example of each class of character a name may not hold.
REFUSED_NAMES = [
    ("", "name must be 1-32 characters, got 0"),
    (" alice", "name must not start or end with white space"),
    ("alice\u3000", "name must not start or end with white space"),  # IDEOGRAPHIC SPACE
    # Control characters (Cc) and the line and paragraph separators (Zl, Zp).
    ("a\x00b", "name must not contain control characters (U+0000)"),
    ("a\nb", "name must not contain control characters (U+000A)"),
    ("a\x7fb", "name must not contain control characters (U+007F)"),
    ("a\x85b", "name must not contain control characters (U+0085)"),
    ("a\u2028b", "name must not contain control characters (U+2028)"),
    ("a\u2029b", "name must not contain control characters (U+2029)"),
    # Bidirectional controls: every one of them.
    *(
        (
            f"ab{chr(cp)}c",
            f"name must not contain bidirectional control characters (U+{cp:04X})",
        )
        for cp in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
    ),
    # Zero-width and other invisible characters (Default_Ignorable_Code_Point,
    # format characters, blanks).
    ("a\u200bb", "name must not contain invisible characters (U+200B)"),  # ZERO WIDTH SPACE
    ("a\u200cb", "name must not contain invisible characters (U+200C)"),  # ZWNJ
    ("a\u200db", "name must not contain invisible characters (U+200D)"),  # ZWJ
    ("a\u2060b", "name must not contain invisible characters (U+2060)"),  # WORD JOINER
    ("a\u2064b", "name must not contain invisible characters (U+2064)"),  # INVISIBLE PLUS
    ("a\ufeffb", "name must not contain invisible characters (U+FEFF)"),  # BOM
    ("a\u00adb", "name must not contain invisible characters (U+00AD)"),  # SOFT HYPHEN
    ("a\u034fb", "name must not contain invisible characters (U+034F)"),  # CGJ
    ("a\u180eb", "name must not contain invisible characters (U+180E)"),  # MONGOLIAN VS
    ("a\u17b4b", "name must not contain invisible characters (U+17B4)"),  # KHMER INHERENT AQ
    ("a\u206ab", "name must not contain invisible characters (U+206A)"),  # deprecated format
    ("a\ufe0fb", "name must not contain invisible characters (U+FE0F)"),  # VARIATION SELECTOR-16
    ("a\U000e0100b", "name must not contain invisible characters (U+E0100)"),  # VS-17
    ("a\U000e0041b", "name must not contain invisible characters (U+E0041)"),  # TAG LATIN CAPITAL A
    ("a\U000e0001b", "name must not contain invisible characters (U+E0001)"),  # LANGUAGE TAG
    ("a\u115fb", "name must not contain invisible characters (U+115F)"),  # HANGUL CHOSEONG FILLER
    ("a\u1160b", "name must not contain invisible characters (U+1160)"),  # HANGUL JUNGSEONG FILLER
    ("\u3164", "name must not contain invisible characters (U+3164)"),  # HANGUL FILLER
    ("a\uffa0b", "name must not contain invisible characters (U+FFA0)"),  # HALFWIDTH FILLER
    ("a\U0001d173b", "name must not contain invisible characters (U+1D173)"),  # MUSICAL BEGIN BEAM
    ("a\u0600b", "name must not contain invisible characters (U+0600)"),  # ARABIC NUMBER SIGN (Cf)
    ("\u2800", "name must not contain invisible characters (U+2800)"),  # BRAILLE PATTERN BLANK
    # Unassigned, private-use and surrogate code points.
    ("a\u0378b", "name must not contain unassigned, private-use or surrogate code points (U+0378)"),
    ("a\ufff0b", "name must not contain unassigned, private-use or surrogate code points (U+FFF0)"),
    (
        "a\U0010fffeb",
        "name must not contain unassigned, private-use or surrogate code points (U+10FFFE)",
    ),
    ("a\ue000b", "name must not contain unassigned, private-use or surrogate code points (U+E000)"),
    (
        "a\U000f0000b",
        "name must not contain unassigned, private-use or surrogate code points (U+F0000)",
    ),
    ("a\ud800b", "name must not contain unassigned, private-use or surrogate code points (U+D800)"),
]


@pytest.mark.parametrize(("name", "why"), REFUSED_NAMES, ids=repr)
def test_check_name_refuses(name: str, why: str) -> None:
    assert check_name(name) == why


@pytest.mark.parametrize(("name", "why"), REFUSED_NAMES, ids=repr)
def test_hello_with_a_refused_name_is_invalid_frame(name: str, why: str) -> None:
    """The same reasons reach the peer, as ``invalid_frame`` (PROTOCOL.md, Names)."""
    with pytest.raises(InvalidFrame) as info:
        parse_client_frame(json.dumps({"type": "hello", "name": name, "id": "h1"}))
    assert info.value.code == "invalid_frame"
    assert info.value.ref == "h1"
    if "\ud800" in name:  # JSON carries it; the field check names it first
        assert str(info.value) == "hello.name holds a lone surrogate (invalid Unicode)"
    elif name == "":
        assert str(info.value) == "hello.name must be at least 1 character(s)"
    else:
        assert str(info.value) == f"hello.{why}"


@pytest.mark.parametrize(
    ("sent", "given"),
    [
        ("alice", "alice"),
        ("Zoe\u0308", "Zo\u00eb"),  # NFD: e + COMBINING DIAERESIS
        ("Zo\u00eb", "Zo\u00eb"),
        ("\u212bngstr\u00f6m", "\u00c5ngstr\u00f6m"),  # ANGSTROM SIGN is a singleton: Å
        ("\u1100\u1161", "\uac00"),  # conjoining Hangul jamo compose to a syllable
        ("a b", "a b"),  # an inner space is fine
        ("\u0915\u093c", "\u0915\u093c"),  # Devanagari QA stays decomposed (an exclusion)
        ("\u05e9\u05dc\u05d5\u05dd", "\u05e9\u05dc\u05d5\u05dd"),  # Hebrew: RTL letters are fine
        ("\U0001f600 joy", "\U0001f600 joy"),  # an emoji without a variation selector
        ("x" * 32, "x" * 32),
    ],
    ids=repr,
)
def test_a_valid_name_is_given_in_nfc(sent: str, given: str) -> None:
    """PROTOCOL.md, Names: the name a member gets is the NFC form of what it sent."""
    assert check_name(sent) is None
    frame = parse_client_frame(json.dumps({"type": "hello", "name": sent}))
    assert isinstance(frame, Hello)
    assert frame.name == given


def test_the_length_limit_counts_the_nfc_form_too() -> None:
    # U+0958 DEVANAGARI LETTER QA is a composition exclusion: NFC makes it two
    # code points, so 32 of them are 64 characters once normalised.
    assert check_name("\u0958" * 16) is None
    assert check_name("\u0958" * 17) == "name must be 1-32 characters, got 34"


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


# PROTOCOL.md 1.1, Joining: a client that offered no subprotocol speaks like the
# tutorial's; parse_client_frame(plain_text=True) reads it.


@pytest.mark.parametrize(
    "text",
    [
        "Hello, Server!",
        "[1, 2]",
        '"quoted"',
        "42",
        "null",
        '{"content": "no type"}',
        '{"type": 7}',
        '{"type": "nope"}',
        '{"type": "welcome", "room": "x"}',
        "{nope",
        " ",
    ],
)
def test_plain_text_that_is_not_a_known_frame_is_a_message(text: str) -> None:
    with pytest.raises(ProtocolError):
        parse_client_frame(text)
    assert parse_client_frame(text, plain_text=True) == Post(content=text)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('{"type": "message"}', InvalidFrame),  # a known type: its fields count
        ('{"type": "message", "content": ""}', InvalidFrame),
        ('{"type": "hello", "name": 5}', InvalidFrame),
        ("", InvalidFrame),  # an empty message
        ("x" * (MAX_CONTENT_CHARS + 1), TooLarge),  # the content limit
    ],
)
def test_plain_text_keeps_the_limits_and_the_known_types(
    text: str, error: type[ProtocolError]
) -> None:
    with pytest.raises(error):
        parse_client_frame(text, plain_text=True)


def test_plain_text_known_frames_parse_as_usual() -> None:
    frame = '{"type": "message", "content": "hi", "id": "c1"}'
    assert parse_client_frame(frame, plain_text=True) == Post(content="hi", id="c1")
    assert parse_client_frame('{"type": "typing"}', plain_text=True) == Typing()


def test_plain_post_limit_counts_code_points() -> None:
    assert plain_post("\U0001f600" * MAX_CONTENT_CHARS).content == "\U0001f600" * MAX_CONTENT_CHARS
    with pytest.raises(TooLarge, match="16385 characters, the limit is 16384"):
        plain_post("é" * (MAX_CONTENT_CHARS + 1))


def test_plain_text_does_not_apply_to_bytes() -> None:
    with pytest.raises(InvalidJSON):
        parse_client_frame(b"Hello, Server!", plain_text=True)


@given(st.text())
def test_any_plain_text_is_a_frame_a_message_or_a_protocol_error(text: str) -> None:
    try:
        frame = parse_client_frame(text, plain_text=True)
    except ProtocolError as exc:
        assert exc.code in ("invalid_frame", "too_large")
        return
    try:
        strict = parse_client_frame(text)
    except ProtocolError:
        assert frame == Post(content=text)  # not a known frame: posted as it is
    else:
        assert frame == strict  # a known frame: read as roomcast.v1 reads it


# PROTOCOL.md, Names: names compare by NFC, case folding and the UTS #39
# confusable skeleton (server/names.py name_key).
SAME_NAMES = [
    ("alice", "ALICE"),
    ("alice", "Alice"),
    ("alice", "\u0430lice"),  # CYRILLIC SMALL LETTER A
    ("Alice", "\u0410lice"),  # CYRILLIC CAPITAL LETTER A
    ("alice", "al\u0456ce"),  # CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I
    ("alpha", "\u0391lpha"),  # GREEK CAPITAL LETTER ALPHA
    ("bob", "B\u039fB"),  # GREEK CAPITAL LETTER OMICRON
    ("alice", "\u0251lice"),  # LATIN SMALL LETTER ALPHA
    ("alice", "\uff41lice"),  # FULLWIDTH LATIN SMALL LETTER A
    ("alice", "\U0001d41alice"),  # MATHEMATICAL BOLD SMALL A
    ("kelvin", "\u212aelvin"),  # KELVIN SIGN
    ("Zo\u00eb", "ZOE\u0308"),  # NFC and NFD, and case
    ("strasse", "Stra\u00dfe"),  # full case folding: ß is ss
    ("a1ice", "alice"),  # TR39's digit classes: 1 is l ...
    ("b0b", "bob"),  # ... and 0 is o
    ("a b", "a\u00a0b"),  # NO-BREAK SPACE is a space
    ("a b", "a  b"),  # runs of white space are one
]
DIFFERENT_NAMES = [
    ("alice", "alicia"),
    ("alice", "alice2"),
    ("zo\u00eb", "zoe"),  # a diacritic is a difference
    ("jose", "jos\u00e9"),
    ("a-b", "a_b"),
    ("mary", "rnary"),  # TR39 maps m to rn; disarm does not (docs/protocol-notes.md)
    ("\u0410\u043b\u0438\u0441\u0430", "Alisa"),  # Cyrillic "Алиса" is not Latin "Alisa"
]


@pytest.mark.parametrize(("a", "b"), SAME_NAMES, ids=repr)
def test_names_that_compare_equal(a: str, b: str) -> None:
    assert a != b
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT_NAMES, ids=repr)
def test_names_that_differ(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_the_key_library_is_the_tested_one() -> None:
    """Keys are shared between the nodes of a --redis deployment: a disarm
    whose keys moved (KEY_SCHEMA_VERSION) must be tested before it is allowed
    (pyproject.toml pins the range)."""
    import disarm

    assert disarm.KEY_SCHEMA_VERSION == 10
    assert name_key("Guest-10") == "guest-lo"


@given(st.text(min_size=1, max_size=MAX_NAME_CHARS))
def test_no_valid_name_has_an_empty_key(name: str) -> None:
    if check_name(name) is None:
        key = name_key(name)
        assert key
        assert name_key(display_name(name)) == key
