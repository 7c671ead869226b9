"""Send modes: what the composer's text becomes on the wire, without Qt.

The composer sends its text in one of four modes (:class:`SendMode`); this
module turns the text into exactly one :class:`Outgoing` frame or refuses
it with a :class:`PayloadError` whose message says what is wrong, where,
and that nothing was sent. The rules:

* **Chat** (``chat``): a chat message. Trailing whitespace is dropped (the
  space after a mention, a stray newline are never meant; leading blanks
  may be, as in indented code); an empty message is refused. The client
  wraps it: a Roomcast ``message`` frame (PROTOCOL.md, Posting), or
  ``{"type":"message","content":…}`` for a foreign server (ARCHITECTURE.md,
  Foreign servers). That is not decided here.
* **Text** (``text``): one text frame (RFC 6455 §5.6, opcode 0x1), exactly
  as typed, blanks and newlines included. Only "" is refused.
* **JSON** (``json``): one text frame, exactly as typed, once it parses as
  JSON (RFC 8259). It is never re-serialized: key order, spacing and number
  spelling are what the person wrote. ``NaN`` and ``Infinity``, which
  Python's parser would let through, are not JSON and are refused.
* **Binary** (``binary``): one binary frame (RFC 6455 §5.6, opcode 0x2) of
  bytes given as (:class:`BinaryFormat`):

  - ``hex``: pairs of hex digits. Whitespace, ``:`` and ``,`` separate
    groups; a group may start with ``0x``. ``de ad be ef``, ``deadbeef``,
    ``de:ad:be:ef`` and ``0xde,0xad`` all work. A group has an even
    number of digits, except a single digit after ``0x`` (``0x5`` is one
    byte, as in a C array), so a digit lost in copying is caught, not
    silently paired with the next group's.
  - ``base64``: the standard or the URL-safe alphabet (RFC 4648 §4, §5),
    whitespace ignored, ``=`` padding optional (but right when present).
  - ``file``: the text is the path of a file whose bytes are sent.

  An empty binary frame is refused too: it is never what was meant.

Every frame is at most :data:`MAX_FRAME_BYTES` (1 MiB: the client's frame
limit, ``desktop.client.MAX_INCOMING_BYTES``, which foreign servers'
defaults match or exceed); a file is checked before it is read.

Messages are marked with :func:`QT_TRANSLATE_NOOP` (context ``Sending``)
and translated through :data:`translate`, which ``desktop/i18n.py`` sets to
``QCoreApplication.translate``.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from roomcast.desktop.texts import QT_TRANSLATE_NOOP, untranslated

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_FRAME_BYTES",
    "BinaryFormat",
    "Outgoing",
    "PayloadError",
    "SendMode",
    "encode",
    "format_label",
    "format_size",
    "mode_label",
    "size_over",
]

#: The largest frame the composer sends; the client's frame limit
#: (desktop/client.py, MAX_INCOMING_BYTES). Defined here, not imported, so
#: that the client can import this module.
MAX_FRAME_BYTES: Final = 2**20
#: A file sent as one binary frame fits in one frame.
MAX_FILE_BYTES: Final = MAX_FRAME_BYTES


#: Shows a marked text in the user's language: ``desktop/i18n.py`` sets it to
#: ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py).
translate: Callable[[str, str], str] = untranslated


def _t(text: str) -> str:
    return translate("Sending", text)


class SendMode(enum.Enum):
    CHAT = "chat"
    TEXT = "text"
    JSON = "json"
    BINARY = "binary"


class BinaryFormat(enum.Enum):
    HEX = "hex"
    BASE64 = "base64"
    FILE = "file"


class PayloadError(ValueError):
    """The text can't be sent in the chosen mode; the message says why and where."""


