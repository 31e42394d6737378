"""Tuning at run time through dynamic_reconfigure, with the real pan/tilt firmware (host build) and
real ROS: `dynparam set /pan_tilt pan_kp ...` reaches the board and changes the pan's step response
as measured on /joint_states (overshoot and settling, well beyond the run-to-run noise); values
the firmware would refuse (negative, NaN, beyond its ceilings) are refused, stay out of the
node's parameters, and change nothing in the response; the step_response command records a step
to CSV and a plot that agree with /joint_states; a wheel speed limit set at run time slows the
base's wheels.
"""

from __future__ import annotations

import math
import statistics
import subprocess
import threading
import time

import pytest
from fixtures.estop import fresh_estop, wait_released
from fixtures.harness import ros_environment, wait_for

from terry.tuning.gains import load_specs
from terry.tuning.step_response import StepFigures, figures, read_csv

STEP = 0.3  # rad
RECORD = 3.5  # s per step
BAND = 0.003  # rad
PAN = load_specs()["pan"]
PARAMS = [f"/pan_tilt/pan_{field}" for field, _value in PAN.defaults.items()]


class PanJoint:
    """pan_joint's (time, position) from /joint_states, as the test's own subscriber hears it."""

    def __init__(self, rospy) -> None:
        from sensor_msgs.msg import JointState

        self.rows: list[tuple[float, float]] = []
        self._lock = threading.Lock()
        self._sub = rospy.Subscriber("/joint_states", JointState, self._on_joints)

    def _on_joints(self, msg) -> None:
        if "pan_joint" in msg.name:
            with self._lock:
                self.rows.append((time.monotonic(), msg.position[msg.name.index("pan_joint")]))

    def latest(self) -> float | None:
        with self._lock:
            return self.rows[-1][1] if self.rows else None

    def since(self, start: float) -> list[tuple[float, float]]:
        with self._lock:
            return [(t - start, p) for t, p in self.rows if t >= start]

    def wait_still(self, timeout: float = 15.0) -> float:
        """Where the pan rests, once its last 0.5 s of positions lie within 1 mrad."""

        def still() -> bool:
            recent = [p for _, p in self.since(time.monotonic() - 0.5)]
            return len(recent) >= 3 and max(recent) - min(recent) < 0.001

        wait_for(still, timeout, "the pan at rest")
        return self.latest()

    def close(self) -> None:
        self._sub.unregister()


def step(pan: PanJoint, publish) -> StepFigures:
    """A +STEP position step from where the pan rests; its figures from /joint_states."""
    time.sleep(0.5)  # at rest (the previous step settled in its RECORD seconds)
    begin = pan.latest()
    start = time.monotonic()
    publish(begin + STEP)
    time.sleep(RECORD)
    rows = pan.since(start)
    return figures([t for t, _ in rows], [p for _, p in rows], begin, begin + STEP, BAND)


