"""Saved messages: named composer payloads kept per room or for every room, without Qt.

A :class:`SavedMessage` is what the composer held when it was saved: the
text as typed, the send mode and (for binary) the format. It is encoded
(``desktop.sending.encode``) only when it is sent, so a saved JSON or hex
payload is checked against the rules of the day, and a saved file path sends
the file as it is then.

The rules of :class:`SavedMessages`:

* **Scope.** ``scope`` is "" for a message every room offers, or a room's
  key (the caller's string, e.g. ``desktop.links.room_key``) for one that
  only that room offers. :meth:`SavedMessages.for_scope` lists a room's own
  messages first, then the global ones, each group in the order kept.
* **Names.** 1 to :data:`MAX_NAME_CHARS` characters after stripping, no
  control characters, unique within a scope and compared exactly ("Ping"
  and "ping" are two). A room's message may share a global one's name.
* **Payload.** Not empty, at most :data:`MAX_PAYLOAD_BYTES` in UTF-8: the
  largest frame a Roomcast server takes (PROTOCOL.md, Transport, Size).
* **Limits.** At most :data:`MAX_SAVED_MESSAGES` messages holding at most
  :data:`MAX_TOTAL_PAYLOAD_BYTES` together: they live in the settings file,
  which is rewritten on every change.
* **Order.** New messages go last; :meth:`SavedMessages.move` moves one
  among the messages of its own scope (a room's stay above the global ones).
* **Changes.** Every change calls :attr:`SavedMessages.on_change` (the
  owner's: the window saves the settings there) and each listener added
  with :meth:`SavedMessages.add_listener` (views). One that raises is logged
  and changes nothing else.
* **Settings.** :meth:`SavedMessages.to_settings` gives plain dicts of
  strings; :meth:`SavedMessages.from_settings` takes them back and never
  raises: an entry that is damaged (hand-edited, from a newer version) is
  skipped, the rest is kept.

Every refusal is a :class:`ValueError` whose message (context
``SavedMessages``, translated through :data:`translate`) says what is wrong.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from roomcast.desktop.texts import QT_TRANSLATE_NOOP, untranslated

from .sending import BinaryFormat, SendMode, format_size, size_over

__all__ = [
    "MAX_NAME_CHARS",
    "MAX_PAYLOAD_BYTES",
    "MAX_SAVED_MESSAGES",
    "MAX_SCOPE_CHARS",
    "MAX_TOTAL_PAYLOAD_BYTES",
    "PREVIEW_CHARS",
    "SavedMessage",
    "SavedMessages",
    "preview",
    "validate",
]

log = logging.getLogger("roomcast.snippets")

MAX_NAME_CHARS: Final = 64
#: A Roomcast server's frame limit (PROTOCOL.md, Transport, Size).
MAX_PAYLOAD_BYTES: Final = 256 * 1024
MAX_SAVED_MESSAGES: Final = 200
#: All payloads together: the settings file stays small enough to rewrite often.
MAX_TOTAL_PAYLOAD_BYTES: Final = 2 * 1024 * 1024
#: A room key is an address and a room name; anything longer is not one.
MAX_SCOPE_CHARS: Final = 2048
#: How much of a payload's first line a list shows.
PREVIEW_CHARS: Final = 80


#: Shows a marked text in the user's language: ``desktop/i18n.py`` sets it to
#: ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py).
translate: Callable[[str, str], str] = untranslated


def _t(text: str) -> str:
    return translate("SavedMessages", text)


@dataclass(frozen=True)
class SavedMessage:
    name: str
    mode: SendMode
    payload: str
    binary_format: BinaryFormat = BinaryFormat.HEX
    scope: str = ""

    @property
    def is_global(self) -> bool:
        return not self.scope


def preview(msg: SavedMessage) -> str:
    """The payload's first non-blank line, cut to :data:`PREVIEW_CHARS` ("…" when cut)."""
    line = next((ln.strip() for ln in msg.payload.splitlines() if ln.strip()), "")
    more = len(line) > PREVIEW_CHARS or line != msg.payload.strip()
    if len(line) > PREVIEW_CHARS:
        line = line[: PREVIEW_CHARS - 1].rstrip()
    return line + "…" if more else line


