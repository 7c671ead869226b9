"""Translatable texts in the Qt-free modules, without importing Qt.

A Qt-free module (``client``, ``timeline``, ``rows``, ``frames``,
``sending``, ``snippets``, ``tls``, ``connection_options``) marks each
user-visible text with :func:`QT_TRANSLATE_NOOP` (the name
``pyside6-lupdate`` looks for) and shows it through its own module-level
``translate`` hook, :func:`untranslated` until ``desktop/i18n.py`` sets every
hook to ``QCoreApplication.translate``. Headless (the server, tests without a
catalogue) the texts stay English.
"""

from __future__ import annotations

__all__ = ["QT_TRANSLATE_NOOP", "untranslated"]


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` (in ``context``) for ``pyside6-lupdate``; returns it as it is."""
    return text


def untranslated(context: str, text: str) -> str:
    """The hook's value until a catalogue is installed: ``text`` as it is."""
    return text
