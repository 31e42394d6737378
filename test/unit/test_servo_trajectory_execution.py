"""Trajectory execution on the servos (ROS-free): times honoured, velocity limits respected,
a new trajectory starting from the current setpoint, bad trajectories refused whole."""

from __future__ import annotations

import itertools
import math

import pytest

from terry.arm.calibration import load_calibration
from terry.arm.motion import TrajectoryError, TrajectoryPlayer, parse_trajectory
from terry.model import ARM_JOINTS, load_robot
from terry.paths import package_file

JOINTS = {name: load_robot().joint(name) for name in ARM_JOINTS}
HOME = dict.fromkeys(ARM_JOINTS, 0.0)


def play(points, start=HOME, now=0.0):
    player = TrajectoryPlayer(JOINTS, start)
    player.start(now, parse_trajectory([n for n, _ in points[0][1]], [
        (t, [v for _, v in positions]) for t, positions in points], JOINTS))  # fmt: skip
    return player


def test_time_from_start_is_honoured():
    player = play([(2.0, [("arm_shoulder", 1.0)])])
    assert player.sample(1.0)["arm_shoulder"] == pytest.approx(0.5)
    assert player.sample(2.0)["arm_shoulder"] == pytest.approx(1.0)
    assert player.done(2.0) and not player.done(1.9)


def test_a_point_too_soon_for_the_velocity_limit_is_reached_later():
    limit = JOINTS["arm_shoulder"].velocity
    player = play([(0.0, [("arm_shoulder", 2.0)])])  # 0 = as fast as allowed
    assert player.sample(0.5)["arm_shoulder"] == pytest.approx(0.5 * limit)
    assert player.done(2.0 / limit) and not player.done(2.0 / limit - 0.01)


def test_joints_not_named_hold_still():
    player = play([(1.0, [("arm_elbow", -1.0)])], start={**HOME, "arm_shoulder": 0.3})
    assert player.sample(0.5)["arm_shoulder"] == 0.3


def test_new_trajectory_starts_from_the_current_setpoint():
    player = play([(2.0, [("arm_shoulder", 1.0)])])
    midway = player.sample(1.0)
    player.start(1.0, parse_trajectory(["arm_shoulder"], [(2.0, [-0.4])], JOINTS))
    assert player.sample(1.0) == pytest.approx(midway)  # no jump at the switch
    assert player.sample(1.001)["arm_shoulder"] == pytest.approx(midway["arm_shoulder"], abs=0.01)
    assert player.sample(3.0)["arm_shoulder"] == pytest.approx(-0.4)


def test_hold_stops_at_once():
    player = play([(2.0, [("arm_shoulder", 1.0)])])
    here = player.sample(0.7)
    player.hold(here)
    assert player.sample(5.0) == here


@pytest.mark.parametrize(
    ("names", "points", "match"),
    [
        (["arm_knee"], [(1.0, [0.0])], "unknown joints"),
        (["arm_elbow", "arm_elbow"], [(1.0, [0.0, 0.0])], "repeat"),
        (["arm_elbow"], [(1.0, [0.0, 0.1])], "2 positions for 1 joints"),
        (["arm_elbow"], [(1.0, [math.nan])], "nan"),
        (["arm_elbow"], [(1.0, [0.0]), (1.0, [0.1])], "increasing"),
        (["arm_elbow"], [(-1.0, [0.0])], "increasing"),
        (["arm_elbow"], [(1.0, [3.0])], "outside its URDF limits"),
        (["arm_elbow"], [(1.0, [0.0], [0.1, 0.2])], "2 velocities for 1 joints"),
        (["arm_elbow"], [(1.0, [0.0], [math.inf])], "velocities must be finite"),
        (["arm_elbow"], [(1.0, [0.0], [], [math.nan])], "accelerations must be finite"),
        (["arm_elbow"], [(1.0, [0.0], [], [], [1e300, 1.0])], "2 effort for 1 joints"),
        (["arm_elbow"], [(1.0, [0.0], [], [], [-math.inf])], "effort must be finite"),
    ],
    ids=[
        "unknown",
        "repeated",
        "wrong-length",
        "nan",
        "same-time",
        "negative-time",
        "limit",
        "velocity-length",
        "velocity-inf",
        "acceleration-nan",
        "effort-length",
        "effort-inf",
    ],
)
def test_bad_trajectory_is_refused_with_the_reason(names, points, match):
    with pytest.raises(TrajectoryError, match=match):
        parse_trajectory(names, points, JOINTS)


@pytest.mark.parametrize("joint", ARM_JOINTS)
@pytest.mark.parametrize("limit", ["lower", "upper"])
def test_a_position_read_back_at_a_limit_is_held_within_it(joint, limit):
    """The Maestro reports whole quarter-microseconds, so an arm at a limit reads back a hair
    beyond it: holding there (e-stop, reconnect) must still send a target the limits allow."""
    servo = load_calibration(package_file("config", "servos.yaml"), load_robot())[joint]
    read_back = servo.to_angle(servo.to_quarter_us(getattr(JOINTS[joint], limit)))
    player = TrajectoryPlayer(JOINTS, HOME)
    player.hold({**HOME, joint: read_back})
    held = player.sample(1.0)[joint]
    assert JOINTS[joint].within_limits(held)
    servo.to_quarter_us(held)  # raises LimitError if it would not be sent
    player.start(1.0, parse_trajectory([joint], [(1.0, [0.0])], JOINTS))  # and it moves again
    assert player.sample(10.0)[joint] == pytest.approx(0.0)


def test_a_stream_of_one_point_trajectories_is_followed_smoothly():
    """What the smoothing shim sends: a one-point trajectory every 20 ms, 20 ms ahead. Each one
    takes over from the setpoint where the last left it: no jumps, a lag of about one period."""
    player = TrajectoryPlayer(JOINTS, {**HOME, "arm_shoulder": 0.5})
    limit = JOINTS["arm_shoulder"].velocity

    def wanted(t: float) -> float:
        return 0.5 + 0.8 * math.sin(1.5 * t)  # 1.2 rad/s at most, under the limit

    setpoints = []
    for tick in range(200):
        now = tick * 0.02
        command = parse_trajectory(["arm_shoulder"], [(0.02, [wanted(now + 0.02)])], JOINTS)
        player.start(now, command)
        for offset in (0.007, 0.014):  # the driver's loop, out of phase with the stream
            setpoints.append((now + offset, player.sample(now + offset)["arm_shoulder"]))
    for (t0, p0), (t1, p1) in itertools.pairwise(setpoints):
        assert abs(p1 - p0) <= limit * (t1 - t0) + 1e-9
    assert max(abs(p - wanted(t)) for t, p in setpoints) < 1.2 * 0.02 + 1e-9