def _payload_size(payload: str) -> int:
    return len(payload.encode("utf-8", "surrogatepass"))


def validate(msg: SavedMessage) -> SavedMessage:
    """``msg`` with its name stripped, or ValueError saying what is wrong with it."""
    name = msg.name.strip()
    if not name:
        raise ValueError(_t(QT_TRANSLATE_NOOP("SavedMessages", "A saved message needs a name.")))
    if len(name) > MAX_NAME_CHARS:
        raise ValueError(
            _t(
                QT_TRANSLATE_NOOP(
                    "SavedMessages",
                    "A saved message's name has at most {limit} characters (this one has {count}).",
                )
            ).format(limit=MAX_NAME_CHARS, count=len(name))
        )
    if any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in name):
        raise ValueError(
            _t(
                QT_TRANSLATE_NOOP(
                    "SavedMessages", "A saved message's name can't contain control characters."
                )
            )
        )
    if not isinstance(msg.mode, SendMode) or not isinstance(msg.binary_format, BinaryFormat):
        raise TypeError("mode and binary_format must be SendMode and BinaryFormat")
    if not msg.payload:
        raise ValueError(
            _t(QT_TRANSLATE_NOOP("SavedMessages", "There is nothing to save: the text is empty."))
        )
    size = _payload_size(msg.payload)
    if size > MAX_PAYLOAD_BYTES:
        raise ValueError(
            _t(
                QT_TRANSLATE_NOOP(
                    "SavedMessages", "A saved message holds at most {limit} (this one is {size})."
                )
            ).format(limit=format_size(MAX_PAYLOAD_BYTES), size=size_over(size, MAX_PAYLOAD_BYTES))
        )
    if len(msg.scope) > MAX_SCOPE_CHARS:
        raise ValueError(f"scope longer than {MAX_SCOPE_CHARS} characters")
    return dataclasses.replace(msg, name=name)


