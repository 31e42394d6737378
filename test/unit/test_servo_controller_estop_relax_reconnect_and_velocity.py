"""The servo controller without ROS, on the real ServoBus and a simulated Maestro on a pty: the
e-stop holds and refuses (and so does an unheard or silent e-stop state), relax goes limp until
the next command, a reconnect re-sends the speed limits and holds where the arm is, and the
velocities come from the change of the positions read back."""

from __future__ import annotations

import logging
import select
import threading

import pytest

from terry.arm.bus import ServoBus
from terry.arm.calibration import load_calibration
from terry.arm.controller import ServoController
from terry.model import ARM_JOINTS, load_robot
from terry.paths import package_file
from terry.safety.estop import STALE_AFTER
from terry.sim.maestro_device import MaestroDevice
from terry.sim.pty import PseudoSerial

ROBOT = load_robot()
JOINTS = {name: ROBOT.joint(name) for name in ARM_JOINTS}
CHANNELS = load_calibration(package_file("config", "servos.yaml"), ROBOT)
SHOULDER = CHANNELS["arm_shoulder"]


class Board:
    """A simulated Maestro answering on a pty; it moves only when the test says (`settle`)."""

    def __init__(self, link: str, device: MaestroDevice | None = None) -> None:
        self.device = device or MaestroDevice()
        self.port = PseudoSerial(link)
        self._running = True
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while self._running:
            if select.select([self.port], [], [], 0.01)[0]:
                with self._lock:
                    reply = self.device.receive(self.port.read())
                if reply:
                    self.port.write(reply)

    def settle(self) -> None:
        """Let the servos reach their targets."""
        with self._lock:
            self.device.advance(10.0)

    def shoulder_target(self) -> float | None:
        """The angle the board was last told for the shoulder (None: no pulses, limp)."""
        target = self.device.outputs[SHOULDER.channel].target
        return SHOULDER.to_angle(target) if target else None

    def unplug(self) -> None:
        self._running = False
        self._thread.join()
        self.port.close()


class Rig:
    def __init__(self, link: str) -> None:
        self.link = link
        self.board = Board(link)
        self.logged: list[tuple[int, str]] = []
        self.controller = ServoController(
            ServoBus(link, CHANNELS), JOINTS, 0.0, lambda *line: self.logged.append(line)
        )
        self.now = 0.0
        self.estop: bool | None = None  # what the estop node republishes (None: silent)

    def tick(self, seconds: float = 0.02):
        self.now += seconds
        if self.estop is not None:
            self.controller.heard_estop(self.estop, self.now)
        return self.controller.tick(self.now)

    def go(self, shoulder: float) -> None:
        """Move the shoulder there and let the board get there."""
        assert self.controller.command(["arm_shoulder"], [(0.0, [shoulder])], self.now) is None
        self.tick(5.0)
        self.board.settle()
        self.tick()


@pytest.fixture
def rig(tmp_path):
    rig = Rig(str(tmp_path / "maestro"))
    assert rig.tick() is not None, rig.logged  # connected
    rig.estop = False
    rig.tick()
    yield rig
    rig.controller.bus.close()
    rig.board.unplug()


def test_a_controller_that_has_not_heard_the_estop_refuses_commands(tmp_path):
    rig = Rig(str(tmp_path / "maestro"))
    try:
        rig.tick()
        refused = rig.controller.command(["arm_shoulder"], [(0.0, [1.0])], rig.now)
        assert refused and "not heard yet" in refused
        rig.tick(5.0)
        assert rig.board.shoulder_target() is None  # nothing was ever sent
    finally:
        rig.controller.bus.close()
        rig.board.unplug()


def test_estop_holds_where_the_arm_is_and_refuses_until_released(rig):
    rig.go(0.5)
    rig.controller.command(["arm_shoulder"], [(10.0, [2.0])], rig.now)
    rig.tick(1.0)
    rig.board.settle()
    where = rig.tick().positions["arm_shoulder"]  # on its way
    assert 0.5 < where < 2.0
    rig.estop = True
    change = rig.controller.heard_estop(True, rig.now)
    assert change is not None and change.stopped
    refused = rig.controller.command(["arm_shoulder"], [(0.0, [-0.3])], rig.now)
    assert refused and "e-stop is engaged" in refused
    for _ in range(5):
        rig.tick(1.0)
        assert rig.board.shoulder_target() == pytest.approx(where, abs=1e-3)
    rig.estop = False
    rig.tick()
    rig.go(-0.3)
    assert rig.board.shoulder_target() == pytest.approx(-0.3, abs=1e-3)


def test_a_silent_estop_state_stops_the_arm_and_says_why(rig):
    rig.go(0.5)
    rig.controller.command(["arm_shoulder"], [(10.0, [2.0])], rig.now)
    rig.tick(1.0)
    rig.board.settle()
    rig.tick()
    rig.estop = None  # the estop node falls silent
    rig.tick(STALE_AFTER + 0.1)
    held = rig.board.shoulder_target()
    rig.tick(2.0)
    assert rig.board.shoulder_target() == pytest.approx(held, abs=1e-3)
    assert any("silent" in line for level, line in rig.logged if level == logging.WARNING)
    refused = rig.controller.command(["arm_shoulder"], [(0.0, [1.0])], rig.now)
    assert refused and "silent" in refused


def test_relax_goes_limp_until_the_next_command_which_starts_from_there(rig):
    rig.go(0.8)
    assert rig.controller.relax() is None
    rig.tick()
    assert rig.board.shoulder_target() is None
    rig.tick(1.0)
    assert rig.board.shoulder_target() is None, "limp until the next command"
    assert rig.controller.health(rig.now).message == "limp"
    assert rig.controller.command(["arm_elbow"], [(0.0, [0.3])], rig.now) is None
    rig.tick()
    assert rig.board.shoulder_target() == pytest.approx(0.8, abs=2e-3), "from where it was"


def test_reconnect_resends_the_speed_limits_and_holds_where_the_arm_is(rig):
    rig.go(0.7)
    device = rig.board.device
    rig.board.unplug()
    assert rig.tick() is None
    down = rig.controller.health(rig.now)
    assert down.level == logging.ERROR and rig.link in down.message, down
    assert down.values["connected"] == "False"
    for output in device.outputs:
        output.speed = 0  # as a board whose settings were lost
    rig.board = Board(rig.link, device)
    reading = None
    for _ in range(100):  # reconnects once every reconnect_period
        reading = rig.tick(0.1)
        if reading is not None:
            break
    assert reading is not None, rig.logged
    assert reading.positions["arm_shoulder"] == pytest.approx(0.7, abs=2e-3)
    assert device.outputs[SHOULDER.channel].speed == SHOULDER.speed_limit()
    rig.tick()
    assert rig.board.shoulder_target() == pytest.approx(0.7, abs=2e-3)
    assert rig.controller.health(rig.now).values["reconnects"] == "1"


def test_velocity_is_the_change_of_the_position_read_back(rig):
    rig.go(0.2)
    rig.controller.command(["arm_shoulder"], [(0.0, [0.6])], rig.now)
    rig.tick(0.2)
    rig.board.settle()  # the servo moves to the setpoint it was sent
    there = rig.board.shoulder_target()
    assert 0.3 < there < 0.61
    reading = rig.tick(0.5)  # reads it 0.5 s after the reading at 0.2
    assert reading.velocities["arm_shoulder"] == pytest.approx((there - 0.2) / 0.5, abs=0.01)
    assert rig.tick(0.5).velocities["arm_shoulder"] == pytest.approx(0.0, abs=1e-6)
