"""End to end: a target on /arm/xyzc moves the simulated arm so that tf (robot_state_publisher)
puts gripper_link at that point, level, with the claw as asked; bad targets move nothing."""

from __future__ import annotations

import json
import math

import pytest
from fixtures.arm import LEVEL, TOLERANCE, bring_up_arm
from fixtures.harness import wait_for
from std_msgs.msg import Float32MultiArray

from terry.arm.kinematics import ArmKinematics
from terry.model import load_robot

CLAW = load_robot().joint("arm_claw")
TARGETS = [  # spread over the workspace: near, far, high, low, left, right
    (0.15, 0.05, 0.10, 1.0),
    (0.22, 0.0, 0.08, 0.0),
    (0.10, -0.12, 0.15, 0.5),
    (0.06, 0.14, 0.03, 1.0),
    (0.12, 0.0, 0.22, 0.2),
    (0.18, -0.08, -0.02, 0.7),
]


@pytest.fixture(scope="module")
def arm(rospy_node, ros_master, tmp_path_factory):
    yield from bring_up_arm(rospy_node, ros_master, tmp_path_factory.mktemp("run"))


def claw_angle(opening: float) -> float:
    return CLAW.lower + opening * (CLAW.upper - CLAW.lower)


def test_every_target_is_reachable_in_the_model():
    arm = ArmKinematics.from_robot(load_robot())
    for x, y, z, claw in TARGETS:
        assert arm.solve(x, y, z, claw).ok, (x, y, z)


def test_rostopic_pub_moves_gripper_to_the_point(arm, ros_process):
    arm.status.clear()
    command = ros_process(
        "rostopic", "pub", "-1", "/arm/xyzc", "std_msgs/Float32MultiArray",
        "data: [0.15, 0.05, 0.10, 1.0]",
    )  # fmt: skip
    assert command.wait(60) == 0, command.output()
    arm.wait_at_rest(arm.answer_to((0.15, 0.05, 0.10)))
    point, pitch = arm.gripper_pose()
    assert math.dist(point, (0.15, 0.05, 0.10)) < TOLERANCE
    assert abs(pitch) < LEVEL
    wait_for(lambda: abs(arm.joints()["arm_claw"] - CLAW.upper) < 0.01, 20, "claw open")


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_targets_across_the_workspace_from_rospy(arm, target):
    *point, opening = target
    answer = arm.send(*point, opening)
    assert answer["ok"], answer
    arm.wait_at_rest(answer)
    reached, pitch = arm.gripper_pose()
    assert math.dist(reached, point) < TOLERANCE
    assert abs(pitch) < LEVEL, math.degrees(pitch)
    want = claw_angle(opening)
    wait_for(lambda: abs(arm.joints()["arm_claw"] - want) < 0.01, 20, f"claw at {want:.3f}")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([math.nan, 0.0, 0.1, 1.0], "finite"),
        ([0.15, 0.05, 0.10], "needs [x, y, z, claw]"),
        ([0.15, 0.05, 0.10, 1.0, 7.0], "needs [x, y, z, claw]"),
        ([0.9, 0.0, 0.1, 1.0], "reaches"),
        ([-0.1, 0.01, 0.1, 1.0], "arm_base_yaw"),
        ([0.15, 0.05, 0.10, 3.0], "claw"),
    ],
    ids=["nan", "too-short", "too-long", "out-of-reach", "beyond-joint-limit", "claw-range"],
)
def test_bad_target_moves_nothing_and_says_why(arm, data, reason):
    arm.wait_at_rest(arm.send(0.15, 0.0, 0.12, 0.0))
    before = arm.joints()

    arm.status.clear()
    arm.xyzc.publish(Float32MultiArray(data=data))
    refusal = json.loads(arm.status.wait_count(1, timeout=20)[-1].data)
    assert refusal["ok"] is False and reason in refusal["reason"], refusal
    arm.rospy.sleep(1.0)  # anything that were to move would have started by now
    after = arm.joints()
    assert max(abs(after[n] - before[n]) for n in before) < 1e-3

    assert arm.send(0.2, 0.0, 0.1, 1.0)["ok"]  # and it still listens
    wait_for(lambda: arm.at((0.2, 0.0, 0.1)), 30, "the next good target reached")
