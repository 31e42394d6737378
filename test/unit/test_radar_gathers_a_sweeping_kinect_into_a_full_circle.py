"""The radar (terry.sensors.radar): the sweeping Kinect's narrow scans become one full circle of
ranges around the pan axis, each sector where the Kinect pointed, corrected for the robot's
motion; unseen bearings stay unknown (NaN), old returns expire, bad input changes nothing.

The room is a 6 x 4 m box, so the true range along any ray is known exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terry.base.drive import Pose2D
from terry.sensors.radar import Radar, SectorScan

HALF = (3.0, 2.0)  # the room: |x| <= 3, |y| <= 2 in odom
FOV, BEAMS = math.radians(57), 640
CAMERA = 0.03  # m from the pan axis to the depth camera, as in the URDF
RANGE_MIN, RANGE_MAX = 0.45, 8.0


def box_range(x: float, y: float, angles: np.ndarray) -> np.ndarray:
    """Distance from (x, y) inside the room to its walls along each angle."""
    c, s = np.cos(angles), np.sin(angles)
    with np.errstate(divide="ignore"):
        tx = np.where(c > 0, (HALF[0] - x) / c, np.where(c < 0, (-HALF[0] - x) / c, np.inf))
        ty = np.where(s > 0, (HALF[1] - y) / s, np.where(s < 0, (-HALF[1] - y) / s, np.inf))
    return np.minimum(tx, ty)


def kinect(origin: Pose2D, pan: float) -> tuple[SectorScan, Pose2D]:
    """What the Kinect sees with the base's pan axis at `origin` and the pan at `pan`."""
    heading = origin.yaw + pan
    sensor = Pose2D(
        origin.x + CAMERA * math.cos(heading), origin.y + CAMERA * math.sin(heading), heading
    )
    angles = -FOV / 2 + FOV / (BEAMS - 1) * np.arange(BEAMS)
    ranges = box_range(sensor.x, sensor.y, heading + angles)
    ranges[(ranges < RANGE_MIN) | (ranges > RANGE_MAX)] = np.nan  # what the Kinect reports
    return SectorScan(ranges, -FOV / 2, FOV / (BEAMS - 1), RANGE_MIN, RANGE_MAX), sensor


def sweep(radar: Radar, path, pans, start: float = 0.0, rate: float = 10.0) -> float:
    """Feed the radar one scan per pose and pan angle, `rate` a second; the last stamp."""
    stamp = start
    for i, (origin, pan) in enumerate(zip(path, pans, strict=True)):
        stamp = start + i / rate
        scan, sensor = kinect(origin, pan)
        radar.add(stamp, scan, sensor, origin)
    return stamp


def truth(radar: Radar, origin: Pose2D) -> np.ndarray:
    bearings = radar.angle_min + radar.angle_increment * np.arange(radar.bins)
    return box_range(origin.x, origin.y, origin.yaw + bearings)


def full_turn(speed: float = 0.17, rate: float = 10.0) -> np.ndarray:
    """Pan angles of one full sweep at the pan unit's top speed, one per scan."""
    return np.arange(0, 2 * math.pi + FOV, speed / rate)


def test_a_full_sweep_standing_still_sees_every_wall_all_around_from_the_pan_axis():
    radar, origin = Radar(), Pose2D(0.5, -0.3, 0.4)
    pans = full_turn()
    end = sweep(radar, [origin] * len(pans), pans)
    seen = radar.ranges(end, origin)
    assert np.isfinite(seen).all(), "every bearing of the circle was seen"
    # a bin holds a point up to half a bin off its centre bearing: the wall's range may differ
    assert np.abs(seen - truth(radar, origin)).max() < 0.05
    assert len(radar) <= 4 * radar.bins, "a few points per bearing are kept, not every scan"


def test_a_half_sweep_leaves_the_unseen_half_unknown_not_free():
    radar, origin = Radar(), Pose2D(0.0, 0.0, 0.0)
    pans = np.arange(0, math.pi / 2, 0.017)  # the Kinect looked from -28 to +118 degrees
    end = sweep(radar, [origin] * len(pans), pans)
    seen = radar.ranges(end, origin)
    bearings = radar.angle_min + radar.angle_increment * np.arange(radar.bins)
    looked = (bearings > -FOV / 2 + 0.02) & (bearings < math.pi / 2 + FOV / 2 - 0.05)
    assert np.isfinite(seen[looked]).all()
    assert np.isnan(seen[(bearings < -FOV / 2 - 0.02) | (bearings > 2.2)]).all()


def test_walls_stay_where_they_are_while_the_robot_drives_and_turns_during_the_sweep():
    radar = Radar(max_travel=2.0, max_turn=2.0)
    pans = full_turn()
    t = np.linspace(0, 1, len(pans))
    path = [Pose2D(-1.0 + 1.5 * f, -0.5 + 0.6 * f, 0.8 * f) for f in t]
    end = sweep(radar, path, pans)
    seen = radar.ranges(end, path[-1])
    assert np.isfinite(seen).mean() > 0.99, "the circle stays full while stored points shift bins"
    both = np.isfinite(seen)
    assert np.abs(seen[both] - truth(radar, path[-1])[both]).max() < 0.06


