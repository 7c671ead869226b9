"""roomcast-server's log lines: for people (``text``, the default) or for log shippers (``json``).

Why JSON lines: a log shipper (journald's ``-o cat`` into Vector, Fluent Bit,
Promtail, Filebeat) or ``jq`` reads fields without a regular expression that
breaks the day a message is reworded, and a message that holds a newline (a
traceback, a name from a client) cannot forge a second record: one record is
one line, always (``--log-format json``, docs/operating.md).

Each line is one JSON object with, in this order:

``time``
    when the record was made, RFC 3339 in UTC with milliseconds
    (``2025-01-31T12:00:00.123Z``);
``level``
    ``DEBUG``, ``INFO``, ``WARNING``, ``ERROR`` or ``CRITICAL``;
``logger``
    the logger's name (``roomcast.server``, ``roomcast.history``, ``websockets.server``…);
``event``
    the message, its ``%`` arguments filled in;
``room``, ``remote``
    only when the record carries them: a log call passes
    ``extra={"room": name, "remote": address}`` (a socket address tuple
    becomes ``host:port``, ``[v6]:port``);
``exc``
    only with an exception: the formatted traceback (``stack`` likewise for
    ``stack_info=True``).

The formatter never raises, since a log call must not break the server:
arguments that do not fit their format string, values that JSON cannot hold
(they are ``str()``'d) and unprintable objects all give a line. The output is
ASCII (``ensure_ascii``): every character outside it is a ``\\uXXXX`` escape
that ``json.loads`` and ``jq`` turn back, so no stream encoding can fail on a
line, and no line separator that a reader might split on (U+2028, U+0085,
a lone surrogate from a file name) reaches the stream raw.

Standard library only, and no I/O of its own: :func:`configure` is handed
the stream.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Mapping
from typing import IO, Any, Final

#: The human format, as roomcast-server has always logged.
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"

#: ``--log-format`` choices; the first is the default.
FORMATS: Final = ("text", "json")

#: ``--log-level`` choices.
LEVELS: Final = ("debug", "info", "warning", "error")

#: Record attributes a log call may pass with ``extra=``, copied into a JSON
#: line when present and not None.
CONTEXT_FIELDS: Final = ("room", "remote")

#: The name of the root handler :func:`configure` installs (and replaces when
#: called again).
HANDLER_NAME: Final = "roomcast"


def _plain(value: object) -> object:
    """A value JSON holds as it is; anything else as text (never raises)."""
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)  # JSON has no NaN
    if isinstance(value, tuple) and len(value) >= 2 and isinstance(value[1], int):
        # A socket address, (host, port) or IPv6's (host, port, flow, scope).
        host = str(value[0])
        return f"[{host}]:{value[1]}" if ":" in host else f"{host}:{value[1]}"
    return _text(value)


def _text(value: object) -> str:
    try:
        return str(value)
    except Exception:  # a broken __str__ must not lose the line
        try:
            return object.__repr__(value)
        except Exception:
            return "<unprintable>"


def _event(record: logging.LogRecord) -> str:
    """The message with its arguments, or, when they do not fit its format
    string, the message and the arguments side by side."""
    try:
        return record.getMessage()
    except Exception:
        return f"{_text(record.msg)} (arguments: {_text(record.args)})"


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (see the module docstring)."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """RFC 3339 in UTC with milliseconds: ``2025-01-31T12:00:00.123Z``."""
        seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{seconds}.{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "event": _event(record),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = _plain(value)
        if record.exc_info and not record.exc_text:
            try:
                record.exc_text = self.formatException(record.exc_info)
            except Exception:  # not an exception tuple after all
                record.exc_text = _text(record.exc_info)
        if record.exc_text:
            line["exc"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return dumps(line)


def dumps(line: Mapping[str, object]) -> str:
    """One line of ASCII JSON; a value JSON cannot hold is ``str()``'d."""
    return json.dumps(line, ensure_ascii=True, default=_text, separators=(",", ":"))


def formatter(fmt: str) -> logging.Formatter:
    """The formatter for ``--log-format FMT`` (ValueError for another FMT)."""
    if fmt == "text":
        return logging.Formatter(TEXT_FORMAT)
    if fmt == "json":
        return JsonFormatter()
    raise ValueError(f"unknown log format {fmt!r}: expected one of {', '.join(FORMATS)}")


def configure(level: str, fmt: str, stream: IO[str]) -> logging.Handler:
    """Send every log record at ``level`` or above to ``stream`` as ``fmt``
    (``text`` or ``json``): one handler on the root logger, replacing the one
    an earlier call installed and leaving any other handler alone. Returns
    the handler. ValueError for an unknown level or format."""
    number = logging.getLevelNamesMapping().get(level.upper())
    if number is None:
        raise ValueError(f"unknown log level {level!r}: expected one of {', '.join(LEVELS)}")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(fmt))
    handler.set_name(HANDLER_NAME)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(number)
    return handler
