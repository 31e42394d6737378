"""The shim's stream without ROS: nothing is sent until the e-stop's release is heard, an e-stop
(or a silent estop node) ends the stream at once and refuses commands, NaN or inf in any field of
a point is refused in both modes (it once moved the arm), and a valid move streams to its end."""

from __future__ import annotations

import math

import pytest

from terry.arm.smoothing import Smoother
from terry.arm.stream import SmoothStream
from terry.model import ARM_JOINTS, load_robot
from terry.safety.estop import STALE_AFTER

JOINTS = {name: load_robot().joint(name) for name in ARM_JOINTS}
PERIOD = 0.02
MOVE = (["arm_elbow"], [(1.0, [-0.5])])


def stream(enabled: bool = True, released: bool = True) -> tuple[SmoothStream, list]:
    logged: list = []
    s = SmoothStream(Smoother(JOINTS), PERIOD, lambda *line: logged.append(line), enabled)
    s.joint_states(list(JOINTS), [0.0] * len(JOINTS))
    if released:
        s.heard_estop(False, 0.0)
    return s, logged


def run(s: SmoothStream, start: float, end: float) -> list:
    """The setpoints streamed from `start` to `end`, the estop node republishing its release
    every second."""
    sent, now = [], start
    while now < end:
        if int(now) != int(now - PERIOD):
            s.heard_estop(False, now)
        setpoint = s.tick(now)
        if setpoint is not None:
            sent.append(setpoint)
        now += PERIOD
    return sent


def test_nothing_is_streamed_before_the_estop_state_is_heard():
    s, _ = stream(released=False)
    answer = s.command(*MOVE, now=0.0)
    assert "not heard yet" in answer.refused and answer.setpoint is None
    assert s.tick(0.1) is None


def test_a_move_streams_from_where_the_arm_is_to_its_target_and_stops():
    s, _ = stream()
    answer = s.command(*MOVE, now=0.0)
    assert answer.setpoint is not None and not answer.forward
    sent = run(s, 0.0, 3.0)
    assert sent[-1].positions[list(sent[-1].names).index("arm_elbow")] == pytest.approx(-0.5)
    assert len(sent) == pytest.approx(1.0 / PERIOD, abs=2)  # and nothing after the end


def test_estop_ends_the_stream_at_once_and_refuses_until_released():
    s, _ = stream()
    s.command(*MOVE, now=0.0)
    run(s, 0.0, 0.3)
    assert s.heard_estop(True, 0.3).stopped
    assert s.tick(0.32) is None
    assert "e-stop is engaged" in s.command(*MOVE, now=0.4).refused
    assert not s.heard_estop(False, 0.5).stopped
    assert s.command(*MOVE, now=0.5).setpoint is not None


def test_a_silent_estop_node_ends_the_stream():
    s, logged = stream()
    s.command(["arm_elbow"], [(10.0, [-0.5])], now=0.0)
    assert s.tick(STALE_AFTER - 0.1) is not None
    assert s.tick(STALE_AFTER + 0.1) is None
    assert any("silent" in line for _, line in logged)


@pytest.mark.parametrize("enabled", [True, False], ids=["smoothing", "pass-through"])
@pytest.mark.parametrize(
    "point",
    [
        (1.0, [-0.5], [math.nan]),
        (1.0, [-0.5], [], [math.inf]),
        (1.0, [-0.5], [], [], [1e300, 0.0]),
        (math.nan, [-0.5]),
        (1.0, [1e300]),
    ],
    ids=["velocity-nan", "acceleration-inf", "effort-length", "time-nan", "position-1e300"],
)
def test_bad_values_in_any_field_are_refused_in_both_modes(enabled, point):
    s, _ = stream(enabled)
    answer = s.command(["arm_elbow"], [point], now=0.0)
    assert answer.refused and not answer.forward and answer.setpoint is None
    assert s.tick(0.1) is None


def test_pass_through_forwards_valid_commands_and_an_empty_one_stops_at_once():
    s, _ = stream(enabled=False)
    assert s.command(*MOVE, now=0.0).forward
    s.set_enabled(True)
    s.command(*MOVE, now=0.0)
    assert s.command(["arm_elbow"], [], now=0.1).forward
    assert s.tick(0.12) is None
    assert s.command(["arm_knee"], [], now=0.2).refused  # even a stop names real joints


def test_a_move_waits_until_every_joint_has_been_heard():
    """Planning from a guessed 0 for an unheard joint once rushed the elbow at 2 rad/s."""
    s = SmoothStream(Smoother(JOINTS), PERIOD, lambda *line: None)
    s.heard_estop(False, 0.0)
    s.joint_states(["arm_elbow"], [-1.0])
    answer = s.command(*MOVE, now=0.0)
    assert "not known yet" in answer.refused and "arm_shoulder" in answer.refused
    assert answer.setpoint is None and s.tick(0.1) is None
    s.joint_states(list(JOINTS), [0.0] * len(JOINTS))
    assert s.command(*MOVE, now=0.2).setpoint is not None
