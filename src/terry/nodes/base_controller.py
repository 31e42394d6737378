"""The differential-drive base controller: /cmd_vel in, wheel speeds to the base firmware over the
serial link, wheel encoder counts back, /odom and tf odom -> base_footprint out.

Subscribes: cmd_vel (geometry_msgs/Twist), estop (std_msgs/Bool, latched), scan (the Kinect).
Publishes: odom (nav_msgs/Odometry), joint_states (the two wheel joints), tf odom -> base_footprint,
diagnostics (the base board link's health, 1 Hz).
Speeds and accelerations are limited, a command older than ~timeout stops the base (deadman),
forward speed is capped so the base stops before an obstacle ahead enters the Kinect's blind
spot (~obstacle_guard), and the firmware stops its motors by itself when the host falls silent.
"""

from __future__ import annotations

import numpy as np
import rospy
import tf2_ros
from diagnostic_msgs.msg import DiagnosticArray
from geometry_msgs.msg import Quaternion, TransformStamped, Twist
from nav_msgs.msg import Odometry
from sensor_msgs.msg import JointState, LaserScan
from std_msgs.msg import Bool

from terry.base.board import BaseBoard
from terry.base.drive import DriveLimits, EncoderOdometry, Pose2D, VelocityGovernor
from terry.base.guard import GuardSettings, forward_speed_limit
from terry.model import WHEEL_JOINTS, drive_geometry, footprint_radius, load_robot
from terry.nodes.link_diagnostics import link_status, publish_status

PUBLISHES = ("odom", "joint_states", "diagnostics")
SUBSCRIBES = ("cmd_vel", "estop", "scan")
SCAN_MAX_AGE = 1.0  # s; an older scan says nothing about the way ahead
POSE_COVARIANCE = (0.01, 0.01, 1e6, 1e6, 1e6, 0.03)  # x, y well known; z, roll, pitch unused


