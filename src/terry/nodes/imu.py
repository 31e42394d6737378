"""The IMU node: samples from the IMU firmware over the serial link to /imu/data_raw
(sensor_msgs/Imu in imu_link, SI units, covariances) and /imu/data (with orientation from a
Madgwick filter), after calibrating the gyro's bias at rest on start; link health on /diagnostics.

Params: ~port (required; launch/imu.launch passes it), ~baud, ~accel_range (g), ~gyro_range
(deg/s), ~rate (Hz), ~frame_id, ~calibration_samples (readings averaged at rest), ~beta (filter
gain).
"""

from __future__ import annotations

import rospy
from diagnostic_msgs.msg import DiagnosticStatus, KeyValue
from geometry_msgs.msg import Quaternion, Vector3
from sensor_msgs.msg import Imu

from terry.nodes.link_diagnostics import BoardReport
from terry.nodes.startup import start
from terry.sensors.imu import ACCEL_VARIANCE, GYRO_VARIANCE, ImuBoard, ImuReading, ImuSettings
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
        self.calibration = GyroCalibration(rospy.get_param("~calibration_samples", 200))
        self.filter = Madgwick(rospy.get_param("~beta", 0.05))
        self.raw_pub = rospy.Publisher("imu/data_raw", Imu, queue_size=20)
        self.data_pub = rospy.Publisher("imu/data", Imu, queue_size=20)
        self._last_time: float | None = None
        self._restarts = 0
        self.report = BoardReport("IMU board", self._adjust_status)
        rospy.loginfo("imu: calibrating the gyro: keep the robot still")
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
        if not self.calibration.add(reading.gyro):
            if self.calibration.restarts != self._restarts:
                self._restarts = self.calibration.restarts
                rospy.logwarn("imu: the IMU moved during gyro calibration; starting again")
            return
        if self._last_time is None:
            rospy.loginfo(f"imu: gyro bias {self.calibration.bias} rad/s")
        gyro = self.calibration.correct(reading.gyro)
        dt = reading.time - self._last_time if self._last_time is not None else 0.0
        self._last_time = reading.time
        if not 0.0 <= dt < 0.5:  # a board reset or a long gap: restart the integration
            dt = 0.0
        msg = Imu()
        msg.header.stamp = rospy.Time.now()
        msg.header.frame_id = self.frame_id
        msg.linear_acceleration = Vector3(*reading.accel)
        msg.angular_velocity = Vector3(*gyro)
        msg.linear_acceleration_covariance = ACCEL_COVARIANCE
        msg.angular_velocity_covariance = GYRO_COVARIANCE
        msg.orientation_covariance = NO_ORIENTATION
        self.raw_pub.publish(msg)
        w, x, y, z = self.filter.update(gyro, reading.accel, dt)
        msg.orientation = Quaternion(x, y, z, w)
        msg.orientation_covariance = ORIENTATION_COVARIANCE
        self.data_pub.publish(msg)

    def _adjust_status(self, status: DiagnosticStatus) -> None:
        status.values.append(KeyValue("samples", str(self.board.samples)))
        if status.level == DiagnosticStatus.OK and self.calibration.bias is None:
            status.level, status.message = DiagnosticStatus.WARN, "calibrating the gyro"


def main() -> None:
    node = start("imu", ImuNode)
    rospy.on_shutdown(node.board.close)
    rospy.spin()
