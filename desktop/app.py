"""``roomcast``: the desktop app's entry point.

Arguments are parsed, and the display is checked, before PySide6 is
imported, so ``--help`` and ``--version`` are fast and work headless, and a
missing display gives one clear line instead of Qt's abort.

One asyncio loop through qasync, started and stopped the way that is known
to be clean with qasync 0.28 and PySide6: ``setQuitOnLastWindowClosed(False)``
and ``lastWindowClosed`` setting an event that the main coroutine awaits;
then the session closes its websocket with 1000 before its tasks end; then
the loop ends. (``asyncio.run()`` after ``set_event_loop(QEventLoop)`` would
silently run a plain loop with Qt frozen.)
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import logging.handlers
import os
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from roomcast.server import __version__

from .links import EXAMPLE_URL, WS_SCHEMES, from_link, split_links

if TYPE_CHECKING:
    from .session import ChatSession

NO_DISPLAY_MESSAGE = (
    "roomcast: no display found (DISPLAY and WAYLAND_DISPLAY are unset); "
    "for a headless room server run roomcast-server"
)
EXIT_NO_DISPLAY = 2
# How often Qt hands control back to Python so that SIGINT/SIGTERM handlers run
# while Qt idles in C++.
SIGNAL_POLL_MS = 200

log = logging.getLogger("roomcast")


def _ws_url(value: str) -> str:
    """argparse's type for the URL arguments: a failover list (links allowed) of
    ws:// or wss:// URLs, joined by spaces."""
    words = split_links(value)
    for url in map(from_link, words):
        if not url.startswith(WS_SCHEMES):
            raise argparse.ArgumentTypeError(f"expected a ws:// or wss:// URL, got {url!r}")
    # The words as given: a roomcasts:// invite keeps its #sha256= fingerprint,
    # which the session pins before connecting (ChatSession._pin_invites).
    return " ".join(words)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roomcast",
        description="Roomcast desktop chat: join a room on any ws:// or wss:// server, "
        "or inspect any WebSocket server's traffic.",
    )
    parser.add_argument("--version", action="version", version=f"roomcast {__version__}")
    parser.add_argument(
        "url",
        nargs="*",
        type=_ws_url,
        help=f"room to join at once, e.g. {EXAMPLE_URL} (several: failover); "
        "roomcast:// and roomcasts:// links stand for ws:// and wss://",
    )
    parser.add_argument("--name", help="your display name in the room")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="host a room offscreen, exchange a message both ways with a second client, "
        "stop, and say whether it all worked (exit code 0 when it did)",
    )
    # Closes the window after MS milliseconds: for tests and smoke tests.
    parser.add_argument("--quit-after", type=int, metavar="MS", help=argparse.SUPPRESS)
    return parser


def _needs_display_server(platform_spec: str) -> bool:
    """Qt platform plugins xcb and wayland need a display; offscreen, vnc… do not."""
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


def log_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir("roomcast", appauthor=False)) / "roomcast.log"


