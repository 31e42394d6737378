"""Fuzzing every arm command topic on the running arm (arm.launch: arm_ik, smooth_shim,
servo_driver, estop, a simulated Maestro): random values in every field of /arm/xyzc,
/arm/target, /arm/smooth_command and /arm/joint_command (NaN, inf, 1e300 where the field holds
it, wrong lengths, unknown joints and frames, any time). Each command the ROS-free checks refuse
moves nothing; afterwards no node has died or been respawned and a good command on the same
topic still moves the arm.

float32 fields (/arm/xyzc) cannot carry 1e300 on the wire (rospy refuses to serialise it): there
the extremes are float32's own, inf and NaN."""

from __future__ import annotations

import math

import numpy as np
import pytest
import rosgraph
import rospy
from fixtures.arm import bring_up_arm
from fixtures.harness import wait_for
from geometry_msgs.msg import PointStamped
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from std_msgs.msg import Float32MultiArray
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

from terry.arm.joint_input import JointInputError, check_names
from terry.arm.kinematics import ArmKinematics
from terry.arm.motion import parse_trajectory
from terry.arm.smoothing import parse_command
from terry.model import ARM_JOINTS, load_robot

ROBOT = load_robot()
JOINTS = {name: ROBOT.joint(name) for name in ARM_JOINTS}
IK = ArmKinematics.from_robot(ROBOT)
NODES = ("/arm_ik", "/smooth_shim", "/servo_driver", "/estop")
SETTLE = 0.3  # s after a command: anything it started would show by then
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

SPECIAL = st.sampled_from([math.nan, math.inf, -math.inf, 1e300, -1e300, 0.0])
FLOAT64 = st.one_of(SPECIAL, st.floats(-4.0, 4.0), st.floats())
FLOAT32 = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf]), st.floats(-0.3, 1.2), st.floats(width=32)
)
NAMES = st.sampled_from([*ARM_JOINTS, "arm_knee", "", "pan_joint"])
INT32 = st.integers(-(2**31), 2**31 - 1)


@st.composite
def trajectories(draw) -> JointTrajectory:
    names = draw(st.lists(NAMES, max_size=5))
    fit = st.lists(FLOAT64, min_size=len(names), max_size=len(names))
    values = st.one_of(fit, fit, st.just([]), st.lists(FLOAT64, max_size=6))
    point = st.builds(
        JointTrajectoryPoint,
        positions=values,
        velocities=values,
        accelerations=values,
        effort=values,
        time_from_start=st.builds(rospy.Duration, INT32, st.integers(0, 999_999_999)),
    )
    return JointTrajectory(joint_names=names, points=draw(st.lists(point, max_size=3)))


def fields(msg: JointTrajectory) -> list[tuple]:
    return [
        (p.time_from_start.to_sec(), p.positions, p.velocities, p.accelerations, p.effort)
        for p in msg.points
    ]


def driver_refuses(msg: JointTrajectory) -> bool:
    try:
        parse_trajectory(msg.joint_names, fields(msg), JOINTS)
    except JointInputError:
        return True
    return False


def shim_refuses(msg: JointTrajectory) -> bool:
    try:
        check_names(msg.joint_names, JOINTS)
        if msg.points:
            parse_command(msg.joint_names, fields(msg), JOINTS)
    except JointInputError:
        return True
    return False


def ik_refuses(x: float, y: float, z: float, claw: float | None) -> bool:
    values = [x, y, z] + ([] if claw is None else [claw])
    if not all(math.isfinite(v) for v in values):
        return True
    if claw is not None and not 0.0 <= claw <= 1.0:
        return True
    return not IK.solve(x, y, z, claw or 0.0).ok


def as_float32(values: list[float]) -> list[float]:
    with np.errstate(over="ignore"):
        return [float(v) for v in np.asarray(values, dtype=np.float32)]