class SavedMessages:
    """The saved messages, in the order kept (see the module's rules)."""

    def __init__(self, messages: list[SavedMessage] | None = None) -> None:
        self._messages: list[SavedMessage] = []
        #: Called after every change (the owner's: save the settings).
        self.on_change: Callable[[], None] | None = None
        self._listeners: list[Callable[[], None]] = []
        for msg in messages or []:
            kept = validate(msg)
            self._check_new(kept)
            self._messages.append(kept)

    # -- reading ------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._messages)

    def __iter__(self) -> Iterator[SavedMessage]:
        return iter(list(self._messages))

    def all(self) -> list[SavedMessage]:
        """Every saved message, in the order kept (all scopes)."""
        return list(self._messages)

    def for_scope(self, scope: str) -> list[SavedMessage]:
        """What a room offers: its own messages (``scope``), then the global ones."""
        own = [m for m in self._messages if scope and m.scope == scope]
        return own + [m for m in self._messages if m.is_global]

    def get(self, name: str, scope: str = "") -> SavedMessage | None:
        return next((m for m in self._messages if m.name == name and m.scope == scope), None)

    def total_payload_bytes(self) -> int:
        return sum(_payload_size(m.payload) for m in self._messages)

    # -- changing -----------------------------------------------------------------

    def add(self, msg: SavedMessage) -> SavedMessage:
        """Keep ``msg`` (last); returns it as kept (name stripped).

        ValueError when it is not valid, its name is taken in its scope, or a limit is reached.
        """
        msg = validate(msg)
        self._check_new(msg)
        self._messages.append(msg)
        self._changed()
        return msg

    def replace(self, old_name: str, scope: str, msg: SavedMessage) -> SavedMessage:
        """Put ``msg`` where ``old_name`` of ``scope`` is (it may change name and scope).

        ValueError when there is no such message or ``msg`` can't be kept.
        """
        index = self._index(old_name, scope)
        msg = validate(msg)
        others = self._messages[:index] + self._messages[index + 1 :]
        self._check_new(msg, others)
        if msg.scope != scope:
            # A message moved to another scope goes last in it, like a new one.
            del self._messages[index]
            self._messages.append(msg)
        else:
            self._messages[index] = msg
        self._changed()
        return msg

    def remove(self, name: str, scope: str = "") -> bool:
        """Forget ``name`` of ``scope``; False (and no change) when there is none."""
        index = next(
            (i for i, m in enumerate(self._messages) if m.name == name and m.scope == scope), None
        )
        if index is None:
            return False
        del self._messages[index]
        self._changed()
        return True

    def move(self, name: str, scope: str, delta: int) -> bool:
        """Move ``name`` of ``scope`` ``delta`` places among its scope's messages
        (negative: up), stopping at either end; False when nothing moved."""
        index = self._index(name, scope)
        slots = [i for i, m in enumerate(self._messages) if m.scope == scope]
        group = [self._messages[i] for i in slots]
        old = slots.index(index)
        new = max(0, min(len(group) - 1, old + delta))
        if new == old:
            return False
        group.insert(new, group.pop(old))
        for slot, msg in zip(slots, group, strict=True):
            self._messages[slot] = msg
        self._changed()
        return True

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every change (besides :attr:`on_change`)."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    # -- settings -----------------------------------------------------------------

    def to_settings(self) -> list[dict[str, str]]:
        """Plain dicts of strings, in order: what the settings file keeps."""
        return [
            {
                "name": m.name,
                "mode": m.mode.value,
                "payload": m.payload,
                "binary_format": m.binary_format.value,
                "scope": m.scope,
            }
            for m in self._messages
        ]

    @classmethod
    def from_settings(cls, data: Any) -> SavedMessages:
        """The messages of :meth:`to_settings`' ``data``; damaged entries are skipped.

        Never raises: settings files are edited by hand and written by other versions.
        """
        store = cls()
        if not isinstance(data, list | tuple):
            return store
        for entry in data:
            try:
                if not isinstance(entry, dict):
                    continue
                msg = SavedMessage(
                    name=_field(entry, "name"),
                    mode=SendMode(_field(entry, "mode")),
                    payload=_field(entry, "payload"),
                    binary_format=BinaryFormat(
                        _field(entry, "binary_format", BinaryFormat.HEX.value)
                    ),
                    scope=_field(entry, "scope", ""),
                )
                msg = validate(msg)
                store._check_new(msg)
            except (ValueError, TypeError) as exc:
                log.info("skipping a saved message from the settings: %s", exc)
                continue
            store._messages.append(msg)
        return store

    # -- inside -------------------------------------------------------------------

    def _index(self, name: str, scope: str) -> int:
        for i, m in enumerate(self._messages):
            if m.name == name and m.scope == scope:
                return i
        raise ValueError(
            _t(
                QT_TRANSLATE_NOOP("SavedMessages", "There is no saved message named {name!r}.")
            ).format(name=name)
        )

    def _check_new(self, msg: SavedMessage, others: list[SavedMessage] | None = None) -> None:
        """ValueError when ``msg`` can't join ``others`` (default: all kept)."""
        others = self._messages if others is None else others
        if any(m.name == msg.name and m.scope == msg.scope for m in others):
            raise ValueError(
                _t(
                    QT_TRANSLATE_NOOP(
                        "SavedMessages", "A saved message named {name!r} already exists here."
                    )
                ).format(name=msg.name)
            )
        if len(others) >= MAX_SAVED_MESSAGES:
            raise ValueError(
                _t(
                    QT_TRANSLATE_NOOP(
                        "SavedMessages",
                        "At most {limit} messages can be saved: remove one to save another.",
                    )
                ).format(limit=MAX_SAVED_MESSAGES)
            )
        total = sum(_payload_size(m.payload) for m in others) + _payload_size(msg.payload)
        if total > MAX_TOTAL_PAYLOAD_BYTES:
            raise ValueError(
                _t(
                    QT_TRANSLATE_NOOP(
                        "SavedMessages",
                        "Saved messages hold at most {limit} together: "
                        "remove some to save this one.",
                    )
                ).format(limit=format_size(MAX_TOTAL_PAYLOAD_BYTES))
            )

    def _changed(self) -> None:
        for callback in [self.on_change, *self._listeners]:
            if callback is None:
                continue
            try:
                callback()
            except Exception:
                log.exception("a saved-messages listener failed")


def _field(entry: dict[Any, Any], key: str, default: str | None = None) -> str:
    value = entry.get(key, default)
    if not isinstance(value, str):
        raise TypeError(f"{key} is not text")
    return value
