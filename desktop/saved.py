"""Saved connections: a name, a failover list of URLs, a display name, a password
and connection options (desktop/connection_options.py).

Everything but the secrets lives in QSettings, in the ``connections`` array
next to the window's own keys ("name", "recent_urls"...); the options as the
JSON text of :func:`~desktop.connection_options.to_settings`. The password
goes to the operating system's keyring (the ``keyring`` package: Secret
Service, KWallet, macOS Keychain, Windows Credential Locker) under the service
:data:`KEYRING_SERVICE` and the user name ``connection:<name>``; QSettings only
records *whether* there is one. So do the values of secret headers
(:func:`~desktop.connection_options.is_secret_header`: Authorization,
cookies, tokens...), each under ``connection:<name>:header:<Header-Name>``;
the settings keep their names with an empty value and a ``secret`` marker.
When no keyring is available a secret is not stored anywhere (a secret
header not at all, name included): :meth:`SavedConnections.save` stores the
rest and raises :class:`NoKeyringError`, whose message says so.

Every failure the person should read is a :class:`ValueError` (what they typed
is wrong; nothing was stored) or a :class:`SavedConnectionsError` (something
outside went wrong; the message says what was and wasn't stored). Keyring
exceptions never escape.

Keyring calls are synchronous: a locked Secret Service may show its unlock
prompt while the call waits. Secrets are only read when they are needed
(:meth:`SavedConnections.password`, :meth:`SavedConnections.options`), never
when listing.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QSettings

from roomcast.server.protocol import check_name

from .connection_options import (
    ConnectionOptions,
    check_options,
    from_settings,
    is_secret_header,
    marked_secret_names,
    to_settings,
    with_secrets,
)
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
    "keyring_header_user",
    "keyring_user",
]

log = logging.getLogger("roomcast.saved")

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
    #: Secret header values are never here: those headers have an empty value
    #: (:meth:`SavedConnections.options` fills them in from the keyring).
    options: ConnectionOptions = field(default_factory=ConnectionOptions)
    #: The headers whose values are in the keyring; set by the store, like has_password.
    secret_headers: tuple[str, ...] = ()

    @property
    def urls_text(self) -> str:
        """The URLs as the URL box shows a failover list: ``ws://a, ws://b``."""
        return join_urls(self.urls)


def keyring_user(name: str) -> str:
    """The keyring user name a connection's password is stored under."""
    return f"connection:{name}"


def keyring_header_user(name: str, header: str) -> str:
    """The keyring user name the value of connection ``name``'s header ``header`` is
    stored under."""
    return f"connection:{name}:header:{header}"


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


def _read_options(value: Any) -> tuple[ConnectionOptions, tuple[str, ...]]:
    """The options stored in a connection's ``options`` key, and the names of its
    headers whose values are in the keyring; defaults for missing or damaged data."""
    if not isinstance(value, str) or not value:
        return ConnectionOptions(), ()
    options = from_settings(value)
    marked = {n.lower() for n in marked_secret_names(value)}
    secret = tuple(n for n, v in options.headers if not v and n.lower() in marked)
    return options, secret


def _blank_secrets(options: ConnectionOptions, names: set[str]) -> ConnectionOptions:
    """``options`` with the values of the headers in ``names`` emptied."""
    return dataclasses.replace(
        options, headers=tuple((n, "" if n in names else v) for n, v in options.headers)
    )


