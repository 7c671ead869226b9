"""The ``roomcast`` desktop app.

For now this shows a placeholder window; the chat window lands in the next release.

Arguments are parsed, and the display is checked, before PySide6 is imported, so
``--help`` and ``--version`` are fast and work headless, and a missing display
gives one clear line instead of Qt's abort. ``PlaceholderWindow`` is still
importable from here: it is built on first access (see ``__getattr__`` below).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import signal
import sys
from typing import TYPE_CHECKING, Any, cast

from server import __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel, QMainWindow

    # What type checkers see; at run time the class comes from
    # _placeholder_window_class(), through the module __getattr__ below.
    class PlaceholderWindow(QMainWindow):
        label: QLabel

        def __init__(self, url: str | None = None, name: str | None = None) -> None: ...

    _PlaceholderWindowType = type[PlaceholderWindow]

PLACEHOLDER_TEXT = (
    "Roomcast — the chat window arrives in the next release. Run roomcast-server to host a room."
)
NO_DISPLAY_MESSAGE = (
    "roomcast: no display found (DISPLAY and WAYLAND_DISPLAY are unset); "
    "for a headless room server run roomcast-server"
)
EXIT_NO_DISPLAY = 2

# How often Qt hands control back to Python so that SIGINT/SIGTERM handlers run
# while Qt idles in C++.
SIGNAL_POLL_MS = 200


def _ws_url(value: str) -> str:
    if not value.startswith(("ws://", "wss://")):
        raise argparse.ArgumentTypeError(f"expected a ws:// or wss:// URL, got {value!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roomcast",
        description="Roomcast desktop chat. This release shows a placeholder window;"
        " to host a room, run roomcast-server.",
    )
    parser.add_argument("--version", action="version", version=f"roomcast {__version__}")
    parser.add_argument(
        "url", nargs="?", type=_ws_url, help="room to join, e.g. ws://127.0.0.1:8765/"
    )
    parser.add_argument("--name", help="your display name in the room")
    # Closes the window after MS milliseconds: for tests and smoke tests.
    parser.add_argument("--quit-after", type=int, metavar="MS", help=argparse.SUPPRESS)
    return parser


# Qt platform plugins that need a display server; any other (offscreen, minimal,
# vnc, eglfs, linuxfb, ...) draws somewhere else.
def _needs_display_server(platform_spec: str) -> bool:
    # QT_QPA_PLATFORM may be "name:options" or a ";"-separated fallback list.
    names = [part.split(":", 1)[0].strip() for part in platform_spec.split(";")]
    names = [name for name in names if name]
    if not names:
        return True
    return all(name == "xcb" or name.startswith("wayland") for name in names)


def display_missing(environ: Any = None) -> bool:
    """True when Qt would abort for want of a display (Linux only)."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return False
    if not _needs_display_server(env.get("QT_QPA_PLATFORM", "")):
        return False
    return not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


@functools.cache
def _placeholder_window_class() -> type[PlaceholderWindow]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QMainWindow

    class PlaceholderWindow(QMainWindow):
        """Stands in for the chat window until it lands."""

        def __init__(self, url: str | None = None, name: str | None = None) -> None:
            super().__init__()
            self.setWindowTitle("Roomcast")
            self.resize(640, 400)
            self.label = QLabel(PLACEHOLDER_TEXT)
            self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.label.setWordWrap(True)
            self.label.setMargin(24)
            self.setCentralWidget(self.label)
            status = "Not connected"
            if url:
                status += f" — joining {url} arrives with the chat window"
            if name:
                status += f" (as {name})"
            self.statusBar().showMessage(status)

    return cast("_PlaceholderWindowType", PlaceholderWindow)


def __getattr__(name: str) -> Any:
    # PEP 562: `from desktop.app import PlaceholderWindow` imports PySide6 only then.
    if name == "PlaceholderWindow":
        return _placeholder_window_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from qasync import QEventLoop

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "roomcast"])
    assert isinstance(app, QApplication)
    app.setApplicationName("Roomcast")
    app.setApplicationVersion(__version__)
    # The window closing ends main_coro(), which ends the loop: Qt must not quit
    # on its own underneath a running coroutine.
    app.setQuitOnLastWindowClosed(False)

    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)

    window = _placeholder_window_class()(url=args.url, name=args.name)
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)

    def on_signal(signum: int, frame: object) -> None:
        window.close()

    previous = {
        signum: signal.signal(signum, on_signal) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    # Python runs signal handlers only when it gets control; this tick gives it that.
    signal_tick = QTimer()
    signal_tick.setInterval(SIGNAL_POLL_MS)
    signal_tick.timeout.connect(lambda: None)
    signal_tick.start()

    if args.quit_after is not None:
        QTimer.singleShot(max(0, args.quit_after), window.close)

    async def main_coro() -> None:
        window.show()
        await closed.wait()

    try:
        loop.run_until_complete(main_coro())
    finally:
        signal_tick.stop()
        for signum, handler in previous.items():
            if handler is not None:  # None: installed from C, cannot be restored
                signal.signal(signum, handler)
        app.lastWindowClosed.disconnect(closed.set)
        window.deleteLater()
        asyncio.set_event_loop(None)
        loop.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if display_missing():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return EXIT_NO_DISPLAY
    return _run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
