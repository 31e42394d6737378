"""Real master, arm.launch (simulated Maestro): /arm/target points in any tf frame reach the
gripper there and leave the claw as it was; points in unknown frames move nothing; every answer
on /arm/ik_status is strict JSON."""

from __future__ import annotations

import json
import math

import pytest
from fixtures.arm import LEVEL, TOLERANCE, bring_up_arm
from fixtures.harness import wait_for
from geometry_msgs.msg import PointStamped
from std_msgs.msg import Float32MultiArray

from terry.model import load_robot

ROBOT = load_robot()
MOUNT = ROBOT.joint_by_child("arm_base_link").origin_xyz  # arm_base_link in base_link


@pytest.fixture(scope="module")
def arm(rospy_node, ros_master, tmp_path_factory):
    yield from bring_up_arm(rospy_node, ros_master, tmp_path_factory.mktemp("run"))


def strict_json(text: str) -> dict:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON: a browser could not read {text}")

    return json.loads(text, parse_constant=refuse)


def point_in(frame: str, x: float, y: float, z: float) -> PointStamped:
    msg = PointStamped()
    msg.header.frame_id = frame
    msg.point.x, msg.point.y, msg.point.z = x, y, z
    return msg


@pytest.mark.parametrize(
    ("frame", "offset"),
    [("arm_base_link", (0.0, 0.0, 0.0)), ("base_link", MOUNT)],
    ids=["arm_base_link", "base_link"],
)
def test_point_in_a_tf_frame_reaches_the_gripper_there_with_the_claw_unchanged(arm, frame, offset):
    claw = ROBOT.joint("arm_claw")
    assert arm.send(0.12, -0.05, 0.14, 0.5)["ok"]
    half_open = claw.lower + 0.5 * (claw.upper - claw.lower)
    wait_for(lambda: abs(arm.joints()["arm_claw"] - half_open) < 0.01, 20, "claw half open")

    goal = (0.17, 0.06, 0.09)
    arm.status.clear()
    arm.target.publish(point_in(frame, *(g + o for g, o in zip(goal, offset, strict=True))))
    answer = strict_json(arm.status.wait_count(1, timeout=20)[-1].data)
    assert answer["ok"], answer
    assert "arm_claw" not in answer["joints"]
    arm.wait_at_rest(answer)
    point, pitch = arm.gripper_pose()
    assert math.dist(point, goal) < TOLERANCE and abs(pitch) < LEVEL
    assert abs(arm.joints()["arm_claw"] - half_open) < 0.01


def test_point_in_an_unknown_frame_moves_nothing_and_says_why(arm):
    arm.wait_at_rest(arm.send(0.15, 0.0, 0.12, 0.0))
    before = arm.joints()
    arm.status.clear()
    arm.target.publish(point_in("no_such_frame", 0.15, 0.0, 0.1))
    refusal = strict_json(arm.status.wait_count(1, timeout=20)[-1].data)
    assert refusal["ok"] is False and "no_such_frame" in refusal["reason"], refusal
    arm.rospy.sleep(1.0)  # anything that were to move would have started by now
    after = arm.joints()
    assert max(abs(after[n] - before[n]) for n in before) < 1e-3


@pytest.mark.parametrize(
    "data",
    [[math.nan, 0.1, 0.1, 1.0], [0.1, math.inf, 0.1, 1.0], [0.1, 0.1, -math.inf, 0.0]],
    ids=["nan", "inf", "-inf"],
)
def test_refusal_of_a_non_finite_target_is_strict_json(arm, data):
    arm.status.clear()
    arm.xyzc.publish(Float32MultiArray(data=data))
    refusal = strict_json(arm.status.wait_count(1, timeout=20)[-1].data)
    assert refusal["ok"] is False and "finite" in refusal["reason"]
    assert [v if math.isfinite(v) else None for v in data] == pytest.approx(refusal["target"])