@dataclass(frozen=True)
class Outgoing:
    """One frame to send: ``str`` for CHAT, TEXT and JSON; ``bytes`` for BINARY."""

    mode: SendMode
    payload: str | bytes

    def __post_init__(self) -> None:
        want = bytes if self.mode is SendMode.BINARY else str
        if not isinstance(self.payload, want):
            raise TypeError(f"{self.mode.name} needs a {want.__name__} payload")

    @property
    def size(self) -> int:
        """The payload's size in bytes (UTF-8 for text), before any wrapping."""
        if isinstance(self.payload, bytes):
            return len(self.payload)
        return len(self.payload.encode("utf-8", "surrogatepass"))


# -- words ------------------------------------------------------------------------

_MODE_LABELS: Final = {
    SendMode.CHAT: QT_TRANSLATE_NOOP("Sending", "Chat"),
    SendMode.TEXT: QT_TRANSLATE_NOOP("Sending", "Text"),
    SendMode.JSON: QT_TRANSLATE_NOOP("Sending", "JSON"),
    SendMode.BINARY: QT_TRANSLATE_NOOP("Sending", "Binary"),
}
_FORMAT_LABELS: Final = {
    BinaryFormat.HEX: QT_TRANSLATE_NOOP("Sending", "Hex"),
    BinaryFormat.BASE64: QT_TRANSLATE_NOOP("Sending", "Base64"),
    BinaryFormat.FILE: QT_TRANSLATE_NOOP("Sending", "File"),
}


def mode_label(mode: SendMode, binary_format: BinaryFormat | None = None) -> str:
    """The mode's short name ("JSON"); with a format, binary's says which ("Binary (hex)")."""
    if mode is SendMode.BINARY and binary_format is not None:
        return _t(QT_TRANSLATE_NOOP("Sending", "Binary ({format})")).format(
            format=format_label(binary_format).lower()
        )
    return _t(_MODE_LABELS[mode])


def format_label(binary_format: BinaryFormat) -> str:
    """The binary format's short name ("Hex")."""
    return _t(_FORMAT_LABELS[binary_format])


def format_size(size: int) -> str:
    """``size`` bytes for people: "12 bytes", "3.5 KiB", "3.2 MiB" (binary units)."""
    if size == 1:
        return _t(QT_TRANSLATE_NOOP("Sending", "1 byte"))
    if size < 1024:
        return _t(QT_TRANSLATE_NOOP("Sending", "{count} bytes")).format(count=size)
    if size < 1024 * 1024:
        return _t(QT_TRANSLATE_NOOP("Sending", "{count} KiB")).format(
            count=_one_decimal(size / 1024)
        )
    return _t(QT_TRANSLATE_NOOP("Sending", "{count} MiB")).format(
        count=_one_decimal(size / (1024 * 1024))
    )


def size_over(size: int, limit: int) -> str:
    """``size`` (more than ``limit``) for people; "more than 1 MiB" when rounding
    would make it read as the limit itself."""
    text, limit_text = format_size(size), format_size(limit)
    if text == limit_text:
        return _t(QT_TRANSLATE_NOOP("Sending", "more than {limit}")).format(limit=limit_text)
    return text


def _one_decimal(value: float) -> str:
    text = f"{value:.1f}"
    return text.removesuffix(".0")


# -- encoding ---------------------------------------------------------------------


def encode(mode: SendMode, text: str, binary_format: BinaryFormat = BinaryFormat.HEX) -> Outgoing:
    """The frame ``text`` makes in ``mode``; :class:`PayloadError` when it can't be sent.

    ``binary_format`` only matters for :attr:`SendMode.BINARY`.
    """
    if mode is SendMode.BINARY:
        if binary_format is BinaryFormat.FILE:
            data = _read_file(text)
        elif binary_format is BinaryFormat.BASE64:
            data = _from_base64(text)
        else:
            data = _from_hex(text)
        if not data:
            raise PayloadError(_empty_binary(binary_format))
        _check_size(len(data))
        return Outgoing(mode, data)
    if mode is SendMode.CHAT:
        # As the composer always did: trailing blanks are never meant.
        text = text.rstrip()
        if not text:
            raise PayloadError(
                _t(QT_TRANSLATE_NOOP("Sending", "The message is empty; nothing was sent"))
            )
    elif not text:
        raise PayloadError(_t(QT_TRANSLATE_NOOP("Sending", "The frame is empty; nothing was sent")))
    size = _utf8_size(text)
    if mode is SendMode.JSON:
        _check_json(text)
    _check_size(size)
    return Outgoing(mode, text)


