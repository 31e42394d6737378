"""With the e-stop engaged, a restarted pan_tilt or base_controller (killed, respawned by
roslaunch) starts stopped and stays stopped: commands move nothing until the e-stop is released,
and then they do. A restarted node never turns "stopped" into "go".
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from fixtures.harness import pid_of, wait_for


class Robot:
    def __init__(self, rospy) -> None:
        from geometry_msgs.msg import Twist
        from nav_msgs.msg import Odometry
        from sensor_msgs.msg import JointState
        from std_msgs.msg import Bool, Float64

        self.Twist, self.Float64, self.Bool = Twist, Float64, Bool
        self.joints = self.odom = self.estop_state = None
        self.pan = rospy.Publisher("/pan/command", Float64, queue_size=1)
        self.cmd_vel = rospy.Publisher("/cmd_vel", Twist, queue_size=1)
        self.estop = rospy.Publisher("/estop", Bool, queue_size=1)
        self.handles = [
            self.pan,
            self.cmd_vel,
            self.estop,
            rospy.Subscriber("/joint_states", JointState, self._on_joints),
            rospy.Subscriber("/odom", Odometry, self._on_odom),
            rospy.Subscriber("/estop/state", Bool, self._on_state),
        ]

    def _on_joints(self, msg) -> None:
        if "pan_joint" in msg.name:
            self.joints = msg

    def _on_odom(self, msg) -> None:
        self.odom = msg

    def _on_state(self, msg) -> None:
        self.estop_state = msg.data

    def command(self, seconds: float) -> None:
        """Pan to 0.3 rad and drive forward at 0.2 m/s (10 Hz) for `seconds`."""
        twist = self.Twist()
        twist.linear.x = 0.2
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.pan.publish(self.Float64(0.3))
            self.cmd_vel.publish(twist)
            time.sleep(0.1)

    def where(self) -> tuple[float, float]:
        return self.joints.position[0], self.odom.pose.pose.position.x

    def close(self) -> None:
        for handle in self.handles:
            handle.unregister()


@pytest.fixture
def robot(rospy_node, actuators):
    robot = Robot(rospy_node)
    try:
        wait_for(lambda: robot.joints and robot.odom, 60, "pan/tilt joint states and odometry")
        for pub in (robot.pan, robot.cmd_vel, robot.estop):
            wait_for(lambda p=pub: p.get_num_connections() > 0, 30, f"{pub.name} connected")
        yield robot
    finally:
        robot.close()


def test_restarted_actuators_stay_stopped_until_the_estop_is_released(robot):
    robot.estop.publish(robot.Bool(True))
    wait_for(lambda: robot.estop_state is True, 10, "/estop/state engaged")
    for node in ("/pan_tilt", "/base_controller"):
        old = wait_for(lambda n=node: pid_of(n), 20, f"{node}'s pid")
        os.kill(old, signal.SIGKILL)
        wait_for(lambda n=node, o=old: pid_of(n) not in (None, o), 60, f"{node} respawned")
    robot.joints = robot.odom = None
    wait_for(lambda: robot.joints and robot.odom, 60, "the restarted nodes publishing")
    before = robot.where()
    robot.command(3.0)
    assert robot.where() == pytest.approx(before, abs=1e-4)

    robot.estop.publish(robot.Bool(False))
    wait_for(lambda: robot.estop_state is False, 10, "/estop/state released")

    def moved() -> bool:
        robot.command(0.3)
        pan, x = robot.where()
        return abs(pan - 0.3) < 0.01 and x > before[1] + 0.05

    wait_for(moved, 60, "the pan at 0.3 rad and the base 5 cm on, after the release")
