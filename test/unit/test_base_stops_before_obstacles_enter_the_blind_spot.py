"""The obstacle guard: forward speed falls as an obstacle ahead nears, to zero before it enters
the Kinect's blind spot; a Kinect turned away from the way ahead, or no return ahead, caps the
speed; what a radar remembers of the way ahead counts while the Kinect looks away."""

import math

import numpy as np
import pytest

from terry.base.drive import DriveLimits, Pose2D, VelocityGovernor
from terry.base.guard import GuardSettings, forward_speed_limit
from terry.sensors.radar import Radar, SectorScan
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
    ranges = wall_scan(6.0)
    clear = forward_speed_limit(ranges, KINECT.angles, CAMERA, SETTINGS)
    ranges[-1] = 0.8 / math.sin(KINECT.angles[-1])  # a post 0.8 m to the left, at the FOV's edge
    assert forward_speed_limit(ranges, KINECT.angles, CAMERA, SETTINGS) == clear > 2.0


def test_no_return_ahead_is_blind_not_free():
    """An obstacle inside the blind spot (or nothing in range) gives the Kinect no return: the
    way ahead is unknown, not clear."""
    ranges = wall_scan(0.3)  # all NaN: the wall is nearer than range_min
    assert np.isnan(ranges).all()
    assert forward_speed_limit(ranges, KINECT.angles, CAMERA, SETTINGS) == SETTINGS.blind_speed
    ranges[-1] = 0.8 / math.sin(KINECT.angles[-1])  # a post beside says nothing of the way ahead
    assert forward_speed_limit(ranges, KINECT.angles, CAMERA, SETTINGS) == SETTINGS.blind_speed


def kinect_frame(ranges: np.ndarray) -> SectorScan:
    return SectorScan(
        ranges, KINECT.angles[0], KINECT.angle_increment, KINECT.range_min, KINECT.range_max
    )


def circle_limit(radar: Radar, stamp: float, base: Pose2D) -> float:
    angles = radar.angle_min + radar.angle_increment * np.arange(radar.bins)
    return forward_speed_limit(radar.ranges(stamp, base), angles, Pose2D(), SETTINGS, 0.0)


def test_remembered_wall_stops_the_base_inside_the_blind_spot():
    """Seen on the way in, a wall 0.3 m ahead (no return now) still stops the base."""
    radar = Radar(max_age=45.0, max_travel=2.0, max_turn=math.pi)
    for t, x in enumerate((0.0, 0.5, 1.2)):  # a wall at x = 1.5; the Kinect looks ahead
        base = Pose2D(x, 0.0, 0.0)
        radar.add(float(t), kinect_frame(wall_scan(1.5 - x)), base, base)
    assert np.isnan(wall_scan(0.3)).all()  # what the Kinect sees from x = 1.2
    assert circle_limit(radar, 2.0, Pose2D(1.2, 0.0, 0.0)) == 0.0


def test_remembered_look_ahead_keeps_the_way_known_while_the_kinect_looks_away():
    radar = Radar(max_age=45.0, max_travel=2.0, max_turn=math.pi)
    start = Pose2D()
    radar.add(0.0, kinect_frame(wall_scan(3.0)), start, start)  # a wall 3 m ahead
    for t, x in enumerate((0.3, 0.6, 0.9), start=1):  # then the Kinect sweeps the left side
        base = Pose2D(x, 0.0, 0.0)
        radar.add(float(t), kinect_frame(np.full(KINECT.beams, np.nan)), Pose2D(x, 0.0, 1.6), base)
    limit = circle_limit(radar, 4.0, Pose2D(0.9, 0.0, 0.0))
    expected = forward_speed_limit(wall_scan(2.1), KINECT.angles, CAMERA, SETTINGS)
    assert limit == pytest.approx(expected, rel=0.05)
    assert circle_limit(Radar(), 0.0, Pose2D()) == SETTINGS.blind_speed  # nothing seen yet


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
