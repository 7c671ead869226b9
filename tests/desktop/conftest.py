"""Desktop tests run their async code on a qasync loop, as the app does.

pytest-asyncio asks this hook for the loop: every ``async def`` test here
runs on ``qasync.QEventLoop`` over the one QApplication, so Qt events and
asyncio callbacks interleave exactly as in ``roomcast``.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication


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
