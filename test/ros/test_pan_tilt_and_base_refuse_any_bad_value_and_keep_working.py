"""Random bad values (NaN, inf, 1e300, huge, negative, beyond the URDF's limits) on /pan/command,
/pan/velocity, /tilt/command and /cmd_vel, thrown at the running pan_tilt and base_controller
nodes (real firmware and simulated base board on ptys): nothing moves on a refused command, and
both nodes still obey good commands afterwards (issue #11: 1e300 once killed the pan's resend).
"""

from __future__ import annotations

import math
import threading
import time

import pytest
from fixtures.harness import wait_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from terry.model import load_robot

ROBOT = load_robot()
PAN_SPEED = ROBOT.joint("pan_joint").velocity
TILT = ROBOT.joint("tilt_joint")
WIRE_PAN = 2**31 / 1e6  # rad: the most a PanTiltCommand carries
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])


def beyond(limit: float) -> st.SearchStrategy[float]:
    """Finite values of either sign with a magnitude above `limit`, up to 1e308."""
    big = st.floats(min_value=limit * 1.001, max_value=1e308)
    return st.one_of(big, big.map(lambda v: -v))


BAD = {
    "/pan/command": st.one_of(NON_FINITE, beyond(WIRE_PAN)),
    "/pan/velocity": st.one_of(NON_FINITE, beyond(PAN_SPEED)),
    "/tilt/command": st.one_of(
        NON_FINITE,
        st.floats(min_value=TILT.upper + 1e-3, max_value=1e308),
        st.floats(max_value=TILT.lower - 1e-3, min_value=-1e308),
    ),
    "/cmd_vel": st.one_of(
        st.tuples(st.integers(0, 5), NON_FINITE),
        st.tuples(st.sampled_from([0, 5]), beyond(1e3)),
    ),
}

COMMANDS = st.sampled_from(sorted(BAD)).flatmap(lambda t: st.tuples(st.just(t), BAD[t]))


class Robot:
    """Publishers for the four topics and the latest pan/tilt joint state and odometry."""

    def __init__(self, rospy) -> None:
        from geometry_msgs.msg import Twist
        from nav_msgs.msg import Odometry
        from sensor_msgs.msg import JointState
        from std_msgs.msg import Float64

        self.rospy, self.Twist, self.Float64 = rospy, Twist, Float64
        self.joints = self.odom = None
        self._lock = threading.Lock()
        self.pubs = {
            topic: rospy.Publisher(topic, Twist if topic == "/cmd_vel" else Float64, queue_size=50)
            for topic in BAD
        }
        self.subs = [
            rospy.Subscriber("/joint_states", JointState, self._on_joints),
            rospy.Subscriber("/odom", Odometry, self._on_odom),
        ]
        for topic, pub in self.pubs.items():
            wait_for(lambda p=pub: p.get_num_connections() > 0, 30, f"a subscriber on {topic}")

    def _on_joints(self, msg) -> None:
        if "pan_joint" in msg.name:
            self.joints = msg

    def _on_odom(self, msg) -> None:
        self.odom = msg

    def send(self, topic: str, value) -> None:
        if topic == "/cmd_vel":
            field, number = value
            twist = [0.0] * 6
            twist[field] = number
            msg = self.Twist()
            (msg.linear.x, msg.linear.y, msg.linear.z) = twist[:3]
            (msg.angular.x, msg.angular.y, msg.angular.z) = twist[3:]
        else:
            msg = self.Float64(value)
        self.pubs[topic].publish(msg)

    def pose(self) -> tuple[float, ...]:
        """Pan, tilt, and the base's x, y and heading (quaternion z)."""
        p = self.odom.pose.pose
        return (*self.joints.position[:2], p.position.x, p.position.y, p.orientation.z)

    def close(self) -> None:
        for handle in [*self.subs, *self.pubs.values()]:
            handle.unregister()


@pytest.fixture
def robot(rospy_node, actuators):
    robot = Robot(rospy_node)
    try:
        wait_for(lambda: robot.joints and robot.odom, 60, "pan/tilt joint states and odometry")
        time.sleep(2)  # both nodes have heard it (latched, and republished every second)
        yield robot
    finally:
        robot.close()


def test_bad_values_move_nothing_and_the_nodes_keep_working(robot):
    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(COMMANDS, min_size=1, max_size=12))
    def throw(commands) -> None:
        before = robot.pose()
        for topic, value in commands:
            robot.send(topic, value)
        time.sleep(0.6)  # longer than the base's deadman timeout and several board states
        assert robot.pose() == pytest.approx(before, abs=1e-4), commands

    throw()
    robot.send("/pan/command", 0.3)
    robot.send("/tilt/command", -0.2)
    wait_for(lambda: abs(robot.joints.position[0] - 0.3) < 0.005, 30, "the pan at 0.3 rad")
    wait_for(lambda: abs(robot.joints.position[1] + 0.2) < 0.005, 30, "the tilt at -0.2 rad")
    start = robot.odom.pose.pose.position.x

    def drive() -> bool:
        robot.send("/cmd_vel", (0, 0.2))
        time.sleep(0.1)
        return robot.odom.pose.pose.position.x > start + 0.05

    wait_for(drive, 30, "the base to drive 5 cm")
