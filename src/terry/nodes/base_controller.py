"""The differential-drive base controller: /cmd_vel in, wheel speeds to the base firmware over the
serial link, wheel encoder counts back, /odom and tf odom -> base_footprint out.

Subscribes: cmd_vel (geometry_msgs/Twist), estop/state (std_msgs/Bool, latched, from the estop
node in launch/safety.launch), scan (the Kinect), imu/data (sensor_msgs/Imu).
Publishes: odom (nav_msgs/Odometry), joint_states (the two wheel joints), tf odom -> base_footprint,
diagnostics (the base board link's health, 1 Hz). All three at ~rate (50 Hz) while the base moves
or is commanded, at ~rest_rate (10 Hz) while it stands still. battery (sensor_msgs/BatteryState)
and a "base battery" diagnostic with each report from the board (1 Hz).
Low battery (terry.base.battery; ~battery_cells, ~battery_level_warn, ~battery_level_slow,
~battery_level_critical, ~battery_slow_scale): warn, then slow the base, then call arm/relax
and park the Kinect (pan/velocity 0, tilt/command 0) once.
Speeds and accelerations are limited, a command older than ~timeout stops the base (deadman),
forward speed is capped so the base stops before an obstacle ahead enters the Kinect's blind
spot (~obstacle_guard; terry.base.guard), judged on what the Kinect saw over the last
~guard_memory s and ~guard_travel m of driving (a terry.sensors.radar.Radar of the scans, placed
with tf: a sweeping Kinect keeps the way ahead known between its passes, and an obstacle seen on
the way in stays known inside the blind spot; 0: the newest scan alone); where nothing was seen
ahead, forward speed is ~blind_speed (0.1 m/s; 0: the base waits until the Kinect has looked),
and the firmware stops its motors by itself when the host falls silent.
The base starts stopped: /cmd_vel is refused until the e-stop state has been heard, and the base
stops when it says engaged or falls silent (terry.safety.estop.EstopWatch). ~port is required
(launch/base.launch passes it); the node waits for the board without blocking, and reconnects.
Heading: with ~gyro (default true) odometry turns by the IMU's yaw rate (imu/data, rotated into
the base frame with tf; terry.base.gyro) while it is fresh, by the wheels otherwise.
Wheel radius and separation: the URDF's, overridden by ~calibration (default
config/calibration/odometry.yaml, written by terry.bringup.calibrate_odom) when it exists.
The wheel motors' gains and limits: dynamic_reconfigure (terry.nodes.tuning_server), ~tuning_file.
"""

from __future__ import annotations

import math
import threading

import numpy as np
import rospy
import tf2_ros
from geometry_msgs.msg import Quaternion, TransformStamped, Twist
from nav_msgs.msg import Odometry
from sensor_msgs.msg import Imu, JointState, LaserScan
from std_msgs.msg import Bool, Float64
from std_srvs.srv import Trigger

from terry.base.battery import BatteryPolicy, BatterySpec, Levels
from terry.base.board import BaseBoard, twist_refusal
from terry.base.drive import DriveLimits, EncoderOdometry, Pose2D, VelocityGovernor
from terry.base.guard import GuardSettings, forward_speed_limit
from terry.base.gyro import GyroTurn
from terry.calibration.odometry import drive_geometry_for
from terry.model import WHEEL_JOINTS, footprint_radius, load_robot
from terry.nodes.battery_report import BatteryReport
from terry.nodes.link_diagnostics import BoardReport, guarded
from terry.nodes.radar import planar
from terry.nodes.startup import start
from terry.nodes.tuning_server import motor_spec, serve_tuning
from terry.safety.estop import STATE_TOPIC, Change, EstopWatch
from terry.sensors.pacing import Pacer
from terry.sensors.radar import Radar, SectorScan

