"""The real firmware's host-native build (firmware/host/): build it with make, and serve a sketch
on a pseudo-terminal at a link path, its hardware layer driving a simulated plant.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
from pathlib import Path

from terry.paths import package_file

FIRMWARE = Path(package_file("firmware"))
HOST_BUILD = FIRMWARE / "build" / "host"
PR_SET_PDEATHSIG = 1


def build_host() -> None:
    """`make host` in firmware/ (a no-op when up to date); CalledProcessError with g++'s text."""
    subprocess.run(
        ["make", "-s", "-C", str(FIRMWARE), "host"], check=True, capture_output=True, text=True
    )


def host_binary(name: str) -> Path:
    build_host()
    return HOST_BUILD / name


def start_board(
    sketch: str, link: str | Path, plant: dict[str, str] | None = None
) -> subprocess.Popen:
    """Start `<sketch>_host LINK`: the firmware on a pty whose slave is symlinked at link.
    plant: the simulated hardware's settings (firmware/host/hal_host.cpp): TERRY_SIM_PAN (rad,
    where the pan tube stands at power-up), TERRY_SIM_IMU_TILT ("roll,pitch" in rad)."""
    Path(link).parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, **(plant or {}))
    binary = str(host_binary(f"{sketch}_host"))
    return subprocess.Popen([binary, str(link)], env=env, preexec_fn=_die_with_parent)


def _die_with_parent() -> None:
    """In the child: SIGTERM when the process that started it dies (a killed sim node's board
    must not live on beside its respawned successor)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
