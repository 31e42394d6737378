"""Teleop from the page drives the simulated base while a key is held; letting go of the key, or
losing the bridge connection, stops it (and it does not drive again after the reconnect)."""

from __future__ import annotations

import pytest
from fixtures.harness import wait_for
from nav_msgs.msg import Odometry


@pytest.mark.parametrize("how", ["key_release", "connection_loss"])
def test_base_stops_when_the_key_is_released_or_the_connection_drops(rospy_node, page, how):
    speed: list[float] = [0.0]
    sub = rospy_node.Subscriber(
        "/odom", Odometry, lambda m: speed.__setitem__(0, m.twist.twist.linear.x), queue_size=1
    )
    try:
        page.keyboard.down("ArrowUp")
        wait_for(lambda: speed[0] > 0.05, 20, "the base driving forward")
        if how == "key_release":
            page.keyboard.up("ArrowUp")
        else:
            page.evaluate("terry.drop()")
        wait_for(lambda: abs(speed[0]) < 0.01, 10, "the base stopped")
        page.wait_for_selector("#conn[data-state=connected]", timeout=20_000)
        page.wait_for_timeout(1500)
        assert abs(speed[0]) < 0.01, "the base drove again without a key press"
        assert page.text_content("#base-cmd").startswith("0.00 m/s")
    finally:
        page.keyboard.up("ArrowUp")
        sub.unregister()