class BaseController:
    def __init__(self) -> None:
        robot = load_robot()
        self.geometry = drive_geometry(robot)
        self.limits = DriveLimits(
            max_linear=rospy.get_param("~max_linear", 0.5),
            max_angular=rospy.get_param("~max_angular", 2.0),
            max_linear_accel=rospy.get_param("~max_linear_accel", 1.0),
            max_angular_accel=rospy.get_param("~max_angular_accel", 2.0),
            timeout=rospy.get_param("~timeout", 0.5),
        )
        self.governor = VelocityGovernor(self.limits)
        self.odom_frame = rospy.get_param("~odom_frame", "odom")
        self.base_frame = rospy.get_param("~base_frame", "base_footprint")
        self.publish_tf = rospy.get_param("~publish_tf", True)
        self.guard = (
            GuardSettings(footprint_radius(robot), self.limits.max_linear_accel)
            if rospy.get_param("~obstacle_guard", True)
            else None
        )
        self._scan_cap: tuple[float, float] | None = None  # (cap m/s, when)
        self.tf_buffer = tf2_ros.Buffer()
        self._tf_listener = tf2_ros.TransformListener(self.tf_buffer)
        self.board = BaseBoard(
            rospy.get_param("~port", "/dev/ttyACM0"), rospy.get_param("~baud", 115200)
        )
        self.odometry = EncoderOdometry(self.geometry, self.board.ticks_per_rev)
        self._reconnects = self.board.link.health.reconnects
        odom, joints, diagnostics = PUBLISHES
        self.odom_pub = rospy.Publisher(odom, Odometry, queue_size=10)
        self.joint_pub = rospy.Publisher(joints, JointState, queue_size=10)
        self.diagnostics_pub = rospy.Publisher(diagnostics, DiagnosticArray, queue_size=1)
        self.tf = tf2_ros.TransformBroadcaster()
        cmd_vel, estop, scan = SUBSCRIBES
        rospy.Subscriber(cmd_vel, Twist, self._on_cmd_vel, queue_size=1)
        rospy.Subscriber(estop, Bool, self._on_estop, queue_size=1)
        if self.guard is not None:
            rospy.Subscriber(scan, LaserScan, self._on_scan, queue_size=1)
        rate = rospy.get_param("~rate", 50.0)
        self._timer = rospy.Timer(rospy.Duration(1.0 / rate), self._tick)
        self._health_timer = rospy.Timer(rospy.Duration(1.0), self._report_health)

    def _on_cmd_vel(self, msg: Twist) -> None:
        reason = self.governor.command(msg.linear.x, msg.angular.z, rospy.get_time())
        if reason:
            rospy.logerr_throttle(2, f"base: {reason}")

    def _on_estop(self, msg: Bool) -> None:
        if msg.data != self.governor.estopped:
            rospy.logwarn(f"base: e-stop {'engaged' if msg.data else 'released'}")
        self.governor.set_estop(msg.data)
        self.board.estop(msg.data)
        if msg.data:
            self.board.command(0.0, 0.0)

    def _on_scan(self, msg: LaserScan) -> None:
        try:
            tf = self.tf_buffer.lookup_transform(
                self.base_frame, msg.header.frame_id, rospy.Time(0)
            )
        except tf2_ros.TransformException as error:
            rospy.logwarn_throttle(10, f"base: obstacle guard has no pose for the scan: {error}")
            return
        t, q = tf.transform.translation, tf.transform.rotation
        sensor = Pose2D.projected(t.x, t.y, (q.x, q.y, q.z, q.w))
        ranges = np.asarray(msg.ranges, dtype=float)
        angles = msg.angle_min + msg.angle_increment * np.arange(len(ranges))
        cap = forward_speed_limit(ranges, angles, sensor, self.guard)
        self._scan_cap = (cap, rospy.get_time())

    def _forward_cap(self, now: float) -> float:
        if self.guard is None:
            return float("inf")
        if self._scan_cap is None or now - self._scan_cap[1] > SCAN_MAX_AGE:
            rospy.logwarn_throttle(
                10,
                f"base: no fresh /scan: forward speed capped at {self.guard.blind_speed} m/s "
                "(set ~obstacle_guard false to drive without the Kinect)",
            )
            return self.guard.blind_speed
        return self._scan_cap[0]

    def _tick(self, _event: rospy.timer.TimerEvent) -> None:
        now = rospy.get_time()
        self.governor.forward_cap = self._forward_cap(now)
        linear, angular = self.governor.update(now)
        self.board.command(*self.geometry.wheel_speeds(linear, angular))
        counts = self.board.encoders()
        if counts is None:
            return
        reconnects = self.board.link.health.reconnects
        if reconnects != self._reconnects:  # the board may have reset its counters
            self._reconnects = reconnects
            self.odometry.restart_counts()
            rospy.logwarn("base: the board reconnected; odometry continues from where it was")
        stamp = rospy.Time.now()
        self.odometry.update(counts[0], counts[1], stamp.to_sec())
        self._publish(stamp)

    def _publish(self, stamp: rospy.Time) -> None:
        o = self.odometry
        msg = Odometry()
        msg.header.stamp, msg.header.frame_id = stamp, self.odom_frame
        msg.child_frame_id = self.base_frame
        msg.pose.pose.position.x, msg.pose.pose.position.y = o.pose.x, o.pose.y
        msg.pose.pose.orientation = Quaternion(*o.pose.quaternion())
        msg.pose.covariance = [
            POSE_COVARIANCE[i] if i == j else 0.0 for i in range(6) for j in range(6)
        ]
        msg.twist.twist.linear.x, msg.twist.twist.angular.z = o.linear, o.angular
        self.odom_pub.publish(msg)
        if self.publish_tf:
            tf = TransformStamped()
            tf.header = msg.header
            tf.child_frame_id = self.base_frame
            tf.transform.translation.x, tf.transform.translation.y = o.pose.x, o.pose.y
            tf.transform.rotation = msg.pose.pose.orientation
            self.tf.sendTransform(tf)
        joints = JointState()
        joints.header.stamp = stamp
        joints.name = list(WHEEL_JOINTS)
        joints.position = list(o.wheel_angles)
        joints.velocity = list(self.geometry.wheel_speeds(o.linear, o.angular))
        self.joint_pub.publish(joints)

    def _report_health(self, _event: rospy.timer.TimerEvent) -> None:
        publish_status(self.diagnostics_pub, link_status("base board", self.board.link))

    def shutdown(self) -> None:
        self.board.command(0.0, 0.0)
        self.board.close()


def main() -> None:
    rospy.init_node("base_controller")
    try:
        controller = BaseController()
    except ValueError as error:
        rospy.logfatal(f"base: {error}")
        raise SystemExit(1) from error
    rospy.on_shutdown(controller.shutdown)
    rospy.spin()
