"""packaging/nginx/roomcast.conf, as shipped, in front of real nodes and Redis."""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import time
from pathlib import Path

from tests.helpers import (
    ROOT,
    WAIT,
    free_port,
    member,
    need,
    redis_server,
    server_process,
)

CONF = ROOT / "packaging" / "nginx" / "roomcast.conf"


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    need(found is not None, "nginx is not installed (scripts/system-deps nginx)")
    assert found is not None
    return found


def site_for(ports: list[int], listen: int) -> str:
    """The shipped file with its example addresses replaced by the test's."""
    text = CONF.read_text()
    for example, port in zip((8801, 8802, 8803), ports, strict=False):
        text = text.replace(f"127.0.0.1:{example}", f"127.0.0.1:{port}")
    for example in (8801, 8802, 8803)[len(ports) :]:
        text = text.replace(f"    server 127.0.0.1:{example} max_fails=1 fail_timeout=5s;\n", "")
    return text.replace("listen 8765;", f"listen 127.0.0.1:{listen};")


def run_nginx(folder: Path, site: str) -> subprocess.Popen[bytes]:
    (folder / "roomcast.conf").write_text(site)
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    (folder / "nginx.conf").write_text(
        f"""daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/roomcast.conf;
}}
"""
    )
    binary = nginx_binary()
    check = subprocess.run(
        [binary, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert check.returncode == 0, check.stderr
    return subprocess.Popen([binary, "-p", str(folder), "-c", str(folder / "nginx.conf")])


async def test_the_shipped_config_upgrades_and_fails_over(tmp_path: Path) -> None:
    with (
        redis_server() as redis,
        server_process("--redis", redis.url) as a,
        server_process("--redis", redis.url) as b,
    ):
        ports = [int(a.url.rsplit(":", 1)[1].strip("/")), int(b.url.rsplit(":", 1)[1].strip("/"))]
        listen = free_port()
        proc = run_nginx(tmp_path, site_for(ports, listen))
        try:
            url = f"ws://127.0.0.1:{listen}/r/team"
            end = time.monotonic() + WAIT
            while True:  # nginx is up when it accepts
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", listen)
                    writer.close()
                    break
                except OSError:
                    assert time.monotonic() < end, "nginx did not start"
                    await asyncio.sleep(0.05)
            async with member(url, "alice") as (alice, _), member(url, "bob") as (bob, _):
                await alice.send({"type": "message", "content": "through nginx", "id": "n1"})
                got = await bob.until("message")
                assert (got["seq"], got["content"]) == (1, "through nginx")
            # One node killed: new connections through nginx reach the other.
            a.proc.send_signal(signal.SIGKILL)
            for _ in range(3):
                async with member(url, "carol", since=0) as (carol, welcome):
                    assert welcome["seq"] == 1
                    assert (await carol.until("message"))["content"] == "through nginx"
        finally:
            proc.terminate()
            proc.wait(timeout=WAIT)
