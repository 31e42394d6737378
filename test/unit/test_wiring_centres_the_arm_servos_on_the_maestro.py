"""The wiring test moves each arm servo on the (simulated) Maestro to its centre, judged on the
device's own outputs, and names a servo that cannot get there (an obstacle in its way) with the
channel to check."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fixtures.harness import wait_for
from fixtures.wiring import WiringRun

from terry.arm.calibration import load_calibration
from terry.model import load_robot
from terry.paths import package_file
from terry.sim.maestro_device import MaestroDevice, serve

CHANNELS = load_calibration(package_file("config", "servos.yaml"), load_robot())
OFF_CENTRE = 0.4  # rad from the centre, where the servos stand at power-on


def centre_pulse(name: str) -> int:
    servo = CHANNELS[name]
    return servo.to_quarter_us(min(max(0.0, servo.joint.lower), servo.joint.upper))


class ServedMaestro:
    def __init__(self, link: Path) -> None:
        startup = [0] * 6
        for servo in CHANNELS.values():
            angle = min(OFF_CENTRE, servo.joint.upper)
            startup[servo.channel] = servo.to_quarter_us(angle)
        self.link = link
        self.device = MaestroDevice(startup=startup)
        self._running = threading.Event()
        self._running.set()
        self._thread = threading.Thread(
            target=serve, args=(str(link), self.device, self._running.is_set)
        )
        self._thread.start()
        wait_for(link.exists, 10, "the simulated Maestro's pty")

    def stop(self) -> None:
        self._running.clear()
        self._thread.join()


@pytest.fixture
def maestro(tmp_path):
    device = ServedMaestro(tmp_path / "maestro")
    yield device
    device.stop()


def run_on(maestro: ServedMaestro) -> tuple[WiringRun, int]:
    run = WiringRun([], lambda _prompt: "\n", "--maestro", str(maestro.link))
    return run, run.finish()


def test_every_arm_servo_goes_to_its_centre(maestro):
    run, code = run_on(maestro)
    assert code == 0, run.output
    for name, servo in CHANNELS.items():
        assert run.finding(name).startswith("[     ok]")
        assert abs(maestro.device.outputs[servo.channel].position - centre_pulse(name)) <= 4


def test_a_servo_that_cannot_reach_its_centre_is_named_with_its_channel(maestro):
    elbow = CHANNELS["arm_elbow"]
    start = maestro.device.outputs[elbow.channel].position
    maestro.device.block(elbow.channel, (start + centre_pulse("arm_elbow")) / 2)
    run, code = run_on(maestro)
    assert code == 1
    line = run.finding("arm_elbow")
    assert "PROBLEM" in line and f"channel {elbow.channel}" in line
    assert run.finding("arm_shoulder").startswith("[     ok]")
