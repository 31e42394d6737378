"""Every pan/tilt control, the claw slider, the smoothing box and the on-screen stick move the
robot exactly as far as the robot allows (judged on /joint_states, the shim's parameter and
/cmd_vel), the page's controls follow what ROS says whoever changed it (radar mode and
speed, the smoothing switch, the e-stop), the arrow keys drive after a slider was used, a
gamepad drives only with its dead-man button held, and a board that stops answering turns its
panel visibly stale."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import threading
import time
import xmlrpc.client

import pytest
import rosgraph
from fixtures.harness import wait_for
from geometry_msgs.msg import Twist
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool, Float64

from terry.model import load_robot

ROBOT = load_robot()
TILT = ROBOT.joint("tilt_joint")
PAN_SPEED = ROBOT.joint("pan_joint").velocity


class Joints:
    """The latest pan and tilt angles and a time series of the pan."""

    def __init__(self, rospy) -> None:
        self.lock = threading.Lock()
        self.pan: list[tuple[float, float]] = []
        self.tilt: float | None = None
        self.sub = rospy.Subscriber("/joint_states", JointState, self.on_message, queue_size=50)

    def on_message(self, msg: JointState) -> None:
        with self.lock:
            if "pan_joint" in msg.name:
                stamp = msg.header.stamp.to_sec()
                self.pan.append((stamp, msg.position[msg.name.index("pan_joint")]))
            if "tilt_joint" in msg.name:
                self.tilt = msg.position[msg.name.index("tilt_joint")]

    def pan_speed(self, seconds: float) -> float:
        """Mean pan speed over the latest `seconds` of /joint_states."""
        time.sleep(seconds + 0.5)
        with self.lock:
            end = self.pan[-1]
            start = next(p for p in self.pan if p[0] >= end[0] - seconds)
        return (end[1] - start[1]) / (end[0] - start[0])


@pytest.fixture
def joints(rospy_node):
    recorder = Joints(rospy_node)
    yield recorder
    recorder.sub.unregister()


def slide(page, selector: str, key: str) -> None:
    """Move a slider to an end as a keyboard user does (Home / End)."""
    page.focus(selector)
    page.keyboard.press(key)


def test_tilt_slider_ends_are_the_urdf_limits_and_the_tilt_gets_there(page, joints):
    page.wait_for_selector("body[data-pantilt=ready]", timeout=30_000)
    assert float(page.get_attribute("#tilt", "min")) == TILT.lower
    assert float(page.get_attribute("#tilt", "max")) == TILT.upper
    for key, end in (("End", TILT.upper), ("Home", TILT.lower), ("End", TILT.upper)):
        slide(page, "#tilt", key)

        def there(end=end) -> bool:
            return joints.tilt is not None and abs(joints.tilt - end) < 0.02

        wait_for(there, 20, f"tilt_joint at {end} (the slider's end)")


def test_radar_at_the_default_and_the_slowest_speed_turns_the_pan_as_commanded(page, joints):
    page.wait_for_selector("body[data-pantilt=ready]", timeout=30_000)
    assert float(page.input_value("#radar-speed")) == pytest.approx(PAN_SPEED)
    assert float(page.get_attribute("#radar-speed", "max")) == pytest.approx(PAN_SPEED)
    try:
        page.check("#radar")
        wait_for(lambda: joints.pan_speed(1.0) > 0.5 * PAN_SPEED, 20, "the pan turning")
        fastest = joints.pan_speed(3.0)
        assert fastest == pytest.approx(PAN_SPEED, rel=0.15), "the default is the top speed"
        slide(page, "#radar-speed", "Home")
        slowest = float(page.input_value("#radar-speed"))
        assert 0 < slowest < PAN_SPEED / 2
        wait_for(lambda: joints.pan_speed(2.0) < PAN_SPEED / 2, 20, "the pan slowing down")
        assert joints.pan_speed(3.0) == pytest.approx(slowest, abs=0.03)
    finally:
        page.uncheck("#radar")
    wait_for(lambda: abs(joints.pan_speed(1.0)) < 0.01, 20, "the pan stopped with radar off")


def follows(page, publish, shown: str) -> None:
    """Publish once a second until the page's state satisfies the JS expression `shown`."""

    def published_and_shown() -> bool:
        publish()
        return bool(page.evaluate(shown)) or bool(
            page.wait_for_timeout(1000) or page.evaluate(shown)
        )

    wait_for(published_and_shown, 30, f"the page to show {shown}")


