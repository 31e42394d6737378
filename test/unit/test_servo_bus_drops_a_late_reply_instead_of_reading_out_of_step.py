"""A late reply left in the serial buffer (a slow board, a reconnect) is dropped before the next
request, so every later reading still belongs to its own request."""

from __future__ import annotations

import threading
import time

import pytest

from terry.arm.bus import ServoBus
from terry.arm.calibration import load_calibration
from terry.model import load_robot
from terry.paths import package_file
from terry.sim.maestro_device import MaestroDevice
from terry.sim.pty import PseudoSerial


@pytest.fixture
def board(tmp_path):
    port = PseudoSerial(tmp_path / "maestro")
    device = MaestroDevice()
    running = True

    def serve() -> None:
        while running:
            data = port.read()
            if data:
                port.write(device.receive(data))
            device.advance(0.005)
            time.sleep(0.005)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield port
    running = False
    thread.join(2)
    port.close()


def test_late_reply_is_dropped_and_readings_stay_in_step(board):
    channels = load_calibration(package_file("config", "servos.yaml"), load_robot())
    bus = ServoBus(str(board.link), channels)
    bus.connect()
    try:
        angles = {"arm_base_yaw": 0.3, "arm_shoulder": 1.2, "arm_elbow": -1.0}
        bus.set_angles(angles)
        time.sleep(0.3)
        board.write(b"\x70\x17")  # a stray 2-byte reply, as if to an earlier request
        time.sleep(0.05)
        for _ in range(3):
            read = bus.read_angles()
            for name, angle in angles.items():
                assert read[name] == pytest.approx(angle, abs=1e-3), (name, read)
        assert bus.stale_replies == 1
    finally:
        bus.close()
