"""packaging/systemd/roomcast-server.service: systemd accepts it, and it keeps its sandbox.

``systemd-analyze verify`` loads the unit as systemd would (no running
systemd needed); any message it prints, even one it only warns about (an
unknown directive, a misspelt syscall group, an address family that does
not exist), fails the test. It also insists that ExecStart's program
exists, so the test verifies a copy whose program is a stub of the same
name; nothing else changes. The directives that make the sandbox are then
checked one by one, so that removing any of them fails a test, and the
command line is parsed by roomcast-server's own argument parser.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from roomcast.server.__main__ import build_parser
from tests.helpers import ROOT, need

UNIT = ROOT / "packaging" / "systemd" / "roomcast-server.service"
PROGRAM = "/usr/local/bin/roomcast-server"
STATE = "/var/lib/roomcast"
#: systemd-analyze security's exposure (0-100; 11 with systemd 252) must not
#: rise above this: a lost directive among the dozens it weighs shows here.
MAX_EXPOSURE = 15

Unit = dict[str, dict[str, list[str]]]


def parse_unit(text: str) -> Unit:
    """Section → directive → every value given, in order (systemd.syntax(7):
    ``#`` and ``;`` comments, a trailing backslash continues a line)."""
    sections: Unit = {}
    current: dict[str, list[str]] | None = None
    for line in text.replace("\\\n", " ").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"a directive before any section: {line}"
        key, sep, value = line.partition("=")
        assert sep, f"not a directive: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


@pytest.fixture(scope="module")
def unit() -> Unit:
    return parse_unit(UNIT.read_text())


def service(unit: Unit, key: str) -> str:
    """The directive's effective value (the last one given)."""
    values = unit["Service"].get(key)
    assert values, f"{key}= is missing from [Service]"
    return values[-1]


# ---------------------------------------------------------------------------
# systemd's own checks
# ---------------------------------------------------------------------------


def systemd_analyze(*args: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``systemd-analyze ARGS`` (``kwargs`` for subprocess.run: cwd, env), its output."""
    found = shutil.which("systemd-analyze")
    need(found is not None, "systemd-analyze is not installed (apt-get install systemd)")
    assert found is not None
    return subprocess.run(
        [found, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        **kwargs,
    )


def checkable_copy(folder: Path) -> Path:
    """The unit with ExecStart's program replaced by an executable stub (verify
    refuses a unit whose program is missing); the file name stays, so that
    systemd loads it as roomcast-server.service."""
    stub = folder / "bin" / "roomcast-server"
    stub.parent.mkdir()
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    text, found = re.subn(
        f"^ExecStart={re.escape(PROGRAM)} ", f"ExecStart={stub} ", UNIT.read_text(), flags=re.M
    )
    assert found == 1, "one ExecStart, running roomcast-server"
    copy = folder / UNIT.name
    copy.write_text(text)
    return copy


def test_systemd_analyze_verify_is_silent(tmp_path: Path) -> None:
    result = systemd_analyze("verify", "--man=no", checkable_copy(tmp_path))
    assert result.returncode == 0, result.stderr
    # verify only warns (exit 0) about unknown directives and bad values: any
    # word from it is a mistake in the unit.
    assert (result.stdout, result.stderr) == ("", "")


def test_verify_would_catch_a_misspelt_directive(tmp_path: Path) -> None:
    """The check above can fail: a typo that systemd merely ignores is reported."""
    copy = checkable_copy(tmp_path)
    copy.write_text(copy.read_text().replace("ProtectSystem=strict", "ProtectSystm=strict"))
    result = systemd_analyze("verify", "--man=no", copy)
    assert "Unknown key 'ProtectSystm'" in result.stderr, result


def test_systemd_analyze_security_exposure_stays_low(tmp_path: Path) -> None:
    offline = systemd_analyze("security", "--help")
    need("--offline" in offline.stdout, "systemd-analyze is older than 250 (no --offline)")
    result = systemd_analyze(
        *("security", "--offline=yes", f"--threshold={MAX_EXPOSURE}", "--no-pager"),
        checkable_copy(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    found = re.search(
        r"Overall exposure level for roomcast-server\.service: (\d+\.\d)", result.stdout
    )
    assert found is not None, result.stdout
    assert float(found.group(1)) * 10 <= MAX_EXPOSURE


# ---------------------------------------------------------------------------
# The sandbox, directive by directive
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        # A user of its own, made while the service runs (docs/operating.md says why).
        ("DynamicUser", "yes"),
        ("StateDirectory", "roomcast"),
        ("StateDirectoryMode", "0700"),
        ("UMask", "0077"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("PrivateIPC", "yes"),
        ("PrivateMounts", "yes"),
        ("PrivateUsers", "yes"),
        ("ProtectKernelTunables", "yes"),
        ("ProtectKernelModules", "yes"),
        ("ProtectKernelLogs", "yes"),
        ("ProtectControlGroups", "yes"),
        ("ProtectClock", "yes"),
        ("ProtectHostname", "yes"),
        ("ProtectProc", "invisible"),
        ("ProcSubset", "pid"),
        ("CapabilityBoundingSet", ""),
        ("AmbientCapabilities", ""),
        ("RestrictNamespaces", "yes"),
        ("RestrictRealtime", "yes"),
        ("RestrictSUIDSGID", "yes"),
        ("LockPersonality", "yes"),
        ("MemoryDenyWriteExecute", "yes"),
        ("RemoveIPC", "yes"),
        ("SystemCallArchitectures", "native"),
        ("SystemCallErrorNumber", "EPERM"),
        # Restart after a crash, and stop with the signal the server drains on.
        ("Restart", "on-failure"),
        ("KillSignal", "SIGTERM"),
    ],
)
def test_directive(unit: Unit, key: str, value: str) -> None:
    assert service(unit, key) == value


def test_address_families_are_the_servers_only(unit: Unit) -> None:
    families = set(service(unit, "RestrictAddressFamilies").split())
    assert families == {"AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK"}


def test_system_calls_are_a_services_without_privileged_ones(unit: Unit) -> None:
    filters = unit["Service"]["SystemCallFilter"]
    assert filters[0] == "@system-service"  # an allow list first: everything else is denied
    denied = {group for f in filters[1:] if f.startswith("~") for group in f[1:].split()}
    assert {"@privileged", "@resources"} <= denied


def test_stopping_and_restarting_are_bounded(unit: Unit) -> None:
    # The server closes each connection's handshake within 5 s: 30 s is ample.
    assert 10 <= int(service(unit, "TimeoutStopSec")) <= 90
    assert re.fullmatch(r"\d+s?", service(unit, "RestartSec"))
    assert int(unit["Unit"]["StartLimitBurst"][-1]) >= 1
    assert int(service(unit, "LimitNOFILE")) >= 16384  # --max-connections 10,000


def test_no_reload_command(unit: Unit) -> None:
    """The server has no reload (it reads its flags and files once)."""
    assert "ExecReload" not in unit["Service"]


def test_it_is_enabled_for_the_multi_user_target(unit: Unit) -> None:
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]
    assert "network-online.target" in unit["Unit"]["After"][-1].split()


# ---------------------------------------------------------------------------
# The command line: roomcast-server accepts it, and it writes where it may
# ---------------------------------------------------------------------------


def exec_start_args(line: str, settings: str = "") -> list[str]:
    """ExecStart's arguments after the program, $ROOMCAST_ARGS as ``settings``."""
    program, *args = shlex.split(line.replace("$ROOMCAST_ARGS", settings))
    assert program == PROGRAM
    return args


def test_exec_start_is_accepted_by_roomcast_server(unit: Unit) -> None:
    [line] = unit["Service"]["ExecStart"]
    args = build_parser().parse_args(exec_start_args(line))
    assert (args.host, args.port) == ("0.0.0.0", 8765)
    assert args.db == f"{STATE}/history.sqlite3"  # inside StateDirectory=, the only writable path
    assert args.log_format == "json"


def test_settings_from_the_environment_file_become_flags(unit: Unit) -> None:
    assert unit["Service"]["EnvironmentFile"] == ["-/etc/default/roomcast-server"]
    [line] = unit["Service"]["ExecStart"]
    settings = "--retention 5000 --allow-origin https://chat.example.com"
    args = build_parser().parse_args(exec_start_args(line, settings))
    assert (args.retention, args.allow_origin) == (5000, ["https://chat.example.com"])
    # They come last, so they win over the unit's own (docs/operating.md).
    args = build_parser().parse_args(exec_start_args(line, "--host 127.0.0.1"))
    assert args.host == "127.0.0.1"


def test_the_admin_drop_in_in_the_comments_is_accepted(unit: Unit) -> None:
    """The commented drop-in for the admin token: a credential and its flag."""
    text = UNIT.read_text()
    assert "#   LoadCredential=admin-token:/etc/roomcast/admin-token\n" in text
    [line] = [
        line.removeprefix("#   ExecStart=")
        for line in text.splitlines()
        if line.startswith(f"#   ExecStart={PROGRAM} ")
    ]
    args = build_parser().parse_args(exec_start_args(line.replace("%d", "/run/credentials/x")))
    assert args.admin_token_file == "/run/credentials/x/admin-token"
    assert args.db == f"{STATE}/history.sqlite3"


# ---------------------------------------------------------------------------
# docs/operating.md: its command lines and its template for --redis nodes
# ---------------------------------------------------------------------------

DOC = ROOT / "docs" / "operating.md"
#: What systemd puts for the specifiers the doc uses: a credentials folder, an instance.
SPECIFIERS = {"%d": "/run/credentials/roomcast-server.service", "%i": "8801"}


def doc_exec_starts() -> list[str]:
    return [
        line.removeprefix("ExecStart=")
        for line in DOC.read_text().splitlines()
        if line.startswith(f"ExecStart={PROGRAM} ")
    ]


def test_the_doc_quotes_the_units_command_line(unit: Unit) -> None:
    [line] = unit["Service"]["ExecStart"]
    assert f"\n{line.removeprefix('ExecStart=')}\n" in DOC.read_text()


def test_every_command_line_in_the_doc_is_accepted_by_roomcast_server() -> None:
    lines = doc_exec_starts()
    assert len(lines) >= 3  # the admin token, TLS, the Redis template
    for line in lines:
        for specifier, value in SPECIFIERS.items():
            line = line.replace(specifier, value)
        args = build_parser().parse_args(exec_start_args(line))
        assert args.log_format == "json", line
        # --db and --redis exclude each other (server/__main__.py).
        assert (args.db is None) == (args.redis is not None), line


def test_the_docs_redis_template_verifies(tmp_path: Path) -> None:
    """Section 5: the unit as a template, with the doc's drop-in, as systemd loads it."""
    text = DOC.read_text()
    start = "cat > /etc/systemd/system/roomcast-server@.service.d/redis.conf <<'EOF'\n"
    assert start in text
    drop_in = text.split(start, 1)[1].split("\nEOF\n", 1)[0] + "\n"
    units = tmp_path / "units"
    (units / "roomcast-server@.service.d").mkdir(parents=True)
    template = checkable_copy(tmp_path).read_text()
    (units / "roomcast-server@.service").write_text(template)
    stub = tmp_path / "bin" / "roomcast-server"
    (units / "roomcast-server@.service.d" / "redis.conf").write_text(
        drop_in.replace(f"ExecStart={PROGRAM} ", f"ExecStart={stub} ")
    )
    result = systemd_analyze(
        "verify",
        "--man=no",
        "roomcast-server@8801.service",
        cwd=units,
        # The unit search path: this folder first, then systemd's own (trailing colon).
        env={**os.environ, "SYSTEMD_UNIT_PATH": f"{units}:"},
    )
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert "StateDirectory=\n" in drop_in  # a node keeps nothing on disk
