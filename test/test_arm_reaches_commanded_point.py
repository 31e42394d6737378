"""End to end: a target on /arm/xyzc moves the simulated arm so that tf (robot_state_publisher)
puts gripper_link at that point, level, with the claw as asked; bad targets move nothing."""

from __future__ import annotations

import json
import math

import pytest
from harness import Recorder, wait_for
from sensor_msgs.msg import JointState
from std_msgs.msg import Float32MultiArray, String

from terry.kinematics import ArmKinematics
from terry.robot_model import load_robot

TOLERANCE = 0.002  # m
LEVEL = math.radians(1.0)
HOME = [0.15, 0.0, 0.12, 0.0]
TARGETS = [  # spread over the workspace: near, far, high, low, left, right
    (0.15, 0.05, 0.10, 1.0),
    (0.22, 0.0, 0.08, 0.0),
    (0.10, -0.12, 0.15, 0.5),
    (0.06, 0.14, 0.03, 1.0),
    (0.12, 0.0, 0.22, 0.2),
]


@pytest.fixture
def arm(rospy_node, roslaunch):
    import tf2_ros

    roslaunch("arm.launch", sim="true")
    buffer = tf2_ros.Buffer()
    listener = tf2_ros.TransformListener(buffer)
    states = Recorder("/joint_states", JointState)
    states.wait_count(1, timeout=60)
    publisher = rospy_node.Publisher("/arm/xyzc", Float32MultiArray, queue_size=10)
    status = Recorder("/arm/ik_status", String)

    def ready() -> bool:  # arm_ik answers: the whole chain is up and connected
        publisher.publish(Float32MultiArray(data=HOME))
        return bool(status.wait_any(0.5))

    wait_for(ready, 60, "arm_ik answering on /arm/ik_status")
    status.close()
    wait_for(lambda: reached(buffer, HOME[:3]), 20, "the arm at its start point")
    home = ArmKinematics.from_robot(load_robot()).solve(*HOME).joints
    wait_for(lambda: settled_at(states, home), 20, "the arm at rest at its start point")
    yield buffer, states, publisher
    del listener
    publisher.unregister()
    states.close()


def gripper_pose(buffer) -> tuple[tuple[float, float, float], float]:
    """Gripper point in arm_base_link, and the pitch of its x axis (0 = level)."""
    import rospy

    t = buffer.lookup_transform("arm_base_link", "gripper_link", rospy.Time(0)).transform
    q = t.rotation
    x_axis_z = 2 * (q.x * q.z - q.w * q.y)  # z component of the gripper's x axis
    return (t.translation.x, t.translation.y, t.translation.z), math.asin(
        max(-1.0, min(1.0, x_axis_z))
    )


def reached(buffer, target: tuple[float, float, float]) -> bool:
    try:
        point, _ = gripper_pose(buffer)
    except Exception:  # tf not there yet
        return False
    return math.dist(point, target) < TOLERANCE


def settled_at(states: Recorder, joints: dict[str, float]) -> bool:
    """The measured joints are where the IK sent them (within the Maestro's read-back steps):
    within 2 mm of a target the arm may still be moving."""
    last = states.snapshot()[-1]
    measured = dict(zip(last.name, last.position, strict=False))
    return all(abs(measured[name] - value) < 2e-3 for name, value in joints.items())


def claw_of(states: Recorder) -> float:
    last = states.snapshot()[-1]
    return dict(zip(last.name, last.position, strict=False))["arm_claw"]


def test_every_target_is_reachable_in_the_model():
    arm = ArmKinematics.from_robot(load_robot())
    for x, y, z, claw in TARGETS:
        assert arm.solve(x, y, z, claw).ok, (x, y, z)


def test_rostopic_pub_moves_gripper_to_the_point(arm, ros_process):
    buffer, states, _ = arm
    command = ros_process(
        "rostopic", "pub", "-1", "/arm/xyzc", "std_msgs/Float32MultiArray",
        "data: [0.15, 0.05, 0.10, 1.0]",
    )  # fmt: skip
    assert command.wait(60) == 0, command.output()
    wait_for(lambda: reached(buffer, (0.15, 0.05, 0.10)), 20, "gripper_link at the target")
    point, pitch = gripper_pose(buffer)
    assert math.dist(point, (0.15, 0.05, 0.10)) < TOLERANCE
    assert abs(pitch) < LEVEL
    open_claw = load_robot().joint("arm_claw").upper
    wait_for(lambda: abs(claw_of(states) - open_claw) < 0.01, 10, "claw open")


def test_targets_across_the_workspace_from_rospy(arm):
    buffer, states, publisher = arm
    claw = load_robot().joint("arm_claw")
    for x, y, z, opening in TARGETS:
        publisher.publish(Float32MultiArray(data=[x, y, z, opening]))
        wait_for(lambda t=(x, y, z): reached(buffer, t), 20, f"gripper_link at {(x, y, z)}")
        _, pitch = gripper_pose(buffer)
        assert abs(pitch) < LEVEL, (x, y, z, math.degrees(pitch))
        want = claw.lower + opening * (claw.upper - claw.lower)
        wait_for(lambda w=want: abs(claw_of(states) - w) < 0.01, 10, f"claw at {want}")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([math.nan, 0.0, 0.1, 1.0], "finite"),
        ([0.15, 0.05, 0.10], "needs [x, y, z, claw]"),
        ([0.15, 0.05, 0.10, 1.0, 7.0], "needs [x, y, z, claw]"),
        ([0.9, 0.0, 0.1, 1.0], "reaches"),
        ([-0.1, 0.01, 0.1, 1.0], "limits"),
        ([0.15, 0.05, 0.10, 3.0], "claw"),
    ],
    ids=["nan", "too-short", "too-long", "out-of-reach", "beyond-joint-limit", "claw-range"],
)
def test_bad_target_moves_nothing_and_says_why(arm, rospy_node, data, reason):
    buffer, states, publisher = arm
    status = Recorder("/arm/ik_status", String)
    status.wait_count(1)  # the latched answer to HOME
    status.clear()
    before = states.snapshot()[-1].position

    publisher.publish(Float32MultiArray(data=data))
    refusal = json.loads(status.wait_count(1)[-1].data)
    assert refusal["ok"] is False and reason in refusal["reason"], refusal
    rospy_node.sleep(1.0)  # anything that were to move would have started by now
    after = states.snapshot()[-1].position
    assert max(abs(a - b) for a, b in zip(before, after, strict=True)) < 1e-3

    publisher.publish(Float32MultiArray(data=[0.2, 0.0, 0.1, 1.0]))  # and it still listens
    wait_for(lambda: reached(buffer, (0.2, 0.0, 0.1)), 20, "the next good target reached")