PUBLISHES = ("odom", "joint_states", "diagnostics", "battery")
PARKING = ("pan/velocity", "tilt/command")  # the Kinect's pan stops, its tilt levels
RELAX = "arm/relax"
SUBSCRIBES = ("cmd_vel", STATE_TOPIC, "scan", "imu/data")
SCAN_MAX_AGE = 1.0  # s; an older scan says nothing about the way ahead
TF_WAIT = rospy.Duration(0.1)  # s a scan waits for tf to catch up with its stamp
POSE_COVARIANCE = (0.01, 0.01, 1e6, 1e6, 1e6, 0.03)  # x, y well known; z, roll, pitch unused


class BaseController:
    def __init__(self) -> None:
        robot = load_robot()
        self.geometry, source = drive_geometry_for(robot, rospy.get_param("~calibration", None))
        rospy.loginfo(
            f"base: wheel radius {self.geometry.wheel_radius:.4f} m, separation "
            f"{self.geometry.wheel_separation:.4f} m: {source}"
        )
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
            GuardSettings(
                footprint_radius(robot),
                self.limits.max_linear_accel,
                blind_speed=self._non_negative("blind_speed", 0.1),
            )
            if rospy.get_param("~obstacle_guard", True)
            else None
        )
        memory = self._non_negative("guard_memory", 45.0)
        # odometry errs about 1 % of the distance (docs/base.md): a few cm over 2 m
        travel = self._non_negative("guard_travel", 2.0)
        if not travel > 0:
            raise ValueError("~guard_travel must be > 0 m")
        self._seen = (
            Radar(max_age=memory, max_travel=travel, max_turn=math.pi)  # any turn
            if self.guard is not None and memory > 0
            else None
        )
        self._scan_cap: tuple[float, float] | None = None  # (cap m/s, when)
        self.tf_buffer = tf2_ros.Buffer()
        self._tf_listener = tf2_ros.TransformListener(self.tf_buffer)
        self.report = BoardReport("base board")
        self.battery_policy = BatteryPolicy(
            BatterySpec(cells=rospy.get_param("~battery_cells", 3)),
            Levels(
                warn=rospy.get_param("~battery_level_warn", 0.3),
                slow=rospy.get_param("~battery_level_slow", 0.2),
                critical=rospy.get_param("~battery_level_critical", 0.1),
                slow_scale=rospy.get_param("~battery_slow_scale", 0.5),
            ),
        )
        self.battery_report = BatteryReport(
            "battery", self.battery_policy.spec.cells, self.base_frame
        )
        # Latched: a pan/tilt node that starts (or restarts) later still parks.
        self.park_pubs = [rospy.Publisher(n, Float64, queue_size=1, latch=True) for n in PARKING]
        self.board = BaseBoard(
            rospy.get_param("~port"),
            rospy.get_param("~baud", 115200),
            on_up=self._on_up,
            on_lost=self.report.on_lost,
            on_battery=guarded(self._on_battery),
            tuning=motor_spec("wheel"),
        )
        self.tuning = serve_tuning(self.board.tuner)
        self.odometry: EncoderOdometry | None = None  # made when the board says its ticks/rev
        self._board_restarted = False
        self.estop = EstopWatch()
        self.governor.set_estop(True)  # stopped until the e-stop state says otherwise
        self.board.estop(True)
        odom, joints, _diagnostics, _battery = PUBLISHES
        self.odom_pub = rospy.Publisher(odom, Odometry, queue_size=10)
        self.joint_pub = rospy.Publisher(joints, JointState, queue_size=10)
        self.tf = tf2_ros.TransformBroadcaster()
        self.report.watch(self.board.link)
        cmd_vel, estop, scan, imu = SUBSCRIBES
        self.gyro: GyroTurn | None = None
        self._gyro_axis: tuple[float, float, float] | None = None  # imu axes -> base z
        self._gyro_used = False
        if rospy.get_param("~gyro", True):
            self.gyro = GyroTurn(
                rospy.get_param("~gyro_max_gap", 0.1), rospy.get_param("~gyro_max_silence", 0.5)
            )
            rospy.Subscriber(imu, Imu, guarded(self._on_imu), queue_size=50)
        rospy.Subscriber(cmd_vel, Twist, guarded(self._on_cmd_vel), queue_size=1)
        rospy.Subscriber(estop, Bool, guarded(self._on_estop_state), queue_size=1)
        self._estop_timer = rospy.Timer(rospy.Duration(0.2), guarded(self._check_estop))
        if self.guard is not None:
            rospy.Subscriber(scan, LaserScan, guarded(self._on_scan), queue_size=1)
        self.pacer = Pacer(rospy.get_param("~rest_rate", 10.0))
        rate = rospy.get_param("~rate", 50.0)
        self._timer = rospy.Timer(rospy.Duration(1.0 / rate), guarded(self._tick))
        self.board.start()

    def _on_up(self) -> None:
        self._board_restarted = True  # the board may have reset its counters
        self.report.on_up()

    def _on_battery(self, volts: float) -> None:
        """A report from the board: apply the policy, publish /battery and the diagnostic."""
        try:
            step = self.battery_policy.update(volts, rospy.get_time())
        except ValueError as error:
            rospy.logerr_throttle(10, f"base: {error}; ignored")
            return
        self.governor.speed_scale = step.speed_scale
        if step.changed:
            (rospy.logwarn if step.stage else rospy.loginfo)(f"base: {step.text()}")
        if step.relax_and_park:
            threading.Thread(target=self._relax_and_park, daemon=True).start()
        self.battery_report.publish(volts, step, self.board.link.port)

    def _relax_and_park(self) -> None:
        for publisher in self.park_pubs:
            publisher.publish(Float64(0.0))
        try:
            rospy.wait_for_service(RELAX, timeout=5.0)
            reply = rospy.ServiceProxy(RELAX, Trigger)()
            done = f"arm relaxed ({reply.message})" if reply.success else reply.message
        except (rospy.ROSException, rospy.ServiceException) as error:
            done = f"could not relax the arm: {error}"
        rospy.logwarn(f"base: battery critical: Kinect parked; {done}")

    def _on_cmd_vel(self, msg: Twist) -> None:
        now = rospy.get_time()
        if self.estop.stopped(now):
            rospy.logerr_throttle(2, f"base: /cmd_vel refused: {self.estop.reason(now)}")
            return
        (lx, ly, lz), (ax, ay, az) = ((v.x, v.y, v.z) for v in (msg.linear, msg.angular))
        reason = twist_refusal(self.geometry, (lx, ly, lz, ax, ay, az))
        reason = reason or self.governor.command(lx, az, now)
        if reason:
            rospy.logerr_throttle(2, f"base: {reason}")

    def _on_estop_state(self, msg: Bool) -> None:
        self._apply(self.estop.heard(msg.data, rospy.get_time()))

    def _check_estop(self, _event: rospy.timer.TimerEvent) -> None:
        self._apply(self.estop.check(rospy.get_time()))

    def _apply(self, change: Change | None) -> None:
        if change is None:
            return
        (rospy.logwarn if change.stopped else rospy.loginfo)(f"base: {change.reason}")
        self.governor.set_estop(change.stopped)
        self.board.estop(change.stopped)
        if change.stopped:
            self.board.command(0.0, 0.0)

    def _mount(self, frame: str, what: str) -> TransformStamped | None:
        """Where a sensor's frame sits on the base (tf); None, logged, while tf lacks it."""
        try:
            return self.tf_buffer.lookup_transform(self.base_frame, frame, rospy.Time(0))
        except tf2_ros.TransformException as error:
            rospy.logwarn_throttle_identical(10, f"base: {what}: {error}")
            return None

    @staticmethod
    def _non_negative(name: str, default: float) -> float:
        value = rospy.get_param(f"~{name}", default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise ValueError(f"~{name} must be a number >= 0, got {value!r}")
        return float(value)

    def _on_scan(self, msg: LaserScan) -> None:
        tf = self._mount(msg.header.frame_id, "obstacle guard has no pose for the scan")
        if tf is None:
            return
        sensor = planar(tf)
        ranges = np.asarray(msg.ranges, dtype=float)
        angles = msg.angle_min + msg.angle_increment * np.arange(len(ranges))
        circle = self._remember(msg) if self._seen is not None else None
        if circle is None:
            cap = forward_speed_limit(ranges, angles, sensor, self.guard)
        else:
            cap = forward_speed_limit(circle, self._circle_angles, Pose2D(), self.guard, sensor.x)
        self._scan_cap = (cap, rospy.get_time())

    @property
    def _circle_angles(self) -> np.ndarray:
        assert self._seen is not None
        return self._seen.angle_min + self._seen.angle_increment * np.arange(self._seen.bins)

    def _remember(self, msg: LaserScan) -> np.ndarray | None:
        """Add a scan to what the guard has seen; the circle around the base now, or None (the
        newest scan alone is judged) while tf cannot place it."""
        assert self._seen is not None
        stamp = msg.header.stamp
        try:
            seen_from = planar(self._odom_pose(msg.header.frame_id, stamp))
            base_then = planar(self._odom_pose(self.base_frame, stamp))
            base_now = planar(self._odom_pose(self.base_frame, rospy.Time(0)))
            scan = SectorScan(
                msg.ranges, msg.angle_min, msg.angle_increment, msg.range_min, msg.range_max
            )
            self._seen.add(stamp.to_sec(), scan, seen_from, base_then)
            return self._seen.ranges(stamp.to_sec(), base_now)
        except (tf2_ros.TransformException, ValueError) as error:
            rospy.logwarn_throttle(10, f"base: the obstacle guard judges the newest scan: {error}")
            return None

    def _odom_pose(self, frame: str, stamp: rospy.Time) -> TransformStamped:
        return self.tf_buffer.lookup_transform(self.odom_frame, frame, stamp, TF_WAIT)

    def _on_imu(self, msg: Imu) -> None:
        if self._gyro_axis is None:
            tf = self._mount(msg.header.frame_id, "gyro unused, no pose for the IMU")
            if tf is None:
                return
            x, y, z, w = (getattr(tf.transform.rotation, a) for a in "xyzw")
            # the base's z axis in the IMU's frame: the last row of the rotation matrix
            self._gyro_axis = (2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y))
        w = msg.angular_velocity
        rate = sum(a * b for a, b in zip(self._gyro_axis, (w.x, w.y, w.z), strict=True))
        assert self.gyro is not None
        try:
            self.gyro.add(rate, msg.header.stamp.to_sec())
        except ValueError as error:
            rospy.logwarn_throttle(10, f"base: {error}")

    def _gyro_turn(self, now: float) -> float | None:
        """The gyro's turn since the last odometry update, or None (then the wheels')."""
        if self.gyro is None:
            return None
        turn = self.gyro.take(now)
        if (turn is not None) != self._gyro_used:
            self._gyro_used = turn is not None
            source = "the gyro" if self._gyro_used else "the wheels (the gyro fell silent)"
            log = rospy.loginfo_throttle if self._gyro_used else rospy.logwarn_throttle
            log(10, f"base: heading from {source}")
        return turn

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
        o = self.odometry
        turning = o is not None and (o.linear != 0.0 or o.angular != 0.0)
        moving = linear != 0.0 or angular != 0.0 or turning or not self.governor.timed_out(now)
        if not self.pacer.due(now, moving):
            return
        self.board.command(*self.geometry.wheel_speeds(linear, angular))
        counts = self.board.encoders()
        if counts is None:
            return
        if self.odometry is None:
            self.odometry = EncoderOdometry(self.geometry, self.board.ticks_per_rev)
            self._board_restarted = False
        elif self._board_restarted:
            self._board_restarted = False
            self.odometry.restart_counts()
            rospy.logwarn("base: the board reconnected; odometry continues from where it was")
        stamp = rospy.Time.now()
        turn = self._gyro_turn(stamp.to_sec())
        self.odometry.update(counts[0], counts[1], stamp.to_sec(), turn)
        self._publish(stamp)

    def _publish(self, stamp: rospy.Time) -> None:
        o = self.odometry
        assert o is not None
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

    def shutdown(self) -> None:
        self.board.command(0.0, 0.0)
        self.board.close()


def main() -> None:
    controller = start("base_controller", BaseController)
    rospy.on_shutdown(controller.shutdown)
    rospy.spin()
