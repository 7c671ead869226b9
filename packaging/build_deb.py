"""Build dist/roomcast_<version>_<arch>.deb from the PyInstaller bundle dist/Roomcast/.

    python packaging/build_deb.py [--bundle dist/Roomcast] [--out dist]

Run after ``pyinstaller packaging/roomcast.spec`` (``make dist`` runs both). Stdlib
only, plus ``dpkg-deb``. The package holds:

- the bundle in /opt/roomcast (``roomcast``, ``roomcast-server``, ``_internal/``);
- /usr/bin/roomcast and /usr/bin/roomcast-server, two-line sh launchers;
- /usr/share/applications/roomcast.desktop (from resources/, ``Exec=roomcast %u``);
- the icons in /usr/share/icons/hicolor/<N>x<N>/apps and scalable/apps;
- /usr/share/doc/roomcast/copyright.

``Depends`` is worked out from the bundle itself: every soname that a bundled
ELF file links to and that the bundle does not carry must come from the system,
and SYSTEM_PACKAGES says which Debian package ships it (an unknown one stops the
build, so that a new dependency is a decision, not an accident); libc6's minimum
version is the newest GLIBC_x.y symbol version the bundle asks for. DATA_PACKAGES
adds what the bundled libraries read from the system at run time.

No maintainer scripts: Debian's own dpkg triggers (desktop-file-utils for
/usr/share/applications, hicolor-icon-theme for the icon cache) refresh the menus,
the link handlers and the icon cache when the package is installed or removed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from elfdeps import glibc_version, unresolved

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "roomcast"
INSTALL_DIR = "opt/roomcast"
PROGRAMS = ("roomcast", "roomcast-server")
DEFAULT_MAINTAINER = "The Roomcast developers <roomcast@users.noreply.invalid>"

#: Sonames the bundle may need from the system -> the Debian package (or
#: alternatives, for the 64-bit time_t renames) that ships it.
SYSTEM_PACKAGES: dict[str, str] = {
    # glibc: versioned separately, see glibc_version().
    **dict.fromkeys(
        (
            "libc.so.6",
            "libm.so.6",
            "libdl.so.2",
            "libpthread.so.0",
            "librt.so.1",
            "libutil.so.1",
            "libresolv.so.2",
            "ld-linux-x86-64.so.2",
            "ld-linux-aarch64.so.1",
        ),
        "libc6",
    ),
    # OpenGL / EGL through libglvnd: never bundled (they must match the driver).
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    # PyInstaller leaves libxcb itself to the system (its exclude list).
    "libxcb.so.1": "libxcb1",
    # The Wayland platform plugin (Qt picks it on a Wayland session).
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    # Normally bundled by PyInstaller; listed for build hosts where they are not.
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
}

#: What the bundled libraries read from the system rather than link to:
#: fontconfig-config has /etc/fonts/fonts.conf and pulls in a font (without them
#: the bundled libfontconfig finds no font and every label is blank); libx11-data
#: has the compose tables and locale database of Xlib and of Qt's compose input
#: method; xkb-data the keymaps libxkbcommon falls back to.
DATA_PACKAGES = ("fontconfig-config", "libx11-data", "xkb-data")

DESCRIPTION = """\
Desktop chat rooms over WebSocket
 Roomcast joins chat rooms on any ws:// or wss:// server, hosts a room from
 the app itself (the room server runs inside it), and shows any WebSocket
 server's traffic frame by frame.
 .
 This package also has roomcast-server, the headless room server, which keeps
 each room's history in SQLite and talks plain JSON to any WebSocket client.
 .
 Roomcast is a self-contained bundle (Python, Qt and PySide6 included) in
 /opt/roomcast."""

COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Roomcast

Files: *
Copyright: The Roomcast developers
License: MIT

Files: opt/roomcast/_internal/*
Comment: The bundle also carries, unmodified, the CPython runtime (PSF License),
 Qt 6 and PySide6/Shiboken6 (LGPL-3.0; https://www.qt.io/licensing/), ICU
 (Unicode License), websockets (BSD-3-Clause), platformdirs (MIT), qasync
 (BSD-2-Clause), segno (BSD-3-Clause), OpenSSL (Apache-2.0), SQLite (public
 domain) and the X11/XCB, fontconfig, FreeType, GLib and D-Bus libraries of the
 build system, under their own licences. The Qt libraries are separate shared
 objects in opt/roomcast/_internal/PySide6/Qt/lib and may be replaced.
"""


