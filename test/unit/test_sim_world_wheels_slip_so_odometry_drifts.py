"""Wheel odometry errs in simulation as on a real floor: the robot travels less than its
encoders count and curves when the wheels' radii differ; seeded, and off when not asked for."""

import math

import pytest

from terry.base.drive import Pose2D
from terry.model import DriveGeometry
from terry.paths import package_file
from terry.sim.wheel_slip import WheelSlip
from terry.sim.world import OccupancyMap, World

GEOMETRY = DriveGeometry(wheel_radius=0.035, wheel_separation=0.2)


def drive_one_metre(slip: WheelSlip | None) -> Pose2D:
    grid = OccupancyMap.load(package_file("maps", "apartment.yaml"))
    world = World(grid, GEOMETRY, robot_radius=0.2, pose=Pose2D(-1.0, 0.0, 0.0), slip=slip)
    step = 0.01 / GEOMETRY.wheel_radius  # 1 cm of encoder travel per update
    for _ in range(100):
        assert world.roll(step, step)
    return world.pose


def test_without_slip_the_robot_goes_where_the_encoders_say():
    pose = drive_one_metre(None)
    assert (pose.x, pose.y, pose.yaw) == pytest.approx((0.0, 0.0, 0.0), abs=1e-9)


def test_slip_shortens_the_trip_and_unequal_radii_curve_it():
    pose = drive_one_metre(WheelSlip(radius_error=(0.01, -0.01), slip=0.02, seed=3))
    travelled = math.hypot(pose.x + 1.0, pose.y)
    assert 0.96 < travelled < 0.995, "half-normal slip of 2 % loses about 1.6 %"
    assert pose.yaw == pytest.approx(-0.02 / GEOMETRY.wheel_separation, rel=0.2), "curves right"


def test_same_seed_same_run_other_seed_other_run():
    a, b = (drive_one_metre(WheelSlip(seed=7)) for _ in range(2))
    c = drive_one_metre(WheelSlip(seed=8))
    assert a == b and a != c


@pytest.mark.parametrize(
    "kwargs",
    [{"slip": -0.1}, {"slip": math.nan}, {"radius_error": (0.5, 0.0)}, {"radius_error": (0.0,)}],
)
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        WheelSlip(**kwargs)


def test_non_finite_wheel_turns_are_refused():
    with pytest.raises(ValueError):
        WheelSlip().on_ground(math.inf, 0.0)
