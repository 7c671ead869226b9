"""Saved connections: a name, a failover list of URLs, a display name, a password.

Everything but the password lives in QSettings, in the ``connections`` array
next to the window's own keys ("name", "recent_urls"...). The password goes to
the operating system's keyring (the ``keyring`` package: Secret Service,
KWallet, macOS Keychain, Windows Credential Locker) under the service
:data:`KEYRING_SERVICE` and the user name ``connection:<name>``; QSettings only
records *whether* there is one. When no keyring is available the password is
not stored anywhere: :meth:`SavedConnections.save` stores the rest and raises
:class:`NoKeyringError`, whose message says so.

Every failure the person should read is a :class:`ValueError` (what they typed
is wrong; nothing was stored) or a :class:`SavedConnectionsError` (something
outside went wrong; the message says what was and wasn't stored). Keyring
exceptions never escape.

Keyring calls are synchronous: a locked Secret Service may show its unlock
prompt while the call waits. The password is only read when it is needed
(:meth:`SavedConnections.password`), never when listing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QSettings

from server.protocol import check_name

from .links import join_urls, validate_url

try:
    import keyring
    import keyring.backend
    import keyring.backends.chainer
    import keyring.backends.fail
    import keyring.backends.null
    import keyring.errors
except Exception:  # pragma: no cover - a broken or missing install: no keyring, not a crash
    keyring = None  # type: ignore[assignment]

__all__ = [
    "KEYRING_SERVICE",
    "MAX_CONNECTION_NAME_CHARS",
    "NoKeyringError",
    "PasswordStoreError",
    "SavedConnection",
    "SavedConnections",
    "SavedConnectionsError",
    "keyring_available",
    "keyring_user",
]

#: The keyring "service" every Roomcast password is filed under.
KEYRING_SERVICE: Final = "Roomcast"
MAX_CONNECTION_NAME_CHARS: Final = 64
#: The QSettings array the connections are stored in.
SETTINGS_ARRAY: Final = "connections"


class SavedConnectionsError(Exception):
    """A failure to show the person as it is: the message says what happened."""


class PasswordStoreError(SavedConnectionsError):
    """The system keyring failed; the message says what was and wasn't stored."""


class NoKeyringError(PasswordStoreError):
    """There is no system keyring: the password was not saved (the rest was)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or QCoreApplication.translate(
                "SavedConnections",
                "No system keyring is available: the password was not saved. "
                "It will be asked for when you connect.",
            )
        )


@dataclass(frozen=True)
class SavedConnection:
    name: str
    urls: tuple[str, ...]
    display_name: str = ""
    has_password: bool = False

    @property
    def urls_text(self) -> str:
        """The URLs as the URL box shows a failover list: ``ws://a, ws://b``."""
        return join_urls(self.urls)


def keyring_user(name: str) -> str:
    """The keyring user name a connection's password is stored under."""
    return f"connection:{name}"


def keyring_available() -> bool:
    """Whether a password can be stored in a real system keyring right now.

    False when the keyring package is missing or broken, when its active
    backend is the "fail" or "null" keyring, or a chainer with nothing to chain.
    """
    if keyring is None:
        return False
    try:
        backend = keyring.get_keyring()
        if isinstance(backend, keyring.backends.fail.Keyring | keyring.backends.null.Keyring):
            return False
        if isinstance(backend, keyring.backends.chainer.ChainerBackend):
            return bool(backend.backends)
        return True
    except Exception:
        return False


def _keyring_problem(exc: Exception, what: str) -> str:
    """Words for a keyring failure; ``what`` says what was not done, e.g. "the password was
    not saved"."""
    if keyring is not None and isinstance(exc, keyring.errors.KeyringLocked):
        return QCoreApplication.translate(
            "SavedConnections", "The system keyring is locked: {what}."
        ).format(what=what)
    if keyring is not None and isinstance(exc, keyring.errors.NoKeyringError):
        return _no_keyring(what)
    detail = str(exc).strip() or type(exc).__name__
    return QCoreApplication.translate(
        "SavedConnections", "The system keyring failed ({detail}): {what}."
    ).format(detail=detail, what=what)


def _no_keyring(what: str) -> str:
    return QCoreApplication.translate(
        "SavedConnections", "No system keyring is available: {what}."
    ).format(what=what)


def _as_str_list(value: Any) -> list[str]:
    # An ini file gives back a one-element list as a plain string.
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v)]
    return []


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


