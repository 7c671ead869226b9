"""The app's resources: the icon in every derived format, the .desktop file,
finding resources/ in each layout, and roomcast:// links.

The ICO and ICNS containers are parsed here by hand (the format as written
down), and read back with Qt's own plugins where present, so a writer bug and
a reader that happens to agree with it cannot hide each other.
"""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import QApplication

from roomcast.desktop import resources
from roomcast.desktop.resources import ICON_SIZES, app_icon, resource_path
from tests.helpers import ROOT, need

ICONS = ROOT / "resources" / "icons"
DESKTOP_FILE = ROOT / "resources" / "roomcast.desktop"
MAKE_ICONS = ROOT / "packaging" / "make_icons.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
ICNS_ENTRIES = [
    ("icp4", 16),
    ("icp5", 32),
    ("icp6", 64),
    ("ic07", 128),
    ("ic08", 256),
    ("ic09", 512),
    ("ic10", 1024),
    ("ic11", 32),
    ("ic12", 64),
    ("ic13", 256),
    ("ic14", 512),
]


def png_size(blob: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR, which must be its first chunk."""
    assert blob[:8] == PNG_SIGNATURE
    assert blob[12:16] == b"IHDR"
    width, height = struct.unpack(">II", blob[16:24])
    decoded = QImage.fromData(blob)
    assert not decoded.isNull()
    assert (decoded.width(), decoded.height()) == (width, height)
    return width, height


def hicolor_png(root: Path, size: int) -> Path:
    return root / "hicolor" / f"{size}x{size}" / "apps" / "roomcast.png"


# ---- icon files --------------------------------------------------------------


def test_icon_sizes_agree_with_make_icons() -> None:
    assert ICON_SIZES == (16, 24, 32, 48, 64, 128, 256, 512)


@pytest.mark.parametrize("size", ICON_SIZES)
def test_hicolor_png_has_its_size(qapp: QApplication, size: int) -> None:
    path = hicolor_png(ICONS, size)
    image = QImage(str(path))
    assert not image.isNull(), path
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()  # the tile's rounded corners are transparent


def test_svg_is_self_contained() -> None:
    text = (ICONS / "roomcast.svg").read_text(encoding="utf-8")
    assert 'viewBox="0 0 512 512"' in text
    for banned in ("<text", "<image", "href=", "font", "@import"):
        assert banned not in text


def test_ico_parses(qapp: QApplication) -> None:
    data = (ICONS / "roomcast.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind, count) == (0, 1, len(ICO_SIZES))
    expected_offset = 6 + 16 * count
    for index, size in enumerate(ICO_SIZES):
        width, height, colors, reserved, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        assert (width or 256, height or 256) == (size, size)
        assert (colors, reserved, planes, bits) == (0, 0, 1, 32)
        assert offset == expected_offset  # blobs are packed in directory order
        assert png_size(data[offset : offset + length]) == (size, size)
        expected_offset += length
    assert expected_offset == len(data)


def test_icns_parses(qapp: QApplication) -> None:
    data = (ICONS / "roomcast.icns").read_bytes()
    assert data[:4] == b"icns"
    (total,) = struct.unpack(">I", data[4:8])
    assert total == len(data)
    found = []
    position = 8
    while position < len(data):
        kind = data[position : position + 4].decode("ascii")
        (length,) = struct.unpack(">I", data[position + 4 : position + 8])
        assert length > 8
        blob = data[position + 8 : position + length]
        width, height = png_size(blob)
        assert width == height
        found.append((kind, width))
        position += length
    assert position == len(data)
    assert found == ICNS_ENTRIES


@pytest.mark.parametrize(
    ("name", "sizes"),
    [("roomcast.ico", ICO_SIZES), ("roomcast.icns", [size for _, size in ICNS_ENTRIES])],
)
def test_qt_reads_the_containers_back(qapp: QApplication, name: str, sizes: list[int]) -> None:
    fmt = name.rsplit(".", 1)[1].encode()
    if fmt not in [bytes(f.data()) for f in QImageReader.supportedImageFormats()]:
        pytest.skip(f"this Qt has no {fmt.decode()} image plugin")
    reader = QImageReader(str(ICONS / name))
    assert reader.imageCount() == len(sizes)
    read = []
    for index in range(len(sizes)):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        read.append(image.width())
    assert read == sizes


def test_pyproject_ships_every_resource() -> None:
    """A wheel must carry what desktop/resources.py looks for in share/roomcast."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data_files = config["tool"]["setuptools"]["data-files"]
    shipped = {
        f"{target}/{Path(source).name}": source
        for target, sources in data_files.items()
        for source in sources
    }
    expected = {
        "share/roomcast/roomcast.desktop": "resources/roomcast.desktop",
        "share/roomcast/icons/roomcast.svg": "resources/icons/roomcast.svg",
        # Compiled by `make i18n` (desktop/i18n.py loads it from resource_path("i18n")).
        "share/roomcast/i18n/roomcast_de.qm": "resources/i18n/roomcast_de.qm",
    }
    for size in ICON_SIZES:
        rel = f"icons/hicolor/{size}x{size}/apps/roomcast.png"
        expected[f"share/roomcast/{rel}"] = f"resources/{rel}"
    assert shipped == expected
    for source in shipped.values():
        assert (ROOT / source).is_file(), source


# ---- make_icons.py -----------------------------------------------------------


def run_make_icons(out: Path) -> list[Path]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(MAKE_ICONS), "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())


def test_make_icons_is_deterministic(tmp_path: Path) -> None:
    first = run_make_icons(tmp_path / "first")
    second = run_make_icons(tmp_path / "second")
    assert first == second
    for rel in first:
        assert (tmp_path / "first" / rel).read_bytes() == (tmp_path / "second" / rel).read_bytes()


def test_committed_icons_match_the_svg(qapp: QApplication, tmp_path: Path) -> None:
    """The committed PNGs are what the SVG renders to now (an edited SVG needs
    make_icons.py rerun). Compared by pixels, not bytes, so another zlib or
    libpng build does not fail it."""
    made = run_make_icons(tmp_path)
    committed = sorted(p.relative_to(ICONS) for p in ICONS.rglob("*") if p.is_file())
    assert made == [p for p in committed if p.name != "roomcast.svg"]
    for size in ICON_SIZES:
        fresh = QImage(str(hicolor_png(tmp_path, size))).convertToFormat(
            QImage.Format.Format_ARGB32
        )
        kept = QImage(str(hicolor_png(ICONS, size))).convertToFormat(QImage.Format.Format_ARGB32)
        a, b = bytes(fresh.constBits()), bytes(kept.constBits())
        assert len(a) == len(b)
        mean_difference = sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)
        assert mean_difference < 1.0, f"{size} px differs from a fresh render: rerun make_icons.py"


