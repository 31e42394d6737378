"""Values from ROS show up on the page: joint angles, odometry, the simulated Kinect's scan
(unusable ranges left out) and the simulated IMU's attitude from the simulated robot, and
/rosout lines with their level, the Kinect's depth image when asked for, and the bridge's
client count as the bridge publishes it."""

from __future__ import annotations

import math
import struct

from fixtures.harness import wait_for
from sensor_msgs.msg import Image, Imu, LaserScan
from std_msgs.msg import Int32


def usable_ranges(scan: LaserScan) -> int:
    return sum(math.isfinite(r) and scan.range_min <= r <= scan.range_max for r in scan.ranges)


def roll_degrees(imu: Imu) -> float:
    q = imu.orientation
    return math.degrees(math.atan2(2 * (q.w * q.x + q.y * q.z), 1 - 2 * (q.x * q.x + q.y * q.y)))


def test_joint_states_odometry_scan_imu_and_log_appear(rospy_node, page):
    cell = "td[data-joint=arm_shoulder]"  # its row comes with the model, its value with ROS
    page.wait_for_function(f"document.querySelector('{cell}')?.textContent.includes('rad')")
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


def test_camera_view_shows_the_depth_image_when_ticked(rospy_node, page):
    """A 16UC1 depth image as the Kinect driver publishes it: near is bright, no reading dark."""
    width, height = 64, 48
    row = [1000] * (width // 2) + [0] * (width // 2)  # left half 1 m away, right half no reading
    image = Image(height=height, width=width, encoding="16UC1", is_bigendian=0, step=2 * width)
    image.data = struct.pack(f"<{width * height}H", *(row * height))
    image.header.frame_id = "camera_depth_optical_frame"
    pub = rospy_node.Publisher("/camera/depth/image_raw", Image, queue_size=1)
    try:
        page.check("#camera-on")

        def shown() -> bool:
            image.header.stamp = rospy_node.Time.now()
            pub.publish(image)
            return page.get_attribute("#camera", "data-frames") is not None

        wait_for(shown, 20, "the depth image on the page", interval=0.3)
        assert page.text_content("#camera-info").startswith(f"depth {width}×{height}")
        near, none = page.evaluate(
            """() => { const g = document.getElementById('camera').getContext('2d');
            const at = ([x, y]) => Array.from(g.getImageData(x, y, 1, 1).data);
            return [[5, 20], [50, 20]].map(at); }"""
        )
        assert near == [204, 204, 204, 255] and none == [60, 0, 0, 255]
    finally:
        page.uncheck("#camera-on")
        pub.unregister()


def test_diagnostics_show_the_bridges_client_count(rospy_node, browser, dashboard_url, page):
    def published() -> int:
        return rospy_node.wait_for_message("/client_count", Int32, timeout=10).data

    def shown() -> str:
        return page.text_content('#diag tr[data-name="bridge clients"]', timeout=10_000) or ""

    before = wait_for(lambda: published() or None, 20, "a client on /client_count")
    wait_for(lambda: f"{before} connected" in shown(), 10, f"{before} clients on the page")
    other = browser.new_page()
    try:
        other.goto(dashboard_url)
        other.wait_for_selector("#conn[data-state=connected]", timeout=60_000)
        wait_for(lambda: published() == before + 1, 20, "the second page on /client_count")
        wait_for(lambda: f"{before + 1} connected" in shown(), 10, "the second page counted")
    finally:
        other.close()
    wait_for(lambda: published() == before, 20, "the second page gone from /client_count")
    wait_for(lambda: f"{before} connected" in shown(), 10, "the page's count back down")
