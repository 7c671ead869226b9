"""desktop/snippets_settings.py: saved messages in a QSettings ini file, next to
the window's own keys, and what a damaged file still gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from roomcast.desktop.sending import BinaryFormat, SendMode
from roomcast.desktop.snippets import SavedMessage, SavedMessages
from roomcast.desktop.snippets_settings import (
    SETTINGS_ARRAY,
    SavedMessagesSettingsError,
    load_saved_messages,
    save_saved_messages,
)

ROOM = "ws://127.0.0.1:8765/lobby"
OTHER = "ws://127.0.0.1:8765/other"


def ini_settings(path: Path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


def test_round_trip_through_an_ini_file(tmp_path: Path) -> None:
    store = SavedMessages([SavedMessage("Hello", SendMode.CHAT, "hello all")])
    ini = tmp_path / "roomcast.ini"
    tricky = [
        SavedMessage("Comma", SendMode.TEXT, "a, b, c"),
        SavedMessage("Lines", SendMode.JSON, '{\n  "a": "x\\ny"\n}\n', scope=ROOM),
        SavedMessage("At", SendMode.TEXT, "@Variant(not really)"),
        SavedMessage("Quotes", SendMode.CHAT, "'single' \"double\" \\back"),
        SavedMessage("Unicode ✓", SendMode.TEXT, "ünïcode 🎉"),
        SavedMessage("Blanks", SendMode.TEXT, "  both  "),
        SavedMessage("Bool", SendMode.TEXT, "true"),
        SavedMessage("File", SendMode.BINARY, "/tmp/a b.bin", BinaryFormat.FILE, OTHER),
    ]
    for msg in tricky:
        store.add(msg)
    settings = ini_settings(ini)
    settings.setValue("name", "alice")  # the window's own keys stay
    save_saved_messages(settings, store)
    again = load_saved_messages(ini_settings(ini))
    assert again.all() == store.all()
    assert ini_settings(ini).value("name") == "alice"
    # Fewer after a removal: the old entries do not linger.
    store.remove("Comma")
    save_saved_messages(settings, store)
    assert load_saved_messages(ini_settings(ini)).all() == (store.all())


def test_loading_skips_a_damaged_entry(tmp_path: Path) -> None:
    ini = tmp_path / "roomcast.ini"
    ini.write_text(
        f"[{SETTINGS_ARRAY}]\n"
        "1\\name=Good\n1\\mode=text\n1\\payload=hello\n"
        "2\\name=Bad mode\n2\\mode=telepathy\n2\\payload=x\n"
        "3\\mode=text\n3\\payload=no name\n"
        "4\\name=Good too\n4\\mode=binary\n4\\payload=3q2+7w==\n4\\binary_format=base64\n"
        f"size=4\n",
        encoding="utf-8",
    )
    store = load_saved_messages(ini_settings(ini))
    assert store.all() == [
        SavedMessage("Good", SendMode.TEXT, "hello"),
        SavedMessage("Good too", SendMode.BINARY, "3q2+7w==", BinaryFormat.BASE64),
    ]


def test_loading_from_nothing(tmp_path: Path) -> None:
    store = load_saved_messages(QSettings(str(tmp_path / "none.ini"), QSettings.Format.IniFormat))
    assert len(store) == 0


def test_a_file_that_cannot_be_written_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "settings.ini"
    folder.mkdir()  # a folder where the file should be: it can't be written
    store = SavedMessages([SavedMessage("Hello", SendMode.CHAT, "hello all")])
    with pytest.raises(SavedMessagesSettingsError) as caught:
        save_saved_messages(ini_settings(folder), store)
    assert str(caught.value) == (
        f"The settings file {folder} could not be written: the saved messages may be lost."
    )
