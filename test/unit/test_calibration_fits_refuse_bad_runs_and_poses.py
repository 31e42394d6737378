"""The calibration fits without ROS: odometry runs -> wheel radius and separation, six still IMU
poses -> gyro bias, accelerometer offsets and scale; runs or poses that cannot give a sensible
answer are refused with the reason; the files round-trip and a malformed one is named."""

from __future__ import annotations

import math

import numpy as np
import pytest

from terry.calibration.odometry import Run, drive_geometry_for, fit, save
from terry.model import DriveGeometry, drive_geometry, load_robot
from terry.sensors.imu_calibration import ImuCalibration, StillPose, load
from terry.sensors.imu_calibration import fit as fit_imu
from terry.sensors.imu_calibration import save as save_imu

NOMINAL = drive_geometry(load_robot())
TRUE = DriveGeometry(0.0362, 0.193)


def straight(distance: float, geometry: DriveGeometry = TRUE) -> Run:
    rolled = distance / geometry.wheel_radius
    return Run(rolled, rolled, distance=distance)


def turn(angle: float, geometry: DriveGeometry = TRUE) -> Run:
    wheel = angle * geometry.wheel_separation / 2 / geometry.wheel_radius
    return Run(-wheel, wheel, turn=angle)


def test_odometry_fit_recovers_radius_and_separation_from_runs_either_way():
    runs = [straight(1.0), straight(-0.8)], [turn(4 * math.pi), turn(-4 * math.pi)]
    fitted = fit(*runs, NOMINAL)
    assert fitted.wheel_radius == pytest.approx(TRUE.wheel_radius, rel=1e-9)
    assert fitted.wheel_separation == pytest.approx(TRUE.wheel_separation, rel=1e-9)


@pytest.mark.parametrize(
    ("straights", "turns", "reason"),
    [
        ([], [turn(2 * math.pi)], "at least one straight run"),
        ([Run(-20.0, -20.0, distance=0.7)], [turn(2 * math.pi)], "reversed motor or encoder"),
        ([straight(1.0)], [Run(5.0, -5.0, turn=2 * math.pi)], "the way the wheels do"),
        ([straight(1.0)], [turn(0.5)], "at least half a turn"),
        ([Run(28.0, 28.0, distance=100.0)], [turn(2 * math.pi)], "far from the URDF"),
    ],
)
def test_odometry_fit_refuses_runs_that_cannot_be_right(straights, turns, reason):
    with pytest.raises(ValueError, match=reason):
        fit(straights, turns, NOMINAL)


def test_odometry_file_overrides_the_urdf_and_a_bad_one_is_named(tmp_path):
    path = tmp_path / "odometry.yaml"
    assert drive_geometry_for(load_robot(), path)[0] == NOMINAL  # no file: the URDF's
    save(TRUE, path)
    geometry, source = drive_geometry_for(load_robot(), path)
    assert (geometry.wheel_radius, geometry.wheel_separation) == pytest.approx(
        (TRUE.wheel_radius, TRUE.wheel_separation)
    )
    assert str(path) in source
    path.write_text("wheel_radius: -0.03\n")
    with pytest.raises(ValueError, match=r"odometry\.yaml"):
        drive_geometry_for(load_robot(), path)
    path.write_text("wheel_radios: 0.03\n")
    with pytest.raises(ValueError, match="unknown keys"):
        drive_geometry_for(load_robot(), path)


FACES = [
    (0, 0),
    (math.pi, 0),
    (math.pi / 2, 0),
    (-math.pi / 2, 0),
    (0, -math.pi / 2),
    (0, math.pi / 2),
]
G = 9.80665


def poses(truth: ImuCalibration, faces=FACES, noise: float = 0.002) -> list[StillPose]:
    rng = np.random.default_rng(1)
    result = []
    for roll, pitch in faces:
        g = G * np.array(
            [-math.sin(pitch), math.sin(roll) * math.cos(pitch), math.cos(roll) * math.cos(pitch)]
        )
        accel = np.array(truth.accel_scale) * g + truth.accel_offset + rng.normal(0, noise, 3)
        result.append(
            StillPose(tuple(accel), tuple(np.array(truth.gyro_bias) + rng.normal(0, 1e-4, 3)))
        )
    return result


def test_imu_fit_recovers_bias_offsets_and_scale_and_applies_them():
    truth = ImuCalibration((0.02, -0.015, 0.01), (0.3, -0.2, 0.5), (1.03, 0.97, 1.05))
    fitted = fit_imu(poses(truth))
    assert fitted.gyro_bias == pytest.approx(truth.gyro_bias, abs=2e-4)
    assert fitted.accel_offset == pytest.approx(truth.accel_offset, abs=0.01)
    assert fitted.accel_scale == pytest.approx(truth.accel_scale, abs=0.002)
    level = poses(truth, [(0, 0)], noise=0.0)[0]
    assert fitted.accel(level.accel) == pytest.approx((0, 0, G), abs=0.02)
    assert fitted.gyro(truth.gyro_bias) == pytest.approx((0, 0, 0), abs=2e-4)


def test_imu_fit_refuses_too_few_or_one_sided_poses_and_the_file_round_trips(tmp_path):
    truth = ImuCalibration(accel_offset=(0.1, 0.1, 0.1))
    with pytest.raises(ValueError, match="six still poses"):
        fit_imu(poses(truth)[:5])
    with pytest.raises(ValueError, match="the x axis"):
        fit_imu(poses(truth, FACES[:4] * 2))
    path = tmp_path / "imu.yaml"
    assert load(path) == (None, path)
    fitted = fit_imu(poses(truth))
    save_imu(fitted, path)
    loaded, _ = load(path)
    assert loaded.accel_offset == pytest.approx(fitted.accel_offset, abs=1e-6)
    path.write_text("accel_scale: [1, 0, 1]\n")
    with pytest.raises(ValueError, match=r"imu\.yaml: accel_scale must be positive"):
        load(path)