# ---- the .desktop file -------------------------------------------------------


def test_desktop_file_validates() -> None:
    need(
        shutil.which("desktop-file-validate") is not None,
        "desktop-file-validate is not installed (scripts/system-deps desktop)",
    )
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP_FILE)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == ""  # no warnings or hints either


def test_desktop_file_entries() -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP_FILE, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Name"] == "Roomcast"
    assert entry["Exec"] == "roomcast %u"
    assert entry["Icon"] == "roomcast"  # the hicolor name
    assert entry["StartupWMClass"] == "roomcast"
    assert entry["Terminal"] == "false"
    schemes = entry["MimeType"].rstrip(";").split(";")
    assert schemes == ["x-scheme-handler/roomcast", "x-scheme-handler/roomcasts"]


# ---- finding resources/ ------------------------------------------------------


def fake_tree(root: Path) -> Path:
    (root / "icons").mkdir(parents=True)
    (root / "icons" / "roomcast.svg").write_text("<svg/>", encoding="utf-8")
    return root


def test_resource_path_in_a_source_checkout() -> None:
    svg = resource_path("icons", "roomcast.svg")
    assert svg == ROOT / "resources" / "icons" / "roomcast.svg"
    assert svg.is_file()
    assert resource_path("roomcast.desktop").is_file()


def test_resource_path_in_a_pyinstaller_bundle(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundle = fake_tree(tmp_path / "_MEI123" / "resources")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_MEI123"), raising=False)
    assert resource_path("icons", "roomcast.svg") == bundle / "icons" / "roomcast.svg"


def test_resource_path_in_an_installed_wheel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    prefix = tmp_path / "venv"
    site_packages = prefix / "lib" / "python3" / "site-packages"
    # Another package's stray top-level resources/ must not be taken for ours.
    (site_packages / "resources").mkdir(parents=True)
    shared = fake_tree(prefix / "share" / "roomcast")
    monkeypatch.setattr(resources, "__file__", str(site_packages / "desktop" / "resources.py"))
    monkeypatch.setattr(sys, "prefix", str(prefix))
    assert resource_path("icons", "roomcast.svg") == shared / "icons" / "roomcast.svg"


def test_missing_resources_say_where_they_were_looked_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(resources, "__file__", str(tmp_path / "pkg" / "desktop" / "resources.py"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    monkeypatch.setattr("site.getuserbase", lambda: str(tmp_path / "user"))
    with pytest.raises(FileNotFoundError) as caught:
        resource_path("icons", "roomcast.svg")
    assert str(tmp_path / "prefix" / "share" / "roomcast") in str(caught.value)
    assert app_icon().isNull()  # the app still starts, without its icon


def test_app_icon(qapp: QApplication) -> None:
    icon = app_icon()
    assert not icon.isNull()
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(n, n) for n in ICON_SIZES} <= sizes
    assert icon.pixmap(16, 16).width() == 16
    assert icon.pixmap(1024, 1024).width() == 1024  # the SVG covers beyond 512