def setup_logging() -> Path | None:
    """Log to a rotating file in the user log directory (and warnings to stderr)."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    path: Path | None = log_file()
    assert path is not None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1 << 20, backupCount=3, encoding="utf-8"
        )
    except OSError as exc:
        print(f"roomcast: cannot write the log file {path}: {exc}", file=sys.stderr)
        path = None
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    root.addHandler(console)
    logging.getLogger("websockets").setLevel(logging.WARNING)
    return path


def _run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QCoreApplication, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog
    from qasync import QEventLoop

    from roomcast.server.protocol import MAX_NAME_CHARS

    from .i18n import install_translators
    from .main_window import MainWindow
    from .models import MessageListModel
    from .resources import app_icon
    from .session import ChatSession

    log_path = setup_logging()
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "roomcast"])
    assert isinstance(app, QApplication)
    app.setApplicationName("Roomcast")
    app.setOrganizationName("Roomcast")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    install_translators(app)  # before any widget exists; parented to the app
    # Ties windows to resources/roomcast.desktop: Wayland's app id, and the
    # taskbar/dock entry that shows the icon and name.
    app.setDesktopFileName("roomcast")
    # The window closing ends main_coro(), which ends the loop: Qt must not quit
    # on its own underneath a running coroutine.
    app.setQuitOnLastWindowClosed(False)

    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    collector = MainThreadGC()

    model = MessageListModel()
    session = ChatSession(model)
    window = MainWindow(session, QSettings())

    uninstall = install_error_reporting(session, loop, log_path)

    closed = asyncio.Event()

    def last_window_closed() -> None:
        # Hidden to keep hosting (the tray brings it back) is not closed.
        if not window.in_background:
            closed.set()

    app.lastWindowClosed.connect(last_window_closed)
    window.closed.connect(closed.set)

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

    async def main_coro() -> None:
        window.show()
        if args.quit_after is not None:
            # Started after show(): closing a window that was never shown would
            # not emit lastWindowClosed, and the app would wait forever.
            QTimer.singleShot(max(0, args.quit_after), window.close)
        name = args.name or window.connection_bar.name_edit.text()
        if not name and args.quit_after is None:
            # First run: ask once, prefilled from the OS user name.
            name, ok = QInputDialog.getText(
                window,
                "Roomcast",
                QCoreApplication.translate("MainWindow", "Your display name:"),
                text=_os_user(),
            )
            name = name.strip()[:MAX_NAME_CHARS] if ok else ""
            if name:
                window.connection_bar.name_edit.setText(name)
                window.settings.setValue("name", name)
        if args.quit_after is None:
            window.restore_rooms()  # the rooms open at the last quit
        if args.url:
            window.connect_to(" ".join(args.url), name or None)
        await closed.wait()
        await session.aclose()

    try:
        loop.run_until_complete(main_coro())
    finally:
        signal_tick.stop()
        collector.stop()
        for signum, handler in previous.items():
            if handler is not None:  # None: installed from C, cannot be restored
                signal.signal(signum, handler)
        uninstall()
        app.lastWindowClosed.disconnect(last_window_closed)
        window.deleteLater()
        asyncio.set_event_loop(None)
        loop.close()
    return 0


#: Every this many collections, the frozen objects are thawed and collected
#: too (see MainThreadGC): at 5 s a collection, every 10 minutes.
THAW_EVERY = 120


class MainThreadGC:
    """Python's cyclic GC, run only on the main thread, from a Qt timer.

    The GC may otherwise run on any thread that allocates — qasync resolves
    host names on QThreads — and free a QObject there: Qt then cannot stop its
    timers ("Timers cannot be stopped from another thread") and a later timer
    event crashes the process. Collecting here, between events, avoids that.

    What survives a collection is frozen (``gc.freeze``): the next passes
    scan only what was made since. A full pass over a million rows held (an
    inspector's long session) stalls the window some 180 ms; every 5 s, that
    was a visible hitch (issue 20: no stall over 50 ms). Frozen objects are
    still freed by reference counting the moment nothing refers to them; only
    a reference cycle among them waits for the thaw every ``thaw_every``
    collections, which unfreezes everything and collects it whole (the one
    long pass, every 10 minutes by default).
    """

    def __init__(self, interval_ms: int = 5000, *, thaw_every: int = THAW_EVERY) -> None:
        import gc

        from PySide6.QtCore import QTimer

        self._gc = gc
        self._thaw_every = thaw_every
        self._collections = 0
        gc.disable()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._collect)
        self._timer.start()

    def _collect(self) -> None:
        self.collect()

    def collect(self) -> None:
        """One pass (the timer's): collect what is not frozen, then freeze it."""
        self._collections += 1
        if self._collections % self._thaw_every == 0:
            self._gc.unfreeze()
        self._gc.collect()
        self._gc.freeze()

    def stop(self) -> None:
        self._timer.stop()
        self._gc.unfreeze()
        self._gc.collect()
        self._gc.enable()


def install_error_reporting(
    session: ChatSession, loop: asyncio.AbstractEventLoop, log_path: Path | None
) -> Callable[[], None]:
    """Nothing raises into the Qt event loop unseen: a failing slot or callback
    is logged with its traceback and shown as a notice. Returns the undo."""
    from roomcast.server.notices import Severity

    def report(text: str) -> None:
        session.report(Severity.ERROR, text)

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        where = f" (details in {log_path})" if log_path else ""
        report(f"Unexpected error: {exc!r}{where}")

    def loop_exception(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        log.error("asyncio: %s", context.get("message"), exc_info=exc)
        report(f"Unexpected error: {exc!r}" if exc else str(context.get("message")))

    previous_hook = sys.excepthook
    sys.excepthook = excepthook
    loop.set_exception_handler(loop_exception)

    def uninstall() -> None:
        sys.excepthook = previous_hook
        loop.set_exception_handler(None)

    return uninstall


def _os_user() -> str:
    from roomcast.server.protocol import MAX_NAME_CHARS  # here: --help and --version stay fast

    try:
        return getpass.getuser()[:MAX_NAME_CHARS]
    except (KeyError, OSError):
        return ""


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        from .selftest import run_self_test

        return run_self_test()
    if display_missing():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return EXIT_NO_DISPLAY
    return _run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
