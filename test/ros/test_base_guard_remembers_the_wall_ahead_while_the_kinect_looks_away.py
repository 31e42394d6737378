"""The obstacle guard remembers: the whole simulated robot (sim.launch) sees a wall 2.4 m ahead,
then the pan unit turns the Kinect to look left, and the base is driven straight at the wall.
It stops short of the wall, judged on the world's true pose and map, although the Kinect no
longer sees the wall (without the memory the guard knew nothing ahead and let the base crawl
into it)."""

from __future__ import annotations

import math

import numpy as np
from fixtures.estop import fresh_estop
from fixtures.harness import Recorder, wait_for
from fixtures.publishers import Driver

from terry.model import footprint_radius, load_robot
from terry.paths import package_file
from terry.sim.world import OccupancyMap

START_YAW = math.pi  # from (0, 0): the apartment's wall is 2.4 m ahead


def true_pose(msg) -> tuple[float, float, float]:
    p, q = msg.pose.pose.position, msg.pose.pose.orientation
    return p.x, p.y, math.atan2(2 * q.w * q.z, 1 - 2 * q.z * q.z)


def gap_ahead(grid: OccupancyMap, pose: tuple[float, float, float], radius: float) -> float:
    """How far the base's disc can move straight ahead from `pose` before it touches a wall."""
    x, y, yaw = pose
    ring = np.linspace(-math.pi, math.pi, 72, endpoint=False)
    disc_x = np.concatenate([r * np.cos(ring) for r in np.linspace(0.0, radius, 6)])
    disc_y = np.concatenate([r * np.sin(ring) for r in np.linspace(0.0, radius, 6)])
    for d in np.arange(0.0, 5.0, 0.01):
        cx, cy = x + d * math.cos(yaw), y + d * math.sin(yaw)
        if grid.is_solid(cx + disc_x, cy + disc_y).any():
            return float(d)
    return math.inf


def test_base_stops_short_of_a_wall_it_saw_before_the_kinect_turned_away(
    rospy_node, roslaunch, ros_process
):
    import tf2_ros
    from nav_msgs.msg import Odometry
    from sensor_msgs.msg import LaserScan

    fresh_estop(rospy_node)
    launch = roslaunch("sim.launch", no_dashboard="true", odom_noise="false", yaw=str(START_YAW))
    truth = Recorder("/sim/ground_truth", Odometry)
    scan = Recorder("/scan", LaserScan)
    buffer = tf2_ros.Buffer()
    listener = tf2_ros.TransformListener(buffer)
    driver = None
    try:
        for recorder in (truth, scan):
            wait_for(lambda r=recorder: r.messages or not launch.alive, 60, f"{recorder.topic}")
        assert launch.alive, launch.output()
        grid = OccupancyMap.load(package_file("maps", "apartment.yaml"))
        radius = footprint_radius(load_robot())
        start = true_pose(truth.snapshot()[-1])
        assert 2.0 < gap_ahead(grid, start, radius) < 2.6
        scan.wait_count(len(scan.messages) + 10)  # the Kinect has looked ahead for a second

        def camera_yaw() -> float:
            tf = buffer.lookup_transform("base_footprint", "camera_depth_frame", rospy_node.Time(0))
            q = tf.transform.rotation
            return math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z))

        pan = ros_process("rostopic", "pub", "-1", "/pan/command", "std_msgs/Float64", "data: 1.5")
        assert pan.wait(60) == 0, pan.output()
        wait_for(lambda: abs(camera_yaw() - 1.5) < 0.05, 30, "the Kinect turned to look left")

        driver = Driver(rospy_node, 0.3, 0.0)

        def stopped() -> bool:
            recent = truth.snapshot()[-20:]
            moved = math.dist(true_pose(recent[0])[:2], true_pose(recent[-1])[:2])
            return math.dist(true_pose(recent[-1])[:2], start[:2]) > 0.5 and moved < 1e-3

        wait_for(stopped, 60, "the base to stop before the wall")
        end = true_pose(truth.snapshot()[-1])
        travelled = math.dist(end[:2], start[:2])
        gap = gap_ahead(grid, end, radius)
        assert abs(camera_yaw() - 1.5) < 0.05, "the Kinect looked away all the while"
        assert travelled > 1.2, f"the base stopped early, after {travelled:.2f} m"
        assert gap > 0.15, f"the base stopped {gap:.2f} m from the wall"
    finally:
        if driver is not None:
            driver.stop()
        listener.unregister()
        truth.close()
        scan.close()