def test_returns_expire_after_one_sweep_period_and_when_the_base_moves_or_turns_too_far():
    scan, sensor = kinect(Pose2D(), 0.0)
    for later, origin in [
        (41.0, Pose2D()),  # older than max_age
        (1.0, Pose2D(1.1, 0.0, 0.0)),  # base moved more than max_travel
        (1.0, Pose2D(0.0, 0.0, -1.2)),  # base turned more than max_turn
    ]:
        radar = Radar(max_age=40.0, max_travel=1.0, max_turn=1.0)
        radar.add(0.0, scan, sensor, Pose2D())
        assert np.isfinite(radar.ranges(0.5, Pose2D())).sum() > 100
        assert np.isnan(radar.ranges(later, origin)).all(), (later, origin)


def test_the_newest_return_wins_a_bearing_so_a_moved_obstacle_is_not_seen_twice():
    radar, origin = Radar(), Pose2D()
    near = SectorScan(np.full(BEAMS, 1.0), -FOV / 2, FOV / (BEAMS - 1), RANGE_MIN, RANGE_MAX)
    far = SectorScan(np.full(BEAMS, 2.5), -FOV / 2, FOV / (BEAMS - 1), RANGE_MIN, RANGE_MAX)
    radar.add(0.0, near, origin, origin)  # something 1 m ahead...
    radar.add(0.1, far, origin, origin)  # ...gone: the wall behind it
    ahead = radar.ranges(0.2, origin)[radar.bins // 2 - 10 : radar.bins // 2 + 10]
    assert ahead == pytest.approx(2.5)


def test_the_nearest_point_wins_a_bearing_so_no_ray_passes_through_an_edge_seen_before():
    # a door frame's edge 1 m ahead, seen first; then, a little to its side (another stored
    # bearing, the same output bin), the wall 2.5 m behind the door: the circle says 1 m there,
    # and gmapping draws no free ray through the frame
    radar, origin = Radar(), Pose2D()
    edge = SectorScan(np.array([1.0]), math.radians(0.1), 0.001, RANGE_MIN, RANGE_MAX)
    behind = SectorScan(np.array([2.5]), math.radians(-0.1), 0.001, RANGE_MIN, RANGE_MAX)
    radar.add(0.0, edge, origin, origin)
    radar.add(0.1, behind, origin, origin)
    assert radar.ranges(0.2, origin)[radar.bins // 2] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "bad",
    [
        {"stamp": math.nan},
        {"stamp": math.inf},
        {"sensor": Pose2D(math.nan, 0.0, 0.0)},
        {"origin": Pose2D(0.0, 1e300, 0.0)},
        {"origin": Pose2D(0.0, 0.0, math.inf)},
    ],
)
def test_bad_poses_and_stamps_are_refused_and_change_nothing(bad):
    radar, origin = Radar(), Pose2D()
    pans = np.arange(0, 1.0, 0.017)
    end = sweep(radar, [origin] * len(pans), pans)
    before = radar.ranges(end, origin)
    scan, sensor = kinect(origin, 3.0)
    args = {"stamp": end + 0.1, "scan": scan, "sensor": sensor, "origin": origin} | bad
    with pytest.raises(ValueError):
        radar.add(**args)
    np.testing.assert_array_equal(radar.ranges(end, origin), before)


@pytest.mark.parametrize(
    "fields",
    [
        {"ranges": np.zeros((2, 3))},
        {"ranges": []},
        {"angle_increment": 0.0},
        {"angle_min": math.nan},
        {"angle_increment": 1e300},
        {"range_min": 9.0},
        {"range_max": math.inf},
    ],
)
def test_malformed_scans_are_refused_with_a_reason(fields):
    good = {
        "ranges": np.ones(10),
        "angle_min": -0.5,
        "angle_increment": 0.1,
        "range_min": RANGE_MIN,
        "range_max": RANGE_MAX,
    }
    with pytest.raises(ValueError, match="scan"):
        SectorScan(**(good | fields))


@pytest.mark.parametrize(
    "settings_",
    [{"bins": 0}, {"bins": 7.5}, {"range_max": -1.0}, {"max_age": math.nan}, {"max_turn": 0.0}],
)
def test_nonsense_settings_are_refused(settings_):
    with pytest.raises(ValueError):
        Radar(**settings_)


@settings(max_examples=60, deadline=None)
@given(
    x=st.floats(-50, 50),
    y=st.floats(-50, 50),
    yaw=st.floats(-math.pi, math.pi),
    pan=st.floats(-10, 10),
)
def test_where_odom_happens_to_be_changes_nothing_the_radar_sees(x, y, yaw, pan):
    """The same scan from the same place on the robot gives the same circle, however the robot's
    odometry frame is placed: only the sensor relative to the radar frame matters."""
    scan, sensor = kinect(Pose2D(), pan)
    reference = Radar()
    reference.add(0.0, scan, sensor, Pose2D())
    c, s = math.cos(yaw), math.sin(yaw)
    moved = Radar()
    moved_sensor = Pose2D(x + c * sensor.x - s * sensor.y, y + s * sensor.x + c * sensor.y, yaw)
    moved_sensor = Pose2D(moved_sensor.x, moved_sensor.y, sensor.yaw + yaw)
    moved.add(0.0, scan, moved_sensor, Pose2D(x, y, yaw))
    a, b = reference.ranges(0.0, Pose2D()), moved.ranges(0.0, Pose2D(x, y, yaw))
    same = np.isfinite(a) & np.isfinite(b)
    assert same.sum() >= 0.98 * np.isfinite(a).sum()  # a point on a bin edge may change bins
    assert np.abs(a[same] - b[same]).max() < 1e-6
