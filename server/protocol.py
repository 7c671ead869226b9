"""The Roomcast wire protocol, version 1 (../shared/PROTOCOL.md), sans I/O.

One immutable value object per frame type. ``parse_client_frame`` and
``parse_server_frame`` turn text into those objects or raise a
:class:`~server.errors.ProtocolError` subclass, and nothing else, whatever
the input (a hypothesis test holds us to that). ``serialize()`` turns an
object back into compact JSON text. No asyncio, no websockets, no sockets.

Limits are named constants, enforced while parsing; every one cites the
PROTOCOL.md section that sets it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Literal, TypeAlias

from .errors import InvalidFrame, InvalidJSON, ProtocolError, TooLarge, UnknownType
from .names import MAX_NAME_CHARS, check_name, display_name

__all__ = [
    "DEFAULT_HISTORY_LIMIT",
    "LOBBY",
    "MAX_CONTENT_CHARS",
    "MAX_FRAME_BYTES",
    "MAX_HISTORY_LIMIT",
    "MAX_ID_CHARS",
    "MAX_NAME_CHARS",
    "SUBPROTOCOL",
    "ChatMessage",
    "ClientFrame",
    "Error",
    "Hello",
    "HistoryPage",
    "HistoryRequest",
    "Post",
    "Presence",
    "ServerFrame",
    "Typing",
    "TypingNotice",
    "Welcome",
    "check_name",
    "dumps",
    "parse_client_frame",
    "parse_server_frame",
    "plain_post",
    "room_from_path",
]

#: Transport: the subprotocol our clients offer and the server accepts.
SUBPROTOCOL: Final = "roomcast.v1"
#: Transport, Size: frames up to 256 KiB; a larger one is closed with 1009.
MAX_FRAME_BYTES: Final = 256 * 1024
#: Client → server, ``message.content``: 1–16,384 Unicode code points.
MAX_CONTENT_CHARS: Final = 16_384
# Client → server, ``hello.name``: 1–32 characters, MAX_NAME_CHARS, and the
# rest of PROTOCOL.md's Names (check_name) are in names.py.
#: Client → server, ``message.id``: a string of at most 64 characters.
MAX_ID_CHARS: Final = 64
#: Client → server, ``history.limit``: 1–200.
MAX_HISTORY_LIMIT: Final = 200
#: Our choice when a ``history`` request leaves ``limit`` out.
DEFAULT_HISTORY_LIMIT: Final = 50
#: Bounds for free-text fields PROTOCOL.md leaves open (tokens, passwords,
#: ``hello.client``): generous, but a frame cannot smuggle megabytes in them.
MAX_TOKEN_CHARS: Final = 128
#: ``welcome.epoch`` / ``hello.epoch`` (PROTOCOL.md, Epochs): opaque, short.
MAX_EPOCH_CHARS: Final = 64
#: Tokens and epochs are made by servers from this alphabet (URL-safe base64
#: and hex); anything else cannot be one, so it is refused before any compare.
OPAQUE_RE: Final = re.compile(r"[A-Za-z0-9_-]+\Z")
MAX_PASSWORD_CHARS: Final = 1024
MAX_CLIENT_CHARS: Final = 200
#: Transport: ``ws://HOST:PORT/`` is the room ``lobby``.
LOBBY: Final = "lobby"
#: Transport: room names are 1–64 chars of ``[A-Za-z0-9_.-]``.
ROOM_NAME_RE: Final = re.compile(r"[A-Za-z0-9_.-]{1,64}\Z")


def room_from_path(path: str) -> str | None:
    """The room a request path names (PROTOCOL.md, Transport), or None.

    The query string is ignored: ``/r/team?x=1`` is the room ``team``.
    """
    path = path.split("?", 1)[0]
    if path == "/":
        return LOBBY
    if path.startswith("/r/"):
        name = path[3:]
        if ROOM_NAME_RE.match(name):
            return name
    return None


def dumps(obj: dict[str, Any]) -> str:
    """Compact JSON, UTF-8 friendly: the one encoder every frame goes through."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------
