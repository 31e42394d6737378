"""The simulated world node: moves the robot's true pose with the simulated wheels and publishes
what the Kinect sees.

~kinect:=depth: the Kinect driver's depth image (camera/depth/image_raw, 16UC1 mm, and
camera/depth/camera_info, frame camera_depth_optical_frame), for the real depthimage_to_laserscan
(launch/kinect.launch driver:=sim). ~kinect:=scan (when that is not installed): the scan it would
make, ray-cast here, on /scan in ~frame_id.
Subscribes: sim/base/wheels (sensor_msgs/JointState, the wheel plant's true wheel angles); with
~odom_noise the ground sees them through terry.sim.wheel_slip (seeded by ~seed).
Publishes: /sim/ground_truth (nav_msgs/Odometry in map, with the body's true velocity; at each
wheel update, else at ~scan_rate), /sim/map (nav_msgs/OccupancyGrid,
latched) and, with ~publish_map_odom, a static map -> odom transform at the start pose (for when
neither amcl nor gmapping runs). The camera's pose on the robot comes from tf
(robot_state_publisher: the URDF, pan and tilt); each image is rendered from the robot's true pose
at the stamp of that transform, and stamped with it.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections import deque

import numpy as np
import rospy
import tf2_ros
from geometry_msgs.msg import Quaternion, TransformStamped
from nav_msgs.msg import OccupancyGrid, Odometry
from sensor_msgs.msg import CameraInfo, Image, JointState, LaserScan

from terry.base.drive import Pose2D
from terry.model import WHEEL_JOINTS, drive_geometry, footprint_radius, load_robot
from terry.paths import package_file
from terry.sim.depth_camera import DepthCamera, millimetres, render, rotation_matrix
from terry.sim.wheel_slip import WheelSlip
from terry.sim.world import DepthScanner, OccupancyMap, World, compose

PUBLISHES = ("scan", "sim/ground_truth", "sim/map")
DEPTH_PUBLISHES = ("camera/depth/image_raw", "camera/depth/camera_info")
SUBSCRIBES = ("sim/base/wheels",)
HISTORY = 200  # true poses kept (4 s of wheel updates at 50 Hz), to render at a tf's stamp


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
        slip = None
        if rospy.get_param("~odom_noise", False):
            slip = WheelSlip(
                radius_error=tuple(rospy.get_param("~radius_error", [0.004, -0.004])),
                slip=rospy.get_param("~slip", 0.02),
                seed=rospy.get_param("~seed", 0),
            )
        self.world = World(
            self.grid, drive_geometry(robot), footprint_radius(robot), start, slip=slip
        )
        self.kinect = rospy.get_param("~kinect", "scan")
        if self.kinect not in ("scan", "depth"):
            raise ValueError(f"~kinect must be scan or depth, got {self.kinect!r}")
        self.camera = DepthCamera(
            width=rospy.get_param("~width", 160),
            height=rospy.get_param("~height", 120),
            range_min=rospy.get_param("~range_min", 0.45),
            range_max=rospy.get_param("~depth_max", 8.0),
            wall_height=rospy.get_param("~wall_height", 2.0),
            noise=rospy.get_param("~depth_noise", True),
        )
        self._rng = np.random.default_rng(rospy.get_param("~seed", 0))
        self._history: deque[tuple[float, Pose2D]] = deque([(0.0, start)], maxlen=HISTORY)
        self.scanner = DepthScanner(
            fov=math.radians(rospy.get_param("~fov_deg", 57.0)),
            beams=rospy.get_param("~beams", 640),
            range_min=rospy.get_param("~range_min", 0.45),
            range_max=rospy.get_param("~range_max", 8.0),
        )
        optical = self.kinect == "depth"
        self.frame_id = rospy.get_param(
            "~frame_id", "camera_depth_optical_frame" if optical else "camera_depth_frame"
        )
        self.base_frame = rospy.get_param("~base_frame", "base_footprint")
        self._lock = threading.Lock()
        self._wheels: tuple[float, float] | None = None
        self._blocked = False
        self._moved_at = 0.0  # wall time of the last wheel update
        self.tf_buffer = tf2_ros.Buffer()
        self._listener = tf2_ros.TransformListener(self.tf_buffer)
        scan, truth, grid = PUBLISHES
        if self.kinect == "scan":
            self.scan_pub = rospy.Publisher(scan, LaserScan, queue_size=1)
        else:
            image, info = DEPTH_PUBLISHES
            self.image_pub = rospy.Publisher(image, Image, queue_size=1)
            self.info_pub = rospy.Publisher(info, CameraInfo, queue_size=1)
        self.truth_pub = rospy.Publisher(truth, Odometry, queue_size=1)
        self.map_pub = rospy.Publisher(grid, OccupancyGrid, queue_size=1, latch=True)
        self.map_pub.publish(self._map_message())
        if rospy.get_param("~publish_map_odom", True):
            self._static = tf2_ros.StaticTransformBroadcaster()
            self._static.sendTransform(self._map_to_odom(start))
        rospy.Subscriber(SUBSCRIBES[0], JointState, self._on_wheels, queue_size=50)
        rate = rospy.get_param("~scan_rate", 10.0)
        self._period = 1.0 / rate
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
        truth = None
        with self._lock:
            if self._wheels is not None:
                moved = self.world.roll(angles[0] - self._wheels[0], angles[1] - self._wheels[1])
                if not moved and not self._blocked:
                    pose = self.world.pose
                    rospy.loginfo(
                        f"sim world: the robot ran into something at ({pose.x:.2f}, {pose.y:.2f}, "
                        f"{pose.yaw:.2f} rad) and stopped"
                    )
                self._blocked = not moved
                (then, before), stamp = self._history[-1], msg.header.stamp.to_sec()
                self._history.append((stamp, self.world.pose))
                truth = self._truth_message(self.world.pose, msg.header.stamp, before, stamp - then)
                self._moved_at = rospy.get_time()
            self._wheels = angles
        if truth is not None:
            self.truth_pub.publish(truth)

    def _camera_on_robot(self) -> TransformStamped | None:
        try:
            return self.tf_buffer.lookup_transform(self.base_frame, self.frame_id, rospy.Time(0))
        except tf2_ros.TransformException as error:
            rospy.logwarn_throttle(
                10,
                f"sim world: no scan until tf has {self.base_frame} -> {self.frame_id} "
                f"(is robot_state_publisher running with the URDF?): {error}",
            )
            return None

    def _pose_at(self, stamp: float) -> Pose2D:
        """The true pose at the wheel update nearest to `stamp` (the newest if it is later)."""
        with self._lock:
            history = list(self._history)
        index = bisect.bisect_left([t for t, _ in history], stamp)
        near = history[max(0, index - 1) : index + 1]
        return min(near, key=lambda item: abs(item[0] - stamp))[1]

    def _tick(self, _event: rospy.timer.TimerEvent) -> None:
        now = rospy.Time.now()
        with self._lock:
            pose, still = self.world.pose, rospy.get_time() - self._moved_at > self._period
        if still:  # no wheel update published it since the last tick
            self.truth_pub.publish(self._truth_message(pose, now))
        camera = self._camera_on_robot()
        if camera is None:
            return
        if self.kinect == "scan":
            ranges = self.world.scan(compose(pose, planar(camera)), self.scanner)
            self.scan_pub.publish(self._scan_message(ranges, now))
            return
        stamp = camera.header.stamp if camera.header.stamp.to_sec() > 0 else now
        robot = self._pose_at(stamp.to_sec())
        t, q = camera.transform.translation, camera.transform.rotation
        on_ground = rotation_matrix(robot.quaternion())
        position = on_ground @ np.array([t.x, t.y, t.z]) + np.array([robot.x, robot.y, 0.0])
        rotation = on_ground @ rotation_matrix((q.x, q.y, q.z, q.w))
        depth = render(self.grid, self.camera, position, rotation, self._rng)
        self._publish_depth(millimetres(depth), stamp)

    def _publish_depth(self, depth_mm: np.ndarray, stamp: rospy.Time) -> None:
        image = Image()
        image.header.stamp, image.header.frame_id = stamp, self.frame_id
        image.height, image.width = depth_mm.shape
        image.encoding, image.is_bigendian = "16UC1", 0
        image.step = 2 * image.width
        image.data = depth_mm.astype("<u2").tobytes()
        info = CameraInfo()
        info.header = image.header
        info.height, info.width = image.height, image.width
        info.distortion_model = "plumb_bob"
        info.D = [0.0] * 5
        f, (cx, cy) = self.camera.focal, self.camera.centre
        info.K = [f, 0.0, cx, 0.0, f, cy, 0.0, 0.0, 1.0]
        info.R = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
        info.P = [f, 0.0, cx, 0.0, 0.0, f, cy, 0.0, 0.0, 0.0, 1.0, 0.0]
        self.image_pub.publish(image)
        self.info_pub.publish(info)

    def _scan_message(self, ranges: np.ndarray, stamp: rospy.Time) -> LaserScan:
        msg = LaserScan()
        msg.header.stamp, msg.header.frame_id = stamp, self.frame_id
        msg.angle_min, msg.angle_max = -self.scanner.fov / 2, self.scanner.fov / 2
        msg.angle_increment = self.scanner.angle_increment
        msg.scan_time = 1.0 / 30  # the Kinect's frame period, as depthimage_to_laserscan says
        msg.range_min, msg.range_max = self.scanner.range_min, self.scanner.range_max
        msg.ranges = ranges.astype(float).tolist()
        return msg

    def _truth_message(
        self, pose: Pose2D, stamp: rospy.Time, before: Pose2D | None = None, dt: float = 0.0
    ) -> Odometry:
        """The true pose; with the pose `dt` seconds `before`, the body's velocity too."""
        msg = Odometry()
        msg.header.stamp, msg.header.frame_id = stamp, "map"
        msg.child_frame_id = self.base_frame
        msg.pose.pose.position.x, msg.pose.pose.position.y = pose.x, pose.y
        msg.pose.pose.orientation = Quaternion(*pose.quaternion())
        if before is not None and dt > 0.0:
            dx, dy, turn = pose.x - before.x, pose.y - before.y, pose.yaw - before.yaw
            forward = dx * math.cos(before.yaw) + dy * math.sin(before.yaw)
            msg.twist.twist.linear.x = forward / dt
            msg.twist.twist.angular.z = math.atan2(math.sin(turn), math.cos(turn)) / dt
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
