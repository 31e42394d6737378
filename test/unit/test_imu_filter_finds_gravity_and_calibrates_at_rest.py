"""The ROS-free IMU core: Madgwick's filter finds roll and pitch from gravity through gyro noise
and follows a turn the gyro reports; the gyro calibration averages the bias only while at rest.
"""

from __future__ import annotations

import math
import random

import pytest

from terry.sensors.imu import ImuSettings
from terry.sensors.imu_filter import GyroCalibration, Madgwick

G = 9.80665


def gravity(roll: float, pitch: float) -> tuple[float, float, float]:
    return (
        -math.sin(pitch) * G,
        math.sin(roll) * math.cos(pitch) * G,
        math.cos(roll) * math.cos(pitch) * G,
    )


@pytest.mark.parametrize("roll, pitch", [(0.0, 0.0), (0.3, -0.2), (-1.0, 0.5)])
def test_filter_converges_on_roll_and_pitch_through_noise(roll, pitch):
    rng = random.Random(1)
    f = Madgwick(beta=0.1)
    f.start(gravity(0.0, 0.0))  # starts level, then must find the true tilt
    for _ in range(3000):  # 15 s at 200 Hz
        accel = tuple(a + rng.gauss(0, 0.05) for a in gravity(roll, pitch))
        gyro = tuple(rng.gauss(0, 0.005) for _ in range(3))
        f.update(gyro, accel, 0.005)
    got_roll, got_pitch, _yaw = f.roll_pitch_yaw()
    assert got_roll == pytest.approx(roll, abs=0.02)
    assert got_pitch == pytest.approx(pitch, abs=0.02)


def test_filter_integrates_a_turn_about_z():
    f = Madgwick(beta=0.05)
    for _ in range(200):  # 1 s at 0.5 rad/s about z, level
        f.update((0.0, 0.0, 0.5), gravity(0.0, 0.0), 0.005)
    assert f.roll_pitch_yaw()[2] == pytest.approx(0.5, abs=1e-3)


def test_calibration_averages_the_bias_at_rest_and_restarts_when_moved():
    rng = random.Random(2)
    bias = (0.02, -0.015, 0.01)
    cal = GyroCalibration(samples=100)
    for i in range(100):  # moved halfway through the first window
        turn = 0.5 if i == 50 else 0.0
        assert not cal.add(tuple(b + rng.gauss(0, 0.002) + turn for b in bias))
    assert cal.restarts == 1
    done = [cal.add(tuple(b + rng.gauss(0, 0.002) for b in bias)) for _ in range(100)]
    assert done[-1] and not any(done[:-1])
    assert cal.bias == pytest.approx(bias, abs=1e-3)
    assert cal.correct(bias) == pytest.approx((0, 0, 0), abs=1e-3)


@pytest.mark.parametrize(
    "settings", [ImuSettings(3, 500, 200), ImuSettings(4, 300, 200), ImuSettings(4, 500, 1000)]
)
def test_ranges_and_rates_the_firmware_cannot_do_are_refused(settings):
    with pytest.raises(ValueError, match=r"choose one of|the firmware samples at"):
        settings.check()


@pytest.mark.parametrize("beta", [math.nan, -0.1])
def test_a_nonsense_filter_gain_is_refused(beta):
    with pytest.raises(ValueError, match="beta"):
        Madgwick(beta)
