"""Disconnected means disconnected: while the bridge is down the page greys its values out, a
STOP pressed then says it was not delivered (and nothing reaches /estop), and when the bridge
comes back (roslaunch respawns it) the page sends the STOP first, then the rest of what the
user asked for meanwhile (a tilt), and the robot shows the e-stop engaged. The banner never
blinks off on the way: the "released" that the new bridge replays from before is not believed.

The bridge is killed with roslaunch paused, so the outage lasts as long as the test needs; then
roslaunch resumes and respawns it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import xmlrpc.client

import rosgraph
from fixtures.harness import wait_for
from std_msgs.msg import Bool, Float64


class Received:
    """/estop and /tilt/command as they reach ROS."""

    def __init__(self, rospy) -> None:
        self.lock = threading.Lock()
        self.messages: list[tuple[str, float]] = []
        self.subs = [
            rospy.Subscriber(name, kind, self.on(name), queue_size=20)
            for name, kind in (("/estop", Bool), ("/tilt/command", Float64))
        ]

    def on(self, name: str):
        def callback(msg) -> None:
            with self.lock:
                self.messages.append((name, msg.data))

        return callback

    def snapshot(self) -> list[tuple[str, float]]:
        with self.lock:
            return list(self.messages)


def bridge_pid() -> int:
    uri = rosgraph.Master("/dashboard_test").lookupNode("/rosbridge")
    code, _, pid = xmlrpc.client.ServerProxy(uri).getPid("/dashboard_test")
    assert code == 1
    return pid


@contextlib.contextmanager
def bridge_down(sim_robot):
    """The bridge killed, and not respawned until the block ends."""
    launcher = sim_robot.launch.popen.pid
    os.kill(launcher, signal.SIGSTOP)
    try:
        os.kill(bridge_pid(), signal.SIGKILL)
        yield
    finally:
        os.kill(launcher, signal.SIGCONT)


HIDES_OF_THE_BANNER = """() => {
    const banner = document.getElementById("estop-banner");
    window.bannerHides = 0;
    new MutationObserver(() => { if (banner.hidden) window.bannerHides += 1; })
        .observe(banner, { attributes: true, attributeFilter: ["hidden"] });
}"""


def test_stop_while_the_bridge_is_down_is_delivered_first_on_reconnect(rospy_node, page, sim_robot):
    page.wait_for_selector("body[data-pantilt=ready]", timeout=30_000)
    received = Received(rospy_node)
    sent: list[str] = []  # the page's frames to the bridge, in order

    def watch(ws) -> None:
        ws.on("framesent", lambda payload: sent.append(str(payload)))

    page.on("websocket", watch)
    try:
        with bridge_down(sim_robot):
            page.wait_for_selector("#conn[data-state=reconnecting]", timeout=60_000)
            page.wait_for_selector("body[data-link=down]")
            opacity = page.eval_on_selector("#arm-panel", "el => getComputedStyle(el).opacity")
            assert float(opacity) < 1, "values must grey out while disconnected"
            page.focus("#tilt")
            page.keyboard.press("End")  # the user asks for a tilt ...
            page.click("#estop")  # ... and stops the robot, while the bridge is down
            page.wait_for_selector("body[data-estop=undelivered]")
            assert "NOT DELIVERED" in page.text_content("#estop-banner")
            assert page.is_visible("#estop")
            page.wait_for_timeout(1500)
            assert received.snapshot() == [], "nothing can reach ROS without the bridge"
            page.evaluate(HIDES_OF_THE_BANNER)
        wait_for(
            lambda: ("/estop", True) in received.snapshot(), 60, "/estop true after the respawn"
        )
        page.wait_for_selector("body[data-estop=on]", timeout=30_000)
        page.wait_for_selector("#estop-text:has-text('EMERGENCY STOP')")  # the robot confirmed
        page.wait_for_timeout(1500)  # /estop/state has come round again by now
        assert page.is_visible("#estop-banner")
        assert page.evaluate("window.bannerHides") == 0, "the banner blinked off on reconnect"
        wait_for(lambda: any(n == "/tilt/command" for n, _ in received.snapshot()), 10, "tilt")
        tilt = next(v for n, v in received.snapshot() if n == "/tilt/command")
        assert tilt == float(page.get_attribute("#tilt", "max"))
        publishes = [json.loads(f) for f in sent if '"op":"publish"' in f.replace(" ", "")]
        topics = [p["topic"] for p in publishes if p["topic"] in ("/estop", "/tilt/command")]
        assert topics[:2] == ["/estop", "/tilt/command"], f"sent in this order: {topics}"
    finally:
        for sub in received.subs:
            sub.unregister()
        if page.is_visible("#estop-release"):
            page.click("#estop-release")
