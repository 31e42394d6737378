"""The simulated gyro (sim_imu and the real IMU firmware's host build, read by the imu node)
feels the world's true turn even when the world's updates come late: here the test is the
world, turning the base at 1 rad/s through ±pi with a 0.3 s pause in its updates every 0.5 s,
each pause begun by a still update (rate 0), as the loaded world sends them. /imu/data's rate,
integrated, must come to the true turn; holding the last rate lost about a third of it.
"""

from __future__ import annotations

import itertools
import math
import time

import pytest
from fixtures.harness import Recorder, wait_for

RATE = 1.0  # rad/s
PERIOD = 0.02  # s: the world's wheel updates
RUNS, PAUSE = 6, 0.3  # runs of 0.5 s of updates, each followed by a pause


def truth(yaw: float, rate: float):
    from nav_msgs.msg import Odometry

    msg = Odometry()
    msg.header.frame_id, msg.child_frame_id = "map", "base_footprint"
    msg.pose.pose.orientation.z, msg.pose.pose.orientation.w = math.sin(yaw / 2), math.cos(yaw / 2)
    msg.twist.twist.angular.z = rate
    return msg


def integral(samples) -> float:
    """The trapezoid integral of the samples' z rate over their stamps (rad)."""
    total = 0.0
    for a, b in itertools.pairwise(samples):
        dt = (b.header.stamp - a.header.stamp).to_sec()
        total += (a.angular_velocity.z + b.angular_velocity.z) / 2 * dt
    return total


def test_the_gyro_integrates_to_the_true_turn_through_late_updates(rospy_node, roslaunch):
    from nav_msgs.msg import Odometry
    from sensor_msgs.msg import Imu

    rospy = rospy_node
    world = rospy.Publisher("/sim/ground_truth", Odometry, queue_size=10)
    imu = Recorder("/imu/data", Imu)
    try:
        roslaunch("imu.launch", sim="true")
        wait_for(lambda: len(imu.snapshot()) > 400, 60, "the calibrated gyro on /imu/data")
        wait_for(lambda: world.get_num_connections() > 0, 30, "sim_imu on /sim/ground_truth")
        yaw = start_yaw = 2.5  # the turn crosses +-pi
        for _ in range(10):
            world.publish(truth(yaw, 0.0))
            time.sleep(PERIOD)
        imu.clear()
        last = time.monotonic()
        for _ in range(RUNS):
            for _ in range(int(0.5 / PERIOD)):
                time.sleep(PERIOD)
                now = time.monotonic()
                yaw += RATE * (now - last)
                world.publish(truth(yaw, RATE))
                last = now
            world.publish(truth(yaw, 0.0))  # the still update that begins a pause
            time.sleep(PAUSE)
        now = time.monotonic()
        yaw += RATE * (now - last)
        world.publish(truth(yaw, RATE))
        for _ in range(int(1.5 / PERIOD)):
            time.sleep(PERIOD)
            world.publish(truth(yaw, 0.0))
        felt = integral(imu.snapshot())
    finally:
        imu.close()
        world.unregister()
    turned = yaw - start_yaw
    assert turned > RUNS * 0.75, f"the test turned only {turned:.2f} rad"
    assert felt == pytest.approx(turned, abs=0.05), f"the gyro felt {felt:.3f} of {turned:.3f} rad"
