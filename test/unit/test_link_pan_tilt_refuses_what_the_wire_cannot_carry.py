"""The pan/tilt client (real firmware, host build, on a pty; no ROS) refuses every value the wire
cannot carry, and anything before the e-stop state is known, without moving; and it still works
afterwards (issue #11: 1e300 once killed the node's resend thread).
"""

from __future__ import annotations

import math
import time

import pytest
from fixtures.harness import wait_for

from terry.link import messages as m
from terry.model import load_robot
from terry.sensors.pan_tilt import PanTiltLimits, PanTiltUnit

BAD = (math.nan, math.inf, -math.inf, 1e300, -1e300, 1e12, 1.7e308, -1e303)


@pytest.fixture
def unit(pan_board):
    robot = load_robot()
    pan, tilt = robot.joint("pan_joint"), robot.joint("tilt_joint")
    limits = PanTiltLimits(tilt.lower, tilt.upper, pan.velocity)
    unit = PanTiltUnit(str(pan_board.link), 115200, limits).start()
    assert unit.link.wait_up(10), unit.link.health.last_error
    wait_for(lambda: unit.reading, 5, "the first state")
    yield unit
    unit.close()


def test_messages_that_do_not_fit_the_wire_cannot_be_made():
    for fields in ((1, 2**31, 0), (1, 0, 2**15), (3.5, 0, 0), (-1, 0, 0)):
        with pytest.raises(ValueError):
            m.PanTiltCommand(*fields)
    assert m.PanTiltCommand(1, 2**31 - 1, -(2**15)).pack()


def test_nothing_moves_until_the_unit_is_told_it_may(unit):
    assert "e-stop state has not been heard" in unit.pan_to(0.2)
    unit.set_stopped(True, "e-stop engaged")
    assert "e-stop engaged" in unit.pan_to(0.2)
    unit.set_stopped(False, "e-stop released")
    assert unit.pan_to(0.2) is None
    wait_for(lambda: abs(unit.reading.pan - 0.2) < 0.005, 20, "the pan at 0.2 rad")


@pytest.mark.parametrize("value", BAD)
def test_unrepresentable_values_are_refused_and_the_unit_still_works(unit, value):
    unit.set_stopped(False, "e-stop released")
    for command in (unit.pan_to, unit.pan_at, unit.tilt_to):
        reason = command(value)
        assert reason and "nothing moves" in reason, reason
    time.sleep(0.3)  # the link's resends (its keepalive) run meanwhile
    assert abs(unit.reading.pan) < 1e-3 and abs(unit.reading.tilt) < 1e-3
    assert unit.pan_to(0.1) is None
    wait_for(lambda: abs(unit.reading.pan - 0.1) < 0.005, 20, "the pan at 0.1 rad afterwards")
