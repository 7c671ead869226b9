"""Names (PROTOCOL.md, Names), sans I/O: which names are valid, the form a
member is given, and the key two names are compared by.

* :func:`check_name` says why a name is refused (``invalid_frame``): its
  length, white space at either end, control characters, bidirectional
  controls, zero-width and other invisible characters (Unicode's
  Default_Ignorable_Code_Point set, every format character, U+2800), and
  code points that are unassigned, private-use or surrogates.
* :func:`display_name` is the name a member gets: the NFC form of what it
  sent (``welcome.you``, ``presence``, ``message.from``).
* :func:`name_key` is what "compare equal" means: NFC, then case folding,
  then the UTS #39 confusable skeleton (the ``disarm`` library's
  ``skeleton_key`` with TR39's digit classes: ``0`` is ``o``, ``1`` is
  ``l``). Two members of a room never hold names with the same key:
  "alice", "ALICE", "Alice" and "Аlice" (Cyrillic А) are one name.

Only :func:`name_key` needs ``disarm``; it is imported on the first call,
so that the desktop app, which checks names but never compares them, does
not load it at start-up.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Final

__all__ = [
    "MAX_NAME_CHARS",
    "check_name",
    "display_name",
    "guest_name",
    "name_key",
]

#: Client → server, ``hello.name``: 1–32 characters (of the NFC form).
MAX_NAME_CHARS: Final = 32

#: Bidirectional formatting characters (Unicode Standard Annex #9, section
#: 2, "Explicit Directional Formatting Characters" and the implicit marks):
#: ALM, LRM, RLM, LRE/RLE/PDF/LRO/RLO and LRI/RLI/FSI/PDI. Each is also in
#: _DEFAULT_IGNORABLE; they get their own reason because they reorder text.
_BIDI_CONTROLS: Final = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)

#: Default_Ignorable_Code_Point, from the Unicode Character Database file
#: DerivedCoreProperties.txt, Unicode 14.0 (the set is the same in 15.0, 15.1
#: and 16.0): characters that are invisible unless a renderer chooses to show
#: them. ``unicodedata`` has no property for it. Inclusive ranges.
_DEFAULT_IGNORABLE: Final[tuple[tuple[int, int], ...]] = (
    (0x00AD, 0x00AD),  # Cf  SOFT HYPHEN
    (0x034F, 0x034F),  # Mn  COMBINING GRAPHEME JOINER
    (0x061C, 0x061C),  # Cf  ARABIC LETTER MARK
    (0x115F, 0x1160),  # Lo  HANGUL CHOSEONG FILLER..HANGUL JUNGSEONG FILLER
    (0x17B4, 0x17B5),  # Mn  KHMER VOWEL INHERENT AQ..KHMER VOWEL INHERENT AA
    (0x180B, 0x180D),  # Mn  MONGOLIAN FREE VARIATION SELECTOR ONE..THREE
    (0x180E, 0x180E),  # Cf  MONGOLIAN VOWEL SEPARATOR
    (0x180F, 0x180F),  # Mn  MONGOLIAN FREE VARIATION SELECTOR FOUR
    (0x200B, 0x200F),  # Cf  ZERO WIDTH SPACE..RIGHT-TO-LEFT MARK
    (0x202A, 0x202E),  # Cf  LEFT-TO-RIGHT EMBEDDING..RIGHT-TO-LEFT OVERRIDE
    (0x2060, 0x2064),  # Cf  WORD JOINER..INVISIBLE PLUS
    (0x2065, 0x2065),  # Cn  <reserved-2065>
    (0x2066, 0x206F),  # Cf  LEFT-TO-RIGHT ISOLATE..NOMINAL DIGIT SHAPES
    (0x3164, 0x3164),  # Lo  HANGUL FILLER
    (0xFE00, 0xFE0F),  # Mn  VARIATION SELECTOR-1..VARIATION SELECTOR-16
    (0xFEFF, 0xFEFF),  # Cf  ZERO WIDTH NO-BREAK SPACE
    (0xFFA0, 0xFFA0),  # Lo  HALFWIDTH HANGUL FILLER
    (0xFFF0, 0xFFF8),  # Cn  <reserved-FFF0>..<reserved-FFF8>
    (0x1BCA0, 0x1BCA3),  # Cf  SHORTHAND FORMAT LETTER OVERLAP..UP STEP
    (0x1D173, 0x1D17A),  # Cf  MUSICAL SYMBOL BEGIN BEAM..END PHRASE
    (0xE0000, 0xE0000),  # Cn  <reserved-E0000>
    (0xE0001, 0xE0001),  # Cf  LANGUAGE TAG
    (0xE0002, 0xE001F),  # Cn  <reserved-E0002>..<reserved-E001F>
    (0xE0020, 0xE007F),  # Cf  TAG SPACE..CANCEL TAG
    (0xE0080, 0xE00FF),  # Cn  <reserved-E0080>..<reserved-E00FF>
    (0xE0100, 0xE01EF),  # Mn  VARIATION SELECTOR-17..VARIATION SELECTOR-256
    (0xE01F0, 0xE0FFF),  # Cn  <reserved-E01F0>..<reserved-E0FFF>
)

#: Blank characters that are not default-ignorable but show nothing: a name
#: made of them looks empty, and they vanish from the comparison key.
_BLANKS: Final = frozenset([0x2800])  # BRAILLE PATTERN BLANK

#: General categories refused, with the reason given (UAX #44, General_Category).
_REFUSED_CATEGORIES: Final = {
    "Cc": "control characters",
    "Zl": "control characters",  # LINE SEPARATOR: breaks the line like one
    "Zp": "control characters",  # PARAGRAPH SEPARATOR
    "Cf": "invisible characters",  # format characters (the bidi ones are told apart first)
    "Cs": "unassigned, private-use or surrogate code points",
    "Co": "unassigned, private-use or surrogate code points",
    "Cn": "unassigned, private-use or surrogate code points",
}


def _is_default_ignorable(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _DEFAULT_IGNORABLE)


def _refused(char: str) -> str | None:
    """Why one character may not be in a name, or None."""
    cp = ord(char)
    if cp < 0x20 or 0x7F <= cp <= 0x9F:
        return "control characters"
    if cp in _BIDI_CONTROLS:
        return "bidirectional control characters"
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp", "Cs", "Co", "Cn"):
        return _REFUSED_CATEGORIES[category]
    if category == "Cf" or cp in _BLANKS or _is_default_ignorable(cp):
        return "invisible characters"
    return None


def display_name(name: str) -> str:
    """The name a member gets for ``name``: its NFC form (PROTOCOL.md, Names)."""
    return unicodedata.normalize("NFC", name)


def check_name(name: str) -> str | None:
    """Why ``name`` is not a valid display name, or None when it is.

    The NFC form is checked (it is the name the member would get): an NFD
    "Zoe\u0308" is the valid "Zoë". The reasons are English text for an
    ``error`` frame; the desktop shows them inside a translated sentence.
    """
    name = display_name(name)
    if not 1 <= len(name) <= MAX_NAME_CHARS:
        return f"name must be 1-{MAX_NAME_CHARS} characters, got {len(name)}"
    if name != name.strip():
        return "name must not start or end with white space"
    for char in name:
        if (why := _refused(char)) is not None:
            return f"name must not contain {why} (U+{ord(char):04X})"
    return None


def guest_name(n: int) -> str:
    """PROTOCOL.md, Joining: the name of the n-th guest of a room."""
    return f"guest-{n}"


_skeleton: Callable[[str], str] | None = None


def _load_skeleton() -> Callable[[str], str]:
    global _skeleton
    from disarm import skeleton_key  # ~70 ms the first time: see the module docstring

    def skeleton(text: str) -> str:
        return skeleton_key(text, digit_policy="tr39")

    _skeleton = skeleton
    return skeleton


def name_key(name: str) -> str:
    """The key names are compared by: equal keys, the same name (PROTOCOL.md, Names).

    NFC, case folding, then the confusable skeleton of UTS #39 (Unicode
    Technical Standard #39, section 4, "Confusable Detection"), as the
    ``disarm`` library builds it from Unicode's confusables.txt: every
    character is replaced by the prototype it is confusable with, and the
    result folded again until it stops changing. Not for display.
    """
    skeleton = _skeleton or _load_skeleton()
    return skeleton(display_name(name).casefold())
