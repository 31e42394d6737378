"""The whole simulated robot (launch/sim.launch) drives: /cmd_vel turns the simulated wheels
through the base controller and the simulated base board (the link protocol on a pty), /odom and
tf follow the robot's true motion in the simulated apartment, the Kinect's /scan changes as the
robot turns, turning the pan unit turns the scan's frame in tf, and a silent /cmd_vel stops the
base (deadman).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from fixtures.estop import fresh_estop
from fixtures.harness import Recorder, wait_for
from fixtures.publishers import Driver

from terry.base.drive import EncoderOdometry


def pose(msg) -> tuple[float, float, float]:
    p = msg.pose.pose
    q = p.orientation
    return p.position.x, p.position.y, math.atan2(2 * q.w * q.z, 1 - 2 * q.z * q.z)


def angle_diff(a: float, b: float) -> float:
    return math.atan2(math.sin(a - b), math.cos(a - b))


@pytest.fixture
def sim(rospy_node, roslaunch, run_dir):
    import tf2_ros
    from nav_msgs.msg import Odometry
    from sensor_msgs.msg import LaserScan

    fresh_estop(rospy_node)
    launch = roslaunch("sim.launch", no_dashboard="true", odom_noise="false")
    odom = Recorder("/odom", Odometry)
    truth = Recorder("/sim/ground_truth", Odometry)
    scan = Recorder("/scan", LaserScan)
    buffer = tf2_ros.Buffer()
    listener = tf2_ros.TransformListener(buffer)
    for recorder in (odom, truth, scan):
        wait_for(lambda r=recorder: r.messages or not launch.alive, 60, f"first {recorder.topic}")
        assert launch.alive, launch.output()
    yield rospy_node, odom, truth, scan, buffer
    listener.unregister()
    for closing in (odom, truth, scan):
        closing.close()


def still(poses: list, of: tuple[float, float, float]) -> bool:
    """Every pose within 1 um and 1 urad of `of` (a standing base's odometry does not move)."""
    return all(p == pytest.approx(of, abs=1e-6) for p in poses)


def settled(odom) -> list:
    """Wait until the base reports zero speed and then counts as standing (no encoder count for
    `rest_after`: until then odometry still turns by the gyro, whose noise moves it by ~1e-5
    rad), then return five fresh odometry messages."""
    wait_for(
        lambda: (
            odom.snapshot()[-1].twist.twist.linear.x == 0.0
            and odom.snapshot()[-1].twist.twist.angular.z == 0.0
        ),
        15,
        "the base to stop",
    )
    time.sleep(EncoderOdometry.rest_after + 0.2)
    odom.clear()
    return odom.wait_count(5)[-5:]


def test_driving_moves_odometry_tf_and_true_pose_alike_and_deadman_stops(sim):
    rospy, odom, truth, _, buffer = sim
    odom_start, truth_start = pose(odom.snapshot()[-1]), pose(truth.snapshot()[-1])
    driver = Driver(rospy, 0.2, 0.0)
    wait_for(lambda: pose(odom.snapshot()[-1])[0] - odom_start[0] > 0.3, 30, "odom to pass 0.3 m")
    driver.stop()  # nobody sends a zero: the deadman must stop the base
    rest = settled(odom)
    assert still([pose(m) for m in rest], pose(rest[-1])), "the base stays put after the deadman"
    odom_end, truth_end = pose(rest[-1]), pose(truth.snapshot()[-1])
    true_travel = math.hypot(truth_end[0] - truth_start[0], truth_end[1] - truth_start[1])
    assert odom_end[0] - odom_start[0] == pytest.approx(true_travel, rel=0.05)
    assert abs(odom_end[1] - odom_start[1]) < 0.02 and abs(odom_end[2]) < 0.05, "drove straight"
    assert rest[-1].header.frame_id == "odom" and rest[-1].child_frame_id == "base_footprint"
    tf = buffer.lookup_transform(
        "odom", "base_footprint", rest[-1].header.stamp, rospy.Duration(5.0)
    )
    assert (tf.transform.translation.x, tf.transform.translation.y) == pytest.approx(
        odom_end[:2], abs=1e-6
    )


def test_scan_changes_as_the_robot_turns_and_odometry_turns_alike(sim):
    rospy, odom, truth, scan, _ = sim
    assert scan.snapshot()[-1].header.frame_id == "camera_depth_frame"
    before = np.array(scan.snapshot()[-1].ranges)
    yaw_start = pose(truth.snapshot()[-1])[2]
    odom_yaw_start = pose(odom.snapshot()[-1])[2]
    driver = Driver(rospy, 0.0, 1.0)
    wait_for(
        lambda: abs(angle_diff(pose(truth.snapshot()[-1])[2], yaw_start)) > 0.8,
        30,
        "the robot to turn 0.8 rad",
    )
    driver.stop()
    rest = settled(odom)
    scan.clear()
    after = np.array(scan.wait_count(2)[-1].ranges)
    both = ~np.isnan(before) & ~np.isnan(after)
    assert both.sum() > 50 and np.mean(np.abs(before[both] - after[both])) > 0.1
    true_turn = angle_diff(pose(truth.snapshot()[-1])[2], yaw_start)
    odom_turn = angle_diff(pose(rest[-1])[2], odom_yaw_start)
    assert odom_turn == pytest.approx(true_turn, abs=0.05), "odometry turned as the robot did"


def test_estop_stops_the_base_and_refuses_commands_until_released(sim):
    from std_msgs.msg import Bool

    rospy, odom, _, _, _ = sim
    estop = rospy.Publisher("/estop", Bool, queue_size=1, latch=True)
    driver = Driver(rospy, 0.2, 0.0)
    wait_for(lambda: odom.snapshot()[-1].twist.twist.linear.x > 0.1, 30, "the base to move")
    estop.publish(Bool(True))
    rest = settled(odom)  # while /cmd_vel keeps coming
    odom.clear()
    assert still([pose(m) for m in odom.wait_count(10)], pose(rest[-1])), "holds while engaged"
    estop.publish(Bool(False))
    wait_for(lambda: odom.snapshot()[-1].twist.twist.linear.x > 0.1, 30, "driving again")
    driver.stop()
    settled(odom)
    estop.unregister()


def test_base_board_link_health_is_on_diagnostics(sim):
    from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus

    def base_status(msg):
        return next((s for s in msg.status if s.name == "base board"), None)

    diagnostics = Recorder("/diagnostics", DiagnosticArray, accept=base_status)
    status = base_status(diagnostics.wait_count(1, timeout=10)[-1])
    diagnostics.close()
    counters = {kv.key: kv.value for kv in status.values}
    # the message may be a refusal from start-up, when the e-stop held the wheels
    assert status.level == DiagnosticStatus.OK and counters["state"] == "up"
    assert int(counters["frames in"]) > 0 and counters["CRC errors"] == "0"


def test_turning_the_pan_unit_turns_the_scan_frame_in_tf(sim, ros_process):
    rospy, _, _, scan, buffer = sim

    def camera_yaw() -> float:
        tf = buffer.lookup_transform("base_footprint", "camera_depth_frame", rospy.Time(0))
        q = tf.transform.rotation
        return math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z))

    assert abs(camera_yaw()) < 0.05
    command = ros_process("rostopic", "pub", "-1", "/pan/command", "std_msgs/Float64", "data: 0.8")
    assert command.wait(60) == 0, command.output()
    wait_for(lambda: abs(camera_yaw() - 0.8) < 0.02, 30, "the Kinect's frame turned 0.8 rad")
    assert scan.snapshot()[-1].header.frame_id == "camera_depth_frame"
