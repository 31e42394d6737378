"""Values published in ROS show up on the page: joint angles from /joint_states and odometry from
the simulated robot, a laser scan (unusable ranges left out), the IMU's attitude, and /rosout
lines with their level."""

from __future__ import annotations

import math

from harness import wait_for
from sensor_msgs.msg import Imu, LaserScan

pytest_plugins = ["dashboard_fixtures"]


def keep_publishing_until_shown(rospy, page, topic, msg_type, msg, script, expected) -> None:
    pub = rospy.Publisher(topic, msg_type, queue_size=1)

    def shown() -> bool:
        pub.publish(msg)
        return page.evaluate(script) == expected

    try:
        wait_for(shown, 15, f"{topic} on the page as {expected!r}", interval=0.25)
    finally:
        pub.unregister()


def test_joint_states_odometry_scan_imu_and_log_appear(rospy_node, page):
    cell = page.locator("td[data-joint=arm_shoulder]")
    cell.wait_for(timeout=15_000)
    assert "rad" in cell.text_content()
    page.wait_for_function("document.getElementById('odom').textContent.startsWith('x ')")
    assert page.text_content("#lag").endswith(" ms")

    scan = LaserScan(angle_min=-0.5, angle_increment=0.1, range_min=0.45, range_max=8.0)
    scan.header.frame_id = "camera_depth_frame"
    scan.ranges = [4.0, 5.0, math.inf, math.nan, 0.2, 6.0]  # three inside the range limits
    points = "document.getElementById('scan').dataset.points"
    keep_publishing_until_shown(rospy_node, page, "/scan", LaserScan, scan, points, "3")

    imu = Imu()
    roll = 0.3  # rad about x: 17.2 degrees
    imu.orientation.x, imu.orientation.w = math.sin(roll / 2), math.cos(roll / 2)
    rpy = "document.getElementById('rpy').textContent.split(' pitch')[0]"
    keep_publishing_until_shown(rospy_node, page, "/imu/data", Imu, imu, rpy, "roll 17.2°")

    text = "dashboard test warning 42"

    def logged() -> bool:
        rospy_node.logwarn(text)
        return page.locator("#log li.l4", has_text=text).count() > 0

    wait_for(logged, 15, "the /rosout warning on the page", interval=0.5)
    page.select_option("#log-level", "8")  # errors only: the warning is hidden
    assert not page.locator("#log li.l4", has_text=text).first.is_visible()
