"""The IMU node: samples from the IMU firmware over the serial link to /imu/data_raw
(sensor_msgs/Imu in imu_link, SI units, covariances) and /imu/data (with orientation from a
Madgwick filter), stamped when the board took each sample (terry.sensors.board_clock), not
when a busy host read it; link health on /diagnostics. Both carry calibrated readings: the gyro
bias, accelerometer offsets and scale in ~calibration (default config/calibration/imu.yaml,
written by terry.bringup.calibrate_imu; terry.sensors.imu_calibration), and with
~calibrate_at_rest (default: only when there is no calibration file) the gyro's bias measured
at rest on start instead of the file's. imu/uncalibrated (sensor_msgs/Imu, no orientation):
the board's readings in SI units before any calibration, published only while someone listens
(the calibration tool).

Params: ~port (required; launch/imu.launch passes it), ~baud, ~accel_range (g), ~gyro_range
(deg/s), ~rate (Hz), ~frame_id, ~calibration, ~calibrate_at_rest, ~calibration_samples
(readings averaged at rest), ~beta (filter gain).
"""

from __future__ import annotations

import rospy
from diagnostic_msgs.msg import DiagnosticStatus, KeyValue
from geometry_msgs.msg import Quaternion, Vector3
from sensor_msgs.msg import Imu

from terry.nodes.link_diagnostics import BoardReport
from terry.nodes.startup import start
from terry.sensors.board_clock import BoardClock
from terry.sensors.imu import ACCEL_VARIANCE, GYRO_VARIANCE, ImuBoard, ImuReading, ImuSettings
from terry.sensors.imu_calibration import ImuCalibration, load
from terry.sensors.imu_filter import GyroCalibration, Madgwick

ORIENTATION_VARIANCE = (0.0004, 0.0004, 1e6)  # roll and pitch ~1 deg; yaw unknown (no compass)


def diagonal(values: tuple[float, float, float]) -> list[float]:
    return [values[i] if i == j else 0.0 for i in range(3) for j in range(3)]


ACCEL_COVARIANCE = diagonal((ACCEL_VARIANCE,) * 3)
GYRO_COVARIANCE = diagonal((GYRO_VARIANCE,) * 3)
ORIENTATION_COVARIANCE = diagonal(ORIENTATION_VARIANCE)
NO_ORIENTATION = [-1.0] + [0.0] * 8  # covariance[0] = -1: no orientation in the raw message


class ImuNode:
    def __init__(self) -> None:
        settings = ImuSettings(
            rospy.get_param("~accel_range", 4),
            rospy.get_param("~gyro_range", 500),
            rospy.get_param("~rate", 200),
        )
        self.frame_id = rospy.get_param("~frame_id", "imu_link")
        loaded, path = load(rospy.get_param("~calibration", None))
        self.calibration = loaded or ImuCalibration()
        rospy.loginfo(f"imu: calibration {loaded or 'none'} ({path})")
        self.rest: GyroCalibration | None = None
        if rospy.get_param("~calibrate_at_rest", loaded is None):
            self.rest = GyroCalibration(rospy.get_param("~calibration_samples", 200))
            rospy.loginfo("imu: calibrating the gyro: keep the robot still")
        self.filter = Madgwick(rospy.get_param("~beta", 0.05))
        self.raw_pub = rospy.Publisher("imu/data_raw", Imu, queue_size=20)
        self.data_pub = rospy.Publisher("imu/data", Imu, queue_size=20)
        self.uncalibrated_pub = rospy.Publisher("imu/uncalibrated", Imu, queue_size=50)
        self._last_time: float | None = None
        self.clock = BoardClock()  # stamps: when the board took each sample
        self._restarts = 0
        self.report = BoardReport("IMU board", self._adjust_status)
        self.board = ImuBoard(
            rospy.get_param("~port"),
            rospy.get_param("~baud", 115200),
            settings,
            self._on_reading,
            on_up=self.report.on_up,
            on_lost=self.report.on_lost,
        )
        self.report.watch(self.board.link)
        self.board.start()

    def _on_reading(self, reading: ImuReading) -> None:
        stamp = rospy.Time.from_sec(self.clock.host_time(reading.time, rospy.get_time()))
        if self.uncalibrated_pub.get_num_connections():
            self.uncalibrated_pub.publish(self._message(reading.accel, reading.gyro, stamp))
        rest = self.rest
        if rest is not None and not rest.add(reading.gyro):
            if rest.restarts != self._restarts:
                self._restarts = rest.restarts
                rospy.logwarn("imu: the IMU moved during gyro calibration; starting again")
            return
        if rest is not None and self._last_time is None:
            rospy.loginfo(f"imu: gyro bias {rest.bias} rad/s, measured at rest")
        gyro = rest.correct(reading.gyro) if rest else self.calibration.gyro(reading.gyro)
        accel = self.calibration.accel(reading.accel)
        dt = reading.time - self._last_time if self._last_time is not None else 0.0
        self._last_time = reading.time
        if not 0.0 <= dt < 0.5:  # a board reset or a long gap: restart the integration
            dt = 0.0
        msg = self._message(accel, gyro, stamp)
        self.raw_pub.publish(msg)
        w, x, y, z = self.filter.update(gyro, accel, dt)
        msg.orientation = Quaternion(x, y, z, w)
        msg.orientation_covariance = ORIENTATION_COVARIANCE
        self.data_pub.publish(msg)

    def _message(self, accel: tuple[float, ...], gyro: tuple[float, ...], stamp: rospy.Time) -> Imu:
        """An Imu message without orientation, as imu/data_raw carries it."""
        msg = Imu()
        msg.header.stamp = stamp
        msg.header.frame_id = self.frame_id
        msg.linear_acceleration = Vector3(*accel)
        msg.angular_velocity = Vector3(*gyro)
        msg.linear_acceleration_covariance = ACCEL_COVARIANCE
        msg.angular_velocity_covariance = GYRO_COVARIANCE
        msg.orientation_covariance = NO_ORIENTATION
        return msg

    def _adjust_status(self, status: DiagnosticStatus) -> None:
        status.values.append(KeyValue("samples", str(self.board.samples)))
        if status.level == DiagnosticStatus.OK and self.rest and self.rest.bias is None:
            status.level, status.message = DiagnosticStatus.WARN, "calibrating the gyro"


def main() -> None:
    node = start("imu", ImuNode)
    rospy.on_shutdown(node.board.close)
    rospy.spin()
