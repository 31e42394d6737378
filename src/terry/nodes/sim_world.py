"""The simulated world node: moves the robot's true pose with the simulated wheels and publishes
what the Kinect would see as /scan (what depthimage_to_laserscan publishes on the robot).

Subscribes: sim/base/wheels (sensor_msgs/JointState, the wheel plant's true wheel angles).
Publishes: /scan (sensor_msgs/LaserScan in ~frame_id), /sim/ground_truth (nav_msgs/Odometry in
map), /sim/map (nav_msgs/OccupancyGrid, latched) and, with ~publish_map_odom, a static
map -> odom transform at the start pose (for when neither amcl nor gmapping runs).
The camera's pose on the robot comes from tf (robot_state_publisher: the URDF and the pan angle).
"""

from __future__ import annotations

import math
import threading

import numpy as np
import rospy
import tf2_ros
from geometry_msgs.msg import Quaternion, TransformStamped
from nav_msgs.msg import OccupancyGrid, Odometry
from sensor_msgs.msg import JointState, LaserScan

from terry.base.drive import Pose2D
from terry.model import WHEEL_JOINTS, drive_geometry, footprint_radius, load_robot
from terry.paths import package_file
from terry.sim.world import DepthScanner, OccupancyMap, World, compose

PUBLISHES = ("scan", "sim/ground_truth", "sim/map")
SUBSCRIBES = ("sim/base/wheels",)


def planar(transform: TransformStamped) -> Pose2D:
    """The transform's origin and the heading of its x axis, projected on the ground plane."""
    t, q = transform.transform.translation, transform.transform.rotation
    return Pose2D.projected(t.x, t.y, (q.x, q.y, q.z, q.w))


class SimWorld:
    def __init__(self) -> None:
        robot = load_robot()
        self.grid = OccupancyMap.load(
            rospy.get_param("~map", str(package_file("maps", "apartment.yaml")))
        )
        start = Pose2D(
            rospy.get_param("~x", 0.0), rospy.get_param("~y", 0.0), rospy.get_param("~yaw", 0.0)
        )
        self.world = World(self.grid, drive_geometry(robot), footprint_radius(robot), start)
        self.scanner = DepthScanner(
            fov=math.radians(rospy.get_param("~fov_deg", 57.0)),
            beams=rospy.get_param("~beams", 640),
            range_min=rospy.get_param("~range_min", 0.45),
            range_max=rospy.get_param("~range_max", 8.0),
        )
        self.frame_id = rospy.get_param("~frame_id", "camera_depth_frame")
        self.base_frame = rospy.get_param("~base_frame", "base_footprint")
        self._lock = threading.Lock()
        self._wheels: tuple[float, float] | None = None
        self._blocked = False
        self.tf_buffer = tf2_ros.Buffer()
        self._listener = tf2_ros.TransformListener(self.tf_buffer)
        scan, truth, grid = PUBLISHES
        self.scan_pub = rospy.Publisher(scan, LaserScan, queue_size=1)
        self.truth_pub = rospy.Publisher(truth, Odometry, queue_size=1)
        self.map_pub = rospy.Publisher(grid, OccupancyGrid, queue_size=1, latch=True)
        self.map_pub.publish(self._map_message())
        if rospy.get_param("~publish_map_odom", True):
            self._static = tf2_ros.StaticTransformBroadcaster()
            self._static.sendTransform(self._map_to_odom(start))
        rospy.Subscriber(SUBSCRIBES[0], JointState, self._on_wheels, queue_size=50)
        rate = rospy.get_param("~scan_rate", 10.0)
        self._timer = rospy.Timer(rospy.Duration(1.0 / rate), self._tick)

    def _on_wheels(self, msg: JointState) -> None:
        try:
            angles = tuple(msg.position[msg.name.index(name)] for name in WHEEL_JOINTS)
        except (ValueError, IndexError):
            rospy.logwarn_throttle(10, f"sim world: wheel message lacks {WHEEL_JOINTS}: ignored")
            return
        if not all(math.isfinite(a) for a in angles):
            rospy.logwarn_throttle(10, f"sim world: non-finite wheel angles {angles}: ignored")
            return
        with self._lock:
            if self._wheels is not None:
                moved = self.world.roll(angles[0] - self._wheels[0], angles[1] - self._wheels[1])
                if not moved and not self._blocked:
                    rospy.loginfo("sim world: the robot ran into something and stopped")
                self._blocked = not moved
            self._wheels = angles

    def _camera_on_robot(self) -> Pose2D | None:
        try:
            tf = self.tf_buffer.lookup_transform(self.base_frame, self.frame_id, rospy.Time(0))
        except tf2_ros.TransformException as error:
            rospy.logwarn_throttle(
                10,
                f"sim world: no scan until tf has {self.base_frame} -> {self.frame_id} "
                f"(is robot_state_publisher running with the URDF?): {error}",
            )
            return None
        return planar(tf)

    def _tick(self, _event: rospy.timer.TimerEvent) -> None:
        now = rospy.Time.now()
        with self._lock:
            pose = self.world.pose
        self.truth_pub.publish(self._truth_message(pose, now))
        camera = self._camera_on_robot()
        if camera is None:
            return
        ranges = self.world.scan(compose(pose, camera), self.scanner)
        self.scan_pub.publish(self._scan_message(ranges, now))

    def _scan_message(self, ranges: np.ndarray, stamp: rospy.Time) -> LaserScan:
        msg = LaserScan()
        msg.header.stamp, msg.header.frame_id = stamp, self.frame_id
        msg.angle_min, msg.angle_max = -self.scanner.fov / 2, self.scanner.fov / 2
        msg.angle_increment = self.scanner.angle_increment
        msg.scan_time = 1.0 / 30  # the Kinect's frame period, as depthimage_to_laserscan says
        msg.range_min, msg.range_max = self.scanner.range_min, self.scanner.range_max
        msg.ranges = ranges.astype(float).tolist()
        return msg

    def _truth_message(self, pose: Pose2D, stamp: rospy.Time) -> Odometry:
        msg = Odometry()
        msg.header.stamp, msg.header.frame_id = stamp, "map"
        msg.child_frame_id = self.base_frame
        msg.pose.pose.position.x, msg.pose.pose.position.y = pose.x, pose.y
        msg.pose.pose.orientation = Quaternion(*pose.quaternion())
        return msg

    def _map_to_odom(self, start: Pose2D) -> TransformStamped:
        msg = TransformStamped()
        msg.header.stamp, msg.header.frame_id, msg.child_frame_id = rospy.Time.now(), "map", "odom"
        msg.transform.translation.x, msg.transform.translation.y = start.x, start.y
        msg.transform.rotation = Quaternion(*start.quaternion())
        return msg

    def _map_message(self) -> OccupancyGrid:
        msg = OccupancyGrid()
        msg.header.stamp, msg.header.frame_id = rospy.Time.now(), "map"
        msg.info.resolution = self.grid.resolution
        msg.info.height, msg.info.width = self.grid.solid.shape
        msg.info.origin.position.x, msg.info.origin.position.y = self.grid.origin
        msg.info.origin.orientation.w = 1.0
        msg.data = (self.grid.solid.astype(np.int8) * 100).ravel().tolist()
        return msg


def main() -> None:
    rospy.init_node("sim_world")
    try:
        SimWorld()
    except (OSError, ValueError) as error:
        rospy.logfatal(f"sim world: {error}")
        raise SystemExit(1) from error
    rospy.spin()
