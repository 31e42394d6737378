"""A trajectory the driver cannot carry out (unknown joint, beyond a limit, NaN, lengths that do
not match, times that do not increase) is refused whole: nothing moves, the driver keeps going."""

from __future__ import annotations

import math

import pytest
from fixtures.servo import move, trajectory
from trajectory_msgs.msg import JointTrajectoryPoint


def mismatched():
    msg = move(0.5, arm_shoulder=1.0, arm_elbow=-1.0)
    msg.points[0].positions = [1.0]
    return msg


def late_first():
    return trajectory((1.0, {"arm_shoulder": 1.0}), (0.5, {"arm_shoulder": 1.5}))


def with_velocities():
    msg = move(0.5, arm_shoulder=1.0)
    msg.points = [
        JointTrajectoryPoint(
            positions=[1.0], velocities=[math.nan], time_from_start=msg.points[0].time_from_start
        )
    ]
    return msg


@pytest.mark.parametrize(
    "make",
    [
        lambda: move(0.5, arm_knee=0.5),
        lambda: move(0.5, arm_shoulder=3.5),
        lambda: move(0.5, arm_shoulder=math.nan),
        mismatched,
        late_first,
        with_velocities,
    ],
    ids=["unknown-joint", "beyond-limit", "nan", "wrong-length", "decreasing-time", "nan-velocity"],
)
def test_bad_trajectory_moves_nothing(arm, rospy_node, make):
    before = arm.wait_still()
    arm.commands.publish(make())
    rospy_node.sleep(1.5)
    after = arm.states.snapshot()[-1].position
    assert max(abs(a - b) for a, b in zip(before, after, strict=True)) < 1e-3
    arm.go(0.7)  # and the driver still takes good ones