@pytest.fixture(scope="module")
def arm(rospy_node, ros_master, tmp_path_factory):
    yield from bring_up_arm(rospy_node, ros_master, tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def publishers(arm):
    pubs = {
        topic: rospy.Publisher(topic, JointTrajectory, queue_size=50)
        for topic in ("/arm/smooth_command", "/arm/joint_command")
    }
    for pub in pubs.values():
        wait_for(lambda p=pub: p.get_num_connections() > 0, 30, f"a subscriber on {pub.name}")
    yield pubs
    for pub in pubs.values():
        pub.unregister()


@pytest.fixture(scope="module")
def nodes(arm) -> dict[str, str]:
    """Each node's URI when the arm came up: a respawned node has a new one."""
    master = rosgraph.Master("/pytest")
    return {name: master.lookupNode(name) for name in NODES}


class Still:
    """The arm's joints when a fuzz run starts; `check` fails if any has moved since."""

    def __init__(self, arm) -> None:
        self.arm = arm
        self.start = arm.joints()
        wait_for(self._at_rest, 30, "the arm at rest")

    def _at_rest(self) -> bool:
        self.arm.rospy.sleep(0.5)
        now = self.arm.joints()
        rest = all(abs(now[n] - self.start[n]) < 5e-4 for n in ARM_JOINTS)
        self.start = now
        return rest

    def check(self, what: object) -> None:
        self.arm.rospy.sleep(SETTLE)
        now = self.arm.joints()
        moved = {
            n: (self.start[n], now[n]) for n in ARM_JOINTS if abs(now[n] - self.start[n]) > 2e-3
        }
        assert not moved, f"{what} was refused by the checks but moved {moved}"


def still_alive(nodes: dict[str, str]) -> None:
    master = rosgraph.Master("/pytest")
    for name, uri in nodes.items():
        assert master.lookupNode(name) == uri, f"{name} died and was respawned"


def test_fuzzed_xyzc_moves_nothing_and_arm_ik_still_answers(arm, nodes):
    still = Still(arm)

    @FUZZ
    @given(st.lists(FLOAT32, max_size=6))
    def fuzz(data):
        data = as_float32(data)
        assume(len(data) != 4 or ik_refuses(*data))
        arm.xyzc.publish(Float32MultiArray(data=data))
        still.check(f"/arm/xyzc {data}")

    fuzz()
    still_alive(nodes)
    answer = arm.send(0.16, 0.04, 0.11, 1.0)
    assert answer["ok"], answer
    arm.wait_at_rest(answer)


def test_fuzzed_target_moves_nothing_and_arm_ik_still_answers(arm, nodes):
    still = Still(arm)
    frames = st.one_of(st.just("arm_base_link"), st.text(max_size=8).map("no_such_frame_".__add__))

    @FUZZ
    @given(frames, FLOAT64, FLOAT64, FLOAT64)
    def fuzz(frame, x, y, z):
        assume(frame != "arm_base_link" or ik_refuses(x, y, z, None))
        msg = PointStamped()
        msg.header.frame_id = frame
        msg.point.x, msg.point.y, msg.point.z = x, y, z
        arm.target.publish(msg)
        still.check(f"/arm/target {frame} {x, y, z}")

    fuzz()
    still_alive(nodes)
    msg = PointStamped()
    msg.header.frame_id = "arm_base_link"
    msg.point.x, msg.point.y, msg.point.z = 0.12, -0.05, 0.14
    arm.target.publish(msg)
    wait_for(lambda: arm.at((0.12, -0.05, 0.14)), 30, "the gripper at the good target")


@pytest.mark.parametrize(
    ("topic", "refuses"),
    [("/arm/smooth_command", shim_refuses), ("/arm/joint_command", driver_refuses)],
    ids=["smooth_command", "joint_command"],
)
def test_fuzzed_trajectories_move_nothing_and_the_nodes_still_work(
    arm, publishers, nodes, topic, refuses
):
    still = Still(arm)

    @FUZZ
    @given(trajectories())
    def fuzz(msg):
        assume(refuses(msg))
        publishers[topic].publish(msg)
        still.check(f"{topic} {msg.joint_names} {fields(msg)}")

    fuzz()
    still_alive(nodes)
    target = -0.3 if arm.joints()["arm_elbow"] > -0.15 else 0.0
    good = JointTrajectory(
        joint_names=["arm_elbow"],
        points=[JointTrajectoryPoint(positions=[target], time_from_start=rospy.Duration(0.5))],
    )
    publishers[topic].publish(good)
    wait_for(lambda: abs(arm.joints()["arm_elbow"] - target) < 5e-3, 30, f"elbow at {target}")
