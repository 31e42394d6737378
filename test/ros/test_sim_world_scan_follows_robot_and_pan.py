"""The sim world node with a real master: /scan is what the Kinect sees from where tf puts
camera_depth_frame (so it turns with the pan unit), and the wheels move the robot until a wall.

The test plays the wheel plant (true wheel angles on /sim/base/wheels) and the pan unit
(pan_joint on /joint_states), so only the world node and robot_state_publisher are under test.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from fixtures.harness import Recorder, wait_for
from fixtures.publishers import Joints

from terry.base.drive import Pose2D
from terry.model import drive_geometry, footprint_radius, load_robot
from terry.nodes.sim_world import planar
from terry.paths import package_file
from terry.sim.world import DepthScanner, OccupancyMap, World, compose

BENCH = Path(__file__).resolve().parents[1] / "launch" / "sim_world_bench.launch"
START = Pose2D(0.5, -1.5, 0.0)  # the bench's start pose, facing the east wall


@pytest.fixture
def bench(rospy_node, roslaunch, run_dir):
    import tf2_ros
    from nav_msgs.msg import Odometry
    from sensor_msgs.msg import LaserScan

    launch = roslaunch(str(BENCH))
    joints = Joints(rospy_node, "/joint_states", ["pan_joint", "tilt_joint"])
    wheels = Joints(rospy_node, "/sim/base/wheels", ["left_wheel_joint", "right_wheel_joint"])
    scan = Recorder("/scan", LaserScan)
    truth = Recorder("/sim/ground_truth", Odometry)
    buffer = tf2_ros.Buffer()
    listener = tf2_ros.TransformListener(buffer)
    wait_for(lambda: (scan.messages and truth.messages) or not launch.alive, 60, "/scan")
    assert launch.alive, launch.output()
    yield rospy_node, joints, wheels, scan, truth, buffer
    listener.unregister()
    joints.stop()
    wheels.stop()
    scan.close()
    truth.close()


def true_pose(truth) -> Pose2D:
    p = truth.snapshot()[-1].pose.pose
    q = p.orientation
    return Pose2D(p.position.x, p.position.y, math.atan2(2 * q.w * q.z, 1 - 2 * q.z * q.z))


def expected_scan(rospy, buffer, pose: Pose2D) -> np.ndarray:
    robot = load_robot()
    world = World(
        OccupancyMap.load(package_file("maps", "apartment.yaml")),
        drive_geometry(robot),
        footprint_radius(robot),
        pose,
    )
    camera = planar(
        buffer.lookup_transform(
            "base_footprint", "camera_depth_frame", rospy.Time(0), rospy.Duration(5)
        )
    )
    return world.scan(compose(pose, camera), DepthScanner())


def fresh_scan(scan) -> np.ndarray:
    scan.clear()
    return np.array(scan.wait_count(2, timeout=20)[-1].ranges)


def assert_same_view(seen: np.ndarray, expected: np.ndarray) -> None:
    both = ~np.isnan(seen) & ~np.isnan(expected)
    assert both.sum() > 0.8 * (~np.isnan(expected)).sum()
    assert np.median(np.abs(seen[both] - expected[both])) < 0.03


def test_scan_is_the_view_from_the_camera_in_tf_and_turns_with_the_pan(bench):
    rospy, joints, _, scan, truth, buffer = bench
    msg = scan.snapshot()[-1]
    assert msg.header.frame_id == "camera_depth_frame" and len(msg.ranges) == 640
    assert msg.angle_max - msg.angle_min == pytest.approx(math.radians(57))
    assert msg.range_min == pytest.approx(0.45)
    ahead = fresh_scan(scan)
    assert_same_view(ahead, expected_scan(rospy, buffer, true_pose(truth)))

    joints.positions["pan_joint"] = 1.2
    wait_for(
        lambda: (
            abs(
                planar(
                    buffer.lookup_transform("base_footprint", "camera_depth_frame", rospy.Time(0))
                ).yaw
                - 1.2
            )
            < 1e-3
        ),
        20,
        "tf to turn camera_depth_frame by the pan angle",
    )
    turned = fresh_scan(scan)
    assert_same_view(turned, expected_scan(rospy, buffer, true_pose(truth)))
    both = ~np.isnan(ahead) & ~np.isnan(turned)
    assert np.mean(np.abs(ahead[both] - turned[both])) > 0.3, "the view changed with the pan"
    assert true_pose(truth) == START, "the robot itself did not move"


def test_map_frame_starts_at_the_start_pose_without_localisation(bench):
    rospy, *_, buffer = bench
    tf = buffer.lookup_transform("map", "odom", rospy.Time(0), rospy.Duration(10))
    found = planar(tf)
    assert (found.x, found.y, found.yaw) == pytest.approx((START.x, START.y, START.yaw))


def test_wheels_move_the_robot_until_it_meets_a_wall_and_bad_angles_move_nothing(bench):
    _, _, wheels, _, truth, _ = bench
    geometry = drive_geometry(load_robot())
    wheels.positions.update(left_wheel_joint=math.nan, right_wheel_joint=5.0)  # a broken plant
    truth.clear()
    truth.wait_count(5)
    assert true_pose(truth) == START, "non-finite wheel angles move nothing"
    wheels.positions.update(
        left_wheel_joint=1.0 / geometry.wheel_radius, right_wheel_joint=1.0 / geometry.wheel_radius
    )  # 1 m ahead
    wait_for(lambda: true_pose(truth).x > START.x + 0.99, 20, "the robot to drive 1 m")
    assert true_pose(truth).x == pytest.approx(START.x + 1.0, abs=0.01)
    wheels.positions.update(
        left_wheel_joint=5.0 / geometry.wheel_radius, right_wheel_joint=5.0 / geometry.wheel_radius
    )  # through the wall
    wait_for(lambda: true_pose(truth).x > 2.5, 20, "the robot to reach the wall")
    truth.clear()
    truth.wait_count(3)
    edge = true_pose(truth).x + footprint_radius(load_robot())
    assert edge == pytest.approx(3.0, abs=0.05), "stopped with its outline at the wall (x = 3.0)"
