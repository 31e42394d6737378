"""The real AVR binaries, run in simavr with their UART on a pty (firmware/simavr/uart_pty.c),
over the real link: the handshake reports the sketch's measured free RAM, commands are acked or
refused, and the pan/tilt watchdog trips on the AVR's own clock when the host stops commanding.
"""

from __future__ import annotations

import queue
import shutil
import subprocess

import pytest
from fixtures.harness import wait_for

from terry.link import messages as m
from terry.link.transport import Link
from terry.sim.firmware import FIRMWARE

pytestmark = pytest.mark.skipif(
    shutil.which("avr-g++") is None or shutil.which("simavr") is None,
    reason="needs gcc-avr and simavr (tools/apt/firmware.txt)",
)
BUILD = FIRMWARE / "build"


@pytest.fixture(scope="module")
def uart_pty():
    subprocess.run(["make", "-s", "-C", str(FIRMWARE), "simavr"], check=True, capture_output=True)
    return BUILD / "simavr" / "uart_pty"


@pytest.fixture
def avr(uart_pty, tmp_path):
    started = []

    def run(sketch: str, firmware: int) -> tuple[Link, queue.Queue]:
        path = tmp_path / sketch
        process = subprocess.Popen([str(uart_pty), str(BUILD / "avr" / f"{sketch}.elf"), str(path)])
        wait_for(path.exists, 10, "the simulator's pty")
        heard: queue.Queue = queue.Queue()
        link = Link(str(path), 115200, firmware, heard.put).start()
        started.append((process, link))
        assert link.wait_up(10), link.health.last_error
        return link, heard

    yield run
    for process, link in started:
        link.close()
        process.terminate()
        process.wait(timeout=5)


def next_of(heard: queue.Queue, kind: type, where=lambda _msg: True):
    while True:
        message = heard.get(timeout=5)
        if isinstance(message, kind) and where(message):
            return message


@pytest.mark.parametrize(
    "sketch, firmware, config",
    [("pan_tilt", m.FIRMWARE_PAN_TILT, 22000), ("imu", m.FIRMWARE_IMU, 200)],
)
def test_handshake_reports_the_sketchs_real_free_ram(avr, sketch, firmware, config):
    link, _heard = avr(sketch, firmware)
    board = link.health.board
    assert (board.firmware, board.baud, board.config) == (firmware, 115200, config)
    assert 1024 < board.free_ram < 2048 - 512  # measured on the simulated chip's stack


def test_pan_tilt_binary_acks_refuses_and_its_watchdog_trips_on_silence(avr):
    link, heard = avr("pan_tilt", m.FIRMWARE_PAN_TILT)
    seq = link.send(m.PanTiltCommand(2, 100_000, 100))
    assert next_of(heard, m.Ack, lambda a: a.seq == seq).status == m.ACK_OK
    seq = link.send(m.PanTiltCommand(1, 0, 700))
    assert next_of(heard, m.Ack, lambda a: a.seq == seq).status == m.ACK_OUT_OF_RANGE
    # No more commands (heartbeats go on): the firmware's own 250 ms watchdog stops the pan.
    next_of(heard, m.Status, lambda s: s.flags & m.FLAG_WATCHDOG)
    link.send(m.PanTiltCommand(0, 0, 0))
    next_of(heard, m.Status, lambda s: not s.flags & m.FLAG_WATCHDOG)
    assert link.health.crc_errors == 0 and link.health.lost_frames == 0
