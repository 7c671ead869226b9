"""The pip package as an operator gets it (issue 19): the sdist and the wheel
built and checked, the wheel installed into fresh virtual environments outside
the checkout, and run from there.

* ``pip install roomcast``: the room server alone. ``roomcast-server`` runs a
  room a client joins, answers ``/healthz`` and serves the guest page (its files
  are package data); nothing named ``server`` or ``desktop`` lands at the top
  of site-packages; no Qt is installed; ``roomcast`` says how to get the app.
* ``pip install "roomcast[desktop]"``: the app's self-test passes.

The environments install their dependencies from the package index (PyPI;
pip's cache makes a second run quick). The sizes are printed for the notes.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from roomcast.server import __version__
from tests.helpers import ROOT, WAIT, member, read_banner

pytestmark = pytest.mark.timeout(900)

#: issue 19: the server-only install, everything included, stays under this.
SERVER_INSTALL_BUDGET = 15 * 2**20


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    assert (ROOT / "resources" / "i18n" / "roomcast_de.qm").is_file(), "make i18n first"
    run(sys.executable, "-m", "build", "--outdir", out, ROOT, cwd=ROOT)
    wheel = next(out.glob("roomcast-*.whl"))
    sdist = next(out.glob("roomcast-*.tar.gz"))
    run(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist, cwd=ROOT)
    return {"wheel": wheel, "sdist": sdist}


def venv(where: Path, requirement: str) -> Path:
    """A fresh virtual environment at ``where`` (outside the checkout) with ``requirement``."""
    run(sys.executable, "-m", "venv", where, cwd=where.parent)
    python = where / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip", cwd=where.parent)
    run(python, "-m", "pip", "install", "--quiet", requirement, cwd=where.parent)
    return where


def site_packages(env: Path) -> Path:
    return next(env.glob("lib/python3.*/site-packages"))


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def server_env(dists: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return venv(tmp_path_factory.mktemp("server-only") / "env", str(dists["wheel"]))


def clean_env(home: Path) -> dict[str, str]:
    """No PYTHONPATH or checkout on the path: only what the environment installed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["HOME"] = str(home)
    env["XDG_DATA_HOME"] = str(home / "data")
    return env


def test_the_wheel_holds_one_namespace(dists: dict[str, Path]) -> None:
    import zipfile

    names = zipfile.ZipFile(dists["wheel"]).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"roomcast"}
    assert "roomcast/__init__.py" not in names  # a PEP 420 namespace: room for more portions
    assert "roomcast/server/web/index.html" in names
    assert not [n for n in names if "/web/test/" in n or n.endswith("web/README.md")]
    assert any(n.endswith("data/data/share/roomcast/i18n/roomcast_de.qm") for n in names)


def test_the_sdist_carries_the_service_unit(dists: dict[str, Path]) -> None:
    import tarfile

    with tarfile.open(dists["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert "packaging/systemd/roomcast-server.service" in names
    assert "docs/operating.md" in names
    assert "server/__init__.py" in names and "desktop/app.py" in names


def test_server_only_install(server_env: Path, tmp_path: Path) -> None:
    site = site_packages(server_env)
    top = sorted(p.name for p in site.iterdir() if not p.name.endswith((".dist-info", ".pth")))
    assert "server" not in top and "desktop" not in top, top
    assert (site / "roomcast" / "server" / "__init__.py").is_file()
    assert not (site / "roomcast" / "__init__.py").exists()
    listed = json.loads(
        run(server_env / "bin" / "python", "-m", "pip", "list", "--format", "json", cwd=tmp_path)
    )
    installed = {d["name"].lower() for d in listed}
    assert not installed & {"pyside6-essentials", "qasync", "segno", "keyring", "zeroconf"}
    assert "roomcast" in installed
    roomcast_and_deps = size(site) - sum(
        size(site / name) for name in ("pip",) if (site / name).exists()
    )
    print(f"\nserver-only install: {sorted(installed - {'pip'})}")
    print(f"site-packages without pip: {roomcast_and_deps / 2**20:.1f} MiB")
    assert roomcast_and_deps < SERVER_INSTALL_BUDGET
    env = clean_env(tmp_path)
    out = run(server_env / "bin" / "roomcast-server", "--version", cwd=tmp_path, env=env)
    assert out.strip() == f"roomcast-server {__version__}"
    # The app's command is there (pip writes it) and says how to get the app;
    # flags whose package is an extra say which extra. Exit 2, never a traceback.
    server = server_env / "bin" / "roomcast-server"
    for command, wanted in (
        ([server_env / "bin" / "roomcast", "--version"], 'pip install "roomcast[desktop]"'),
        ([server, "--port", "0", "--redis", "redis://127.0.0.1:9/0"], "'roomcast[redis]'"),
        (
            [server, "--port", "0", "--self-signed", "--self-signed-dir", tmp_path / "tls"],
            "'roomcast[self-signed]'",
        ),
    ):
        result = subprocess.run(
            [str(part) for part in command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=WAIT,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert wanted in result.stderr
        assert "Traceback" not in result.stderr


def fetch(url: str, accept: str = "*/*") -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, answer.read()


async def test_the_installed_server_serves_a_room(server_env: Path, tmp_path: Path) -> None:
    proc = await asyncio.to_thread(
        subprocess.Popen,
        [server_env / "bin" / "roomcast-server", "--port", "0", "--db", str(tmp_path / "h.db")],
        cwd=tmp_path,
        env=clean_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = (await asyncio.to_thread(read_banner, proc, 60)).decode()
        url = re.search(r"(ws://\S+)", banner)
        assert url, banner
        base = url.group(1)
        async with member(base + "r/pip", "olga") as (olga, welcome):
            assert welcome["room"] == "pip"
            await olga.send({"type": "message", "content": "installed from the wheel"})
            assert (await olga.until("message"))["content"] == "installed from the wheel"
        http = base.replace("ws://", "http://")
        status, body = await asyncio.to_thread(fetch, http + "healthz")
        assert status == 200 and json.loads(body)["status"] == "ok"
        status, body = await asyncio.to_thread(fetch, http + "r/pip", "text/html")
        assert status == 200 and b"<html" in body.lower()
    finally:
        proc.terminate()
        await asyncio.to_thread(proc.communicate, timeout=WAIT)


@pytest.fixture(scope="module")
def desktop_env(dists: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return venv(tmp_path_factory.mktemp("desktop") / "env", f"{dists['wheel']}[desktop]")


def test_desktop_install_self_test(desktop_env: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    env["QT_QPA_PLATFORM"] = "offscreen"
    out = run(desktop_env / "bin" / "roomcast", "--self-test", cwd=tmp_path, env=env)
    assert "self-test passed" in out
    shared = desktop_env / "share" / "roomcast"
    assert (shared / "i18n" / "roomcast_de.qm").is_file()
    assert (shared / "icons" / "roomcast.svg").is_file()
