"""Keyring backends for tests, and what the saved-connections tests share.

keyring has no in-memory backend of its own, so this module has one: a real
``KeyringBackend``, installed with ``keyring.set_keyring`` by the ``memory``
fixture (tests/desktop/conftest.py), which puts the previous backend back
after the test. The "no keyring" cases use keyring's own ``fail.Keyring``, the
backend keyring picks when it finds nothing.
"""

from __future__ import annotations

from pathlib import Path

import keyring.backend
import keyring.errors
from PySide6.QtCore import QSettings

from roomcast.desktop.saved import SavedConnections

NO_KEYRING = (
    "No system keyring is available: the password was not saved. "
    "It will be asked for when you connect."
)
SECRET = "correct-horse-battery-staple-7f3a"
FIRST = "ws://127.0.0.1:8765/r/team"
SECOND = "wss://backup.example.org/r/team"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps passwords in a dict."""

    priority = 1
    # Every KeyringBackend subclass is registered for discovery; keep this one out,
    # so keyring's own choice of backend in this process is not a test double.
    viable = False

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("no such password") from None


class LockedKeyring(MemoryKeyring):
    """A keyring whose every use fails the way a locked Secret Service does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


def reopened(ini: Path) -> SavedConnections:
    """A store over a fresh QSettings on the same file: what the next run sees."""
    return SavedConnections(QSettings(str(ini), QSettings.Format.IniFormat))
