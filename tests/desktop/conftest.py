"""Desktop tests run their async code on a qasync loop, as the app does.

pytest-asyncio asks this hook for the loop: every ``async def`` test here,
and in the folders below (tests/desktop/widgets/), runs on
``qasync.QEventLoop`` over the one QApplication, so Qt events and asyncio
callbacks interleave exactly as in ``roomcast``.

The saved-connections fixtures (a keyring backend, a store over an ini file)
are here because two test files use them: tests/desktop/test_saved.py (the
store) and tests/desktop/widgets/test_saved.py (its dialog).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from roomcast.desktop.saved import SavedConnections
from tests.desktop.keyrings import MemoryKeyring


def _qasync_loop() -> asyncio.AbstractEventLoop:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    # As in desktop/app.py: closing a window must not quit Qt under the loop.
    app.setQuitOnLastWindowClosed(False)
    return qasync.QEventLoop(app)


def pytest_asyncio_loop_factories(config: Any, item: Any) -> dict[str, Any]:
    return {"qasync": _qasync_loop}


@pytest.fixture(autouse=True)
def _collect_on_the_main_thread() -> Iterator[None]:
    """Collect each test's garbage on the main thread, before and after it.

    Each test runs on its own qasync loop. A closed loop's timer QObject still
    has Qt timers registered; if Python's cyclic GC happens to free it on a
    worker thread (qasync runs getaddrinfo on QThreads), Qt cannot unregister
    them ("QObject::~QObject: Timers cannot be stopped from another thread")
    and a later timer event lands on freed memory: a segfault. The app guards
    against the same hazard (desktop/app.py, MainThreadGC).
    """
    gc.collect()
    yield
    gc.collect()


# -- saved connections ---------------------------------------------------------------


@pytest.fixture
def use_keyring() -> Iterator[None]:
    """The test may install any keyring backend: the one before is restored afterwards."""
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory(use_keyring: None) -> MemoryKeyring:
    """A working keyring that keeps passwords in a dict (tests/desktop/keyrings.py)."""
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def no_keyring(use_keyring: None) -> None:
    """No system keyring: keyring's own fail backend, the one it picks when it finds none."""
    keyring.set_keyring(keyring.backends.fail.Keyring())


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    """The settings file of the ``store`` fixture."""
    return tmp_path / "roomcast.ini"


@pytest.fixture
def settings(ini: Path) -> QSettings:
    return QSettings(str(ini), QSettings.Format.IniFormat)


@pytest.fixture
def store(settings: QSettings) -> SavedConnections:
    """Saved connections over ``ini``, with whatever keyring the test installed."""
    return SavedConnections(settings)