def _without_headers(options: ConnectionOptions, names: set[str]) -> ConnectionOptions:
    return dataclasses.replace(
        options, headers=tuple((n, v) for n, v in options.headers if n not in names)
    )


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
                options, secret_headers = _read_options(s.value("options"))
                found.append(
                    SavedConnection(
                        name=name,
                        urls=urls,
                        display_name=str(s.value("display_name", "") or ""),
                        has_password=_as_bool(s.value("has_password", False)),
                        options=options,
                        secret_headers=secret_headers,
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

    def options(self, name: str) -> ConnectionOptions:
        """The connection options of ``name`` with the secret header values filled in
        from the keyring; the defaults when there is no such connection.

        A header whose value the keyring lost (removed by hand) is left out:
        it would go out empty. Raises :class:`PasswordStoreError` when the
        keyring can't be read.
        """
        conn = self.get(name)
        if conn is None:
            return ConnectionOptions()
        if not conn.secret_headers:
            return conn.options
        what = QCoreApplication.translate(
            "SavedConnections",
            "the saved header values could not be read. Type them in the connection options",
        )
        if not keyring_available():
            raise PasswordStoreError(_no_keyring(what))
        values: dict[str, str] = {}
        try:
            for header in conn.secret_headers:
                value = keyring.get_password(self.service, keyring_header_user(name, header))
                if value is not None:
                    values[header] = value
        except Exception as exc:
            raise PasswordStoreError(_keyring_problem(exc, what)) from None
        lost = set(conn.secret_headers) - set(values)
        if lost:
            log.warning("the keyring has lost the values of %s of %r", sorted(lost), name)
        return with_secrets(_without_headers(conn.options, lost), values)

    # -- writing ------------------------------------------------------------------

    def save(self, conn: SavedConnection, password: str | None = None) -> SavedConnection:
        """Add ``conn``, or replace the one with its name; returns what was stored.

        ``password``: None keeps the saved password (if any), "" forgets it, any
        other text replaces it. ``conn.has_password`` and ``conn.secret_headers``
        are ignored: the store sets them.

        Secret headers in ``conn.options`` (:func:`is_secret_header`) have their
        values stored in the keyring; one with an empty value that had a saved
        value keeps it (as the password does with None). Secret headers that
        are gone, or no longer secret, are removed from the keyring.

        Raises ValueError (nothing stored) when the name, a URL, the display
        name or an option is not valid. Raises :class:`NoKeyringError` or
        :class:`PasswordStoreError` when the password or a secret header value
        could not be stored: the rest *was* saved, with ``has_password``
        False and without those headers.
        """
        conn = self.validate(conn)
        old = self.get(conn.name)
        had_password = old is not None and old.has_password
        problems: list[PasswordStoreError] = []
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
                problems += [problem] if problem is not None else []
        else:
            problem = self._store_password(conn.name, password)
            has_password = problem is None
            if problem is not None:
                problems.append(problem)
                if had_password:
                    # Don't leave the old password behind to be used without anyone knowing.
                    self._forget_password(conn.name)
        options, secret_headers, problem = self._store_header_secrets(
            conn.name, conn.options, old.secret_headers if old is not None else ()
        )
        problems += [problem] if problem is not None else []
        stored = dataclasses.replace(
            conn, has_password=has_password, options=options, secret_headers=secret_headers
        )
        conns = self.all()
        index = next((i for i, c in enumerate(conns) if c.name == stored.name), None)
        if index is None:
            conns.append(stored)
        else:
            conns[index] = stored
        self._write(conns)
        if problems:
            raise _joined(problems)
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
        problems: list[PasswordStoreError] = []
        if gone.has_password:
            problem = self._forget_password(
                name,
                QCoreApplication.translate(
                    "SavedConnections",
                    "the connection was deleted, but its password could not be removed from it",
                ),
            )
            problems += [problem] if problem is not None else []
        if gone.secret_headers:
            problem = self._forget_header_secrets(
                name,
                gone.secret_headers,
                QCoreApplication.translate(
                    "SavedConnections",
                    "the connection was deleted, but its secret header values could not be "
                    "removed from it",
                ),
            )
            problems += [problem] if problem is not None else []
        if problems:
            raise _joined(problems)

    def rename(self, old: str, new: str) -> SavedConnection:
        """Give ``old`` the name ``new``, moving its saved password and header values too.

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
        options, secret_headers = conn.options, conn.secret_headers
        if conn.secret_headers:
            moved, header_problem = self._move_header_secrets(old, new, conn.secret_headers)
            lost = set(conn.secret_headers) - set(moved)
            options, secret_headers = _without_headers(options, lost), moved
            if problem is None:
                problem = header_problem
        conns[index] = renamed = dataclasses.replace(
            conn,
            name=new,
            has_password=has_password,
            options=options,
            secret_headers=secret_headers,
        )
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
        """``conn`` with its fields stripped (duplicate URLs dropped), or ValueError
        (:func:`~desktop.connection_options.check_options` for the options)."""
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
        options = check_options(conn.options)
        return SavedConnection(
            name, tuple(urls), display_name, conn.has_password, options, conn.secret_headers
        )

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

    def _store_header_secrets(
        self, name: str, options: ConnectionOptions, had: tuple[str, ...]
    ) -> tuple[ConnectionOptions, tuple[str, ...], PasswordStoreError | None]:
        """Put the secret header values of ``options`` in the keyring.

        Returns the options to write (secret values emptied, headers whose
        value could not be stored left out), the names whose values are in
        the keyring, and the problem to report. ``had``: the names whose
        values were in the keyring before; an empty value keeps those.
        """
        to_store: dict[str, str] = {}
        kept: set[str] = set()
        for header, value in options.headers:
            if value and is_secret_header(header, value):
                to_store[header] = value
            elif not value and header in had:
                kept.add(header)
        failed: list[str] = []
        problem: PasswordStoreError | None = None
        if to_store:
            what = QCoreApplication.translate(
                "SavedConnections",
                "the headers with secret values ({names}) were not saved. "
                "Add them in the connection options when you connect",
            ).format(names=", ".join(to_store))
            if not keyring_available():
                problem = NoKeyringError(_no_keyring(what))
                failed = list(to_store)
            else:
                try:
                    for header, value in to_store.items():
                        user = keyring_header_user(name, header)
                        keyring.set_password(self.service, user, value)
                except Exception as exc:
                    problem = PasswordStoreError(_keyring_problem(exc, what))
                    failed = list(to_store)
        secret = (set(to_store) - set(failed)) | kept
        # Values of headers that are gone (or failed, or no longer secret): best effort.
        stale = [h for h in had if h not in secret] + failed
        if stale and keyring_available():
            self._forget_header_secrets(name, tuple(stale))
        written = _blank_secrets(_without_headers(options, set(failed)), secret)
        order = tuple(h for h, _v in written.headers if h in secret)
        return written, order, problem

    def _forget_header_secrets(
        self, name: str, headers: tuple[str, ...], what: str = ""
    ) -> PasswordStoreError | None:
        """Remove the values of ``headers``; the problem (saying ``what``) if that failed.

        Without ``what`` this is a best-effort clean-up whose result is ignored.
        """
        if not keyring_available():
            return PasswordStoreError(_no_keyring(what))
        problem: PasswordStoreError | None = None
        for header in headers:
            try:
                keyring.delete_password(self.service, keyring_header_user(name, header))
            except keyring.errors.PasswordDeleteError:
                continue  # not there (removed by hand): that is what we wanted
            except Exception as exc:
                problem = problem or PasswordStoreError(_keyring_problem(exc, what))
        return problem

    def _move_header_secrets(
        self, old: str, new: str, headers: tuple[str, ...]
    ) -> tuple[tuple[str, ...], PasswordStoreError | None]:
        """Move the values of ``headers`` from ``old`` to ``new``: (the names moved, the
        problem). Those not moved are removed from the keyring (best effort)."""
        what = QCoreApplication.translate(
            "SavedConnections",
            "the secret header values could not be moved to the new name and were not kept",
        )
        if not keyring_available():
            return (), PasswordStoreError(_no_keyring(what))
        moved: list[str] = []
        problem: PasswordStoreError | None = None
        for header in headers:
            try:
                value = keyring.get_password(self.service, keyring_header_user(old, header))
                if value is not None:
                    keyring.set_password(self.service, keyring_header_user(new, header), value)
                    moved.append(header)
            except Exception as exc:
                problem = problem or PasswordStoreError(_keyring_problem(exc, what))
        self._forget_header_secrets(old, headers)
        return tuple(moved), problem

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
                data = to_settings(conn.options, secret_names=conn.secret_headers)
                if data:
                    # JSON text: an ini file has no nested lists; secret values are not in it.
                    s.setValue("options", json.dumps(data, ensure_ascii=False))
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


def _joined(problems: list[PasswordStoreError]) -> PasswordStoreError:
    """One error for several keyring problems: a NoKeyringError when each is one."""
    if len(problems) == 1:
        return problems[0]
    text = " ".join(str(p) for p in problems)
    if all(isinstance(p, NoKeyringError) for p in problems):
        return NoKeyringError(text)
    return PasswordStoreError(text)
