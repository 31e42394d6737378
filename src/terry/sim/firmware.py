"""The real firmware's host-native build (firmware/host/): build it with make, and serve a sketch
on a pseudo-terminal at a link path, its hardware layer driving a simulated plant.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from terry.paths import package_file

FIRMWARE = Path(package_file("firmware"))
HOST_BUILD = FIRMWARE / "build" / "host"


def build_host() -> None:
    """`make host` in firmware/ (a no-op when up to date); CalledProcessError with g++'s text."""
    subprocess.run(
        ["make", "-s", "-C", str(FIRMWARE), "host"], check=True, capture_output=True, text=True
    )


def host_binary(name: str) -> Path:
    build_host()
    return HOST_BUILD / name


def start_board(sketch: str, link: str | Path, start_pan: float = 0.0) -> subprocess.Popen:
    """Start `<sketch>_host LINK`: the firmware on a pty whose slave is symlinked at link.
    start_pan: where the simulated pan tube stands at power-up (rad), as an absolute encoder
    would report it."""
    Path(link).parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TERRY_SIM_PAN=repr(start_pan))
    return subprocess.Popen([str(host_binary(f"{sketch}_host")), str(link)], env=env)