# Field readers. Each one names the frame and the field in its error, so the
# peer reads e.g. "message.content must be a string, got int".
# --------------------------------------------------------------------------

_Missing: Final = object()


class _Fields:
    """Typed access to a decoded JSON object, raising InvalidFrame on misuse."""

    __slots__ = ("kind", "obj", "ref")

    def __init__(self, kind: str, obj: dict[str, Any], ref: str | None) -> None:
        self.kind = kind
        self.obj = obj
        self.ref = ref

    def fail(self, key: str, why: str) -> InvalidFrame:
        return InvalidFrame(f"{self.kind}.{key} {why}", ref=self.ref)

    def text(
        self,
        key: str,
        *,
        max_len: int,
        min_len: int = 1,
        required: bool = False,
        too_long: type[ProtocolError] = InvalidFrame,
    ) -> str | None:
        value = self.obj.get(key, _Missing)
        if value is _Missing or (value is None and not required):
            if required:
                raise self.fail(key, "is required")
            return None
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, got {_json_type(value)}")
        if len(value) > max_len:
            raise too_long(
                f"{self.kind}.{key} is {len(value)} characters, the limit is {max_len}",
                ref=self.ref,
            )
        if len(value) < min_len:
            raise self.fail(key, f"must be at least {min_len} character(s)")
        _check_encodable(value, self, key)
        return value

    def integer(
        self, key: str, *, minimum: int, maximum: int | None = None, required: bool = False
    ) -> int | None:
        value = self.obj.get(key, _Missing)
        if value is _Missing or (value is None and not required):
            if required:
                raise self.fail(key, "is required")
            return None
        # bool is an int in Python, never in JSON.
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(key, f"must be an integer, got {_json_type(value)}")
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"{minimum}-{maximum}" if maximum is not None else f">= {minimum}"
            raise self.fail(key, f"must be {bounds}, got {value}")
        return value

    def boolean(self, key: str) -> bool:
        value = self.obj.get(key, _Missing)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, got {_json_type(value)}")
        return value


def _json_type(value: object) -> str:
    if value is _Missing:
        return "nothing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _check_encodable(value: str, fields: _Fields, key: str) -> None:
    # json.loads accepts "\ud800" and yields a lone surrogate, which no UTF-8
    # encoder can send on: refuse it here, not when broadcasting.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise fields.fail(key, "holds a lone surrogate (invalid Unicode)") from None


# --------------------------------------------------------------------------
# Client → server frames (PROTOCOL.md, "Client → server").
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hello:
    """Join: only as a client's first frame (PROTOCOL.md, Joining)."""

    type: ClassVar[str] = "hello"
    name: str | None = None
    password: str | None = None
    since: int | None = None
    token: str | None = None
    client: str | None = None
    #: The welcome.epoch that ``since`` belongs to (PROTOCOL.md, Epochs).
    epoch: str | None = None

    @classmethod
    def from_fields(cls, f: _Fields) -> Hello:
        name = f.text("name", max_len=MAX_NAME_CHARS)
        if name is not None:
            if why := check_name(name):
                raise InvalidFrame(f"hello.{why}", ref=f.ref)
            name = display_name(name)  # PROTOCOL.md, Names: the NFC form
        return cls(
            name=name,
            password=f.text("password", max_len=MAX_PASSWORD_CHARS, min_len=0),
            since=f.integer("since", minimum=0),
            token=_opaque(f, "token", MAX_TOKEN_CHARS),
            client=f.text("client", max_len=MAX_CLIENT_CHARS, min_len=0),
            epoch=_opaque(f, "epoch", MAX_EPOCH_CHARS),
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"type": self.type}
        for key in ("name", "password", "since", "token", "client", "epoch"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        return d

    def serialize(self) -> str:
        return dumps(self.to_dict())


@dataclass(frozen=True, slots=True)
class Post:
    """A chat message to store and broadcast (client ``message`` frame)."""

    type: ClassVar[str] = "message"
    content: str
    id: str | None = None

    @classmethod
    def from_fields(cls, f: _Fields) -> Post:
        content = f.text("content", max_len=MAX_CONTENT_CHARS, required=True, too_long=TooLarge)
        assert content is not None
        return cls(content=content, id=f.text("id", max_len=MAX_ID_CHARS))

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"type": self.type, "content": self.content}
        if self.id is not None:
            d["id"] = self.id
        return d

    def serialize(self) -> str:
        return dumps(self.to_dict())


