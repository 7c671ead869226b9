"""desktop/sending.py: what each send mode puts on the wire, and what it refuses."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from roomcast.desktop import client, sending
from roomcast.desktop.sending import (
    MAX_FILE_BYTES,
    MAX_FRAME_BYTES,
    BinaryFormat,
    Outgoing,
    PayloadError,
    SendMode,
    encode,
    format_size,
    mode_label,
)

ALL_BYTES = bytes(range(256))


def binary(text: str, fmt: BinaryFormat) -> bytes:
    out = encode(SendMode.BINARY, text, fmt)
    assert out.mode is SendMode.BINARY
    assert isinstance(out.payload, bytes)
    return out.payload


def refused(mode: SendMode, text: str, fmt: BinaryFormat = BinaryFormat.HEX) -> str:
    with pytest.raises(PayloadError) as caught:
        encode(mode, text, fmt)
    return str(caught.value)


# -- limits -----------------------------------------------------------------------------


def test_the_frame_limit_is_the_clients() -> None:
    assert MAX_FRAME_BYTES == MAX_FILE_BYTES == client.MAX_INCOMING_BYTES == 2**20


def test_payload_error_is_a_value_error() -> None:
    assert issubclass(PayloadError, ValueError)


# -- chat ---------------------------------------------------------------------------------


def test_chat_drops_trailing_blanks_only() -> None:
    out = encode(SendMode.CHAT, "  indented\n code @bob \n\n")
    assert out == Outgoing(SendMode.CHAT, "  indented\n code @bob")


@pytest.mark.parametrize("text", ["", " ", "\n\t \n"])
def test_chat_refuses_an_empty_message(text: str) -> None:
    assert refused(SendMode.CHAT, text) == "The message is empty; nothing was sent"


# -- text -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["hello", "  spaced  \n", "\n", " ", "ünïcode ✓ 🎉", "{not json"])
def test_text_is_sent_exactly_as_typed(text: str) -> None:
    assert encode(SendMode.TEXT, text) == Outgoing(SendMode.TEXT, text)


def test_text_refuses_only_the_empty_frame() -> None:
    assert refused(SendMode.TEXT, "") == "The frame is empty; nothing was sent"


def test_text_refuses_a_lone_surrogate_with_its_position() -> None:
    # A text frame must be UTF-8 (RFC 6455 §5.6); "\ud800" has no UTF-8 form.
    assert refused(SendMode.TEXT, "ab\ud800c") == (
        "Not valid text: a broken character at character 3; nothing was sent"
    )


def test_text_over_the_frame_limit_is_refused_with_its_size() -> None:
    text = "é" * (MAX_FRAME_BYTES // 2 + 1)  # two bytes each in UTF-8
    assert refused(SendMode.TEXT, text) == (
        "The frame is more than 1 MiB: frames up to 1 MiB can be sent; nothing was sent"
    )
    just = "x" * MAX_FRAME_BYTES
    assert encode(SendMode.TEXT, just).size == MAX_FRAME_BYTES


# -- JSON -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"type":"message","content":"Hello, Server!"}',
        '{ "b" : 1,\n  "a" : 2.50 }\n',  # key order, spacing, number spelling kept
        "42",
        '"just a string"',
        "[1e3, -0, true, null]",
        '{"text": "NaN and Infinity inside a string are fine"}',
    ],
)
def test_json_is_sent_exactly_as_typed(text: str) -> None:
    out = encode(SendMode.JSON, text)
    assert out == Outgoing(SendMode.JSON, text)
    json.loads(text)  # the sample is JSON indeed


def test_json_error_says_what_and_where() -> None:
    assert refused(SendMode.JSON, '{"a": 1\n    "b": 2}') == (
        "Not valid JSON: Expecting ',' delimiter (line 2, column 5); nothing was sent"
    )


def test_json_refuses_blank_text_and_empty_text() -> None:
    assert refused(SendMode.JSON, "  ") == (
        "Not valid JSON: Expecting value (line 1, column 3); nothing was sent"
    )
    assert refused(SendMode.JSON, "") == "The frame is empty; nothing was sent"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("NaN", "NaN is not a JSON value (line 1, column 1)"),
        ('{"x": "NaN",\n "y": -Infinity}', "-Infinity is not a JSON value (line 2, column 7)"),
        ('[1, "Infinity", Infinity]', "Infinity is not a JSON value (line 1, column 17)"),
    ],
)
def test_json_refuses_python_only_constants(text: str, where: str) -> None:
    # RFC 8259 §6: "Numeric values that cannot be represented ... (such as
    # Infinity and NaN) are not permitted"; Python's json accepts them.
    assert refused(SendMode.JSON, text) == f"Not valid JSON: {where}; nothing was sent"


# -- binary: hex ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "deadbeef",
        "de ad be ef",
        "DE AD BE EF",
        "de:ad:be:ef",
        "0xde,0xad,0xbe,0xef",
        "0xde, 0xad, 0xbe, 0xef",
        "0xDEAD 0XBEEF",
        "  de\n\tad\r\nbe  ef \n",
        "dead,beef",
    ],
)
def test_hex_spellings(text: str) -> None:
    assert binary(text, BinaryFormat.HEX) == b"\xde\xad\xbe\xef"


def test_hex_single_digit_after_0x_is_one_byte() -> None:
    assert binary("0x0, 0x5, 0xff", BinaryFormat.HEX) == b"\x00\x05\xff"


def test_hex_round_trip_of_every_byte() -> None:
    assert binary(ALL_BYTES.hex(" "), BinaryFormat.HEX) == ALL_BYTES
    assert binary(ALL_BYTES.hex(), BinaryFormat.HEX) == ALL_BYTES
    assert binary(",".join(f"0x{b:02x}" for b in ALL_BYTES), BinaryFormat.HEX) == ALL_BYTES


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("de ad zz", "Not hex: 'zz' at character 7; nothing was sent"),
        ("deadbeeg", "Not hex: 'g' at character 8; nothing was sent"),
        ("0xde,0xzz", "Not hex: 'zz' at character 8; nothing was sent"),
        ("de-ad", "Not hex: '-' at character 3; nothing was sent"),
        ("de 0x", "Not hex: '0x' at character 4 has no digits; nothing was sent"),
        (
            "de adb ef",
            "Not hex: 'adb' at character 4 has an odd number of digits "
            "(bytes are two digits each); nothing was sent",
        ),
        (
            "0xabc",
            "Not hex: '0xabc' at character 1 has an odd number of digits "
            "(bytes are two digits each); nothing was sent",
        ),
        ("", "No bytes to send: type hex, e.g. de ad be ef; nothing was sent"),
        (" , : \n", "No bytes to send: type hex, e.g. de ad be ef; nothing was sent"),
    ],
)
def test_hex_refusals(text: str, message: str) -> None:
    assert refused(SendMode.BINARY, text, BinaryFormat.HEX) == message


def test_hex_over_the_frame_limit() -> None:
    text = "00" * (MAX_FRAME_BYTES + 1)
    assert refused(SendMode.BINARY, text, BinaryFormat.HEX) == (
        "The frame is more than 1 MiB: frames up to 1 MiB can be sent; nothing was sent"
    )


def test_binary_is_the_default_hex() -> None:
    assert encode(SendMode.BINARY, "01 02") == Outgoing(SendMode.BINARY, b"\x01\x02")


# -- binary: base64 --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "3q2+7w==",  # standard, padded
        "3q2+7w",  # standard, unpadded
        "3q2-7w==",  # URL-safe
        "3q2-7w",
        " 3q2+\n7w== \n",  # whitespace anywhere
    ],
)
def test_base64_spellings(text: str) -> None:
    assert binary(text, BinaryFormat.BASE64) == b"\xde\xad\xbe\xef"


@pytest.mark.parametrize("length", [1, 2, 3, 4, 5, 255, 256, 1000])
def test_base64_round_trips(length: int) -> None:
    data = os.urandom(length)
    for encoded in (
        base64.b64encode(data).decode(),
        base64.urlsafe_b64encode(data).decode(),
        base64.urlsafe_b64encode(data).decode().rstrip("="),
        base64.encodebytes(data).decode(),  # MIME style: a newline every 76 characters
    ):
        assert binary(encoded, BinaryFormat.BASE64) == data


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3q2+7w!!", "Not base64: '!' at character 7; nothing was sent"),
        ("3q==7w==", "Not base64: '=' at character 3; nothing was sent"),
        ("3q2+7w=", "Not base64: wrong '=' padding at character 7; nothing was sent"),
        ("3q2+7w===", "Not base64: wrong '=' padding at character 7; nothing was sent"),
        (
            "3q2+7",
            "Not base64: 5 characters can't be whole bytes "
            "(one is missing or one too many); nothing was sent",
        ),
        ("", "No bytes to send: type base64, e.g. 3q2+7w==; nothing was sent"),
        (" \n", "No bytes to send: type base64, e.g. 3q2+7w==; nothing was sent"),
        ("====", "Not base64: wrong '=' padding at character 1; nothing was sent"),
    ],
)
def test_base64_refusals(text: str, message: str) -> None:
    assert refused(SendMode.BINARY, text, BinaryFormat.BASE64) == message


# -- binary: file ----------------------------------------------------------------------


def test_file_bytes_are_sent_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "frame.bin"
    path.write_bytes(ALL_BYTES * 4)
    assert binary(str(path), BinaryFormat.FILE) == ALL_BYTES * 4


def test_file_path_may_be_quoted_or_padded(tmp_path: Path) -> None:
    path = tmp_path / "with space.bin"
    path.write_bytes(b"\x00\x01")
    assert binary(f'  "{path}"\n', BinaryFormat.FILE) == b"\x00\x01"
    assert binary(f"'{path}'", BinaryFormat.FILE) == b"\x00\x01"


def test_file_at_the_limit_is_sent(tmp_path: Path) -> None:
    path = tmp_path / "max.bin"
    data = os.urandom(MAX_FILE_BYTES)
    path.write_bytes(data)
    assert binary(str(path), BinaryFormat.FILE) == data


def test_file_over_the_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"\0" * int(3.2 * 2**20))
    assert refused(SendMode.BINARY, str(path), BinaryFormat.FILE) == (
        f"{path} is 3.2 MiB: frames up to 1 MiB can be sent; nothing was sent"
    )


def test_file_one_byte_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"\0" * (MAX_FILE_BYTES + 1))
    assert refused(SendMode.BINARY, str(path), BinaryFormat.FILE) == (
        f"{path} is more than 1 MiB: frames up to 1 MiB can be sent; nothing was sent"
    )


def test_file_missing(tmp_path: Path) -> None:
    path = tmp_path / "nope.bin"
    assert refused(SendMode.BINARY, str(path), BinaryFormat.FILE) == (
        f"Could not read {path}: No such file or directory; nothing was sent"
    )


def test_file_is_a_folder(tmp_path: Path) -> None:
    message = refused(SendMode.BINARY, str(tmp_path), BinaryFormat.FILE)
    assert message.startswith(f"Could not read {tmp_path}: ")
    assert message.endswith("; nothing was sent")


def test_file_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.bin"
    path.write_bytes(b"")
    assert refused(SendMode.BINARY, str(path), BinaryFormat.FILE) == (
        "The file is empty; nothing was sent"
    )


def test_file_without_a_path() -> None:
    assert refused(SendMode.BINARY, "  \n", BinaryFormat.FILE) == (
        "Choose a file to send: type its path or use Choose file…"
    )


def test_file_path_with_a_tilde_is_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "x.bin").write_bytes(b"\x07")
    assert binary("~/x.bin", BinaryFormat.FILE) == b"\x07"


# -- the Outgoing frame ----------------------------------------------------------------


def test_outgoing_payload_type_follows_the_mode() -> None:
    with pytest.raises(TypeError):
        Outgoing(SendMode.BINARY, "text")
    with pytest.raises(TypeError):
        Outgoing(SendMode.TEXT, b"bytes")


def test_outgoing_size_is_in_bytes_on_the_wire() -> None:
    assert encode(SendMode.TEXT, "é✓").size == 5
    assert encode(SendMode.BINARY, "00 01 02").size == 3


def test_encode_ignores_the_format_outside_binary() -> None:
    assert encode(SendMode.TEXT, "00", BinaryFormat.FILE) == Outgoing(SendMode.TEXT, "00")


# -- words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1024, "1 KiB"),
        (1536, "1.5 KiB"),
        (2**20, "1 MiB"),
        (int(3.2 * 2**20), "3.2 MiB"),
    ],
)
def test_format_size(size: int, text: str) -> None:
    assert format_size(size) == text


def test_mode_labels() -> None:
    assert [mode_label(m) for m in SendMode] == ["Chat", "Text", "JSON", "Binary"]
    assert mode_label(SendMode.BINARY, BinaryFormat.BASE64) == "Binary (base64)"
    assert mode_label(SendMode.JSON, BinaryFormat.FILE) == "JSON"


def test_messages_go_through_translate(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []

    def fake(context: str, text: str) -> str:
        seen.append((context, text))
        return text.upper()

    monkeypatch.setattr(sending, "translate", fake)
    assert refused(SendMode.CHAT, "") == "THE MESSAGE IS EMPTY; NOTHING WAS SENT"
    assert seen == [("Sending", "The message is empty; nothing was sent")]


def test_enum_values_are_the_settings_words() -> None:
    assert [m.value for m in SendMode] == ["chat", "text", "json", "binary"]
    assert [f.value for f in BinaryFormat] == ["hex", "base64", "file"]
