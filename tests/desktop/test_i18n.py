"""Languages: the German catalogue loads and reaches the window, the
Qt-free client's and timeline's texts and the module-level texts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from roomcast.desktop import client, timeline
from roomcast.desktop.client import ConnectionState, Status, describe_close
from roomcast.desktop.i18n import chosen_locale, install_translators
from roomcast.desktop.main_window import describe
from tests.desktop.windows import open_window
from tests.helpers import ROOT

CATALOGUE = ROOT / "resources" / "i18n" / "roomcast_de.ts"


@pytest.fixture
def german() -> Iterator[list[QTranslator]]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = client.translate, timeline.translate
    installed = install_translators(app, QLocale("de_DE"))
    try:
        yield installed
    finally:
        for translator in installed:
            app.removeTranslator(translator)
        client.translate, timeline.translate = before


def test_the_system_language_or_roomcast_lang() -> None:
    assert chosen_locale({"ROOMCAST_LANG": "de"}).language() == QLocale.Language.German
    assert chosen_locale({}).name() == QLocale.system().name()


async def test_the_german_catalogue_loads(
    german: list[QTranslator], qtbot: QtBot, tmp_path: Path
) -> None:
    assert german, "resources/i18n/roomcast_de.qm did not load (make i18n builds it)"
    async with open_window(qtbot, tmp_path) as window:
        assert window.host_button.text() == "Raum hosten"
        assert window.connection_bar.connect_button.text() == "Verbinden"
        assert window.state_label.text() == "Getrennt"
        assert window.composer.placeholderText() == (
            "Nicht verbunden: Verbinden Sie sich mit einem Server, um Nachrichten zu senden"
        )
    # Module-level texts and the Qt-free client's, through the same catalogue.
    status = Status(ConnectionState.CONNECTING, "ws://127.0.0.1:8765/")
    assert describe(status) == "Verbinde mit ws://127.0.0.1:8765/ …"
    assert describe_close(None, "").text == "Verbindung verloren"
    assert describe_close(1001, "").text == "Der Server wurde beendet"
    assert describe_close(1012, "").text == (
        "Der Server hat den Raum neu gestartet; verbinde sofort neu"
    )
    # The Qt-free timeline's one text: the row a reset leaves (PROTOCOL.md, Epochs).
    assert timeline.reset_text() == (
        "Der Verlauf des Servers wurde zurückgesetzt; angezeigt wird, was er jetzt hat"
    )


def test_english_is_the_source_language() -> None:
    assert describe_close(None, "").text == "Connection lost"
    assert timeline.reset_text() == "The server's history was reset; showing what it has now"


def test_every_string_is_translated() -> None:
    tree = ET.parse(CATALOGUE)
    unfinished = [
        m.findtext("source")
        for m in tree.iter("message")
        if m.find("translation") is None or m.find("translation").get("type") == "unfinished"
    ]
    assert unfinished == []
    assert len(list(tree.iter("message"))) > 200
