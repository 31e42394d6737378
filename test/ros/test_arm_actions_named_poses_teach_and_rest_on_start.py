"""The arm goes to rest slowly on start (here its servos power up at `home`); named poses by
service and topic; a taught sequence replays as one smooth trajectory; park rests, then goes
limp."""

from __future__ import annotations

import json

from diagnostic_msgs.msg import DiagnosticArray
from fixtures.arm_actions import POSES, action_rig  # noqa: F401
from fixtures.harness import Recorder, wait_for
from std_msgs.msg import String
from std_srvs.srv import Trigger

start_pose = "home"  # where the simulated servos are at power-on (read by the rig)


def call(rospy, name: str):
    rospy.wait_for_service(name, timeout=30)
    return rospy.ServiceProxy(name, Trigger)()


def test_arm_moves_from_where_it_powered_up_to_rest_slowly(rig):
    states = rig.states.snapshot()  # recorded from power-on; the rig waited for the move's end
    first = dict(zip(states[0].name, states[0].position, strict=True))
    assert all(abs(first[n] - v) < 0.01 for n, v in POSES["home"].items())
    wait_for(lambda: rig.at(POSES["rest"], 0.01), 10, "the arm at rest")
    for joint in ("arm_elbow", "arm_wrist"):  # 0.44 and 0.48 rad to go
        assert 0.05 < rig.peak_speed(joint) < 0.45  # ~0.25; servos: 2 rad/s


def test_named_pose_by_service_waits_until_the_arm_is_there(rig, rospy_node):
    answer = call(rospy_node, "/arm/pose/ready")
    assert answer.success, answer.message
    assert answer.message == "at ready"
    assert rig.at(POSES["ready"])


def test_named_pose_by_topic_and_unknown_names_move_nothing(rig, rospy_node):
    publisher = rospy_node.Publisher("/arm/named_pose", String, queue_size=1)
    wait_for(lambda: publisher.get_num_connections() > 0, 30, "arm_controller subscribed")
    rig.settle(POSES["rest"])
    publisher.publish(String("sofa"))
    rospy_node.sleep(1.0)
    assert rig.at(POSES["rest"], 0.005)
    publisher.publish(String("home"))
    wait_for(lambda: rig.at(POSES["home"], 0.01), 20, "the arm at home")
    publisher.unregister()


def test_taught_poses_replay_as_one_smooth_trajectory(rig, rospy_node):
    recording = Recorder("/arm/teach/poses", String)
    assert call(rospy_node, "/arm/teach/clear").success
    answer = call(rospy_node, "/arm/teach/play")
    assert not answer.success and "record a pose first" in answer.message
    for pose in ("ready", "home", "rest"):
        rig.settle(POSES[pose])
        rospy_node.sleep(0.5)
        assert call(rospy_node, "/arm/teach/record").success
    wait_for(lambda: len(json.loads(recording.snapshot()[-1].data)) == 3, 10, "3 poses recorded")
    rig.settle(POSES["home"])
    rig.states.clear()
    answer = call(rospy_node, "/arm/teach/play")
    assert answer.success, answer.message
    assert answer.message == "played 3 poses"
    assert rig.at(POSES["rest"])
    shoulder = [
        dict(zip(m.name, m.position, strict=True))["arm_shoulder"] for m in rig.states.messages
    ]
    assert min(shoulder) < POSES["ready"]["arm_shoulder"] + 0.05  # it went by ready
    assert rig.peak_speed("arm_shoulder") < 1.3  # 0.6 rad/s replay: ~0.94 at the peak; servos 2
    recording.close()


def test_park_goes_to_rest_then_makes_the_servos_limp(rig, rospy_node):
    rig.settle(POSES["ready"])
    answer = call(rospy_node, "/arm/park")
    assert answer.success, answer.message
    assert answer.message.startswith("at rest, then servos limp")
    assert rig.at(POSES["rest"])
    diagnostics = Recorder("/diagnostics", DiagnosticArray)

    def limp() -> bool:
        return any(
            s.name.startswith("servo_driver") and s.message == "limp"
            for m in diagnostics.snapshot()
            for s in m.status
        )

    wait_for(limp, 15, "the servo driver reporting limp servos")
    diagnostics.close()
    rig.settle(POSES["rest"])  # the next command holds again
