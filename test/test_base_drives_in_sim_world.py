"""The simulated robot drives: /cmd_vel turns the simulated wheels through the real base firmware
and base controller, /odom and tf follow the robot's true motion in the simulated apartment, the
Kinect's /scan changes as the robot (and the pan unit) turns, and a silent /cmd_vel stops the base.
"""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest
from harness import Recorder, wait_for

LAUNCH = "base_sim_world.launch"  # test/launch/: base sim:=true + sim world + robot_state_publisher


def yaw_of(q) -> float:
    return math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z))


def angle_diff(a: float, b: float) -> float:
    return math.atan2(math.sin(a - b), math.cos(a - b))


class Driver:
    """Publishes /cmd_vel at 20 Hz like a teleop client, until stopped (no zero command sent)."""

    def __init__(self, rospy, linear: float, angular: float) -> None:
        from geometry_msgs.msg import Twist

        self._pub = rospy.Publisher("/cmd_vel", Twist, queue_size=1)
        self._msg = Twist()
        self._msg.linear.x, self._msg.angular.z = linear, angular
        self._stop = threading.Event()
        self._rospy = rospy
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self._pub.publish(self._msg)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._pub.unregister()


@pytest.fixture
def sim(rospy_node, roslaunch, run_dir):
    import tf2_ros
    from nav_msgs.msg import Odometry
    from sensor_msgs.msg import LaserScan

    launch = roslaunch(str(LAUNCH_PATH))
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
    for recorder in (odom, truth, scan):
        recorder.close()


from pathlib import Path  # noqa: E402

LAUNCH_PATH = Path(__file__).resolve().parent / "launch" / LAUNCH


def pose(msg) -> tuple[float, float, float]:
    p = msg.pose.pose
    return p.position.x, p.position.y, yaw_of(p.orientation)


def test_driving_moves_odometry_tf_and_true_pose_alike_and_deadman_stops(sim):
    rospy, odom, truth, _, buffer = sim
    odom_start, truth_start = pose(odom.snapshot()[-1]), pose(truth.snapshot()[-1])
    driver = Driver(rospy, 0.2, 0.0)
    wait_for(lambda: pose(odom.snapshot()[-1])[0] - odom_start[0] > 0.3, 30, "odom to pass 0.3 m")
    driver.stop()
    # deadman: nobody sent a zero, yet the base comes to rest
    wait_for(lambda: odom.snapshot()[-1].twist.twist.linear.x == 0.0, 10, "base to stop")
    odom.clear()
    rest = wait_for(lambda: odom.snapshot()[-5:] if len(odom.messages) >= 5 else None, 10, "odom")
    assert len({pose(m) for m in rest}) == 1, "the base stays put after the deadman stop"
    truth_end = pose(truth.snapshot()[-1])
    odom_end = pose(rest[-1])
    travelled = odom_end[0] - odom_start[0]
    true_travel = math.hypot(truth_end[0] - truth_start[0], truth_end[1] - truth_start[1])
    assert travelled == pytest.approx(true_travel, rel=0.05), "odometry matches the true motion"
    assert abs(odom_end[1] - odom_start[1]) < 0.02 and abs(odom_end[2]) < 0.05, "drove straight"
    tf = buffer.lookup_transform(
        "odom", "base_footprint", rest[-1].header.stamp, rospy.Duration(5.0)
    )
    assert (tf.transform.translation.x, tf.transform.translation.y) == pytest.approx(
        odom_end[:2], abs=1e-6
    )
    assert tf.header.frame_id == "odom" and rest[-1].child_frame_id == "base_footprint"


def test_scan_turns_with_the_robot(sim):
    rospy, odom, truth, scan, buffer = sim
    assert scan.snapshot()[-1].header.frame_id == "camera_depth_frame"
    before = np.array(scan.snapshot()[-1].ranges)
    yaw_start = pose(truth.snapshot()[-1])[2]
    driver = Driver(rospy, 0.0, 1.0)
    wait_for(
        lambda: abs(angle_diff(pose(truth.snapshot()[-1])[2], yaw_start)) > 0.8,
        30,
        "robot to turn 0.8 rad",
    )
    driver.stop()
    wait_for(lambda: odom.snapshot()[-1].twist.twist.angular.z == 0.0, 10, "base to stop")
    scan.clear()
    after = np.array(scan.wait_count(2)[-1].ranges)
    both = ~np.isnan(before) & ~np.isnan(after)
    assert both.sum() > 50 and np.mean(np.abs(before[both] - after[both])) > 0.1
    odom_yaw = pose(odom.snapshot()[-1])[2]
    true_turn = angle_diff(pose(truth.snapshot()[-1])[2], yaw_start)
    assert odom_yaw == pytest.approx(true_turn, abs=0.05), "odometry turned as the robot did"