def read_version() -> str:
    text = (ROOT / "server" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not match:
        raise SystemExit("build_deb: no __version__ in server/__init__.py")
    return match.group(1)


def deb_architecture() -> str:
    try:
        out = subprocess.run(
            ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        machine = platform.machine().lower()
        return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


def depends(bundle: Path) -> list[str]:
    """The Depends entries: system libraries the bundle links to, then data."""
    missing = unresolved(bundle)
    unknown = sorted(set(missing) - set(SYSTEM_PACKAGES))
    if unknown:
        lines = [
            f"  {soname} (needed by {', '.join(sorted({p.name for p in missing[soname]}))})"
            for soname in unknown
        ]
        raise SystemExit(
            "build_deb: the bundle links to libraries it does not carry and that "
            "SYSTEM_PACKAGES does not map to a Debian package:\n" + "\n".join(lines)
        )
    packages = sorted({SYSTEM_PACKAGES[soname] for soname in missing} - {"libc6"})
    elf_files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    glibc = ".".join(str(part) for part in glibc_version(elf_files))
    return [f"libc6 (>= {glibc})", *packages, *DATA_PACKAGES]


def desktop_entry() -> str:
    """resources/roomcast.desktop with its main Exec line as the package installs it."""
    text = (ROOT / "resources" / "roomcast.desktop").read_text(encoding="utf-8")
    out, group = [], None
    for line in text.splitlines():
        if line.startswith("["):
            group = line.strip()
        elif group == "[Desktop Entry]" and line.startswith("Exec="):
            line = "Exec=roomcast %u"
        elif group == "[Desktop Entry]" and line.startswith("TryExec="):
            line = "TryExec=roomcast"
        out.append(line)
    return "\n".join(out) + "\n"


def write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def stage(bundle: Path, root: Path) -> None:
    """Lay out the package's files under ``root``."""
    shutil.copytree(bundle, root / INSTALL_DIR, symlinks=True)
    for name in PROGRAMS:
        write(
            root / "usr" / "bin" / name,
            f'#!/bin/sh\nexec /{INSTALL_DIR}/{name} "$@"\n',
            0o755,
        )
    write(root / "usr/share/applications/roomcast.desktop", desktop_entry())
    icons = ROOT / "resources" / "icons"
    hicolor = root / "usr/share/icons/hicolor"
    pngs = sorted((icons / "hicolor").glob("*x*/apps/roomcast.png"))
    if not pngs:
        raise SystemExit(f"build_deb: no icons in {icons / 'hicolor'}")
    for png in pngs:
        target = hicolor / png.relative_to(icons / "hicolor")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, target)
    (hicolor / "scalable/apps").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(icons / "roomcast.svg", hicolor / "scalable/apps/roomcast.svg")
    write(root / "usr/share/doc/roomcast/copyright", COPYRIGHT)
    normalize_modes(root)


def normalize_modes(root: Path) -> None:
    """0755 for folders and programs (anything executable or ELF), 0644 for the rest."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
            continue
        with path.open("rb") as f:
            elf = f.read(4) == b"\x7fELF"
        executable = elf or path.stat().st_mode & 0o111
        path.chmod(0o755 if executable else 0o644)


def installed_size_kib(root: Path) -> int:
    """Like dpkg-gencontrol: each file's size rounded up to KiB, plus 1 per folder or link."""
    total = 0
    for path in root.rglob("*"):
        if path.is_symlink() or path.is_dir():
            total += 1
        else:
            total += -(-path.stat().st_size // 1024)
    return total


def md5sums(root: Path) -> str:
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            lines.append(f"{digest}  {path.relative_to(root).as_posix()}")
    return "\n".join(lines) + "\n"


def control(version: str, arch: str, maintainer: str, size: int, deps: list[str]) -> str:
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {maintainer}\n"
        f"Installed-Size: {size}\n"
        f"Depends: {', '.join(deps)}\n"
        "Section: net\n"
        "Priority: optional\n"
        f"Description: {DESCRIPTION}\n"
    )


def build(bundle: Path, out: Path, work: Path, maintainer: str) -> Path:
    for name in PROGRAMS:
        if not (bundle / name).is_file():
            raise SystemExit(f"build_deb: {bundle / name} is missing; build the bundle first")
    version = read_version()
    arch = deb_architecture()
    root = work / f"{PACKAGE}_{version}_{arch}"
    if root.exists():
        shutil.rmtree(root)
    stage(bundle, root)
    deps = depends(root / INSTALL_DIR)
    size = installed_size_kib(root)
    sums = md5sums(root)
    write(root / "DEBIAN" / "control", control(version, arch, maintainer, size, deps))
    write(root / "DEBIAN" / "md5sums", sums)
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"{PACKAGE}_{version}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "Roomcast")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "deb")
    parser.add_argument(
        "--maintainer", default=os.environ.get("ROOMCAST_DEB_MAINTAINER", DEFAULT_MAINTAINER)
    )
    args = parser.parse_args(argv)
    if shutil.which("dpkg-deb") is None:
        print("build_deb: dpkg-deb not found (Debian/Ubuntu only)", file=sys.stderr)
        return 1
    started = time.monotonic()
    deb = build(args.bundle, args.out, args.work, args.maintainer)
    size_mb = deb.stat().st_size / 1e6
    print(f"build_deb: {deb} ({size_mb:.1f} MB, {time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
