"""The imu node with the real IMU firmware (host build, simulated resting MPU-6050 tilted by a
known roll and pitch, with gyro bias and noise) through real ROS: /imu/data_raw in imu_link, in
SI units with covariances, its gyro bias calibrated away, at 100 Hz or more; /imu/data carries
the tilt as its orientation.
"""

from __future__ import annotations

import math
import threading

import pytest
from fixtures.harness import wait_for

ROLL, PITCH = 0.2, -0.1


def test_imu_node_publishes_calibrated_si_samples_and_orientation(
    ros_master, rospy_node, roslaunch
):
    from sensor_msgs.msg import Imu

    rospy = rospy_node
    raw, data, lock = [], [], threading.Lock()

    def keep(store):
        def callback(msg):
            with lock:
                store.append(msg)

        return callback

    subs = [
        rospy.Subscriber("/imu/data_raw", Imu, keep(raw)),
        rospy.Subscriber("/imu/data", Imu, keep(data)),
    ]
    try:
        roslaunch("imu.launch", sim="true", sim_roll=ROLL, sim_pitch=PITCH)
        wait_for(lambda: len(raw) > 600, 60, "600 samples on /imu/data_raw")
        with lock:
            window = raw[-400:]
            last = data[-1]
        assert {m.header.frame_id for m in window} == {"imu_link"}
        span = (window[-1].header.stamp - window[0].header.stamp).to_sec()
        assert (len(window) - 1) / span >= 100
        accel = [
            math.sqrt(
                m.linear_acceleration.x**2 + m.linear_acceleration.y**2 + m.linear_acceleration.z**2
            )
            for m in window
        ]
        assert sum(accel) / len(accel) == pytest.approx(9.80665, rel=0.01)
        for axis in "xyz":  # the simulated 0.01..0.02 rad/s bias is calibrated away
            mean = sum(getattr(m.angular_velocity, axis) for m in window) / len(window)
            assert abs(mean) < 0.003
        sample = window[-1]
        assert sample.linear_acceleration_covariance[0] > 0
        assert sample.angular_velocity_covariance[0] > 0
        assert sample.orientation_covariance[0] == -1  # raw: no orientation
        q = last.orientation
        roll = math.atan2(2 * (q.w * q.x + q.y * q.z), 1 - 2 * (q.x**2 + q.y**2))
        pitch = math.asin(2 * (q.w * q.y - q.z * q.x))
        assert (roll, pitch) == pytest.approx((ROLL, PITCH), abs=0.02)
        assert last.orientation_covariance[0] > 0
    finally:
        for sub in subs:
            sub.unregister()
