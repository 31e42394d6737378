"""Whatever trajectories arrive, the set-target bytes the driver writes to the Maestro stay inside
the URDF's joint limits and velocity limits: the real ServoBus on a pseudo-terminal, every byte
it sends read back and decoded here, the bounds worked out from servos.yaml and the URDF."""

from __future__ import annotations

import threading

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from terry.arm import maestro
from terry.arm.bus import ServoBus
from terry.arm.calibration import LimitError, load_calibration
from terry.arm.motion import TrajectoryError, TrajectoryPlayer, parse_trajectory
from terry.model import ARM_JOINTS, load_robot
from terry.paths import package_file
from terry.sim.maestro_device import MaestroDevice
from terry.sim.pty import PseudoSerial

JOINTS = {name: load_robot().joint(name) for name in ARM_JOINTS}
CONFIG = yaml.safe_load(package_file("config", "servos.yaml").read_text())["joints"]
PERIOD = 0.02  # the driver's loop at 50 Hz


def pulse_bounds(joint: str) -> tuple[float, float]:
    """Quarter-microseconds of the joint's two limits, from the YAML's own numbers."""
    c = CONFIG[joint]
    ends = [4 * (c["center_us"] + c["direction"] * c["us_per_rad"] * getattr(JOINTS[joint], e))
            for e in ("lower", "upper")]  # fmt: skip
    return min(ends), max(ends)


class Wire:
    """A simulated Maestro on a pty, and a copy of every byte the driver wrote to it."""

    def __init__(self, link: str) -> None:
        self.port = PseudoSerial(link)
        self.board = MaestroDevice()
        self.sent = bytearray()
        self.current: dict[int, int] = {}  # each channel's target last sent
        self._lock = threading.Lock()
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import select

        while self._running:
            if select.select([self.port], [], [], 0.01)[0]:
                data = self.port.read()
                with self._lock:
                    self.sent += data
                    reply = self.board.receive(data)
                if reply:
                    self.port.write(reply)

    def targets(self, bus: ServoBus) -> list[tuple[int, int]]:
        """(channel, target) of each set-target command sent since the last call."""
        bus.errors()  # answered only after the board has read everything sent before it
        with self._lock:
            data, self.sent = bytes(self.sent), bytearray()
        found, i = [], 0
        while i < len(data):
            command = data[i]
            size = 1 + maestro.DATA_LENGTH[maestro.Command(command)]
            if command == maestro.Command.SET_TARGET:
                found.append((data[i + 1], data[i + 2] | data[i + 3] << 7))
            i += size
        self.current.update(found)
        return found

    def close(self) -> None:
        self._running = False
        self._thread.join()
        self.port.close()


@pytest.fixture(scope="module")
def bus(tmp_path_factory):
    link = str(tmp_path_factory.mktemp("wire") / "maestro")
    wire = Wire(link)
    channels = load_calibration(package_file("config", "servos.yaml"), load_robot())
    servo_bus = ServoBus(link, channels)
    servo_bus.connect()
    wire.targets(servo_bus)
    yield servo_bus, wire
    servo_bus.close()
    wire.close()


def beyond(joint: str) -> st.SearchStrategy[float]:
    spec = JOINTS[joint]
    inside = st.floats(spec.lower, spec.upper)
    return st.one_of(inside, inside, inside, st.floats(spec.lower - 1.0, spec.upper + 1.0))


points = st.lists(
    st.tuples(
        st.floats(0.0, 1.5),
        st.fixed_dictionaries({name: beyond(name) for name in ARM_JOINTS}),
    ),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.fixed_dictionaries({name: beyond(name) for name in ARM_JOINTS}),
    names=st.lists(st.sampled_from(ARM_JOINTS), min_size=1, max_size=5, unique=True),
    raw=points,
)
def test_targets_on_the_wire_stay_within_joint_and_velocity_limits(bus, start, names, raw):
    servo_bus, wire = bus
    channel_of = {CONFIG[n]["channel"]: n for n in ARM_JOINTS}
    times = [sum(t for t, _ in raw[: i + 1]) for i in range(len(raw))]
    trajectory = [(t, [p[n] for n in names]) for t, (_, p) in zip(times, raw, strict=True)]
    player = TrajectoryPlayer(JOINTS, start)  # e.g. positions read back beyond a limit
    servo_bus.set_angles(player.sample(0.0))  # never raises: holds are inside the limits
    wire.targets(servo_bus)
    last = {channel: (0.0, target) for channel, target in wire.current.items()}
    out_of_limits = any(not JOINTS[n].within_limits(p[n], 1e-6) for _, p in raw for n in names)
    try:
        player.start(0.0, parse_trajectory(names, trajectory, JOINTS))
    except TrajectoryError:
        assert out_of_limits or len(set(times)) < len(times)  # refused only for a reason
        return
    now = 0.0
    while not player.done(now - PERIOD):
        now += PERIOD
        try:
            servo_bus.set_angles(player.sample(now))
        except LimitError as error:  # the choke point would refuse, never send
            pytest.fail(f"a validated trajectory reached a limit at the wire: {error}")
        for channel, target in wire.targets(servo_bus):
            joint = channel_of[channel]
            low, high = pulse_bounds(joint)
            assert low - 0.5 <= target <= high + 0.5, (joint, target, low, high)
            then, before = last[channel]
            per_second = JOINTS[joint].velocity * CONFIG[joint]["us_per_rad"] * 4
            assert abs(target - before) <= per_second * (now - then) + 1, (joint, target, before)
            last[channel] = (now, target)


def test_connecting_sets_each_speed_limit_from_the_urdf_and_clears_acceleration(tmp_path):
    """The board itself then never slews a servo faster than its URDF velocity, and no ramp left
    by the Maestro Control Center makes points late."""
    link = str(tmp_path / "maestro")
    wire = Wire(link)
    for output in wire.board.outputs:
        output.speed, output.acceleration = 0, 5
    channels = load_calibration(package_file("config", "servos.yaml"), load_robot())
    bus = ServoBus(link, channels)
    try:
        bus.connect()
        bus.errors()  # everything sent before has been read
        for joint, c in CONFIG.items():
            output = wire.board.outputs[c["channel"]]
            per_tick = JOINTS[joint].velocity * c["us_per_rad"] * 4 * 0.010  # 0.25 us / 10 ms
            assert per_tick - 1 < output.speed <= per_tick, (joint, output.speed, per_tick)
            assert output.acceleration == 0, joint
    finally:
        bus.close()
        wire.close()