def _empty_binary(binary_format: BinaryFormat) -> str:
    if binary_format is BinaryFormat.FILE:
        return _t(QT_TRANSLATE_NOOP("Sending", "The file is empty; nothing was sent"))
    if binary_format is BinaryFormat.BASE64:
        return _t(
            QT_TRANSLATE_NOOP(
                "Sending", "No bytes to send: type base64, e.g. 3q2+7w==; nothing was sent"
            )
        )
    return _t(
        QT_TRANSLATE_NOOP(
            "Sending", "No bytes to send: type hex, e.g. de ad be ef; nothing was sent"
        )
    )


def _check_size(size: int) -> None:
    if size > MAX_FRAME_BYTES:
        raise PayloadError(
            _t(
                QT_TRANSLATE_NOOP(
                    "Sending",
                    "The frame is {size}: frames up to {limit} can be sent; nothing was sent",
                )
            ).format(size=size_over(size, MAX_FRAME_BYTES), limit=format_size(MAX_FRAME_BYTES))
        )


def _utf8_size(text: str) -> int:
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        # A lone surrogate (pasted from a broken source) has no UTF-8 form, and
        # a text frame must be UTF-8 (RFC 6455 §5.6).
        raise PayloadError(
            _t(
                QT_TRANSLATE_NOOP(
                    "Sending",
                    "Not valid text: a broken character at character {position}; nothing was sent",
                )
            ).format(position=exc.start + 1)
        ) from None


# JSON strings, skipped whole, or one of the constants Python's parser accepts
# and JSON has not (RFC 8259 §6: "Infinity and NaN are not permitted").
_NOT_JSON_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', re.DOTALL)


class _NotJSONConstant(ValueError):
    pass


def _refuse_constant(name: str) -> object:
    raise _NotJSONConstant(name)


def _check_json(text: str) -> None:
    try:
        json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise PayloadError(
            _t(
                QT_TRANSLATE_NOOP(
                    "Sending",
                    "Not valid JSON: {error} (line {line}, column {column}); nothing was sent",
                )
            ).format(error=exc.msg, line=exc.lineno, column=exc.colno)
        ) from None
    except _NotJSONConstant as exc:
        # The text parses otherwise, so the first constant outside a string is it.
        found = next(m for m in _NOT_JSON_CONSTANT.finditer(text) if m.group(1))
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        raise PayloadError(
            _t(
                QT_TRANSLATE_NOOP(
                    "Sending",
                    "Not valid JSON: {constant} is not a JSON value "
                    "(line {line}, column {column}); nothing was sent",
                )
            ).format(constant=exc.args[0], line=line, column=column)
        ) from None


# Hex: groups of digits (with an optional 0x) between separators.
_HEX_GROUP = re.compile(r"[^\s:,]+")
_HEX_DIGITS = re.compile(r"[0-9a-fA-F]*")


