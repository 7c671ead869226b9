"""The installers, tested as a user gets them: the PyInstaller bundle
dist/Roomcast/ and the .deb built from it (``make dist``).

Locally these run when ``dist/Roomcast/roomcast`` exists (whatever its age; run
``make dist`` to refresh it) and are skipped otherwise. In CI
(ROOMCAST_REQUIRE_ALL=1) a missing or stale build — older than any file under
desktop/, server/, resources/, packaging/ or pyproject.toml — is built here,
once per session, with ``make dist``.

There is no timing assert. The size budget (BUNDLE_BUDGET) is checked on
purpose: the trimming in packaging/roomcast.spec is what keeps the bundle under it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from roomcast.server import __version__
from tests.helpers import REQUIRE_ALL, ROOT, need, read_banner
from tests.packaging import load

pytestmark = [
    pytest.mark.needs("make dist: the PyInstaller bundle and the .deb"),
    # Building takes a minute or two; the session fixture runs in the first test's set-up.
    pytest.mark.timeout(1800),
]

BUNDLE = ROOT / "dist" / "Roomcast"
APP = BUNDLE / "roomcast"
#: The bundle's size budget (issue 19: the .deb under 140 MB unpacked): 138.9 MB
#: measured (11 MB of it is the cryptography package that hosting and the Secret
#: Service keyring need), 160 MB untrimmed. Megabytes of 10^6 bytes, as apt says.
BUNDLE_BUDGET = 140 * 10**6
SOURCES = ("desktop", "server", "resources", "packaging", "pyproject.toml")
SELF_TEST_PASSED = "roomcast self-test passed"
IS_LINUX = sys.platform.startswith("linux")


build_deb = load("build_deb")
elfdeps = load("elfdeps")


def _deb_path() -> Path:
    return ROOT / "dist" / f"roomcast_{__version__}_{build_deb.deb_architecture()}.deb"


def _newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else path.rglob("*")
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                newest = max(newest, file.stat().st_mtime)
    return newest


def _stale_reason() -> str | None:
    """Why the build must be (re)made, or None when it is up to date."""
    if not APP.is_file():
        return f"{APP.relative_to(ROOT)} does not exist"
    built = APP.stat().st_mtime
    if built < _newest_source():
        return f"{APP.relative_to(ROOT)} is older than the sources"
    if shutil.which("dpkg-deb"):
        deb = _deb_path()
        if not deb.is_file() or deb.stat().st_mtime < built:
            return f"{deb.relative_to(ROOT)} is missing or older than the bundle"
    return None


@pytest.fixture(scope="session")
def bundle() -> Path:
    """dist/Roomcast/, built first in CI when missing or stale."""
    if not IS_LINUX:
        pytest.skip("these run on Linux; the release workflow smoke-tests Windows and macOS")
    reason = _stale_reason()
    if reason is not None and REQUIRE_ALL:
        need(shutil.which("make") is not None, "make is not installed")
        started = time.monotonic()
        done = subprocess.run(
            ["make", "dist"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=1700,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"make dist failed ({reason}):\n{done.stdout[-6000:]}")
        print(f"\nmake dist ({reason}) took {time.monotonic() - started:.0f} s")
    elif not APP.is_file():
        pytest.skip(
            f"{reason}: run `make dist` first (with ROOMCAST_REQUIRE_ALL=1 the tests build it)"
        )
    return BUNDLE


@pytest.fixture(scope="session")
def deb(bundle: Path) -> Path:
    need(shutil.which("dpkg-deb") is not None, "dpkg-deb is not installed (not Debian/Ubuntu)")
    path = _deb_path()
    need(path.is_file(), f"{path.relative_to(ROOT)} is missing: run `make dist`")
    return path


@pytest.fixture(scope="session")
def deb_root(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .deb's files, unpacked as dpkg would install them, under a temporary root."""
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True, timeout=300)
    return root


