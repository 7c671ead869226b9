"""Saved messages in QSettings: the ``saved_messages`` array, next to ``connections``.

Each entry has the string keys of ``SavedMessages.to_settings`` (``name``,
``mode``, ``payload``, ``binary_format``, ``scope``), as the saved
connections (desktop/saved.py) keep theirs. Reading never fails: what can't
be read is skipped by ``SavedMessages.from_settings``. Writing replaces the
whole array and raises :class:`SavedMessagesSettingsError` when the file
could not be written.
"""

from __future__ import annotations

from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QSettings

from .snippets import SavedMessages

__all__ = [
    "SETTINGS_ARRAY",
    "SavedMessagesSettingsError",
    "load_saved_messages",
    "save_saved_messages",
]

#: The QSettings array the saved messages are stored in.
SETTINGS_ARRAY: Final = "saved_messages"
_KEYS: Final = ("name", "mode", "payload", "binary_format", "scope")


class SavedMessagesSettingsError(OSError):
    """The settings file could not be written; the message says so."""


def load_saved_messages(settings: QSettings) -> SavedMessages:
    """The saved messages in ``settings`` (none when there are none); never raises."""
    entries: list[dict[str, Any]] = []
    try:
        size = settings.beginReadArray(SETTINGS_ARRAY)
        try:
            for i in range(size):
                settings.setArrayIndex(i)
                entries.append(
                    {key: settings.value(key) for key in _KEYS if settings.contains(key)}
                )
        finally:
            settings.endArray()
    except Exception:  # pragma: no cover - QSettings reports problems by status, not raising
        return SavedMessages()
    return SavedMessages.from_settings(entries)


def save_saved_messages(settings: QSettings, store: SavedMessages) -> None:
    """Write ``store`` to ``settings`` (replacing what was there) and sync.

    Raises :class:`SavedMessagesSettingsError` when the file could not be written.
    """
    entries = store.to_settings()
    settings.remove(SETTINGS_ARRAY)
    settings.beginWriteArray(SETTINGS_ARRAY, len(entries))
    try:
        for i, entry in enumerate(entries):
            settings.setArrayIndex(i)
            for key in _KEYS:
                settings.setValue(key, entry[key])
    finally:
        settings.endArray()
    settings.sync()
    if settings.status() != QSettings.Status.NoError:
        raise SavedMessagesSettingsError(
            QCoreApplication.translate(
                "SavedMessages",
                "The settings file {path} could not be written: the saved messages may be lost.",
            ).format(path=settings.fileName())
        )
