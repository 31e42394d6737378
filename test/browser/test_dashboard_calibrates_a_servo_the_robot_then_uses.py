"""The dashboard's servo calibration page, on the simulated robot whose claw servo is centred
60 us off config/servos.yaml and turns 5 % more per microsecond: a user who answers from what
the arm truly does (the simulation's true angles), with the page's buttons, gets a file whose
centre and range are within a couple of microseconds and 1 % of the truth, and after the servo
driver's restart the claw truly stands where it is commanded. Stop writes nothing."""

from __future__ import annotations

import json
import shutil
import time

import pytest
import yaml
from fixtures.harness import Recorder, wait_for
from fixtures.servo import move
from fixtures.servo_calibration import NOMINAL, Truth, play_the_user
from sensor_msgs.msg import JointState
from std_msgs.msg import String

from terry.paths import package_file

JOINT = "arm_claw"
ERROR, SCALE = 60.0, 1.05  # us off, and the true us per radian over the file's


@pytest.fixture(scope="module")
def calibration(tmp_path_factory):
    path = tmp_path_factory.mktemp("servos") / "servos.yaml"
    shutil.copy(package_file("config", "servos.yaml"), path)
    return path


@pytest.fixture(scope="module")
def sim_launch_args(calibration) -> tuple[str, ...]:
    return (
        f"servo_calibration:={calibration}",
        f"sim_centre_error:={{{JOINT}: {ERROR}}}",
        f"sim_scale_error:={{{JOINT}: {SCALE}}}",
    )


class PageTool:
    """The tool driven from the page: answers by the page's buttons; its lines as the node
    relays them (servo_calibration/output: a user watches the arm, not the page, so the lines
    come as the tool prints them), and the page must show every one of them."""

    def __init__(self, page) -> None:
        self.page, self.seen = page, 0
        self.output = Recorder("/servo_calibration/output", String)
        self.state = Recorder("/servo_calibration/state", String)
        self.transcript: list[str] = []

    def running(self) -> bool:
        """Until the node has said it runs and then that it has ended (an earlier session's
        latched end comes first)."""
        running = [json.loads(m.data)["running"] for m in self.state.snapshot()]
        return True not in running or running[-1]

    def next_line(self) -> str | None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            lines = self.output.snapshot()
            if len(lines) > self.seen:
                self.seen += 1
                self.transcript.append(lines[self.seen - 1].data)
                return lines[self.seen - 1].data
            if not self.running() and len(self.output.snapshot()) == self.seen:
                return None
            time.sleep(0.02)
        raise AssertionError("the tool said nothing new for 90 s:\n" + self.report())

    def answer(self, text: str) -> None:
        self.transcript.append(f"<<< {text}")
        self.page.click(f'#servo-cal .keys button[data-key="{text}"]')

    def shown(self) -> list[str]:
        text = self.page.text_content("#servo-cal-log") or ""
        return [line for line in text.split("\n") if line and not line.startswith("> ")]

    def report(self) -> str:
        return "\n".join(self.transcript)

    def close(self) -> None:
        self.output.close()
        self.state.close()


def true_claw_after(rospy_node, truth: Truth, angle: float) -> float:
    """Command the claw until the driver reports it there and it truly stands still; its true
    angle."""
    from trajectory_msgs.msg import JointTrajectory

    commands = rospy_node.Publisher("/arm/joint_command", JointTrajectory, queue_size=10)
    states = Recorder("/joint_states", JointState, accept=lambda m: JOINT in m.name)
    try:

        def settled() -> bool:
            commands.publish(move(0.3, **{JOINT: angle}))
            last = states.wait_count(1, timeout=10)[-1]
            reported = dict(zip(last.name, last.position, strict=True))[JOINT]
            first = truth.fresh(JOINT)
            still = abs(truth.fresh(JOINT) - first) < 1e-4
            return abs(reported - angle) < 0.003 and still

        wait_for(settled, 60, f"the claw reported at {angle} and still")
        return truth.fresh(JOINT)
    finally:
        commands.unregister()
        states.close()


def start(page) -> None:
    page.click("#servo-cal summary")
    page.select_option("#servo-cal-joint", JOINT)
    page.click("#servo-cal-start")
    page.wait_for_selector("#servo-cal-state[data-state=running]", timeout=30_000)


def test_stop_writes_nothing(page, calibration):
    page.wait_for_selector("#servo-cal:not([hidden])", timeout=60_000)
    before = calibration.read_text()
    start(page)
    page.wait_for_function(
        "document.getElementById('servo-cal-log').textContent.includes('did it')", timeout=60_000
    )
    page.click("#servo-cal-stop")
    page.wait_for_selector("#servo-cal-state[data-state=ended]", timeout=30_000)
    assert calibration.read_text() == before


def test_a_user_on_the_page_finds_the_true_centre_and_the_driver_uses_it(
    rospy_node, page, calibration, ros_process
):
    truth = Truth()
    try:
        off = true_claw_after(rospy_node, truth, 0.4)
        scale = NOMINAL[JOINT]["us_per_rad"]
        assert off == pytest.approx((0.4 * scale - ERROR) / (scale * SCALE), abs=0.003), "not off"
        page.wait_for_selector("#servo-cal:not([hidden])", timeout=60_000)
        tool = PageTool(page)
        start(page)
        try:
            play_the_user(tool, truth)
            page.wait_for_selector("#servo-cal-state[data-state=written]", timeout=30_000)
            said = [m.data for m in tool.output.snapshot()]
            wait_for(lambda: tool.shown() == said, 10, "the page showing every line of the tool")
        finally:
            tool.close()
        written = yaml.safe_load(calibration.read_text())["joints"][JOINT]
        true_centre = NOMINAL[JOINT]["center_us"] + ERROR
        assert written["center_us"] == pytest.approx(true_centre, abs=2.0), tool.report()
        assert written["us_per_rad"] == pytest.approx(scale * SCALE, rel=0.01), tool.report()

        kill = ros_process("rosnode", "kill", "/servo_driver")
        assert kill.wait(30) == 0, kill.output()
        states = Recorder("/joint_states", JointState, accept=lambda m: JOINT in m.name)
        try:
            time.sleep(1.0)
            states.clear()
            states.wait_count(5, timeout=60)  # from the respawned driver
        finally:
            states.close()
        assert true_claw_after(rospy_node, truth, 0.4) == pytest.approx(0.4, abs=0.004)
    finally:
        truth.recorder.close()
