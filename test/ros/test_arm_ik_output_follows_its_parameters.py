"""Real master, the arm_ik node alone (rosrun): its trajectory names the arm joints, holds the
gripper at ~pitch, takes ~move_time and goes to ~output_topic; refused targets publish no
trajectory; a bad parameter stops the node at start with a message that names it."""

from __future__ import annotations

import json
import math

import pytest
from fixtures.harness import Recorder, wait_for
from std_msgs.msg import Float32MultiArray, String
from trajectory_msgs.msg import JointTrajectory

from terry.arm.kinematics import PITCH_JOINTS, ArmKinematics
from terry.model import ARM_JOINTS, load_robot

ARM = ArmKinematics.from_robot(load_robot())


@pytest.fixture
def ik(rospy_node, ros_process):
    """arm_ik with pitch 0.2 rad, 1.5 s moves, output on /ik_test/out; yields (publish, outputs)."""
    outputs = Recorder("/ik_test/out", JointTrajectory)
    status = Recorder("/arm/ik_status", String)
    node = ros_process(
        "rosrun", "terry", "arm_ik", "_pitch:=0.2", "_move_time:=1.5", "_unreachable:=reject",
        "_output_topic:=/ik_test/out",
    )  # fmt: skip
    publisher = rospy_node.Publisher("/arm/xyzc", Float32MultiArray, queue_size=10)

    def answers() -> bool:  # rospy may drop the first message on a new connection: probe
        publisher.publish(Float32MultiArray(data=[0.15, 0.0, 0.12, 0.0]))
        return bool(outputs.wait_any(0.5))

    wait_for(answers, 60, "arm_ik answering on its output topic")
    outputs.clear()

    def publish(data: list[float]) -> dict:
        status.clear()
        publisher.publish(Float32MultiArray(data=data))
        return json.loads(status.wait_count(1, timeout=20)[-1].data)

    yield publish, outputs, node
    publisher.unregister()
    outputs.close()
    status.close()


def test_trajectory_names_the_arm_joints_holds_the_pitch_and_takes_the_move_time(ik):
    publish, outputs, _ = ik
    assert publish([0.16, -0.04, 0.12, 0.25])["ok"]
    (trajectory,) = outputs.wait_count(1, timeout=20)
    assert list(trajectory.joint_names) == list(ARM_JOINTS)
    (point,) = trajectory.points
    assert point.time_from_start.to_sec() == pytest.approx(1.5)
    joints = dict(zip(trajectory.joint_names, point.positions, strict=True))
    x, y, z, pitch = ARM.forward(*(joints[n] for n in PITCH_JOINTS))
    assert math.dist((x, y, z), (0.16, -0.04, 0.12)) < 1e-6  # float32 on the wire
    assert pitch == pytest.approx(0.2, abs=1e-9)
    assert joints["arm_claw"] == pytest.approx(ARM.claw_angle(0.25))


@pytest.mark.parametrize(
    "data",
    [[0.9, 0.0, 0.1, 1.0], [math.inf, 0.0, 0.1, 1.0], [0.1, 0.1], [0.15, 0.0, 0.1, -0.5]],
    ids=["out-of-reach", "inf", "too-short", "claw-below-zero"],
)
def test_refused_target_publishes_no_trajectory_and_the_node_stays_up(ik, rospy_node, data):
    publish, outputs, node = ik
    answer = publish(data)
    assert answer["ok"] is False, answer
    assert publish([0.16, 0.0, 0.1, 0.0])["ok"]  # and it still answers
    outputs.wait_count(1, timeout=20)
    rospy_node.sleep(0.5)  # a trajectory for the refused target would be here by now
    (trajectory,) = outputs.snapshot()  # only the good target's
    assert trajectory.points[0].positions[-1] == pytest.approx(ARM.claw_angle(0.0))
    assert node.alive


@pytest.mark.parametrize(
    ("param", "words"),
    [("_unreachable:=sometimes", "~unreachable"), ("_pitch:=3.0", "~pitch")],
)
def test_bad_parameter_stops_the_node_naming_it(rospy_node, ros_process, param, words):
    node = ros_process("rosrun", "terry", "arm_ik", param)
    try:
        assert node.wait(60) != 0
        assert words in node.output()
    finally:  # private parameters outlive the node on this shared master
        rospy_node.delete_param("/arm_ik")
