"""One Qt-free notification channel: what happened, and how much it matters.

The server reports what its operator (or the host at the window) should
see: a client dropped for abuse, a slow consumer closed, a history store
failure. Headless, notices go to the log; in the desktop app the session
subscribes and shows them in the status bar and the message list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum


class Severity(IntEnum):
    """Ordered like logging levels so that a notice maps onto one."""

    INFO = logging.INFO
    WARNING = logging.WARNING
    ERROR = logging.ERROR


@dataclass(frozen=True, slots=True)
class Notice:
    severity: Severity
    text: str
    time: datetime = field(default_factory=lambda: datetime.now(UTC))


Listener = Callable[[Notice], None]


class Notices:
    """Subscribers get every notice; the log always does."""

    def __init__(self, logger: logging.Logger) -> None:
        self._log = logger
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, severity: Severity, text: str) -> None:
        self._log.log(int(severity), "%s", text)
        notice = Notice(severity, text)
        for listener in list(self._listeners):
            try:
                listener(notice)
            except Exception:
                self._log.exception("a notice listener failed")

    def info(self, text: str) -> None:
        self.emit(Severity.INFO, text)

    def warning(self, text: str) -> None:
        self.emit(Severity.WARNING, text)

    def error(self, text: str) -> None:
        self.emit(Severity.ERROR, text)
