"""The differential-drive base controller: /cmd_vel in, wheel speeds to the base firmware over the
serial link, wheel encoder counts back, /odom and tf odom -> base_footprint out.

Subscribes: cmd_vel (geometry_msgs/Twist), estop (std_msgs/Bool, latched).
Publishes: odom (nav_msgs/Odometry), joint_states (the two wheel joints), tf odom -> base_footprint.
Speeds and accelerations are limited, a command older than ~timeout stops the base (deadman),
and the firmware stops its motors by itself when the host falls silent.
"""

from __future__ import annotations

import rospy
import tf2_ros
from geometry_msgs.msg import Quaternion, TransformStamped, Twist
from nav_msgs.msg import Odometry
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool

from terry.base_board import BaseBoard
from terry.diff_drive import DriveLimits, EncoderOdometry, VelocityGovernor
from terry.robot_model import drive_geometry, load_robot

PUBLISHES = ("odom", "joint_states")
SUBSCRIBES = ("cmd_vel", "estop")
WHEELS = ("left_wheel_joint", "right_wheel_joint")
POSE_COVARIANCE = (0.01, 0.01, 1e6, 1e6, 1e6, 0.03)  # x, y well known; z, roll, pitch unused


class BaseController:
    def __init__(self) -> None:
        self.geometry = drive_geometry(load_robot())
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
        self.board = BaseBoard(
            rospy.get_param("~port", "/dev/ttyACM0"), rospy.get_param("~baud", 115200)
        )
        self.odometry = EncoderOdometry(self.geometry, self.board.ticks_per_rev)
        odom, joints = PUBLISHES
        self.odom_pub = rospy.Publisher(odom, Odometry, queue_size=10)
        self.joint_pub = rospy.Publisher(joints, JointState, queue_size=10)
        self.tf = tf2_ros.TransformBroadcaster()
        cmd_vel, estop = SUBSCRIBES
        rospy.Subscriber(cmd_vel, Twist, self._on_cmd_vel, queue_size=1)
        rospy.Subscriber(estop, Bool, self._on_estop, queue_size=1)
        rate = rospy.get_param("~rate", 50.0)
        self._timer = rospy.Timer(rospy.Duration(1.0 / rate), self._tick)

    def _on_cmd_vel(self, msg: Twist) -> None:
        reason = self.governor.command(msg.linear.x, msg.angular.z, rospy.get_time())
        if reason:
            rospy.logerr_throttle(2, f"base: {reason}")

    def _on_estop(self, msg: Bool) -> None:
        if msg.data != self.governor.estopped:
            rospy.logwarn(f"base: e-stop {'engaged' if msg.data else 'released'}")
        self.governor.set_estop(msg.data)
        if msg.data:
            self.board.command(0.0, 0.0)

    def _tick(self, _event: rospy.timer.TimerEvent) -> None:
        linear, angular = self.governor.update(rospy.get_time())
        self.board.command(*self.geometry.wheel_speeds(linear, angular))
        counts = self.board.encoders()
        if counts is None:
            return
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
        joints.name = list(WHEELS)
        joints.position = list(o.wheel_angles)
        joints.velocity = list(self.geometry.wheel_speeds(o.linear, o.angular))
        self.joint_pub.publish(joints)

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