@dataclass(frozen=True, slots=True)
class Typing:
    """An ephemeral "is typing" hint; never stored."""

    type: ClassVar[str] = "typing"

    @classmethod
    def from_fields(cls, f: _Fields) -> Typing:
        return cls()

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type}

    def serialize(self) -> str:
        return dumps(self.to_dict())


@dataclass(frozen=True, slots=True)
class HistoryRequest:
    """Scroll-back: up to ``limit`` messages with a seq below ``before``.

    Both fields may be left out (our leniency, documented in docs/protocol.md):
    no ``before`` means "the newest", no ``limit`` means 50.
    """

    type: ClassVar[str] = "history"
    before: int | None = None
    limit: int = DEFAULT_HISTORY_LIMIT

    @classmethod
    def from_fields(cls, f: _Fields) -> HistoryRequest:
        limit = f.integer("limit", minimum=1, maximum=MAX_HISTORY_LIMIT)
        return cls(
            before=f.integer("before", minimum=0),
            limit=DEFAULT_HISTORY_LIMIT if limit is None else limit,
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"type": self.type, "limit": self.limit}
        if self.before is not None:
            d["before"] = self.before
        return d

    def serialize(self) -> str:
        return dumps(self.to_dict())


ClientFrame: TypeAlias = Hello | Post | Typing | HistoryRequest

_CLIENT_TYPES: Final[dict[str, Callable[[_Fields], ClientFrame]]] = {
    "hello": Hello.from_fields,
    "message": Post.from_fields,
    "typing": Typing.from_fields,
    "history": HistoryRequest.from_fields,
}


