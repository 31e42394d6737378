"""With a ROS master running, the wiring test obeys /estop/state as every actuator does: engaged
mid-spin, it stops the pan at once with its motor off (the plant's truth: a few degrees at most);
engaged before it starts, nothing moves at all."""

from __future__ import annotations

import math
import time

import pytest
from fixtures.estop import fresh_estop, wait_released
from fixtures.harness import wait_for
from fixtures.wiring import WiringRun

from terry.sim.firmware import start_board

FEW_DEGREES = math.radians(6)


@pytest.fixture
def estop(rospy_node, roslaunch):
    from std_msgs.msg import Bool

    fresh_estop(rospy_node)
    roslaunch("safety.launch")
    wait_released(rospy_node)
    publisher = rospy_node.Publisher("/estop", Bool, queue_size=1, latch=True)
    yield lambda engaged: publisher.publish(Bool(engaged))
    publisher.publish(Bool(False))
    publisher.unregister()


@pytest.fixture
def pan_board(tmp_path):
    link, truth = tmp_path / "pan_tilt", tmp_path / "truth"
    process = start_board("pan_tilt", link, {"TERRY_SIM_TRUTH": str(truth)})
    wait_for(link.exists, 10, "the pan/tilt board's pty")

    def driven() -> list[float]:
        process.terminate()
        process.wait(timeout=5)
        return [float(v) for v in truth.read_text().split()[1:3]]

    yield link, driven
    if process.poll() is None:
        process.kill()
        process.wait()


def test_the_estop_stops_a_spin_with_the_motor_off(estop, pan_board, process_group):
    link, driven = pan_board
    run = WiringRun([link], lambda _prompt: "\n", "--no-hand", env=process_group.env)
    run.until(lambda line: line.startswith("spinning the pan"))
    time.sleep(0.2)
    estop(True)
    assert run.finish() == 1
    assert "stopped: e-stop engaged (/estop/state)" in run.output
    assert "pan motor:" not in run.output  # it never finished a spin
    low, high = driven()
    assert high > 0.0 and low > -FEW_DEGREES and high < FEW_DEGREES


def test_engaged_before_it_starts_nothing_moves(estop, pan_board, process_group, rospy_node):
    from std_msgs.msg import Bool

    estop(True)
    wait_for(
        lambda: rospy_node.wait_for_message("/estop/state", Bool, timeout=10).data,
        10,
        "/estop/state engaged",
    )
    link, driven = pan_board
    run = WiringRun([link], lambda _prompt: "\n", "--no-hand", env=process_group.env)
    assert run.finish() == 1
    assert "stopped: e-stop engaged" in run.output
    assert driven() == [0.0, 0.0]