def test_controls_follow_what_ros_says_whoever_changed_it(rospy_node, page):
    velocity = rospy_node.Publisher("/pan/velocity", Float64, queue_size=1)
    command = rospy_node.Publisher("/pan/command", Float64, queue_size=1)
    try:
        wait_for(lambda: velocity.get_num_connections() > 0, 20, "subscribers of /pan/velocity")
        # Published until the page shows it, as a user would repeat it: one message may arrive
        # while a just-connected subscriber is still settling.
        follows(
            page, lambda: velocity.publish(Float64(0.1)), "document.getElementById('radar').checked"
        )
        assert float(page.input_value("#radar-speed")) == pytest.approx(0.1)
        wait_for(lambda: command.get_num_connections() > 0, 20, "subscribers of /pan/command")
        follows(
            page, lambda: command.publish(Float64(0.0)), "!document.getElementById('radar').checked"
        )
    finally:
        velocity.unregister()
        command.unregister()

    for value in (False, True):
        rospy_node.set_param("/smooth_shim/enabled", value)
        page.wait_for_function(
            f"document.getElementById('smooth').checked === {str(value).lower()}", timeout=30_000
        )

    estop = rospy_node.Publisher("/estop", Bool, queue_size=1, latch=True)
    try:
        wait_for(lambda: estop.get_num_connections() > 0, 20, "subscribers of /estop")
        estop.publish(Bool(True))
        page.wait_for_selector("#estop-banner", state="visible", timeout=30_000)
        estop.publish(Bool(False))
        page.wait_for_selector("#estop-banner", state="hidden", timeout=30_000)
    finally:
        estop.unregister()


def test_arrow_keys_drive_after_a_slider_was_used(rospy_node, page):
    forward: list[float] = []
    sub = rospy_node.Subscriber("/cmd_vel", Twist, lambda m: forward.append(m.linear.x))
    try:
        wait_for(lambda: sub.get_num_connections() > 0, 20, "the page's /cmd_vel publisher")
        page.click("#base-max")  # a slider used with the mouse ...
        page.keyboard.down("ArrowUp")  # ... does not keep the arrows
        wait_for(lambda: any(v > 0 for v in forward), 10, "/cmd_vel forward from the arrow key")
        page.keyboard.up("ArrowUp")
        wait_for(lambda: forward and forward[-1] == 0.0, 10, "/cmd_vel zero on release")
        page.focus("#tilt")  # a slider with the keyboard focus keeps its arrows
        count = len(forward)
        page.keyboard.press("ArrowUp")
        page.wait_for_timeout(500)
        assert all(v == 0.0 for v in forward[count:]), "an arrow on a focused slider drove"
    finally:
        page.keyboard.up("ArrowUp")
        sub.unregister()


def test_gamepad_drives_only_while_the_dead_man_is_held(rospy_node, page):
    """A standard-mapping gamepad (the Gamepad API's objects, scripted: the stick fully
    forward): nothing while the shoulder button is up; the slider's speed, within the base
    controller's ~max_linear, while it is held; zero the moment it is let go."""
    forward: list[float] = []
    sub = rospy_node.Subscriber("/cmd_vel", Twist, lambda m: forward.append(m.linear.x))
    try:
        wait_for(lambda: sub.get_num_connections() > 0, 20, "the page's /cmd_vel publisher")
        page.wait_for_function("!document.getElementById('base-max').disabled")
        page.evaluate(
            """() => { window.pad = { connected: true, axes: [0, -1, 0, 0],
                buttons: Array.from({ length: 17 }, () => ({ pressed: false, value: 0 })) };
              navigator.getGamepads = () => [window.pad]; }"""
        )
        page.wait_for_timeout(600)
        assert not any(forward), "the gamepad drove without the dead-man button"
        page.evaluate("window.pad.buttons[4] = { pressed: true, value: 1 }")
        wait_for(lambda: any(v > 0 for v in forward), 10, "/cmd_vel from the gamepad")
        speed = float(page.input_value("#base-max"))
        assert max(forward) == pytest.approx(speed)
        assert speed <= rospy_node.get_param("/base_controller/max_linear")
        page.evaluate("window.pad.buttons[4] = { pressed: false, value: 0 }")
        wait_for(lambda: forward[-1] == 0.0, 10, "/cmd_vel zero when the dead-man is let go")
        count = len(forward)
        page.wait_for_timeout(600)
        assert not any(forward[count:]), "it drove again without the dead-man button"
    finally:
        sub.unregister()