# --------------------------------------------------------------------------
# Server → client frames (PROTOCOL.md, "Server → client").
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Welcome:
    type: ClassVar[str] = "welcome"
    room: str
    you: str
    token: str
    members: tuple[str, ...]
    seq: int
    replay: int = 0
    truncated: bool = False
    server: str = ""
    #: PROTOCOL.md, Epochs: the lifetime of the room's history ("" from a
    #: server older than 1.1), and whether the client must replace its view.
    epoch: str = ""
    reset: bool = False

    @classmethod
    def from_fields(cls, f: _Fields) -> Welcome:
        members = f.obj.get("members")
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise f.fail("members", "must be a list of names")
        return cls(
            room=_req_text(f, "room", 64),
            you=_req_text(f, "you", MAX_NAME_CHARS),
            token=_req_text(f, "token", MAX_TOKEN_CHARS),
            members=tuple(members),
            seq=_req_int(f, "seq"),
            replay=f.integer("replay", minimum=0) or 0,
            truncated=bool(f.obj.get("truncated", False)),
            server=f.text("server", max_len=MAX_CLIENT_CHARS, min_len=0) or "",
            epoch=_opaque(f, "epoch", MAX_EPOCH_CHARS, min_len=0) or "",
            reset=f.obj.get("reset") is True,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "room": self.room,
            "you": self.you,
            "token": self.token,
            "members": list(self.members),
            "seq": self.seq,
            "replay": self.replay,
            "truncated": self.truncated,
            "server": self.server,
            "epoch": self.epoch,
            "reset": self.reset,
        }

    def serialize(self) -> str:
        return dumps(self.to_dict())


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A stored chat message, as every member receives it."""

    type: ClassVar[str] = "message"
    seq: int
    ts: str
    sender: str
    content: str
    id: str

    @classmethod
    def from_fields(cls, f: _Fields) -> ChatMessage:
        return cls(
            seq=_req_int(f, "seq", minimum=1),
            ts=_req_text(f, "ts", 64),
            sender=_req_text(f, "from", MAX_NAME_CHARS),
            content=_req_text(f, "content", MAX_CONTENT_CHARS),
            id=_req_text(f, "id", MAX_ID_CHARS),
        )

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> ChatMessage:
        return cls.from_fields(_Fields("message", obj, None))

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "seq": self.seq,
            "ts": self.ts,
            "from": self.sender,
            "content": self.content,
            "id": self.id,
        }

    def serialize(self) -> str:
        return dumps(self.to_dict())


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """The answer to a ``history`` request: oldest first."""

    type: ClassVar[str] = "history"
    messages: tuple[ChatMessage, ...]
    complete: bool

    @classmethod
    def from_fields(cls, f: _Fields) -> HistoryPage:
        raw = f.obj.get("messages")
        if not isinstance(raw, list) or not all(isinstance(m, dict) for m in raw):
            raise f.fail("messages", "must be a list of message objects")
        return cls(
            messages=tuple(ChatMessage.from_dict(m) for m in raw),
            complete=f.boolean("complete"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "messages": [m.to_dict() for m in self.messages],
            "complete": self.complete,
        }

    def serialize(self) -> str:
        return dumps(self.to_dict())


@dataclass(frozen=True, slots=True)
class Presence:
    type: ClassVar[str] = "presence"
    event: Literal["join", "leave"]
    name: str
    count: int

    @classmethod
    def from_fields(cls, f: _Fields) -> Presence:
        event = f.obj.get("event")
        if event not in ("join", "leave"):
            raise f.fail("event", "must be 'join' or 'leave'")
        return cls(
            event=event, name=_req_text(f, "name", MAX_NAME_CHARS), count=_req_int(f, "count")
        )

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "event": self.event, "name": self.name, "count": self.count}

    def serialize(self) -> str:
        return dumps(self.to_dict())


@dataclass(frozen=True, slots=True)
class TypingNotice:
    type: ClassVar[str] = "typing"
    sender: str

    @classmethod
    def from_fields(cls, f: _Fields) -> TypingNotice:
        return cls(sender=_req_text(f, "from", MAX_NAME_CHARS))

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "from": self.sender}

    def serialize(self) -> str:
        return dumps(self.to_dict())


@dataclass(frozen=True, slots=True)
class Error:
    """An ``error`` frame. The connection stays open unless a close follows."""

    type: ClassVar[str] = "error"
    code: str
    message: str
    ref: str | None = None

    @classmethod
    def from_exception(cls, exc: ProtocolError | Exception) -> Error:
        code = getattr(exc, "code", "internal")
        return cls(code=code, message=str(exc), ref=getattr(exc, "ref", None))

    @classmethod
    def from_fields(cls, f: _Fields) -> Error:
        return cls(
            code=_req_text(f, "code", 64),
            message=f.text("message", max_len=MAX_CONTENT_CHARS, min_len=0) or "",
            ref=f.text("ref", max_len=MAX_ID_CHARS),
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"type": self.type, "code": self.code, "message": self.message}
        if self.ref is not None:
            d["ref"] = self.ref
        return d

    def serialize(self) -> str:
        return dumps(self.to_dict())


ServerFrame: TypeAlias = Welcome | ChatMessage | HistoryPage | Presence | TypingNotice | Error

_SERVER_TYPES: Final[dict[str, Callable[[_Fields], ServerFrame]]] = {
    "welcome": Welcome.from_fields,
    "message": ChatMessage.from_fields,
    "history": HistoryPage.from_fields,
    "presence": Presence.from_fields,
    "typing": TypingNotice.from_fields,
    "error": Error.from_fields,
}


def _opaque(f: _Fields, key: str, max_len: int, *, min_len: int = 1) -> str | None:
    """A token or epoch: made by a server, so only its alphabet is valid."""
    value = f.text(key, max_len=max_len, min_len=min_len)
    if value and not OPAQUE_RE.match(value):
        raise f.fail(key, "must be the opaque text a server gave (A-Z a-z 0-9 _ -)")
    return value


def _req_text(f: _Fields, key: str, max_len: int) -> str:
    value = f.text(key, max_len=max_len, min_len=0, required=True)
    assert value is not None
    return value


def _req_int(f: _Fields, key: str, minimum: int = 0) -> int:
    value = f.integer(key, minimum=minimum, required=True)
    assert value is not None
    return value


# --------------------------------------------------------------------------
# Parsing.
# --------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    # JSON has no NaN or Infinity; Python's decoder accepts them by default.
    raise ValueError(f"{name} is not valid JSON")


def _decode_object(data: str | bytes) -> tuple[str, dict[str, Any], str | None]:
    """Decode one frame into (type, object, ref) or raise a ProtocolError."""
    if isinstance(data, bytes | bytearray | memoryview):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidJSON(
                f"frame is not valid UTF-8: {exc.reason} at byte {exc.start}"
            ) from None
    try:
        obj = json.loads(data, parse_constant=_reject_constant)
    except RecursionError:
        raise InvalidJSON("invalid JSON: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError is a ValueError
        raise InvalidJSON(f"invalid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise InvalidFrame(f"a frame must be a JSON object, got {_json_type(obj)}")
    raw_id = obj.get("id")
    ref = raw_id if isinstance(raw_id, str) and len(raw_id) <= MAX_ID_CHARS else None
    if ref is not None:
        try:
            ref.encode("utf-8")
        except UnicodeEncodeError:
            ref = None
    kind = obj.get("type", _Missing)
    if kind is _Missing:
        raise InvalidFrame("frame has no 'type' field", ref=ref)
    if not isinstance(kind, str):
        raise InvalidFrame(f"'type' must be a string, got {_json_type(kind)}", ref=ref)
    return kind, obj, ref


def _printable_type(kind: str) -> str:
    shown = kind if len(kind) <= 40 else kind[:40] + "…"
    return json.dumps(shown)  # escapes control characters and surrogates


def parse_client_frame(data: str | bytes, *, plain_text: bool = False) -> ClientFrame:
    """Parse one frame a client sent. Raises only :class:`ProtocolError`.

    ``plain_text``: the client offered no subprotocol, so it speaks like the
    tutorial's client (PROTOCOL.md 1.1, Joining): a text frame that is not a
    JSON object with a known ``type`` (plain text, a JSON array or number, an
    object without ``type`` or with one we do not speak) is a ``message``
    whose content is the frame's text (:func:`plain_post`). A frame *with* a
    known type is parsed as usual, so its field errors are still answered.
    Without ``plain_text`` (``roomcast.v1``) those frames are
    ``invalid_json`` / ``invalid_frame`` / ``unknown_type``.
    """
    try:
        kind, obj, ref = _decode_object(data)
        parser = _CLIENT_TYPES.get(kind)
        if parser is None:
            raise UnknownType(f"unknown frame type {_printable_type(kind)}", ref=ref)
    except ProtocolError:
        # Every error up to here says "not a JSON object with a known type".
        if plain_text and isinstance(data, str):
            return plain_post(data)
        raise
    try:
        return parser(_Fields(kind, obj, ref))
    except ProtocolError as exc:
        exc.frame_type = kind
        raise


def plain_post(text: str) -> Post:
    """A tutorial client's text frame as the ``message`` it posts (PROTOCOL.md
    1.1, Joining): its content is the text, exactly, under the same limits as
    ``message.content``: empty is ``invalid_frame``, more than
    :data:`MAX_CONTENT_CHARS` code points is ``too_large`` (an ``error`` frame;
    nothing is posted, the connection stays open)."""
    return Post.from_fields(_Fields(Post.type, {"content": text}, None))


def parse_server_frame(data: str | bytes) -> ServerFrame:
    """Parse one frame a server sent. Raises only :class:`ProtocolError`.

    Clients use it to tell Roomcast frames from foreign ones: anything that
    raises is shown as JSON or raw text, never dropped.
    """
    kind, obj, ref = _decode_object(data)
    parser = _SERVER_TYPES.get(kind)
    if parser is None:
        raise UnknownType(f"unknown frame type {_printable_type(kind)}", ref=ref)
    return parser(_Fields(kind, obj, ref))
