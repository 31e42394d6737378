"""The velocity governor: acceleration limits, a deadman timeout, e-stop, refusal of bad input."""

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terry.base.drive import DriveLimits, VelocityGovernor

LIMITS = DriveLimits(max_linear=0.5, max_angular=2.0, max_linear_accel=1.0, max_angular_accel=2.0)


def run(governor: VelocityGovernor, start: float, stop: float, dt: float = 0.02):
    t, out = start, []
    while t < stop - 1e-9:
        t = min(t + dt, stop)
        out.append(governor.update(t))
    return out


def test_speed_ramps_up_within_acceleration_limits_and_is_clamped():
    governor = VelocityGovernor(LIMITS)
    governor.update(0.0)
    commands = []
    for i in range(1, 50):
        governor.command(2.0, -5.0, i * 0.01)
        commands.append(governor.update(i * 0.01))
    linear = [c[0] for c in commands]
    assert max(b - a for a, b in itertools.pairwise([0.0, *linear])) <= 1.0 * 0.01 + 1e-12
    assert linear[-1] == pytest.approx(0.49, abs=0.011) and max(linear) <= 0.5
    assert min(c[1] for c in commands) >= -2.0


@pytest.mark.parametrize("timeout", [0.2, 0.5])
def test_base_stops_when_commands_stop_arriving(timeout):
    governor = VelocityGovernor(DriveLimits(timeout=timeout))
    t = 0.0
    governor.update(t)
    while t < 1.0:  # a teleop client republishing at 20 Hz
        t += 0.05
        governor.command(0.3, 0.5, t)
        governor.update(t)
    assert governor.update(t) == pytest.approx((0.3, 0.5))
    out = run(governor, t, t + timeout - 0.01)
    assert out[-1] == pytest.approx((0.3, 0.5)), "still driving inside the timeout"
    out = run(governor, t + timeout - 0.01, t + timeout + 1.0)
    assert out[-1] == (0.0, 0.0)
    assert all(b[0] <= a[0] + 1e-12 for a, b in itertools.pairwise(out)), (
        "decelerates, never speeds up"
    )


def test_estop_stops_at_once_refuses_commands_and_stays_stopped_after_release():
    governor = VelocityGovernor(LIMITS)
    governor.update(0.0)
    for i in range(1, 60):
        governor.command(0.5, 0.0, i * 0.02)
        governor.update(i * 0.02)
    governor.set_estop(True)
    assert governor.update(1.2) == (0.0, 0.0)
    assert "e-stop" in governor.command(0.5, 0.0, 1.21)
    assert governor.update(1.22) == (0.0, 0.0)
    governor.set_estop(False)
    assert run(governor, 1.22, 1.5)[-1] == (0.0, 0.0), "the old command must not resume"


@given(st.sampled_from([math.nan, math.inf, -math.inf]), st.booleans())
def test_non_finite_command_is_refused_and_moves_nothing(bad, in_linear):
    governor = VelocityGovernor(LIMITS)
    governor.update(0.0)
    args = (bad, 0.0) if in_linear else (0.0, bad)
    reason = governor.command(*args, 0.01)
    assert "finite" in reason
    assert governor.update(0.1) == (0.0, 0.0)


@pytest.mark.parametrize("field", ["max_linear", "timeout", "max_linear_accel"])
@pytest.mark.parametrize("value", [0.0, -1.0, math.nan])
def test_bad_limits_are_refused(field, value):
    with pytest.raises(ValueError, match=field):
        DriveLimits(**{field: value})
