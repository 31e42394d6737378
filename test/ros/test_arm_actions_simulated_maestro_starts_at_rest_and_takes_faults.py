"""In simulation the arm powers up at rest (the simulated Maestro's startup pulses), and
/sim/maestro/fault puts an obstacle in a servo's way or slows it down, and takes it away."""

from __future__ import annotations

import math

from fixtures.harness import wait_for
from fixtures.servo import move, servo_arm  # noqa: F401
from sensor_msgs.msg import JointState

from terry.arm.poses import load_poses
from terry.model import ARM_JOINTS, load_robot
from terry.paths import package_file

REST = load_poses(
    package_file("config", "arm_poses.yaml"), {n: load_robot().joint(n) for n in ARM_JOINTS}
)["rest"]


def test_arm_powers_up_at_rest_and_faults_block_and_slow_a_servo(arm, rospy_node):
    first = arm.states.messages[0]
    assert all(abs(dict(zip(first.name, first.position, strict=True))[n] - v) < 0.01
               for n, v in REST.items())  # fmt: skip
    faults = rospy_node.Publisher("/sim/maestro/fault", JointState, queue_size=1)
    wait_for(lambda: faults.get_num_connections() > 0, 30, "sim_maestro subscribed")
    arm.go(1.5)
    faults.publish(JointState(name=["arm_shoulder"], position=[1.2], velocity=[math.nan]))
    rospy_node.sleep(0.5)
    arm.commands.publish(move(0.0, arm_shoulder=0.6))
    wait_for(lambda: arm.at(1.2), 15, "the shoulder stopped by the obstacle")
    rospy_node.sleep(1.0)
    assert arm.at(1.2)
    faults.publish(JointState(name=["arm_shoulder"], position=[math.nan], velocity=[0.2]))
    wait_for(lambda: arm.at(0.6), 15, "the shoulder past the removed obstacle")
    arm.states.clear()
    arm.commands.publish(move(0.0, arm_shoulder=1.0))
    rospy_node.sleep(1.0)
    assert 0.7 < arm.position() < 0.9  # 0.2 rad/s: 0.2 rad in 1 s, not there yet
    faults.publish(JointState(name=["arm_shoulder"], position=[math.nan], velocity=[0.0]))
    wait_for(lambda: arm.at(1.0), 15, "the shoulder at full speed again")
    faults.unregister()
