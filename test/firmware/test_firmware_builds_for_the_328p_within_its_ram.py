"""Every sketch builds for the ATmega328P with Debian's toolchain and Arduino core, the build
prints flash and RAM use, and it fails when static RAM would pass 75% of the chip's 2 KB.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from terry.sim.firmware import FIRMWARE

pytestmark = pytest.mark.skipif(
    shutil.which("avr-g++") is None, reason="gcc-avr is not installed (tools/apt/firmware.txt)"
)
SIZE_LINE = re.compile(r"(\w+)\.elf: flash (\d+) / 32256 B \(\d+%\), RAM (\d+) / 2048 B")


def make(build_dir, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-C", str(FIRMWARE), f"BUILD={build_dir}", "-j2", *args],
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def avr_build(tmp_path_factory):
    build = tmp_path_factory.mktemp("avr")
    return build, make(build)


def test_every_sketch_builds_and_reports_flash_and_ram(avr_build):
    build, result = avr_build
    assert result.returncode == 0, result.stderr
    sizes = {name: (int(flash), int(ram)) for name, flash, ram in SIZE_LINE.findall(result.stdout)}
    assert set(sizes) == {"pan_tilt", "imu", "base"}
    for name, (flash, ram) in sizes.items():
        assert ram <= 0.75 * 2048, name
        assert (build / "avr" / f"{name}.hex").stat().st_size > 2 * flash  # Intel hex: 2 chars/B


def test_the_build_fails_when_ram_passes_the_limit(avr_build):
    build, _result = avr_build
    for linked in [*(build / "avr").glob("*.elf"), *(build / "avr").glob("*.hex")]:
        linked.unlink()  # relink only: the core's objects stay
    result = make(build, "RAM_LIMIT_PERCENT=20")
    assert result.returncode != 0
    assert "static RAM above 20%" in result.stderr