def _from_hex(text: str) -> bytes:
    out = bytearray()
    for group in _HEX_GROUP.finditer(text):
        token, start = group.group(), group.start()
        prefixed = token[:2] in ("0x", "0X")
        digits = token[2:] if prefixed else token
        offset = start + (2 if prefixed else 0)
        valid = _HEX_DIGITS.match(digits)
        assert valid is not None  # matches the empty string at least
        if valid.end() < len(digits):
            bad = digits[valid.end() :]
            bad_run = re.match(r"[^0-9a-fA-F]+", bad)
            assert bad_run is not None
            raise PayloadError(
                _t(
                    QT_TRANSLATE_NOOP(
                        "Sending", "Not hex: {text!r} at character {position}; nothing was sent"
                    )
                ).format(text=bad_run.group(), position=offset + valid.end() + 1)
            )
        if not digits:
            raise PayloadError(
                _t(
                    QT_TRANSLATE_NOOP(
                        "Sending",
                        "Not hex: {text!r} at character {position} has no digits; nothing was sent",
                    )
                ).format(text=token, position=start + 1)
            )
        if prefixed and len(digits) == 1:
            digits = "0" + digits  # 0x5, as in a C array
        if len(digits) % 2:
            raise PayloadError(
                _t(
                    QT_TRANSLATE_NOOP(
                        "Sending",
                        "Not hex: {text!r} at character {position} has an odd number of digits "
                        "(bytes are two digits each); nothing was sent",
                    )
                ).format(text=token, position=start + 1)
            )
        out += bytes.fromhex(digits)
    return bytes(out)


_BASE64_ALPHABET: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
)


def _from_base64(text: str) -> bytes:
    # Positions are kept so that a message points into the text as typed.
    chars = [(i, c) for i, c in enumerate(text) if not c.isspace()]
    core = chars
    padding = 0
    while core and core[-1][1] == "=":
        core = core[:-1]
        padding += 1
    for i, c in core:
        if c not in _BASE64_ALPHABET:
            raise PayloadError(
                _t(
                    QT_TRANSLATE_NOOP(
                        "Sending", "Not base64: {text!r} at character {position}; nothing was sent"
                    )
                ).format(text=c, position=i + 1)
            )
    if len(core) % 4 == 1:
        # Six bits more than whole bytes: a character was lost or added.
        raise PayloadError(
            _t(
                QT_TRANSLATE_NOOP(
                    "Sending",
                    "Not base64: {count} characters can't be whole bytes "
                    "(one is missing or one too many); nothing was sent",
                )
            ).format(count=len(core))
        )
    if padding and (padding > 2 or (len(core) + padding) % 4):
        raise PayloadError(
            _t(
                QT_TRANSLATE_NOOP(
                    "Sending",
                    "Not base64: wrong '=' padding at character {position}; nothing was sent",
                )
            ).format(position=chars[len(core)][0] + 1)
        )
    standard = "".join(c for _, c in core).replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except binascii.Error as exc:  # pragma: no cover - the checks above leave none
        raise PayloadError(
            _t(QT_TRANSLATE_NOOP("Sending", "Not base64: {error}; nothing was sent")).format(
                error=exc
            )
        ) from None


def _read_file(text: str) -> bytes:
    # Surrounding blanks and quotes come with a pasted path ("Copy as path").
    name = text.strip()
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        name = name[1:-1]
    if not name:
        raise PayloadError(
            _t(
                QT_TRANSLATE_NOOP(
                    "Sending", "Choose a file to send: type its path or use Choose file…"
                )
            )
        )
    path = Path(name).expanduser()
    try:
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise PayloadError(_file_too_large(name, size))
            # One byte more than allowed: a file that grew, or one whose size
            # the system does not know (a pipe, /dev/zero), is still caught.
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise PayloadError(
            _t(
                QT_TRANSLATE_NOOP("Sending", "Could not read {path}: {reason}; nothing was sent")
            ).format(path=name, reason=reason)
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise PayloadError(_file_too_large(name, len(data)))
    return data


def _file_too_large(name: str, size: int) -> str:
    return _t(
        QT_TRANSLATE_NOOP(
            "Sending", "{path} is {size}: frames up to {limit} can be sent; nothing was sent"
        )
    ).format(path=name, size=size_over(size, MAX_FILE_BYTES), limit=format_size(MAX_FILE_BYTES))
