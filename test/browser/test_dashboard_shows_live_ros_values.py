"""Values from ROS show up on the page: joint angles, odometry, the simulated Kinect's scan
(unusable ranges left out) and the simulated IMU's attitude from the simulated robot, and
/rosout lines with their level."""

from __future__ import annotations

import math

from fixtures.harness import wait_for
from sensor_msgs.msg import Imu, LaserScan


def usable_ranges(scan: LaserScan) -> int:
    return sum(math.isfinite(r) and scan.range_min <= r <= scan.range_max for r in scan.ranges)


def roll_degrees(imu: Imu) -> float:
    q = imu.orientation
    return math.degrees(math.atan2(2 * (q.w * q.x + q.y * q.z), 1 - 2 * (q.x * q.x + q.y * q.y)))


def test_joint_states_odometry_scan_imu_and_log_appear(rospy_node, page):
    cell = page.locator("td[data-joint=arm_shoulder]")
    cell.wait_for(timeout=15_000)
    assert "rad" in cell.text_content()
    page.wait_for_function("document.getElementById('odom').textContent.startsWith('x ')")
    assert page.text_content("#lag").endswith(" ms")

    points = "document.getElementById('scan').dataset.points"

    def scan_shown() -> bool:  # the robot stands still, so its scans agree with one another
        scan = rospy_node.wait_for_message("/scan", LaserScan, timeout=10)
        return usable_ranges(scan) > 0 and page.evaluate(points) == str(usable_ranges(scan))

    wait_for(scan_shown, 30, "the simulated Kinect's scan on the page", interval=0.25)

    roll = "parseFloat(document.getElementById('rpy').textContent.split(' pitch')[0].slice(5))"

    def attitude_shown() -> bool:
        imu = rospy_node.wait_for_message("/imu/data", Imu, timeout=10)
        shown = page.evaluate(roll)
        return shown is not None and abs(shown - roll_degrees(imu)) < 1.0

    wait_for(attitude_shown, 30, "the simulated IMU's roll on the page", interval=0.25)

    text = "dashboard test warning 42"

    def logged() -> bool:
        rospy_node.logwarn(text)
        return page.locator("#log li.l4", has_text=text).count() > 0

    wait_for(logged, 15, "the /rosout warning on the page", interval=0.5)
    page.select_option("#log-level", "8")  # errors only: the warning is hidden
    assert not page.locator("#log li.l4", has_text=text).first.is_visible()
