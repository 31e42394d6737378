"""The obstacle guard: forward speed falls as an obstacle ahead nears, to zero before it enters
the Kinect's blind spot; a Kinect turned away from the way ahead caps the speed."""

import math

import numpy as np
import pytest

from terry.base.drive import DriveLimits, Pose2D, VelocityGovernor
from terry.base.guard import GuardSettings, forward_speed_limit
from terry.sim.world import DepthScanner

SETTINGS = GuardSettings(robot_radius=0.18, deceleration=1.0)
KINECT = DepthScanner()
CAMERA = Pose2D(0.0, 0.0, 0.0)


def wall_scan(distance: float, sensor_yaw: float = 0.0) -> np.ndarray:
    """Ranges to a wall across the base's path at x = distance, seen from the camera."""
    angles = sensor_yaw + KINECT.angles
    with np.errstate(divide="ignore"):
        ranges = distance / np.cos(angles)
    ranges[(np.cos(angles) <= 0) | (ranges > KINECT.range_max)] = np.nan
    ranges[ranges < KINECT.range_min] = np.nan
    return ranges


@pytest.mark.parametrize("distance", [3.0, 1.5, 1.0, 0.7])
def test_speed_limit_is_what_still_stops_short_of_the_blind_spot(distance):
    limit = forward_speed_limit(wall_scan(distance), KINECT.angles, CAMERA, SETTINGS)
    stopping = limit**2 / (2 * SETTINGS.deceleration)
    assert distance - stopping == pytest.approx(SETTINGS.range_min + SETTINGS.margin)


def test_limit_falls_as_the_obstacle_nears_and_is_zero_at_the_blind_spot():
    limits = [
        forward_speed_limit(wall_scan(d), KINECT.angles, CAMERA, SETTINGS)
        for d in (3.0, 2.0, 1.0, 0.6, 0.5)
    ]
    assert limits == sorted(limits, reverse=True) and limits[-1] == 0.0


def test_obstacle_beside_the_path_does_not_slow_the_base():
    ranges = np.full(KINECT.beams, np.nan)
    ranges[-1] = 0.8 / math.sin(KINECT.angles[-1])  # a post 0.8 m to the left, at the FOV's edge
    assert forward_speed_limit(ranges, KINECT.angles, CAMERA, SETTINGS) == math.inf


def test_kinect_turned_away_caps_forward_speed():
    turned = Pose2D(0.0, 0.0, math.radians(90))  # panned to look left
    limit = forward_speed_limit(wall_scan(5.0, 0.0), KINECT.angles, turned, SETTINGS)
    assert limit == SETTINGS.blind_speed


def test_governor_brakes_to_the_cap_and_keeps_turning():
    governor = VelocityGovernor(DriveLimits())
    governor.update(0.0)
    for i in range(1, 100):
        governor.command(0.5, 0.5, i * 0.02)
        governor.update(i * 0.02)
    governor.forward_cap = 0.0
    for i in range(100, 160):
        governor.command(0.5, 0.5, i * 0.02)
        linear, angular = governor.update(i * 0.02)
    assert linear == 0.0 and angular == pytest.approx(0.5)