class SavedConnections:
    """The saved connections in ``settings`` and their passwords in the keyring.

    Names are unique and compared exactly ("Work" and "work" are two).
    """

    def __init__(self, settings: QSettings, service: str = KEYRING_SERVICE) -> None:
        self.settings = settings
        self.service = service

    # -- reading ------------------------------------------------------------------

    def all(self) -> list[SavedConnection]:
        """Every saved connection, in the order they were first saved."""
        s = self.settings
        found: list[SavedConnection] = []
        seen: set[str] = set()
        size = s.beginReadArray(SETTINGS_ARRAY)
        try:
            for i in range(size):
                s.setArrayIndex(i)
                name = str(s.value("name", "") or "")
                urls = tuple(_as_str_list(s.value("urls")))
                if not name or not urls or name in seen:
                    continue  # a hand-edited or damaged entry: skip it, don't crash
                seen.add(name)
                found.append(
                    SavedConnection(
                        name=name,
                        urls=urls,
                        display_name=str(s.value("display_name", "") or ""),
                        has_password=_as_bool(s.value("has_password", False)),
                    )
                )
        finally:
            s.endArray()
        return found

    def names(self) -> list[str]:
        return [c.name for c in self.all()]

    def get(self, name: str) -> SavedConnection | None:
        return next((c for c in self.all() if c.name == name), None)

    def password(self, name: str) -> str | None:
        """The saved password of ``name``; None when it has none (or the keyring lost it).

        Raises :class:`PasswordStoreError` when the keyring can't be read.
        """
        conn = self.get(name)
        if conn is None or not conn.has_password:
            return None
        what = QCoreApplication.translate(
            "SavedConnections",
            "the saved password could not be read. Type it in the Password field",
        )
        if not keyring_available():
            raise PasswordStoreError(_no_keyring(what))
        try:
            return keyring.get_password(self.service, keyring_user(name))
        except Exception as exc:
            raise PasswordStoreError(_keyring_problem(exc, what)) from None

    # -- writing ------------------------------------------------------------------

    def save(self, conn: SavedConnection, password: str | None = None) -> SavedConnection:
        """Add ``conn``, or replace the one with its name; returns what was stored.

        ``password``: None keeps the saved password (if any), "" forgets it, any
        other text replaces it. ``conn.has_password`` is ignored: the store sets it.

        Raises ValueError (nothing stored) when the name, a URL or the display
        name is not valid. Raises :class:`NoKeyringError` or
        :class:`PasswordStoreError` when the password could not be stored: the
        rest *was* saved, with ``has_password`` False.
        """
        conn = self.validate(conn)
        old = self.get(conn.name)
        had_password = old is not None and old.has_password
        problem: PasswordStoreError | None = None
        if password is None:
            has_password = had_password
        elif password == "":
            has_password = False
            if had_password:
                problem = self._forget_password(
                    conn.name,
                    QCoreApplication.translate(
                        "SavedConnections", "the old password could not be removed from it"
                    ),
                )
        else:
            problem = self._store_password(conn.name, password)
            has_password = problem is None
            if problem is not None and had_password:
                # Don't leave the old password behind to be used without anyone knowing.
                self._forget_password(conn.name)
        stored = dataclasses.replace(conn, has_password=has_password)
        conns = self.all()
        index = next((i for i, c in enumerate(conns) if c.name == stored.name), None)
        if index is None:
            conns.append(stored)
        else:
            conns[index] = stored
        self._write(conns)
        if problem is not None:
            raise problem
        return stored

    def delete(self, name: str) -> None:
        """Forget ``name`` and its saved password; nothing happens if there is none.

        Raises :class:`PasswordStoreError` when the connection was deleted but
        its password could not be removed from the keyring.
        """
        conns = self.all()
        gone = next((c for c in conns if c.name == name), None)
        if gone is None:
            return
        self._write([c for c in conns if c.name != name])
        if gone.has_password:
            problem = self._forget_password(
                name,
                QCoreApplication.translate(
                    "SavedConnections",
                    "the connection was deleted, but its password could not be removed from it",
                ),
            )
            if problem is not None:
                raise problem

    def rename(self, old: str, new: str) -> SavedConnection:
        """Give ``old`` the name ``new``, moving its saved password too.

        Raises ValueError when ``old`` doesn't exist, ``new`` is not a valid
        name or is taken; :class:`PasswordStoreError` when the password could not
        be moved (the connection is renamed, without a saved password).
        """
        conns = self.all()
        index = next((i for i, c in enumerate(conns) if c.name == old), None)
        if index is None:
            raise ValueError(
                QCoreApplication.translate(
                    "SavedConnections", "There is no saved connection named {name!r}."
                ).format(name=old)
            )
        new = self.check_connection_name(new)
        if new == old:
            return conns[index]
        if any(c.name == new for c in conns):
            raise ValueError(
                QCoreApplication.translate(
                    "SavedConnections", "A saved connection named {name!r} already exists."
                ).format(name=new)
            )
        conn = conns[index]
        problem: PasswordStoreError | None = None
        has_password = False
        if conn.has_password:
            what = QCoreApplication.translate(
                "SavedConnections",
                "the password could not be moved to the new name and was not kept",
            )
            if not keyring_available():
                problem = PasswordStoreError(_no_keyring(what))
            else:
                try:
                    secret = keyring.get_password(self.service, keyring_user(old))
                    if secret is not None:
                        keyring.set_password(self.service, keyring_user(new), secret)
                        has_password = True
                except Exception as exc:
                    problem = PasswordStoreError(_keyring_problem(exc, what))
                self._forget_password(old)
        conns[index] = renamed = dataclasses.replace(conn, name=new, has_password=has_password)
        self._write(conns)
        if problem is not None:
            raise problem
        return renamed

    # -- validation ---------------------------------------------------------------

    @staticmethod
    def check_connection_name(name: str) -> str:
        """``name`` stripped, or ValueError saying what is wrong with it."""
        name = name.strip()
        if not name:
            raise ValueError(
                QCoreApplication.translate("SavedConnections", "A saved connection needs a name.")
            )
        if len(name) > MAX_CONNECTION_NAME_CHARS:
            raise ValueError(
                QCoreApplication.translate(
                    "SavedConnections",
                    "A connection name has at most {limit} characters (this one has {count}).",
                ).format(limit=MAX_CONNECTION_NAME_CHARS, count=len(name))
            )
        if any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in name):
            raise ValueError(
                QCoreApplication.translate(
                    "SavedConnections", "A connection name can't contain control characters."
                )
            )
        return name

    @classmethod
    def validate(cls, conn: SavedConnection) -> SavedConnection:
        """``conn`` with its fields stripped (duplicate URLs dropped), or ValueError."""
        name = cls.check_connection_name(conn.name)
        urls: list[str] = []
        for url in conn.urls:
            url = validate_url(url)  # ValueError saying what is wrong with it
            if url not in urls:
                urls.append(url)
        if not urls:
            raise ValueError(
                QCoreApplication.translate(
                    "SavedConnections",
                    "A saved connection needs at least one server address (ws:// or wss://).",
                )
            )
        display_name = conn.display_name.strip()
        if display_name and (problem := check_name(display_name)) is not None:
            raise ValueError(
                QCoreApplication.translate(
                    "SavedConnections", "Not a valid display name: {problem}."
                ).format(problem=problem)
            )
        return SavedConnection(name, tuple(urls), display_name, conn.has_password)

    # -- the keyring and the settings file ----------------------------------------

    def _store_password(self, name: str, password: str) -> PasswordStoreError | None:
        if not keyring_available():
            return NoKeyringError()
        try:
            keyring.set_password(self.service, keyring_user(name), password)
        except Exception as exc:
            what = QCoreApplication.translate(
                "SavedConnections",
                "the password was not saved. It will be asked for when you connect",
            )
            return PasswordStoreError(_keyring_problem(exc, what))
        return None

    def _forget_password(self, name: str, what: str = "") -> PasswordStoreError | None:
        """Remove ``name``'s password; the problem (saying ``what``) if that failed.

        Without ``what`` this is a best-effort clean-up whose result is ignored.
        """
        if not keyring_available():
            return PasswordStoreError(_no_keyring(what))
        try:
            keyring.delete_password(self.service, keyring_user(name))
        except keyring.errors.PasswordDeleteError:
            return None  # it was not there (removed by hand): that is what we wanted
        except Exception as exc:
            return PasswordStoreError(_keyring_problem(exc, what))
        return None

    def _write(self, conns: list[SavedConnection]) -> None:
        s = self.settings
        s.remove(SETTINGS_ARRAY)
        s.beginWriteArray(SETTINGS_ARRAY, len(conns))
        try:
            for i, conn in enumerate(conns):
                s.setArrayIndex(i)
                s.setValue("name", conn.name)
                s.setValue("urls", list(conn.urls))
                s.setValue("display_name", conn.display_name)
                s.setValue("has_password", conn.has_password)
        finally:
            s.endArray()
        s.sync()
        if s.status() != QSettings.Status.NoError:
            raise SavedConnectionsError(
                QCoreApplication.translate(
                    "SavedConnections",
                    "The settings file {path} could not be written: the change may be lost.",
                ).format(path=s.fileName())
            )
