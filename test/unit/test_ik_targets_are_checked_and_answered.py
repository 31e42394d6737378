"""The IK node's logic without ROS: settings and targets are checked with a reason, /arm/target
leaves the claw as it is, "nearest" adjusts and says so, and every status is strict JSON."""

from __future__ import annotations

import json
import math

import pytest

from terry.arm.kinematics import ArmKinematics
from terry.arm.targets import TargetSolver, as_json
from terry.model import load_robot

ARM = ArmKinematics.from_robot(load_robot())


@pytest.mark.parametrize(
    ("settings", "name"),
    [
        ({"pitch": math.nan}, "~pitch"),
        ({"pitch": 2.0}, "~pitch"),
        ({"unreachable": "clamp"}, "~unreachable"),
        ({"move_time": -1.0}, "~move_time"),
        ({"move_time": math.inf}, "~move_time"),
    ],
)
def test_a_bad_setting_is_named(settings, name):
    with pytest.raises(ValueError, match=name):
        TargetSolver(ARM, **settings)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([0.15, 0.05, 0.10], "needs [x, y, z, claw]"),
        ([0.15, math.nan, 0.10, 1.0], "finite"),
        ([0.15, 0.05, 0.10, math.inf], "finite"),
        ([0.15, 0.05, 0.10, 1.5], "claw must be"),
        ([0.9, 0.0, 0.1, 1.0], "reaches"),
    ],
)
def test_a_bad_xyzc_is_refused_with_the_reason_and_no_joints(data, reason):
    answer = TargetSolver(ARM).xyzc(data)
    assert not answer.ok and not answer.joints
    assert reason in answer.status["reason"]
    json.loads(as_json(answer.status), parse_constant=pytest.fail)  # strict JSON, NaN as null


def test_xyzc_commands_every_joint_and_a_point_leaves_the_claw():
    solver = TargetSolver(ARM)
    answer = solver.xyzc([0.15, 0.05, 0.10, 1.0])
    assert answer.ok and "arm_claw" in answer.joints
    assert answer.joints == ARM.solve(0.15, 0.05, 0.10, 1.0).joints
    point = solver.point(0.15, 0.05, 0.10)
    assert point.ok and "arm_claw" not in point.joints
    assert not solver.point(math.nan, 0.0, 0.1).ok


def test_nearest_goes_to_the_nearest_reachable_point_and_says_so():
    answer = TargetSolver(ARM, unreachable="nearest").xyzc([0.9, 0.0, 0.1, 0.0])
    assert answer.ok and answer.status["reason"] and answer.status["adjusted"] is not None
    assert not TargetSolver(ARM).xyzc([0.9, 0.0, 0.1, 0.0]).ok
