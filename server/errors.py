"""Every error Roomcast's server raises, in one tree.

Each error knows whose fault it is (``fault``), which protocol error code
answers it (``code``, PROTOCOL.md "Error codes") and whether the connection
must be closed afterwards (``close_code``, PROTOCOL.md "Close codes")::

    RoomcastError
    ├── ProtocolError              the peer sent something wrong: answer with an
    │   │                          ``error`` frame; the connection stays usable
    │   ├── InvalidJSON            invalid_json      not UTF-8 JSON text
    │   ├── InvalidFrame           invalid_frame     not an object, missing or
    │   │                                            wrong-typed field, bad bounds
    │   ├── UnknownType            unknown_type      ``type`` we do not speak
    │   ├── UnsupportedData        unsupported_data  a binary frame
    │   └── TooLarge               too_large         content over the limit
    ├── PolicyError                the peer broke a room rule
    │   ├── RateLimited            rate_limited      (close 1008 when sustained)
    │   ├── NameTaken              name_taken        the name is held by a member
    │   ├── TooMany                too_many          a cap: members per room (1013)
    │   └── Unauthorized           unauthorized      bad or missing password: 1008
    ├── ServerError                our fault: internal, and the peer may retry
    │   └── HistoryError           internal          the history store failed
    │       └── SharedStateDown    internal          Redis (--redis) did not answer
    └── ConfigError                the operator's fault: a bad flag or file;
        │                          the CLI prints it and exits with code 2
        └── ListenError            the address cannot be bound (busy port,
                                   permission denied, unknown address)

Messages read like log lines: what happened, then the detail that helps.
"""

from __future__ import annotations

from typing import ClassVar, Literal

Fault = Literal["client", "server", "operator"]


class RoomcastError(Exception):
    """Base class of every Roomcast error."""

    fault: ClassVar[Fault] = "server"
    code: ClassVar[str] = "internal"
    close_code: ClassVar[int | None] = None

    def __init__(self, message: str, *, ref: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The offending frame's client ``id``, echoed in the error frame.
        self.ref = ref
        #: The offending frame's ``type``, when it had a string one.
        self.frame_type: str | None = None

    def __str__(self) -> str:
        return self.message


class ProtocolError(RoomcastError):
    """The peer sent a frame that breaks PROTOCOL.md; answer, keep the connection."""

    fault = "client"
    code = "invalid_frame"


class InvalidJSON(ProtocolError):
    code = "invalid_json"


class InvalidFrame(ProtocolError):
    code = "invalid_frame"


class UnknownType(ProtocolError):
    code = "unknown_type"


class UnsupportedData(ProtocolError):
    code = "unsupported_data"


class TooLarge(ProtocolError):
    code = "too_large"


class PolicyError(RoomcastError):
    """The peer broke a room rule (rate, names, password)."""

    fault = "client"


class RateLimited(PolicyError):
    code = "rate_limited"


class NameTaken(PolicyError):
    code = "name_taken"


class Unauthorized(PolicyError):
    code = "unauthorized"
    close_code = 1008


class TooMany(PolicyError):
    """A cap was reached (PROTOCOL.md, Error codes): members per room."""

    code = "too_many"
    close_code = 1013


class ServerError(RoomcastError):
    """Something failed on our side; the peer did nothing wrong and may retry."""

    fault = "server"
    code = "internal"


class HistoryError(ServerError):
    """The history store could not read or commit."""


class SharedStateDown(HistoryError):
    """Redis (shared rooms, ``--redis``) did not answer; what was asked of it
    may not have happened. The node retries by itself; the peer may resend."""


class ConfigError(RoomcastError):
    """A bad flag, file or setting given by the operator (CLI exit code 2)."""

    fault = "operator"


class ListenError(ConfigError):
    """The server cannot listen on ``host:port``; ``errno`` says why."""

    def __init__(self, host: str, port: int, errno: int | None, reason: str) -> None:
        super().__init__(f"cannot listen on {host}:{port}: {reason}")
        self.host = host
        self.port = port
        self.errno = errno
