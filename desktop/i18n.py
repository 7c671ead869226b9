"""Languages: every user-visible string goes through Qt's ``tr()`` (or
``QCoreApplication.translate``); the catalogues are
``resources/i18n/roomcast_<language>.qm``, built from the ``.ts`` sources
next to them (``make i18n``; docs/development.md, Translations).

The language is the system's (``QLocale.system()``); ``ROOMCAST_LANG=de``
(or ``en``) overrides it. English is the source language: it needs no
catalogue.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from . import client, connection_options, frames, rows, sending, snippets, timeline, tls
from .resources import resource_path

log = logging.getLogger("roomcast.i18n")


def chosen_locale(environ: dict[str, str] | None = None) -> QLocale:
    env = os.environ if environ is None else environ
    override = env.get("ROOMCAST_LANG", "").strip()
    return QLocale(override) if override else QLocale.system()


#: The Qt-free modules with texts to translate (each has a ``translate``).
QT_FREE_TEXTS = (client, connection_options, frames, rows, sending, snippets, timeline, tls)


def install_translators(app: QCoreApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Load Roomcast's catalogue (and Qt's own, for its dialogs) for ``locale``.

    Returns the installed translators (keep them alive: Qt does not own them
    unless parented). A missing catalogue means English, not an error.
    """
    locale = locale or chosen_locale()
    installed: list[QTranslator] = []
    # The Qt-free modules mark their texts with QT_TRANSLATE_NOOP; this is
    # where they meet the catalogue.
    for module in QT_FREE_TEXTS:
        module.translate = QCoreApplication.translate  # type: ignore[attr-defined]
    try:
        folder = str(resource_path("i18n"))
    except FileNotFoundError as exc:
        log.warning("no translations: %s", exc)
        return installed
    ours = QTranslator(app)
    if ours.load(locale, "roomcast", "_", folder):
        app.installTranslator(ours)
        installed.append(ours)
    elif locale.language() not in (QLocale.Language.English, QLocale.Language.C):
        log.info("no Roomcast catalogue for %s: English", locale.name())
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed
