"""/cmd_vel with a non-finite value in any field, or asking for wheel speeds the base board's link
cannot carry, is refused with a reason; anything else goes to the governor (which clamps)."""

from __future__ import annotations

import math

import pytest

from terry.base.board import twist_refusal
from terry.model import drive_geometry, load_robot

GEOMETRY = drive_geometry(load_robot())


@pytest.mark.parametrize("field", range(6))
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_value_in_any_field_is_refused(field, bad):
    twist = [0.1, 0.0, 0.0, 0.0, 0.0, 0.2]
    twist[field] = bad
    assert "not every field is a finite number" in twist_refusal(GEOMETRY, tuple(twist))


@pytest.mark.parametrize("linear, angular", [(1e300, 0.0), (-1e6, 0.0), (0.0, 1e300), (0.0, -500)])
def test_wheel_speeds_beyond_the_wire_are_refused(linear, angular):
    reason = twist_refusal(GEOMETRY, (linear, 0.0, 0.0, 0.0, 0.0, angular))
    assert reason and "exceed what the base board's link carries" in reason


@pytest.mark.parametrize("linear, angular", [(0.0, 0.0), (0.2, 0.3), (0.9, 0.0), (-0.5, -2.5)])
def test_plausible_twists_pass_to_the_governor(linear, angular):
    assert twist_refusal(GEOMETRY, (linear, 5.0, -1.0, 3.0, 0.0, angular)) is None
