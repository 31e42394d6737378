"""Wheel kinematics and encoder odometry: the base reports where it went."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terry.base.drive import EncoderOdometry, Pose2D, integrate_arc
from terry.model import DriveGeometry

GEOMETRY = DriveGeometry(wheel_radius=0.05, wheel_separation=0.3)
TICKS = 1000
speeds = st.floats(-3, 3, allow_nan=False)


@given(speeds, speeds)
def test_twist_to_wheel_speeds_round_trips(linear, angular):
    left, right = GEOMETRY.wheel_speeds(linear, angular)
    assert GEOMETRY.body_twist(left, right) == pytest.approx((linear, angular), abs=1e-9)


@pytest.mark.parametrize(
    ("linear", "angular", "same_sign"), [(0.3, 0.0, True), (0.0, 1.0, False), (-0.2, 0.0, True)]
)
def test_straight_drives_wheels_alike_and_spin_drives_them_apart(linear, angular, same_sign):
    left, right = GEOMETRY.wheel_speeds(linear, angular)
    assert (left == right) is same_sign
    assert (left == -right) is (not same_sign)


@pytest.mark.parametrize(("radius", "separation"), [(0, 0.3), (0.05, -1), (math.nan, 0.3)])
def test_bad_geometry_is_refused(radius, separation):
    with pytest.raises(ValueError, match="urdf"):
        DriveGeometry(radius, separation)


def ticks_for(metres: float) -> int:
    return round(metres / (2 * math.pi * GEOMETRY.wheel_radius) * TICKS)


def drive(odometry: EncoderOdometry, left_steps, right_steps, start=(0, 0)) -> None:
    left, right = start
    for t, (dl, dr) in enumerate(zip(left_steps, right_steps, strict=True), start=1):
        left, right = left + dl, right + dr
        odometry.update(left, right, t * 0.02)


def test_straight_run_is_measured_as_distance_along_heading():
    odometry = EncoderOdometry(GEOMETRY, TICKS)
    odometry.update(0, 0, 0.0)
    step = ticks_for(0.01)
    drive(odometry, [step] * 100, [step] * 100)
    assert odometry.pose.x == pytest.approx(100 * step / TICKS * 2 * math.pi * 0.05)
    assert odometry.pose.y == pytest.approx(0) and odometry.pose.yaw == pytest.approx(0)
    assert odometry.linear == pytest.approx(step / TICKS * 2 * math.pi * 0.05 / 0.02)


def test_full_spin_in_place_returns_to_start_heading():
    odometry = EncoderOdometry(GEOMETRY, TICKS)
    odometry.update(0, 0, 0.0)
    # one full body turn: each wheel travels pi * separation
    total = math.pi * GEOMETRY.wheel_separation / (2 * math.pi * GEOMETRY.wheel_radius) * TICKS
    steps = [total / 200] * 200
    left = [-round((i + 1) * s) + round(i * s) for i, s in enumerate(steps)]
    drive(odometry, left, [-v for v in left])
    assert abs(odometry.pose.x) < 1e-9 and abs(odometry.pose.y) < 1e-9
    assert math.cos(odometry.pose.yaw) == pytest.approx(1, abs=1e-4)
    assert odometry.angular > 0


def test_arc_ends_on_its_circle():
    pose = Pose2D()
    for _ in range(50):
        pose = integrate_arc(pose, 0.02, 0.02)  # radius 1 m, counter-clockwise
    assert math.hypot(pose.x, pose.y - 1.0) == pytest.approx(1.0)
    assert pose.yaw == pytest.approx(1.0)


@pytest.mark.parametrize("bits", [16, 32])
def test_counter_wrap_around_is_not_a_jump(bits):
    odometry = EncoderOdometry(GEOMETRY, TICKS, counter_bits=bits)
    top = (1 << (bits - 1)) - 5
    odometry.update(top, top, 0.0)
    wrapped = -(1 << (bits - 1)) + 5  # 10 ticks later, after wrapping
    odometry.update(wrapped, wrapped, 0.02)
    assert odometry.pose.x == pytest.approx(10 / TICKS * 2 * math.pi * 0.05)
    assert odometry.wheel_angles[0] == pytest.approx(10 / TICKS * 2 * math.pi)


def test_board_reset_restarts_counts_without_moving_the_pose():
    odometry = EncoderOdometry(GEOMETRY, TICKS)
    odometry.update(5000, 5000, 0.0)
    odometry.update(5100, 5100, 0.02)
    before = odometry.pose
    odometry.restart_counts()
    odometry.update(0, 0, 0.04)  # the board came back with its counters at zero
    assert odometry.pose == before
    odometry.update(100, 100, 0.06)
    assert odometry.pose.x == pytest.approx(2 * before.x)


def test_a_repeated_reading_does_not_read_as_a_stop():
    odometry = EncoderOdometry(GEOMETRY, TICKS)
    ticks, speeds = 0, []
    for i in range(60):  # reports at 50 Hz read by a 50 Hz loop out of step: some repeat
        ticks += 0 if i % 4 == 3 else 10
        odometry.update(ticks, ticks, i * 0.02)
        speeds.append(odometry.linear)
    steady = 7.5 / TICKS * 2 * math.pi * GEOMETRY.wheel_radius / 0.02  # 7.5 ticks a loop
    assert min(speeds[15:]) > 0.8 * steady and max(speeds[15:]) < 1.2 * steady
    for i in range(60, 80):
        odometry.update(ticks, ticks, i * 0.02)
    assert odometry.linear == 0.0, "stopped once the wheels stand still for a window"
