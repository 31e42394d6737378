"""The shim with the servo driver and its simulated Maestro on a real master (shim tests)."""

from __future__ import annotations

import pytest
from harness import Recorder, wait_for

ELBOW = "arm_elbow"
MOVE_TIME = 1.5  # s


def elbow(msg) -> float:
    return msg.position[list(msg.name).index(ELBOW)]


@pytest.fixture
def rig(rospy_node, roslaunch):
    from sensor_msgs.msg import JointState
    from std_srvs.srv import SetBool
    from trajectory_msgs.msg import JointTrajectory

    roslaunch("shim.launch", servo_driver="true", sim="true")
    rospy_node.wait_for_service("/arm/smooth/set_enabled", timeout=60)
    states = Recorder("/joint_states", JointState, accept=lambda m: ELBOW in m.name)
    output = Recorder("/arm/joint_command", JointTrajectory)
    commands = rospy_node.Publisher("/arm/smooth_command", JointTrajectory, queue_size=10)
    wait_for(lambda: commands.get_num_connections() > 0, 30, "the shim subscribed")
    states.wait_count(5, timeout=30)
    yield (
        rospy_node,
        commands,
        output,
        states,
        rospy_node.ServiceProxy("/arm/smooth/set_enabled", SetBool),
    )
    for recorder in (states, output):
        recorder.close()
    commands.unregister()


def command(target: float, time: float = MOVE_TIME):
    from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

    point = JointTrajectoryPoint(positions=[target])
    point.time_from_start.secs, point.time_from_start.nsecs = int(time), int(time % 1 * 1e9)
    return JointTrajectory(joint_names=[ELBOW], points=[point])
