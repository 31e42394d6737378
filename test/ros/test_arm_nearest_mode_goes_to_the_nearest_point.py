"""Real master, arm.launch unreachable:=nearest (simulated Maestro): an unreachable target sends
the gripper to the nearest point it can reach with the wrist level, and /arm/ik_status says
where that is and how far it moved the target."""

from __future__ import annotations

import math

import pytest
from fixtures.arm import LEVEL, TOLERANCE, bring_up_arm

from terry.arm.kinematics import ArmKinematics
from terry.model import load_robot


@pytest.fixture(scope="module")
def nearest_arm(rospy_node, ros_master, tmp_path_factory):
    yield from bring_up_arm(
        rospy_node, ros_master, tmp_path_factory.mktemp("run"), unreachable="nearest"
    )


@pytest.mark.parametrize(
    "target",
    [(0.45, 0.1, 0.1), (0.05, 0.0, -0.2), (-0.2, 0.02, 0.15)],
    ids=["too-far", "too-low", "behind"],
)
def test_nearest_mode_goes_to_the_nearest_reachable_point_and_says_so(nearest_arm, target):
    expected = ArmKinematics.from_robot(load_robot()).solve(*target, nearest=True)
    answer = nearest_arm.send(*target, 1.0)
    assert answer["ok"] and answer["adjusted"] is not None, answer
    assert "moved the target" in answer["reason"]
    adjusted = tuple(answer["adjusted"])
    assert math.dist(adjusted, expected.adjusted) < 1e-6  # float32 targets on the wire
    nearest_arm.wait_at_rest(answer)
    reached, pitch = nearest_arm.gripper_pose()
    assert math.dist(reached, adjusted) < TOLERANCE
    assert abs(pitch) < LEVEL