@pytest.fixture
def dynparam(ros_master):
    env = ros_environment(ros_master.uri, ros_master.home)

    def run(*args: str) -> str:
        done = subprocess.run(
            ["rosrun", "dynamic_reconfigure", "dynparam", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    return run


@pytest.fixture
def pan_node(ros_master, rospy_node, roslaunch):
    """The pan/tilt unit up, released, with its tuning parameters forgotten before and after (the
    master lives for the session, and a node starts from what it holds)."""
    from std_msgs.msg import Float64

    rospy = rospy_node
    for name in PARAMS:
        if rospy.has_param(name):
            rospy.delete_param(name)
    fresh_estop(rospy)
    roslaunch("safety.launch")
    roslaunch("pan_tilt.launch", sim="true")
    pan = PanJoint(rospy)
    publisher = rospy.Publisher("/pan/command", Float64, queue_size=1)
    try:
        wait_for(lambda: pan.latest() is not None, 60, "pan_joint on /joint_states")
        wait_for(lambda: publisher.get_num_connections() > 0, 20, "pan_tilt on /pan/command")
        wait_for(lambda: rospy.has_param("/pan_tilt/pan_kp"), 20, "the node's dynamic_reconfigure")
        # Released (the estop node's default): a pan command moves the pan.
        wait_for(
            lambda: publisher.publish(Float64(0.01)) or abs(pan.latest() - 0.01) < 0.002,
            30,
            "the pan to move",
        )
        yield pan, lambda value: publisher.publish(Float64(value))
    finally:
        pan.close()
        publisher.unregister()
        for name in PARAMS:
            if rospy.has_param(name):
                rospy.delete_param(name)


def tuning(dynparam) -> dict[str, float]:
    values = yaml_values(dynparam("get", "/pan_tilt"))
    return {k: v for k, v in values.items() if k.startswith("pan_")}


def test_a_gain_set_at_run_time_changes_the_measured_step_response(pan_node, dynparam):
    pan, publish = pan_node
    assert tuning(dynparam)["pan_kp"] == PAN.defaults.kp
    stock = step(pan, publish)
    dynparam("set", "/pan_tilt", "pan_kp", "100")
    assert tuning(dynparam)["pan_kp"] == 100.0
    soft = step(pan, publish)

    # Bad values: refused by the node (the firmware refuses them too: test/firmware), not kept.
    kept = tuning(dynparam)
    for bad in (
        "{pan_kp: -5}",
        "{pan_kp: .nan}",
        "{pan_ki: 1.0e+9}",
        "{pan_max_speed: 0.5}",
        "{pan_max_accel: 0}",
    ):
        dynparam("set", "/pan_tilt", bad)
        assert tuning(dynparam) == kept, bad
    again = step(pan, publish)

    dynparam("set", "/pan_tilt", "pan_kp", str(PAN.defaults.kp))
    restored = step(pan, publish)

    print(f"stock {stock}\nkp 100 {soft}\nafter refusals {again}\nrestored {restored}")
    noise = max(abs(restored.overshoot - stock.overshoot), abs(again.overshoot - soft.overshoot))
    assert noise < 0.015  # the same gains, the same response (measured: 0.002 .. 0.006)
    assert soft.overshoot - stock.overshoot > max(0.03, 3 * noise)  # measured: 0.035 -> 0.08
    assert stock.settling_time is not None and soft.settling_time is not None
    assert again.settling_time is not None and restored.settling_time is not None
    assert soft.settling_time > stock.settling_time + 0.2  # measured: 2.4 -> 2.9 s
    assert abs(again.settling_time - soft.settling_time) < 0.2
    assert abs(restored.settling_time - stock.settling_time) < 0.2


def test_step_response_command_writes_what_joint_states_show(pan_node, ros_master, tmp_path):
    pan, _publish = pan_node
    env = ros_environment(ros_master.uri, ros_master.home)
    begin = pan.wait_still()  # the command is 0.2 on from where the tool first hears the pan
    out = tmp_path / "pan_step"
    done = subprocess.run(
        [
            "rosrun",
            "terry",
            "step_response",
            "pan",
            "--position",
            "0.2",
            "--duration",
            "3",
            "--out",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "overshoot" in done.stdout
    samples = read_csv(out.with_suffix(".csv"))
    assert out.with_suffix(".png").stat().st_size > 10_000
    assert len(samples) > 3 * 10  # 3 s of /joint_states at 10..50 Hz
    assert all(s.command == pytest.approx(begin + 0.2, abs=0.002) for s in samples)
    assert samples[0].position == pytest.approx(begin, abs=0.01)
    wait_for(lambda: abs(pan.latest() - samples[-1].position) < 0.002, 5, "the same end")
    assert abs(samples[-1].position - (begin + 0.2)) < BAND
    assert max(s.velocity for s in samples) > 0.1
    assert not any(math.isnan(s.velocity) for s in samples)


def test_a_wheel_speed_limit_set_at_run_time_slows_the_base(
    ros_master, rospy_node, roslaunch, dynparam, tmp_path
):
    """wheel_max_speed through dynamic_reconfigure: the base controller slows both wheels to it
    (the board would refuse faster ones), judged on the wheels' /joint_states; beyond the
    board's ceiling is refused and the limit stays."""
    from geometry_msgs.msg import Twist
    from sensor_msgs.msg import JointState

    rospy = rospy_node
    params = [f"/base_controller/wheel_{field}" for field, _v in PAN.defaults.items()]
    for name in params:
        if rospy.has_param(name):
            rospy.delete_param(name)
    fresh_estop(rospy)
    roslaunch("safety.launch")
    roslaunch("base.launch", sim="true", obstacle_guard="false")
    speeds: list[float] = []

    def on_joints(msg) -> None:
        if "left_wheel_joint" in msg.name:
            speeds.append(msg.velocity[msg.name.index("left_wheel_joint")])

    sub = rospy.Subscriber("/joint_states", JointState, on_joints)
    cmd = rospy.Publisher("/cmd_vel", Twist, queue_size=1)
    try:
        wait_released(rospy)
        wait_for(lambda: rospy.has_param("/base_controller/wheel_kp"), 30, "the base's tuning")
        dynparam("set", "/base_controller", "wheel_max_speed", "3.0")
        dynparam("set", "/base_controller", "{wheel_max_speed: 25.0}")  # beyond 20: refused
        values = yaml_values(dynparam("get", "/base_controller"))
        assert values["wheel_max_speed"] == 3.0

        def drive(seconds: float) -> list[float]:
            speeds.clear()
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                msg = Twist()
                msg.linear.x = 0.4  # about 12 rad/s at the wheels
                cmd.publish(msg)
                time.sleep(0.05)
            return list(speeds)

        # The wheels' speeds on /joint_states come from encoder counts over the host's tick: at
        # speed, their median is the wheels' (single samples jitter with a loaded machine).
        slowed = drive(3.0)
        assert statistics.median(slowed[len(slowed) // 2 :]) == pytest.approx(3.0, abs=0.15)
        dynparam("set", "/base_controller", "wheel_max_speed", "20.0")
        fast = drive(3.0)
        assert statistics.median(fast[len(fast) // 2 :]) > 8.0
        cmd.publish(Twist())
        time.sleep(1.0)
        out = tmp_path / "wheel_step"
        done = subprocess.run(
            [
                "rosrun",
                "terry",
                "step_response",
                "wheel",
                "--speed",
                "5",
                "--duration",
                "2",
                "--out",
                str(out),
            ],
            env=ros_environment(ros_master.uri, ros_master.home),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        samples = read_csv(out.with_suffix(".csv"))
        late = [x.velocity for x in samples[len(samples) // 2 :]]
        assert statistics.median(late) == pytest.approx(5.0, abs=0.3)
        assert samples[0].velocity == pytest.approx(0.0, abs=0.3)
    finally:
        cmd.publish(Twist())
        sub.unregister()
        cmd.unregister()
        for name in params:
            if rospy.has_param(name):
                rospy.delete_param(name)


def yaml_values(text: str) -> dict:
    import yaml

    return yaml.safe_load(text)