def board_processes(node: str) -> list[int]:
    """The simulated board's node and its children (the firmware's host build)."""
    uri = rosgraph.Master("/dashboard_test").lookupNode(node)
    code, _, pid = xmlrpc.client.ServerProxy(uri).getPid("/dashboard_test")
    assert code == 1
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [pid, *map(int, children.split())]


def test_a_board_that_stops_answering_turns_its_panel_stale(page):
    page.wait_for_selector("#diag tr[data-name='pan/tilt board'].level0", timeout=60_000)
    assert "stale" not in page.get_attribute("#pantilt-panel", "class")
    pids = board_processes("/sim_pan_tilt")
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)  # the board hangs: no more replies
    try:
        page.wait_for_selector("#pantilt-panel.stale", timeout=60_000)
        # the driver reports the link lost (ERROR) once the board has been silent for 1 s
        page.wait_for_selector("#diag tr[data-name='pan/tilt board'].level2", timeout=30_000)
        assert "stale" not in page.get_attribute("#arm-panel", "class")
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    page.wait_for_selector("#pantilt-panel:not(.stale)", timeout=30_000)


def test_pan_dial_click_turns_the_kinect_there(page, joints):
    page.wait_for_selector("body[data-pantilt=ready]", timeout=30_000)
    box = page.locator("#pan-dial").bounding_box()
    centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    radius = box["width"] / 3
    for angle in (0.5, -0.4):  # rad, counter-clockwise from the front (up on the dial)
        page.mouse.click(centre_x - radius * math.sin(angle), centre_y - radius * math.cos(angle))

        def there(angle=angle) -> bool:
            return (
                bool(joints.pan) and abs(math.remainder(joints.pan[-1][1] - angle, math.tau)) < 0.03
            )

        wait_for(there, 40, f"pan_joint at {angle} rad (mod 2 pi)")


def test_claw_slider_ends_open_and_close_the_claw_to_its_limits(rospy_node, page):
    claw = ROBOT.joint("arm_claw")
    seen: list[float] = []

    def on_joints(msg: JointState) -> None:
        if "arm_claw" in msg.name:
            seen.append(msg.position[msg.name.index("arm_claw")])

    sub = rospy_node.Subscriber("/joint_states", JointState, on_joints, queue_size=50)
    try:
        page.evaluate(
            "() => { for (const [k, v] of [['x', 0.15], ['y', 0.0], ['z', 0.1]])"
            " document.getElementById('arm-' + k).value = v; }"
        )
        for key, end in (("Home", claw.lower), ("End", claw.upper)):
            slide(page, "#arm-claw", key)
            wait_for(lambda end=end: seen and abs(seen[-1] - end) < 0.01, 20, f"claw at {end}")
    finally:
        sub.unregister()


def test_smoothing_box_switches_the_shim(rospy_node, page):
    # the box is disabled until the page has read the shim's state (clicked before, it would
    # switch from the page's unchecked guess: the run that found this left the shim as it was)
    page.wait_for_function("!document.getElementById('smooth').disabled")
    for _ in range(2):
        was = rospy_node.get_param("/smooth_shim/enabled")
        page.click("#smooth")
        wait_for(
            lambda was=was: rospy_node.get_param("/smooth_shim/enabled") is not was,
            10,
            "the shim switched by the box",
        )


def test_on_screen_stick_drives_while_dragged(rospy_node, page):
    forward: list[float] = []
    sub = rospy_node.Subscriber("/cmd_vel", Twist, lambda m: forward.append(m.linear.x))
    try:
        wait_for(lambda: sub.get_num_connections() > 0, 20, "the page's /cmd_vel publisher")
        page.wait_for_function("!document.getElementById('base-max').disabled")
        box = page.locator("#joystick").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x, y - box["height"] / 2, steps=4)  # stick fully forward
        speed = float(page.input_value("#base-max"))
        wait_for(
            lambda: forward and abs(forward[-1] - speed) < 0.01 * speed,
            10,
            "/cmd_vel at the slider's speed from the stick held fully forward",
        )
        page.mouse.up()
        wait_for(lambda: forward[-1] == 0.0, 10, "/cmd_vel zero when the stick is let go")
    finally:
        page.mouse.up()
        sub.unregister()