def _clean_env(home: Path) -> dict[str, str]:
    """Offscreen Qt and a fresh HOME, so no setting, log or history of the user is touched."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen")
    env.pop("ROOMCAST_PASSWORD", None)
    return env


def _self_test(program: Path, home: Path) -> None:
    done = subprocess.run(
        [str(program), "--self-test"],
        env=_clean_env(home),
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, (
        f"{program} --self-test exited {done.returncode}\n"
        f"stdout: {done.stdout}\nstderr: {done.stderr}"
    )
    assert SELF_TEST_PASSED in done.stdout, done.stdout + done.stderr


def _version(program: Path, home: Path) -> str:
    done = subprocess.run(
        [str(program), "--version"],
        env=_clean_env(home),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


# ---- the bundle -----------------------------------------------------------------


def test_bundle_self_test(bundle: Path, tmp_path: Path) -> None:
    _self_test(bundle / "roomcast", tmp_path)


def test_bundle_versions(bundle: Path, tmp_path: Path) -> None:
    assert _version(bundle / "roomcast-server", tmp_path) == f"roomcast-server {__version__}"
    assert _version(bundle / "roomcast", tmp_path) == f"roomcast {__version__}"


def test_bundle_size_budget(bundle: Path) -> None:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)
    largest = sorted(files, key=lambda p: p.stat().st_size, reverse=True)[:8]
    listing = "\n".join(
        f"  {p.stat().st_size / 2**20:6.1f} MiB {p.relative_to(bundle)}" for p in largest
    )
    assert size < BUNDLE_BUDGET, (
        f"the bundle is {size / 10**6:.1f} MB, over its {BUNDLE_BUDGET / 10**6:.0f} MB budget; "
        f"largest files:\n{listing}"
    )


def test_bundle_is_trimmed(bundle: Path) -> None:
    """What packaging/roomcast.spec leaves out stays out."""
    internal = bundle / "_internal"
    qt = internal / "PySide6" / "Qt"
    qt_catalogues = sorted(p.name for p in (qt / "translations").rglob("*.qm"))
    assert qt_catalogues == ["qtbase_de.qm"], "Qt's catalogues beyond qtbase's for German"
    assert (internal / "resources" / "i18n" / "roomcast_de.qm").is_file()
    platforms = sorted(p.name for p in (qt / "plugins" / "platforms").iterdir())
    assert platforms == ["libqoffscreen.so", "libqwayland.so", "libqxcb.so"]
    formats = sorted(p.name for p in (qt / "plugins" / "imageformats").iterdir())
    assert formats == ["libqico.so", "libqsvg.so"]
    unwanted = re.compile(
        r"Qt6(Qml|Quick|Network|Pdf|Designer|Sql|Test)|libgtk|libkrb5|libtk|libtcl"
    )
    assert not [p.name for p in internal.rglob("*") if unwanted.search(p.name)]
    for stdlib in ("tkinter", "unittest", "lib2to3", "idlelib", "ensurepip", "pydoc_data"):
        assert not list(internal.rglob(stdlib)), f"{stdlib} is bundled"
    assert (internal / "resources" / "icons" / "roomcast.svg").is_file()
    assert (internal / "resources" / "roomcast.desktop").is_file()


def test_bundle_links_resolve(bundle: Path) -> None:
    """Every library a bundled program, module or plugin links to is either in the
    bundle or one the .deb depends on; no link points nowhere."""
    dangling = [p for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling
    missing = elfdeps.unresolved(bundle)
    unknown = {
        soname: sorted({p.name for p in users})
        for soname, users in missing.items()
        if soname not in build_deb.SYSTEM_PACKAGES
    }
    assert not unknown


def test_bundle_server_serves_the_guest_page(bundle: Path, tmp_path: Path) -> None:
    """server/web travels in the bundle: the bundled roomcast-server serves the
    browser guest page (server/guest_page.py finds it with importlib.resources)."""
    import urllib.request

    proc = subprocess.Popen(
        [str(bundle / "roomcast-server"), "--port", "0", "--db", ":memory:"],
        env=_clean_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = read_banner(proc, timeout=60).decode()
        found = re.search(r"Browser guests: (http://\S+/)", banner)
        assert found, f"no browser link in the banner: {banner!r}"
        request = urllib.request.Request(found.group(1) + "r/team", headers={"Accept": "text/html"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
            assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
            assert b"/static/roomcast/app.js" in answer.read()
    finally:
        proc.kill()
        proc.communicate(timeout=30)


# ---- the .deb -------------------------------------------------------------------


def test_deb_self_test(deb_root: Path, tmp_path: Path) -> None:
    _self_test(deb_root / "opt" / "roomcast" / "roomcast", tmp_path)


def test_deb_server_version(deb_root: Path, tmp_path: Path) -> None:
    program = deb_root / "opt" / "roomcast" / "roomcast-server"
    assert _version(program, tmp_path) == f"roomcast-server {__version__}"


def test_deb_launchers(deb_root: Path) -> None:
    for name in ("roomcast", "roomcast-server"):
        launcher = deb_root / "usr" / "bin" / name
        assert os.access(launcher, os.X_OK)
        assert f'exec /opt/roomcast/{name} "$@"' in launcher.read_text()


def test_deb_desktop_entry_validates(deb_root: Path) -> None:
    need(
        shutil.which("desktop-file-validate") is not None,
        "desktop-file-validate is not installed (scripts/system-deps desktop)",
    )
    entry = deb_root / "usr" / "share" / "applications" / "roomcast.desktop"
    done = subprocess.run(
        ["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
    assert "Exec=roomcast %u" in entry.read_text().splitlines()


def test_deb_icons(deb_root: Path) -> None:
    hicolor = deb_root / "usr" / "share" / "icons" / "hicolor"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert (hicolor / f"{size}x{size}" / "apps" / "roomcast.png").is_file()
    assert (hicolor / "scalable" / "apps" / "roomcast.svg").is_file()


def test_deb_info(deb: Path, bundle: Path) -> None:
    info = subprocess.run(
        ["dpkg-deb", "-I", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    fields = dict(
        line.strip().split(": ", 1)
        for line in info.splitlines()
        if re.match(r"^ [A-Z][\w-]+: ", line)
    )
    assert fields["Package"] == "roomcast"
    assert fields["Version"] == __version__
    assert fields["Section"] == "net"
    depends = [d.strip() for d in fields["Depends"].split(",")]
    assert any(d.startswith("libc6 (>= 2.") for d in depends), depends
    for package in ("libgl1", "libegl1", "libxcb1", "fontconfig-config"):
        assert package in depends
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    bundle_kib = sum(p.stat().st_size for p in files) / 1024
    assert bundle_kib <= int(fields["Installed-Size"]) < bundle_kib * 1.1


def test_deb_contents(deb: Path) -> None:
    listing = subprocess.run(
        ["dpkg", "-c", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    paths = {
        line.split()[-1] if " -> " not in line else line.split()[-3]
        for line in listing.splitlines()
    }
    for path in (
        "./usr/bin/roomcast",
        "./usr/bin/roomcast-server",
        "./opt/roomcast/roomcast",
        "./opt/roomcast/roomcast-server",
        "./usr/share/applications/roomcast.desktop",
    ):
        assert path in paths, f"{path} is not in the .deb"
    assert all(line.split()[1] == "root/root" for line in listing.splitlines())
