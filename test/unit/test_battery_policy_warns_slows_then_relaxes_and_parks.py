"""The low-battery policy: a full battery is left alone; going down it warns, then slows the
base, then relaxes the arm and parks the Kinect exactly once; a fresh battery ends it; the
base's speed limits follow; bad readings and bad levels are refused."""

from __future__ import annotations

import math

import pytest

from terry.base.battery import CRITICAL, NORMAL, SLOW, WARN, BatteryPolicy, BatterySpec, Levels
from terry.base.drive import DriveLimits, VelocityGovernor

SPEC = BatterySpec(cells=3, cell_full=4.2, cell_empty=3.4)


def volts(charge: float) -> float:
    return 3 * (3.4 + 0.8 * charge)


def test_charge_follows_the_pack_voltage_and_stays_within_0_and_1():
    assert SPEC.charge(12.6) == pytest.approx(1.0)
    assert SPEC.charge(volts(0.25)) == pytest.approx(0.25)
    assert SPEC.charge(9.0) == 0.0 and SPEC.charge(13.0) == 1.0


def test_a_draining_battery_warns_then_slows_then_relaxes_and_parks_once():
    policy = BatteryPolicy(SPEC, Levels(warn=0.3, slow=0.2, critical=0.1, slow_scale=0.4))
    seen = []
    for i, charge in enumerate([0.9, 0.5, 0.29, 0.25, 0.19, 0.15, 0.09, 0.08, 0.05, 0.0]):
        step = policy.update(volts(charge), now=100.0 * i)  # long apart: smoothing has settled
        seen.append((step.stage, step.changed, step.speed_scale, step.relax_and_park))
    assert seen == [
        (NORMAL, False, 1.0, False),
        (NORMAL, False, 1.0, False),
        (WARN, True, 1.0, False),
        (WARN, False, 1.0, False),
        (SLOW, True, 0.4, False),
        (SLOW, False, 0.4, False),
        (CRITICAL, True, 0.4, True),
        (CRITICAL, False, 0.4, False),
        (CRITICAL, False, 0.4, False),
        (CRITICAL, False, 0.4, False),
    ]


def test_a_short_sag_under_load_does_not_change_the_stage():
    policy = BatteryPolicy(SPEC, smoothing=5.0)
    policy.update(volts(0.35), now=0.0)
    step = policy.update(volts(0.35) - 0.5, now=1.0)  # 0.5 V sag for one second
    assert step.stage == NORMAL and step.charge > 0.3


def test_a_recharged_battery_ends_the_low_stages_but_not_just_above_a_level():
    policy = BatteryPolicy(SPEC, Levels(hysteresis=0.05))
    assert policy.update(volts(0.05), 0.0).stage == CRITICAL
    assert policy.update(volts(0.12), 100.0).stage == CRITICAL  # within the hysteresis
    step = policy.update(volts(0.95), 200.0)
    assert (step.stage, step.changed, step.speed_scale) == (NORMAL, True, 1.0)
    assert policy.update(volts(0.05), 300.0).relax_and_park  # a second episode acts again


@pytest.mark.parametrize("bad", [math.nan, math.inf, -1.0, 1e300, "12"])
def test_bad_readings_are_refused_and_change_nothing(bad):
    policy = BatteryPolicy(SPEC)
    policy.update(volts(0.5), 0.0)
    with pytest.raises(ValueError):
        policy.update(bad, 1.0)
    assert policy.update(volts(0.5), 2.0).charge == pytest.approx(0.5)


@pytest.mark.parametrize(
    "levels",
    [
        {"warn": 0.1, "slow": 0.2},
        {"critical": -0.1},
        {"warn": math.nan},
        {"slow_scale": 0.0},
        {"slow_scale": 2.0},
        {"hysteresis": math.inf},
    ],
)
def test_inconsistent_levels_are_refused(levels):
    with pytest.raises(ValueError):
        Levels(**levels)


@pytest.mark.parametrize("spec", [{"cells": 0}, {"cells": 2.5}, {"cell_empty": 4.3}])
def test_impossible_packs_are_refused(spec):
    with pytest.raises(ValueError):
        BatterySpec(**spec)


def test_the_governor_holds_a_slowed_base_to_its_scaled_limits():
    governor = VelocityGovernor(DriveLimits(max_linear=0.5, max_angular=2.0))
    governor.speed_scale = 0.4
    for i in range(1, 200):
        governor.command(0.5, -2.0, now=i * 0.02)
        linear, angular = governor.update(now=i * 0.02)
    assert linear == pytest.approx(0.2) and angular == pytest.approx(-0.8)
