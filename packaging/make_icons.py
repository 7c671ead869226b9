"""Regenerate every derived app icon from ``resources/icons/roomcast.svg``.

The SVG is the one source of the icon; the PNG sizes, the Windows ``.ico``
and the macOS ``.icns`` are build inputs that are kept in the repository (so
a wheel, the PyInstaller bundle and the .deb need no SVG tools), and this
script is how they are remade after the SVG changes::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py [--out DIR]

Output is deterministic: rerunning it writes the same bytes, so a diff shows
only real changes. The ICO and ICNS containers are written here in pure
Python (PNG entries in both) rather than by platform tools, so any OS can
build them.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "roomcast.svg"
NAME = "roomcast"

#: Freedesktop hicolor theme sizes: hicolor/<N>x<N>/apps/roomcast.png.
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: Windows .ico entries (256 is the largest an ICO directory can describe).
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: macOS .icns entries: OSType -> pixel size (ic11–ic14 are the @2x retina
#: variants of 16, 32, 128 and 256).
ICNS_ENTRIES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def render_pngs(svg: Path, sizes: Iterable[int]) -> dict[int, bytes]:
    """Each size rendered straight from the vector (not scaled down from a big
    bitmap, which blurs small sizes), encoded as PNG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0] or "make_icons"])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG")
    pngs: dict[int, bytes] = {}
    for size in sorted(set(sizes)):
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        # PNG stores straight alpha; converting here keeps Qt from guessing.
        image = image.convertToFormat(QImage.Format.Format_ARGB32)
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QImageWriter(buffer, QByteArray(b"png"))
        writer.setQuality(0)  # for Qt's PNG writer: zlib's best compression
        if not writer.write(image):
            raise SystemExit(f"make_icons: the {size} px PNG: {writer.errorString()}")
        pngs[size] = bytes(buffer.data().data())
        buffer.close()
    return pngs


def build_ico(pngs: Sequence[tuple[int, bytes]]) -> bytes:
    """An ICO file: ICONDIR, one ICONDIRENTRY per image, then the PNG blobs
    (Windows Vista and later read PNG entries; 256 is written as 0)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries = b""
    blobs = b""
    for size, png in pngs:
        if not 1 <= size <= 256:
            raise ValueError(f"an ICO entry must be 1-256 px, not {size}")
        side = size % 256  # 256 is stored as 0
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        blobs += png
    return header + entries + blobs


def build_icns(entries: Sequence[tuple[bytes, bytes]]) -> bytes:
    """An ICNS file: 'icns' + total length, then (OSType, length incl. its
    8-byte header, PNG data) per entry; all lengths big-endian."""
    body = b""
    for kind, png in entries:
        if len(kind) != 4:
            raise ValueError(f"an ICNS type is 4 bytes, not {kind!r}")
        body += kind + struct.pack(">I", 8 + len(png)) + png
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_if_changed(path: Path, data: bytes) -> bool:
    """Leave identical files alone, so mtimes (and make) see no change."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def make_icons(svg: Path = SVG, out: Path = ICONS) -> list[Path]:
    """Write every derived icon under ``out``; returns the paths written."""
    sizes = {*HICOLOR_SIZES, *ICO_SIZES, *(size for _, size in ICNS_ENTRIES)}
    pngs = render_pngs(svg, sizes)
    outputs: dict[Path, bytes] = {}
    for size in HICOLOR_SIZES:
        outputs[out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"] = pngs[size]
    outputs[out / f"{NAME}.ico"] = build_ico([(size, pngs[size]) for size in ICO_SIZES])
    outputs[out / f"{NAME}.icns"] = build_icns([(kind, pngs[size]) for kind, size in ICNS_ENTRIES])
    for path, data in outputs.items():
        write_if_changed(path, data)
    return list(outputs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make_icons.py",
        description="Regenerate the hicolor PNGs, roomcast.ico and roomcast.icns from the SVG.",
    )
    parser.add_argument("--svg", type=Path, default=SVG, help=f"source SVG (default: {SVG})")
    parser.add_argument(
        "--out", type=Path, default=ICONS, help=f"output directory (default: {ICONS})"
    )
    args = parser.parse_args(argv)
    for path in make_icons(args.svg, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
