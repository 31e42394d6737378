"""The firmware's MotorAxis (firmware/lib/motor.cpp), built for the host and run at 100 Hz on the
simulated pan gearmotor (firmware/host/motor_trace): the reference never exceeds the speed and
acceleration limits, moves settle on target without hunting, radar mode holds its rate, soft
limits bound every mode, and out-of-range commands are refused.
"""

from __future__ import annotations

import subprocess

import pytest

from terry.sim.firmware import host_binary

MAX_SPEED, MAX_ACCEL, DT = 0.17, 0.5, 0.01  # firmware/lib/pan_tilt_app.h


def trace(*args: object) -> list[tuple[float, ...]] | str:
    out = subprocess.run(
        [str(host_binary("motor_trace")), *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if out.strip() == "refused":
        return "refused"
    return [tuple(float(v) for v in line.split()) for line in out.splitlines()]


def check_limits(rows) -> None:
    """Speed and acceleration limits on the reference; the step that lands on a target ends a
    braking ramp that rarely fits whole steps, and may change speed by up to 2 a dt (< 0.01 rad/s).
    """
    speeds = [r[2] for r in rows]
    assert max(abs(s) for s in speeds) <= MAX_SPEED + 1e-6
    slack = 2e-4  # the trace prints speeds to 1e-6 rad/s
    for i, (before, after) in enumerate(zip([0.0, *speeds], speeds, strict=False)):
        landing = i + 1 < len(speeds) and speeds[i + 1] == 0.0 and after != 0.0
        limit = 2 * MAX_ACCEL if landing else MAX_ACCEL
        assert abs(after - before) / DT <= limit + slack, f"step {i}: {before} -> {after}"


@pytest.mark.parametrize("target", [0.02, 0.3, -0.7, 1.0])
def test_position_moves_respect_limits_and_settle_without_hunting(target):
    rows = trace("position", target, 8)
    check_limits(rows)
    travel = [r[3] for r in rows]
    overshoot = max(t - target for t in travel) if target > 0 else max(target - t for t in travel)
    assert overshoot < 0.015  # the gearmotor lags its reference by ~v * 50 ms at cruise
    last_second = rows[-100:]
    assert all(abs(r[3] - target) < 0.0015 for r in last_second)
    assert all(r[4] == 0 for r in last_second)  # at rest: the motor is off, not hunting


@pytest.mark.parametrize("speed", [0.05, -0.15, MAX_SPEED])
def test_radar_mode_holds_its_rate(speed):
    rows = trace("velocity", speed, 4)
    check_limits(rows)
    (t0, *_, a0, _), (t1, *_, a1, _) = rows[-200], rows[-1]
    assert (a1 - a0) / (t1 - t0) == pytest.approx(speed, rel=0.02)


@pytest.mark.parametrize("command", [("velocity", 0.15), ("velocity", -0.15)])
def test_soft_limits_bound_every_mode(command):
    rows = trace(*command, 6, -0.2, 0.2)
    assert all(-0.2 <= r[1] <= 0.2 for r in rows)
    assert abs(abs(rows[-1][3]) - 0.2) < 0.005


@pytest.mark.parametrize(
    "args",
    [("velocity", MAX_SPEED * 1.01, 1), ("position", 0.5, 1, -0.2, 0.2), ("velocity", "nan", 1)],
)
def test_out_of_range_commands_are_refused(args):
    assert trace(*args) == "refused"
