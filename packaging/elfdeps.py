"""What an ELF shared object or program needs from the dynamic linker (stdlib only).

Used by packaging/roomcast.spec (to drop libraries that only left-out Qt plugins
needed), by packaging/build_deb.py (to work out the .deb's Depends) and by the
packaging tests. Reads 64-bit and 32-bit, little- and big-endian ELF files; any
other file is "not ELF" and needs nothing.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
SHT_DYNAMIC = 6
DT_NULL = 0
DT_NEEDED = 1
_GLIBC_VERSION = re.compile(rb"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?\x00")


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == ELF_MAGIC
    except OSError:
        return False


def needed(path: Path) -> list[str]:
    """The DT_NEEDED entries (sonames, e.g. ``libxcb.so.1``) of an ELF file, in order."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    if data[:4] != ELF_MAGIC or len(data) < 64:
        return []
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if is64:
        shoff = struct.unpack_from(end + "Q", data, 0x28)[0]
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
        sh_fmt, dyn_fmt = end + "IIQQQQIIQQ", end + "qQ"
    else:
        shoff = struct.unpack_from(end + "I", data, 0x20)[0]
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
        sh_fmt, dyn_fmt = end + "IIIIIIIIII", end + "iI"
    sections = []
    for i in range(shnum):
        off = shoff + i * shentsize
        if off + struct.calcsize(sh_fmt) > len(data):
            return []
        sections.append(struct.unpack_from(sh_fmt, data, off))
    names: list[str] = []
    for section in sections:
        # (name, type, flags, addr, offset, size, link, info, addralign, entsize)
        if section[1] != SHT_DYNAMIC:
            continue
        strtab = sections[section[6]]
        str_off = strtab[4]
        dyn_size = struct.calcsize(dyn_fmt)
        for off in range(section[4], section[4] + section[5], dyn_size):
            tag, value = struct.unpack_from(dyn_fmt, data, off)
            if tag == DT_NULL:
                break
            if tag == DT_NEEDED:
                start = str_off + value
                names.append(data[start : data.index(b"\x00", start)].decode())
    return names


def glibc_version(paths: Iterable[Path]) -> tuple[int, ...]:
    """The newest GLIBC_x.y symbol version any of these ELF files asks for."""
    newest: tuple[int, ...] = (0,)
    for path in paths:
        if not is_elf(path):
            continue
        for match in _GLIBC_VERSION.finditer(path.read_bytes()):
            version = tuple(int(part) for part in match.groups() if part is not None)
            newest = max(newest, version)
    return newest


def unresolved(folder: Path) -> dict[str, list[Path]]:
    """Sonames that ELF files under ``folder`` need and that the folder does not hold.

    Maps each such soname to the files that need it: what the system must provide.
    """
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]
    present = {p.name for p in folder.rglob("*") if p.is_file()}
    missing: dict[str, list[Path]] = {}
    for path in files:
        for soname in needed(path):
            if soname not in present:
                missing.setdefault(soname, []).append(path)
    return missing
